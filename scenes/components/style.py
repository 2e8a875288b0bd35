"""Style constants and small constructors shared by every scene: colours, fonts, sizes.

All text avoids TeX: plain text through Pango (:class:`~manim.Text`), formulas
through Typst (:class:`~manim.MathTypst`), numbers as
:class:`~manim.DecimalNumber` with ``mob_class=Text`` and axis numbers with
``label_constructor=Text``. A test constructs every scene with TeX made
unavailable.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from manim import (
    BLUE,
    GREEN,
    GREY_B,
    ORANGE,
    PURPLE,
    RED,
    TEAL,
    WHITE,
    YELLOW,
    Axes,
    DecimalNumber,
    MathTypst,
    Text,
    config,
)

__all__ = [
    "FONT",
    "CJK_FONT",
    "font_for",
    "FUNCTION_COLOR",
    "DERIVATIVE_COLOR",
    "GRADIENT_COLOR",
    "HIGHLIGHT_COLOR",
    "SECANT_COLOR",
    "TANGENT_COLOR",
    "POSITIVE_COLOR",
    "NEGATIVE_COLOR",
    "MUTED_COLOR",
    "ACCENT_COLOR",
    "SECONDARY_COLOR",
    "TITLE_SIZE",
    "LABEL_SIZE",
    "READOUT_SIZE",
    "CAPTION_SIZE",
    "SMALL_SIZE",
    "MIN_TEXT_PIXELS_480P",
    "TYPST_SCALE",
    "CAPTION_ZONE_TOP",
    "CONTENT_TOP",
    "SAFE_MARGIN",
    "text",
    "math",
    "number",
    "make_axes",
]

FONT = "DejaVu Sans"
#: Font for Chinese text (the zh caption line); Debian's fonts-noto-cjk, installed by tools/bootstrap.sh.
CJK_FONT = "Noto Sans CJK SC"

FUNCTION_COLOR = BLUE
DERIVATIVE_COLOR = RED
GRADIENT_COLOR = RED
HIGHLIGHT_COLOR = YELLOW
SECANT_COLOR = ORANGE
TANGENT_COLOR = GREEN
POSITIVE_COLOR = TEAL
NEGATIVE_COLOR = RED
MUTED_COLOR = GREY_B
ACCENT_COLOR = PURPLE
SECONDARY_COLOR = WHITE

# Font sizes in Manim units (48 is Manim's default). At 480p one scene unit is
# 60 pixels; LABEL_SIZE text has lower-case letters about 10 px high there.
TITLE_SIZE = 36
LABEL_SIZE = 28
READOUT_SIZE = 28
CAPTION_SIZE = 26
SMALL_SIZE = 22

#: Smallest acceptable glyph height, in pixels at 480p, of any text on screen, measured as the
#: 75th percentile of its glyphs' heights (so capitals and digits, not dots and commas, decide).
#: Below about 9 px digits such as 3/8/6 and letters such as e/c run together in a 480p video
#: scaled into a blog column or watched on a phone. SMALL_SIZE Pango text measures about 13.7 px.
MIN_TEXT_PIXELS_480P = 9.0

#: Typst draws a given font_size about 0.72 times as tall as Pango does; math() scales by this
#: so a formula and the text beside it have the same cap height.
TYPST_SCALE = 1.36

#: The bottom band of the frame belongs to the caption line; content stays above it.
CAPTION_ZONE_TOP = -3.35
#: Content stays below this (the frame's top edge is at +4).
CONTENT_TOP = 3.85
#: Margin kept clear at the frame's left and right edges.
SAFE_MARGIN = 0.15


def font_for(lang: str) -> str:
    """The font for text in language ``lang`` (``"en"`` or ``"zh"``)."""
    return CJK_FONT if lang == "zh" else FONT


def text(content: str, size: float = LABEL_SIZE, color: Any = WHITE, **kwargs: Any) -> Text:
    """Plain text through Pango in the house font (or ``font=...``, e.g. ``font_for("zh")``)."""
    font = kwargs.pop("font", FONT)
    return Text(content, font=font, font_size=size, color=color, **kwargs)


def math(source: str, size: float = LABEL_SIZE, color: Any = WHITE, **kwargs: Any) -> MathTypst:
    """A formula typeset by Typst (math mode), e.g. ``math("frac(f(x_0+h) - f(x_0), h)")``."""
    return MathTypst(source, font_size=size * TYPST_SCALE, color=color, **kwargs)


def number(value: float, decimals: int = 3, size: float = READOUT_SIZE, color: Any = WHITE, **kwargs: Any) -> DecimalNumber:
    """A DecimalNumber drawn with Pango text, not TeX."""
    return DecimalNumber(
        value,
        num_decimal_places=decimals,
        mob_class=Text,
        font_size=size,
        color=color,
        **kwargs,
    )


def make_axes(
    x_range: Sequence[float],
    y_range: Sequence[float],
    x_length: float,
    y_length: float,
    *,
    numbers: bool = True,
    number_size: float = SMALL_SIZE,
    **kwargs: Any,
) -> Axes:
    """Axes whose tick numbers are Pango text (no TeX)."""
    axis_config = {
        "label_constructor": Text,
        "include_numbers": numbers,
        "font_size": number_size,
        "stroke_width": 2,
        "include_tip": False,
    }
    axis_config.update(kwargs.pop("axis_config", {}))
    return Axes(
        x_range=list(x_range),
        y_range=list(y_range),
        x_length=x_length,
        y_length=y_length,
        axis_config=axis_config,
        **kwargs,
    )


def frame_size() -> tuple[float, float]:
    """Width and height of the visible frame in scene units."""
    return float(config.frame_width), float(config.frame_height)
