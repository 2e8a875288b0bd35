"""Marks on a Manim :class:`~manim.Code` listing shared by the scenes that show the code that ran (relu, backprop_graph)."""

from __future__ import annotations

from typing import Any

from manim import Code, Mobject, Rectangle

__all__ = ["line_highlight"]

#: Stroke of a line's highlight box: thin enough to pass between a listing's lines.
HIGHLIGHT_STROKE = 2.5
#: Room left and right of the line's glyphs, and above (below) the first (last) line of the listing.
HIGHLIGHT_BUFF = 0.06


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
