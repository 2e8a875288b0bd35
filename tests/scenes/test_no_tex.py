"""No TeX needed: the ``no_tex`` fixture (tests/conftest.py) makes any TeX compile fail loudly.

Formulas are Typst, text is Pango, numbers are DecimalNumber with a Text
mob_class. tests/pipeline/test_check.py builds every registered scene, with its
defaults and its stress parameters, under ``no_tex``, so a single MathTex
anywhere fails there; this module proves the fixture itself catches TeX.
"""

from __future__ import annotations

import pytest

from tests.conftest import TexUsed


def test_the_guard_itself_catches_tex(no_tex) -> None:
    from manim import MathTex

    with pytest.raises(TexUsed):
        MathTex("x^2")
