"""Plain Manim Community scenes, written as anyone would, for ``mathviz check FILE.py:CLASS``.

Nothing here uses mathviz: ``Clean`` keeps every label inside the frame, apart and legible;
``Broken`` makes each mistake the layout guard looks for once.
"""

from manim import DOWN, LEFT, RIGHT, UP, Axes, Create, FadeIn, Scene, Text, Write


class Clean(Scene):
    def construct(self):
        title = Text("A parabola", font_size=40).to_edge(UP)
        axes = Axes(x_range=[-3, 3, 1], y_range=[0, 9, 3], x_length=6, y_length=4).shift(DOWN * 0.5)
        curve = axes.plot(lambda x: x**2, color="#58C4DD")
        label = Text("y = x²", font_size=28).next_to(axes, RIGHT).shift(UP)
        self.play(Write(title))
        self.play(Create(axes), Create(curve))
        self.play(FadeIn(label))
        self.wait(0.5)


class Broken(Scene):
    def construct(self):
        axes = Axes(x_range=[-3, 3, 1], y_range=[0, 9, 3], x_length=6, y_length=4)
        curve = axes.plot(lambda x: x**2, color="#58C4DD")
        self.play(Create(axes), Create(curve))
        # over the curve, with no background behind it
        on_curve = Text("steep here", font_size=28).move_to(axes.c2p(2.2, 4.84))
        # half out of the frame on the left
        off_frame = Text("this sentence runs off the left edge", font_size=36).to_edge(LEFT).shift(LEFT * 2.5 + UP * 3)
        # two labels on top of each other
        first = Text("minimum", font_size=28).move_to(axes.c2p(0, 0.8))
        second = Text("vertex", font_size=28).move_to(axes.c2p(0.2, 0.9))
        # far too small to read at 480p
        tiny = Text("fine print", font_size=6).to_corner(DOWN + RIGHT)
        self.play(FadeIn(on_curve), FadeIn(off_frame), FadeIn(first), FadeIn(second), FadeIn(tiny))
        self.wait(0.5)
