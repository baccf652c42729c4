"""Label votes: ``news_label_vote`` in a document and :class:`CorpusVote` across the corpus."""

from __future__ import annotations

from dataclasses import replace

import pyarrow as pa
import pytest
from conftest import ent_tuples, make_doc

from pipeline.components.vote import make_label_vote
from pipeline.corpus.resolve import CorpusResolver
from pipeline.corpus.vote import CorpusVote, VoteSettings
from pipeline.writing.schema import ENTITIES, MENTIONS

SETTINGS = VoteSettings(enabled=True, default_confidence=0.7)


def vote(nlp, **overrides):
    config = dict(default_confidence=0.7, probability_weight=1.0, curated_weight=5.0, surnames=True, person_label="PERSON", labels=["PERSON", "ORG", "LOC"])
    config.update(overrides)
    return make_label_vote(nlp, "label_vote", **config)


def test_document_vote_weighs_probabilities_not_counts(blank):
    doc = make_doc(blank, "Trump spoke. Trump left. Trump won.", [("Trump", "ORG", 0), ("Trump", "ORG", 1), ("Trump", "PERSON", 2)])
    ents = list(doc.ents)
    for ent, probs in zip(ents, ({"ORG": 0.4, "PERSON": 0.35}, {"ORG": 0.4, "PERSON": 0.35}, {"PERSON": 0.99})):
        ent._.label_probs = probs
    doc = vote(blank)(doc)
    assert ent_tuples(doc) == [("Trump", "PERSON")] * 3  # two unsure ORGs lose to one sure PERSON
    assert [e._.score for e in doc.ents] == [0.35, 0.35, None]  # the probability of the final label


def test_document_vote_without_classifier_counts_default_confidence(blank):
    doc = make_doc(
        blank, "Shaibani spoke. Shaibani left. Then Shaibani returned.", [("Shaibani", "PERSON", 0), ("Shaibani", "ORG", 1), ("Shaibani", "PERSON", 2)]
    )
    assert ent_tuples(vote(blank)(doc)) == [("Shaibani", "PERSON")] * 3
    doc = make_doc(blank, "Jordan won. Jordan lost.", [("Jordan", "PERSON", 0), ("Jordan", "LOC", 1)])
    assert ent_tuples(vote(blank)(doc)) == [("Jordan", "PERSON"), ("Jordan", "LOC")]  # a tie changes nothing


def test_document_vote_adds_name_evidence_once_and_keeps_model_label(blank):
    doc = make_doc(blank, "Acme Ltd grew. Acme Ltd hired.", [("Acme Ltd", "LOC", 0), ("Acme Ltd", "LOC", 1)])
    for ent in doc.ents:
        ent._.model_label = "GPE"
        ent._.name_evidence = {"ORG": 2.0, "LOC": -1.0}
    doc = vote(blank)(doc)
    # two LOC mentions (2 x log(0.7/0.15) = 3.08) beat the evidence (3.0) counted once
    assert ent_tuples(doc) == [("Acme Ltd", "LOC")] * 2
    doc = make_doc(blank, "Acme Ltd grew. Acme Ltd hired.", [("Acme Ltd", "LOC", 0), ("Acme Ltd", "LOC", 1)])
    for ent in doc.ents:
        ent._.name_evidence = {"ORG": 2.0, "LOC": -1.0}
    assert ent_tuples(vote(blank, probability_weight=0.9)(doc)) == [("Acme Ltd", "ORG")] * 2  # 0.9 x 3.08 < 3.0
    doc = make_doc(blank, "Acme Ltd grew.", [("Acme Ltd", "LOC")])
    doc.ents[0]._.model_label = "GPE"
    doc.ents[0]._.name_evidence = {"ORG": 2.0, "LOC": -1.0}
    doc = vote(blank)(doc)
    assert ent_tuples(doc) == [("Acme Ltd", "ORG")] and doc.ents[0]._.model_label == "GPE"


def test_document_vote_keeps_curated_ids_and_surnames(blank):
    doc = make_doc(blank, "IS fled. IS fought. IS hid.", [("IS", "ORG", 0), ("IS", "LOC", 1), ("IS", "LOC", 2)])
    ents = list(doc.ents)
    ents[0] = doc.char_span(0, 2, label="ORG", span_id="islamic-state")
    doc.ents = ents
    assert ent_tuples(vote(blank)(doc)) == [("IS", "ORG")] * 3
    doc = make_doc(blank, "Valeska Paris left the ship. Paris said she was held.", [("Valeska Paris", "PERSON"), ("Paris", "LOC", 1)])
    assert ent_tuples(vote(blank)(doc)) == [("Valeska Paris", "PERSON"), ("Paris", "PERSON")]


# -- the corpus vote ------------------------------------------------------------------------


def batch(doc_labels: list[list[tuple[str, str, float | None, str | None]]], first: int = 0) -> dict[str, pa.Table]:
    """One batch's mentions and entities: per document, (name, label, score, kb_id) mentions, one entity each."""
    mentions: list[dict] = []
    entities: list[dict] = []
    for number, rows in enumerate(doc_labels, start=first):
        doc_id = f"d{number}"
        for index, (name, label, score, kb_id) in enumerate(rows):
            entity_id = f"{doc_id}:E{index}"
            mentions.append({"doc_id": doc_id, "mention_id": index, "start_char": 0, "end_char": len(name), "text": name, "label": label,
                             "model_label": label, "score": score, "kb_id": kb_id, "entity_id": entity_id})  # fmt: skip
            entities.append({"doc_id": doc_id, "entity_id": entity_id, "label": label, "name": name, "aliases": [name], "kb_id": kb_id, "mention_count": 1})
    return {"mentions": pa.Table.from_pylist(mentions, schema=MENTIONS), "entities": pa.Table.from_pylist(entities, schema=ENTITIES)}


def votes_of(*batches: dict[str, pa.Table]) -> CorpusVote:
    votes = CorpusVote()
    for tables in batches:
        votes.add_columns(tables["mentions"].to_pydict(), tables["entities"].to_pydict())
    return votes


TRUMP = [[("Trump", "PERSON", None, None)]] * 40 + [[("Trump", "ORG", None, None)]] * 2


def test_corpus_vote_relabels_the_minority_and_counts_it():
    tables = batch(TRUMP)
    relabelling = votes_of(tables).decide(SETTINGS)
    out = relabelling.apply(tables)
    assert set(out["mentions"].column("label").to_pylist()) == {"PERSON"}
    assert set(out["entities"].column("label").to_pylist()) == {"PERSON"}
    assert out["mentions"].column("model_label").to_pylist().count("ORG") == 2  # model_label kept
    assert relabelling.relabelled == 2


def test_corpus_vote_ignores_mentions_that_copy_their_entitys_score():
    """The alias linker's recovered mentions carry their entity's mean score: 3 ORG documents with
    10 such copies each stay 3 votes against 5 PERSON ones (with the copies, ORG would win)."""
    mentions, entities = [], []
    for number, (label, copies) in enumerate([("PERSON", 0)] * 5 + [("ORG", 10)] * 3):
        entity_id = f"d{number}:E1"
        for index in range(1 + copies):
            component = "ner" if index == 0 else "alias_linker"
            mentions.append({"label": label, "score": 0.6, "kb_id": None, "entity_id": entity_id, "component": component})
        entities.append({"entity_id": entity_id, "name": "Jordan", "kb_id": None, "context": []})
    columns = {key: [row[key] for row in mentions] for key in mentions[0]}
    votes = CorpusVote()
    votes.add_columns(columns, {key: [row[key] for row in entities] for key in entities[0]})
    assert votes.decide(replace(SETTINGS, evidence=None)).labels_by_key == {"jordan": "PERSON"}
    copied = {**columns, "component": ["ner"] * len(mentions)}  # the same mentions, as if each were its own evidence
    counted = CorpusVote()
    counted.add_columns(copied, {key: [row[key] for row in entities] for key in entities[0]})
    assert counted.decide(replace(SETTINGS, evidence=None)).labels_by_key == {"jordan": "ORG"}


def test_corpus_vote_weighs_scores():
    sure = [[("Jordan", "LOC", 0.99, None)]] * 2
    unsure = [[("Jordan", "PERSON", 0.4, None)]] * 3
    assert votes_of(batch(sure + unsure)).decide(SETTINGS).labels_by_key == {"jordan": "LOC"}


def test_corpus_vote_weighs_label_prob_not_the_modelled_score():
    """``label_prob`` (the score before the score model) is what a mention weighs; ``score`` only
    where a table has no ``label_prob`` (written before the score model)."""
    tables = batch([[("Jordan", "LOC", 0.99, None)]] * 2 + [[("Jordan", "PERSON", 0.4, None)]] * 3)
    swapped = {**tables, "mentions": tables["mentions"].set_column(
        tables["mentions"].schema.get_field_index("label_prob"), "label_prob", [[0.2, 0.2, 0.99, 0.99, 0.99]])}  # fmt: skip
    assert votes_of(tables).decide(SETTINGS).labels_by_key == {"jordan": "LOC"}  # no label_prob: the scores
    assert votes_of(swapped).decide(SETTINGS).labels_by_key == {"jordan": "PERSON"}  # label_prob, whatever the scores
    assert CorpusVote.from_tables([swapped["mentions"].drop(["label_prob"])], [tables["entities"]]).decide(SETTINGS).labels_by_key == {"jordan": "LOC"}


def test_probability_weight_weighs_the_mentions_against_the_evidence(lexicon_free_evidence):
    docs = [[("Acme Ltd", "LOC", 0.8, None)]]
    settings = VoteSettings(enabled=True, evidence=lexicon_free_evidence)
    assert votes_of(batch(docs)).decide(settings).labels_by_key == {"acme ltd": "LOC"}
    # log(0.8 / 0.1) x 0.01: the evidence outweighs the mention
    assert votes_of(batch(docs)).decide(replace(settings, probability_weight=0.01)).labels_by_key == {"acme ltd": "ORG"}


def test_two_merged_partial_votes_equal_the_vote_over_the_whole():
    docs = TRUMP[:30] + [[("Acme", "ORG", 0.6, None)], [("Acme", "LOC", 0.55, None)], [("Acme", "LOC", 0.3, None)]] + TRUMP[30:]
    whole = votes_of(batch(docs))
    first, second = votes_of(batch(docs[:20])), votes_of(batch(docs[20:], first=20))
    merged = first.merge(second)
    assert merged.scored == whole.scored and merged.unscored == whole.unscored
    assert merged.decide(SETTINGS).labels_by_key == whole.decide(SETTINGS).labels_by_key


def test_curated_id_says_otherwise():
    docs = [[("Apple", "ORG", None, "apple-inc")]] + [[("Apple", "LOC", None, None)]] * 5
    tables = batch(docs)
    relabelling = votes_of(tables).decide(SETTINGS)
    assert relabelling.apply(tables)["mentions"].column("label").to_pylist() == ["ORG"] * 6
    assert relabelling.relabelled == 5


def test_name_evidence_tips_the_corpus_vote(lexicon_free_evidence):
    docs = [[("Acme Ltd", "LOC", None, None)], [("Acme Ltd", "ORG", None, None)]]
    assert votes_of(batch(docs)).decide(SETTINGS).labels_by_key == {}  # a tie: nothing decided
    with_evidence = VoteSettings(enabled=True, evidence=lexicon_free_evidence)
    assert votes_of(batch(docs)).decide(with_evidence).labels_by_key == {"acme ltd": "ORG"}


def test_resolver_summaries_are_relabelled_like_the_tables():
    tables = batch(TRUMP)
    resolver = CorpusResolver()
    resolver.add_columns(tables["entities"].to_pydict())
    relabelled = votes_of(tables).decide(SETTINGS).resolver(resolver)
    assert relabelled.mentions == {("PERSON", "Trump", ("Trump",), None, ()): 42}
    assert len(relabelled.resolve().clusters) == 1


@pytest.fixture
def lexicon_free_evidence():
    from pipeline.components.evidence import NameEvidence, NameLexicon

    return NameEvidence(NameLexicon(org_words=frozenset({"ltd"})), {"org_word": {"ORG": 1.0, "LOC": -1.0}})


def test_a_name_on_a_sports_page_votes_apart_from_the_same_name_elsewhere():
    from pipeline.writing.schema import replace_column

    tables = batch([[("Australia", "LOC", None, None)]] * 5 + [[("Australia", "ORG", None, None)]] * 2)
    tables["entities"] = replace_column(tables["entities"], "context", [[]] * 5 + [["sri lanka", "sport:cricket"]] * 2)
    relabelling = votes_of(tables).decide(SETTINGS)
    assert relabelling.labels_by_key == {"australia": "LOC", "australia\tsport:cricket": "ORG"}
    applied = relabelling.apply(tables)
    assert applied["mentions"].column("label").to_pylist() == ["LOC"] * 5 + ["ORG"] * 2  # the team is not outvoted
    assert relabelling.relabelled == 0


def test_a_team_on_a_sports_page_is_not_voted_back_to_its_place():
    from pipeline.components.evidence import NameEvidence, NameLexicon
    from pipeline.writing.schema import replace_column

    evidence = NameEvidence(NameLexicon(places=frozenset({"aberdeen"})), {"place": {"LOC": 3.0, "ORG": -1.0}})
    settings = VoteSettings(enabled=True, default_confidence=0.7, evidence=evidence)
    tables = batch([[("Aberdeen", "ORG", 0.6, None)], [("Aberdeen", "ORG", 0.6, None)]])
    assert votes_of(tables).decide(settings).labels_by_key == {"aberdeen": "LOC"}  # off a sports page the place's evidence counts
    tables["entities"] = replace_column(tables["entities"], "context", [["sport:soccer"]] * 2)
    # On a football page news_sports_teams made it the team: the place's evidence says nothing there.
    assert votes_of(tables).decide(settings).labels_by_key == {"aberdeen\tsport:soccer": "ORG"}
