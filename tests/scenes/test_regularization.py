"""The regularization scene draws the story: contours, balls, minimisers and paths read back through the plane."""

from __future__ import annotations

import numpy as np
import pytest

from mathviz.stories.regularization import loss, norm_of
from mathviz_scenes.components.quality import lookup
from mathviz_scenes.components.readout import Readout
from mathviz_scenes.regularization import ellipse_pieces
from tests.conftest import construct_scene, dry_run_scene

#: Parameters that push this scene's layout to its limits; tests/pipeline/test_check.py runs the guard on each.
STRESS: list[dict[str, str]] = [
    # huge lam: L1 gives exactly 0 (a ball of radius 0); big, lopsided numbers; a negative weight
    {"optimum": "[1000, -400]", "hessian": "[[3, -1], [-1, 1]]", "penalty": "l1", "lam": "1e6"},
    # lam = 0 (the answer is w* itself, the touching contour a point) with w* on an axis, under L2
    {"optimum": "[0, 3]", "hessian": "[[2, 0], [0, 1]]", "penalty": "l2", "lam": "0"},
    # circles centred on the diagonal: no isolated corner; tiny numbers
    {"optimum": "[0.01, 0.01]", "hessian": "[[1, 0], [0, 1]]", "penalty": "l1", "lam": "0.005"},
]
#: Keys `mathviz numbers regularization` must print (tests/pipeline/test_cli.py).
STORY_KEYS = {"optimum", "hessian", "penalty", "lam", "solution", "path", "zero_at", "run", "other", "lam_max",
              "corner", "contour_levels"}

BEATS = ["loss-contours", "penalty-ball", "first-touch", "l1-corner", "solution-path"]
IDS = ["huge-lam", "lam-0-axis", "no-corner"]


def _media(tmp_path_factory):
    return tmp_path_factory.getbasetemp() / "regularization-media"


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """The default scene, constructed once (dry_run at 5 fps), with the frame guard attached: (scene, findings)."""
    from tests.conftest import build_checked

    return build_checked("regularization", media_dir=_media(tmp_path_factory), frame_rate=5)


@pytest.fixture(scope="module")
def scene(checked):
    """The default scene, constructed once."""
    return checked[0]


def test_frames_are_clean(checked) -> None:
    from mathviz_scenes.components.quality import format_findings

    assert checked[1] == [], format_findings(checked[1])


def _draw(overrides: dict[str, str], tmp_path_factory):
    """A stress case drawn by the builders alone (no animation)."""
    with dry_run_scene("regularization", overrides, media_dir=_media(tmp_path_factory), frame_rate=5) as s:
        s.build_plane()
        run = s.story.run
        s.contours = [s.contour(level) for level in s.story.contour_levels]
        s.main_ball = s.ball(s.story.penalty, run.ball_radius)
        s.touch_contour = s.contour(run.touch_level)
        s.solution_dot = s.point_dot(run.solution, "#ffffff", "w_lambda")
        s.path_plots = [s.build_path_plot(r, 5.0) for r in (s.story.runs()["l1"], s.story.runs()["l2"])]
    return s


@pytest.fixture(scope="module", params=["defaults", *IDS])
def any_scene(request, tmp_path_factory):
    if request.param == "defaults":
        return request.getfixturevalue("scene")
    return _draw(STRESS[IDS.index(request.param)], tmp_path_factory)


def plane_points(scene, mob) -> np.ndarray:
    return np.array([scene.plane.p2c(p)[:2] for p in mob.get_anchors()])


def corners(mob) -> np.ndarray:
    """The corners of a polyline drawn with set_points_as_corners: each segment's start, then the last end."""
    return np.vstack([mob.points[::4], mob.points[-1:]])


def test_every_beat_has_a_section_and_two_captions(scene):
    assert [c.name for c in scene.captions] == BEATS
    assert all(c.en and c.zh and c.end > c.start for c in scene.captions)


def test_contours_are_level_sets_of_the_loss_inside_the_view(any_scene):
    s = any_scene.story
    for contour in [*any_scene.contours, any_scene.touch_contour]:
        for piece in contour:
            points = plane_points(any_scene, piece)
            assert np.all(np.abs(points) <= s.view_radius * (1 + 1e-6))
            losses = [loss(p, s.optimum, s.hessian) for p in points]
            np.testing.assert_allclose(losses, contour.level, rtol=1e-6, atol=1e-9 * (1 + s.loss_at_origin))


def test_clipping_keeps_whole_ellipses_and_cuts_at_the_square():
    centre, axes = np.array([0.0, 0.0]), np.eye(2)
    whole = ellipse_pieces(centre, axes, 1.0, 2.0)
    assert len(whole) == 1 and np.allclose(whole[0][0], whole[0][-1])
    cut = ellipse_pieces(centre, axes, 4.0, 1.5)  # a circle of radius 2 in the square of half-width 1.5: 4 arcs
    assert len(cut) == 4 and all(np.all(np.abs(piece) <= 1.5) for piece in cut)


def test_ball_is_the_penalty_norm_at_the_solution(any_scene):
    s = any_scene.story
    run = s.run
    ball = any_scene.main_ball
    assert ball.radius == pytest.approx(norm_of(run.solution, s.penalty))
    if run.ball_radius == 0:
        assert np.allclose(any_scene.plane.p2c(ball.get_center())[:2], 0, atol=1e-9)
        return
    points = plane_points(any_scene, ball)
    if s.penalty == "l1":
        np.testing.assert_allclose(np.abs(points).sum(axis=1), run.ball_radius, rtol=1e-6)
    else:
        np.testing.assert_allclose(np.hypot(points[:, 0], points[:, 1]), run.ball_radius, rtol=1e-3)


def test_solution_sits_on_the_ball_and_the_touching_contour(any_scene):
    s = any_scene.story
    run = s.run
    w = any_scene.plane.p2c(any_scene.solution_dot.dot.get_center())[:2]
    scale = 1e-6 * s.view_radius
    np.testing.assert_allclose(w, run.solution, atol=scale)
    assert norm_of(w, s.penalty) == pytest.approx(run.ball_radius, abs=10 * scale)
    assert any_scene.touch_contour.level == run.touch_level == pytest.approx(loss(run.solution, s.optimum, s.hessian))


def test_the_corner_beat_shows_an_exact_zero_on_a_corner(scene):
    s = scene.story
    corner = s.corner
    assert corner is not None
    w = scene.plane.p2c(scene.corner_dot.dot.get_center())[:2]
    np.testing.assert_allclose(w, corner.w, atol=1e-6)
    assert corner.w[corner.zero_index] == 0
    # the dot is a vertex of the drawn diamond
    vertices = plane_points(scene, scene.corner_ball)
    assert np.min(np.linalg.norm(vertices - corner.w, axis=1)) < 1e-6
    assert scene.corner_contour.level == corner.touch_level


def test_paths_in_the_plane_and_in_the_plots_are_the_story_paths(scene):
    s = scene.story
    for curve in scene.plane_paths:
        drawn = np.array([scene.plane.p2c(p)[:2] for p in corners(curve)])
        np.testing.assert_allclose(drawn, [p.w for p in curve.run.path], atol=1e-6 * s.view_radius)


def test_path_plots_read_back(any_scene):
    for plot in any_scene.path_plots:
        run = plot.run
        for i, curve in enumerate(plot.curves):
            points = np.array([plot.axes.p2c(p)[:2] for p in corners(curve)])
            np.testing.assert_allclose(points[:, 0], [p.lam for p in run.path], atol=1e-6 * run.path_end)
            np.testing.assert_allclose(points[:, 1], [p.w[i] for p in run.path], atol=1e-6 * (1 + np.max(np.abs(run.solution))))
        shown = [z for z in run.zero_at if z is not None and 0 < z <= run.path_end]
        drawn = sorted(plot.axes.p2c(m.get_center())[0] for m in plot.markers)
        np.testing.assert_allclose(drawn, sorted(shown), atol=1e-6 * run.path_end)
        if run.penalty == "l2":
            assert len(plot.markers) == 0


def test_readouts_show_the_story(scene):
    data = scene.story.to_dict()
    readouts = [m for m in scene.mobjects if isinstance(m, Readout)]
    readouts += [r for m in scene.mobjects for r in m.get_family() if isinstance(r, Readout) and r not in readouts]
    assert readouts
    for readout in readouts:
        if readout.story_field is not None:
            assert readout.value == pytest.approx(lookup(data, readout.story_field), abs=10 ** -readout.number.num_decimal_places)
    fields = {r.story_field for r in scene.zero_readouts}
    key = "run" if scene.story.penalty == "l1" else "other"
    assert fields == {f"{key}.zero_at.0", f"{key}.zero_at.1"}


def test_minimiser_labels_leave_the_optimum_dot_uncovered(any_scene):
    star = any_scene.plane.p2c(any_scene.solution_dot.dot.get_center())[:2]
    label = any_scene.solution_dot[1]
    optimum = any_scene.to_scene(any_scene.story.optimum)
    if not np.allclose(star, any_scene.story.optimum, atol=1e-9):
        inside = (label.get_left()[0] <= optimum[0] <= label.get_right()[0]
                  and label.get_bottom()[1] <= optimum[1] <= label.get_top()[1])
        assert not inside


def _texts(scene) -> list:
    from manim import Text

    return [m for m in scene.mobjects for m in m.get_family() if isinstance(m, Text)]


@pytest.mark.parametrize(("aspect", "lang"), [("1:1", "en"), ("9:16", "zh")])
def test_stacked_frames_put_the_panel_under_a_sensible_plane(aspect, lang, tmp_path_factory):
    """Square and portrait: the panel's rows sit under the plane and inside the frame; the plane stays big."""
    from mathviz_scenes.components import style
    from mathviz_scenes.components.look import Look

    with dry_run_scene("regularization", media_dir=_media(tmp_path_factory), frame_rate=2, look=Look(aspect=aspect),
                       lang=lang) as scene:
        scene.render()
        frame = style.frame()  # the scene's frame: read inside its config
    assert scene.stacked and (frame.portrait if aspect == "9:16" else frame.square)
    assert scene.plane_side >= 0.35 * frame.width
    plane_bottom = scene.plane.get_bottom()[1]
    panel = [*scene.path_plots, scene.zero_readouts]
    for mob in panel:
        assert mob.get_top()[1] <= plane_bottom
        assert frame.left - 1e-6 <= mob.get_left()[0] and mob.get_right()[0] <= frame.right + 1e-6
        assert mob.get_bottom()[1] >= frame.bottom - 1e-6
    # the two lambda-path plots share a line under the plane
    assert scene.path_plots[0].get_right()[0] < scene.path_plots[1].get_left()[0]


def test_chinese_build_has_no_english_words(tmp_path_factory):
    """--lang zh: every word on screen is Chinese; symbols and names (L1, L2, w, lambda) may stay."""
    import re

    scene = construct_scene("regularization", media_dir=_media(tmp_path_factory), frame_rate=2, lang="zh")
    english = {w.lower() for c in scene.captions for w in re.findall(r"[A-Za-z]{3,}", c.en)}
    shown = {w.lower() for m in _texts(scene) for w in re.findall(r"[A-Za-z]{3,}", m.text)}
    assert english and not shown & english


def test_contours_and_balls_pass_under_the_names_in_a_square_frame(tmp_path) -> None:
    """Contours and balls drawn after the axis names and w* go under them (the line checks found them across)."""
    from mathviz_scenes.components.look import Look
    from tests.conftest import build_checked

    scene, findings = build_checked("regularization", {}, media_dir=tmp_path, frame_rate=2, look=Look(aspect="1:1"),
                                    shapes=True, contrast=True)
    assert not findings, "\n".join(map(str, findings))
    names = [*scene.axis_names, scene.grid_note, scene.optimum_dot]
    under = [*scene.contours, scene.touch_contour, scene.main_ball, scene.corner_ball, scene.corner_contour]
    assert max(m.z_index for m in under) < min(m.z_index for m in names)
