"""Property: for every scene, any valid parameters give frames the guard passes (issue #15, item 6).

Parameters are drawn across each parameter's whole allowed range (tests/scenes/guard_strategies.py). The
sweep (``make sweep``, run by CI) builds each drawn scene under dry_run at a low frame rate with the guard
attached; ``MATHVIZ_GUARD_EXAMPLES`` sets how many draws per scene (default 2, seeded, so CI is
reproducible; raise it locally to hunt). Counterexamples found so far are pinned with ``@example``
beside their fix. In ``make test`` only the strategies themselves are checked: every draw is a valid set
of parameters, so the sweep never spends its builds on refusals.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, assume, example, given, settings

from mathviz.params import ParameterError
from mathviz.pipeline import registry
from mathviz.pipeline.catalog import SCENES
from mathviz_scenes.components.quality import format_findings
from tests.conftest import build_checked
from tests.scenes.guard_strategies import STRATEGIES

EXAMPLES = int(os.environ.get("MATHVIZ_GUARD_EXAMPLES", "2"))
#: Frames per second of the sweep's builds: the guard samples inside every animation whatever the rate.
FRAME_RATE = 2


def test_every_scene_has_a_strategy() -> None:
    assert set(STRATEGIES) == set(SCENES)


@pytest.mark.sweep  # about 100 s of story computing over all scenes: too slow for `make test`
@pytest.mark.parametrize("scene", SCENES)
def test_strategies_draw_valid_parameters(scene: str) -> None:
    spec = registry.get(scene)
    names = {p.name for p in spec.parameters()}
    built = []

    @settings(max_examples=15, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(STRATEGIES[scene]())
    def draw(overrides: dict[str, str]) -> None:
        assert set(overrides) == names  # every parameter is drawn, none invented
        for param in spec.parameters():
            param.parse(overrides[param.name])  # each value on its own is valid: ParameterError fails the test
        try:
            spec.build_story(overrides)
        except ParameterError:
            return  # a combination the story refuses (a > b, outside a domain): the sweep rejects these
        built.append(overrides)

    draw()
    assert len(built) >= 5, f"{scene}: most drawn combinations are refused; the sweep would build nothing"


def _guard_passes(scene: str, overrides: dict[str, str], tmp_path: Path) -> None:
    try:
        registry.get(scene).build_story(overrides)
    except ParameterError:
        assume(False)
    _, findings = build_checked(scene, overrides, media_dir=tmp_path, frame_rate=FRAME_RATE)
    assert findings == [], f"{scene} {overrides}:\n{format_findings(findings)}"


def _sweep(scene: str, tmp_path_factory: pytest.TempPathFactory):
    # No shrinking: each step of it is another whole guard build (20 to 40 per failure, minutes each), which
    # once took the sweep past CI's 30 minutes. The failing draw is reported as drawn; pin it as found.
    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(overrides=STRATEGIES[scene]())
    def run(overrides: dict[str, str]) -> None:
        _guard_passes(scene, overrides, tmp_path_factory.mktemp(scene))

    for overrides in PINNED.get(scene, []):  # each counterexample found, run first every time
        run = example(overrides=overrides)(run)
    return run


#: Counterexamples the sweep found, run first every time (with the commit that fixed each, or under UNFIXED).
PINNED: dict[str, list[dict[str, str]]] = {
    # x0 far from 0: y tick numbers like -3.33e+08 went right of the axis into the panel's readouts, and an x tick
    # number sat under the f(x) title where the x-axis runs along the top (fixed: tick numbers keep clear of both)
    "derivative": [{"function": "x**3/3 - x", "x0": "-1000"},
                   # f' near 0 at a peak on the y axis: the error inset's numbers (10^-12) pushed its legend past the
                   # frame's right edge, and P's name had no place clear of both the secants and the y axis (fixed:
                   # the inset narrows for the legend; a name that must touch an axis sits on a background)
                   {"function": "1/(1+x**2)", "x0": "1.7638590476901544e-09"},
                   # a flat seventh power at 0: the error inset's legend ('slope 6.00') left the frame in the shrink
                   # beat (passes on main now: fixed with the one above, the inset narrows for its legend)
                   {"function": "x**7", "x0": "0"}],
    # A maps every vector near the vertical: the other images ran past A v1's tip across v1's name (line- and
    # fill-over-text in the apply beat; in 1:1 also the readout 788.394 off the frame and two rows too small)
    # (fixed: the name goes beside the tip, clear of the arrows, above them on its backing; readouts are fitted
    # at their widest number; the zoom note and P = mat(v_1, v_2) = ... break onto two lines in a narrow panel)
    "eigen": [{"matrix": "[[98.4231445071598, -1e-05], [1000, 788.3941002864553]]"}],
    # |w1| + |w2| from [-2.5, 2]: the gradient arrow (|grad| 1.41, drawn x 1) left the contour map through its left
    # edge and its tip landed on the w2 tick number 3 (fill-over-text); in 1:1 'momentum beta = 0.893303' ran into
    # 'gradient descent' (fixed: the arrow's scale keeps its tip inside the window; each ravine map's name keeps
    # within its share of the row)
    "gradient_descent": [{"surface": "abs(w1) + abs(w2)", "start": "auto", "learning_rate": "1e-06", "steps": "1",
                          "optimizer": "gd", "momentum": "0.8933028530930844"},
                         # |w1| + |w2| from a corner or an edge the gradient leaves by: no arrow fitted inside the
                         # window, so the tip covered the tick number 3 or an axis name (fixed: the window widens
                         # there by whole tick steps)
                         {"surface": "abs(w1)+abs(w2)", "start": "[-3, 3]"},
                         {"surface": "abs(w1)+abs(w2)", "start": "[-3, 0]"},
                         {"surface": "abs(w1)+abs(w2)", "start": "[0, -3]"}],
    # entries written 1.0e-05: the 16:9 matrix formula ran past the frame's right edge (fixed: it shrinks to the room)
    "determinant": [{"matrix": "[[0, 0], [1e-05, 1e-05]]"}],
    # B's entries written with three decimals (-1.333): the 16:9 panel's "first B" row ran past the frame's right
    # edge (fixed: a row wider than the panel's room shrinks alone)
    "matrix_product": [{"A": "[[3, 2.1456], [0, -2.4804149171593197]]",
                        "B": "[[-1.3333333333333333, -0.3333333333333333], [0.16666666666666666, 0.6238321607484064]]"}],
    # a long interval of a constant: the area readout (A(x) = 2681532.075), grown by a fifth about its centre
    # when indicated, reached back over the x name of the plot beside the panel in the ftc beat (fixed:
    # readouts are indicated within the room the layout keeps around them)
    "integral": [{"function": "5", "a": "0.001", "b": "536306.4152080836", "rule": "midpoint", "n_max": "517"},
                 # sin over a million units: quad crashed on more break points than subintervals (fixed: the story
                 # raises its limit and refuses the oscillation it cannot integrate, one error line)
                 {"function": "sin(x)", "a": "-1000000", "b": "912", "rule": "left", "n_max": "16"},
                 # n_max 1024: 'n = 1024' grew into the Delta x readout beside it in the riemann beat (fixed: the
                 # row is spaced for the widest n as well as the widest width)
                 {"function": "cos(3*x)*exp(-x**2)", "a": "1.7638590476901544e-09", "b": "0.22", "rule": "midpoint",
                  "n_max": "1024"}],
    # tiny noise under a steep line: log L over the sweep spans ~1e19, Manim's value axis collapsed to a point and
    # the 'â = -1000' label (under the dashed line's end, mid-plot) sat under the sweep's dot in the slope-sweep beat
    # (fixed: the sweep plots' value axes are laid out in units of their span; the label sits under the plots' boxes)
    "least_squares_mle": [{"slope": "-1000", "intercept": "-1000", "noise": "1e-06", "points": "5", "seed": "0"}],
    # sigma_1 and sigma_2 readouts of very different lengths overlapped in the stretch beat (fixed: spaced for their
    # widest numbers, one under the other when that is wider than the panel)
    "svd_pca": [{"matrix": "[[536.3064152080835, 1e-06], [-660.2835362362839, -1000]]", "points": "500",
                 "stds": "[0.94, 261.4555390234608]", "angle": "30",
                 "mean": "[-513.4324150674481, -2.3028277625744575e-175]", "seed": "1910"}],
    # a steep saddle: the second Hessian eigenvalue's readout left the frame on the right (passes on main now)
    "tangent_plane_hessian": [{"surface": "1e3*(x**2 - y**2)", "point": "[1.192092896e-07, 2]"},
                              # a saddle at a corner of its box: the tangent plane's patch, the tangent lines and
                              # an x end number cleared off them reached into the caption band, the number off the
                              # frame as the camera turned (fixed: the camera fits everything the beats draw, and
                              # the labels where they are cleared to, into the view)
                              {"surface": "x*y", "point": "[2, -2]"}],
    # lam = 0 with w* far out on the diagonal: the L1 diamond (radius 2000 in a view of 1500) ran into the caption
    # band and across the panel's readouts, and the L1 path from w* ran across w*'s name (fixed: a ball is cut to the
    # plane's square, w*'s name sits on its side away from the origin, a square frame's panel shrinks into its room)
    "regularization": [{"optimum": "[-1000, -1000]", "hessian": "[[1e-06, 0], [0, 1e-06]]", "penalty": "l1",
                        "lam": "0"}],
    "entropy_kl": [
        # one outcome near certain, the rest near 0: the row of values under the bars overlaps ('14.72' on
        # '2.47×10⁻³' on '10.55') in the entropy beat
        {"numbers": "488427", "secret": "488427", "seed": "5",
         "p": "[37/1001716, 1000000/1001716, 670/1001716, 250/1001716, 759/1001716]",
         "q": "[1000000/2000358, 1000000/2000358, 250/2000358, 100/2000358, 8/2000358]", "truth": "A", "unit": "nats"},
        # p_A near 1: its value label 0.999 runs into the axis name p; q's tiny value into 'prediction q'
        {"numbers": "2784", "secret": "2784", "seed": "2147483647", "p": "[1000000/1000557, 502/1000557, 55/1000557]",
         "q": "[55/1000337, 282/1000337, 1000000/1000337]", "truth": "A", "unit": "bits"},
        # eight outcomes, tiny values beside two halves: value labels written 5×10⁻⁷ and 1.59×10⁻⁴ overlap two
        # slots away (fixed with the two above: values at three places, 0.000 for a nonzero one too small, and a
        # label still touching another label or a bar goes up until clear; the axis names sit above the labels)
        {"numbers": "2", "secret": "random", "seed": "0",
         "p": "[0/2000320, 0/2000320, 0/2000320, 0/2000320, 1/2000320, 1000000/2000320, 319/2000320, 1000000/2000320]",
         "q": "[1/3001085, 1000000/3001085, 1000000/3001085, 1000000/3001085, 42/3001085, 360/3001085, 640/3001085, "
              "42/3001085]",
         "truth": "E", "unit": "bits"},
    ],
}
#: Scenes with counterexamples whose layout is not fixed yet: expected to fail until it is.
UNFIXED: dict[str, str] = {}


# One test per scene so `make sweep` spreads them over the cores.
@pytest.mark.sweep
@pytest.mark.parametrize("scene", [pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=UNFIXED[name]))
                                   if name in UNFIXED else name for name in SCENES])
def test_guard_passes_for_any_valid_parameters(scene: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    _sweep(scene, tmp_path_factory)()
