"""The look of a render: frame shapes, theme palettes and their contrast, captions burned in or not."""

from __future__ import annotations

import colorsys
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mathviz_scenes.components import style
from mathviz_scenes.components.look import ASPECTS, CAPTIONS, THEMES, Look, LookError, frame_for
from tests.conftest import dry_run_scene

QUALITY_FRAMES = [(854, 480), (1280, 720), (1920, 1080)]


@pytest.mark.parametrize(("width", "height"), QUALITY_FRAMES)
def test_frame_shapes_keep_the_pixels_per_unit_of_the_quality(width: int, height: int) -> None:
    wide, square, tall = (frame_for(a, width, height) for a in ("16:9", "1:1", "9:16"))
    assert (wide.pixel_width, wide.pixel_height) == (width, height)
    assert (square.pixel_width, square.pixel_height) == (height, height)
    assert (tall.pixel_width, tall.pixel_height) == (height, width)
    for shape in (wide, square, tall):
        # Manim's own 16:9 frame is 14.22 units wide at every quality, so 854 px show 14.22 units (0.1 % off).
        assert shape.pixel_width / shape.width == pytest.approx(height / 8.0, rel=2e-3)
        assert shape.pixel_height / shape.height == pytest.approx(height / 8.0, rel=2e-3)
        assert shape.pixel_width % 2 == 0 and shape.pixel_height % 2 == 0  # H.264 wants even sides
    assert wide.width == pytest.approx(128 / 9) and tall.height == pytest.approx(128 / 9)


@pytest.mark.parametrize("first", ASPECTS)
@pytest.mark.parametrize("second", ASPECTS)
@pytest.mark.parametrize(("width", "height"), QUALITY_FRAMES)
def test_a_frame_already_set_to_another_aspect_gives_the_same_frame(first: str, second: str, width: int,
                                                                     height: int) -> None:
    """Scenes set the frame inside the pipeline's config; building twice in one config must not drift."""
    once = frame_for(first, width, height)
    assert frame_for(second, once.pixel_width, once.pixel_height) == frame_for(second, width, height)


def test_portrait_at_high_quality_is_1080_by_1920() -> None:
    tall = frame_for("9:16", 1920, 1080)
    assert (tall.pixel_width, tall.pixel_height) == (1080, 1920)


@pytest.mark.parametrize(("key", "value"), [("theme", "blue"), ("aspect", "4:3"), ("captions", "yes"), ("theme", "")])
def test_a_look_outside_the_choices_is_refused_in_one_line(key: str, value: str) -> None:
    with pytest.raises(LookError) as caught:
        Look(**{key: value})
    assert "\n" not in str(caught.value) and key in str(caught.value)


def test_the_choices_are_the_interface() -> None:
    assert THEMES == ("dark", "light") and ASPECTS == ("16:9", "1:1", "9:16") and CAPTIONS == ("none", "burned")
    assert Look() == Look("dark", "16:9", "none") and not Look().burned and Look(captions="burned").burned


def test_contrast_ratio_matches_wcag() -> None:
    assert style.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert style.contrast_ratio("#123456", "#123456") == pytest.approx(1.0)
    # WCAG's own example: #767676 is the lightest grey with 4.5:1 on white.
    assert style.contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)
    assert style.contrast_ratio("#777777", "#FFFFFF") < 4.5


def test_every_light_ink_is_readable_on_the_light_background_and_distinct() -> None:
    light = style.LIGHT
    for dark, shown in light.inks.items():
        if dark == "#000000":
            assert shown == light.background  # BLACK means the background
            continue
        assert style.contrast_ratio(shown, light.background) >= style.MIN_CONTRAST, dark
    named = [shown for dark, shown in light.inks.items() if dark != "#000000"]
    assert len(set(named)) == len(named), "two colours of the dark theme would look alike in the light one"


def test_the_dark_palette_shows_colours_as_drawn() -> None:
    assert style.DARK.identity and style.DARK.ink("#123456").to_hex().upper() == "#123456"
    assert not style.LIGHT.identity


channel = st.integers(min_value=0, max_value=255)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(channel, channel, channel)
def test_any_other_colour_is_inked_readable_keeping_its_hue(red: int, green: int, blue: int) -> None:
    """Colours no table names (a colour animation's in-between colours, a scene's own shades)."""
    color = f"#{red:02X}{green:02X}{blue:02X}"
    if color in style.LIGHT.inks:  # the named colours (and BLACK, the background): tested above
        return
    shown = style.LIGHT.ink(color).to_hex().upper()
    assert style.contrast_ratio(shown, style.LIGHT.background) >= style.MIN_CONTRAST
    before = colorsys.rgb_to_hls(red / 255, green / 255, blue / 255)
    after = colorsys.rgb_to_hls(*(int(shown[i:i + 2], 16) / 255 for i in (1, 3, 5)))
    if before[2] > 0.25 and 0.1 < after[1] < 0.9:  # a clearly coloured colour keeps its hue
        assert min(abs(before[0] - after[0]), 1 - abs(before[0] - after[0])) < 0.03


def test_ink_rgbas_keeps_alpha() -> None:
    import numpy as np

    rows = np.array([[1.0, 1.0, 1.0, 0.25], [0.0, 0.0, 0.0, 1.0]])
    inked = style.LIGHT.ink_rgbas(rows)
    assert inked[:, 3].tolist() == [0.25, 1.0]
    assert style.ManimColor(inked[1, :3]).to_hex().upper() == style.LIGHT.background
    assert rows[0, 0] == 1.0  # the mobject's own colours are not touched


@pytest.mark.parametrize("aspect", ASPECTS)
def test_a_scene_builds_its_frame_and_camera_from_its_look(tmp_path: Path, aspect: str) -> None:
    from manim import config

    look = Look(theme="light", aspect=aspect)
    before = (config.pixel_width, config.pixel_height)
    with dry_run_scene("derivative", media_dir=tmp_path, look=look) as scene:
        camera = scene.renderer.camera
        shape = frame_for(aspect, camera.pixel_width, camera.pixel_height)
        assert (camera.pixel_width, camera.pixel_height) == (shape.pixel_width, shape.pixel_height)
        # Manim's camera keeps the frame width and fits the height to the pixels' shape (as it does in 16:9).
        assert camera.frame_width == pytest.approx(shape.width)
        assert camera.frame_height == pytest.approx(shape.height, rel=2e-3)
        assert camera.background_color.to_hex().upper() == style.LIGHT.background
        frame = style.frame()
        assert frame.top == pytest.approx(shape.height / 2 - style.TOP_MARGIN)
        assert (frame.portrait, frame.square, frame.landscape) == (aspect == "9:16", aspect == "1:1", aspect == "16:9")
        text = style.text("x")
        assert style.ManimColor(camera.get_fill_rgbas(text[0])[0, :3]).to_hex().upper() == style.LIGHT.inks["#FFFFFF"]
    assert (config.pixel_width, config.pixel_height) == before  # the pipeline's tempconfig restores the frame


def test_the_dark_theme_keeps_manims_own_camera(tmp_path: Path) -> None:
    from manim import Camera

    with dry_run_scene("derivative", media_dir=tmp_path) as scene:
        assert type(scene.renderer.camera) is Camera


def _captions_on_screen(scene) -> list:
    return [m for m in scene.mobjects if getattr(m, "caption", False)]


def test_captions_none_draws_no_caption_line_and_keeps_every_timing(tmp_path: Path) -> None:
    runs = {}
    for captions in CAPTIONS:
        with dry_run_scene("relu", media_dir=tmp_path / captions, frame_rate=2, look=Look(captions=captions)) as scene:
            scene.render()
            runs[captions] = scene
    burned, none = runs["burned"], runs["none"]
    assert _captions_on_screen(burned) and not _captions_on_screen(none)
    assert [(c.name, c.start, c.end) for c in burned.captions] == [(c.name, c.start, c.end) for c in none.captions]
    assert float(burned.renderer.time) == pytest.approx(float(none.renderer.time))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_numbers_and_labels_share_one_font_family_per_language(tmp_path: Path, lang: str) -> None:
    with dry_run_scene("derivative", media_dir=tmp_path, lang=lang):
        assert style.text("x").font == style.font_for(lang)
        digits = style.number(1.25).submobjects[0]
        assert digits.font == style.font_for(lang)
        assert ("CJK" in style.font_for(lang)) == (lang == "zh")


def test_a_long_caption_takes_two_lines_in_a_narrow_frame(tmp_path: Path) -> None:
    words = "Shrink h: the secant turns into the tangent, its slope tends to f'(x0)"
    with dry_run_scene("derivative", media_dir=tmp_path, look=Look(aspect="9:16", captions="burned")) as scene:
        line = scene.caption_line(words)
        assert line.height > 1.5 * scene.caption_line("Short").height  # two lines
        assert line.get_bottom()[1] >= -style.frame().height / 2 - 1e-6 and line.get_top()[1] <= style.caption_top()


def _mathviz(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mathviz", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize(("line", "says"), [
    ('theme = "sepia"', "theme must be one of dark, light"),
    ('aspect = "4:3"', "aspect must be one of 16:9, 1:1, 9:16"),
    ('captions = 1', "captions must be a word in quotes"),
    ('lang = "fr"', "lang must be one of en, zh"),
])
def test_a_render_file_with_a_bad_look_fails_in_one_line(tmp_path: Path, line: str, says: str) -> None:
    (tmp_path / "bad.toml").write_text(f'scene = "derivative"\n{line}\n', encoding="utf-8")
    result = _mathviz("check", "derivative", "--params", "bad.toml", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("error:") and says in result.stderr and result.stderr.count("\n") == 1


def test_the_render_files_look_is_used_and_an_option_wins(tmp_path: Path) -> None:
    from PIL import Image

    (tmp_path / "look.toml").write_text('scene = "relu"\ntheme = "light"\naspect = "1:1"\nlang = "zh"\n',
                                        encoding="utf-8")
    result = _mathviz("storyboard", "relu", "--params", "look.toml", "--aspect", "9:16", "--out", "sb", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    numbers = json.loads((tmp_path / "sb" / "relu" / "storyboard.json").read_text(encoding="utf-8"))
    assert (numbers["theme"], numbers["aspect"], numbers["captions"], numbers["lang"]) == ("light", "9:16", "none", "zh")
    still = Image.open(tmp_path / "sb" / "relu" / numbers["beats"][0]["still"]).convert("RGB")
    assert still.size == (480, 854)
    assert still.getpixel((2, 2)) == (255, 255, 255)  # the light background in the corner


@pytest.mark.parametrize("opacity", [0.75, 0.8, 0.9, 0.99])
def test_a_colour_drawn_a_little_dimmed_keeps_the_minimum_contrast_as_shown(opacity: float) -> None:
    """The lattice axes of norms at 0.8, a fitted line at 0.85: blended onto white, the plain ink falls under 4.5:1."""
    import numpy as np
    from manim import ManimColor

    light = style.LIGHT
    page = np.asarray(ManimColor(light.background).to_rgb())
    for dark in light.inks:
        if light.inks[dark] == light.background:
            continue  # BLACK is the background in every theme, at any opacity
        shown = opacity * np.asarray(light.ink(dark, opacity).to_rgb()) + (1 - opacity) * page
        assert style.contrast_ratio(ManimColor(shown), light.background) >= style.MIN_CONTRAST, (dark, opacity)
    # fainter than KEEP_CONTRAST_OPACITY is dimmed on purpose: the plain ink
    assert light.ink("#FF862F", style.KEEP_CONTRAST_OPACITY - 0.05) == light.ink("#FF862F")
    rows = np.array([[*ManimColor("#FF862F").to_rgb(), opacity]])
    assert np.allclose(light.ink_rgbas(rows)[0, :3], light.ink("#FF862F", opacity).to_rgb())
