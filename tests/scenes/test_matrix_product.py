"""The matrix_product scene draws its story: pictures read back through each still plane.

Each parameter set is built once under Manim's dry_run with the frame-quality
guard attached (2 frames a second; the guard also samples inside every
animation). What each plane showed at the end of each step (the scene's
``snapshots``: scene points of the F's corners, the arrows and the grid) is
read back with ``plane.p2c`` and compared with the matrices applied here with
numpy's ``@`` to the original F, basis and grid.
"""

from __future__ import annotations

import numpy as np
import pytest

from mathviz.stories import determinant as linalg
from mathviz.stories.matrix_product import F_SHAPE
from mathviz_scenes.components import style
from mathviz_scenes.components.look import Look
from mathviz_scenes.components.plane import MIN_ARROW_LENGTH
from tests.conftest import build_checked, dry_run_scene
from tests.scenes import linalg_looks

#: Parameters that push this scene's layout to its limits; tests/pipeline/test_check.py runs the guard on each.
STRESS: list[dict[str, str]] = [
    # large entries with decimals: both views zoom out about 4x
    {"A": "[[2.5, -1.25], [0.75, 3]]", "B": "[[1.5, 1], [-1, 2]]"},
    # a commuting pair, B singular with a zero column: the plane collapses onto a line and i-hat onto
    # the origin (its arrow and label vanish), AB = BA
    {"A": "[[2, 0], [0, 2]]", "B": "[[0, 2], [0, 4]]"},
    # the widest numbers (3 decimals, negative), B a mirror, A nearly singular
    {"A": "[[-0.333, 1.5], [-2.25, 0.125]]", "B": "[[1, 0], [0, -1]]"},
]
#: Keys `mathviz numbers matrix_product` must print (tests/pipeline/test_cli.py).
STORY_KEYS = {"a", "b", "ab", "ba", "commute", "commutator", "entries", "then_a", "one_go"}

CASES = {
    "default": {},
    "commuting-singular": STRESS[1],
    "mirror-decimals": STRESS[2],
}
FPS = 2


@pytest.fixture(scope="module", params=list(CASES), ids=list(CASES))
def built(request, tmp_path_factory):
    """(scene, findings of the frame-quality guard) for one parameter set."""
    return build_checked("matrix_product", CASES[request.param], media_dir=tmp_path_factory.mktemp("media"),
                         frame_rate=FPS)


def plane_xy(plane, points) -> np.ndarray:
    return np.array([plane.p2c(p) for p in np.atleast_2d(points)], dtype=float)[:, :2]


def tol(scene) -> float:
    # coordinates go through the plane's affine map: rounding grows with the zoom
    return 1e-9 * max(scene.story.view.fit, scene.story.order_view.fit) * 10


def check_snapshot(scene, name: str, m: np.ndarray) -> None:
    """What the plane showed at ``name`` is ``m`` applied to the F, to i-hat and j-hat and to the grid."""
    snap = scene.snapshots[name]
    plane, atol = snap["plane"], tol(scene)
    np.testing.assert_allclose(plane_xy(plane, snap["shape"]), F_SHAPE @ m.T, atol=atol)
    for k, (start, end, opacity) in enumerate(snap["arrows"]):
        column = m[:, k]
        if np.linalg.norm(column) * plane.unit < MIN_ARROW_LENGTH:
            assert opacity == 0  # too short to draw: hidden, not a stray stub
            continue
        np.testing.assert_allclose(plane_xy(plane, start)[0], [0, 0], atol=atol)
        np.testing.assert_allclose(plane_xy(plane, end)[0], column, atol=atol)
    story = scene.story
    ticks = np.arange(-story.grid_extent, story.grid_extent + story.grid_step / 2, story.grid_step)
    segments = [((x, -story.grid_extent), (x, story.grid_extent)) for x in ticks]
    segments += [((-story.grid_extent, y), (story.grid_extent, y)) for y in ticks]
    for (a, b), (p, q) in zip(segments, snap["grid"]):
        np.testing.assert_allclose(plane_xy(plane, [p, q]), np.array([a, b]) @ m.T, atol=atol)
    assert len(snap["grid"]) == len(segments)


def test_frames_pass_the_quality_guard(built) -> None:
    _, findings = built
    assert findings == [], "\n".join(map(str, findings))


def test_one_caption_per_beat_in_both_languages(built) -> None:
    scene, _ = built
    assert [c.name for c in scene.captions] == ["plane", "apply-b", "apply-a", "one-go", "order", "verdict", "entries"]
    assert all(c.en and c.zh and c.end > c.start for c in scene.captions)
    verdict = scene.captions[5]
    if scene.story.commute:
        assert "commute" in verdict.en and "AB = BA" in verdict.en and "可交换" in verdict.zh
    else:
        assert "AB ≠ BA" in verdict.en and "order matters" in verdict.en
    assert "first B, then A is AB" in scene.captions[3].en
    apply_b = scene.captions[1].en
    assert ("line" in apply_b) == (scene.story.rank_b == 1) and ("origin" in apply_b) == (scene.story.rank_b == 0)
    assert 30 <= scene.renderer.time <= 60


def test_first_b_then_a_lands_where_ab_does(built) -> None:
    scene, _ = built
    s = scene.story
    a, b = s.a, s.b
    check_snapshot(scene, "after_b", b)  # B: i-hat and j-hat on B's columns
    check_snapshot(scene, "then_a", a @ b)  # A applied to what B made
    check_snapshot(scene, "one_go", a @ b)  # AB in one go, from the original plane
    # the ghost marks the two-step F, and the one-go F lands exactly on it
    plane = scene.main_plane
    ghost = plane_xy(plane, scene.ghost.get_vertices())
    np.testing.assert_allclose(ghost, s.then_a.shape, atol=tol(scene))
    np.testing.assert_allclose(plane_xy(plane, scene.snapshots["one_go"]["shape"]), ghost, atol=tol(scene))
    # the drawn F's signed area is det(AB) times the F's (a mirror flips its sign, a collapse makes it 0)
    drawn_area = linalg.shoelace_area(plane_xy(plane, scene.snapshots["one_go"]["shape"]))
    assert drawn_area == pytest.approx(np.linalg.det(a @ b) * linalg.shoelace_area(F_SHAPE), abs=tol(scene))


def test_side_by_side_pictures_match_ab_and_ba(built) -> None:
    scene, _ = built
    s = scene.story
    a, b = s.a, s.b
    check_snapshot(scene, "left_after_b", b)
    check_snapshot(scene, "right_after_a", a)
    check_snapshot(scene, "left_ab", a @ b)
    check_snapshot(scene, "right_ba", b @ a)
    left = plane_xy(scene.side_planes[0], scene.snapshots["left_ab"]["shape"])
    right = plane_xy(scene.side_planes[1], scene.snapshots["right_ba"]["shape"])
    # the two planes have one scale, and the F lands in the same place exactly when A and B commute
    assert scene.side_planes[0].unit == pytest.approx(scene.side_planes[1].unit)
    gap = float(np.abs(left - right).max())
    assert (gap <= tol(scene)) == s.commute
    # the titles show AB over the left plane and BA over the right
    assert matrix_values(scene.left_title[1]) == pytest.approx(s.ab)
    assert matrix_values(scene.right_title[1]) == pytest.approx(s.ba)
    assert scene.left_title.get_center()[0] < 0 < scene.right_title.get_center()[0]


def matrix_values(mob) -> np.ndarray:
    """The numbers a matrix mobject prints, from each cell's Typst source (``$ -1 $``)."""
    return np.array([[float(c.typst_code.strip("$ ")) for c in row] for row in mob.cells])


def test_panel_shows_b_first_then_a_and_their_product(built) -> None:
    scene, _ = built
    s = scene.story
    assert matrix_values(scene.step_b[1]) == pytest.approx(s.b, abs=5e-4)
    assert matrix_values(scene.step_a[1]) == pytest.approx(s.a, abs=5e-4)
    assert matrix_values(scene.product_mob) == pytest.approx(s.ab, abs=5e-4)
    assert scene.step_b.get_top()[1] > scene.step_a.get_top()[1]  # read top to bottom: B first
    assert (scene.zoom_label is not None) == (s.view.fit >= 1.25)


def contains(box, mob) -> bool:
    lo, hi = box.get_corner(np.array([-1, -1, 0])), box.get_corner(np.array([1, 1, 0]))
    c = mob.get_center()
    return bool(lo[0] < c[0] < hi[0] and lo[1] < c[1] < hi[1])


def test_each_entry_is_a_highlighted_row_times_column(built) -> None:
    scene, _ = built
    s = scene.story
    assert len(scene.entry_readouts) == len(scene.entry_highlights) == 4
    assert matrix_values(scene.big_ab) == pytest.approx(s.ab, abs=5e-4)
    for k, (e, readout, (row_box, column_box, entry_box)) in enumerate(
            zip(s.entries, scene.entry_readouts, scene.entry_highlights)):
        i, j = e.row - 1, e.column - 1
        # the row box holds exactly row i of A, the column box exactly column j of B
        for r in range(2):
            for c in range(2):
                assert contains(row_box, scene.big_a.cells[r][c]) == (r == i)
                assert contains(column_box, scene.big_b.cells[r][c]) == (c == j)
                assert contains(entry_box, scene.big_ab.cells[r][c]) == ((r, c) == (i, j))
        # the readout shows the two terms' factors and the entry, bound to the story
        assert readout.story_field == f"entries.{k}.value"
        assert readout.value == pytest.approx(e.value, abs=0.5 * 10.0**-s.decimals)
        assert readout.value == pytest.approx(float(s.a[i] @ s.b[:, j]), abs=0.5 * 10.0**-s.decimals)
        assert f"(A B)_({e.row}{e.column})" in readout.label.typst_code
        assert readout.label.typst_code.count("dot") == 2
    # every AB entry was revealed
    assert all(cell in scene.mobjects or any(cell in m.get_family() for m in scene.mobjects)
               for row in scene.big_ab.cells for cell in row)


def test_pictures_stay_in_their_boxes(built) -> None:
    scene, _ = built
    for name in ("after_b", "then_a", "one_go", "left_after_b", "right_after_a", "left_ab", "right_ba"):
        snap = scene.snapshots[name]
        points = np.concatenate([snap["shape"], *[np.array(pair) for pair in snap["grid"]]])
        xy = plane_xy(snap["plane"], points)
        view = np.array(snap["plane"].x_range[1]), np.array(snap["plane"].y_range[1])
        assert np.all(np.abs(xy[:, 0]) <= view[0] + 1e-6) and np.all(np.abs(xy[:, 1]) <= view[1] + 1e-6)
        assert points[:, 1].min() >= style.caption_top() - 1e-6 and points[:, 1].max() <= style.content_top()
    # the big plane stays left of the panel
    assert scene.main_plane.get_right()[0] < scene.panel.get_left()[0]


@pytest.mark.parametrize("aspect", ["9:16", "1:1"])
def test_every_part_fits_portrait_and_square_frames_all_in_chinese(aspect, tmp_path) -> None:
    # the widest numbers: three decimals, negative
    with dry_run_scene("matrix_product", STRESS[2], media_dir=tmp_path, frame_rate=1, lang="zh",
                       look=Look(theme="light", aspect=aspect)) as scene:
        scene.render()
        linalg_looks.assert_panel_clear_of_plot(scene.main_plane, scene.panel,
                                                min_plot_share=0.9 if aspect == "9:16" else 0.45)
        # AB above BA in portrait, side by side in a square; each title above its own plane
        (top, bottom) = scene.side_planes if aspect == "9:16" else (None, None)
        if top is not None:
            assert top.get_bottom()[1] >= scene.right_title.get_top()[1]
        else:
            assert scene.side_planes[0].get_right()[0] <= scene.side_planes[1].get_left()[0]
        for title, plane in ((scene.left_title, scene.side_planes[0]), (scene.right_title, scene.side_planes[1])):
            assert linalg_looks.inside_frame(title) and title.get_bottom()[1] >= plane.get_top()[1]
            assert plane.width >= 0.4 * style.frame().width
        for mob in (scene.big_a, scene.big_ab, scene.general, *scene.entry_readouts):
            assert linalg_looks.inside_frame(mob)
        assert linalg_looks.english_words(linalg_looks.texts(scene)) == set()


@pytest.mark.sweep
@pytest.mark.parametrize("aspect", ["16:9", "9:16"])
@pytest.mark.parametrize("params", STRESS, ids=["large", "commuting-singular", "mirror-decimals"])
def test_stress_cases_pass_the_guard(params, aspect, tmp_path) -> None:
    _, findings = build_checked("matrix_product", params, media_dir=tmp_path, frame_rate=2, look=Look(aspect=aspect))
    assert findings == [], "\n".join(map(str, findings))
