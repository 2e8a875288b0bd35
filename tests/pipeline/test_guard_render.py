"""render and storyboard run the frame guard on the frames they make; --strict turns a finding into exit 3 and no files.

The scene is tests/data/guard_explainer.py (registered here as a plugin): ``layout=broken`` puts one label on
another in its second beat, ``layout=clean`` keeps them apart.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from mathviz.explainer import ENTRY_POINT_GROUP
from mathviz.pipeline import registry
from mathviz.pipeline.cli import EXIT_GUARD_REJECTED, cli
from mathviz.pipeline.render import GuardRejected

pytestmark = pytest.mark.render


@pytest.fixture(scope="module", autouse=True)
def guard_toy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Install tests/data/guard_explainer.py as the plugin explainer ``guard_toy`` (an entry point, as pip would)."""
    site = tmp_path_factory.mktemp("site")
    info = site / "guard_toy-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: guard-toy\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\nguard_toy = tests.data.guard_explainer:EXPLAINER\n")
    sys.path.insert(0, str(site))
    registry.refresh()
    yield
    sys.path.remove(str(site))
    registry.refresh()


def _run(*args: str):
    return CliRunner().invoke(cli, list(args))


def _guard_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("mathviz: guard: ")]


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_render_prints_the_report_and_strict_writes_nothing(tmp_path: Path, jobs: str) -> None:
    loose = _run("render", "guard_toy", "--set", "layout=broken", "-q", "l", "--out", str(tmp_path / "loose"),
                 "--jobs", jobs)
    assert loose.exit_code == 0, loose.stderr
    findings = _guard_lines(loose.stderr)
    assert findings and all(line.startswith("mathviz: guard: overlap: Text 'second label' / Text 'first label'")
                            or line.startswith("mathviz: guard: overlap: Text 'first label' / Text 'second label'")
                            for line in findings), loose.stderr
    assert f"guard_toy: the frame guard found {len(findings)} problem(s)" in loose.stderr
    assert "guard_toy.mp4" in _files(tmp_path / "loose")  # written anyway, with the report

    strict = _run("render", "guard_toy", "--set", "layout=broken", "-q", "l", "--out", str(tmp_path / "strict"),
                  "--jobs", jobs, "--strict")
    assert strict.exit_code == EXIT_GUARD_REJECTED == 3
    assert strict.stdout == ""
    errors = [line for line in strict.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "nothing written" in errors[0], strict.stderr
    assert strict.stderr.splitlines()[-1] == errors[0]
    assert _guard_lines(strict.stderr) == findings  # the same verdict as the render that wrote its files
    assert _files(tmp_path / "strict") == []  # no video, JSON, captions, nor a work folder left behind
    assert "Traceback" not in strict.stderr


def test_one_process_and_chunks_give_the_same_verdict(tmp_path: Path) -> None:
    reports = []
    for jobs in ("1", "2"):
        result = _run("render", "guard_toy", "--set", "layout=broken", "-q", "l", "--out", str(tmp_path / jobs),
                      "--jobs", jobs)
        assert result.exit_code == 0, result.stderr
        reports.append([line for line in result.stderr.splitlines() if "guard" in line])
    assert reports[0] == reports[1] and reports[0]


def test_a_clean_scene_renders_under_strict(tmp_path: Path) -> None:
    result = _run("render", "guard_toy", "-q", "l", "--out", str(tmp_path), "--strict", "--jobs", "2")
    assert result.exit_code == 0, result.stderr
    assert _guard_lines(result.stderr) == []
    assert "guard_toy: frame guard ok (" in result.stderr
    assert result.stdout.splitlines()[-1] == str(tmp_path / "guard_toy.mp4")


def test_storyboard_prints_the_report_and_strict_writes_nothing(tmp_path: Path) -> None:
    loose = _run("storyboard", "guard_toy", "--set", "layout=broken", "--out", str(tmp_path / "loose"))
    assert loose.exit_code == 0, loose.stderr
    assert _guard_lines(loose.stderr) and "guard_toy.png" in _files(tmp_path / "loose")
    strict = _run("storyboard", "guard_toy", "--set", "layout=broken", "--out", str(tmp_path / "strict"), "--strict")
    assert strict.exit_code == 3
    errors = [line for line in strict.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and _guard_lines(strict.stderr) == _guard_lines(loose.stderr)
    assert _files(tmp_path / "strict") == []  # no stills, no JSON, no contact sheet


def test_the_api_takes_strict(tmp_path: Path) -> None:
    import mathviz
    from mathviz.pipeline.api import FrameGuardWarning

    small = {"frame_rate": 5, "pixel_width": 256, "pixel_height": 144}
    with pytest.raises(GuardRejected) as rejected:
        mathviz.render("guard_toy", out_dir=tmp_path / "strict", manim_config=small, strict=True, layout="broken")
    assert rejected.value.report.findings and {f.kind for f in rejected.value.report.findings} == {"overlap"}
    assert _files(tmp_path / "strict") == []
    with pytest.warns(FrameGuardWarning, match="overlap"):
        files = mathviz.render("guard_toy", out_dir=tmp_path / "loose", manim_config=small, layout="broken")
    assert files.video.is_file() and not files.guard.ok
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a clean render warns nothing
        clean = mathviz.render("guard_toy", out_dir=tmp_path / "clean", manim_config=small, strict=True)
    assert clean.guard.ok and clean.guard.frames_checked > 0
