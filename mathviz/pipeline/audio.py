"""Audio in and out of the videos, with PyAV: AAC in the MP4, Opus in the WebM, a slice per slide.

Manim writes a silent H.264 movie. A narrated render adds its narration track
(:func:`mathviz.pipeline.narration.narration_track`) as AAC while moving the
MP4's index to the front (:func:`mux_mp4`), the WebM gets the same track as
Opus (:func:`encode_track` into the VP9 file), and every lecture slide gets its
beat's stretch of it. Encoders take the track in frames of their own size
(1024 samples for AAC, 960 for Opus). Opus marks the padding of its last frame
and decodes to exactly the track's length; players decode an MP4's AAC track
in whole 1024-sample frames, so that track is first rounded to the nearest
whole frame (trimming or adding at most 512 samples of the silence every
narrated video ends on): within 10.7 ms of the video, under a frame at 60 fps.

Manim is never imported here.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from mathviz.pipeline.atomic import atomic_output

__all__ = [
    "SAMPLE_RATE",
    "AAC_BIT_RATE",
    "OPUS_BIT_RATE",
    "has_audio",
    "decode_track",
    "add_track",
    "encode_track",
    "interleave",
    "mux_mp4",
]

#: The narration's sample rate (Opus only works at 48 kHz).
SAMPLE_RATE = 48_000
#: Bit rates for one voice in mono: transparent for speech in either codec.
AAC_BIT_RATE = 128_000
OPUS_BIT_RATE = 96_000

#: Muxer options that make files reproducible (as in mathviz.pipeline.publish).
_BITEXACT = {"fflags": "+bitexact"}


def has_audio(path: Path | str) -> bool:
    """Whether the media file at ``path`` has an audio stream."""
    with av.open(str(path)) as container:
        return bool(container.streams.audio)


def decode_track(path: Path | str) -> np.ndarray:
    """The first audio stream of ``path`` as mono float32 at :data:`SAMPLE_RATE` (empty when there is none)."""
    chunks = []
    with av.open(str(path)) as container:
        if not container.streams.audio:
            return np.zeros(0, dtype=np.float32)
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        for frame in container.decode(container.streams.audio[0]):
            chunks += [out.to_ndarray().reshape(-1) for out in resampler.resample(frame)]
        chunks += [out.to_ndarray().reshape(-1) for out in resampler.resample(None)]
    return np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, dtype=np.float32)


def add_track(out: av.container.OutputContainer, codec: str) -> av.AudioStream:
    """A mono :data:`SAMPLE_RATE` audio stream in ``out``: ``"aac"`` or ``"libopus"``."""
    if codec not in ("aac", "libopus"):
        raise ValueError(f"audio codec must be aac or libopus, not {codec!r}")
    stream = out.add_stream(codec, rate=SAMPLE_RATE, layout="mono")
    assert isinstance(stream, av.AudioStream)  # for the type checker: an audio codec makes an audio stream
    stream.bit_rate = AAC_BIT_RATE if codec == "aac" else OPUS_BIT_RATE
    stream.codec_context.time_base = Fraction(1, SAMPLE_RATE)
    return stream


def encode_track(stream: av.AudioStream, samples: np.ndarray) -> list[av.Packet]:
    """Every packet of ``samples`` (mono float) encoded by ``stream``'s encoder, flushed.

    Encode before muxing anything: the encoder writes the stream's setup (AAC's
    AudioSpecificConfig, Opus's header) that the container's header needs.
    """
    ctx = stream.codec_context
    is_aac = stream.codec_context.codec.name == "aac"
    sample_format = "fltp" if is_aac else "flt"
    size = ctx.frame_size or 1024
    data = np.ascontiguousarray(samples, dtype=np.float32)
    if is_aac:
        whole = int(round(len(data) / size)) * size
        data = np.pad(data, (0, max(0, whole - len(data))))[:whole]
    packets: list[av.Packet] = []
    for offset in range(0, len(data), size):
        chunk = data[offset:offset + size].reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(chunk, format=sample_format, layout="mono")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = offset
        frame.time_base = Fraction(1, SAMPLE_RATE)
        packets += stream.encode(frame)
    packets += stream.encode(None)
    return packets


def _seconds(packet: av.Packet) -> float:
    return float(packet.pts * packet.time_base) if packet.pts is not None else 0.0


def interleave(first: Iterator[av.Packet], audio: list[av.Packet]) -> Iterator[av.Packet]:
    """``first``'s packets with ``audio``'s merged in by time, so players never wait on a far-off packet."""
    pending = list(audio)
    index = 0
    for packet in first:
        at = _seconds(packet)
        while index < len(pending) and _seconds(pending[index]) <= at:
            yield pending[index]
            index += 1
        yield packet
    yield from pending[index:]


def mux_mp4(video: Path, track: np.ndarray, dst: Path) -> int:
    """Write ``dst``: ``video``'s H.264 stream copied, ``track`` as AAC, index in front (``+faststart``).

    ``video`` and ``dst`` may be the same path. Returns the number of video packets copied.
    """
    def write(tmp: Path) -> int:
        count = 0
        with av.open(str(video)) as inp:
            in_stream = inp.streams.video[0]
            with av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart", **_BITEXACT}) as out:
                out_video = out.add_stream_from_template(in_stream)
                out_audio = add_track(out, "aac")
                audio_packets = encode_track(out_audio, track)

                def video_packets() -> Iterator[av.Packet]:
                    nonlocal count
                    for packet in inp.demux(in_stream):
                        if packet.dts is None:  # the flushing packet demux yields at the end
                            continue
                        packet.stream = out_video
                        count += 1
                        yield packet

                for packet in interleave(video_packets(), audio_packets):
                    out.mux(packet)
        return count

    return atomic_output(Path(dst), write)
