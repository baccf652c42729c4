"""Plain CoNLL-2003-style IOB files: one token per line, the tag in the last column.

Columns are separated by tabs or spaces (``EU NNP B-NP B-ORG``, or ``EU\tB-ORG``); a blank line
ends a sentence; a ``-DOCSTART-`` line or a ``# newdoc id = ...`` comment starts a document
(a file without either is one document). IOB1, IOB2, BIOES/BILOU tags are all read; an
``I-`` tag with nothing open starts a mention. A ``# text = ...`` comment before a sentence
gives its original spacing; otherwise spacing is guessed (no space before ``,`` ``.`` ``'s``...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .gold import GoldDocument, GoldReport, iob_mentions, spaces_from_text

#: Default label mapping for CoNLL-2003 / UNER tags.
IOB_LABELS: dict[str, str | None] = {"PER": "PERSON", "PERSON": "PERSON", "ORG": "ORG", "LOC": "LOC", "GPE": "LOC", "FAC": "LOC", "MISC": None, "OTH": None}
DOCSTART = "-DOCSTART-"
NO_SPACE_BEFORE = re.compile(r"^([,.;:!?%)\]}]+|'s|'S|n't|'re|'ve|'ll|'d|'m|''|'|\.\.\.)$")
NO_SPACE_AFTER = re.compile(r"^([(\[{$#]|``)$")


@dataclass
class _Sentence:
    words: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    text: str | None = None
    line: int = 0


def guess_spaces(words: list[str]) -> list[bool]:
    """Whether a space follows each word, for tokens without their original text."""
    spaces = []
    for i, word in enumerate(words):
        following = words[i + 1] if i + 1 < len(words) else None
        spaces.append(following is not None and not NO_SPACE_BEFORE.match(following) and not NO_SPACE_AFTER.match(word))
    return spaces


def read_iob(
    path: Path | str,
    report: GoldReport,
    *,
    token_column: int = 0,
    tag_column: int = -1,
    strict_iob2: bool = False,
) -> Iterator[GoldDocument]:
    """Gold documents from one IOB file (see the module docstring).

    ``strict_iob2``: report an ``I-`` tag that opens a mention (legal in IOB1, a broken tag in IOB2).
    """
    path = Path(path)
    doc_id: str | None = None
    sentences: list[_Sentence] = []
    current = _Sentence()
    n_docs = 0

    def finish_doc() -> Iterator[GoldDocument]:
        nonlocal sentences, n_docs
        if current.words:
            sentences.append(_take())
        if not any(s.words for s in sentences):
            sentences = []
            return
        n_docs += 1
        yield _build(sentences, doc_id or (path.stem if n_docs == 1 else f"{path.stem}:{n_docs}"), path, report, strict_iob2)
        sentences = []

    def _take() -> _Sentence:
        nonlocal current
        taken, current = current, _Sentence()
        return taken

    with path.open(encoding="utf8") as handle:
        for number, raw in enumerate(handle, 1):
            line = raw.rstrip("\n").rstrip("\r")
            if line.startswith("#"):
                key, _, value = line[1:].partition("=")
                key = key.strip()
                if key in ("newdoc id", "newdoc"):
                    yield from finish_doc()
                    doc_id = value.strip()
                elif key == "text":
                    current.text = value.strip()
                continue
            if not line.strip():
                if current.words:
                    sentences.append(_take())
                continue
            columns = line.split("\t") if "\t" in line else line.split()
            if columns[0] == DOCSTART:
                yield from finish_doc()
                doc_id = None
                continue
            try:
                if len(columns) < 2:
                    raise IndexError(token_column)
                word, tag = columns[token_column], columns[tag_column]
            except IndexError:
                report.add(str(path), number, doc_id, "bad_line", f"expected a token and a tag, got {line!r}; the line was skipped")
                continue
            if not current.words:
                current.line = number
            current.words.append(word)
            current.tags.append(tag.strip())
        yield from finish_doc()


def _build(sentences: list[_Sentence], doc_id: str, path: Path, report: GoldReport, strict_iob2: bool) -> GoldDocument:
    words: list[str] = []
    spaces: list[bool] = []
    starts: list[bool] = []
    tags: list[str] = []
    for sentence in sentences:
        if sentence.text is not None:
            sentence_spaces, aligned = spaces_from_text(sentence.words, sentence.text)
            if not aligned:
                report.add(str(path), sentence.line, doc_id, "text_mismatch", f"tokens do not match '# text = {sentence.text[:80]}'; spacing was guessed")
                sentence_spaces = guess_spaces(sentence.words)
        else:
            sentence_spaces = guess_spaces(sentence.words)
        if spaces:
            spaces[-1] = True  # sentences are joined by a space
        words += sentence.words
        spaces += sentence_spaces
        starts += [True] + [False] * (len(sentence.words) - 1)
        tags += sentence.tags
        if strict_iob2:
            _, repaired = iob_mentions(sentence.tags)
            for i in repaired:
                report.add(
                    str(path), sentence.line + i, doc_id, "iob_repaired", f"tag {sentence.tags[i]!r} on {sentence.words[i]!r} opens a mention; read as B-"
                )
    spaces[-1] = False
    mentions, _ = iob_mentions(_sentence_bounded(tags, starts))
    return GoldDocument(doc_id=doc_id, words=words, spaces=spaces, sent_starts=starts, mentions=mentions, path=str(path))


def _sentence_bounded(tags: list[str], starts: list[bool]) -> list[str]:
    """Tags where an ``I-`` at a sentence start becomes ``B-``, so no mention crosses sentences."""
    return [("B-" + t[2:]) if starts[i] and t.startswith(("I-", "L-", "E-")) else t for i, t in enumerate(tags)]
