"""The frame-quality guard catches broken layouts and passes clean ones."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, FunctionGraph, tempconfig

from mathviz.story import Story
from mathviz_scenes.components import style
from mathviz_scenes.components.base import ExplainerScene
from mathviz_scenes.components.quality import FrameChecker, lookup
from mathviz_scenes.components.readout import Readout


@dataclass(frozen=True)
class ToyStory(Story):
    det: float = 2.5
    secants: tuple = ({"h": 1.0, "slope": 0.75},)


class Toy(ExplainerScene):
    layout = "clean"

    def construct(self) -> None:
        self.beat("one", en="A clean beat", zh="干净")
        readout = Readout("det A", self.story.det, story_field="det").to_edge(UP)
        label = style.text("a label").to_corner(LEFT + UP)
        curve = FunctionGraph(lambda x: 0.5 * x, x_range=[-3, 3])
        self.play(FadeIn(readout), FadeIn(label), Create(curve))
        bad = self.layout
        if bad == "offscreen":
            self.play(FadeIn(style.text("runs off the edge").move_to(7.2 * RIGHT)))
        elif bad == "overlap":
            self.play(FadeIn(style.text("on top of the readout").move_to(readout)))
        elif bad == "over-curve":
            self.play(FadeIn(style.text("over the graph").move_to([0, 0, 0])))
        elif bad == "tiny":
            self.play(FadeIn(style.text("too small to read", size=10).move_to(2 * DOWN + 3 * RIGHT)))
        elif bad == "number":
            self.play(FadeIn(Readout("\"slope\"", 0.80, story_field="secants.0.slope").move_to(2 * DOWN + 3 * LEFT)))
        elif bad == "unbound":
            self.play(FadeIn(style.number(1.234).move_to(2 * DOWN + 3 * LEFT)))
        self.beat("two", en="The end", zh="结束")
        self.wait(0.2)


def _findings(layout: str, tmp_path):
    with tempconfig({"dry_run": True, "disable_caching": True, "media_dir": str(tmp_path), "verbosity": "ERROR",
                     "progress_bar": "none", "write_to_movie": False, "quality": "low_quality"}):
        scene = type(f"Toy_{layout}", (Toy,), {"layout": layout})(story=ToyStory())
        checker = FrameChecker(scene).attach()
        scene.render()
        return checker.finish()


def test_clean_layout_passes(tmp_path) -> None:
    assert _findings("clean", tmp_path) == []


@pytest.mark.parametrize("layout", ["offscreen", "overlap", "over-curve", "tiny", "number", "unbound"])
def test_broken_layout_is_caught(layout: str, tmp_path) -> None:
    findings = _findings(layout, tmp_path)
    kinds = {f.kind for f in findings}
    expected = "number" if layout == "unbound" else layout
    assert expected in kinds, findings
    assert all(f.when for f in findings)


def test_lookup_follows_story_paths() -> None:
    story = ToyStory().to_dict()
    assert lookup(story, "secants.0.slope") == 0.75
    assert lookup(story, "det") == 2.5
    with pytest.raises(KeyError):
        lookup(story, "nope")
