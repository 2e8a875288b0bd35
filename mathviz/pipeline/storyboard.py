"""See a parameter change in seconds: the settled last frame of every beat as PNG, and a captioned contact sheet.

``mathviz storyboard SCENE`` plays the scene the way a render does, frame time
by frame time, so updaters and caption times land exactly where the video's
do, but draws nothing while it plays and encodes nothing at all
(:class:`~mathviz.pipeline.fastforward.SelectiveRenderer` with no window).
When a beat ends (the next beat opens a section, or the scene ends) it draws
the whole picture once. The stills are the beats' settled pictures: what the
video shows at the end of each beat.

Output, for a storyboard named ``NAME`` in ``OUT`` (default ``media/storyboard``):

* ``OUT/NAME/NN-<beat>.png``: one still per beat, numbered from 1 like the narration script;
* ``OUT/NAME/storyboard.json``: the scene, parameters, and each beat's name, caption and time;
* ``OUT/NAME.png``: the contact sheet, beats in order, each with its number, name and caption under it.

Everything is made in a private folder and renamed into place, the contact
sheet last (Make's target), so an interrupted run leaves the previous complete
storyboard or none.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mathviz.pipeline import registry
from mathviz.pipeline.render import QUALITIES, GuardRejected, GuardReport, attach_guard, check_fonts, guard_verdict
from mathviz.pipeline.typeface import Typeface
from mathviz.pipeline.workdir import make_work_dir, remove_stale
from mathviz_scenes.components.look import Look

__all__ = ["Still", "StoryboardResult", "make_storyboard", "contact_sheet"]

_WORK_PREFIX = ".storyboard-"
#: Contact sheet colours: the videos' dark background, light text.
SHEET_BACKGROUND = (17, 17, 17)
SHEET_TEXT = (235, 235, 235)
SHEET_MUTED = (160, 160, 160)


@dataclass(frozen=True)
class Still:
    """One beat's settled picture: its number (from 1), name, caption, and the video time it ends at."""

    number: int
    name: str
    caption: str
    start: float
    end: float
    image: Any  # a PIL image

    @property
    def file_name(self) -> str:
        return f"{self.number:02d}-{self.name}.png"


@dataclass(frozen=True)
class StoryboardResult:
    """What a storyboard wrote: the contact sheet, the stills, and how long it took."""

    scene: str
    sheet: Path
    stills: tuple[Path, ...]
    files: tuple[Path, ...]
    seconds: float
    #: The frame guard's verdict on the frames the storyboard stepped through.
    guard: GuardReport = GuardReport()


def capture_stills(scene_cls: type, story: object, lang: str, manim_config: Mapping[str, object],
                   scene_kwargs: Mapping[str, Any] | None = None) -> tuple[list[Still], float, GuardReport]:
    """Play the scene without drawing; draw the whole picture at the end of every beat.

    Returns the stills, the duration and the frame guard's verdict (it watches the same frame steps).
    """
    from manim import tempconfig

    from mathviz.pipeline.fastforward import install_renderer

    images: list[Any] = []
    with tempconfig(dict(manim_config)):
        scene = scene_cls(story=story, lang=lang, **dict(scene_kwargs or {}))
        renderer = install_renderer(scene, first=None)
        checker = attach_guard(scene)

        def beat_ended() -> None:
            # A section opens at every beat; the one before the first beat holds no beat.
            if len(getattr(scene, "captions", ())) > len(images):
                images.append(renderer.draw_still())

        renderer.file_writer.on_section_end = beat_ended
        scene.render()
        beat_ended()
        duration = float(renderer.time)
        report = guard_verdict(checker)
    captions = list(getattr(scene, "captions", ()))
    stills = [Still(i + 1, c.name, c.text(lang), float(c.start), float(c.end), image)
              for i, (c, image) in enumerate(zip(captions, images))]
    return stills, duration, report


def contact_sheet(stills: Sequence[Still], title: str, lang: str = "en", columns: int | None = None):
    """One image: a title, then the stills in rows, each with ``N  beat-name`` and its caption under it."""
    from PIL import Image, ImageDraw

    if not stills:
        raise ValueError("a contact sheet needs at least one still")
    columns = columns or min(3, len(stills))
    width, height = stills[0].image.size
    scale = max(width / 854, 0.5)
    pad = int(round(24 * scale))
    family = "Noto Sans CJK SC" if lang == "zh" else "DejaVu Sans"
    title_font = Typeface("DejaVu Sans:bold", int(round(26 * scale)))
    name_font = Typeface("DejaVu Sans:bold", int(round(18 * scale)))
    text_font = Typeface(family, int(round(17 * scale)))
    line_height = int(round(text_font.size * 1.35))
    blocks = [text_font.wrap(s.caption, width) for s in stills]
    caption_height = int(round(name_font.size * 1.6)) + line_height * max(len(b) for b in blocks)
    rows = (len(stills) + columns - 1) // columns
    title_height = int(round(title_font.size * 2.0))
    sheet = Image.new("RGB", (pad + columns * (width + pad), title_height + pad + rows * (height + caption_height + pad)),
                      SHEET_BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    title_font.draw(draw, (pad, pad // 2), title, fill=SHEET_TEXT)
    for i, (still, block) in enumerate(zip(stills, blocks)):
        row, column = divmod(i, columns)
        x = pad + column * (width + pad)
        y = title_height + pad + row * (height + caption_height + pad)
        sheet.paste(still.image.convert("RGB"), (x, y))
        draw.rectangle([x - 1, y - 1, x + width, y + height], outline=(70, 70, 70))
        y += height + int(round(6 * scale))
        name_font.draw(draw, (x, y), f"{still.number}  {still.name}   {still.start:.1f}-{still.end:.1f} s",
                       fill=SHEET_MUTED)
        y += int(round(name_font.size * 1.6))
        for line in block:
            text_font.draw(draw, (x, y), line, fill=SHEET_TEXT)
            y += line_height
    return sheet


def make_storyboard(
    name: str,
    overrides: Mapping[str, str] | None = None,
    *,
    quality: str = "l",
    out_dir: Path | str = Path("media/storyboard"),
    lang: str = "en",
    output_name: str | None = None,
    extra_config: Mapping[str, object] | None = None,
    script: Mapping[str, Sequence[str]] | None = None,
    story: object = None,
    strict: bool = False,
    look: Look | None = None,
) -> StoryboardResult:
    """Write the storyboard of scene ``name`` with ``overrides`` into ``out_dir`` (see the module docstring).

    Raises :class:`~mathviz.params.ParameterError` for bad input before anything is written.
    ``story``, already computed from the same ``overrides``, is drawn as it is. The frame guard's
    verdict is in the result's ``guard``; with ``strict`` a verdict with findings raises
    :class:`~mathviz.pipeline.render.GuardRejected` and nothing is written.
    """
    spec = registry.get(name)
    overrides = dict(overrides or {})
    if story is None:
        story = spec.build_story(overrides)
    if quality not in QUALITIES:
        raise ValueError(f"unknown quality {quality!r} (known: {', '.join(QUALITIES)})")
    label, manim_quality = QUALITIES[quality]
    stem = output_name or name
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    remove_stale(out)  # staging of killed runs on this machine; never another machine's
    check_fonts(lang)
    started = time.perf_counter()
    work = make_work_dir(out, stem, prefix=_WORK_PREFIX)
    try:
        cfg: dict[str, object] = {"media_dir": str(work / "manim"), "quality": manim_quality, "disable_caching": True,
                                  "verbosity": "WARNING", "progress_bar": "none", "write_to_movie": False}
        cfg.update(extra_config or {})
        look = look if look is not None else Look()
        stills, duration, report = capture_stills(spec.scene_class(), story, lang, cfg,
                                                  {"script": dict(script or {}), "look": look})
        if strict and not report.ok:
            raise GuardRejected(stem, report)
        if not stills:
            raise RuntimeError(f"{name} played no beats; nothing to show")
        folder = work / stem
        folder.mkdir()
        for still in stills:
            still.image.save(folder / still.file_name, optimize=False)
        numbers = {
            "scene": name,
            "quality": label,
            "lang": lang,
            **look.to_dict(),
            "params": {p.name: overrides.get(p.name, p.default) for p in spec.parameters()},
            "duration": duration,
            "beats": [{"number": s.number, "name": s.name, "caption": s.caption, "start": s.start, "end": s.end,
                       "still": s.file_name} for s in stills],
        }
        (folder / "storyboard.json").write_text(json.dumps(numbers, indent=2, ensure_ascii=False), encoding="utf-8")
        sheet_tmp = work / f"{stem}.png"
        contact_sheet(stills, f"{stem}: {spec.title}", lang).save(sheet_tmp, optimize=False)

        # The stills' folder swaps whole; the contact sheet (Make's target) comes last.
        final_folder = out / stem
        old = work / "previous"
        if final_folder.is_dir():
            os.replace(final_folder, old)
        os.replace(folder, final_folder)
        os.replace(sheet_tmp, out / f"{stem}.png")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    written = tuple(final_folder / s.file_name for s in stills)
    return StoryboardResult(scene=name, sheet=out / f"{stem}.png", stills=written,
                            files=(*written, final_folder / "storyboard.json", out / f"{stem}.png"),
                            seconds=time.perf_counter() - started, guard=report)

