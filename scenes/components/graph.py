"""Helpers for drawing 2D graphs: "nice" tick steps, tick values, and clipping lines to a window.

Several scenes draw a function's graph in a box and lay out its tick numbers.
They all pick a tick step the same way (the smallest of 1, 2, 5 x 10^k, or
another list of mantissas, that is at least the step asked for) and all clip
tangent and secant lines to the graph's window with the same Liang-Barsky
routine; both live here so that every graph ticks and clips alike.

Scenes differ in how much slack they allow when comparing a candidate step to
the one asked for (none, a relative 1e-3, or an absolute 1e-12); those are
parameters of :func:`round_up_step` so each scene keeps its own ticks exactly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = ["round_up_step", "ticks_between", "nice_ticks", "clip_segment"]


def round_up_step(raw: float, *, mantissas: Sequence[float] = (1, 2, 5), rel_tol: float = 0.0,
                  abs_tol: float = 0.0) -> float:
    """The smallest ``m x 10^k`` (``m`` in ``mantissas``, or 10) not below ``raw``.

    With ``k = floor(log10(raw))`` the candidates ``m x 10^k`` are tried in order;
    the first with ``m x 10^k >= raw (1 - rel_tol) - abs_tol`` is the step, so a
    step a hair short of ``raw`` still serves when a tolerance is given. A
    ``raw <= 0`` (an empty span) is measured against ``10^0``.
    """
    magnitude = 10.0 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    bound = raw * (1 - rel_tol) - abs_tol
    for m in (*mantissas, 10):
        if m * magnitude >= bound:
            return m * magnitude
    return 10.0 * magnitude


def ticks_between(lo: float, hi: float, step: float) -> np.ndarray:
    """The multiples of ``step`` inside ``[lo, hi]`` (ends included up to a 1e-9 step rounding)."""
    return np.arange(math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9) + 1) * step


def nice_ticks(lo: float, hi: float, target: int = 5) -> tuple[np.ndarray, int]:
    """Tick values at multiples of a 1-2-2.5-5 step inside [lo, hi], and the decimals they need.

    The step is :func:`round_up_step` of ``(hi - lo) / target`` (relative slack
    1e-3); a 2.5 step needs one decimal more than its power of ten.
    """
    raw = (hi - lo) / target
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = round_up_step(raw, mantissas=(1, 2, 2.5, 5), rel_tol=1e-3)
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) + (1 if round(step / magnitude, 3) == 2.5 else 0)
    return ticks_between(lo, hi, step), decimals


def clip_segment(a: np.ndarray, b: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The part of segment ab inside the box [lower, upper] (x and y only; Liang-Barsky), or None."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    d = b - a
    t0, t1 = 0.0, 1.0
    for k in (0, 1):
        if abs(d[k]) < 1e-12:
            if a[k] < lower[k] - 1e-9 or a[k] > upper[k] + 1e-9:
                return None
            continue
        ta, tb = (lower[k] - a[k]) / d[k], (upper[k] - a[k]) / d[k]
        t0, t1 = max(t0, min(ta, tb)), min(t1, max(ta, tb))
        if t0 > t1:
            return None
    return a + t0 * d, a + t1 * d
