"""The frame guard over every scene x theme x aspect x language with default parameters (issue #15 item 7): `make sweep`.

Dark 16:9 English without a caption line is already `test_check.test_frames_are_clean` (in `make test`),
so this sweep adds the other eleven looks of each scene: both themes in every aspect and both languages.
The caption line is burned in for light English and dark Chinese builds and left out for the others, so
every pair of theme, aspect, language and caption mode is built (in narrow frames the burned line takes
two lines, and in Chinese its width differs). The theme only re-inks colours, the geometry comes from the
aspect, the language and the caption line. Two frames per second, as in test_check: the guard also
samples inside every animation. (The scenes' own look sweeps, one per scene, were folded into this one.)
"""

from __future__ import annotations

import itertools

import pytest

from mathviz.pipeline.captions import LANGUAGES
from mathviz.pipeline.catalog import SCENES
from mathviz.pipeline.check import check_scene
from mathviz_scenes.components.look import ASPECTS, CAPTIONS, THEMES, Look
from mathviz_scenes.components.quality import format_findings
from tests.conftest import glyph_cache

#: Failing on main when this sweep landed (13:55 UTC), reported to their owners; not strict, so a fix passes
#: quietly. (tangent_plane_hessian's square inset tick label and entropy_kl's 16:9-only layout, the two known then,
#: are fixed since.)
KNOWN: dict[tuple[str, str], str] = {}


def _captions(theme: str, lang: str) -> str:
    """Burned in for light English and dark Chinese: each theme and each language gets both caption modes."""
    return "burned" if (theme == "light") != (lang == "zh") else "none"


#: (look, language) of every build here; dark 16:9 English without captions is test_check's.
LOOKS = [(Look(theme=theme, aspect=aspect, captions=_captions(theme, lang)), lang)
         for theme in THEMES for aspect in ASPECTS for lang in LANGUAGES
         if (theme, aspect, lang) != ("dark", "16:9", "en")]


def _id(scene: str, look: Look, lang: str) -> str:
    return f"{scene}-{look.theme}-{look.aspect.replace(':', 'x')}-{lang}"


CASES = [pytest.param(scene, look, lang, id=_id(scene, look, lang),
                      marks=[pytest.mark.xfail(reason=f"known on main: {KNOWN[scene, look.aspect]}", strict=False)]
                      if (scene, look.aspect) in KNOWN else [])
         for scene in SCENES for look, lang in LOOKS]


@pytest.mark.sweep
@pytest.mark.parametrize(("scene", "look", "lang"), CASES)
def test_frames_are_clean_in_every_look(scene: str, look: Look, lang: str, tmp_path) -> None:
    checker = check_scene(scene, None, media_dir=tmp_path, extra_config={"frame_rate": 2, **glyph_cache()}, look=look,
                          lang=lang)
    assert checker.frames_checked > 5
    assert checker.findings == [], format_findings(checker.findings)


def test_the_looks_cover_every_pair_of_theme_aspect_language_and_captions_with_test_check() -> None:
    builds = [(look.theme, look.aspect, lang, look.captions) for look, lang in LOOKS] + [("dark", "16:9", "en", "none")]
    assert len(builds) == len(set(builds)) == len(THEMES) * len(ASPECTS) * len(LANGUAGES)
    axes = (THEMES, ASPECTS, LANGUAGES, CAPTIONS)
    for i, j in itertools.combinations(range(len(axes)), 2):
        assert {(b[i], b[j]) for b in builds} == set(itertools.product(axes[i], axes[j])), (i, j)
