"""The frame-quality guard over every registered scene, with its defaults and with stress parameters.

Stress parameters push each scene where layouts break: large and tiny matrix
entries, steep functions, long optimisation paths, the longest input lists
allowed. A scene passes when the guard finds nothing off-screen, overlapping,
over a curve without a background, too small at 480p, or unequal to its story,
and every build runs with TeX made unavailable.
"""

from __future__ import annotations

import importlib
import os

import pytest

from mathviz.pipeline.catalog import SCENES
from mathviz.pipeline.check import check_scene
from mathviz_scenes.components.quality import format_findings


def _stress_cases(name: str) -> list[dict[str, str]]:
    # Each scene's stress cases live beside its geometry tests, as STRESS in tests/scenes/test_<name>.py.
    # A scene without that module gets none here and fails test_every_scene_has_stress_cases by name.
    try:
        module = importlib.import_module(f"tests.scenes.test_{name}")
    except ModuleNotFoundError as missing:
        if missing.name != f"tests.scenes.test_{name}":
            raise
        return []
    return list(getattr(module, "STRESS", []))


STRESS: dict[str, list[dict[str, str]]] = {name: _stress_cases(name) for name in SCENES}

# Defaults run in `make test`; the stress cases are the sweep (`make sweep`, also run by CI).
CASES = [pytest.param(name, None, id=f"{name}-defaults") for name in SCENES] + [
    pytest.param(name, p, id=f"{name}-stress{i}", marks=pytest.mark.sweep)
    for name in SCENES for i, p in enumerate(STRESS[name])
]


def test_every_scene_has_stress_cases() -> None:
    missing = [name for name in SCENES if not STRESS[name]]
    assert not missing, f"no STRESS cases in tests/scenes/test_<name>.py for: {', '.join(missing)}"


@pytest.mark.parametrize(("scene", "params"), CASES)
def test_frames_are_clean(scene: str, params: dict[str, str] | None, tmp_path, no_tex) -> None:
    # Built with TeX made unavailable (conftest.no_tex): no scene may need a TeX install.
    assert os.environ["PATH"].endswith("empty-bin")
    # Two frames per second are enough: the guard also samples inside every animation.
    checker = check_scene(scene, params, media_dir=tmp_path, extra_config={"frame_rate": 2})
    assert checker.frames_checked > 5
    assert checker.findings == [], format_findings(checker.findings)
