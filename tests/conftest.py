"""Shared fixtures: scenes built under Manim's dry_run with config isolated per test."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Mapping

import pytest

# Scenes are constructed, never shown; keep Manim quiet and off any display.
os.environ.setdefault("MANIM_RENDERER", "cairo")


def construct_scene(name: str, overrides: Mapping[str, str] | None = None, *, media_dir: Path,
                    quality: str = "low_quality", lang: str = "en", extra_config: Mapping[str, Any] | None = None):
    """Build scene ``name`` from the registry with ``overrides`` and run construct() under dry_run.

    Returns the finished scene: its mobjects are in their final state and
    ``scene.story`` is the story it drew.
    """
    from manim import tempconfig

    from mathviz import registry

    spec = registry.get(name)
    story = spec.build_story(overrides)
    cfg = {
        "dry_run": True,
        "disable_caching": True,
        "media_dir": str(media_dir),
        "quality": quality,
        "verbosity": "ERROR",
        "progress_bar": "none",
        "write_to_movie": False,
    }
    cfg.update(extra_config or {})
    with tempconfig(cfg):
        scene = spec.scene_class()(story=story, lang=lang)
        scene.render()
    return scene


@pytest.fixture
def build_scene(tmp_path: Path) -> Callable[..., Any]:
    """``build_scene("derivative", {"x0": "0.5"})`` -> the constructed scene (dry_run)."""

    def build(name: str, overrides: Mapping[str, str] | None = None, **kwargs: Any):
        return construct_scene(name, overrides, media_dir=tmp_path / "media", **kwargs)

    return build


TINY_RENDER = {"pixel_width": 256, "pixel_height": 144, "frame_rate": 5}


def render_tiny(name: str, overrides: Mapping[str, str] | None, *, media_dir: Path) -> Path:
    """Really render scene ``name`` at 256x144, 5 fps and return the mp4's path (for PyAV checks)."""
    from manim import tempconfig

    from mathviz import registry

    spec = registry.get(name)
    story = spec.build_story(overrides)
    cfg = {
        "disable_caching": True,
        "media_dir": str(media_dir),
        "verbosity": "ERROR",
        "progress_bar": "none",
        "output_file": str(media_dir / name),  # absolute: Manim puts its .srt beside it, not in the cwd
        **TINY_RENDER,
    }
    with tempconfig(cfg):
        scene = spec.scene_class()(story=story)
        scene.render()
        return Path(scene.renderer.file_writer.movie_file_path)


@pytest.fixture
def tiny_render(tmp_path: Path) -> Callable[..., Path]:
    """``tiny_render("derivative", {"x0": "0.5"})`` -> path of a real 256x144 5 fps mp4."""

    def render(name: str, overrides: Mapping[str, str] | None = None) -> Path:
        return render_tiny(name, overrides, media_dir=tmp_path / "media")

    return render


# The publishing tests' fixtures (one tiny render and one headless Chromium per worker), defined here
# once: a fixture imported into several test modules would be a separate fixture in each of them.
from web_helpers import chromium, published  # noqa: E402,F401
