"""The entity registry on hand-made summaries: ids kept, merged into the older one, never given twice."""

from __future__ import annotations

from pipeline.corpus.registry import Registry, doc_counts, text_hash
from pipeline.corpus.resolve import CorpusResolver


def summaries(*rows: tuple[str, str, list[str]]) -> CorpusResolver:
    resolver = CorpusResolver()
    for label, name, aliases in rows:
        resolver.add(label, name, aliases, None, 1)
    return resolver


def by_name(update) -> dict[str, str]:
    return {cluster.name: canonical_id for canonical_id, cluster in update.resolution.clusters.items()}


IS, STATE = ("ORG", "IS", ["IS"]), ("ORG", "Islamic State", ["Islamic State"])
BOTH = ("ORG", "Islamic State", ["IS", "Islamic State"])


def test_a_new_corpus_gets_the_ids_one_run_gives():
    resolver = summaries(IS, STATE, ("PERSON", "Fuad Hussein", ["Fuad Hussein"]))
    update = Registry.empty().update(resolver, "r0001")
    assert by_name(update) == {cluster.name: cid for cid, cluster in CorpusResolver().merge(resolver).resolve().clusters.items()}
    assert update.new_ids == 3 and update.redirected == 0


def test_a_fuller_name_keeps_the_id_and_a_merge_keeps_the_older_one():
    first = Registry.empty().update(summaries(IS, ("PERSON", "Shaibani", ["Shaibani"])), "r0001")
    second = first.registry.update(summaries(STATE, ("PERSON", "Asaad al-Shaibani", ["Asaad al-Shaibani", "Shaibani"])), "r0002")
    assert by_name(second)["Asaad al-Shaibani"] == by_name(first)["Shaibani"]
    assert by_name(second)["Islamic State"] != by_name(first)["IS"]  # two entities so far
    third = second.registry.update(summaries(BOTH), "r0003")
    merged = by_name(third)["Islamic State"]
    assert merged == by_name(first)["IS"]  # the older id survives
    assert third.registry.redirects.to_pylist() == [{"old_id": by_name(second)["Islamic State"], "canonical_id": merged, "run_id": "r0003"}]
    # Only the summaries the run touched were resolved again.
    assert sorted(third.resolved.column("name").to_pylist()) == ["IS", "Islamic State", "Islamic State"]


def test_an_id_is_never_given_to_another_entity():
    """Merged, then split again (the document that joined them replaced): the retired id is not reused."""
    first = Registry.empty().update(summaries(IS, STATE), "r0001")
    merged = first.registry.update(summaries(BOTH), "r0002")
    split = merged.registry.update(CorpusResolver(), "r0003", dropped=summaries(BOTH))
    ids = by_name(split)
    assert len(ids) == 2 and by_name(merged)["Islamic State"] in ids.values()
    given = set(first.registry.canonical_ids.column("canonical_id").to_pylist())
    assert [i for i in ids.values() if i not in given] == [i for i in ids.values() if i.endswith(".2")]
    assert len(split.registry.canonical_ids) == 3


def test_doc_counts_count_a_document_once_per_entity():
    update = Registry.empty().update(summaries(IS, STATE, BOTH, ("LOC", "Baghdad", ["Baghdad"])), "r0001")
    rows = update.registry.summaries.to_pydict()
    sid = dict(zip(rows["name"], rows["summary_id"]))  # "Islamic State" -> one of its two summaries
    import pyarrow as pa

    pairs = pa.table({"doc_key": [0, 0, 1, 1], "summary_id": [sid["IS"], sid["Islamic State"], sid["Baghdad"], sid["IS"]]})
    counts = doc_counts([pairs], update.resolved)
    assert counts == {by_name(update)["Islamic State"]: 2, by_name(update)["Baghdad"]: 1}


def test_text_hash_of_an_error_row_is_that_of_no_text():
    assert text_hash(None) == text_hash("") != text_hash("x")
