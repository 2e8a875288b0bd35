"""mathviz: the verified numeric core behind the explainer videos.

Every number a scene draws comes from a "story" computed here with numpy and
scipy. Nothing in this package imports manim at import time; the scenes in
``scenes/`` only draw what these modules computed.
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
