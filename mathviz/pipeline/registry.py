"""Which explainers exist: the entry points of the group ``mathviz.explainers``, built-in and plugin alike.

Every installed distribution can register explainers::

    [project.entry-points."mathviz.explainers"]
    attention = "attention_explainer.story:EXPLAINER"

where ``EXPLAINER`` is a :class:`mathviz.explainer.Explainer`. mathviz registers its own
explainers the same way, in its own ``pyproject.toml``. Discovery reads only the installed
metadata; an explainer's module is imported when that explainer is first asked for, and
its Manim scene only when something is drawn, so ``mathviz numbers derivative`` imports
one numeric module and no plugin code at all.

Order: the built-ins in learning order (:data:`mathviz.pipeline.catalog.SCENES`), then the
plugins by name. A plugin that cannot be loaded, or whose name another distribution also
registers, is left out with one line saying why (:func:`problems`); it never stops the
others from working.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from mathviz.explainer import ENTRY_POINT_GROUP, Explainer, valid_name
from mathviz.params import Param, ParameterError
from mathviz.pipeline.catalog import SCENES
from mathviz.story import Story

__all__ = [
    "BUILTIN_DISTRIBUTION",
    "BrokenExplainerError",
    "Origin",
    "SceneSpec",
    "UnknownSceneError",
    "get",
    "names",
    "problems",
    "refresh",
    "specs",
]

#: The distribution whose entry points are the built-in explainers.
BUILTIN_DISTRIBUTION = "mathviz"


class UnknownSceneError(LookupError):
    """No explainer of that name is installed."""


class BrokenExplainerError(UnknownSceneError):
    """An explainer is installed but cannot be used (it fails to load, or its name clashes)."""


@dataclass(frozen=True)
class Origin:
    """Where an explainer comes from: its distribution and the entry point naming it."""

    distribution: str
    version: str
    value: str

    @property
    def builtin(self) -> bool:
        return _normalize(self.distribution) == BUILTIN_DISTRIBUTION

    def describe(self, name: str) -> str:
        """``plugin 'name' (distribution version, module:attr)``: how error lines name it."""
        kind = "explainer" if self.builtin else "plugin"
        return f"{kind} {name!r} ({self.distribution} {self.version}, {self.value})"


@dataclass(frozen=True)
class SceneSpec:
    """A registered explainer: its :class:`~mathviz.explainer.Explainer` and where it came from."""

    explainer: Explainer
    origin: Origin

    @property
    def name(self) -> str:
        return self.explainer.name

    @property
    def title(self) -> str:
        return self.explainer.title

    @property
    def teaches(self) -> str:
        return self.explainer.teaches

    @property
    def builtin(self) -> bool:
        return self.origin.builtin

    def parameters(self) -> tuple[Param, ...]:
        return tuple(self.explainer.params)

    def parse(self, overrides: Mapping[str, str] | None = None) -> dict[str, Any]:
        """Defaults overlaid with ``overrides`` (text as typed), each parsed into a typed value."""
        overrides = dict(overrides or {})
        params = {p.name: p for p in self.parameters()}
        unknown = sorted(set(overrides) - set(params))
        if unknown:
            known = ", ".join(params) or "none"
            raise ParameterError(unknown[0], f"unknown parameter for {self.name} (known: {known})")
        return {name: p.parse(overrides.get(name, p.default)) for name, p in params.items()}

    def build_story(self, overrides: Mapping[str, str] | None = None) -> Story:
        """Validate the parameters and compute the story; raises ParameterError on bad input."""
        story = self.explainer.story(**self.parse(overrides))
        if not isinstance(story, Story):
            raise TypeError(f"{self.origin.describe(self.name)}: its story function returned "
                            f"{type(story).__name__}, not a mathviz.story.Story")
        return story

    def scene_class(self) -> type:
        """The Manim scene class (imports manim and the scene's module)."""
        module, cls = self.explainer.scene.split(":")
        try:
            found = getattr(importlib.import_module(module), cls)
        except Exception as exc:
            raise BrokenExplainerError(f"{self.origin.describe(self.name)}: cannot import its scene "
                                       f"{self.explainer.scene}: {_one_line(exc)}") from exc
        if not isinstance(found, type):
            raise BrokenExplainerError(f"{self.origin.describe(self.name)}: {self.explainer.scene} is not a class")
        return found


def _normalize(distribution: str) -> str:
    return distribution.lower().replace("_", "-").replace(".", "-")


def _one_line(exc: BaseException) -> str:
    message = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {message[:300]}" if message else type(exc).__name__


def _origin(entry: EntryPoint) -> Origin:
    dist = getattr(entry, "dist", None)
    name = dist.name if dist is not None and dist.name else "an unknown distribution"
    version = dist.version if dist is not None and dist.version else "?"
    return Origin(name, version, entry.value)


@dataclass(frozen=True)
class _Candidate:
    name: str
    entry: EntryPoint
    origin: Origin


@dataclass(frozen=True)
class _Discovery:
    candidates: dict[str, _Candidate]
    #: Problems found from the metadata alone (name clashes, unusable names), one line each.
    rejected: dict[str, list[str]]


def _installed_entry_points() -> list[EntryPoint]:
    return list(entry_points(group=ENTRY_POINT_GROUP))


@cache
def _discover() -> _Discovery:
    by_name: dict[str, list[_Candidate]] = {}
    for entry in _installed_entry_points():
        by_name.setdefault(entry.name, []).append(_Candidate(entry.name, entry, _origin(entry)))
    candidates: dict[str, _Candidate] = {}
    rejected: dict[str, list[str]] = {}
    for name, found in by_name.items():
        if not valid_name(name):
            rejected[name] = [f"{c.origin.describe(name)}: the name must be lowercase letters, digits and single "
                              "underscores, starting with a letter; skipped" for c in found]
            continue
        builtins = [c for c in found if c.origin.builtin]
        if len(found) == 1:
            candidates[name] = found[0]
        elif len(builtins) == 1:
            candidates[name] = builtins[0]
            rejected[name] = [f"{c.origin.describe(name)}: the name is taken by mathviz's built-in explainer; "
                              "skipped (rename the entry point)" for c in found if not c.origin.builtin]
        else:
            rejected[name] = []
            for clash in found:
                others = ", ".join(f"{c.origin.distribution} {c.origin.version}" for c in found if c is not clash)
                rejected[name].append(f"{clash.origin.describe(name)}: the name is also registered by {others}; "
                                      "neither is loaded (uninstall or rename one)")
    return _Discovery(candidates, rejected)


_loaded: dict[str, SceneSpec] = {}
_broken: dict[str, str] = {}


def refresh() -> None:
    """Forget what was discovered and loaded (after installing or removing a plugin in a running process)."""
    _discover.cache_clear()
    _loaded.clear()
    _broken.clear()


def _load(candidate: _Candidate) -> SceneSpec:
    name = candidate.name
    if name in _loaded:
        return _loaded[name]
    if name in _broken:
        raise BrokenExplainerError(_broken[name])
    described = candidate.origin.describe(name)
    try:
        explainer = candidate.entry.load()
    except (Exception, SystemExit) as exc:
        problem = f"{described}: cannot be loaded: {_one_line(exc)}"
    else:
        if not isinstance(explainer, Explainer):
            problem = (f"{described}: names a {type(explainer).__name__}, not a mathviz.explainer.Explainer")
        elif explainer.name != name:
            problem = f"{described}: its Explainer is named {explainer.name!r}; the entry point and the name must agree"
        else:
            _loaded[name] = SceneSpec(explainer, candidate.origin)
            return _loaded[name]
    _broken[name] = problem
    raise BrokenExplainerError(problem)


def _order(name: str) -> tuple[int, int, str]:
    candidate = _discover().candidates[name]
    if candidate.origin.builtin:
        return (0, SCENES.index(name) if name in SCENES else len(SCENES), name)
    return (1, 0, name)


def names() -> tuple[str, ...]:
    """Every installed explainer's name, built-ins first in learning order, then plugins by name.

    Read from the metadata without importing any explainer; :func:`specs` also drops those
    that fail to load.
    """
    return tuple(sorted(_discover().candidates, key=_order))


def get(name: str) -> SceneSpec:
    """The explainer ``name``; raises UnknownSceneError (BrokenExplainerError if it is installed but unusable)."""
    discovery = _discover()
    if name in discovery.candidates:
        return _load(discovery.candidates[name])
    if name in discovery.rejected:
        raise BrokenExplainerError(discovery.rejected[name][0])
    raise UnknownSceneError(f"unknown scene {name!r} (known: {', '.join(names())}); a plugin explainer is "
                            f"known once its package is installed, e.g. pip install -e examples/softmax_temperature")


def specs() -> tuple[SceneSpec, ...]:
    """Every explainer that loads, in :func:`names` order (imports each one's numeric module)."""
    found = []
    for name in names():
        try:
            found.append(get(name))
        except BrokenExplainerError:
            continue
    return tuple(found)


def problems() -> list[str]:
    """One line per installed explainer that cannot be used, naming it and saying why (loads every explainer)."""
    specs()
    lines = [line for found in _discover().rejected.values() for line in found]
    return sorted(lines) + [_broken[name] for name in names() if name in _broken]
