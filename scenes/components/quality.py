"""The frame-quality guard: nothing off-screen, nothing overlapping, every label legible, every number the story's.

:func:`check_scene` constructs a registered scene under Manim's ``dry_run``
with a :class:`FrameChecker` attached. The checker looks at the frame

* at the end of every section (beat) and at the end of the scene, and
* at a few points inside every animation (a third and two thirds through),

and reports, as :class:`Finding` values:

``offscreen``
    text, a formula, a readout or an arrow whose bounding box leaves the
    visible frame less :data:`SAFE_MARGIN`;
``overlap``
    two pieces of text whose bounding boxes overlap;
``over-curve``
    text drawn over a graph or surface without a background behind it;
``tiny``
    text whose glyphs would be shorter than
    :data:`~scenes.components.style.MIN_TEXT_PIXELS_480P` pixels at 480p;
``number``
    a number on screen that is not the story's (at section ends, where a
    readout shows a story value): readouts carry ``story_field``, the path of
    the value in the story's JSON.

3D scenes are checked in screen space: points are projected through the
scene's camera, except mobjects fixed in the frame.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from manim import (
    Arrow,
    BackgroundRectangle,
    Code,
    DecimalNumber,
    MarkupText,
    Mobject,
    ParametricFunction,
    Scene,
    Surface,
    SVGMobject,
    Text,
    config,
)
from manim.mobject.text.text_mobject import Paragraph

from mathviz_scenes.components import style
from mathviz_scenes.components.readout import Readout, story_value

__all__ = ["Finding", "FrameChecker", "lookup", "SAFE_MARGIN", "OVERLAP_TOLERANCE", "format_findings"]

#: Scene units kept clear inside the frame's edges for text and arrows.
SAFE_MARGIN = 0.05
#: Bounding boxes may touch by this much (scene units) before it counts as overlap.
OVERLAP_TOLERANCE = 0.02
#: Text boxes are shrunk by this fraction before testing curves against them (glyph boxes are loose).
CURVE_BOX_SHRINK = 0.15

_TEXT_TYPES = (Readout, Text, MarkupText, Paragraph, Code, DecimalNumber, SVGMobject)


@dataclass(frozen=True)
class Finding:
    """One problem in one frame."""

    kind: str
    when: str
    what: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.what} at {self.when}: {self.detail}"


def format_findings(findings: Iterable[Finding]) -> str:
    return "\n".join(str(f) for f in findings)


def _label(mob: Mobject) -> str:
    if isinstance(mob, Readout):
        return f"readout {mob.story_field or mob.label.__class__.__name__}"
    if isinstance(mob, DecimalNumber):
        return f"number {mob.get_value():.4g}"
    for attr in ("original_text", "text", "typst_code", "tex_string", "code_string"):
        value = getattr(mob, attr, None)
        if isinstance(value, str) and value:
            return f"{type(mob).__name__} {value.strip()[:40]!r}"
    return type(mob).__name__


def _visible(mob: Mobject) -> bool:
    family = [m for m in mob.get_family() if m.has_points()] if hasattr(mob, "has_points") else []
    if not family:
        return False
    for m in family:
        try:
            if max(float(np.max(m.get_fill_opacities())), float(np.max(m.get_stroke_opacities()))) > 0.05:
                return True
        except (AttributeError, ValueError):
            return True
    return False


def _has_background(mob: Mobject) -> bool:
    if getattr(mob, "background_rectangle", None) is not None or getattr(mob, "has_background", False):
        return True
    return any(isinstance(m, BackgroundRectangle) for m in mob.get_family())


class FrameChecker:
    """Checks a scene's frames while it is constructed under dry_run (see module docstring)."""

    def __init__(self, scene: Scene, samples: tuple[float, ...] = (1 / 3, 2 / 3), *, check_numbers: bool = True) -> None:
        self.scene = scene
        self.samples = samples
        #: False for a plain Manim scene (``mathviz check file.py:Scene``): it has no story to compare numbers with.
        self.check_numbers = check_numbers
        self.findings: list[Finding] = []
        self._seen: set[tuple[str, str]] = set()
        self._section = "start"
        self._story = scene.story.to_dict() if hasattr(scene, "story") else {}
        #: How many frames were checked.
        self.frames_checked = 0

    # -- wiring -------------------------------------------------------------------------------------

    def attach(self) -> FrameChecker:
        scene = self.scene
        original_update = scene.update_to_time
        original_next_section = scene.next_section
        state = {"next": 0}

        def update_to_time(t: float) -> None:
            original_update(t)
            duration = float(getattr(scene, "duration", 0.0) or 0.0)
            if t <= 1e-9:
                state["next"] = 0
            if duration > 0 and state["next"] < len(self.samples) and t >= self.samples[state["next"]] * duration:
                state["next"] += 1
                self.check(f"{self._section} (t={float(scene.renderer.time) + t:.2f}s)", numbers=False)

        def next_section(name: str = "unnamed", *args: Any, **kwargs: Any) -> None:
            if self._section != "start" or scene.mobjects:
                self.check(f"end of section {self._section!r}", numbers=True)
            self._section = name
            original_next_section(name, *args, **kwargs)

        scene.update_to_time = update_to_time
        scene.next_section = next_section
        return self

    def finish(self) -> list[Finding]:
        self.check(f"end of section {self._section!r} (last frame)", numbers=True)
        return self.findings

    # -- geometry -----------------------------------------------------------------------------------

    def _screen_points(self, mob: Mobject) -> np.ndarray:
        points = np.concatenate([m.points for m in mob.family_members_with_points()] or [np.zeros((0, 3))])
        camera = self.scene.renderer.camera
        fixed: set[Mobject] = getattr(camera, "fixed_in_frame_mobjects", set())
        if hasattr(camera, "project_points") and not (fixed and (mob in fixed or any(m in fixed for m in mob.get_family()))):
            if len(points):
                points = camera.project_points(points)
        return points[:, :2] if len(points) else points

    def _box(self, mob: Mobject) -> np.ndarray | None:
        points = self._screen_points(mob)
        if not len(points):
            return None
        return np.array([points.min(axis=0), points.max(axis=0)])

    def _units(self) -> tuple[list[Mobject], list[Mobject], list[Mobject], set[int]]:
        """Visible text units (not descending into them), arrows, curves, and ids of axis tick labels."""
        texts: list[Mobject] = []
        arrows: list[Mobject] = []
        curves: list[Mobject] = []
        tick_labels: set[int] = set()

        def walk(mob: Mobject) -> None:
            numbers = getattr(mob, "numbers", None)
            if numbers is not None and hasattr(mob, "number_to_point"):
                tick_labels.update(id(n) for n in numbers)
            if isinstance(mob, _TEXT_TYPES) and not getattr(mob, "is_decoration", False):
                if _visible(mob):
                    texts.append(mob)
                return
            if isinstance(mob, Arrow) and _visible(mob):
                arrows.append(mob)
            if (isinstance(mob, (ParametricFunction, Surface)) or getattr(mob, "is_curve", False)) and _visible(mob):
                curves.append(mob)
            for sub in mob.submobjects:
                walk(sub)

        for mob in self.scene.mobjects:
            walk(mob)
        return texts, arrows, curves, tick_labels

    def _report(self, kind: str, when: str, what: str, detail: str) -> None:
        key = (kind, what)
        if key in self._seen:  # one report per problem and object, at its first frame
            return
        self._seen.add(key)
        self.findings.append(Finding(kind, when, what, detail))

    # -- the checks -----------------------------------------------------------------------------------

    def check(self, when: str, *, numbers: bool) -> None:
        self.frames_checked += 1
        texts, arrows, curves, tick_labels = self._units()
        half_w, half_h = config.frame_width / 2 - SAFE_MARGIN, config.frame_height / 2 - SAFE_MARGIN
        boxes = {id(m): self._box(m) for m in texts + arrows}

        for mob in texts + arrows:
            box = boxes[id(mob)]
            if box is None:
                continue
            if box[0, 0] < -half_w or box[1, 0] > half_w or box[0, 1] < -half_h or box[1, 1] > half_h:
                self._report("offscreen", when, _label(mob),
                             f"box x [{box[0, 0]:.2f}, {box[1, 0]:.2f}] y [{box[0, 1]:.2f}, {box[1, 1]:.2f}] "
                             f"leaves the frame (+-{half_w:.2f}, +-{half_h:.2f})")

        for i, a in enumerate(texts):
            box_a = boxes[id(a)]
            if box_a is None:
                continue
            for b in texts[i + 1:]:
                box_b = boxes[id(b)]
                if box_b is None or getattr(a, "caption", False) and getattr(b, "caption", False):
                    continue  # the outgoing and incoming caption lines cross-fade in place
                dx = min(box_a[1, 0], box_b[1, 0]) - max(box_a[0, 0], box_b[0, 0])
                dy = min(box_a[1, 1], box_b[1, 1]) - max(box_a[0, 1], box_b[0, 1])
                if dx > OVERLAP_TOLERANCE and dy > OVERLAP_TOLERANCE:
                    self._report("overlap", when, f"{_label(a)} / {_label(b)}", f"boxes overlap by {dx:.2f} x {dy:.2f}")

        curve_points = [self._screen_points(c) for c in curves]
        for mob in texts:
            box = boxes[id(mob)]
            if box is None or _has_background(mob):
                continue
            shrink = (box[1] - box[0]) * CURVE_BOX_SHRINK / 2
            lo, hi = box[0] + shrink, box[1] - shrink
            for curve, points in zip(curves, curve_points):
                if not len(points):
                    continue
                inside = np.all((points >= lo) & (points <= hi), axis=1)
                if np.any(inside):
                    self._report("over-curve", when, _label(mob), f"drawn over {type(curve).__name__} without a background")
                    break

        # 480p is the quality whose short side is 480 pixels: a portrait frame is 480 x 854, not 270 x 480
        px_per_unit = 480 / min(config.frame_width, config.frame_height)
        for mob in texts:
            heights = [m.height for m in mob.family_members_with_points() if m.height > 1e-6]
            if not heights:
                continue
            scale = self._projected_scale(mob)
            glyph_px = float(np.percentile(heights, 75)) * scale * px_per_unit
            if glyph_px < style.MIN_TEXT_PIXELS_480P:
                self._report("tiny", when, _label(mob),
                             f"glyphs {glyph_px:.1f} px at 480p (minimum {style.MIN_TEXT_PIXELS_480P:g})")

        if numbers and self.check_numbers:
            self._check_numbers(when, [t for t in texts if id(t) not in tick_labels])

    def _projected_scale(self, mob: Mobject) -> float:
        """Screen size per scene unit for ``mob`` (1 in 2D and for fixed-in-frame mobjects)."""
        box = self._box(mob)
        if box is None or mob.width < 1e-9 and mob.height < 1e-9:
            return 1.0
        raw = max(mob.width, mob.height)
        projected = float(np.max(box[1] - box[0]))
        return projected / raw if raw > 1e-9 else 1.0

    def _check_numbers(self, when: str, texts: list[Mobject]) -> None:
        for mob in texts:
            if not isinstance(mob, (Readout, DecimalNumber)):
                continue
            number = mob.number if isinstance(mob, Readout) else mob
            field = getattr(mob, "story_field", getattr(number, "story_field", "unbound"))
            if field == "unbound":
                self._report("number", when, _label(mob), "a number on screen without a story_field")
                continue
            if field is None:
                continue  # an interpolated value between two story values
            try:
                expected = lookup(self._story, field)
            except (KeyError, IndexError, TypeError, ValueError):
                self._report("number", when, _label(mob), f"story has no field {field!r}")
                continue
            shown = float(number.get_value())
            decimals = int(getattr(number, "num_decimal_places", 3))
            if expected is None or not np.isfinite(shown):
                if not (expected is None and not np.isfinite(shown)):
                    self._report("number", when, _label(mob), f"shows {shown} but the story's {field} is {expected}")
                continue
            if abs(round(shown, decimals) - round(float(expected), decimals)) > 10 ** (-decimals) * 0.5 + 1e-12:
                self._report("number", when, _label(mob), f"shows {shown:.{decimals}f} but the story's {field} is {expected}")


def lookup(story: Mapping[str, Any], path: str) -> Any:
    """``lookup(story, "secants.3.slope")``: follow keys and list indices through the story's JSON."""
    return story_value(story, path)
