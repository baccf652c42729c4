"""Universal NER (UNER) IOB2 files, e.g. ``en_ewt-ud-dev.iob2``.

Tab-separated ``index token tag - annotator``; ``# newdoc id =`` starts a document,
``# text =`` gives each sentence's original spacing. Tags PER/ORG/LOC; OTH is read as O
(it is not in the default label map).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .gold import GoldDocument, GoldReport
from .iob import IOB_LABELS, read_iob

UNER_LABELS: dict[str, str | None] = dict(IOB_LABELS)
TOKEN_COLUMN = 1
TAG_COLUMN = 2


def read_uner(path: Path | str, report: GoldReport) -> Iterator[GoldDocument]:
    """Gold documents from one UNER IOB2 file."""
    yield from read_iob(path, report, token_column=TOKEN_COLUMN, tag_column=TAG_COLUMN, strict_iob2=True)
