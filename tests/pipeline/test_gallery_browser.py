"""The gallery page in headless Chromium: videos play, caption tracks load, nothing leaves localhost."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from mathviz.pipeline.gallery import embed_snippet, gallery_entries, write_gallery
from tests.pipeline.web_helpers import Published, copy_render, guarded_page, serve, tag

pytestmark = pytest.mark.render


@pytest.fixture(scope="module")
def gallery(published: Published, tmp_path_factory: pytest.TempPathFactory) -> Path:
    media = copy_render(published, tmp_path_factory.mktemp("gallery"))
    page = write_gallery(media, published.videos)
    assert page == media / "index.html"
    return media


def _cue_count(vtt: Path) -> int:
    return vtt.read_text(encoding="utf-8").count(" --> ")


def test_page_shows_parameters_numbers_and_a_snippet(gallery: Path, published: Published) -> None:
    soup = BeautifulSoup((gallery / "index.html").read_text(encoding="utf-8"), "html.parser")
    card = tag(soup.find("section", id=published.name))
    video = tag(card.find("video"))
    assert {"controls", "muted", "playsinline"} <= set(video.attrs)
    assert video["poster"] == f"{published.videos}/{published.name}.poster.png"
    assert [(s["src"], s["type"]) for s in video.find_all("source")] == [
        (f"{published.videos}/{published.name}.webm", "video/webm"),
        (f"{published.videos}/{published.name}.mp4", "video/mp4")]
    assert [(t["srclang"], t["src"]) for t in video.find_all("track")] == [
        ("en", f"{published.videos}/{published.name}.en.vtt"), ("zh", f"{published.videos}/{published.name}.zh.vtt")]

    # The numbers shown are what `mathviz numbers` prints for the same parameters.
    cli = subprocess.run([sys.executable, "-m", "mathviz", "numbers", published.numbers["scene"]],
                         capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(tag(card.find("pre", class_="numbers")).get_text()) == json.loads(cli.stdout)
    rows = [tag(row) for row in tag(card.find("table", class_="params")).find_all("tr")]
    shown = {tag(row.th).get_text(): tag(row.td).get_text() for row in rows}
    assert shown == {k: str(v) for k, v in published.numbers["params"].items()}

    # The snippet, pasted into a page of its own, is one video with both sources and both tracks.
    snippet_text = tag(card.find("pre", class_="snippet")).get_text()
    snippet = BeautifulSoup(snippet_text, "html.parser")
    assert snippet.get_text().strip() == ""  # markup only
    (found,) = snippet.find_all("video")
    pasted = tag(found)
    assert {"controls", "muted", "playsinline"} <= set(pasted.attrs)
    assert [s["type"] for s in pasted.find_all("source")] == ["video/webm", "video/mp4"]
    assert [t["srclang"] for t in pasted.find_all("track")] == ["en", "zh"]
    assert snippet_text == embed_snippet(gallery_entries(gallery, published.videos)[0])


def test_missing_formats_are_named(published: Published, tmp_path: Path) -> None:
    media = copy_render(published, tmp_path)
    (media / published.videos / f"{published.name}.webm").unlink()
    with pytest.raises(FileNotFoundError, match=r"derivative\.webm is missing; run: make render"):
        write_gallery(media, published.videos)
    assert not (media / "index.html").exists()


_VIDEOS = """async () => {
    const out = [];
    for (const video of document.querySelectorAll('video')) {
        for (const track of video.textTracks) track.mode = 'hidden';  // load every track, shown or not
        out.push(video.id);
    }
    return out;
}"""

_STATE = """() => [...document.querySelectorAll('video')].map(video => ({
    id: video.id, ready: video.readyState, duration: video.duration, src: video.currentSrc,
    tracks: [...video.textTracks].map(t => ({lang: t.language, cues: t.cues ? t.cues.length : -1})),
}))"""


def _check_page(page, guard, url: str, published: Published, gallery: Path, shot: Path) -> list[dict]:
    page.goto(url)
    ids = page.evaluate(_VIDEOS)
    assert ids == [f"v-{published.name}"]
    expected_cues = {lang: _cue_count(gallery / published.videos / f"{published.name}.{lang}.vtt") for lang in ("en", "zh")}
    assert expected_cues == {"en": published.beats, "zh": published.beats}
    page.wait_for_function(
        """(n) => [...document.querySelectorAll('video')].every(v => v.readyState >= 2
                && [...v.textTracks].every(t => t.cues && t.cues.length === n))""",
        arg=published.beats, timeout=30_000)
    state = page.evaluate(_STATE)
    for video in state:
        assert video["ready"] >= 2
        assert video["duration"] == pytest.approx(published.numbers["duration"], abs=0.25)
        assert video["tracks"] == [{"lang": "en", "cues": published.beats}, {"lang": "zh", "cues": published.beats}]
    page.screenshot(path=str(shot), full_page=True)
    assert guard.blocked == []
    return state


@pytest.mark.browser
def test_gallery_over_http(gallery: Path, published: Published, chromium) -> None:
    with serve(gallery) as base, guarded_page(chromium, viewport={"width": 1100, "height": 900}) as (page, guard):
        state = _check_page(page, guard, f"{base}/index.html", published, gallery, gallery / "http.png")
        assert state[0]["src"].endswith(".webm")  # Chromium takes the first source it can play
        # The MP4 fallback (Safari) plays too, as a browser would load it from the snippet.
        duration = page.evaluate("""async (src) => {
            const v = document.createElement('video'); v.muted = true; v.src = src; document.body.append(v);
            await new Promise((ok, fail) => { v.onloadeddata = ok; v.onerror = () => fail(v.error.message); });
            return v.duration; }""", f"{published.videos}/{published.name}.mp4")
        assert duration == pytest.approx(published.numbers["duration"], abs=0.25)
        requested = {url.removeprefix(base) for url in guard.requests}
    assert all(url.startswith(base) for url in guard.requests)
    assert f"/{published.videos}/{published.name}.en.vtt" in requested  # real caption files over HTTP


@pytest.mark.browser
def test_gallery_from_the_file_system(gallery: Path, published: Published, chromium) -> None:
    with guarded_page(chromium, viewport={"width": 1100, "height": 900}) as (page, guard):
        _check_page(page, guard, (gallery / "index.html").as_uri(), published, gallery, gallery / "file.png")
    assert all(url.startswith(("file:", "data:")) for url in guard.requests)
