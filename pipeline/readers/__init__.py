"""Reading input files into :class:`Article` records, lazily, one record at a time.

Formats by file suffix: ``.txt`` (one saved article per file), ``.jsonl`` (one article per
line), ``.csv`` and ``.parquet`` (one article per row), ``.html``/``.htm`` (a saved page; the
main text is extracted with trafilatura). Folders are searched recursively, in sorted order.

Every record yields an Article: one that cannot be read carries an ``error`` naming the file,
line or row, and what was wrong, so nothing is dropped silently. Texts are made safe for every
stage: mojibake is repaired with ftfy (``fix_mojibake``; the ``encoding`` then says so), control
characters become spaces and lone surrogates U+FFFD, one for one, so offsets still match the input.

A bad record is one error row, wherever it is in its file, and reading goes on with the next
record; only what makes a whole file unreadable (a missing text column, a binary file, an
unreadable path) is a file-level error. Encodings: see ``encoding.py``; hidden files and folders
(``.name``) are skipped and counted, broken symbolic links are reported (see :func:`list_inputs`).
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import closing
from copy import copy
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from spacy.util import registry

from .article import Article, failed
from .encoding import DecodeError, ReaderSettingError, check_encoding, sniff
from .lines import LineFile, csv_records
from .text import MOJIBAKE_FIXED, clean_text, fix_mojibake, looks_binary, parse_saved_article

TEXT_SUFFIXES = {".txt"}
RECORD_SUFFIXES = {".jsonl", ".csv", ".parquet"}
HTML_SUFFIXES = {".html", ".htm"}
SUFFIXES = TEXT_SUFFIXES | RECORD_SUFFIXES | HTML_SUFFIXES
#: Rows read from a Parquet file at a time.
PARQUET_BATCH_ROWS = 1024
#: Largest CSV field read (the csv module stops at 131,072 characters by default; an article can
#: be longer). 2**31 - 1 is the largest value every platform's csv module accepts.
CSV_FIELD_LIMIT = 2**31 - 1
#: Hidden entries and broken links named in a warning (all are counted).
LISTED_SKIPPED = 5

__all__ = [
    "Article", "ArticleReader", "InputListing", "Position", "ReaderSettingError", "SUFFIXES", "UniqueIds",
    "find_input_files", "list_inputs", "make_article_reader",
]  # fmt: skip


@dataclass(frozen=True)
class Position:
    """Where a record starts in its file, so that reading can start there (a range of the file).

    Line files (JSONL, CSV): the byte ``offset`` of the record's first line and the ``lines``
    before it; CSV and Parquet: the ``rows`` (records) before it. ``Position()`` is the start of
    any file. Records that start where reading cannot (a CSV record after a lone CR, in the
    middle of a line of bytes) have no position.
    """

    offset: int = 0
    lines: int = 0
    rows: int = 0


#: The start of a file.
FILE_START = Position()


class UniqueIds:
    """Document ids made unique in input order: a repeated id gets ``~2``, ``~3``, so re-runs
    give the same ids; ``renamed`` lists ``(id given, id used)`` for the run summary."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}
        self.renamed: list[tuple[str, str]] = []

    def __call__(self, doc_id: str) -> str:
        """The id the next record with ``doc_id`` gets."""
        count = self.seen.get(doc_id, 0) + 1
        self.seen[doc_id] = count
        if count == 1:
            return doc_id
        # Keep duplicates apart, deterministically: the second "a" becomes "a~2".
        unique = f"{doc_id}~{count}"
        while unique in self.seen:
            count += 1
            unique = f"{doc_id}~{count}"
        self.seen[unique] = 1
        self.renamed.append((doc_id, unique))
        return unique


@dataclass
class InputListing:
    """What :func:`list_inputs` found: ``files`` to read as ``(file, root)``, and what it skipped.

    ``hidden`` are dot-files and dot-folders (``.git/``, ``.draft.txt``) that hold input files;
    ``broken_links`` are symbolic links, without an input suffix, that point nowhere (a broken
    link with an input suffix is in ``files`` and becomes an error row).
    """

    files: list[tuple[Path, Path]] = field(default_factory=list)
    hidden: list[Path] = field(default_factory=list)
    broken_links: list[Path] = field(default_factory=list)

    def warnings(self) -> list[str]:
        """What was skipped, for the run summary."""
        found = []
        if self.hidden:
            found.append(f"{len(self.hidden)} hidden file(s) or folder(s) skipped: {_some(self.hidden)}")
        if self.broken_links:
            found.append(f"{len(self.broken_links)} broken symbolic link(s) skipped: {_some(self.broken_links)}")
        return found


def list_inputs(inputs: Iterable[Path | str]) -> InputListing:
    """Every file under ``inputs`` to read, in a stable order, and what folders held besides.

    A folder is searched recursively for known suffixes; hidden entries (a name starting with
    ``.``) are skipped and listed; a file is taken as given (an unknown suffix is reported when
    it is read). ``root`` is what document ids are relative to.
    """
    listing = InputListing()
    for item in inputs:
        path = Path(item)
        if not path.is_dir():
            listing.files.append((path, path.parent))
            continue
        hidden: set[Path] = set()
        for entry in sorted(path.rglob("*")):
            parts = entry.relative_to(path).parts
            inputlike = entry.suffix.lower() in SUFFIXES
            broken = entry.is_symlink() and not entry.exists()
            if not broken and not (inputlike and entry.is_file()):
                continue
            first_hidden = next((i for i, part in enumerate(parts) if part.startswith(".")), None)
            if first_hidden is not None:
                hidden.add(path.joinpath(*parts[: first_hidden + 1]))
            elif inputlike:
                listing.files.append((entry, path))
            else:
                listing.broken_links.append(entry)
        listing.hidden += sorted(hidden)
    return listing


def find_input_files(inputs: Iterable[Path | str]) -> list[tuple[Path, Path]]:
    """Every file to read under ``inputs`` as ``(file, root)`` (see :func:`list_inputs`)."""
    return list_inputs(inputs).files


def _some(paths: list[Path]) -> str:
    more = f" and {len(paths) - LISTED_SKIPPED} more" if len(paths) > LISTED_SKIPPED else ""
    return ", ".join(map(str, paths[:LISTED_SKIPPED])) + more


class ArticleReader:
    """Reads articles from files and folders; see the module docstring for the formats.

    Settings are checked here, before any document is read: an unknown ``encoding`` or a
    ``boilerplate`` pattern that is not a regular expression raises ReaderSettingError.
    """

    def __init__(
        self,
        *,
        id_field: str = "id",
        text_field: str = "text",
        title_field: str | None = "title",
        source_fields: list[str] | None = None,
        published_field: str | None = "published",
        encoding: str | None = None,
        boilerplate: list[str] | None = None,
        source_prefix: str = "Original Source:",
        fix_mojibake: bool = True,
    ) -> None:
        self.id_field = id_field
        self.text_field = text_field
        self.title_field = title_field
        self.source_fields = list(source_fields or [])
        self.published_field = published_field
        if encoding:
            check_encoding(encoding)
        self.encoding = encoding or None
        self.boilerplate = [_compile(pattern) for pattern in boilerplate or []]
        self.source_prefix = source_prefix
        self.fix_mojibake = fix_mojibake
        #: ``(original id, id given)`` for every duplicate id renamed by the last :meth:`read`.
        self.renamed_ids: list[tuple[str, str]] = []
        #: Doubtful encoding guesses of the last :meth:`read`, one line per file (``--strict`` fails on them).
        self.warnings: list[str] = []
        #: What the last :meth:`read` skipped in input folders (hidden entries, broken links).
        self.skipped: list[str] = []
        #: Set on a copy made by :meth:`for_planning`: records are read for their ids and positions only.
        self.planning = False

    def for_planning(self) -> ArticleReader:
        """A copy of this reader that reads ids and positions only (see :meth:`records`), with
        notes of its own."""
        planner = self.fresh()
        planner.planning = True
        return planner

    def fresh(self) -> ArticleReader:
        """A copy of this reader (the same settings) with empty notes."""
        reader = copy(self)
        reader.renamed_ids, reader.warnings, reader.skipped = [], [], []
        return reader

    def read(self, inputs: Iterable[Path | str]) -> Iterator[Article]:
        """Articles from every file under ``inputs``; document ids are made unique.

        A repeated id gets ``~2``, ``~3`` (in input order, so re-runs give the same ids); the
        renames are listed in :attr:`renamed_ids` for the run summary, doubtful encodings in
        :attr:`warnings` and skipped hidden entries and broken links in :attr:`skipped`.
        """
        unique = UniqueIds()
        self.renamed_ids = unique.renamed
        self.warnings = []
        listing = list_inputs(inputs)
        self.skipped = listing.warnings()
        for path, root in listing.files:
            for article in self.read_file(path, root):
                article.doc_id = unique(article.doc_id)
                yield article

    def read_file(self, path: Path, root: Path | None = None, start: Position = FILE_START) -> Generator[Article, None, None]:
        """Articles from one file (an error record when the file cannot be read at all), from
        the record at ``start`` (a position :meth:`records` gave) to the end."""
        for _position, article in self.records(path, root, start):
            yield article

    def records(self, path: Path, root: Path | None = None, start: Position = FILE_START) -> Iterator[tuple[Position | None, Article]]:
        """:meth:`read_file`'s articles, each with the position it starts at (None where reading
        cannot start). A reader made by :meth:`for_planning` does no work on the text: ``.txt``
        and ``.html`` files are not opened (a file is one article whose id is its name) and
        record texts are not repaired or cleaned, so ids and positions come cheap."""
        root = root or path.parent
        stem_id = _relative_id(path, root)
        suffix = path.suffix.lower()
        if not path.exists():
            problem = f"broken symbolic link (its target {os.readlink(path)!r} does not exist or loops)" if path.is_symlink() else "no such file or folder"
            yield start, failed(stem_id, str(path), str(path), problem)
            return
        if suffix not in SUFFIXES:
            yield start, failed(stem_id, str(path), str(path), f"unknown file type {suffix!r}; expected one of {sorted(SUFFIXES)}")
            return
        position: Position | None = start  # of the next record, for a whole-file error
        try:
            if suffix in TEXT_SUFFIXES | HTML_SUFFIXES:
                if self.planning:
                    yield start, Article(doc_id=stem_id, path=str(path), location=str(path))
                else:
                    yield start, self._read_txt(path, stem_id) if suffix in TEXT_SUFFIXES else self._read_html(path, stem_id)
                return
            read = self._read_jsonl if suffix == ".jsonl" else self._read_csv if suffix == ".csv" else self._read_parquet
            for position, article in read(path, stem_id, start):
                yield position, article
                position = None
        except (OSError, ValueError, csv.Error, RecursionError) as err:
            # Whole-file problems only: every reader below catches what one record can get wrong.
            yield position, failed(stem_id, str(path), str(path), _describe(err))

    # -- one article per file ---------------------------------------------------------------
    def _read_bytes_as_text(self, path: Path) -> tuple[str, str | None]:
        data = path.read_bytes()
        encoding = sniff(data, self.encoding)
        try:
            text = encoding.decode(data[encoding.bom :])
        except UnicodeDecodeError as err:
            raise DecodeError(f"not {encoding.codec} text ({err.reason} at byte {encoding.bom + err.start + 1}); check --reader.encoding") from None
        if "\x00" in text or looks_binary(text):
            what = "contains NUL bytes" if "\x00" in text else "mostly control characters"
            hint = " (UTF-16 without a byte-order mark? set --reader.encoding utf-16-le or utf-16-be)" if "\x00" in text and not self.encoding else ""
            raise DecodeError(f"binary file ({what}), not text{hint}")
        if encoding.warning:
            self.warnings.append(f"{path}: {encoding.warning}")
        return text, encoding.label

    def _read_txt(self, path: Path, doc_id: str) -> Article:
        raw, encoding = self._read_bytes_as_text(path)
        parsed = parse_saved_article(raw, self.boilerplate, self.source_prefix)
        if not parsed.text.strip():
            return failed(doc_id, str(path), str(path), "empty article (no text after removing boilerplate)")
        text, encoding = self._safe_text(parsed.text, encoding)
        if not text.strip():
            return failed(doc_id, str(path), str(path), "no text (control characters only)")
        return Article(
            doc_id=doc_id, path=str(path), location=str(path), text=text,
            title=parsed.title and self._safe_text(parsed.title, None)[0], source=parsed.source, encoding=encoding,
        )  # fmt: skip

    def _read_html(self, path: Path, doc_id: str) -> Article:
        import trafilatura

        raw, encoding = self._read_bytes_as_text(path)
        result = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False)
        text = getattr(result, "text", None) if result is not None else None
        if not text or not text.strip():
            return failed(doc_id, str(path), str(path), "no article text found in the HTML page")
        text, encoding = self._safe_text(text, encoding)
        return Article(
            doc_id=doc_id, path=str(path), location=str(path), text=text,
            title=getattr(result, "title", None), source=getattr(result, "url", None) or getattr(result, "sitename", None),
            published=getattr(result, "date", None), encoding=encoding,
        )  # fmt: skip

    # -- one article per record -------------------------------------------------------------
    def _read_jsonl(self, path: Path, stem_id: str, start: Position) -> Iterator[tuple[Position, Article]]:
        for line in LineFile(path, self.encoding, start=start.offset, lines_before=start.lines, warnings=self.warnings):
            number, location = line.number, f"{path}:{line.number}"
            position = Position(line.offset or 0, number - 1)
            fail = partial(_record_error, stem_id, path, number, location)
            if line.error:
                yield position, fail(line.error)
                continue
            text = line.text.removeprefix("\ufeff") if number == 1 else line.text
            if not text.strip():
                continue
            try:
                record = json.loads(text)
            except json.JSONDecodeError as err:
                yield position, fail(f"malformed JSON ({err.msg} at column {err.colno})")
                continue
            except RecursionError:
                yield position, fail("JSON nested too deeply to read (more levels than Python's recursion limit)")
                continue
            except ValueError as err:  # a number of more than sys.get_int_max_str_digits() digits
                yield position, fail(f"unreadable JSON value ({_first_clause(err)})")
                continue
            if not isinstance(record, dict):
                yield position, fail(f"expected a JSON object, got {type(record).__name__}")
                continue
            yield position, self._guarded(lambda: self._from_record(record, path, stem_id, number, location, line.encoding.label), fail)

    def _read_csv(self, path: Path, stem_id: str, start: Position) -> Iterator[tuple[Position | None, Article]]:
        _allow_long_csv_fields()
        lines = LineFile(path, self.encoding, split_cr=True, start=start.offset, lines_before=start.lines, warnings=self.warnings)
        records = csv_records(lines)
        if start.lines:  # a range of the file: its header is read from the file's start
            with closing(csv_records(LineFile(path, self.encoding, split_cr=True, warnings=self.warnings))) as from_start:
                header = next(from_start, None)
        else:
            header = next(records, None)
        if header is not None and header.problem:
            raise DecodeError(f"header line {header.lines[0].number}: {header.problem}")
        columns = header.fields if header is not None else []
        self._check_columns(path, columns)
        for number, record in enumerate(records, start=start.rows + 1):
            first = record.lines[0]
            position = Position(first.offset, first.number - 1, number - 1) if first.offset is not None else None
            location = f"{path}: row {number} (line {first.number})"
            fail = partial(_record_error, stem_id, path, number, location)
            problem = record.problem or _csv_problem(record.fields, len(columns))
            if problem:
                yield position, fail(problem)
                continue
            encoding = next((line.encoding for line in record.lines if line.encoding is not lines.encoding), lines.encoding)
            fields = dict(zip(columns, record.fields))
            yield position, self._guarded(lambda: self._from_record(fields, path, stem_id, number, location, encoding.label), fail)

    def _read_parquet(self, path: Path, stem_id: str, start: Position) -> Iterator[tuple[Position, Article]]:
        import pyarrow.parquet as pq

        file = pq.ParquetFile(path)
        names = file.schema_arrow.names
        self._check_columns(path, names)
        wanted = [c for c in [self.id_field, self.text_field, self.title_field, *self.source_fields, self.published_field] if c in names]
        number = 0
        for group in range(file.num_row_groups):
            # Row group by row group: a damaged one is error rows for its rows, and reading goes on.
            end = number + file.metadata.row_group(group).num_rows
            if end <= start.rows:  # before the range
                number = end
                continue
            try:
                for batch in file.iter_batches(batch_size=PARQUET_BATCH_ROWS, row_groups=[group], columns=list(dict.fromkeys(wanted))):
                    before = max(0, min(batch.num_rows, start.rows - number))  # rows of this batch before the range
                    number += before
                    for record in batch.slice(before).to_pylist():
                        number += 1
                        location = f"{path}: row {number}"
                        fail = partial(_record_error, stem_id, path, number, location)
                        yield Position(rows=number - 1), self._guarded(lambda: self._from_record(record, path, stem_id, number, location, None), fail)
            except (OSError, ValueError) as err:  # pyarrow's errors derive from these
                number = max(number, start.rows)
                while number < end:
                    number += 1
                    problem = f"row group {group + 1} unreadable: {_describe(err)}"
                    yield Position(rows=number - 1), _record_error(stem_id, path, number, f"{path}: row {number}", problem)

    @staticmethod
    def _guarded(make: Callable[[], Article], fail: Callable[[str], Article]) -> Article:
        """``make()``, or an error row when the record's values break it (too deep, too long)."""
        try:
            return make()
        except RecursionError:
            return fail("a value nested too deeply to read")
        except ValueError as err:
            return fail(f"unreadable value ({_first_clause(err)})")

    def _safe_text(self, text: str, encoding: str | None) -> tuple[str, str | None]:
        """``text`` repaired (mojibake) and cleaned (controls, surrogates), and the encoding to
        record (``text`` as it is, when planning: ids and positions do not depend on it)."""
        if self.planning:
            return text, encoding
        if self.fix_mojibake:
            fixed = fix_mojibake(text)
            if fixed is not None:
                encoding = encoding or "utf-8"
                note = f"; {MOJIBAKE_FIXED})" if encoding.endswith(")") else f" ({MOJIBAKE_FIXED})"
                text, encoding = fixed, encoding.removesuffix(")") + note
        return clean_text(text), encoding

    def _check_columns(self, path: Path, names: list[str]) -> None:
        if self.text_field not in names:
            raise ValueError(f"no {self.text_field!r} column (columns: {', '.join(names) or 'none'}); set the text column with --reader.text_field NAME")

    def _from_record(self, record: dict[str, Any], path: Path, stem_id: str, number: int, location: str, encoding: str | None) -> Article:
        raw_id = record.get(self.id_field)
        doc_id = str(raw_id) if raw_id not in (None, "") else f"{stem_id}:{number}"
        text = record.get(self.text_field)
        if text is None:
            return failed(doc_id, str(path), location, f"record {doc_id!r} has no {self.text_field!r} field", number)
        if not isinstance(text, str):
            return failed(doc_id, str(path), location, f"record {doc_id!r}: {self.text_field!r} is a {type(text).__name__}, not a string", number)
        text, encoding = self._safe_text(text, encoding)
        if not text.strip():
            return failed(doc_id, str(path), location, f"record {doc_id!r} has no text (empty, whitespace or control characters only)", number)
        source = next((str(record[f]) for f in self.source_fields if record.get(f) not in (None, "")), None)
        return Article(
            doc_id=doc_id, path=str(path), location=location, text=text, line=number,
            title=_optional_str(record.get(self.title_field)) if self.title_field else None,
            source=source,
            published=_optional_str(record.get(self.published_field)) if self.published_field else None,
            encoding=encoding,
        )  # fmt: skip


def _relative_id(path: Path, root: Path) -> str:
    try:
        relative = path.relative_to(root)
    except ValueError:
        relative = Path(path.name)
    return relative.with_suffix("").as_posix()


def _optional_str(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except (re.error, TypeError) as err:
        raise ReaderSettingError(f"reader.boilerplate: {pattern!r} is not a regular expression ({err})") from None


def _allow_long_csv_fields() -> None:
    # The limit is process-wide: only ever raised, so other users of csv are not constrained.
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)


def _csv_problem(fields: list[str], n_columns: int) -> str | None:
    """Why a CSV record that parsed cannot be read (None when it can)."""
    if any("\x00" in value for value in fields):
        return "contains NUL bytes (a damaged record?)"
    if len(fields) > n_columns:
        return f"{len(fields)} fields but the header has {n_columns} (a separator or quote out of place?)"
    return None


def _record_error(stem_id: str, path: Path, number: int, location: str, message: str) -> Article:
    """The error row of record ``number`` of ``path`` (its id is ``<file>:<number>``)."""
    return failed(f"{stem_id}:{number}", str(path), location, message, number)


def _first_clause(err: Exception) -> str:
    """The first clause of an error message (Python adds advice that does not apply here)."""
    return str(err).split(";")[0]


def _describe(err: Exception) -> str:
    if isinstance(err, PermissionError):
        return "permission denied"
    if isinstance(err, IsADirectoryError):
        return "is a folder"
    if isinstance(err, OSError):
        return err.strerror or str(err)
    if isinstance(err, RecursionError):
        return "nested too deeply to read"
    return str(err)


@registry.misc("news.article_reader.v1")
def make_article_reader(
    id_field: str = "id",
    text_field: str = "text",
    title_field: str | None = "title",
    source_fields: list[str] = ["source", "url"],  # noqa: B006  (config default)
    published_field: str | None = "published",
    encoding: str | None = None,
    boilerplate: list[str] = [],  # noqa: B006
    source_prefix: str = "Original Source:",
    fix_mojibake: bool = True,
) -> ArticleReader:
    """The ``[reader]`` section of a pipeline config: column names and ``.txt`` parsing rules."""
    return ArticleReader(
        id_field=id_field,
        text_field=text_field,
        title_field=title_field,
        source_fields=source_fields,
        published_field=published_field,
        encoding=encoding,
        boilerplate=boilerplate,
        source_prefix=source_prefix,
        fix_mojibake=fix_mojibake,
    )
