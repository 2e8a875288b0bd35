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
``caption-band``
    text, a formula, a readout or an arrow (and, with the shape checks, a key
    stroke or a filled shape at the end of a beat) reaching into the caption
    band at the bottom of the frame (below
    :func:`~mathviz_scenes.components.style.caption_top`), in every caption
    mode: with ``--captions burned`` the caption line is drawn there, with
    ``none`` a web player's control bar covers it on hover, and both videos
    share one layout. Not for a plain Manim scene, which has no caption band;
``line-over-text``
    (at the end of every beat, where the picture has settled: strokes and
    shapes in motion cross text on their way, which is animation, not layout)
    a key stroke (a line, arrow, marker or curve of real width and opacity, see
    :func:`is_key_stroke`) that crosses a piece of text and is not hidden from
    it: it is drawn above the text's background (or the panel it sits on), or
    the text has none. Faint strokes (grid lines) do not count;
``fill-over-text``
    (also at the end of every beat) a filled shape (a dot, a bar, a marker) that covers part of a piece of
    text: drawn above the text, or under it without being its background
    (a shape under the whole text box is a background, and hides what lies
    below it);
``edge-on``
    (at the end of every beat, in 3D) a flat shape (a solid collapsed towards
    a plane, a plane patch) that the camera sees within
    :data:`EDGE_ON_DEGREES` of its own plane, so it shows as a sliver;
``contrast``
    (at the end of every beat) text, or a key stroke (a line, arrow, curve
    or marker at least :data:`KEY_STROKE_WIDTH` wide and
    :data:`CONTRAST_STROKE_OPACITY` opaque; grid lines and strokes dimmed on
    purpose are context, not key strokes), whose colour as the scene's theme
    shows it (:func:`~mathviz_scenes.components.style.ink`), blended at its
    opacity onto what it is drawn on (its background rectangle, else the
    theme's background), has a WCAG contrast ratio below
    :data:`~mathviz_scenes.components.style.MIN_CONTRAST` (4.5:1) against it;
``tiny``
    text whose glyphs would be shorter than
    :data:`~scenes.components.style.MIN_TEXT_PIXELS_480P` pixels at 480p;
``number``
    a number on screen that is not the story's (at section ends, where a
    readout shows a story value): readouts carry ``story_field``, the path of
    the value in the story's JSON.

The shape checks (``line-over-text``, ``fill-over-text``, ``edge-on``) and
``contrast`` run by default (:data:`SHAPE_CHECKS`, :data:`CONTRAST_CHECKS`); a
caller may leave them out (``FrameChecker(scene, shapes=False)``).

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
    ManimColor,
    MarkupText,
    Mobject,
    ParametricFunction,
    Scene,
    Surface,
    SVGMobject,
    Text,
    VMobject,
    config,
)
from manim.mobject.text.text_mobject import Paragraph

from mathviz_scenes.components import style
from mathviz_scenes.components.readout import Readout, story_value

__all__ = ["Finding", "FrameChecker", "lookup", "SAFE_MARGIN", "OVERLAP_TOLERANCE", "format_findings", "is_key_stroke"]

#: Scene units kept clear inside the frame's edges for text and arrows.
SAFE_MARGIN = 0.05
#: Bounding boxes may touch by this much (scene units) before it counts as overlap.
OVERLAP_TOLERANCE = 0.02
#: Text boxes are shrunk by this fraction before testing curves against them (glyph boxes are loose).
CURVE_BOX_SHRINK = 0.15
#: A key stroke is at least this wide (Manim stroke width; Manim's default is 4, a faint grid line 1)...
KEY_STROKE_WIDTH = 1.5
#: ...and at least this opaque. Thinner or fainter strokes (background grids) may pass under text.
KEY_STROKE_OPACITY = 0.35
#: A key stroke for the contrast check is also at least this opaque: strokes a scene dims on purpose (the ghost
#: of an earlier vector, axes kept in the background at 0.6) are context, like grid lines, and may be quiet.
CONTRAST_STROKE_OPACITY = style.KEEP_CONTRAST_OPACITY
#: A shape at least this opaque hides what is drawn below it (a background, a panel); fainter ones do not.
COVER_OPACITY = 0.7
#: A filled shape at least this opaque collides with the text it overlaps.
KEY_FILL_OPACITY = 0.5
#: Scene units per unit of Manim stroke width (Cairo's ``cairo_line_width_multiple``): a stroke covers half
#: its width on each side of its centre line.
STROKE_UNITS = 0.01
#: A 3D shape is flat when its thinnest extent is below this fraction of its largest...
FLAT_RATIO = 0.12
#: ...and seen edge-on when the camera looks within this angle (degrees) of its plane.
EDGE_ON_DEGREES = 15.0
#: A 3D shape filled at least this opaque has a face to show (translucent solids included).
EDGE_ON_FILL_OPACITY = 0.1
#: Whether the guard runs the shape checks (``line-over-text``, ``fill-over-text``, ``edge-on``) by default:
#: yes, in ``render``, ``storyboard`` and ``check`` alike (``mathviz check --no-shapes`` leaves them out, to
#: see the layout checks' findings alone).
SHAPE_CHECKS = True
#: Whether the guard runs the ``contrast`` check by default: yes (``mathviz check --no-contrast`` leaves it out).
CONTRAST_CHECKS = True

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


def _shape_label(mob: Mobject) -> str:
    name = type(mob).__name__
    owner = getattr(mob, "label_for_guard", None)
    return f"{name} ({owner})" if owner else name


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


def _max_or_zero(values: Any) -> float:
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        return 0.0
    return float(np.max(array)) if array.size else 0.0


def is_key_stroke(mob: Mobject) -> bool:
    """A stroke that must stay clear of text: at least :data:`KEY_STROKE_WIDTH` wide and :data:`KEY_STROKE_OPACITY` opaque.

    Lines, arrows, curves, markers (a cross is two lines) and outlines count; background grid
    lines (thin or faint) do not.
    """
    if not isinstance(mob, VMobject) or not mob.has_points():
        return False
    width = _max_or_zero(mob.get_stroke_width()) if hasattr(mob, "get_stroke_width") else 0.0
    return width >= KEY_STROKE_WIDTH and _max_or_zero(mob.get_stroke_opacities()) >= KEY_STROKE_OPACITY


def _fill_opacity(mob: Mobject) -> float:
    if not isinstance(mob, VMobject) or not mob.has_points():
        return 0.0
    return _max_or_zero(mob.get_fill_opacities())


def _polygon_area(mobs: list[Mobject]) -> float:
    """Total area of the closed paths (through their anchors) of ``mobs``, in 3D (each path's own plane)."""
    total = 0.0
    for mob in mobs:
        for path in mob.get_subpaths():
            anchors = np.asarray(path[::4], dtype=float)
            if len(anchors) < 3:
                continue
            total += 0.5 * float(np.linalg.norm(np.cross(anchors, np.roll(anchors, -1, axis=0)).sum(axis=0)))
    return total


def _bezier_polyline(points: np.ndarray, samples: int = 5) -> np.ndarray:
    """Each cubic Bezier of ``points`` (4 rows each) sampled at ``samples`` parameters: an (n, samples, dim) array."""
    n = len(points) // 4
    if n == 0:
        return np.zeros((0, samples, points.shape[1] if points.ndim == 2 else 3))
    curves = points[: 4 * n].reshape(n, 4, -1)
    t = np.linspace(0.0, 1.0, samples)[None, :, None]
    a0, h0, h1, a1 = (curves[:, i][:, None, :] for i in range(4))
    return ((1 - t) ** 3) * a0 + 3 * ((1 - t) ** 2) * t * h0 + 3 * (1 - t) * (t ** 2) * h1 + (t ** 3) * a1


def _segments_hit_box(starts: np.ndarray, ends: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Which 2D segments ``starts[i]``-``ends[i]`` pass through the box [lo, hi] (Liang-Barsky, vectorised)."""
    d = ends - starts
    t_low = np.zeros(len(starts))
    t_high = np.ones(len(starts))
    inside = np.ones(len(starts), dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for axis in range(2):
            flat = np.abs(d[:, axis]) < 1e-12
            inside &= ~flat | ((starts[:, axis] >= lo[axis]) & (starts[:, axis] <= hi[axis]))
            t1 = (lo[axis] - starts[:, axis]) / d[:, axis]
            t2 = (hi[axis] - starts[:, axis]) / d[:, axis]
            t_low = np.where(flat, t_low, np.maximum(t_low, np.minimum(t1, t2)))
            t_high = np.where(flat, t_high, np.minimum(t_high, np.maximum(t1, t2)))
    return inside & (t_low <= t_high)


def _inside_polygon(point: np.ndarray, polygon: np.ndarray) -> bool:
    """Whether the 2D ``point`` lies inside the closed ``polygon`` (its vertices in order; even-odd rule)."""
    xs, ys = polygon[:, 0], polygon[:, 1]
    xn, yn = np.roll(xs, -1), np.roll(ys, -1)
    straddles = (ys > point[1]) != (yn > point[1])
    with np.errstate(divide="ignore", invalid="ignore"):
        crossing_x = xs + (point[1] - ys) * (xn - xs) / (yn - ys)
    return bool(np.count_nonzero(straddles & (point[0] < crossing_x)) % 2)


def _outline_meets_box(outlines: list[np.ndarray], lo: np.ndarray, hi: np.ndarray) -> bool:
    """Whether a filled shape whose closed screen outlines (one 2D polyline per subpath) are ``outlines`` covers
    part of the box [lo, hi]: an edge passes through it, or the box lies inside the shape.
    """
    for outline in outlines:
        if len(outline) < 2:
            continue
        closed = np.vstack([outline, outline[:1]])
        if np.any(_segments_hit_box(closed[:-1], closed[1:], lo, hi)) or _inside_polygon((lo + hi) / 2, outline):
            return True
    return False


def _backgrounds(mob: Mobject) -> list[Mobject]:
    """The parts of a text unit that are its background, not its glyphs: background rectangles, and a
    :class:`~manim.Code` listing's own box (``Code.background``, with the window buttons it holds).
    """
    found = [m for m in mob.get_family() if isinstance(m, BackgroundRectangle)]
    box = getattr(mob, "background", None) if isinstance(mob, Code) else None
    if isinstance(box, Mobject):
        found += box.get_family()
    return found


def _has_background(mob: Mobject) -> bool:
    if getattr(mob, "background_rectangle", None) is not None or getattr(mob, "has_background", False):
        return True
    return bool(_backgrounds(mob))


class FrameChecker:
    """Checks a scene's frames while it is constructed under dry_run (see module docstring)."""

    def __init__(self, scene: Scene, samples: tuple[float, ...] = (1 / 3, 2 / 3), *, check_numbers: bool = True,
                 shapes: bool = SHAPE_CHECKS, contrast: bool = CONTRAST_CHECKS, caption_band: bool = True) -> None:
        self.scene = scene
        self.samples = samples
        #: Run ``caption-band`` (off for a plain Manim scene, which has no caption band).
        self.caption_band = caption_band
        #: Also run ``line-over-text``, ``fill-over-text`` and ``edge-on`` (see :data:`SHAPE_CHECKS`).
        self.shapes = shapes
        #: Also run ``contrast`` (see :data:`CONTRAST_CHECKS`).
        self.contrast = contrast
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
        #: Every drawn shape outside text, with whether it belongs to a curve or a surface: (mobject, kind).
        self._shapes: list[tuple[Mobject, str]] = []

        def walk(mob: Mobject, within: str) -> None:
            numbers = getattr(mob, "numbers", None)
            if numbers is not None and hasattr(mob, "number_to_point"):
                tick_labels.update(id(n) for n in numbers)
            if isinstance(mob, _TEXT_TYPES):
                if not getattr(mob, "is_decoration", False) and _visible(mob):
                    texts.append(mob)
                return
            if isinstance(mob, Arrow) and _visible(mob):
                arrows.append(mob)
            is_curve = isinstance(mob, (ParametricFunction, Surface)) or getattr(mob, "is_curve", False)
            if is_curve and _visible(mob):
                curves.append(mob)
            if isinstance(mob, Surface) or type(mob).__name__ == "MeshSurface":
                within = "surface"
            elif is_curve and within == "":
                within = "curve"
            if isinstance(mob, VMobject) and mob.has_points() and not isinstance(mob, BackgroundRectangle):
                self._shapes.append((mob, within))
            for sub in mob.submobjects:
                walk(sub, within)

        for mob in self.scene.mobjects:
            walk(mob, "")
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

        if self.caption_band:
            self._check_caption_band(when, texts + arrows, boxes, shapes=numbers and self.shapes)

        if numbers and self.contrast:  # settled frames: a fade passes through every opacity on its way
            self._check_contrast(when, texts)
        if numbers and self.shapes:  # settled frames only: a highlight sliding to the next entry crosses text
            self._check_shapes_over_text(when, texts, boxes)
            self._check_edge_on(when)

        # 480p is the quality whose short side is 480 pixels: a portrait frame is 480 x 854, not 270 x 480
        px_per_unit = 480 / min(config.frame_width, config.frame_height)
        for mob in texts:
            heights = [m.height for m in mob.family_members_with_points() if m.height > 1e-6]
            if not heights:
                continue
            scale = self._projected_scale(mob, boxes[id(mob)])
            glyph_px = float(np.percentile(heights, 75)) * scale * px_per_unit
            if glyph_px < style.MIN_TEXT_PIXELS_480P:
                self._report("tiny", when, _label(mob),
                             f"glyphs {glyph_px:.1f} px at 480p (minimum {style.MIN_TEXT_PIXELS_480P:g})")

        if numbers and self.check_numbers:
            self._check_numbers(when, [t for t in texts if id(t) not in tick_labels])

    def _check_caption_band(self, when: str, units: list[Mobject], boxes: Mapping[int, np.ndarray | None], *,
                            shapes: bool) -> None:
        """``caption-band``: text or an arrow (in every checked frame), or a key stroke or filled shape (at beat
        ends, with the shape checks), reaching below :func:`~mathviz_scenes.components.style.caption_top`.

        The band is kept clear in every caption mode: with ``burned`` the caption line is drawn there, with
        ``none`` a web player's control bar covers it on hover, and both videos share one layout.
        """
        top = style.caption_top() - OVERLAP_TOLERANCE
        for mob in units:
            box = boxes.get(id(mob))
            if box is None or getattr(mob, "caption", False) or box[0, 1] >= top:
                continue
            self._report("caption-band", when, _label(mob),
                         f"reaches y = {box[0, 1]:.2f}, {top + OVERLAP_TOLERANCE - box[0, 1]:.2f} into the caption band "
                         f"(its top is y = {top + OVERLAP_TOLERANCE:.2f})")
        if not shapes:
            return
        for mob, within in self._shapes:
            if within == "surface" or not (is_key_stroke(mob) or _fill_opacity(mob) >= KEY_FILL_OPACITY):
                continue
            points = self._screen_points_of(mob)
            if not len(points) or float(points[:, 1].min()) >= top or not _visible(mob):
                continue
            low = float(points[:, 1].min())
            self._report("caption-band", when, _shape_label(mob),
                         f"reaches y = {low:.2f}, {top + OVERLAP_TOLERANCE - low:.2f} into the caption band "
                         f"(its top is y = {top + OVERLAP_TOLERANCE:.2f})")

    def _draw_order(self) -> dict[int, int]:
        """The drawing order: each drawn mobject's id -> its place in the camera's drawing order (later is on top)."""
        camera = self.scene.renderer.camera
        try:
            ordered = camera.get_mobjects_to_display(self.scene.mobjects)
        except Exception:  # a camera without the method: the scene's own order
            ordered = [m for mob in self.scene.mobjects for m in mob.get_family() if m.has_points()]
        return {id(m): i for i, m in enumerate(ordered)}

    def _check_shapes_over_text(self, when: str, texts: list[Mobject], boxes: Mapping[int, np.ndarray | None]) -> None:
        """``line-over-text`` and ``fill-over-text`` (see the module docstring)."""
        shapes = [(m, within) for m, within in self._shapes if within != "surface"]
        if not texts or not shapes:
            return
        order = self._draw_order()
        records = []  # (mobject, within, draw index, box, stroke polyline or None, fill opacity)
        for mob, within in shapes:
            index = order.get(id(mob))
            if index is None:
                continue
            stroke = is_key_stroke(mob)
            fill = _fill_opacity(mob)
            if not stroke and fill < KEY_FILL_OPACITY:
                continue
            points = self._screen_points_of(mob)
            if not len(points):
                continue
            box = np.array([points.min(axis=0), points.max(axis=0)])
            polyline = None
            if stroke:
                polyline = self._screen_polyline(mob.points, mob).reshape(-1, 5, 2)
            records.append((mob, within, index, box, polyline, fill))
        if not records:
            return
        outlines: dict[int, list[np.ndarray]] = {}

        def outline_of(mob: Mobject) -> list[np.ndarray]:
            # A filled shape covers what lies inside its outline, not its whole bounding box: a plane patch seen
            # at a slant has a label beside its edge inside that box (tangent_plane_hessian's 'y' name).
            if id(mob) not in outlines:
                outlines[id(mob)] = [self._screen_polyline(path, mob) for path in mob.get_subpaths()]
            return outlines[id(mob)]

        for text in texts:
            text_box = boxes.get(id(text))
            if text_box is None:
                continue
            shrink = (text_box[1] - text_box[0]) * CURVE_BOX_SHRINK / 2
            lo, hi = text_box[0] + shrink, text_box[1] - shrink
            family = [m for m in text.get_family() if m.has_points()]
            behind = {id(m) for m in _backgrounds(text)}
            glyph_mobs = [m for m in family if id(m) in order and id(m) not in behind]
            if not glyph_mobs:
                continue
            first_glyph = min(order[id(m)] for m in glyph_mobs)
            cover = max([order[id(m)] for m in family if id(m) in behind and id(m) in order], default=-1)
            glyph_boxes: list[tuple[np.ndarray, np.ndarray]] | None = None
            for _, _, index, shape_box, _, fill in records:
                if fill >= COVER_OPACITY and index < first_glyph and np.all(shape_box[0] <= lo) and np.all(shape_box[1] >= hi):
                    cover = max(cover, index)
            backed = _has_background(text)
            for mob, within, index, shape_box, polyline, fill in records:
                if index <= cover:
                    continue  # hidden under the text's background or the panel it sits on
                if np.any(shape_box[1] < lo) or np.any(shape_box[0] > hi):
                    continue
                if polyline is not None and not (within == "curve" and not backed):  # over-curve reports those
                    starts = polyline[:, :-1].reshape(-1, 2)
                    ends = polyline[:, 1:].reshape(-1, 2)
                    half = _max_or_zero(mob.get_stroke_width()) * STROKE_UNITS / 2  # the stroke's own width
                    if glyph_boxes is None:
                        glyph_boxes = self._glyph_boxes(glyph_mobs)
                    # What a viewer sees collide is a stroke through the letters, not through the text's
                    # bounding box: a highlight box around one line of a listing passes between its lines, an
                    # axis line that ends at its own tick label's edge touches no glyph.
                    if any(np.any(_segments_hit_box(starts, ends, g_lo - half, g_hi + half)) for g_lo, g_hi in glyph_boxes):
                        self._report("line-over-text", when, _label(text),
                                     f"{_shape_label(mob)} is drawn across it")
                        continue
                if fill >= KEY_FILL_OPACITY and not (index < first_glyph and np.all(shape_box[0] <= lo)
                                                     and np.all(shape_box[1] >= hi)) \
                        and _outline_meets_box(outline_of(mob), lo, hi):
                    self._report("fill-over-text", when, _label(text),
                                 f"{_shape_label(mob)} covers part of it ({'above' if index > first_glyph else 'under'} it)")

    def _screen_polyline(self, points: np.ndarray, mob: Mobject) -> np.ndarray:
        """The cubic Beziers of ``points`` (``mob``'s own points, or one of its subpaths) sampled at 5
        parameters each and put on the screen: an (n * 5, 2) array.
        """
        points = np.asarray(points)
        sampled = _bezier_polyline(points).reshape(-1, points.shape[-1])
        camera = self.scene.renderer.camera
        if hasattr(camera, "project_points") and len(sampled) and not self._fixed(mob):
            sampled = camera.project_points(sampled)
        return sampled[:, :2]

    def _glyph_boxes(self, glyphs: list[Mobject]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Each glyph's screen box, shrunk by :data:`CURVE_BOX_SHRINK` (outlines are looser than the ink)."""
        found = []
        for glyph in glyphs:
            points = self._screen_points_of(glyph)
            if not len(points):
                continue
            lo, hi = points.min(axis=0), points.max(axis=0)
            shrink = (hi - lo) * CURVE_BOX_SHRINK / 2
            found.append((lo + shrink, hi - shrink))
        return found

    def _check_contrast(self, when: str, texts: list[Mobject]) -> None:
        """``contrast`` (see the module docstring)."""
        background = np.asarray(style.background().to_rgb(), dtype=float)
        minimum = float(style.MIN_CONTRAST)

        def shown(color: Any, opacity: float, under: np.ndarray) -> np.ndarray:
            alpha = min(max(float(opacity), 0.0), 1.0)
            rgb = np.asarray(style.ink(ManimColor(color), alpha).to_rgb(), dtype=float)
            return alpha * rgb + (1 - alpha) * under

        def worst(colors: list[tuple[Any, float]], under: np.ndarray) -> tuple[float, np.ndarray] | None:
            found = None
            for color, opacity in colors:
                if opacity <= 0.05:
                    continue
                rgb = shown(color, opacity, under)
                ratio = style.contrast_ratio(ManimColor(rgb), ManimColor(under))
                if found is None or ratio < found[0]:
                    found = (ratio, rgb)
            return found

        for text in texts:
            under = background
            behind = _backgrounds(text)
            rectangles = [m for m in behind if m.has_points() and _fill_opacity(m) > 0.05]
            if rectangles:
                rect = rectangles[0]
                under = shown(rect.get_fill_color(), _max_or_zero(rect.get_fill_opacities()), background)
            skip = {id(m) for m in behind}
            colors = []
            for m in text.family_members_with_points():
                if id(m) in skip or not isinstance(m, VMobject):
                    continue
                rgbas = np.asarray(m.get_fill_rgbas(), dtype=float)
                colors += [(ManimColor(row[:3]), row[3]) for row in rgbas]
            found = worst(colors, under)
            if found is not None and found[0] < minimum:
                self._report("contrast", when, _label(text),
                             f"{ManimColor(found[1]).to_hex()} on {ManimColor(under).to_hex()}: "
                             f"{found[0]:.2f}:1 (minimum {minimum:g}:1)")
        for mob, within in self._shapes:
            if within == "surface" or not is_key_stroke(mob) or not _visible(mob):
                continue
            if _max_or_zero(mob.get_stroke_opacities()) < CONTRAST_STROKE_OPACITY:
                continue  # dimmed on purpose: context, not a key stroke
            if all(np.allclose(style.ink(ManimColor(row[:3])).to_rgb(), background, atol=1e-3)
                   for row in np.asarray(mob.get_stroke_rgbas(), dtype=float)):
                continue  # an outline in the background's colour (BLACK): it parts a dot from what is behind it
            rgbas = np.asarray(mob.get_stroke_rgbas(), dtype=float)
            found = worst([(ManimColor(row[:3]), row[3]) for row in rgbas], background)
            if found is not None and found[0] < minimum:
                self._report("contrast", when, _shape_label(mob),
                             f"stroke {ManimColor(found[1]).to_hex()} on {ManimColor(background).to_hex()}: "
                             f"{found[0]:.2f}:1 (minimum {minimum:g}:1)")

    def _check_edge_on(self, when: str) -> None:
        """``edge-on``: a flat 3D shape (a collapsed solid, a plane patch) that the camera sees within
        :data:`EDGE_ON_DEGREES` of its own plane, so it shows as a sliver or a line.
        """
        camera = self.scene.renderer.camera
        if not hasattr(camera, "generate_rotation_matrix"):
            return
        toward_camera = np.asarray(camera.generate_rotation_matrix()).T @ np.array([0.0, 0.0, 1.0])
        for mob in self.scene.mobjects:
            if self._fixed(mob) or not _visible(mob):
                continue
            filled = [m for m in mob.family_members_with_points() if _fill_opacity(m) >= EDGE_ON_FILL_OPACITY]
            if not filled:
                continue
            points = np.concatenate([m.points for m in filled])
            centred = points - points.mean(axis=0)
            _, sizes, axes = np.linalg.svd(centred, full_matrices=False)
            if len(sizes) < 3 or sizes[0] < 1e-9 or sizes[1] < 0.05 * sizes[0] or sizes[2] > FLAT_RATIO * sizes[0]:
                continue  # a solid with depth, or a line: nothing to see face-on
            # One shape, not scattered pieces (three small arrow tips also lie near a plane): its faces
            # cover a good part of the rectangle its two largest extents span.
            spans = np.ptp(centred @ axes[:2].T, axis=0)
            if _polygon_area(filled) < 0.5 * float(spans[0] * spans[1]):
                continue
            normal = axes[2]
            angle = float(np.degrees(np.arcsin(min(1.0, abs(float(normal @ toward_camera))))))
            if angle < EDGE_ON_DEGREES:
                self._report("edge-on", when, _shape_label(mob),
                             f"a flat shape (thickness {sizes[2] / sizes[0]:.0%} of its size) seen {angle:.0f} degrees "
                             f"from edge-on: it shows as a sliver")

    def _fixed(self, mob: Mobject) -> bool:
        fixed: set[Mobject] = getattr(self.scene.renderer.camera, "fixed_in_frame_mobjects", set())
        return bool(fixed) and mob in fixed

    def _screen_points_of(self, mob: Mobject) -> np.ndarray:
        """``mob``'s own points (not its family's) on the screen."""
        points = mob.points
        if not len(points):
            return np.zeros((0, 2))
        camera = self.scene.renderer.camera
        if hasattr(camera, "project_points") and not self._fixed(mob):
            points = camera.project_points(points)
        return points[:, :2]

    def _projected_scale(self, mob: Mobject, box: np.ndarray | None) -> float:
        """Screen size per scene unit for ``mob`` whose screen box is ``box`` (1 in 2D and for fixed-in-frame mobjects)."""
        if not hasattr(self.scene.renderer.camera, "project_points"):
            return 1.0  # a 2D camera draws scene units as they are: nothing to measure
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
