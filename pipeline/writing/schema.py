"""The output tables, defined once. Every writer (local, multi-process, Dask) uses these schemas.

Offsets are character offsets into ``documents.text`` (Python string indices), so
``text[start_char:end_char] == mention.text``.
"""

from __future__ import annotations

import pyarrow as pa

DOCUMENTS = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("path", pa.string()),
        pa.field("line", pa.int64()),  # line (JSONL) or row (CSV, Parquet) in the file; null for whole files
        pa.field("title", pa.string()),
        pa.field("source", pa.string()),
        pa.field("published", pa.string()),  # as given in the input
        pa.field("text", pa.large_string()),  # exactly the text analysed
        pa.field("encoding", pa.string()),
        pa.field("n_chars", pa.int64()),
        pa.field("n_tokens", pa.int64()),
        pa.field("n_sentences", pa.int64()),
        pa.field("status", pa.string(), nullable=False),  # "ok" or "error"
        pa.field("error", pa.string()),
    ]
)

SENTENCES = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("sentence_id", pa.int32(), nullable=False),
        pa.field("start_char", pa.int64(), nullable=False),
        pa.field("end_char", pa.int64(), nullable=False),
        pa.field("text", pa.string()),
    ]
)

MENTIONS = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("mention_id", pa.int32(), nullable=False),
        pa.field("sentence_id", pa.int32()),
        pa.field("start_char", pa.int64(), nullable=False),
        pa.field("end_char", pa.int64(), nullable=False),
        pa.field("text", pa.string()),
        pa.field("label", pa.string()),  # PERSON / ORG / LOC
        pa.field("model_label", pa.string()),  # the recogniser's or rule's label before mapping
        pa.field("component", pa.string()),  # the stage that produced the mention (Span._.component)
        pa.field("score", pa.float32()),  # 0-1: probability of the label (news_mention_scores); null without that stage
        pa.field("label_prob", pa.float32()),  # 0-1: the same before the score model (what the corpus vote weighs)
        pa.field("kb_id", pa.string()),  # id from a curated pattern or alias table, if any
        pa.field("entity_id", pa.string()),  # "<doc_id>:E<n>", shared by aliases in a document
        pa.field("canonical_id", pa.string()),  # shared by the same entity across the corpus
    ]
)

ENTITIES = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("entity_id", pa.string(), nullable=False),
        pa.field("canonical_id", pa.string()),
        pa.field("label", pa.string()),
        pa.field("name", pa.string()),  # the fullest form in the document
        pa.field("aliases", pa.list_(pa.string())),  # every distinct form, sorted
        pa.field("kb_id", pa.string()),
        pa.field("mention_count", pa.int32()),
        pa.field("first_char", pa.int64()),
        pa.field("salience", pa.float32()),  # 0-1: mentions, position, headline (pipeline/base/salience.py)
        pa.field("score", pa.float32()),  # 0-1: its best mention's score; null where no mention has one
        # What corpus resolution weighs beside the name: the name keys of the document's other
        # entities (most mentioned first) and, on a sports page, "sport:<name>" (pipeline/writing/rows.py).
        pa.field("context", pa.list_(pa.string())),
    ]
)

CORPUS_ENTITIES = pa.schema(
    [
        pa.field("canonical_id", pa.string(), nullable=False),
        pa.field("label", pa.string()),
        pa.field("name", pa.string()),
        pa.field("aliases", pa.list_(pa.string())),
        pa.field("kb_id", pa.string()),
        pa.field("doc_count", pa.int64()),
        pa.field("mention_count", pa.int64()),
        # Places (LOC) linked offline (pipeline/knowledge/geo.py); null for other entities and unknown places.
        pa.field("country_code", pa.string()),  # ISO 3166-1 alpha-2
        pa.field("geonames_id", pa.int64()),
        pa.field("latitude", pa.float64()),
        pa.field("longitude", pa.float64()),
    ]
)

#: A grown corpus (``run --append``): where an entity id given earlier now points. Ids of entities
#: that new evidence merged into an older one (pipeline/corpus/registry.py), one row per retired id.
CANONICAL_REDIRECTS = pa.schema(
    [
        pa.field("old_id", pa.string(), nullable=False),
        pa.field("canonical_id", pa.string(), nullable=False),  # the surviving id, in corpus_entities
        pa.field("run_id", pa.string(), nullable=False),  # the append that merged them
    ]
)

#: A grown corpus: one row per run that added documents, in order.
RUNS = pa.schema(
    [
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("started", pa.string()),
        pa.field("finished", pa.string()),
        pa.field("seconds", pa.float64()),
        pa.field("config_hash", pa.string()),
        pa.field("inputs", pa.string()),  # JSON: [{"path", "bytes", "sha256"}, ...]
        pa.field("documents", pa.int64()),  # documents added (with error rows)
        pa.field("errors", pa.int64()),  # of which error rows
        pa.field("skipped", pa.int64()),  # already in the corpus with the same text
        pa.field("conflicts", pa.int64()),  # an id already in the corpus with another text (error rows)
        pa.field("replaced", pa.int64()),  # documents of earlier runs replaced (--replace)
        pa.field("mentions", pa.int64()),
        pa.field("words", pa.int64()),
        pa.field("new_entities", pa.int64()),  # canonical ids given by this run
        pa.field("redirected", pa.int64()),  # canonical ids this run merged into older ones
    ]
)

# The registry of a grown corpus (DIR/registry/, pipeline/corpus/registry.py): what the next append
# needs, kept beside the tables. Its summaries table has no fixed schema: it holds whatever
# columns corpus resolution summarises an entity by, plus summary_id and canonical_id.
#: Every document of the corpus: its id, a hash of its text (what an append compares), a number.
DOCUMENT_INDEX = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("text_sha256", pa.string(), nullable=False),  # of documents.text ("" for error rows)
        pa.field("doc_key", pa.int64(), nullable=False),
        pa.field("id_hash", pa.int64(), nullable=False),  # 64 bits of a hash of doc_id: looked up without a Python object per document
    ]
)
#: The summary of every ``entities`` row: its current canonical id (pipeline.load) and doc_count.
ENTITY_SUMMARIES = pa.schema(
    [
        pa.field("entity_id", pa.string(), nullable=False),
        pa.field("doc_key", pa.int64(), nullable=False),
        pa.field("summary_id", pa.int64(), nullable=False),
        # The registry's name row that its summary (a document row kept in the run's file) belongs
        # to, if any: its id now is the name row's, until the name is made short and its document
        # rows become rows of their own (found by summary_id first). Null in a corpus of main's
        # registry format and for a row of its own.
        pa.field("name_id", pa.int64()),
    ]
)
#: The document rows of a registry name row (a name decided by strong keys alone is one row in
#: registry/summaries): a summary per document, kept in the run's own file, read only when the name
#: becomes a short form that is resolved document by document (pipeline/corpus/registry.py).
FOLDED_ROWS = pa.schema(
    [
        pa.field("summary_id", pa.int64(), nullable=False),
        pa.field("name_id", pa.int64(), nullable=False),  # the summary_id of its name row
        pa.field("label", pa.string()),
        pa.field("name", pa.string()),
        pa.field("aliases", pa.list_(pa.string())),
        pa.field("kb_id", pa.string()),
        pa.field("context", pa.list_(pa.string())),
        pa.field("mention_count", pa.int64()),
    ]
)
#: Every canonical id given, with the run that gave it (the older one survives a merge).
CANONICAL_IDS = pa.schema([pa.field("canonical_id", pa.string(), nullable=False), pa.field("run_id", pa.string(), nullable=False)])

#: Table name -> schema, in the order the tables are described in the README.
TABLES: dict[str, pa.Schema] = {
    "documents": DOCUMENTS,
    "sentences": SENTENCES,
    "mentions": MENTIONS,
    "entities": ENTITIES,
    "corpus_entities": CORPUS_ENTITIES,
}
#: Tables only a grown corpus has (``run --append``); :func:`pipeline.load` reads them when present.
CORPUS_TABLES: dict[str, pa.Schema] = {"canonical_redirects": CANONICAL_REDIRECTS, "runs": RUNS}
#: The columns of a table whose Parquet pages are dictionary-encoded (a few distinct values); the
#: others are written plain: a dictionary of ids and names, nearly all distinct, costs time to
#: write and to read and saves no space (``corpus_entities`` at 100,000 documents: 0.052 -> 0.035
#: s to write, 4.1 -> 3.6 MB). Readers get the same columns either way.
DICTIONARY_COLUMNS: dict[str, list[str]] = {"corpus_entities": ["label", "kb_id", "country_code"]}


def empty_columns(schema: pa.Schema) -> dict[str, list]:
    """A column -> [] dict for building a batch of ``schema`` rows."""
    return {name: [] for name in schema.names}


def replace_column(table: pa.Table, name: str, values: list) -> pa.Table:
    """``table`` with column ``name`` replaced by ``values``, typed as the schema says."""
    index = table.schema.get_field_index(name)
    field = table.schema.field(index)
    return table.set_column(index, field, pa.array(values, field.type))
