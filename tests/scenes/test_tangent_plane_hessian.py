"""The tangent-plane scene draws its story: curves, lines, plane corners and arrows read back through its axes.

Scenes are constructed under dry_run at two frames a second with the
frame-quality guard attached. 3D mobjects are read back with the 3D axes'
``p2c`` (graph units), the inset's with its own axes; slopes are compared in
graph units, never in scene units.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from mathviz.surface import MAX_HEIGHT
from mathviz_scenes.tangent_plane_hessian import THETA, VIEW3D_REGION
from tests.conftest import build_checked

#: Parameters that push this scene's layout to its limits; tests/pipeline/test_check.py runs the guard on each.
STRESS: list[dict[str, str]] = [
    # no critical point in view, the point in a corner of the window
    {"surface": "x + y", "point": "[1.9, -1.9]"},
    # huge gradients: the patch shrinks and the box grows; no critical point either
    {"surface": "1000*x**2 + y", "point": "[1.9, 1.9]"},
    # a long formula, long numbers, many critical points, a point in the far corner
    {"surface": "x**3 - 3*x*y**2 + 0.5*sin(4*x*y) + 100", "point": "[-1.95, 1.95]"},
]
#: Keys `mathviz numbers tangent_plane_hessian` must print (tests/pipeline/test_cli.py).
STORY_KEYS = {"surface", "formula", "point", "value", "partial_x", "partial_y", "gradient_norm", "plane_corners",
              "tangent_x", "tangent_y", "critical_point", "critical_points", "examples"}

CASES = {"defaults": {}, "plane": {"surface": "x + y", "point": "[0.5, -1]"}}


@pytest.fixture(scope="module", params=list(CASES))
def built(request, tmp_path_factory):
    """(scene, findings of the frame-quality guard) for one parameter set, from one dry-run build."""
    # One media dir per worker: Typst's compiled formulas are cached there and shared by the builds.
    return build_checked("tangent_plane_hessian", CASES[request.param],
                         media_dir=tmp_path_factory.getbasetemp() / "tph-media", frame_rate=2)


@pytest.fixture
def scene(built):
    return built[0]


def graph(axes, point) -> np.ndarray:
    return np.array(axes.p2c(np.asarray(point)), dtype=float)


def test_frames_are_clean(built) -> None:
    _, findings = built
    assert not findings, "\n".join(map(str, findings))


def test_slice_curves_lie_on_the_surface_along_their_lines(scene) -> None:
    s = scene.story
    x0, y0 = s.point
    span = s.box_z_range[1] - s.box_z_range[0]
    for curve, fixed_axis, fixed in ((scene.slice_x, 1, y0), (scene.slice_y, 0, x0)):
        pts = np.array([graph(scene.axes, p) for p in curve.get_anchors()])
        assert np.allclose(pts[:, fixed_axis], fixed, atol=1e-9)
        assert np.allclose(pts[:, 2], s.graph(pts[:, 0], pts[:, 1]), atol=1e-9 * max(span, 1))
        # the curve crosses the whole window
        free = pts[:, 1 - fixed_axis]
        assert free.min() == pytest.approx(s.window[1 - fixed_axis][0]) and free.max() == pytest.approx(
            s.window[1 - fixed_axis][1])


def test_tangent_lines_have_the_partial_slopes_in_graph_units(scene) -> None:
    s = scene.story
    for line, ends, slope, axis in ((scene.tangent_x, s.tangent_x, s.partial_x, 0),
                                    (scene.tangent_y, s.tangent_y, s.partial_y, 1)):
        start, end = graph(scene.axes, line.get_start()), graph(scene.axes, line.get_end())
        assert list(start) == pytest.approx(list(ends[0]), abs=1e-9)
        assert list(end) == pytest.approx(list(ends[1]), abs=1e-9)
        assert (end[2] - start[2]) / (end[axis] - start[axis]) == pytest.approx(slope, rel=1e-9, abs=1e-9)
        # and it passes through the point on the surface
        middle = (start + end) / 2
        assert list(middle) == pytest.approx([*s.point, s.value], abs=1e-9)


def plane_corners(scene) -> np.ndarray:
    return np.array([graph(scene.axes, p) for p in scene.plane.get_vertices()])


def on_plane(corners: np.ndarray, point, value, slopes) -> np.ndarray:
    return value + slopes[0] * (corners[:, 0] - point[0]) + slopes[1] * (corners[:, 1] - point[1])


def test_plane_corners_lie_on_the_storys_plane_before_and_after_the_glide(scene) -> None:
    s = scene.story
    if s.critical_point is None:
        corners = plane_corners(scene)  # never moved
    else:
        scene.glide_progress.set_value(0.0)
        scene.placers["plane"](scene.plane)
        corners = plane_corners(scene)
    assert corners[:4] == pytest.approx(np.array(s.plane_corners), abs=1e-9)
    assert corners[:, 2] == pytest.approx(on_plane(corners, s.point, s.value, (s.partial_x, s.partial_y)), abs=1e-9)
    # the plane contains both tangent lines: its normal is perpendicular to each
    normal = np.cross(corners[1] - corners[0], corners[3] - corners[0])
    for line in (scene.tangent_x, scene.tangent_y):
        direction = graph(scene.axes, line.get_end()) - graph(scene.axes, line.get_start())
        assert abs(np.dot(normal, direction)) < 1e-9 * np.linalg.norm(normal) * np.linalg.norm(direction)


def test_glide_replays_the_story_and_ends_flat_at_the_critical_point(scene) -> None:
    s = scene.story
    if s.critical_point is None:
        # Nothing to glide to: the story has no glide, the scene says so with the smallest |grad f| in view.
        assert len(s.glide) == 0 and not hasattr(scene, "glide_progress")
        assert s.min_gradient_norm > 0
        readout = scene.no_critical_note[1]
        assert readout.story_field == "min_gradient_norm" and readout.value == pytest.approx(s.min_gradient_norm, rel=1e-3)
        return
    cp = s.critical_point
    for k in range(0, len(s.glide), 5):
        scene.glide_progress.set_value(float(k))
        for name in ("plane", "dot", "inset_dot"):
            scene.placers[name](getattr(scene, name))
        x, y, f, fx, fy = s.glide[k]
        assert list(graph(scene.axes, scene.dot.get_center())) == pytest.approx([x, y, f], abs=1e-9)
        assert list(graph(scene.inset.axes, scene.inset_dot.get_center())[:2]) == pytest.approx([x, y], abs=1e-9)
        corners = plane_corners(scene)
        assert corners[:, 2] == pytest.approx(on_plane(corners, (x, y), f, (fx, fy)), abs=1e-9)
    scene.glide_progress.set_value(float(len(s.glide) - 1))
    scene.placers["plane"](scene.plane)
    corners = plane_corners(scene)
    assert np.ptp(corners[:, 2]) < 1e-9 * max(1.0, abs(cp.value))  # flat
    assert corners[:, 2] == pytest.approx(cp.value)
    assert scene.fx_readout.value == pytest.approx(cp.gradient[0], abs=5e-4)
    assert scene.fy_readout.value == pytest.approx(cp.gradient[1], abs=5e-4)


def test_gradient_arrows_point_along_the_gradient(scene) -> None:
    s = scene.story
    if s.gradient_direction is None:
        assert scene.gradient_arrow_inset is None
        return
    angle = s.steepest_angle
    for arrow in (scene.gradient_arrow_inset, scene.direction_arrow):
        start, end = graph(scene.inset.axes, arrow.get_start()), graph(scene.inset.axes, arrow.get_end())
        assert list(start[:2]) == pytest.approx(list(s.point), abs=1e-9)
        drawn = math.atan2(end[1] - start[1], end[0] - start[0])
        assert math.remainder(drawn - angle, 2 * math.pi) == pytest.approx(0.0, abs=1e-9)
    # the 3D arrow climbs the tangent plane along grad f, rising |grad f| per unit run
    start, end = graph(scene.axes, scene.steepest_arrow.get_start()), graph(scene.axes, scene.steepest_arrow.get_end())
    assert list(start) == pytest.approx([*s.point, s.value], abs=1e-9)
    run = end[:2] - start[:2]
    assert list(run / np.linalg.norm(run)) == pytest.approx(list(s.gradient_direction), abs=1e-9)
    assert (end[2] - start[2]) / np.linalg.norm(run) == pytest.approx(s.gradient_norm, rel=1e-9)
    assert scene.du_readout.value == pytest.approx(s.gradient_norm)


def test_inset_level_curves_are_level_curves(scene) -> None:
    s = scene.story
    span = s.z_range[1] - s.z_range[0]
    assert sorted({line.level for line in scene.inset.lines}) == pytest.approx(sorted(s.levels))
    for line in scene.inset.lines:
        xy = np.array([graph(scene.inset.axes, p)[:2] for p in line.get_anchors()])
        assert np.max(np.abs(s.graph(xy[:, 0], xy[:, 1]) - line.level)) < 2e-3 * span


def test_hessian_block_and_eigen_directions(scene) -> None:
    s = scene.story
    cp = s.critical_point
    if cp is None:
        assert scene.no_critical_note is not None
        assert scene.no_critical_note[1].value == pytest.approx(s.min_gradient_norm, abs=5e-4)
        return
    for line, v in zip(scene.eigen_lines, cp.eigenvectors):
        a, b = graph(scene.inset.axes, line.get_start())[:2], graph(scene.inset.axes, line.get_end())[:2]
        assert list((a + b) / 2) == pytest.approx(list(cp.point), abs=1e-9)
        d = (b - a) / np.linalg.norm(b - a)
        assert abs(float(np.dot(d, v))) == pytest.approx(1.0, abs=1e-9)
    lam = scene.hessian_block[1]
    assert [lam[0].value, lam[1].value] == pytest.approx(list(cp.eigenvalues), abs=5e-4)


def test_classification_row_shows_each_examples_critical_point(scene) -> None:
    s = scene.story
    assert len(scene.minis) == len(s.examples) == 4
    for axes, mini, example in zip(scene.mini_axes, scene.minis, s.examples):
        cp = example.critical_point
        assert list(graph(axes, mini[1].get_center())) == pytest.approx([*cp.point, cp.value], abs=1e-9)
    assert_reading_order(scene)
    for labels, example in zip(scene.mini_labels, s.examples):
        lam1, lam2 = labels[1][0], labels[1][1]
        assert [lam1.value, lam2.value] == pytest.approx(list(example.critical_point.eigenvalues), abs=5e-4)


def box_centre(scene, axes) -> np.ndarray:
    """Where the middle of a small surface's box shows on screen."""
    (a, b), (c, d) = axes.x_range[:2], axes.y_range[:2]
    return scene.project(axes.c2p((a + b) / 2, (c + d) / 2, sum(axes.z_bounds) / 2))[:2]


def assert_reading_order(scene) -> None:
    """The small surfaces in the story's order: left to right in a row, rows top to bottom."""
    centres = [box_centre(scene, axes) for axes in scene.mini_axes]
    rows: list[list[np.ndarray]] = []
    for centre in centres:
        if rows and abs(centre[1] - rows[-1][0][1]) < 0.5:
            rows[-1].append(centre)
        else:
            rows.append([centre])
    assert [len(row) for row in rows] == [len(rows[0])] * len(rows)
    for row in rows:
        assert [c[0] for c in row] == sorted(c[0] for c in row)
    assert [row[0][1] for row in rows] == sorted((row[0][1] for row in rows), reverse=True)


@pytest.fixture(scope="module")
def portrait(tmp_path_factory):
    """The default story built in a 9:16 frame, in Chinese on a light page."""
    from mathviz_scenes.components.look import Look

    return build_checked("tangent_plane_hessian", {}, media_dir=tmp_path_factory.getbasetemp() / "tph-media",
                         frame_rate=2, lang="zh", look=Look(theme="light", aspect="9:16"), shapes=True, contrast=True)


def test_portrait_gives_the_3d_view_the_frames_width(portrait) -> None:
    scene, findings = portrait
    assert not findings, "\n".join(map(str, findings))
    from mathviz_scenes.components.style import SAFE_MARGIN

    half_width, half_height = scene.camera.frame_width / 2, scene.camera.frame_height / 2
    assert half_height > half_width
    # The box's pinned labels (screen space, where the camera's turn left them) mark the view's extent:
    # it spans most of the width (a stacked column and inset left it a third of the frame).
    labels = scene.box.labels
    assert labels.width > 0.7 * 2 * (half_width - SAFE_MARGIN)
    # the column and the inset share the band under the view, side by side and apart
    column, inset = scene.look_layout.column, scene.inset
    assert column.right < inset.get_left()[0]
    assert labels.get_bottom()[1] > max(column.top, inset.get_top()[1])
    assert inset.get_right()[0] <= half_width - SAFE_MARGIN + 1e-9 and inset.get_bottom()[1] >= -half_height


def test_portrait_puts_the_four_surfaces_two_by_two(portrait) -> None:
    scene, _ = portrait
    assert_reading_order(scene)
    rows = {round(float(box_centre(scene, axes)[1]), 1) for axes in scene.mini_axes}
    assert len(rows) == 2
    # each surface's numbers sit under it, and the next row's names below those numbers
    names = [labels[0] for labels in scene.mini_labels]
    numbers = [labels[1] for labels in scene.mini_labels]
    assert max(n.get_top()[1] for n in names[2:]) < min(n.get_bottom()[1] for n in numbers[:2])


def test_the_box_stays_in_its_region(scene) -> None:
    s = scene.story
    scene.fit_camera(scene.box_corners(scene.axes, s.window), [THETA], VIEW3D_REGION)
    x0, x1, y0, y1 = VIEW3D_REGION
    for p in scene.box_corners(scene.axes, s.window):
        x, y = scene.project(p)[:2]
        assert x0 <= x <= x1 and y0 <= y <= y1


def test_one_caption_per_beat_in_both_languages(scene) -> None:
    names = [c.name for c in scene.captions]
    expected = ["surface", "slice-x", "slice-y", "tangent-plane", "gradient", "critical-point"]
    if scene.story.critical_point is not None:
        expected.append("hessian")
    assert names == expected + ["classify"]
    assert all(c.en.strip() and c.zh.strip() for c in scene.captions)
    assert 30 <= scene.captions[-1].end <= 60


@pytest.mark.parametrize("height", [1.0, 1e6, MAX_HEIGHT])
def test_the_box_keeps_its_height_up_to_the_surface_limit(height: float) -> None:
    # Manim's axis layout loses the scale for tall ranges (a point at 1e17, a numpy warning on stderr past
    # 1e154); the surface parser refuses heights beyond MAX_HEIGHT, and up to it the box is drawn to scale.
    from mathviz_scenes.components.mesh_scene import box_axes

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        axes = box_axes(((-2.0, 2.0), (-2.0, 2.0)), (-height / 50, height), side=4.0, height=3.0)
    bottom, top = axes.c2p(0, 0, -height / 50), axes.c2p(0, 0, height)
    assert np.linalg.norm(np.asarray(top) - np.asarray(bottom)) == pytest.approx(3.0, rel=1e-9)


def _tilt_seen(scene, theta: float) -> float:
    """Degrees between the camera's view at azimuth ``theta`` and the tangent plane at the story's point."""
    from mathviz_scenes.tangent_plane_hessian import PHI

    s = scene.story
    corners = scene.plane_points(scene.axes, s.point, s.value, (s.partial_x, s.partial_y), s.plane_half_size)
    normal = np.cross(corners[1] - corners[0], corners[3] - corners[0])
    cam = scene.mesh_camera
    cam.set_phi(PHI)
    cam.set_theta(theta)
    toward_camera = np.asarray(cam.generate_rotation_matrix()).T @ np.array([0.0, 0.0, 1.0])
    return math.degrees(math.asin(abs(float(normal @ toward_camera)) / float(np.linalg.norm(normal))))


@pytest.mark.parametrize(("params", "turns"), [({}, False), (STRESS[0], False), (STRESS[1], True)])
def test_the_camera_rests_where_the_tangent_plane_shows_its_face(params, turns, tmp_path) -> None:
    """1000 x^2 + y at (1.9, 1.9): from the default azimuth the plane was 3 degrees from edge-on (a sliver)."""
    from mathviz_scenes.components.mesh_scene import box_axes
    from mathviz_scenes.tangent_plane_hessian import BOX_HEIGHT, BOX_SIDE, FLAT_VIEW_DEGREES
    from tests.conftest import dry_run_scene

    with dry_run_scene("tangent_plane_hessian", params, media_dir=tmp_path) as scene:
        s = scene.story
        scene.axes = box_axes(s.window, s.box_z_range, side=BOX_SIDE, height=BOX_HEIGHT)
        theta = scene.camera_theta()
        assert (theta != pytest.approx(THETA)) is turns
        assert _tilt_seen(scene, theta) >= FLAT_VIEW_DEGREES
        if turns:  # the default showed a sliver, and the turn is the least that shows the face
            assert _tilt_seen(scene, THETA) < 15
            assert _tilt_seen(scene, theta + math.radians(1) * np.sign(THETA - theta)) < FLAT_VIEW_DEGREES


@pytest.fixture(scope="module")
def corner_point(tmp_path_factory):
    """The stress case with the point in the window's top-left corner and a gradient pointing up out of it."""
    return build_checked("tangent_plane_hessian", STRESS[2], media_dir=tmp_path_factory.getbasetemp() / "tph-media",
                         frame_rate=2)


def test_the_insets_arrows_stay_under_the_text_column(corner_point) -> None:
    scene, findings = corner_point
    assert findings == [], "\n".join(map(str, findings))
    # the inset shrank (its window's foot kept) so the gradient arrow's head, out past its top edge, stays under
    # the column's last line (the directional derivative's readout)
    from mathviz_scenes.tangent_plane_hessian import INSET_SIZE

    assert scene.inset.axes.x_length < INSET_SIZE
    assert scene.gradient_arrow_inset.get_top()[1] > scene.inset.get_top()[1]
    assert scene.gradient_arrow_inset.get_top()[1] < scene.du_readout.get_bottom()[1]


@pytest.mark.sweep
@pytest.mark.parametrize("params", STRESS, ids=["plane-in-a-corner", "steep-plane", "long-formula-corner"])
def test_stress_cases_pass_the_guard(params, tmp_path) -> None:
    _, findings = build_checked("tangent_plane_hessian", params, media_dir=tmp_path, frame_rate=2)
    assert findings == [], "\n".join(map(str, findings))


def test_a_square_frame_keeps_the_no_critical_point_note_in_the_column(tmp_path) -> None:
    """Shrunk to the narrow column about its middle, 'no critical point in view' ran 0.3 past the frame's edge."""
    from mathviz_scenes.components.look import Look

    scene, findings = build_checked("tangent_plane_hessian", STRESS[0], media_dir=tmp_path, frame_rate=2,
                                    look=Look(aspect="1:1"))
    assert findings == [], "\n".join(map(str, findings))
    for line in scene.no_critical_note:
        assert line.get_left()[0] == pytest.approx(scene.panel.left)
        assert line.get_right()[0] <= scene.panel.right + 1e-9
