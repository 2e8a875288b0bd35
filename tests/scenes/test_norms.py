"""The norms scene draws its story: curves, arrows and the basis picture read back through each part's plane.

Each parameter set is built once under Manim's dry_run with the frame-quality
guard attached (at 2 frames per second; the guard also samples inside every
animation), then the finished mobjects are read back in plane coordinates
with ``plane.p2c`` and compared with the story.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mathviz.stories.norms import p_norm
from mathviz_scenes.components.look import Look
from tests.conftest import build_checked, dry_run_scene
from tests.scenes import linalg_looks

#: Parameters that push this scene's layout to its limits; tests/pipeline/test_check.py runs the guard on each.
STRESS: list[dict[str, str]] = [
    # huge entries, a skewed basis, the largest p
    {"vector": "[1e6, -2e5]", "other": "[-3e5, 8e5]", "basis": "[[1e5, 3e5], [2e5, -1e5]]", "p": "1000"},
    # v = 0 (no angle, no projection) beside a tiny u, and a slider that stays at p = 1
    {"vector": "[0, 0]", "other": "[2e-4, -1e-4]", "p": "1"},
    # u along -v (nothing left over), a basis 3 degrees from parallel (coordinates -17, 20)
    {"vector": "[-1, 1]", "other": "[2, -2]", "basis": "[[1, 0.9], [0, 0.05]]", "p": "1.5"},
]
#: Keys `mathviz numbers norms` must print (tests/pipeline/test_cli.py).
STORY_KEYS = {"vector", "other", "p", "unit_balls", "slider", "norms", "inner", "coordinates", "lattice"}

CASES = {"defaults": {}, "zero-v": STRESS[1], "parallel-skewed": STRESS[2]}
BEATS = ["unit-balls", "slider", "vector-norms", "inner-product", "projection", "orthogonal", "basis", "coordinates"]


@pytest.fixture(scope="module", params=list(CASES), ids=list(CASES))
def built(request, tmp_path_factory):
    """(scene, findings of the frame-quality guard) for one parameter set."""
    return build_checked("norms", CASES[request.param], media_dir=tmp_path_factory.mktemp("media"), frame_rate=2)


def xy(plane, point) -> np.ndarray:
    return np.array(plane.p2c(point), dtype=float)[:2]


def ends(plane, arrow) -> tuple[np.ndarray, np.ndarray]:
    return xy(plane, arrow.get_start()), xy(plane, arrow.get_end())


def anchors(plane, curve) -> np.ndarray:
    """The corners of a polyline drawn with set_points_as_corners (first to last), in plane coordinates."""
    points = [*curve.get_start_anchors(), curve.get_end_anchors()[-1]]
    return np.array([xy(plane, p) for p in points])


def distance_to_polyline(point: np.ndarray, corners: np.ndarray) -> float:
    a, b = corners[:-1], corners[1:]
    d = b - a
    t = np.clip(np.einsum("ij,ij->i", point - a, d) / np.maximum(np.einsum("ij,ij->i", d, d), 1e-300), 0, 1)
    return float(np.min(np.linalg.norm(a + t[:, None] * d - point, axis=1)))


def test_frames_pass_the_quality_guard(built) -> None:
    _, findings = built
    assert findings == [], "\n".join(map(str, findings))


def test_one_caption_per_beat_in_both_languages(built) -> None:
    scene, _ = built
    assert [c.name for c in scene.captions] == BEATS
    assert all(c.en and c.zh and c.end > c.start for c in scene.captions)
    assert 30 <= scene.renderer.time <= 60
    captions = {c.name: c.en for c in scene.captions}
    story = scene.story
    if story.vector_is_zero:
        assert "undefined" in captions["inner-product"]
        assert "projection of u on it is 0" in captions["projection"]
    else:
        assert "cos θ" in captions["inner-product"]
    c = story.coordinates.coefficients
    if not story.vector_is_zero:
        assert f"c = ({c[0]:.3g}, {c[1]:.3g})".replace("-", "−") in captions["coordinates"]  # the minus sign


def test_unit_balls_read_back_with_norm_one(built) -> None:
    scene, _ = built
    story = scene.story
    # the slider curve ends on the story's last keyframe, drawn in the unit-ball plane
    drawn = anchors(scene.ball_plane, scene.slider_curve)
    np.testing.assert_allclose([p_norm(x, story.p) for x in drawn], 1.0, atol=1e-6)
    if len(scene.unit_curves):
        for ball, curve in zip(story.unit_balls, scene.unit_curves):
            drawn = anchors(scene.unit_curves_plane, curve)
            np.testing.assert_allclose([p_norm(x, ball.p) for x in drawn], 1.0, atol=1e-6)
            # the story's points in order, closed: back to the first point
            np.testing.assert_allclose(drawn, np.array([*ball.points, ball.points[0]]), atol=1e-9)
    # the slider readout ends on the story's p, the gap on the last keyframe's
    assert scene.p_readout.story_field == "p" and scene.p_readout.value == pytest.approx(story.p)
    assert scene.gap_readout.value == pytest.approx(story.slider[-1].square_gap)


def test_p_balls_through_v_have_radius_the_norms(built) -> None:
    scene, _ = built
    story = scene.story
    v = np.array(story.vector)
    radii = (story.norms.l1, story.norms.l2, story.norms.linf)
    for ball, curve, radius, readout in zip(story.unit_balls, scene.norm_balls, radii, scene.norm_readouts):
        assert readout.value == pytest.approx(radius)
        assert readout.story_field in ("norms.l1", "norms.l2", "norms.linf")
        if radius == 0:
            continue
        drawn = anchors(scene.vector_plane, curve)
        np.testing.assert_allclose([p_norm(x, ball.p) for x in drawn], radius, rtol=1e-6)
        # v lies on the drawn ball (the circle's chords miss it by at most 1 - cos(pi / 256))
        assert distance_to_polyline(v, drawn) <= 1e-4 * radius


def test_vector_arrows_end_at_the_story_points(built) -> None:
    scene, _ = built
    story = scene.story
    inner = story.inner
    tol = 1e-6 * scene.vector_plane.view.radius
    start, end = ends(scene.vector_plane, scene.u_arrow)
    np.testing.assert_allclose(start, 0, atol=tol)
    np.testing.assert_allclose(end, story.other, atol=tol)
    if not story.vector_is_zero:
        np.testing.assert_allclose(ends(scene.vector_plane, scene.projection_arrow)[1], inner.projection, atol=tol)
        np.testing.assert_allclose(xy(scene.vector_plane, scene.drop.get_start()), story.other, atol=tol)
        np.testing.assert_allclose(xy(scene.vector_plane, scene.drop.get_end()), inner.projection, atol=tol)
    # v is redrawn in the basis plane for the last beats (a zero vector as an invisible arrow)
    if story.vector_is_zero:
        assert scene.v_arrow.get_stroke_opacity() == 0
    else:
        start, end = ends(scene.basis_plane, scene.v_arrow)
        np.testing.assert_allclose(start, 0, atol=1e-6 * scene.basis_plane.view.radius)
        np.testing.assert_allclose(end, story.vector, atol=1e-6 * scene.basis_plane.view.radius)


def test_angle_arc_spans_theta(built) -> None:
    scene, _ = built
    inner = scene.story.inner
    if not inner.angle_defined:
        assert len(scene.angle_arc) == 0 and scene.cos_readout is None
        return
    arc = scene.angle_arc.arc
    a, b = xy(scene.vector_plane, arc.get_start()), xy(scene.vector_plane, arc.get_end())
    assert math.atan2(abs(a[0] * b[1] - a[1] * b[0]), a @ b) == pytest.approx(inner.angle, abs=1e-6)
    assert scene.cos_readout.value == pytest.approx(inner.cos, abs=1e-12)


def test_orthogonal_pair_is_drawn_at_right_angles(built) -> None:
    scene, _ = built
    inner = scene.story.inner
    if inner.pair is None:
        return
    plane = scene.vector_plane
    start, end = ends(plane, scene.pair_arrow)
    np.testing.assert_allclose(start, inner.corner if inner.orthogonal_kind == "leftover" else (0, 0), atol=1e-6)
    drawn = end - start
    np.testing.assert_allclose(drawn, inner.pair[1], atol=1e-6 * plane.view.radius)
    a = np.array(inner.pair[0])
    assert abs(drawn @ a) <= 1e-6 * np.linalg.norm(drawn) * np.linalg.norm(a)
    # the mark: a corner at inner.corner with sides along the pair, meeting at a right angle
    first, middle, last = anchors(plane, scene.right_angle)
    corner = np.array(inner.corner)
    side_a, side_b = first - corner, last - corner
    assert abs(side_a @ side_b) <= 1e-6 * np.linalg.norm(side_a) * np.linalg.norm(side_b)
    assert abs(side_a[0] * a[1] - side_a[1] * a[0]) <= 1e-6 * np.linalg.norm(side_a) * np.linalg.norm(a)
    np.testing.assert_allclose(middle, corner + side_a + side_b, atol=1e-9 * plane.view.radius + 1e-12)
    assert scene.orthogonal_readout.value == 0.0


def test_coordinate_parallelogram_sides_are_c1_b1_and_c2_b2(built) -> None:
    scene, _ = built
    story = scene.story
    coords = story.coordinates
    plane = scene.basis_plane
    tol = 1e-6 * plane.view.radius
    for arrow, column in zip(scene.basis_arrows, coords.columns):
        np.testing.assert_allclose(ends(plane, arrow)[1], column, atol=tol)
    first, second = (np.array(x) for x in coords.components)
    np.testing.assert_allclose(first, coords.coefficients[0] * np.array(coords.columns[0]), atol=1e-12)
    if not story.vector_is_zero:
        start, end = ends(plane, scene.components[0])
        np.testing.assert_allclose(start, 0, atol=tol)
        np.testing.assert_allclose(end, first, atol=tol)
        start, end = ends(plane, scene.components[1])
        np.testing.assert_allclose(start, first, atol=tol)
        np.testing.assert_allclose(end - start, second, atol=tol)
        np.testing.assert_allclose(end, story.vector, atol=tol)  # c1 b1 + c2 b2 reaches v
    for readout, value in zip(scene.coefficient_readouts, coords.coefficients):
        assert readout.value == pytest.approx(value)
    # the skewed grid: the story's lattice, line for line
    assert len(scene.lattice_lines) == len(story.lattice)
    for mob in scene.lattice_lines:
        np.testing.assert_allclose(xy(plane, mob.get_start()), mob.lattice.start, atol=tol)
        np.testing.assert_allclose(xy(plane, mob.get_end()), mob.lattice.end, atol=tol)


def test_everything_stays_inside_its_plane(built) -> None:
    scene, _ = built
    checks = [(scene.vector_plane, [*scene.norm_balls, scene.u_arrow, scene.projection_arrow, scene.pair_arrow]),
              (scene.basis_plane, [scene.v_arrow, *scene.basis_arrows, *scene.components, *scene.lattice_lines])]
    for plane, mobs in checks:
        for mob in mobs:
            for p in mob.get_all_points():
                assert np.all(np.abs(xy(plane, p)) <= plane.view.radius * (1 + 1e-9))


@pytest.mark.parametrize("aspect", ["9:16", "1:1"])
def test_panel_below_the_plane_in_portrait_beside_it_in_square_and_all_in_chinese(aspect, tmp_path) -> None:
    with dry_run_scene("norms", media_dir=tmp_path, frame_rate=1, lang="zh", look=Look(theme="light", aspect=aspect)) as scene:
        scene.render()
        # every row the panel showed, the inner-product beat's nine included, clear of the plane and the captions
        linalg_looks.assert_panel_clear_of_plot(scene.plane, scene.panel_rows,
                                                min_plot_share=0.7 if aspect == "9:16" else 0.4)
        assert linalg_looks.english_words(linalg_looks.texts(scene)) == set()


@pytest.mark.sweep
@pytest.mark.parametrize("aspect", ["16:9", "9:16"])
@pytest.mark.parametrize("params", STRESS, ids=["huge-p1000", "zero-v", "parallel-skewed"])
def test_stress_cases_pass_the_guard(params, aspect, tmp_path) -> None:
    _, findings = build_checked("norms", params, media_dir=tmp_path, frame_rate=2, look=Look(aspect=aspect))
    assert findings == [], "\n".join(map(str, findings))
