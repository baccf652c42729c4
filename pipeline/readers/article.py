"""The record every reader yields: one input article, or the reason it could not be read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Article:
    """One input document.

    ``text`` is exactly what the pipeline analyses (offsets in the output point into it);
    ``error`` is set, and ``text`` is None, when the record could not be read. ``location``
    names where the record came from (``file.jsonl:12``) for messages.
    """

    doc_id: str
    path: str
    location: str
    text: str | None = None
    title: str | None = None
    source: str | None = None
    published: str | None = None
    line: int | None = None
    encoding: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.text is not None


def failed(doc_id: str, path: str, location: str, message: str, line: int | None = None) -> Article:
    """An article that could not be read: it still appears in the output, with its error."""
    return Article(doc_id=doc_id, path=path, location=location, line=line, error=f"{location}: {message}")
