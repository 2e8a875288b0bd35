"""A voice per beat: the author's recordings (or an espeak-ng draft), checked, levelled and laid on the video's timeline.

An author records one clip per beat and names it after the beat's heading in
``mathviz script``: ``1-relu.wav``, ``2-gradient.flac``, ... (``.wav``,
``.flac``, ``.ogg`` or ``.mp3``; leading zeros in the number are fine). Every
clip is checked before anything renders: a missing, empty, unreadable or
silent clip, two clips for one beat, or a clip for a beat the render does not
have is refused with a :class:`NarrationError` naming the beat.

Clips are decoded with PyAV into mono 48 kHz floats (Opus's rate, and AAC's
most common one); narration is one voice, so stereo recordings are mixed down.
Each clip is brought to -16 LUFS integrated loudness (ITU-R BS.1770 as
implemented by pyloudnorm; the level podcast and video platforms ask for), so
clips recorded on different days sound alike; the whole track is then set to
exactly -16 LUFS and its peaks are held below -1 dBFS by a look-ahead limiter
instead of clipping. The length of a clip is never changed: the scene holds
each beat until its clip has played (see ``ExplainerScene.beat``).

``espeak`` instead of a folder drafts every clip offline with Debian's
``espeak-ng`` from the script's words (English, or Mandarin for ``--lang zh``):
a robotic voice with the real script and pacing, to check the timing before
recording. It is a draft, not studio quality.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import av
import numpy as np

from mathviz.pipeline.audio import SAMPLE_RATE, decode_track, has_audio
from mathviz.pipeline.script import ScriptBeat

__all__ = [
    "AUDIO_SUFFIXES",
    "SAMPLE_RATE",
    "TARGET_LUFS",
    "PEAK_CEILING_DBFS",
    "ESPEAK",
    "NarrationError",
    "Clip",
    "Narration",
    "find_clips",
    "decode_clip",
    "loudness",
    "limit_peaks",
    "load_narration",
    "espeak_clips",
    "narration_track",
]

#: Recording formats accepted, by file suffix.
AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".mp3")
#: Integrated loudness of the narration, in LUFS.
TARGET_LUFS = -16.0
#: Sample peaks are held at or below this level, in dBFS (headroom for the AAC and Opus encoders).
PEAK_CEILING_DBFS = -1.0
#: A clip quieter than this (LUFS) is silence: BS.1770's absolute gate.
SILENCE_LUFS = -70.0
#: The value of ``--narration`` that asks for an espeak-ng draft instead of a folder of recordings.
ESPEAK = "espeak"
#: espeak-ng voice per caption language: English, and Mandarin (Latin letters such as "ReLU" read as English).
ESPEAK_VOICES = {"en": "en-us", "zh": "cmn"}

_CLIP_NAME = re.compile(r"^(\d+)-(.+)$")


class NarrationError(ValueError):
    """A clip that cannot narrate its beat (missing, empty, unreadable, silent, ambiguous); names the beat."""


@dataclass(frozen=True)
class Clip:
    """One beat's narration: where it came from, its samples (mono, :data:`SAMPLE_RATE`) and measurements."""

    beat: ScriptBeat
    path: Path
    samples: np.ndarray = field(repr=False)
    source_lufs: float

    @property
    def duration(self) -> float:
        return len(self.samples) / SAMPLE_RATE


@dataclass(frozen=True)
class Narration:
    """Every beat's clip, levelled to :data:`TARGET_LUFS`, ready to be held for and muxed.

    ``source`` says where the voice came from: ``"recordings"`` or ``"espeak"`` (a draft).
    """

    clips: tuple[Clip, ...]
    source: str
    lang: str

    @property
    def durations(self) -> list[float]:
        return [clip.duration for clip in self.clips]

    @property
    def draft(self) -> bool:
        return self.source == ESPEAK

    def describe(self) -> dict:
        """What the render's JSON records about the narration."""
        return {
            "source": self.source,
            "draft": self.draft,
            "lang": self.lang,
            "target_lufs": TARGET_LUFS,
            "clips": [{"beat": c.beat.stem, "file": c.path.name, "seconds": round(c.duration, 4),
                       "recorded_lufs": round(c.source_lufs, 2)} for c in self.clips],
        }


# -- finding and reading clips ------------------------------------------------------------------------


def find_clips(folder: Path, beats: Sequence[ScriptBeat]) -> list[Path]:
    """The clip for every beat in ``folder``, in beat order.

    Files whose suffix is not an audio suffix (a script, notes) are ignored. Raises
    :class:`NarrationError` for a missing clip, two clips for one beat, or an audio file named
    like a clip for a beat the render does not have.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise NarrationError(f"--narration: {folder} is not a folder of clips (or '{ESPEAK}' for a draft voice)")
    by_stem: dict[str, list[Path]] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in AUDIO_SUFFIXES or path.name.startswith("."):
            continue
        match = _CLIP_NAME.match(path.stem)
        stem = f"{int(match.group(1))}-{match.group(2)}" if match else path.stem
        by_stem.setdefault(stem, []).append(path)
    known = {beat.stem for beat in beats}
    for stem, paths in by_stem.items():
        if stem not in known:
            expected = ", ".join(b.stem for b in beats)
            raise NarrationError(f"--narration: {paths[0].name} names no beat of this render (its beats: {expected})")
    found = []
    for beat in beats:
        paths = by_stem.get(beat.stem, [])
        if not paths:
            raise NarrationError(f"beat {beat.stem}: no clip in {folder} (expected {beat.stem}.wav, .flac, .ogg or .mp3)")
        if len(paths) > 1:
            raise NarrationError(f"beat {beat.stem}: {len(paths)} clips ({', '.join(p.name for p in paths)}); keep one")
        found.append(paths[0])
    return found


def decode_clip(path: Path) -> np.ndarray:
    """The first audio stream of ``path`` as mono float32 samples at :data:`SAMPLE_RATE` (PyAV).

    Raises ValueError when the file has no audio stream or cannot be decoded.
    """
    try:
        if not has_audio(path):
            raise ValueError("it has no audio stream")
        samples = decode_track(path)
    except av.error.FFmpegError as exc:
        raise ValueError(f"it is not audio PyAV can decode ({' '.join(str(exc).split())[:120]})") from None
    if len(samples) == 0:
        raise ValueError("it holds no audio samples")
    return samples


def loudness(samples: np.ndarray, rate: int = SAMPLE_RATE) -> float:
    """Integrated loudness in LUFS (ITU-R BS.1770-4, pyloudnorm); ``-inf`` for silence.

    Clips shorter than BS.1770's 400 ms block are measured padded with silence, which the gate ignores.
    """
    import pyloudnorm

    block = int(0.4 * rate) + 1
    padded = samples if len(samples) >= block else np.pad(samples, (0, block - len(samples)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyloudnorm warns about (but measures) clipped and silent input
        value = pyloudnorm.Meter(rate).integrated_loudness(padded.astype(np.float64))
    return float(value)


def limit_peaks(samples: np.ndarray, ceiling_dbfs: float = PEAK_CEILING_DBFS, rate: int = SAMPLE_RATE) -> np.ndarray:
    """``samples`` with every peak above ``ceiling_dbfs`` turned down smoothly (a 5 ms look-ahead limiter).

    The gain at each sample is the smallest gain any sample within 2.5 ms needs, averaged over 5 ms:
    every value averaged is at most what the sample itself needs, so no peak gets through, and the
    gain moves smoothly (no clicks). Samples under the ceiling far from any peak are untouched.
    """
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    ceiling = 10 ** (ceiling_dbfs / 20)
    magnitude = np.abs(samples.astype(np.float64))
    if magnitude.max(initial=0.0) <= ceiling:
        return samples
    needed = np.minimum(1.0, ceiling / np.maximum(magnitude, 1e-12))
    window = max(3, int(0.005 * rate) | 1)
    gain = uniform_filter1d(minimum_filter1d(needed, size=window, mode="nearest"), size=window, mode="nearest")
    limited = samples * np.minimum(gain, needed + 0.0)  # float rounding in the average must not let a peak through
    return limited.astype(np.float32)


def _read_clip(beat: ScriptBeat, path: Path) -> Clip:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise NarrationError(f"beat {beat.stem}: cannot read {path} ({exc.strerror or exc})") from None
    if size == 0:
        raise NarrationError(f"beat {beat.stem}: {path.name} is empty (0 bytes)")
    try:
        samples = decode_clip(path)
    except ValueError as exc:
        raise NarrationError(f"beat {beat.stem}: {path.name} is unreadable: {exc}") from None
    except OSError as exc:
        raise NarrationError(f"beat {beat.stem}: cannot read {path} ({exc.strerror or exc})") from None
    if not np.all(np.isfinite(samples)):
        raise NarrationError(f"beat {beat.stem}: {path.name} is unreadable: it decodes to NaN or infinite samples")
    level = loudness(samples)
    if not np.isfinite(level) or level < SILENCE_LUFS:
        peak = float(np.abs(samples).max(initial=0.0))
        peak_db = f"{20 * np.log10(peak):.0f} dBFS" if peak > 0 else "-inf dBFS"
        raise NarrationError(f"beat {beat.stem}: {path.name} is silent ({len(samples) / SAMPLE_RATE:.2f} s, "
                             f"peak {peak_db}); record the paragraph again")
    return Clip(beat, path, samples, level)


def load_narration(paths: Sequence[Path], beats: Sequence[ScriptBeat], *, source: str, lang: str) -> Narration:
    """Read and check every beat's clip (in beat order) and level each to :data:`TARGET_LUFS`."""
    clips = []
    for beat, path in zip(beats, paths, strict=True):
        clip = _read_clip(beat, path)
        gain = 10 ** ((TARGET_LUFS - clip.source_lufs) / 20)
        clips.append(Clip(beat, path, (clip.samples * gain).astype(np.float32), clip.source_lufs))
    return Narration(tuple(clips), source, lang)


# -- a draft voice ------------------------------------------------------------------------------------


def espeak_clips(beats: Sequence[ScriptBeat], lang: str, folder: Path) -> list[Path]:
    """Speak every beat's paragraph (in ``lang``) with ``espeak-ng`` into ``folder/<index>-<beat>.wav``.

    Raises NarrationError when espeak-ng is not installed or fails on a paragraph.
    """
    program = shutil.which("espeak-ng")
    if program is None:
        raise NarrationError("--narration espeak needs espeak-ng; run: sudo apt-get install -y espeak-ng "
                             "(make setup installs it)")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for beat in beats:
        path = folder / f"{beat.stem}.wav"
        # The text goes in on stdin, never on the command line: it can start with '-' and is the user's.
        done = subprocess.run([program, "-v", ESPEAK_VOICES.get(lang, "en-us"), "-s", "160", "-w", str(path), "--stdin"],
                              input=beat.text(lang).encode("utf-8"), capture_output=True, timeout=120, check=False)
        if done.returncode != 0 or not path.is_file():
            message = " ".join(done.stderr.decode("utf-8", "replace").split())[:200] or f"exit status {done.returncode}"
            raise NarrationError(f"beat {beat.stem}: espeak-ng failed: {message}")
        paths.append(path)
    return paths


# -- the track ------------------------------------------------------------------------------------------


def narration_track(narration: Narration, starts: Sequence[float], duration: float) -> np.ndarray:
    """The whole video's audio: each clip at its beat's start, silence between, ``duration`` seconds long.

    The track is then set to :data:`TARGET_LUFS` as a whole and limited to :data:`PEAK_CEILING_DBFS`.
    Raises ValueError if a clip would run past the end of the video (the scene holds every beat
    for its clip, so this means the timings and the clips do not belong together).
    """
    length = int(round(duration * SAMPLE_RATE))
    track = np.zeros(length, dtype=np.float32)
    for clip, start in zip(narration.clips, starts, strict=True):
        offset = int(round(start * SAMPLE_RATE))
        end = offset + len(clip.samples)
        if end > length + 1:
            raise ValueError(f"beat {clip.beat.stem}: its clip ends at {end / SAMPLE_RATE:.3f} s, "
                             f"after the video ({duration:.3f} s)")
        track[offset:min(end, length)] += clip.samples[:length - offset]
    # Limit, measure, gain to the target, limit again: limiting takes a little loudness off the
    # loudest words, so repeat until the limited track is within 0.1 LU of the target.
    track = limit_peaks(track)
    for _ in range(12):
        level = loudness(track)
        if not np.isfinite(level) or abs(level - TARGET_LUFS) < 0.1:
            break
        track = limit_peaks((track * 10 ** ((TARGET_LUFS - level) / 20)).astype(np.float32))
    return track
