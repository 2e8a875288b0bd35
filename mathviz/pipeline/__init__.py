"""The production pipeline: command line, registry, rendering, captions, publishing, slides, gallery.

Imports run one way: this package imports the scenes (``mathviz_scenes``) and
the numeric core (``mathviz``); neither imports it back
(``tests/test_architecture.py`` holds that line).
"""
