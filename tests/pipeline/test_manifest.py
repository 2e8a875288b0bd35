"""A render's files belong together: readers verify the JSON's digests, and the commit order shows old, new or nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mathviz.pipeline.cli import cli
from mathviz.pipeline.manifest import (
    DERIVED_SUFFIXES,
    FILES_KEY,
    RenderMismatch,
    commit_render,
    file_digest,
    load_render,
    record_files,
)

ROOT = Path(__file__).resolve().parents[2]
STEM = "relu"
CAPTIONS = (".en.srt", ".en.vtt", ".zh.srt", ".zh.vtt")


def _stage(folder: Path, which: str) -> tuple[list[tuple[Path, Path]], Path]:
    """A fake finished render (``which`` = old or new) staged in ``folder/work-<which>``, as render_scene stages one."""
    work = folder / f".work-{which}"
    work.mkdir()
    video = work / f"{STEM}.faststart.mp4"
    video.write_bytes(f"{which} video".encode() * 100)
    staged = [(video, folder / f"{STEM}.mp4")]
    for suffix in CAPTIONS:
        path = work / f"{STEM}{suffix}"
        path.write_text(f"{which} captions {suffix}")
        staged.append((path, folder / path.name))
    numbers = record_files({"scene": STEM, "story": {"which": which}}, {dst.name[len(STEM):]: src for src, dst in staged})
    (work / f"{STEM}.json").write_text(json.dumps(numbers))
    staged.append((work / f"{STEM}.json", folder / f"{STEM}.json"))
    return staged, folder / f"{STEM}.mp4"


def _old_render(folder: Path) -> dict[str, bytes]:
    """Commit an old render with its derived web formats (as `mathviz publish` makes them); its files' bytes."""
    staged, video = _stage(folder, "old")
    commit_render(staged, video)
    for suffix in DERIVED_SUFFIXES:
        (folder / f"{STEM}{suffix}").write_text(f"made from the old video {suffix}")
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def _visible(folder: Path, expected: dict[str, dict[str, bytes]]) -> str:
    """Which render a reader sees in ``folder``: "old", "new" or "absent"; fails on any mixture."""
    video = folder / f"{STEM}.mp4"
    if not video.exists():
        return "absent"
    numbers = load_render(video)  # raises RenderMismatch on a mixture
    which = numbers["story"]["which"]
    for name, content in expected[which].items():
        derived = name.endswith(DERIVED_SUFFIXES)
        if derived and not (folder / name).exists():
            continue  # what was made from the video may be gone; Make makes it again from the video shown
        assert (folder / name).read_bytes() == content, f"{name} is not the {which} render's"
    if which == "new":
        leftovers = [s for s in DERIVED_SUFFIXES if (folder / f"{STEM}{s}").exists()]
        assert not leftovers, f"{leftovers} were made from the old video"
    return which


def _operations(tmp_path: Path) -> int:
    """How many renames and removals one commit makes (each is a point where it can be interrupted)."""
    folder = tmp_path / "count"
    folder.mkdir()
    _old_render(folder)
    staged, video = _stage(folder, "new")
    calls: list[str] = []
    real_replace, real_unlink = os.replace, os.unlink

    def counted(real: Callable[..., None], name: str) -> Callable[..., None]:
        def op(*args: Any, **kwargs: Any) -> None:
            calls.append(name)
            real(*args, **kwargs)
        return op

    os.replace = counted(real_replace, "replace")
    os.unlink = counted(real_unlink, "unlink")
    try:
        commit_render(staged, video)
    finally:
        os.replace, os.unlink = real_replace, real_unlink
    return len(calls)


class Interrupted(KeyboardInterrupt):
    pass


def _interrupting(real, count: list[int], stop: int, when: str):
    """``real`` (os.replace or os.unlink), raising Interrupted before or after the ``stop``-th step of all."""
    def op(*args, **kwargs):
        count[0] += 1
        if count[0] - 1 == stop and when == "before":
            raise Interrupted  # Ctrl-C (SIGINT) as this rename or removal was due
        result = real(*args, **kwargs)
        if count[0] - 1 == stop and when == "after":
            raise Interrupted  # between this step and the next
        return result
    return op


def test_an_interrupt_at_every_step_leaves_old_new_or_nothing(tmp_path: Path, monkeypatch) -> None:
    steps = _operations(tmp_path)
    assert steps == len(DERIVED_SUFFIXES) + 1 + len(CAPTIONS) + 2  # removals, sidecar renames, the video
    seen = set()
    for stop in range(steps):
        for when in ("before", "after"):
            folder = tmp_path / f"{when}-{stop}"
            folder.mkdir()
            old = _old_render(folder)
            staged, video = _stage(folder, "new")
            new = {dst.name: src.read_bytes() for src, dst in staged}
            count = [0]
            with monkeypatch.context() as patch:
                patch.setattr(os, "replace", _interrupting(os.replace, count, stop, when))
                patch.setattr(os, "unlink", _interrupting(os.unlink, count, stop, when))
                with pytest.raises(Interrupted):
                    commit_render(staged, video)
            seen.add(_visible(folder, {"old": old, "new": new}))
    assert seen == {"old", "absent", "new"}


# The child only commits what the parent staged, so it imports nothing but the manifest module.
_KILL_AT = """
import json, os, signal, sys
from pathlib import Path
from mathviz.pipeline.manifest import commit_render

staged = [(Path(src), Path(dst)) for src, dst in json.loads(sys.argv[1])]
video, stop, when = Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
count = [0]

def killing(real):
    def op(*args, **kwargs):
        count[0] += 1
        if count[0] - 1 == stop and when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        result = real(*args, **kwargs)
        if count[0] - 1 == stop and when == "after":
            os.kill(os.getpid(), signal.SIGKILL)
        return result
    return op

os.replace, os.unlink = killing(os.replace), killing(os.unlink)
commit_render(staged, video)
"""


def _new_render_files(tmp_path: Path) -> dict[str, bytes]:
    """The new render's files by final name (staging is deterministic, so a scratch copy has the same bytes)."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    staged, _ = _stage(scratch, "new")
    return {dst.name: src.read_bytes() for src, dst in staged}


def test_sigkill_at_every_step_leaves_old_new_or_nothing(tmp_path: Path) -> None:
    steps = _operations(tmp_path)
    new = _new_render_files(tmp_path)
    seen = set()
    for stop in range(steps):
        for when in ("before", "after"):
            folder = tmp_path / f"{when}-{stop}"
            folder.mkdir()
            old = _old_render(folder)
            staged, video = _stage(folder, "new")
            pairs = json.dumps([[str(src), str(dst)] for src, dst in staged])
            done = subprocess.run([sys.executable, "-c", _KILL_AT, pairs, str(video), str(stop), when],
                                  cwd=ROOT, capture_output=True, text=True, timeout=60)
            assert done.returncode == -signal.SIGKILL, done.stderr[-500:]
            seen.add(_visible(folder, {"old": old, "new": new}))
    assert seen == {"old", "absent", "new"}


def test_a_json_from_another_render_is_refused(tmp_path: Path) -> None:
    one, other = tmp_path / "one", tmp_path / "other"
    for folder, which in ((one, "old"), (other, "new")):
        folder.mkdir()
        commit_render(*_stage(folder, which))
    assert load_render(one / f"{STEM}.mp4")["story"] == {"which": "old"}
    (one / f"{STEM}.json").write_bytes((other / f"{STEM}.json").read_bytes())
    with pytest.raises(RenderMismatch, match="come from different renders"):
        load_render(one / f"{STEM}.mp4")


@pytest.mark.parametrize("damage", ["caption", "no-digests", "missing-caption", "not-json"])
def test_readers_refuse_a_set_that_does_not_belong_together_in_one_line(tmp_path: Path, damage: str) -> None:
    folder = tmp_path / "media" / "1080p60"
    folder.mkdir(parents=True)
    commit_render(*_stage(folder, "old"))
    sidecar = folder / f"{STEM}.json"
    if damage == "caption":
        (folder / f"{STEM}.zh.vtt").write_text("captions of another render")
    elif damage == "no-digests":
        numbers = json.loads(sidecar.read_text())
        del numbers[FILES_KEY]
        sidecar.write_text(json.dumps(numbers))
    elif damage == "missing-caption":
        (folder / f"{STEM}.en.srt").unlink()
    else:
        sidecar.write_text("{")
    video = str(folder / f"{STEM}.mp4")
    for args in (["publish", video, "--format", "webm"], ["slides", video, "--out", str(tmp_path / "slides")],
                 ["gallery", "--media", str(tmp_path / "media"), STEM]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2, (args, result.stderr, result.exception)
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: "), result.stderr
        assert "again" in result.stderr or "missing" in result.stderr
    assert not (tmp_path / "slides").exists() and not (tmp_path / "media" / "index.html").exists()


def test_digests_are_of_whole_files(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * (3 << 20))
    import hashlib

    assert file_digest(path) == hashlib.sha256(b"x" * (3 << 20)).hexdigest()


def test_renders_returned_by_dask_workers_are_committed_the_same_way(tmp_path: Path) -> None:
    from mathviz.pipeline.distributed import _write_returned

    folder = tmp_path / "shared"
    folder.mkdir()
    _old_render(folder)
    new = _new_render_files(tmp_path)
    written = _write_returned(new, folder, STEM)
    assert written[-1] == folder / f"{STEM}.mp4"
    assert _visible(folder, {"new": new}) == "new"
    assert not list(folder.glob(".render-*")) and not list(folder.glob(".relu*")), "no staging left behind"


def test_a_render_file_given_as_the_target_is_read_with_the_same_grammar(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("relu--odd.toml").write_text('scene = "relu"\n[params]\nseed = "+-5"\n')
    result = CliRunner().invoke(cli, ["render", "relu--odd.toml", "--out", "out"])
    assert result.exit_code == 2, (result.stderr, result.exception)
    assert result.stderr.startswith("error: seed: ") and result.stderr.count("\n") == 1
