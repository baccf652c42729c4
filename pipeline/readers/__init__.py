"""Reading input files into :class:`Article` records, lazily, one record at a time.

Formats by file suffix: ``.txt`` (one saved article per file), ``.jsonl`` (one article per
line), ``.csv`` and ``.parquet`` (one article per row), ``.html``/``.htm`` (a saved page; the
main text is extracted with trafilatura). Folders are searched recursively, in sorted order.

Every record yields an Article: one that cannot be read carries an ``error`` naming the file,
line or row, and what was wrong, so nothing is dropped silently. Texts are made safe for every
stage: mojibake is repaired with ftfy (``fix_mojibake``; the ``encoding`` then says so), control
characters become spaces and lone surrogates U+FFFD, one for one, so offsets still match the input.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any, Iterable, Iterator

from spacy.util import registry

from .article import Article, failed
from .text import MOJIBAKE_FIXED, DecodeError, clean_text, decode, fix_mojibake, looks_binary, parse_saved_article

TEXT_SUFFIXES = {".txt"}
RECORD_SUFFIXES = {".jsonl", ".csv", ".parquet"}
HTML_SUFFIXES = {".html", ".htm"}
SUFFIXES = TEXT_SUFFIXES | RECORD_SUFFIXES | HTML_SUFFIXES
#: Rows read from a Parquet file at a time.
PARQUET_BATCH_ROWS = 1024
#: Bytes of a CSV file read to detect its encoding.
CSV_SAMPLE_BYTES = 1 << 20

__all__ = ["Article", "ArticleReader", "SUFFIXES", "find_input_files", "make_article_reader"]


def find_input_files(inputs: Iterable[Path | str]) -> list[tuple[Path, Path]]:
    """Every readable file under ``inputs`` as ``(file, root)``, in a stable order.

    A folder is searched recursively for known suffixes; a file is taken as given (an
    unknown suffix is reported when it is read). ``root`` is what document ids are relative to.
    """
    found: list[tuple[Path, Path]] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            found += [(p, path) for p in files if not any(part.startswith(".") for part in p.relative_to(path).parts)]
        else:
            found.append((path, path.parent))
    return found


class ArticleReader:
    """Reads articles from files and folders; see the module docstring for the formats."""

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
        self.encoding = encoding
        self.boilerplate = [re.compile(p) for p in boilerplate or []]
        self.source_prefix = source_prefix
        self.fix_mojibake = fix_mojibake
        #: ``(original id, id given)`` for every duplicate id renamed by the last :meth:`read`.
        self.renamed_ids: list[tuple[str, str]] = []

    def read(self, inputs: Iterable[Path | str]) -> Iterator[Article]:
        """Articles from every file under ``inputs``; document ids are made unique.

        A repeated id gets ``~2``, ``~3`` (in input order, so re-runs give the same ids); the
        renames are listed in :attr:`renamed_ids` for the run summary.
        """
        seen: dict[str, int] = {}
        self.renamed_ids = []
        for path, root in find_input_files(inputs):
            for article in self.read_file(path, root):
                original = article.doc_id
                count = seen.get(article.doc_id, 0) + 1
                seen[article.doc_id] = count
                if count > 1:
                    # Keep duplicates apart, deterministically: the second "a" becomes "a~2".
                    article.doc_id = f"{article.doc_id}~{count}"
                    while article.doc_id in seen:
                        count += 1
                        article.doc_id = f"{article.doc_id.rsplit('~', 1)[0]}~{count}"
                    seen[article.doc_id] = 1
                    self.renamed_ids.append((original, article.doc_id))
                yield article

    def read_file(self, path: Path, root: Path | None = None) -> Iterator[Article]:
        """Articles from one file (an error record when the file cannot be read at all)."""
        root = root or path.parent
        stem_id = _relative_id(path, root)
        suffix = path.suffix.lower()
        if not path.exists():
            yield failed(stem_id, str(path), str(path), "no such file or folder")
            return
        if suffix not in SUFFIXES:
            yield failed(stem_id, str(path), str(path), f"unknown file type {suffix!r}; expected one of {sorted(SUFFIXES)}")
            return
        try:
            if suffix in TEXT_SUFFIXES:
                yield self._read_txt(path, stem_id)
            elif suffix in HTML_SUFFIXES:
                yield self._read_html(path, stem_id)
            elif suffix == ".jsonl":
                yield from self._read_jsonl(path, stem_id)
            elif suffix == ".csv":
                yield from self._read_csv(path, stem_id)
            else:
                yield from self._read_parquet(path, stem_id)
        except (OSError, DecodeError, ValueError, csv.Error) as err:
            yield failed(stem_id, str(path), str(path), _describe(err))

    # -- one article per file ---------------------------------------------------------------
    def _read_bytes_as_text(self, path: Path) -> tuple[str, str]:
        text, encoding = decode(path.read_bytes(), self.encoding)
        if looks_binary(text):
            raise DecodeError("binary file (mostly control characters), not text")
        return text, encoding

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
    def _read_jsonl(self, path: Path, stem_id: str) -> Iterator[Article]:
        encoding = self.encoding or "utf-8"
        with path.open("rb") as lines:
            for number, data in enumerate(lines, start=1):
                location = f"{path}:{number}"
                try:
                    line = data.decode(encoding)
                except UnicodeDecodeError as err:
                    yield failed(f"{stem_id}:{number}", str(path), location, f"not {encoding} text ({err.reason} at byte {err.start}); set --reader.encoding", number)
                    continue
                if number == 1:
                    line = line.removeprefix("\ufeff")
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as err:
                    yield failed(f"{stem_id}:{number}", str(path), location, f"malformed JSON ({err.msg} at column {err.colno})", number)
                    continue
                if not isinstance(record, dict):
                    yield failed(f"{stem_id}:{number}", str(path), location, f"expected a JSON object, got {type(record).__name__}", number)
                    continue
                yield self._from_record(record, path, stem_id, number, location, encoding)

    def _read_csv(self, path: Path, stem_id: str) -> Iterator[Article]:
        with path.open("rb") as head:
            sample = head.read(CSV_SAMPLE_BYTES)
        # Detect the encoding on a sample (cut at a line end), then stream the file.
        _, encoding = decode(sample[: sample.rfind(b"\n") + 1] or sample, self.encoding)
        with path.open(encoding=encoding, newline="") as handle:
            rows = csv.DictReader(handle)
            self._check_columns(path, rows.fieldnames or [])
            for number, record in enumerate(rows, start=1):
                yield self._from_record(record, path, stem_id, number, f"{path}: row {number}", encoding)

    def _read_parquet(self, path: Path, stem_id: str) -> Iterator[Article]:
        import pyarrow.parquet as pq

        file = pq.ParquetFile(path)
        names = file.schema_arrow.names
        self._check_columns(path, names)
        wanted = [c for c in [self.id_field, self.text_field, self.title_field, *self.source_fields, self.published_field] if c in names]
        number = 0
        for batch in file.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=list(dict.fromkeys(wanted))):
            for record in batch.to_pylist():
                number += 1
                yield self._from_record(record, path, stem_id, number, f"{path}: row {number}", None)

    def _safe_text(self, text: str, encoding: str | None) -> tuple[str, str | None]:
        """``text`` repaired (mojibake) and cleaned (controls, surrogates), and the encoding to record."""
        if self.fix_mojibake:
            fixed = fix_mojibake(text)
            if fixed is not None:
                text, encoding = fixed, f"{encoding or 'utf-8'} ({MOJIBAKE_FIXED})"
        return clean_text(text), encoding

    def _check_columns(self, path: Path, names: list[str]) -> None:
        if self.text_field not in names:
            raise ValueError(
                f"no {self.text_field!r} column (columns: {', '.join(names) or 'none'}); "
                f"set the text column with --reader.text_field NAME"
            )

    def _from_record(
        self, record: dict[str, Any], path: Path, stem_id: str, number: int, location: str, encoding: str | None
    ) -> Article:
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


def _describe(err: Exception) -> str:
    if isinstance(err, PermissionError):
        return "permission denied"
    if isinstance(err, IsADirectoryError):
        return "is a folder"
    if isinstance(err, OSError):
        return err.strerror or str(err)
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
