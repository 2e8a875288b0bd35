"""Shared by the publish, gallery and slides tests: one tiny real render, a localhost server, headless Chromium.

The fixtures are registered once, by ``tests/conftest.py`` importing them, and
are session-scoped: the tiny render and the browser start happen at most once
per pytest worker however many modules use them.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import Tag

from tests.conftest import TINY_RENDER

#: The scene rendered (tiny) for these tests.
SCENE = "derivative"
#: Debian's Chromium, installed by tools/bootstrap.sh; Playwright's own browser download is never used.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required",
]


@dataclass(frozen=True)
class Published:
    """A tiny render in ``media/<videos>/`` with every web format written beside it."""

    media: Path
    videos: str
    name: str
    numbers: dict

    @property
    def video(self) -> Path:
        return self.media / self.videos / f"{self.name}.mp4"

    @property
    def beats(self) -> int:
        return sum(1 for c in self.numbers["captions"] if c["end"] - c["start"] > 1e-6)


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Published:
    """Render SCENE tiny (256x144, 5 fps) through mathviz.pipeline.render and publish every format."""
    from mathviz.pipeline.publish import FORMATS, publish
    from mathviz.pipeline.render import render_scene

    media = tmp_path_factory.mktemp("media")
    # A relative output directory, as `make render` passes (--out media/1080p60).
    here = os.getcwd()
    os.chdir(media.parent)
    try:
        result = render_scene(SCENE, {}, quality="h", out_dir=Path(media.name) / "1080p60", extra_config=TINY_RENDER)
    finally:
        os.chdir(here)
    assert result.video == Path(media.name) / "1080p60" / f"{SCENE}.mp4"
    assert sorted(p.name for p in media.iterdir()) == ["1080p60"]  # nothing left beside it (Manim's own .srt)
    publish(media / "1080p60" / result.video.name, list(FORMATS))
    numbers = json.loads((media / "1080p60" / f"{SCENE}.json").read_text(encoding="utf-8"))
    return Published(media, "1080p60", SCENE, numbers)


def tag(found: object) -> Tag:
    """A BeautifulSoup lookup that must have found an element (a ``Tag``, not None or a string)."""
    assert isinstance(found, Tag), found
    return found


def copy_render(published: Published, dst: Path) -> Path:
    """A private copy of the published folder (tests that write into it must not disturb others)."""
    target = dst / "media"
    shutil.copytree(published.media, target)
    return target


# -- a static server on localhost -------------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        # A browser that closes while a video downloads resets the connection; that is no error.
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 at an ephemeral port in a thread; yields the base URL."""
    server = _Server(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# -- headless Chromium ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium():
    """A headless Debian Chromium driven by Playwright. Fails (never skips) when it is missing."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's chromium; run make setup "
                    "(tools/bootstrap.sh installs it)", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the python package playwright is missing: run make setup", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, timeout=60_000)
        yield browser
        browser.close()


class Guard:
    """Records every request a page makes and aborts any that would leave this machine."""

    LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.blocked: list[str] = []

    def is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return True
        if parts.scheme == "file":
            return True
        return parts.hostname in self.LOCAL_HOSTS

    def attach(self, context) -> None:
        def route(route, request) -> None:
            if self.is_local(request.url):
                route.continue_()
            else:
                self.blocked.append(request.url)
                route.abort()

        context.route("**/*", route)
        context.on("request", lambda request: self.requests.append(request.url))


@contextmanager
def guarded_page(browser, **context_args):
    """A new page whose requests are recorded, and stopped unless they go to localhost."""
    context = browser.new_context(service_workers="block", **context_args)
    guard = Guard()
    guard.attach(context)
    page = context.new_page()
    try:
        yield page, guard
    finally:
        context.close()


def make_variant(media: Path, videos: str, source: str, name: str, look: dict[str, str],
                 size: tuple[int, int] | None = None) -> dict:
    """Another render ``name`` beside ``source`` in ``media/videos``: its files copied, its JSON recording
    ``look`` (theme, aspect, lang, captions) and, with ``size``, its video re-encoded to that many pixels
    (a stand-in portrait video), the file digests recorded again and its WebM and poster published.
    Returns the variant's numbers. For the readers (gallery, slides): they read the JSON, not the pixels.
    """
    import av

    from mathviz.pipeline.manifest import record_files
    from mathviz.pipeline.publish import publish

    folder = media / videos
    numbers = json.loads((folder / f"{source}.json").read_text(encoding="utf-8"))
    files = {}
    for suffix in numbers["files"]:
        files[suffix] = folder / f"{name}{suffix}"
        if name != source:
            shutil.copyfile(folder / f"{source}{suffix}", files[suffix])
    if size is not None:
        with av.open(str(folder / f"{source}.mp4")) as inp, av.open(str(files[".mp4"]), "w", format="mp4") as out:
            in_stream = inp.streams.video[0]
            rate = in_stream.average_rate
            assert rate is not None
            stream = out.add_stream("libx264", rate=rate)
            stream.width, stream.height = size
            stream.pix_fmt = "yuv420p"
            for i, frame in enumerate(inp.decode(in_stream)):
                scaled = frame.reformat(width=size[0], height=size[1], format="yuv420p")
                scaled.pts, scaled.time_base = i, 1 / rate
                out.mux(stream.encode(scaled))
            out.mux(stream.encode(None))
    recorded = {**numbers, "look": {k: v for k, v in look.items() if k != "lang"}, "lang": look.get("lang", "en")}
    numbers = record_files(recorded, files)
    (folder / f"{name}.json").write_text(json.dumps(numbers, indent=2, ensure_ascii=False), encoding="utf-8")
    publish(files[".mp4"], ["webm", "poster"])
    return numbers
