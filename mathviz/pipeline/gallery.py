"""The gallery page ``media/index.html``: every render with its video, captions, numbers and an embed snippet.

A blog author opens the page, watches a video with English or Chinese
captions, checks the parameters and numbers it was made from, and copies a
``<video>`` snippet to paste into a post. The page is plain HTML with a few
lines of inline script and style: it loads nothing from the network, so it
works opened from the file system and from any static host.

Opened from the file system, Chromium refuses to load ``<track>`` files (each
``file:`` URL is its own origin), so every caption track also carries its
WebVTT text inline, and the page's script swaps it in as a ``data:`` URL when
the page is a ``file:`` page. Over HTTP the tracks load the real ``.vtt``
files, exactly as a blog would.

A narrated render (``mathviz render --narration``) is marked on its card
("narrated", or "espeak draft voice"), and its video and embed snippet are
not ``muted``: the voice is the point.

Variants: ``<scene>`` and every ``<scene>--<variant>`` render share one card
with a switch (buttons labelled by what differs: theme, aspect, language,
captions) that swaps the player's sources, poster, caption tracks, and the
numbers, links and embed snippet shown. Without script the card shows the
default variant (``<scene>`` itself, else the first) and links the others'
MP4s. The caption tracks follow how each render was made (its JSON's
``captions``): with ``none`` the track in the render's language is on by
default; with ``burned`` the line is already in the picture, so no track is on
by default (both stay in the player's menu and the snippet).

The page follows the reader's light or dark preference
(``prefers-color-scheme``), and a portrait or square video is never taller
than three quarters of the window, centred.

Manim is never imported here.
"""

from __future__ import annotations

import base64
import html
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import av

from mathviz.pipeline import registry
from mathviz.pipeline.manifest import LOOK_KEYS, RenderMismatch, load_render, look_of
from mathviz.pipeline.publish import FORMATS, output_path
from mathviz.pipeline.render import atomic_write_text

__all__ = ["GalleryEntry", "gallery_entries", "gallery_groups", "variant_labels", "embed_snippet", "gallery_html",
           "write_gallery", "CAPTION_LABELS"]

#: Caption tracks: language code -> label shown in the player's menu.
CAPTION_LABELS = {"en": "English", "zh": "中文"}
#: A variant's name: ``<group>--<variant>`` (the render file ``renders/<group>--<variant>.toml``).
VARIANT_SEPARATOR = "--"


@dataclass(frozen=True)
class GalleryEntry:
    """One render on the page; paths are relative to the page. ``width``/``height``: the video's pixels."""

    name: str
    scene: str
    title: str
    teaches: str
    video_dir: str
    numbers: dict
    width: int = 1920
    height: int = 1080

    def file(self, suffix: str) -> str:
        return f"{self.video_dir}/{self.name}{suffix}"

    @property
    def group(self) -> str:
        """The card this render shows on: its name up to ``--``."""
        return self.name.split(VARIANT_SEPARATOR, 1)[0]

    @property
    def variant(self) -> str:
        """What follows ``--`` in its name ("" for the default render of a card)."""
        return self.name.split(VARIANT_SEPARATOR, 1)[1] if VARIANT_SEPARATOR in self.name else ""

    @property
    def look(self) -> dict[str, str]:
        """theme, aspect, lang and captions as the render recorded them."""
        return look_of(self.numbers)

    @property
    def burned(self) -> bool:
        """Whether the caption line is drawn in the video (then no caption track is on by default)."""
        return self.look["captions"] == "burned"

    @property
    def default_track(self) -> str | None:
        """The caption track on by default: the render's language, none when captions are burned in."""
        if self.burned:
            return None
        lang = self.look["lang"]
        return lang if lang in CAPTION_LABELS else "en"

    @property
    def duration(self) -> float:
        return float(self.numbers["duration"])

    @property
    def narration(self) -> dict | None:
        """What the render recorded about its narration (source, loudness, clips), or None when silent."""
        return self.numbers.get("narration") or None

    @property
    def muted(self) -> str:
        """The ``muted`` attribute for a silent video (so it may autoplay quietly), nothing for a narrated one."""
        return "" if self.narration else " muted"

    @property
    def beats(self) -> int:
        return sum(1 for c in self.numbers.get("captions", []) if c["end"] - c["start"] > 1e-6)


def _scene_order(order: Sequence[str], entry: GalleryEntry) -> tuple[int, str, bool, str]:
    # Scenes in the catalogue's order; within a card the default render first, then its variants by name.
    return (order.index(entry.scene) if entry.scene in order else len(order), entry.group, entry.variant != "",
            entry.name)


def _video_size(video: Path) -> tuple[int, int]:
    """The video's width and height in pixels (a render's JSON records its quality, not its frame shape)."""
    try:
        with av.open(str(video)) as container:
            ctx = container.streams.video[0].codec_context
            return int(ctx.width), int(ctx.height)
    except (av.error.FFmpegError, IndexError):
        raise RenderMismatch(f"{video} is not a readable video; render {video.stem} again") from None


def gallery_entries(media: Path, video_dir: str = "1080p60", names: Sequence[str] | None = None) -> list[GalleryEntry]:
    """The renders in ``media/video_dir`` (or only ``names``), in the catalogue's order.

    Raises FileNotFoundError naming the first missing file a listed render needs, and
    :class:`~mathviz.pipeline.manifest.RenderMismatch` when a render's JSON and captions are not
    the ones written with its video.
    """
    folder = media / video_dir
    if names is None:
        names = sorted(p.stem for p in folder.glob("*.json") if p.with_suffix(".mp4").is_file())
    entries = []
    for name in names:
        needed = [folder / f"{name}.json"] + [output_path(folder / f"{name}.mp4", f) for f in ("mp4", "webm", "poster")]
        needed += [folder / f"{name}.{lang}.vtt" for lang in CAPTION_LABELS]
        for path in needed:
            if not path.is_file():
                raise FileNotFoundError(f"{path} is missing; run: make render")
        numbers = load_render(folder / f"{name}.mp4")  # raises RenderMismatch unless the files belong together
        scene = numbers.get("scene", name)
        try:
            spec = registry.get(scene)
            title, teaches = spec.title, spec.teaches
        except registry.UnknownSceneError:
            title, teaches = scene, ""
        width, height = _video_size(folder / f"{name}.mp4")
        entries.append(GalleryEntry(name, scene, title, teaches, video_dir, numbers, width, height))
    order = registry.names()
    return sorted(entries, key=lambda entry: _scene_order(order, entry))


def gallery_groups(entries: Sequence[GalleryEntry]) -> list[list[GalleryEntry]]:
    """The entries by card (``<scene>`` with its ``<scene>--<variant>`` renders), in the order given."""
    groups: dict[str, list[GalleryEntry]] = {}
    for entry in entries:
        groups.setdefault(entry.group, []).append(entry)
    return list(groups.values())


def _look_words(key: str, value: str) -> str:
    if key == "lang":
        return CAPTION_LABELS.get(value, value)
    if key == "captions":
        return {"burned": "captions burned in", "none": "caption track"}.get(value, f"captions {value}")
    return value


def variant_labels(entries: Sequence[GalleryEntry]) -> dict[str, str]:
    """A switch label per render of one card: what differs between them ("light · 9:16 · 中文").

    Renders that look alike (they differ in parameters only) are told apart by their variant name.
    """
    differing = [key for key in LOOK_KEYS if len({entry.look[key] for entry in entries}) > 1]
    words = {entry.name: [_look_words(key, entry.look[key]) for key in differing] for entry in entries}
    seen = Counter(tuple(w) for w in words.values())
    for entry in entries:
        if seen[tuple(words[entry.name])] > 1 or not words[entry.name]:
            words[entry.name].append(entry.variant or "default")
    labels = {name: " · ".join(w) for name, w in words.items()}
    if len(set(labels.values())) < len(labels):  # "derivative--" beside "derivative": only the names differ
        labels = {entry.name: entry.name for entry in entries}
    return labels


def _tracks(entry: GalleryEntry) -> list[tuple[str, str, str, bool]]:
    """``(lang, label, suffix, default)`` of each caption track, in menu order."""
    return [(lang, label, f".{lang}.vtt", lang == entry.default_track) for lang, label in CAPTION_LABELS.items()]


def embed_snippet(entry: GalleryEntry, base: str = "") -> str:
    """The HTML a blog author pastes: an inline ``<video>`` with WebM, MP4 and both caption tracks.

    Muted unless the render is narrated. The track in the render's language is on by default
    unless the caption line is burned into the video. Never wider than its column nor taller than
    80% of the window (a portrait video on a wide screen), centred.

    ``base`` is prefixed to every file name (``""``: the files sit next to the post).
    """
    def src(suffix: str) -> str:
        return html.escape(f"{base}{entry.name}{suffix}", quote=True)

    width, height = entry.width, entry.height
    lines = [
        f'<video controls{entry.muted} playsinline preload="metadata" width="{width}" height="{height}"',
        f'       style="display:block;margin:0 auto;width:min(100%, calc(80vh * {width} / {height}));height:auto"',
        f'       poster="{src(FORMATS["poster"])}">',
        f'  <source src="{src(".webm")}" type="video/webm">',
        f'  <source src="{src(".mp4")}" type="video/mp4">',
    ]
    for lang, label, suffix, default in _tracks(entry):
        lines.append(f'  <track kind="captions" srclang="{lang}" label="{label}" src="{src(suffix)}"'
                     f'{" default" if default else ""}>')
    lines.append("</video>")
    return "\n".join(lines)


def _vtt_data_uri(path: Path) -> str:
    return "data:text/vtt;charset=utf-8;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _player_data(entry: GalleryEntry, media: Path) -> dict:
    """What the switch puts into the player for this render."""
    return {
        "poster": entry.file(FORMATS["poster"]),
        "sources": [[entry.file(".webm"), "video/webm"], [entry.file(".mp4"), "video/mp4"]],
        "tracks": [{"srclang": lang, "label": label, "src": entry.file(suffix),
                    "inline": _vtt_data_uri(media / entry.file(suffix)), "default": default}
                   for lang, label, suffix, default in _tracks(entry)],
        "width": entry.width, "height": entry.height, "muted": not entry.narration,
        "duration": f"{entry.duration:.3f}", "beats": entry.beats,
    }


def _look_text(entry: GalleryEntry) -> str:
    look = entry.look
    return " · ".join([look["theme"], look["aspect"], _look_words("lang", look["lang"]),
                       _look_words("captions", look["captions"])])


def _info_html(entry: GalleryEntry, media: Path, hidden: bool) -> str:
    """The numbers, links and snippet of one render (one per variant; the switch shows one)."""
    e = html.escape
    downloads = [("MP4", ".mp4"), ("WebM", ".webm"), ("GIF", ".gif"), ("poster", FORMATS["poster"]),
                 ("captions en .vtt", ".en.vtt"), ("en .srt", ".en.srt"), ("字幕 zh .vtt", ".zh.vtt"),
                 ("zh .srt", ".zh.srt"), ("numbers .json", ".json")]
    links = [f'<a href="{e(entry.file(s), quote=True)}">{e(label)}</a>' for label, s in downloads
             if (media / entry.file(s)).is_file()]
    slides = Path("slides") / f"{entry.name}.html"
    if (media / slides).is_file():
        links.append(f'<a href="{e(slides.as_posix(), quote=True)}">lecture slides</a>')
    if (media / "slides" / f"{entry.name}.pdf").is_file():
        links.append(f'<a href="slides/{e(entry.name, quote=True)}.pdf">slides PDF</a>')
    params = "".join(f"<tr><th>{e(k)}</th><td><code>{e(str(v))}</code></td></tr>"
                     for k, v in entry.numbers.get("params", {}).items())
    story = json.dumps(entry.numbers.get("story", {}), indent=2, ensure_ascii=False)
    scene_args = entry.scene + ("" if entry.name == entry.scene else f" --params renders/{entry.name}.toml")
    narration = entry.narration
    voice = ""
    if narration:
        label = "espeak draft voice" if narration.get("draft") else "narrated"
        loudness = narration.get("loudness_lufs")
        title = f"narration levelled to {loudness:.1f} LUFS" if isinstance(loudness, (int, float)) else "narration"
        voice = f' · <span class="badge" title="{e(title, quote=True)}">{e(label)}</span>'
    if entry.burned:
        tracks_hint = ("The caption line is drawn in the video, so no track is on by default; "
                       "the <code>.vtt</code> files stay in the viewer's CC menu.")
    else:
        tracks_hint = "Captions come from the <code>.vtt</code> tracks (the video draws none)."
    return f"""
  <div class="variant" data-variant="{e(entry.name, quote=True)}"{" hidden" if hidden else ""}>
  <p class="meta"><code>{e(entry.name)}</code> · scene <code>{e(entry.scene)}</code> · {e(str(entry.numbers.get("quality", "")))}
    ({entry.width}×{entry.height}) · {e(_look_text(entry))} · {entry.duration:.1f} s · {entry.beats} beats{voice}</p>
  <p class="links">{" · ".join(links)}</p>
  <div class="cols">
    <div>
      <h3>Parameters</h3>
      <table class="params">{params or "<tr><td>defaults</td></tr>"}</table>
    </div>
    <div>
      <h3>Embed in your blog</h3>
      <p class="hint">Upload the MP4, WebM, poster and <code>.vtt</code> files next to your post, then paste.
        {tracks_hint}</p>
      <pre class="snippet"><code>{e(embed_snippet(entry))}</code></pre>
      <button type="button" class="copy">Copy snippet</button>
    </div>
  </div>
  <details>
    <summary>Numbers (<code>mathviz numbers {e(scene_args)}</code>)</summary>
    <pre class="numbers">{e(story)}</pre>
  </details>
  </div>"""


def _json_in_script(data: object) -> str:
    """JSON safe inside ``<script>``: no ``<`` can end the element or open a comment."""
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


def _group_html(entries: Sequence[GalleryEntry], media: Path) -> str:
    """One card: the default render's player, a switch to its variants, each render's numbers and snippet."""
    e = html.escape
    default = entries[0]
    vid = f"v-{default.group}"
    tracks = []
    for lang, label, suffix, is_default in _tracks(default):
        vtt = default.file(suffix)
        tracks.append(f'<track kind="captions" srclang="{lang}" label="{label}" src="{e(vtt, quote=True)}" '
                      f'data-inline="{_vtt_data_uri(media / vtt)}"{" default" if is_default else ""}>')
    switch = noscript = variants = ""
    if len(entries) > 1:
        labels = variant_labels(entries)
        buttons = "".join(
            f'<button type="button" data-variant="{e(x.name, quote=True)}" title="{e(x.name, quote=True)}" '
            f'aria-pressed="{"true" if x is default else "false"}">{e(labels[x.name])}</button>' for x in entries)
        # Revealed by the script: without it the buttons could do nothing.
        group_label = e(f"{default.title}: variant", quote=True)
        switch = f'\n  <div class="switch" role="group" aria-label="{group_label}" hidden>{buttons}</div>'
        others = " · ".join(f'<a href="{e(x.file(".mp4"), quote=True)}">{e(labels[x.name])}</a>' for x in entries[1:])
        noscript = f"\n  <noscript><p class=\"meta\">Also rendered as: {others}</p></noscript>"
        data = {x.name: _player_data(x, media) for x in entries}
        variants = f'\n  <script type="application/json" class="variants">{_json_in_script(data)}</script>'
    info = "".join(_info_html(x, media, hidden=x is not default) for x in entries)
    return f"""
<section class="card" id="{e(default.group, quote=True)}">
  <h2>{e(default.title)}</h2>
  <p class="teaches">{e(default.teaches)}</p>{switch}
  <video id="{e(vid, quote=True)}" controls{default.muted} playsinline preload="metadata"
         width="{default.width}" height="{default.height}" style="--w: {default.width}; --h: {default.height}"
         data-variant="{e(default.name, quote=True)}" poster="{e(default.file(FORMATS["poster"]), quote=True)}"
         data-duration="{default.duration:.3f}" data-beats="{default.beats}">
    <source src="{e(default.file(".webm"), quote=True)}" type="video/webm">
    <source src="{e(default.file(".mp4"), quote=True)}" type="video/mp4">
    {"".join(tracks)}
  </video>{noscript}{info}{variants}
</section>"""


def _entry_html(entry: GalleryEntry, media: Path) -> str:
    """A card for one render alone."""
    return _group_html([entry], media)


_STYLE = """
:root {
  color-scheme: light dark;
  --bg: #f4f4f1; --fg: #1a1a1a; --muted: #4f4f4f; --card: #ffffff; --border: #d6d6d2; --code-bg: #f3f3f0;
  --link: #0a58a8; --accent: #1d5b8f; --accent-fg: #ffffff;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #111111; --fg: #eeeeee; --muted: #bbbbbb; --card: #1c1c1c; --border: #333333; --code-bg: #0b0b0b;
    --link: #8cc8ff; --accent: #2b5d8a; --accent-fg: #ffffff;
  }
}
[hidden] { display: none !important; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 16px/1.5 "DejaVu Sans", system-ui, sans-serif; }
header, main { max-width: 1000px; margin: 0 auto; padding: 0 16px; }
header h1 { margin: 24px 0 4px; font-size: 28px; }
header p { margin: 0 0 16px; color: var(--muted); }
.card { background: var(--card); border: 1px solid var(--border); border-radius: 10px; padding: 16px; margin: 0 0 28px; }
.card h2 { margin: 0 0 4px; font-size: 22px; }
.teaches { margin: 0 0 12px; color: var(--muted); }
/* As wide as the card, never taller than 75% of the window (portrait, square), centred. */
video { display: block; margin: 0 auto; aspect-ratio: var(--w) / var(--h); height: auto;
        width: min(100%, calc(75vh * var(--w) / var(--h))); border-radius: 6px; }
.switch { display: flex; flex-wrap: wrap; gap: 6px; margin: 0 0 10px; }
.switch button { background: transparent; color: var(--fg); border: 1px solid var(--border); border-radius: 5px;
                 padding: 4px 10px; font: inherit; font-size: 14px; cursor: pointer; }
.switch button[aria-pressed="true"] { background: var(--accent); color: var(--accent-fg); border-color: var(--accent); }
.meta, .links { margin: 8px 0; color: var(--muted); font-size: 14px; }
a { color: var(--link); }
.cols { display: grid; grid-template-columns: 1fr 2fr; gap: 16px; }
@media (max-width: 760px) { .cols { grid-template-columns: 1fr; } }
h3 { margin: 8px 0; font-size: 16px; }
.params th { text-align: left; padding-right: 12px; font-weight: normal; color: var(--muted); }
.hint { margin: 0 0 6px; font-size: 13px; color: var(--muted); }
pre { background: var(--code-bg); border: 1px solid var(--border); border-radius: 6px; padding: 10px; overflow-x: auto;
      font-size: 12px; line-height: 1.4; }
.numbers { max-height: 360px; overflow: auto; }
button.copy { background: var(--accent); color: var(--accent-fg); border: 0; border-radius: 5px; padding: 6px 12px;
              cursor: pointer; }
summary { cursor: pointer; color: var(--muted); }
.badge { background: var(--accent); color: var(--accent-fg); border-radius: 4px; padding: 1px 6px; font-size: 13px; }
"""

_SCRIPT = """
// From the file system Chromium will not load <track> files; use the inline copy of each.
const fromDisk = location.protocol === "file:";
if (fromDisk) {
  for (const track of document.querySelectorAll("track[data-inline]")) track.src = track.dataset.inline;
}
for (const button of document.querySelectorAll("button.copy")) {
  button.addEventListener("click", async () => {
    const code = button.parentElement.querySelector("pre.snippet").innerText;
    try { await navigator.clipboard.writeText(code); button.textContent = "Copied"; }
    catch (err) {  // no clipboard API (file: pages in some browsers): select the text instead
      const range = document.createRange();
      range.selectNodeContents(button.parentElement.querySelector("pre.snippet"));
      getSelection().removeAllRanges(); getSelection().addRange(range);
      button.textContent = "Press Ctrl+C";
    }
  });
}
// Variants: one player per card; the switch swaps its sources, poster and tracks, and which numbers show.
function showVariant(card, name) {
  const v = JSON.parse(card.querySelector("script.variants").textContent)[name];
  if (!v) return false;
  const video = card.querySelector("video");
  if (video.dataset.variant !== name) {
    // A new element, not new children: a player keeps choosing captions it once showed, whatever the
    // new tracks say (Chromium turns on a track of a burned-in variant after one was shown).
    video.pause();
    const fresh = video.cloneNode(false);
    for (const [src, type] of v.sources) {
      const source = document.createElement("source");
      source.src = src; source.type = type; fresh.append(source);
    }
    for (const t of v.tracks) {
      const track = document.createElement("track");
      track.kind = "captions"; track.srclang = t.srclang; track.label = t.label;
      track.src = fromDisk ? t.inline : t.src; track.dataset.inline = t.inline; track.default = t.default;
      fresh.append(track);
    }
    fresh.poster = v.poster; fresh.width = v.width; fresh.height = v.height;
    fresh.style.setProperty("--w", v.width); fresh.style.setProperty("--h", v.height);
    fresh.defaultMuted = v.muted; fresh.muted = v.muted;
    fresh.dataset.variant = name; fresh.dataset.duration = v.duration; fresh.dataset.beats = v.beats;
    video.replaceWith(fresh);
  }
  for (const panel of card.querySelectorAll(".variant")) panel.hidden = panel.dataset.variant !== name;
  for (const b of card.querySelectorAll(".switch button")) b.setAttribute("aria-pressed", String(b.dataset.variant === name));
  return true;
}
for (const card of document.querySelectorAll("section.card")) {
  const buttons = card.querySelectorAll(".switch button");
  if (!buttons.length) continue;
  card.querySelector(".switch").hidden = false;
  for (const button of buttons) {
    button.addEventListener("click", () => {
      if (showVariant(card, button.dataset.variant)) history.replaceState(null, "", "#" + button.dataset.variant);
    });
  }
}
// A link to a variant (index.html#derivative--light-portrait) opens its card on it.
function openFromHash() {
  if (location.hash.length < 2) return;
  const name = decodeURIComponent(location.hash.slice(1));
  const button = document.querySelector(`.switch button[data-variant="${CSS.escape(name)}"]`);
  if (button) { const card = button.closest("section.card"); showVariant(card, name); card.scrollIntoView(); }
}
openFromHash();
addEventListener("hashchange", openFromHash);
"""


def gallery_html(entries: Sequence[GalleryEntry], media: Path) -> str:
    """The whole page as a string."""
    groups = gallery_groups(entries)
    cards = "".join(_group_html(group, media) for group in groups) or "<p>No renders yet: run <code>make render</code>.</p>"
    toc = " · ".join(f'<a href="#{html.escape(g[0].group, quote=True)}">{html.escape(g[0].group)}</a>' for g in groups)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>mathviz gallery</title>
<link rel="icon" href="data:,">
<style>{_STYLE}</style>
</head>
<body>
<header>
  <h1>mathviz gallery</h1>
  <p>Verified animated explainers of the math behind machine learning. Captions in English and 中文
     (choose in the player's CC menu). {toc}</p>
</header>
<main>{cards}
</main>
<script>{_SCRIPT}</script>
</body>
</html>
"""


def write_gallery(media: Path | str = Path("media"), video_dir: str = "1080p60",
                  names: Sequence[str] | None = None) -> Path:
    """Write ``index.html`` in ``media`` (its links are relative to that folder) and return its path."""
    media = Path(media)
    entries = gallery_entries(media, video_dir, names)
    page = atomic_write_text(media / "index.html", gallery_html(entries, media))
    page.chmod(0o644)  # readable by a static web server
    return page
