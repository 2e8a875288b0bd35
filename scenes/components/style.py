"""Style constants and small constructors shared by every scene: colours, fonts, sizes.

All text avoids TeX: plain text through Pango (:class:`~manim.Text`), formulas
through Typst (:class:`~manim.MathTypst`), numbers as
:class:`~manim.DecimalNumber` with ``mob_class=Text`` and axis numbers with
``label_constructor=Text``. A test constructs every scene with TeX made
unavailable.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
    ManimColor,
    MathTypst,
    Text,
    config,
)
from manim.mobject.mobject import Mobject
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath
from manim.mobject.text.numbers import string_to_mob_map

from mathviz_scenes.components.look import Look
from mathviz_scenes.components.numbers import MINUS

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
    "CAPTION_BAND",
    "caption_band",
    "SAFE_MARGIN",
    "Palette",
    "PALETTES",
    "use",
    "current_look",
    "current_lang",
    "palette",
    "ink",
    "background",
    "relative_luminance",
    "contrast_ratio",
    "FrameBox",
    "frame",
    "content_top",
    "caption_top",
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

#: Height of the band at the bottom of a 16:9 frame that belongs to the caption line (drawn or not: with
#: ``--captions none`` it stays clear, so the player's control bar covers nothing); content stays above it.
#: Narrower frames give the caption two lines (:func:`caption_band`).
CAPTION_BAND = 0.65
CAPTION_BAND_TWO_LINES = 1.2
#: Margin kept clear under the frame's top edge.
TOP_MARGIN = 0.15
#: Margin kept clear at the frame's left and right edges.
SAFE_MARGIN = 0.15


# -- the look of the scene being built ------------------------------------------------------------
#
# Manim's config is global; so is the look of the scene being built. ExplainerScene sets both
# before it builds its camera and mobjects (inside the pipeline's tempconfig), and the helpers
# below read them, so a scene asks "how wide is my frame" and "which font" in one way.

def _copy_sharing_the_parsed_path(self: VMobjectFromSVGPath, memo: dict[int, Any]) -> VMobjectFromSVGPath:
    """Deep-copy one glyph or path of an SVG (text, formula, number digit), sharing its parsed SVG path.

    Manim keeps the svgelements ``Path`` each glyph was built from (``path_obj``, read only while the
    points are generated in ``__init__``) and deep-copies it with every copy: a thousand small Python
    objects per formula, nine tenths of the cost of copying a ``Text`` or ``MathTypst``. Every typeset
    string is a copy (Manim's SVG cache hands out copies) and every DecimalNumber update copies its digits,
    so sharing the never-changed path makes copies 3-9x cheaper, with the same points and style.
    """
    memo.setdefault(id(self.path_obj), self.path_obj)
    return Mobject.__deepcopy__(self, memo)


VMobjectFromSVGPath.__deepcopy__ = _copy_sharing_the_parsed_path

_state: dict[str, Any] = {"look": Look(), "lang": "en"}


def use(look: Look, lang: str = "en") -> None:
    """Make ``look`` and ``lang`` the current ones (the scene being built); sets Manim's frame size for the aspect.

    Manim caches the glyphs of DecimalNumber digits by their characters only, so the cache is
    emptied when the language (and with it the font) changes.
    """
    if lang != _state["lang"]:
        string_to_mob_map.clear()
    _state["look"], _state["lang"] = look, lang
    shape = look.frame(int(config.pixel_width), int(config.pixel_height))
    config.pixel_width, config.pixel_height = shape.pixel_width, shape.pixel_height
    config.frame_width, config.frame_height = shape.width, shape.height


def current_look() -> Look:
    """The look of the scene being built."""
    return _state["look"]


def current_lang() -> str:
    """The language of the scene being built (``"en"`` or ``"zh"``)."""
    return _state["lang"]


# -- themes -----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: a palette is one of PALETTES
class Palette:
    """One theme's colours: its background and, for each colour a scene draws with, the colour shown.

    Scenes are written with the dark theme's colours (Manim's named colours and the roles
    above); a theme maps each to its own. ``inks`` maps a dark-theme colour (``#RRGGBB``) to
    this theme's; a colour not in the table is darkened or lightened just enough to keep
    :data:`MIN_CONTRAST` against the background, keeping its hue (:meth:`ink`). ``BLACK``
    means "the background" in every theme (background rectangles, outlines that part a
    dot from a surface).
    """

    name: str
    background: str
    inks: Mapping[str, str]

    @property
    def identity(self) -> bool:
        """Whether this palette shows every colour as the scene drew it."""
        return not self.inks and self.background == "#000000"

    def ink(self, color: Any, opacity: float = 1.0) -> ManimColor:
        """The colour this theme shows for the scene colour ``color`` drawn at ``opacity``.

        A colour drawn at :data:`KEEP_CONTRAST_OPACITY` or more is still meant to be read (a stroke or
        a label a little dimmed); its ink is deepened just enough that, blended at that opacity onto the
        background, it keeps :data:`MIN_CONTRAST`. Fainter colours are dimmed on purpose and keep their ink.
        """
        hex_color = ManimColor(color).to_hex().upper()
        if self.identity:
            return ManimColor(hex_color)
        return ManimColor(self._ink_hex_at(hex_color, _opacity_key(opacity)))

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - palettes are a handful of module constants
    def _ink_hex(self, hex_color: str) -> str:
        if self.identity:
            return hex_color
        if hex_color in self.inks:
            return self.inks[hex_color]
        return _readable(hex_color, self.background)

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - palettes are a handful of module constants
    def _ink_hex_at(self, hex_color: str, opacity: float) -> str:
        inked = self._ink_hex(hex_color)
        if opacity >= 1.0 or opacity < KEEP_CONTRAST_OPACITY or inked == self.background:
            return inked  # opaque; dimmed on purpose; or the background itself (BLACK)
        return _readable(inked, self.background, opacity)

    def ink_rgbas(self, rgbas: Any) -> Any:
        """``rgbas`` (rows of red, green, blue, alpha in 0..1) with each colour inked at its alpha; alpha kept."""
        import numpy as np

        if self.identity or len(rgbas) == 0:
            return rgbas
        out = np.array(rgbas, dtype=float, copy=True)
        for row in out:
            rgb = tuple(int(round(float(c) * 255)) for c in row[:3])
            hex_color = "#{:02X}{:02X}{:02X}".format(*(min(max(c, 0), 255) for c in rgb))
            row[:3] = ManimColor(self._ink_hex_at(hex_color, _opacity_key(float(row[3])))).to_rgb()
        return out


def _opacity_key(opacity: float) -> float:
    """An opacity rounded for the ink cache (to 1/100: finer steps change no 8-bit colour noticeably)."""
    return round(min(max(float(opacity), 0.0), 1.0), 2)


#: Text and key strokes keep at least this contrast ratio against the background (WCAG AA for text).
MIN_CONTRAST = 4.5
#: A colour drawn at least this opaque is meant to be read and keeps MIN_CONTRAST as shown (blended onto the
#: background); fainter ones (grids, ghosts of earlier steps, axes kept in the background) are dimmed on purpose.
#: The frame guard's contrast check uses the same line (quality.CONTRAST_STROKE_OPACITY).
KEEP_CONTRAST_OPACITY = 0.75

DARK = Palette("dark", "#000000", {})
#: The light theme: for a white page. Each named colour of the dark theme gets a deeper shade of
#: its hue that keeps MIN_CONTRAST on white; text goes near-black, muted greys mid-grey.
LIGHT = Palette("light", "#FFFFFF", {
    "#FFFFFF": "#1F2328",  # WHITE: text
    "#000000": "#FFFFFF",  # BLACK: the background
    "#DDDDDD": "#3D444D",  # GREY_A
    "#BBBBBB": "#57606A",  # GREY_B: muted
    "#888888": "#656D76",  # GREY_C
    "#58C4DD": "#0B62A8",  # BLUE: the function
    "#C7E9F1": "#0A4A78",  # BLUE_A
    "#9CDCEB": "#0D5B91",  # BLUE_B
    "#29ABCA": "#0B6E99",  # BLUE_D
    "#236B8E": "#1B5E7E",  # BLUE_E
    "#FC6255": "#C62828",  # RED: derivative, gradient, negative
    "#83C167": "#2E7D32",  # GREEN: tangent
    "#F7D96F": "#8A6100",  # YELLOW: highlight
    "#FF862F": "#B54700",  # ORANGE: secant
    "#9A72AC": "#7B3FA0",  # PURPLE: accent
    "#B189C6": "#6A3590",  # PURPLE_B
    "#5CD0B3": "#00796B",  # TEAL: positive
    "#55C1A7": "#00695C",  # TEAL_D
    "#D147BD": "#A8237F",  # PINK
    "#CD853F": "#8B4D14",  # LIGHT_BROWN
    "#F0AC5F": "#8D5A00",  # GOLD
})
PALETTES: dict[str, Palette] = {p.name: p for p in (DARK, LIGHT)}


def palette() -> Palette:
    """The palette of the scene being built."""
    return PALETTES[current_look().theme]


def ink(color: Any, opacity: float = 1.0) -> ManimColor:
    """The colour the current theme shows for the scene colour ``color`` drawn at ``opacity``."""
    return palette().ink(color, opacity)


def background() -> ManimColor:
    """The current theme's background colour."""
    return ManimColor(palette().background)


def relative_luminance(color: Any) -> float:
    """WCAG 2 relative luminance of ``color`` (0 for black, 1 for white)."""
    channels = []
    for c in ManimColor(color).to_rgb():
        c = float(c)
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(a: Any, b: Any) -> float:
    """WCAG 2 contrast ratio of two colours, from 1 (equal) to 21 (black on white)."""
    la, lb = relative_luminance(a), relative_luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def _readable(hex_color: str, background_hex: str, opacity: float = 1.0) -> str:
    """``hex_color`` with its lightness moved (hue and saturation kept) until, drawn at ``opacity`` on the
    background, it has MIN_CONTRAST + 0.1 there.

    For colours that no table names: Manim's in-between colours of a colour animation, a scene's own shades;
    and for named colours drawn a little dimmed (see :meth:`Palette.ink`).
    """
    import colorsys

    import numpy as np

    page = np.asarray(ManimColor(background_hex).to_rgb(), dtype=float)

    def ratio(candidate: str) -> float:
        blended = opacity * np.asarray(ManimColor(candidate).to_rgb(), dtype=float) + (1 - opacity) * page
        return contrast_ratio(ManimColor(blended), background_hex)

    red, green, blue = ManimColor(hex_color).to_rgb()
    hue, light, sat = colorsys.rgb_to_hls(float(red), float(green), float(blue))
    target = MIN_CONTRAST + 0.1
    if ratio(hex_color) >= target:
        return hex_color
    darker = relative_luminance(background_hex) > 0.5
    low, high = (0.0, light) if darker else (light, 1.0)
    for _ in range(30):  # bisect the lightness: the closest to the original that is readable
        mid = (low + high) / 2
        candidate = ManimColor(colorsys.hls_to_rgb(hue, mid, sat)).to_hex().upper()
        ok = ratio(candidate) >= target
        if darker:  # the lightest readable: readable -> search lighter
            low, high = (mid, high) if ok else (low, mid)
        else:  # the darkest readable: readable -> search darker
            low, high = (low, mid) if ok else (mid, high)
    best = low if darker else high
    return ManimColor(colorsys.hls_to_rgb(hue, best, sat)).to_hex().upper()


# -- the frame ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FrameBox:
    """The current frame in scene units: its size, the safe edges content keeps inside, and its shape."""

    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float

    @property
    def portrait(self) -> bool:
        return self.height > self.width * 1.01

    @property
    def square(self) -> bool:
        return abs(self.height - self.width) <= 0.01 * self.width

    @property
    def landscape(self) -> bool:
        return self.width > self.height * 1.01

    @property
    def content_width(self) -> float:
        return self.right - self.left

    @property
    def content_height(self) -> float:
        return self.top - self.bottom


def frame() -> FrameBox:
    """The frame being drawn: ``left``/``right`` are the safe edges, ``top`` is :func:`content_top` and
    ``bottom`` is :func:`caption_top` (content stays inside them).
    """
    width, height = float(config.frame_width), float(config.frame_height)
    return FrameBox(width, height, -width / 2 + SAFE_MARGIN, width / 2 - SAFE_MARGIN, content_top(), caption_top())


def content_top() -> float:
    """Content stays below this: the frame's top edge less :data:`TOP_MARGIN`."""
    return float(config.frame_height) / 2 - TOP_MARGIN


def caption_band() -> float:
    """Height of the caption band: one line in a 16:9 frame, two in a square or portrait one."""
    return CAPTION_BAND if config.frame_width > config.frame_height * 1.01 else CAPTION_BAND_TWO_LINES


def caption_top() -> float:
    """The top of the caption band at the bottom of the frame; content stays above it."""
    return -float(config.frame_height) / 2 + caption_band()


def font_for(lang: str | None = None) -> str:
    """The one font family for labels and numbers in language ``lang`` (default: the current one)."""
    return CJK_FONT if (current_lang() if lang is None else lang) == "zh" else FONT


def text(content: str, size: float = LABEL_SIZE, color: Any = WHITE, **kwargs: Any) -> Text:
    """Plain text through Pango in the current language's font (or ``font=...``)."""
    font = kwargs.pop("font", None) or font_for()
    return Text(content, font=font, font_size=size, color=color, **kwargs)


def _typst_preamble(lang: str) -> str:
    """Words inside a zh formula in the CJK font; the formula's letters and symbols stay in Typst's math font."""
    return f'#set text(font: "{CJK_FONT}")' if lang == "zh" else ""


_TYPST_FONTS = threading.local()


def typst_fonts() -> Any:
    """The system fonts as a :class:`typst.Fonts` font book, found once per process and thread.

    ``typst.compile`` searches the system's fonts on every call (about 75 ms here), longer than typesetting a
    formula takes; handed a loaded font book it compiles in 1-3 ms, to the same SVG bytes. Kept per process
    (a chunked render forks) and per thread (Dask workers typeset in threads).
    """
    import typst

    if getattr(_TYPST_FONTS, "pid", None) != os.getpid():
        _TYPST_FONTS.fonts, _TYPST_FONTS.pid = typst.Fonts(), os.getpid()
    return _TYPST_FONTS.fonts


def math(source: str, size: float = LABEL_SIZE, color: Any = WHITE, **kwargs: Any) -> MathTypst:
    """A formula typeset by Typst (math mode), e.g. ``math("frac(f(x_0+h) - f(x_0), h)")``.

    Quoted words (``"slope"``) are set in the current language's font. The system fonts are loaded once
    (:func:`typst_fonts`), not once per formula.
    """
    kwargs.setdefault("typst_preamble", _typst_preamble(current_lang()))
    kwargs.setdefault("font_paths", typst_fonts())
    return MathTypst(source, font_size=size * TYPST_SCALE, color=color, **kwargs)


class NumberText(Text):
    """The digits of a DecimalNumber, in the current language's font (the labels' font family).

    Its sign is the minus sign (U+2212), as in ``numbers.fmt`` and the Typst formulas, not the hyphen that
    Python's formatting writes.
    """

    def __init__(self, content: str, **kwargs: Any) -> None:
        kwargs.setdefault("font", font_for())
        super().__init__(content.replace("-", MINUS), **kwargs)


def number(value: float, decimals: int = 3, size: float = READOUT_SIZE, color: Any = WHITE, **kwargs: Any) -> DecimalNumber:
    """A DecimalNumber drawn with Pango text in the labels' font, not TeX."""
    return DecimalNumber(
        value,
        num_decimal_places=decimals,
        mob_class=NumberText,
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
        "label_constructor": NumberText,
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
