"""The tangent-plane story against closed forms, central differences, numpy and scipy."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from mathviz.params import ParameterError
from mathviz.pipeline import registry
from mathviz.pipeline.cli import cli
from mathviz.stories.tangent_plane_hessian import (
    DEGENERATE_RTOL,
    EXAMPLES,
    PLANE_MIN_HALF,
    SURFACES,
    TangentPlaneStory,
    classify,
    find_critical_points,
    is_kinked,
    parse_surface,
    symmetric_eigen,
    tangent_plane,
    tangent_plane_story,
)

SETTINGS = settings(max_examples=60, derandomize=True, deadline=None)
SPEC = registry.get("tangent_plane_hessian")

#: Smooth surfaces with a hand-worked gradient and Hessian.
CLOSED_FORMS = {
    "bump": (lambda x, y: 2 * np.exp(-(x**2 / 2 + y**2)),
             lambda x, y, f: (-x * f, -2 * y * f),
             lambda x, y, f: ((x**2 - 1) * f, 2 * x * y * f, (4 * y**2 - 2) * f)),
    "bowl": (lambda x, y: x**2 + y**2, lambda x, y, f: (2 * x, 2 * y), lambda x, y, f: (2.0, 0.0, 2.0)),
    "cap": (lambda x, y: -(x**2 + y**2), lambda x, y, f: (-2 * x, -2 * y), lambda x, y, f: (-2.0, 0.0, -2.0)),
    "saddle": (lambda x, y: x**2 - y**2, lambda x, y, f: (2 * x, -2 * y), lambda x, y, f: (2.0, 0.0, -2.0)),
    "monkey_saddle": (lambda x, y: x**3 - 3 * x * y**2, lambda x, y, f: (3 * x**2 - 3 * y**2, -6 * x * y),
                      lambda x, y, f: (6 * x, -6 * y, -6 * x)),
}

coords = st.floats(min_value=-1.9, max_value=1.9, allow_nan=False).map(lambda v: round(v, 6))


def story(surface: str = "bump", point=(0.9, -0.6)) -> TangentPlaneStory:
    return tangent_plane_story(surface=parse_surface(surface), point=np.array(point, dtype=float))


def built(overrides: dict[str, str] | None = None) -> TangentPlaneStory:
    """The story the registry builds (the CLI's path), as its own type."""
    s = SPEC.build_story(overrides)
    assert isinstance(s, TangentPlaneStory)
    return s


def central_gradient(f, x, y, h=1e-5):
    return np.array([(f(x + h, y) - f(x - h, y)) / (2 * h), (f(x, y + h) - f(x, y - h)) / (2 * h)], dtype=float)


def central_hessian(f, x, y, h=1e-4):
    fxx = (f(x + h, y) - 2 * f(x, y) + f(x - h, y)) / h**2
    fyy = (f(x, y + h) - 2 * f(x, y) + f(x, y - h)) / h**2
    fxy = (f(x + h, y + h) - f(x + h, y - h) - f(x - h, y + h) + f(x - h, y - h)) / (4 * h**2)
    return np.array([[fxx, fxy], [fxy, fyy]], dtype=float)


# -- partial derivatives ---------------------------------------------------------------------------


def test_default_partials_match_the_closed_form() -> None:
    s = built()
    x, y = s.point
    f = 2 * math.exp(-(x**2 / 2 + y**2))
    assert s.value == pytest.approx(f, rel=1e-14)
    assert s.partial_x == pytest.approx(-x * f, rel=1e-13)
    assert s.partial_y == pytest.approx(-2 * y * f, rel=1e-13)
    assert s.gradient_norm == pytest.approx(math.hypot(x * f, 2 * y * f), rel=1e-13)


@pytest.mark.parametrize("name", list(CLOSED_FORMS))
@given(x=coords, y=coords)
@SETTINGS
def test_partials_and_hessian_match_closed_forms_and_central_differences(name, x, y) -> None:
    f, grad, hess = CLOSED_FORMS[name]
    surface = parse_surface(name)
    value = f(x, y)
    gx, gy = grad(x, y, value)
    hxx, hxy, hyy = hess(x, y, value)
    scale = 1 + abs(value)
    assert list(surface.grad((x, y))) == pytest.approx([gx, gy], abs=1e-12 * scale)
    assert surface.hessian_at((x, y)) == pytest.approx(np.array([[hxx, hxy], [hxy, hyy]]), abs=1e-11 * scale)
    # and independently of the closed forms: central differences, error O(h^2)
    assert surface.grad((x, y)) == pytest.approx(central_gradient(surface, x, y), abs=1e-7 * (1 + abs(gx) + abs(gy)))
    assert surface.hessian_at((x, y)) == pytest.approx(central_hessian(surface, x, y), abs=2e-5 * (1 + abs(hxx) + abs(hyy)))


@given(x=coords, y=coords)
@SETTINGS
def test_typed_surface_partials_are_the_central_difference_limit(x, y) -> None:
    surface = parse_surface("sin(x*y) + x**2*cos(y) + exp(x/3)")
    exact = surface.grad((x, y))
    # central differences converge at order 2: error(h) / error(h/2) ~ 4
    errors = [np.max(np.abs(central_gradient(surface, x, y, h) - exact)) for h in (1e-2, 5e-3)]
    if errors[0] > 1e-9:
        assert errors[0] / errors[1] == pytest.approx(4.0, rel=0.05)
    assert np.max(np.abs(central_gradient(surface, x, y, 1e-5) - exact)) < 1e-8


def test_slices_are_the_surface_along_the_two_lines_and_tangents_have_the_partial_slopes() -> None:
    s = story("sin(x*y) + x**2*cos(y)", (0.7, -1.1))
    x0, y0 = s.point
    assert np.all(s.slice_x[:, 1] == y0) and np.all(s.slice_y[:, 0] == x0)
    assert s.slice_x[:, 2] == pytest.approx(np.sin(s.slice_x[:, 0] * y0) + s.slice_x[:, 0] ** 2 * np.cos(y0), abs=1e-12)
    assert s.slice_y[:, 2] == pytest.approx(np.sin(x0 * s.slice_y[:, 1]) + x0**2 * np.cos(s.slice_y[:, 1]), abs=1e-12)
    (a, b) = np.array(s.tangent_x), np.array(s.tangent_y)
    assert (a[1, 2] - a[0, 2]) / (a[1, 0] - a[0, 0]) == pytest.approx(s.partial_x, rel=1e-12)
    assert (b[1, 2] - b[0, 2]) / (b[1, 1] - b[0, 1]) == pytest.approx(s.partial_y, rel=1e-12)
    assert np.all(a[:, 1] == y0) and np.all(b[:, 0] == x0)
    # the slice's own slope at x0 (a 1D central difference) is the partial derivative
    h = 1e-5
    slope_x = (math.sin((x0 + h) * y0) + (x0 + h) ** 2 * math.cos(y0) - math.sin((x0 - h) * y0)
               - (x0 - h) ** 2 * math.cos(y0)) / (2 * h)
    assert s.partial_x == pytest.approx(slope_x, abs=1e-8)


# -- the tangent plane -----------------------------------------------------------------------------


def test_tangent_plane_corners_and_lines_lie_in_the_plane() -> None:
    s = built()
    r = s.plane_half_size
    x0, y0 = s.point
    corners = np.array(s.plane_corners)
    assert sorted({round(abs(c - x0), 12) for c in corners[:, 0]}) == [round(r, 12)]
    assert sorted({round(abs(c - y0), 12) for c in corners[:, 1]}) == [round(r, 12)]
    for px, py, pz in (*s.plane_corners, *s.tangent_x, *s.tangent_y):
        assert pz == pytest.approx(s.value + s.partial_x * (px - x0) + s.partial_y * (py - y0), abs=1e-12)
    # the two tangent lines span the plane: its normal (-f_x, -f_y, 1) is perpendicular to both
    normal = np.array([-s.partial_x, -s.partial_y, 1.0])
    for seg in (s.tangent_x, s.tangent_y):
        assert np.dot(np.subtract(seg[1], seg[0]), normal) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(("surface", "point"), [("bump", (0.9, -0.6)), ("monkey_saddle", (0.5, 1.2)),
                                                ("sin(x*y) + exp(x/3)", (-1.3, 0.4))])
def test_tangent_plane_touches_to_second_order(surface, point) -> None:
    s = story(surface, point)
    f = s.graph
    hs = np.geomspace(1e-2, 1e-4, 9)
    for angle in np.linspace(0, 2 * math.pi, 7)[:-1]:
        u = np.array([math.cos(angle), math.sin(angle)])
        xy = np.array(point) + hs[:, None] * u
        errors = np.abs(f(xy[:, 0], xy[:, 1]) - tangent_plane(s.value, (s.partial_x, s.partial_y), point,
                                                               xy[:, 0], xy[:, 1]))
        # the constant is half the curvature along u: u^T H u / 2 (where that vanishes the error is O(h^3))
        curvature = u @ f.hessian_at(point) @ u
        order = np.polyfit(np.log(hs), np.log(errors), 1)[0]
        assert order == pytest.approx(2.0 if abs(curvature) > 0.05 else 3.0, abs=0.1)
        if abs(curvature) > 0.05:
            assert errors[-1] / hs[-1] ** 2 == pytest.approx(abs(curvature) / 2, rel=0.02)


def test_bowl_plane_error_is_exactly_the_squared_distance() -> None:
    s = story("bowl", (0.5, -1.0))
    for dx, dy in ((0.3, 0.0), (-0.2, 0.4), (0.1, 0.1)):
        x, y = 0.5 + dx, -1.0 + dy
        err = x**2 + y**2 - float(tangent_plane(s.value, (s.partial_x, s.partial_y), s.point, x, y))
        assert err == pytest.approx(dx**2 + dy**2, rel=1e-12)


# -- the gradient and directional derivatives ------------------------------------------------------


@pytest.mark.parametrize(("surface", "point"), [("bump", (0.9, -0.6)), ("saddle", (-1.2, 0.7)),
                                                ("x*exp(-y**2) + y/3", (0.4, 1.5))])
def test_gradient_is_the_steepest_direction(surface, point) -> None:
    s = story(surface, point)
    f = s.graph
    angles, slopes = s.directions[:, 0], s.directions[:, 1]
    # each directional derivative against a central difference of f along u, independent of the gradient
    h = 1e-5
    for angle, slope in zip(angles, slopes):
        u = np.array([math.cos(angle), math.sin(angle)])
        fd = (f(*(np.array(point) + h * u)) - f(*(np.array(point) - h * u))) / (2 * h)
        assert slope == pytest.approx(float(fd), abs=1e-8)
    # the maximum over a fine sweep of angles is |grad f|, at the gradient's angle
    fine = np.linspace(0, 2 * math.pi, 20001)
    sweep = s.partial_x * np.cos(fine) + s.partial_y * np.sin(fine)
    best = fine[np.argmax(sweep)]
    assert sweep.max() == pytest.approx(s.gradient_norm, rel=1e-6)
    assert s.steepest_angle is not None  # the point is not critical: there is a steepest direction
    assert math.remainder(best - s.steepest_angle, 2 * math.pi) == pytest.approx(0.0, abs=1e-3)
    assert s.gradient_direction == pytest.approx((math.cos(s.steepest_angle), math.sin(s.steepest_angle)))
    assert slopes.max() <= s.gradient_norm + 1e-12
    assert slopes.min() >= -s.gradient_norm - 1e-12


def test_gradient_is_perpendicular_to_the_level_curve_through_the_point() -> None:
    s = built()
    p = np.array(s.point)
    piece = min(s.level_through_point, key=lambda q: np.min(np.linalg.norm(q - p, axis=1)))
    k = int(np.argmin(np.linalg.norm(piece - p, axis=1)))
    assert np.linalg.norm(piece[k] - p) < 0.05
    tangent = piece[min(k + 1, len(piece) - 1)] - piece[max(k - 1, 0)]
    assert s.gradient_direction is not None
    cosine = np.dot(tangent, s.gradient_direction) / np.linalg.norm(tangent)
    assert abs(cosine) < 0.05


def test_a_critical_point_as_the_point_has_no_uphill_direction() -> None:
    s = story("bowl", (0.0, 0.0))
    assert s.gradient_norm == 0 and s.gradient_direction is None and s.steepest_angle is None
    assert np.all(s.directions[:, 1] == 0)


# -- Hessian, eigenvalues and the second-derivative test --------------------------------------------


symmetric = st.tuples(*[st.floats(-50, 50, allow_nan=False).map(lambda v: v if abs(v) > 1e-9 else 0.0)] * 3)


@given(entries=symmetric)
@settings(max_examples=200, derandomize=True, deadline=None)
def test_eigenvalues_match_numpy_eigvalsh(entries) -> None:
    a, b, c = entries
    h = np.array([[a, b], [b, c]])
    (lo, hi), vectors = symmetric_eigen(h)
    assert [lo, hi] == pytest.approx(list(np.linalg.eigvalsh(h)), abs=1e-12 * (1 + np.abs(h).max()))
    for lam, vector in zip((lo, hi), vectors):
        v = np.array(vector)
        assert np.linalg.norm(v) == pytest.approx(1.0)
        assert h @ v == pytest.approx(lam * v, abs=1e-10 * (1 + np.abs(h).max()))


@pytest.mark.parametrize(("name", "kind", "eigenvalues"), [
    ("bowl", "minimum", (2, 2)), ("cap", "maximum", (-2, -2)), ("saddle", "saddle", (-2, 2)),
    ("monkey_saddle", "degenerate", (0, 0)), ("bump", "maximum", (-4, -2)),
    ("x**2 + y**4", "degenerate", (0, 2)), ("x**2 - y**4", "degenerate", (0, 2)),
    ("3*x**2 + 2*x*y + 3*y**2", "minimum", (4, 8)),
])
def test_classification_of_named_and_typed_surfaces(name, kind, eigenvalues) -> None:
    points = find_critical_points(parse_surface(name))
    assert len(points) == 1
    (cp,) = points
    assert cp.point == (0.0, 0.0)  # exact, snapped from the root finder's 1e-8
    assert cp.kind == kind
    assert cp.eigenvalues == pytest.approx(eigenvalues, abs=1e-12)


def test_the_examples_beat_covers_every_verdict() -> None:
    s = built()
    assert [e.surface for e in s.examples] == list(EXAMPLES)
    assert [e.critical_point.kind for e in s.examples] == ["minimum", "maximum", "saddle", "degenerate"]
    for e in s.examples:
        assert e.formula == SURFACES[e.surface].formula


def test_classify_thresholds() -> None:
    assert classify((1.0, 2.0), 0.0) == "minimum"
    assert classify((-1.0, -2.0), 0.0) == "maximum"
    assert classify((-1.0, 2.0), 0.0) == "saddle"
    assert classify((0.0, 2.0), 0.0) == "degenerate"
    assert classify((1e-9, 2.0), 1e-8) == "degenerate"
    assert classify((-1e-9, -2.0), 1e-8) == "degenerate"


def test_critical_points_of_a_trig_surface_against_closed_forms() -> None:
    # sin(x) cos(y) on [-2, 2]^2: grad = (cos x cos y, -sin x sin y) vanishes at (+-pi/2, 0) (max/min)
    # and (0, +-pi/2) (saddles); the Hessian there is diag(-sin x cos y, -sin x cos y) or [[0, +-1], [+-1, 0]].
    points = find_critical_points(parse_surface("sin(x)*cos(y)"))
    got = {(round(cp.point[0], 9), round(cp.point[1], 9)): cp.kind for cp in points}
    h = round(math.pi / 2, 9)
    assert got == {(h, 0.0): "maximum", (-h, 0.0): "minimum", (0.0, h): "saddle", (0.0, -h): "saddle"}
    for cp in points:
        assert np.linalg.norm(cp.gradient) < 1e-12
        assert sorted(cp.eigenvalues) == pytest.approx(sorted(np.linalg.eigvalsh(np.array(cp.hessian))), abs=1e-12)


def test_minimum_agrees_with_scipy_minimize() -> None:
    f = "(x - 0.3)**2 + 2*(y + 0.7)**2 + x*y + exp(x/4)"
    s = story(f, (1.0, 1.0))
    surface = s.graph
    best = minimize(lambda p: float(surface(*p)), x0=[1.0, 1.0], method="BFGS", options={"gtol": 1e-12})
    cp = s.critical_point
    assert cp is not None
    assert cp.kind == "minimum"
    assert cp.point == pytest.approx(tuple(best.x), abs=1e-6)
    assert cp.value == pytest.approx(best.fun, abs=1e-12)
    assert np.array(cp.hessian) == pytest.approx(central_hessian(surface, *cp.point), abs=1e-5)


def test_degenerate_tolerance_is_relative_to_the_surface() -> None:
    # The same shapes scaled by 1e-6 keep their verdicts.
    for formula, kind in (("1e-6*(x**2 + 2*y**2)", "minimum"), ("1e-6*(x**2 - y**2)", "saddle")):
        (cp,) = find_critical_points(parse_surface(formula))
        assert cp.kind == kind
        assert cp.tolerance == pytest.approx(DEGENERATE_RTOL * max(abs(v) for row in cp.hessian for v in row))


def test_plane_has_no_critical_point_and_says_how_far_from_flat() -> None:
    s = story("x + y", (0.5, 0.5))
    assert s.critical_point is None and s.critical_points == () and len(s.glide) == 0
    assert s.min_gradient_norm == pytest.approx(math.sqrt(2), rel=1e-12)


def test_a_corner_is_not_a_critical_point_and_kinks_are_detected() -> None:
    assert find_critical_points(parse_surface("abs(x) + abs(y)")) == ()
    assert is_kinked(parse_surface("abs(x) + y**2").f, (0.0, 0.3), 4.0)
    assert is_kinked(parse_surface("relu(y) + x").f, (0.5, 0.0), 4.0)
    assert not is_kinked(parse_surface("x*abs(x)").f, (0.0, 0.0), 4.0)  # differentiable, f' = 2|x|


@given(x=coords, y=coords)
@SETTINGS
def test_smooth_steep_surfaces_are_not_called_kinked(x, y) -> None:
    surface = parse_surface("100*x**2 + exp(3*y) + 1e4*sin(x)")
    assert not is_kinked(surface.f, (x, y), 4.0)


def test_glide_runs_from_the_point_to_the_critical_point() -> None:
    s = built()
    g = s.glide
    assert list(g[0]) == pytest.approx([*s.point, s.value, s.partial_x, s.partial_y])
    assert s.critical_point is not None
    assert list(g[-1, :2]) == pytest.approx(list(s.critical_point.point))
    assert np.linalg.norm(g[-1, 3:]) < 1e-12
    assert g[:, 2] == pytest.approx(s.graph(g[:, 0], g[:, 1]), abs=1e-14)


# -- the view fits ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("surface", "point"), [("1000*x**2 + y", (0.9, -0.6)), ("sin(20*x) + y/100", (0.3, 0.1)),
                                                ("bump", (0.9, -0.6)), ("monkey_saddle", (1.9, 1.9)), ("1", (0, 0))])
def test_the_box_holds_the_surface_the_plane_and_every_glide_plane(surface, point) -> None:
    s = story(surface, point)
    lo, hi = s.box_z_range
    assert lo < hi
    assert lo <= s.z_range[0] and s.z_range[1] <= hi
    for _px, _py, pz in (*s.plane_corners, *s.tangent_x, *s.tangent_y):
        assert lo <= pz <= hi
    r = s.plane_half_size
    for _x, _y, f, fx, fy in s.glide:
        for dx in (-r, r):
            for dy in (-r, r):
                assert lo <= f + fx * dx + fy * dy <= hi
    (a, b), (c, d) = s.window
    assert s.plane_half_size >= PLANE_MIN_HALF * max(b - a, d - c) - 1e-12


# -- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("overrides", "key", "words"), [
    ({"surface": "sqrt(x**2 + y**2)", "point": "[0, 0]"}, "point", "not differentiable"),
    ({"surface": "abs(x) + y", "point": "[0, 0.5]"}, "point", "not differentiable"),
    ({"surface": "1/(x - 0.25)", "point": "[0.25, 1]"}, "point", "not finite"),
    ({"point": "[3, 0]"}, "point", "outside"),
    ({"point": "[1]"}, "point", "exactly 2"),
    ({"surface": "log(x)"}, "surface", "not finite"),
    ({"surface": "volcano"}, "surface", "unknown surface"),
    ({"surface": "x + z"}, "surface", "unknown name"),
])
def test_bad_parameters_raise_one_clear_error(overrides, key, words) -> None:
    with pytest.raises(ParameterError) as err:
        SPEC.build_story(overrides)
    assert err.value.key == key
    assert words in err.value.message
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("args", [["--set", "surface=abs(x)+abs(y)", "--set", "point=[0,0]"],
                                  ["--set", "point=[9, 9]"], ["--set", "surface=x^2"]])
def test_cli_bad_input_is_one_error_line(args) -> None:
    result = CliRunner().invoke(cli, ["numbers", "tangent_plane_hessian", *args])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")


def test_story_json_round_trips() -> None:
    s = built({"surface": "x + y"})
    data = json.loads(s.to_json())
    assert data["critical_point"] is None
    assert data["partial_x"] == 1.0 and data["partial_y"] == 1.0
    assert len(data["examples"]) == 4 and "graph" not in data["examples"][0]


def test_a_valley_floor_of_critical_points_counts_once() -> None:
    # x**2 is critical on the whole line x = 0; y**6 has a flat-bottomed minimum Newton approaches slowly
    (line,) = find_critical_points(parse_surface("x**2"))
    assert line.point[0] == 0.0 and line.kind == "degenerate"
    assert line.eigenvalues == pytest.approx((0.0, 2.0))
    (flat,) = find_critical_points(parse_surface("x**2 + y**6"))
    assert flat.point == (0.0, 0.0)
