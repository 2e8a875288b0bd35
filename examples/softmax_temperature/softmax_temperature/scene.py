"""Temperature in softmax, drawn: the probabilities as bars at T, then T/4 (sharper), then 4T (flatter).

Built from mathviz's shared components: :class:`ExplainerScene` gives a section and an English
and Chinese caption per beat (and ``self.tr`` the on-screen words in the scene's language), each
:class:`Readout` is bound to the story field it shows (the frame guard compares them), ``style``
holds fonts, sizes and colours, and :func:`split_frame` says where the plot and the panel go in
the frame's shape (the panel beside the plot in 16:9, below it in square and portrait frames).
Every number comes from ``self.story``.
"""

from __future__ import annotations

from typing import Any

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, Rectangle, ReplacementTransform, Transform, VGroup

from mathviz_scenes.components import style
from mathviz_scenes.components.base import ExplainerScene
from mathviz_scenes.components.layout import Box, Split, split_frame
from mathviz_scenes.components.panel import Panel
from mathviz_scenes.components.readout import Readout
from softmax_temperature.story import TemperatureStory

__all__ = ["SoftmaxTemperature"]

BAR_WIDTH = 0.6  # in graph units (one class per unit)
#: The three temperatures shown, in the order of the beats.
WHICH = ("chosen", "cold", "hot")


class SoftmaxTemperature(ExplainerScene):
    scene_name = "softmax_temperature"
    story: TemperatureStory

    #: In a square or portrait frame, the panel under the plot (None in 16:9).
    split: Split | None = None

    def build_axes(self) -> VGroup:
        """The axes: at the left in 16:9, filling the plot box above the panel in square and portrait frames."""
        n = len(self.story.logits)
        frame = style.frame()
        if frame.landscape:
            self.axes = style.make_axes((0, n + 1, 1), (0, 1, 0.25), x_length=6.8, y_length=4.6,
                                        x_axis_config={"include_numbers": False})
            self.axes.to_edge(LEFT, buff=0.7).shift(UP * 0.1)
        else:
            # the panel holds three rows (title, readouts side by side, note); in portrait the plot is
            # at most a little taller than wide and the two are centred together in the frame's height
            panel_height = 2.3
            split = split_frame(panel_height=panel_height)
            plot = split.plot
            x_length = plot.width - 0.7  # room for the tick numbers at the left
            y_length = min(plot.height - 0.6, 1.2 * x_length)  # and the class labels under the axis
            spare = plot.height - 0.6 - y_length
            self.axes = style.make_axes((0, n + 1, 1), (0, 1, 0.25), x_length=x_length, y_length=y_length,
                                        x_axis_config={"include_numbers": False})
            self.axes.align_to([plot.right, 0, 0], RIGHT).align_to([0, plot.top - spare / 2, 0], UP)
            panel_top = split.panel.top + spare / 2
            self.split = Split(plot, Box(split.panel.left, split.panel.right, panel_top - panel_height, panel_top),
                               stacked=True)
        self.class_labels = VGroup(*(
            style.text(label, size=style.SMALL_SIZE).next_to(self.axes.c2p(i + 1, 0), DOWN, buff=0.2)
            for i, label in enumerate(self.story.labels)
        ))
        return VGroup(self.axes, self.class_labels)

    def build_bars(self, which: str) -> VGroup:
        """One bar per class, height = that class's probability at the ``which`` temperature."""
        distribution = getattr(self.story, which)
        bars = VGroup()
        for i, p in enumerate(distribution.probabilities):
            low, high = self.axes.c2p(i + 1 - BAR_WIDTH / 2, 0), self.axes.c2p(i + 1 + BAR_WIDTH / 2, p)
            color = style.HIGHLIGHT_COLOR if i == self.story.argmax else style.FUNCTION_COLOR
            # a probability of ~0 still gets a sliver of a bar, standing on the axis
            height = max(high[1] - low[1], 1e-3)
            bar = Rectangle(width=high[0] - low[0], height=height, stroke_width=0, fill_color=color, fill_opacity=0.85)
            bar.move_to([(low[0] + high[0]) / 2, low[1] + height / 2, 0])
            bars.add(bar)
        return bars

    def build_readouts(self, which: str) -> VGroup:
        """T, the largest p and the entropy at the ``which`` temperature, placed where every beat's fit;
        the note on entropy's unit goes under them.
        """
        distribution = getattr(self.story, which)
        temperature = Readout("T", distribution.temperature, story_field=f"{which}.temperature", decimals=2)
        top = Readout("max p", distribution.top, story_field=f"{which}.top", color=style.HIGHLIGHT_COLOR)
        entropy = Readout("H", distribution.entropy, story_field=f"{which}.entropy", decimals=2,
                          color=style.ACCENT_COLOR)
        rows = VGroup(temperature, top, entropy)
        if self.split is None:
            rows.arrange(DOWN, aligned_edge=LEFT, buff=0.35)
            rows.next_to(self.title, DOWN, buff=0.6, aligned_edge=LEFT)
            self.bits_note.next_to(rows, DOWN, buff=0.5, aligned_edge=LEFT)
            return rows
        # side by side if they fit while showing the widest value of any beat, else stacked
        values = {field: [getattr(getattr(self.story, w), field) for w in WHICH]
                  for field in ("temperature", "top", "entropy")}
        self.panel.row([(temperature, values["temperature"]), (top, values["top"]), (entropy, values["entropy"])],
                       top=self.panel.below(self.title, 0.35))
        self.panel.place(self.bits_note, self.panel.below(rows, 0.3))
        return rows

    def build_title(self) -> Any:
        """The title and the note on entropy's unit: beside the plot in 16:9, in the panel below it otherwise."""
        self.title = style.text("softmax(z / T)", size=style.TITLE_SIZE)
        self.bits_note = style.text(self.tr(f"H in bits; uniform: {self.story.max_entropy:.2f}",
                                            f"H 以比特为单位；均匀分布时为 {self.story.max_entropy:.2f}"),
                                    size=style.SMALL_SIZE, color=style.MUTED_COLOR)
        if self.split is None:
            self.title.next_to(self.axes, RIGHT, buff=0.8).to_edge(UP, buff=0.5)
        else:
            box = self.split.panel
            self.panel = Panel(box.left, box.top, right=box.right)
            self.panel.place(self.title)
        return self.title

    def construct(self) -> None:
        self.build_axes()
        self.build_title()
        bars = self.build_bars("chosen")
        readouts = self.build_readouts("chosen")

        self.beat("softmax", en="softmax turns scores z into probabilities: exp(z / T), then normalise.",
                  zh="softmax 把分数 z 变成概率：先取 exp(z / T)，再归一化。")
        self.play(FadeIn(self.axes), FadeIn(self.class_labels), FadeIn(self.title), run_time=1.0)
        self.play(FadeIn(bars, shift=UP * 0.2), FadeIn(readouts), FadeIn(self.bits_note), run_time=1.2)
        self.wait(1.0)

        for which, en, zh in (
            ("cold", "Cool it to T / 4: the largest score takes almost everything.",
             "降温到 T / 4：最大的分数几乎拿走全部概率。"),
            ("hot", "Heat it to 4 T: the probabilities spread towards uniform.",
             "升温到 4 T：概率向均匀分布摊开。"),
        ):
            self.beat(which, en=en, zh=zh)
            new_readouts = self.build_readouts(which)
            self.play(Transform(bars, self.build_bars(which)), ReplacementTransform(readouts, new_readouts), run_time=1.5)
            readouts = new_readouts
            self.wait(1.5)
