"""A render's files belong together: the JSON names the exact video and captions it was written with.

A render writes a video (``relu.mp4``), its numbers (``relu.json``) and four
caption files. Each is renamed into place whole, but a set of renames is not
atomic: a render interrupted between them once left a new ``relu.json`` beside
the old ``relu.mp4``, and the gallery showed the new numbers and captions under
the old video. Two mechanisms close that gap:

- **The JSON is the manifest.** It records the SHA-256 of the video and of
  every caption file (``"files": {".mp4": "<hex>", ".en.vtt": "<hex>", ...}``).
  Every reader (the gallery, slides, publish) opens a render with
  :func:`load_render`, which checks each file against its digest and raises
  :class:`RenderMismatch` (one line, "re-render it") on any difference, so no
  reader can pair a video with another render's numbers or captions, whatever
  happened to the folder: an interrupted render, two renders of one name at
  once, files copied by hand.
- **The commit order keeps Make right.** :func:`commit_render` first removes
  what was made from the old video (its WebM, GIF, WebP and poster), then the
  old video itself, then renames the captions and the JSON, and the new video
  last. Interrupted at any point, the folder holds the old set, the new set, or
  no video at all, which Make sees as a missing target and renders again. A
  video is never beside sidecars from another render.

Digests are of whole files, so they are deterministic: a render is still
byte-identical run to run.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "FILES_KEY",
    "RenderMismatch",
    "file_digest",
    "record_files",
    "load_render",
    "commit_render",
    "DERIVED_SUFFIXES",
    "LOOK_KEYS",
    "look_of",
]

#: The JSON key holding each file's digest, by suffix after the render's name (".mp4", ".en.vtt", ...).
FILES_KEY = "files"
#: What :mod:`mathviz.pipeline.publish` makes from a video; it belongs to that video and goes with it.
DERIVED_SUFFIXES = (".webm", ".gif", ".webp", ".poster.png")


#: What a render records about how it looks, with the value a render made before it was recorded had:
#: a dark 16:9 frame, English on screen, its caption line burned in.
LOOK_KEYS: dict[str, str] = {"theme": "dark", "aspect": "16:9", "lang": "en", "captions": "burned"}


def look_of(numbers: Mapping[str, Any]) -> dict[str, str]:
    """``{"theme", "aspect", "lang", "captions"}`` of a render's numbers, defaults for what it does not record.

    Each is read from the render's ``look`` record or, failing that, a top-level key holding a string
    (a top-level ``captions`` is the list of beats, never the caption mode).
    """
    look = numbers.get("look")
    look = look if isinstance(look, Mapping) else {}
    found = {}
    for key, default in LOOK_KEYS.items():
        value = look.get(key, numbers.get(key))
        found[key] = value if isinstance(value, str) and value else default
    return found


class RenderMismatch(ValueError):
    """A render's files do not belong together (or cannot be checked); the message says what to do."""


def file_digest(path: Path | str) -> str:
    """The SHA-256 of the file at ``path``, as hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def record_files(numbers: dict[str, Any], files: Mapping[str, Path]) -> dict[str, Any]:
    """``numbers`` with :data:`FILES_KEY` holding the digest of each file, keyed by its suffix (``".mp4"``)."""
    return {**numbers, FILES_KEY: {suffix: file_digest(files[suffix]) for suffix in sorted(files)}}


def load_render(video: Path | str) -> dict[str, Any]:
    """The numbers of the render whose video is ``video``, after checking its files belong together.

    Raises FileNotFoundError when the video or its JSON is missing, and :class:`RenderMismatch`
    when the JSON records no digests (written by an older mathviz), names a file that is missing,
    or a file differs from the one the render wrote. Either way the render is out of date: render
    it again.
    """
    video = Path(video)
    sidecar = video.with_suffix(".json")
    for path in (video, sidecar):
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing; render it first (make render)")
    try:
        numbers = json.loads(sidecar.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise RenderMismatch(f"{sidecar} is not a render's JSON; render {video.stem} again") from None
    files = numbers.get(FILES_KEY) if isinstance(numbers, dict) else None
    if not isinstance(files, dict) or ".mp4" not in files:
        raise RenderMismatch(f"{sidecar} records no file digests (an older render); render {video.stem} again")
    for suffix, digest in files.items():
        path = video.with_name(video.stem + suffix)
        if not path.is_file():
            raise RenderMismatch(f"{path} is missing from render {video.stem}; render it again")
        if file_digest(path) != digest:
            raise RenderMismatch(f"{path.name} and {sidecar.name} come from different renders "
                                 f"(an interrupted or concurrent render); render {video.stem} again")
    return numbers


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def commit_render(staged: Sequence[tuple[Path, Path]], video: Path) -> None:
    """Move a finished render into place so that its folder always shows the old set, the new set, or no video.

    ``staged`` pairs each staged sidecar (captions, the JSON) with its destination; ``video`` is the
    destination of the staged video, which must be among them. Order: the old video's derived files,
    the old video, the sidecars, the new video.
    """
    video_source = next(src for src, dst in staged if dst == video)
    for suffix in DERIVED_SUFFIXES:
        _remove(video.with_name(video.stem + suffix))
    _remove(video)
    for src, dst in staged:
        if dst != video:
            os.replace(src, dst)
    os.replace(video_source, video)
