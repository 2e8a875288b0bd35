"""Work folders name their owner: a render removes only leftovers of provably dead renders on its own machine."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from mathviz.pipeline.atomic import atomic_write_text
from mathviz.pipeline.manifest import load_render
from mathviz.pipeline.workdir import Owner, current_owner, make_work_dir, owner_of, remove_stale, temp_prefix
from tests.conftest import TINY_RENDER

ROOT = Path(__file__).resolve().parents[2]


def _dead_owner() -> Owner:
    """The owner a process had that has since exited (same machine, same PID namespace)."""
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        stat = Path(f"/proc/{child.pid}/stat").read_text()
        started = int(stat[stat.rfind(")") + 2:].split()[19])
    finally:
        child.communicate(b"")
    me = current_owner()
    return Owner(me.machine, me.pid_namespace, child.pid, started)


def _leftover(folder: Path, owner: Owner, name: str = "relu") -> Path:
    work = folder / f".render-{name}{owner.tag}abc123"
    work.mkdir(parents=True)
    (work / "partial.mp4").write_bytes(b"\0" * 10)
    return work


def test_the_owner_is_in_the_name(tmp_path: Path) -> None:
    work = make_work_dir(tmp_path, "relu--wide")
    assert owner_of(work) == current_owner()
    assert (work / "owner.json").is_file()
    assert temp_prefix("relu.json").startswith(".relu.json~") and Owner.parse(temp_prefix("x") + "abc") == current_owner()


def test_only_provably_dead_owners_lose_their_leftovers(tmp_path: Path) -> None:
    me, dead = current_owner(), _dead_owner()
    assert dead.is_provably_dead() and not me.is_provably_dead()
    cases = {
        "dead here": (dead, True),
        "pid reused by another process": (replace(me, started=me.started + 1), True),
        "alive (this process)": (me, False),
        "another machine": (replace(dead, machine="0123456789abcdef"), False),
        "another PID namespace": (replace(dead, pid_namespace=dead.pid_namespace + 1), False),
        "start time unknown": (replace(dead, started=0), False),
    }
    folders = {label: _leftover(tmp_path, owner, name=f"n{i}") for i, (label, (owner, _)) in enumerate(cases.items())}
    untagged = tmp_path / ".render-old.pid1-xyz"  # an older mathviz's name: its owner cannot be proved dead
    untagged.mkdir()
    visible = tmp_path / "relu.mp4"
    visible.write_bytes(b"video")
    removed = set(remove_stale(tmp_path))
    for label, (_, gone) in cases.items():
        assert (folders[label] in removed) == gone, label
        assert folders[label].exists() != gone, label
    assert untagged.exists() and visible.exists()


def test_temporary_files_of_live_writers_survive_a_cleanup(tmp_path: Path) -> None:
    live = tmp_path / f"{temp_prefix('index.html')}x1y2.tmp"
    live.write_text("being written")
    dead_tmp = tmp_path / f".index.html{_dead_owner().tag}q9.tmp"
    dead_tmp.write_text("left by a killed run")
    other_machine = tmp_path / f".index.html{replace(_dead_owner(), machine='f' * 16).tag}q9.tmp"
    other_machine.write_text("another machine is writing this")
    remove_stale(tmp_path)
    assert live.exists() and other_machine.exists() and not dead_tmp.exists()
    atomic_write_text(tmp_path / "index.html", "done")
    assert (tmp_path / "index.html").read_text() == "done"


# -- two renders into one folder from different PID namespaces ---------------------------------------------

# Each render runs as the last of several processes in its own PID namespace, so its pid there differs from
# the other's: to the other render, the first one's pid is a process that has exited. A cleanup that trusted
# pids deleted the live render's work folder (the audit's reproduction, issue 19).
_RENDER = (
    "from mathviz.pipeline.render import render_scene; "
    "render_scene('relu', {{'seed': '{seed}'}}, quality='l', out_dir='{out}', output_name='{name}', "
    "extra_config={tiny!r})"
)


def _namespaced_render(out: Path, name: str, seed: int, spare_pids: int) -> subprocess.Popen:
    code = _RENDER.format(seed=seed, out=out, name=name, tiny=TINY_RENDER)
    # sh is pid 1 in the new namespace and forks each command (no exec: the render must not be pid 1, which
    # is alive in every namespace); the spare /bin/true processes push the render's pid past the other render's.
    shell = "; ".join(["/bin/true"] * spare_pids + [f'{sys.executable} -c "{code}"', "exit $?"])
    return subprocess.Popen(["unshare", "--pid", "--fork", "--mount-proc", "sh", "-c", shell], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _stderr(proc: subprocess.Popen) -> str:
    """What ``proc`` (started with stderr=PIPE) wrote to stderr so far."""
    assert proc.stderr is not None
    return proc.stderr.read().decode()


def _unshare_works() -> str | None:
    if shutil.which("unshare") is None:
        return "unshare(1) is not installed"
    probe = subprocess.run(["unshare", "--pid", "--fork", "--mount-proc", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        return f"unshare --pid --mount-proc is not permitted here ({probe.stderr.strip()[:120]}); CI runs as root"
    return None


@pytest.mark.render
@pytest.mark.system
def test_two_renders_from_different_pid_namespaces_share_a_folder(tmp_path: Path) -> None:
    reason = _unshare_works()
    if reason is not None:
        pytest.skip(reason)
    out = tmp_path / "shared"
    out.mkdir()
    first = _namespaced_render(out, "first", 2, spare_pids=0)
    deadline = time.monotonic() + 120
    while not list(out.glob(".render-first~*")):
        assert first.poll() is None, _stderr(first)[-800:]
        assert time.monotonic() < deadline, "the first render never made its work folder"
        time.sleep(0.05)
    second = _namespaced_render(out, "second", 3, spare_pids=6)
    for proc in (first, second):
        assert proc.wait(timeout=300) == 0, _stderr(proc)[-800:]
        assert _stderr(proc) == ""
    for name in ("first", "second"):
        assert load_render(out / f"{name}.mp4")["params"]["seed"] in {"2", "3"}
    assert not list(out.glob(".render-*")) and not list(out.glob(".*.tmp"))
