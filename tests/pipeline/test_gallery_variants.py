"""Variants on one gallery card: the switch swaps the player's sources, poster and tracks; the page follows
the reader's colour scheme; a portrait video stays within the window.

The variant here is a copy of the tiny published render whose JSON says light, 9:16, Chinese, captions
burned in, with its video re-encoded to portrait pixels: the gallery reads the JSON and the video's size,
never its pixels (tests/pipeline/test_look_pixels.py checks real renders' pixels).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from mathviz.pipeline.gallery import GalleryEntry, embed_snippet, variant_labels, write_gallery
from tests.pipeline.web_helpers import Published, copy_render, guarded_page, make_variant, serve, tag

PORTRAIT = "derivative--light-portrait"
BASE_LOOK = {"theme": "dark", "aspect": "16:9", "lang": "en", "captions": "none"}
PORTRAIT_LOOK = {"theme": "light", "aspect": "9:16", "lang": "zh", "captions": "burned"}


def _entry(name: str, **look: str) -> GalleryEntry:
    numbers = {"duration": 1.0, "captions": [], "lang": look.pop("lang", "en")}
    return GalleryEntry(name, "derivative", "The derivative", "", "1080p60", {**numbers, "look": look} if look else numbers)


def test_switch_labels_name_what_differs() -> None:
    base, portrait = _entry("derivative", **BASE_LOOK), _entry(PORTRAIT, **PORTRAIT_LOOK)
    assert variant_labels([base, portrait]) == {"derivative": "dark · 16:9 · English · caption track",
                                                PORTRAIT: "light · 9:16 · 中文 · captions burned in"}
    # Only what differs is named; renders that look alike are told apart by their variant name.
    square = _entry("derivative--square", **{**BASE_LOOK, "aspect": "1:1"})
    steep = _entry("derivative--steep", **BASE_LOOK)
    assert variant_labels([base, square, steep]) == {"derivative": "16:9 · default", "derivative--square": "1:1",
                                                     "derivative--steep": "16:9 · steep"}
    assert variant_labels([base, _entry("derivative--", **BASE_LOOK)]) == {"derivative": "derivative",
                                                                           "derivative--": "derivative--"}
    # A render made before the look was recorded: dark 16:9 English, its caption line burned in.
    old = _entry("derivative")
    assert old.look == {"theme": "dark", "aspect": "16:9", "lang": "en", "captions": "burned"}
    assert variant_labels([old, portrait])["derivative"] == "dark · 16:9 · English"


def test_the_snippet_turns_on_the_track_only_without_burned_captions() -> None:
    def default_tracks(entry: GalleryEntry) -> list[str]:
        video = tag(BeautifulSoup(embed_snippet(entry), "html.parser").video)
        tracks = [tag(t) for t in video.find_all("track")]
        assert [t["srclang"] for t in tracks] == ["en", "zh"]  # the files stay available
        return [str(t["srclang"]) for t in tracks if t.has_attr("default")]

    assert default_tracks(_entry("derivative", **BASE_LOOK)) == ["en"]
    assert default_tracks(_entry("derivative--zh", **{**BASE_LOOK, "lang": "zh"})) == ["zh"]
    assert default_tracks(_entry(PORTRAIT, **PORTRAIT_LOOK)) == []


@pytest.fixture(scope="module")
def variants(published: Published, tmp_path_factory: pytest.TempPathFactory) -> Path:
    media = copy_render(published, tmp_path_factory.mktemp("variants"))
    make_variant(media, published.videos, published.name, published.name, BASE_LOOK)
    make_variant(media, published.videos, published.name, PORTRAIT, PORTRAIT_LOOK, size=(144, 256))
    write_gallery(media, published.videos)
    return media


@pytest.mark.render
def test_one_card_holds_both_variants(variants: Path, published: Published) -> None:
    soup = BeautifulSoup((variants / "index.html").read_text(encoding="utf-8"), "html.parser")
    (card,) = soup.find_all("section", class_="card")
    assert card["id"] == "derivative"
    (video,) = card.find_all("video")  # one player; the default variant without script
    assert video["data-variant"] == "derivative"
    assert [s["src"] for s in video.find_all("source")] == [f"{published.videos}/derivative.webm",
                                                            f"{published.videos}/derivative.mp4"]
    assert [t["srclang"] for t in video.find_all("track") if t.has_attr("default")] == ["en"]
    switch = tag(card.find(class_="switch"))
    assert switch.has_attr("hidden")  # revealed by the script, which alone can switch
    assert [(b["data-variant"], b["aria-pressed"]) for b in switch.find_all("button")] == [
        ("derivative", "true"), (PORTRAIT, "false")]
    panels = card.find_all("div", class_="variant")
    assert [(p["data-variant"], p.has_attr("hidden")) for p in panels] == [("derivative", False), (PORTRAIT, True)]
    snippet_text = tag(panels[1].find("pre", class_="snippet")).get_text()
    portrait_snippet = tag(BeautifulSoup(snippet_text, "html.parser").video)
    assert (portrait_snippet["width"], portrait_snippet["height"]) == ("144", "256")
    data = json.loads(str(tag(card.find("script", class_="variants")).string))
    assert data[PORTRAIT]["poster"] == f"{published.videos}/{PORTRAIT}.poster.png"
    assert [t["default"] for t in data[PORTRAIT]["tracks"]] == [False, False]


_PLAYER = """() => { const v = document.querySelector('section.card video');
    const box = v.getBoundingClientRect(), card = v.closest('section').getBoundingClientRect();
    return {variant: v.dataset.variant, src: v.currentSrc, poster: v.poster, ready: v.readyState,
            tracks: [...v.querySelectorAll('track')].map(t => ({lang: t.srclang, src: t.getAttribute('src'),
                mode: t.track.mode, cues: t.track.cues ? t.track.cues.length : -1})),
            pressed: [...document.querySelectorAll('.switch button')].map(b => b.getAttribute('aria-pressed')),
            panels: [...document.querySelectorAll('.variant')].filter(p => !p.hidden).map(p => p.dataset.variant),
            box: {left: box.left - card.left, right: card.right - box.right, width: box.width, height: box.height},
            viewport: innerHeight}; }"""

# Every cue, not just the first: Chromium adds a track's cues as it parses the file.
_LOADED = """([name, cues]) => { const v = document.querySelector('section.card video');
    return v.dataset.variant === name && v.readyState >= 2 && v.currentSrc.endsWith(name + '.webm')
        && [...v.textTracks].every(t => t.cues && t.cues.length === cues); }"""


def _load_tracks(page) -> None:
    # Tracks load once they are not disabled: hide (not show) the ones off by default, as a viewer's menu would.
    page.evaluate("""() => { for (const t of document.querySelector('section.card video').textTracks)
                                 if (t.mode === 'disabled') t.mode = 'hidden'; }""")


@pytest.mark.render
@pytest.mark.browser
def test_the_switch_swaps_sources_and_tracks(variants: Path, published: Published, chromium) -> None:
    videos = published.videos
    with serve(variants) as base, guarded_page(chromium, viewport={"width": 1100, "height": 800}) as (page, guard):
        page.goto(f"{base}/index.html")
        switch = page.get_by_role("group", name="variant")
        assert switch.is_visible()
        buttons = switch.get_by_role("button")
        assert buttons.all_inner_texts() == ["dark · 16:9 · English · caption track", "light · 9:16 · 中文 · captions burned in"]
        page.wait_for_function("() => document.querySelector('section.card video').readyState >= 2")
        state = page.evaluate(_PLAYER)
        assert state["src"].endswith(f"{videos}/derivative.webm")
        assert [(t["lang"], t["mode"]) for t in state["tracks"]] == [("en", "showing"), ("zh", "disabled")]
        assert state["box"]["width"] == pytest.approx(state["box"]["height"] * 256 / 144, abs=2)

        page.get_by_role("button", name="light · 9:16 · 中文 · captions burned in").click()
        # Burned in: no track is on; read the cues anyway to see the variant's own files arrive.
        page.wait_for_function("() => document.querySelector('section.card video').readyState >= 2")
        state = page.evaluate(_PLAYER)
        assert [(t["lang"], t["mode"]) for t in state["tracks"]] == [("en", "disabled"), ("zh", "disabled")]
        _load_tracks(page)
        page.wait_for_function(_LOADED, arg=[PORTRAIT, published.beats], timeout=30_000)
        state = page.evaluate(_PLAYER)
        assert state["src"] == f"{base}/{videos}/{PORTRAIT}.webm"
        assert state["poster"] == f"{base}/{videos}/{PORTRAIT}.poster.png"
        assert [(t["lang"], t["src"], t["cues"]) for t in state["tracks"]] == [
            (lang, f"{videos}/{PORTRAIT}.{lang}.vtt", published.beats) for lang in ("en", "zh")]
        assert state["pressed"] == ["false", "true"] and state["panels"] == [PORTRAIT]
        assert page.url.endswith(f"#{PORTRAIT}")
        # Portrait: no taller than 3/4 of the window, centred in its card, its own shape.
        box = state["box"]
        assert box["height"] <= 0.75 * state["viewport"] + 1
        assert box["width"] == pytest.approx(box["height"] * 144 / 256, abs=2)
        assert box["left"] == pytest.approx(box["right"], abs=2)
        visible_snippet = page.locator(".variant:not([hidden]) pre.snippet").inner_text()
        assert f'src="{PORTRAIT}.webm"' in visible_snippet
        page.screenshot(path=str(variants / "switched.png"), full_page=True)

        page.get_by_role("button", name="dark · 16:9 · English · caption track").click()
        page.wait_for_function("""() => document.querySelector('section.card video').textTracks[0].cues?.length > 0""")
        state = page.evaluate(_PLAYER)
        assert [(t["lang"], t["mode"]) for t in state["tracks"]] == [("en", "showing"), ("zh", "disabled")]
        assert state["panels"] == ["derivative"]

        # A link to the variant opens the card on it.
        page.goto(f"{base}/index.html#{PORTRAIT}")
        page.wait_for_function("() => document.querySelector('section.card video').readyState >= 2")
        state = page.evaluate(_PLAYER)
        assert (state["variant"], state["panels"]) == (PORTRAIT, [PORTRAIT])
        requested = {url.removeprefix(base) for url in guard.requests}
    assert guard.blocked == []
    assert f"/{videos}/{PORTRAIT}.zh.vtt" in requested  # the variant's real caption files over HTTP


@pytest.mark.render
@pytest.mark.browser
def test_switching_from_the_file_system_loads_the_inline_tracks(variants: Path, published: Published, chromium) -> None:
    with guarded_page(chromium, viewport={"width": 1100, "height": 800}) as (page, guard):
        page.goto((variants / "index.html").as_uri())
        page.get_by_role("button", name="light · 9:16 · 中文 · captions burned in").click()
        _load_tracks(page)
        page.wait_for_function(_LOADED, arg=[PORTRAIT, published.beats], timeout=30_000)
        tracks = page.evaluate(_PLAYER)["tracks"]
    assert [(t["lang"], t["src"].startswith("data:text/vtt"), t["cues"]) for t in tracks] == [
        ("en", True, published.beats), ("zh", True, published.beats)]
    assert guard.blocked == [] and all(url.startswith(("file:", "data:")) for url in guard.requests)


@pytest.mark.render
@pytest.mark.browser
def test_without_script_the_default_variant_plays(variants: Path, chromium) -> None:
    with guarded_page(chromium, java_script_enabled=False, viewport={"width": 1100, "height": 800}) as (page, _):
        page.goto((variants / "index.html").as_uri())
        assert not page.locator(".switch").is_visible()
        assert page.locator(".variant[data-variant='derivative']").is_visible()
        assert not page.locator(f".variant[data-variant='{PORTRAIT}']").is_visible()
        assert page.get_by_role("link", name="light · 9:16 · 中文 · captions burned in").get_attribute("href").endswith(
            f"{PORTRAIT}.mp4")
        page.wait_for_function("() => document.querySelector('video').readyState >= 2", timeout=30_000)
        assert page.evaluate("() => document.querySelector('video').currentSrc").endswith("/derivative.webm")


def _luminance(css: str) -> float:
    """WCAG relative luminance of a computed ``rgb(r, g, b)`` colour."""
    channels = [int(c) / 255 for c in css.removeprefix("rgb(").removesuffix(")").split(",")[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: float, b: float) -> float:
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


@pytest.mark.render
@pytest.mark.browser
def test_the_page_follows_the_readers_colour_scheme(variants: Path, chromium) -> None:
    colours = """() => { const s = getComputedStyle(document.body), c = getComputedStyle(document.querySelector('.card')),
        m = getComputedStyle(document.querySelector('.meta')), a = getComputedStyle(document.querySelector('.links a'));
        return {bg: s.backgroundColor, fg: s.color, card: c.backgroundColor, muted: m.color, link: a.color}; }"""
    seen: dict[str, dict[str, float]] = {}
    with guarded_page(chromium, viewport={"width": 1100, "height": 800}) as (page, _):
        page.goto((variants / "index.html").as_uri())
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            seen[scheme] = {k: _luminance(v) for k, v in page.evaluate(colours).items()}
            page.screenshot(path=str(variants / f"gallery-{scheme}.png"), full_page=True)
    light, dark = seen["light"], seen["dark"]
    assert light["bg"] > 0.8 and light["card"] > 0.8 and dark["bg"] < 0.02 and dark["card"] < 0.02
    for lum in (light, dark):  # every text colour readable on the card (WCAG AA: 4.5:1)
        assert min(_contrast(lum[k], lum["card"]) for k in ("fg", "muted", "link")) >= 4.5
