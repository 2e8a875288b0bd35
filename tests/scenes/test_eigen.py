"""The eigen scene draws its story: arrows, ellipse and basis picture read back through the plane.

Each matrix is built once under Manim's dry_run with the frame-quality guard
attached (at 5 frames per second, enough for the guard's samples inside every
animation), then the finished mobjects are read back in plane coordinates
with ``plane.p2c`` and compared with the story.
"""

from __future__ import annotations

import math
import re

import av
import numpy as np
import pytest

from mathviz_scenes.components.look import Look
from tests.conftest import SCENE_RENDER, build_checked, dry_run_scene
from tests.scenes import linalg_looks

#: Parameters that push this scene's layout to its limits; tests/pipeline/test_check.py runs the guard on each.
STRESS: list[dict[str, str]] = [
    {"matrix": "[[40, -30], [25, 60]]"},
    {"matrix": "[[0.01, 0.02], [0, 0.03]]"},
    {"matrix": "[[1, 1], [0, 1]]"},
]
#: Keys `mathviz numbers eigen` must print (tests/pipeline/test_cli.py).
STORY_KEYS = {"matrix", "kind", "eigenvalues", "eigenvectors", "stretch"}

CASES = {
    "distinct-real": "[[3, 1], [0, 2]]",
    "repeated-scalar": "[[2, 0], [0, 2]]",
    "defective": "[[1, 1], [0, 1]]",
    "complex": "[[0, -1], [1, 0]]",
    "zero-eigenvalue": "[[1, 2], [2, 4]]",
    "negative-eigenvalue": "[[-1, 0], [0, 2]]",
    # large entries (zoom out 19x first), and complex without being a rotation of the plane
    "large-skewed-complex": "[[40, -30], [25, 60]]",
}
ANGLE_TOL = 1e-6


@pytest.fixture(scope="module", params=list(CASES), ids=list(CASES))
def built(request, tmp_path_factory):
    """(scene, findings of the frame-quality guard) for one matrix."""
    return build_checked("eigen", {"matrix": CASES[request.param]}, media_dir=tmp_path_factory.mktemp("media"),
                         frame_rate=2)


def plane_xy(scene, point) -> np.ndarray:
    return np.array(scene.plane.p2c(point), dtype=float)[:2]


def drawn_vector(scene, arrow) -> np.ndarray:
    return plane_xy(scene, arrow.get_end()) - plane_xy(scene, arrow.get_start())


def line_angle(u: np.ndarray, w: np.ndarray) -> float:
    """The angle between ``w`` and the line spanned by ``u`` (0 when ``w`` is the zero vector)."""
    return math.atan2(abs(u[0] * w[1] - u[1] * w[0]), abs(u @ w))


def test_frames_pass_the_quality_guard(built) -> None:
    scene, findings = built
    assert findings == [], "\n".join(map(str, findings))


def test_one_caption_per_beat_in_both_languages(built) -> None:
    scene, _ = built
    story = scene.story
    zoom = ["zoom"] if story.fit.zoomed_out else []
    assert [c.name for c in scene.captions] == ["fan", *zoom, "apply", "ellipse", "change-of-basis", "simplest-form"]
    assert all(c.en and c.zh and c.end > c.start for c in scene.captions)
    apply = scene.captions[1 + len(zoom)].en
    if story.kind == "complex":
        assert "no direction survives" in apply
    if story.zero_eigenvalue:
        assert "squashes" in apply
    elif story.negative_eigenvalue:
        assert "flips" in apply
    if story.kind == "repeated-scalar":
        assert "every vector is an eigenvector" in apply
    if zoom:
        # the view grew by the story's factor, and the caption says by how much
        factor = story.fit.view_radius / story.fit.start_view_radius
        assert f"zoom out {factor:.3g}x" in scene.captions[1].en
        assert scene.plane.view_radius == story.fit.view_radius
        assert "zoomedout" in scene.zoom_label[0].text  # Text.text drops the spaces
    assert 25 <= scene.renderer.time <= 60


def test_eigen_arrows_stay_on_their_span_and_stretch_by_lambda(built) -> None:
    scene, _ = built
    story = scene.story
    for arrow in scene.fan_arrows:
        f = story.fan[arrow.fan_index]
        if not f.eigen:
            continue
        v, drawn = np.array(f.vector), drawn_vector(scene, arrow)
        assert line_angle(v, drawn) <= ANGLE_TOL
        lam = story.stretch[f.eigen_index] if f.eigen_index is not None else story.stretch[0]
        # signed: the component along v is lambda (negative: the arrow points the other way)
        assert drawn @ v == pytest.approx(lam, abs=1e-6)
        assert np.linalg.norm(drawn) == pytest.approx(abs(lam), abs=1e-6)
    if story.kind != "complex":
        assert any(story.fan[a.fan_index].eigen for a in scene.fan_arrows)


def test_other_arrows_are_knocked_off_by_the_story_angle(built) -> None:
    scene, _ = built
    story = scene.story
    others = [a for a in scene.fan_arrows if not story.fan[a.fan_index].eigen]
    # every vector is an eigenvector of a scalar matrix; any other matrix knocks some off
    assert bool(others) == (story.kind != "repeated-scalar")
    for arrow in others:
        f = story.fan[arrow.fan_index]
        drawn = drawn_vector(scene, arrow)
        assert line_angle(np.array(f.vector), drawn) == pytest.approx(f.knock_off_angle, abs=ANGLE_TOL)
        assert f.knock_off_angle > 1e-3  # visibly off its span
        assert np.linalg.norm(drawn) == pytest.approx(f.length_ratio, abs=1e-6)
    if scene.showcase is not None:
        f = story.fan[scene.showcase]
        arc = scene.knock_off_arc
        start, end = plane_xy(scene, arc.get_start()), plane_xy(scene, arc.get_end())
        assert math.atan2(abs(start[0] * end[1] - start[1] * end[0]), start @ end) == pytest.approx(f.knock_off_angle, abs=1e-6)
        assert f.knock_off_angle == max(g.knock_off_angle for g in story.fan if not g.eigen)


def test_readouts_end_on_the_story_ratios(built) -> None:
    scene, _ = built
    story = scene.story
    for readout in scene.readouts:
        assert readout.story_field == f"length_ratio.{readout.eigen_index}"
        assert readout.value == pytest.approx(story.length_ratio[readout.eigen_index], abs=5e-4)


def bezier_samples(mob, per_curve: int = 500) -> np.ndarray:
    """Points along every cubic Bezier segment of ``mob`` (scene coordinates)."""
    pts = mob.points.reshape(-1, 4, 3)
    t = np.linspace(0, 1, per_curve)[:, None, None]
    curves = ((1 - t) ** 3 * pts[:, 0] + 3 * (1 - t) ** 2 * t * pts[:, 1] + 3 * (1 - t) * t**2 * pts[:, 2]
              + t**3 * pts[:, 3])
    return curves.reshape(-1, 3)


def test_the_unit_circle_became_the_story_ellipse(built) -> None:
    scene, _ = built
    story = scene.story
    xy = np.array([plane_xy(scene, p) for p in bezier_samples(scene.circle)])
    radii = np.linalg.norm(xy, axis=1)
    s1, s2 = story.ellipse.semi_axes
    # a centred ellipse: farthest points at the semi-major axis, nearest at the semi-minor
    assert radii.max() == pytest.approx(s1, rel=1e-4, abs=1e-6)
    assert radii.min() == pytest.approx(s2, rel=1e-4, abs=2e-3 * s1)
    # and the drawn semi-axes are sigma_i u_i
    for line in scene.semi_axes:
        i = line.axis_index
        end = plane_xy(scene, line.get_end()) - plane_xy(scene, line.get_start())
        assert np.linalg.norm(end) == pytest.approx(story.ellipse.semi_axes[i], abs=1e-6)
        if story.ellipse.semi_axes[i] > 1e-9:
            assert line_angle(np.array(story.ellipse.axes[i]), end) <= ANGLE_TOL


def test_basis_picture_ends_in_the_simplest_form(built) -> None:
    scene, _ = built
    m = np.array(scene.story.basis.M)
    for i, arrow in enumerate(scene.basis_vectors):
        assert drawn_vector(scene, arrow) == pytest.approx(m[:, i], abs=1e-6)
    # the corners of the basis square [-1, 1]^2 went to M (+-1, +-1)
    corners = np.array([plane_xy(scene, p) for line in scene.patch if line is not scene.patch.circle
                        for p in (line.get_start(), line.get_end())])
    expected = np.array([m @ np.array(c) for c in scene.patch.segments.reshape(-1, 2)])
    np.testing.assert_allclose(corners, expected, atol=1e-6)


def test_whole_picture_stays_inside_the_plane(built) -> None:
    scene, _ = built
    radius = scene.story.fit.view_radius
    for mob in [scene.circle, *scene.fan_arrows, *scene.basis_vectors, scene.patch]:
        for p in mob.get_all_points():
            assert np.all(np.abs(plane_xy(scene, p)) <= radius + 1e-6)


@pytest.mark.parametrize(("aspect", "case"), [("9:16", "distinct-real"), ("1:1", "distinct-real"),
                                              ("9:16", "large-skewed-complex")])
def test_panel_below_the_plane_in_portrait_beside_it_in_square_and_all_in_chinese(aspect, case, tmp_path) -> None:
    # the large complex matrix has the tallest panel: a zoom note, three eigenvalue rows, a note under M
    with dry_run_scene("eigen", {"matrix": CASES[case]}, media_dir=tmp_path, frame_rate=1, lang="zh",
                       look=Look(theme="light", aspect=aspect)) as scene:
        scene.render()
        rows = [m for m in (scene.panel_matrix, getattr(scene, "zoom_label", None), scene.panel_eigen,
                            scene.panel_readouts, scene.panel_knock, scene.panel_sigma, scene.panel_basis,
                            scene.panel_form) if m is not None and len(m)]
        linalg_looks.assert_panel_clear_of_plot(scene.plane, rows, min_plot_share=0.62 if aspect == "9:16" else 0.4)
        assert linalg_looks.english_words(linalg_looks.texts(scene)) == set()
        # the light theme names the showcase vector by the colour it is shown in
        assert scene.panel_knock[0].original_text.startswith("黑色")


@pytest.mark.sweep
@pytest.mark.parametrize("aspect", ["16:9", "9:16"])
@pytest.mark.parametrize("params", STRESS, ids=[p["matrix"] for p in STRESS])
def test_stress_cases_pass_the_guard(params, aspect, tmp_path) -> None:
    _, findings = build_checked("eigen", params, media_dir=tmp_path, frame_rate=2, look=Look(aspect=aspect))
    assert findings == [], "\n".join(map(str, findings))


@pytest.mark.render
def test_tiny_real_render(tiny_render) -> None:
    path = tiny_render("eigen")
    srt = path.with_suffix(".srt").read_text()
    h, m, s, ms = map(int, re.findall(r"--> (\d+):(\d+):(\d+),(\d+)", srt)[-1])
    scene_seconds = 3600 * h + 60 * m + s + ms / 1000
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (256, 144)
        assert stream.duration is not None and stream.time_base is not None  # an MP4 stream has both
        duration = float(stream.duration * stream.time_base)
        frames = [f.to_ndarray(format="gray") for f in container.decode(video=0)]
    fps = SCENE_RENDER["frame_rate"]
    assert duration == pytest.approx(scene_seconds, abs=1 / fps)
    assert abs(len(frames) - scene_seconds * fps) <= 2
    assert 25 <= duration <= 60
    # it moves: the frames are far from all alike
    assert len({f.tobytes() for f in frames}) > len(frames) // 4
    assert np.abs(frames[len(frames) // 3].astype(int) - frames[-1].astype(int)).mean() > 1.0
