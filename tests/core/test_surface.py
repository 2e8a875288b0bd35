"""The shared surface (mathviz/surface.py) against closed forms and central differences."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from mathviz.expr import compile_expression
from mathviz.params import ParameterError
from mathviz.surface import Surface, Window, contour_lines, make_surface, parse_surface, window_text


@dataclass(frozen=True)
class Spec:
    name: str
    formula: str
    window: Window


NAMED = {"bowl": Spec("bowl", "u**2 + 3*v**2", ((-1.0, 1.0), (-2.0, 2.0)))}
WINDOW: Window = ((-2.0, 2.0), (-2.0, 2.0))


def parse(text: str) -> Surface[Spec]:
    return parse_surface(text, named=NAMED, variables=("u", "v"), window=WINDOW, example="u**2 + v**2")


def central_hessian(surface: Surface, p: tuple[float, float], h: float = 1e-4) -> np.ndarray:
    """Second differences of f: the reference the exact Hessian is checked against."""
    u, v = p
    f = lambda a, b: float(surface(a, b))  # noqa: E731 - a short local alias reads best here
    fuu = (f(u + h, v) - 2 * f(u, v) + f(u - h, v)) / h**2
    fvv = (f(u, v + h) - 2 * f(u, v) + f(u, v - h)) / h**2
    fuv = (f(u + h, v + h) - f(u + h, v - h) - f(u - h, v + h) + f(u - h, v - h)) / (4 * h**2)
    return np.array([[fuu, fuv], [fuv, fvv]])


@pytest.mark.parametrize("formula", ["u**2 + 3*v**2", "sin(u) * exp(v) + u**3 * v", "log(1 + u**2 + v**4)"])
@pytest.mark.parametrize("point", [(0.3, -0.7), (1.1, 0.4)])
def test_gradient_and_hessian_match_central_differences(formula: str, point: tuple[float, float]) -> None:
    surface = parse(formula)
    u, v, h = point[0], point[1], 1e-6
    numeric = [(float(surface(u + h, v)) - float(surface(u - h, v))) / (2 * h),
               (float(surface(u, v + h)) - float(surface(u, v - h))) / (2 * h)]
    assert surface.grad(point) == pytest.approx(numeric, rel=1e-6, abs=1e-8)
    hessian = surface.hessian_at(point)
    assert hessian == pytest.approx(central_hessian(surface, point), rel=1e-4, abs=1e-4)


def test_hessian_is_exactly_symmetric() -> None:
    # Two differently built trees for the mixed partial: averaged, so H == H^T to the last bit.
    surface = parse("exp(u * v) * sin(u + 2*v) / (1 + v**2)")
    rng = np.random.default_rng(0)
    u, v = rng.uniform(-2, 2, (2, 50))
    grid = surface.hessian_grid(u, v)
    assert grid.shape == (50, 2, 2)
    np.testing.assert_array_equal(grid, np.swapaxes(grid, -1, -2))
    for k in range(0, 50, 7):
        np.testing.assert_array_equal(surface.hessian_at((u[k], v[k])), grid[k])


def test_vectorised_gradient_matches_pointwise() -> None:
    surface = parse("u**2 * v - v**3")
    u, v = np.meshgrid(np.linspace(-1, 1, 4), np.linspace(-2, 2, 3))
    grid = surface.gradient_grid(u, v)
    assert grid.shape == (3, 4, 2)
    for i in range(3):
        for j in range(4):
            np.testing.assert_array_equal(grid[i, j], surface.grad((u[i, j], v[i, j])))


def test_constant_derivatives_broadcast() -> None:
    surface = parse("u + 2*v")  # gradient and Hessian are constants, yet come back per point
    assert surface.gradient_grid(np.zeros(5), np.zeros(5)).shape == (5, 2)
    assert surface.hessian_grid(np.zeros(5), 1.0).shape == (5, 2, 2)
    assert np.all(surface.hessian_grid(np.zeros(5), 1.0) == 0)


def test_named_surface_keeps_its_window_and_spec() -> None:
    surface = parse("bowl")
    assert surface.name == "bowl" and surface.named is NAMED["bowl"]
    assert surface.window == NAMED["bowl"].window and surface.width == 4.0
    assert surface.formula == "u**2 + 3*v**2" and surface.variables == ("u", "v")
    typed = parse("u*v")
    assert typed.named is None and typed.window == WINDOW and typed.name == "u*v"


def test_grid_orientation_and_window() -> None:
    surface = parse("u + 10*v")
    u, v, z = surface.grid(5)
    assert z[1, 3] == pytest.approx(u[3] + 10 * v[1])
    assert surface.in_window((2.0, -2.0)) and not surface.in_window((2.01, 0.0))
    assert surface.in_window((2.01, 0.0), slack=0.02)


def test_contour_lines_lie_on_their_level() -> None:
    surface = parse("u**2 + v**2")
    (circle,) = contour_lines(surface, 1.0)
    assert np.hypot(circle[:, 0], circle[:, 1]) == pytest.approx(np.ones(len(circle)), abs=2e-3)
    assert contour_lines(surface, -1.0) == ()


@pytest.mark.parametrize(("text", "message"), [
    ("bowll", "unknown surface 'bowll'; use one of bowl or an expression in u, v such as u**2 + v**2"),
    ("1/u", "is not finite at (u, v) = (0, "),
    ("x + u", "x"),
])
def test_bad_surfaces_are_parameter_errors(text: str, message: str) -> None:
    with pytest.raises(ParameterError, match="surface") as info:
        parse(text)
    assert message in str(info.value)


def test_constants_and_variables_are_expressions_not_names() -> None:
    assert parse("pi").formula == "pi"
    assert parse("u").grad((0.5, 0.5)) == pytest.approx([1.0, 0.0])


def test_a_surface_needs_two_variables() -> None:
    with pytest.raises(ValueError, match="two variables"):
        make_surface(compile_expression("t", ("t",), what="f"), window=WINDOW)


def test_window_text() -> None:
    assert window_text(((-2.0, 2.5), (0.0, 1.0)), ("w1", "w2")) == "w1 in [-2, 2.5], w2 in [0, 1]"
