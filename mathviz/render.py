"""Render a registered scene to a video plus its sidecar files, atomically.

The parameters are validated and the story computed before Manim starts, so
bad input never leaves a file behind. Each render runs in a private temporary
media directory inside the output directory (so parallel renders never share
Manim's partial-movie or text caches) with Manim's play-call cache disabled:
Manim hashes a function's source code, and a function built from user text
has none, so two different user functions could hash alike and silently reuse
each other's video. Make decides what is up to date instead. Finished files
are renamed into place, so an interrupted render leaves the previous complete
file or none.

Manim is imported inside the functions that need it, never at import time.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from mathviz import registry
from mathviz.captions import LANGUAGES, cues_from, to_srt, to_vtt

__all__ = ["QUALITIES", "RenderResult", "render_scene", "quality_label", "atomic_write_text"]

#: Command-line quality flag -> (label used in paths, Manim quality name).
QUALITIES: dict[str, tuple[str, str]] = {
    "l": ("480p15", "low_quality"),
    "m": ("720p30", "medium_quality"),
    "h": ("1080p60", "high_quality"),
    "p": ("1440p60", "production_quality"),
    "k": ("2160p60", "fourk_quality"),
}


def quality_label(flag: str) -> str:
    """``"h"`` -> ``"1080p60"``."""
    return QUALITIES[flag][0]


@dataclass(frozen=True)
class RenderResult:
    """What a render wrote and measured."""

    scene: str
    quality: str
    video: Path
    files: tuple[Path, ...]
    frames: int
    duration: float
    wall_seconds: float
    captions: tuple = field(default=(), repr=False)


def atomic_write_text(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def render_scene(
    name: str,
    overrides: Mapping[str, str] | None = None,
    *,
    quality: str = "h",
    out_dir: Path | str = Path("media"),
    lang: str = "en",
    progress: bool = False,
    extra_config: Mapping[str, object] | None = None,
) -> RenderResult:
    """Render scene ``name`` with ``overrides`` into ``out_dir``.

    Writes ``<name>.mp4``, ``<name>.json`` (parameters and the story's
    numbers) and captions ``<name>.<lang>.srt`` / ``.vtt`` for every caption
    language. Raises :class:`~mathviz.params.ParameterError` for bad input
    before anything is written.
    """
    spec = registry.get(name)
    overrides = dict(overrides or {})
    story = spec.build_story(overrides)
    if quality not in QUALITIES:
        raise ValueError(f"unknown quality {quality!r} (known: {', '.join(QUALITIES)})")
    label, manim_quality = QUALITIES[quality]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    from manim import tempconfig  # imported here: mathviz never imports manim at import time

    scene_cls = spec.scene_class()
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(dir=out, prefix=f".render-{name}-"))
    try:
        cfg: dict[str, object] = {
            "media_dir": str(work),
            "quality": manim_quality,
            "disable_caching": True,
            "output_file": name,
            "verbosity": "WARNING",
            "progress_bar": "display" if progress else "none",
            "write_to_movie": True,
        }
        cfg.update(extra_config or {})
        with tempconfig(cfg):
            scene = scene_cls(story=story, lang=lang)
            scene.render()
            movie = Path(scene.renderer.file_writer.movie_file_path)
            fps = float(scene.renderer.camera.frame_rate)
            duration = float(scene.renderer.time)
        captions = tuple(scene.captions)

        staged: list[tuple[Path, Path]] = [(movie, out / f"{name}.mp4")]
        for caption_lang in LANGUAGES:
            cues = cues_from(captions, caption_lang)
            for ext, fmt in (("srt", to_srt), ("vtt", to_vtt)):
                tmp = work / f"{name}.{caption_lang}.{ext}"
                tmp.write_text(fmt(cues), encoding="utf-8")
                staged.append((tmp, out / tmp.name))
        numbers = {
            "scene": name,
            "quality": label,
            "params": {p.name: overrides.get(p.name, p.default) for p in spec.parameters()},
            "duration": duration,
            "captions": [
                {"name": c.name, "start": c.start, "end": c.end, "en": c.en, "zh": c.zh} for c in captions
            ],
            "story": story.to_dict(),
        }
        tmp_json = work / f"{name}.json"
        tmp_json.write_text(json.dumps(numbers, indent=2, ensure_ascii=False, allow_nan=False), encoding="utf-8")
        staged.append((tmp_json, out / tmp_json.name))

        # The video goes last: Make treats it as the target, so it only appears when the sidecars exist.
        staged = staged[1:] + staged[:1]
        for src, dst in staged:
            os.replace(src, dst)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    wall = time.perf_counter() - started
    files = tuple(dst for _, dst in staged)
    return RenderResult(
        scene=name,
        quality=label,
        video=out / f"{name}.mp4",
        files=files,
        frames=int(round(duration * fps)),
        duration=duration,
        wall_seconds=wall,
        captions=captions,
    )
