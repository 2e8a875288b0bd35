"""The render pipeline under stress: killed renders, renders in parallel, identical frames run to run."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import av
import numpy as np
import pytest

from tests.conftest import TINY_RENDER

pytestmark = pytest.mark.render

ROOT = Path(__file__).resolve().parents[2]

# A suite started in the background by a non-interactive shell (`nohup make test &`) inherits SIGINT ignored,
# and Python keeps an ignored SIGINT ignored: the render restores Ctrl-C as an interactive user has it.
_RENDER = """
import signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)
from mathviz.pipeline.render import render_scene
out, name, function = sys.argv[1], sys.argv[2], sys.argv[3]
render_scene("derivative", {{"function": function, "x0": "1"}}, quality="l", out_dir=out, output_name=name,
             extra_config={tiny!r})
"""


def _start(out: Path, name: str, function: str) -> subprocess.Popen:
    code = _RENDER.format(tiny=TINY_RENDER)
    return subprocess.Popen([sys.executable, "-c", code, str(out), name, function], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _stderr(proc: subprocess.Popen) -> str:
    """What ``proc`` (started with stderr=PIPE) wrote to stderr so far."""
    assert proc.stderr is not None
    return proc.stderr.read().decode()


def _decode(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def _wait_for_work_dir(out: Path, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(out.glob(".render-*/**/*.mp4")):  # Manim has started writing partial movies
            return
        if proc.poll() is not None:
            raise AssertionError(f"render ended before it could be killed: {_stderr(proc)[-500:]}")
        time.sleep(0.05)
    raise AssertionError("render never started writing")


@pytest.fixture(scope="module")
def complete_render(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding one finished render (``video.*``), made once for both signals."""
    out = tmp_path_factory.mktemp("complete") / "out"
    first = _start(out, "video", "x**2")
    assert first.wait(timeout=240) == 0, _stderr(first)[-800:]
    return out


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
@pytest.mark.system
def test_killed_render_leaves_previous_complete_file_and_next_run_repairs(tmp_path: Path, sig: int,
                                                                          complete_render: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(complete_render, out)
    previous = (out / "video.mp4").read_bytes()

    victim = _start(out, "video", "x**3")
    _wait_for_work_dir(out, victim)
    victim.send_signal(sig)
    # generous: under a load of 14 on two cores a SIGINTed render took over 60 s to unwind
    victim.wait(timeout=240)
    # Either the previous complete file or nothing, never a truncated one.
    assert (out / "video.mp4").read_bytes() == previous
    assert len(_decode(out / "video.mp4")) > 0
    assert not [p for p in out.iterdir() if p.suffix in {".mp4", ".json", ".srt", ".vtt"} and p.stat().st_size == 0]

    again = _start(out, "video", "x**3")
    assert again.wait(timeout=240) == 0, _stderr(again)[-800:]
    assert (out / "video.mp4").read_bytes() != previous
    assert len(_decode(out / "video.mp4")) > 0
    assert not list(out.glob(".render-*")), "work directories of killed renders are cleaned up"


@pytest.mark.system
def test_two_renders_at_once_into_one_directory(tmp_path: Path) -> None:
    out = tmp_path / "out"
    procs = [_start(out, "a", "x**2"), _start(out, "b", "x**2"), _start(out, "c", "sin(x)")]
    for proc in procs:
        assert proc.wait(timeout=300) == 0, _stderr(proc)[-800:]
    a, b, c = (_decode(out / f"{n}.mp4") for n in "abc")
    assert len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))
    assert any(not np.array_equal(x, y) for x, y in zip(a, c))
    assert not list(out.glob(".render-*"))


# Two in-process renders: the sweep. make test keeps same-parameters-same-frames through the renders at once above
# (a and b) and the chunked/cluster renders, which compare packets with a one-process render.
@pytest.mark.sweep
def test_same_parameters_give_the_same_frames(tmp_path: Path) -> None:
    from mathviz.pipeline.render import render_scene

    runs = [render_scene("derivative", {"x0": "0.5"}, quality="l", out_dir=tmp_path / str(i), extra_config=TINY_RENDER)
            for i in range(2)]
    first, second = (_decode(r.video) for r in runs)
    assert len(first) == len(second) > 10
    assert all(np.array_equal(x, y) for x, y in zip(first, second))
    assert runs[0].video.read_bytes() == runs[1].video.read_bytes()
    assert (runs[0].video.with_suffix(".json").read_text() == runs[1].video.with_suffix(".json").read_text())
