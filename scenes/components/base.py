"""The base class of every explainer: a story in, one section and one caption per beat.

A scene subclasses :class:`ExplainerScene`, sets ``scene_name`` (its key in
:mod:`mathviz.pipeline.registry`) and draws ``self.story``. Each teaching beat starts
with :meth:`ExplainerScene.beat`, which

* opens a Manim section (one slide per beat for lectures),
* records a caption in English and Chinese with the render time it starts at
  (timings come from the render, never typed by hand), and
* shows the caption line in the band at the bottom of the frame, so the video
  reads with the sound off and without a player that shows subtitles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from manim import DOWN, FadeIn, FadeOut, Mobject, Scene, ThreeDScene, config

from mathviz.story import Story
from mathviz_scenes.components import style

__all__ = ["Caption", "ExplainerScene", "ExplainerThreeDScene"]


@dataclass
class Caption:
    """One beat's caption: section name, start and end in seconds of video, text in both languages."""

    name: str
    start: float
    end: float
    en: str
    zh: str

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class ExplainerScene(Scene):
    """Base scene: holds the story, opens a section and a caption per beat."""

    #: The scene's name (its key in the registry and its story module's name).
    scene_name: ClassVar[str] = ""
    #: Seconds the caption cross-fade takes at each beat.
    caption_fade: ClassVar[float] = 0.35
    #: The beat whose last frame is the scene's key frame (poster, GIF loop); None: the last beat.
    key_beat: ClassVar[str | None] = None

    def __init__(self, story: Story, lang: str = "en", **kwargs: Any) -> None:
        # The pipeline computes the story once and hands it in; a scene never builds its own numbers.
        self.story = story
        self.lang = lang
        self.captions: list[Caption] = []
        self._caption_mob = None
        super().__init__(**kwargs)

    # -- beats ------------------------------------------------------------------------------------

    def beat(self, name: str, en: str, zh: str, *, show: bool = True) -> None:
        """Start a teaching beat: a new section, a caption record and the caption line on screen."""
        self.next_section(name)
        now = float(self.renderer.time)
        if self.captions:
            self.captions[-1].end = now
        self.captions.append(Caption(name=name, start=now, end=now, en=en, zh=zh))
        if show:
            self._show_caption(en if self.lang != "zh" else zh)

    def caption_line(self, content: str):
        """The caption mobject for ``content``, fitted into the bottom band of the frame."""
        line = style.text(content, size=style.CAPTION_SIZE, color=style.SECONDARY_COLOR, font=style.font_for(self.lang))
        max_width = config.frame_width - 2 * (style.SAFE_MARGIN + 0.35)
        if line.width > max_width:
            line.scale_to_fit_width(max_width)
        band_height = style.CAPTION_ZONE_TOP + config.frame_height / 2
        line.move_to([0, -config.frame_height / 2 + band_height / 2, 0])
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
        end = float(self.renderer.time)
        if self.captions:
            self.captions[-1].end = end
        # Manim's own .srt beside the movie, in English; mathviz writes both languages itself.
        # Under dry_run there is no movie and Manim cannot name an .srt file.
        for caption in [] if config.dry_run else self.captions:
            duration = max(caption.end - caption.start, 0.1)
            self.add_subcaption(caption.en, duration=duration, offset=caption.start - end)
        super().tear_down()


class ExplainerThreeDScene(ExplainerScene, ThreeDScene):
    """An explainer with a 3D camera; overlays (captions, readouts) stay fixed in the frame."""

    def overlay(self, *mobjects: Mobject) -> None:
        self.add_fixed_in_frame_mobjects(*mobjects)
