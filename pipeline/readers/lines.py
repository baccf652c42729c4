"""The lines of a record file (JSONL, CSV), decoded one by one, so one bad line stays one bad line;
and the records of a CSV file, with the lines each came from.

The file's encoding comes from ``--reader.encoding``, else its byte-order mark, else UTF-8 with
a per-line fallback: a line that is not UTF-8 is read in the legacy code page guessed from the
file's non-UTF-8 lines (see ``encoding.py``), wherever in the file it is. A line that cannot be
decoded at all carries an error naming its number and the byte where decoding failed; the
reader turns the record that holds it into an error row and goes on with the next.
"""

from __future__ import annotations

import csv
import re
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .encoding import DecodeError, Encoding, from_bom, given, guess, is_utf8
from .text import looks_binary

#: Bytes read from the start of a file to find its encoding and tell text from binary.
HEAD_BYTES = 1 << 20
#: Bytes of non-UTF-8 lines the legacy code page is guessed from.
EVIDENCE_BYTES = 64 << 10
#: Bytes read at a time when lines end in more than one byte (UTF-16, UTF-32).
BLOCK_BYTES = 1 << 20
#: Control characters a record file's head must hold to be taken for binary as a whole: fewer
#: (a NUL byte in a small file) are errors of the records that hold them.
MIN_BINARY_CONTROLS = 64
#: Share of NUL bytes at even (or odd) positions that marks UTF-16 text without a byte-order mark.
UTF16_NULS = 0.3
#: Where a line ends at a CR that no LF follows.
_LONE_CR = re.compile(r"(?<=\r)(?!\n)")


@dataclass
class Line:
    """One decoded line: its 1-based ``number``, ``text`` (with U+FFFD where decoding failed),
    the encoding it was read in, ``error`` when it could not be decoded, and ``offset``, the
    byte where it starts in the file (None for a line that a lone CR split off the one before:
    reading cannot start there)."""

    number: int
    text: str
    encoding: Encoding
    error: str | None = None
    offset: int | None = None


@dataclass
class LineFile:
    """The lines of ``path`` (iterate over it); ``encoding`` is the file's, ``warnings`` gathers
    doubtful guesses (one per file) for the run summary.

    Iteration starts at byte ``start`` (a line's ``offset``; 0 is the file's start) with
    ``lines_before`` lines already counted, so a range of a file reads the lines, numbers and
    encodings a read of the whole file gives there: the encoding is always decided from the
    file's head."""

    path: Path
    encoding_name: str | None = None
    split_cr: bool = False
    start: int = 0
    lines_before: int = 0
    encoding: Encoding = field(init=False)
    warnings: list[str] = field(default_factory=list)
    _legacy: Encoding | None = field(default=None, init=False)
    _head: bytes = field(default=b"", init=False)

    def __post_init__(self) -> None:
        with self.path.open("rb") as handle:
            self._head = handle.read(HEAD_BYTES)
        if self.encoding_name:
            self.encoding = given(self._head, self.encoding_name)
        else:
            self.encoding = from_bom(self._head) or Encoding("utf-8", "utf-8")
        self._check_not_binary()

    def __iter__(self) -> Iterator[Line]:
        number = self.lines_before
        offset = max(self.start, self.encoding.bom)
        with self.path.open("rb") as handle:
            handle.seek(offset)
            for raw in _raw_lines(handle, self.encoding.newline):
                for piece, line in enumerate(self._decode(raw)):
                    number += 1
                    line.number = number
                    line.offset = offset if piece == 0 else None
                    yield line
                offset += len(raw)

    def _decode(self, raw: bytes) -> list[Line]:
        encoding, error = self.encoding, None
        text: str | None
        try:
            text = encoding.decode(raw)
        except UnicodeDecodeError as first:
            problem = first
            if self._falls_back:
                encoding = self._legacy_encoding(raw)
                try:
                    text = encoding.decode(raw)
                except UnicodeDecodeError as second:
                    problem = second
                    text = None
            else:
                text = None
            if text is None:
                error = f"not {encoding.codec} text ({problem.reason} at byte {problem.start + 1} of the line)"
                if not self.encoding_name:
                    error += "; set --reader.encoding"
                text = raw.decode(encoding.codec, "replace")
        if self.split_cr and "\r" in text.rstrip("\r\n"):
            # Lone CRs end lines too (old Mac files), as in a file opened with newline="".
            return [Line(0, piece, encoding, error) for piece in _LONE_CR.split(text) if piece]
        return [Line(0, text, encoding, error)]

    @property
    def _falls_back(self) -> bool:
        # UTF-8 was assumed, not given or marked: a line in another encoding is decoded, not refused.
        return not self.encoding_name and self.encoding.bom == 0 and self.encoding.codec == "utf-8"

    def _legacy_encoding(self, raw: bytes) -> Encoding:
        if self._legacy is None:
            head = self._head.splitlines(keepends=True)
            if len(self._head) == HEAD_BYTES:
                head = head[:-1]  # cut short, perhaps inside a character
            evidence = b"".join(line for line in head if not is_utf8(line))
            self._legacy = guess((evidence or raw)[:EVIDENCE_BYTES])
            if self._legacy.warning:
                self.warnings.append(f"{self.path}: lines that are not UTF-8 {self._legacy.warning}")
        return self._legacy

    def _check_not_binary(self) -> None:
        head = self._head[self.encoding.bom :]
        text = head.decode(self.encoding.codec, "replace")
        if looks_binary(text, MIN_BINARY_CONTROLS):
            hint = ""
            if not self.encoding_name and _looks_utf16(head):
                hint = " (UTF-16 text without a byte-order mark? set --reader.encoding utf-16-le or utf-16-be)"
            raise DecodeError(f"binary file (mostly control characters), not text{hint}")


def _raw_lines(handle: BinaryIO, newline: bytes) -> Iterator[bytes]:
    """The byte lines of ``handle``, each with its line end; ``newline`` counts only at a
    character boundary (so ``b"\\n\\x00"`` inside UTF-16 text is not a line end)."""
    if newline == b"\n":
        yield from handle
        return
    unit = len(newline)
    buffer = b""
    while block := handle.read(BLOCK_BYTES):
        buffer += block
        start = 0
        while True:
            end = buffer.find(newline, start)
            while end != -1 and end % unit:
                end = buffer.find(newline, end + 1)
            if end == -1:
                break
            yield buffer[start : end + unit]
            start = end + unit
            # Keep positions aligned: the rest of the buffer starts at a character boundary.
        buffer = buffer[start:]
    if buffer:
        yield buffer


def _looks_utf16(head: bytes) -> bool:
    sample = head[: 1 << 16]
    half = max(1, len(sample) // 2)
    return max(sample[0::2].count(0), sample[1::2].count(0)) / half > UTF16_NULS


@dataclass
class CsvRecord:
    """One CSV record: its fields, the lines it was parsed from, and why it is unreadable (or None)."""

    fields: list[str]
    lines: list[Line]
    problem: str | None = None


def csv_records(lines: Iterable[Line]) -> Generator[CsvRecord, None, None]:
    """The records of a CSV file's ``lines`` (blank lines are none); the header is the first.

    A record whose quoted field is never closed would swallow the rest of the file: it is
    reported on its first line alone, and parsing starts again on the line after.
    """
    source = iter(lines)
    pending: deque[Line] = deque()
    consumed: list[Line] = []
    exhausted = False

    def feed() -> Iterator[str]:
        nonlocal exhausted
        while pending or not exhausted:
            line = pending.popleft() if pending else next(source, None)
            if line is None:
                exhausted = True
                return
            consumed.append(line)
            yield line.text

    rows = csv.reader(feed())
    while True:
        consumed.clear()
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as err:
            yield CsvRecord([], list(consumed), f"malformed CSV ({err})")
            continue
        if exhausted and len(consumed) > 1 and sum(line.text.count('"') for line in consumed) % 2:
            first, *rest = consumed
            yield CsvRecord([], [first], "a quote opened here is never closed (the rest of the file was read again from the next line)")
            pending.extend(rest)
            exhausted = False
            rows = csv.reader(feed())
            continue
        if row:
            yield CsvRecord(row, list(consumed), _line_problem(consumed))


def _line_problem(lines: list[Line]) -> str | None:
    bad = next((line for line in lines if line.error), None)
    if bad is None:
        return None
    return bad.error if bad is lines[0] else f"line {bad.number}: {bad.error}"
