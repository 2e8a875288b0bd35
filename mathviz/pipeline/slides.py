"""Lecture slides from a finished render: one slide per beat, one self-contained HTML file.

A lecturer wants the video to stop when an idea is complete and go on when
they press a key. Every scene already opens one Manim section per teaching
beat and records when each beat starts and ends (the render's ``.json``), so
the rendered MP4 is cut at those times into one clip per beat and handed to
`manim-slides <https://github.com/jeertmans/manim-slides>`_'s reveal.js
converter, which plays a clip, holds its last frame and moves to the next on
a key press (right arrow, page down, a presenter's clicker).

Cutting needs no re-encode: Manim encodes every animation as its own movie
and concatenates them, so each beat begins on a keyframe; the clip is a
stream copy from that keyframe to the next beat's. (A video whose beats do
not start on keyframes is re-encoded instead.)

manim-slides loads reveal.js from a CDN, which a lecture room without network
cannot reach. Here its template points at a placeholder and every reveal.js
script and stylesheet is then inlined from the npm package ``reveal.js``
installed in ``node_modules/`` by the set-up, and the clips are embedded as
data URIs: the HTML file is the whole presentation and loads nothing.

A narrated render's slides speak: every clip carries its beat's stretch of
the narration (re-encoded as AAC from the decoded track, so it starts and stops
exactly with the slide's video), and no slide is muted. The beat's clip starts
with the beat and the beat lasts at least as long as the clip, so the voice
plays with its slide and stops at the end of the beat.

Also available: a PDF (the last frame of every beat, for slideware) and a
PPTX (manim-slides' PowerPoint export, one video per slide).

The slides follow how the render was made (its JSON, see
:func:`mathviz.pipeline.manifest.look_of`):

* Background: every slide's background is the video's own background colour
  (read from its first frame's edge), so a light-theme video on a screen of
  another shape sits on light bars, a dark one on dark bars.
* Captions ``none`` (the video draws no caption line): the HTML shows the beat's
  caption in the render's language as a line of text at the bottom of the
  screen, on by default; ``C`` or the ``CC`` button in the top right corner
  turns it off and on (a lecturer speaking over the video turns it off once).
  Every PDF page has the beat's caption under its frame.
* Captions ``burned``: the caption is in the picture already; the slides add
  none (the speaker notes carry both languages either way).
"""

from __future__ import annotations

import html
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from mathviz.pipeline.atomic import atomic_output
from mathviz.pipeline.audio import SAMPLE_RATE, add_track, decode_track, encode_track, interleave
from mathviz.pipeline.manifest import load_render, look_of
from mathviz.pipeline.publish import seconds

__all__ = [
    "SLIDE_FORMATS",
    "Beat",
    "beats_of",
    "cut_beats",
    "reveal_dir",
    "build_slides",
    "background_of",
    "caption_lines",
    "RevealMissing",
]

#: What ``mathviz slides --format`` accepts, and the suffix each writes.
SLIDE_FORMATS = {"html": ".html", "pdf": ".pdf", "pptx": ".pptx"}

#: Where the reveal.js npm package is, relative to the repository (``npm ci`` installs it there).
_REPO = Path(__file__).resolve().parents[2]  # mathviz/pipeline/slides.py -> the repository
_PLACEHOLDER = "mathviz-local-reveal"


class RevealMissing(RuntimeError):
    """reveal.js is not installed locally; the message says how to install it."""


@dataclass(frozen=True)
class Beat:
    """One slide: a beat's name, where it starts and ends in the video (s), its captions."""

    name: str
    start: float
    end: float
    en: str
    zh: str

    def text(self, lang: str) -> str:
        """The caption in ``lang`` (English for a language the captions do not have)."""
        return self.zh if lang == "zh" else self.en


def beats_of(numbers: dict) -> list[Beat]:
    """The beats recorded by a render (its ``.json``), covering the whole video without gaps.

    Anything before the first beat joins the first slide; beats of zero
    length (two ``beat()`` calls in a row) are dropped.
    """
    duration = float(numbers["duration"])
    beats = []
    for caption in numbers.get("captions") or []:
        if caption["end"] - caption["start"] <= 1e-6:
            continue
        beats.append(Beat(caption["name"], float(caption["start"]), float(caption["end"]), caption["en"], caption["zh"]))
    if not beats:
        return [Beat("video", 0.0, duration, "", "")]
    first = beats[0]
    beats[0] = Beat(first.name, 0.0, first.end, first.en, first.zh)
    # Consecutive slides share their boundary, and the last one runs to the end of the video.
    fixed = [Beat(b.name, b.start, nxt.start, b.en, b.zh) for b, nxt in zip(beats, beats[1:])]
    last = beats[-1]
    fixed.append(Beat(last.name, last.start, duration, last.en, last.zh))
    return fixed


def _packets_by_beat(video: Path, beats: Sequence[Beat]) -> list[list[av.Packet]] | None:
    """The video's packets split at the keyframe where each beat starts, or None if one has none."""
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        tolerance = 1.5 / float(stream.average_rate or 30)
        packets = [p for p in container.demux(stream) if p.dts is not None]
    keyframes = [(i, seconds(p.pts, p.time_base)) for i, p in enumerate(packets) if p.is_keyframe]
    cuts = [0]
    for beat in beats[1:]:
        index, at = min(keyframes, key=lambda k: abs(k[1] - beat.start))
        if abs(at - beat.start) > tolerance or index <= cuts[-1]:
            return None
        cuts.append(index)
    cuts.append(len(packets))
    return [packets[a:b] for a, b in zip(cuts, cuts[1:])]


def _audio_slice(track, start: float, end: float):
    """The narration between ``start`` and ``end`` seconds (None for a silent video)."""
    if track is None or not len(track):
        return None
    return track[int(round(start * SAMPLE_RATE)):int(round(end * SAMPLE_RATE))]


def _write_copy(video: Path, packets: list[av.Packet], dst: Path, audio=None) -> None:
    with av.open(str(video)) as template_container:
        template = template_container.streams.video[0]
        with av.open(str(dst), "w", format="mp4", options={"movflags": "+faststart", "fflags": "+bitexact"}) as out:
            stream = out.add_stream_from_template(template)
            audio_packets = encode_track(add_track(out, "aac"), audio) if audio is not None and len(audio) else []
            offset = packets[0].pts

            def video_packets():
                for packet in packets:
                    packet.pts -= offset
                    packet.dts = None  # as Manim's own concatenation: libav derives increasing dts
                    packet.stream = stream
                    yield packet

            for packet in interleave(video_packets(), audio_packets):
                out.mux(packet)


def _write_reencoded(video: Path, beat: Beat, dst: Path, audio=None) -> None:
    with av.open(str(video)) as inp, av.open(str(dst), "w", format="mp4",
                                             options={"movflags": "+faststart", "fflags": "+bitexact"}) as out:
        in_stream = inp.streams.video[0]
        rate = in_stream.average_rate
        if rate is None:
            raise ValueError(f"{video}: the video stream has no frame rate, so its beats cannot be cut")
        stream = out.add_stream("libx264", rate=rate, options={"crf": "20", "preset": "veryfast"})
        stream.width, stream.height = in_stream.codec_context.width, in_stream.codec_context.height
        stream.pix_fmt = "yuv420p"
        audio_packets = encode_track(add_track(out, "aac"), audio) if audio is not None and len(audio) else []
        slack = 0.5 / float(rate)

        def video_packets():
            count = 0
            for frame in inp.decode(in_stream):
                t = float(frame.pts * in_stream.time_base)
                if t < beat.start - slack:
                    continue
                if t >= beat.end - slack:
                    break
                frame = frame.reformat(format="yuv420p")
                frame.pts = count
                frame.time_base = Fraction(1) / rate
                yield from stream.encode(frame)
                count += 1
            yield from stream.encode(None)

        for packet in interleave(video_packets(), audio_packets):
            out.mux(packet)


def cut_beats(video: Path, numbers: dict, out_dir: Path) -> list[tuple[Beat, Path]]:
    """One MP4 per beat in ``out_dir`` (``01-<beat>.mp4``, ...): stream copies when possible.

    A narrated video's clips carry their beat's stretch of the narration.
    """
    beats = beats_of(numbers)
    out_dir.mkdir(parents=True, exist_ok=True)
    groups = _packets_by_beat(video, beats)
    track = decode_track(video)
    clips = []
    for i, beat in enumerate(beats, start=1):
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in beat.name)[:40]
        dst = out_dir / f"{i:02d}-{safe}.mp4"
        if groups is not None:
            group = groups[i - 1]
            # The copied clip starts on the keyframe nearest the beat's start (within a frame or so).
            start = seconds(group[0].pts, group[0].time_base)
            end = seconds(groups[i][0].pts, groups[i][0].time_base) if i < len(groups) else float(numbers["duration"])
            _write_copy(video, group, dst, _audio_slice(track, start, end))
        else:
            _write_reencoded(video, beat, dst, _audio_slice(track, beat.start, beat.end))
        clips.append((beat, dst))
    return clips


def reveal_dir() -> Path:
    """The installed reveal.js package (``MATHVIZ_REVEAL_DIR`` or ``node_modules/reveal.js``)."""
    path = Path(os.environ.get("MATHVIZ_REVEAL_DIR") or _REPO / "node_modules" / "reveal.js")
    if not (path / "dist" / "reveal.js").is_file():
        raise RevealMissing(f"reveal.js is not installed in {path}; run: npm ci (make setup does it)")
    return path


def _inline_reveal(page: str, reveal: Path, *, narrated: bool = False, captions: Sequence[str] | None = None,
                   lang: str = "en", background: tuple[int, int, int] = (0, 0, 0)) -> str:
    """Replace every placeholder ``<link>``/``<script src>`` with the file's content from ``reveal``.

    ``narrated``: no slide is muted. manim-slides mutes the first slide's video so that it may
    autoplay; reveal.js itself falls back to muted playback (with a button to unmute) where a
    browser refuses autoplay with sound, so the voice is only lost where the browser insists.

    ``captions``: one line per slide, shown at the bottom of the screen with a toggle (``C``, or
    the ``CC`` button); ``None`` adds no caption line (the video has its own burned in).
    ``lang`` is the captions' language, ``background`` the video's background colour.
    """
    from bs4 import BeautifulSoup, Comment

    soup = BeautifulSoup(page, "html.parser")
    if narrated:
        for section in soup.select("[data-background-video-muted]"):
            del section["data-background-video-muted"]
    for comment in soup.find_all(string=lambda node: isinstance(node, Comment)):
        comment.extract()  # the template's commented-out <link>/<script> examples
    for tag, attr in (("link", "href"), ("script", "src")):
        for item in soup.find_all(tag):
            ref = item.get(attr)  # a str: only class-like attributes are lists
            if not isinstance(ref, str) or not ref.startswith(_PLACEHOLDER + "/"):
                continue
            path = reveal / ref[len(_PLACEHOLDER) + 1:]
            try:
                content = path.read_text(encoding="utf-8")
            except FileNotFoundError:
                raise RevealMissing(f"{path} is missing from the installed reveal.js; run: npm ci") from None
            new = soup.new_tag("style" if tag == "link" else "script")
            new.string = content.replace("</script", "<\\/script") if tag == "script" else content
            item.replace_with(new)
    if soup.head is not None:  # no favicon request either
        soup.head.append(soup.new_tag("link", rel="icon", href="data:,"))
    if captions is not None:
        _add_captions(soup, captions, lang, background)
    leftover = [ref for s in soup.find_all(["script", "link"]) if isinstance(ref := s.get("src") or s.get("href"), str)
                and ref and not ref.startswith("data:")]
    if leftover:  # the template changed: refuse to write a file that would need the network
        raise RuntimeError(f"slides would load {leftover[0]!r}; expected every asset inlined")
    return str(soup)


def _text_colour(background: tuple[int, int, int]) -> tuple[int, int, int]:
    """Near-black text on a light background, near-white on a dark one."""
    luminance = 0.2126 * background[0] + 0.7152 * background[1] + 0.0722 * background[2]
    return (26, 26, 26) if luminance > 140 else (240, 240, 240)


_CAPTION_STYLE = """
/* Centred by margins, not by left: 50% (which would halve the width it may take and wrap a line that fits);
   one line sits inside the band a 16:9 video keeps free at its bottom (8% of its height). */
.mv-captions { position: fixed; left: 0; right: 0; bottom: 1.2vh; width: fit-content; max-width: 88vw; margin: 0 auto;
  z-index: 30; padding: 0.1em 0.6em; border-radius: 0.3em; font: 3.2vh/1.3 FONTS; text-align: center;
  color: rgb(TEXT); background: rgba(BACKGROUND, 0.82); }
.mv-cc { position: fixed; top: 1.2vh; right: 1.2vw; z-index: 31; font: bold 13px/1 "DejaVu Sans", sans-serif;
  color: rgb(TEXT); background: rgba(BACKGROUND, 0.6); border: 1px solid rgba(TEXT, 0.6); border-radius: 4px;
  padding: 4px 6px; cursor: pointer; opacity: 0.55; }
.mv-cc:hover, .mv-cc:focus-visible { opacity: 1; }
.mv-cc[aria-pressed="false"] { text-decoration: line-through; }
.mv-captions[hidden] { display: none; }
"""

_CAPTION_SCRIPT = """
(() => {
  const box = document.querySelector(".mv-captions"), button = document.querySelector(".mv-cc");
  let on = true;
  const show = () => {
    const slide = Reveal.getCurrentSlide();
    box.textContent = slide ? (slide.dataset.caption || "") : "";
    box.hidden = !on || !box.textContent;
    button.setAttribute("aria-pressed", String(on));
  };
  const toggle = () => { on = !on; show(); };
  Reveal.on("ready", show);
  Reveal.on("slidechanged", show);
  Reveal.addKeyBinding({keyCode: 67, key: "C", description: "Captions on/off"}, toggle);
  button.addEventListener("click", () => { toggle(); button.blur(); });  // keys go back to the slides
  if (Reveal.isReady()) show();
})();
"""


def _add_captions(soup, captions: Sequence[str], lang: str, background: tuple[int, int, int]) -> None:
    """Each slide's caption as ``data-caption``, and the caption line with its toggle (see :func:`_inline_reveal`)."""
    sections = soup.select("section[data-background-video]")
    if len(sections) != len(captions):
        raise RuntimeError(f"slides have {len(sections)} slides for {len(captions)} captions; the template changed")
    for section, caption in zip(sections, captions):
        section["data-caption"] = caption
    fonts = ('"Noto Sans CJK SC", "DejaVu Sans", sans-serif' if lang == "zh"
             else '"DejaVu Sans", "Noto Sans CJK SC", sans-serif')
    style = soup.new_tag("style")
    style.string = (_CAPTION_STYLE.replace("FONTS", fonts).replace("TEXT", ", ".join(map(str, _text_colour(background))))
                    .replace("BACKGROUND", ", ".join(map(str, background))))
    (soup.head or soup).append(style)
    body = soup.body or soup
    box = soup.new_tag("div", attrs={"class": "mv-captions", "lang": lang, "aria-live": "polite"})
    button = soup.new_tag("button", attrs={"type": "button", "class": "mv-cc", "aria-pressed": "true",
                                           "title": "Captions on/off (C)", "aria-label": "Captions"})
    button.string = "CC"
    script = soup.new_tag("script")
    script.string = _CAPTION_SCRIPT
    body.append(box)
    body.append(button)
    body.append(script)  # after the template's Reveal.initialize


def background_of(video: Path) -> tuple[int, int, int]:
    """The video's background colour: the median of its first frame's outermost rows and columns."""
    with av.open(str(video)) as container:
        frame = next(container.decode(video=0)).to_ndarray(format="rgb24")
    edge = np.concatenate([frame[0], frame[-1], frame[:, 0], frame[:, -1]])
    red, green, blue = (int(v) for v in np.median(edge, axis=0))
    return red, green, blue


def caption_lines(numbers: dict, beats: Sequence[Beat]) -> list[str] | None:
    """The caption each slide shows, in the render's language; None when the video has them burned in."""
    look = look_of(numbers)
    if look["captions"] == "burned":
        return None
    return [beat.text(look["lang"]) for beat in beats]


def _notes_text(caption: str) -> str:
    """A caption as speaker notes: the template inserts notes as raw HTML and reveal.js reads them as
    Markdown, so ``<``/``&`` become entities and ``*``, ``_``, ``[`` etc. are backslash-escaped (``x**2``
    stays ``x**2``, not bold).
    """
    escaped = html.escape(caption, quote=False)
    return "".join("\\" + c if c in "\\`*_{}[]()#+-.!|~" else c for c in escaped)


def _presentation(clips: list[tuple[Beat, Path]], numbers: dict, background: tuple[int, int, int] = (0, 0, 0)):
    from manim_slides.config import PresentationConfig, SlideConfig

    with av.open(str(clips[0][1])) as container:
        ctx = container.streams.video[0].codec_context
        resolution = (ctx.width, ctx.height)
    slides = [SlideConfig(file=path, rev_file=path, notes=f"{_notes_text(beat.en)}\n\n{_notes_text(beat.zh)}")
              for beat, path in clips]
    return PresentationConfig(slides=slides, resolution=resolution, background_color="#{:02x}{:02x}{:02x}".format(*background))


def _captioned(image, caption: str, lang: str, background: tuple[int, int, int]):
    """``image`` with ``caption`` written under it, on the video's background colour."""
    from PIL import Image, ImageDraw

    from mathviz.pipeline.typeface import Typeface

    width, height = image.size
    size = max(12, int(round(min(width, height) * 0.04)))
    font = Typeface("Noto Sans CJK SC" if lang == "zh" else "DejaVu Sans", size)
    pad = size
    lines = font.wrap(caption, width - 2 * pad) if caption else []
    line_height = int(round(size * 1.4))
    page = Image.new("RGB", (width, height + 2 * pad + line_height * max(1, len(lines))), background)
    page.paste(image.convert("RGB"), (0, 0))
    draw = ImageDraw.Draw(page)
    y = height + pad
    for line in lines:
        font.draw(draw, ((width - font.length(line)) / 2, y), line, fill=_text_colour(background))
        y += line_height
    return page


def _write_pdf(dst: Path, clips: list[tuple[Beat, Path]], captions: Sequence[str] | None, lang: str,
               background: tuple[int, int, int]) -> None:
    """The last frame of every beat, one per page; with ``captions``, each page's caption under its frame."""
    from manim_slides.convert import FrameIndex, read_image_from_video_file

    images = [read_image_from_video_file(path, FrameIndex.last).convert("RGB") for _, path in clips]
    if captions is not None:
        images = [_captioned(image, caption, lang, background) for image, caption in zip(images, captions)]
    images[0].save(dst, "PDF", resolution=100.0, save_all=True, append_images=images[1:])


def build_slides(video: Path | str, out_dir: Path | str, formats: Sequence[str] = ("html",),
                 name: str | None = None) -> list[Path]:
    """Write ``<name>.html`` (and ``.pdf``/``.pptx`` if asked) for ``video`` into ``out_dir``.

    ``video`` is a render's MP4 with its ``.json`` sidecar beside it.
    """
    from manim_slides.convert import PowerPoint, RevealJS

    video = Path(video)
    out = Path(out_dir)
    name = name or video.stem
    unknown = [f for f in formats if f not in SLIDE_FORMATS]
    if unknown:
        raise ValueError(f"unknown slides format {unknown[0]!r} (known: {', '.join(SLIDE_FORMATS)})")
    numbers = load_render(video)  # the JSON and captions checked to belong to this video
    reveal = reveal_dir() if "html" in formats else None
    written = []
    with tempfile.TemporaryDirectory(dir=out if out.is_dir() else None, prefix=".slides-") as work:
        clips = cut_beats(video, numbers, Path(work) / "clips")
        background = background_of(video)
        captions = caption_lines(numbers, [beat for beat, _ in clips])
        lang = look_of(numbers)["lang"]
        presentation = _presentation(clips, numbers, background)
        title = f"{numbers.get('scene', name)}: {name}" if numbers.get("scene") != name else name
        for fmt in formats:
            dst = out / f"{name}{SLIDE_FORMATS[fmt]}"
            if fmt == "html":
                assert reveal is not None  # looked up before the clips were cut, whenever html is asked for

                def write_html(tmp: Path) -> None:
                    staging = Path(work) / "page.html"
                    # No on-screen arrows or slide number: they would sit on the video's caption line.
                    # Keys (arrows, Page Up/Down, a clicker) move; a thin progress bar shows where we are.
                    RevealJS(presentation_configs=[presentation], one_file=True, offline=False,
                             cdn_url=_PLACEHOLDER, title=html.escape(title), controls="false",
                             progress="true", slide_number="false", hash="true").convert_to(staging)
                    tmp.write_text(_inline_reveal(staging.read_text(encoding="utf-8"), reveal,
                                                  narrated=bool(numbers.get("narration")), captions=captions,
                                                  lang=lang, background=background), encoding="utf-8")
                atomic_output(dst, write_html)
            elif fmt == "pdf":
                atomic_output(dst, lambda tmp: _write_pdf(tmp, clips, captions, lang, background))
            elif fmt == "pptx":
                atomic_output(dst, lambda tmp: PowerPoint(presentation_configs=[presentation]).convert_to(tmp))
            written.append(dst)
    return written
