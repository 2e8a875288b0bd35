"""line_highlight: a box around one line of a Code listing that stays off the neighbouring lines' glyphs."""

from __future__ import annotations

import pytest
from manim import Code

from mathviz_scenes.components.listing import HIGHLIGHT_STROKE, line_highlight

STROKE_UNITS = 0.01  # a stroke width of 1 is 0.01 scene units (Manim's cairo camera)


@pytest.fixture(scope="module")
def listing() -> Code:
    # brackets on every line: in a monospaced listing they come closest to the next line
    source = "def relu(x: Array) -> Array:\n    return np.maximum(x, 0)\n    grad[(x < 0)] = 0"
    return Code(code_string=source, language="python", add_line_numbers=False,
                paragraph_config={"font": "DejaVu Sans Mono", "font_size": 20})


@pytest.mark.parametrize("index", [0, 1, 2])
def test_the_box_holds_its_line_and_its_edges_stay_off_the_next_lines(listing, index):
    lines = listing.code_lines
    line = lines[index]
    box = line_highlight(listing, line, "#FFFF00")
    half = HIGHLIGHT_STROKE * STROKE_UNITS / 2
    assert box.get_left()[0] < line.get_left()[0] and box.get_right()[0] > line.get_right()[0]
    if index > 0:  # the top edge runs between this line and the glyphs of the one above
        assert line.get_top()[1] < box.get_top()[1] - half and box.get_top()[1] + half < lines[index - 1].get_bottom()[1]
    if index < len(lines) - 1:
        assert lines[index + 1].get_top()[1] < box.get_bottom()[1] - half
        assert box.get_bottom()[1] + half < line.get_bottom()[1]
