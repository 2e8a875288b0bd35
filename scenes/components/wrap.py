"""Text that breaks into lines to fit a width, for notes in the narrow panels of square and portrait frames.

In 16:9 a panel beside the plot is about 6 units wide and a one-line note fits; in a square
frame the panel is about 3 units wide, and shrinking a long note to that width would make it
illegible (the frame guard's minimum glyph size). :func:`wrapped_text` breaks it instead:
between words, and anywhere between Chinese characters.
"""

from __future__ import annotations

import re
from typing import Any

from manim import Mobject

from mathviz_scenes.components import style

__all__ = ["wrapped_text"]

#: Where a line may break: after a space, or before or after a CJK character or full-width mark.
_BREAKS = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]|[^\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+\s*|\s+")


def wrapped_text(content: str, width: float, size: float = style.SMALL_SIZE, color: Any = style.SECONDARY_COLOR,
                 **kwargs: Any) -> Mobject:
    """``content`` as text no wider than ``width``: broken into lines (between words; anywhere in Chinese) if needed.

    A narrow panel (square and portrait frames) would otherwise shrink a long note below legibility.
    ``kwargs`` go to :func:`~mathviz_scenes.components.style.text` (``t2c``: keep a coloured part on one line).
    """
    mob = style.text(content, size=size, color=color, **kwargs)
    if mob.width <= width:
        return mob
    per_unit = mob.width / max(_units(content), 1)
    # a coloured part (t2c) stays on one line: it is one token
    keys = sorted(kwargs.get("t2c", {}), key=len, reverse=True)
    breaks = re.compile("|".join([*(re.escape(k) + r"\s*" for k in keys), _BREAKS.pattern])) if keys else _BREAKS
    lines: list[str] = []
    line = ""
    for token in breaks.findall(content):
        candidate = line + token
        if line and _units(candidate.rstrip()) * per_unit > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line = candidate
    lines.append(line.rstrip())
    mob = style.text("\n".join(lines), size=size, color=color, **kwargs)
    if mob.width > width:
        mob.scale_to_fit_width(width)
    return mob


def _units(line: str) -> int:
    """The width of ``line`` in Latin characters: a CJK character or full-width mark counts about two."""
    return len(line) + sum(1 for ch in line if "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")
