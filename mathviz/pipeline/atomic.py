"""Files that appear whole or not at all: write beside the target, then rename into place.

Every file mathviz writes (videos, encodes, captions, pages, slides) goes
through :func:`atomic_output`, so an interrupted run leaves the previous
complete file or none, and the result is readable by a static web host.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from mathviz.pipeline.workdir import temp_prefix

__all__ = ["atomic_output", "atomic_write_text"]

T = TypeVar("T")

# mkstemp creates files 0600; finished files get the permissions an ordinary open() would give.
_UMASK = os.umask(0)
os.umask(_UMASK)


def atomic_output(dst: Path, write: Callable[[Path], T], *, suffix: str | None = None) -> T:
    """Run ``write(tmp)`` on a temporary file beside ``dst``, then rename it to ``dst``; return what it returned.

    The temporary name keeps ``dst``'s suffix unless ``suffix`` is given, since
    encoders choose their container from it.
    """
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    # The temporary name records its owner, so a render cleaning up after killed runs in a shared
    # folder never removes a file another machine is still writing (mathviz.pipeline.workdir).
    fd, name = tempfile.mkstemp(dir=dst.parent, prefix=temp_prefix(dst.name if suffix else dst.stem),
                                suffix=dst.suffix if suffix is None else suffix)
    os.close(fd)
    tmp = Path(name)
    try:
        result = write(tmp)
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, dst)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return result


def atomic_write_text(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary ``.<name>~<owner>~*.tmp`` file and a rename."""
    atomic_output(Path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"), suffix=".tmp")
    return Path(path)
