"""The frame guard's command side: build a scene under dry_run with the checker attached.

The checks themselves live with the scenes (:mod:`mathviz_scenes.components.quality`);
this module only finds the scene, builds its story once and runs it. :func:`check_scene`
takes a registered explainer; :func:`check_file` any Manim Community scene in a Python
file (``mathviz check path/to/file.py:SceneClass``), with the layout checks only
(off-frame, overlap, text over curves, tiny text), since a plain scene has no story to
compare its numbers with.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mathviz.pipeline import registry
from mathviz.story import Story
from mathviz_scenes.components.look import Look
from mathviz_scenes.components.quality import CONTRAST_CHECKS, SHAPE_CHECKS, FrameChecker

__all__ = ["SceneFileError", "check_file", "check_scene", "check_scene_class", "find_scene_class", "parse_scene_reference",
           "undrawn"]


class SceneFileError(ValueError):
    """A ``file.py:SceneClass`` reference that names no usable scene; the message is one line."""


def check_scene(name: str, overrides: Mapping[str, str] | None = None, *, story: Story | None = None,
                media_dir: Path | str | None = None, quality: str = "low_quality",
                extra_config: Mapping[str, Any] | None = None, lang: str = "en",
                look: Look | None = None, shapes: bool | None = None, contrast: bool | None = None) -> FrameChecker:
    """Construct scene ``name`` under dry_run with the guard attached; return the finished checker.

    Pass ``story`` when it is already computed (``mathviz check`` and ``render`` build it once);
    otherwise it is built from ``overrides``. ``check_scene(...).findings`` lists what the guard
    found; ``frames_checked`` says how many frames it saw. ``shapes`` turns the shape checks on or
    off (default: :data:`~mathviz_scenes.components.quality.SHAPE_CHECKS`), ``contrast`` the contrast check.
    """
    spec = registry.get(name)
    if story is None:
        story = spec.build_story(overrides)
    with _dry_run(media_dir, quality, extra_config):
        scene = undrawn(spec.scene_class()(story=story, lang=lang, look=look))
        checker = FrameChecker(scene, shapes=SHAPE_CHECKS if shapes is None else shapes,
                               contrast=CONTRAST_CHECKS if contrast is None else contrast).attach()
        scene.render()
        checker.finish()
        return checker


def undrawn(scene: Any) -> Any:
    """``scene`` with a renderer that steps every frame but draws none.

    Manim's ``dry_run`` still rasterises each frame only to drop it; the guard reads mobjects, never pixels
    (a fifth to a third less CPU for a 2D scene, up to two fifths for a 3D one).
    """
    from mathviz.pipeline.fastforward import install_renderer

    install_renderer(scene, first=None)
    return scene


@contextmanager
def _dry_run(media_dir: Path | str | None, quality: str, extra_config: Mapping[str, Any] | None) -> Iterator[None]:
    from manim import tempconfig

    with tempfile.TemporaryDirectory(prefix="mathviz-check-") as tmp:
        cfg = {
            "dry_run": True,
            "disable_caching": True,
            "media_dir": str(media_dir or tmp),
            "quality": quality,
            "verbosity": "ERROR",
            "progress_bar": "none",
            "write_to_movie": False,
            **(extra_config or {}),
        }
        with tempconfig(cfg):
            yield


_CLASS_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def parse_scene_reference(text: str) -> tuple[Path, str | None]:
    """``"path/to/file.py:SceneClass"`` -> (path, class name); the class may be left out (``file.py``)."""
    path_text, sep, class_name = text.rpartition(":")
    if not sep or not path_text.endswith(".py"):  # "file.py" alone (or a drive letter's colon)
        path_text, class_name = text, ""
    path = Path(path_text)
    if path.suffix != ".py":
        raise SceneFileError(f"{text[:80]!r}: expected path/to/file.py:SceneClass")
    if class_name and not _CLASS_NAME.fullmatch(class_name):
        raise SceneFileError(f"{class_name[:40]!r} is not a class name")
    if not path.is_file():
        raise SceneFileError(f"{path}: no such file")
    return path, class_name or None


def _load_module(path: Path) -> Any:
    """Import the user's scene file as a fresh module (its folder first on sys.path, as ``manim file.py`` does)."""
    name = f"mathviz_check_{abs(hash(path.resolve()))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SceneFileError(f"{path}: cannot be imported as Python")
    module = importlib.util.module_from_spec(spec)
    folder = str(path.resolve().parent)
    sys.path.insert(0, folder)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        raise SceneFileError(f"{path}:{exc.lineno}: syntax error: {exc.msg}") from None
    finally:
        sys.path.remove(folder)
    return module


def find_scene_class(path: Path, class_name: str | None) -> type:
    """The Manim Scene subclass ``class_name`` defined in ``path`` (the only one there when not named)."""
    from manim import Scene

    module = _load_module(path)
    scenes = sorted(name for name, value in vars(module).items()
                    if isinstance(value, type) and issubclass(value, Scene) and value.__module__ == module.__name__)
    if class_name is None:
        if len(scenes) != 1:
            found = ", ".join(scenes) or "none"
            raise SceneFileError(f"{path}: name the scene as {path}:SceneClass (scenes defined there: {found})")
        class_name = scenes[0]
    found_class = getattr(module, class_name, None)
    if not (isinstance(found_class, type) and issubclass(found_class, Scene)):
        raise SceneFileError(f"{path}: no Manim Scene class {class_name!r} (scenes defined there: {', '.join(scenes) or 'none'})")
    return found_class


def check_file(path: Path | str, class_name: str | None = None, *, media_dir: Path | str | None = None,
               quality: str = "low_quality", extra_config: Mapping[str, Any] | None = None) -> FrameChecker:
    """Construct a plain Manim scene from ``path`` under dry_run with the layout checks attached.

    Reports off-frame, overlapping and tiny text and text over curves exactly as for the
    explainers; numbers are not checked (a plain scene has no story). Raises
    :class:`SceneFileError` when ``path`` names no usable scene.
    """
    return check_scene_class(find_scene_class(Path(path), class_name), media_dir=media_dir, quality=quality,
                             extra_config=extra_config)


def check_scene_class(scene_class: type, *, media_dir: Path | str | None = None, quality: str = "low_quality",
                      extra_config: Mapping[str, Any] | None = None, shapes: bool | None = None,
                      contrast: bool | None = None) -> FrameChecker:
    """Construct ``scene_class()`` (any Manim scene) under dry_run with the layout checks attached.

    ``shapes`` and ``contrast`` as for :func:`check_scene` (default: on).
    """
    with _dry_run(media_dir, quality, extra_config):
        scene = undrawn(scene_class())
        checker = FrameChecker(scene, check_numbers=False, caption_band=False,
                               shapes=SHAPE_CHECKS if shapes is None else shapes,
                               contrast=CONTRAST_CHECKS if contrast is None else contrast).attach()
        scene.render()
        checker.finish()
        return checker
