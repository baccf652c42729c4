"""run_pipeline as a notebook calls it: every input document accounted for, re-runs identical."""

import json

import pandas as pd
from conftest import ENGINE_OVERRIDES, ROOT

from pipeline.commands.run import run_pipeline


def test_mixed_inputs_every_document_has_a_status(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_text(
        json.dumps({"id": "a1", "text": "Fuad Hussein met Asaad al-Shaibani in Baghdad."}) + "\n{broken\n", encoding="utf8"
    )
    (tmp_path / "in" / "empty.txt").write_text("", encoding="utf8")
    result = run_pipeline([tmp_path / "in", ROOT / "data" / "raw"], tmp_path / "out")
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    assert list(docs.doc_id) == ["a1", "a:2", "empty", "seed-article"]
    assert list(docs.status) == ["ok", "error", "ok", "ok"][:1] + ["error", "error", "ok"]
    assert result.documents == {"ok": 2, "error": 2}
    assert docs.set_index("doc_id").loc["a1", "text"] == "Fuad Hussein met Asaad al-Shaibani in Baghdad."


def test_canonical_ids_link_across_documents_and_are_stable(tmp_path):
    path = tmp_path / "news.jsonl"
    records = [
        {"id": "1", "text": "Syria's Foreign Minister Asaad al-Shaibani visited Baghdad on Monday."},
        # (a lone surname with no context is ORG for the shipped recogniser: "minister" gives it one)
        {"id": "2", "text": "Speaking in Baghdad, minister Shaibani said the talks were useful."},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf8")
    run_pipeline([path], tmp_path / "a")
    run_pipeline([path], tmp_path / "b")
    a = pd.read_parquet(tmp_path / "a" / "mentions.parquet")
    b = pd.read_parquet(tmp_path / "b" / "mentions.parquet")
    pd.testing.assert_frame_equal(a, b)
    canon = a.groupby("text").canonical_id.agg(set)
    assert canon["Shaibani"] == canon["Asaad al-Shaibani"]
    corpus = pd.read_parquet(tmp_path / "a" / "corpus_entities.parquet").set_index("name")
    assert corpus.loc["Asaad al-Shaibani", "doc_count"] == 2
    assert corpus.loc["Baghdad", "doc_count"] == 2


def test_summary_counts_what_was_written(engine_corpus, tmp_path):
    """The summary is counted from the batches on their way to the writer, never read back."""
    result = run_pipeline([engine_corpus], tmp_path / "out", overrides=ENGINE_OVERRIDES)
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    mentions = pd.read_parquet(tmp_path / "out" / "mentions.parquet")
    corpus = pd.read_parquet(tmp_path / "out" / "corpus_entities.parquet")
    assert result.documents == docs.status.value_counts().to_dict() == {"ok": 14, "error": 1}
    assert result.mentions == mentions.label.value_counts().to_dict()
    assert result.errors == list(docs.error.dropna()) and len(result.errors) == 1
    top = corpus.sort_values(["mention_count", "name"], ascending=[False, True]).head(len(result.top_entities))
    assert result.top_entities == top[["name", "label", "doc_count", "mention_count"]].to_dict("records")
    assert len(result.top_entities) == 10
    run = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf8"))
    assert run["counts"]["relabelled"] == result.relabelled  # the corpus vote's relabelled mentions


def test_corpus_vote_relabels_at_compaction_and_counts(tmp_path):
    """Two batches, one name: the vote over both relabels the minority as the tables are compacted."""
    import pyarrow as pa
    from test_vote import TRUMP, batch

    from pipeline.commands.run import _finish
    from pipeline.corpus.resolve import CorpusResolver
    from pipeline.corpus.vote import CorpusVote, VoteSettings
    from pipeline.writing.schema import DOCUMENTS, SENTENCES
    from pipeline.writing.writer import Staging

    staging = Staging(tmp_path / "out")
    votes, resolver = CorpusVote(), CorpusResolver()
    for number, docs in enumerate((TRUMP[:21], TRUMP[21:])):
        tables = batch(docs, first=number * 21)
        tables |= {"documents": pa.Table.from_pylist([], schema=DOCUMENTS), "sentences": pa.Table.from_pylist([], schema=SENTENCES)}
        staging.write(f"{number:08d}", tables)
        votes.add_columns(tables["mentions"].to_pydict(), tables["entities"].to_pydict())
        resolver.add_columns(tables["entities"].to_pydict())
    counts, corpus = _finish(staging, resolver, None, votes.decide(VoteSettings(enabled=True)))
    mentions = pd.read_parquet(staging.path / "mentions.parquet")
    assert set(mentions.label) == {"PERSON"} and list(mentions.model_label).count("ORG") == 2  # model_label kept
    assert counts.relabelled == 2 and counts.mentions == {"PERSON": 42}
    assert corpus.num_rows == 1 and mentions.canonical_id.nunique() == 1  # one entity, resolved after the vote


def test_other_languages_and_scripts_are_processed_without_garbage(tmp_path):
    """No crash, offsets valid, and no mention made of symbols, handles or links."""
    texts = [
        "© 2024 Reuters. All rights reserved. ©©© ™ ® — • ★",
        "Президент России Владимир Путин встретился в Москве с Си Цзиньпином. © РИА Новости",
        "التقى وزير الخارجية السوري أسعد الشيباني بنظيره العراقي في بغداد. ©",
        "习近平在北京会见了法国总统马克龙。©新华社",
        "🙂🙂 #هاشتاغ @user https://t.co/xyz ©2025 ΑΒΓ 123-456 ... --- *** ///",
    ]
    path = tmp_path / "world.jsonl"
    path.write_text("\n".join(json.dumps({"id": f"w{i}", "text": t}) for i, t in enumerate(texts)) + "\n", encoding="utf8")
    result = run_pipeline([path], tmp_path / "out")
    assert result.documents == {"ok": len(texts)}
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet").set_index("doc_id")
    mentions = pd.read_parquet(tmp_path / "out" / "mentions.parquet")
    for row in mentions.itertuples():
        assert docs.loc[row.doc_id, "text"][row.start_char : row.end_char] == row.text
        assert any(ch.isalpha() for ch in row.text) and not any(s in row.text for s in ("©", "@", "http", "#"))
