"""Caption text drawn with Pillow (contact sheets, slide PDF pages), with a fallback face per character.

Pillow draws every character of a string with one font file and has no
fallback: a character the font lacks comes out as a box (tofu). Captions mix
scripts ("î 和 ĵ 张成单位正方形"), and Noto Sans CJK SC lacks ĵ, so a
:class:`Typeface` splits text into runs, each drawn with the first of its
faces that has every character of the run, as Pango does in the videos.

Faces are found with fontconfig (``fc-match``), which also gives the face's
index inside a font collection (Noto Sans CJK's ``.ttc`` holds the Japanese,
Korean and Chinese faces; index 0 is Japanese, whose glyphs for some Han
characters differ from the Simplified Chinese ones) and the characters it has.
"""

from __future__ import annotations

import functools
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Face", "Typeface", "find_face"]

#: The face every family falls back to: it has Latin, Greek, Cyrillic and the maths symbols captions use.
FALLBACK = "DejaVu Sans"


@dataclass(frozen=True)
class Face:
    """One font face: its file, its index in the file (for collections) and the code points it has."""

    file: str
    index: int
    ranges: tuple[tuple[int, int], ...]

    def has(self, char: str) -> bool:
        """Whether the face has a glyph for ``char``."""
        code = ord(char)
        return any(low <= code <= high for low, high in self.ranges)


def _ranges(charset: str) -> tuple[tuple[int, int], ...]:
    """Fontconfig's charset text (``20-7e a0-103 192``) as inclusive code point ranges."""
    ranges = []
    for part in charset.split():
        low, _, high = part.partition("-")
        ranges.append((int(low, 16), int(high or low, 16)))
    return tuple(ranges)


@functools.cache
def find_face(family: str) -> Face | None:
    """The face fontconfig matches for ``family`` (``"DejaVu Sans:bold"``), or ``None`` without fontconfig."""
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}\n%{index}\n%{charset}", family], capture_output=True,
                               text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    file, _, rest = found.partition("\n")
    index, _, charset = rest.partition("\n")
    if not file or not Path(file).is_file():
        return None
    return Face(file, int(index or 0), _ranges(charset))


@functools.cache
def _load(face: Face | None, size: int) -> Any:
    from PIL import ImageFont

    if face is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(face.file, size, index=face.index)


@functools.cache
def _measure() -> Any:
    """One 1x1 drawing surface to measure text on (wrapping measures every candidate line)."""
    from PIL import Image, ImageDraw

    return ImageDraw.Draw(Image.new("RGB", (1, 1)))


class Typeface:
    """``family`` at ``size`` pixels, with :data:`FALLBACK` for the characters it lacks.

    Measures, wraps and draws text as runs: each maximal stretch of characters
    drawn with one face (spaces stay with the run they are in).
    """

    def __init__(self, family: str, size: int, fallbacks: Sequence[str] = (FALLBACK,)) -> None:
        self.size = size
        faces = [find_face(name) for name in (family, *fallbacks)]
        self._faces: list[Face | None] = [face for face in faces if face is not None] or [None]
        self.font = _load(self._faces[0], size)

    def _face_for(self, char: str) -> Face | None:
        for face in self._faces:
            if face is None or face.has(char):
                return face
        return self._faces[0]  # no face has it: the primary's own box, as Pillow would draw it

    def runs(self, text: str) -> list[tuple[str, Any]]:
        """``text`` cut into ``(run, PIL font)`` pairs; a space joins the run before it."""
        runs: list[tuple[str, Face | None]] = []
        for char in text:
            face = runs[-1][1] if runs and char == " " else self._face_for(char)
            if runs and runs[-1][1] == face:
                runs[-1] = (runs[-1][0] + char, face)
            else:
                runs.append((char, face))
        return [(run, _load(face, self.size)) for run, face in runs]

    def length(self, text: str) -> float:
        """The width of ``text`` in pixels, as :meth:`draw` draws it."""
        measure = _measure()
        return float(sum(measure.textlength(run, font=font) for run, font in self.runs(text)))

    def draw(self, draw: Any, xy: tuple[float, float], text: str, fill: Any) -> None:
        """Draw ``text`` with its top-left corner at ``xy`` on the ``ImageDraw`` ``draw``."""
        x, y = xy
        for run, font in self.runs(text):
            draw.text((x, y), run, font=font, fill=fill)
            x += draw.textlength(run, font=font)

    def wrap(self, text: str, width: float) -> list[str]:
        """Lines of ``text`` no wider than ``width`` pixels.

        Lines break at spaces and between any two CJK characters (Chinese text
        needs no spaces to break); a word wider than ``width`` on its own breaks
        between characters. The spaces a line breaks at are dropped.
        """
        lines: list[str] = []
        line = ""
        for glue, token in _tokens(text):
            candidate = f"{line}{glue}{token}" if line else token
            if self.length(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            for char in token:  # a token alone wider than the line: by characters
                if line and self.length(line + char) > width:
                    lines.append(line)
                    line = ""
                line += char
        if line:
            lines.append(line)
        return lines


def _breaks_anywhere(char: str) -> bool:
    """CJK ideographs, kana, hangul and their punctuation: a line may break before or after each."""
    return ord(char) >= 0x2E80


#: Closing punctuation that stays with the character before it (the commonest of the CJK line-start rules).
_NO_BREAK_BEFORE = frozenset("，。、：；！？）》」』】〕…,.:;!?)")


def _tokens(text: str) -> list[tuple[str, str]]:
    """``(glue, token)`` pairs: the space before each unbreakable piece of ``text`` ("" between CJK characters)."""
    tokens: list[tuple[str, str]] = []
    glue = ""
    for char in text:
        if char.isspace():
            glue = " " if tokens else ""
        elif char in _NO_BREAK_BEFORE and tokens and not glue:  # a line never starts with "，" or "）"
            tokens[-1] = (tokens[-1][0], tokens[-1][1] + char)
        elif _breaks_anywhere(char) or not tokens or glue or _breaks_anywhere(tokens[-1][1][-1]):
            tokens.append((glue, char))
            glue = ""
        else:
            tokens[-1] = (tokens[-1][0], tokens[-1][1] + char)
    return tokens
