"""The pipeline's own spaCy components. Importing this package registers their factories."""

from . import (  # noqa: F401  (registers factories)
    ages,
    aliases,
    classifier,
    cleanup,
    common_words,
    consistency,
    datelines,
    evidence,
    gazetteer,
    labels,
    lines,
    non_names,
    patterns,
    ruler,
    scores,
    sports,
    titled,
    truecase,
    vote,
)
from .spans import copy_span, set_entities

__all__ = ["copy_span", "set_entities"]
