"""Which scenes exist, what they teach, their parameters, and how to build their stories.

The registry holds names as strings and imports a topic module only when its
scene is asked for, so ``mathviz list`` stays fast and nothing here imports
manim. The order of scenes comes from :mod:`mathviz.catalog`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Mapping

from mathviz.catalog import SCENES
from mathviz.params import Param, ParameterError
from mathviz.story import Story

__all__ = ["SceneSpec", "REGISTRY", "get", "UnknownSceneError"]


class UnknownSceneError(LookupError):
    pass


@dataclass(frozen=True)
class SceneSpec:
    """A registered explainer.

    ``story`` is ``"module:function"``: the function takes the parsed
    parameters as keyword arguments and returns a :class:`~mathviz.story.Story`.
    ``params`` is ``"module:ATTRIBUTE"`` naming a tuple of :class:`~mathviz.params.Param`.
    ``scene`` is ``"module:Class"`` of the Manim scene that draws the story.
    """

    name: str
    title: str
    teaches: str
    story: str
    params: str
    scene: str

    def parameters(self) -> tuple[Param, ...]:
        module, attr = self.params.split(":")
        return tuple(getattr(importlib.import_module(module), attr))

    def parse(self, overrides: Mapping[str, str] | None = None) -> dict[str, Any]:
        """Defaults overlaid with ``overrides`` (text as typed), each parsed into a typed value."""
        overrides = dict(overrides or {})
        params = {p.name: p for p in self.parameters()}
        unknown = sorted(set(overrides) - set(params))
        if unknown:
            raise ParameterError(unknown[0], f"unknown parameter for {self.name} (known: {', '.join(params)})")
        return {name: p.parse(overrides.get(name, p.default)) for name, p in params.items()}

    def build_story(self, overrides: Mapping[str, str] | None = None) -> Story:
        """Validate the parameters and compute the story; raises ParameterError on bad input."""
        module, func = self.story.split(":")
        return getattr(importlib.import_module(module), func)(**self.parse(overrides))

    def scene_class(self) -> type:
        """The Manim scene class (imports manim)."""
        module, cls = self.scene.split(":")
        return getattr(importlib.import_module(module), cls)


_SPECS = (
    SceneSpec(
        "derivative",
        "The derivative is the slope of the tangent",
        "Secant slopes (f(x0+h)-f(x0))/h converge to f'(x0) as h shrinks; the slope of f traced as f'.",
        "mathviz.calculus:derivative_story",
        "mathviz.calculus:PARAMS",
        "scenes.derivative:TangentSlope",
    ),
    SceneSpec(
        "determinant",
        "The determinant is how much areas and volumes scale",
        "A matrix maps the unit square (cube) to a parallelogram (parallelepiped) whose signed area (volume) is det A.",
        "mathviz.linalg:determinant_story",
        "mathviz.linalg:PARAMS",
        "scenes.determinant:AreaScaling",
    ),
    SceneSpec(
        "eigen",
        "Eigenvectors are the directions a matrix only stretches",
        "Vectors on an eigenvector's span stay on it and stretch by lambda; in the eigenbasis A is a pure stretch.",
        "mathviz.eigen:eigen_story",
        "mathviz.eigen:PARAMS",
        "scenes.eigen:EigenStretch",
    ),
    SceneSpec(
        "gradient_descent",
        "Gradient descent on a loss surface",
        "Iterates w - eta * grad L(w) roll downhill; the learning rate's stability bound 2/lambda_max; momentum in a ravine.",
        "mathviz.optim:descent_story",
        "mathviz.optim:PARAMS",
        "scenes.gradient_descent:LossSurfaceDescent",
    ),
    SceneSpec(
        "relu",
        "ReLU and its gradient in backpropagation",
        "relu = np.maximum(x, 0) forward; the chain rule with the indicator 1[x > 0] zeroes the upstream gradient backward.",
        "mathviz.nn:relu_story",
        "mathviz.nn:PARAMS",
        "scenes.relu:ReluBackprop",
    ),
)

REGISTRY: dict[str, SceneSpec] = {spec.name: spec for spec in _SPECS}
assert tuple(REGISTRY) == SCENES, "mathviz.catalog.SCENES and the registry disagree"


def get(name: str) -> SceneSpec:
    """The spec of scene ``name``; raises UnknownSceneError with the known names."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise UnknownSceneError(f"unknown scene {name!r} (known: {', '.join(SCENES)})") from None
