"""The registry: explainers found through the entry-point group ``mathviz.explainers``.

Plugins are real installed distributions here: each test writes a ``*.dist-info`` folder
(METADATA and entry_points.txt, as pip would) and the plugin's module onto ``sys.path``,
so discovery runs through :mod:`importlib.metadata` exactly as for a pip-installed package.
"""

from __future__ import annotations

import itertools
import sys
import textwrap
import tomllib
from collections.abc import Callable, Iterator
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mathviz.explainer import ENTRY_POINT_GROUP, Explainer, ExplainerError, valid_name
from mathviz.params import Param, ParameterError, number
from mathviz.pipeline import registry
from mathviz.pipeline.catalog import SCENES
from mathviz.pipeline.cli import cli

ROOT = Path(__file__).resolve().parents[2]

GOOD_MODULE = '''
from dataclasses import dataclass

from mathviz.explainer import Explainer
from mathviz.params import Param, number
from mathviz.story import Story


@dataclass(frozen=True)
class DoublingStory(Story):
    x: float
    doubled: float


def doubling_story(x: float) -> DoublingStory:
    return DoublingStory(x=x, doubled=x + x)


PARAMS = (Param("x", "1.5", "the number to double", number("x")),)
EXPLAINER = Explainer(name="{name}", title="Doubling", teaches="x + x = 2x.", story=doubling_story,
                      params=PARAMS, scene="{module}_scene:Doubling")
'''

_counter = itertools.count()


@pytest.fixture
def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., str]]:
    """``install(dist, {entry name: module source or "module:attr"})`` -> a fresh module name; puts a
    distribution with those entry points on sys.path, as pip would.
    """
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    created: list[str] = []

    def _install(dist: str, entries: dict[str, str], version: str = "0.1") -> str:
        module = f"mvplugin_{next(_counter)}_{dist.replace('-', '_')}"
        lines = []
        for name, source in entries.items():
            if ":" in source.split("\n")[0] and "\n" not in source:
                lines.append(f"{name} = {source}")
                continue
            path = site / f"{module}_{name}.py"
            path.write_text(textwrap.dedent(source).replace("{name}", name).replace("{module}", f"{module}_{name}"))
            created.append(f"{module}_{name}")
            lines.append(f"{name} = {module}_{name}:EXPLAINER")
        info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
        (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n" + "\n".join(lines) + "\n")
        registry.refresh()
        return module

    registry.refresh()
    yield _install
    for name in created:
        sys.modules.pop(name, None)
    registry.refresh()


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


# --- the built-ins ---------------------------------------------------------------------------

def test_builtins_are_the_entry_points_in_this_projects_pyproject() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"][ENTRY_POINT_GROUP]
    installed = {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)
                 if ep.dist is not None and ep.dist.name == registry.BUILTIN_DISTRIBUTION}
    assert installed == declared, "the installed metadata is stale: run `make setup` (pip install -e .) again"
    assert set(declared) == set(SCENES), "every built-in needs an entry point and a place in catalog.SCENES"
    for name, value in declared.items():
        assert value == f"mathviz.stories.{name}:EXPLAINER"


def test_builtins_come_first_in_learning_order() -> None:
    names = registry.names()
    assert names[: len(SCENES)] == SCENES
    for spec in registry.specs()[: len(SCENES)]:
        assert spec.builtin and spec.origin.distribution == "mathviz"
        assert spec.explainer.scene.startswith(f"mathviz_scenes.{spec.name}:")


def test_asking_for_one_explainer_imports_only_its_module() -> None:
    import subprocess

    code = ("import sys\nfrom mathviz.pipeline import registry\nregistry.get('relu').build_story()\n"
            "print(sorted(m for m in sys.modules if m.startswith('mathviz.stories.')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "['mathviz.stories.relu']"


# --- the declaration ---------------------------------------------------------------------------

def _explainer(**changes) -> Explainer:
    fields: dict[str, Any] = dict(name="doubling", title="Doubling", teaches="x + x = 2x.", story=lambda x: None,
                  params=(Param("x", "1", "x", number("x")),), scene="pkg.scene:Doubling")
    fields.update(changes)
    return Explainer(**fields)


@pytest.mark.parametrize(("changes", "words"), [
    ({"name": "Doubling"}, "lowercase"),
    ({"name": "two--parts"}, "lowercase"),
    ({"name": "class"}, "lowercase"),
    ({"title": ""}, "title"),
    ({"teaches": "two\nlines"}, "teaches"),
    ({"story": "not callable"}, "story"),
    ({"params": ("x",)}, "Param"),
    ({"params": (Param("x", "1", "x", number("x")),) * 2}, "twice"),
    ({"scene": "no colon"}, "module:Class"),
])
def test_a_bad_declaration_says_what_is_wrong(changes: dict, words: str) -> None:
    with pytest.raises(ExplainerError, match=words):
        _explainer(**changes)


def test_names_must_work_as_file_names_and_make_targets() -> None:
    assert valid_name("softmax_temperature") and valid_name("l2")
    for bad in ("", "_x", "x_", "a__b", "a-b", "a--b", "Ab", "2x", "a b", "a.b", "def"):
        assert not valid_name(bad), bad


# --- plugins -------------------------------------------------------------------------------------

def test_a_plugin_works_beside_the_builtins(install) -> None:
    install("doubling-explainer", {"doubling": GOOD_MODULE})
    assert registry.names() == (*SCENES, "doubling")
    spec = registry.get("doubling")
    assert not spec.builtin and spec.origin.distribution == "doubling-explainer"
    assert spec.build_story({"x": "2.5"}).to_dict() == {"x": 2.5, "doubled": 5.0}
    with pytest.raises(ParameterError, match="unknown parameter"):
        spec.build_story({"y": "1"})
    assert registry.problems() == []
    listing = run("list")
    assert listing.exit_code == 0 and "doubling: Doubling  [plugin: doubling-explainer 0.1]" in listing.output
    assert run("list", "--names").output.split() == [*SCENES, "doubling"]
    assert '"doubled": 6.0' in run("numbers", "doubling", "--set", "x=3").output


def test_a_broken_plugin_is_one_error_line_and_breaks_nothing_else(install) -> None:
    install("good-explainer", {"doubling": GOOD_MODULE})
    install("broken-explainer", {"broken": "import not_installed_anywhere\n"})
    assert "broken" in registry.names()  # from the metadata alone
    assert [s.name for s in registry.specs()] == [*SCENES, "doubling"]
    (problem,) = registry.problems()
    assert problem.startswith("plugin 'broken' (broken-explainer 0.1,") and "ModuleNotFoundError" in problem

    listing = CliRunner().invoke(cli, ["list", "--names"])
    assert listing.exit_code == 0
    assert listing.stdout.split() == [*SCENES, "doubling"]
    assert listing.stderr.splitlines() == [f"error: {problem}"]

    asked = CliRunner().invoke(cli, ["numbers", "broken"])
    assert asked.exit_code == 2 and asked.stdout == ""
    assert asked.stderr.splitlines() == [f"error: {problem}"]
    assert run("numbers", "doubling").exit_code == 0


@pytest.mark.parametrize(("source", "words"), [
    ("raise RuntimeError('boom')\n", "cannot be loaded: RuntimeError: boom"),
    ("import sys\nsys.exit(3)\n", "cannot be loaded: SystemExit"),
    ("def (:\n", "cannot be loaded: SyntaxError"),
    ("EXPLAINER = 42\n", "names a int, not a mathviz.explainer.Explainer"),
    (GOOD_MODULE.replace('name="{name}"', 'name="other"'), "named 'other'"),
    ("mvplugin_nowhere:EXPLAINER", "ModuleNotFoundError"),
])
def test_every_way_a_plugin_breaks_is_named(install, source: str, words: str) -> None:
    install("bad-explainer", {"bad": source})
    with pytest.raises(registry.BrokenExplainerError, match="plugin 'bad' \\(bad-explainer 0.1, ") as caught:
        registry.get("bad")
    assert words in str(caught.value) and "\n" not in str(caught.value)
    assert registry.problems() == [str(caught.value)]
    assert registry.get("relu").name == "relu"


def test_a_plugin_cannot_take_a_builtin_name(install) -> None:
    install("impostor", {"derivative": GOOD_MODULE})
    assert registry.get("derivative").builtin
    (problem,) = registry.problems()
    assert problem.startswith("plugin 'derivative' (impostor 0.1,") and "built-in" in problem


def test_two_plugins_with_one_name_are_both_refused(install) -> None:
    install("first-explainer", {"doubling": GOOD_MODULE})
    install("second-explainer", {"doubling": GOOD_MODULE}, version="2.0")
    assert "doubling" not in registry.names()
    problems = registry.problems()
    assert len(problems) == 2
    assert any(p.startswith("plugin 'doubling' (first-explainer 0.1,") and "second-explainer 2.0" in p for p in problems)
    assert any(p.startswith("plugin 'doubling' (second-explainer 2.0,") and "first-explainer 0.1" in p for p in problems)
    result = CliRunner().invoke(cli, ["numbers", "doubling"])
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
    assert run("numbers", "relu").exit_code == 0


def test_an_unusable_entry_point_name_is_refused(install) -> None:
    install("odd-explainer", {"Odd-Name": GOOD_MODULE})
    assert "Odd-Name" not in registry.names()
    (problem,) = registry.problems()
    assert problem.startswith("plugin 'Odd-Name' (odd-explainer 0.1,") and "lowercase" in problem


def test_a_missing_scene_module_is_reported_when_drawing(install) -> None:
    install("sceneless-explainer", {"doubling": GOOD_MODULE})
    spec = registry.get("doubling")
    with pytest.raises(registry.BrokenExplainerError, match="plugin 'doubling' .*cannot import its scene"):
        spec.scene_class()


def test_unknown_names_list_the_known_ones() -> None:
    registry.refresh()
    with pytest.raises(registry.UnknownSceneError, match="unknown scene 'nope' \\(known: derivative, chain_rule") as e:
        registry.get("nope")
    assert "once its package is installed" in str(e.value)  # the example plugin is not installed by make setup
