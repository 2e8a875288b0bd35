"""Audio muxing: the narration in the MP4 as AAC and in the WebM as Opus lasts as long as the video, within a frame."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from mathviz.pipeline.audio import SAMPLE_RATE, decode_track, has_audio, mux_mp4
from mathviz.pipeline.publish import encode_webm, faststart_mp4


def _silent_video(path: Path, frames: int, fps: int) -> Path:
    """A small H.264 MP4 of ``frames`` frames at ``fps``, each a different shade (no audio)."""
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 64, 36, "yuv420p"
        for i in range(frames):
            image = np.full((36, 64, 3), (i * 7) % 255, np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def _video_seconds(path: Path) -> float:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.average_rate is not None
        return sum(1 for _ in container.decode(stream)) / float(stream.average_rate)


# 137 frames at 60 fps are 109,600 samples, 32 past a whole AAC frame: unrounded, the MP4 would decode 992 samples
# (20.7 ms, more than a frame) too long.
@pytest.mark.parametrize("fps, frames", [(60, 137), (30, 61), (15, 40)])
def test_narration_lasts_as_long_as_the_video_within_a_frame(tmp_path: Path, fps: int, frames: int) -> None:
    video = _silent_video(tmp_path / "silent.mp4", frames, fps)
    assert not has_audio(video)
    seconds = frames / fps
    t = np.arange(int(round(seconds * SAMPLE_RATE))) / SAMPLE_RATE
    track = (0.3 * np.sin(2 * np.pi * 440 * t) * (t < seconds - 0.4)).astype(np.float32)  # ends on silence
    narrated = tmp_path / "narrated.mp4"
    assert mux_mp4(video, track, narrated) == frames
    with av.open(str(narrated)) as container:
        assert [s.codec_context.name for s in container.streams] == ["h264", "aac"]
    assert _video_seconds(narrated) == pytest.approx(seconds)
    for path in (narrated, encode_webm(narrated, tmp_path / "narrated.webm").path,
                 faststart_mp4(narrated, tmp_path / "copy.mp4").path):
        decoded = decode_track(path)
        assert abs(len(decoded) / SAMPLE_RATE - seconds) <= 1 / fps, path.name
        # The tone is where it was: loud in the middle, silent in the last 0.3 s.
        middle = decoded[len(decoded) // 2 - 2400:len(decoded) // 2 + 2400]
        assert np.sqrt(np.mean(middle ** 2)) == pytest.approx(0.3 / np.sqrt(2), rel=0.1)
        assert np.abs(decoded[-int(0.3 * SAMPLE_RATE):]).max() < 0.02
