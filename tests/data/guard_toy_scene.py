"""The scene of :mod:`tests.data.guard_explainer`: two beats, a label each; ``broken`` puts them on top of each other."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, FadeIn

from mathviz_scenes.components import style
from mathviz_scenes.components.base import ExplainerScene
from tests.data.guard_explainer import GuardToyStory


class GuardToy(ExplainerScene):
    story: GuardToyStory

    def construct(self) -> None:
        self.beat("first", en="A first label", zh="第一个标签")
        first = style.text("first label").move_to(2 * UP + 3 * LEFT)
        self.play(FadeIn(first), run_time=0.6)
        self.wait(0.2)
        self.beat("second", en="A second label", zh="第二个标签")
        second = style.text("second label")
        second.move_to(first.get_center() + 0.1 * RIGHT if self.story.layout == "broken" else DOWN + 3 * RIGHT)
        self.play(FadeIn(second), run_time=0.6)
        self.wait(0.2)
