"""What an explainer declares so mathviz can find it: :class:`Explainer`.

Every explainer, built-in or from an installed plugin package, is one
``Explainer`` value named by an entry point in the group ``mathviz.explainers``::

    # pyproject.toml of the package that ships the explainer
    [project.entry-points."mathviz.explainers"]
    softmax_temperature = "softmax_temperature.story:EXPLAINER"

    # softmax_temperature/story.py
    EXPLAINER = Explainer(
        name="softmax_temperature",
        title="Temperature sharpens or flattens softmax",
        teaches="softmax(z / T): ...",
        story=temperature_story,
        params=PARAMS,
        scene="softmax_temperature.scene:SoftmaxTemperature",
    )

The declaration lives beside the story function in the numeric module, so
loading it costs that module's import and nothing more: the scene is named as
``"module:Class"`` text and imported (with manim) only when something is drawn.
This module is plain Python and part of the numeric core.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from mathviz.params import Param
from mathviz.story import Story

__all__ = ["ENTRY_POINT_GROUP", "Explainer", "ExplainerError", "NAME_PATTERN", "valid_name"]

#: The entry-point group every explainer is registered in (the built-ins too, in mathviz's pyproject.toml).
ENTRY_POINT_GROUP = "mathviz.explainers"

#: Explainer names: lowercase words joined by single underscores. They become file names, Make targets
#: (``renders/<name>--<variant>.toml``, so no ``--``) and Python identifiers.
NAME_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")

_SCENE_REF = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*")


class ExplainerError(ValueError):
    """An explainer declaration that cannot be used; the message is one line."""


def valid_name(name: str) -> bool:
    """True when ``name`` can name an explainer (see :data:`NAME_PATTERN`)."""
    return bool(NAME_PATTERN.fullmatch(name)) and len(name) <= 64 and not keyword.iskeyword(name)


@dataclass(frozen=True)
class Explainer:
    """One explainer: what it teaches, its parameters, the function computing its story, the scene drawing it.

    Parameters
    ----------
    name
        The name users type (``mathviz render NAME``); equal to the entry point's name.
    title
        One line shown in ``mathviz list``, the gallery and the slides.
    teaches
        A sentence or two on what the video shows.
    story
        Called with every parameter parsed (keyword arguments named after ``params``); returns a
        frozen :class:`~mathviz.story.Story`. Raises :class:`~mathviz.params.ParameterError` for
        combinations of parameters it cannot draw.
    params
        The user-settable parameters, in the order ``mathviz list`` shows them.
    scene
        ``"module:Class"`` of the Manim scene (a subclass of
        ``mathviz_scenes.components.base.ExplainerScene``) that draws the story. Text, so that
        reading the declaration never imports manim.
    """

    name: str
    title: str
    teaches: str
    story: Callable[..., Story]
    params: Sequence[Param]
    scene: str

    def __post_init__(self) -> None:
        problem = self.problem()
        if problem:
            raise ExplainerError(problem)
        object.__setattr__(self, "params", tuple(self.params))

    def problem(self) -> str | None:
        """What is wrong with this declaration, in one line, or None."""
        if not isinstance(self.name, str) or not valid_name(self.name):
            return (f"name {self.name!r} must be lowercase letters, digits and single underscores, "
                    "starting with a letter")
        for field in ("title", "teaches"):
            value: Any = getattr(self, field)
            if not isinstance(value, str) or not value.strip() or "\n" in value.strip():
                return f"{field} must be one non-empty line of text"
        if not callable(self.story):
            return f"story must be a function returning a Story, got {type(self.story).__name__}"
        try:
            params = tuple(self.params)
        except TypeError:
            return f"params must be a sequence of mathviz.params.Param, got {type(self.params).__name__}"
        seen: set[str] = set()
        for param in params:
            if not isinstance(param, Param):
                return f"params must hold mathviz.params.Param values, got {type(param).__name__}"
            if param.name in seen:
                return f"parameter {param.name!r} is declared twice"
            seen.add(param.name)
        if not isinstance(self.scene, str) or not _SCENE_REF.fullmatch(self.scene):
            return f"scene must be 'module:Class' text, got {self.scene!r}"
        return None
