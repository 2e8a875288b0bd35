"""The base class of every explainer: a story in, one section and one caption per beat.

A scene subclasses :class:`ExplainerScene`, sets ``scene_name`` (its key in
:mod:`mathviz.pipeline.registry`) and draws ``self.story``. Each teaching beat starts
with :meth:`ExplainerScene.beat`, which

* opens a Manim section (one slide per beat for lectures),
* records a caption in English and Chinese with the render time it starts at
  (timings come from the render, never typed by hand), and
* shows the caption line in the band at the bottom of the frame when the look
  burns captions in (``--captions burned``, for platforms that ignore caption
  files); with ``--captions none`` the band stays clear for the same time, so
  both videos have the same timings and the same sidecar captions.

A scene is built in a :class:`~mathviz_scenes.components.look.Look` (theme,
aspect, captions) and a language, set before its camera is made: the frame
has the aspect's size (:func:`~mathviz_scenes.components.style.frame`), the
camera inks every colour in the theme's palette
(:mod:`~mathviz_scenes.components.theme`) and :meth:`ExplainerScene.tr` picks
each on-screen word in the scene's language.

Narration hooks in here too. A render may hand the scene a *script* (the
caption text of each beat, rewritten by the author, per language) and the
length of each beat's recorded *speech*; a beat shorter than its speech is
held on its settled picture (a ``wait`` at the end of the beat) until the clip
has played, plus :attr:`ExplainerScene.speech_pause`. Audio is never cut or sped
up: the picture waits for the voice.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from manim import DOWN, Camera, FadeIn, FadeOut, Mobject, Scene, ThreeDCamera, ThreeDScene, config
from manim.mobject.text.numbers import string_to_mob_map

from mathviz.story import Story
from mathviz_scenes.components import style
from mathviz_scenes.components.look import Look
from mathviz_scenes.components.theme import themed_camera

__all__ = ["Caption", "ExplainerScene", "ExplainerThreeDScene", "make_cheap_to_copy"]


def make_cheap_to_copy(mobject: Mobject) -> None:
    """Forget what glyphs were parsed from: the SVG path (read only while a glyph is built) and the
    id -> group index of a Text or Typst formula (used only to select labelled parts).

    Every fade deep-copies its mobject; with these a line of text costs ~35 ms
    to copy, without them ~2 ms, and the copies were a fifth of the render time.
    """
    for mob in mobject.get_family():
        if getattr(mob, "path_obj", None) is not None:
            mob.path_obj = None
        if getattr(mob, "id_to_vgroup_dict", None):
            mob.id_to_vgroup_dict = {}


@dataclass
class Caption:
    """One beat's caption: section name, start and end in seconds of video, text in both languages.

    ``speech`` is the length in seconds of the beat's narration clip (None when the video is silent):
    it starts with the beat, so its caption cue runs from ``start`` to ``start + speech``.
    """

    name: str
    start: float
    end: float
    en: str
    zh: str
    speech: float | None = None

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def _two_lines(content: str, lang: str) -> str:
    """``content`` broken into two lines of about equal length: at the space nearest the middle, or
    (Chinese, no spaces) after the punctuation mark or character nearest the middle.
    """
    middle = len(content) / 2
    if lang == "zh":
        marks = [i + 1 for i, ch in enumerate(content[:-1]) if ch in "，、；：,;"]
        cut = min(marks, key=lambda i: abs(i - middle)) if marks else int(round(middle))
        if not marks or abs(cut - middle) > len(content) / 4:
            cut = int(round(middle))
        return content[:cut].strip() + "\n" + content[cut:].strip()
    spaces = [i for i, ch in enumerate(content) if ch == " "]
    if not spaces:
        return content
    cut = min(spaces, key=lambda i: abs(i - middle))
    return content[:cut] + "\n" + content[cut + 1:]


class ExplainerScene(Scene):
    """Base scene: holds the story, opens a section and a caption per beat."""

    #: The scene's name (its key in the registry and its story module's name).
    scene_name: ClassVar[str] = ""
    #: Seconds the caption cross-fade takes at each beat.
    caption_fade: ClassVar[float] = 0.35
    #: The beat whose last frame is the scene's key frame (poster, GIF loop); None: the last beat.
    key_beat: ClassVar[str | None] = None
    #: Seconds of settled picture after a beat's narration before the next beat starts.
    speech_pause: ClassVar[float] = 0.3

    def __init__(self, story: Story, lang: str = "en", *, look: Look | None = None,
                 script: Mapping[str, Sequence[str]] | None = None,
                 speech: Sequence[float] | None = None, **kwargs: Any) -> None:
        """``look`` is the theme, aspect and captions (default: dark, 16:9, no caption line);
        ``script`` maps a language to every beat's caption text, in beat order, replacing the scene's own;
        ``speech`` is every beat's narration length in seconds, in beat order (each beat lasts at least that).

        Sets Manim's frame size for the look's aspect: build a scene inside ``tempconfig``.
        """
        # The pipeline computes the story once and hands it in; a scene never builds its own numbers.
        self.story = story
        self.lang = lang
        self.look = look if look is not None else Look()
        style.use(self.look, lang)
        default_camera = ThreeDCamera if isinstance(self, ThreeDScene) else Camera
        kwargs["camera_class"] = themed_camera(kwargs.get("camera_class", default_camera), style.palette())
        self.captions: list[Caption] = []
        self._caption_mob = None
        self.script = {lang_: list(texts) for lang_, texts in (script or {}).items()}
        self.speech = list(speech) if speech is not None else None
        super().__init__(**kwargs)

    def play(self, *animations: Any, **kwargs: Any) -> None:
        """Play, after making what is on screen, what animates and Manim's cached digits cheap to copy.

        Every fade and transform deep-copies its mobject; see :func:`make_cheap_to_copy`.
        """
        for item in [*self.mobjects, *animations]:
            mob = getattr(item, "mobject", item)
            if isinstance(mob, Mobject):
                make_cheap_to_copy(mob)
        for glyph in string_to_mob_map.values():  # DecimalNumber copies one cached glyph per character
            make_cheap_to_copy(glyph)
        super().play(*animations, **kwargs)

    def tr(self, en: str, zh: str) -> str:
        """The on-screen words in the scene's language: ``self.tr("slope", "斜率")``."""
        return zh if self.lang == "zh" else en

    # -- beats ------------------------------------------------------------------------------------

    def beat(self, name: str, en: str, zh: str, *, show: bool = True) -> None:
        """Start a teaching beat: a new section, a caption record and the caption line on screen.

        With a script, the caption text is the script's; with speech, the previous beat is first held
        until its narration has played.
        """
        self._hold_for_speech()
        index = len(self.captions)
        en = self._scripted("en", index, en)
        zh = self._scripted("zh", index, zh)
        self.next_section(name)
        now = float(self.renderer.time)
        if self.captions:
            self.captions[-1].end = now
        speech = self.speech[index] if self.speech is not None and index < len(self.speech) else None
        self.captions.append(Caption(name=name, start=now, end=now, en=en, zh=zh, speech=speech))
        if show and self.look.burned:
            self._show_caption(en if self.lang != "zh" else zh)
        elif show:
            # The band stays clear for as many frames as the caption's fade takes (not a frozen wait:
            # Manim rounds a frozen wait's frames down and an animation's up), so the timings match.
            self.wait(self.caption_fade, frozen_frame=False)

    def _scripted(self, lang: str, index: int, text: str) -> str:
        texts = self.script.get(lang)
        return texts[index] if texts is not None and index < len(texts) else text

    def _hold_for_speech(self) -> None:
        """Wait on the current beat's settled picture until its speech (and a short pause) has played."""
        current = self.captions[-1] if self.captions else None
        if current is None or current.speech is None:
            return
        until = current.start + current.speech + self.speech_pause
        frame = 1.0 / float(config.frame_rate)
        # Whole frames, rounded up, and checked: a still wait writes floor(seconds * fps) frames.
        while float(self.renderer.time) < until - 1e-6:
            missing = until - float(self.renderer.time)
            self.wait((math.ceil(missing / frame - 1e-6) + 0.5) * frame)

    def caption_line(self, content: str):
        """The caption mobject for ``content``, fitted into the bottom band of the frame.

        In a narrow frame (square, portrait) a caption too wide for one line breaks into two
        balanced lines (between words; anywhere in Chinese) before anything is shrunk.
        """
        max_width = config.frame_width - 2 * (style.SAFE_MARGIN + 0.35)
        band = style.caption_band()

        def make(words: str):
            return style.text(words, size=style.CAPTION_SIZE, color=style.SECONDARY_COLOR, font=style.font_for(self.lang))

        line = make(content)
        if line.width > max_width and band > style.CAPTION_BAND:
            line = make(_two_lines(content, self.lang))
        if line.width > max_width:
            line.scale_to_fit_width(max_width)
        if line.height > band - 0.1:
            line.scale_to_fit_height(band - 0.1)
        line.move_to([0, -config.frame_height / 2 + band / 2, 0])
        return line

    def overlay(self, *mobjects: Mobject) -> None:
        """Pin mobjects to the screen (readouts, captions). A no-op in 2D; 3D scenes fix them in frame."""

    def _show_caption(self, content: str) -> None:
        new = self.caption_line(content)
        new.caption = True  # marks it for the frame-quality checks
        self.overlay(new)
        if self._caption_mob is None:
            self.play(FadeIn(new, shift=0.1 * DOWN), run_time=self.caption_fade)
        else:
            self.play(FadeOut(self._caption_mob), FadeIn(new), run_time=self.caption_fade)
        self._caption_mob = new

    def tear_down(self) -> None:
        self._hold_for_speech()
        end = float(self.renderer.time)
        if self.captions:
            self.captions[-1].end = end
        # Manim's own .srt beside the movie, in English; mathviz writes both languages itself.
        # Under dry_run there is no movie and Manim cannot name an .srt file.
        for caption in [] if config.dry_run else self.captions:
            duration = max((caption.end if caption.speech is None else caption.start + caption.speech) - caption.start, 0.1)
            self.add_subcaption(caption.en, duration=duration, offset=caption.start - end)
        super().tear_down()


class ExplainerThreeDScene(ExplainerScene, ThreeDScene):
    """An explainer with a 3D camera; overlays (captions, readouts) stay fixed in the frame."""

    def overlay(self, *mobjects: Mobject) -> None:
        self.add_fixed_in_frame_mobjects(*mobjects)
