"""The documents of a grown corpus, for an append to look its articles up, and each run's index.

An append skips the articles the corpus has with the same text (:class:`DocIndex`) and keeps,
per run, each document's text hash and key and the registry summary of each ``entities`` row
(:class:`RunIndex`): how ``pipeline.load`` finds an entity's id now, and how document counts
are made.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..writing.schema import DOCUMENT_INDEX, ENTITY_SUMMARIES
from .rows import SummaryRowKey, summary_keys


def text_hash(text: str | None) -> str:
    """SHA-256 of a document's text (of "" for an error row, which has none): what an append compares."""
    return hashlib.sha256((text or "").encode("utf8")).hexdigest()


def id_hash(doc_id: str) -> int:
    """A document id as a signed 64-bit integer (BLAKE2b): what :class:`DocIndex` searches."""
    return int.from_bytes(hashlib.blake2b(doc_id.encode("utf8"), digest_size=8).digest(), "little", signed=True)


@dataclass
class DocIndex:
    """Every document of a corpus, for an append to look its articles up: 64-bit hashes of the
    ids, sorted in a NumPy array with the run and row of each (20 bytes a document); a run's
    index (ids, text hashes) is read only when an article's hash is found in it (``read``), so
    that a corpus of a million documents costs some twenty megabytes, not an object per document."""

    hashes: np.ndarray  # id_hash, sorted
    runs: np.ndarray  # the run (a position in run_ids) of each sorted hash
    rows: np.ndarray  # its row in that run's index
    run_ids: list[str]
    last_key: int | None  # the largest doc_key
    read: Callable[[str], pa.Table]  # run -> its document index (DOCUMENT_INDEX)
    _read: dict[str, pa.Table] = field(default_factory=dict)

    @classmethod
    def of(cls, parts: Iterable[tuple[str, pa.Table]], read: Callable[[str], pa.Table] | None = None) -> DocIndex:
        """The index of ``(run_id, part)`` pairs (the registry's per-run document indexes: their
        ``id_hash`` and ``doc_key`` columns are enough when ``read`` gives a run's whole index;
        without ``read``, the parts are kept)."""
        hashes: list[np.ndarray] = []
        runs: list[np.ndarray] = []
        rows: list[np.ndarray] = []
        run_ids: list[str] = []
        kept: dict[str, pa.Table] = {}
        last: int | None = None
        for run, part in parts:
            run_hashes = part.column("id_hash").to_numpy()
            hashes.append(run_hashes)
            runs.append(np.full(len(run_hashes), len(run_ids), dtype=np.int32))
            rows.append(np.arange(len(run_hashes), dtype=np.int64))
            run_ids.append(run)
            top = pc.max(part.column("doc_key")).as_py()
            last = top if last is None or (top is not None and top > last) else last
            if read is None:
                kept[run] = part
        every = np.concatenate(hashes) if hashes else np.empty(0, np.int64)
        order = np.argsort(every, kind="stable")
        runs_all = np.concatenate(runs) if runs else np.empty(0, np.int32)
        rows_all = np.concatenate(rows) if rows else np.empty(0, np.int64)
        return cls(every[order], runs_all[order], rows_all[order], run_ids, last, read or kept.__getitem__)

    def get(self, doc_id: str) -> tuple[str, str, int] | None:
        """``(text hash, run, doc_key)`` of the corpus's document ``doc_id``, or None."""
        wanted = id_hash(doc_id)
        position = int(np.searchsorted(self.hashes, wanted))
        while position < len(self.hashes) and self.hashes[position] == wanted:
            run = self.run_ids[int(self.runs[position])]
            if run not in self._read:
                self._read[run] = self.read(run)
            table, row = self._read[run], int(self.rows[position])
            if table.column("doc_id")[row].as_py() == doc_id:
                return table.column("text_sha256")[row].as_py(), run, table.column("doc_key")[row].as_py()
            position += 1
        return None

    def next_key(self) -> int:
        """The ``doc_key`` the next document gets."""
        return 0 if self.last_key is None else self.last_key + 1


@dataclass
class RunIndex:
    """The registry rows of one run's documents, gathered batch by batch on their way to the
    writer: each document's text hash and key, and the summary of each ``entities`` row."""

    summary_ids: Mapping[SummaryRowKey, int]
    first_key: int = 0
    name_ids: Mapping[SummaryRowKey, int] = field(default_factory=dict)  # a summary kept as a document row of a name row -> that row
    documents: dict[str, list] = field(default_factory=lambda: {name: [] for name in DOCUMENT_INDEX.names})
    entities: dict[str, list] = field(default_factory=lambda: {name: [] for name in ENTITY_SUMMARIES.names})
    _keys: dict[str, int] = field(default_factory=dict)

    def add(self, tables: Mapping[str, pa.Table]) -> Mapping[str, pa.Table]:
        """Index one batch's tables; returns them unchanged."""
        documents = tables["documents"].select(["doc_id", "text"]).to_pydict()
        for doc_id, text in zip(documents["doc_id"], documents["text"]):
            self._keys[doc_id] = key = self.first_key + len(self._keys)
            self.documents["doc_id"].append(doc_id)
            self.documents["text_sha256"].append(text_hash(text))
            self.documents["doc_key"].append(key)
            self.documents["id_hash"].append(id_hash(doc_id))
        entities = tables["entities"]
        self.entities["entity_id"] += entities.column("entity_id").to_pylist()
        self.entities["doc_key"] += [self._keys[doc_id] for doc_id in entities.column("doc_id").to_pylist()]
        keys = summary_keys(entities)
        self.entities["summary_id"] += [self.summary_ids[key] for key in keys]
        self.entities["name_id"] += [self.name_ids.get(key) for key in keys]
        return tables

    def tables(self) -> tuple[pa.Table, pa.Table]:
        """The run's document index and entity summaries."""
        return pa.table(self.documents, schema=DOCUMENT_INDEX), pa.table(self.entities, schema=ENTITY_SUMMARIES)
