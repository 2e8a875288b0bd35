"""One numeric module per explainer, named after its video.

``mathviz.stories.derivative`` computes the story the ``derivative`` video
draws: a frozen :class:`~mathviz.story.Story` and the ``PARAMS`` a user may set.
Plain numpy/scipy: nothing here imports manim, the scenes or the pipeline.
"""
