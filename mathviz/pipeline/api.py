"""The Python API behind ``mathviz.story``, ``mathviz.render`` and ``mathviz.storyboard``.

For notebooks (Jupyter, Quarto, Jupyter Book) and scripts::

    import mathviz

    s = mathviz.story("derivative", function="sin(x)", x0=0.5)    # the numbers, a frozen Story
    mathviz.render("derivative", quality="l", function="sin(x)")  # the files; in Jupyter, the video
    mathviz.storyboard("derivative", function="sin(x)")           # each beat's still on one sheet

Parameters are the ones ``mathviz list`` shows, given as Python values (``x0=0.5``,
``matrix=[[1, 2], [3, 1]]``) or as the text the command line takes. Bad values raise
:class:`~mathviz.params.ParameterError` naming the parameter, before anything is written.
In a notebook a render displays as an inline ``<video>`` with its English and Chinese
captions, embedded in the page so it survives export to HTML.
"""

from __future__ import annotations

import base64
import html
import json
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from mathviz.params import ParameterError
from mathviz.pipeline import registry
from mathviz.story import Story

__all__ = ["FrameGuardWarning", "RenderedFiles", "Storyboard", "render", "story", "storyboard"]


def _as_text(params: Mapping[str, Any]) -> dict[str, str]:
    """Python values as the text the parameter parsers read (lists as JSON, as render files give them)."""
    overrides = {}
    for key, value in params.items():
        if isinstance(value, np.ndarray):
            value = value.tolist()
        if isinstance(value, str):
            overrides[key] = value
        elif isinstance(value, bool) or not isinstance(value, (int, float, list, tuple)):
            raise ParameterError(key, f"unsupported value {value!r}: use a number, a list of numbers or text")
        else:
            overrides[key] = json.dumps(value)
    return overrides


def story(name: str, **params: Any) -> Story:
    """The story of explainer ``name``: exactly the numbers its video shows (``mathviz numbers``)."""
    return registry.get(name).build_story(_as_text(params))


class RenderedFiles(tuple):
    """The files a render wrote (video first). In Jupyter it shows as the video with its captions."""

    video: Path
    #: The frame guard's verdict on the render (:class:`~mathviz.pipeline.render.GuardReport`).
    guard: Any

    def __new__(cls, files: tuple[Path, ...], video: Path, guard: Any = None) -> RenderedFiles:
        made = super().__new__(cls, files)
        made.video = video
        made.guard = guard
        return made

    @property
    def captions(self) -> dict[str, Path]:
        """Language -> WebVTT captions beside the video."""
        found = {}
        for lang in ("en", "zh"):
            path = self.video.with_name(f"{self.video.stem}.{lang}.vtt")
            if path.is_file():
                found[lang] = path
        return found

    def _repr_html_(self) -> str:
        video = base64.b64encode(self.video.read_bytes()).decode("ascii")
        tracks = []
        for lang, path in self.captions.items():
            label = {"en": "English", "zh": "中文"}[lang]
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            default = " default" if lang == "en" else ""
            tracks.append(f'<track kind="captions" srclang="{lang}" label="{label}" src="data:text/vtt;base64,{data}"{default}>')
        return (f'<video controls playsinline style="max-width: 100%" title="{html.escape(self.video.name)}">'
                f'<source src="data:video/mp4;base64,{video}" type="video/mp4">{"".join(tracks)}</video>')


def _warn_guard(name: str, report: Any) -> None:
    if not report.ok:
        warnings.warn("\n".join([report.summary(name), *report.lines()]), FrameGuardWarning, stacklevel=3)


class FrameGuardWarning(UserWarning):
    """A render or storyboard whose frames the guard found problems in (written anyway: ``strict=False``)."""


def render(name: str, quality: str = "l", *, out_dir: Path | str | None = None, lang: str = "en",
           theme: str = "dark", aspect: str = "16:9", captions: str = "none",
           output_name: str | None = None, manim_config: Mapping[str, Any] | None = None, strict: bool = False,
           **params: Any) -> RenderedFiles:
    """Render explainer ``name`` and return the files written (MP4, JSON, captions).

    ``quality`` is ``l`` (480p15, the default here: quick to make and to embed), ``m``, ``h``,
    ``p`` or ``k``, as for ``mathviz render -q``; files go to ``out_dir`` (default
    ``media/<quality>``, e.g. ``media/480p15``). ``manim_config`` overrides Manim settings
    (``{"frame_rate": 5, "pixel_width": 256, "pixel_height": 144}`` for a quick look). ``theme``
    (``dark``/``light``), ``aspect`` (``16:9``/``1:1``/``9:16``) and ``captions`` (``none``/``burned``)
    are the look, as for ``mathviz render --theme/--aspect/--captions``.

    The frame guard watches the frames as they are made; its verdict is the result's ``guard``.
    Problems are a :class:`FrameGuardWarning`; with ``strict=True`` they raise
    :class:`~mathviz.pipeline.render.GuardRejected` and nothing is written.
    """
    from mathviz.pipeline.render import QUALITIES, quality_label, render_scene
    from mathviz_scenes.components.look import Look

    look = Look(theme=theme, aspect=aspect, captions=captions)

    if quality not in QUALITIES:
        raise ValueError(f"quality: unknown {quality!r} (known: {', '.join(QUALITIES)})")
    overrides = _as_text(params)
    out = Path(out_dir) if out_dir is not None else Path("media") / quality_label(quality)
    result = render_scene(name, overrides, quality=quality, out_dir=out, lang=lang, output_name=output_name,
                          extra_config=manim_config, strict=strict, look=look)
    _warn_guard(output_name or name, result.guard)
    return RenderedFiles((result.video, *(f for f in result.files if f != result.video)), result.video, result.guard)


class Storyboard:
    """A storyboard's files; in Jupyter it shows as its contact sheet."""

    def __init__(self, sheet: Path, stills: tuple[Path, ...], files: tuple[Path, ...], guard: Any = None) -> None:
        self.sheet = sheet
        self.stills = stills
        self.files = files
        #: The frame guard's verdict (:class:`~mathviz.pipeline.render.GuardReport`).
        self.guard = guard

    def __repr__(self) -> str:
        return f"Storyboard({str(self.sheet)!r}, {len(self.stills)} beats)"

    def _repr_png_(self) -> bytes:
        return self.sheet.read_bytes()


def storyboard(name: str, quality: str = "l", *, out_dir: Path | str = Path("media/storyboard"), lang: str = "en",
               theme: str = "dark", aspect: str = "16:9", captions: str = "none",
               output_name: str | None = None, manim_config: Mapping[str, Any] | None = None, strict: bool = False,
               **params: Any) -> Storyboard:
    """Each beat's settled still and a contact sheet with captions, without encoding video (``mathviz storyboard``).

    ``theme``, ``aspect`` and ``captions`` are the look, as for :func:`render`. The frame guard's verdict
    is the result's ``guard``; ``strict`` as for :func:`render`.
    """
    from mathviz.pipeline.storyboard import make_storyboard
    from mathviz_scenes.components.look import Look

    look = Look(theme=theme, aspect=aspect, captions=captions)

    overrides = _as_text(params)
    result = make_storyboard(name, overrides, quality=quality, out_dir=out_dir, lang=lang, output_name=output_name,
                             extra_config=manim_config, strict=strict, look=look)
    _warn_guard(output_name or name, result.guard)
    return Storyboard(result.sheet, tuple(result.stills), tuple(result.files), result.guard)
