"""Read a number back from the text a scene draws (the minus sign U+2212, thousands separators)."""

from __future__ import annotations


def shown(text: str) -> float:
    """The number ``text`` shows: ``−1,234.5`` is -1234.5; anything else raises ValueError, as float() does."""
    return float(text.replace("\u2212", "-").replace(",", ""))
