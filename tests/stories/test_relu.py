"""mathviz.stories.relu: ReLU forward/backward properties, the network's gradient against central differences."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mathviz.params import ParameterError
from mathviz.pipeline import registry
from mathviz.stories import relu as nn

finite = st.floats(-50, 50, allow_nan=False, allow_infinity=False)
vectors = st.integers(1, nn.MAX_BARS).flatmap(lambda n: arrays(float, n, elements=finite))
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)


# -- relu ---------------------------------------------------------------------------------------


@SETTINGS
@given(vectors)
def test_relu_is_idempotent(x):
    np.testing.assert_array_equal(nn.relu(nn.relu(x)), nn.relu(x))


@SETTINGS
@given(vectors)
def test_relu_of_x_minus_relu_of_minus_x_is_x(x):
    np.testing.assert_array_equal(nn.relu(x) - nn.relu(-x), x)


@SETTINGS
@given(vectors.flatmap(lambda x: st.tuples(st.just(x), arrays(float, x.size, elements=finite))))
def test_backward_is_upstream_times_indicator(pair):
    x, upstream = pair
    np.testing.assert_array_equal(nn.relu_backward(x, upstream), upstream * (x > 0))
    np.testing.assert_array_equal(nn.relu_backward(x, upstream), upstream * nn.relu_grad(x))


def test_backward_does_not_change_its_arguments():
    x, upstream = np.array([1.0, -1.0, 0.0]), np.array([2.0, 3.0, 4.0])
    nn.relu_backward(x, upstream)
    np.testing.assert_array_equal(upstream, [2.0, 3.0, 4.0])


@pytest.mark.parametrize("x", [-3.0, -0.5, -1e-3, 1e-3, 0.7, 4.0])
def test_local_gradient_is_the_slope_away_from_the_corner(x):
    h = 1e-6
    slope = (nn.relu(np.array(x + h)) - nn.relu(np.array(x - h))) / (2 * h)
    assert nn.relu_grad(np.array([x]))[0] == pytest.approx(slope, abs=1e-9)


def test_value_at_zero_is_zero_in_grad_and_backward():
    # The subgradient convention of PyTorch and JAX: nothing flows back at exactly x = 0.
    assert nn.relu_grad(np.array([0.0, -0.0]))[0] == 0.0
    np.testing.assert_array_equal(nn.relu_backward(np.array([0.0, -0.0]), np.array([5.0, 5.0])), [0.0, 0.0])
    assert registry.get("relu").build_story().grad_at_zero == 0.0


# -- the story ----------------------------------------------------------------------------------


def story(**overrides):
    return registry.get("relu").build_story({k: str(v) for k, v in overrides.items()})


@pytest.mark.parametrize(
    "x, upstream",
    [
        ("[1.5, -0.8, 0, 0.6, -1.2, 2]", "[0.6, 1.1, -0.9, -0.7, 0.8, 1.2]"),
        ("[0, 0, 0]", "[1, -2, 3]"),
        ("[-1, 2, -3, 4, -5, 6, -7, 8]", "[1, 1, 1, 1, 1, 1, 1, 1]"),
        ("[3]", "[-2]"),
    ],
)
def test_story_mask_is_where_the_code_zeroed(x, upstream):
    s = story(x=x, upstream=upstream)
    xs, up = np.array(json.loads(x), float), np.array(json.loads(upstream), float)
    # every upstream entry here is nonzero, so a zero downstream entry means the code zeroed it
    np.testing.assert_array_equal(s.mask, s.downstream == 0)
    np.testing.assert_array_equal(s.mask, xs <= 0)
    np.testing.assert_array_equal(s.downstream, np.where(xs > 0, up, 0.0))
    np.testing.assert_array_equal(s.relu, np.maximum(xs, 0))
    np.testing.assert_array_equal(s.local_grad, (xs > 0).astype(float))
    assert s.plot_range >= np.max(np.abs(xs))


def test_story_json_has_the_numbers_the_video_shows():
    data = json.loads(story().to_json())
    for key in ("x", "upstream", "relu", "local_grad", "downstream", "mask", "grad_at_zero", "code",
                "grad_check_max_error", "W1", "b1", "w2", "b2", "forward", "backward", "numeric_grads",
                "dead_unit", "inactive_units"):
        assert key in data, key
    assert set(data["forward"]) >= {"z", "h", "y", "loss"}
    assert set(data["backward"]) >= {"dy", "dh", "dz", "dW1", "db1", "dw2", "db2"}


def test_too_long_lists_are_refused_naming_the_limit():
    nine = str(list(range(1, 10)))
    with pytest.raises(ParameterError, match=f"at most {nn.MAX_BARS}") as err:
        story(x=nine, upstream=nine)
    assert err.value.key == "x"
    with pytest.raises(ParameterError) as err:
        story(x="[1, 2]", upstream=nine)
    assert err.value.key == "upstream"


def test_mismatched_lengths_are_refused():
    with pytest.raises(ParameterError) as err:
        story(x="[1, 2, 3, 4, 5]", upstream="[1, 2, 3, 4]")
    assert err.value.key == "upstream"
    assert err.value.message == "must have the same length as x (5), got 4"


# -- the code shown on screen -------------------------------------------------------------------


def test_code_shown_is_the_module_source_without_docstrings():
    module_source = inspect.getsource(nn)
    s = story()
    for name, shown in s.code.items():
        func = getattr(nn, name)
        signature, *body = shown.splitlines()
        assert signature.startswith(f"def {name}(")
        assert signature + "\n" in module_source
        assert "\n".join(body) in module_source
        assert func.__doc__ and func.__doc__.strip() not in shown
    assert s.mask_line in s.code["relu_backward"]
    # The convention of the video: the masking line zeroes x = 0 as well.
    assert s.mask_line == "grad[x <= 0] = 0"


def test_code_shown_computes_the_story_numbers():
    # Run the listing itself: the text on screen must produce the numbers on screen.
    s = story(x="[2, 0, -1, 0.5]", upstream="[1, 2, 3, 4]")
    namespace = {"np": np, "Array": np.ndarray}
    for shown in s.code.values():
        exec(compile(shown, "<shown>", "exec"), namespace)  # our own module's text, not user input
    np.testing.assert_array_equal(namespace["relu"](s.x), s.relu)
    np.testing.assert_array_equal(namespace["relu_backward"](s.x, s.upstream), s.downstream)


# -- the network --------------------------------------------------------------------------------


def reference_loss(W1, b1, w2, b2, target, x):
    # Written out independently of mathviz.stories.relu.forward.
    hidden = np.maximum(W1 @ x + b1, 0.0)
    return 0.5 * (float(w2 @ hidden + b2) - target) ** 2


def reference_grads(net, x, h=1e-6):
    params = {"W1": net.W1, "b1": net.b1, "w2": net.w2, "b2": np.array(net.b2)}
    grads = {}
    for name, value in params.items():
        grad = np.zeros(value.shape)
        for index in np.ndindex(*value.shape):
            values = []
            for sign in (1, -1):
                p = {k: np.array(v, dtype=float) for k, v in params.items()}
                p[name][index] += sign * h
                values.append(reference_loss(p["W1"], p["b1"], p["w2"], float(p["b2"]), net.target, x))
            grad[index] = (values[0] - values[1]) / (2 * h)
        grads[name] = grad
    return grads


inputs = arrays(float, nn.N_INPUTS, elements=st.floats(-3, 3, allow_nan=False))


@settings(max_examples=40, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10**6), x=inputs)
def test_backward_matches_central_differences_for_every_weight(seed, x):
    net = nn.make_network(seed)
    fwd = nn.forward(net, x)
    # Away from the kinks only: a step h = 1e-6 moves a pre-activation by at most 3e-6,
    # so with |z| > 1e-4 no unit switches on or off inside the difference.
    assume(np.min(np.abs(fwd.z)) > 1e-4)
    bwd = nn.backward(net, fwd)
    numeric = reference_grads(net, x)
    # Where L is smooth the central difference is exact up to h^2 |L'''| / 6 ~ 1e-11 and rounding
    # ~ 1e-16 |L| / h ~ 1e-10 |L|; 1e-6 relative (plus 1e-7 absolute) is far above both, far below any real error.
    tol = dict(rtol=1e-6, atol=1e-7 * max(1.0, fwd.loss))
    np.testing.assert_allclose(bwd.dW1, numeric["W1"], **tol)
    np.testing.assert_allclose(bwd.db1, numeric["b1"], **tol)
    np.testing.assert_allclose(bwd.dw2, numeric["w2"], **tol)
    np.testing.assert_allclose(bwd.db2, numeric["b2"], **tol)
    np.testing.assert_allclose(fwd.loss, reference_loss(net.W1, net.b1, net.w2, net.b2, net.target, x), rtol=1e-12)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10**6), x=arrays(float, nn.N_INPUTS, elements=st.floats(-nn.INPUT_BOUND, nn.INPUT_BOUND)))
def test_dead_unit_is_negative_and_gets_exactly_zero_gradient(seed, x):
    net = nn.make_network(seed)
    fwd = nn.forward(net, x)
    bwd = nn.backward(net, fwd)
    k = net.dead_unit
    assert fwd.z[k] <= -nn.DEAD_MARGIN + 1e-12
    assert fwd.h[k] == 0.0
    assert np.all(bwd.dW1[k] == 0.0) and bwd.db1[k] == 0.0 and bwd.dw2[k] == 0.0


def test_story_grad_check_agrees_and_dead_unit_is_reported():
    s = story()
    assert s.n_weights == nn.N_HIDDEN * nn.N_INPUTS + 2 * nn.N_HIDDEN + 1
    assert 0.0 <= s.grad_check_max_error < 1e-7
    errors = [np.max(np.abs(np.asarray(s.numeric_grads[k]) - np.asarray(v)))
              for k, v in (("W1", s.backward.dW1), ("b1", s.backward.db1), ("w2", s.backward.dw2), ("b2", s.backward.db2))]
    assert s.grad_check_max_error == pytest.approx(max(errors), rel=0, abs=0)
    k = s.dead_unit
    assert s.forward.z[k] < 0 and k in s.inactive_units
    assert np.all(s.backward.dW1[k] == 0) and np.all(s.numeric_grads["W1"][k] == 0)
    np.testing.assert_array_equal(s.inactive_units, np.flatnonzero(s.forward.z <= 0))


def test_numeric_module_does_not_import_manim():
    code = ("import sys, mathviz.stories.relu, mathviz.pipeline.registry; "
            "mathviz.pipeline.registry.get('relu').build_story(); print('manim' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
