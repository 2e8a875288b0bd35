"""A surface z = f(u, v) over a plotting window, with its exact gradient and Hessian.

Shared by the 3D explainers (``tangent_plane_hessian`` draws f(x, y) with its
tangent plane, ``gradient_descent`` walks down a loss L(w1, w2)) and by any
explainer that needs a typed or named two-variable function: one class, so a
fix to the Hessian or the window reaches every video at once.

The gradient and Hessian are the symbolic derivatives of one validated
expression tree (:meth:`mathviz.expr.Expression.diff`), evaluated exactly;
the Hessian is returned symmetrised,

.. math::

    H = \\begin{pmatrix} f_{uu} & (f_{uv} + f_{vu})/2 \\\\ (f_{uv} + f_{vu})/2 & f_{vv} \\end{pmatrix},

since the two mixed partials are equal for a twice continuously
differentiable f but are built as two different trees whose rounding can
differ in the last digits.

:func:`parse_surface` is the parser of an explainer's ``surface`` parameter:
a name from that explainer's own table of teaching surfaces, or an expression
that must be finite on the plotting grid.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

import contourpy
import numpy as np

from mathviz import params
from mathviz.expr import Expression, compile_expression
from mathviz.params import ParameterError

__all__ = [
    "Window",
    "Point",
    "SurfaceSpec",
    "Surface",
    "GRID_POINTS",
    "MAX_HEIGHT",
    "CONSTANTS",
    "make_surface",
    "parse_surface",
    "window_text",
    "contour_lines",
]

#: ``((u_min, u_max), (v_min, v_max))``: the rectangle a surface is plotted over.
Window = tuple[tuple[float, float], tuple[float, float]]
#: One point (u, v): a pair of numbers or a length-2 array.
Point = Sequence[float] | np.ndarray
#: Grid points per axis of :meth:`Surface.grid` (height range, contour lines, finiteness check).
GRID_POINTS = 121
#: Largest |height| a typed surface may reach on its window. Manim lays out an axis from its raw range before
#: scaling it, and loses the scale for large ranges: measured, a box meant to be 3 units tall is 4 at 1e16 and
#: a point at 1e17 (past about 1e154 with a numpy overflow warning too; exp(100*x*y) reaches 5e173 on
#: [-2, 2]^2). Up to 1e12 the box is exact (tests/scenes/test_tangent_plane_hessian.py), so taller surfaces
#: are refused rather than drawn wrong.
MAX_HEIGHT = 1e12
#: Names an expression may use that are constants, not surface names.
CONSTANTS: tuple[str, ...] = ("pi", "e")


class SurfaceSpec(Protocol):
    """What a named teaching surface provides (each explainer's table adds its own fields)."""

    @property
    def name(self) -> str: ...

    @property
    def formula(self) -> str: ...

    @property
    def window(self) -> Window: ...


SpecT = TypeVar("SpecT", bound=SurfaceSpec)


@dataclass(frozen=True)
class Surface(Generic[SpecT]):
    """f(u, v) with its exact gradient and Hessian (symbolic derivatives of one tree) and a window.

    ``named`` is the explainer's own description of a named surface (``None``
    for a typed expression); ``name`` is that name or the expression's text.
    """

    name: str
    f: Expression
    gradient: tuple[Expression, Expression]
    hessian: tuple[tuple[Expression, Expression], tuple[Expression, Expression]]
    window: Window
    named: SpecT | None = None

    @property
    def formula(self) -> str:
        """The expression's source text."""
        return self.f.source

    @property
    def variables(self) -> tuple[str, ...]:
        """The two variable names, in argument order."""
        return self.f.variables

    def __call__(self, u: np.ndarray | float, v: np.ndarray | float) -> np.ndarray:
        return self.f(u, v)

    def grad(self, p: Point) -> np.ndarray:
        """Grad f(p) = [f_u, f_v] at one point."""
        return np.array([float(g(p[0], p[1])) for g in self.gradient])

    def gradient_grid(self, u: np.ndarray | float, v: np.ndarray | float) -> np.ndarray:
        """Grad f at many points at once: shape ``broadcast(u, v).shape + (2,)``."""
        u, v = np.broadcast_arrays(np.asarray(u, dtype=float), np.asarray(v, dtype=float))
        return np.stack([np.broadcast_to(g(u, v), u.shape) for g in self.gradient], axis=-1)

    def hessian_at(self, p: Point) -> np.ndarray:
        """H(p) = [[f_uu, f_uv], [f_vu, f_vv]] at one point, symmetrised (both mixed partials averaged)."""
        return self.hessian_grid(float(p[0]), float(p[1]))

    def hessian_grid(self, u: np.ndarray | float, v: np.ndarray | float) -> np.ndarray:
        """Symmetrised Hessians at many points at once: shape ``broadcast(u, v).shape + (2, 2)``."""
        u, v = np.broadcast_arrays(np.asarray(u, dtype=float), np.asarray(v, dtype=float))
        h = np.stack([np.stack([np.broadcast_to(e(u, v), u.shape) for e in row], axis=-1)
                      for row in self.hessian], axis=-2)
        return 0.5 * (h + np.swapaxes(h, -1, -2))

    def in_window(self, p: Point, slack: float = 0.0) -> bool:
        """Whether ``p`` lies in the window (grown by ``slack`` on every side)."""
        (a, b), (c, d) = self.window
        return bool(a - slack <= p[0] <= b + slack and c - slack <= p[1] <= d + slack)

    @property
    def width(self) -> float:
        """The window's larger side."""
        (a, b), (c, d) = self.window
        return max(b - a, d - c)

    def grid(self, n: int = GRID_POINTS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(u, v, z)`` on an n x n grid over the window; ``z[i, j] = f(u[j], v[i])``."""
        (a, b), (c, d) = self.window
        u, v = np.linspace(a, b, n), np.linspace(c, d, n)
        uu, vv = np.meshgrid(u, v)
        return u, v, self.f(uu, vv)


def make_surface(f: Expression, *, window: Window, name: str | None = None,
                 named: SpecT | None = None) -> Surface[SpecT]:
    """Bundle ``f`` (an expression in two variables) with its symbolic gradient and Hessian."""
    if len(f.variables) != 2:
        raise ValueError(f"a surface is a function of two variables, not of {', '.join(f.variables) or 'none'}")
    u, v = f.variables
    fu, fv = f.diff(u), f.diff(v)
    hessian = ((fu.diff(u), fu.diff(v)), (fv.diff(u), fv.diff(v)))
    return Surface(name or f.source, f, (fu, fv), hessian, window, named)


def window_text(window: Window, variables: Sequence[str]) -> str:
    """The window in words, e.g. ``x in [-2, 2], y in [-2, 2]``."""
    (a, b), (c, d) = window
    return f"{variables[0]} in [{a:g}, {b:g}], {variables[1]} in [{c:g}, {d:g}]"


def parse_surface(text: str, *, named: Mapping[str, SpecT], variables: tuple[str, str], window: Window,
                  example: str, key: str = "surface") -> Surface[SpecT]:
    """Parse a ``surface`` parameter: a key of ``named`` or an expression in ``variables``.

    A named surface keeps its own window; a typed expression is plotted over
    ``window`` and must be finite on the :data:`GRID_POINTS` grid there (a
    surface with holes cannot be drawn). A bare word that is neither a name,
    a variable nor a constant is reported as an unknown surface, listing the
    names and ``example``.

    Raises
    ------
    ParameterError
        Unknown name, invalid expression, or an expression not finite on the window or reaching
        heights beyond :data:`MAX_HEIGHT` there.
    """
    raw = str(text).strip()
    if raw in named:
        spec = named[raw]
        f = compile_expression(spec.formula, variables, what=key)
        return make_surface(f, name=spec.name, window=spec.window, named=spec)
    if raw.replace("-", "_").isidentifier() and raw not in variables and raw not in CONSTANTS:
        raise ParameterError(key, f"unknown surface {raw[:40]!r}; use one of {', '.join(named)} "
                                  f"or an expression in {', '.join(variables)} such as {example}")
    surface: Surface[SpecT] = make_surface(params.function_of(key, variables)(raw), window=window)
    u, v, z = surface.grid()
    bad = ~np.isfinite(z)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ParameterError(key, f"{raw[:60]} is not finite at ({', '.join(variables)}) = ({u[j]:g}, {v[i]:g}) "
                                  f"inside the plotting window {window_text(window, variables)}")
    peak = float(np.max(np.abs(z)))
    if peak > MAX_HEIGHT:
        i, j = np.unravel_index(int(np.argmax(np.abs(z))), z.shape)
        raise ParameterError(key, f"{raw[:60]} reaches {peak:.3g} at ({', '.join(variables)}) = ({u[j]:g}, {v[i]:g}); "
                                  f"heights beyond {MAX_HEIGHT:g} cannot be drawn to scale")
    return surface


def contour_lines(surface: Surface, level: float, n: int = GRID_POINTS) -> tuple[np.ndarray, ...]:
    """The level curve f = ``level`` inside the window as polylines (k x 2 arrays of [u, v]).

    Traced by contourpy on an n x n grid; the points lie on the curve up to the
    grid's linear interpolation error.
    """
    u, v, z = surface.grid(n)
    generator = contourpy.contour_generator(u, v, z, line_type=contourpy.LineType.Separate)
    return tuple(np.asarray(line, dtype=float) for line in generator.lines(level) if len(line) >= 2)
