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
