"""Shared checks of the linear-algebra scenes (norms, determinant, matrix_product, eigen) in every look.

A scene built in a square or portrait frame must keep its panel inside the
frame and off the plot, and a zh build must show no English word: the
words on screen are Pango text (``original_text``) and the quoted words of
Typst formulas (``"signed area"``); letters in math mode are symbols.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from manim import Mobject, Text, config

#: Names and symbols a Chinese maths text writes in Latin letters too.
ALLOWED_WORDS = {"det", "diag", "proj", "mat", "cos", "sin", "max", "min"}


def texts(scene: Any) -> list[Mobject]:
    """Every Text and Typst mobject in the scene's families."""
    found = []
    for mob in scene.mobjects:
        for member in mob.get_family():
            if isinstance(member, Text) or hasattr(member, "typst_code"):
                found.append(member)
    return found


def words_of(mob: Mobject) -> list[str]:
    """Words of two or more Latin letters a viewer reads in ``mob``."""
    if isinstance(mob, Text):
        content = mob.original_text
    else:
        content = " ".join(re.findall(r'"([^"]*)"', mob.typst_code))
    return re.findall(r"[A-Za-z]{2,}", content)


def english_words(mobjects: Iterable[Mobject]) -> set[str]:
    """The Latin words (less the allowed names) shown by ``mobjects``."""
    return {word for mob in mobjects for word in words_of(mob) if word.lower() not in ALLOWED_WORDS}


def frame_box() -> tuple[float, float, float, float]:
    """(left, right, bottom, top) of the visible frame."""
    w, h = float(config.frame_width), float(config.frame_height)
    return -w / 2, w / 2, -h / 2, h / 2


def inside_frame(mob: Mobject, margin: float = 0.05) -> bool:
    left, right, bottom, top = frame_box()
    return (mob.get_left()[0] >= left + margin and mob.get_right()[0] <= right - margin
            and mob.get_bottom()[1] >= bottom + margin and mob.get_top()[1] <= top - margin)


def assert_panel_clear_of_plot(plot: Mobject, rows: Iterable[Mobject], *, min_plot_share: float) -> None:
    """Each panel row inside the content area (above the caption band) and clear of ``plot``: below it in a
    portrait frame, beside it otherwise; the plot at least ``min_plot_share`` of the frame's width.

    Call while the scene's frame is the current config (inside ``dry_run_scene``).
    """
    from mathviz_scenes.components import style

    frame = style.frame()
    for row in rows:
        assert inside_frame(row), f"{row} leaves the frame"
        assert row.get_bottom()[1] >= frame.bottom - 1e-6, f"{row} runs into the caption band"
        assert row.get_top()[1] <= frame.top + 1e-6
        if frame.portrait:
            assert row.get_top()[1] <= plot.get_bottom()[1] + 1e-6, f"{row} is not below the plot"
        else:
            assert row.get_left()[0] >= plot.get_right()[0] - 1e-6, f"{row} is not beside the plot"
    assert plot.width >= min_plot_share * frame.width
    assert inside_frame(plot, margin=0.0)
