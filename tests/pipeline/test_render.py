"""Real (tiny) renders through mathviz.pipeline.render: files written atomically, captions, and no stale cache reuse."""

from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import pytest

from mathviz.pipeline.manifest import RenderMismatch, file_digest, load_render
from mathviz.pipeline.render import render_scene
from tests.conftest import TINY_RENDER


def _frames(path: Path, every: int = 1) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="gray") for i, f in enumerate(container.decode(video=0)) if i % every == 0]


@pytest.mark.render
@pytest.mark.system
def test_two_user_functions_give_two_videos(tmp_path: Path) -> None:
    # Manim's play-call cache hashes a function's source code; functions built from user text
    # have none, so a cached render of x**2 could be reused for x**3. We must not.
    square = render_scene("derivative", {"function": "x**2", "x0": "1"}, quality="l", out_dir=tmp_path / "a",
                          extra_config=TINY_RENDER)
    cube = render_scene("derivative", {"function": "x**3", "x0": "1"}, quality="l", out_dir=tmp_path / "b",
                        extra_config=TINY_RENDER)
    assert square.video.read_bytes() != cube.video.read_bytes()
    a, b = _frames(square.video, every=10), _frames(cube.video, every=10)
    assert any(np.abs(x.astype(int) - y.astype(int)).mean() > 1.0 for x, y in zip(a, b))

    # What was written: the video, its numbers and captions in both languages; no temporary leftovers.
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(["derivative.mp4", "derivative.json", "derivative.en.srt", "derivative.en.vtt",
                            "derivative.zh.srt", "derivative.zh.vtt"])
    assert sorted(p.name for p in square.files) == names
    numbers = json.loads((tmp_path / "a" / "derivative.json").read_text())
    assert numbers["params"]["function"] == "x**2"
    assert numbers["story"]["derivative"] == pytest.approx(2.0)

    # The JSON names the digest of the video and of each caption file it belongs with, and readers check them:
    # the cube's JSON beside the square's video is refused.
    assert set(numbers["files"]) == {".mp4", ".en.srt", ".en.vtt", ".zh.srt", ".zh.vtt"}
    assert numbers["files"][".mp4"] == file_digest(square.video)
    assert load_render(square.video) == numbers
    (tmp_path / "a" / "derivative.json").write_bytes((tmp_path / "b" / "derivative.json").read_bytes())
    with pytest.raises(RenderMismatch):
        load_render(square.video)
    (tmp_path / "a" / "derivative.json").write_text(json.dumps(numbers, indent=2, ensure_ascii=False))

    # The video is as long as the scene played, at the requested frame rate, and it moves.
    with av.open(str(square.video)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (256, 144)
        assert stream.average_rate == TINY_RENDER["frame_rate"]
        frames = [f.to_ndarray(format="gray") for f in container.decode(video=0)]
    assert abs(len(frames) - square.duration * TINY_RENDER["frame_rate"]) <= 2
    assert len({f.tobytes() for f in frames}) > len(frames) // 4

    # Caption cues cover the video, one per beat, in order.
    vtt = (tmp_path / "a" / "derivative.en.vtt").read_text()
    assert vtt.startswith("WEBVTT")
    assert vtt.count("-->") == len([c for c in square.captions if c.end > c.start])
    assert square.captions[-1].end == pytest.approx(square.duration)
