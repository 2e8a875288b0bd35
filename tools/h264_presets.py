"""Compare x264 presets on a real scene: encoding time, file size, PSNR and SSIM against the drawn frames.

Usage::

    .venv/bin/python tools/h264_presets.py derivative -q h --plays 12
    .venv/bin/python tools/h264_presets.py gradient_descent -q h --plays 8 --presets medium fast veryfast

The scene is drawn once; every frame goes to one encoder per preset, each
restarted at every animation exactly as Manim writes one partial movie per
``play`` (CRF 23, yuv420p, Manim's own settings apart from the preset). Every
``--every``-th drawn frame is kept and compared with the same frame decoded
from each preset's output: PSNR over RGB (the mean squared error pooled over the compared frames), SSIM on luma (Gaussian window,
sigma 1.5, the usual constants). Encoding time is the wall time spent in each
encoder's ``encode`` calls, so the presets are timed on the same frames, in the
same run, side by side. The machine is shared: compare within one run only.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PRESETS = ("medium", "fast", "faster", "veryfast", "superfast", "ultrafast")


class PresetEncoder:
    """One preset's encoder, restarted at each play; counts bytes and encoding seconds."""

    def __init__(self, preset: str, folder: Path, width: int, height: int, fps: float) -> None:
        self.preset, self.folder, self.width, self.height = preset, folder, width, height
        self.fps = Fraction(fps).limit_denominator(1001)
        self.seconds = 0.0
        self.files: list[Path] = []
        self.container: av.container.OutputContainer | None = None
        self.stream: av.VideoStream | None = None

    def start_play(self) -> None:
        """End the current partial movie; the next frame opens a new one (a play may end the scene before drawing)."""
        self.finish_play()

    def _open(self) -> tuple[av.container.OutputContainer, av.VideoStream]:
        path = self.folder / f"{self.preset}-{len(self.files):04}.mp4"
        self.files.append(path)
        container = av.open(str(path), "w")
        stream = container.add_stream("libx264", rate=self.fps, options={"an": "1", "crf": "23", "preset": self.preset})
        stream.pix_fmt = "yuv420p"
        stream.width, stream.height = self.width, self.height
        self.container, self.stream = container, stream
        return container, stream

    def encode(self, frame: np.ndarray, count: int) -> None:
        container, stream = (self.container, self.stream) if self.container and self.stream else self._open()
        started = time.perf_counter()
        for _ in range(count):
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgba")):
                container.mux(packet)
        self.seconds += time.perf_counter() - started

    def finish_play(self) -> None:
        container, stream = self.container, self.stream
        if container is None or stream is None:
            return
        started = time.perf_counter()
        for packet in stream.encode():
            container.mux(packet)
        container.close()
        self.seconds += time.perf_counter() - started
        self.container = None

    @property
    def size(self) -> int:
        return sum(p.stat().st_size for p in self.files)

    def decoded(self, indices: set[int]) -> dict[int, np.ndarray]:
        frames, index = {}, 0
        for path in self.files:
            with av.open(str(path)) as container:
                for frame in container.decode(video=0):
                    if index in indices:
                        frames[index] = frame.to_ndarray(format="rgb24")
                    index += 1
        return frames


def squared_error(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))


def psnr(mse: float) -> float:
    """PSNR in dB of a mean squared error over 8-bit samples (a still frame can decode exactly: inf)."""
    return float("inf") if mse == 0 else float(10 * np.log10(255.0**2 / mse))


def luma(rgb: np.ndarray) -> np.ndarray:
    return rgb[..., :3].astype(np.float64) @ np.array([0.299, 0.587, 0.114])


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Mean SSIM of two RGB images on luma (Wang et al. 2004: Gaussian window sigma 1.5, K1 0.01, K2 0.03)."""
    from scipy.ndimage import gaussian_filter

    x, y = luma(a), luma(b)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mu_x, mu_y = gaussian_filter(x, 1.5), gaussian_filter(y, 1.5)
    sxx = gaussian_filter(x * x, 1.5) - mu_x**2
    syy = gaussian_filter(y * y, 1.5) - mu_y**2
    sxy = gaussian_filter(x * y, 1.5) - mu_x * mu_y
    value = ((2 * mu_x * mu_y + c1) * (2 * sxy + c2)) / ((mu_x**2 + mu_y**2 + c1) * (sxx + syy + c2))
    return float(value.mean())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scene")
    parser.add_argument("-q", "--quality", default="h", choices=["l", "m", "h"])
    parser.add_argument("--plays", type=int, default=None, help="only the first N animations (default: all)")
    parser.add_argument("--every", type=int, default=30, help="compare every N-th frame (default: 30)")
    parser.add_argument("--presets", nargs="+", default=list(PRESETS))
    args = parser.parse_args(argv)

    from manim import tempconfig

    from mathviz.pipeline import registry
    from mathviz.pipeline.fastforward import install_renderer
    from mathviz.pipeline.render import QUALITIES

    spec = registry.get(args.scene)
    story = spec.build_story({})
    kept: dict[int, np.ndarray] = {}
    with tempfile.TemporaryDirectory(prefix="mathviz-presets-") as tmp:
        folder = Path(tmp)
        cfg = {"media_dir": str(folder / "manim"), "quality": QUALITIES[args.quality][1], "disable_caching": True,
               "verbosity": "WARNING", "progress_bar": "none", "write_to_movie": False}
        with tempconfig(cfg):
            from manim import config

            encoders = [PresetEncoder(p, folder, config.pixel_width, config.pixel_height, config.frame_rate)
                        for p in args.presets]
            scene = spec.scene_class()(story=story)
            renderer = install_renderer(scene, first=0, stop=args.plays)
            drawn = [0]
            play = renderer.play

            def play_and_restart(*a, **k):
                for encoder in encoders:
                    encoder.start_play()
                play(*a, **k)

            def add_frame(frame, num_frames: int = 1) -> None:
                renderer.time += num_frames / renderer.camera.frame_rate
                for encoder in encoders:
                    encoder.encode(frame, num_frames)
                for i in range(drawn[0], drawn[0] + num_frames):
                    if i % args.every == 0:
                        kept[i] = frame[..., :3].copy()
                drawn[0] += num_frames

            # this one renderer is tapped: each play restarts the encoders, each frame goes to all of them
            renderer.play = play_and_restart  # type: ignore[method-assign]
            renderer.add_frame = add_frame  # type: ignore[method-assign]
            started = time.perf_counter()
            scene.render()
            draw_seconds = time.perf_counter() - started - sum(e.seconds for e in encoders)
            for encoder in encoders:
                encoder.finish_play()
        frames = drawn[0]
        print(f"{args.scene} {QUALITIES[args.quality][0]}: {frames} frames, {len(encoders[0].files)} partial movies, "
              f"drawing took {draw_seconds:.1f} s ({frames / max(draw_seconds, 1e-9):.1f} frames/s), "
              f"{len(kept)} frames compared")
        header = f"{'preset':<10} {'encode s':>9} {'enc fps':>8} {'size KB':>9} {'size':>7} {'PSNR dB':>8} {'SSIM':>7}"
        print(header)
        print("-" * len(header))
        base_size = encoders[0].size
        for encoder in encoders:
            decoded = encoder.decoded(set(kept))
            p = psnr(float(np.mean([squared_error(kept[i], decoded[i]) for i in kept])))  # pooled over the frames
            s = np.mean([ssim(kept[i], decoded[i]) for i in kept])
            print(f"{encoder.preset:<10} {encoder.seconds:>9.2f} {frames / encoder.seconds:>8.1f} {encoder.size / 1024:>9.0f} "
                  f"{100 * encoder.size / base_size:>6.0f}% {p:>8.2f} {s:>7.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
