"""Live readouts: a label and a number bound to the story field it shows.

A :class:`Readout` carries ``story_field`` (a path into the story's JSON such
as ``"secants.3.slope"`` or ``"det"``), so tests and the frame-quality guard
can check that the number on screen is the story's number.
"""

from __future__ import annotations

from typing import Any

from manim import RIGHT, WHITE, DecimalNumber, Mobject, VGroup

from mathviz_scenes.components import style

__all__ = ["Readout"]


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

    @property
    def value(self) -> float:
        return float(self.number.get_value())

    def set_value(self, value: float) -> Readout:
        self.number.set_value(value)
        return self
