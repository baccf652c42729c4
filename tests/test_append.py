"""A corpus that grows: ``run --append`` three times gives the tables of one run over the same
articles, keeps the entity ids it gave, survives a failed append, and refuses a concurrent one.

The pipeline is a blank English one with rule patterns (tests/test_config.py's config), so each
run takes a moment; the articles are made so that later appends change earlier clusters: a fuller
name for a lone surname, an acronym defined that merges two known entities, and a second
``Hussein`` that takes the lone surname away from ``Fuad Hussein`` (a split).
"""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import ROOT
from test_config import CONFIG

import pipeline
from pipeline.commands.run import run_pipeline
from pipeline.corpus.block_index import INDEXED_COLUMNS, BlockIndex
from pipeline.corpus.registry import BLOCK_KEYS, Registry
from pipeline.corpus.resolve import CorpusResolver
from pipeline.corpus.rows import summary_keys
from pipeline.writing.lock import OutputLock, OutputLockedError
from pipeline.writing.schema import TABLES
from pipeline.writing.store import CorpusStore

PATTERNS = [
    {"label": label, "pattern": pattern}
    for label, pattern in [
        ("PERSON", "Fuad Hussein"), ("PERSON", "Saddam Hussein"), ("PERSON", "Hussein"), ("PERSON", "Asaad al-Shaibani"),
        ("PERSON", "Shaibani"), ("ORG", "Islamic State"), ("ORG", "IS"), ("GPE", "Baghdad"), ("GPE", "Iraq"), ("GPE", "U.S."),
    ]
]  # fmt: skip
OVERRIDES = {"initialize.components.entity_rules.patterns": PATTERNS, "engine.batch_size": 2, "export.link_places": False}
#: Three days of news: each list is one append.
DAYS = [
    [
        ("a1", "Fuad Hussein met officials in Baghdad on Monday.", "2026-11-01"),
        ("a2", "Hussein spoke to reporters in Baghdad.", "2026-11-01"),
        ("a3", "The Islamic State claimed the attack near Baghdad.", "2026-11-01"),
        ("a4", "IS fighters fled the town.", "2026-11-01"),
        ("a5", "Shaibani visited the U.S. last week.", "2026-11-01"),
    ],
    [
        ("b1", "The Islamic State (IS) lost ground near Baghdad.", "2026-11-02"),
        ("b2", "Asaad al-Shaibani met Fuad Hussein in Baghdad.", "2026-11-02"),
        ("b3", "Fuad Hussein thanked the U.S. envoy.", "2026-11-02"),
    ],
    [
        ("c1", "Saddam Hussein ruled Iraq for decades.", "2026-11-03"),
        ("c2", "Asaad al-Shaibani and Fuad Hussein spoke about Iraq.", "2026-11-03"),
    ],
]


def write_day(path, records):
    path.write_text("\n".join(json.dumps({"id": i, "text": t, "published": p}) for i, t, p in records) + "\n", encoding="utf8")
    return path


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    base = tmp_path_factory.mktemp("append")
    config = base / "rules.cfg"
    config.write_text(CONFIG, encoding="utf8")
    days = [write_day(base / f"day{n}.jsonl", records) for n, records in enumerate(DAYS, 1)]
    return base, config, days


def run(setup, inputs, output, **kwargs):
    _, config, _ = setup
    return run_pipeline(inputs, output, config_path=config, overrides=OVERRIDES, n_process=1, **kwargs)


#: How the appends of ``grown`` write the registry's summaries (``CorpusStore.compacts``): each
#: run's changes alone after the first, whole every time, or changes and then whole (a compaction).
LAYOUTS = {
    "changes": lambda store: not store.grown,
    "whole": lambda store: True,
    "compaction": lambda store: not store.grown or bool(store.summary_changes()),
}
#: The runs whose changes to the summaries the corpus keeps after the three appends, per layout.
CHANGES_KEPT = {"changes": ["r0002", "r0003"], "whole": [], "compaction": []}


@pytest.fixture(scope="module", params=sorted(LAYOUTS))
def grown(setup, request):
    """The corpus after each of three appends: (output, [corpus_entities after each]), with the
    registry's summaries written as each of :data:`LAYOUTS` says (the same tables)."""
    base, _, days = setup
    out = base / f"grown-{request.param}"
    after = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CorpusStore, "compacts", LAYOUTS[request.param])
        for day in days:
            run(setup, [day], out, append=True)
            after.append(pipeline.load(out))
    assert [path.parent.name[len("run_id=") :] for path in CorpusStore(out).summary_changes()] == CHANGES_KEPT[request.param]
    return out, after


@pytest.fixture(scope="module")
def whole(setup):
    base, _, days = setup
    out = base / "whole"
    run(setup, days, out)
    return pipeline.load(out)


def id_mapping(expected: pd.DataFrame, got: pd.DataFrame) -> dict:
    """The one-to-one map from ``expected``'s canonical ids to ``got``'s (rows in the same order)."""
    pairs = set(zip(expected.canonical_id, got.canonical_id))
    forward = dict(pairs)
    assert len(forward) == len(pairs) == len(set(forward.values())), f"canonical ids are not one to one: {sorted(pairs)}"
    return forward


def test_three_appends_give_the_tables_of_one_run(grown, whole):
    appended = pipeline.load(grown[0])
    assert list(appended.documents.run_id.unique()) == ["r0001", "r0002", "r0003"]
    assert_same_corpus(whole, appended)


@pytest.mark.parametrize("layout", ["changes", "whole"])
def test_with_the_corpus_vote_too(setup, tmp_path, layout):
    """The label vote across the corpus ([corpus_vote]) is decided over every article an append adds to."""
    base, config, days = setup
    voting = tmp_path / "vote.cfg"
    voting.write_text(CONFIG + '\n[corpus_vote]\n@misc = "news.corpus_vote.v1"\nenabled = true\n', encoding="utf8")
    kwargs = {"config_path": voting, "overrides": OVERRIDES, "n_process": 1}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CorpusStore, "compacts", LAYOUTS[layout])
        for day in days:
            run_pipeline([day], tmp_path / "grown", append=True, **kwargs)
    run_pipeline(days, tmp_path / "whole", **kwargs)
    assert (tmp_path / "grown" / "registry" / "votes.parquet").is_file()
    assert len(list((tmp_path / "grown" / "registry" / "vote_changes").glob("run_id=*"))) == len(CHANGES_KEPT[layout])  # each run's votes laid over
    assert_same_corpus(pipeline.load(tmp_path / "whole"), pipeline.load(tmp_path / "grown"))


def assert_same_corpus(whole, appended) -> None:
    """The tables of ``whole`` (one run) and ``appended`` are the same, but for run ids and canonical ids mapped one to one."""
    mapping = id_mapping(whole.entities, appended.entities)
    for name in TABLES:
        expected, got = whole[name], appended[name].drop(columns="run_id", errors="ignore")
        assert len(expected) > 0, name
        if "canonical_id" in expected:
            expected = expected.assign(canonical_id=expected.canonical_id.map(mapping).astype(got.canonical_id.dtype))
        if name == "corpus_entities":  # most mentioned first; ties by id, which differ
            expected, got = (t.sort_values(["mention_count", "canonical_id"]).reset_index(drop=True) for t in (expected, got))
        pd.testing.assert_frame_equal(got, expected, obj=name)


def test_later_evidence_merged_renamed_and_split_entities(grown):
    _, after = grown
    first, last = after[0].corpus_entities.set_index("name"), after[-1].corpus_entities.set_index("name")
    # A fuller name renames the entity, never its id.
    assert last.loc["Asaad al-Shaibani", "canonical_id"] == first.loc["Shaibani", "canonical_id"]
    # "IS" and "Islamic State" were two entities until an article defined the acronym: the older id survives.
    merged = last.loc["Islamic State", "canonical_id"]
    assert merged in {first.loc["Islamic State", "canonical_id"], first.loc["IS", "canonical_id"]}
    redirects = after[-1].canonical_redirects
    assert len(redirects) == 1 and redirects.canonical_id.iloc[0] == merged and redirects.run_id.iloc[0] == "r0002"
    # A second Hussein: Fuad Hussein keeps his id, whoever the lone surname is found to be.
    assert last.loc["Fuad Hussein", "canonical_id"] == first.loc["Fuad Hussein", "canonical_id"]
    assert last.loc["Saddam Hussein", "canonical_id"] != last.loc["Fuad Hussein", "canonical_id"]
    assert first.loc["Fuad Hussein", "doc_count"] == 2 and last.loc["Fuad Hussein", "doc_count"] >= 4


def test_every_id_of_the_first_append_still_names_its_entity(grown):
    _, after = grown
    first, last = after[0], after[-1]
    redirect = dict(zip(last.canonical_redirects.old_id, last.canonical_redirects.canonical_id))
    current = set(last.corpus_entities.canonical_id)
    now = last.entities.set_index("entity_id").canonical_id
    for canonical_id, rows in first.entities.groupby("canonical_id"):
        surviving = redirect.get(canonical_id, canonical_id)
        assert surviving in current, canonical_id
        # The entity rows that had the id have it now (or its survivor), but for a part split off.
        assert (now[rows.entity_id] == surviving).any(), canonical_id


def test_runs_are_listed_and_each_row_knows_its_run(grown, setup):
    out, after = grown
    runs = after[-1].runs
    assert list(runs.run_id) == ["r0001", "r0002", "r0003"]
    assert list(runs.documents) == [len(day) for day in DAYS]
    assert [json.loads(i)[0]["path"] for i in runs.inputs] == [str(day) for day in setup[2]]
    assert runs.config_hash.nunique() == 1 and list(runs.redirected) == [0, 1, 0]
    assert json.loads((out / "run.json").read_text())["run_id"] == "r0003"
    mentions = after[-1].mentions.merge(after[-1].documents[["doc_id", "run_id", "published"]], on="doc_id")
    assert (mentions.run_id_x == mentions.run_id_y).all() and mentions.published.notna().all()


def test_duckdb_reads_what_load_reads(grown):
    import duckdb

    from pipeline.writing.tables import duckdb_sources

    out, after = grown
    con = duckdb.connect()
    for name, sql in duckdb_sources(out).items():
        con.execute(f"create view {name} as {sql}")
    for name, table in after[-1].items():
        got = con.sql(f"select * from {name}").df()
        assert list(got.columns) == list(table.columns) and len(got) == len(table), name
    ids = con.sql("select entity_id, canonical_id from entities").df().set_index("entity_id").canonical_id
    assert ids.sort_index().tolist() == after[-1].entities.set_index("entity_id").canonical_id.sort_index().tolist()
    assert con.sql("select count(distinct run_id) from mentions").fetchall() == [(3,)]


def test_documents_are_counted_over_every_run_only_for_clusters_whose_members_changed(setup, tmp_path):
    """A cluster that only gains the run's documents counts them on top of its ``doc_count``: no
    earlier run's entity index is read (``index_rows_read``); a merge reads them, and both give
    the counts of one run over the same articles."""
    _, _, days = setup
    again = write_day(tmp_path / "again.jsonl", [("d1", "Fuad Hussein met officials in Baghdad again.", "2026-11-02")])
    out = tmp_path / "corpus"
    read = []
    for inputs in ([days[0]], [again], [days[1]]):
        run(setup, inputs, out, append=True)
        read.append(json.loads((out / "run.json").read_text())["index_rows_read"])
    assert read[1] == 0 and read[2] > 0  # the second day defines IS: two known entities merge
    run(setup, [days[0], again, days[1]], tmp_path / "whole")
    assert_same_corpus(pipeline.load(tmp_path / "whole"), pipeline.load(out))


def test_documents_already_there_are_skipped_and_a_changed_text_is_an_error(setup, tmp_path):
    base, _, days = setup
    out = tmp_path / "corpus"
    run(setup, [days[0]], out, append=True)
    again = write_day(tmp_path / "again.jsonl", [DAYS[0][0], ("a2", "A different text for an old id.", None), ("n1", "New in Baghdad.", None)])
    result = run(setup, [again], out, append=True)
    assert (result.already_there, result.conflicts, result.documents) == (1, 1, {"ok": 1, "error": 1})
    docs = pipeline.load(out).documents.set_index("doc_id")
    assert docs.index.is_unique and len(docs) == len(DAYS[0]) + 2
    assert (
        docs.loc["a2~r0002", "status"] == "error"
        and "already in the corpus (run r0001) with another text; give this one an id of its own, or pass --replace" in docs.loc["a2~r0002", "error"]
    )
    assert docs.loc["a2", "text"] == DAYS[0][1][1]


def test_appending_to_a_plain_run_keeps_its_ids(setup, tmp_path):
    _, _, days = setup
    out = tmp_path / "corpus"
    run(setup, [days[0]], out)  # without --append: one file per table
    before = pipeline.load(out).corpus_entities
    run(setup, [days[1]], out, append=True)
    after = pipeline.load(out)
    assert list(after.runs.run_id) == ["r0000", "r0001"] and not (out / "documents.parquet").exists()
    assert after.corpus_entities.set_index("name").loc["Asaad al-Shaibani", "canonical_id"] == before.set_index("name").loc["Shaibani", "canonical_id"]
    assert set(after.documents.run_id) == {"r0000", "r0001"}


def test_a_corpus_whose_registry_has_a_row_per_document_keeps_working(setup, whole, tmp_path):
    """A corpus written before a settled name was kept as one registry row (a row per document,
    no ``folded`` column, no ``registry/folded/``) is appended to as it is: the same tables."""
    _, _, days = setup
    out = tmp_path / "corpus"
    for day in days[:2]:
        run(setup, [day], out, append=True)
    rows = Registry.stored(*CorpusStore(out).registry_tables()).document_rows()
    blocks = pa.array([sorted(CorpusResolver().block_keys(key)) for key in summary_keys(rows)], pa.list_(pa.string()))
    pq.write_table(rows.append_column(BLOCK_KEYS, blocks).replace_schema_metadata({b"block_keys": b"2"}), out / "registry" / "summaries.parquet")
    shutil.rmtree(out / "registry" / "folded")
    shutil.rmtree(out / "registry" / "summary_changes", ignore_errors=True)  # laid over the summaries just written
    run(setup, [days[2]], out, append=True)
    assert_same_corpus(whole, pipeline.load(out))
    assert (out / "registry" / "folded" / "run_id=r0003").is_dir()


def test_the_stored_index_of_linking_keys_matches_the_summaries(grown):
    """Each layout's corpus keeps the index of the summaries' linking keys that an append reads
    (the entries written with the summaries, each later run's beside its changes): the entries
    the summaries give now."""
    store = CorpusStore(grown[0])
    stored = store.block_index()
    assert stored is not None
    made = BlockIndex.of(store.summaries().batches(INDEXED_COLUMNS))
    entries = [pa.concat_tables(list(index.written())).sort_by("summary_id").to_pylist() for index in (stored, made)]
    assert entries[0] == entries[1]


def test_every_id_given_is_listed_once_with_the_run_that_gave_it(grown):
    """Written whole with the summaries, or each run's beside its changes: every id the corpus
    gave, once, with its run (what keeps an id from being given twice)."""
    given = CorpusStore(grown[0]).canonical_ids().table()
    assert given.num_rows == len(set(given.column("canonical_id").to_pylist()))
    now = pipeline.load(grown[0])
    assert set(now.corpus_entities.canonical_id) | set(now.canonical_redirects.old_id) <= set(given.column("canonical_id").to_pylist())
    first = set(grown[1][0].corpus_entities.canonical_id)
    assert {cid for cid, run in zip(given.column("canonical_id").to_pylist(), given.column("run_id").to_pylist()) if run == "r0001"} == first


def test_an_index_that_does_not_match_the_summaries_is_made_again(setup, whole, tmp_path):
    """A corpus whose index of linking keys is gone, or was written before the summaries changed
    (an append by a version without it keeps the old one), is appended to as it is: the index is
    made from the summaries, which are written whole with it; the same tables."""
    _, _, days = setup
    out = tmp_path / "corpus"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CorpusStore, "compacts", LAYOUTS["changes"])
        for day in days[:2]:
            run(setup, [day], out, append=True)
        assert CorpusStore(out).block_index() is not None
        shutil.rmtree(out / "registry" / "block_index_changes")  # as if r0002 had been appended without it
        assert CorpusStore(out).block_index() is None
        run(setup, [days[2]], out, append=True)
    assert_same_corpus(whole, pipeline.load(out))
    assert CorpusStore(out).block_index() is not None and not CorpusStore(out).summary_changes()


def test_a_failed_append_leaves_the_corpus_as_it_was_and_resumes(setup, tmp_path, monkeypatch):
    _, _, days = setup
    out = tmp_path / "corpus"
    run(setup, [days[0]], out, append=True)
    before = pipeline.load(out)
    files = sorted(p.relative_to(out) for p in out.rglob("*"))

    import pipeline.engines.local as local

    calls = []

    def failing(nlp, batch, chunker=None):
        calls.append(batch.key)
        if len(calls) == 2:
            raise RuntimeError("killed mid-run")
        return original(nlp, batch, chunker)

    original = local.process_batch
    monkeypatch.setattr(local, "process_batch", failing)
    with pytest.raises(RuntimeError, match="killed mid-run"):
        run(setup, [days[1]], out, append=True)
    monkeypatch.undo()
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == files
    after = pipeline.load(out)
    for name in before:
        pd.testing.assert_frame_equal(after[name], before[name], obj=name)
    with pytest.raises(FileExistsError, match="--resume"):
        run(setup, [days[1]], out, append=True)
    result = run(setup, [days[1]], out, append=True, resume=True)
    assert result.run_id == "r0002" and result.documents == {"ok": len(DAYS[1])}
    assert len(pipeline.load(out).documents) == len(DAYS[0]) + len(DAYS[1])


def test_an_append_fails_at_the_commit_and_nothing_changes(setup, tmp_path, monkeypatch):
    _, _, days = setup
    out = tmp_path / "corpus"
    run(setup, [days[0]], out, append=True)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    import pipeline.writing.writer as writer

    monkeypatch.setattr(writer.Staging, "commit", lambda self: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError, match="disk full"):
        run(setup, [days[1]], out, append=True)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_a_concurrent_append_is_refused_with_a_clear_message(setup, tmp_path):
    _, _, days = setup
    out = tmp_path / "corpus"
    run(setup, [days[0]], out, append=True)
    with OutputLock(out), pytest.raises(OutputLockedError, match=r"Another run is writing to .*corpus \(pid"):
        run(setup, [days[1]], out, append=True)
    assert len(pipeline.load(out).documents) == len(DAYS[0])


def test_append_and_overwrite_do_not_go_together(setup, tmp_path):
    with pytest.raises(ValueError, match="--append .* --overwrite"):
        run(setup, [setup[2][0]], tmp_path / "out", append=True, overwrite=True)


def test_append_refuses_a_folder_that_is_no_corpus(setup, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine", encoding="utf8")
    with pytest.raises(FileExistsError, match="holds no corpus"):
        run(setup, [setup[2][0]], tmp_path / "out", append=True)


def test_the_command_line_appends(setup, tmp_path):
    import subprocess
    import sys

    _, config, days = setup
    out = tmp_path / "corpus"
    for day in days[:2]:
        command = [
            sys.executable, "-m", "pipeline", "run", str(day), "--output", str(out), "--config", str(config), "--append",
            "--export.link_places", "false",
        ]  # fmt: skip
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240)
        assert done.returncode == 0, done.stderr
    assert "Appended as run r0002: 0 document(s) already in the corpus skipped" in " ".join((done.stdout + done.stderr).split())
    assert list(pipeline.load(out).runs.run_id) == ["r0001", "r0002"]


@pytest.mark.parametrize("first", ["append", "plain"])
def test_replace_takes_the_earlier_document_out(setup, tmp_path, first):
    """With --replace, a changed article replaces the corpus's: as if the corpus had only the new one."""
    _, _, days = setup
    out = tmp_path / "corpus"
    run(setup, [days[0]], out, append=first == "append")
    changed = ("a1", "Saddam Hussein ruled Iraq from Baghdad.", "2026-11-04")
    result = run(setup, [write_day(tmp_path / "changed.jsonl", [changed])], out, append=True, replace=True)
    assert (result.replaced, result.conflicts, result.documents) == (1, 0, {"ok": 1})
    grown = pipeline.load(out)
    docs = grown.documents.set_index("doc_id")
    assert docs.index.is_unique and docs.loc["a1", "text"] == changed[1] and docs.loc["a1", "run_id"] == ("r0001" if first == "plain" else "r0002")
    assert (grown.mentions.doc_id == "a1").sum() == 3 and grown.runs.replaced.iloc[-1] == 1
    # The same as one run over the articles the corpus now holds.
    expected = run(setup, [write_day(tmp_path / "now.jsonl", [*DAYS[0][1:], changed])], tmp_path / "one")
    one = pipeline.load(expected.output)
    columns = ["label", "name", "aliases", "doc_count", "mention_count"]
    by_name = lambda t: t[columns].assign(aliases=t.aliases.map(tuple)).sort_values(["label", "name"]).reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(by_name(grown.corpus_entities), by_name(one.corpus_entities))


def test_replace_goes_with_append(setup, tmp_path):
    with pytest.raises(ValueError, match="--replace .* --append"):
        run(setup, [setup[2][0]], tmp_path / "out", replace=True)


@pytest.mark.slow
def test_every_engine_appends_the_same_corpus(setup, grown, tmp_path):
    """Appends on a worker pool and on Dask give the corpus the in-process appends gave."""
    _, config, days = setup
    out = tmp_path / "corpus"
    for day, engine, n_process in zip(days, ["local", "local", "dask"], [1, 2, 2]):
        run_pipeline([day], out, config_path=config, overrides={**OVERRIDES, "engine.batch_size": 1}, n_process=n_process, engine=engine, append=True)
    expected, got = pipeline.load(grown[0]), pipeline.load(out)
    for name in expected:
        drop = ["started", "finished", "seconds", "inputs"] if name == "runs" else []
        pd.testing.assert_frame_equal(got[name].drop(columns=drop), expected[name].drop(columns=drop), obj=name)


@pytest.mark.slow
def test_a_killed_append_leaves_the_corpus_as_it_was_and_resumes(tmp_path):
    """SIGKILL part-way through an append (the command, in a subprocess): the corpus is byte for
    byte what it was, and ``--append --resume`` ends with what an uninterrupted append writes."""
    import signal
    import subprocess
    import sys

    from test_resume import BATCH_SIZE, TIMEOUT, interrupt, write_input

    config = tmp_path / "rules.cfg"
    config.write_text(CONFIG, encoding="utf8")
    inputs = write_input(tmp_path / "in")
    killed, whole = tmp_path / "killed", tmp_path / "whole"
    for out in (killed, whole):
        run_pipeline([write_day(tmp_path / "first.jsonl", DAYS[0])], out, config_path=config, n_process=1, append=True)

    def command(out, *extra):
        return [sys.executable, "-m", "pipeline", "run", str(inputs), "--output", str(out), "--config", str(config), "--engine.batch_size", str(BATCH_SIZE), "--append", *extra]  # fmt: skip

    done = subprocess.run(command(whole, "--n-process", "1"), cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    before = {p.relative_to(killed): p.read_bytes() for p in killed.rglob("*") if p.is_file()}
    returncode, _, _ = interrupt(command(killed, "--n-process", "1"), killed.with_name("killed.staging"), signal.SIGKILL)
    assert returncode == -signal.SIGKILL
    assert {p.relative_to(killed): p.read_bytes() for p in killed.rglob("*") if p.is_file()} == before
    resumed = subprocess.run(command(killed, "--n-process", "1", "--resume"), cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT)
    assert resumed.returncode == 0, resumed.stderr
    expected, got = pipeline.load(whole), pipeline.load(killed)
    for name in expected:
        drop = ["started", "finished", "seconds", "words"] if name == "runs" else []  # words: those of the resumed part
        pd.testing.assert_frame_equal(got[name].drop(columns=drop), expected[name].drop(columns=drop), obj=name)
