"""No TeX needed: with TeX made unavailable, every registered scene still constructs.

Formulas are Typst, text is Pango, numbers are DecimalNumber with a Text
mob_class. Here any attempt to compile TeX fails loudly, and no TeX binary is
on PATH, so a single MathTex anywhere would fail the test.
"""

from __future__ import annotations

import os

import pytest

from mathviz.catalog import SCENES


class TexUsed(AssertionError):
    pass


@pytest.fixture
def no_tex(monkeypatch, tmp_path):
    import manim.mobject.text.tex_mobject as tex_mobject
    import manim.utils.tex_file_writing as tex_file_writing

    def refuse(*args, **kwargs):
        raise TexUsed("a scene tried to compile TeX")

    monkeypatch.setattr(tex_file_writing, "tex_to_svg_file", refuse)
    monkeypatch.setattr(tex_mobject, "tex_to_svg_file", refuse)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    return refuse


def test_the_guard_itself_catches_tex(no_tex) -> None:
    from manim import MathTex

    with pytest.raises(TexUsed):
        MathTex("x^2")


@pytest.mark.parametrize("scene", SCENES)
def test_scene_constructs_without_tex(scene: str, no_tex, build_scene) -> None:
    assert os.environ["PATH"].endswith("empty-bin")
    built = build_scene(scene, extra_config={"frame_rate": 2})  # geometry, not motion: few frames suffice
    assert built.captions, "every scene captions its beats"
    assert len(built.mobjects) > 0
