"""The common shape of a gold document, and how it becomes a spaCy ``Doc``.

Every format reader (UNER IOB2, GUM CoNLL-U, ECB+ XML, plain IOB) yields :class:`GoldDocument`
records: the gold tokens with their spacing, sentence starts, and gold mentions as token
ranges with a source label and a gold entity identity. :func:`to_doc` maps the labels
(``label_map``), keeps the gold tokenisation (so a gold span always falls on tokens) and puts
the mentions in ``doc.ents`` with the identity in ``span.kb_id_`` and the document id in
``doc._.doc_id``.

Readers never raise on a broken annotation: they record a :class:`GoldProblem` (file, line,
document, the text quoted) in a :class:`GoldReport` and go on.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from ..base.extensions import register_extensions

logger = logging.getLogger("pipeline")

#: Problems quoted one by one in the log; the rest are only counted.
MAX_LOGGED_PROBLEMS = 20
#: Key in ``doc.user_data`` for the document's group (:attr:`GoldDocument.group`).
GROUP_KEY = "gold_group"
#: Key in ``doc.spans`` for every mapped gold mention, nested ones included.
GOLD_SPANS_KEY = "gold_mentions"


@dataclass
class GoldMention:
    """A gold mention over gold tokens ``start:end`` (end exclusive)."""

    start: int
    end: int
    label: str  # the corpus's own label (PER, person, HUMAN_PART_PER...)
    identity: str | None = None  # gold entity id: chain, instance or Wikipedia title


@dataclass
class GoldDocument:
    doc_id: str
    words: list[str]
    spaces: list[bool]
    sent_starts: list[bool]
    mentions: list[GoldMention]
    path: str = ""
    #: Documents whose identities are comparable (ECB+: a sub-topic); "" for the whole corpus.
    group: str = ""


@dataclass
class GoldProblem:
    path: str
    line: int | None
    doc_id: str | None
    kind: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        doc = f" (document {self.doc_id})" if self.doc_id else ""
        return f"{where}{doc}: {self.message}"


@dataclass
class GoldReport:
    """What the readers skipped or repaired, and how much they read."""

    problems: list[GoldProblem] = field(default_factory=list)
    documents: int = 0
    mentions: Counter = field(default_factory=Counter)  # mapped label -> count
    dropped_overlaps: int = 0

    def add(self, path: str, line: int | None, doc_id: str | None, kind: str, message: str) -> None:
        problem = GoldProblem(str(path), line, doc_id, kind, message)
        self.problems.append(problem)
        if len(self.problems) <= MAX_LOGGED_PROBLEMS:
            logger.warning("%s", problem)

    def counts(self) -> dict[str, int]:
        return dict(Counter(p.kind for p in self.problems))

    def summary(self) -> dict:
        return {
            "documents": self.documents,
            "mentions": dict(self.mentions),
            "problems": self.counts(),
            "dropped_overlapping_mentions": self.dropped_overlaps,
            "examples": [str(p) for p in self.problems[:MAX_LOGGED_PROBLEMS]],
        }


def to_doc(gold: GoldDocument, vocab: Vocab, label_map: Mapping[str, str | None], report: GoldReport) -> Doc:
    """``gold`` as a Doc on its own tokens, with mapped mentions in ``doc.ents``.

    Labels missing from ``label_map`` (or mapped to ``None``) are dropped. Overlapping mentions
    (nested in GUM) keep the longest in ``doc.ents``; all mapped ones are in
    ``doc.spans["gold_mentions"]``.
    """
    register_extensions()
    sent_starts: list[bool | int | None] | None = list(gold.sent_starts) or None
    doc = Doc(vocab, words=gold.words, spaces=gold.spaces, sent_starts=sent_starts)
    doc._.doc_id = gold.doc_id
    doc.user_data[GROUP_KEY] = gold.group
    spans: list[Span] = []
    for mention in gold.mentions:
        label = label_map.get(mention.label)
        if not label:
            continue
        if not 0 <= mention.start < mention.end <= len(doc):
            report.add(gold.path, None, gold.doc_id, "out_of_range", f"mention {mention.start}:{mention.end} outside {len(doc)} tokens")
            continue
        spans.append(Span(doc, mention.start, mention.end, label=label, kb_id=mention.identity or ""))
    doc.spans[GOLD_SPANS_KEY] = spans
    kept: list[Span] = []
    taken: set[int] = set()
    for span in sorted(spans, key=lambda s: (s.start - s.end, s.start)):
        if taken.intersection(range(span.start, span.end)):
            report.dropped_overlaps += 1
            continue
        taken.update(range(span.start, span.end))
        kept.append(span)
    doc.set_ents(sorted(kept, key=lambda s: s.start), default="outside")
    report.documents += 1
    report.mentions.update(s.label_ for s in kept)
    return doc


def spaces_from_text(words: list[str], text: str) -> tuple[list[bool], bool]:
    """Whether each word is followed by a space in ``text``; ``False`` second when a word was not found."""
    spaces: list[bool] = []
    position = 0
    aligned = True
    for word in words:
        found = text.find(word, position)
        if found < 0 or text[position:found].strip():
            aligned = False
            spaces.append(True)
            continue
        position = found + len(word)
        spaces.append(position < len(text) and text[position].isspace())
    return spaces, aligned


def iob_mentions(tags: list[str]) -> tuple[list[GoldMention], list[int]]:
    """Mentions from IOB1/IOB2/BILOU tags; the second list holds positions of repaired ``I-`` starts."""
    mentions: list[GoldMention] = []
    repaired: list[int] = []
    start: int | None = None
    label: str | None = None
    tag_label: str | None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, tag_label = tag.partition("-")
        if tag in ("O", "_", "") or prefix not in ("B", "I", "L", "U", "E", "S"):
            prefix, tag_label = "O", None
        continues = prefix in ("I", "L", "E") and start is not None and tag_label == label
        if start is not None and not continues:
            mentions.append(GoldMention(start, i, label or ""))
            start = label = None
        if prefix in ("B", "U", "S") or (prefix in ("I", "L", "E") and start is None):
            if prefix in ("I", "L", "E"):
                repaired.append(i)  # an inside tag with nothing open: IOB1 style, or a broken IOB2 tag
            start, label = i, tag_label
        if prefix in ("L", "U", "E", "S") and start is not None:
            mentions.append(GoldMention(start, i + 1, label or ""))
            start = label = None
    return mentions, repaired
