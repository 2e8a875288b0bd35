"""One grammar for every parameter kind (mathviz/params.py), and params files read safely."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mathviz.params import (
    MAX_PARAMS_FILE_BYTES,
    Param,
    ParameterError,
    ParamsFileError,
    choice,
    file_value_text,
    function_of,
    integer,
    matrix,
    number,
    read_params_file,
    show_number,
    vector,
)
from mathviz.pipeline.cli import cli

seed = integer("seed", minimum=-100, maximum=100)


@pytest.mark.parametrize(("text", "value"), [("7", 7), ("-3", -3), ("+12", 12), (" 42 ", 42), ("007", 7), ("0", 0)])
def test_whole_numbers_are_ascii_digits_with_one_optional_sign(text: str, value: int) -> None:
    assert seed(text) == value


@pytest.mark.parametrize("text", ["+-5", "--3", "-+1", "³⁰", "٣", "３", "1_0", "1e1", "1.0", "0x10", "", " ", "1 2",
                                  "ten", "1" * 40, "\u200b1", "1\n"])
def test_anything_else_is_not_a_whole_number(text: str) -> None:
    with pytest.raises(ParameterError) as err:
        seed(text)
    assert str(err.value).startswith("seed: ") and "\n" not in str(err.value)


@pytest.mark.parametrize("text", ["1e3", "-2.5", ".5", "5.", "pi/4", "sqrt(2)/2", "-1.5e-3", "2**-1"])
def test_numbers_are_decimal_constant_expressions(text: str) -> None:
    assert isinstance(number("x0")(text), float)


@pytest.mark.parametrize("text", ["0x10", "0o7", "0b1", "1_000", "1j", "٣", "１", "ｐｉ", "π", "1,5", "nan", "inf"])
def test_other_spellings_of_numbers_are_refused(text: str) -> None:
    with pytest.raises(ParameterError, match=r"^x0: "):
        number("x0")(text)


def test_full_width_and_mathematical_letters_are_refused_with_the_character_named() -> None:
    # Decided in issue 19: refused, not normalised (Python's parser would read them as sin(x)).
    with pytest.raises(ParameterError) as err:
        function_of("function", ("x",))("ｓｉｎ(𝐱)")
    assert "U+FF53 FULLWIDTH LATIN SMALL LETTER S" in str(err.value) and "position 1" in str(err.value)
    with pytest.raises(ParameterError, match="MATHEMATICAL BOLD SMALL X"):
        function_of("function", ("x",))("sin(𝐱)")
    with pytest.raises(ParameterError, match="ARABIC-INDIC DIGIT THREE"):
        vector("x", max_length=3)("[٣, 1]")


def test_control_characters_are_named_not_echoed() -> None:
    with pytest.raises(ParameterError) as err:
        matrix("matrix", sizes=(2,))("[[1, 0],\n[0, 1]]")
    assert "U+000A" in str(err.value) and "\n" not in str(err.value)


def test_words_lists_and_matrices_share_the_rule() -> None:
    assert choice("rule", ["left", "right"])(" left ") == "left"
    for parser, text in [(choice("rule", ["left"]), "ｌｅｆｔ"), (vector("x", max_length=3), "[1, ２]"),
                         (matrix("m", sizes=(2,)), "[[1,0],[0,1_0]]")]:
        with pytest.raises(ParameterError):
            parser(text)


def test_param_applies_the_rule_before_a_storys_own_parser() -> None:
    seen: list[str] = []

    def parser(text: str) -> str:
        seen.append(text)
        return text

    param = Param("surface", "bowl", "a union parser", parser)
    assert param.parse("bowl") == "bowl"
    with pytest.raises(ParameterError, match="^surface: 'ß'"):
        param.parse("ß")  # "ß".upper() is "SS": a story's parser must never see it
    assert seen == ["bowl"]


@pytest.mark.parametrize(("value", "shown"), [(1e6, "1000000"), (1000001.0, "1000001"), (0.1, "0.1"),
                                             (1e-300, "1e-300"), (2.5, "2.5"), (1e20, "1e+20")])
def test_numbers_in_messages_are_exact(value: float, shown: str) -> None:
    assert show_number(value) == shown
    assert float(shown) == value


# --- params files -------------------------------------------------------------------------------------


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "render.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_params_file_is_read_into_text_in_the_same_grammar(tmp_path: Path) -> None:
    path = _file(tmp_path, 'scene = "relu"\n[params]\nx = [1, -2.5, 0]\nupstream = "[1, 2, 3]"\nseed = 4\n')
    from mathviz.stories.relu import PARAMS

    params = read_params_file(path)
    assert params.scene == "relu"
    assert params.texts(PARAMS) == {"x": "[1, -2.5, 0]", "upstream": "[1, 2, 3]", "seed": "4"}


@pytest.mark.parametrize(("line", "message"), [
    ("x = [1979-05-27, 1]", "x: entry 1 is a TOML date (1979-05-27)"),
    ("x = 1979-05-27", "x: a TOML date (1979-05-27) is not a parameter value"),
    ("x = 07:32:00", "x: a TOML time (07:32:00) is not a parameter value"),
    ("x = 1979-05-27T07:32:00Z", "x: a TOML date-time"),
    ("seed = true", "seed: a boolean (true) is not a parameter value; expected a whole number"),
    ("x = [true, 1]", "x: entry 1 is a boolean (true)"),
    ("x = {a = 1}", "x: a table is not a parameter value"),
    ("x = [[1, [2]]]", None),  # a valid list as TOML, refused by the parser as not flat
    ("seed = 2.5", "seed: expected a whole number, got the number 2.5"),
    ("seed = [1, 2]", "seed: expected a whole number, got a list"),
    ("x = [nan, 1]", "x: entry 1 (nan) is not a finite number"),
    ("x = [\"pi\", 1]", "x: entry 1 is text; list entries are numbers"),
])
def test_values_of_the_wrong_type_are_refused_in_one_line(tmp_path: Path, line: str, message: str | None) -> None:
    path = _file(tmp_path, f'scene = "relu"\n[params]\n{line}\n')
    result = CliRunner().invoke(cli, ["numbers", "relu", "--params", str(path)])
    assert result.exit_code == 2, (result.stderr, result.exception)
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: "), result.stderr
    if message is not None:
        assert result.stderr.startswith(f"error: {message}"), result.stderr


def test_a_number_parameter_takes_whole_and_decimal_numbers(tmp_path: Path) -> None:
    from mathviz.stories.derivative import PARAMS

    x0 = next(p for p in PARAMS if p.name == "x0")
    assert file_value_text(x0, 2) == "2" and file_value_text(x0, 0.1) == "0.1" and file_value_text(x0, "pi") == "pi"
    with pytest.raises(ParameterError, match="got a list"):
        file_value_text(x0, [1])


@pytest.mark.parametrize(("text", "message"), [
    ('scene = 3\n', "scene must be a name in quotes"),
    ('params = 3\n', "params must be a [params] table"),
    ('[param]\nx0 = 1\n', "unknown key 'param'"),
    ('x0 = \n', "is not valid TOML"),
    ("[params]\nx = " + "[" * 3000 + "]" * 3000 + "\n", "nested too deeply"),
])
def test_malformed_files_are_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = _file(tmp_path, text)
    with pytest.raises(ParamsFileError, match=message.replace("[", r"\[").replace("]", r"\]")) as err:
        read_params_file(path)
    assert "\n" not in str(err.value)


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('[params]\nfunction = "é"\n'.encode("latin-1"))
    with pytest.raises(ParamsFileError, match="not UTF-8"):
        read_params_file(path)


def test_a_large_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    with open(path, "wb") as handle:
        handle.truncate(10 * 1024**3)  # 10 GiB, sparse: reading it would take minutes and all memory
    started = time.monotonic()
    with pytest.raises(ParamsFileError, match=f"at most {MAX_PARAMS_FILE_BYTES} bytes"):
        read_params_file(path)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(("special", "kind"), [("/dev/zero", "a character device"), ("/dev/null", "a character device"),
                                                ("fifo", "a FIFO"), ("dir", "a directory")])
def test_devices_fifos_and_folders_are_refused_at_once(tmp_path: Path, special: str, kind: str) -> None:
    if special == "fifo":
        path = tmp_path / "params.fifo"
        os.mkfifo(path)  # no writer: opening it for reading would block for ever
    elif special == "dir":
        path = tmp_path / "folder.toml"
        path.mkdir()
    else:
        path = Path(special)
    outcome: dict[str, Result] = {}

    def run() -> None:
        outcome["result"] = CliRunner().invoke(cli, ["numbers", "relu", "--params", str(path)])

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert not worker.is_alive(), f"--params {special} hung"
    result = outcome["result"]
    assert result.exit_code == 2, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: "), result.stderr
    assert kind in result.stderr or "is a directory" in result.stderr


def test_the_file_is_still_refused_when_read_directly(tmp_path: Path) -> None:
    fifo = tmp_path / "p"
    os.mkfifo(fifo)
    with pytest.raises(ParamsFileError, match="is a FIFO"):
        read_params_file(fifo)
    with pytest.raises(ParamsFileError, match="is a directory"):
        read_params_file(tmp_path)
    with pytest.raises(ParamsFileError, match="cannot read"):
        read_params_file(tmp_path / "missing.toml")
