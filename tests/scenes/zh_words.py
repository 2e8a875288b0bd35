"""Which English words a ``--lang zh`` build still shows: the checker behind issue #15's "every word in Chinese".

A word counts when it is an ASCII word (two letters or more) of the scene's English captions
(the ``en`` text of its beats) and appears in a zh build's on-screen text: ``Text``,
``MarkupText`` and ``Paragraph`` strings, and the quoted words of Typst formulas (``"slope"``;
bare identifiers in Typst math, such as ``sum`` or ``partial``, are drawn as symbols). Program
code is code (``Code`` listings, and in text an identifier with an underscore or a call's
parentheses, such as ``__mul__`` or ``backward()``); numbers are digits.

:data:`ALLOWED` lists the symbols and names a Chinese maths or ML textbook keeps in Latin letters.

Use it on one scene while translating it::

    .venv/bin/python -m tests.scenes.zh_words norms [--set KEY=VALUE ...]

or in a test: ``untranslated_words("norms", media_dir=tmp_path) == {}``.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["ALLOWED", "caption_words", "english_words", "screen_texts", "untranslated_words"]

#: Names and symbols kept in Latin letters in Chinese (lower case). Function names as written in
#: formulas (exp, log, max, tanh, ...), abbreviations (KL, SVD, PCA, MLE, SSE), the names of
#: methods and functions (ReLU, softmax, logit, Adam, RMSProp, momentum's SGD), IEEE values
#: (nan, inf), the projection operator proj, and backprop_graph's output node ``out`` (a variable's name, like x).
ALLOWED = frozenset({
    "exp", "log", "ln", "max", "min", "argmax", "argmin", "sin", "cos", "tan", "tanh", "sigmoid", "sqrt", "abs",
    "det", "tr", "diag", "var", "cov", "std", "mse", "sse", "mle", "kl", "svd", "pca", "relu", "softmax",
    "logsumexp", "logit", "logits", "onehot", "adam", "rmsprop", "sgd", "nan", "inf", "out", "numpy", "np", "proj",
})

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\()?")
_TYPST_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def english_words(text: str) -> set[str]:
    """The lower-case ASCII words of ``text`` (two letters or more), leaving out code identifiers."""
    words = set()
    for match in _WORD.finditer(text):
        token = match.group(0)
        if match.group(1) or "_" in token or any(ch.isdigit() for ch in token):
            continue  # a call, a dunder or snake_case name, or a name with digits (x1, e10): code and symbols
        start, end = match.start(), match.end()
        if start and text[start - 1] in "._":  # an attribute (self.grad) or the tail of a name
            continue
        if text[end:end + 1] == "." and text[end + 1:end + 2].isalpha():  # an object whose attribute is read
            continue
        if len(token) >= 2:
            words.add(token.lower())
    return words


def caption_words(captions: Iterable[Any]) -> set[str]:
    """The English words of a scene's captions (their ``en`` text)."""
    words: set[str] = set()
    for caption in captions:
        words |= english_words(caption.en)
    return words


def _strings_of(mob: Any) -> list[str]:
    """The on-screen strings of one mobject (not its submobjects): text, or a formula's quoted words."""
    from manim import Code, MarkupText, MathTypst, Paragraph, Text

    if isinstance(mob, Code):
        return []
    if isinstance(mob, MathTypst) or hasattr(mob, "typst_code"):
        return _TYPST_QUOTED.findall(str(getattr(mob, "typst_code", "")))
    if isinstance(mob, (Text, MarkupText)):
        return [str(getattr(mob, "original_text", None) or mob.text)]
    if isinstance(mob, Paragraph):
        return [str(line.text) for line in getattr(mob, "lines_text", [])] if hasattr(mob, "lines_text") else []
    return []


def screen_texts(mobjects: Iterable[Any]) -> set[str]:
    """Every string the mobjects and their families show (a Code listing is skipped whole)."""
    from manim import Code

    found: set[str] = set()
    stack = list(mobjects)
    seen: set[int] = set()
    while stack:
        mob = stack.pop()
        if id(mob) in seen:
            continue
        seen.add(id(mob))
        if isinstance(mob, Code):
            continue
        found.update(s for s in _strings_of(mob) if s.strip())
        stack.extend(mob.submobjects)
    return found


def untranslated_words(name: str, overrides: Mapping[str, str] | None = None, *, media_dir: Path | str,
                       frame_rate: float = 1, look: Any = None, lang: str = "zh") -> dict[str, list[str]]:
    """English caption words on screen in scene ``name``'s zh build: ``{word: [strings showing it]}``.

    (``lang="en"`` builds the English scene instead: the words it finds show the checker is not blind.)

    Builds the scene under dry_run (at ``frame_rate``) and collects the text of every mobject added
    or animated (a FadeIn's, a Transform's target's), so text that leaves before the end counts too.
    """
    from manim import tempconfig

    from mathviz.pipeline import registry

    spec = registry.get(name)
    story = spec.build_story(overrides)
    cfg = {"dry_run": True, "disable_caching": True, "media_dir": str(media_dir), "quality": "low_quality",
           "verbosity": "ERROR", "progress_bar": "none", "write_to_movie": False, "frame_rate": frame_rate}
    shown: set[str] = set()
    with tempconfig(cfg):
        scene = spec.scene_class()(story=story, lang=lang, look=look)
        original_play, original_add = scene.play, scene.add

        def play(*animations: Any, **kwargs: Any) -> None:
            for animation in animations:
                parts = [getattr(animation, "mobject", None), getattr(animation, "target_mobject", None)]
                parts += list(getattr(animation, "animations", []))  # AnimationGroup and friends
                shown.update(screen_texts(p for p in parts if p is not None and hasattr(p, "submobjects")))
                for sub in getattr(animation, "animations", []):
                    shown.update(screen_texts(p for p in (getattr(sub, "mobject", None),
                                                          getattr(sub, "target_mobject", None)) if p is not None))
            original_play(*animations, **kwargs)
            shown.update(screen_texts(scene.mobjects))

        def add(*mobjects: Any) -> Any:
            shown.update(screen_texts(m for m in mobjects if hasattr(m, "submobjects")))
            return original_add(*mobjects)

        scene.play, scene.add = play, add
        scene.render()
        shown.update(screen_texts(scene.mobjects))
        english = caption_words(scene.captions) - ALLOWED
    found: dict[str, list[str]] = {}
    for text in sorted(shown):
        for word in sorted(english_words(text) & english):
            found.setdefault(word, []).append(text)
    return found


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 2
    name, overrides = argv[0], {}
    for i, arg in enumerate(argv[1:]):
        if arg != "--set":
            key, _, value = arg.partition("=")
            if argv[i] == "--set":
                overrides[key] = value
    with tempfile.TemporaryDirectory() as tmp:
        found = untranslated_words(name, overrides or None, media_dir=tmp)
    for word, texts in found.items():
        print(f"{word}: " + " | ".join(t.replace("\n", " ")[:80] for t in texts[:3]))
    print(f"{name}: {len(found)} English word(s) on screen in zh" if found else f"{name}: ok")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
