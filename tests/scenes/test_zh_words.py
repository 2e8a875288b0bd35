"""Issue #15: a ``--lang zh`` build shows no English word of the scene's captions, except allowed symbols and names.

The checker is :mod:`tests.scenes.zh_words` (run it on one scene with
``.venv/bin/python -m tests.scenes.zh_words SCENE``). Building every scene costs minutes, so the
sweep over the registry is under ``@pytest.mark.sweep``; the checker's own rules are tested here cheaply.
"""

from __future__ import annotations

import pytest

from mathviz.pipeline import registry
from tests.scenes.zh_words import ALLOWED, caption_words, english_words, screen_texts, untranslated_words


def test_words_are_ascii_words_and_code_is_not_prose():
    assert english_words("H in bits; uniform: 2.00") == {"in", "bits", "uniform"}
    # calls, dunders, attributes and names with digits are code or symbols; single letters are symbols
    assert english_words("backward() adds __mul__ self.grad x1 e10 a b") == {"adds"}
    assert english_words("直接按公式 e^(z/T) / Σ 计算：") == set()
    assert english_words("Value 记录局部导数") == {"value"}


def test_formulas_count_only_their_quoted_words_and_code_listings_are_skipped(tmp_path):
    from manim import Code, VGroup, tempconfig

    from mathviz_scenes.components import style

    with tempconfig({"media_dir": str(tmp_path), "verbosity": "ERROR"}):
        group = VGroup(style.math('sum_i partial L \\/ partial z_i + "slope"'), style.text("true class"),
                       Code(code_string="def backward(self):\n    return slope", language="python"))
        assert screen_texts([group]) == {"slope", "true class"}


def test_allowed_names_are_lower_case_and_not_common_words():
    assert all(word == word.lower() for word in ALLOWED)
    assert not ALLOWED & {"the", "of", "and", "is", "slope", "class", "step", "loss", "value", "gradient"}


def test_caption_words_come_from_the_english_captions():
    class Caption:
        en, zh = "The slope of f at x0.", "f 在 x0 处的斜率。"

    assert caption_words([Caption()]) == {"the", "slope", "of", "at"}


@pytest.mark.sweep
def test_the_checker_sees_the_english_build(tmp_path):
    # not blind: the English build of a scene shows words of its own captions
    assert untranslated_words("backprop_graph", media_dir=tmp_path, lang="en")


@pytest.mark.sweep
@pytest.mark.parametrize("name", registry.names())
def test_no_english_caption_word_on_screen_in_chinese(name, tmp_path):
    found = untranslated_words(name, media_dir=tmp_path)
    assert found == {}, "\n".join(f"{word}: {' | '.join(t[:60] for t in texts[:3])}" for word, texts in found.items())
