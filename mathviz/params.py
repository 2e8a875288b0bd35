"""Validation of user parameters at the edge: text in, typed values out.

Every parser takes the text a user typed after ``--set KEY=`` and returns a
typed value or raises :class:`ParameterError` naming the key and the problem.
Story functions raise the same error for problems that need the whole set of
parameters (``x0`` outside the function's domain, lists of unequal length).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from mathviz.expr import Expression, ExpressionError, compile_expression, parse_literal, parse_number

__all__ = [
    "ParameterError",
    "number",
    "integer",
    "choice",
    "function_of",
    "matrix",
    "vector",
    "finite",
    "Param",
]


class ParameterError(ValueError):
    """A bad parameter value. ``str(err)`` is one line: ``key: problem``."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        self.message = message
        super().__init__(f"{key}: {message}")


def _strip_key(key: str, message: str) -> str:
    # ExpressionError messages already start with the name they were given.
    prefix = f"{key}: "
    if message.startswith(prefix):
        return message[len(prefix):]
    if message.startswith(key + " "):
        return message[len(key) + 1:]
    return message


def number(key: str, *, minimum: float | None = None, maximum: float | None = None,
           exclusive_minimum: bool = False) -> Callable[[str | float], float]:
    """A parser for one finite number (constant expressions like ``pi/4`` allowed)."""

    def parse(text: str | float) -> float:
        try:
            value = parse_number(text, what=key)
        except ExpressionError as exc:
            raise ParameterError(key, _strip_key(key, str(exc))) from None
        if minimum is not None:
            if exclusive_minimum and value <= minimum:
                raise ParameterError(key, f"must be greater than {minimum:g}, got {value:g}")
            if not exclusive_minimum and value < minimum:
                raise ParameterError(key, f"must be at least {minimum:g}, got {value:g}")
        if maximum is not None and value > maximum:
            raise ParameterError(key, f"must be at most {maximum:g}, got {value:g}")
        return value

    return parse


def integer(key: str, *, minimum: int, maximum: int) -> Callable[[str | int], int]:
    """A parser for a whole number in ``[minimum, maximum]``."""

    def parse(text: str | int) -> int:
        raw = str(text).strip()
        if not raw.lstrip("+-").isdigit() or len(raw) > 12:
            raise ParameterError(key, f"expected a whole number, got {raw[:40]!r}")
        value = int(raw)
        if not minimum <= value <= maximum:
            raise ParameterError(key, f"must be between {minimum} and {maximum}, got {value}")
        return value

    return parse


def choice(key: str, options: Sequence[str]) -> Callable[[str], str]:
    """A parser for one of a fixed set of words."""

    def parse(text: str) -> str:
        value = str(text).strip()
        if value not in options:
            raise ParameterError(key, f"must be one of {', '.join(options)}; got {value[:40]!r}")
        return value

    return parse


def function_of(key: str, variables: tuple[str, ...]) -> Callable[[str], Expression]:
    """A parser for a user expression in ``variables`` (see :mod:`mathviz.expr`)."""

    def parse(text: str) -> Expression:
        try:
            return compile_expression(text, variables, what=key)
        except ExpressionError as exc:
            raise ParameterError(key, _strip_key(key, str(exc))) from None

    return parse


def _literal(key: str, text: str | Sequence) -> np.ndarray:
    value: Any
    if isinstance(text, str):
        try:
            value = parse_literal(text, what=key)
        except ExpressionError as exc:
            raise ParameterError(key, _strip_key(key, str(exc))) from None
    else:
        value = text
    try:
        array = np.array(value, dtype=float)
    except (ValueError, TypeError):
        raise ParameterError(key, "rows have different lengths") from None
    if not np.all(np.isfinite(array)):
        raise ParameterError(key, "entries must be finite numbers")
    return array


def matrix(key: str, *, sizes: Sequence[int], max_abs: float = 1e6) -> Callable[[str], np.ndarray]:
    """A parser for a square matrix written as nested lists, e.g. ``[[2, 1], [0.5, 1.5]]``."""

    def parse(text: str | Sequence) -> np.ndarray:
        array = _literal(key, text)
        shapes = " or ".join(f"{n}x{n}" for n in sizes)
        if array.ndim != 2 or array.shape[0] != array.shape[1] or array.shape[0] not in sizes:
            got = "x".join(map(str, array.shape)) if array.ndim else "a single number"
            raise ParameterError(key, f"must be a {shapes} matrix like [[2, 1], [0.5, 1.5]], got {got}")
        if np.max(np.abs(array)) > max_abs:
            raise ParameterError(key, f"entries must be at most {max_abs:g} in size")
        return array

    return parse


def vector(key: str, *, min_length: int = 1, max_length: int, length: int | None = None,
           max_abs: float = 1e6) -> Callable[[str], np.ndarray]:
    """A parser for a flat list of numbers, e.g. ``[1.5, -0.5]``."""

    def parse(text: str | Sequence) -> np.ndarray:
        array = _literal(key, text)
        if array.ndim != 1:
            raise ParameterError(key, "must be a flat list of numbers like [1, -2, 0.5]")
        if length is not None and array.size != length:
            raise ParameterError(key, f"must have exactly {length} numbers, got {array.size}")
        if array.size < min_length:
            raise ParameterError(key, f"must have at least {min_length} numbers, got {array.size}")
        if array.size > max_length:
            raise ParameterError(key, f"has {array.size} numbers; at most {max_length} can be drawn legibly")
        if np.max(np.abs(array)) > max_abs:
            raise ParameterError(key, f"entries must be at most {max_abs:g} in size")
        return array

    return parse


def finite(key: str, value: float) -> float:
    """Raise unless ``value`` is finite (for numbers computed from several parameters)."""
    if not math.isfinite(value):
        raise ParameterError(key, f"is not finite ({value})")
    return value


class Param:
    """One user-settable parameter of a scene: its name, default (as typed), help and parser."""

    __slots__ = ("name", "default", "help", "parse")

    def __init__(self, name: str, default: str, help: str, parse: Callable[[str], object]) -> None:
        self.name = name
        self.default = default
        self.help = help
        self.parse = parse

    def __repr__(self) -> str:
        return f"Param({self.name!r}, default={self.default!r})"
