"""The ``mathviz`` command: list the explainers, print their numbers and narration scripts, check their frames, render them.

Every bad input ends the same way: exit status 2 and one line on stderr that
starts with ``error:`` and names the parameter and the problem. No traceback,
no partial output file.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal
import sys
import textwrap
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import click

from mathviz.params import ParameterError, ParamsFile, ParamsFileError, check_key, read_params_file
from mathviz.pipeline import registry
from mathviz_scenes.components.look import ASPECTS, CAPTIONS, THEMES, Look, LookError

__all__ = ["cli", "main"]

#: Exit status for bad input (matches click's usage errors).
EXIT_BAD_INPUT = 2
#: Exit status when a valid request fails while rendering.
EXIT_RENDER_FAILED = 1
#: Exit status of ``--strict`` when the frame guard rejects the scene (nothing is written).
EXIT_GUARD_REJECTED = 3


class BadInput(click.ClickException):
    """Bad user input: reported as one ``error:`` line with exit status 2."""

    exit_code = EXIT_BAD_INPUT

    def show(self, file: Any = None) -> None:
        # One line whatever the message holds: user text is quoted with repr, this is the last guard.
        click.echo(f"error: {' '.join(self.format_message().split())}", err=True)


class RenderFailed(BadInput):
    """A valid request that failed while rendering (a missing font, a Manim error): exit status 1."""

    exit_code = EXIT_RENDER_FAILED


class GuardFailed(BadInput):
    """``--strict`` and the frame guard found problems: exit status 3, nothing written."""

    exit_code = EXIT_GUARD_REJECTED


def _print_guard(name: str, report: Any, *, strict: bool) -> None:
    """The frame guard's report on stderr: each finding, then a summary line (the error line when strict fails)."""
    for line in report.lines():
        click.echo(f"mathviz: guard: {line}", err=True)
    if report.ok or not strict:
        click.echo(f"mathviz: {report.summary(name)}", err=True)


@contextlib.contextmanager
def _guard_failures(name: str) -> Iterator[None]:
    """A :class:`~mathviz.pipeline.render.GuardRejected` from inside: print its report, exit 3 with one error line."""
    from mathviz.pipeline.render import GuardRejected

    try:
        yield
    except GuardRejected as rejected:
        _print_guard(rejected.name, rejected.report, strict=True)
        raise GuardFailed(str(rejected)) from None


@contextlib.contextmanager
def _failures_as_errors(what: str, *expected: type[BaseException]) -> Iterator[None]:
    """Turn a failure while doing ``what`` into one ``error:`` line (exit 1); MATHVIZ_DEBUG=1 shows the traceback.

    ``expected`` exceptions carry a message meant for the user and are reported as they are.
    """
    try:
        yield
    except (KeyboardInterrupt, click.Abort, click.ClickException):
        raise
    except expected as exc:
        raise RenderFailed(str(exc)) from None
    except Exception as exc:
        if os.environ.get("MATHVIZ_DEBUG"):
            raise
        message = " ".join(str(exc).split()) or type(exc).__name__
        raise RenderFailed(f"{what} failed: {type(exc).__name__}: {message[:300]}") from None


class _Group(click.Group):
    """A click group whose every failure is one ``error:`` line, never a traceback or a usage dump."""

    # click types main() as two overloads on standalone_mode; this one always runs non-standalone.
    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,  # type: ignore[override]
             **extra: Any) -> Any:
        extra.pop("standalone_mode", None)
        try:
            return super().main(args=args, prog_name=prog_name, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help() if exc.ctx else "", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except click.UsageError as exc:
            message = " ".join(exc.format_message().split())
            click.echo(f"error: {message}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("error: interrupted", err=True)
            sys.exit(130)
        except KeyboardInterrupt:
            click.echo("error: interrupted", err=True)
            sys.exit(130)


def _parse_sets(pairs: Sequence[str]) -> dict[str, str]:
    overrides: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise BadInput(f"--set: expected KEY=VALUE, got {pair[:60]!r}")
        try:
            check_key(key)
        except ParameterError as exc:
            raise BadInput(str(exc)) from None
        if key in overrides:
            raise BadInput(f"{key}: given twice")
        overrides[key] = value
    return overrides


def _read_params_file(path: Path | None) -> ParamsFile | None:
    """The render file (``renders/*.toml``) named by ``--params``, checked; BadInput in one line otherwise."""
    if path is None:
        return None
    try:
        return read_params_file(path)
    except ParamsFileError as exc:
        raise BadInput(f"--params: {exc}") from None


def _with_time_limit(seconds: int, what: str, compute):
    """Run ``compute()``; give up with a clear error after ``seconds`` (user input must never hang us)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        return compute()

    def expire(signum, frame):
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        return compute()
    except TimeoutError:
        raise BadInput(f"{what}: computing the numbers took longer than {seconds} s; simplify the parameters") from None
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


#: Seconds allowed for validating parameters and computing a story.
STORY_TIME_LIMIT = 60


def _story_or_fail(scene: str, pairs: Sequence[str], params_file: Path | None = None):
    try:
        spec = registry.get(scene)
    except registry.UnknownSceneError as exc:
        raise BadInput(str(exc)) from None
    params_from_file = _read_params_file(params_file)
    sets = _parse_sets(pairs)
    try:
        overrides: dict[str, str] = {}
        if params_from_file is not None:
            if params_from_file.scene is not None and params_from_file.scene != spec.name:
                raise BadInput(f"--params: {params_file} is for scene {params_from_file.scene[:40]!r}, "
                               f"not {spec.name!r}")
            overrides.update(params_from_file.texts(spec.parameters()))
        overrides.update(sets)
        story = _with_time_limit(STORY_TIME_LIMIT, spec.name, lambda: spec.build_story(overrides))
    except ParameterError as exc:
        raise BadInput(str(exc)) from None
    return spec, overrides, story


_SET_HELP = "Set a parameter, e.g. --set x0=0.5 or --set matrix='[[1,2],[3,1]]'. Repeatable."
_PARAMS_HELP = "Read parameters from a TOML file's [params] table (see renders/); --set wins over it."
_NARRATION_HELP = ("Narrate: a folder with one recording per beat named <number>-<beat>.wav (or .flac, .ogg, .mp3) "
                   "as in `mathviz script`, or 'espeak' for an offline draft voice (espeak-ng). Each beat lasts at "
                   "least as long as its clip; the audio is levelled to -16 LUFS (AAC in the MP4, Opus in the WebM).")
_FORMAT_HELP = ("Also write these formats beside the MP4, comma-separated: mp4 (H.264, +faststart), webm (VP9), "
                "gif or webp (a few looping seconds at 480 px), poster (key frame PNG); 'default' = mp4,webm,gif,poster; "
                "'all'. Repeatable. [default: mp4]")


_THEME_HELP = "Colours: dark, or light for white pages [default: dark, or the render file's theme]."
_ASPECT_HELP = ("Frame shape: 16:9, 1:1 (square) or 9:16 (portrait; 1080x1920 at -q h); the panel goes below the plot "
                "in 1:1 and 9:16 [default: 16:9, or the render file's aspect].")
_CAPTIONS_HELP = ("burned: draw each beat's caption line into the video (for platforms that ignore caption files); "
                  "none: leave it to the .vtt/.srt captions [default: none, or the render file's captions].")
_LANG_HELP = "Language of every word on screen (sidecar captions come in both) [default: en, or the render file's lang]."


def _look_options(command):
    """``--lang``, ``--theme``, ``--aspect`` and ``--captions``: unset, they come from the render file, else the defaults."""
    for option in reversed((
        click.option("--lang", type=click.Choice(["en", "zh"]), default=None, help=_LANG_HELP),
        click.option("--theme", type=click.Choice(THEMES), default=None, help=_THEME_HELP),
        click.option("--aspect", type=click.Choice(ASPECTS), default=None, help=_ASPECT_HELP),
        click.option("--captions", type=click.Choice(CAPTIONS), default=None, help=_CAPTIONS_HELP),
    )):
        command = option(command)
    return command


def _look_or_fail(from_file: ParamsFile | None, lang: str | None, theme: str | None, aspect: str | None,
                  captions: str | None) -> tuple[Look, str]:
    """The look and language of one render: the option when given, else the render file's, else the default."""
    file_look = dict(from_file.look) if from_file is not None else {}
    where = f"--params: {from_file.path}: " if from_file is not None else ""
    chosen = {"theme": theme, "aspect": aspect, "captions": captions}
    values = {key: value if value is not None else file_look.get(key) for key, value in chosen.items()}
    try:
        look = Look(**{key: value for key, value in values.items() if value is not None})
    except LookError as exc:
        raise BadInput(f"{where}{exc}") from None
    lang = lang if lang is not None else file_look.get("lang", "en")
    if lang not in ("en", "zh"):
        raise BadInput(f"{where}lang must be one of en, zh, got {lang[:20]!r}")
    return look, lang


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mathviz")
def cli() -> None:
    """Verified animated explainers of the math behind machine learning."""


@cli.command("list")
@click.option("--names", is_flag=True, help="Only the scene names, one per line.")
def list_scenes(names: bool) -> None:
    """Each scene: its name, what it teaches, its parameters with defaults."""
    found = registry.specs()
    for problem in registry.problems():
        click.echo(f"error: {problem}", err=True)
    if names:
        click.echo("\n".join(spec.name for spec in found))
        return
    for spec in found:
        origin = "" if spec.builtin else f"  [plugin: {spec.origin.distribution} {spec.origin.version}]"
        click.echo(f"{spec.name}: {spec.title}{origin}")
        click.echo(textwrap.fill(spec.teaches, width=88, initial_indent="    ", subsequent_indent="    "))
        for param in spec.parameters():
            click.echo(f"    --set {param.name}={param.default}")
            click.echo(textwrap.fill(param.help, width=88, initial_indent="        ", subsequent_indent="        "))
        click.echo("")


@cli.command()
@click.argument("scene")
@click.option("--set", "pairs", multiple=True, metavar="KEY=VALUE", help=_SET_HELP)
@click.option("--params", "params_file", type=click.Path(dir_okay=False, path_type=Path), help=_PARAMS_HELP)
@click.option("--compact", is_flag=True, help="One line of JSON instead of indented.")
def numbers(scene: str, pairs: tuple[str, ...], params_file: Path | None, compact: bool) -> None:
    """Print SCENE's story as JSON: exactly the numbers the video shows."""
    _, _, story = _story_or_fail(scene, pairs, params_file)
    click.echo(story.to_json(indent=None if compact else 2))


_JOBS_HELP = ("Processes for one video: its animations are split into N contiguous chunks rendered at once and joined "
              "without re-encoding (frames identical to --jobs 1). [default: the cores, divided by make's -jK when run "
              "under make -jK; MATHVIZ_JOBS overrides; with --scheduler, one chunk per worker thread]")
_STRICT_HELP = ("Exit with status 3 and write nothing when the frame guard (as `mathviz check`, on the frames this "
                "command makes) finds a problem. Without it the guard's report is printed and the files are written.")
_SCHEDULER_HELP = ("Render on the Dask cluster whose scheduler is at ADDRESS (e.g. tcp://10.0.0.5:8786): one video's chunks, "
                   "or each RENDER_FILE as a whole render. Files are written here, atomically, as for a local render.")


def _render_targets(targets: Sequence[str], pairs: Sequence[str], params_file: Path | None, output_name: str | None):
    """Each target as (spec, overrides, story, output name, render file): a scene name, or a render file
    ``renders/<name>.toml`` (the render file is None for a scene name without ``--params``).
    """
    if len(targets) > 1 and (pairs or params_file is not None or output_name is not None):
        raise BadInput("--set, --params and --name apply to one render; give one SCENE or RENDER_FILE with them")
    resolved = []
    for target in targets:
        if target.endswith(".toml"):
            path = Path(target)
            if params_file is not None:
                raise BadInput(f"--params: {target} is already a render file; give one or the other")
            if not path.is_file():
                raise BadInput(f"{target[:80]}: no such render file")
            from_file = _read_params_file(path)
            scene = (from_file.scene if from_file is not None else None) or path.stem.split("--")[0]
            spec, overrides, story = _story_or_fail(scene, pairs, path)
            name = output_name if output_name is not None else path.stem
        else:
            spec, overrides, story = _story_or_fail(target, pairs, params_file)
            name = output_name if output_name is not None else spec.name
            from_file = _read_params_file(params_file)
        _check_output_name(name)
        resolved.append((spec, overrides, story, name, from_file))
    names = [name for _, _, _, name, _ in resolved]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate is not None:
        raise BadInput(f"{duplicate}: two renders would write the same files")
    return resolved


@cli.command()
@click.argument("targets", nargs=-1, required=True, metavar="SCENE | RENDER_FILE...")
@click.option("--set", "pairs", multiple=True, metavar="KEY=VALUE", help=_SET_HELP)
@click.option("--params", "params_file", type=click.Path(dir_okay=False, path_type=Path), help=_PARAMS_HELP)
@click.option("--name", "output_name", default=None, metavar="NAME",
              help="Base name of the files written [default: the scene name, or the render file's name].")
@click.option("-q", "--quality", type=click.Choice(["l", "m", "h", "p", "k"]), default="h", show_default=True,
              help="l=480p15, m=720p30, h=1080p60, p=1440p60, k=2160p60.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output directory [default: media/<quality>, e.g. media/1080p60].")
@_look_options
@click.option("--progress/--no-progress", default=None, help="Show progress on stderr [default: on a terminal].")
@click.option("--format", "formats", multiple=True, metavar="LIST", help=_FORMAT_HELP)
@click.option("--narration", "narration_from", default=None, metavar="DIR|espeak", help=_NARRATION_HELP)
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N", help=_JOBS_HELP)
@click.option("--scheduler", default=None, metavar="ADDRESS", help=_SCHEDULER_HELP)
@click.option("--strict", is_flag=True, help=_STRICT_HELP)
def render(targets: tuple[str, ...], pairs: tuple[str, ...], params_file: Path | None, output_name: str | None,
           quality: str, out_dir: Path | None, lang: str | None, theme: str | None, aspect: str | None,
           captions: str | None, progress: bool | None, formats: tuple[str, ...],
           narration_from: str | None, jobs: int | None, scheduler: str | None, strict: bool) -> None:
    """Render SCENE (or each RENDER_FILE, renders/<name>.toml) and print the path of each file written, one per line.

    The frame guard watches every frame made and its report goes to stderr; with --strict a
    problem ends the command with exit status 3 before the render's files are written.
    """
    from mathviz.pipeline.distributed import SchedulerUnavailable
    from mathviz.pipeline.render import MissingDependency, quality_label, render_scene

    extra_formats = [f for f in _formats_or_fail(formats or ("mp4",)) if f != "mp4"]
    if scheduler is not None and not scheduler.strip():
        raise BadInput("--scheduler: give the scheduler's address, e.g. tcp://127.0.0.1:8786")
    resolved = _render_targets(targets, pairs, params_file, output_name)
    out = _output_folder(out_dir if out_dir is not None else Path("media") / quality_label(quality))
    if progress is None:
        progress = sys.stderr.isatty()
    if len(resolved) > 1 and narration_from is not None:
        raise BadInput("--narration: narrate one render at a time")
    # Every look, clip and script is checked before anything renders.
    looks = [_look_or_fail(from_file, lang, theme, aspect, captions) for *_, from_file in resolved]
    prepared = [(spec, overrides, story, name, look, lang_,
                 *_script_and_narration(spec, story, name, lang_, narration_from))
                for (spec, overrides, story, name, _), (look, lang_) in zip(resolved, looks)]
    videos = []
    if scheduler is not None and len(prepared) > 1:
        from mathviz.pipeline.distributed import RenderRequest, render_requests_on_cluster

        requests = [RenderRequest(spec.name, overrides, name, quality, lang_, script=scripts, strict=strict, look=look)
                    for spec, overrides, _, name, look, lang_, scripts, _ in prepared]

        def report(request, files) -> None:
            for path in files:
                click.echo(str(path))

        def guard(request, verdict) -> None:
            if verdict.ok or not request.strict:
                _print_guard(request.name, verdict, strict=False)

        with _failures_as_errors(f"render of {len(requests)} files on {scheduler}", MissingDependency,
                                 SchedulerUnavailable), _guard_failures("render"):
            written = render_requests_on_cluster(scheduler, requests, out, on_done=report, on_guard=guard)
        videos = [files[-1] for files in written]
    else:
        for spec, overrides, story, name, look, lang_, scripts, narration in prepared:
            with _failures_as_errors(f"render of {name}", MissingDependency, SchedulerUnavailable), \
                    _guard_failures(name):
                result = render_scene(spec.name, overrides, quality=quality, out_dir=out, lang=lang_, progress=progress,
                                      output_name=name, script=scripts, narration=narration, story=story, jobs=jobs,
                                      scheduler=scheduler, strict=strict, look=look)
            _print_guard(name, result.guard, strict=False)
            for path in result.files:
                click.echo(str(path))
            videos.append(result.video)
    if extra_formats:
        for video in videos:
            _publish_or_fail(video, extra_formats)


@cli.command()
@click.argument("scene")
@click.option("--set", "pairs", multiple=True, metavar="KEY=VALUE", help=_SET_HELP)
@click.option("--params", "params_file", type=click.Path(dir_okay=False, path_type=Path), help=_PARAMS_HELP)
@click.option("--name", "output_name", default=None, metavar="NAME",
              help="Base name of the files written [default: the scene name].")
@click.option("-q", "--quality", type=click.Choice(["l", "m", "h"]), default="l", show_default=True,
              help="l=480p, m=720p, h=1080p (stills; no video is encoded).")
@_look_options
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("media/storyboard"),
              show_default=True, help="Output directory.")
@click.option("--strict", is_flag=True, help=_STRICT_HELP)
def storyboard(scene: str, pairs: tuple[str, ...], params_file: Path | None, output_name: str | None, quality: str,
               lang: str | None, theme: str | None, aspect: str | None, captions: str | None, out_dir: Path,
               strict: bool) -> None:
    """Write the settled last frame of every beat of SCENE as PNG, and a contact sheet with captions; no video.

    Plays the scene without drawing or encoding and draws only each beat's end, so a
    parameter change shows in seconds. Writes OUT/NAME/NN-<beat>.png, OUT/NAME/storyboard.json
    and the contact sheet OUT/NAME.png (printed last).
    """
    from mathviz.pipeline.render import MissingDependency
    from mathviz.pipeline.storyboard import make_storyboard

    spec, overrides, story = _story_or_fail(scene, pairs, params_file)
    look, lang = _look_or_fail(_read_params_file(params_file), lang, theme, aspect, captions)
    name = output_name if output_name is not None else spec.name
    _check_output_name(name)
    out_dir = _output_folder(out_dir)
    scripts, _ = _script_and_narration(spec, story, name, lang, None)
    with _failures_as_errors(f"storyboard of {scene}", MissingDependency), _guard_failures(name):
        result = make_storyboard(spec.name, overrides, quality=quality, out_dir=out_dir, lang=lang, output_name=name,
                                 script=scripts, story=story, strict=strict, look=look)
    _print_guard(name, result.guard, strict=False)
    for path in result.files:
        click.echo(str(path))
    click.echo(f"mathviz: {name}: {len(result.stills)} beats in {result.seconds:.1f} s", err=True)


def _beats_or_fail(spec, story, render_name: str, lang: str):
    """The render's beats (scene build without pixels) with the author's scripts applied, and those scripts."""
    from mathviz.pipeline.script import ScriptError, apply_scripts, load_scripts, scene_beats

    with _failures_as_errors(f"building {spec.name}"):
        beats = scene_beats(spec.scene_class(), story, lang)
    try:
        scripts = load_scripts(render_name, beats)
    except ScriptError as exc:
        raise BadInput(str(exc)) from None
    return apply_scripts(beats, scripts), scripts


def _script_and_narration(spec, story, render_name: str, lang: str, narration_from: str | None):
    """The author's scripts for ``render_name`` and the checked, levelled narration (None without ``--narration``)."""
    from mathviz.pipeline.script import SCRIPT_DIR

    if narration_from is None and not (SCRIPT_DIR / render_name).is_dir():
        return {}, None
    beats, scripts = _beats_or_fail(spec, story, render_name, lang)
    if narration_from is None:
        return scripts, None
    import tempfile

    from mathviz.pipeline.narration import ESPEAK, NarrationError, espeak_clips, find_clips, load_narration

    if not narration_from:
        raise BadInput(f"--narration: give a folder of clips or '{ESPEAK}'")
    try:
        if narration_from == ESPEAK:
            with tempfile.TemporaryDirectory(prefix="mathviz-espeak-") as spoken:
                try:
                    paths = espeak_clips(beats, lang, Path(spoken))
                except NarrationError as exc:
                    raise RenderFailed(str(exc)) from None
                narration = load_narration(paths, beats, source=ESPEAK, lang=lang)
        else:
            narration = load_narration(find_clips(Path(narration_from), beats), beats, source="recordings", lang=lang)
    except NarrationError as exc:
        raise BadInput(str(exc)) from None
    return scripts, narration


def _render_or_scene(name: str, pairs: Sequence[str], params_file: Path | None):
    """``RENDER_OR_SCENE``: a render file ``renders/<name>.toml`` (its scene and parameters) or a scene's defaults."""
    render_file = Path("renders") / f"{name}.toml"
    if params_file is None and render_file.is_file():
        params_file = render_file
    from_file = _read_params_file(params_file)
    scene = (from_file.scene if from_file is not None else None) or name.split("--")[0]
    known = registry.names()
    if scene not in known and params_file is None:
        raise BadInput(f"{name[:60]!r} is neither a render (no renders/{name[:60]}.toml) nor a scene "
                       f"(scenes: {', '.join(known)})")
    spec, overrides, story = _story_or_fail(scene, pairs, params_file)
    return spec, overrides, story, params_file


@cli.command()
@click.argument("render_or_scene", metavar="RENDER_OR_SCENE")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of the script (and of the voice that reads it).")
@click.option("--set", "pairs", multiple=True, metavar="KEY=VALUE", help=_SET_HELP)
@click.option("--params", "params_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Read parameters from this TOML file [default: renders/RENDER_OR_SCENE.toml when it exists].")
def script(render_or_scene: str, lang: str, pairs: tuple[str, ...], params_file: Path | None) -> None:
    """Print the narration script of a render: one numbered paragraph per beat, from its caption.

    Each beat is a heading '## <number>-<beat>', the name its recording must have (1-relu.wav),
    then the words to say. Save it as narration/<render>/script.<lang>.md and edit the words to
    make the captions follow; record one clip per paragraph and render with --narration FOLDER.
    """
    from mathviz.pipeline.script import format_script

    spec, _, story, used_params = _render_or_scene(render_or_scene, pairs, params_file)
    render_name = render_or_scene if used_params is not None and used_params.stem == render_or_scene else spec.name
    beats, _ = _beats_or_fail(spec, story, render_name, lang)
    command = f"mathviz render {spec.name}"
    if render_name != spec.name:
        command += f" --params {used_params} --name {render_name}"
    elif pairs:
        command += "".join(f" --set {shlex.quote(pair)}" for pair in pairs)
    click.echo(format_script(render_name, beats, lang, render_command=command), nl=False)


#: Longest --name: the longest file written is <name>.poster.png, and its temporary name adds about 60
#: characters, all within the 255 bytes a file name may have on Linux and macOS.
MAX_NAME = 100
_NAME = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._-]{{0,{MAX_NAME - 1}}}")


def _check_output_name(name: str) -> None:
    if len(name) > MAX_NAME:
        raise BadInput(f"--name: at most {MAX_NAME} characters, got {len(name)}")
    if not _NAME.fullmatch(name):
        raise BadInput(f"--name: ASCII letters, digits, '-', '_' and '.', not starting with '.', '-' or '_'; "
                       f"got {name[:40]!r}")


def _output_folder(out: Path) -> Path:
    """``out``, created if needed; BadInput when it cannot be (a file in the way, no permission, a bad name)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise BadInput(f"--out: {out} exists and is not a folder") from None
    except OSError as exc:
        raise BadInput(f"--out: cannot create {out}: {exc.strerror or exc}") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise BadInput(f"--out: {out} is not writable")
    return out


def _formats_or_fail(texts: Sequence[str]) -> tuple[str, ...]:
    from mathviz.pipeline.publish import parse_formats

    try:
        return parse_formats(texts)
    except ValueError as exc:
        raise BadInput(f"--format: {exc}") from None


def _reader_module(name: str):
    """Import a module that only reads finished renders (gallery, slides).

    By name, not with an import statement: tools/deps.py makes every video depend on the modules
    this file imports, and editing the gallery or the slides must not re-render every video.
    """
    import importlib

    return importlib.import_module(name)


def _existing_video(video: Path) -> Path:
    if video.suffix != ".mp4":
        raise BadInput(f"{video}: expected a rendered .mp4 (see make render)")
    from mathviz.pipeline.manifest import RenderMismatch, load_render

    try:
        load_render(video)  # the JSON and captions must be the ones written with this video
    except (FileNotFoundError, RenderMismatch) as exc:
        raise BadInput(str(exc)) from None
    return video


def _publish_or_fail(video: Path, formats: Sequence[str]) -> None:
    from mathviz.pipeline.publish import publish

    def report(result) -> None:
        click.echo(str(result.path))
        if result.frames > 1:
            click.echo(f"mathviz: {result.path.name}: {result.frames} frames in {result.seconds:.1f} s "
                       f"({result.frames_per_second:.0f} frames/s)", err=True)

    with _failures_as_errors(f"encoding {video.name}"):
        publish(video, formats, report=report)


@cli.command()
@click.argument("video", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "formats", multiple=True, metavar="LIST", required=True,
              help="Formats to write beside VIDEO, comma-separated: mp4, webm, gif, webp, poster, default, all.")
def publish(video: Path, formats: tuple[str, ...]) -> None:
    """Write web formats of a rendered VIDEO (.mp4 with its .json) beside it; print each path."""
    chosen = _formats_or_fail(formats)
    _publish_or_fail(_existing_video(video), chosen)


@cli.command()
@click.argument("names", nargs=-1)
@click.option("--media", "media", type=click.Path(file_okay=False, path_type=Path), default=Path("media"),
              show_default=True, help="Folder the page is written to (as index.html).")
@click.option("--videos", "video_dir", default="1080p60", show_default=True, metavar="DIR",
              help="Folder inside --media holding the renders.")
def gallery(names: tuple[str, ...], media: Path, video_dir: str) -> None:
    """Write MEDIA/index.html: every render (or only NAMES) with video, captions, numbers and an embed snippet."""
    write_gallery = _reader_module("mathviz.pipeline.gallery").write_gallery

    if "/" in video_dir or video_dir.startswith(".") or not video_dir:
        raise BadInput(f"--videos: a folder name inside {media}, got {video_dir[:40]!r}")
    from mathviz.pipeline.manifest import RenderMismatch

    try:
        page = write_gallery(media, video_dir, list(names) or None)
    except (FileNotFoundError, RenderMismatch) as exc:
        raise BadInput(str(exc)) from None
    click.echo(str(page))


@cli.command()
@click.argument("video", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("media/slides"),
              show_default=True, help="Output directory.")
@click.option("--format", "formats", default="html", show_default=True, metavar="LIST",
              help="Comma-separated: html (one self-contained file that plays offline), pdf (last frame of each beat), pptx.")
def slides(video: Path, out_dir: Path, formats: str) -> None:
    """Build lecture slides from a rendered VIDEO: one slide per beat, the next beat on a key press."""
    os.environ.setdefault("TQDM_DISABLE", "1")  # manim-slides' PDF progress bars; tqdm reads this when imported
    import importlib.util

    # Once imported, manim_slides replaces its module with one whose __spec__ is None, and find_spec
    # then raises ValueError (a second `slides` in one process, as under click's test runner).
    if "manim_slides" not in sys.modules and importlib.util.find_spec("manim_slides") is None:
        raise BadInput("slides need the [slides] extra: pip install 'mathviz[slides]' (make slides installs it)")
    slides_module = _reader_module("mathviz.pipeline.slides")
    SLIDE_FORMATS, RevealMissing, build_slides = (slides_module.SLIDE_FORMATS, slides_module.RevealMissing,
                                                  slides_module.build_slides)

    chosen = [f.strip().lower() for f in formats.split(",") if f.strip()]
    bad = [f for f in chosen if f not in SLIDE_FORMATS]
    if bad or not chosen:
        raise BadInput(f"--format: unknown slides format {(bad or [formats])[0]!r} (known: {', '.join(SLIDE_FORMATS)})")
    _existing_video(video)
    with _failures_as_errors(f"slides for {video.name}", RevealMissing):
        written = build_slides(video, out_dir, chosen)
    for path in written:
        click.echo(str(path))


@cli.command()
@click.argument("scene", metavar="SCENE|FILE.py:CLASS")
@click.option("--set", "pairs", multiple=True, metavar="KEY=VALUE", help=_SET_HELP)
@click.option("--params", "params_file", type=click.Path(dir_okay=False, path_type=Path), help=_PARAMS_HELP)
@_look_options
@click.option("--shapes/--no-shapes", default=True, show_default=True,
              help="Check lines and filled shapes over text and flat 3D shapes seen edge-on (line-over-text, "
              "fill-over-text, edge-on); --no-shapes leaves them out.")
@click.option("--contrast/--no-contrast", default=True, show_default=True,
              help="Check that text and key strokes keep 4.5:1 contrast against what they are drawn on, in the "
              "chosen theme; --no-contrast leaves it out.")
def check(scene: str, pairs: tuple[str, ...], params_file: Path | None, lang: str | None, theme: str | None,
          aspect: str | None, captions: str | None, shapes: bool, contrast: bool) -> None:
    """Check SCENE's frames before a long render: off-screen, overlapping, illegible text, wrong numbers.

    Builds the scene without rendering pixels and inspects every section end and
    points inside each animation. Exit status 0 when clean, 1 when it found problems.

    Any Manim Community scene can be checked too, as path/to/file.py:SceneClass (the class
    may be left out when the file defines one scene): off-screen, overlapping and tiny text
    and text over curves; it has no story, so its numbers are not compared.
    """
    if scene.endswith(".py") or ".py:" in scene:
        if pairs or params_file:
            raise BadInput("--set/--params: a plain Manim scene file takes no parameters")
        if lang or theme or aspect or captions:
            raise BadInput("--lang/--theme/--aspect/--captions: a plain Manim scene file has no look to choose")
        from mathviz.pipeline.check import SceneFileError, check_scene_class, find_scene_class, parse_scene_reference

        with _failures_as_errors(f"importing {scene}"):
            try:
                path, class_name = parse_scene_reference(scene)
                scene_class = find_scene_class(path, class_name)
            except SceneFileError as exc:
                raise BadInput(str(exc)) from None
        with _failures_as_errors(f"building {path}:{scene_class.__name__}"):
            checker = check_scene_class(scene_class, shapes=shapes, contrast=contrast)
        label = f"{path}:{scene_class.__name__}"
    else:
        spec, _, story = _story_or_fail(scene, pairs, params_file)
        look, lang = _look_or_fail(_read_params_file(params_file), lang, theme, aspect, captions)
        from mathviz.pipeline.check import check_scene

        with _failures_as_errors(f"building {spec.name}"):
            checker = check_scene(spec.name, story=story, look=look, lang=lang, shapes=shapes, contrast=contrast)
        label = spec.name
    for finding in checker.findings:
        click.echo(str(finding))
    if checker.findings:
        click.echo(f"{label}: {len(checker.findings)} problem(s) in {checker.frames_checked} frames checked", err=True)
        sys.exit(1)
    click.echo(f"{label}: ok ({checker.frames_checked} frames checked)")


@cli.command("new")
@click.argument("name")
@click.option("--dir", "directory", type=click.Path(path_type=Path), default=Path("."), show_default=True,
              help="Folder to create the package folder NAME in.")
@click.option("--title", default=None, help="The explainer's title [default: from NAME].")
def new(name: str, directory: Path, title: str | None) -> None:
    """Create a plugin package NAME: a working, tested explainer to make your own.

    Then: pip install -e DIR/NAME; cd DIR/NAME; pytest; mathviz render NAME -q l.
    """
    from mathviz.pipeline.scaffold import ScaffoldError, create_plugin

    try:
        folder = create_plugin(name, directory, title)
    except ScaffoldError as exc:
        raise BadInput(str(exc)) from None
    click.echo(str(folder))
    click.echo(f"next: pip install -e {folder} && (cd {folder} && pytest) && mathviz render {name} -q l", err=True)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="mathviz")


if __name__ == "__main__":  # pragma: no cover
    main()
