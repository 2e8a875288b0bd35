"""Hypothesis strategies that draw valid parameters for every registered scene, across each parameter's whole range.

Each scene's strategy gives the text a user would type (``--set KEY=VALUE``), drawn from the parameter's
allowed range as its story module declares it (the ``MAX_*``/``MIN_*`` constants beside ``PARAMS``): long
numbers (the shortest round-trip form of any float, e.g. ``0.30000000000000004``), the range's ends,
and every kind a scene distinguishes (named surfaces and expressions, ``auto`` or a value, a count or a list
of faces, 2x2 or 3x3). Values a story refuses as a combination (a > b, a point outside a function's domain)
are rejected by the test with ``assume``, not drawn around.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st

from mathviz.stories import (
    backprop_graph,
    entropy_kl,
    expectation_lln,
    gradient_descent,
    integral,
    least_squares_mle,
    optimizers,
    regularization,
    relu,
    softmax_cross_entropy,
    svd_pca,
    tangent_plane_hessian,
)

Overrides = dict[str, str]


def show(value: float) -> str:
    """A float as the shortest text that reads back as it (``repr``): long numbers stay long."""
    value = float(value)
    return str(int(value)) if value == int(value) and abs(value) < 1e15 else repr(value)


def num(low: float, high: float, *, exclude_low: bool = False, nice: tuple[float, ...] = ()) -> st.SearchStrategy[str]:
    """A number in [low, high] (or (low, high]) as text: the ends, a few nice values, or any float between."""
    ends = [v for v in (low, high, *nice) if low <= v <= high and not (exclude_low and v == low)]
    return st.one_of(st.sampled_from(ends), st.floats(low, high, exclude_min=exclude_low, allow_nan=False,
                                                      allow_infinity=False, allow_subnormal=False)).map(show)


def whole(low: int, high: int) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from([low, high]), st.integers(low, high)).map(str)


def vec(items: st.SearchStrategy[str], min_size: int, max_size: int) -> st.SearchStrategy[str]:
    return st.lists(items, min_size=min_size, max_size=max_size).map(lambda v: "[" + ", ".join(v) + "]")


def mat(items: st.SearchStrategy[str], size: int) -> st.SearchStrategy[str]:
    row = st.lists(items, min_size=size, max_size=size).map(lambda v: "[" + ", ".join(v) + "]")
    return st.lists(row, min_size=size, max_size=size).map(lambda v: "[" + ", ".join(v) + "]")


#: Functions of x of every kind the 1D scenes distinguish: smooth, a corner, steep, flat, periodic, a pole nearby,
#: a restricted domain, huge values.
FUNCTIONS_OF_X = ["x**3/3 - x", "sin(x)", "x**2", "abs(x)", "exp(x)", "log(x)", "sqrt(x)", "1/(1 + x**2)", "5",
                  "tanh(10*x)", "x**7", "1e6*x", "cos(3*x)*exp(-x**2)", "x", "-x**2 + 1e-3"]
ENTRY = num(-1e3, 1e3, nice=(0.0, 1.0, -1.0, 0.5, 1e-6))


@st.composite
def _derivative(draw) -> Overrides:
    return {"function": draw(st.sampled_from(FUNCTIONS_OF_X)), "x0": draw(num(-1e3, 1e3, nice=(0.0, 1.0, -1.0)))}


@st.composite
def _chain_rule(draw) -> Overrides:
    return {"f": draw(st.sampled_from(FUNCTIONS_OF_X)), "g": draw(st.sampled_from(FUNCTIONS_OF_X)),
            "x0": draw(num(-1000, 1000, nice=(0.0, 0.8, -1.0))), "dx": draw(num(0, 10, exclude_low=True, nice=(1e-6,))),
            "seed": draw(whole(0, 2**31 - 1))}


@st.composite
def _integral(draw) -> Overrides:
    ends = num(-integral.MAX_LIMIT, integral.MAX_LIMIT, nice=(-1.5, 0.0, 2.0, 1.0, -3.141592653589793, 1e-3))
    a, b = sorted((draw(ends), draw(ends)), key=float)
    return {"function": draw(st.sampled_from(FUNCTIONS_OF_X)), "a": a, "b": b,
            "rule": draw(st.sampled_from(integral.RULES)), "n_max": draw(whole(16, integral.MAX_N))}


@st.composite
def _norms(draw) -> Overrides:
    return {"vector": draw(vec(ENTRY, 2, 2)), "other": draw(vec(ENTRY, 2, 2)), "basis": draw(mat(ENTRY, 2)),
            "p": draw(num(1, 1000, nice=(2.0, 1.5, 16.0)))}


#: The transform scenes zoom their view to fit the picture, within a limit on how far (MAX_FIT): entries of one
#: matrix share a magnitude (any, from 1e-5 to 1e5) and vary within a factor of a few around it.
_MAGNITUDES = st.sampled_from([1e-5, 1e-3, 0.1, 1.0, 1.0, 1.0, 3.0, 100.0, 1e5])


def _scaled_entry(scale: float) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from([0.0, 1.0, -1.0, 0.5, 2.0]), st.floats(-4, 4, allow_nan=False,
                                                                               allow_subnormal=False)).map(
        lambda x: show(x * scale))


@st.composite
def _determinant(draw) -> Overrides:
    return {"matrix": draw(mat(_scaled_entry(draw(_MAGNITUDES)), draw(st.sampled_from([2, 3]))))}


@st.composite
def _matrix_product(draw) -> Overrides:
    scale = draw(_MAGNITUDES)
    return {"A": draw(mat(_scaled_entry(scale), 2)), "B": draw(mat(_scaled_entry(1 / scale), 2))}


@st.composite
def _eigen(draw) -> Overrides:
    return {"matrix": draw(mat(ENTRY, 2))}


@st.composite
def _svd_pca(draw) -> Overrides:
    spread = num(0, svd_pca.MAX_SPREAD, nice=(0.0, 1.0, 2.0))
    return {"matrix": draw(mat(ENTRY, 2)), "points": draw(whole(svd_pca.MIN_POINTS, svd_pca.MAX_POINTS)),
            "stds": draw(vec(spread, 2, 2)), "angle": draw(num(-360, 360, nice=(0.0, 30.0, 90.0))),
            "mean": draw(vec(num(-svd_pca.MAX_SPREAD, svd_pca.MAX_SPREAD, nice=(0.0,)), 2, 2)),
            "seed": draw(whole(0, 2**32 - 1))}


@st.composite
def _tangent_plane_hessian(draw) -> Overrides:
    surfaces = [*tangent_plane_hessian.SURFACES, "x**2 + 3*y**2", "sin(3*x)*cos(3*y)", "x*y", "exp(x + y)",
                "1e3*(x**2 - y**2)", "0"]
    return {"surface": draw(st.sampled_from(surfaces)), "point": draw(vec(num(-2, 2, nice=(0.0,)), 2, 2))}


def _surface_params(draw, surfaces: list[str]) -> Overrides:
    start = st.one_of(st.just("auto"), vec(num(-3, 3, nice=(0.0,)), 2, 2))
    return {"surface": draw(st.sampled_from(surfaces)), "start": draw(start),
            "learning_rate": draw(st.one_of(st.just("auto"), num(1e-6, 10, nice=(0.1, 1.0)))),
            "steps": draw(whole(1, 500))}


_EXPRESSIONS_W = ["w1**2 + 10*w2**2", "sin(w1)*cos(w2) + w1**2/10", "abs(w1) + abs(w2)", "1e3*(w1**2 + w2**2)",
                  "w1**2 - w2**2", "0"]


@st.composite
def _gradient_descent(draw) -> Overrides:
    values = _surface_params(draw, [*gradient_descent.SURFACES, *_EXPRESSIONS_W])
    values.update(optimizer=draw(st.sampled_from(gradient_descent.OPTIMIZERS)),
                  momentum=draw(num(0, 0.999, nice=(0.9,))))
    return values


@st.composite
def _optimizers(draw) -> Overrides:
    values = _surface_params(draw, [*gradient_descent.SURFACES, *_EXPRESSIONS_W])
    values.update(batch_noise=draw(num(0, optimizers.MAX_NOISE, nice=(0.5,))), seed=draw(whole(0, 2**32 - 1)))
    return values


@st.composite
def _relu(draw) -> Overrides:
    n = draw(st.integers(1, relu.MAX_BARS))
    entry = num(-relu.MAX_ENTRY, relu.MAX_ENTRY, nice=(0.0, 1.5, -0.8))
    return {"x": draw(vec(entry, n, n)), "upstream": draw(vec(entry, n, n)), "seed": draw(whole(0, 2**31 - 1))}


@st.composite
def _expectation_lln(draw) -> Overrides:
    payoff = num(0, expectation_lln.MAX_PAYOFF, nice=(300.0, 200.0, 1.0))
    faces = st.one_of(whole(0, 6), st.sets(st.integers(1, 6), max_size=6).map(
        lambda s: "[" + ", ".join(str(f) for f in sorted(s)) + "]"))
    return {"win": draw(payoff), "lose": draw(payoff), "winning_faces": draw(faces),
            "rounds": draw(whole(expectation_lln.MIN_ROUNDS, expectation_lln.MAX_ROUNDS)),
            "runs": draw(whole(1, expectation_lln.MAX_RUNS)), "seed": draw(whole(0, 2**31 - 1))}


def _distribution(n: int) -> st.SearchStrategy[str]:
    """Non-negative weights (n of them) summing to 1, written as exact fractions w/total (one may be 0; one may dominate)."""
    weights = st.lists(st.one_of(st.integers(0, 1000), st.just(10**6)), min_size=n, max_size=n).filter(any)
    return weights.map(lambda w: "[" + ", ".join(f"{x}/{sum(w)}" for x in w) + "]")


@st.composite
def _entropy_kl(draw) -> Overrides:
    numbers = draw(st.one_of(st.sampled_from([2, entropy_kl.MAX_NUMBERS, 1024, 1000]),
                             st.integers(2, entropy_kl.MAX_NUMBERS)))
    n = draw(st.integers(2, entropy_kl.MAX_OUTCOMES))
    secret = draw(st.one_of(st.just("random"), st.sampled_from(["1", str(numbers)]),
                            st.integers(1, numbers).map(str)))
    return {"numbers": str(numbers), "secret": secret, "seed": draw(whole(0, 2**31 - 1)), "p": draw(_distribution(n)),
            "q": draw(_distribution(n)), "truth": "ABCDEFGH"[draw(st.integers(0, n - 1))],
            "unit": draw(st.sampled_from(entropy_kl.UNITS))}


@st.composite
def _backprop_graph(draw) -> Overrides:
    expressions = ["(a*b + c)*tanh(a)", "a*b*c", "exp(a) + log(b**2 + 1) * c", "a", "a + b + c",
                   "tanh(tanh(tanh(a*b + c)))", "(a - b)**2 / (c**2 + 1)", "sin(a)*cos(b)*exp(c/100)"]
    value = num(-backprop_graph.MAX_INPUT, backprop_graph.MAX_INPUT, nice=(0.0, 0.8, -1.5))
    return {"expression": draw(st.sampled_from(expressions)), "a": draw(value), "b": draw(value), "c": draw(value)}


@st.composite
def _softmax_cross_entropy(draw) -> Overrides:
    n = draw(st.integers(softmax_cross_entropy.MIN_CLASSES, softmax_cross_entropy.MAX_CLASSES))
    logit = num(-softmax_cross_entropy.MAX_LOGIT, softmax_cross_entropy.MAX_LOGIT, nice=(0.0, 2.0, -1.0))
    return {"logits": draw(vec(logit, n, n)), "label": str(draw(st.integers(0, n - 1))),
            "temperature": draw(num(softmax_cross_entropy.MIN_TEMPERATURE, softmax_cross_entropy.MAX_TEMPERATURE,
                                    nice=(1.0,)))}


@st.composite
def _least_squares_mle(draw) -> Overrides:
    coefficient = num(-least_squares_mle.MAX_COEFFICIENT, least_squares_mle.MAX_COEFFICIENT, nice=(0.0, 0.8, 1.0))
    return {"slope": draw(coefficient), "intercept": draw(coefficient),
            "noise": draw(num(least_squares_mle.MIN_NOISE, least_squares_mle.MAX_NOISE, nice=(1.2,))),
            "points": draw(whole(least_squares_mle.MIN_POINTS, least_squares_mle.MAX_POINTS)),
            "seed": draw(whole(0, 2**31 - 1))}


@st.composite
def _regularization(draw) -> Overrides:
    entry = num(-regularization.MAX_ENTRY, regularization.MAX_ENTRY, nice=(2.0, 1.0, 1e-3))
    # A symmetric positive definite H: two positive eigenvalues within the condition limit, and an angle.
    low = draw(num(regularization.MIN_EIGENVALUE, regularization.MAX_ENTRY / 2, nice=(1.0,)))
    ratio = draw(num(1, regularization.MAX_CONDITION, nice=(1.0, 2.0)))
    c, s = draw(st.sampled_from([(1.0, 0.0), (0.6, 0.8), (0.8, -0.6), (0.7071067811865476, 0.7071067811865476)]))
    l1, l2 = float(low), min(float(low) * float(ratio), regularization.MAX_ENTRY / 2)
    h = [[l1 * c * c + l2 * s * s, (l1 - l2) * c * s], [(l1 - l2) * c * s, l1 * s * s + l2 * c * c]]
    return {"optimum": draw(vec(entry, 2, 2)), "hessian": "[[" + "], [".join(", ".join(show(x) for x in r) for r in h) + "]]",
            "penalty": draw(st.sampled_from(regularization.PENALTIES)),
            "lam": draw(num(0, regularization.MAX_LAM, nice=(1.0, 0.1)))}


STRATEGIES: dict[str, Callable[[], st.SearchStrategy[Overrides]]] = {
    "derivative": _derivative, "chain_rule": _chain_rule, "integral": _integral, "norms": _norms,
    "determinant": _determinant, "matrix_product": _matrix_product, "eigen": _eigen, "svd_pca": _svd_pca,
    "tangent_plane_hessian": _tangent_plane_hessian, "gradient_descent": _gradient_descent, "relu": _relu,
    "expectation_lln": _expectation_lln, "entropy_kl": _entropy_kl, "backprop_graph": _backprop_graph,
    "softmax_cross_entropy": _softmax_cross_entropy, "least_squares_mle": _least_squares_mle,
    "regularization": _regularization, "optimizers": _optimizers,
}
