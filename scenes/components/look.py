"""How a render looks, apart from its numbers: theme, frame shape and whether captions are burned in.

A :class:`Look` travels with a render from the command line (``--theme``,
``--aspect``, ``--captions``) or a render file (top-level ``theme``,
``aspect``, ``captions`` keys) to the scene, which applies it to Manim's
config before its camera is made (:meth:`Look.frame`). The language is not
part of the look: it already travels as ``lang`` everywhere.

This module imports nothing from Manim, so the command line can offer its
choices without loading Manim.

Frame shapes keep the pixels per scene unit of the quality's 16:9 frame: a
16:9 frame is 14.22 x 8 units, a square one 8 x 8 and a portrait one 8 x 14.22.
So text of one font size is as many pixels tall in every shape, and at
``-q h`` a portrait video is 1080 x 1920 pixels.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["ASPECTS", "CAPTIONS", "THEMES", "Frame", "Look", "LookError", "frame_for"]

THEMES = ("dark", "light")
ASPECTS = ("16:9", "1:1", "9:16")
CAPTIONS = ("none", "burned")

#: Height in scene units of the short side of every frame (Manim's default frame height).
SHORT_SIDE = 8.0


class LookError(ValueError):
    """A look value that is not one of the choices; ``str(err)`` is one line."""


@dataclass(frozen=True)
class Frame:
    """A frame shape: its size in pixels and in scene units."""

    pixel_width: int
    pixel_height: int
    width: float
    height: float


def _even(value: float) -> int:
    """The nearest even whole number (H.264 wants even frame sides), as Manim rounds 480 * 16/9 to 854."""
    return int(round(value / 2.0)) * 2


def frame_for(aspect: str, pixel_width: int, pixel_height: int) -> Frame:
    """The frame of ``aspect`` for a quality whose 16:9 frame is ``pixel_width`` x ``pixel_height``.

    The quality is read from its short side, so a config already set to another aspect gives the
    same answer (a square 480 x 480 frame is the 480p quality, like 854 x 480 and 480 x 854).
    """
    short = min(int(pixel_width), int(pixel_height))
    long = max(int(pixel_width), int(pixel_height))
    if long == short:  # a square frame: the 16:9 side is the short side times 16/9
        long = _even(short * 16 / 9)
    long_units = SHORT_SIDE * 16 / 9  # as Manim's own frame: 854 x 480 pixels show 14.22 x 8 units, not 14.23
    if aspect == "16:9":
        return Frame(long, short, long_units, SHORT_SIDE)
    if aspect == "9:16":
        return Frame(short, long, SHORT_SIDE, long_units)
    if aspect == "1:1":
        return Frame(short, short, SHORT_SIDE, SHORT_SIDE)
    raise LookError(f"aspect must be one of {', '.join(ASPECTS)}, got {str(aspect)[:20]!r}")


@dataclass(frozen=True)
class Look:
    """A render's theme (``dark``/``light``), frame ``aspect`` and ``captions`` (``none``/``burned``)."""

    theme: str = "dark"
    aspect: str = "16:9"
    captions: str = "none"

    def __post_init__(self) -> None:
        for key, value, choices in (("theme", self.theme, THEMES), ("aspect", self.aspect, ASPECTS),
                                    ("captions", self.captions, CAPTIONS)):
            if value not in choices:
                raise LookError(f"{key} must be one of {', '.join(choices)}, got {str(value)[:20]!r}")

    @property
    def burned(self) -> bool:
        """Whether the caption line is drawn into the video."""
        return self.captions == "burned"

    def frame(self, pixel_width: int, pixel_height: int) -> Frame:
        """The look's frame for a quality whose frame is ``pixel_width`` x ``pixel_height`` (see :func:`frame_for`)."""
        return frame_for(self.aspect, pixel_width, pixel_height)

    def to_dict(self) -> dict[str, str]:
        return asdict(self)
