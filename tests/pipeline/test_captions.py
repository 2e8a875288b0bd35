"""Caption files: SubRip and WebVTT built from recorded beat timings."""

from __future__ import annotations

import srt

from mathviz.pipeline.captions import cues_from, to_srt, to_vtt
from mathviz_scenes.components.base import Caption


def _captions():
    return [
        Caption("axes", 0.0, 2.5, "The graph of f", "f 的图像"),
        Caption("empty", 2.5, 2.5, "skipped", "跳过"),
        Caption("secant", 2.5, 3661.25, "A secant through P and Q", "过 P 和 Q 的割线"),
    ]


def test_srt_round_trips_with_render_timings() -> None:
    subs = list(srt.parse(to_srt(cues_from(_captions(), "zh"))))
    assert [s.content for s in subs] == ["f 的图像", "过 P 和 Q 的割线"]
    assert subs[1].start.total_seconds() == 2.5
    assert subs[1].end.total_seconds() == 3661.25


def test_vtt_format() -> None:
    text = to_vtt(cues_from(_captions(), "en"))
    lines = text.splitlines()
    assert lines[0] == "WEBVTT"
    assert "00:00:02.500 --> 01:01:01.250" in lines
    assert "A secant through P and Q" in lines
    assert "skipped" not in text
