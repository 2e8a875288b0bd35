"""One video on several processes: chunk planning, the default job count, and a chunked render frame-identical to one process.

The real renders are tiny (tests.conftest.TINY_RENDER); the storyboard is
checked against the same reference video as the chunked render, so the suite
renders the reference once.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Container
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from mathviz.pipeline.chunks import FAST_FORWARD_COST, FROZEN_FRAME_COST, Plan, default_jobs, split_plays
from mathviz.pipeline.render import render_scene
from mathviz.pipeline.storyboard import make_storyboard
from tests.conftest import TINY_RENDER

# -- planning -------------------------------------------------------------------------------------


def _plan(frames: list[int], frozen: Container[int] = frozenset()) -> Plan:
    plays = tuple((f / 60, i in frozen, f) for i, f in enumerate(frames))
    return Plan(plays=plays, duration=sum(frames) / 60, frame_rate=60.0)


def _cost(plan: Plan, first: int, stop: int) -> float:
    skip = sum(0.0 if frozen else frames * FAST_FORWARD_COST for _, frozen, frames in plan.plays[:first])
    draw = sum(frames * (FROZEN_FRAME_COST if frozen else 1.0) for _, frozen, frames in plan.plays[first:stop])
    return skip + draw


def _brute_force_best(plan: Plan, jobs: int) -> float:
    n = len(plan.plays)
    best = float("inf")
    for k in range(1, min(jobs, n) + 1):
        for cuts in itertools.combinations(range(1, n), k - 1):
            bounds = (0, *cuts, n)
            best = min(best, max(_cost(plan, a, b) for a, b in zip(bounds, bounds[1:])))
    return best


@pytest.mark.parametrize("frames, frozen, jobs", [
    ([30, 30, 30, 30], set(), 2),
    ([120, 6, 6, 6, 6, 120], {2}, 2),
    ([10, 200, 10, 10, 300, 20, 20], {0, 3}, 3),
    ([50] * 9, set(), 4),
    ([5, 5], set(), 8),
    ([400], set(), 2),
])
def test_split_is_contiguous_and_as_balanced_as_any_split(frames: list[int], frozen: set[int], jobs: int) -> None:
    plan = _plan(frames, frozen)
    chunks = split_plays(plan, jobs)
    assert chunks[0][0] == 0 and chunks[-1][1] == len(frames)
    assert all(a < b for a, b in chunks) and all(b == c for (_, b), (c, _) in zip(chunks, chunks[1:]))
    assert len(chunks) <= jobs
    worst = max(_cost(plan, a, b) for a, b in chunks)
    assert worst == pytest.approx(_brute_force_best(plan, jobs), rel=1e-6)


def test_split_from_a_later_play_covers_only_the_rest() -> None:
    plan = _plan([40, 40, 40, 40, 40, 40])
    chunks = split_plays(plan, 2, start=2)
    assert chunks[0][0] == 2 and chunks[-1][1] == 6 and len(chunks) == 2
    assert split_plays(plan, 3, start=6) == []


@pytest.mark.parametrize("makeflags, cores, expected", [
    ("", 4, 4),
    (" -j2 --jobserver-auth=3,4", 4, 2),
    ("-j4 --jobserver-auth=fifo:/tmp/x", 2, 1),
    ("k -j3", 8, 2),
    (" -j --jobserver-auth=3,4", 4, 1),
    ("--jobs=2", 2, 1),
    ("-j1", 2, 2),
    ("w", 3, 3),
])
def test_default_jobs_shares_the_cores_with_make(monkeypatch, makeflags: str, cores: int, expected: int) -> None:
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    assert default_jobs({"MAKEFLAGS": makeflags}) == expected


def test_mathviz_jobs_overrides_the_default() -> None:
    assert default_jobs({"MATHVIZ_JOBS": "3", "MAKEFLAGS": "-j8"}) == 3
    assert default_jobs({"MATHVIZ_JOBS": "zero", "MAKEFLAGS": "-j1"}) >= 1


# -- real renders ---------------------------------------------------------------------------------


def decoded_frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def video_packets(path: Path) -> list[tuple[bytes, bool]]:
    with av.open(str(path)) as container:
        return [(bytes(p), bool(p.is_keyframe)) for p in container.demux(video=0) if p.dts is not None]


@pytest.mark.render
@pytest.mark.system
def test_two_jobs_give_the_same_frames_captions_and_times_and_the_storyboard_the_beat_ends(tmp_path: Path) -> None:
    one = render_scene("derivative", quality="l", out_dir=tmp_path / "one", extra_config=TINY_RENDER, jobs=1)
    two = render_scene("derivative", quality="l", out_dir=tmp_path / "two", extra_config=TINY_RENDER, jobs=2)

    # Every frame identical, and the packets too: the chunks were joined by copying, key frames where one process has them.
    frames_one, frames_two = decoded_frames(one.video), decoded_frames(two.video)
    assert len(frames_one) == len(frames_two) == int(round(one.duration * TINY_RENDER["frame_rate"]))
    assert all(np.array_equal(a, b) for a, b in zip(frames_one, frames_two))
    assert video_packets(one.video) == video_packets(two.video)
    # The frames move, so equality above is not two blank videos agreeing.
    assert len({f.tobytes() for f in frames_one}) > len(frames_one) // 4

    # Captions, section times and the sidecars agree to the last digit; nothing else was left behind.
    assert [(c.name, c.start, c.end) for c in one.captions] == [(c.name, c.start, c.end) for c in two.captions]
    json_one = json.loads((tmp_path / "one" / "derivative.json").read_text())
    json_two = json.loads((tmp_path / "two" / "derivative.json").read_text())
    assert json_one == json_two
    for ext in ("en.srt", "en.vtt", "zh.srt", "zh.vtt"):
        assert (tmp_path / "one" / f"derivative.{ext}").read_text() == (tmp_path / "two" / f"derivative.{ext}").read_text()
    assert sorted(p.name for p in (tmp_path / "two").iterdir()) == sorted(p.name for p in (tmp_path / "one").iterdir())

    # The storyboard's stills are the video's settled beat ends: each still is closest to its own beat's last
    # frame (H.264 loses a little, so "equal" is a small mean difference), and far from the other beats'.
    board = make_storyboard("derivative", out_dir=tmp_path / "board", extra_config=TINY_RENDER)
    captions = json_one["captions"]
    assert [p.name for p in board.stills] == [f"{i + 1:02d}-{c['name']}.png" for i, c in enumerate(captions)]
    fps = TINY_RENDER["frame_rate"]
    ends = [frames_one[min(int(round(c["end"] * fps)), len(frames_one) - 1)].astype(float) for c in captions]
    for i, still_path in enumerate(board.stills):
        still = np.asarray(Image.open(still_path).convert("RGB"), dtype=float)
        assert still.shape == ends[i].shape
        differences = [np.abs(still - end).mean() for end in ends]
        assert differences[i] < 2.0, f"beat {i}: still differs from the video's beat end by {differences[i]:.2f}"
        assert differences[i] == min(differences)
    sheet = Image.open(board.sheet)
    assert sheet.width > 3 * TINY_RENDER["pixel_width"] and sheet.height > TINY_RENDER["pixel_height"]
    listing = json.loads((tmp_path / "board" / "derivative" / "storyboard.json").read_text())
    assert [b["name"] for b in listing["beats"]] == [c["name"] for c in captions]
    assert [b["end"] for b in listing["beats"]] == [c["end"] for c in captions]



@pytest.mark.parametrize("scene, splits", [("derivative", True), ("entropy_kl", True), ("gradient_descent", False),
                                           ("tangent_plane_hessian", False)])
def test_only_scenes_proven_frame_identical_in_chunks_are_split(scene: str, splits: bool) -> None:
    from mathviz.pipeline import registry
    from mathviz.pipeline.chunks import can_split

    assert can_split(registry.get(scene).scene_class()) is splits
