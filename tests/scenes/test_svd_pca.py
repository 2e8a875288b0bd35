"""The svd_pca scene draws its story: circle, ellipse, ghost and point cloud read back through the plane.

Each parameter set is built once under Manim's dry_run with the frame-quality
guard attached (2 frames per second: the guard also samples inside every
animation). The scene keeps a snapshot of what it drew at the end of each
step together with a copy of the plane in force then; the tests read those
points back with ``plane.p2c`` and compare them with the story.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mathviz.stories.svd_pca import directional_variance
from mathviz_scenes.components.look import Look
from tests.conftest import boxes_overlap, build_checked

#: Parameters that push this scene's layout to its limits; tests/pipeline/test_check.py runs the guard on each.
STRESS: list[dict[str, str]] = [
    # large, reflecting A (zoom out 10x, flip); 500 points of equal spread far from the origin (zoom in)
    {"matrix": "[[40, -30], [25, -60]]", "points": "500", "stds": "[1, 1]", "mean": "[40, 30]"},
    # tiny singular A (a segment, zoom in); 10 collinear points
    {"matrix": "[[0.01, 0.02], [0.02, 0.04]]", "points": "10", "stds": "[2, 0]", "angle": "-80"},
    # A = 2R: repeated singular values; a wide cloud far out
    {"matrix": "[[0, -2], [2, 0]]", "stds": "[300, 20]", "mean": "[900, -900]"},
]
#: Keys `mathviz numbers svd_pca` must print (tests/pipeline/test_cli.py).
STORY_KEYS = {"svd", "pca"}

CASES = {"defaults": {}, "reflect-zoom-isotropic": STRESS[0], "singular-collinear": STRESS[1]}
TOL = 1e-6


@pytest.fixture(scope="module", params=list(CASES), ids=list(CASES))
def built(request, tmp_path_factory):
    """(scene, findings of the frame-quality guard) for one parameter set."""
    # One media dir per worker: Typst's compiled formulas are cached there and shared by the builds.
    return build_checked("svd_pca", CASES[request.param], media_dir=tmp_path_factory.getbasetemp() / "svd-media",
                         frame_rate=2)


def plane_xy(plane, points) -> np.ndarray:
    """Scene points back to plane coordinates through ``plane.p2c``."""
    return np.array([plane.p2c(p) for p in np.atleast_2d(points)], dtype=float)[:, :2]


def bezier_samples(points: np.ndarray, per_curve: int = 60) -> np.ndarray:
    """Points along every cubic Bezier piece of a curve's ``points`` (scene coordinates)."""
    pts = points.reshape(-1, 4, 3)
    t = np.linspace(0, 1, per_curve)[:, None, None]
    curves = ((1 - t) ** 3 * pts[:, 0] + 3 * (1 - t) ** 2 * t * pts[:, 1] + 3 * (1 - t) * t**2 * pts[:, 2]
              + t**3 * pts[:, 3])
    return curves.reshape(-1, 3)


def circle_base(scene) -> np.ndarray:
    return scene.shape.base


def test_frames_pass_the_quality_guard(built) -> None:
    _, findings = built
    assert findings == [], "\n".join(map(str, findings))


def test_one_caption_per_beat_in_both_languages(built) -> None:
    scene, _ = built
    svd = scene.story.svd
    names = ["circle", "rotate-in", *(["zoom"] if svd.view.zoom == "out" else []), "stretch",
             *(["zoom"] if svd.view.zoom == "in" else []), "rotate-out", "compare", "cloud", "centre", "sweep",
             "axes", "project"]
    assert [c.name for c in scene.captions] == names
    assert all(c.en and c.zh and c.end > c.start for c in scene.captions)
    captions = {c.name: c for c in scene.captions}
    assert ("flips" in captions["rotate-out"].en) == svd.reflection
    assert ("segment" in captions["stretch"].en) == (svd.shape == "segment")
    assert ("only noise" in captions["axes"].en) == scene.story.pca.axis_arbitrary
    assert f"{100 * scene.story.pca.explained_ratio:.1f}%" in captions["project"].en
    assert 30 <= scene.renderer.time <= 60


def test_rotate_in_puts_v1_v2_on_the_axes(built) -> None:
    scene, _ = built
    shot = scene.snapshots["rotate-in"]
    for i, (start, end, _) in enumerate(shot["arrows"]):
        drawn = plane_xy(shot["plane"], end)[0] - plane_xy(shot["plane"], start)[0]
        np.testing.assert_allclose(drawn, np.eye(2)[i], atol=TOL)
    # the circle is still the unit circle
    radii = np.linalg.norm(plane_xy(shot["plane"], shot["shape"]), axis=1)
    np.testing.assert_allclose(radii[::4], 1.0, atol=1e-9)  # the Bezier anchors lie on the circle


def test_sigma_makes_an_axis_aligned_ellipse_with_the_singular_values(built) -> None:
    scene, _ = built
    s1, s2 = scene.story.svd.sigma
    shot = scene.snapshots["stretch"]
    # points along the drawn curve: its extreme x is sigma_1, its extreme y sigma_2
    curve = plane_xy(shot["plane"], bezier_samples(shot["shape"]))
    assert np.abs(curve[:, 0]).max() == pytest.approx(s1, rel=1e-5, abs=1e-12)
    assert np.abs(curve[:, 1]).max() == pytest.approx(s2, rel=1e-5, abs=1e-9 * s1)
    anchors = plane_xy(shot["plane"], shot["shape"])[::4]  # the Bezier pieces' anchors lie on the curve
    if s2 > 0:
        np.testing.assert_allclose((anchors[:, 0] / s1) ** 2 + (anchors[:, 1] / s2) ** 2, 1.0, atol=1e-3)
    for i, (start, end, opacity) in enumerate(shot["arrows"]):
        drawn = plane_xy(shot["plane"], end)[0] - plane_xy(shot["plane"], start)[0]
        if opacity > 0:
            np.testing.assert_allclose(drawn, (s1, s2)[i] * np.eye(2)[i], atol=TOL * s1)
        else:
            assert (s1, s2)[i] * shot["plane"].unit < 0.05  # only a too-short arrow is hidden
    for readout in scene.sigma_readouts:
        i = int(readout.story_field.rsplit(".", 1)[1])
        assert readout.story_field == f"svd.sigma.{i}"
        assert readout.value == pytest.approx((s1, s2)[i], abs=10.0 ** -readout.number.num_decimal_places)


def test_after_u_the_picture_is_a_applied_to_the_circle(built) -> None:
    scene, _ = built
    svd = scene.story.svd
    a = np.array(svd.matrix)
    shot = scene.snapshots["rotate-out"]
    xy = plane_xy(shot["plane"], shot["shape"])
    expected = circle_base(scene) @ a.T
    np.testing.assert_allclose(xy, expected, atol=1e-6 * svd.sigma[0] + 1e-12)
    for i, (start, end, opacity) in enumerate(shot["arrows"]):
        if opacity > 0:
            drawn = plane_xy(shot["plane"], end)[0] - plane_xy(shot["plane"], start)[0]
            np.testing.assert_allclose(drawn, a @ np.array(svd.right_vectors[i]), atol=TOL * svd.sigma[0])
    if svd.reflection:
        # the flip reversed the second semi-axis before the turn
        flip = scene.snapshots["flip"]
        end = plane_xy(flip["plane"], flip["arrows"][1][1])[0] - plane_xy(flip["plane"], flip["arrows"][1][0])[0]
        np.testing.assert_allclose(end, (0, -svd.sigma[1]), atol=TOL * svd.sigma[0])


def test_the_dashed_direct_image_lands_on_the_ellipse(built) -> None:
    scene, _ = built
    svd = scene.story.svd
    a = np.array(svd.matrix)
    shot = scene.snapshots["compare"]
    for dash, points in zip(scene.ghost, shot["ghost"]):
        xy = plane_xy(shot["plane"], points)
        np.testing.assert_allclose(xy, dash.base @ a.T, atol=1e-6 * svd.sigma[0])
        if svd.sigma[1] > 0:
            # on the ellipse of U Sigma: |Sigma^-1 U^T p| = 1 for the dashes' ends
            ends = xy[[0, -1]]
            w = np.diag(1 / np.array(svd.sigma)) @ np.array(svd.U).T @ ends.T
            np.testing.assert_allclose(np.linalg.norm(w, axis=0), 1.0, atol=1e-6)


def test_angle_readouts_end_on_the_story(built) -> None:
    scene, _ = built
    svd = scene.story.svd
    readout_in, readout_out = scene.rotate_in_row[0].readout, scene.rotate_out_rows[0].readout
    assert readout_in.story_field == "svd.rotation_in_degrees"
    assert readout_in.value == pytest.approx(svd.rotation_in_degrees, abs=0.05)
    assert readout_out.story_field == "svd.rotation_out_degrees"
    assert readout_out.value == pytest.approx(svd.rotation_out_degrees, abs=0.05)


def test_centring_moves_every_dot_to_its_centred_point(built) -> None:
    scene, _ = built
    pca = scene.story.pca
    shot = scene.snapshots["centre"]
    xy = plane_xy(shot["plane"], shot["dots"])
    np.testing.assert_allclose(xy, pca.centred, atol=1e-6 * shot["plane"].view_radius)
    assert shot["plane"].view_radius == pytest.approx(pca.centred_view_radius)


def test_projected_dots_lie_on_the_pc1_line(built) -> None:
    scene, _ = built
    pca = scene.story.pca
    shot = scene.snapshots["project"]
    xy = plane_xy(shot["plane"], shot["dots"])
    np.testing.assert_allclose(xy, pca.projected, atol=1e-6 * shot["plane"].view_radius)
    w1 = np.array(pca.axes[0])
    assert np.abs(xy[:, 0] * w1[1] - xy[:, 1] * w1[0]).max() <= 1e-6 * shot["plane"].view_radius
    # the drawn PC1 line has the story's angle
    start, end = plane_xy(scene.plane, [scene.pc1_line.get_start(), scene.pc1_line.get_end()])
    d = end - start
    assert math.degrees(math.atan2(d[1], d[0])) % 180 == pytest.approx(pca.pc1_degrees, abs=1e-6)


def test_pc_arrows_are_the_principal_axes_two_deviations_long(built) -> None:
    scene, _ = built
    pca = scene.story.pca
    for arrow in scene.pc_arrows:
        i = arrow.pc_index
        if arrow.hidden:
            assert pca.variances[i] * scene.plane.unit ** 2 < 1e-3
            continue
        drawn = plane_xy(scene.plane, arrow.get_end())[0] - plane_xy(scene.plane, arrow.get_start())[0]
        np.testing.assert_allclose(drawn, 2 * math.sqrt(pca.variances[i]) * np.array(pca.axes[i]), atol=1e-6)


def test_variance_plot_peaks_at_pc1(built) -> None:
    scene, _ = built
    pca = scene.story.pca
    axes = scene.plot.axes
    anchors = np.array([axes.p2c(p) for p in scene.plot.curve.points[::4]])[:, :2]
    # every drawn anchor is the story's variance at its angle
    for degrees, value in anchors:
        assert value == pytest.approx(directional_variance(pca, degrees), rel=1e-6, abs=1e-9 * pca.variances[0])
    best = anchors[int(np.argmax(anchors[:, 1])), 0]
    if not pca.axis_arbitrary:
        assert abs((best - pca.pc1_degrees + 90) % 180 - 90) <= 2.0  # one sweep step
    peak_x, peak_y = axes.p2c(scene.peak_line.get_end())[:2]
    assert peak_x == pytest.approx(pca.pc1_degrees, abs=1e-6)
    assert peak_y == pytest.approx(pca.variances[0], rel=1e-6)
    assert scene.variance_readout.story_field == "pca.variances.0"
    assert scene.variance_readout.value == pytest.approx(pca.variances[0],
                                                         abs=10.0 ** -scene.variance_readout.number.num_decimal_places)
    # the sweep line ended on PC1
    start, end = plane_xy(scene.plane, [scene.sweep_line.get_start(), scene.sweep_line.get_end()])
    d = end - start
    assert math.degrees(math.atan2(d[1], d[0])) % 180 == pytest.approx(pca.pc1_degrees, abs=1e-6)


@pytest.fixture(scope="module", params=["9:16", "1:1"])
def stacked(request, tmp_path_factory):
    """The default scene with the guard, in a portrait frame (Chinese, light) and a square one (English, dark)."""
    lang = "zh" if request.param == "9:16" else "en"
    return build_checked("svd_pca", {}, media_dir=tmp_path_factory.getbasetemp() / "svd-media", frame_rate=2,
                         lang=lang, look=Look("light" if lang == "zh" else "dark", request.param))


def test_stacked_frames_put_the_panel_under_the_plane(stacked) -> None:
    scene, findings = stacked
    assert findings == [], "\n".join(map(str, findings))
    frame = scene.frame_box  # the frame it was built in
    assert frame.portrait or frame.square
    # the plane is centred across the frame and keeps a sensible size
    assert scene.plane_center[0] == pytest.approx(0.0)
    assert scene.plane_side >= (0.85 * frame.content_width if frame.portrait else 0.45 * frame.content_height)
    plane_bottom = scene.plane_center[1] - scene.plane_side / 2
    assert scene.plane_center[1] + scene.plane_side / 2 <= frame.top + 1e-6
    rows = scene.panel_rows
    assert rows and scene.axes_rows in rows
    for i, row in enumerate(rows):  # the last beat's panel: under the plane, inside the frame, rows apart
        assert row.get_top()[1] < plane_bottom
        assert row.get_bottom()[1] >= frame.bottom - 1e-6
        assert frame.left - 1e-6 <= row.get_left()[0] and row.get_right()[0] <= frame.right + 1e-6
        for other in rows[i + 1:]:
            assert not boxes_overlap(row, other)


def test_a_full_panel_drops_its_oldest_rows(stacked) -> None:
    scene, _ = stacked
    # the square panel has no room for the variance plot under the PCA rows: they left, the plot's peak
    # is marked only while the plot is on screen
    if scene.frame_box.square:
        assert scene.sweep_rows not in scene.panel_rows and scene.peak_line is None
        assert scene.plot_dot not in scene.mobjects
    else:
        assert scene.sweep_rows in scene.panel_rows and scene.peak_line is not None
