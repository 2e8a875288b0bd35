"""The frame-quality guard over every registered scene, with its defaults and with stress parameters.

Stress parameters push each scene where layouts break: large and tiny matrix
entries, steep functions, long optimisation paths, the longest input lists
allowed. A scene passes when the guard finds nothing off-screen, overlapping,
over a curve without a background, too small at 480p, or unequal to its story.
"""

from __future__ import annotations

import pytest

from mathviz.catalog import SCENES
from scenes.components.quality import check_scene, format_findings

STRESS: dict[str, list[dict[str, str]]] = {
    "derivative": [
        {"function": "exp(3*x)", "x0": "1"},
        {"function": "100*x**3 - x", "x0": "0.2"},
        {"function": "abs(x)", "x0": "0"},
    ],
    "determinant": [
        {"matrix": "[[8, 3], [2, 6]]"},
        {"matrix": "[[0.05, 0.02], [0.01, 0.04]]"},
        {"matrix": "[[1, 2], [2, 4]]"},
        {"matrix": "[[3, 1, 0], [0, 2, 1], [1, 0, -2]]"},
    ],
    "eigen": [
        {"matrix": "[[40, -30], [25, 60]]"},
        {"matrix": "[[0.01, 0.02], [0, 0.03]]"},
        {"matrix": "[[1, 1], [0, 1]]"},
    ],
    "gradient_descent": [
        {"steps": "500", "learning_rate": "0.05"},
        {"surface": "rosenbrock", "steps": "500"},
        {"learning_rate": "1.2"},
    ],
    "relu": [
        {"x": "[99, -99, 0.001, -0.001, 50, -50, 1, 0]", "upstream": "[-99, 99, 1, -1, 0.5, -0.5, 0, 2]"},
        {"x": "[-1]", "upstream": "[3]", "seed": "7"},
    ],
}

CASES = [(name, None) for name in SCENES] + [(name, p) for name in SCENES for p in STRESS[name]]


def test_every_scene_has_stress_cases() -> None:
    assert set(STRESS) == set(SCENES)


@pytest.mark.parametrize(("scene", "params"), CASES,
                         ids=[f"{n}-{'defaults' if p is None else i}" for i, (n, p) in enumerate(CASES)])
def test_frames_are_clean(scene: str, params: dict[str, str] | None, tmp_path) -> None:
    # Two frames per second are enough: the guard also samples inside every animation.
    checker = check_scene(scene, params, media_dir=tmp_path, extra_config={"frame_rate": 2})
    assert checker.frames_checked > 5
    assert checker.findings == [], format_findings(checker.findings)
