"""The entity registry on hand-made summaries: ids kept, merged into the older one, never given twice."""

from __future__ import annotations

from dataclasses import replace

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.corpus.block_index import INDEXED_COLUMNS, BlockIndex
from pipeline.corpus.corpus_entities import doc_counts, merge_corpus
from pipeline.corpus.index import text_hash
from pipeline.corpus.registry import BLOCK_KEYS, Registry, _with_keys, recounted
from pipeline.corpus.resolve import CorpusResolver
from pipeline.corpus.rows import Rows, change_rows, encoded, encoded_rows, layered, summary_keys
from pipeline.writing.schema import CORPUS_ENTITIES
from pipeline.writing.store import CorpusStore, stream


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
    given = set(first.registry.canonical_ids.table().column("canonical_id").to_pylist())
    assert [i for i in ids.values() if i not in given] == [i for i in ids.values() if i.endswith(".2")]
    assert len(split.registry.canonical_ids.table()) == 3


def test_doc_counts_count_a_document_once_per_entity():
    update = Registry.empty().update(summaries(IS, STATE, BOTH, ("LOC", "Baghdad", ["Baghdad"])), "r0001")
    # An entity index's rows: a summary's row, and the name row it is a document row of (if any).
    sid = {key[1]: (update.summary_ids[key], update.name_ids.get(key)) for key in update.summary_ids}  # "Islamic State": one of two
    rows = [sid["IS"], sid["Islamic State"], sid["Baghdad"], sid["IS"]]
    pairs = pa.table({"doc_key": [0, 0, 1, 1], "summary_id": [s for s, _ in rows], "name_id": pa.array([n for _, n in rows], pa.int64())})
    counts = doc_counts([pairs], update.resolved)
    assert counts == {by_name(update)["Islamic State"]: 2, by_name(update)["Baghdad"]: 1}


def test_text_hash_of_an_error_row_is_that_of_no_text():
    assert text_hash(None) == text_hash("") != text_hash("x")


def resolved_names(update) -> list[str]:
    return sorted(set(update.resolved.column("name").to_pylist()))


def test_fuller_names_sharing_a_word_are_resolved_again_only_when_a_short_form_looks_there():
    """``Kakaka Group`` and ``Lokaka Group`` share the block ``group`` as fuller names: one group
    only when a short form (``Group``) looks there, so an append touches no more than it must."""
    kakaka, lokaka = ("ORG", "Kakaka Group", ["Kakaka Group"]), ("ORG", "Lokaka Group", ["Lokaka Group"])
    first = Registry.empty().update(summaries(kakaka, lokaka), "r0001")
    again = first.registry.update(summaries(kakaka), "r0002")
    assert resolved_names(again) == ["Kakaka Group"]
    short = first.registry.update(summaries(("ORG", "Group", ["Group"])), "r0002")
    assert resolved_names(short) == ["Group", "Kakaka Group", "Lokaka Group"]


def test_a_registry_with_other_block_keys_gets_todays_as_it_is_read():
    first = Registry.empty().update(summaries(IS, STATE), "r0001")
    stored = first.registry.summaries.table()
    old = stored.set_column(stored.schema.get_field_index(BLOCK_KEYS), BLOCK_KEYS, pa.array([["word:x"]] * stored.num_rows, pa.list_(pa.string())))
    registry = Registry.stored(Rows.of(old.replace_schema_metadata(None)), first.registry.canonical_ids, first.registry.redirects, first.registry.folded)
    update = registry.update(summaries(BOTH), "r0002")
    assert resolved_names(update) == ["IS", "Islamic State"]
    assert update.registry.summaries.table().column(BLOCK_KEYS).to_pylist() != old.column(BLOCK_KEYS).to_pylist()


def test_corpus_entities_are_merged_in_order_a_batch_at_a_time():
    def table(rows):
        return pa.Table.from_pylist(
            [{"canonical_id": i, "label": "ORG", "name": i, "aliases": [], "mention_count": n, "doc_count": 1} for i, n in rows], schema=CORPUS_ENTITIES
        )

    before = [table([("a", 9), ("b", 7), ("c", 5)]), table([("d", 5), ("e", 2)])]
    new = table([("x", 8), ("c", 6), ("y", 5), ("z", 1)])  # c resolved again: its old row goes
    merged = pa.concat_tables(list(merge_corpus(before, new, ["c"])))
    assert [(i, n) for i, n in zip(merged["canonical_id"].to_pylist(), merged["mention_count"].to_pylist())] == [
        ("a", 9), ("x", 8), ("b", 7), ("c", 6), ("d", 5), ("y", 5), ("e", 2), ("z", 1),
    ]  # fmt: skip


def documents(*rows: tuple[str, str, list[str], list[str]]) -> CorpusResolver:
    """A resolver holding one summary per document: label, name, aliases and context."""
    resolver = CorpusResolver()
    for label, name, aliases, context in rows:
        resolver.add(label, name, aliases, None, 1, context)
    return resolver


def partition(ids: dict) -> set[frozenset]:
    by_id: dict[str, set] = {}
    for key, canonical_id in ids.items():
        by_id.setdefault(canonical_id, set()).add(key)
    return {frozenset(keys) for keys in by_id.values()}


#: Four days of documents: ``Richard Nixon`` and ``Scientology`` are settled names (one summary
#: when resolved again) until a fuller name makes them short forms; lone surnames and one-word
#: organisations are decided by their own documents against the others' contexts.
NEWS = [
    [
        ("PERSON", "Richard Nixon", ["Richard Nixon"], ["watergate"]),
        ("PERSON", "Richard Nixon", ["Richard Nixon", "Nixon"], ["china", "mao"]),
        ("PERSON", "Richard Nixon", ["Richard Nixon"], ["china"]),
        ("ORG", "Church of Scientology", ["Church of Scientology"], ["tom cruise"]),
        ("ORG", "Church of Scientology", ["Church of Scientology"], ["clearwater"]),
    ],
    [
        ("PERSON", "Nixon", ["Nixon"], ["watergate"]),
        ("ORG", "Scientology", ["Scientology"], ["clearwater"]),
        ("ORG", "Church of Scientology", ["Church of Scientology"], ["hubbard"]),
        ("PERSON", "Pat Nixon", ["Pat Nixon"], ["mao"]),
    ],
    [
        ("PERSON", "Richard M. Nixon", ["Richard M. Nixon"], ["watergate"]),
        ("PERSON", "Richard Q. Nixon", ["Richard Q. Nixon"], ["china"]),
        ("PERSON", "Nixon", ["Nixon"], ["mao"]),
        ("ORG", "Scientology", ["Scientology"], ["hubbard"]),
    ],
    [
        ("PERSON", "Richard Nixon", ["Richard Nixon"], ["watergate"]),
        ("ORG", "Church of Scientology", ["Church of Scientology"], ["clearwater"]),
    ],
]


def test_a_name_resolved_as_one_summary_gives_the_clusters_of_its_documents():
    """Each update resolves the rows of a settled name as one summary (its context the part the
    short forms read), and a name a fuller one makes short a row per document: the clusters are
    those of every document resolved at once, after every day."""
    registry, seen = Registry.empty(), CorpusResolver()
    for number, day in enumerate(NEWS, 1):
        update = registry.update(documents(*day), f"r{number:04d}")
        registry, seen = update.registry, seen.merge(documents(*day))
        stored = registry.document_rows()
        ids = dict(zip(summary_keys(stored), stored.column("canonical_id").to_pylist()))
        assert partition(ids) == partition(CorpusResolver().merge(seen).resolve().by_summary)
    assert [row["folded"] for row in registry.summaries.table().to_pylist() if row["name"] == "Church of Scientology"] == [4]  # one row, four documents


def test_a_summary_is_encoded_alike_in_python_and_in_arrow():
    keys = [
        ("ORG", "Australia", ("Australia",), None, ("sport:cricket", "japan")),
        ("PERSON", "Bush", (), "Q207", ()),
        ("LOC", "Chicago", ("Chicago", "CHICAGO"), "", ("sport:basketball",)),
    ]
    resolver = CorpusResolver()
    for key in keys:
        resolver.mentions[key] += 1
    table = resolver.summary_table()
    assert encoded_rows(table).to_pylist() == [encoded(key) for key in summary_keys(table)]
    assert len(set(encoded_rows(table).to_pylist())) == len(keys)


CHURCH = ("ORG", "Church of Scientology", ["Church of Scientology"])


def rows_named(registry, name: str) -> list[dict]:
    return [row for row in registry.summaries.table().to_pylist() if row["name"] == name]


def test_a_settled_name_is_one_row_with_its_documents_in_the_runs_file():
    """A name decided by strong keys alone is one registry row: its mentions, the union of its
    documents' context keys and how many document rows it stands for; the document rows (what
    the runs' entity indexes point to) are in the file of the run that brought them."""
    first = Registry.empty().update(documents(*[(*CHURCH, [key]) for key in ("tom cruise", "clearwater", "hubbard")]), "r0001")
    [row] = rows_named(first.registry, "Church of Scientology")
    assert (row["mention_count"], row["folded"], row["context"]) == (3, 3, ["clearwater", "hubbard", "tom cruise"])
    assert first.folded.num_rows == 3 and set(first.folded.column("name_id").to_pylist()) == {row["summary_id"]}
    assert set(first.summary_ids.values()) == set(first.folded.column("summary_id").to_pylist())  # the entity index points to the document rows
    second = first.registry.update(documents((*CHURCH, ["clearwater", "miscavige"])), "r0002")
    [grown] = rows_named(second.registry, "Church of Scientology")
    assert (grown["summary_id"], grown["canonical_id"]) == (row["summary_id"], row["canonical_id"])
    assert (grown["mention_count"], grown["folded"], grown["context"]) == (4, 4, ["clearwater", "hubbard", "miscavige", "tom cruise"])
    assert second.folded.num_rows == 1  # only the run's own document row is written
    assert second.name_ids == {key: row["summary_id"] for key in second.summary_ids}  # the entity index finds the name row
    assert second.resolved.to_pylist() == [
        {"summary_id": row["summary_id"], "name": "Church of Scientology", "canonical_id": row["canonical_id"], "name_row": True}
    ]


def test_a_name_made_short_is_read_again_a_row_per_document():
    """``Richard Nixon`` (one row) becomes a short form when ``Richard M. Nixon`` arrives: its
    document rows are read from the first run's file and become rows of their own, with the ids
    the entity index knows them by, and the clusters are those of every document resolved at once."""
    day = [("PERSON", "Richard Nixon", ["Richard Nixon"], context) for context in (["watergate"], ["china", "mao"], ["china"])]
    first = Registry.empty().update(documents(*day), "r0001")
    assert [row["folded"] for row in rows_named(first.registry, "Richard Nixon")] == [3]
    later = [("PERSON", "Richard M. Nixon", ["Richard M. Nixon"], ["watergate"]), ("PERSON", "Richard Q. Nixon", ["Richard Q. Nixon"], ["mao"])]
    second = first.registry.update(documents(*later), "r0002")
    rows = rows_named(second.registry, "Richard Nixon")
    assert [row["folded"] for row in rows] == [0, 0, 0]
    assert {row["summary_id"] for row in rows} == set(first.folded.column("summary_id").to_pylist())
    stored = second.registry.document_rows()
    ids = dict(zip(summary_keys(stored), stored.column("canonical_id").to_pylist()))
    assert partition(ids) == partition(CorpusResolver().merge(documents(*day, *later)).resolve().by_summary)
    assert ids[("PERSON", "Richard Nixon", ("Richard Nixon",), None, ("watergate",))] == by_name(first)["Richard Nixon"]


def test_a_registry_written_before_name_rows_is_read_as_document_rows():
    """A registry of main's format (a row per document, no ``folded`` column) keeps working: its
    rows are resolved as before, and what the next runs add is kept as name rows."""
    first = Registry.empty().update(documents(*NEWS[0]), "r0001")
    rows = first.registry.document_rows()
    blocks = [sorted(CorpusResolver().block_keys(key)) for key in summary_keys(rows)]
    old = rows.append_column(BLOCK_KEYS, pa.array(blocks, pa.list_(pa.string()))).replace_schema_metadata({b"block_keys": b"2"})
    registry = Registry.stored(Rows.of(old), first.registry.canonical_ids, first.registry.redirects)
    seen = documents(*NEWS[0])
    for number, day in enumerate(NEWS[1:], 2):
        update = registry.update(documents(*day), f"r{number:04d}")
        registry, seen = update.registry, seen.merge(documents(*day))
        stored = registry.document_rows()
        ids = dict(zip(summary_keys(stored), stored.column("canonical_id").to_pylist()))
        assert partition(ids) == partition(CorpusResolver().merge(seen).resolve().by_summary)
    assert any(row["folded"] for row in registry.summaries.table().to_pylist())


def test_only_clusters_whose_members_changed_are_counted_again():
    # Summaries that keep their id (and new ones with them) are the same cluster plus the run's documents.
    assert recounted(["A", "A", "B", "N"], ["A", None, "B", None]) == set()
    # A merge: the survivor and the retired id; a split: both parts.
    assert recounted(["A", "A", "B"], ["A", "X", "B"]) == {"A", "X"}
    assert recounted(["A", "T", "B"], ["A", "A", "B"]) == {"A", "T"}


def test_stream_reads_a_small_row_group_whole_and_a_large_one_in_batches(tmp_path):
    table = pa.table({"n": list(range(10)), "s": [[str(i)] * i for i in range(10)]})
    pq.write_table(table, tmp_path / "small.parquet", row_group_size=4)
    pq.write_table(table, tmp_path / "large.parquet", row_group_size=10)
    small = list(stream(tmp_path / "small.parquet", rows=4))
    large = list(stream(tmp_path / "large.parquet", ["n"], rows=4))
    assert [t.num_rows for t in small] == [4, 4, 2] and pa.concat_tables(small).equals(table)
    assert [t.num_rows for t in large] == [4, 4, 2] and pa.concat_tables(large).column("n").equals(table.column("n"))


def test_runs_changes_laid_over_the_summaries_give_the_table_each_run_would_have_written():
    """A changed row keeps its place with its newest values (a null too), a removed row goes, an
    added row comes after the rows before it, and a row added by one run and changed by the next
    keeps the place it was added at."""
    schema = pa.schema([("summary_id", pa.int64()), ("name", pa.string()), ("context", pa.list_(pa.string()))])

    def rows(*values):
        return pa.table(dict(zip(schema.names, zip(*values))) if values else {name: [] for name in schema.names}, schema=schema)

    base = rows((1, "a", ["x"]), (2, "b", ["y"]), (3, "c", []), (4, "d", ["z"]))
    first = change_rows(rows((2, "B", ["y", "w"])), rows((5, "e", ["v"]), (6, "f", [])), pa.array([3], pa.int64()), schema)
    second = change_rows(rows((5, "E", ["v", "u"]), (1, "A", None)), rows((7, "g", ["t"])), pa.array([4], pa.int64()), schema)
    laid = layered(Rows.of(base, 2), [Rows.of(first), Rows.of(second)])
    assert [tuple(row.values()) for row in laid.table().to_pylist()] == [
        (1, "A", None), (2, "B", ["y", "w"]), (5, "E", ["v", "u"]), (6, "f", []), (7, "g", ["t"]),
    ]  # fmt: skip
    assert [name for batch in laid.batches(["name"]) for name in batch.column("name").to_pylist()] == ["A", "B", "E", "f", "g"]


def test_a_name_row_gains_only_the_context_keys_it_lacks_in_their_order():
    contexts = pa.array([["sport:cricket", "a", "c"], ["b"], ["a"]], pa.list_(pa.string()))
    # Its sport first, then every other key sorted; null: nothing gained, the context is kept.
    assert _with_keys(contexts, [["b", "c", "d"], ["b"], []]).to_pylist() == [["sport:cricket", "a", "b", "c", "d"], None, None]


def test_a_block_of_fuller_names_is_resolved_again_only_where_the_run_can_change_a_decision():
    """``Pat Nixon`` and ``Richard Nixon`` share the surname block, where short forms look for
    fuller names: a run that names one of them again (with ``Nixon`` as an alias, as a document's
    coreference gives it: no decision links by that) resolves that name only; a lone ``Nixon``, or
    a fuller name that makes one of them short (``Richard M. Nixon``), resolves the block again."""
    pat, richard = ("PERSON", "Pat Nixon", ["Pat Nixon", "Nixon"], ["mao"]), ("PERSON", "Richard Nixon", ["Richard Nixon", "Nixon"], ["china"])
    first = Registry.empty().update(documents(pat, richard), "r0001")
    assert resolved_names(first.registry.update(documents(richard), "r0002")) == ["Richard Nixon"]
    assert resolved_names(first.registry.update(documents(("PERSON", "Nixon", ["Nixon"], ["china"])), "r0002")) == ["Nixon", "Pat Nixon", "Richard Nixon"]
    fuller = first.registry.update(documents(("PERSON", "Richard M. Nixon", ["Richard M. Nixon"], ["china"])), "r0002")
    assert resolved_names(fuller) == ["Pat Nixon", "Richard M. Nixon", "Richard Nixon"]
    # Once a block holds a short form (kept a row per document), any run that names it resolves it again.
    assert resolved_names(fuller.registry.update(documents(pat), "r0003")) == ["Pat Nixon", "Richard M. Nixon", "Richard Nixon"]


def test_appends_give_the_clusters_of_every_document_resolved_at_once():
    """Days of documents drawn from small pools of names (full names, shortened and lone
    surnames, one-word and fuller organisations, with aliases and contexts): after every day, the
    registry's clusters are those of every document resolved at once, though an update resolves
    again only the blocks where the day can change a decision."""
    import random

    rng = random.Random(13)
    firsts, surnames, words = ["Pat", "Richard", "Ann"], ["Nixon", "Ford", "Carter", "Bush"], ["Church", "Scientology", "Group", "Bank"]
    contexts = ["china", "mao", "watergate", "texas", "clearwater"]

    def document() -> tuple[str, str, list[str], list[str]]:
        context = rng.sample(contexts, rng.randint(0, 2))
        kind = rng.random()
        if kind < 0.5:
            last = rng.choice(surnames)
            name = rng.choice([f"{rng.choice(firsts)} {last}", f"{rng.choice(firsts)} M. {last}", last])
            return ("PERSON", name, [name, *([last] if rng.random() < 0.5 and name != last else [])], context)
        name = rng.choice([rng.choice(words), " ".join(rng.sample(words, 2))])
        return ("ORG", name, [name], context)

    registry, seen = Registry.empty(), CorpusResolver()
    for number in range(1, 9):
        day = documents(*[document() for _ in range(rng.randint(1, 6))])
        registry, seen = registry.update(day, f"r{number:04d}").registry, seen.merge(day)
        stored = registry.document_rows()
        ids = dict(zip(summary_keys(stored), stored.column("canonical_id").to_pylist()))
        assert partition(ids) == partition(CorpusResolver().merge(seen).resolve().by_summary), f"day {number}"


def test_the_index_carried_from_run_to_run_finds_what_one_made_from_the_rows_finds():
    """The index of linking keys an update carries (the entries it began with, each run's rows
    added and removed) holds the entries the summaries give now, finds for any keys what a look
    at every entry finds, and gives an update the rows one made from the summaries gives."""
    import random

    rng = random.Random(7)
    names = [
        ("PERSON", "Richard Nixon", ["Richard Nixon", "Nixon"]), ("PERSON", "Nixon", ["Nixon"]), ("PERSON", "Pat Nixon", ["Pat Nixon"]),
        ("PERSON", "Gerald Ford", ["Gerald Ford"]), ("PERSON", "Ford", ["Ford"]), ("ORG", "Church", ["Church"]),
        ("ORG", "Scientology Church", ["Scientology Church"]), ("ORG", "Ford Group", ["Ford Group"]), ("GPE", "Texas", ["Texas"]),
    ]  # fmt: skip

    def day() -> CorpusResolver:
        return documents(*[(*rng.choice(names), rng.sample(["china", "mao", "texas"], rng.randint(0, 2))) for _ in range(rng.randint(1, 5))])

    registry, days = Registry.empty(), []
    for number in range(1, 10):
        new = day()
        dropped = days.pop(rng.randrange(len(days))) if days and number % 3 == 0 else None  # a day's documents replaced
        update = registry.update(new, f"r{number:04d}", dropped)
        registry = update.registry
        days.append(new)
        carried = pa.concat_tables(list(registry.block_index().written())).sort_by("summary_id")
        made = BlockIndex.of(registry.summaries.batches(INDEXED_COLUMNS))
        assert carried.to_pylist() == pa.concat_tables(list(made.written())).sort_by("summary_id").to_pylist(), f"run {number}"
        keys = sorted({key for keys in carried.column("keys").to_pylist() for key in keys})
        sought = rng.sample(keys, min(len(keys), 4)) + ["name:nobody"]
        expected = {(s, k) for s, ks in zip(carried.column("summary_id").to_pylist(), carried.column("keys").to_pylist()) for k in ks if k in sought}
        found = registry.block_index().find(sought)
        assert set(zip(found.column("summary_id").to_pylist(), found.column("key").to_pylist())) == expected
        following = day()
        blocks = {key: sorted(following.block_keys(key)) for key in following.summaries()}
        assert registry._touched(blocks).equals(replace(registry, index=None)._touched(blocks)), f"run {number}"
    assert True in registry.block_index().later.column("removed").to_pylist()  # rows removed too (documents replaced, names made short)


def test_each_runs_votes_laid_over_the_corpus_give_the_table_each_run_would_have_written(tmp_path):
    """A name's newest votes win; the others keep their place (as kept rows, then each run's)."""
    from pipeline.corpus.vote import VOTES

    def votes(*rows: tuple[str, int]) -> pa.Table:
        return pa.table(
            {"key": [k for k, _ in rows], "kind": ["name"] * len(rows), "label": ["PERSON"] * len(rows), "value": [v for _, v in rows]}, schema=VOTES
        )

    (tmp_path / "registry").mkdir()
    pq.write_table(votes(("a", 1), ("b", 1), ("c", 1)), tmp_path / "registry" / "summaries.parquet")  # a grown corpus
    pq.write_table(votes(("a", 1), ("b", 1), ("c", 1)), tmp_path / "registry" / "votes.parquet")
    for run, rows in [("r0002", [("b", 2), ("d", 1)]), ("r0003", [("d", 2), ("a", 3)])]:
        (tmp_path / "registry" / "vote_changes" / f"run_id={run}").mkdir(parents=True)
        pq.write_table(votes(*rows), tmp_path / "registry" / "vote_changes" / f"run_id={run}" / "part-0.parquet")
    laid = CorpusStore(tmp_path).votes()
    assert laid is not None
    assert [(r["key"], r["value"]) for r in laid.table().to_pylist()] == [("c", 1), ("b", 2), ("d", 2), ("a", 3)]
