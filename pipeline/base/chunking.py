"""Long documents: processed in chunks cut at paragraph or sentence ends, rejoined into one Doc.

spaCy refuses texts longer than ``nlp.max_length``, and the recogniser's memory grows with the
length of a text, so a document longer than ``max_chars`` is cut into chunks no longer than that,
at the last paragraph break in reach (else line end, sentence end, space; a cut inside a word only
when a chunk has no space at all). The components up to ``whole_document_from`` run on each chunk;
the chunks are joined with ``Doc.from_docs`` (no text added or lost, so offsets are those of the
whole text, and entities and their ``Span._`` values move with them); the components from
``whole_document_from`` on (alias linking, which needs every mention of the document) run on the
joined Doc. Nothing is ever truncated: a text the chunks do not rebuild exactly is an error.

The ``[chunking]`` section of a pipeline config builds a :class:`Chunker` (``news.chunker.v1``).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

#: Characters per chunk by default: spaCy's guidance is about 1 GB of memory per 100,000
#: characters for the statistical components.
DEFAULT_MAX_CHARS = 100_000
DEFAULT_WHOLE_DOCUMENT_FROM = "alias_linker"
#: Where a chunk may end, best first: after a blank line, a line end, a sentence end, a space.
BOUNDARIES = (
    re.compile(r"\n[^\S\n]*\n\s*"),
    re.compile(r"\n\s*"),
    re.compile(r"(?<=[.!?…。！？])[\"'”’)\]]*\s+"),
    re.compile(r"\s+"),
)


class ChunkingError(ValueError):
    """A long document that could not be processed in chunks."""


def chunk_bounds(text: str, max_chars: int) -> list[tuple[int, int]]:
    """``(start, end)`` of chunks that cover ``text`` exactly, each at most ``max_chars`` long.

    A chunk ends after the last boundary (see :data:`BOUNDARIES`, best first) that leaves it
    non-empty and within ``max_chars``; the whitespace of the boundary stays with the chunk before.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, not {max_chars}")
    bounds: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > max_chars:
        window = text[start : start + max_chars]
        end = None
        for pattern in BOUNDARIES:
            ends = [m.end() for m in pattern.finditer(window) if 0 < m.end() <= max_chars]
            if ends:
                end = start + ends[-1]
                break
        if end is None:  # one "word" longer than a chunk: cut it
            end = start + max_chars
        bounds.append((start, end))
        start = end
    if start < len(text) or not bounds:
        bounds.append((start, len(text)))
    return bounds


@dataclass
class Chunker:
    """Decides which documents are processed in chunks, and processes them (module docstring)."""

    max_chars: int = DEFAULT_MAX_CHARS
    whole_document_from: str | None = DEFAULT_WHOLE_DOCUMENT_FROM

    def limit(self, nlp: Language) -> int:
        """Characters above which a text is chunked: ``max_chars``, never above ``nlp.max_length``."""
        return min(self.max_chars, nlp.max_length)

    def needs_chunks(self, nlp: Language, text: str) -> bool:
        return len(text) > self.limit(nlp)

    def __call__(self, nlp: Language, text: str) -> Doc:
        """The processed Doc of ``text``, made chunk by chunk; ``doc.text == text``."""
        names = nlp.pipe_names
        split = names.index(self.whole_document_from) if self.whole_document_from in names else len(names)
        docs = [nlp.make_doc(text[start:end]) for start, end in chunk_bounds(text, self.limit(nlp))]
        for name, proc in nlp.pipeline[:split]:
            try:
                docs = list(proc.pipe(docs)) if hasattr(proc, "pipe") else [proc(doc) for doc in docs]
            except Exception as err:  # noqa: BLE001  (reported as this document's error)
                raise ChunkingError(f"stage {name!r} failed on a chunk: {err}") from err
        with warnings.catch_warnings():
            # W101: Doc-level ``_`` values cannot be merged; the whole-document stages set them.
            warnings.filterwarnings("ignore", message=r"\[W101\]")
            doc = Doc.from_docs(docs, ensure_whitespace=False)
        for name, proc in nlp.pipeline[split:]:
            try:
                doc = proc(doc)
            except Exception as err:  # noqa: BLE001
                raise ChunkingError(f"stage {name!r} failed on the rejoined document: {err}") from err
        if doc.text != text:
            raise ChunkingError("the chunks did not rebuild the text exactly (please report this)")
        return doc


@registry.misc("news.chunker.v1")
def make_chunker(max_chars: int = DEFAULT_MAX_CHARS, whole_document_from: str | None = DEFAULT_WHOLE_DOCUMENT_FROM) -> Chunker:
    """The ``[chunking]`` section: chunk size, and the first component that needs the whole document."""
    return Chunker(max_chars=max_chars, whole_document_from=whole_document_from)
