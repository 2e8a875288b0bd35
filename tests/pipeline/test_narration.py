"""Narration clips: found by beat, refused when bad, levelled to -16 LUFS, drafted with espeak-ng, laid on the timeline."""

from __future__ import annotations

import wave
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from click.testing import CliRunner

from mathviz.pipeline import script as script_module
from mathviz.pipeline.cli import cli
from mathviz.pipeline.narration import (
    PEAK_CEILING_DBFS,
    SAMPLE_RATE,
    TARGET_LUFS,
    Clip,
    Narration,
    NarrationError,
    espeak_clips,
    find_clips,
    limit_peaks,
    load_narration,
    loudness,
    narration_track,
)
from mathviz.pipeline.script import ScriptBeat

BEATS = [
    ScriptBeat(1, "intro", "ReLU keeps positive inputs.", "ReLU 保留正的输入。"),
    ScriptBeat(2, "two-starts", "Two starts reach two minima.", "两个起点到达两个极小值。"),
]


def write_tone(path: Path, seconds: float, *, amplitude: float = 0.1, freq: float = 440.0, rate: int = 44_100) -> Path:
    """A sine tone of exactly ``round(seconds * rate)`` samples: WAV through the stdlib, other suffixes through PyAV."""
    n = int(round(seconds * rate))
    samples = amplitude * np.sin(2 * np.pi * freq * np.arange(n) / rate)
    pcm = np.round(samples * 32767).astype("<i2")
    if path.suffix == ".wav":
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(pcm.tobytes())
        return path
    codec = {".flac": "flac", ".ogg": "libopus", ".mp3": "libmp3lame"}[path.suffix]
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=rate if codec != "libopus" else 48_000, layout="mono")
        assert isinstance(stream, av.AudioStream) and stream.codec_context.format is not None
        fmt = stream.codec_context.format.name
        resampler = av.AudioResampler(format=fmt, layout="mono", rate=stream.codec_context.sample_rate)
        frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = rate
        frame.time_base = Fraction(1, rate)
        frame.pts = 0
        size = stream.codec_context.frame_size or 1024
        fifo = av.AudioFifo()
        for converted in resampler.resample(frame) + resampler.resample(None):
            fifo.write(converted)
        while fifo.samples:
            chunk = fifo.read(min(size, fifo.samples))
            out.mux(stream.encode(chunk))
        out.mux(stream.encode(None))
    return path


def _clip_folder(tmp_path: Path, lengths: dict[str, float], suffix: str = ".wav") -> Path:
    folder = tmp_path / "clips"
    folder.mkdir(exist_ok=True)
    for stem, seconds in lengths.items():
        write_tone(folder / f"{stem}{suffix}", seconds)
    return folder


def test_clips_are_found_by_number_and_name(tmp_path: Path) -> None:
    folder = _clip_folder(tmp_path, {"01-intro": 1.0})
    write_tone(folder / "2-two-starts.flac", 1.0)
    (folder / "script.en.md").write_text("not audio")
    (folder / ".3-hidden.wav").write_bytes(b"")
    assert [p.name for p in find_clips(folder, BEATS)] == ["01-intro.wav", "2-two-starts.flac"]


@pytest.mark.parametrize("suffix", [".flac", ".ogg", ".mp3"])
def test_every_accepted_format_decodes_to_its_length(tmp_path: Path, suffix: str) -> None:
    folder = _clip_folder(tmp_path, {"1-intro": 1.5, "2-two-starts": 0.7}, suffix)
    narration = load_narration(find_clips(folder, BEATS), BEATS, source="recordings", lang="en")
    # Lossy codecs may add a few ms of padding; never a cut, never more than 30 ms.
    assert narration.durations[0] == pytest.approx(1.5, abs=0.03)
    assert narration.durations[1] == pytest.approx(0.7, abs=0.03)


def test_clips_keep_their_length_and_are_levelled_to_the_target(tmp_path: Path) -> None:
    folder = tmp_path / "clips"
    folder.mkdir()
    write_tone(folder / "1-intro.wav", 2.25, amplitude=0.02)   # a quiet recording
    write_tone(folder / "2-two-starts.wav", 1.1, amplitude=0.6, freq=220)  # a loud one
    narration = load_narration(find_clips(folder, BEATS), BEATS, source="recordings", lang="en")
    assert narration.durations == pytest.approx([2.25, 1.1], abs=1 / SAMPLE_RATE)
    assert narration.clips[0].source_lufs < narration.clips[1].source_lufs - 20
    for clip in narration.clips:
        assert loudness(clip.samples) == pytest.approx(TARGET_LUFS, abs=0.1)

    # On the timeline: each clip at its beat's start, the whole at the target, nothing past the ceiling.
    track = narration_track(narration, [0.5, 4.0], duration=6.0)
    assert len(track) == 6 * SAMPLE_RATE
    assert abs(loudness(track) - TARGET_LUFS) <= 0.2
    assert np.abs(track).max() <= 10 ** (PEAK_CEILING_DBFS / 20) + 1e-6
    voiced = np.flatnonzero(np.abs(track) > 1e-4)
    assert voiced[0] / SAMPLE_RATE == pytest.approx(0.5, abs=2e-3)
    assert voiced[-1] / SAMPLE_RATE == pytest.approx(4.0 + 1.1, abs=2e-3)
    gap = track[int(2.8 * SAMPLE_RATE):int(3.99 * SAMPLE_RATE)]
    assert not gap.any()


def test_a_clip_longer_than_the_video_is_an_error() -> None:
    clip = Clip(BEATS[0], Path("1-intro.wav"), np.full(SAMPLE_RATE, 0.1, np.float32), -20.0)
    narration = Narration((clip,), "recordings", "en")
    with pytest.raises(ValueError, match="beat 1-intro: its clip ends at 1.500 s"):
        narration_track(narration, [0.5], duration=1.0)


def test_the_limiter_holds_the_ceiling_and_leaves_quiet_stretches_alone() -> None:
    rng = np.random.default_rng(0)
    quiet = 0.05 * rng.standard_normal(SAMPLE_RATE).astype(np.float32)
    loud = 1.5 * rng.standard_normal(SAMPLE_RATE // 4).astype(np.float32)
    signal = np.concatenate([quiet, loud, quiet])
    limited = limit_peaks(signal)
    assert np.abs(limited).max() <= 10 ** (PEAK_CEILING_DBFS / 20) + 1e-6
    assert len(limited) == len(signal)
    np.testing.assert_array_equal(limited[:SAMPLE_RATE // 2], signal[:SAMPLE_RATE // 2])
    # Turned down, never turned up or inverted.
    assert np.all(np.abs(limited) <= np.abs(signal) + 1e-7)
    assert np.all(limited * signal >= 0)


def _bad_clip(folder: Path, case: str) -> None:
    if case == "missing":
        (folder / "2-two-starts.wav").unlink()
    elif case == "empty":
        (folder / "2-two-starts.wav").write_bytes(b"")
    elif case == "unreadable":
        (folder / "2-two-starts.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEnot really audio" * 20)
    elif case == "silent":
        write_tone(folder / "2-two-starts.wav", 1.0, amplitude=0.0)
    elif case == "twice":
        write_tone(folder / "2-two-starts.flac", 1.0)
    elif case == "stranger":
        write_tone(folder / "3-outro.wav", 1.0)
    elif case == "no-audio":
        (folder / "2-two-starts.wav").unlink()
        with av.open(str(folder / "2-two-starts.mp3"), "w", format="mp4") as out:  # a video, no audio
            stream = out.add_stream("mpeg4", rate=5)
            stream.width, stream.height, stream.pix_fmt = 16, 16, "yuv420p"
            frame = av.VideoFrame.from_ndarray(np.zeros((16, 16, 3), np.uint8), format="rgb24")
            out.mux(stream.encode(frame))
            out.mux(stream.encode(None))


_BAD = {
    "missing": "beat 2-two-starts: no clip in",
    "empty": "beat 2-two-starts: 2-two-starts.wav is empty",
    "unreadable": "beat 2-two-starts: 2-two-starts.wav is unreadable",
    "silent": "beat 2-two-starts: 2-two-starts.wav is silent",
    "twice": "beat 2-two-starts: 2 clips (2-two-starts.flac, 2-two-starts.wav)",
    "stranger": "3-outro.wav names no beat of this render (its beats: 1-intro, 2-two-starts)",
    "no-audio": "beat 2-two-starts: 2-two-starts.mp3 is unreadable: it has no audio stream",
}


@pytest.mark.parametrize("case", sorted(_BAD))
def test_a_bad_clip_is_refused_naming_its_beat(tmp_path: Path, case: str) -> None:
    folder = _clip_folder(tmp_path, {"1-intro": 1.0, "2-two-starts": 1.0})
    _bad_clip(folder, case)
    with pytest.raises(NarrationError) as info:
        load_narration(find_clips(folder, BEATS), BEATS, source="recordings", lang="en")
    assert _BAD[case] in str(info.value)


@pytest.mark.parametrize("case", ["missing", "silent", "unreadable"])
def test_cli_refuses_a_bad_clip_before_rendering(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    # The beats come from a (here faked) build without pixels; the render itself must never start.
    monkeypatch.setattr(script_module, "scene_beats", lambda scene_cls, story, lang="en": BEATS)
    import mathviz.pipeline.render as render_module

    def must_not_render(*args, **kwargs):
        raise AssertionError("rendered despite a bad clip")

    monkeypatch.setattr(render_module, "render_scene", must_not_render)
    monkeypatch.chdir(tmp_path)
    folder = _clip_folder(tmp_path, {"1-intro": 1.0, "2-two-starts": 1.0})
    _bad_clip(folder, case)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["render", "relu", "--narration", str(folder), "--out", str(out), "-q", "l"])
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and result.output.startswith("error: ")
    assert _BAD[case] in result.output
    assert not out.exists() or not any(out.iterdir())


def test_cli_refuses_a_narration_folder_that_does_not_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(script_module, "scene_beats", lambda scene_cls, story, lang="en": BEATS)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["render", "relu", "--narration", "nowhere", "--out", "out"])
    assert result.exit_code == 2
    assert result.output == "error: --narration: nowhere is not a folder of clips (or 'espeak' for a draft voice)\n"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_espeak_drafts_a_clip_per_beat(tmp_path: Path, lang: str) -> None:
    paths = espeak_clips(BEATS, lang, tmp_path / "draft")
    assert [p.name for p in paths] == ["1-intro.wav", "2-two-starts.wav"]
    narration = load_narration(paths, BEATS, source="espeak", lang=lang)
    assert narration.draft and narration.describe()["draft"] is True
    for clip in narration.clips:
        # A few words of speech: about a second or more, not silence, levelled like any recording.
        assert 0.8 < clip.duration < 10
        assert loudness(clip.samples) == pytest.approx(TARGET_LUFS, abs=0.2)


# -- one tiny narrated render: tones of known length and an espeak-ng clip ----------------------------------


@pytest.fixture(scope="module")
def narrated(tmp_path_factory: pytest.TempPathFactory):
    """The relu scene rendered at TINY_RENDER size with a clip per beat, as ``(result, narration)``.

    The clips: a tone longer than the first beat's animation, espeak-ng reading the second caption,
    and short tones for the rest.
    """
    from mathviz.pipeline import registry
    from mathviz.pipeline.render import render_scene
    from mathviz.pipeline.script import scene_beats
    from tests.conftest import TINY_RENDER

    root = tmp_path_factory.mktemp("narrated")
    spec = registry.get("relu")
    story = spec.build_story({})
    beats = scene_beats(spec.scene_class(), story)
    folder = root / "clips"
    folder.mkdir()
    write_tone(folder / f"{beats[0].stem}.wav", 7.3, amplitude=0.05)
    spoken = espeak_clips([beats[1]], "en", root / "draft")[0]
    spoken.rename(folder / spoken.name)
    for beat in beats[2:]:
        write_tone(folder / f"{beat.stem}.flac", 0.8, amplitude=0.3, freq=330)
    narration = load_narration(find_clips(folder, beats), beats, source="recordings", lang="en")
    result = render_scene("relu", {}, quality="l", out_dir=root / "out", extra_config=TINY_RENDER, narration=narration)
    return result, narration


def _frame_rate(stream: av.VideoStream) -> float:
    assert stream.average_rate is not None, "a video stream without a frame rate"
    return float(stream.average_rate)


def _audio_seconds(path: Path) -> tuple[float, float]:
    """(decoded audio seconds, video seconds from its frame count) of a media file."""
    from mathviz.pipeline.audio import decode_track

    with av.open(str(path)) as container:
        video = container.streams.video[0]
        frames = sum(1 for _ in container.decode(video))
        rate = _frame_rate(video)
    return len(decode_track(path)) / SAMPLE_RATE, frames / rate


@pytest.mark.render
def test_each_beat_lasts_at_least_its_clip(narrated) -> None:
    result, narration = narrated
    assert narration.durations[0] > 7.0 and 3.0 < narration.durations[1] < 12.0  # the long tone, the spoken clip
    for caption, clip in zip(result.captions, narration.clips, strict=True):
        assert caption.name == clip.beat.name
        assert caption.end - caption.start >= clip.duration - 1e-9
        assert caption.speech == pytest.approx(clip.duration)


@pytest.mark.render
def test_the_mp4_carries_the_narration_as_long_as_the_video(narrated) -> None:
    import json

    result, narration = narrated
    with av.open(str(result.video)) as container:
        assert [s.codec_context.name for s in container.streams.audio] == ["aac"]
        frame_time = 1 / _frame_rate(container.streams.video[0])
    audio, video = _audio_seconds(result.video)
    assert abs(audio - video) <= frame_time
    assert video == pytest.approx(result.duration, abs=frame_time)

    from mathviz.pipeline.audio import decode_track

    track = decode_track(result.video)
    assert abs(loudness(track) - TARGET_LUFS) <= 1.0
    # Each clip sounds from its beat's start; after the clip (and before the next beat) there is silence.
    for caption, clip in zip(result.captions, narration.clips):
        start = int(round(caption.start * SAMPLE_RATE))
        end = int(round((caption.start + clip.duration) * SAMPLE_RATE))
        assert np.abs(track[start:start + SAMPLE_RATE // 10]).max() > 0.01 or clip.beat.index == 2  # speech may start softly
        assert np.abs(track[start:end]).max() > 0.05
        after = track[end + SAMPLE_RATE // 20:int(round(caption.end * SAMPLE_RATE)) - SAMPLE_RATE // 20]
        assert after.size == 0 or np.abs(after).max() < 0.01
    numbers = json.loads(result.video.with_suffix(".json").read_text())
    assert numbers["narration"]["source"] == "recordings" and numbers["narration"]["draft"] is False
    assert abs(numbers["narration"]["loudness_lufs"] - TARGET_LUFS) <= 1.0
    assert [c["speech"] for c in numbers["captions"]] == pytest.approx(narration.durations)


@pytest.mark.render
def test_caption_cues_start_and_end_with_the_clips(narrated) -> None:
    import srt

    result, narration = narrated
    for lang in ("en", "zh"):
        cues = list(srt.parse(result.video.with_suffix(f".{lang}.srt").read_text(encoding="utf-8")))
        assert len(cues) == len(narration.clips)
        for cue, caption, clip in zip(cues, result.captions, narration.clips):
            assert cue.start.total_seconds() == pytest.approx(caption.start, abs=1e-3)
            assert cue.end.total_seconds() == pytest.approx(caption.start + clip.duration, abs=1e-3)
            assert cue.content == getattr(caption, lang)


@pytest.mark.render
def test_the_webm_carries_it_as_opus_and_a_remux_keeps_it(narrated, tmp_path: Path) -> None:
    from mathviz.pipeline.audio import decode_track
    from mathviz.pipeline.publish import faststart_mp4, publish

    result, _ = narrated
    (webm,) = publish(result.video, ["webm"])
    with av.open(str(webm.path)) as container:
        assert [s.codec_context.name for s in container.streams.audio] == ["opus"]
        frame_time = 1 / _frame_rate(container.streams.video[0])
    audio, video = _audio_seconds(webm.path)
    assert abs(audio - video) <= frame_time
    assert abs(loudness(decode_track(webm.path)) - TARGET_LUFS) <= 1.0
    copy = faststart_mp4(result.video, tmp_path / "copy.mp4").path
    assert len(decode_track(copy)) == len(decode_track(result.video))


@pytest.mark.render
def test_each_slide_plays_its_beats_clip_and_stops_with_the_beat(narrated, tmp_path: Path) -> None:
    import json

    from mathviz.pipeline.audio import decode_track
    from mathviz.pipeline.slides import _inline_reveal, cut_beats

    result, narration = narrated
    numbers = json.loads(result.video.with_suffix(".json").read_text())
    clips = cut_beats(result.video, numbers, tmp_path / "clips")
    assert len(clips) == len(narration.clips)
    for (beat, path), clip in zip(clips, narration.clips):
        assert beat.name == clip.beat.name
        audio, video = _audio_seconds(path)
        assert abs(audio - video) <= 1 / 5 + 1e-9  # TINY_RENDER's 5 fps: within one frame
        assert video >= clip.duration - 1e-9
        track = decode_track(path)
        voiced = np.flatnonzero(np.abs(track) > 0.01)
        # The beat's own clip: it sounds from the start of the slide and has ended by the slide's end.
        own = np.flatnonzero(np.abs(clip.samples) > 0.01)  # the clip alone (espeak ends on a little silence)
        assert voiced[0] / SAMPLE_RATE == pytest.approx(own[0] / SAMPLE_RATE, abs=0.05)
        assert voiced[-1] / SAMPLE_RATE == pytest.approx(own[-1] / SAMPLE_RATE, abs=0.05)
    page = ('<section data-background-video="a.mp4" data-background-video-muted></section>'
            '<section data-background-video="b.mp4"></section>')
    assert "muted" not in _inline_reveal(page, Path("unused"), narrated=True)
    assert "data-background-video-muted" in _inline_reveal(page, Path("unused"))


@pytest.mark.render
def test_the_gallery_marks_it_narrated_and_does_not_mute_it(narrated) -> None:
    from bs4 import BeautifulSoup

    from mathviz.pipeline.gallery import _entry_html, embed_snippet, gallery_entries
    from mathviz.pipeline.publish import publish

    result, _ = narrated
    publish(result.video, ["webm", "poster"])
    media = result.video.parent.parent
    (entry,) = gallery_entries(media, result.video.parent.name, ["relu"])
    assert entry.narration is not None and entry.narration["source"] == "recordings"
    snippet = BeautifulSoup(embed_snippet(entry), "html.parser").video
    assert snippet is not None and "muted" not in snippet.attrs and "controls" in snippet.attrs
    card = BeautifulSoup(_entry_html(entry, media), "html.parser")
    assert card.video is not None and "muted" not in card.video.attrs
    badge = card.find(class_="badge")
    assert badge is not None and badge.get_text() == "narrated"


@pytest.mark.render
@pytest.mark.browser
def test_narrated_slides_speak_in_the_browser(narrated, tmp_path: Path, chromium) -> None:
    from mathviz.pipeline.slides import build_slides
    from tests.pipeline.web_helpers import guarded_page, serve

    result, narration = narrated
    (page_file,) = build_slides(result.video, tmp_path, ["html"])
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page_file.read_text(encoding="utf-8"), "html.parser")
    sections = soup.find_all("section", attrs={"data-background-video": True})
    assert len(sections) == len(narration.clips)
    assert not [s for s in sections if s.has_attr("data-background-video-muted")]
    video = "Reveal.getCurrentSlide().slideBackgroundContentElement.querySelector('video')"
    current = f"""() => {{ const v = {video};
                          return {{muted: v.muted, duration: v.duration, audioBytes: v.webkitAudioDecodedByteCount}}; }}"""
    with serve(tmp_path) as base, guarded_page(chromium, viewport={"width": 640, "height": 360}) as (page, guard):
        page.goto(f"{base}/{page_file.name}")
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=30_000)
        for k in range(2):
            if k:
                page.keyboard.press("ArrowRight")
            page.wait_for_function(f"() => Reveal.getIndices().h === {k}", timeout=10_000)
            # The slide's video plays with its sound on: the browser decodes its audio as it goes.
            page.wait_for_function(f"() => {{ const v = {video}; return v && v.currentTime > 0.5; }}", timeout=20_000)
            state = page.evaluate(current)
            assert state["muted"] is False
            assert state["audioBytes"] > 0
            assert state["duration"] >= narration.durations[k] - 0.05
    assert guard.blocked == []
