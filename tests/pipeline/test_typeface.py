"""Caption text on contact sheets and slide pages: each character drawn by a face that has it."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from mathviz.pipeline.typeface import Typeface, _ranges, find_face

CJK = "Noto Sans CJK SC"


def _drawn(typeface: Typeface, text: str) -> np.ndarray:
    image = Image.new("L", (int(typeface.length(text)) + 20, typeface.size * 2), 0)
    typeface.draw(ImageDraw.Draw(image), (10, 0), text, fill=255)
    return np.asarray(image)


def test_fontconfig_charsets_read_as_ranges() -> None:
    assert _ranges("20-7e a0-103 192") == ((0x20, 0x7E), (0xA0, 0x103), (0x192, 0x192))


def test_the_chinese_face_is_the_simplified_one_in_its_collection() -> None:
    face = find_face(CJK)
    assert face is not None and face.has("和") and not face.has("ĵ")
    font = Typeface(CJK, 20).font
    assert font.getname()[0] == CJK  # not index 0 of the .ttc, Noto Sans CJK JP


def test_a_character_the_face_lacks_is_drawn_by_the_fallback() -> None:
    typeface = Typeface(CJK, 24)
    runs = typeface.runs("î 和 ĵ 张成")
    assert [text for text, _ in runs] == ["î 和 ", "ĵ ", "张成"]
    assert [font.getname()[0] for _, font in runs] == [CJK, "DejaVu Sans", CJK]
    # The ĵ drawn in the caption is DejaVu's ĵ, not the CJK face's missing-glyph box.
    alone = Typeface("DejaVu Sans", 24)
    assert np.array_equal(_drawn(typeface, "ĵ"), _drawn(alone, "ĵ"))
    assert not np.array_equal(_drawn(typeface, "ĵ"), _drawn(Typeface(CJK, 24, fallbacks=()), "ĵ"))


@pytest.mark.parametrize("text, width", [("î and ĵ span the unit square: its area is 1", 200),
                                         ("î 和 ĵ 张成单位正方形：面积为 1", 120), ("一二三四五六七八九十", 60),
                                         ("一二，三四。五六：七八", 38)])
def test_wrapped_lines_fit_the_width_and_keep_every_character(text: str, width: int) -> None:
    typeface = Typeface(CJK, 18)
    lines = typeface.wrap(text, width)
    assert len(lines) > 1
    assert all(typeface.length(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # only the spaces broken at are gone
    assert not any(line.startswith(" ") or line.endswith(" ") for line in lines)
    assert not any(line[0] in "，。：" for line in lines)


def test_latin_words_stay_whole_and_a_word_wider_than_the_line_breaks() -> None:
    typeface = Typeface("DejaVu Sans", 18)
    assert typeface.wrap("Apply A: the grid, î, ĵ and both shapes move together", 260) == [
        "Apply A: the grid, î, ĵ and", "both shapes move together"]
    long = typeface.wrap("x" * 40, 100)
    assert len(long) > 1 and "".join(long) == "x" * 40 and all(typeface.length(line) <= 100 for line in long)
