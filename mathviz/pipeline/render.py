"""Render a registered scene to a video plus its sidecar files, atomically.

The parameters are validated and the story computed before Manim starts, so
bad input never leaves a file behind. Each render runs in a private temporary
media directory inside the output directory (so parallel renders never share
Manim's partial-movie or text caches) with Manim's play-call cache disabled:
Manim hashes a function's source code, and a function built from user text
has none, so two different user functions could hash alike and silently reuse
each other's video. Make decides what is up to date instead. Finished files
are renamed into place, so an interrupted render leaves the previous complete
file or none, and the JSON records the digest of the video and captions it
belongs with (:mod:`mathviz.pipeline.manifest`). Work folders name their
owner, so a render removes only the leftovers of dead renders on its own
machine (:mod:`mathviz.pipeline.workdir`).

Manim is imported inside the functions that need it, never at import time.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mathviz.pipeline import registry
from mathviz.pipeline.atomic import atomic_write_text
from mathviz.pipeline.captions import LANGUAGES, cues_from, to_srt, to_vtt
from mathviz.pipeline.manifest import commit_render, record_files
from mathviz.pipeline.workdir import make_work_dir, remove_stale
from mathviz.story import Story
from mathviz_scenes.components.look import Look

if TYPE_CHECKING:
    from mathviz.pipeline.narration import Narration

__all__ = [
    "QUALITIES",
    "RenderResult",
    "render_scene",
    "quality_label",
    "atomic_write_text",
    "remove_stale_work_dirs",
    "check_fonts",
    "MissingDependency",
    "GuardReport",
    "GuardRejected",
]

#: Fonts the scenes draw with, and the Debian package that provides each.
REQUIRED_FONTS = {"en": ("DejaVu Sans", "fonts-dejavu-core"), "zh": ("Noto Sans CJK SC", "fonts-noto-cjk")}


class MissingDependency(RuntimeError):
    """Something the machine lacks; the message says what to install."""


def check_fonts(lang: str = "en") -> None:
    """Raise MissingDependency naming the package to install when a font the scenes need is missing."""
    import manimpango

    available = set(manimpango.list_fonts())
    for needed in {"en", lang}:
        font, package = REQUIRED_FONTS[needed]
        if font not in available:
            raise MissingDependency(f"font {font!r} is not installed; run: sudo apt-get install -y {package}")

@dataclass(frozen=True)
class GuardReport:
    """The frame guard's verdict on the scene a render or storyboard built: what it found, in how many frames.

    The findings are :class:`~mathviz_scenes.components.quality.Finding` values (plain data: they pickle to
    and from a chunk process or a Dask worker).
    """

    findings: tuple = ()
    frames_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings

    def lines(self) -> list[str]:
        """One line per finding, as ``mathviz check`` prints them."""
        return [str(f) for f in self.findings]

    def summary(self, name: str) -> str:
        if self.ok:
            return f"{name}: frame guard ok ({self.frames_checked} frames checked)"
        return f"{name}: the frame guard found {len(self.findings)} problem(s) in {self.frames_checked} frames checked"


class GuardRejected(RuntimeError):
    """``strict``: the frame guard found problems in the scene, so nothing was written; ``report`` says what."""

    def __init__(self, name: str, report: GuardReport) -> None:
        self.name, self.report = name, report
        super().__init__(f"{report.summary(name)}; nothing written (--strict)")

    def __reduce__(self):  # picklable with its own arguments (a Dask worker may raise it)
        return (GuardRejected, (self.name, self.report))


def attach_guard(scene: object):
    """The frame guard (:class:`~mathviz_scenes.components.quality.FrameChecker`) attached to a scene about to render.

    It watches the frames the render steps through anyway (a third and two thirds into every
    animation and every beat's end), so the verdict costs no second build.
    """
    from mathviz_scenes.components.quality import FrameChecker

    return FrameChecker(scene).attach()


def stop_drawing_once_rejected(scene, renderer, checker) -> None:
    """Strict renders: once the guard has found a problem the video will not be written, so later plays are
    stepped through without drawing or encoding (the guard still sees every frame and reports everything).
    """
    play = scene.play

    def play_then_look(*args, **kwargs):
        play(*args, **kwargs)
        if checker.findings:
            renderer.first = None

    scene.play = play_then_look


def guard_verdict(checker) -> GuardReport:
    """Finish ``checker`` (the scene has played to its end) and return its verdict."""
    findings = checker.finish()
    return GuardReport(tuple(findings), int(checker.frames_checked))


#: Command-line quality flag -> (label used in paths, Manim quality name).
QUALITIES: dict[str, tuple[str, str]] = {
    "l": ("480p15", "low_quality"),
    "m": ("720p30", "medium_quality"),
    "h": ("1080p60", "high_quality"),
    "p": ("1440p60", "production_quality"),
    "k": ("2160p60", "fourk_quality"),
}


def quality_label(flag: str) -> str:
    """``"h"`` -> ``"1080p60"``."""
    return QUALITIES[flag][0]


@dataclass(frozen=True)
class RenderResult:
    """What a render wrote and measured."""

    scene: str
    quality: str
    video: Path
    files: tuple[Path, ...]
    frames: int
    duration: float
    wall_seconds: float
    captions: tuple = field(default=(), repr=False)
    #: The frame guard's verdict on the frames this render drew.
    guard: GuardReport = field(default_factory=GuardReport)


#: The owner-safe cleanup (mathviz.pipeline.workdir.remove_stale) under the name render.py has always exported.
remove_stale_work_dirs = remove_stale


class _Progress:
    """Progress on stderr: scene, quality, percent (when the length is known), video seconds done, elapsed.

    One line per tenth of the video when stderr is a file (Make's log), an
    updating line on a terminal. The length comes from the plan of a chunked
    render, or else is estimated from the same render's previous ``.json``;
    without either the meter counts seconds of video made. It never builds the
    scene a second time just to know its length.
    """

    def __init__(self, name: str, label: str, total: float | None = None, stream=None, estimated: bool = False) -> None:
        self.name, self.label = name, label
        self.total = total
        self.estimated = estimated
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.started = time.perf_counter()
        self.last_step = -1

    def set_total(self, total: float) -> None:
        self.total, self.estimated = total, False

    def update(self, done: float, final: bool = False) -> None:
        elapsed = time.perf_counter() - self.started
        if self.total:
            percent = 100.0 if final else min(99.9 if self.estimated else 100.0, 100.0 * done / self.total)
            step = int(percent // 10)
            shown = f"{'~' if self.estimated and not final else ''}{percent:5.1f}%"
        else:
            step = int(done // 10)  # a line per 10 s of video while the length is unknown
            shown = f"{done:6.1f} s of video"
        if not final and ((not self.tty and step == self.last_step) or (self.total and percent >= 100.0)):
            return  # one line per step; 100% only once, when the render is done
        self.last_step = step
        line = f"mathviz: {self.name} {self.label} {shown} {elapsed:7.1f} s"
        if self.tty:
            self.stream.write("\r" + line + ("\n" if final else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _previous_duration(out: Path, stem: str, scene: str, label: str) -> float | None:
    """The length of this render's previous output (its ``.json``), an estimate of the new one's; None if absent."""
    try:
        previous = json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(previous, dict) or previous.get("scene") != scene or previous.get("quality") != label:
        return None
    duration = previous.get("duration")
    return float(duration) if isinstance(duration, (int, float)) and duration > 0 else None


def _mux_narration(movie: Path, dst: Path, narration: Narration, captions: Sequence, duration: float) -> dict:
    """Lay every clip at its beat's start, level the track and mux it as AAC; what the JSON records about it."""
    import numpy as np

    from mathviz.pipeline.audio import mux_mp4
    from mathviz.pipeline.narration import loudness, narration_track

    if len(captions) != len(narration.clips):
        raise RuntimeError(f"the scene played {len(captions)} beats but {len(narration.clips)} clips were given")
    track = narration_track(narration, [c.start for c in captions], duration)
    mux_mp4(movie, track, dst)
    peak = max(float(np.abs(track).max(initial=0.0)), 1e-12)
    return {**narration.describe(), "loudness_lufs": round(loudness(track), 2), "peak_dbfs": round(20 * np.log10(peak), 2)}


def _render_in_process(scene_cls: type, story: object, lang: str, manim_quality: str, stem: str,
                       extra_config: dict, scene_kwargs: dict, work: Path, meter: _Progress | None,
                       strict: bool = False):
    """Render in this process; return (movie, fps, duration, captions, key beat, guard report)."""
    from manim import tempconfig  # imported here: mathviz never imports manim at import time

    from mathviz.pipeline.fastforward import install_renderer

    cfg: dict[str, object] = {
        "media_dir": str(work),
        "quality": manim_quality,
        "disable_caching": True,
        # Absolute, inside the work dir: Manim writes its own .srt next to a relative
        # output_file, which would land in the current directory.
        "output_file": str((work / stem).absolute()),  # absolute even when --out is relative (make)
        "verbosity": "WARNING",
        "progress_bar": "none",
        "write_to_movie": True,
    }
    cfg.update(extra_config)
    with tempconfig(cfg):
        scene = scene_cls(story=story, lang=lang, **scene_kwargs)
        renderer = install_renderer(scene)  # mathviz's H.264 settings; the same renderer the chunks use
        checker = attach_guard(scene)
        if strict:
            stop_drawing_once_rejected(scene, renderer, checker)
        if meter is not None:
            play = scene.play

            def play_and_report(*args, **kwargs):
                play(*args, **kwargs)
                meter.update(float(scene.renderer.time))

            scene.play = play_and_report
        scene.render()
        movie = Path(renderer.file_writer.movie_file_path)
        fps = float(scene.renderer.camera.frame_rate)
        duration = float(scene.renderer.time)
        report = guard_verdict(checker)
    return movie, fps, duration, tuple(scene.captions), getattr(scene, "key_beat", None), report


def _render_chunked(name: str, story: object, overrides: dict, quality: str, lang: str, extra_config: dict,
                    scene_kwargs: dict, work: Path, jobs: int | None, scheduler: str | None, meter: _Progress | None,
                    strict: bool = False):
    """Render in chunks (forked processes, or a Dask cluster) and join them; return as :func:`_render_in_process`.

    The guard's verdict comes from the last chunk, which steps through every frame of the scene (drawing
    only its own), so it is the verdict of a one-process render.
    """
    from mathviz.pipeline import chunks

    frame_rate = [1.0]

    def on_plan(plan: chunks.Plan) -> None:
        frame_rate[0] = plan.frame_rate
        if meter is not None:
            meter.set_total(plan.duration)

    def on_progress(frames: int) -> None:
        if meter is not None:
            meter.update(frames / frame_rate[0])

    if scheduler is not None:
        from mathviz.pipeline.distributed import render_chunks_on_cluster

        plan, results = render_chunks_on_cluster(scheduler, name, story, overrides, quality, lang, jobs, work,
                                                 extra_config, scene_kwargs, on_plan=on_plan, strict=strict)
    else:
        plan, results = chunks.render_chunks_locally(name, story, overrides, quality, lang, jobs or 1, work,
                                                     extra_config, scene_kwargs, on_plan=on_plan, on_progress=on_progress,
                                                     strict=strict)
    last = results[-1]
    if last.guard is None:
        raise RuntimeError("the last chunk returned no frame guard verdict")
    movies = [Path(r.movie) for r in results if r.movie]
    joined = work / "chunks.joined.mp4"
    if strict and not last.guard.ok:
        return joined, plan.frame_rate, last.duration, tuple(last.captions), last.key_beat, last.guard
    chunks.join_movies(movies, joined)
    return joined, plan.frame_rate, last.duration, tuple(last.captions), last.key_beat, last.guard


def render_scene(
    name: str,
    overrides: Mapping[str, str] | None = None,
    *,
    quality: str = "h",
    out_dir: Path | str = Path("media"),
    lang: str = "en",
    progress: bool = False,
    output_name: str | None = None,
    extra_config: Mapping[str, object] | None = None,
    script: Mapping[str, Sequence[str]] | None = None,
    narration: Narration | None = None,
    story: Story | None = None,
    jobs: int | None = 1,
    scheduler: str | None = None,
    strict: bool = False,
    look: Look | None = None,
) -> RenderResult:
    """Render scene ``name`` with ``overrides`` into ``out_dir``.

    Writes ``<output_name>.mp4`` (default: the scene's name), ``.json``
    (parameters and the story's numbers) and captions ``.<lang>.srt`` /
    ``.vtt`` for every caption language. Raises
    :class:`~mathviz.params.ParameterError` for bad input before anything is
    written. With ``progress``, prints scene, quality, percent and elapsed
    time to stderr as it goes.

    ``script`` (language -> every beat's caption, from ``narration/<render>/script.<lang>.md``)
    replaces the scene's captions. ``narration`` (every beat's clip, checked and levelled) holds
    each beat until its clip has played and puts the clips in the MP4 as AAC (see
    :mod:`mathviz.pipeline.narration`); caption cues then start and end with the clips.

    ``look`` is the theme, frame aspect and captions (burned in or not; default: dark, 16:9, none);
    the JSON records it with the language.

    ``story``, when the caller already computed it from the same ``overrides`` (the command line
    does, inside its time limit), is drawn as it is instead of being computed a second time.

    ``jobs`` > 1 splits the video's animations into that many contiguous
    chunks rendered by forked processes and joins them without re-encoding
    (frame-identical to ``jobs=1``; see :mod:`mathviz.pipeline.chunks`);
    ``None`` means :func:`~mathviz.pipeline.chunks.default_jobs`. ``scheduler``
    (a Dask scheduler address) renders the chunks on that cluster instead; then
    ``jobs=None`` means one chunk per worker thread.
    """
    spec = registry.get(name)
    overrides = dict(overrides or {})
    if story is None:
        story = spec.build_story(overrides)
    if quality not in QUALITIES:
        raise ValueError(f"unknown quality {quality!r} (known: {', '.join(QUALITIES)})")
    label, manim_quality = QUALITIES[quality]
    stem = output_name or name
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    remove_stale(out)  # staging of killed renders on this machine; never another machine's

    check_fonts(lang)
    scene_cls = spec.scene_class()
    look = look if look is not None else Look()
    scene_kwargs: dict[str, object] = {"script": dict(script or {}), "look": look,
                                       "speech": narration.durations if narration is not None else None}
    started = time.perf_counter()
    work = make_work_dir(out, stem)
    try:
        estimate = _previous_duration(out, stem, name, label) if progress else None
        meter = _Progress(stem, label, estimate, estimated=True) if progress else None
        if jobs is None and scheduler is None:
            from mathviz.pipeline.chunks import default_jobs

            jobs = default_jobs()
        from mathviz.pipeline.chunks import can_split

        if not can_split(scene_cls):
            jobs = 1  # one piece, on the cluster as on this machine
        if scheduler is not None or jobs is None or jobs > 1:
            movie, fps, duration, captions, key_beat, report = _render_chunked(
                name, story, overrides, quality, lang, dict(extra_config or {}), scene_kwargs, work, jobs, scheduler,
                meter, strict)
        else:
            movie, fps, duration, captions, key_beat, report = _render_in_process(
                scene_cls, story, lang, manim_quality, stem, dict(extra_config or {}), scene_kwargs, work, meter, strict)
        if meter is not None:
            meter.update(duration, final=True)
        if strict and not report.ok:
            raise GuardRejected(stem, report)  # before anything is staged: the work folder goes, nothing is written

        # Move the MP4's index to the front (+faststart) so browsers can play it while it downloads.
        streaming = work / f"{stem}.faststart.mp4"
        narration_info = None
        if narration is None:
            if movie.name == "chunks.joined.mp4":  # a chunked render's join already put the index in front
                os.replace(movie, streaming)
            else:
                from mathviz.pipeline.publish import faststart_mp4

                faststart_mp4(movie, streaming)
        else:
            narration_info = _mux_narration(movie, streaming, narration, captions, duration)
        staged: list[tuple[Path, Path]] = [(streaming, out / f"{stem}.mp4")]
        for caption_lang in LANGUAGES:
            cues = cues_from(captions, caption_lang)
            for ext, fmt in (("srt", to_srt), ("vtt", to_vtt)):
                tmp = work / f"{stem}.{caption_lang}.{ext}"
                tmp.write_text(fmt(cues), encoding="utf-8")
                staged.append((tmp, out / tmp.name))
        numbers = {
            "scene": name,
            "quality": label,
            "lang": lang,
            **look.to_dict(),
            "look": look.to_dict(),  # captions (none/burned) too: the top-level "captions" is the list of beats
            "params": {p.name: overrides.get(p.name, p.default) for p in spec.parameters()},
            "duration": duration,
            "key_beat": key_beat,
            "captions": [
                {"name": c.name, "start": c.start, "end": c.end, "en": c.en, "zh": c.zh,
                 **({} if c.speech is None else {"speech": c.speech})} for c in captions
            ],
            "story": story.to_dict(),
        }
        if narration_info is not None:
            numbers["narration"] = narration_info
        # The JSON names the digest of the video and of each caption file: every reader checks them
        # (mathviz.pipeline.manifest), so a video is never shown with another render's numbers.
        numbers = record_files(numbers, {dst.name[len(stem):]: src for src, dst in staged})
        tmp_json = work / f"{stem}.json"
        tmp_json.write_text(json.dumps(numbers, indent=2, ensure_ascii=False, allow_nan=False), encoding="utf-8")
        staged.append((tmp_json, out / tmp_json.name))
        # The old video and what was made from it go first, the new video last: interrupted anywhere,
        # the folder shows the old set, the new set or no video (which Make renders again).
        commit_render(staged, out / f"{stem}.mp4")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    wall = time.perf_counter() - started
    files = tuple(dst for _, dst in staged[1:]) + (staged[0][1],)  # the sidecars, then the video
    return RenderResult(
        scene=name,
        quality=label,
        video=out / f"{stem}.mp4",
        files=files,
        frames=int(round(duration * fps)),
        duration=duration,
        wall_seconds=wall,
        captions=captions,
        guard=report,
    )
