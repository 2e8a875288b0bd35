"""``python -m mathviz``: the same command as ``mathviz``."""

from mathviz.pipeline.cli import main

main()
