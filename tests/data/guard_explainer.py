"""A tiny explainer whose layout the frame guard rejects on request, for the render and storyboard guard tests.

``layout=clean`` draws two labels apart; ``layout=broken`` draws the second label on top of the first in the
second beat (an ``overlap`` finding). Registered in the tests as a plugin (an entry point in a temporary
distribution), so ``mathviz render guard_toy`` and the chunked render path see it like any explainer.
"""

from __future__ import annotations

from dataclasses import dataclass

from mathviz.explainer import Explainer
from mathviz.params import Param, choice
from mathviz.story import Story


@dataclass(frozen=True)
class GuardToyStory(Story):
    layout: str


def guard_toy_story(layout: str) -> GuardToyStory:
    return GuardToyStory(layout=layout)


PARAMS = (Param("layout", "clean", "clean, or broken: the second label lands on the first",
                choice("layout", ("clean", "broken"))),)
EXPLAINER = Explainer(name="guard_toy", title="Guard toy", teaches="Two labels, apart or on top of each other.",
                      story=guard_toy_story, params=PARAMS, scene="tests.data.guard_toy_scene:GuardToy")
