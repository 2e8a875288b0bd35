"""Work folders and temporary files that name their owner, so only a provably dead owner's are removed.

Renders (and every atomic write) stage their files in the output folder itself,
so the final rename is atomic even on a shared file system. A render that is
killed leaves its staging behind, and the next render into that folder cleans
up. Several machines may share the folder (the README's Dask set-up), and a
process id means nothing on another machine, in another PID namespace (a
container, ``unshare -p``) or after a reboot; a process id alone once let one
machine delete the live work folder of another.

So every staging name carries an :class:`Owner` tag,
``~<machine>-<pid namespace>-<pid>-<start time>~``: ``machine`` is a digest of
the host name and the kernel's boot id, ``start time`` the process's start
in clock ticks since boot (``/proc/<pid>/stat``), which tells a reused pid
from the original. A leftover is removed only when its owner ran on this
machine, in this boot, in this PID namespace, and that process is gone (no
such pid, or a pid now held by a process that started at another time).
Anything else is left alone: a live render elsewhere, or a dead one whose
death cannot be proved from here. Such a leftover costs disk space until a
render on its own machine cleans it, or ``make clean``; it never costs a
render.

The name alone decides (no file inside is read), so a folder is attributable
from the instant ``mkdtemp`` creates it. Linux only proves deaths; where
``/proc`` or the boot id is missing nothing is ever removed.

Storyboards and distributed chunk renders use the same helpers:
:func:`make_work_dir` for a staging folder, :func:`temp_prefix` for a staging
file, :func:`remove_stale` before writing into a shared folder.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Owner",
    "current_owner",
    "make_work_dir",
    "temp_prefix",
    "owner_of",
    "remove_stale",
    "WORK_PREFIX",
    "OWNER_FILE",
]

#: Prefix of a render's work folder in the output folder.
WORK_PREFIX = ".render-"
#: A human-readable account of the owner, written into each work folder (the name is what counts).
OWNER_FILE = "owner.json"

_TAG = re.compile(r"~([0-9a-f]{16})-([0-9]+)-([0-9]+)-([0-9]+)~")


@functools.lru_cache(maxsize=1)
def _boot_id() -> str | None:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip() or None
    except OSError:
        return None


def _machine() -> str | None:
    """A digest of host name and boot id: equal only for processes of one machine in one boot."""
    boot = _boot_id()
    if boot is None:
        return None
    return hashlib.sha256(f"{socket.gethostname()}\0{boot}".encode()).hexdigest()[:16]


def _own_proc() -> bool:
    """Whether /proc describes our PID namespace (not so after ``unshare -p`` without ``--mount-proc``)."""
    try:
        return int(os.readlink("/proc/self")) == os.getpid()
    except (OSError, ValueError):
        return False


def _pid_namespace() -> int:
    try:
        return os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return 0


def _start_time(pid: int) -> int | None:
    """Process ``pid``'s start time in clock ticks since boot, or None if it does not exist (or no /proc)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    fields = stat[stat.rfind(")") + 2:].split()
    try:
        return int(fields[19])  # field 22 of proc(5), the 20th after the name
    except (IndexError, ValueError):
        return None


@dataclass(frozen=True)
class Owner:
    """Who staged a file: machine (host and boot), PID namespace, pid and the process's start time."""

    machine: str
    pid_namespace: int
    pid: int
    started: int

    @property
    def tag(self) -> str:
        """``~<machine>-<namespace>-<pid>-<start>~``, the part of a staging name that names its owner."""
        return f"~{self.machine}-{self.pid_namespace}-{self.pid}-{self.started}~"

    @classmethod
    def parse(cls, name: str) -> Owner | None:
        """The owner named in ``name`` (a file or folder name), or None if it names none."""
        match = _TAG.search(name)
        if match is None:
            return None
        machine, namespace, pid, started = match.groups()
        return cls(machine, int(namespace), int(pid), int(started))

    def is_provably_dead(self) -> bool:
        """True only when this owner ran here (machine, boot, PID namespace) and its process is gone."""
        here = _machine()
        if here is None or self.machine != here or not _own_proc() or self.pid_namespace != _pid_namespace():
            return False
        if self.started == 0:  # the owner could not read its own start time: its pid proves nothing
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass  # alive, another user's
        except OSError:
            return False
        # The pid is in use: by the owner, unless the process holding it started at another time (pid reuse).
        started = _start_time(self.pid)
        return started is not None and started != self.started


def current_owner() -> Owner:
    """The calling process as an :class:`Owner` (computed afresh: a forked child is another owner)."""
    pid = os.getpid()
    started = _start_time(pid) if _own_proc() else None
    return Owner(_machine() or "0" * 16, _pid_namespace(), pid, started or 0)


def owner_of(path: Path | str) -> Owner | None:
    """The owner a staging file or folder's name records, or None."""
    return Owner.parse(Path(path).name)


def temp_prefix(name: str) -> str:
    """The prefix of a staging file for ``name`` in its folder: ``.<name>~<owner tag>~`` (hidden, attributable)."""
    return f".{name}{current_owner().tag}"


def make_work_dir(out: Path | str, stem: str, *, prefix: str = WORK_PREFIX) -> Path:
    """A new private work folder ``<prefix><stem>~<owner>~<random>`` in ``out``, with an owner.json for people."""
    owner = current_owner()
    work = Path(tempfile.mkdtemp(dir=out, prefix=f"{prefix}{stem}{owner.tag}"))
    account = {"host": socket.gethostname(), "boot_id": _boot_id(), "pid": owner.pid,
               "pid_namespace": owner.pid_namespace, "started_ticks": owner.started}
    (work / OWNER_FILE).write_text(json.dumps(account, indent=2) + "\n", encoding="utf-8")
    return work


def remove_stale(folder: Path | str) -> list[Path]:
    """Remove the staging files and folders in ``folder`` whose owner is provably dead; return what went.

    Only hidden entries (``.name``) carrying an owner tag are considered; everything else, including
    leftovers of live owners, of other machines and of unknown owners, stays.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith("."):
            continue
        owner = Owner.parse(entry.name)
        if owner is None or not owner.is_provably_dead():
            continue
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                path.unlink()
            except FileNotFoundError:
                pass
        removed.append(path)
    return removed
