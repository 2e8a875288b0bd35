"""``python -m mathviz``: the same command as ``mathviz``."""

from mathviz.cli import main

main()
