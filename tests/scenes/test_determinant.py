"""The determinant scene draws its story: geometry read back through the plane's (axes') coordinates.

Scenes are constructed under dry_run at a low frame rate (updaters still run
every frame). The transformed square's corners are read back with
``plane.p2c`` and compared with A applied to the unit square; their shoelace
area with det A and with det M(t) at the story's keyframes; the drawn
parallelepiped's triple product with det A.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from mathviz.stories import determinant as linalg
from mathviz_scenes.components import style
from mathviz_scenes.components.look import Look
from mathviz_scenes.components.plane import I_HAT_COLOR
from tests.conftest import build_checked, dry_run_scene
from tests.scenes import linalg_looks

#: Parameters that push this scene's layout to its limits; tests/pipeline/test_check.py runs the guard on each.
STRESS: list[dict[str, str]] = [
    {"matrix": "[[8, 3], [2, 6]]"},
    {"matrix": "[[0.05, 0.02], [0.01, 0.04]]"},
    {"matrix": "[[1, 2], [2, 4]]"},
    {"matrix": "[[3, 1, 0], [0, 2, 1], [1, 0, -2]]"},
    # A slab whose plane holds the default camera's line of sight: seen edge-on without a camera chosen for it
    {"matrix": "[[1.14, 0, 0.531], [-1.46, 0, -0.761], [0.75, 1, 1.375]]"},
]
#: Keys `mathviz numbers determinant` must print (tests/pipeline/test_cli.py).
STORY_KEYS = {"matrix", "det", "orientation", "measure"}

# Updaters run at every frame even under dry_run; two frames a second keep the suite fast.
FRAME_RATE = 2

PLANE_CASES = {
    "preserved": "[[2, 1], [0.5, 1.5]]",
    "reversed": "[[1, 2], [3, 1]]",
    "collapsed": "[[1, 2], [2, 4]]",
    "large": "[[8, 3], [2, 6]]",
}
SPACE_CASES = {
    "preserved": "[[1, 0.5, 0], [0, 1, 0.3], [0.2, 0, 1.5]]",
    "reversed": "[[1, 0.5, 0], [0, 1, 0.3], [0.2, 0, -1.5]]",
}


def corners(plane, polygon) -> np.ndarray:
    """A drawn polygon's corners in the plane's coordinates, one ``plane.p2c`` each."""
    return np.array([plane.p2c(p) for p in polygon.get_vertices()])


def visible_word(group) -> str:
    shown = [m for m in group if m.get_fill_opacity() > 0.5]
    assert len(shown) == 1
    return shown[0].text


@pytest.mark.parametrize("case", sorted(PLANE_CASES))
def test_plane_scene_draws_the_story(case: str, tmp_path) -> None:
    scene, findings = build_checked("determinant", {"matrix": PLANE_CASES[case]}, media_dir=tmp_path, frame_rate=FRAME_RATE)
    s = scene.story
    assert not findings, "\n".join(map(str, findings))
    plane = scene.plane

    # the square after A is A applied to the unit square, and its area is det A
    after_a = corners(plane, scene.build_square(1.0))
    np.testing.assert_allclose(after_a, s.unit_vertices @ s.matrix.T, atol=1e-9 * s.fit)
    assert linalg.shoelace_area(after_a) == pytest.approx(s.det, abs=1e-9 * s.fit**2)
    # at every keyframe of the path, the builder draws M(t) applied to the square, area det M(t)
    for key in s.path:
        square = corners(plane, scene.build_square(key.t))
        np.testing.assert_allclose(square, s.unit_vertices @ key.matrix.T, atol=1e-9 * s.fit)
        assert linalg.shoelace_area(square) == pytest.approx(key.det, abs=1e-9 * s.fit**2)
    # and along the second step, B after A
    p = s.product
    for key in p.path:
        square = corners(plane, scene.build_square(1.0, key.t))
        assert linalg.shoelace_area(square) == pytest.approx(key.det, abs=1e-9 * s.fit**2)

    # the scene ends after both steps: what is drawn is B A applied to the square, area det(BA)
    final = p.matrix
    drawn = corners(plane, scene.square)
    np.testing.assert_allclose(drawn, s.unit_vertices @ final.T, atol=1e-9 * s.fit)
    assert linalg.shoelace_area(drawn) == pytest.approx(p.det, abs=1e-9 * s.fit**2)
    assert p.det == pytest.approx(p.det_b * s.det, abs=1e-9 * s.fit**2)
    for k, arrow in enumerate(scene.basis):  # the basis arrows end at the columns
        np.testing.assert_allclose(plane.p2c(arrow.get_end()), final[:, k], atol=1e-9 * s.fit)
    blob = corners(plane, scene.blob)  # the blob's area scaled by the same factor
    assert linalg.shoelace_area(blob) / s.shape.area_before == pytest.approx(p.det, abs=1e-9 * s.fit**2)

    # the orientation arrow turns the way det says: its sweep around the square's centre
    arc, _ = scene.orientation
    points = np.array([plane.p2c(q) for q in arc.get_anchors()])
    sweep = linalg.shoelace_area(np.vstack([np.array([0.5, 0.5]) @ final.T, points]))
    assert np.sign(sweep) == np.sign(p.det) or (p.det == 0 and abs(sweep) < 1e-9)

    # the panel: the live readouts (measured from the drawn shapes) end at det(BA); det A is the story's
    assert scene.measure_readout.value == pytest.approx(p.det, abs=5e-4)
    assert scene.ratio_readout.value == pytest.approx(p.det, abs=5e-4)
    assert scene.det_readout.story_field == "det" and scene.det_readout.value == pytest.approx(s.det)
    assert scene.product_readout.story_field == "product.det"
    word = visible_word(scene.orientation_label)
    assert ("preserved" if p.det > 0 else "reversed" if p.det < 0 else "flat") in word
    assert (scene.zoom_label is not None) == (s.fit > 1)

    # one caption per beat, a pause at each flat point on the path
    names = [c.name for c in scene.captions]
    assert names[0] == "plane" and names[1] == "apply" and names[-2:] == ["result", "product"]
    assert len(names) == 4 + sum(1 for point in s.singular if point.t < 1)
    if s.orientation == "collapsed":
        assert "line" in scene.captions[-2].en

    if s.flip_t is not None:
        # the drawn square is flat at flip_t and its area changes sign there
        flat = corners(plane, scene.build_square(s.flip_t))
        assert linalg.shoelace_area(flat) == pytest.approx(0.0, abs=1e-9)
        before = linalg.shoelace_area(corners(plane, scene.build_square(s.flip_t - 0.05)))
        after = linalg.shoelace_area(corners(plane, scene.build_square(s.flip_t + 0.05)))
        assert before > 0 > after
        assert any(c.name.startswith("flat-") and "flipped" in c.en for c in scene.captions)
    color = style.POSITIVE_COLOR if p.det > 0 else style.NEGATIVE_COLOR if p.det < 0 else style.MUTED_COLOR
    assert scene.square.get_fill_color().to_hex().lower() == color.to_hex().lower()
    assert scene.basis[0].get_color().to_hex().lower() == I_HAT_COLOR.to_hex().lower()

    # the whole picture stays in its box: inside the frame, above the captions, left of the panel
    picture = [scene.grid, scene.square, scene.blob, *scene.basis]
    points = np.concatenate([m.get_all_points() for m in picture])
    assert points[:, 1].min() >= style.caption_top() - 1e-6
    assert points[:, 1].max() <= 4.0 and points[:, 0].min() >= -7.11
    assert points[:, 0].max() < scene.panel.get_left()[0]


@pytest.mark.parametrize("case", sorted(SPACE_CASES))
def test_space_scene_draws_the_story(case: str, tmp_path) -> None:
    scene, findings = build_checked("determinant", {"matrix": SPACE_CASES[case]}, media_dir=tmp_path, frame_rate=FRAME_RATE)
    s = scene.story
    assert not findings, "\n".join(map(str, findings))
    axes = scene.axes

    drawn = scene.drawn_corners(scene.solid)  # via axes.p2c
    np.testing.assert_allclose(drawn, s.image_vertices, atol=1e-9)
    assert linalg.parallelepiped_volume(drawn) == pytest.approx(s.det, abs=1e-9)
    assert linalg.polyhedron_volume(drawn) == pytest.approx(s.det, abs=1e-9)
    for k, (_shaft, tip) in enumerate(scene.triad):
        np.testing.assert_allclose(axes.p2c(tip.get_vertices()[0]), s.matrix[:, k], atol=1e-9)
    for key in s.path:
        solid = scene.drawn_corners(scene.build_solid(key.t))
        assert linalg.parallelepiped_volume(solid) == pytest.approx(key.det, abs=1e-9)

    assert scene.measure_readout.value == pytest.approx(s.det, abs=5e-4)
    word = visible_word(scene.orientation_label)
    assert ("right-handed" if s.det > 0 else "left-handed") in word
    if s.det < 0:
        assert any(c.name.startswith("flat-") and "left-handed" in c.en for c in scene.captions)

    # everything the camera shows of the solid and the triad is inside the frame, above the captions
    camera = scene.renderer.camera
    camera.reset_rotation_matrix()
    points = camera.project_points(np.concatenate([scene.solid.get_all_points(), scene.triad.get_all_points(),
                                                   axes.get_all_points()]))
    assert points[:, 1].min() >= style.caption_top() and points[:, 1].max() <= 4.0
    assert points[:, 0].min() >= -7.11 and points[:, 0].max() < scene.panel.get_left()[0]


@pytest.mark.render
def test_tiny_render(tiny_render, build_scene) -> None:
    import av

    from tests.conftest import SCENE_RENDER

    fps = SCENE_RENDER["frame_rate"]
    # the renderer's clock counts frames, so the dry run uses the tiny render's frame rate
    expected = build_scene("determinant", extra_config={"frame_rate": fps})
    duration = float(expected.renderer.time)
    path = tiny_render("determinant")
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = [f.to_ndarray(format="gray") for f in container.decode(stream)]
        if stream.duration and stream.time_base:
            seconds = float(stream.duration * stream.time_base)
        else:
            assert container.duration is not None
            seconds = container.duration / 1e6
    assert (stream.codec_context.width, stream.codec_context.height) == (256, 144)
    assert seconds == pytest.approx(duration, abs=0.25)
    assert len(frames) == pytest.approx(duration * fps, abs=2)
    # the picture moves: the first, middle and last frames all differ
    first, middle, last = frames[0], frames[len(frames) // 2], frames[-1]
    assert np.abs(first.astype(int) - last).mean() > 1
    assert np.abs(middle.astype(int) - last).mean() > 1


def test_basis_labels_never_overlap_along_the_path(build_scene) -> None:
    # Collinear images (det A = 0) and the mirror step after it: the two labels' boxes stay apart at every t, s.
    scene = build_scene("determinant", {"matrix": PLANE_CASES["collapsed"]}, extra_config={"frame_rate": 1})
    labels = scene.basis_labels()
    for t in np.linspace(0.0, 1.0, 101):
        for s in (0.0, 0.5, 1.0):
            i_hat, j_hat = scene.place_basis_labels(labels, scene.matrix_at(t, s))
            dx = (i_hat.width + j_hat.width) / 2 - abs(i_hat.get_x() - j_hat.get_x())
            dy = (i_hat.height + j_hat.height) / 2 - abs(i_hat.get_y() - j_hat.get_y())
            assert min(dx, dy) <= 0, f"i-hat and j-hat overlap at t={t:.2f}, s={s}"


@pytest.mark.parametrize("aspect", ["9:16", "1:1"])
def test_panel_below_the_plane_in_portrait_beside_it_in_square_and_all_in_chinese(aspect, tmp_path) -> None:
    # the large matrix: its readouts print the widest numbers (det 42, zoomed out)
    with dry_run_scene("determinant", {"matrix": PLANE_CASES["large"]}, media_dir=tmp_path, frame_rate=1, lang="zh",
                       look=Look(theme="light", aspect=aspect)) as scene:
        scene.render()
        rows = [*scene.panel, scene.b_label]
        linalg_looks.assert_panel_clear_of_plot(scene.plane, rows, min_plot_share=0.9 if aspect == "9:16" else 0.45)
        assert linalg_looks.english_words(linalg_looks.texts(scene)) == set()


@pytest.mark.sweep
@pytest.mark.parametrize("aspect", ["16:9", "9:16"])
@pytest.mark.parametrize("params", STRESS, ids=["large", "tiny", "collapsed", "3x3", "slab"])
def test_stress_cases_pass_the_guard(params, aspect, tmp_path) -> None:
    _, findings = build_checked("determinant", params, media_dir=tmp_path, frame_rate=2, look=Look(aspect=aspect))
    assert findings == [], "\n".join(map(str, findings))


def _seen_degrees(normal: np.ndarray, phi: float, theta: float) -> float:
    from mathviz_scenes.determinant import camera_direction

    return float(np.degrees(np.arcsin(min(1.0, abs(float(normal @ camera_direction(phi, theta)))))))


@pytest.mark.parametrize("matrix", [STRESS[4]["matrix"], "[[1, 0, 0], [0, 1, 0], [0, 0, 0.05]]",
                                    "[[0.05, 0, 0], [0, 1, 0], [0, 0, 1]]", "[[1, 0, 1], [0, 1, 1], [0, 0, 0.01]]"])
def test_a_slab_is_seen_face_on_enough_before_and_after_the_turn(matrix: str) -> None:
    from mathviz_scenes.determinant import CAMERA_PHI, CAMERA_TURN, SLAB_VIEW_DEGREES, camera_theta_for

    a = np.array(json.loads(matrix))
    u, sizes, _ = np.linalg.svd(a)
    assert sizes[2] < 0.25 * sizes[0]  # a slab
    theta = camera_theta_for(a)
    normal = u[:, 2]
    for seen_from in (theta, theta + CAMERA_TURN):
        # a horizontal slab is seen from above at 90 - phi = 22 degrees whatever the azimuth: the best there is
        best = 90 - np.degrees(CAMERA_PHI) if abs(normal[2]) > 0.99 else SLAB_VIEW_DEGREES
        assert _seen_degrees(normal, CAMERA_PHI, seen_from) >= best - 1e-6


@pytest.mark.parametrize("matrix", [STRESS[3]["matrix"], "[[-1, 0, 0], [0, 1, 0], [0, 0, 1]]",
                                    "[[-2, 1, 0], [0, -3, 1], [1, 0, 2]]"])
def test_the_flat_solid_at_each_pause_is_seen_as_a_face(matrix: str) -> None:
    # where det M(t) = 0 the path pauses on a flat solid (a plane for rank 2): the camera that was chosen shows
    # its face, not a sliver (the [[3, 1, 0], ...] stress case was seen 13 degrees from edge-on at its pause)
    from mathviz_scenes.determinant import CAMERA_PHI, FLAT_VIEW_DEGREES, camera_theta_for

    a = np.array(json.loads(matrix), dtype=float)
    s = linalg.determinant_story(a)
    flats = [linalg.interpolant(a, p.t) for p in s.singular if p.t < 1.0 and p.rank == 2]
    assert flats  # each case pauses on a plane
    theta = camera_theta_for(a, flats=flats)
    for flat in flats:
        normal = np.linalg.svd(flat)[0][:, 2]
        assert _seen_degrees(normal, CAMERA_PHI, theta) >= FLAT_VIEW_DEGREES - 1e-6


def test_a_solid_with_depth_keeps_the_default_camera() -> None:
    from mathviz_scenes.determinant import CAMERA_THETA, camera_theta_for

    assert camera_theta_for(np.array([[3.0, 1, 0], [0, 2, 1], [1, 0, -2]])) == CAMERA_THETA
    assert camera_theta_for(np.eye(3)) == CAMERA_THETA
    assert camera_theta_for(np.array([[1.0, 2, 3], [2, 4, 6], [1, 2, 3]])) == CAMERA_THETA  # a line: no face
