"""Story numbers as every scene prints them: one formatter, one decimals rule, Typst matrices.

:func:`fmt` writes a story number as text or Typst math:

* ``decimals=None`` (the house format for a value read off the story: an
  eigenvalue, a norm, a loss in a caption): three significant digits, trailing
  zeros dropped, whole numbers bare (``2``, ``0.5``, ``12.3``, ``1234``);
* ``decimals=k``: exactly k places (``1.250``), as a live readout shows them;
  ``trim=True`` drops trailing zeros (``1.25``), ``trim="whole"`` only on whole
  numbers (``3`` but ``2.50``);
* never a false zero and never a wall of digits: a nonzero number the chosen
  places would round to zero (or, with three significant digits, below 10^-3),
  and any number of 10^5 or more, is written with a power of ten, ``1.23×10⁻⁵``
  in text and ``1.23 times 10^(-5)`` in Typst math (``math=True``);
* a negative number's sign is the minus sign ``−`` (U+2212) in text, as in
  the Typst formulas beside it, never the hyphen ``-``;
* never ``-0`` (and ``zero="0"`` prints an exact zero bare whatever the
  places); rounding noise (within ``snap`` of a whole number, relative to the
  number's size) counts as that whole number; ``None``, NaN and infinity are a dash.

:func:`decimals_for` is the one rule for how many places a readout shows: the
largest of the values it will show, to a number of significant digits, within
a range of places, and never fewer than three significant digits of a value
below one. :func:`signed` writes a term after another (``+ 1.25``);
:func:`typst_matrix` a matrix (with a common power of ten in front when its
entries are very large or small).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Literal, SupportsFloat

import numpy as np

__all__ = [
    "LARGE",
    "MINUS",
    "SMALL",
    "NOISE",
    "SUPERSCRIPT",
    "counted",
    "decimals_for",
    "fmt",
    "noun_for",
    "signed",
    "typst_number",
    "typst_matrix",
]

#: Numbers this large or larger are written with a power of ten (``1.23×10⁵``).
LARGE = 1e5
#: With three significant digits, nonzero numbers below this are written with a power of ten.
SMALL = 1e-3
#: Default ``snap``: a number within this fraction of a whole number is that whole number (rounding noise).
NOISE = 1e-9
#: Significant digits of the house format and of the power-of-ten mantissa.
SIGNIFICANT = 3
#: Most places :func:`decimals_for` ever gives a small value to keep three significant digits.
MOST_PLACES = 8
#: The minus sign of a negative number in text (U+2212, as wide as +; Typst math draws its own from ``-``).
MINUS = "\u2212"
#: Superscript digits for powers of ten in plain text.
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")

Trim = bool | Literal["whole"]


def decimals_for(*values: float | None | Iterable[float | None], significant: int = 6, most: int = 3,
                 least: int = 0, zero: int | None = None) -> int:
    """Decimal places that show the largest finite |value| to ``significant`` digits, in ``[least, most]``.

    With ``lead = floor(log10(largest))`` the places are
    ``clip(significant - 1 - lead, least, most)``, raised to
    ``min(2 - lead, 8)`` when that is more, so a value below one keeps three
    significant digits (0.000335, not 0.000). A live readout passes every
    value it will show, so its width never changes; zero and no finite value
    count as 1.

    Parameters
    ----------
    values
        Numbers, or iterables of numbers; ``None`` and non-finite ones are skipped.
    significant
        Significant digits of the largest value (6 for readouts: 10244.6).
    most, least
        The range of places for values of one and more.
    zero
        Places when every value is 0 (``0`` to show an exact zero as ``0``); by default as for 1.
    """
    flat = list(_flatten(values))
    largest = max((abs(v) for v in flat if math.isfinite(v)), default=0.0)
    if largest == 0 and zero is not None:
        return zero
    largest = largest or 1.0
    lead = math.floor(math.log10(largest))
    places = min(most, max(least, significant - 1 - lead))
    return int(max(places, min(SIGNIFICANT - 1 - lead, MOST_PLACES)))


def _flatten(values: Iterable[object]) -> Iterable[float]:
    for value in values:
        if value is None:
            continue
        if isinstance(value, Iterable) and not isinstance(value, str):
            yield from _flatten(value)
        elif isinstance(value, SupportsFloat | str):
            yield float(value)
        else:
            raise TypeError(f"not a number: {value!r}")


def _power_of_ten(value: float, *, math_mode: bool) -> str:
    mantissa, exponent = f"{value:.{SIGNIFICANT - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    if math_mode:
        return f"{mantissa} times 10^({int(exponent)})"
    return f"{mantissa.replace('-', MINUS)}×10{str(int(exponent)).translate(SUPERSCRIPT)}"


def fmt(value: float | None, decimals: int | None = None, *, trim: Trim | None = None, math: bool = False,
        snap: float = NOISE, group: bool = False, zero: str | None = None, hidden: bool = True) -> str:
    """A story number as printed (rules in the module docstring).

    Parameters
    ----------
    value
        The number; ``None`` or not finite prints as ``-``.
    decimals
        Fixed places, or ``None`` for three significant digits.
    trim
        Drop trailing zeros (``True``), only a whole number's (``"whole"``) or
        none (``False``); default ``True`` with ``decimals=None``, else ``False``.
    math
        Write a power of ten as Typst math (``times 10^(k)``) instead of text.
    snap
        Numbers within ``snap * max(1, |value|)`` of a whole number print as it.
    group
        Thousands separators (``12,345``); large numbers then stay in digits.
    hidden
        Write a nonzero number the places would round to 0 with a power of ten
        (the default); ``False`` rounds it, for coordinates read to a fixed grid.
    zero
        The text of an exact zero, when it should stand out from the other
        values (``"0"`` among ``0.25, 1.50``); by default the zero in the chosen format.
    """
    if value is None or not np.isfinite(value):
        return "-"
    number = float(value) + 0.0
    if number == 0 and zero is not None:
        return zero
    if snap and abs(number - round(number)) < snap * max(1.0, abs(number)):
        number = float(round(number)) + 0.0
    if trim is None:
        trim = decimals is None
    places = decimals_for(number, significant=SIGNIFICANT, most=MOST_PLACES) if decimals is None else decimals
    if number != 0:
        large = abs(number) >= LARGE and not group
        tiny = abs(number) < SMALL if decimals is None else float(f"{abs(number):.{places}f}") == 0
        if large or (tiny and hidden):
            return _power_of_ten(number, math_mode=math)
    text = f"{number:,.{places}f}" if group else f"{number:.{places}f}"
    if "." in text and (trim is True or (trim == "whole" and float(text.replace(",", "")) == round(number))):
        text = text.rstrip("0").rstrip(".")
    if float(text.replace(",", "")) == 0:
        text = text.lstrip("-")
    return text if math else text.replace("-", MINUS, 1)


def signed(value: float, decimals: int | None = None, *, trim: Trim | None = None, math: bool = False,
           snap: float = NOISE, group: bool = False, zero: str | None = None, hidden: bool = True) -> str:
    """``+ 1.25`` or ``- 1.25``: a term after another one, as :func:`fmt` prints its size."""
    text = fmt(abs(value), decimals, trim=trim, math=math, snap=snap, group=group, zero=zero, hidden=hidden)
    negative = value < 0 and text.lstrip("0.,") != ""
    return f"{'-' if math else MINUS} {text}" if negative else f"+ {text}"


def typst_number(value: float, decimals: int | None = None, *, trim: Trim | None = None, snap: float = NOISE,
                 group: bool = False, zero: str | None = None, hidden: bool = True) -> str:
    """A story number inside Typst math: :func:`fmt` with ``math=True``."""
    return fmt(value, decimals, trim=trim, math=True, snap=snap, group=group, zero=zero, hidden=hidden)


def noun_for(n: int, noun: str, plural: str | None = None) -> str:
    """``step`` for 1, ``steps`` for any other ``n``: an English noun in the number ``n`` takes.

    ``plural`` is the noun's plural when it is not ``noun + "s"``.
    """
    return noun if n == 1 else plural or noun + "s"


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``1 step``, ``2 steps``, ``0 steps``: ``n`` and :func:`noun_for`."""
    return f"{n} {noun_for(n, noun, plural)}"


def typst_matrix(rows: Sequence[Sequence[float]] | np.ndarray, *, snap: float = NOISE) -> str:
    """Typst ``mat(a, b; c, d)`` of a story matrix, entries as :func:`fmt` prints them.

    A matrix whose largest entry is 10^5 or more, or nonzero and below 10^-3,
    has that power of ten in front (``10^(5) mat(1, 3; 2, 4)``), so its
    entries keep three significant digits side by side.
    """
    array = np.asarray(rows, dtype=float)
    finite = np.abs(array[np.isfinite(array)])
    largest = float(np.max(finite)) if finite.size else 0.0
    prefix = ""
    if largest >= LARGE or 0 < largest < SMALL:
        exponent = math.floor(math.log10(largest))
        array = array / 10.0**exponent
        prefix = f"10^({exponent}) "
    return prefix + "mat(" + "; ".join(", ".join(fmt(x, snap=snap, math=True) for x in row) for row in array) + ")"
