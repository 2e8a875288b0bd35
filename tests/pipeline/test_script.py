"""The narration script: one numbered paragraph per beat, an author's rewrite read back and checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mathviz.pipeline import script as script_module
from mathviz.pipeline.cli import cli
from mathviz.pipeline.script import ScriptBeat, ScriptError, apply_scripts, format_script, load_scripts, parse_script

BEATS = [
    ScriptBeat(1, "relu", "ReLU keeps positive inputs: max(x, 0).", "ReLU 保留正的输入：max(x, 0)。"),
    ScriptBeat(2, "gradient", "Its gradient is 1 where x > 0.", "它的梯度在 x > 0 处为 1。"),
    ScriptBeat(3, "two-words", "# not a heading, x**2 and 1[x > 0]", "第三。"),
]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_script_reads_back_as_the_captions(lang: str) -> None:
    text = format_script("relu", BEATS, lang)
    for beat in BEATS:
        shown = beat.text(lang)
        escaped = "\\" + shown if shown.startswith("#") else shown  # Markdown would read '# ...' as a heading
        assert f"## {beat.stem}\n\n{escaped}\n" in text
    assert parse_script(text, BEATS, lang, "relu.md") == [b.text(lang) for b in BEATS]


def test_a_rewritten_paragraph_may_span_lines_and_carry_comments() -> None:
    text = """# my notes

## 1-relu
ReLU keeps
   the positive part. <!-- slower here -->

## 02-gradient

Slope one,

slope zero.
<!-- a comment
## 9-not-a-beat
-->
## 3-two-words
Done.
"""
    assert parse_script(text, BEATS, "en", "s.md") == ["ReLU keeps the positive part.", "Slope one, slope zero.", "Done."]


@pytest.mark.parametrize("text, named", [
    ("## 1-relu\na\n## 2-gradient\nb\n", "beat 3-two-words is missing"),
    ("## 1-relu\na\n## 2-slope\nb\n## 3-two-words\nc\n", "beat 2 is '2-gradient', the heading says '2-slope'"),
    ("## 1-relu\na\n## 2-gradient\n\n## 3-two-words\nc\n", "beat 2-gradient has no text"),
    ("## 1-relu\na\n## 2-gradient\nb\n## 3-two-words\nc\n## 4-extra\nd\n", "beat '4-extra' is not in the render"),
    ("Intro text\n## 1-relu\na\n", "line 1: text before the first beat heading '## 1-relu'"),
    ("## 1-relu\na\n### Notes\n", "line 3: a heading that is not a beat"),
])
def test_a_script_that_does_not_match_the_beats_is_refused(text: str, named: str) -> None:
    with pytest.raises(ScriptError, match="^s.md: .*") as info:
        parse_script(text, BEATS, "en", "s.md")
    assert named in str(info.value)


def test_scripts_are_found_per_render_and_language(tmp_path: Path) -> None:
    folder = tmp_path / "relu"
    folder.mkdir()
    (folder / "script.zh.md").write_text("## 1-relu\n一\n## 2-gradient\n二\n## 3-two-words\n三\n", encoding="utf-8")
    scripts = load_scripts("relu", BEATS, root=tmp_path)
    assert scripts == {"zh": ["一", "二", "三"]}
    assert load_scripts("relu--other", BEATS, root=tmp_path) == {}
    rewritten = apply_scripts(BEATS, scripts)
    assert [b.zh for b in rewritten] == ["一", "二", "三"]
    assert [b.en for b in rewritten] == [b.en for b in BEATS]


def test_cli_prints_the_scene_beats_and_follows_a_rewrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    original = runner.invoke(cli, ["script", "relu"])
    assert original.exit_code == 0, original.output
    assert original.output.startswith("# relu: narration script (en)")
    beats = [line[3:] for line in original.output.splitlines() if line.startswith("## ")]
    assert beats == ["1-relu", "2-gradient", "3-backprop", "4-forward", "5-backward", "6-check"]
    assert "mathviz render relu --narration FOLDER" in original.output

    # The author saves the script, rewrites one paragraph, and the script (so the captions) follow.
    path = tmp_path / "narration" / "relu" / "script.en.md"
    path.parent.mkdir(parents=True)
    path.write_text(original.output.replace("## 2-gradient\n\n", "## 2-gradient\n\nThe slope is one or zero.\n\n"
                                            "<!-- was: -->\n", 1), encoding="utf-8")
    rewritten = runner.invoke(cli, ["script", "relu"])
    assert rewritten.exit_code == 0, rewritten.output
    assert "## 2-gradient\n\nThe slope is one or zero. Its gradient is 1" in rewritten.output

    # A rewrite that lost a beat is refused in one line naming the file and the beat.
    path.write_text(original.output.split("## 6-check")[0], encoding="utf-8")
    broken = runner.invoke(cli, ["script", "relu"])
    assert broken.exit_code == 2
    assert broken.output.count("\n") == 1
    assert broken.output.startswith("error: narration/relu/script.en.md: beat 6-check is missing")


def test_cli_refuses_an_unknown_render(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["script", "no_such_thing"])
    assert result.exit_code == 2
    assert result.output.startswith("error: 'no_such_thing' is neither a render")


def test_cli_reads_a_render_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # renders/<name>.toml names the scene and its parameters; the beats are that render's.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "renders").mkdir()
    (tmp_path / "renders" / "relu--small.toml").write_text('scene = "relu"\n[params]\nx = "[1, -1]"\nupstream = "[1, 1]"\n')
    seen = {}

    def fake_beats(scene_cls, story, lang="en"):
        seen["x"] = [float(v) for v in story.x]
        return BEATS

    monkeypatch.setattr(script_module, "scene_beats", fake_beats)
    result = CliRunner().invoke(cli, ["script", "relu--small", "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert seen["x"] == [1.0, -1.0]
    assert result.output.startswith("# relu--small: narration script (zh)")
    command = "mathviz render relu --params renders/relu--small.toml --name relu--small --narration FOLDER --lang zh"
    assert command in result.output
    assert "## 1-relu\n\nReLU 保留正的输入：max(x, 0)。\n" in result.output
