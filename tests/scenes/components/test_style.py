"""Typesetting costs in scenes/components/style.py: one font book per process, copies that share parsed SVG paths."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mathviz_scenes.components import style


@pytest.fixture
def glyphs(tmp_path: Path):
    from manim import tempconfig

    with tempconfig({"tex_dir": str(tmp_path / "Tex"), "text_dir": str(tmp_path / "texts")}):
        yield tmp_path


@pytest.mark.parametrize("make", [
    lambda: style.math("frac(f(x_0 + h) - f(x_0), h)"),
    lambda: style.text("the slope of the secant"),
    lambda: style.number(-12.345),
], ids=["formula", "text", "number"])
def test_a_copy_shares_the_parsed_paths_and_nothing_drawn(glyphs, make) -> None:
    original = make()
    copy = original.copy()
    pairs = list(zip(original.family_members_with_points(), copy.family_members_with_points(), strict=True))
    assert pairs
    for a, b in pairs:
        assert b.path_obj is a.path_obj  # the svgelements path, read only while the points were made
        assert b is not a and b.points is not a.points
        assert np.array_equal(a.points, b.points)
        assert np.array_equal(a.fill_rgbas, b.fill_rgbas) and np.array_equal(a.stroke_rgbas, b.stroke_rgbas)
    before = original.get_center().copy()
    copy.shift(np.array([1.0, 2.0, 0.0])).set_color("#ff0000")
    assert np.allclose(original.get_center(), before)
    assert not np.array_equal(pairs[0][0].fill_rgbas, pairs[0][1].fill_rgbas)


def test_formulas_compile_with_one_font_book_to_the_same_svg(glyphs) -> None:
    import typst

    assert style.typst_fonts() is style.typst_fonts()
    formula = style.math('"slope" = frac(Delta y, Delta x)')
    svgs = sorted((glyphs / "Tex").glob("*.svg"))
    assert [formula.file_name] == svgs
    source = svgs[0].with_suffix(".typ")
    assert svgs[0].read_bytes() == typst.compile(str(source), format="svg")  # the system fonts searched afresh


def test_a_forked_process_loads_its_own_font_book(monkeypatch) -> None:
    import os

    parent = style.typst_fonts()
    monkeypatch.setattr(os, "getpid", lambda: -1)
    child = style.typst_fonts()
    assert child is not parent and style.typst_fonts() is child
