"""Shared fixtures: scenes built under Manim's dry_run with config isolated per test."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

# Scenes are constructed, never shown; keep Manim quiet and off any display.
os.environ.setdefault("MANIM_RENDERER", "cairo")
# pytest-xdist already runs one test per core: renders in the suite use one process unless a test asks
# for --jobs (the chunked-render tests do, explicitly).
os.environ.setdefault("MATHVIZ_JOBS", "1")


#: This process's folder of typeset glyphs (set once per session, one per xdist worker: see glyph_cache).
_GLYPHS: list[Path] = []


@pytest.fixture(scope="session", autouse=True)
def _glyph_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    _GLYPHS[:] = [tmp_path_factory.mktemp("glyphs")]


def glyph_cache() -> dict[str, str]:
    """Manim config naming one folder per test process for typeset text (Pango) and formulas (Typst).

    Manim keeps each typeset string as an SVG named by a hash of everything that shapes it, and its
    in-memory SVG cache is keyed by that file's path, so builds sharing the folder typeset and parse
    a formula once instead of once per build (a second build of a scene takes ~40% less CPU).
    For dry-run builds only: chunked renders copy their plan's own folders (mathviz.pipeline.chunks).
    """
    if not _GLYPHS:  # outside a pytest session
        _GLYPHS.append(Path(tempfile.mkdtemp(prefix="mathviz-glyphs-")))
    return {"tex_dir": str(_GLYPHS[0] / "Tex"), "text_dir": str(_GLYPHS[0] / "texts")}


def dry_run_config(media_dir: Path, *, quality: str = "low_quality", frame_rate: float | None = None,
                   extra_config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Manim config for building a scene under dry_run: nothing written, nothing shown, quiet.

    Typeset text and formulas are shared by the process's builds (:func:`glyph_cache`).
    ``frame_rate`` (if given) replaces the quality's own rate; ``extra_config`` is applied last.
    """
    cfg: dict[str, Any] = {
        "dry_run": True,
        "disable_caching": True,
        "media_dir": str(media_dir),
        "quality": quality,
        "verbosity": "ERROR",
        "progress_bar": "none",
        "write_to_movie": False,
        **glyph_cache(),
    }
    if frame_rate is not None:
        cfg["frame_rate"] = frame_rate
    cfg.update(extra_config or {})
    return cfg


@contextmanager
def dry_run_scene(name: str, overrides: Mapping[str, str] | None = None, *, media_dir: Path,
                  quality: str = "low_quality", lang: str = "en", frame_rate: float | None = None,
                  extra_config: Mapping[str, Any] | None = None, look: Any = None) -> Iterator[Any]:
    """``with dry_run_scene(...) as scene:`` -> scene ``name`` (story from ``overrides``), not yet rendered.

    ``look`` is a :class:`~mathviz_scenes.components.look.Look` (theme, aspect, captions); default dark 16:9.

    The block runs under :func:`dry_run_config`, so a test can wrap the scene's methods or call its
    builders before (or instead of) ``scene.render()``.
    """
    from manim import tempconfig

    from mathviz.pipeline import registry

    spec = registry.get(name)
    story = spec.build_story(overrides)
    with tempconfig(dry_run_config(media_dir, quality=quality, frame_rate=frame_rate, extra_config=extra_config)):
        scene = spec.scene_class()(story=story, lang=lang, look=look)
        # steps every frame, draws none, as mathviz check does
        from mathviz.pipeline.check import undrawn

        undrawn(scene)
        yield scene


def construct_scene(name: str, overrides: Mapping[str, str] | None = None, *, media_dir: Path,
                    quality: str = "low_quality", lang: str = "en", frame_rate: float | None = None,
                    extra_config: Mapping[str, Any] | None = None, look: Any = None):
    """Build scene ``name`` from the registry with ``overrides`` and run construct() under dry_run.

    Returns the finished scene: its mobjects are in their final state and
    ``scene.story`` is the story it drew.
    """
    with dry_run_scene(name, overrides, media_dir=media_dir, quality=quality, lang=lang, frame_rate=frame_rate,
                       extra_config=extra_config, look=look) as scene:
        scene.render()
    return scene


def build_checked(name: str, overrides: Mapping[str, str] | None = None, *, media_dir: Path,
                  frame_rate: float | None = None, lang: str = "en", quality: str = "low_quality", look: Any = None,
                  shapes: bool | None = None, contrast: bool | None = None):
    """Like :func:`construct_scene`, with the frame-quality guard attached for the whole build.

    Returns ``(scene, findings)``: the finished scene and the guard's findings (``[]`` when every
    checked frame was clean). A module-scoped fixture calls this once per parameter set; pass a low
    ``frame_rate`` (2-5): dry_run still steps through every frame.
    """
    from mathviz_scenes.components.quality import CONTRAST_CHECKS, SHAPE_CHECKS, FrameChecker

    with dry_run_scene(name, overrides, media_dir=media_dir, quality=quality, lang=lang,
                       frame_rate=frame_rate, look=look) as scene:
        checker = FrameChecker(scene, shapes=SHAPE_CHECKS if shapes is None else shapes,
                               contrast=CONTRAST_CHECKS if contrast is None else contrast).attach()
        scene.render()
        return scene, checker.finish()


@pytest.fixture
def build_scene(tmp_path: Path) -> Callable[..., Any]:
    """``build_scene("derivative", {"x0": "0.5"})`` -> the constructed scene (dry_run)."""

    def build(name: str, overrides: Mapping[str, str] | None = None, **kwargs: Any):
        return construct_scene(name, overrides, media_dir=tmp_path / "media", **kwargs)

    return build


TINY_RENDER = {"pixel_width": 256, "pixel_height": 144, "frame_rate": 5}
#: The per-scene tiny renders (``tiny_render``) check size, length, frame count and motion: 2 fps tests all
#: of that at less than half the cost of 5 fps (every frame is still built, drawn and encoded).
SCENE_RENDER = {**TINY_RENDER, "frame_rate": 2}


def render_tiny(name: str, overrides: Mapping[str, str] | None, *, media_dir: Path) -> Path:
    """Really render scene ``name`` at 256x144, 2 fps (:data:`SCENE_RENDER`); the mp4's path (for PyAV checks)."""
    from manim import tempconfig

    from mathviz.pipeline import registry

    spec = registry.get(name)
    story = spec.build_story(overrides)
    cfg = {
        "disable_caching": True,
        "media_dir": str(media_dir),
        "verbosity": "ERROR",
        "progress_bar": "none",
        "output_file": str(media_dir / name),  # absolute: Manim puts its .srt beside it, not in the cwd
        **SCENE_RENDER,
    }
    with tempconfig(cfg):
        scene = spec.scene_class()(story=story)
        scene.render()
        return Path(scene.renderer.file_writer.movie_file_path)


@pytest.fixture
def tiny_render(tmp_path: Path) -> Callable[..., Path]:
    """``tiny_render("derivative", {"x0": "0.5"})`` -> path of a real 256x144 2 fps mp4."""

    def render(name: str, overrides: Mapping[str, str] | None = None) -> Path:
        return render_tiny(name, overrides, media_dir=tmp_path / "media")

    return render


# The publishing tests' fixtures (one tiny render and one headless Chromium per worker), defined here
# once: a fixture imported into several test modules would be a separate fixture in each of them.
from tests.pipeline.web_helpers import chromium, published  # noqa: E402,F401


class TexUsed(AssertionError):
    """Raised by the ``no_tex`` fixture when anything tries to compile TeX."""


def _refuse_tex(*args: Any, **kwargs: Any) -> None:
    raise TexUsed("a scene tried to compile TeX")


def _patch_tex(monkeypatch: pytest.MonkeyPatch) -> None:
    import manim.mobject.text.tex_mobject as tex_mobject
    import manim.utils.tex_file_writing as tex_file_writing

    monkeypatch.setattr(tex_file_writing, "tex_to_svg_file", _refuse_tex)
    monkeypatch.setattr(tex_mobject, "tex_to_svg_file", _refuse_tex)


@pytest.fixture(scope="session", autouse=True)
def _no_tex_in_any_build() -> Iterator[None]:
    """Every scene a test builds in this process proves it needs no TeX: compiling any raises TexUsed."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        _patch_tex(monkeypatch)
        yield


@pytest.fixture
def no_tex(monkeypatch, tmp_path):
    """TeX made unavailable twice over: any compile raises TexUsed, and PATH holds no programs at all."""
    _patch_tex(monkeypatch)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    return _refuse_tex


def bounds(mob) -> tuple[float, float, float, float]:
    """A mobject's bounding box as (left, right, bottom, top) in scene units."""
    return mob.get_left()[0], mob.get_right()[0], mob.get_bottom()[1], mob.get_top()[1]


def boxes_overlap(a, b) -> bool:
    """Whether the bounding boxes of ``a`` and ``b`` overlap (touching edges do not count)."""
    ax0, ax1, ay0, ay1 = bounds(a)
    bx0, bx1, by0, by1 = bounds(b)
    return ax0 < bx1 and bx0 < ax1 and ay0 < by1 and by0 < ay1
