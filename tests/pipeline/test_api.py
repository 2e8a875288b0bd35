"""The Python API: mathviz.story / render / storyboard, loaded lazily, displayed inline in Jupyter."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import mathviz
from mathviz.params import ParameterError
from mathviz.pipeline.cli import cli

ROOT = Path(__file__).resolve().parents[2]


def test_import_mathviz_loads_neither_pipeline_nor_manim_until_the_api_is_used() -> None:
    code = ("import sys, mathviz\n"
            "before = sorted(m for m in sys.modules if m.startswith(('mathviz.pipeline', 'manim')))\n"
            "assert 'story' in dir(mathviz)\n"
            "mathviz.story('relu')\n"
            "print(before, 'mathviz.pipeline.api' in sys.modules, 'manim' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[] True False"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        mathviz.nope  # noqa: B018  (the lookup is the test)


def test_story_takes_python_values_and_matches_mathviz_numbers() -> None:
    # mathviz.story is the module mathviz/story.py made callable (its class is swapped at import), which mypy cannot see
    s = mathviz.story("determinant", matrix=np.array([[2.0, 1.0], [0.5, 3.0]]))  # type: ignore[operator]
    cli_json = CliRunner().invoke(cli, ["numbers", "determinant", "--set", "matrix=[[2, 1], [0.5, 3]]"]).stdout
    assert json.loads(s.to_json()) == json.loads(cli_json)
    assert mathviz.story("derivative", function="x**2", x0=3).derivative == pytest.approx(6.0)  # type: ignore[operator]


@pytest.mark.parametrize(("params", "key"), [({"x0": "banana"}, "x0"), ({"nope": 1}, "nope"), ({"x0": True}, "x0"),
                                             ({"x0": {"a": 1}}, "x0")])
def test_bad_values_raise_parameter_error_naming_the_key(params: dict, key: str) -> None:
    with pytest.raises(ParameterError) as caught:
        mathviz.story("derivative", **params)  # type: ignore[operator]
    assert caught.value.key == key


@pytest.mark.render
@pytest.mark.system
def test_the_example_notebook_runs(tmp_path: Path) -> None:
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(ROOT / "examples" / "notebook.ipynb", as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    shown = [o["data"] for o in outputs if o.output_type == "execute_result"]
    assert any("image/png" in data for data in shown)  # the storyboard's contact sheet
    # mathviz.render: the files, video first, shown as an embedded video with both caption tracks
    (page,) = [data["text/html"] for data in shown if "text/html" in data]
    assert page.startswith("<video controls") and 'src="data:video/mp4;base64,' in page
    assert page.count('<track kind="captions"') == 2 and 'srclang="zh"' in page
    assert shown[-1]["text/plain"].startswith("['media/notebook/relu.mp4',")  # the last cell lists the files
    assert (tmp_path / "media" / "notebook" / "relu.mp4").is_file()
    assert (tmp_path / "media" / "notebook" / "relu.png").is_file()  # the storyboard's contact sheet
