"""Write the last frame of every beat of a render as PNG, for looking at a scene before calling it done.

Usage::

    .venv/bin/python tools/beat_frames.py media/480p15/relu.mp4 [OUT_DIR] [--at SECONDS ...]

Reads the beat times from the ``.json`` that ``mathviz render`` writes beside
the MP4 and decodes the frames with PyAV. Files are named
``<stem>.<index>-<beat>.png`` (and ``<stem>.t<seconds>.png`` for ``--at``)
in OUT_DIR (default: a ``frames`` folder beside the video).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import av


def frames_at(video: Path, times: list[tuple[str, float]], out_dir: Path) -> list[Path]:
    """Decode ``video`` once and save the last frame at or before each time, named by its tag."""
    out_dir.mkdir(parents=True, exist_ok=True)
    wanted = sorted(times, key=lambda item: item[1])
    written: list[Path] = []
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        previous: av.VideoFrame | None = None
        for frame in container.decode(stream):
            while wanted and frame.time is not None and frame.time > wanted[0][1]:
                tag, _ = wanted.pop(0)
                path = out_dir / f"{video.stem}.{tag}.png"
                (previous or frame).to_image().save(path)
                written.append(path)
            previous = frame
        for tag, _ in wanted:  # times at or past the end: the last frame
            if previous is None:
                raise SystemExit(f"error: {video} holds no video frames")
            path = out_dir / f"{video.stem}.{tag}.png"
            previous.to_image().save(path)
            written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video", type=Path)
    parser.add_argument("out_dir", type=Path, nargs="?")
    parser.add_argument("--at", type=float, action="append", default=[], help="also save the frame at this time (s)")
    args = parser.parse_args()
    numbers = json.loads(args.video.with_suffix(".json").read_text())
    # A little before each beat's end: the beat's settled picture, before the next caption fades in.
    times = [(f"{i}-{c['name']}", max(c["end"] - 0.05, c["start"])) for i, c in enumerate(numbers["captions"])]
    times += [(f"t{t:g}", t) for t in args.at]
    for path in frames_at(args.video, times, args.out_dir or args.video.parent / "frames"):
        print(path)


if __name__ == "__main__":
    main()
