"""Rendering on Dask: a video's chunks and whole renders on a two-process LocalCluster, checked against local renders."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from mathviz.pipeline.cli import cli
from mathviz.pipeline.distributed import RenderRequest, render_requests_on_cluster
from mathviz.pipeline.render import render_scene
from tests.conftest import TINY_RENDER
from tests.pipeline.test_chunks import decoded_frames, video_packets


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a LocalCluster with two single-threaded worker processes (as `dask worker --nthreads 1`)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster:
        yield cluster.scheduler_address


@pytest.mark.render
@pytest.mark.system
def test_chunks_on_a_cluster_match_a_local_render_frame_for_frame(tmp_path: Path, scheduler: str) -> None:
    local = render_scene("derivative", {"x0": "1"}, quality="l", out_dir=tmp_path / "local", extra_config=TINY_RENDER,
                         jobs=1)
    remote = render_scene("derivative", {"x0": "1"}, quality="l", out_dir=tmp_path / "dask", extra_config=TINY_RENDER,
                          scheduler=scheduler)  # jobs=None: one chunk per worker thread, so two
    frames_local, frames_remote = decoded_frames(local.video), decoded_frames(remote.video)
    assert len(frames_local) == len(frames_remote) > 0
    assert all(np.array_equal(a, b) for a, b in zip(frames_local, frames_remote))
    assert video_packets(local.video) == video_packets(remote.video)
    assert json.loads((tmp_path / "local" / "derivative.json").read_text()) == \
        json.loads((tmp_path / "dask" / "derivative.json").read_text())
    # Written here, atomically, as a local render: the same files and no work folder left behind.
    assert sorted(p.name for p in (tmp_path / "dask").iterdir()) == sorted(p.name for p in (tmp_path / "local").iterdir())


@pytest.mark.render
@pytest.mark.system
def test_several_render_files_render_whole_on_the_cluster(tmp_path: Path, scheduler: str) -> None:
    requests = [RenderRequest("relu", {}, "relu", "l", "en", extra_config=TINY_RENDER),
                RenderRequest("derivative", {"x0": "1"}, "derivative--one", "l", "en", extra_config=TINY_RENDER)]
    out = tmp_path / "out"
    seen: list[str] = []
    written = render_requests_on_cluster(scheduler, requests, out, on_done=lambda request, files: seen.append(request.name))
    assert sorted(seen) == ["derivative--one", "relu"]
    for request, files in zip(requests, written):
        assert files[-1] == out / f"{request.name}.mp4"  # the video last: Make's target appears when the rest exists
        numbers = json.loads((out / f"{request.name}.json").read_text())
        assert numbers["scene"] == request.scene
        assert len(decoded_frames(files[-1])) == int(round(numbers["duration"] * TINY_RENDER["frame_rate"]))
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_an_unreachable_scheduler_is_one_error_line(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("mathviz.pipeline.distributed.CONNECT_TIMEOUT", 2)
    result = CliRunner().invoke(cli, ["render", "relu", "-q", "l", "--out", str(tmp_path), "--scheduler",
                                      "tcp://127.0.0.1:9"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --scheduler: cannot reach a Dask scheduler at tcp://127.0.0.1:9")
    assert list(tmp_path.iterdir()) == []
