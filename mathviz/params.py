"""Validation of user parameters at the edge: text in, typed values out.

Every parser takes the text a user typed after ``--set KEY=`` (or the value a
params file gives) and returns a typed value or raises :class:`ParameterError`
naming the key and the problem. Story functions raise the same error for
problems that need the whole set of parameters (``x0`` outside the function's
domain, lists of unequal length).

One grammar for every parameter kind
------------------------------------
Every value is printable ASCII: the characters from space to ``~``, no tabs,
newlines or control characters, at most :data:`MAX_TEXT` characters, and not
empty. Full-width letters (``ｓｉｎ``), mathematical letters (``𝐱``),
superscript digits (``³``) and Arabic-Indic digits (``٣``) are refused with
the character named, never normalised: Python would read ``ｓｉｎ(𝐱)`` as
``sin(x)`` and ``int()`` reads ``٣`` as 3, so the value computed could differ
from the value recorded in the JSON and shown in the gallery.

- **whole number** (:func:`integer`): :data:`WHOLE_NUMBER`, ASCII digits with
  one optional leading sign (``7``, ``-3``, ``+12``); not ``1e3``, ``1.0``,
  ``1_000``, ``--3`` or ``+-5``.
- **number** (:func:`number`): a constant expression in the grammar of
  :mod:`mathviz.expr` (``-1.5e-3``, ``pi/4``, ``sqrt(2)/2``), whose numbers are
  decimal literals (:data:`mathviz.expr.DECIMAL_LITERAL`), finite.
- **list** (:func:`vector`): ``[a, b, ...]`` of numbers as above.
- **matrix** (:func:`matrix`): ``[[a, b], [c, d]]``, rows of numbers.
- **expression** (:func:`function_of`): the expression grammar in the scene's
  variables.
- **word** (:func:`choice`): one of a fixed set, exactly as listed.

A params file (:func:`read_params_file`) gives TOML values; :func:`file_value_text`
turns each into the same text, accepting only the TOML types the parameter
takes: never booleans, dates, times or tables.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import re
import stat
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from mathviz.expr import (
    Expression,
    ExpressionError,
    check_ascii,
    compile_expression,
    parse_literal,
    parse_number,
)

__all__ = [
    "ParameterError",
    "ParamsFileError",
    "ParamsFile",
    "number",
    "integer",
    "whole_number",
    "choice",
    "function_of",
    "matrix",
    "vector",
    "finite",
    "check_text",
    "check_key",
    "show_number",
    "file_value_text",
    "read_params_file",
    "Param",
    "Parser",
    "MAX_TEXT",
    "MAX_PARAMS_FILE_BYTES",
    "WHOLE_NUMBER",
    "KEY",
]

#: Longest parameter value accepted, in characters (expressions have their own, shorter limit).
MAX_TEXT = 2000
#: Largest params file read, in bytes: a render file is a few lines; anything bigger is a mistake.
MAX_PARAMS_FILE_BYTES = 64 * 1024
#: A whole number: ASCII digits with one optional leading sign, at most 18 digits.
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,18}")
#: A parameter name: an ASCII identifier.
KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


class ParameterError(ValueError):
    """A bad parameter value. ``str(err)`` is one line: ``key: problem``."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        self.message = message
        super().__init__(f"{key}: {message}")


class ParamsFileError(ValueError):
    """A params file that cannot be used; ``str(err)`` is one line naming the file and the problem."""


def show_number(value: float) -> str:
    """A number as people write it, exactly enough to tell it from its neighbours.

    ``1000001.0`` -> ``1000001``, ``1e6`` -> ``1000000``, ``0.1`` -> ``0.1``, ``1e-300`` -> ``1e-300``:
    whole numbers below 1e16 print as integers, everything else as Python's shortest round-trip form.
    """
    value = float(value)
    if math.isfinite(value) and value == int(value) and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def check_key(key: str) -> str:
    """``key`` if it is a parameter name (an ASCII identifier), else ParameterError quoting it safely."""
    if not isinstance(key, str) or not KEY.fullmatch(key):
        raise ParameterError("--set", f"a parameter name is a word of ASCII letters, digits and '_', got {str(key)[:40]!r}")
    return key


def check_text(key: str, text: str, *, max_length: int = MAX_TEXT) -> str:
    """The lexical rule every parameter value obeys; returns ``text`` stripped of surrounding spaces.

    Printable ASCII only (space to ``~``), at most ``max_length`` characters, not empty.
    """
    if not isinstance(text, str):
        raise ParameterError(key, f"must be text, got {type(text).__name__}")
    if len(text) > max_length:
        raise ParameterError(key, f"is too long ({len(text)} characters, limit {max_length})")
    try:
        check_ascii(text, what=key)
    except ExpressionError as exc:
        raise ParameterError(key, _strip_key(key, str(exc))) from None
    stripped = text.strip()
    if not stripped:
        raise ParameterError(key, "is empty")
    return stripped


def _strip_key(key: str, message: str) -> str:
    # ExpressionError messages already start with the name they were given.
    prefix = f"{key}: "
    if message.startswith(prefix):
        return message[len(prefix):]
    if message.startswith(key + " "):
        return message[len(key) + 1:]
    return message


#: TOML value types, as :func:`file_value_text` names them.
_WHOLE, _NUMBER, _TEXT, _LIST = "whole", "number", "text", "list"
#: What a parser made elsewhere (a story's own union such as "auto or a number") accepts from a file.
_ANY_VALUE = frozenset({_WHOLE, _NUMBER, _TEXT, _LIST})


@dataclass(frozen=True)
class Parser:
    """A parameter parser that knows its kind: what it is called and which TOML types it accepts."""

    parse: Callable[[Any], Any]
    kind: str
    accepts: frozenset[str]

    def __call__(self, value: Any) -> Any:
        return self.parse(value)


def number(key: str, *, minimum: float | None = None, maximum: float | None = None,
           exclusive_minimum: bool = False) -> Parser:
    """A parser for one finite number (constant expressions like ``pi/4`` allowed)."""

    def parse(text: str | float) -> float:
        if isinstance(text, str):
            text = check_text(key, text)
        try:
            value = parse_number(text, what=key)
        except ExpressionError as exc:
            raise ParameterError(key, _strip_key(key, str(exc))) from None
        if minimum is not None:
            if exclusive_minimum and value <= minimum:
                raise ParameterError(key, f"must be greater than {show_number(minimum)}, got {show_number(value)}")
            if not exclusive_minimum and value < minimum:
                raise ParameterError(key, f"must be at least {show_number(minimum)}, got {show_number(value)}")
        if maximum is not None and value > maximum:
            raise ParameterError(key, f"must be at most {show_number(maximum)}, got {show_number(value)}")
        return value

    return Parser(parse, "a number", frozenset({_WHOLE, _NUMBER, _TEXT}))


def whole_number(key: str, text: str | int) -> int:
    """``text`` read as a :data:`WHOLE_NUMBER` (ASCII digits, one optional sign); ParameterError otherwise."""
    if isinstance(text, bool):
        raise ParameterError(key, f"expected a whole number, got {text!r}")
    if isinstance(text, int):
        return text
    raw = check_text(key, str(text), max_length=64)
    if not WHOLE_NUMBER.fullmatch(raw):
        raise ParameterError(key, f"expected a whole number (digits 0-9 with an optional sign, like 7 or -3), "
                                  f"got {raw[:40]!r}")
    return int(raw)


def integer(key: str, *, minimum: int, maximum: int) -> Parser:
    """A parser for a whole number in ``[minimum, maximum]`` written as :data:`WHOLE_NUMBER`."""

    def parse(text: str | int) -> int:
        value = whole_number(key, text)
        if not minimum <= value <= maximum:
            raise ParameterError(key, f"must be between {minimum} and {maximum}, got {value}")
        return value

    return Parser(parse, "a whole number", frozenset({_WHOLE, _TEXT}))


def choice(key: str, options: Sequence[str]) -> Parser:
    """A parser for one of a fixed set of words."""

    def parse(text: str) -> str:
        value = check_text(key, str(text), max_length=200)
        if value not in options:
            raise ParameterError(key, f"must be one of {', '.join(options)}; got {value[:40]!r}")
        return value

    return Parser(parse, f"one of {', '.join(options)}", frozenset({_TEXT}))


def function_of(key: str, variables: tuple[str, ...]) -> Parser:
    """A parser for a user expression in ``variables`` (see :mod:`mathviz.expr`)."""

    def parse(text: str) -> Expression:
        if isinstance(text, str):
            text = check_text(key, text)
        try:
            return compile_expression(text, variables, what=key)
        except ExpressionError as exc:
            raise ParameterError(key, _strip_key(key, str(exc))) from None

    return Parser(parse, f"an expression in {', '.join(variables)}", frozenset({_WHOLE, _NUMBER, _TEXT}))


def _literal(key: str, text: str | Sequence) -> np.ndarray:
    value: Any
    if isinstance(text, str):
        text = check_text(key, text)
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


def matrix(key: str, *, sizes: Sequence[int], max_abs: float = 1e6) -> Parser:
    """A parser for a square matrix written as nested lists, e.g. ``[[2, 1], [0.5, 1.5]]``."""

    def parse(text: str | Sequence) -> np.ndarray:
        array = _literal(key, text)
        shapes = " or ".join(f"{n}x{n}" for n in sizes)
        if array.ndim != 2 or array.shape[0] != array.shape[1] or array.shape[0] not in sizes:
            got = "x".join(map(str, array.shape)) if array.ndim else "a single number"
            raise ParameterError(key, f"must be a {shapes} matrix like [[2, 1], [0.5, 1.5]], got {got}")
        if np.max(np.abs(array)) > max_abs:
            raise ParameterError(key, f"entries must be at most {show_number(max_abs)} in size")
        return array

    return Parser(parse, "a matrix like [[2, 1], [0.5, 1.5]]", frozenset({_TEXT, _LIST}))


def vector(key: str, *, min_length: int = 1, max_length: int, length: int | None = None,
           max_abs: float = 1e6) -> Parser:
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
            raise ParameterError(key, f"entries must be at most {show_number(max_abs)} in size")
        return array

    return Parser(parse, "a list of numbers like [1, -2, 0.5]", frozenset({_TEXT, _LIST}))


def finite(key: str, value: float) -> float:
    """Raise unless ``value`` is finite (for numbers computed from several parameters)."""
    if not math.isfinite(value):
        raise ParameterError(key, f"is not finite ({value})")
    return value


class Param:
    """One user-settable parameter of a scene: its name, default (as typed), help and parser.

    ``parse`` applies :func:`check_text` to text before the parser, so even a story's own parser
    (``"auto"`` or a number, a count or a list) only ever sees printable ASCII.
    """

    __slots__ = ("name", "default", "help", "parser")

    def __init__(self, name: str, default: str, help: str, parse: Callable[[str], object]) -> None:
        self.name = name
        self.default = default
        self.help = help
        self.parser = parse

    def parse(self, value: str) -> object:
        """The typed value of ``value`` (text as typed); ParameterError naming this parameter otherwise."""
        if isinstance(value, str):
            check_text(self.name, value)
        return self.parser(value)

    @property
    def accepts(self) -> frozenset[str]:
        """The kinds of params-file value this parameter takes (``whole``, ``number``, ``text``, ``list``)."""
        return getattr(self.parser, "accepts", _ANY_VALUE)

    @property
    def kind(self) -> str:
        """What the parameter takes, in words (for messages)."""
        return getattr(self.parser, "kind", "a value")

    def __repr__(self) -> str:
        return f"Param({self.name!r}, default={self.default!r})"


# --- params files ------------------------------------------------------------------------------

_TOML_KIND_NAMES = {_WHOLE: "a whole number", _NUMBER: "a number", _TEXT: "text", _LIST: "a list"}


def _toml_type(value: object) -> str:
    """How a TOML value is named in messages; dates and times are checked before plain types."""
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, datetime.datetime):
        return f"a TOML date-time ({value.isoformat()})"
    if isinstance(value, datetime.date):
        return f"a TOML date ({value.isoformat()})"
    if isinstance(value, datetime.time):
        return f"a TOML time ({value.isoformat()})"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


def _list_entries(key: str, value: list, depth: int = 0) -> list:
    """``value`` with every entry checked to be a finite number or a list of them (at most 4 deep)."""
    if depth > 4:
        raise ParameterError(key, "lists are nested too deeply")
    entries: list = []
    for index, item in enumerate(value, start=1):
        if isinstance(item, list):
            entries.append(_list_entries(key, item, depth + 1))
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            if not math.isfinite(item):
                raise ParameterError(key, f"entry {index} ({item}) is not a finite number")
            entries.append(item)
        else:
            raise ParameterError(key, f"entry {index} is {_toml_type(item)}; list entries are numbers "
                                      "(write the whole value as a string to use expressions like \"pi/4\")")
    return entries


def file_value_text(param: Param, value: object) -> str:
    """A params-file value as the text the parameter's parser reads, or ParameterError.

    Only the TOML types ``param`` takes are accepted (:attr:`Param.accepts`): a whole number where a
    whole number or number is expected, a float where a number is, a string anywhere (read with the
    same grammar as ``--set``), an array of numbers where a list or matrix is. Booleans, dates,
    times and tables are never a parameter value.
    """
    key, accepts = param.name, param.accepts
    if isinstance(value, bool) or isinstance(value, (dict, datetime.date, datetime.time)):
        kind = _TOML_KIND_NAMES[_TEXT] if _TEXT in accepts and len(accepts) == 1 else param.kind
        raise ParameterError(key, f"{_toml_type(value)} is not a parameter value; expected {kind}")
    if isinstance(value, str):
        if _TEXT not in accepts:  # pragma: no cover - every parser reads text
            raise ParameterError(key, f"expected {param.kind}, got text")
        return value
    if isinstance(value, int):
        if not accepts & {_WHOLE, _NUMBER}:
            raise ParameterError(key, f"expected {param.kind}, got the whole number {value}")
        return str(value)
    if isinstance(value, float):
        if _NUMBER not in accepts:
            raise ParameterError(key, f"expected {param.kind}, got the number {show_number(value)}")
        if not math.isfinite(value):
            raise ParameterError(key, f"{value} is not a finite number")
        return repr(value)
    if isinstance(value, list):
        if _LIST not in accepts:
            raise ParameterError(key, f"expected {param.kind}, got a list")
        return json.dumps(_list_entries(key, value))
    raise ParameterError(key, f"{_toml_type(value)} is not a parameter value")  # pragma: no cover


@dataclass(frozen=True)
class ParamsFile:
    """A render file's contents: the scene it names (if any) and its ``[params]`` as TOML values."""

    path: Path
    scene: str | None
    values: Mapping[str, object]
    #: The render's look and language as the file sets them (``theme``, ``aspect``, ``captions``, ``lang``),
    #: checked to be text; the command line checks the choices (and its options win over them).
    look: Mapping[str, str] = field(default_factory=dict)

    def texts(self, params: Sequence[Param]) -> dict[str, str]:
        """The values as text for ``params`` (a scene's parameters); unknown keys are left to the registry."""
        by_name = {p.name: p for p in params}
        texts = {}
        for key, value in self.values.items():
            check_key(key)
            param = by_name.get(key)
            if param is None:
                texts[key] = value if isinstance(value, str) else ""
                continue
            try:
                texts[key] = file_value_text(param, value)
            except ParameterError as exc:
                raise ParameterError(key, f"{exc.message} (in {self.path})") from None
        return texts


#: Top-level keys of a params file that say how the render looks (and its language) rather than what it shows.
LOOK_KEYS = ("theme", "aspect", "captions", "lang")
#: Top-level keys a params file may hold.
PARAMS_FILE_KEYS = ("scene", "params", *LOOK_KEYS)


def _kind_of_file(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def read_params_file(path: Path | str, *, limit: int = MAX_PARAMS_FILE_BYTES) -> ParamsFile:
    """Read a TOML render file (``renders/*.toml``): ``scene = "..."`` and a ``[params]`` table.

    Only a regular file of at most ``limit`` bytes is read: a directory, a FIFO, a device or a
    socket is refused at once without reading (opened non-blocking, so a FIFO with no writer
    cannot hang us). Raises :class:`ParamsFileError` with one line naming the file and the problem.
    """
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        if exc.errno is not None and os.path.isdir(path):
            raise ParamsFileError(f"{path} is a directory, not a params file") from None
        raise ParamsFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ParamsFileError(f"{path} is {_kind_of_file(info.st_mode)}, not a params file")
        if info.st_size > limit:
            raise ParamsFileError(f"{path} is {info.st_size} bytes; a params file is at most {limit} bytes")
        chunks, size = [], 0
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # it grew while we read it
                raise ParamsFileError(f"{path} is larger than {limit} bytes; a params file is at most {limit} bytes")
    except OSError as exc:
        raise ParamsFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    try:
        data = tomllib.loads(b"".join(chunks).decode("utf-8"))
    except UnicodeDecodeError:
        raise ParamsFileError(f"{path} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ParamsFileError(f"{path} is not valid TOML ({' '.join(str(exc).split())})") from None
    except RecursionError:
        raise ParamsFileError(f"{path} is nested too deeply") from None
    unknown = [key for key in data if key not in PARAMS_FILE_KEYS]
    if unknown:
        raise ParamsFileError(f"{path}: unknown key {unknown[0][:40]!r} (a params file has scene = \"...\", "
                              "theme, aspect, captions, lang and a [params] table)")
    scene = data.get("scene")
    if scene is not None and not isinstance(scene, str):
        raise ParamsFileError(f"{path}: scene must be a name in quotes, got {_toml_type(scene)}")
    params = data.get("params", {})
    if not isinstance(params, dict):
        raise ParamsFileError(f"{path}: params must be a [params] table, got {_toml_type(params)}")
    look = {}
    for key in LOOK_KEYS:
        if key in data:
            if not isinstance(data[key], str):
                raise ParamsFileError(f"{path}: {key} must be a word in quotes, got {_toml_type(data[key])}")
            look[key] = data[key]
    return ParamsFile(path, scene, params, look)
