"""Web formats from a real (tiny) render: streaming MP4, WebM, looping GIF/WebP, poster; reproducible bytes."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import GifImagePlugin, Image, WebPImagePlugin

from mathviz.pipeline.publish import (
    FORMATS,
    LOOP_WIDTH,
    _scaled_size,
    encode_loop,
    encode_webm,
    faststart_mp4,
    key_frame_time,
    loop_window,
    mp4_is_faststart,
    output_path,
    parse_formats,
    write_poster,
)
from tests.pipeline.web_helpers import Published

pytestmark = pytest.mark.render


def _decode(path: Path) -> list[tuple[float, np.ndarray]]:
    with av.open(str(path)) as container:
        return [(float(f.time), f.to_ndarray(format="rgb24")) for f in container.decode(video=0)]


# -- no render needed ---------------------------------------------------------------------------------


def _numbers(key_beat=None):
    captions = [
        {"name": "a", "start": 0.0, "end": 3.0, "en": "", "zh": ""},
        {"name": "b", "start": 3.0, "end": 10.0, "en": "", "zh": ""},
        {"name": "c", "start": 10.0, "end": 11.5, "en": "", "zh": ""},
    ]
    return {"duration": 11.5, "key_beat": key_beat, "captions": captions}


def test_key_frame_is_the_end_of_the_key_beat_or_of_the_video() -> None:
    assert key_frame_time(_numbers("b")) == 10.0
    assert key_frame_time(_numbers(None)) == 11.5
    assert key_frame_time(_numbers("no such beat")) == 11.5


def test_loop_window_stays_inside_the_key_beat_when_it_is_long_enough() -> None:
    # Beat b runs 3..10: the last 4 s of it.
    assert loop_window(_numbers("b"), seconds=4.0) == (6.0, 10.0)
    # Beat a runs 0..3: from 0.5 s (after the caption fade) to its end.
    assert loop_window(_numbers("a"), seconds=4.0) == (0.5, 3.0)
    # Beat c is 1.5 s long; 0.5 s in would leave 1 s, still allowed.
    assert loop_window(_numbers(None), seconds=4.0) == (10.5, 11.5)


def test_formats_are_parsed_and_unknown_ones_named() -> None:
    assert parse_formats("mp4,webm") == ("mp4", "webm")
    assert parse_formats(["gif", "GIF, poster"]) == ("gif", "poster")
    assert parse_formats("default") == ("mp4", "webm", "gif", "poster")
    assert parse_formats("all") == tuple(FORMATS)
    with pytest.raises(ValueError, match="unknown format 'avi'"):
        parse_formats("mp4,avi")
    with pytest.raises(ValueError, match="no format"):
        parse_formats(" , ")
    assert output_path(Path("m/relu.mp4"), "poster") == Path("m/relu.poster.png")


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mathviz", *args], capture_output=True, text=True, timeout=120)


def test_cli_bad_input_is_one_error_line_and_status_2(tmp_path: Path) -> None:
    cases = [
        ("publish", str(tmp_path / "missing.mp4"), "--format", "webm"),
        ("publish", str(tmp_path / "missing.mp4"), "--format", "flv"),
        ("render", "derivative", "--format", "flv"),  # refused before any rendering
        ("slides", str(tmp_path / "missing.mp4")),
        ("gallery", "--media", str(tmp_path), "nothing-rendered"),
    ]
    for args in cases:
        done = _cli(*args)
        assert done.returncode == 2, (args, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (args, done.stderr)
    assert not list(tmp_path.iterdir())


# -- on the tiny render -----------------------------------------------------------------------------


def test_mp4_is_h264_yuv420p_and_streams(published: Published, tmp_path: Path) -> None:
    with av.open(str(published.video)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
    assert mp4_is_faststart(published.video)

    # The checker itself: the same packets muxed without +faststart put the index last.
    plain = tmp_path / "plain.mp4"
    with av.open(str(published.video)) as inp, av.open(str(plain), "w") as out:
        stream = out.add_stream_from_template(inp.streams.video[0])
        for packet in inp.demux(inp.streams.video[0]):
            if packet.dts is not None:
                packet.stream = stream
                out.mux(packet)
    assert not mp4_is_faststart(plain)
    # ...and remuxing it again restores streaming without changing a single frame.
    fixed = tmp_path / "fixed.mp4"
    faststart_mp4(plain, fixed)
    assert mp4_is_faststart(fixed)
    assert [f.tobytes() for _, f in _decode(fixed)] == [f.tobytes() for _, f in _decode(published.video)]


def test_webm_is_vp9_with_the_same_frames(published: Published) -> None:
    webm = output_path(published.video, "webm")
    with av.open(str(webm)) as container:
        stream = container.streams.video[0]
        assert container.format.name.startswith("matroska")
        assert stream.codec_context.name == "vp9"
        assert (stream.codec_context.width, stream.codec_context.height) == (256, 144)
    original, vp9 = _decode(published.video), _decode(webm)
    assert len(vp9) == len(original)
    assert [t for t, _ in vp9] == pytest.approx([t for t, _ in original], abs=1e-3)
    # Lossy but close: each WebM frame is nearer its own MP4 frame than the MP4 frames are to each other on average.
    errors = [np.abs(a.astype(int) - b.astype(int)).mean() for (_, a), (_, b) in zip(original, vp9)]
    changes = [np.abs(a.astype(int) - b.astype(int)).mean() for (_, a), (_, b) in zip(original, original[10:])]
    assert max(errors) < 4.0
    assert np.mean(errors) < np.mean(changes)


def test_poster_is_the_key_frame(published: Published) -> None:
    poster = np.asarray(Image.open(output_path(published.video, "poster")).convert("RGB"))
    key = key_frame_time(published.numbers)
    # The picture on screen at the key time: the last frame that starts before it.
    expected = [f for t, f in _decode(published.video) if t < key - 1e-6][-1]
    assert poster.shape == expected.shape == (144, 256, 3)
    assert np.array_equal(poster, expected)


def test_gif_loops_a_few_seconds_ending_at_the_key_frame(published: Published) -> None:
    gif = Image.open(output_path(published.video, "gif"))
    assert isinstance(gif, GifImagePlugin.GifImageFile) and gif.info.get("loop") == 0
    assert gif.width <= LOOP_WIDTH
    durations, frames = [], []
    for i in range(gif.n_frames):
        gif.seek(i)
        durations.append(gif.info["duration"])
        frames.append(np.asarray(gif.convert("RGB")).astype(int))
    start, end = loop_window(published.numbers)
    fps = 5  # the tiny render's frame rate: the loop never runs faster than its source
    assert sum(durations) == pytest.approx((end - start) * 1000, abs=1000 / fps + 1)
    assert all(d == 1000 // fps for d in durations)
    # The last GIF frame shows the poster (up to the 256-colour palette).
    poster = np.asarray(Image.open(output_path(published.video, "poster")).convert("RGB")).astype(int)
    assert np.abs(frames[-1] - poster).mean() < 8.0


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920), (1080, 1080), (854, 480), (480, 854), (256, 144)])
def test_a_loop_fits_a_square_of_the_loop_width_keeping_its_shape(size: tuple[int, int]) -> None:
    width, height = _scaled_size(*size, LOOP_WIDTH)
    assert max(width, height) == min(LOOP_WIDTH, max(size))  # a portrait loop is as tall as a landscape one is wide
    assert width / height == pytest.approx(size[0] / size[1], rel=0.01)
    assert (width, height) == size or (width % 2, height % 2) == (0, 0)


def test_animated_webp_loops(published: Published) -> None:
    webp = Image.open(output_path(published.video, "webp"))
    assert isinstance(webp, WebPImagePlugin.WebPImageFile) and webp.info.get("loop") == 0
    assert webp.width <= LOOP_WIDTH and getattr(webp, "is_animated", False)
    total = 0
    for i in range(webp.n_frames):  # libwebp merges repeated frames into longer ones; the total is what counts
        webp.seek(i)
        webp.load()
        total += webp.info["duration"]
    start, end = loop_window(published.numbers)
    assert total == pytest.approx((end - start) * 1000, abs=1000 / 5 + 1)


def test_encodes_are_byte_identical_run_to_run(published: Published, tmp_path: Path) -> None:
    video = published.video
    for make in (
        lambda dst: encode_webm(video, dst),
        lambda dst: encode_loop(video, dst, *loop_window(published.numbers), kind="gif"),
        lambda dst: write_poster(video, dst, key_frame_time(published.numbers)),
        lambda dst: faststart_mp4(video, dst),
    ):
        first, second = tmp_path / "a", tmp_path / "b"
        make(first)
        make(second)
        assert first.read_bytes() == second.read_bytes()
    assert (tmp_path / "a").read_bytes() == video.read_bytes()  # faststart is a no-op on a streaming MP4


def test_loop_at_most_480_pixels_wide_from_a_wider_source(tmp_path: Path) -> None:
    # A 960x540 synthetic video: the loop is scaled to 480x270 and its frames follow the source.
    src = tmp_path / "wide.mp4"
    with av.open(str(src), "w") as out:
        stream = out.add_stream("libx264", rate=20)
        stream.width, stream.height, stream.pix_fmt = 960, 540, "yuv420p"
        for i in range(40):
            image = np.zeros((540, 960, 3), np.uint8)
            image[:, : (i + 1) * 24] = 255  # a white bar growing left to right
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, 20)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    result = encode_loop(src, tmp_path / "wide.gif", 0.0, 2.0, kind="gif", fps=10)
    gif = Image.open(result.path)
    assert isinstance(gif, GifImagePlugin.GifImageFile)
    assert gif.size == (480, 270) and gif.n_frames == 20 == result.frames
    widths = []
    for i in range(gif.n_frames):
        gif.seek(i)
        row = np.asarray(gif.convert("L"))[135]
        widths.append(int((row > 128).sum()))
    # Frame k of the GIF is source frame 2k: a bar (2k + 1) * 24 px wide at 960, half that at 480.
    assert widths == pytest.approx([(2 * k + 1) * 12 for k in range(20)], abs=2)
