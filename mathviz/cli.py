"""The ``mathviz`` command: list the explainers, print their numbers, check their frames, render them.

Every bad input ends the same way: exit status 2 and one line on stderr that
starts with ``error:`` and names the parameter and the problem. No traceback,
no partial output file.
"""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path
from typing import Any, Sequence

import click

from mathviz import registry
from mathviz.catalog import SCENES
from mathviz.params import ParameterError

__all__ = ["cli", "main"]

#: Exit status for bad input (matches click's usage errors).
EXIT_BAD_INPUT = 2
#: Exit status when a valid request fails while rendering.
EXIT_RENDER_FAILED = 1


class BadInput(click.ClickException):
    """Bad user input: reported as one ``error:`` line with exit status 2."""

    exit_code = EXIT_BAD_INPUT

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class _Group(click.Group):
    """A click group whose every failure is one ``error:`` line, never a traceback or a usage dump."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, **extra: Any) -> Any:
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
        if key in overrides:
            raise BadInput(f"{key}: given twice")
        overrides[key] = value
    return overrides


def _story_or_fail(scene: str, pairs: Sequence[str]):
    try:
        spec = registry.get(scene)
    except registry.UnknownSceneError as exc:
        raise BadInput(str(exc)) from None
    overrides = _parse_sets(pairs)
    try:
        return spec, overrides, spec.build_story(overrides)
    except ParameterError as exc:
        raise BadInput(str(exc)) from None


_SET_HELP = "Set a parameter, e.g. --set x0=0.5 or --set matrix='[[1,2],[3,1]]'. Repeatable."


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mathviz")
def cli() -> None:
    """Verified animated explainers of the math behind machine learning."""


@cli.command("list")
@click.option("--names", is_flag=True, help="Only the scene names, one per line.")
def list_scenes(names: bool) -> None:
    """Each scene: its name, what it teaches, its parameters with defaults."""
    if names:
        click.echo("\n".join(SCENES))
        return
    for name in SCENES:
        spec = registry.get(name)
        click.echo(f"{spec.name}: {spec.title}")
        click.echo(textwrap.fill(spec.teaches, width=88, initial_indent="    ", subsequent_indent="    "))
        for param in spec.parameters():
            click.echo(f"    --set {param.name}={param.default}")
            click.echo(textwrap.fill(param.help, width=88, initial_indent="        ", subsequent_indent="        "))
        click.echo("")


@cli.command()
@click.argument("scene")
@click.option("--set", "pairs", multiple=True, metavar="KEY=VALUE", help=_SET_HELP)
@click.option("--compact", is_flag=True, help="One line of JSON instead of indented.")
def numbers(scene: str, pairs: tuple[str, ...], compact: bool) -> None:
    """Print SCENE's story as JSON: exactly the numbers the video shows."""
    _, _, story = _story_or_fail(scene, pairs)
    click.echo(story.to_json(indent=None if compact else 2))


@cli.command()
@click.argument("scene")
@click.option("--set", "pairs", multiple=True, metavar="KEY=VALUE", help=_SET_HELP)
@click.option("-q", "--quality", type=click.Choice(["l", "m", "h", "p", "k"]), default="h", show_default=True,
              help="l=480p15, m=720p30, h=1080p60, p=1440p60, k=2160p60.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output directory [default: media/<quality>, e.g. media/1080p60].")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of the caption line drawn in the video (sidecar captions come in both).")
@click.option("--progress/--no-progress", default=None, help="Show Manim's progress bar [default: on a terminal].")
def render(scene: str, pairs: tuple[str, ...], quality: str, out_dir: Path | None, lang: str,
           progress: bool | None) -> None:
    """Render SCENE and print the path of each file written, one per line."""
    from mathviz.render import quality_label, render_scene

    spec, overrides, _ = _story_or_fail(scene, pairs)
    out = out_dir if out_dir is not None else Path("media") / quality_label(quality)
    if progress is None:
        progress = sys.stderr.isatty()
    try:
        result = render_scene(spec.name, overrides, quality=quality, out_dir=out, lang=lang, progress=progress)
    except ParameterError as exc:  # pragma: no cover - validated above; kept for safety
        raise BadInput(str(exc)) from None
    except (KeyboardInterrupt, click.Abort):
        raise
    except Exception as exc:
        if os.environ.get("MATHVIZ_DEBUG"):
            raise
        message = " ".join(str(exc).split()) or type(exc).__name__
        error = click.ClickException(f"render of {scene} failed: {type(exc).__name__}: {message[:300]}")
        error.exit_code = EXIT_RENDER_FAILED
        error.show = lambda file=None: click.echo(f"error: {error.format_message()}", err=True)  # type: ignore[method-assign]
        raise error from None
    for path in result.files:
        click.echo(str(path))


@cli.command()
@click.argument("scene")
@click.option("--set", "pairs", multiple=True, metavar="KEY=VALUE", help=_SET_HELP)
def check(scene: str, pairs: tuple[str, ...]) -> None:
    """Check SCENE's frames before a long render: off-screen, overlapping, illegible text, wrong numbers.

    Builds the scene without rendering pixels and inspects every section end and
    points inside each animation. Exit status 0 when clean, 1 when it found problems.
    """
    spec, overrides, _ = _story_or_fail(scene, pairs)
    from scenes.components.quality import check_scene

    checker = check_scene(spec.name, overrides)
    for finding in checker.findings:
        click.echo(str(finding))
    if checker.findings:
        click.echo(f"{spec.name}: {len(checker.findings)} problem(s) in {checker.frames_checked} frames checked", err=True)
        sys.exit(1)
    click.echo(f"{spec.name}: ok ({checker.frames_checked} frames checked)")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="mathviz")


if __name__ == "__main__":  # pragma: no cover
    main()
