"""Readers for gold-annotated corpora, one module per format, behind one entry point.

>>> from pipeline.corpora import read_gold
>>> docs = list(read_gold(["../shared/data/uner_en_ewt/en_ewt-ud-dev.iob2"], "uner"))

Each yields spaCy Docs on the gold tokens with the gold mentions in ``doc.ents`` (labels
PERSON/ORG/LOC after ``label_map``), the gold entity identity in ``span.kb_id_`` and the document
id in ``doc._.doc_id``. Problems (unaligned or broken annotations) are counted in a
:class:`GoldReport`, quoted in the log, and never stop the reading.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from spacy.tokens import Doc
from spacy.vocab import Vocab

from .ecbplus import ECBPLUS_LABELS, read_ecbplus
from .gold import GOLD_SPANS_KEY, GoldDocument, GoldMention, GoldProblem, GoldReport, to_doc
from .gum import GUM_LABELS, read_gum
from .iob import IOB_LABELS, read_iob
from .uner import UNER_LABELS, read_uner

#: format -> (file reader, default label map, file suffixes searched in folders)
FORMATS: dict[str, tuple[Callable[..., Iterator[GoldDocument]], dict[str, str | None], tuple[str, ...]]] = {
    "uner": (read_uner, UNER_LABELS, (".iob2", ".iob", ".conll")),
    "gum": (read_gum, GUM_LABELS, (".conllu",)),
    "ecbplus": (read_ecbplus, ECBPLUS_LABELS, (".xml",)),
    "iob": (read_iob, IOB_LABELS, (".iob", ".iob2", ".bio", ".conll", ".txt", ".tsv")),
}

__all__ = [
    "FORMATS", "GOLD_SPANS_KEY", "GoldDocument", "GoldMention", "GoldProblem", "GoldReport",
    "find_files", "find_gold_files", "read_gold", "read_gold_documents",
]  # fmt: skip


class GoldFormatError(ValueError):
    """An unknown format or a path with no gold files."""


def find_files(paths: Iterable[Path | str], suffixes: Iterable[str]) -> list[Path]:
    """Files with one of ``suffixes`` under ``paths``: folders searched recursively (sorted), files as given.

    Raises GoldFormatError naming a path that does not exist.
    """
    suffixes = tuple(suffixes)
    files: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
        elif path.exists():
            files.append(path)
        else:
            raise GoldFormatError(f"Path {path} does not exist.")
    return files


def find_gold_files(paths: Iterable[Path | str], format: str) -> list[Path]:
    """The files of ``format`` under ``paths`` (folders searched recursively, sorted)."""
    if format not in FORMATS:
        raise GoldFormatError(f"Unknown gold format {format!r}; use one of {', '.join(FORMATS)}.")
    suffixes = FORMATS[format][2]
    paths = list(paths)
    files = find_files(paths, suffixes)
    if not files:
        raise GoldFormatError(f"No {format} files ({', '.join(suffixes)}) under {', '.join(map(str, paths))}.")
    return files


def read_gold_documents(paths: Iterable[Path | str], format: str, report: GoldReport | None = None, **options) -> Iterator[GoldDocument]:
    """Format-independent :class:`GoldDocument` records (tokens, spacing, raw-labelled mentions)."""
    report = report if report is not None else GoldReport()
    reader = FORMATS[format][0] if format in FORMATS else None
    for path in find_gold_files(paths, format):
        assert reader is not None
        yield from reader(path, report, **options)


def read_gold(
    paths: Iterable[Path | str] | Path | str,
    format: str,
    *,
    label_map: Mapping[str, str | None] | None = None,
    vocab: Vocab | None = None,
    report: GoldReport | None = None,
    **options,
) -> Iterator[Doc]:
    """Gold Docs from ``paths`` (files or folders) in ``format`` (``uner``, ``gum``, ``ecbplus``, ``iob``).

    ``label_map`` maps the corpus's labels to the pipeline's (default per format: PER -> PERSON,
    person -> PERSON, HUMAN_PART_ORG -> ORG, LOC_GEO -> LOC...); a label it does not map is
    dropped. ``options`` go to the format's reader (``named_only`` for gum/ecbplus,
    ``annotated_only`` for ecbplus). Pass a ``report`` to see what was skipped or repaired.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    report = report if report is not None else GoldReport()
    labels = dict(label_map) if label_map is not None else FORMATS[format][1] if format in FORMATS else {}
    vocab = vocab if vocab is not None else Vocab()
    for gold in read_gold_documents(list(paths), format, report, **options):
        yield to_doc(gold, vocab, labels, report)
