"""Lecture slides: one clip per beat cut from the render, one self-contained HTML file, one beat per key press."""

from __future__ import annotations

import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from bs4 import BeautifulSoup

from mathviz.pipeline.slides import Beat, _packets_by_beat, beats_of, build_slides, cut_beats
from tests.pipeline.web_helpers import Published, guarded_page, serve

pytestmark = pytest.mark.render


def _frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def test_beats_cover_the_video_without_gaps() -> None:
    numbers = {
        "duration": 9.0,
        "captions": [
            {"name": "intro", "start": 0.5, "end": 2.0, "en": "e1", "zh": "z1"},
            {"name": "empty", "start": 2.0, "end": 2.0, "en": "e2", "zh": "z2"},
            {"name": "idea", "start": 2.0, "end": 6.0, "en": "e3", "zh": "z3"},
            {"name": "end", "start": 6.0, "end": 8.0, "en": "e4", "zh": "z4"},
        ],
    }
    assert beats_of(numbers) == [
        Beat("intro", 0.0, 2.0, "e1", "z1"),  # what came before the first beat joins it
        Beat("idea", 2.0, 6.0, "e3", "z3"),  # a zero-length beat is no slide
        Beat("end", 6.0, 9.0, "e4", "z4"),  # the last slide runs to the end of the video
    ]
    assert beats_of({"duration": 3.0, "captions": []}) == [Beat("video", 0.0, 3.0, "", "")]


def test_clips_are_the_beats_frame_for_frame(published: Published, tmp_path: Path) -> None:
    beats = beats_of(published.numbers)
    assert _packets_by_beat(published.video, beats) is not None  # Manim's beats start on keyframes: a stream copy
    clips = cut_beats(published.video, published.numbers, tmp_path / "clips")
    assert [b for b, _ in clips] == beats
    whole = _frames(published.video)
    at = 0
    for beat, path in clips:
        frames = _frames(path)
        assert len(frames) == pytest.approx((beat.end - beat.start) * 5, abs=1)  # 5 fps
        assert all(np.array_equal(a, b) for a, b in zip(frames, whole[at:at + len(frames)]))
        at += len(frames)
    assert at == len(whole)


def test_beats_off_keyframes_are_re_encoded(tmp_path: Path) -> None:
    # 30 frames at 10 fps with a single keyframe; frame i is a flat grey of level 8 i.
    video = tmp_path / "one-gop.mp4"
    with av.open(str(video), "w") as out:
        stream = out.add_stream("libx264", rate=10, options={"g": "300", "keyint_min": "300", "sc_threshold": "0"})
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for i in range(30):
            frame = av.VideoFrame.from_ndarray(np.full((48, 64, 3), 8 * i, np.uint8), format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, 10)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    numbers = {"duration": 3.0, "captions": [
        {"name": n, "start": a, "end": b, "en": n, "zh": n} for n, a, b in (("a", 0.0, 1.0), ("b", 1.0, 2.2), ("c", 2.2, 3.0))]}
    assert _packets_by_beat(video, beats_of(numbers)) is None
    clips = cut_beats(video, numbers, tmp_path / "clips")
    levels = [[int(round(f.mean() / 8)) for f in _frames(path)] for _, path in clips]
    assert levels == [list(range(0, 10)), list(range(10, 22)), list(range(22, 30))]


@pytest.fixture(scope="module")
def slides(published: Published, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("slides")
    written = build_slides(published.video, out, formats=("html", "pdf"))
    assert [p.name for p in written] == [f"{published.name}.html", f"{published.name}.pdf"]
    return out


def test_html_is_self_contained(slides: Path, published: Published) -> None:
    page = (slides / f"{published.name}.html").read_text(encoding="utf-8")
    # Every element's src/href/poster is inline (data:); nothing to fetch from anywhere.
    soup = BeautifulSoup(page, "html.parser")
    refs = [ref for tag in soup.find_all(True) for attr in ("src", "href", "poster", "data-background-image")
            if isinstance(ref := tag.get(attr), str) and ref]
    assert refs and all(r.startswith("data:") for r in refs), [r[:60] for r in refs if not r.startswith("data:")]
    assert "cdn.jsdelivr" not in page and "unpkg" not in page and "cdnjs" not in page
    backgrounds = re.findall(r'data-background-video="(data:video/mp4;base64,[^"]+)"', page)
    assert len(backgrounds) == published.beats
    assert "Reveal.initialize" in page and "function" in page  # reveal.js itself is in the file


def test_pdf_has_a_page_per_beat(slides: Path, published: Published) -> None:
    data = (slides / f"{published.name}.pdf").read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == published.beats


def test_missing_reveal_is_a_clear_error(published: Published, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mathviz", "slides", str(published.video), "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
        env={**__import__("os").environ, "MATHVIZ_REVEAL_DIR": str(tmp_path / "nowhere")},
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"error: reveal.js is not installed in {tmp_path / 'nowhere'}; run: npm ci (make setup does it)"]
    assert not list(tmp_path.glob("*.html"))


@pytest.mark.browser
def test_slides_advance_one_beat_per_key_press_offline(slides: Path, published: Published, chromium) -> None:
    beats = beats_of(published.numbers)
    state = """() => {
        const video = Reveal.getCurrentSlide().slideBackgroundContentElement.querySelector('video');
        return {index: Reveal.getIndices().h, total: Reveal.getTotalSlides(),
                ready: video ? video.readyState : -1, duration: video ? video.duration : null};
    }"""
    with serve(slides) as base, guarded_page(chromium, viewport={"width": 960, "height": 540}) as (page, guard):
        page.goto(f"{base}/{published.name}.html")
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=30_000)
        # Speaker notes (S) are the beat's captions in both languages, exactly as written (Markdown-escaped).
        notes = page.evaluate("() => [...document.querySelectorAll('aside.notes')].map(a => a.textContent)")
        assert [" ".join(n.split()) for n in notes] == [" ".join(f"{b.en} {b.zh}".split()) for b in beats]
        seen = []
        for k, beat in enumerate(beats):
            if k:
                page.keyboard.press("ArrowRight")
            page.wait_for_function(f"() => Reveal.getIndices().h === {k}", timeout=10_000)
            page.wait_for_function("""() => { const v = Reveal.getCurrentSlide().slideBackgroundContentElement
                                        .querySelector('video'); return v && v.readyState >= 2; }""", timeout=20_000)
            now = page.evaluate(state)
            assert now["total"] == len(beats)
            assert now["duration"] == pytest.approx(beat.end - beat.start, abs=0.25)
            seen.append(now["index"])
            if k == 1:
                page.screenshot(path=str(slides / "slide-2.png"))
        assert seen == list(range(len(beats)))
        page.keyboard.press("ArrowRight")  # past the last beat: stays on it
        page.wait_for_timeout(300)
        assert page.evaluate(state)["index"] == len(beats) - 1
    assert guard.blocked == []
    assert guard.requests == [f"{base}/{published.name}.html"]  # the page itself; everything else is inline
