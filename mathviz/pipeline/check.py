"""The frame guard's command side: build a registered scene under dry_run with the checker attached.

The checks themselves live with the scenes (:mod:`mathviz_scenes.components.quality`);
this module only finds the scene, builds its story once and runs it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mathviz.pipeline import registry
from mathviz.story import Story
from mathviz_scenes.components.quality import FrameChecker

__all__ = ["check_scene"]


def check_scene(name: str, overrides: Mapping[str, str] | None = None, *, story: Story | None = None,
                media_dir: Path | str | None = None, quality: str = "low_quality",
                extra_config: Mapping[str, Any] | None = None, lang: str = "en") -> FrameChecker:
    """Construct scene ``name`` under dry_run with the guard attached; return the finished checker.

    Pass ``story`` when it is already computed (``mathviz check`` and ``render`` build it once);
    otherwise it is built from ``overrides``. ``check_scene(...).findings`` lists what the guard
    found; ``frames_checked`` says how many frames it saw.
    """
    from manim import tempconfig

    spec = registry.get(name)
    if story is None:
        story = spec.build_story(overrides)
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
            scene = spec.scene_class()(story=story, lang=lang)
            checker = FrameChecker(scene).attach()
            scene.render()
            checker.finish()
            return checker
