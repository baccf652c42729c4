"""Rows for the output tables from processed Docs: the only place a Doc becomes table data.

Engines call :meth:`Rows.add_doc` / :meth:`Rows.add_error` per article and take the columns
as Arrow tables (``to_tables``), so what crosses a process boundary is plain data.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

import pyarrow as pa
from spacy.tokens import Doc

from ..base.salience import headline_end, salience
from ..knowledge.names import SPORT_PREFIX, fullest_form, name_key
from ..readers import Article
from .schema import DOCUMENTS, ENTITIES, MENTIONS, SENTENCES, empty_columns

STATUS_OK = "ok"
STATUS_ERROR = "error"
#: Other entities of its document an entity's ``context`` names (what corpus resolution compares).
MAX_CONTEXT_ENTITIES = 8


def entity_contexts(names: dict[str, str], counts: dict[str, int], sport: str | None) -> dict[str, list[str]]:
    """Entity id -> its ``context`` column: the name keys (space-joined) of at most
    ``MAX_CONTEXT_ENTITIES`` other entities of the document (``names``: entity id -> name, in
    order of first mention; ``counts``: their mentions), most mentioned first, then
    ``sport:<name>`` on a sports page (:mod:`pipeline.components.sports`)."""
    keys = {entity_id: " ".join(name_key(name)) for entity_id, name in names.items()}
    ranked = sorted(names, key=lambda entity_id: -counts[entity_id])  # stable: first mentioned first
    tail = [f"{SPORT_PREFIX}{sport}"] if sport else []
    contexts = {}
    for entity_id in names:
        others = [keys[other] for other in ranked if keys[other] and keys[other] != keys[entity_id]]
        contexts[entity_id] = list(dict.fromkeys(others))[:MAX_CONTEXT_ENTITIES] + tail
    return contexts


def _text_length(doc: Doc) -> int:
    """The length of ``doc.text``, from its last token's offset (without joining the tokens)."""
    return doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0


class _Mention(NamedTuple):
    """What the entities table reads of a mention, read from its Span once."""

    start_char: int
    end_char: int
    label: str
    kb_id: str
    score: float | None


@dataclass
class Rows:
    """Column buffers for the per-document tables (documents, sentences, mentions, entities)."""

    documents: dict[str, list] = field(default_factory=lambda: empty_columns(DOCUMENTS))
    sentences: dict[str, list] = field(default_factory=lambda: empty_columns(SENTENCES))
    mentions: dict[str, list] = field(default_factory=lambda: empty_columns(MENTIONS))
    entities: dict[str, list] = field(default_factory=lambda: empty_columns(ENTITIES))
    n_docs: int = 0

    def add_error(self, article: Article) -> None:
        """A document that could not be read or processed: a documents row with its error."""
        self._add_document(article, None, STATUS_ERROR, article.error or "unknown error")

    def add_doc(self, doc: Doc, article: Article) -> None:
        """All rows for one processed document."""
        doc_id = article.doc_id
        self._add_document(article, doc, STATUS_OK, None)
        # The text of each sentence and mention is sliced from the Doc's text (a Span's text is the
        # Doc's from start_char to end_char), which is the article's: spaCy's tokenizer keeps every
        # character, and long texts are rejoined exactly (pipeline/base/chunking.py). Doc.text
        # would join every token again.
        text = article.text if article.text is not None and _text_length(doc) == len(article.text) else doc.text
        sent_starts = self._add_sentences(doc, doc_id, text)
        by_entity: dict[str, list[_Mention]] = {}
        m = self.mentions
        for mention_id, ent in enumerate(doc.ents):
            values = ent._  # each read of ``Span._`` makes an object, each Span attribute a lookup: once per mention
            local = values.entity_id or f"M{mention_id}"
            entity_id = f"{doc_id}:{local}"
            mention = _Mention(ent.start_char, ent.end_char, ent.label_, ent.id_, values.score)
            by_entity.setdefault(entity_id, []).append(mention)
            m["doc_id"].append(doc_id)
            m["mention_id"].append(mention_id)
            m["sentence_id"].append(bisect_right(sent_starts, ent.start) - 1 if sent_starts else None)
            m["start_char"].append(mention.start_char)
            m["end_char"].append(mention.end_char)
            m["text"].append(text[mention.start_char : mention.end_char])
            m["label"].append(mention.label)
            m["model_label"].append(values.model_label)
            m["component"].append(values.component)
            m["score"].append(mention.score)
            m["label_prob"].append(values.label_prob)
            m["kb_id"].append(mention.kb_id or None)
            m["entity_id"].append(entity_id)
            m["canonical_id"].append(None)
        e = self.entities
        max_mentions = max((len(mentions) for mentions in by_entity.values()), default=0)
        headline = headline_end(text)
        texts = {entity_id: [text[s.start_char : s.end_char] for s in mentions] for entity_id, mentions in by_entity.items()}
        names = {entity_id: fullest_form(forms) for entity_id, forms in texts.items()}
        contexts = entity_contexts(names, {entity_id: len(mentions) for entity_id, mentions in by_entity.items()}, doc._.sport)
        for entity_id, mentions in by_entity.items():
            kb_ids = Counter(s.kb_id for s in mentions if s.kb_id)
            e["doc_id"].append(doc_id)
            e["entity_id"].append(entity_id)
            e["canonical_id"].append(None)
            e["label"].append(Counter(s.label for s in mentions).most_common(1)[0][0])
            e["name"].append(names[entity_id])
            e["aliases"].append(sorted(set(texts[entity_id])))
            e["kb_id"].append(kb_ids.most_common(1)[0][0] if kb_ids else None)
            e["mention_count"].append(len(mentions))
            e["first_char"].append(mentions[0].start_char)
            e["salience"].append(salience(mentions, max_mentions, len(text), headline))
            e["score"].append(max((s.score for s in mentions if s.score is not None), default=None))
            e["context"].append(contexts[entity_id])

    def _add_document(self, article: Article, doc: Doc | None, status: str, error: str | None) -> None:
        d = self.documents
        d["doc_id"].append(article.doc_id)
        d["path"].append(article.path)
        d["line"].append(article.line)
        d["title"].append(article.title)
        d["source"].append(article.source)
        d["published"].append(article.published)
        d["text"].append(article.text)
        d["encoding"].append(article.encoding)
        d["n_chars"].append(len(article.text) if article.text is not None else None)
        d["n_tokens"].append(len(doc) if doc is not None else None)
        d["n_sentences"].append(None)
        d["status"].append(status)
        d["error"].append(error)
        self.n_docs += 1

    def _add_sentences(self, doc: Doc, doc_id: str, text: str) -> list[int]:
        """Sentence rows; returns the sentences' first token indices, for mention lookup."""
        s = self.sentences
        if doc.has_annotation("SENT_START"):
            sents = list(doc.sents)
        else:
            sents = [doc[:]] if len(doc) else []
        for sentence_id, sent in enumerate(sents):
            s["doc_id"].append(doc_id)
            s["sentence_id"].append(sentence_id)
            s["start_char"].append(sent.start_char)
            s["end_char"].append(sent.end_char)
            s["text"].append(text[sent.start_char : sent.end_char])
        self.documents["n_sentences"][-1] = len(sents)
        return [sent.start for sent in sents]

    def to_tables(self) -> dict[str, pa.Table]:
        """The buffered rows as Arrow tables with the output schemas."""
        return {
            "documents": pa.Table.from_pydict(self.documents, schema=DOCUMENTS),
            "sentences": pa.Table.from_pydict(self.sentences, schema=SENTENCES),
            "mentions": pa.Table.from_pydict(self.mentions, schema=MENTIONS),
            "entities": pa.Table.from_pydict(self.entities, schema=ENTITIES),
        }
