"""A run's input cut into batches of record ranges (file, start, count), read where each batch runs.

:func:`plan_ranges` walks the inputs once for document ids and record positions only (a reader
made by :meth:`~pipeline.readers.ArticleReader.for_planning`: ``.txt`` and ``.html`` files are not
opened, no text is repaired or cleaned, nothing is kept) and cuts them into :class:`InputRanges`
of ``size`` records each. A batch carries no text: the process that runs it (a pool worker, a
Dask worker) reads its ranges with the same reader, from the same positions, so its articles are
exactly those of one sequential :meth:`~pipeline.readers.ArticleReader.read`: the same records,
line and row numbers, encodings and error rows. Duplicate ids are made unique corpus-wide here,
in input order, and travel with the batch as renames; reading warnings come back with each
batch's result.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from contextlib import closing
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from . import FILE_START, ArticleReader, Position, UniqueIds, list_inputs
from .article import Article


class InputChangedError(RuntimeError):
    """A file held fewer records when a batch read it than when the run planned its batches."""


@dataclass(frozen=True)
class Piece:
    """``count`` records of ``path`` read from ``start``, less those whose index (from
    ``start``) is in ``left_out`` (done by the run being resumed)."""

    path: str
    root: str
    start: Position
    count: int
    left_out: frozenset[int] = frozenset()


@dataclass
class InputRanges:
    """What one batch reads: its ``pieces`` in order, with ``reader`` (settings only), and the
    ids the corpus-wide duplicate check gave some of its articles (index in the batch -> id)."""

    reader: ArticleReader
    pieces: list[Piece]
    renames: dict[int, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return sum(piece.count - len(piece.left_out) for piece in self.pieces)

    def read(self) -> tuple[list[Article], list[str]]:
        """The batch's articles, read here, and the reader's warnings about them."""
        reader = self.reader.fresh()
        articles: list[Article] = []
        for piece in self.pieces:
            with closing(reader.read_file(Path(piece.path), Path(piece.root), piece.start)) as records:
                got = list(islice(records, piece.count))
            if len(got) < piece.count:
                raise InputChangedError(
                    f"{piece.path} changed while the run read it ({len(got)} records from {piece.start}, {piece.count} planned): "
                    "leave input files alone until the run ends, then run again with --resume."
                )
            articles += [article for index, article in enumerate(got) if index not in piece.left_out]
        for index, doc_id in self.renames.items():
            articles[index].doc_id = doc_id
        return articles, reader.warnings


def plan_ranges(reader: ArticleReader, inputs: Iterable[Path | str], size: int, skip: AbstractSet[str] = frozenset()) -> Iterator[InputRanges]:
    """Batches of ``size`` records of every file under ``inputs`` (a batch runs on where a CSV
    record cannot start a range), leaving out ids in ``skip``; see the module docstring.

    Sets ``reader.renamed_ids`` and ``reader.skipped`` as :meth:`ArticleReader.read` does, once
    planning starts; ``reader.warnings`` is emptied in place (a list the caller may already hold
    to collect them: warnings come from where the batches are read).
    """
    unique = UniqueIds()
    reader.renamed_ids = unique.renamed
    reader.warnings.clear()
    listing = list_inputs(inputs)
    reader.skipped = listing.warnings()
    planner = _Planner(reader.fresh(), size)
    scout = reader.for_planning()
    for path, root in listing.files:
        planner.start_file(path, root)
        for position, article in scout.records(path, root):
            doc_id = unique(article.doc_id)
            yield from planner.add(position, kept=doc_id not in skip, renamed=doc_id if doc_id != article.doc_id else None)
        planner.end_file()
    yield from planner.end()


class _Planner:
    """The batch being planned: closed pieces, the open piece of the current file, renames."""

    def __init__(self, reader: ArticleReader, size: int) -> None:
        self.reader, self.size = reader, size
        self.pieces: list[Piece] = []
        self.renames: dict[int, str] = {}
        self.n = 0  # records in the batch
        self.file: tuple[str, str] = ("", "")
        self.index = 0  # of the next record in the file
        self.anchor: tuple[Position, int] = (FILE_START, 0)  # the last record reading can start at, and its index
        self.open: tuple[Position, int] | None = None  # where the open piece starts, and its index
        self.left_out: set[int] = set()
        self.end_index = 0  # the open piece ends before this record

    def start_file(self, path: Path, root: Path) -> None:
        self.file, self.index, self.anchor, self.open = (str(path), str(root)), 0, (FILE_START, 0), None

    def add(self, position: Position | None, *, kept: bool, renamed: str | None) -> Iterator[InputRanges]:
        """Plan the next record of the file (at ``position``; ``renamed``: the id it gets); yields
        the batch it completes."""
        index = self.index
        self.index += 1
        if position is not None:
            self.anchor = (position, index)
        if not kept:
            if self.open is not None:
                self.left_out.add(index - self.open[1])
            return
        if self.n >= self.size and position is not None:
            yield from self.end()
        if self.open is None:
            start, first = self.anchor
            self.open, self.left_out = (start, first), set(range(index - first))  # records between were skipped
        if renamed is not None:
            self.renames[self.n] = renamed
        self.n += 1
        self.end_index = index + 1

    def end_file(self) -> None:
        if self.open is not None:
            start, first = self.open
            count = self.end_index - first
            self.pieces.append(Piece(*self.file, start, count, frozenset(i for i in self.left_out if i < count)))
            self.open = None

    def end(self) -> Iterator[InputRanges]:
        """The batch planned so far, if it has records; the next starts empty."""
        self.end_file()
        if self.n:
            yield InputRanges(self.reader, self.pieces, self.renames)
        self.pieces, self.renames, self.n = [], {}, 0
