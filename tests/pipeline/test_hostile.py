"""A corpus of hostile and broken parameters across every scene.

Each bad value gets exit status 2 and one ``error:`` line naming the
parameter; nothing is executed, nothing hangs, nothing is written. Legitimate
edge cases (singular matrices, divergent runs) are not errors: they give a
story that says what happened.
"""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner

from mathviz.pipeline.cli import cli

CODE = [
    "__import__('os').system('id')",
    "().__class__",
    "().__class__.__base__.__subclasses__()",
    "open('/etc/passwd').read()",
    "exec('import os')",
    "eval('1+1')",
    "globals()['__builtins__']",
    "lambda x: x",
    "[c for c in ()]",
    "x.real",
    "x[0]",
    "x if x > 0 else -x",
    "'%s' % x",
    "f'{x}'",
    "(lambda: 0)()",
    "getattr(x, 'conjugate')",
    "breakpoint()",
    "import os",
    "x; y",
    "\\x00",
]
SIZE = ["x**x**x**x**99" * 40, "1" * 1000, "(" * 300 + "x", "sin(" * 60 + "x" + ")" * 60, "x" + "+x" * 400]
MALFORMED_FUNCTIONS = ["", " ", "x +", "x^2", "2x", "sin x", "x**", "nan", "inf*x", "1e999*x", "x y", "=x", "x=1",
                       "sin(x, x)", "unknown(x)", "y + 1", "1j*x", "True*x", "None", "..."]
NUMBERS = ["nan", "inf", "-inf", "1e999", "", "abc", "1" * 1000, "[1]", "1/0", "x", "__import__('os')", "1,5", "0x", "--"]
MATRICES = ["[[1,2],[3]]", "[[1,2,3],[4,5,6]]", "[1,2,3,4]", "[[1]]", "[[[1]]]", "[[nan,0],[0,1]]", "[[1e999,0],[0,1]]",
            "[[1,2],[3,'a']]", "", "[[1,2],[3,4]", "{1: 2}", "[[1,2],[3,x]]", "[" * 100 + "]" * 100, "[[1e300,0],[0,1e300]]",
            "[[1,2,3],[4,5,6],[7,8,9],[1,2,3]]", "[[__import__('os')]]"]

CASES: list[tuple[str, str, str]] = []
CASES += [("derivative", "function", t) for t in CODE + SIZE + MALFORMED_FUNCTIONS]
CASES += [("derivative", "x0", t) for t in NUMBERS]
CASES += [("gradient_descent", "surface", t) for t in CODE[:10] + ["w1**2 + x", "w3", "", "w1^2"]]
CASES += [("gradient_descent", "learning_rate", t) for t in ["0", "-0.1", "-1e308", "nan", "inf", "", "abc", "1e999"]]
CASES += [("gradient_descent", "momentum", t) for t in ["1", "1.5", "-0.1", "nan"]]
CASES += [("gradient_descent", "start", t) for t in ["[1]", "[1,2,3]", "[nan,0]", "[1e999,0]", "", "[[1,2]]", "[1e6, 1e6]"]]
CASES += [("gradient_descent", "steps", t) for t in ["0", "-5", "1e9", "10.5", "", "many", "100000"]]
CASES += [("gradient_descent", "optimizer", t) for t in ["sgd2", "", "GD; rm -rf /"]]
CASES += [("determinant", "matrix", t) for t in MATRICES]
CASES += [("eigen", "matrix", t) for t in MATRICES[:12] + ["[[1,0,0],[0,1,0],[0,0,1]]"]]
CASES += [("relu", "x", t) for t in ["[]", "[nan]", "[1e999]", "[" + ",".join(["1"] * 40) + "]", "", "1,2", "[[1,2]]"]]
CASES += [("relu", "upstream", t) for t in ["[1,2]", "[1,2,3,4,5,6,7,8,9,10,11,12]", "[inf,0,0,0,0]"]]
CASES += [("relu", "seed", t) for t in ["-1", "abc", "1.5", "1" * 40]]
CASES += [("derivative", "no_such_key", "1"), ("relu", "", "1")]


def test_the_corpus_is_large() -> None:
    assert len(CASES) >= 100


@pytest.mark.parametrize(("scene", "key", "value"), CASES, ids=[f"{s}-{k}-{i}" for i, (s, k, v) in enumerate(CASES)])
def test_hostile_value_is_refused(scene: str, key: str, value: str, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["numbers", scene, "--set", f"{key}={value}"])
    assert time.monotonic() - started < 10, "validation must be quick"
    assert result.exit_code == 2, (result.stdout, result.exception)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    assert not any(tmp_path.iterdir()), "nothing is written"


LEGITIMATE = [
    ("determinant", {"matrix": "[[1,2],[2,4]]"}, lambda s: s["det"] == 0 and s["orientation"] == "collapsed"),
    ("determinant", {"matrix": "[[1,2],[2,4.000000000001]]"}, lambda s: s["orientation"] in {"collapsed", "preserved"}),
    ("determinant", {"matrix": "[[0,0],[0,0]]"}, lambda s: s["det"] == 0),
    ("determinant", {"matrix": "[[1,0,0],[0,1,0],[1,1,0]]"}, lambda s: s["det"] == 0 and s["measure"] == "volume"),
    ("eigen", {"matrix": "[[1,2],[2,4]]"}, lambda s: any(abs(complex(*pair)) < 1e-9 for pair in s["eigenvalues"])),
    ("eigen", {"matrix": "[[0,0],[0,0]]"}, lambda s: s["kind"] == "repeated-scalar"),
    ("gradient_descent", {"surface": "w1**2 + 10*w2**2", "learning_rate": "0.5"}, lambda s: s["diverged"] is True),
    ("gradient_descent", {"surface": "bowl", "learning_rate": "1e308"}, lambda s: s["diverged"] is True),
    ("gradient_descent", {"surface": "exp(w1**2 + w2**2)", "learning_rate": "5"}, lambda s: s["diverged"] is True),
    ("derivative", {"function": "abs(x)", "x0": "0"}, lambda s: s["derivative"] is None),
    ("relu", {"x": "[0, 0, 0]", "upstream": "[1, 2, 3]"}, lambda s: s["downstream"] == [0, 0, 0]),
]


@pytest.mark.parametrize(("scene", "params", "ok"), LEGITIMATE, ids=[f"{s}-{i}" for i, (s, _, _) in enumerate(LEGITIMATE)])
def test_legitimate_edge_cases_are_stories_not_errors(scene, params, ok) -> None:
    args = ["numbers", scene]
    for key, value in params.items():
        args += ["--set", f"{key}={value}"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.stderr
    assert ok(json.loads(result.stdout))
