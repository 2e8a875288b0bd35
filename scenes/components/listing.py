"""Marks on a Manim :class:`~manim.Code` listing shared by the scenes that show the code that ran (relu, backprop_graph)."""

from __future__ import annotations

from typing import Any

from manim import BLACK, Code, Mobject, Rectangle

from mathviz_scenes.components import style

__all__ = ["code_background", "line_highlight"]

#: Stroke of a line's highlight box: thin enough to pass between a listing's lines.
HIGHLIGHT_STROKE = 2.5
#: Room left and right of the line's glyphs, and above (below) the first (last) line of the listing.
HIGHLIGHT_BUFF = 0.06


def code_background(buff: float) -> dict[str, Any]:
    """A listing's ``background_config``: monokai's dark grey in the dark theme; in the light one the page itself
    (BLACK is the background in every theme), so the re-inked dark code colours sit on white, not on grey.

    On monokai's grey a light theme's inks (deepened to read on white) fell to 3.2:1: a string literal's
    yellow as #817617 on #272822 (the guard's contrast check in backprop_graph's listing).
    """
    config: dict[str, Any] = {"buff": buff, "corner_radius": 0.12, "stroke_color": style.MUTED_COLOR}
    if style.current_look().theme == "light":
        config["fill_color"] = BLACK
    return config


def _glyph_rows(listing: Code) -> list[Mobject]:
    return [line for line in listing.code_lines if line.has_points() or any(m.has_points() for m in line.get_family())]


def line_highlight(listing: Code, line: Mobject, color: Any) -> Rectangle:
    """A box around one drawn ``line`` of ``listing`` whose top and bottom run half-way to the next lines' glyphs.

    A :class:`~manim.SurroundingRectangle` with any useful buff reaches the line above: in a monospaced listing
    the brackets of one line come within 0.05 units of the next line's tallest glyphs, so its edge ran
    through them (the frame guard's line-over-text check).
    """
    rows = _glyph_rows(listing)
    index = next(k for k, row in enumerate(rows) if row is line)
    top = float(line.get_top()[1])
    bottom = float(line.get_bottom()[1])
    upper = (top + float(rows[index - 1].get_bottom()[1])) / 2 if index > 0 else top + HIGHLIGHT_BUFF
    lower = (bottom + float(rows[index + 1].get_top()[1])) / 2 if index + 1 < len(rows) else bottom - HIGHLIGHT_BUFF
    box = Rectangle(width=line.width + 2 * HIGHLIGHT_BUFF, height=upper - lower, color=color,
                    stroke_width=HIGHLIGHT_STROKE)
    box.move_to([line.get_center()[0], (upper + lower) / 2, 0])
    return box
