"""``corpus_entities`` after an append: the clusters resolved again merged into the corpus's rows.

An append replaces the rows of the clusters it resolved again and keeps the others; the table
grows with the corpus, so it is merged a batch at a time (:func:`merge_corpus`), and the
documents of the clusters resolved again are counted over every run's index (:func:`doc_counts`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

import pyarrow as pa
import pyarrow.compute as pc

from ..writing.schema import CORPUS_ENTITIES


def doc_counts(entity_summaries: Iterable[pa.Table], summaries: pa.Table) -> Counter:
    """Canonical id -> documents it is mentioned in, for the clusters of ``summaries`` (registry
    rows: ``summary_id``, ``canonical_id`` and ``name_row``, true for a name row, whose entity
    rows point to it by ``name_id``), over every run's entity summaries (only ``doc_key``,
    ``summary_id`` and ``name_id`` are read and filtered, vectorised: no Python object per row)."""
    if not summaries.num_rows:
        return Counter()
    named = summaries["name_row"].combine_chunks()
    rows, names = summaries.filter(pc.invert(named)), summaries.filter(named)
    own, of_names = rows["summary_id"].combine_chunks(), names["summary_id"].combine_chunks()
    ids = pc.unique(summaries.column("canonical_id").combine_chunks())
    row_clusters, name_clusters = (pc.index_in(part["canonical_id"], value_set=ids).combine_chunks() for part in (rows, names))
    parts = []
    for table in entity_summaries:
        table = table.combine_chunks()
        # A row of its own is found by its summary_id, a document row of a name row by the name's id.
        found = pc.coalesce(
            row_clusters.take(pc.index_in(table["summary_id"], value_set=own)), name_clusters.take(pc.index_in(table["name_id"], value_set=of_names))
        )
        kept = pc.is_valid(found)
        parts.append(pa.table({"doc_key": table["doc_key"].filter(kept), "cluster": found.filter(kept)}))
    if not parts:
        return Counter()
    pairs = pa.concat_tables(parts)
    cluster = pairs.column("cluster")
    distinct = pa.table({"doc_key": pairs.column("doc_key"), "cluster": cluster}).group_by(["doc_key", "cluster"]).aggregate([])
    counted = distinct.group_by("cluster").aggregate([("doc_key", "count")]).to_pydict()
    return Counter({ids[c].as_py(): n for c, n in zip(counted["cluster"], counted["doc_key_count"])})


#: How ``corpus_entities`` is ordered: most mentioned first, then by id (as one run writes it).
CORPUS_ORDER = [("mention_count", "descending"), ("canonical_id", "ascending")]


def merge_corpus(before: Iterable[pa.Table], rows: pa.Table, changed: Iterable[str]) -> Iterator[pa.Table]:
    """``corpus_entities`` after a run, a batch at a time: the rows of ``before`` (the corpus's,
    batch by batch, in :data:`CORPUS_ORDER`) whose id is not in ``changed``, and ``rows`` (the
    clusters resolved again), merged in that order, so that the table is never held whole."""
    gone = pa.array(sorted(changed), pa.string())
    pending = rows.cast(CORPUS_ENTITIES).sort_by(CORPUS_ORDER)
    for batch in before:
        kept = batch.filter(pc.invert(pc.is_in(batch["canonical_id"], value_set=gone))).cast(CORPUS_ENTITIES)
        if not kept.num_rows:
            continue
        # The new rows that sort before this batch's last row go with it.
        count, last = kept["mention_count"][-1], kept["canonical_id"][-1]
        earlier = pc.or_(
            pc.greater(pending["mention_count"], count),
            pc.and_(pc.equal(pending["mention_count"], count), pc.less_equal(pending["canonical_id"], last)),
        )
        inserted = pending.filter(earlier)
        yield pa.concat_tables([kept, inserted]).sort_by(CORPUS_ORDER) if inserted.num_rows else kept  # kept is in order
        pending = pending.filter(pc.invert(earlier))
    if pending.num_rows:
        yield pending
