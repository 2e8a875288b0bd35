"""The look in decoded pixels: real 480p renders, decoded with PyAV.

Each render is the derivative's first six animations (its first beat and the start of the second) at 2
frames per second: the frame size, background and caption band are the whole video's, so a short one
tells as much as a long one. Checked: the frame size per aspect at ``-q l``, the background colour per
theme (every frame's edge), and the caption band at the bottom: only background with ``captions=none``,
text pixels in every beat with ``burned``. The three cases of ``make test`` cover each theme, aspect and
caption choice once; ``make sweep`` renders every combination.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import pytest

from mathviz.pipeline.manifest import load_render, look_of
from mathviz.pipeline.publish import output_path, publish, seconds
from mathviz.pipeline.render import render_scene

pytestmark = pytest.mark.render

SCENE = "derivative"
SHORT = {"frame_rate": 2, "upto_animation_number": 6}
#: The frame of each aspect at -q l (480p): the short side stays 480 pixels.
SIZES = {"16:9": (854, 480), "1:1": (480, 480), "9:16": (480, 854)}
#: A pixel is drawn (not background) when one channel differs from the background by more than this.
INK = 40


@dataclass(frozen=True)
class Case:
    theme: str
    aspect: str
    captions: str
    lang: str

    @property
    def id(self) -> str:
        return f"{self.theme}-{self.aspect.replace(':', 'x')}-{self.captions}-{self.lang}"


FAST = [Case("dark", "16:9", "none", "en"), Case("light", "1:1", "none", "en"), Case("light", "9:16", "burned", "zh")]
EVERY = [Case(t, a, c, "zh" if a == "9:16" else "en")
         for t, a, c in itertools.product(("dark", "light"), SIZES, ("none", "burned"))]
SWEEP = [case for case in EVERY if case not in FAST]


def _render(case: Case, out: Path) -> Path:
    from mathviz_scenes.components.look import Look

    result = render_scene(SCENE, {}, quality="l", out_dir=out, lang=case.lang, output_name=case.id,
                          look=Look(theme=case.theme, aspect=case.aspect, captions=case.captions), extra_config=SHORT)
    return result.video


def _frames(video: Path) -> list[tuple[float, np.ndarray]]:
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        return [(seconds(f.pts, f.time_base), f.to_ndarray(format="rgb24")) for f in container.decode(stream)]


def _background(theme: str) -> np.ndarray:
    from mathviz_scenes.components.style import PALETTES

    hex_colour = PALETTES[theme].background.lstrip("#")
    return np.array([int(hex_colour[i:i + 2], 16) for i in (0, 2, 4)])


def _band_rows(aspect: str, height: int) -> int:
    """How many pixel rows at the bottom the caption band takes (the scene's own rule, style.caption_band)."""
    from manim import tempconfig

    from mathviz_scenes.components.look import frame_for
    from mathviz_scenes.components.style import caption_band

    frame = frame_for(aspect, *SIZES["16:9"])
    with tempconfig({"frame_width": frame.width, "frame_height": frame.height}):
        return int(caption_band() / frame.height * height)


def _inked(pixels: np.ndarray, background: np.ndarray) -> np.ndarray:
    return (np.abs(pixels.astype(int) - background) > INK).any(axis=-1)


def _check(case: Case, video: Path) -> None:
    numbers = load_render(video)
    assert look_of(numbers) == {"theme": case.theme, "aspect": case.aspect, "lang": case.lang, "captions": case.captions}
    frames = _frames(video)
    assert frames and {f.shape[1::-1] for _, f in frames} == {SIZES[case.aspect]}
    background = _background(case.theme)
    for _, frame in frames:
        edge = np.concatenate([frame[0], frame[-1], frame[:, 0], frame[:, -1]])
        assert np.abs(np.median(edge, axis=0) - background).max() <= 3  # yuv420p rounding
    height = frames[0][1].shape[0]
    band = slice(height - _band_rows(case.aspect, height) + 2, height)  # 2 rows of slack for anti-aliasing
    inked = [int(_inked(frame[band], background).sum()) for _, frame in frames]
    if case.captions == "none":
        assert inked == [0] * len(frames)  # not a pixel of caption, in any frame
        poster = output_path(video, "poster")
        publish(video, ["poster"])
        from PIL import Image

        assert not _inked(np.asarray(Image.open(poster).convert("RGB"))[band], background).any()
    else:
        # The middle frame of every captioned beat has its line in the band: text, not a stray pixel.
        band_pixels = frames[0][1][band].shape[0] * frames[0][1].shape[1]
        cues = [cue for cue in numbers["captions"] if cue["end"] - cue["start"] >= 1.0 and cue[case.lang].strip()]
        assert cues  # the short render still has captioned beats
        for cue in cues:
            middle = (cue["start"] + cue["end"]) / 2
            index = min(range(len(frames)), key=lambda i: abs(frames[i][0] - middle))
            assert inked[index] > 0.01 * band_pixels, (cue["name"], inked[index], band_pixels)


@pytest.fixture(scope="module")
def fast_renders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("look-pixels")
    return {case.id: _render(case, out) for case in FAST}


@pytest.mark.parametrize("case", FAST, ids=lambda case: case.id)
def test_size_background_and_caption_band(case: Case, fast_renders: dict[str, Path]) -> None:
    _check(case, fast_renders[case.id])


@pytest.mark.sweep
@pytest.mark.parametrize("case", SWEEP, ids=lambda case: case.id)
def test_every_theme_aspect_and_caption_choice(case: Case, tmp_path: Path) -> None:
    _check(case, _render(case, tmp_path))
