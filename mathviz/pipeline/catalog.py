"""The list and order of the explainer scenes, in one place.

Plain standard library on purpose: the Makefile reads it with any python3
(``python3 mathviz/pipeline/catalog.py``) before the virtual environment exists.
"""

from __future__ import annotations

__all__ = ["SCENES"]

#: Registered scene names, in the order a learner should watch them.
SCENES: tuple[str, ...] = (
    "derivative",
    "chain_rule",
    "integral",
    "norms",
    "determinant",
    "matrix_product",
    "eigen",
    "svd_pca",
    "tangent_plane_hessian",
    "gradient_descent",
    "relu",
    "expectation_lln",
    "entropy_kl",
    "backprop_graph",
    "softmax_cross_entropy",
    "least_squares_mle",
    "regularization",
    "optimizers",
)

if __name__ == "__main__":
    print(" ".join(SCENES))
