"""Draw only the frames that are wanted: Manim's Cairo renderer with a fast-forward mode.

Manim draws and encodes every frame of every ``play``. To render one video in
chunks on several processes, and to make a storyboard of still frames, a
process has to reach the state at some later animation without paying for the
frames before it. :class:`SelectiveRenderer` does that: plays before
``first`` are *fast-forwarded*, stepping the scene through exactly the same
frame times (so updaters, ``renderer.time`` and therefore the caption times
end bit for bit where a full render ends) while never rasterising or
encoding; plays from ``first`` up to ``stop`` are drawn and encoded as Manim
would; at ``stop`` the scene ends early. Manim's own ``--from/--upto``
skipping is not used for this because it jumps over an animation in one step
(``time += run_time``, one ``dt = run_time`` updater call), which lands on
slightly different numbers than frame-by-frame playback and so on different
pixels.

:class:`MathvizFileWriter` encodes each animation's partial movie with the
H.264 settings in :data:`H264_OPTIONS` and reports the end of every beat (a
section), so a storyboard can draw the settled picture there.

This module imports Manim at import time; the pipeline imports it only inside
the functions that render.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from manim import config
from manim.renderer.cairo_renderer import CairoRenderer
from manim.scene.scene_file_writer import SceneFileWriter
from manim.utils.exceptions import EndSceneEarlyException

__all__ = ["H264_PRESET", "H264_OPTIONS", "MathvizFileWriter", "SelectiveRenderer", "install_renderer", "PlayRecord"]

#: x264 preset of every partial movie. Chosen by measurement (tools/h264_presets.py, README "Where the time goes"):
#: the fastest preset whose size and quality stay within a few percent of Manim's default (``medium``).
H264_PRESET = "medium"
#: Options of every partial movie: Manim's own (no audio, CRF 23) plus the preset.
H264_OPTIONS: dict[str, str] = {"an": "1", "crf": "23", "preset": H264_PRESET}


class MathvizFileWriter(SceneFileWriter):
    """Manim's file writer with mathviz's H.264 settings and a hook called when a beat (section) ends."""

    def __init__(self, renderer: Any, scene_name: str, **kwargs: Any) -> None:
        #: Called with no arguments just before a new section starts (the previous beat has settled).
        self.on_section_end: Callable[[], None] | None = None
        super().__init__(renderer, scene_name, **kwargs)

    def next_section(self, name: str, type_: str, skip_animations: bool) -> None:
        hook = getattr(self, "on_section_end", None)
        if hook is not None:
            hook()
        super().next_section(name, type_, skip_animations)

    def open_partial_movie_stream(self, file_path: Any = None) -> None:
        super().open_partial_movie_stream(file_path)
        job = self._current_encode_job
        # The encoder opens at the first frame, so options set here still apply.
        if job is not None and job.stream.codec_context.name == "libx264":
            job.stream.codec_context.options = dict(H264_OPTIONS)


class PlayRecord:
    """What one ``play`` was: its index, run time in seconds, whether it was a still (a frozen ``wait``)."""

    __slots__ = ("index", "run_time", "frozen", "frames")

    def __init__(self, index: int, run_time: float, frozen: bool, frames: int) -> None:
        self.index, self.run_time, self.frozen, self.frames = index, run_time, frozen, frames

    def to_tuple(self) -> tuple[int, float, bool, int]:
        return (self.index, self.run_time, self.frozen, self.frames)


def _frames_of(run_time: float, frozen: bool, frame_rate: float) -> int:
    """Frames a play writes: Manim steps ``np.arange(0, run_time, 1/fps)``, a frozen wait ``int(run_time*fps)``."""
    dt = 1 / frame_rate
    if frozen:
        return int(run_time / dt)
    import numpy as np

    return len(np.arange(0, run_time, dt))


class SelectiveRenderer(CairoRenderer):
    """A Cairo renderer that draws only plays ``first <= index < stop`` and fast-forwards the ones before.

    ``stop=None`` plays to the end. ``first=None`` draws nothing (a storyboard,
    which draws stills itself through :meth:`draw_still`). Every play's record
    lands in :attr:`plays` (used to plan chunks).
    """

    def __init__(self, *, camera: Any, first: int | None = 0, stop: int | None = None,
                 file_writer_class: type[SceneFileWriter] = MathvizFileWriter) -> None:
        super().__init__(file_writer_class=file_writer_class, camera_class=lambda: camera)
        self.first, self.stop = first, stop
        #: Asked at the start of every play when ``stop`` is None: True ends the scene there. A chunk that
        #: starts before its end is known (the first one, while the plan is still being made) learns it this way.
        self.stop_at: Callable[[int], bool] | None = None
        self.drawing = True
        self.plays: list[PlayRecord] = []
        self.scene: Any = None

    def _draws(self, index: int) -> bool:
        if self.first is None:
            return False
        return index >= self.first and (self.stop is None or index < self.stop)

    def play(self, scene: Any, *args: Any, **kwargs: Any) -> None:
        # Mirrors CairoRenderer.play of Manim 0.21 with caching off (the pipeline always disables it),
        # except that a play outside the window is stepped frame by frame without being drawn.
        self.scene = scene
        self.skip_animations = self._original_skipping_status
        self.update_skipping_status()
        index = self.num_plays
        if self.stop_at is not None and self.stop_at(index):
            self.stop = index
        if self.stop is not None and index >= self.stop:
            raise EndSceneEarlyException()
        scene.compile_animation_data(*args, **kwargs)
        if self.skip_animations:
            self.time += scene.duration
            drawing = False
        else:
            drawing = self._draws(index)
        movie_hash = f"uncached_{index:05}" if drawing else None
        self.file_writer.add_partial_movie_file(movie_hash)
        self.animations_hashes.append(movie_hash)
        self.drawing = drawing
        try:
            self.file_writer.begin_animation(drawing)
            scene.begin_animations()
            frozen = scene.is_current_animation_frozen_frame()
            self.plays.append(PlayRecord(index, float(scene.duration), frozen,
                                         _frames_of(scene.duration, frozen, self.camera.frame_rate)))
            # The same calls in both modes: fast-forwarding, update_frame keeps only its side effects on the
            # camera and get_frame gives None, so the state at every step is the drawn render's.
            self.save_static_frame_data(scene, scene.static_mobjects)
            if frozen:
                self.update_frame(scene, mobjects=scene.moving_mobjects)
                self.freeze_current_frame(scene.duration)
            else:
                scene.play_internal()
            self.file_writer.end_animation(drawing)
        finally:
            self.drawing = True
        self.num_plays += 1

    # -- no pixels while fast-forwarding: the same time steps, nothing drawn or encoded -------------

    def update_frame(self, scene: Any, mobjects: Any = None, include_submobjects: bool = True,
                     ignore_skipping: bool = True, **kwargs: Any) -> None:
        if not self.drawing:
            # Drawing a frame also refreshes a 3D camera's cached rotation matrix from its phi/theta trackers,
            # and scene code between frames may read it: keep that side effect, skip the pixels.
            reset_rotation = getattr(self.camera, "reset_rotation_matrix", None)
            if reset_rotation is not None:
                reset_rotation()
            return
        super().update_frame(scene, mobjects, include_submobjects, ignore_skipping, **kwargs)

    def get_frame(self) -> Any:
        return self.camera.pixel_array.copy() if self.drawing else None

    def add_frame(self, frame: Any, num_frames: int = 1) -> None:
        if self.drawing:
            super().add_frame(frame, num_frames)
            return
        dt = 1 / self.camera.frame_rate  # the same float operations as CairoRenderer.add_frame
        if self.skip_animations:
            return
        self.time += num_frames * dt

    def scene_finished(self, scene: Any) -> None:
        if self.num_plays and not any(f is not None for f in self.file_writer.partial_movie_files):
            return  # nothing drawn (a storyboard or a plan): no movie to combine
        super().scene_finished(scene)

    # -- stills -------------------------------------------------------------------------------------

    def draw_still(self) -> Any:
        """The whole scene as it stands now, drawn from scratch, as a PIL image."""
        if self.scene is None:
            return None
        drawing, self.drawing = self.drawing, True
        try:
            self.static_image = None
            super().update_frame(self.scene)
            return self.camera.get_image().copy()  # get_image shares the pixel array, which the next draw reuses
        finally:
            self.drawing = drawing


def install_renderer(scene: Any, *, first: int | None = 0, stop: int | None = None) -> SelectiveRenderer:
    """Give a freshly constructed scene a :class:`SelectiveRenderer` that keeps the scene's own camera.

    The scene's class chooses its camera (a 3D camera, the mesh camera), so the
    scene is built as usual and its renderer replaced before ``render()``.
    """
    renderer = SelectiveRenderer(camera=scene.renderer.camera, first=first, stop=stop)
    renderer.init_scene(scene)
    scene.renderer = renderer
    return renderer


def frame_rate() -> float:
    return float(config.frame_rate)
