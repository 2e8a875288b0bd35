"""Slides follow how the render was made: captions as a toggled line (and under each PDF frame) when the video
draws none, nothing added when they are burned in; the background is the video's own colour.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from bs4 import BeautifulSoup

from mathviz.pipeline.slides import background_of, beats_of, build_slides, caption_lines
from tests.pipeline.web_helpers import Published, copy_render, guarded_page, make_variant, serve

pytestmark = pytest.mark.render

TRACKS = {"theme": "dark", "aspect": "16:9", "lang": "zh", "captions": "none"}
BURNED = {"theme": "dark", "aspect": "16:9", "lang": "en", "captions": "burned"}


def test_the_background_is_the_colour_at_the_frames_edge(tmp_path: Path) -> None:
    video = tmp_path / "light.mp4"
    paper = (251, 250, 246)
    with av.open(str(video), "w") as out:
        stream = out.add_stream("libx264", rate=10, options={"crf": "12"})
        stream.width, stream.height, stream.pix_fmt = 96, 64, "yuv420p"
        picture = np.empty((64, 96, 3), np.uint8)
        picture[:] = paper
        picture[20:40, 0:50] = (30, 90, 200)  # a curve that touches the left edge does not move the median
        frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
        frame.pts, frame.time_base = 0, Fraction(1, 10)
        out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    assert np.abs(np.array(background_of(video)) - paper).max() <= 3  # yuv420p rounding


def test_caption_lines_follow_the_render() -> None:
    numbers = {"duration": 4.0, "captions": [{"name": "a", "start": 0.0, "end": 2.0, "en": "one", "zh": "一"},
                                             {"name": "b", "start": 2.0, "end": 4.0, "en": "two", "zh": "二"}]}
    beats = beats_of(numbers)
    assert caption_lines({**numbers, "look": {"captions": "none"}}, beats) == ["one", "two"]
    assert caption_lines({**numbers, "look": {"captions": "none"}, "lang": "zh"}, beats) == ["一", "二"]
    assert caption_lines({**numbers, "look": {"captions": "burned"}}, beats) is None
    assert caption_lines(numbers, beats) is None  # recorded before captions could be left out: burned in


@pytest.fixture(scope="module")
def looks(published: Published, tmp_path_factory: pytest.TempPathFactory) -> Path:
    media = copy_render(published, tmp_path_factory.mktemp("looks"))
    for name, look in (("tracks", TRACKS), ("burned", BURNED)):
        make_variant(media, published.videos, published.name, name, look)
        build_slides(media / published.videos / f"{name}.mp4", media / "slides", ("html", "pdf"))
    return media


def _page_sizes(pdf: Path) -> list[tuple[float, float]]:
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf.read_bytes())
    return [(float(w), float(h)) for w, h in boxes]


def test_pdf_pages_carry_the_caption_only_when_the_video_has_none(looks: Path, published: Published) -> None:
    with av.open(str(published.video)) as container:
        ctx = container.streams.video[0].codec_context
        frame = (ctx.width * 0.72, ctx.height * 0.72)  # 100 dpi: 0.72 points per pixel
    burned = _page_sizes(looks / "slides" / "burned.pdf")
    tracks = _page_sizes(looks / "slides" / "tracks.pdf")
    assert burned == [pytest.approx(frame)] * published.beats
    assert len(tracks) == published.beats
    assert all(w == pytest.approx(frame[0]) and h > frame[1] + 10 for w, h in tracks)


def test_burned_captions_get_no_caption_line(looks: Path) -> None:
    soup = BeautifulSoup((looks / "slides" / "burned.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.select(".mv-captions, .mv-cc") == [] and soup.select("[data-caption]") == []


@pytest.mark.browser
def test_the_caption_line_shows_each_beat_and_toggles(looks: Path, published: Published, chromium) -> None:
    beats = beats_of(published.numbers)
    page_file = looks / "slides" / "tracks.html"
    background = background_of(looks / published.videos / "tracks.mp4")
    state = """() => { const box = document.querySelector('.mv-captions');
        return {index: Reveal.getIndices().h, text: box.textContent, shown: !box.hidden && box.offsetHeight > 0,
                pressed: document.querySelector('.mv-cc').getAttribute('aria-pressed'),
                lang: box.lang, bottom: innerHeight - box.getBoundingClientRect().bottom,
                top: innerHeight - box.getBoundingClientRect().top,
                background: getComputedStyle(Reveal.getCurrentSlide().slideBackgroundElement).backgroundColor}; }"""
    with serve(page_file.parent) as base, guarded_page(chromium, viewport={"width": 960, "height": 540}) as (page, guard):
        page.goto(f"{base}/{page_file.name}")
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=30_000)
        now = page.evaluate(state)
        assert (now["index"], now["text"], now["shown"], now["pressed"], now["lang"]) == (0, beats[0].zh, True, "true", "zh")
        # One line inside the bottom 8% of the screen, the band a 16:9 video keeps free for its caption.
        assert 0 < now["bottom"] < now["top"] <= 0.08 * 540
        assert now["background"] == "rgb({}, {}, {})".format(*background)
        page.screenshot(path=str(looks / "slides" / "tracks-1.png"))
        page.keyboard.press("c")
        assert page.evaluate(state)["shown"] is False and page.evaluate(state)["pressed"] == "false"
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => Reveal.getIndices().h === 1")
        now = page.evaluate(state)
        assert (now["text"], now["shown"]) == (beats[1].zh, False)  # stays off on the next slide
        page.get_by_role("button", name="Captions").click()
        now = page.evaluate(state)
        assert (now["text"], now["shown"], now["pressed"]) == (beats[1].zh, True, "true")
        page.keyboard.press("ArrowRight")  # the button gave the keys back to the slides
        page.wait_for_function("() => Reveal.getIndices().h === 2")
        assert page.evaluate(state)["text"] == beats[2].zh
    assert guard.blocked == []
