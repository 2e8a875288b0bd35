"""A corpus of hostile and broken parameters across every scene.

Each bad value gets exit status 2 and one ``error:`` line naming the
parameter; nothing is executed, nothing hangs, nothing is written. Legitimate
edge cases (singular matrices, divergent runs) are not errors: they give a
story that says what happened.
"""

from __future__ import annotations

import json
import os
import time
import warnings

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mathviz.pipeline import registry
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
    ("gradient_descent", {"surface": "w1**2 + 10*w2**2", "learning_rate": "0.5"}, lambda s: s["run"]["diverged"] is True),
    ("gradient_descent", {"surface": "bowl", "learning_rate": "1e308"}, lambda s: s["run"]["diverged"] is True),
    ("gradient_descent", {"surface": "exp(w1**2 + w2**2)", "learning_rate": "5"}, lambda s: s["run"]["diverged"] is True),
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


# --- the audit's reproductions (issue 19) -----------------------------------------------------------

AUDIT = [
    # Whole numbers with doubled signs or non-ASCII digits used to reach int() and crash with a traceback.
    ("chain_rule", "seed", "+-5"),
    ("svd_pca", "points", "³⁰"),
    ("gradient_descent", "steps", "--3"),
    ("relu", "seed", "-+1"),
    ("expectation_lln", "rounds", "²⁰⁰"),
    ("entropy_kl", "numbers", "1_024"),
    ("entropy_kl", "secret", "+-3"),
    ("integral", "n_max", "６４"),
    # Full-width letters, mathematical letters and Arabic-Indic digits are refused, not normalised.
    ("derivative", "function", "ｓｉｎ(𝐱)"),
    ("derivative", "x0", "٣"),
    ("relu", "seed", "٣"),
    ("svd_pca", "points", "٢٠٠"),
    ("determinant", "matrix", "[[１, 0], [0, 1]]"),
    # Python's other number spellings are not decimal numbers.
    ("derivative", "x0", "0x10"),
    ("derivative", "x0", "1_000"),
    ("chain_rule", "seed", "0b101"),
]


@pytest.mark.parametrize(("scene", "key", "value"), AUDIT, ids=[f"{s}-{k}-{v}" for s, k, v in AUDIT])
@pytest.mark.parametrize("command", ["numbers", "render", "check"])
def test_audit_inputs_are_one_error_line(command: str, scene: str, key: str, value: str, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, [command, scene, "--set", f"{key}={value}"])
    assert result.exit_code == 2, (result.stderr, result.exception)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {key}: "), result.stderr
    assert not any(tmp_path.iterdir()), "nothing is written"


@pytest.mark.parametrize(("scene", "surface"), [("tangent_plane_hessian", "exp(100*x*y)"),
                                                ("gradient_descent", "exp(30*w1*w2)")])
def test_a_surface_too_tall_to_draw_is_refused_without_numpy_warnings(scene: str, surface: str) -> None:
    # It used to render with a numpy RuntimeWarning on stderr and its box collapsed to a point.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = CliRunner().invoke(cli, ["numbers", scene, "--set", f"surface={surface}"])
    assert not caught and result.exit_code == 2
    assert result.stderr.startswith("error: surface: ") and "cannot be drawn to scale" in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_limit_message_shows_the_real_value() -> None:
    result = CliRunner().invoke(cli, ["numbers", "expectation_lln", "--set", "lose=1000001"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: lose: must be at most 1000000, got 1000001"


def test_a_too_long_name_is_bad_input(tmp_path) -> None:
    result = CliRunner().invoke(cli, ["render", "relu", "--name", "r" * 300, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("error: --name: at most 100 characters") and result.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", [".hidden", "-dash", "ｒｅｌｕ", "a/b", "a b", ""])
def test_names_are_plain_ascii(name: str, tmp_path, monkeypatch) -> None:
    import mathviz.pipeline.render

    def must_not_render(*args, **kwargs):
        raise AssertionError(f"--name {name!r} was accepted and the render started")

    monkeypatch.setattr(mathviz.pipeline.render, "render_scene", must_not_render)
    result = CliRunner().invoke(cli, ["render", "relu", "--name", name, "--out", str(tmp_path)])
    assert result.exit_code == 2 and result.stderr.startswith("error: --name: "), result.stderr


@pytest.mark.parametrize("out", ["file", "file/inside"])
def test_an_output_folder_that_cannot_be_made_is_bad_input(out: str, tmp_path) -> None:
    (tmp_path / "file").write_text("x")
    result = CliRunner().invoke(cli, ["render", "relu", "--out", str(tmp_path / out)])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "'--out'" in result.stderr.replace(
        "error: --out:", "error: '--out':"), result.stderr


@pytest.mark.parametrize("key", ["a\nb", "x0\x00", "ｘ0", "x-0"])
def test_parameter_names_are_ascii_words(key: str) -> None:
    result = CliRunner().invoke(cli, ["numbers", "derivative", "--set", f"{key}=1"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: --set: "), result.stderr


# --- every parameter of every scene, fuzzed -----------------------------------------------------------

#: Examples per scene; `make fuzz` raises it (MATHVIZ_FUZZ_EXAMPLES) for the long sweep CI also runs.
FUZZ_EXAMPLES = int(os.environ.get("MATHVIZ_FUZZ_EXAMPLES", "40"))

#: All of Unicode, including control characters and lone surrogates (what a mis-decoded argv can hold).
_ANY_CHARACTER = st.characters(codec=None, categories=["L", "M", "N", "P", "S", "Z", "Cc", "Cf", "Cs", "Co", "Cn"])
#: Text that looks like our grammar, so the fuzz also reaches the parsers and the stories behind them.
_GRAMMAR_TOKENS = st.sampled_from(["0", "1", "2", "7", "9", ".", "-", "+", "e", "E", "pi", "x", "y", "w1", "*", "**",
                                   "/", "(", ")", "[", "]", ",", " ", "sin", "exp", "log", "auto", "random", "1e308",
                                   "1e-308", "inf", "nan", "_", "³", "٣", "１", "ｘ", "\t", "\n", "\x00"])


def _values(default: str) -> st.SearchStrategy[str]:
    unicode_text = st.text(_ANY_CHARACTER, max_size=30)
    grammar_like = st.lists(_GRAMMAR_TOKENS, max_size=12).map("".join)
    # The default with one character replaced, inserted or deleted: near-valid values in the right shape.
    mutated = st.tuples(st.integers(0, len(default)), st.sampled_from(["replace", "insert", "delete"]),
                        _ANY_CHARACTER | _GRAMMAR_TOKENS).map(
        lambda t: default[:t[0]] + (t[2] if t[1] != "delete" else "") + default[t[0] + (t[1] != "insert"):])
    return st.one_of(unicode_text, grammar_like, mutated)


@pytest.mark.parametrize("scene", registry.names())
def test_fuzz_every_parameter_exits_0_or_2_with_at_most_one_line(scene: str) -> None:
    params = registry.get(scene).parameters()
    names = [p.name for p in params]

    @settings(max_examples=FUZZ_EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def fuzz(data: st.DataObject) -> None:
        param = data.draw(st.sampled_from(params), label="parameter")
        value = data.draw(_values(param.default), label="value")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")  # a numerical or syntax warning would be a stray stderr line
            result = CliRunner().invoke(cli, ["numbers", scene, "--set", f"{param.name}={value}", "--compact"])
        assert not caught, [str(w.message) for w in caught]
        assert result.exit_code in (0, 2), (result.exit_code, result.stderr, result.exception)
        assert "Traceback" not in result.stderr
        if result.exit_code == 0:
            assert result.stderr == ""
            json.loads(result.stdout)
        else:
            assert result.stdout == ""
            lines = result.stderr.splitlines()
            assert len(lines) == 1, result.stderr
            assert any(lines[0].startswith(f"error: {name}") for name in [*names, scene, "--set"]), lines[0]

    fuzz()
