"""Live readouts: a label and a number bound to the story field it shows.

A :class:`Readout` carries ``story_field`` (a path into the story's JSON such
as ``"secants.3.slope"`` or ``"run.path.12.2"``), so tests and the
frame-quality guard can check that the number on screen is the story's number.
:meth:`Readout.of` makes one from the story and the path (the value is read
from the story, never passed separately), :meth:`Readout.bind` points it at
another path; :func:`story_value` follows a path through the story object or
its JSON.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from manim import RIGHT, WHITE, DecimalNumber, Indicate, Mobject, VGroup

from mathviz_scenes.components import style
from mathviz_scenes.components.numbers import decimals_for

__all__ = ["INDICATE_ROOM", "Readout", "indicate", "story_value", "shown"]

#: Room (scene units) a layout keeps on each side of a readout for :func:`indicate` to grow into.
INDICATE_ROOM = 0.12


def story_value(story: Any, path: str) -> Any:
    """The value at ``path`` (``"secants.3.slope"``): keys, attributes and indices through a story or its JSON."""
    value: Any = story
    for part in path.split("."):
        if isinstance(value, Mapping):
            value = value[part]
        elif isinstance(value, (list, tuple, np.ndarray)):
            value = value[int(part)]
        else:
            value = getattr(value, part)
    return value


def shown(value: Any) -> float:
    """A story value as a readout shows it: ``None`` (a JSON null) as NaN, ``-0.0`` as 0 (not "-0.000")."""
    if value is None:
        return math.nan
    return 0.0 if value == 0 else float(value)


class Readout(VGroup):
    """``label = value`` with the value as a live :class:`~manim.DecimalNumber`.

    Parameters
    ----------
    label
        Typst math source for the label (``"|A v| / |v|"``), or plain text when
        ``math_label`` is False.
    value
        The starting value.
    story_field
        Where the value lives in the story (``None`` for values interpolated
        between story values during an animation).
    """

    def __init__(
        self,
        label: str,
        value: float,
        *,
        story_field: str | None,
        decimals: int = 3,
        size: float = style.READOUT_SIZE,
        color: Any = WHITE,
        math_label: bool = True,
        **kwargs: Any,
    ) -> None:
        label_mob: Mobject = (
            style.math(f"{label} =", size=size, color=color) if math_label else style.text(f"{label} =", size=size, color=color)
        )
        self.number: DecimalNumber = style.number(value, decimals=decimals, size=size, color=color)
        super().__init__(label_mob, self.number, **kwargs)
        self.label = label_mob
        self.story_field = story_field
        self.arrange(RIGHT, buff=0.15)
        # Centre the number on the label's height: labels with fractions, brackets or descenders
        # would otherwise leave a bottom-aligned number sitting low.
        self.number.match_y(self.label)

    @classmethod
    def of(cls, story: Any, label: str, path: str, *, value: float | None = None, **kwargs: Any) -> Readout:
        """A readout bound to the story field ``path``, showing its value, the number on the ``=`` sign's axis.

        ``value`` overrides the starting value (a readout that counts up to the field's value); the
        decimals default to :func:`~mathviz_scenes.components.numbers.decimals_for` of it.
        """
        start = shown(story_value(story, path)) if value is None else value
        kwargs.setdefault("decimals", decimals_for(start))
        readout = cls(label, start, story_field=path, **kwargs).center_on_equals()
        readout.bound_to = path
        return readout

    def center_on_equals(self) -> Readout:
        """Put the number on the axis of the label's ``=`` (its last glyph).

        A label with a fraction, brackets or a subscript would otherwise pull the number off the line.
        """
        equals = self.label.family_members_with_points()[-1]
        self.number.set_y(equals.get_center()[1])
        return self

    def bind(self, story: Any, path: str) -> Readout:
        """Point the readout at the story field ``path`` and show its value; the number keeps its left edge.

        Rebuilding a number's glyphs is slow, so a readout already showing ``path`` is left alone.
        """
        if getattr(self, "bound_to", None) != path:
            self.story_field = self.bound_to = path
            self.set_value(shown(story_value(story, path)))
        return self

    @property
    def value(self) -> float:
        return float(self.number.get_value())

    def set_value(self, value: float) -> Readout:
        self.number.set_value(value)
        return self


def indicate(mobject: Mobject, color: Any = None, room: float = INDICATE_ROOM, **kwargs: Any) -> Indicate:
    """Manim's :class:`~manim.Indicate`, growing ``mobject`` by at most ``room`` on each side.

    Indicate grows by a fifth about the centre: a readout made wide by a long number (``A(x) = 2681532.075``)
    would reach ``0.1 * width`` past its own box, into the plot beside the panel or past the frame's edge. A
    narrow one still grows by the usual fifth.
    """
    kwargs.setdefault("scale_factor", 1 + min(0.2, 2 * room / max(mobject.width, 1e-6)))
    return Indicate(mobject, **({} if color is None else {"color": color}), **kwargs)
