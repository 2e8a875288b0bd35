"""One video on several processes: plan the plays, split them into chunks, render each chunk, join without re-encoding.

A scene is a sequence of ``play`` calls, and Manim encodes every play into its
own partial movie that starts with a key frame. So a video can be cut at any
play boundary and the pieces joined by copying packets, with the key frames
(GOP boundaries) exactly where a one-process render has them:

1. :func:`plan_scene` builds the scene once with Manim's own skipping (one
   update per play, no pixels) and records every play's run time. It also
   leaves the rendered text and formula files in the shared work directory,
   so the chunk processes read them instead of typesetting again.
2. :func:`split_plays` cuts the plays into contiguous chunks of about equal
   cost: drawing a frame costs far more than stepping through it, so a later
   chunk, which fast-forwards through everything before it, gets a little less.
3. :func:`render_chunk` renders one chunk with
   :class:`~mathviz.pipeline.fastforward.SelectiveRenderer`: it steps through
   the plays before the chunk frame by frame without drawing (the same state,
   bit for bit, as a full render) and draws and encodes only its own.
4. :func:`join_movies` concatenates the chunks' packets into one MP4 (index in
   front for streaming). No frame is decoded or encoded again, so the result is
   frame-identical to ``--jobs 1``.

Chunks run in forked processes (:func:`render_chunks_locally`) or on a Dask
cluster (:mod:`mathviz.pipeline.distributed`); :class:`ChunkJob` is plain data
so it pickles to either.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "ChunkJob",
    "ChunkResult",
    "can_split",
    "Plan",
    "default_jobs",
    "join_movies",
    "make_jobs",
    "plan_scene",
    "render_chunk",
    "render_chunks_locally",
    "split_plays",
]

#: Cost of stepping through a frame without drawing it, relative to drawing and encoding it (measured on
#: derivative and gradient_descent at 1080p60: updaters and interpolation take 3-6% of a drawn frame).
FAST_FORWARD_COST = 0.05
#: Cost of a frame of a frozen ``wait`` (drawn once, then only encoded) relative to a drawn frame.
FROZEN_FRAME_COST = 0.1


@dataclass(frozen=True)
class Plan:
    """Every play of a scene: run time (s), whether it is a frozen wait, frames it writes; and the beats."""

    plays: tuple[tuple[float, bool, int], ...]
    duration: float
    frame_rate: float
    beats: tuple[str, ...] = ()

    @property
    def frames(self) -> int:
        return sum(frames for _, _, frames in self.plays)


def _manim_config(media_dir: Path, quality: str, extra: Mapping[str, object] | None, **more: object) -> dict:
    from mathviz.pipeline.render import QUALITIES

    cfg: dict[str, object] = {
        "media_dir": str(media_dir),
        "quality": QUALITIES[quality][1],
        "disable_caching": True,
        "verbosity": "WARNING",
        "progress_bar": "none",
    }
    cfg.update(extra or {})
    cfg.update(more)
    return cfg


def plan_scene(scene_cls: type, story: object, lang: str, media_dir: Path, quality: str,
               extra_config: Mapping[str, object] | None = None, scene_kwargs: Mapping[str, Any] | None = None) -> Plan:
    """Build the scene once without pixels (Manim's skipping: one update per play) and list its plays."""
    from manim import tempconfig

    from mathviz.pipeline.fastforward import install_renderer

    with tempconfig(_manim_config(media_dir, quality, extra_config, write_to_movie=False)):
        scene = scene_cls(story=story, lang=lang, **dict(scene_kwargs or {}))
        renderer = install_renderer(scene, first=None)
        renderer._original_skipping_status = True
        scene.render()
        # A render advances one frame time per frame it writes, so the video is frames / fps long.
        fps = float(renderer.camera.frame_rate)
        duration = sum(p.frames for p in renderer.plays) / fps
        return Plan(plays=tuple((p.run_time, p.frozen, p.frames) for p in renderer.plays), duration=duration,
                    frame_rate=fps, beats=tuple(c.name for c in getattr(scene, "captions", ())))


def can_split(scene_cls: type) -> bool:
    """Whether chunks of this scene are proven frame-identical to one process: 2D scenes are.

    The 3D scenes' chunks differ from a one-process render by a fraction of a
    grey level in some frames after the first chunk (found by the sweep test on
    gradient_descent); until the state that drawing changes there is found,
    they render in one piece.
    """
    from manim import ThreeDScene

    return not issubclass(scene_cls, ThreeDScene)


def _play_cost(play: tuple[float, bool, int]) -> float:
    _, frozen, frames = play
    return frames * (FROZEN_FRAME_COST if frozen else 1.0)


def _skip_cost(play: tuple[float, bool, int]) -> float:
    _, frozen, frames = play
    return 0.0 if frozen else frames * FAST_FORWARD_COST


def split_plays(plan: Plan, jobs: int, start: int = 0) -> list[tuple[int, int]]:
    """Contiguous ``[first, stop)`` ranges covering plays ``start..`` in at most ``jobs`` chunks of near-equal cost.

    A chunk costs the frames it draws plus the (much cheaper) steps through
    every play before it. The largest chunk cost is minimised by bisection on
    that bound with a greedy cut, which is optimal for contiguous chunks.
    """
    n = len(plan.plays)
    if start >= n:
        return []
    jobs = max(1, min(jobs, n - start))
    draw = [_play_cost(p) for p in plan.plays]
    prefix_skip = [0.0]
    for play in plan.plays:
        prefix_skip.append(prefix_skip[-1] + _skip_cost(play))

    def cut(bound: float) -> list[tuple[int, int]] | None:
        chunks, first, cost = [], start, prefix_skip[start]
        for i in range(start, n):
            if cost + draw[i] > bound:
                if i == first:
                    return None
                chunks.append((first, i))
                first, cost = i, prefix_skip[i]
                if cost + draw[i] > bound:
                    return None
            cost += draw[i]
        chunks.append((first, n))
        return chunks if len(chunks) <= jobs else None

    low, high = 0.0, sum(draw) + prefix_skip[-1] + 1.0
    best = cut(high) or [(start, n)]
    for _ in range(60):
        middle = (low + high) / 2
        found = cut(middle)
        if found is None:
            low = middle
        else:
            best, high = found, middle
    return best


@dataclass(frozen=True)
class ChunkJob:
    """One chunk of one render, as plain data (pickles to a forked process or a Dask worker)."""

    scene: str
    overrides: Mapping[str, str]
    quality: str
    lang: str
    first: int
    stop: int | None
    index: int
    extra_config: Mapping[str, object] = field(default_factory=dict)
    #: Keyword arguments of the scene besides the story and language (the author's script, narration lengths).
    scene_kwargs: Mapping[str, Any] = field(default_factory=dict)
    #: Folder with the plan's rendered texts and formulas to reuse (None on a remote worker: typeset again).
    text_dir: str | None = None
    #: The render is --strict: the last chunk stops drawing once the frame guard has found a problem.
    strict: bool = False


@dataclass(frozen=True)
class ChunkResult:
    """A rendered chunk: its movie (a path on this machine, or the bytes from a remote worker) and what it measured."""

    index: int
    movie: str | None
    data: bytes | None
    frames: int
    seconds: float
    #: Only from the last chunk, which plays the scene to its end: the captions and the video's duration.
    captions: tuple = ()
    duration: float = 0.0
    key_beat: str | None = None
    #: Only from the last chunk: the frame guard's verdict (a :class:`~mathviz.pipeline.render.GuardReport`).
    guard: Any = None


def make_jobs(scene: str, overrides: Mapping[str, str], quality: str, lang: str, chunks: Sequence[tuple[int, int]],
              extra_config: Mapping[str, object] | None = None, scene_kwargs: Mapping[str, Any] | None = None,
              text_dir: str | None = None, strict: bool = False) -> list[ChunkJob]:
    last = len(chunks) - 1
    return [ChunkJob(scene, dict(overrides), quality, lang, first, None if i == last else stop, i,
                     dict(extra_config or {}), dict(scene_kwargs or {}), text_dir, strict)
            for i, (first, stop) in enumerate(chunks)]


def render_chunk(job: ChunkJob, work: Path, progress: Callable[[int], None] | None = None, *, story: object = None,
                 stop_at: Callable[[int], bool] | None = None) -> ChunkResult:
    """Render ``job``'s plays into ``work``; return the chunk's movie path and, for the last chunk, the captions.

    ``story`` saves computing the story again (a forked process has it);
    ``stop_at(play index)`` ends an open-ended chunk where it answers True.

    A chunk that may play to the scene's end (``stop`` None) carries the frame guard: it steps
    through every frame before its own exactly as a one-process render does, so the last chunk's
    verdict is that render's. ``strict`` stops drawing once the guard has found a problem.
    """
    from manim import tempconfig

    from mathviz.pipeline import registry
    from mathviz.pipeline.fastforward import install_renderer
    from mathviz.pipeline.render import attach_guard, guard_verdict, stop_drawing_once_rejected

    started = time.perf_counter()
    spec = registry.get(job.scene)
    if story is None:
        story = spec.build_story(job.overrides)
    work.mkdir(parents=True, exist_ok=True)
    more: dict[str, object] = {"write_to_movie": True, "output_file": str((work / f"chunk{job.index:03}").absolute())}
    if job.text_dir:
        # Manim writes a temporary file beside each SVG it parses, so every chunk gets its own copy of the
        # plan's typeset texts and formulas rather than sharing the folder.
        for folder in ("texts", "Tex"):
            if (Path(job.text_dir) / folder).is_dir():
                shutil.copytree(Path(job.text_dir) / folder, work / folder, dirs_exist_ok=True)
    with tempconfig(_manim_config(work, job.quality, job.extra_config, **more)):
        scene = spec.scene_class()(story=story, lang=job.lang, **dict(job.scene_kwargs))
        renderer = install_renderer(scene, first=job.first, stop=job.stop)
        renderer.stop_at = stop_at
        checker = attach_guard(scene) if job.stop is None else None
        if checker is not None and job.strict:
            stop_drawing_once_rejected(scene, renderer, checker)
        if progress is not None:
            _report_drawn_frames(renderer, progress)
        scene.render()
        drawn = [p for p in renderer.plays if p.index >= job.first]
        frames = sum(p.frames for p in drawn)
        movie = Path(renderer.file_writer.movie_file_path) if frames else None
        last = renderer.stop is None
        return ChunkResult(
            index=job.index, movie=str(movie) if movie else None, data=None, frames=frames,
            seconds=time.perf_counter() - started,
            captions=tuple(scene.captions) if last else (),
            duration=float(renderer.time) if last else 0.0,
            key_beat=getattr(scene, "key_beat", None),
            guard=guard_verdict(checker) if last and checker is not None else None,
        )


def _report_drawn_frames(renderer: Any, progress: Callable[[int], None]) -> None:
    add_frame = renderer.add_frame

    def counted(frame: Any, num_frames: int = 1) -> None:
        add_frame(frame, num_frames)
        if renderer.drawing:
            progress(num_frames)

    renderer.add_frame = counted


def render_chunk_remote(job: ChunkJob) -> ChunkResult:
    """Render a chunk where no file is shared with the caller (a Dask worker): the movie comes back as bytes."""
    work = Path(tempfile.mkdtemp(prefix=f"mathviz-chunk{job.index:03}-"))
    try:
        result = render_chunk(job, work)
        data = Path(result.movie).read_bytes() if result.movie else None
        return ChunkResult(result.index, None, data, result.frames, result.seconds, result.captions, result.duration,
                           result.key_beat, result.guard)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _die_with_parent() -> None:
    """In a chunk process: exit when the render that started it dies (Linux), instead of rendering for nobody."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _chunk_process(job: ChunkJob, work: Path, story: object, counter: Any, results: Any,
                   open_end: tuple[Any, Any, Any] | None) -> None:
    """A forked chunk process: render, put ``(index, ChunkResult or error text)`` on ``results``."""
    _die_with_parent()

    def progress(frames: int) -> None:
        counter.value += frames

    stop_at = None
    if open_end is not None:
        lock, stop, reached = open_end

        def stop_at(index: int) -> bool:
            with lock:
                reached.value = index
                return 0 <= stop.value <= index

    try:
        results.put((job.index, render_chunk(job, work, progress, story=story, stop_at=stop_at)))
    except BaseException as exc:  # reported by the parent as the render's failure
        message = " ".join(str(exc).split()) or type(exc).__name__
        results.put((job.index, f"{type(exc).__name__}: {message[:300]}"))


class ChunkFailed(RuntimeError):
    """A chunk process failed; the message is its error."""


def render_chunks_locally(scene: str, story: object, overrides: Mapping[str, str], quality: str, lang: str,
                          jobs: int, work: Path, extra_config: Mapping[str, object] | None = None,
                          scene_kwargs: Mapping[str, Any] | None = None,
                          on_plan: Callable[[Plan], None] | None = None,
                          on_progress: Callable[[int], None] | None = None,
                          strict: bool = False) -> tuple[Plan, list[ChunkResult]]:
    """Render one scene in up to ``jobs`` forked processes; return the plan and the chunks in order.

    The first chunk starts drawing at once, before its end is known, while
    this process makes the plan; the plan then fixes where the first chunk
    stops (never before the play it has reached) and splits the rest among
    the other processes. Forked, so every process starts with Manim imported
    and the story computed. A failed chunk stops the others and raises
    :class:`ChunkFailed`. ``on_progress(frames drawn so far)`` runs twice a second.
    """
    import multiprocessing
    import queue

    from mathviz.pipeline import registry

    context = multiprocessing.get_context("fork")
    lock = context.Lock()
    stop0, reached = context.Value("q", -1, lock=False), context.Value("q", 0, lock=False)
    counters = [context.Value("q", 0, lock=False) for _ in range(jobs)]
    results: Any = context.Queue()
    extra = dict(extra_config or {})
    kwargs = dict(scene_kwargs or {})
    processes: dict[int, Any] = {}

    def start(job: ChunkJob, open_end: tuple[Any, Any, Any] | None = None) -> None:
        process = context.Process(target=_chunk_process, name=f"mathviz-chunk{job.index}", daemon=True,
                                  args=(job, work / f"chunk{job.index:03}", story, counters[job.index], results, open_end))
        process.start()
        processes[job.index] = process

    try:
        start(ChunkJob(scene, dict(overrides), quality, lang, 0, None, 0, extra, kwargs, strict=strict),
              (lock, stop0, reached))
        plan = plan_scene(registry.get(scene).scene_class(), story, lang, work / "plan", quality, extra, kwargs)
        if on_plan is not None:
            on_plan(plan)
        n = len(plan.plays)
        first_stop = split_plays(plan, jobs)[0][1]
        with lock:
            first_stop = min(n, max(first_stop, reached.value + 1))
            stop0.value = first_stop
        rest = split_plays(plan, jobs - 1, start=first_stop) if first_stop < n and jobs > 1 else []
        for i, (first, stop) in enumerate(rest, start=1):
            start(ChunkJob(scene, dict(overrides), quality, lang, first, None if stop >= n else stop, i, extra, kwargs,
                           str(work / "plan"), strict))
        done: dict[int, ChunkResult] = {}
        while len(done) < len(processes):
            try:
                index, result = results.get(timeout=0.5)
            except queue.Empty:
                dead = [i for i, p in processes.items() if i not in done and p.exitcode not in (None, 0)]
                if dead:
                    raise ChunkFailed(f"chunk {dead[0]} stopped (exit status {processes[dead[0]].exitcode})") from None
            else:
                if isinstance(result, str):
                    raise ChunkFailed(result)
                done[index] = result
            if on_progress is not None:
                on_progress(sum(c.value for c in counters))
        return plan, [done[i] for i in sorted(done)]
    finally:
        for process in processes.values():
            if process.is_alive():
                process.terminate()
        for process in processes.values():
            process.join(timeout=5)


def join_movies(movies: Sequence[Path], dst: Path) -> int:
    """Concatenate H.264 MP4 chunks into ``dst`` by copying packets (no re-encode), index in front; return packets.

    Every chunk starts with a key frame (each play is its own encode), so the
    joined stream decodes exactly as the chunks do.
    """
    import av

    from mathviz.pipeline.atomic import atomic_output

    def write(tmp: Path) -> int:
        count = 0
        with tempfile.NamedTemporaryFile("w", suffix=".txt", dir=dst.parent, delete=False, encoding="utf-8") as listing:
            for movie in movies:
                listing.write(f"file 'file:{Path(movie).absolute().as_posix()}'\n")
        try:
            with av.open(listing.name, format="concat", options={"safe": "0"}) as inp:
                in_stream = inp.streams.video[0]
                with av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart", "fflags": "+bitexact"}) as out:
                    out_stream = out.add_stream_from_template(in_stream)
                    for packet in inp.demux(in_stream):
                        if packet.dts is None:  # the flushing packet demux yields at the end
                            continue
                        packet.dts = None  # as Manim's own combine: let the muxer derive it across files
                        packet.stream = out_stream
                        out.mux(packet)
                        count += 1
        finally:
            os.unlink(listing.name)
        return count

    return atomic_output(Path(dst), write)


_MAKE_JOBS = re.compile(r"(?:^|\s)(?:-j\s*|--jobs[= ])(\d+)")


def default_jobs(environ: Mapping[str, str] | None = None) -> int:
    """Processes one render uses by default: the cores, shared out among Make's parallel jobs.

    Under ``make -jK`` (K > 1; Make puts ``-jK`` in ``MAKEFLAGS``) K renders
    already run at once, so each takes ``cores // K`` (at least one) and the
    machine is never asked for more than its cores. ``MATHVIZ_JOBS`` overrides.
    """
    environ = os.environ if environ is None else environ
    if environ.get("MATHVIZ_JOBS", "").strip().isdigit() and int(environ["MATHVIZ_JOBS"]) > 0:
        return int(environ["MATHVIZ_JOBS"])
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    flags = environ.get("MAKEFLAGS", "")
    match = _MAKE_JOBS.search(flags)
    if match and int(match.group(1)) > 1:
        return max(1, cores // int(match.group(1)))
    if re.search(r"(?:^|\s)-\w*j(?:\s|$)", flags):  # `make -j` without a number: unlimited jobs already
        return 1
    return max(1, cores)


def cleanup(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
