"""A theme is applied by the camera: scenes draw with the dark theme's colours, the camera shows the theme's.

:func:`themed_camera` makes a camera class that inks every stroke and fill
through a :class:`~mathviz_scenes.components.style.Palette` as it draws, and
paints the palette's background. So one table per theme (in
:mod:`~mathviz_scenes.components.style`) decides every colour of every scene,
also of mobjects that updaters make afresh each frame and of colours between
two others in a colour animation, and no scene needs colour code. The dark
theme's palette is the identity: its camera is the scene's own camera class.
"""

from __future__ import annotations

import functools
from typing import Any

from mathviz_scenes.components.style import Palette

__all__ = ["themed_camera"]


class _Inked:
    """Mixin for a Manim camera class: ink strokes and fills through ``palette``; paint its background."""

    palette: Palette

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["background_color"] = self.palette.background
        super().__init__(*args, **kwargs)

    # A mixin: the Manim camera class it is mixed into (themed_camera) has these methods; mypy sees only object.
    def get_stroke_rgbas(self, vmobject: Any, background: bool = False) -> Any:
        return self.palette.ink_rgbas(super().get_stroke_rgbas(vmobject, background))  # type: ignore[misc]

    def get_fill_rgbas(self, vmobject: Any) -> Any:
        return self.palette.ink_rgbas(super().get_fill_rgbas(vmobject))  # type: ignore[misc]


@functools.cache
def themed_camera(camera_class: type, palette: Palette) -> type:
    """``camera_class`` drawing in ``palette``'s colours (the class itself for the identity palette)."""
    if palette.identity:
        return camera_class
    return type(f"{palette.name.title()}{camera_class.__name__}", (_Inked, camera_class), {"palette": palette})
