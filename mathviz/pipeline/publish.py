"""Web formats made from a finished render: streaming MP4, WebM, a small looping GIF/WebP and a poster PNG.

Everything is encoded with PyAV (its wheels carry x264, VP9, GIF and WebP
encoders), never with a system ``ffmpeg``. Each output is derived from the
render's MP4 and its ``.json`` sidecar (written by :mod:`mathviz.pipeline.render`), so
nothing here re-renders a scene, and each file is written to a temporary name
and renamed into place, so an interrupted encode leaves the previous complete
file or none.

Speeds and choices, measured on 2 cores at 1080p60:

* MP4: Manim's concatenated movie is already H.264 yuv420p; it only needs its
  ``moov`` index moved in front of the media data (``+faststart``) so a browser
  can start playing before the whole file has arrived. A remux, no re-encode
  (a narration's AAC track is copied along).
* WebM: VP9 with ``deadline=realtime, cpu-used=8, row-mt=1``. Manim's own VP9
  options (good quality, default speed) encode roughly 9 frames/s; these about
  8x faster, and at a constant quality (``crf``) the flat colours of these
  videos stay small. A narrated render's audio goes in as Opus
  (:mod:`mathviz.pipeline.audio`).
* GIF/WebP: a few seconds around the scene's key frame at 480 pixels on its
  longer side or less (480 wide for 16:9, 480 tall for a portrait video), never
  the whole video: a GIF palette needs every frame in memory (Manim's own GIF
  path peaks at 3.6 GB for 5 s at 1080p).
* Poster: the key frame as PNG.

Files are byte-identical run to run: muxers run with ``fflags=+bitexact``
(Matroska otherwise writes random track UIDs, and MP4/WebM a library version).

Manim is never imported here.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from mathviz.pipeline.atomic import atomic_output
from mathviz.pipeline.audio import add_track, decode_track, encode_track, interleave
from mathviz.pipeline.manifest import load_render

__all__ = [
    "FORMATS",
    "DEFAULT_FORMATS",
    "EncodeResult",
    "output_path",
    "parse_formats",
    "key_frame_time",
    "loop_window",
    "faststart_mp4",
    "encode_webm",
    "encode_loop",
    "write_poster",
    "publish",
    "mp4_is_faststart",
]

#: Every format ``mathviz publish``/``render --format`` knows, and the file suffix each writes.
FORMATS: dict[str, str] = {
    "mp4": ".mp4",
    "webm": ".webm",
    "gif": ".gif",
    "webp": ".webp",
    "poster": ".poster.png",
}
#: What ``make render`` produces for every render.
DEFAULT_FORMATS: tuple[str, ...] = ("mp4", "webm", "gif", "poster")

#: Muxer options that make output files reproducible (no random UIDs, no library version strings).
_BITEXACT = {"fflags": "+bitexact"}

#: VP9 settings: realtime speed, constant quality (b=0). At crf 40 text and thin lines at 1080p
#: look the same as in the H.264 original, moving or still; crf 34 was 28% larger for no visible gain.
WEBM_OPTIONS = {"deadline": "realtime", "cpu-used": "8", "row-mt": "1", "crf": "40", "b": "0"}

#: Loop (GIF/WebP) defaults: small enough for a README or a chat message.
LOOP_SECONDS = 4.0
LOOP_WIDTH = 480
LOOP_FPS = 10  # GIF delays are in 1/100 s: 10 fps is exact, 12 or 15 fps would jitter


@dataclass(frozen=True)
class EncodeResult:
    """One file written: its path, how many frames were encoded, how long it took."""

    format: str
    path: Path
    frames: int
    seconds: float

    @property
    def frames_per_second(self) -> float:
        return self.frames / self.seconds if self.seconds > 0 else float("inf")


def seconds(pts: int | None, time_base: Fraction | None) -> float:
    """A packet's or frame's time in seconds. Everything our renders hold is timed, so a missing
    time stamp is a broken file, reported as such rather than as an arithmetic error.
    """
    if pts is None or time_base is None:
        raise ValueError("a packet or frame without a time stamp: the video is damaged")
    return float(pts * time_base)


def output_path(video: Path, fmt: str) -> Path:
    """``media/1080p60/relu.mp4``, ``"poster"`` -> ``media/1080p60/relu.poster.png``."""
    return video.with_name(video.stem + FORMATS[fmt])


def parse_formats(text: str | Iterable[str]) -> tuple[str, ...]:
    """``"mp4,webm"`` (or a list of such pieces) -> ``("mp4", "webm")``; ``"all"`` is every format.

    Raises ValueError naming the unknown format and the known ones.
    """
    pieces = [text] if isinstance(text, str) else list(text)
    chosen: list[str] = []
    for piece in pieces:
        for name in (p.strip().lower() for p in piece.split(",")):
            if not name:
                continue
            if name == "all":
                names = list(FORMATS)
            elif name == "default":
                names = list(DEFAULT_FORMATS)
            elif name in FORMATS:
                names = [name]
            else:
                raise ValueError(f"unknown format {name!r} (known: {', '.join(FORMATS)}, default, all)")
            chosen += [n for n in names if n not in chosen]
    if not chosen:
        raise ValueError(f"no format given (known: {', '.join(FORMATS)}, default, all)")
    return tuple(chosen)


# -- where the key frame is ---------------------------------------------------------------------


def _numbers(video: Path) -> dict:
    """The render's ``.json`` sidecar (parameters, story, captions with timings), checked to belong to ``video``."""
    return load_render(video)


def key_frame_time(numbers: dict) -> float:
    """Seconds into the video of the scene's key frame: the end of its key beat.

    The scene names its key beat (``ExplainerScene.key_beat``, recorded as
    ``key_beat`` in the render's JSON); without one it is the last beat, whose
    end is the finished picture of the explainer.
    """
    captions = numbers.get("captions") or []
    duration = float(numbers["duration"])
    wanted = numbers.get("key_beat")
    for caption in captions:
        if caption["name"] == wanted:
            return min(float(caption["end"]), duration)
    return duration


def loop_window(numbers: dict, seconds: float = LOOP_SECONDS) -> tuple[float, float]:
    """``(start, end)`` of the looping clip: the last ``seconds`` of the key beat, ending at the key frame.

    Starts no earlier than the key beat's start (plus its caption fade), so the
    loop shows one idea and its caption does not change mid-loop.
    """
    end = key_frame_time(numbers)
    beat_start = 0.0
    for caption in numbers.get("captions") or []:
        if caption["start"] < end - 1e-9:
            beat_start = float(caption["start"])
    start = max(beat_start + 0.5, end - seconds, 0.0)
    if end - start < 1.0:  # a very short key beat: take the seconds before it too
        start = max(0.0, end - seconds)
    return start, end


# -- small helpers ---------------------------------------------------------------------------------


def _frames_between(container: av.container.InputContainer, start: float, end: float) -> Iterator[tuple[float, av.VideoFrame]]:
    """Decoded frames whose time ``t`` satisfies ``start - half a frame <= t < end``, with ``t``."""
    stream = container.streams.video[0]
    rate = float(stream.average_rate or 30)
    slack = 0.5 / rate
    if start > 1.0:
        # Seek to the keyframe at or before start; decode forward from there.
        container.seek(int((start - 1.0) / seconds(1, stream.time_base)), stream=stream, backward=True)
    for frame in container.decode(stream):
        t = seconds(frame.pts, stream.time_base)
        if t < start - slack:
            continue
        if t >= end - 1e-9:
            break
        yield t, frame


def mp4_is_faststart(path: Path) -> bool:
    """Whether the MP4's ``moov`` box comes before its ``mdat`` box (so it streams)."""
    with open(path, "rb") as handle:
        offset = 0
        size_total = os.fstat(handle.fileno()).st_size
        while offset < size_total:
            handle.seek(offset)
            header = handle.read(16)
            if len(header) < 8:
                return False
            size = int.from_bytes(header[:4], "big")
            kind = header[4:8]
            if size == 1:
                size = int.from_bytes(header[8:16], "big")
            elif size == 0:
                size = size_total - offset
            if kind == b"moov":
                return True
            if kind == b"mdat":
                return False
            offset += max(size, 8)
    return False


# -- encoders --------------------------------------------------------------------------------------


def faststart_mp4(src: Path, dst: Path) -> EncodeResult:
    """Remux ``src`` (H.264, and AAC if narrated) into ``dst`` with the index at the front (``+faststart``).

    No re-encode. ``src`` and ``dst`` may be the same path. Counts video packets.
    """
    started = time.perf_counter()

    def write(tmp: Path) -> int:
        count = 0
        with av.open(str(src)) as inp:
            in_streams = [inp.streams.video[0], *inp.streams.audio[:1]]
            with av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart", **_BITEXACT}) as out:
                out_streams = {s.index: out.add_stream_from_template(s) for s in in_streams}
                for packet in inp.demux(*in_streams):
                    if packet.dts is None:  # the flushing packet demux yields at the end
                        continue
                    count += packet.stream.type == "video"
                    packet.stream = out_streams[packet.stream.index]
                    out.mux(packet)
        return count

    frames = atomic_output(Path(dst), write)
    return EncodeResult("mp4", Path(dst), frames, time.perf_counter() - started)


def encode_webm(src: Path, dst: Path, options: dict[str, str] | None = None) -> EncodeResult:
    """Encode ``src`` to VP9 in WebM at realtime speed (see :data:`WEBM_OPTIONS`); its audio, if any, as Opus."""
    started = time.perf_counter()
    track = decode_track(src)

    def write(tmp: Path) -> int:
        count = 0
        with av.open(str(src)) as inp:
            in_stream = inp.streams.video[0]
            rate = in_stream.average_rate
            with av.open(str(tmp), "w", format="webm", options=dict(_BITEXACT)) as out:
                stream = out.add_stream("libvpx-vp9", rate=rate, options={**WEBM_OPTIONS, **(options or {})})
                stream.width = in_stream.codec_context.width
                stream.height = in_stream.codec_context.height
                stream.pix_fmt = "yuv420p"
                stream.codec_context.thread_count = os.cpu_count() or 2
                if rate is None:
                    raise ValueError(f"{src}: the video has no frame rate")
                stream.codec_context.time_base = Fraction(1, int(rate)) if rate.denominator == 1 else Fraction(1) / rate
                # The whole (small) audio track is encoded first: the WebM header needs Opus's setup.
                audio_packets = encode_track(add_track(out, "libopus"), track) if len(track) else []

                def video_packets() -> Iterator[av.Packet]:
                    nonlocal count
                    for frame in inp.decode(in_stream):
                        if frame.format.name != "yuv420p":
                            frame = frame.reformat(format="yuv420p")
                        frame.pts = count
                        frame.time_base = stream.codec_context.time_base
                        yield from stream.encode(frame)
                        count += 1
                    yield from stream.encode(None)

                for packet in interleave(video_packets(), audio_packets):
                    out.mux(packet)
        return count

    frames = atomic_output(Path(dst), write)
    return EncodeResult("webm", Path(dst), frames, time.perf_counter() - started)


def _scaled_size(width: int, height: int, max_side: int) -> tuple[int, int]:
    """``width`` x ``height`` scaled down so that neither side exceeds ``max_side`` (a portrait loop is as
    tall as a landscape one is wide, so it is no heavier); sides other than ``max_side`` are made even.
    """
    if max(width, height) <= max_side:
        return width, height
    scale = max_side / max(width, height)

    def even(side: int) -> int:  # even sizes keep every encoder happy
        return max(2, int(round(side * scale / 2)) * 2)

    return (max_side, even(height)) if width >= height else (even(width), max_side)


def encode_loop(src: Path, dst: Path, start: float, end: float, *, kind: str = "gif",
                width: int = LOOP_WIDTH, fps: int = LOOP_FPS) -> EncodeResult:
    """A looping clip of ``src`` from ``start`` to ``end`` seconds, at most ``width`` pixels on its longer side,
    as GIF or WebP.

    Frames are taken every ``1/fps`` s (the nearest decoded frame at or after
    each tick). A GIF gets one palette for the whole clip (``palettegen`` then
    ``paletteuse``, so colours do not flicker between frames); an animated
    WebP is lossy at quality 80.
    """
    if kind not in ("gif", "webp"):
        raise ValueError(f"loop kind must be gif or webp, not {kind!r}")
    if not end > start:
        raise ValueError(f"empty loop window {start}..{end}")
    started = time.perf_counter()
    with av.open(str(src)) as probe:
        # Never more frames per second than the source has, or the clip would play too fast.
        fps = min(fps, max(1, int(float(probe.streams.video[0].average_rate or fps))))

    def picked(inp: av.container.InputContainer) -> Iterator[av.VideoFrame]:
        in_stream = inp.streams.video[0]
        w, h = _scaled_size(in_stream.codec_context.width, in_stream.codec_context.height, width)
        tick = 0
        for t, frame in _frames_between(inp, start, end):
            if t + 1e-6 < start + tick / fps:
                continue
            while start + (tick + 1) / fps <= t + 1e-6:  # a source slower than fps: skip missed ticks
                tick += 1
            tick += 1
            yield frame.reformat(width=w, height=h, format="rgb24", interpolation="AREA")

    def write_gif(tmp: Path) -> int:
        with av.open(str(src)) as inp:
            frames = list(picked(inp))
        if not frames:
            raise ValueError(f"no frames in {src} between {start:.2f} s and {end:.2f} s")
        graph = av.filter.Graph()
        # PyAV's stub wants a VideoFormat; its C code takes the format's name as well.
        buffer = graph.add_buffer(width=frames[0].width, height=frames[0].height,
                                  format="rgb24", time_base=Fraction(1, fps))  # type: ignore[arg-type]
        split = graph.add("split")
        palettegen = graph.add("palettegen", "stats_mode=full")
        paletteuse = graph.add("paletteuse", "dither=bayer:bayer_scale=4")
        sink = graph.add("buffersink")
        buffer.link_to(split)
        split.link_to(palettegen, 0, 0)
        split.link_to(paletteuse, 1, 0)
        palettegen.link_to(paletteuse, 0, 1)
        paletteuse.link_to(sink)
        graph.configure()
        for i, frame in enumerate(frames):
            frame.pts = i
            frame.time_base = Fraction(1, fps)
            graph.push(frame)
        graph.push(None)
        count = 0
        with av.open(str(tmp), "w", format="gif", options={"loop": "0", **_BITEXACT}) as out:
            stream = out.add_stream("gif", rate=fps)
            stream.width, stream.height = frames[0].width, frames[0].height
            stream.pix_fmt = "pal8"
            while True:
                try:
                    paletted = graph.pull()
                except (av.error.EOFError, av.error.BlockingIOError):
                    break
                assert isinstance(paletted, av.VideoFrame)  # a video-only graph
                paletted.pts = count
                paletted.time_base = Fraction(1, fps)
                out.mux(stream.encode(paletted))
                count += 1
            out.mux(stream.encode(None))
        return count

    def write_webp(tmp: Path) -> int:
        count = 0
        with av.open(str(src)) as inp, av.open(str(tmp), "w", format="webp", options={"loop": "0", **_BITEXACT}) as out:
            stream = None
            for frame in picked(inp):
                if stream is None:
                    stream = out.add_stream("libwebp_anim", rate=fps, options={"quality": "80", "lossless": "0"})
                    stream.width, stream.height = frame.width, frame.height
                    stream.pix_fmt = "yuv420p"
                    stream.codec_context.time_base = Fraction(1, fps)
                frame = frame.reformat(format="yuv420p")
                frame.pts = count
                frame.time_base = Fraction(1, fps)
                out.mux(stream.encode(frame))
                count += 1
            if stream is None:
                raise ValueError(f"no frames in {src} between {start:.2f} s and {end:.2f} s")
            out.mux(stream.encode(None))
        return count

    frames = atomic_output(Path(dst), write_gif if kind == "gif" else write_webp)
    return EncodeResult(kind, Path(dst), frames, time.perf_counter() - started)


def write_poster(src: Path, dst: Path, at: float) -> EncodeResult:
    """The frame showing at ``at`` seconds (the last frame that starts before it) as PNG."""
    started = time.perf_counter()

    def write(tmp: Path) -> int:
        with av.open(str(src)) as inp:
            stream = inp.streams.video[0]
            frame_time = 1.0 / float(stream.average_rate or 30)
            chosen = None
            for _, frame in _frames_between(inp, max(0.0, at - 2.0), at - 0.25 * frame_time):
                chosen = frame
            if chosen is None:  # ``at`` before the first frame: the first frame
                inp.seek(0)
                chosen = next(inp.decode(video=0))
        chosen.to_image().save(tmp, format="PNG", optimize=True)
        return 1

    frames = atomic_output(Path(dst), write)
    return EncodeResult("poster", Path(dst), frames, time.perf_counter() - started)


# -- all together ------------------------------------------------------------------------------------


def publish(video: Path | str, formats: Sequence[str] = DEFAULT_FORMATS, *,
            report: Callable[[EncodeResult], None] | None = None) -> list[EncodeResult]:
    """Write each of ``formats`` beside ``video`` (a render's MP4 with its ``.json`` sidecar).

    ``mp4`` rewrites the video itself with ``+faststart`` (a no-op when it
    already streams). Returns what was written, in the order asked.
    """
    video = Path(video)
    if not video.is_file():
        raise FileNotFoundError(f"{video} does not exist; render it first (make render)")
    numbers = _numbers(video)
    results = []
    for fmt in formats:
        dst = output_path(video, fmt)
        if fmt == "mp4":
            if mp4_is_faststart(video):
                result = EncodeResult("mp4", video, 0, 0.0)
            else:
                result = faststart_mp4(video, video)
        elif fmt == "webm":
            result = encode_webm(video, dst)
        elif fmt in ("gif", "webp"):
            start, end = loop_window(numbers)
            result = encode_loop(video, dst, start, end, kind=fmt)
        elif fmt == "poster":
            result = write_poster(video, dst, key_frame_time(numbers))
        else:
            raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
        results.append(result)
        if report is not None:
            report(result)
    return results
