"""Caption files from the beats a render recorded: SubRip (.srt) and WebVTT (.vtt).

Timings are the render's own (each beat's start and end in video seconds, as
recorded by the scene while it played), never typed by hand. In a narrated
video a cue starts and ends with its beat's clip (the beat may hold its
picture a little longer; the caption goes when the voice stops).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

import srt

__all__ = ["Cue", "cues_from", "to_srt", "to_vtt", "LANGUAGES"]

#: Caption languages every scene provides.
LANGUAGES = ("en", "zh")


class _CaptionLike(Protocol):
    start: float
    end: float
    en: str
    zh: str


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def cues_from(captions: Iterable[_CaptionLike], lang: str) -> list[Cue]:
    """One cue per beat in ``lang``; zero-length beats are dropped.

    A caption with ``speech`` (its narration clip's length) gives the cue ``start .. start + speech``.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown caption language {lang!r} (known: {', '.join(LANGUAGES)})")
    cues = []
    for caption in captions:
        speech = getattr(caption, "speech", None)
        end = float(caption.end) if speech is None else float(caption.start) + float(speech)
        if end - caption.start <= 1e-6:
            continue
        cues.append(Cue(float(caption.start), end, getattr(caption, lang)))
    return cues


def to_srt(cues: Iterable[Cue]) -> str:
    """SubRip text for ``cues`` (numbered from 1)."""
    subtitles = [
        srt.Subtitle(index=i, start=timedelta(seconds=c.start), end=timedelta(seconds=c.end), content=c.text)
        for i, c in enumerate(cues, start=1)
    ]
    return srt.compose(subtitles)


def _vtt_time(seconds: float) -> str:
    millis = int(round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{ms:03d}"


def to_vtt(cues: Iterable[Cue]) -> str:
    """WebVTT text for ``cues``."""
    blocks = ["WEBVTT", ""]
    for i, cue in enumerate(cues, start=1):
        blocks += [str(i), f"{_vtt_time(cue.start)} --> {_vtt_time(cue.end)}", cue.text, ""]
    return "\n".join(blocks)
