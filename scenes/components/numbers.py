"""Story numbers as the linear-algebra scenes print them: short plain text and Typst matrices.

``fmt`` is the house format for an entry of a 2 x 2 story matrix or a value
read off it (an eigenvalue, a singular value): whole numbers bare, anything
else to three significant digits, and never ``-0``. ``typst_matrix`` writes a
matrix of such entries as Typst math for :func:`scenes.components.style.math`.
The eigen and SVD scenes use both, so the same matrix reads the same in each.

The norms scene prints with powers of ten for very large or very small numbers
and keeps its own formatter for that.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["fmt", "typst_matrix"]


def fmt(value: float) -> str:
    """A story number as printed: whole numbers bare, else three significant digits; never ``-0``."""
    value = float(value) + 0.0
    if abs(value - round(value)) < 5e-4 * max(1.0, abs(value)) or abs(value) >= 1000:
        return str(int(round(value))) if round(value) != 0 else "0"
    text = f"{value:.3g}"
    return "0" if float(text) == 0 else text


def typst_matrix(rows: Sequence[Sequence[float]]) -> str:
    """Typst source ``mat(a, b; c, d)`` of a story matrix, each entry as :func:`fmt` prints it."""
    return "mat(" + "; ".join(", ".join(fmt(x) for x in row) for row in rows) + ")"
