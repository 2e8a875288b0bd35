"""Render speed, measured in one run: per scene one process vs all cores, the storyboard, and a naive Manim baseline.

Usage::

    .venv/bin/python tools/bench.py                       # every scene, 1080p60 and 480p15
    .venv/bin/python tools/bench.py --scenes derivative gradient_descent --qualities 1080p60
    .venv/bin/python tools/bench.py --quick               # 480p15 only, short naive baseline

For each registered scene (default parameters) and quality, the scene is
rendered through the pipeline (``mathviz.pipeline.render.render_scene``: the
same MP4, captions and JSON as ``mathviz render``) once with ``--jobs 1`` and
once with ``--jobs N`` (N = the cores), and its storyboard is made at 480p
(``mathviz storyboard``). The table gives video seconds per wall second and
frames per second for both, the speed-up, and the storyboard time as a share
of the one-process 1080p60 render. A naive baseline is rendered in the same run:
Manim's own :class:`~manim.Surface` (one VMobject per face) of the loss bowl,
at the same mesh resolution as the gradient-descent scene, under a rotating
camera, as long as the gradient-descent video. The totals are what
``make render`` and ``make preview`` spend rendering the MP4s (sum of the
scenes at 1080p60 and 480p15 with all cores, as Make runs them one at a time).

Wall time covers the story, constructing and rendering the scene, encoding,
joining and writing the files; the machine may be shared, so compare numbers
from the same run only.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mathviz.pipeline.registry import SceneSpec

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

QUALITIES = {
    "480p15": {"pixel_width": 854, "pixel_height": 480, "frame_rate": 15},
    "1080p60": {"pixel_width": 1920, "pixel_height": 1080, "frame_rate": 60},
}
NAIVE = "naive Surface"


@dataclass
class Result:
    name: str
    quality: str
    video_seconds: float
    wall_seconds: float
    frames: int

    @property
    def speed(self) -> float:
        return self.video_seconds / self.wall_seconds

    @property
    def fps(self) -> float:
        return self.frames / self.wall_seconds


def render_config(quality: str, media_dir: Path, name: str) -> dict:
    return {
        **QUALITIES[quality],
        "media_dir": str(media_dir),
        "disable_caching": True,
        "progress_bar": "none",
        "verbosity": "WARNING",
        "output_file": name,
        "write_to_movie": True,
    }


def scene_module_exists(spec: SceneSpec) -> bool:
    module = spec.explainer.scene.split(":")[0]
    return importlib.util.find_spec(module) is not None


PIPELINE_QUALITY = {"480p15": "l", "1080p60": "h"}


def render_scene(name: str, quality: str, media_dir: Path, jobs: int = 1) -> Result:
    """Render a registered scene with default parameters through the pipeline, with ``jobs`` processes."""
    from mathviz.pipeline.render import render_scene as pipeline_render

    started = time.perf_counter()
    result = pipeline_render(name, quality=PIPELINE_QUALITY[quality], out_dir=media_dir / f"jobs{jobs}", jobs=jobs)
    wall = time.perf_counter() - started
    return Result(f"{name} --jobs {jobs}", quality, result.duration, wall, result.frames)


def storyboard_seconds(name: str, media_dir: Path) -> float:
    from mathviz.pipeline.storyboard import make_storyboard

    started = time.perf_counter()
    make_storyboard(name, quality="l", out_dir=media_dir / "storyboard")
    return time.perf_counter() - started


def naive_scene_class(resolution: int, seconds: float):
    """Manim's Surface of the bowl L = w1^2/4 + w2^2, coloured by height, under an ambient camera rotation."""
    from manim import BLUE_E, DEGREES, GREEN_C, ORANGE, TEAL_D, YELLOW_C, Surface, ThreeDAxes, ThreeDScene

    class NaiveSurface(ThreeDScene):
        def construct(self) -> None:
            axes = ThreeDAxes(x_range=[-3, 3, 1], y_range=[-3, 3, 1], z_range=[0, 11.25, 2], x_length=5, y_length=5,
                              z_length=2.6)
            surface = Surface(lambda u, v: axes.c2p(u, v, u * u / 4 + v * v), u_range=[-3, 3], v_range=[-3, 3],
                              resolution=(resolution, resolution))
            surface.set_fill_by_value(axes=axes, colorscale=[BLUE_E, TEAL_D, GREEN_C, YELLOW_C, ORANGE], axis=2)
            self.set_camera_orientation(phi=45 * DEGREES, theta=-62 * DEGREES)
            self.add(axes, surface)
            self.begin_ambient_camera_rotation(rate=0.15)
            self.wait(seconds)

    return NaiveSurface


def render_naive(quality: str, media_dir: Path, resolution: int, seconds: float) -> Result:
    from manim import config, tempconfig

    with tempconfig(render_config(quality, media_dir, "naive_surface")):
        started = time.perf_counter()
        scene = naive_scene_class(resolution, seconds)()
        scene.render()
        wall = time.perf_counter() - started
        video = float(scene.renderer.time)
        return Result(NAIVE, quality, video, wall, int(round(video * config.frame_rate)))


def table(results: list[Result]) -> str:
    header = f"{'scene':<28} {'quality':<8} {'video s':>8} {'wall s':>8} {'video s/wall s':>15} {'fps':>7}"
    lines = [header, "-" * len(header)]
    for r in results:
        lines.append(f"{r.name:<28} {r.quality:<8} {r.video_seconds:>8.1f} {r.wall_seconds:>8.1f} "
                     f"{r.speed:>15.3f} {r.fps:>7.1f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="480p15 only, and a 5 s naive baseline")
    parser.add_argument("--scenes", nargs="*", help="only these registered scenes (default: all)")
    parser.add_argument("--qualities", nargs="*", choices=list(QUALITIES), help="default: 1080p60 and 480p15")
    parser.add_argument("--jobs", type=int, default=None, help="processes for the parallel render (default: the cores)")
    parser.add_argument("--naive-seconds", type=float, default=None,
                        help="length of the naive baseline (default: as long as the gradient_descent video); its "
                             "camera turns steadily, so its fps does not depend on the length")
    parser.add_argument("--keep", type=Path, default=None, help="keep the rendered videos in this directory")
    args = parser.parse_args(argv)

    from mathviz.pipeline import registry
    from mathviz.pipeline.catalog import SCENES

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    jobs = args.jobs or cores
    qualities = ["480p15"] if args.quick else (args.qualities or ["1080p60", "480p15"])
    names = args.scenes or list(SCENES)
    results: list[Result] = []
    boards: dict[str, float] = {}
    speedups: dict[tuple[str, str], float] = {}
    with tempfile.TemporaryDirectory(prefix="mathviz-bench-") as tmp:
        media = args.keep.resolve() if args.keep else Path(tmp)
        for name in names:
            spec = registry.get(name)
            if not scene_module_exists(spec):
                print(f"skip {name}: {spec.explainer.scene.split(':')[0]} does not exist yet", flush=True)
                continue
            try:
                boards[name] = storyboard_seconds(name, media)
                print(f"done {name} storyboard 480p: {boards[name]:.1f} s", flush=True)
                for quality in qualities:
                    one = render_scene(name, quality, media / quality, jobs=1)
                    many = render_scene(name, quality, media / quality, jobs=jobs)
                    results += [one, many]
                    speedups[(name, quality)] = one.wall_seconds / many.wall_seconds
                    print(f"done {name} {quality}: --jobs 1 {one.wall_seconds:.1f} s, --jobs {jobs} "
                          f"{many.wall_seconds:.1f} s ({speedups[(name, quality)]:.2f}x)", flush=True)
            except Exception as exc:  # one broken scene must not hide the others' numbers
                print(f"fail {name}: {type(exc).__name__}: {exc}", flush=True)
                traceback.print_exc(limit=3)
        for quality in qualities:
            try:
                from mathviz_scenes.gradient_descent import MESH_RESOLUTION
            except ImportError:
                MESH_RESOLUTION = 24
            ours = next((r for r in results if r.name.startswith("gradient_descent ") and r.quality == quality), None)
            seconds = args.naive_seconds or (5.0 if args.quick else (ours.video_seconds if ours else 10.0))
            naive = render_naive(quality, media / quality, MESH_RESOLUTION, seconds)
            results.append(naive)
            print(f"done {NAIVE} {MESH_RESOLUTION}x{MESH_RESOLUTION} {quality}: {naive.video_seconds:.1f} s of video in "
                  f"{naive.wall_seconds:.1f} s ({naive.fps:.1f} fps)", flush=True)

    print()
    print(table(results))
    print()
    hq = next((q for q in qualities if q == "1080p60"), qualities[0])
    print(f"{'scene':<20} {'speed-up':>9} {'storyboard s':>13} {'/ render':>9}")
    for name in boards:
        single = next((r for r in results if r.name == f"{name} --jobs 1" and r.quality == hq), None)
        share = f"{boards[name] / single.wall_seconds:>9.3f}" if single else f"{'':>9}"
        print(f"{name:<20} {speedups.get((name, hq), float('nan')):>8.2f}x {boards[name]:>13.1f} {share}")
    for quality, target in (("1080p60", "make render"), ("480p15", "make preview")):
        parallel = [r for r in results if r.quality == quality and r.name.endswith(f"--jobs {jobs}")]
        if parallel:
            video, wall = sum(r.video_seconds for r in parallel), sum(r.wall_seconds for r in parallel)
            print(f"{target} (MP4s, {len(parallel)} scenes, --jobs {jobs}): {video:.0f} s of video in {wall:.0f} s "
                  f"= {video / wall:.2f}x real time")
    by_quality = {q: {r.name: r for r in results if r.quality == q} for q in qualities}
    for quality, by_name in by_quality.items():
        ours = by_name.get(f"gradient_descent --jobs {jobs}")
        if ours is not None and NAIVE in by_name:
            print(f"{quality}: gradient_descent fps (--jobs {jobs}) / {NAIVE} fps = {ours.fps / by_name[NAIVE].fps:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
