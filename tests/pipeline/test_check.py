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
from pathlib import Path

import pytest

from mathviz.pipeline.catalog import SCENES
from mathviz.pipeline.check import check_scene
from mathviz_scenes.components.look import Look
from mathviz_scenes.components.quality import format_findings
from tests.conftest import glyph_cache


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

# The sweep (`make sweep`, also run by CI): every scene's defaults (the dark 16:9 English look;
# tests/pipeline/test_check_looks.py has the other eleven) and its stress cases. In `make test` each scene's
# own module checks its defaults (test_frames_are_clean, or a default case of its guard fixture), and every
# build there runs with TeX refused (conftest._no_tex_in_any_build).
CASES = [pytest.param(name, None, id=f"{name}-defaults", marks=pytest.mark.sweep) for name in SCENES] + [
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
    checker = check_scene(scene, params, media_dir=tmp_path, extra_config={"frame_rate": 2, **glyph_cache()})
    assert checker.frames_checked > 5
    assert checker.findings == [], format_findings(checker.findings)


#: Stress cases also checked in the narrow frames, where their layouts were fixed (2026-12-06: expectation_lln's
#: band legend in the caption band, its streak label over the panel, a note off the frame, a tiny axis title).
NARROW_STRESS = {"expectation_lln": STRESS["expectation_lln"]}


@pytest.mark.sweep
@pytest.mark.parametrize("aspect, lang", [("1:1", "zh"), ("1:1", "en"), ("9:16", "zh")])
@pytest.mark.parametrize(("scene", "params"), [pytest.param(name, p, id=f"{name}-stress{i}")
                                               for name, cases in NARROW_STRESS.items() for i, p in enumerate(cases)])
def test_stress_cases_are_clean_in_narrow_frames(scene: str, params: dict[str, str], aspect: str, lang: str,
                                                 tmp_path) -> None:
    checker = check_scene(scene, params, media_dir=tmp_path, lang=lang, look=Look(aspect=aspect),
                          extra_config={"frame_rate": 2, **glyph_cache()})
    assert checker.frames_checked > 5
    assert checker.findings == [], format_findings(checker.findings)


# --- any Manim scene: mathviz check path/to/file.py:SceneClass ------------------------------------

PLAIN = Path(__file__).resolve().parents[1] / "data" / "plain_scenes.py"


def _check_file(*args: str):
    from click.testing import CliRunner

    from mathviz.pipeline.cli import cli

    return CliRunner().invoke(cli, ["check", *args])


def test_a_plain_manim_scene_with_layout_mistakes_is_reported() -> None:
    # The layout checks alone: the shape and contrast checks (on by default) are left out.
    result = _check_file(f"{PLAIN}:Broken", "--no-shapes", "--no-contrast")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    kinds = {line.split(":")[0] for line in lines}
    assert kinds == {"offscreen", "overlap", "over-curve", "tiny"}
    assert any(line.startswith("offscreen: Text 'this sentence runs off the left edge'") for line in lines)
    assert any(line.startswith("overlap: Text 'minimum' / Text 'vertex'") for line in lines)
    assert any(line.startswith("over-curve: Text 'steep here'") and "ParametricFunction" in line for line in lines)
    assert any(line.startswith("tiny: Text 'fine print'") for line in lines)
    assert result.stderr.strip().endswith(f"{PLAIN}:Broken: {len(lines)} problem(s) in "
                                          f"{result.stderr.split(' in ')[-1].split()[0]} frames checked")


def test_the_shape_checks_run_by_default() -> None:
    # 'minimum' and 'vertex' sit on the y axis: its line runs across their glyphs.
    lines = _check_file(f"{PLAIN}:Broken").stdout.splitlines()
    crossed = {line.split("'")[1] for line in lines if line.startswith("line-over-text: ") and "NumberLine" in line}
    assert crossed == {"minimum", "vertex"}
    without = _check_file(f"{PLAIN}:Broken", "--no-shapes").stdout.splitlines()
    assert not any(line.startswith("line-over-text") for line in without)


def test_a_clean_plain_manim_scene_passes() -> None:
    result = _check_file(f"{PLAIN}:Clean")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{PLAIN}:Clean: ok (")


@pytest.mark.parametrize(("reference", "words"), [
    ("{plain}", "name the scene as"),  # two scenes in the file: which one?
    ("{plain}:Missing", "no Manim Scene class 'Missing' (scenes defined there: Broken, Clean)"),
    ("{plain}:Axes", "no Manim Scene class 'Axes'"),  # imported there, not a scene
    ("{missing}:Scene", "no such file"),
    ("{plain}:not-a-class", "is not a class name"),
])
def test_a_bad_scene_reference_is_one_error_line(reference: str, words: str, tmp_path: Path) -> None:
    result = _check_file(reference.format(plain=PLAIN, missing=tmp_path / "gone.py"))
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: ") and words in line


def test_a_scene_file_that_fails_is_one_error_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken_scene.py"
    broken.write_text("from manim import Scene\n\n\nclass Fails(Scene):\n"
                      "    def construct(self):\n        raise ValueError('oops')\n")
    result = _check_file(f"{broken}:Fails")
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: building ") and "ValueError: oops" in line
    bad_syntax = tmp_path / "bad_syntax.py"
    bad_syntax.write_text("def (:\n")
    result = _check_file(f"{bad_syntax}:Any")
    assert result.exit_code == 2 and "syntax error" in result.stderr
