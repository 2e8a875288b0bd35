"""The height colour scales of scenes/components/surface.py: level curves stay legible in both themes."""

from __future__ import annotations

import numpy as np
import pytest

from mathviz_scenes.components import style
from mathviz_scenes.components.surface import HEIGHT_COLORS, LINE_HEIGHT_COLORS, height_color


@pytest.mark.parametrize("theme", sorted(style.PALETTES))
def test_level_curve_colours_keep_the_key_stroke_contrast_in_every_theme(theme: str) -> None:
    palette = style.PALETTES[theme]
    for fraction in np.linspace(0.0, 1.0, 41):
        shown = palette.ink(height_color(float(fraction), LINE_HEIGHT_COLORS))
        assert style.contrast_ratio(shown, palette.background) >= style.MIN_CONTRAST, (theme, fraction)


def test_the_line_scale_differs_from_the_mesh_scale_only_where_the_mesh_is_too_dark() -> None:
    assert len(LINE_HEIGHT_COLORS) == len(HEIGHT_COLORS)
    for mesh, line in zip(HEIGHT_COLORS, LINE_HEIGHT_COLORS):
        if style.contrast_ratio(mesh, style.DARK.background) >= style.MIN_CONTRAST:
            assert line == mesh
        else:
            assert style.contrast_ratio(line, style.DARK.background) >= style.MIN_CONTRAST
    # the mesh keeps its deep valley (its faces are not strokes)
    assert style.contrast_ratio(HEIGHT_COLORS[0], style.DARK.background) < style.MIN_CONTRAST
