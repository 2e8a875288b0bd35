"""The frame-quality guard catches broken layouts and passes clean ones."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from manim import BLACK, DEGREES, DOWN, LEFT, RIGHT, UP, Code, Create, Cross, Dot, FadeIn, FunctionGraph, Line, Square, tempconfig

from mathviz.story import Story
from mathviz_scenes.components import style
from mathviz_scenes.components.base import ExplainerScene, ExplainerThreeDScene
from mathviz_scenes.components.look import Look
from mathviz_scenes.components.quality import FrameChecker, lookup
from mathviz_scenes.components.readout import Readout


@dataclass(frozen=True)
class ToyStory(Story):
    det: float = 2.5
    secants: tuple = ({"h": 1.0, "slope": 0.75},)


class Toy(ExplainerScene):
    story: ToyStory
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
        elif bad == "line-over-text":  # the derivative's run segment across the axis tick labels
            target = style.text("tick 1.5").move_to(2 * DOWN + 3 * LEFT)
            self.add(target)
            self.play(Create(Line(target.get_left() + 0.3 * LEFT, target.get_right() + 0.3 * RIGHT, stroke_width=3)))
        elif bad == "line-over-backed-text":  # a background does not help a line drawn above it
            target = style.text("tick 1.5").move_to(2 * DOWN + 3 * LEFT)
            target.add_background_rectangle(opacity=1)
            self.add(target)
            self.play(Create(Line(target.get_left() + 0.3 * LEFT, target.get_right() + 0.3 * RIGHT, stroke_width=3)))
        elif bad == "marker-over-text":  # gradient_descent's exit cross on the w1 axis label
            target = style.text("w1").move_to(2 * DOWN + 3 * LEFT)
            self.add(target)
            self.play(FadeIn(Cross(scale_factor=0.12).move_to(target)))
        elif bad == "fill-over-text":
            target = style.text("a long label").move_to(2 * DOWN + 3 * LEFT)
            self.add(target)
            self.play(FadeIn(Dot(radius=0.12).move_to(target.get_right() + 0.2 * LEFT)))
        elif bad in ("label-beside-slanted-fill", "label-under-slanted-fill"):
            # a slanted patch drawn after a label: clean with the label in the patch's bounding box but clear of
            # the patch (tangent_plane_hessian's 'y' name beside the tangent plane seen at a slant), caught with
            # the label at the patch's middle
            patch = Square(side_length=2, fill_opacity=0.8, stroke_width=2).rotate(45 * DEGREES).move_to([-4.5, -1, 0])
            corner = bad == "label-beside-slanted-fill"
            target = style.math("y").move_to(patch.get_corner(UP + RIGHT) + 0.15 * (DOWN + LEFT) if corner else patch)
            self.add(target)
            self.play(FadeIn(patch))
        elif bad == "text-in-caption-band":  # the caption line's band stays clear with captions none too
            self.play(FadeIn(style.text("low note").move_to([0, style.caption_top() - 0.2, 0])))
        elif bad == "stroke-in-caption-band":  # a key stroke at a beat's end, under the player's control bar
            y = style.caption_top() - 0.3
            self.play(Create(Line([-4, y, 0], [-1, y, 0], stroke_width=4)))
        elif bad == "code-listing":  # clean: a listing's own box is its background, not its text or a line over it
            listing = Code(code_string="h = np.maximum(x, 0)\ngrad = upstream * (x > 0)", language="python",
                           formatter_style="monokai", add_line_numbers=False,
                           paragraph_config={"font": "DejaVu Sans Mono", "font_size": 24})
            self.play(FadeIn(listing.move_to(2 * DOWN + 2 * LEFT)))
        elif bad == "contrast":  # dark grey text on the dark theme's black: about 1.6:1
            self.play(FadeIn(style.text("hard to read", color="#333333").move_to(2 * DOWN + 3 * LEFT)))
        elif bad == "faint-text":  # white, but faded to 20%: blended onto black it is a dark grey
            self.play(FadeIn(style.text("faded", fill_opacity=0.2).move_to(2 * DOWN + 3 * LEFT)))
        elif bad == "low-contrast-stroke":  # a key stroke (width 4, opaque) in dark blue on black
            self.play(Create(Line(2 * DOWN + 5 * LEFT, 2 * DOWN + 1 * LEFT, stroke_width=4, color="#1A1A40")))
        elif bad == "grey-on-backed-text":  # clean: grey text on a white-ish background rectangle would fail,
            # but here the text is white on an opaque black rectangle: 21:1
            target = style.text("on its own background").move_to(2 * DOWN + 3 * LEFT)
            target.add_background_rectangle(color="#000000", opacity=1)
            self.play(FadeIn(target))
        elif bad == "text-on-light-rectangle":  # white text on a near-white background rectangle: fails
            target = style.text("white on white").move_to(2 * DOWN + 3 * LEFT)
            target.add_background_rectangle(color="#EEEEEE", opacity=1)
            self.play(FadeIn(target))
        elif bad == "black-outline":  # clean: an outline in BLACK ("the background") parts a dot from a curve
            self.play(FadeIn(Dot(2 * DOWN + 3 * LEFT, radius=0.1).set_stroke(BLACK, width=3, opacity=1)))
        elif bad == "line-under-backed-text":  # clean: the line is drawn first, the background hides it
            line = Line(2 * DOWN + 5 * LEFT, 2 * DOWN + 1 * LEFT, stroke_width=3)
            target = style.text("tick 1.5").move_to(2 * DOWN + 3 * LEFT)
            target.add_background_rectangle(opacity=1)
            self.play(Create(line))
            self.play(FadeIn(target))
        elif bad == "faint-grid-under-text":  # clean: a faint grid line is not a key stroke
            line = Line(2 * DOWN + 5 * LEFT, 2 * DOWN + 1 * LEFT, stroke_width=1, stroke_opacity=0.3)
            self.play(Create(line), FadeIn(style.text("tick 1.5").move_to(2 * DOWN + 3 * LEFT)))
        self.beat("two", en="The end", zh="结束")
        self.wait(0.2)


def _findings(layout: str, tmp_path, theme: str = "dark", captions: str = "none"):
    with tempconfig({"dry_run": True, "disable_caching": True, "media_dir": str(tmp_path), "verbosity": "ERROR",
                     "progress_bar": "none", "write_to_movie": False, "quality": "low_quality"}):
        scene = type(f"Toy_{layout}", (Toy,), {"layout": layout})(story=ToyStory(), look=Look(theme=theme, captions=captions))
        checker = FrameChecker(scene, shapes=True, contrast=True).attach()
        scene.render()
        return checker.finish()


@pytest.mark.parametrize("layout", ["clean", "line-under-backed-text", "faint-grid-under-text", "grey-on-backed-text",
                                    "black-outline", "code-listing", "label-beside-slanted-fill"])
def test_clean_layout_passes(layout: str, tmp_path) -> None:
    assert _findings(layout, tmp_path) == []


def test_the_burned_caption_line_is_the_only_thing_in_the_caption_band(tmp_path) -> None:
    assert _findings("clean", tmp_path / "burned", captions="burned") == []
    kinds = {f.kind for f in _findings("text-in-caption-band", tmp_path / "low", captions="burned")}
    assert "caption-band" in kinds


def test_contrast_is_judged_in_the_scenes_theme(tmp_path) -> None:
    # The light theme inks the toy's white text near-black on white: the clean layout passes there too...
    assert _findings("clean", tmp_path / "light", theme="light") == []
    # ...and dark grey text, unreadable on the dark theme's black, is 12.6:1 on the light theme's white.
    assert "contrast" in {f.kind for f in _findings("contrast", tmp_path / "dark-grey")}
    assert "contrast" not in {f.kind for f in _findings("contrast", tmp_path / "light-grey", theme="light")}


BROKEN = {"offscreen": "offscreen", "overlap": "overlap", "over-curve": "over-curve", "tiny": "tiny", "number": "number",
          "unbound": "number", "line-over-text": "line-over-text", "line-over-backed-text": "line-over-text",
          "marker-over-text": "line-over-text", "fill-over-text": "fill-over-text", "contrast": "contrast",
          "text-in-caption-band": "caption-band", "stroke-in-caption-band": "caption-band",
          "faint-text": "contrast", "low-contrast-stroke": "contrast", "text-on-light-rectangle": "contrast",
          "label-under-slanted-fill": "fill-over-text"}


@pytest.mark.parametrize("layout", list(BROKEN))
def test_broken_layout_is_caught(layout: str, tmp_path) -> None:
    findings = _findings(layout, tmp_path)
    kinds = {f.kind for f in findings}
    assert BROKEN[layout] in kinds, findings
    assert all(f.when for f in findings)


def test_lookup_follows_story_paths() -> None:
    story = ToyStory().to_dict()
    assert lookup(story, "secants.0.slope") == 0.75
    assert lookup(story, "det") == 2.5
    with pytest.raises(KeyError):
        lookup(story, "nope")


class FlatToy(ExplainerThreeDScene):
    """A flat square in 3D, seen from straight above: face-on when it lies in the xy-plane, edge-on in the xz-plane."""

    edge_on = False

    def construct(self) -> None:
        self.set_camera_orientation(phi=0, theta=-90 * DEGREES)
        self.beat("one", en="A flat shape", zh="平面形状")
        square = Square(side_length=3, fill_opacity=0.8, stroke_width=2)
        if self.edge_on:
            square.rotate(90 * DEGREES, axis=RIGHT)
        self.play(FadeIn(square), run_time=0.4)
        self.beat("two", en="The end", zh="结束")
        self.wait(0.2)


@pytest.mark.parametrize("edge_on", [False, True])
def test_a_flat_shape_seen_edge_on_is_caught(edge_on: bool, tmp_path) -> None:
    with tempconfig({"dry_run": True, "disable_caching": True, "media_dir": str(tmp_path), "verbosity": "ERROR",
                     "progress_bar": "none", "write_to_movie": False, "quality": "low_quality"}):
        scene = type("FlatToyCase", (FlatToy,), {"edge_on": edge_on})(story=ToyStory())
        checker = FrameChecker(scene, shapes=True).attach()
        scene.render()
        kinds = {f.kind for f in checker.finish()}
    assert ("edge-on" in kinds) is edge_on, kinds
