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

Manim is never imported here.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mathviz.pipeline import registry
from mathviz.pipeline.manifest import load_render
from mathviz.pipeline.publish import FORMATS, output_path
from mathviz.pipeline.render import atomic_write_text

__all__ = ["GalleryEntry", "gallery_entries", "embed_snippet", "gallery_html", "write_gallery", "CAPTION_LABELS"]

#: Caption tracks: language code -> label shown in the player's menu.
CAPTION_LABELS = {"en": "English", "zh": "中文"}


@dataclass(frozen=True)
class GalleryEntry:
    """One render on the page; paths are relative to the page."""

    name: str
    scene: str
    title: str
    teaches: str
    video_dir: str
    numbers: dict

    def file(self, suffix: str) -> str:
        return f"{self.video_dir}/{self.name}{suffix}"

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


def _scene_order(order: Sequence[str], entry: GalleryEntry) -> tuple[int, str]:
    return (order.index(entry.scene) if entry.scene in order else len(order), entry.name)


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
        entries.append(GalleryEntry(name, scene, title, teaches, video_dir, numbers))
    order = registry.names()
    return sorted(entries, key=lambda entry: _scene_order(order, entry))


def embed_snippet(entry: GalleryEntry, base: str = "") -> str:
    """The HTML a blog author pastes: an inline ``<video>`` with WebM, MP4 and both caption tracks.

    Muted unless the render is narrated.

    ``base`` is prefixed to every file name (``""``: the files sit next to the post).
    """
    def src(suffix: str) -> str:
        return html.escape(f"{base}{entry.name}{suffix}", quote=True)

    width, height = _resolution(entry)
    lines = [
        f'<video controls{entry.muted} playsinline preload="metadata" width="{width}" height="{height}"',
        f'       style="max-width:100%;height:auto" poster="{src(FORMATS["poster"])}">',
        f'  <source src="{src(".webm")}" type="video/webm">',
        f'  <source src="{src(".mp4")}" type="video/mp4">',
    ]
    for lang, label in CAPTION_LABELS.items():
        default = " default" if lang == "en" else ""
        lines.append(f'  <track kind="captions" srclang="{lang}" label="{label}" src="{src(f".{lang}.vtt")}"{default}>')
    lines.append("</video>")
    return "\n".join(lines)


def _resolution(entry: GalleryEntry) -> tuple[int, int]:
    quality = str(entry.numbers.get("quality", ""))
    heights = {"480p15": (854, 480), "720p30": (1280, 720), "1080p60": (1920, 1080), "1440p60": (2560, 1440),
               "2160p60": (3840, 2160)}
    return heights.get(quality, (1920, 1080))


def _vtt_data_uri(path: Path) -> str:
    return "data:text/vtt;charset=utf-8;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _entry_html(entry: GalleryEntry, media: Path) -> str:
    e = html.escape
    vid = f"v-{entry.name}"
    tracks = []
    for lang, label in CAPTION_LABELS.items():
        vtt = entry.file(f".{lang}.vtt")
        default = " default" if lang == "en" else ""
        tracks.append(f'<track kind="captions" srclang="{lang}" label="{label}" src="{e(vtt, quote=True)}" '
                      f'data-inline="{_vtt_data_uri(media / vtt)}"{default}>')
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
    width, height = _resolution(entry)
    narration = entry.narration
    voice = ""
    if narration:
        label = "espeak draft voice" if narration.get("draft") else "narrated"
        loudness = narration.get("loudness_lufs")
        title = f"narration levelled to {loudness:.1f} LUFS" if isinstance(loudness, (int, float)) else "narration"
        voice = f' · <span class="badge" title="{e(title, quote=True)}">{e(label)}</span>'
    return f"""
<section class="card" id="{e(entry.name, quote=True)}">
  <h2>{e(entry.title)}</h2>
  <p class="teaches">{e(entry.teaches)}</p>
  <video id="{e(vid, quote=True)}" controls{entry.muted} playsinline preload="metadata" width="{width}" height="{height}"
         poster="{e(entry.file(FORMATS["poster"]), quote=True)}" data-duration="{entry.duration:.3f}" data-beats="{entry.beats}">
    <source src="{e(entry.file(".webm"), quote=True)}" type="video/webm">
    <source src="{e(entry.file(".mp4"), quote=True)}" type="video/mp4">
    {"".join(tracks)}
  </video>
  <p class="meta"><code>{e(entry.name)}</code> · scene <code>{e(entry.scene)}</code> · {e(str(entry.numbers.get("quality", "")))}
    · {entry.duration:.1f} s · {entry.beats} beats{voice}</p>
  <p class="links">{" · ".join(links)}</p>
  <div class="cols">
    <div>
      <h3>Parameters</h3>
      <table class="params">{params or "<tr><td>defaults</td></tr>"}</table>
    </div>
    <div>
      <h3>Embed in your blog</h3>
      <p class="hint">Upload the MP4, WebM, poster and <code>.vtt</code> files next to your post, then paste:</p>
      <pre class="snippet"><code>{e(embed_snippet(entry))}</code></pre>
      <button type="button" class="copy">Copy snippet</button>
    </div>
  </div>
  <details>
    <summary>Numbers (<code>mathviz numbers {e(scene_args)}</code>)</summary>
    <pre class="numbers">{e(story)}</pre>
  </details>
</section>"""


_STYLE = """
:root { color-scheme: dark; }
body { margin: 0; background: #111; color: #eee; font: 16px/1.5 "DejaVu Sans", system-ui, sans-serif; }
header, main { max-width: 1000px; margin: 0 auto; padding: 0 16px; }
header h1 { margin: 24px 0 4px; font-size: 28px; }
header p { margin: 0 0 16px; color: #bbb; }
.card { background: #1c1c1c; border-radius: 10px; padding: 16px; margin: 0 0 28px; }
.card h2 { margin: 0 0 4px; font-size: 22px; }
.teaches { margin: 0 0 12px; color: #bbb; }
video { display: block; width: 100%; height: auto; background: #000; border-radius: 6px; }
.meta, .links { margin: 8px 0; color: #ccc; font-size: 14px; }
a { color: #8cc8ff; }
.cols { display: grid; grid-template-columns: 1fr 2fr; gap: 16px; }
@media (max-width: 760px) { .cols { grid-template-columns: 1fr; } }
h3 { margin: 8px 0; font-size: 16px; }
.params th { text-align: left; padding-right: 12px; font-weight: normal; color: #bbb; }
.hint { margin: 0 0 6px; font-size: 13px; color: #aaa; }
pre { background: #0b0b0b; border: 1px solid #333; border-radius: 6px; padding: 10px; overflow-x: auto;
      font-size: 12px; line-height: 1.4; }
.numbers { max-height: 360px; overflow: auto; }
button.copy { background: #2b5d8a; color: #fff; border: 0; border-radius: 5px; padding: 6px 12px; cursor: pointer; }
summary { cursor: pointer; color: #ccc; }
.badge { background: #2b5d8a; color: #fff; border-radius: 4px; padding: 1px 6px; font-size: 13px; }
"""

_SCRIPT = """
// From the file system Chromium will not load <track> files; use the inline copy of each.
if (location.protocol === "file:") {
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
"""


def gallery_html(entries: Sequence[GalleryEntry], media: Path) -> str:
    """The whole page as a string."""
    cards = "".join(_entry_html(entry, media) for entry in entries) or "<p>No renders yet: run <code>make render</code>.</p>"
    toc = " · ".join(f'<a href="#{html.escape(x.name, quote=True)}">{html.escape(x.name)}</a>' for x in entries)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
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
