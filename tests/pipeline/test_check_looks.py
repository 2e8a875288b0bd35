"""The frame guard over every scene x theme x aspect with default parameters (issue #15 item 7): `make sweep`.

Dark 16:9 with defaults is already `test_check.test_frames_are_clean` (in `make test`), so this sweep
adds the other five looks of each scene: light 16:9, and dark and light in the square and the
portrait frame. Captions are burned in for the light builds (the caption band takes two lines in
narrow frames), so both caption modes are checked in every aspect. Two frames per second, as in
test_check: the guard also samples inside every animation.
"""

from __future__ import annotations

import pytest

from mathviz.pipeline.catalog import SCENES
from mathviz.pipeline.check import check_scene
from mathviz_scenes.components.look import ASPECTS, THEMES, Look
from mathviz_scenes.components.quality import format_findings
from tests.conftest import glyph_cache

#: Failing on main when this sweep landed (13:55 UTC), reported to their owners; not strict, so a fix passes
#: quietly. (tangent_plane_hessian's square inset tick label and entropy_kl's 16:9-only layout, the two known then,
#: are fixed since.)
KNOWN: dict[tuple[str, str], str] = {}

LOOKS = [Look(theme=theme, aspect=aspect, captions="burned" if theme == "light" else "none")
         for theme in THEMES for aspect in ASPECTS if (theme, aspect) != ("dark", "16:9")]


CASES = [pytest.param(scene, look, id=f"{scene}-{look.theme}-{look.aspect.replace(':', 'x')}",
                      marks=[pytest.mark.xfail(reason=f"known on main: {KNOWN[scene, look.aspect]}", strict=False)]
                      if (scene, look.aspect) in KNOWN else [])
         for scene in SCENES for look in LOOKS]


@pytest.mark.sweep
@pytest.mark.parametrize(("scene", "look"), CASES)
def test_frames_are_clean_in_every_look(scene: str, look: Look, tmp_path) -> None:
    checker = check_scene(scene, None, media_dir=tmp_path, extra_config={"frame_rate": 2, **glyph_cache()}, look=look)
    assert checker.frames_checked > 5
    assert checker.findings == [], format_findings(checker.findings)


def test_the_looks_cover_every_theme_and_aspect_with_test_check() -> None:
    covered = {(look.theme, look.aspect) for look in LOOKS} | {("dark", "16:9")}
    assert covered == {(theme, aspect) for theme in THEMES for aspect in ASPECTS}
    assert {look.captions for look in LOOKS if look.aspect != "16:9"} == {"none", "burned"}
