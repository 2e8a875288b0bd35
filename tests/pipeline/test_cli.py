"""The mathviz command: list, numbers as JSON for every scene, and one clear error line for bad input."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mathviz.pipeline import registry
from mathviz.pipeline.catalog import SCENES
from mathviz.pipeline.cli import cli


def story_keys(scene: str) -> set[str]:
    """The keys scene's story must have, declared as STORY_KEYS beside its geometry tests (tests/scenes/test_<name>.py)."""
    return importlib.import_module(f"tests.scenes.test_{scene}").STORY_KEYS


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_list_documents_every_scene_and_parameter() -> None:
    result = run("list")
    assert result.exit_code == 0
    for name in SCENES:
        assert f"{name}:" in result.output
        for param in registry.get(name).parameters():
            assert f"--set {param.name}={param.default}" in result.output
    assert run("list", "--names").output.split() == list(SCENES)


@pytest.mark.parametrize("scene", SCENES)
def test_numbers_prints_the_story_as_json(scene: str) -> None:
    result = run("numbers", scene)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert story_keys(scene) <= set(data)
    assert data == json.loads(registry.get(scene).build_story().to_json())


def test_numbers_derivative_values() -> None:
    data = json.loads(run("numbers", "derivative", "--set", "function=x**2", "--set", "x0=3").output)
    assert data["value"] == pytest.approx(9.0)
    assert data["derivative"] == pytest.approx(6.0)
    assert data["differentiable"] is True
    # forward difference of x^2 is exactly 2*x0 + h
    for secant in data["secants"]:
        assert secant["slope"] == pytest.approx(6.0 + secant["h"], rel=1e-9)


def test_corner_gives_null_derivative() -> None:
    data = json.loads(run("numbers", "derivative", "--set", "function=abs(x)", "--set", "x0=0").output)
    assert data["derivative"] is None
    assert data["differentiable"] is False
    assert data["left_derivative"] == pytest.approx(-1.0)
    assert data["right_derivative"] == pytest.approx(1.0)


def test_numbers_determinant_and_eigen() -> None:
    det = json.loads(run("numbers", "determinant", "--set", "matrix=[[1,2],[3,1]]").output)
    assert det["det"] == pytest.approx(-5.0)
    assert det["orientation"] == "reversed"
    collapsed = json.loads(run("numbers", "determinant", "--set", "matrix=[[1,2],[2,4]]").output)
    assert collapsed["det"] == pytest.approx(0.0, abs=1e-12) and collapsed["orientation"] == "collapsed"
    cube = json.loads(run("numbers", "determinant", "--set", "matrix=[[2,0,0],[0,3,0],[0,0,-1]]").output)
    assert cube["det"] == pytest.approx(-6.0) and cube["measure"] == "volume"
    eig = json.loads(run("numbers", "eigen", "--set", "matrix=[[0,-1],[1,0]]").output)
    assert eig["kind"] == "complex"
    assert sorted(map(tuple, eig["eigenvalues"])) == [pytest.approx((0.0, -1.0)), pytest.approx((0.0, 1.0))]


BAD_INPUT = [
    (["numbers", "nosuchscene"], "unknown scene"),
    (["numbers", "derivative", "--set", "colour=red"], "colour"),
    (["numbers", "derivative", "--set", "x0"], "KEY=VALUE"),
    (["numbers", "derivative", "--set", "x0=1", "--set", "x0=2"], "x0"),
    (["numbers", "determinant", "--set", "matrix=[[1,2],[3"], "matrix"),
    (["numbers", "determinant", "--set", "matrix=[[1,2,3],[4,5,6]]"], "matrix"),
    (["numbers", "determinant", "--set", "matrix=[[1,2],[3]]"], "matrix"),
    (["numbers", "determinant", "--set", "matrix=[[1]]"], "matrix"),
    (["numbers", "eigen", "--set", "matrix=[[1,0,0],[0,1,0],[0,0,1]]"], "matrix"),
    (["numbers", "determinant", "--set", "matrix=[[1e999,0],[0,1]]"], "matrix"),
    (["numbers", "derivative", "--set", "x0=nan"], "x0"),
    (["numbers", "derivative", "--set", "x0=1e999"], "x0"),
    (["numbers", "derivative", "--set", "function=__import__('os').system('id')"], "function"),
    (["numbers", "derivative", "--set", "function=x^2"], "function"),
    (["numbers", "derivative", "--set", "function="], "function"),
    (["numbers", "derivative", "--set", "function=log(x)", "--set", "x0=-1"], "x0"),
    (["numbers", "relu", "--set", "x=[1,2,3]", "--set", "upstream=[1,2]"], "upstream"),
    (["numbers", "gradient_descent", "--set", "learning_rate=-0.1"], "learning_rate"),
    (["numbers", "gradient_descent", "--set", "learning_rate=0"], "learning_rate"),
    (["numbers", "gradient_descent", "--set", "surface=w1**2 + z"], "surface"),
    (["numbers", "gradient_descent", "--set", "start=[1,2,3]"], "start"),
    (["numbers", "gradient_descent", "--set", "steps=-4"], "steps"),
    (["render", "derivative", "-q", "z"], "quality"),
    (["render", "nosuchscene"], "unknown scene"),
    (["frobnicate"], "frobnicate"),
]


@pytest.mark.parametrize(("args", "named"), BAD_INPUT, ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input_is_one_error_line_and_exit_2(args: list[str], named: str) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, (result.output, result.exception)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert named in lines[0]


def test_bad_render_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["render", "derivative", "--set", "function=log(x)", "--set", "x0=-1",
                                      "--out", str(out)])
    assert result.exit_code == 2
    assert not out.exists() or not any(out.iterdir())


def test_console_script_and_module_entry_points() -> None:
    for cmd in ([str(Path(sys.executable).with_name("mathviz"))], [sys.executable, "-m", "mathviz"]):
        done = subprocess.run([*cmd, "numbers", "derivative", "--set", "x0=nope"], capture_output=True, text=True)
        assert done.returncode == 2
        assert done.stderr.startswith("error: x0")
        assert "Traceback" not in done.stderr
