"""Render on a Dask cluster: one video's chunks, or several render files' whole renders, as ``dask.distributed`` tasks.

``mathviz render SCENE --scheduler ADDRESS`` plans the scene here, sends one
:class:`~mathviz.pipeline.chunks.ChunkJob` per chunk to the cluster, gets each
chunk's movie back as bytes and joins them here, so the workers need the same
mathviz installed but no shared file system. ``mathviz render FILE... --scheduler
ADDRESS`` sends each render file as a whole render (one worker each) and writes
the returned files into the output folder. Either way every file appears
complete or not at all, as with a local render.

Start a cluster with ``dask scheduler`` and ``dask worker ADDRESS --nthreads 1``
on each machine (one thread per worker process: a Manim render uses one core),
or in Python with ``distributed.LocalCluster(n_workers=2, threads_per_worker=1)``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mathviz.pipeline import chunks
from mathviz_scenes.components.look import Look

__all__ = ["SchedulerUnavailable", "RenderRequest", "connect", "render_chunks_on_cluster", "render_requests_on_cluster"]

#: Seconds to wait for the scheduler to answer before giving up.
CONNECT_TIMEOUT = 10


class SchedulerUnavailable(RuntimeError):
    """The Dask scheduler could not be reached; the message says where and why."""


def connect(address: str) -> Any:
    """A ``distributed.Client`` for the scheduler at ``address`` (``tcp://host:8786``, or ``host:8786``)."""
    from distributed import Client

    try:
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise SchedulerUnavailable(f"--scheduler: cannot reach a Dask scheduler at {address}: {reason}") from None


def worker_threads(client: Any) -> int:
    """How many tasks the cluster runs at once (its workers' threads)."""
    workers = client.scheduler_info().get("workers", {})
    return max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))


def render_chunks_on_cluster(address: str, scene: str, story: object, overrides: Mapping[str, str], quality: str,
                             lang: str, jobs: int | None, work: Path, extra_config: Mapping[str, object] | None = None,
                             scene_kwargs: Mapping[str, Any] | None = None,
                             on_plan: Callable[[chunks.Plan], None] | None = None,
                             strict: bool = False) -> tuple[chunks.Plan, list[chunks.ChunkResult]]:
    """Plan here, render the chunks on the cluster (``jobs`` chunks; None: one per worker thread), save them in ``work``."""
    from mathviz.pipeline import registry

    with connect(address) as client:
        plan = chunks.plan_scene(registry.get(scene).scene_class(), story, lang, work / "plan", quality, extra_config,
                                 scene_kwargs)
        if on_plan is not None:
            on_plan(plan)
        count = jobs if jobs is not None else worker_threads(client)
        jobs_ = chunks.make_jobs(scene, overrides, quality, lang, chunks.split_plays(plan, count), extra_config,
                                 scene_kwargs, strict=strict)
        futures = client.map(chunks.render_chunk_remote, jobs_, pure=False, retries=1)
        results = client.gather(futures)
    saved = []
    for result in results:
        movie = None
        if result.data is not None:
            movie = work / f"chunk{result.index:03}.mp4"
            movie.write_bytes(result.data)
        saved.append(chunks.ChunkResult(result.index, str(movie) if movie else None, None, result.frames, result.seconds,
                                        result.captions, result.duration, result.key_beat, result.guard))
    return plan, saved


@dataclass(frozen=True)
class RenderRequest:
    """One whole render to run on a worker: what ``mathviz render SCENE --params FILE --name NAME`` would do."""

    scene: str
    overrides: Mapping[str, str]
    name: str
    quality: str
    lang: str
    #: The author's caption script (language -> every beat's caption), as ``render_scene`` takes it.
    script: Mapping[str, Sequence[str]] = field(default_factory=dict)
    extra_config: Mapping[str, object] = field(default_factory=dict)
    #: As ``--strict``: a frame guard failure writes nothing.
    strict: bool = False
    #: Theme, aspect and captions of the render.
    look: Look = field(default_factory=Look)


def render_request_remote(request: RenderRequest) -> tuple[dict[str, bytes], Any]:
    """On a worker: render ``request`` (one process, no chunks) into a private folder.

    Returns every file's bytes and the frame guard's verdict; no files when the request is strict
    and the guard rejected the scene.
    """
    from mathviz.pipeline.render import GuardRejected, render_scene

    folder = Path(tempfile.mkdtemp(prefix=f"mathviz-{request.name}-"))
    try:
        try:
            result = render_scene(request.scene, request.overrides, quality=request.quality, out_dir=folder,
                                  lang=request.lang, output_name=request.name, extra_config=request.extra_config,
                                  script=request.script, jobs=1, strict=request.strict, look=request.look)
        except GuardRejected as rejected:
            return {}, rejected.report
        return {path.name: path.read_bytes() for path in result.files}, result.guard
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _write_returned(files: Mapping[str, bytes], out: Path, name: str) -> list[Path]:
    """Write one render's returned files into ``out`` as a local render commits them.

    They are staged in an owner-tagged work folder inside ``out`` and moved in by
    :func:`~mathviz.pipeline.manifest.commit_render` (the old video and its web formats first, the new
    video last), so an interrupted write shows the old render, the new one or no video.
    """
    from mathviz.pipeline.manifest import commit_render
    from mathviz.pipeline.workdir import make_work_dir, remove_stale

    video = f"{name}.mp4"
    if video not in files:
        raise RuntimeError(f"a worker returned no {video}")
    for file_name in files:
        if os.sep in file_name or file_name.startswith(".") or not file_name.startswith(name + "."):
            raise RuntimeError(f"a worker returned an unexpected file name {file_name!r}")
    remove_stale(out)
    work = make_work_dir(out, name)
    try:
        staged = []
        for file_name, data in files.items():
            (work / file_name).write_bytes(data)
            staged.append((work / file_name, out / file_name))
        commit_render(staged, out / video)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return [dst for _, dst in staged if dst.name != video] + [out / video]


def render_requests_on_cluster(address: str, requests: Sequence[RenderRequest], out: Path,
                               on_done: Callable[[RenderRequest, list[Path]], None] | None = None,
                               on_guard: Callable[[RenderRequest, Any], None] | None = None) -> list[list[Path]]:
    """Run whole renders on the cluster, one task each; write each one's files into ``out`` as it finishes.

    ``on_guard(request, report)`` gets each render's frame guard verdict as it arrives. A strict
    request the guard rejected writes nothing; once every other render is written,
    :class:`~mathviz.pipeline.render.GuardRejected` is raised for the first such request.
    """
    from distributed import as_completed

    from mathviz.pipeline.render import GuardRejected

    out.mkdir(parents=True, exist_ok=True)
    written: dict[int, list[Path]] = {}
    rejected: dict[int, Any] = {}
    with connect(address) as client:
        futures = client.map(render_request_remote, list(requests), pure=False, retries=1)
        index_of = {future.key: i for i, future in enumerate(futures)}
        for future in as_completed(futures, loop=client.loop):
            i = index_of[future.key]
            files, report = future.result()
            if on_guard is not None:
                on_guard(requests[i], report)
            if requests[i].strict and not report.ok:
                rejected[i] = report
                continue
            written[i] = _write_returned(files, out, requests[i].name)
            if on_done is not None:
                on_done(requests[i], written[i])
    if rejected:
        first = min(rejected)
        raise GuardRejected(requests[first].name, rejected[first])
    return [written[i] for i in range(len(requests))]
