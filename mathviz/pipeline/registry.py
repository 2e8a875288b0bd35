"""Which scenes exist, what they teach, their parameters, and how to build their stories.

The registry holds names as strings and imports a topic module only when its
scene is asked for, so ``mathviz list`` stays fast and nothing here imports
manim. The order of scenes comes from :mod:`mathviz.pipeline.catalog`.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mathviz.params import Param, ParameterError
from mathviz.pipeline.catalog import SCENES
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
        "mathviz.stories.derivative:derivative_story",
        "mathviz.stories.derivative:PARAMS",
        "mathviz_scenes.derivative:TangentSlope",
    ),
    SceneSpec(
        "chain_rule",
        "The chain rule: slopes multiply",
        "A nudge dx through f then g: (g o f)'(x) = g'(f(x)) f'(x); for layers, the Jacobians multiply.",
        "mathviz.stories.chain_rule:chain_rule_story",
        "mathviz.stories.chain_rule:PARAMS",
        "mathviz_scenes.chain_rule:SlopesMultiply",
    ),
    SceneSpec(
        "integral",
        "The integral is signed area",
        "Left, right and midpoint Riemann sums converge at their known rates; area below the axis counts negative; the area function's slope is the curve.",
        "mathviz.stories.integral:integral_story",
        "mathviz.stories.integral:PARAMS",
        "mathviz_scenes.integral:RiemannSums",
    ),
    SceneSpec(
        "norms",
        "Norms, inner products and coordinates",
        "Unit balls of the p-norms from p = 1 to infinity; the inner product and orthogonality; a vector's coordinates in a basis.",
        "mathviz.stories.norms:norms_story",
        "mathviz.stories.norms:PARAMS",
        "mathviz_scenes.norms:UnitBalls",
    ),
    SceneSpec(
        "determinant",
        "The determinant is how much areas and volumes scale",
        "A matrix maps the unit square (cube) to a parallelogram (parallelepiped) whose signed area (volume) is det A.",
        "mathviz.stories.determinant:determinant_story",
        "mathviz.stories.determinant:PARAMS",
        "mathviz_scenes.determinant:AreaScaling",
    ),
    SceneSpec(
        "matrix_product",
        "Matrix multiplication is composition",
        "Applying B then A is the single transform AB; the order matters (AB vs BA); each entry is a row times a column.",
        "mathviz.stories.matrix_product:matrix_product_story",
        "mathviz.stories.matrix_product:PARAMS",
        "mathviz_scenes.matrix_product:Composition",
    ),
    SceneSpec(
        "eigen",
        "Eigenvectors are the directions a matrix only stretches",
        "Vectors on an eigenvector's span stay on it and stretch by lambda; in the eigenbasis A is a pure stretch.",
        "mathviz.stories.eigen:eigen_story",
        "mathviz.stories.eigen:PARAMS",
        "mathviz_scenes.eigen:EigenStretch",
    ),
    SceneSpec(
        "svd_pca",
        "SVD: rotate, stretch, rotate; PCA: the directions of greatest variance",
        "Any 2x2 matrix is U Sigma V^T acting on the unit circle; PCA finds a point cloud's principal axes and explained variance.",
        "mathviz.stories.svd_pca:svd_pca_story",
        "mathviz.stories.svd_pca:PARAMS",
        "mathviz_scenes.svd_pca:RotateStretchRotate",
    ),
    SceneSpec(
        "tangent_plane_hessian",
        "Partial derivatives, the tangent plane and the Hessian",
        "The slopes of a surface's two slices span its tangent plane; the gradient points uphill; the Hessian's eigenvalues tell minimum, maximum or saddle.",
        "mathviz.stories.tangent_plane_hessian:tangent_plane_story",
        "mathviz.stories.tangent_plane_hessian:PARAMS",
        "mathviz_scenes.tangent_plane_hessian:TangentPlaneHessian",
    ),
    SceneSpec(
        "gradient_descent",
        "Gradient descent on a loss surface",
        "Iterates w - eta * grad L(w) roll downhill; the learning rate's stability bound 2/lambda_max; momentum in a ravine.",
        "mathviz.stories.gradient_descent:descent_story",
        "mathviz.stories.gradient_descent:PARAMS",
        "mathviz_scenes.gradient_descent:LossSurfaceDescent",
    ),
    SceneSpec(
        "relu",
        "ReLU and its gradient in backpropagation",
        "relu = np.maximum(x, 0) forward; the chain rule with the indicator 1[x > 0] zeroes the upstream gradient backward.",
        "mathviz.stories.relu:relu_story",
        "mathviz.stories.relu:PARAMS",
        "mathviz_scenes.relu:ReluBackprop",
    ),
    SceneSpec(
        "expectation_lln",
        "Expectation and the law of large numbers",
        "A game's expected value is the probability-weighted average; running averages of simulated rounds converge to it; the dice have no memory.",
        "mathviz.stories.expectation_lln:expectation_story",
        "mathviz.stories.expectation_lln:PARAMS",
        "mathviz_scenes.expectation_lln:RunningAverages",
    ),
    SceneSpec(
        "entropy_kl",
        "Entropy, cross-entropy and KL divergence",
        "Entropy is the expected number of yes/no questions; cross-entropy scores a prediction; KL = cross-entropy - entropy >= 0.",
        "mathviz.stories.entropy_kl:entropy_story",
        "mathviz.stories.entropy_kl:PARAMS",
        "mathviz_scenes.entropy_kl:QuestionsAndBits",
    ),
)

REGISTRY: dict[str, SceneSpec] = {spec.name: spec for spec in _SPECS}
assert tuple(REGISTRY) == SCENES, "mathviz.pipeline.catalog.SCENES and the registry disagree"


def get(name: str) -> SceneSpec:
    """The spec of scene ``name``; raises UnknownSceneError with the known names."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise UnknownSceneError(f"unknown scene {name!r} (known: {', '.join(SCENES)})") from None
