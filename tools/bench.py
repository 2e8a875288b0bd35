"""Render speed of every scene, and of a naive Manim surface, measured in one run.

Usage::

    .venv/bin/python tools/bench.py            # 480p15 and 1080p60
    .venv/bin/python tools/bench.py --quick    # 480p15 only, short naive baseline

Each registered scene (in :data:`mathviz.pipeline.catalog.SCENES` order; scenes whose
module does not exist yet are skipped, saying so) is rendered with its default
parameters into a temporary media directory. For each quality the table gives
the video length, the wall-clock time, video seconds rendered per wall-clock
second and frames per second. A naive baseline is rendered in the same run:
Manim's own :class:`~manim.Surface` (one VMobject per face) of the loss bowl,
at the same mesh resolution as the gradient-descent scene, under a rotating
camera, as long as the gradient-descent video. The last lines give
gradient_descent fps / naive fps and gradient_descent fps / derivative fps.

Wall time covers constructing and rendering the scene and encoding the movie;
the machine is shared, so compare numbers from the same run only.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

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


def scene_module_exists(spec) -> bool:
    module = spec.scene.split(":")[0]
    return importlib.util.find_spec(module) is not None


def render_scene(name: str, quality: str, media_dir: Path) -> Result:
    """Render a registered scene with default parameters; time construction, rendering and encoding."""
    from manim import tempconfig

    from mathviz.pipeline import registry

    spec = registry.get(name)
    story = spec.build_story()
    with tempconfig(render_config(quality, media_dir, name)):
        from manim import config

        started = time.perf_counter()
        scene = spec.scene_class()(story=story)
        scene.render()
        wall = time.perf_counter() - started
        video = float(scene.renderer.time)
        return Result(name, quality, video, wall, int(round(video * config.frame_rate)))


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
    header = f"{'scene':<18} {'quality':<8} {'video s':>8} {'wall s':>8} {'video s/wall s':>15} {'fps':>7}"
    lines = [header, "-" * len(header)]
    for r in results:
        lines.append(f"{r.name:<18} {r.quality:<8} {r.video_seconds:>8.1f} {r.wall_seconds:>8.1f} "
                     f"{r.speed:>15.3f} {r.fps:>7.1f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="480p15 only, and a 5 s naive baseline")
    parser.add_argument("--scenes", nargs="*", help="only these registered scenes (default: all)")
    parser.add_argument("--naive-seconds", type=float, default=None,
                        help="length of the naive baseline (default: as long as the gradient_descent video); its "
                             "camera turns steadily, so its fps does not depend on the length")
    parser.add_argument("--keep", type=Path, default=None, help="keep the rendered videos in this directory")
    args = parser.parse_args(argv)

    from mathviz.pipeline import registry
    from mathviz.pipeline.catalog import SCENES

    qualities = ["480p15"] if args.quick else ["480p15", "1080p60"]
    names = args.scenes or list(SCENES)
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="mathviz-bench-") as tmp:
        media = args.keep.resolve() if args.keep else Path(tmp)
        for quality in qualities:
            for name in names:
                spec = registry.get(name)
                if not scene_module_exists(spec):
                    print(f"skip {name}: {spec.scene.split(':')[0]} does not exist yet", flush=True)
                    continue
                try:
                    result = render_scene(name, quality, media / quality)
                except Exception as exc:  # one broken scene must not hide the others' numbers
                    print(f"fail {name} {quality}: {type(exc).__name__}: {exc}", flush=True)
                    traceback.print_exc(limit=3)
                    continue
                results.append(result)
                print(f"done {name} {quality}: {result.video_seconds:.1f} s of video in {result.wall_seconds:.1f} s "
                      f"({result.fps:.1f} fps)", flush=True)
            try:
                from mathviz_scenes.gradient_descent import MESH_RESOLUTION
            except ImportError:
                MESH_RESOLUTION = 24
            ours = next((r for r in results if r.name == "gradient_descent" and r.quality == quality), None)
            seconds = args.naive_seconds or (5.0 if args.quick else (ours.video_seconds if ours else 10.0))
            naive = render_naive(quality, media / quality, MESH_RESOLUTION, seconds)
            results.append(naive)
            print(f"done {NAIVE} {MESH_RESOLUTION}x{MESH_RESOLUTION} {quality}: {naive.video_seconds:.1f} s of video in "
                  f"{naive.wall_seconds:.1f} s ({naive.fps:.1f} fps)", flush=True)

    print()
    print(table(results))
    print()
    for quality in qualities:
        by_name = {r.name: r for r in results if r.quality == quality}
        ours = by_name.get("gradient_descent")
        if ours is None:
            continue
        if NAIVE in by_name:
            print(f"{quality}: gradient_descent fps / {NAIVE} fps = {ours.fps / by_name[NAIVE].fps:.2f}")
        if "derivative" in by_name:
            ratio = ours.fps / by_name["derivative"].fps
            verdict = "meets" if ratio >= 0.5 else "misses"
            print(f"{quality}: gradient_descent fps / derivative fps = {ratio:.2f} ({verdict} the >= 0.5 target)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
