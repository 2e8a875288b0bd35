"""Helpers for drawing 2D graphs: "nice" tick steps, tick values, and clipping lines to a window.

Several scenes draw a function's graph in a box and lay out its tick numbers.
They all pick a tick step by the project's one rule (:func:`mathviz.view.nice_step`:
the smallest of 1, 2, 5 x 10^k, or another list of mantissas, that is at least
the step asked for) and all clip tangent and secant lines to the graph's window
with the same Liang-Barsky routine, so that every graph ticks and clips alike.
"""

from __future__ import annotations

import math

import numpy as np

from mathviz.view import nice_step

__all__ = ["ticks_between", "nice_ticks", "clip_segment"]


def ticks_between(lo: float, hi: float, step: float) -> np.ndarray:
    """The multiples of ``step`` inside ``[lo, hi]`` (ends included up to a 1e-9 step rounding)."""
    return np.arange(math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9) + 1) * step


def nice_ticks(lo: float, hi: float, target: int = 5) -> tuple[np.ndarray, int]:
    """Tick values at multiples of a 1-2-2.5-5 step inside [lo, hi], and the decimals they need.

    The step is :func:`mathviz.view.nice_step` of ``(hi - lo) / target``; a 2.5
    step needs one decimal more than its power of ten.
    """
    raw = (hi - lo) / target
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = nice_step(raw, mantissas=(1, 2, 2.5, 5))
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
