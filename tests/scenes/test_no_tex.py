"""No TeX needed: the ``no_tex`` fixture (tests/conftest.py) makes any TeX compile fail loudly.

Formulas are Typst, text is Pango, numbers are DecimalNumber with a Text
mob_class. Every scene a test builds runs with TeX refused (the session-wide
``_no_tex_in_any_build``), and tests/pipeline/test_check.py builds every
registered scene, with its defaults and its stress parameters, under ``no_tex``
as well (no programs on PATH), so a single MathTex anywhere fails; this module
proves both catch TeX.
"""

from __future__ import annotations

import pytest

from tests.conftest import TexUsed


def test_the_guard_itself_catches_tex(no_tex) -> None:
    from manim import MathTex

    with pytest.raises(TexUsed):
        MathTex("x^2")


def test_every_build_refuses_tex() -> None:
    # No fixture asked for: the session-wide patch alone.
    from manim import MathTex

    with pytest.raises(TexUsed):
        MathTex("y^2")
