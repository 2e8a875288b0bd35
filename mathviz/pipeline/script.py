"""The narration script of a render: one numbered paragraph per beat, and the author's rewrite of it.

``mathviz script relu`` prints every beat of the render as a Markdown heading
``## <index>-<beat>`` (the name its recording must have: ``1-relu.wav``)
followed by the paragraph to speak, which is the beat's caption. An author who
wants other words saves the script as ``narration/<render>/script.<lang>.md``
and edits the paragraphs; every render of that name then takes its captions,
drawn and in the ``.srt``/``.vtt`` files, from the script, so what is said and
what is written agree.

The beats come from building the scene under Manim's ``dry_run`` (no pixels):
captions are computed from the story (a dead unit's number, a determinant's
sign), so they depend on the parameters and only the scene knows them.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mathviz.pipeline.captions import LANGUAGES

__all__ = [
    "SCRIPT_DIR",
    "ScriptBeat",
    "ScriptError",
    "scene_beats",
    "script_path",
    "format_script",
    "parse_script",
    "load_scripts",
    "apply_scripts",
]

#: Where per-render scripts (and, by convention, recordings) live: ``narration/<render>/script.<lang>.md``.
SCRIPT_DIR = Path("narration")

_HEADING = re.compile(r"^#{1,6}\s+(\d+)-(\S+?)\s*#*\s*$")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


class ScriptError(ValueError):
    """A script file that does not match the render's beats; the message names the file and the beat."""


@dataclass(frozen=True)
class ScriptBeat:
    """One beat of a render: its number (from 1), its name and its caption in each language."""

    index: int
    name: str
    en: str
    zh: str

    @property
    def stem(self) -> str:
        """``1-relu``: the beat's heading in the script and its recording's file name without suffix."""
        return f"{self.index}-{self.name}"

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def scene_beats(scene_cls: type, story: Any, lang: str = "en") -> list[ScriptBeat]:
    """Every beat of ``scene_cls`` drawing ``story``, with its captions, from a build without pixels.

    The build runs under ``dry_run`` at 1 frame per second in a throw-away media directory: the
    captions and the order of the beats do not depend on the frame rate.
    """
    from manim import tempconfig

    with tempfile.TemporaryDirectory(prefix="mathviz-beats-") as media, tempconfig({
        "dry_run": True, "disable_caching": True, "media_dir": media, "quality": "low_quality", "frame_rate": 1,
        "verbosity": "ERROR", "progress_bar": "none", "write_to_movie": False,
    }):
        scene = scene_cls(story=story, lang=lang)
        scene.render()
    return [ScriptBeat(i, c.name, c.en, c.zh) for i, c in enumerate(scene.captions, start=1)]


def script_path(render: str, lang: str, root: Path = SCRIPT_DIR) -> Path:
    """``narration/<render>/script.<lang>.md``."""
    return Path(root) / render / f"script.{lang}.md"


def format_script(render: str, beats: Sequence[ScriptBeat], lang: str = "en", *, render_command: str | None = None) -> str:
    """The script as Markdown: a title, how to use it, then ``## <index>-<beat>`` and its paragraph per beat."""
    command = render_command or f"mathviz render {render}"
    lang_flag = "" if lang == "en" else f" --lang {lang}"
    lines = [
        f"# {render}: narration script ({lang})",
        "",
        "<!-- One paragraph per beat, spoken while the beat plays; the beat holds its last picture until",
        "     the recording ends. Record each paragraph as one clip named after its heading",
        f"     ({beats[0].stem if beats else '1-beat'}.wav, or .flac, .ogg, .mp3) in one folder, then run:",
        f"         {command} --narration FOLDER{lang_flag}",
        "     To change the words, keep every heading as it is and save this file as",
        f"     {script_path(render, lang).as_posix()}: the captions then follow your script. -->",
        "",
    ]
    for beat in beats:
        text = beat.text(lang)
        # A paragraph starting with '#' would read as a heading: Markdown's escape keeps it text.
        lines += [f"## {beat.stem}", "", "\\" + text if text.startswith("#") else text, ""]
    return "\n".join(lines)


def parse_script(text: str, beats: Sequence[ScriptBeat], lang: str, source: str) -> list[str]:
    """Every beat's paragraph from a script's Markdown ``text``, in beat order.

    The headings must be exactly the render's beats (``## 1-relu``, ``## 2-gradient``, ...) in
    order, each followed by some text; HTML comments are ignored and the lines of a paragraph are
    joined (with spaces; without, in Chinese). Raises :class:`ScriptError` naming ``source`` and the beat.
    """
    paragraphs: list[tuple[str, int, list[str]]] = []  # (heading stem, line number, lines)
    body = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    for number, line in enumerate(body.splitlines(), start=1):
        heading = _HEADING.match(line.strip())
        if heading:
            paragraphs.append((f"{int(heading.group(1))}-{heading.group(2)}", number, []))
        elif line.strip().startswith("#"):
            if paragraphs:
                raise ScriptError(f"{source}: line {number}: a heading that is not a beat "
                                  f"({line.strip()[:40]!r}); beats are headed like '## {beats[0].stem}'")
        elif line.strip():
            if not paragraphs:
                expected = beats[0].stem if beats else "1-beat"
                raise ScriptError(f"{source}: line {number}: text before the first beat heading '## {expected}'")
            paragraphs[-1][2].append(line.strip()[1:] if line.strip().startswith("\\#") else line.strip())
    joiner = "" if lang == "zh" else " "
    texts = []
    for i, beat in enumerate(beats):
        if i >= len(paragraphs):
            raise ScriptError(f"{source}: beat {beat.stem} is missing (the render has {len(beats)} beats)")
        stem, number, lines = paragraphs[i]
        if stem != beat.stem:
            raise ScriptError(f"{source}: line {number}: beat {beat.index} is {beat.stem!r}, the heading says {stem!r}")
        paragraph = " ".join(joiner.join(lines).split()) if lang != "zh" else joiner.join(lines)
        if not paragraph:
            raise ScriptError(f"{source}: beat {beat.stem} has no text")
        texts.append(paragraph)
    if len(paragraphs) > len(beats):
        stem, number, _ = paragraphs[len(beats)]
        raise ScriptError(f"{source}: line {number}: beat {stem!r} is not in the render (it has {len(beats)} beats)")
    return texts


def load_scripts(render: str, beats: Sequence[ScriptBeat], root: Path = SCRIPT_DIR) -> dict[str, list[str]]:
    """The author's scripts for ``render`` that exist, by language: ``{"en": [paragraph per beat], ...}``."""
    scripts = {}
    for lang in LANGUAGES:
        path = script_path(render, lang, root)
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ScriptError(f"{path}: cannot read it ({getattr(exc, 'strerror', None) or exc})") from None
        scripts[lang] = parse_script(text, beats, lang, str(path))
    return scripts


def apply_scripts(beats: Sequence[ScriptBeat], scripts: Mapping[str, Sequence[str]]) -> list[ScriptBeat]:
    """``beats`` with their captions replaced by the scripts' paragraphs."""
    result = []
    for i, beat in enumerate(beats):
        en = scripts["en"][i] if "en" in scripts else beat.en
        zh = scripts["zh"][i] if "zh" in scripts else beat.zh
        result.append(replace(beat, en=en, zh=zh))
    return result
