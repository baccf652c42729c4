"""``convert``: annotated files -> DocBin, labels mapped, unaligned spans reported, split reproducible."""

from __future__ import annotations

import json

import pytest
import spacy
from conftest import ROOT, SHARED_DATA
from spacy.tokens import DocBin
from typer.testing import CliRunner

from pipeline.commands.cli import app
from pipeline.commands.convert import ConvertError, convert_corpus, load_label_map, split_documents
from pipeline.commands.train import provenance_path
from pipeline.config.build import ConfigError

CONVERT_CONFIG = ROOT / "configs" / "convert.cfg"
IOB = """-DOCSTART- -X- O O

Maria NNP B-NP B-PER
Lopez NNP I-NP I-PER
visited VBD B-VP O
Paris NNP B-NP B-LOC
for IN B-PP O
Oxfam NNP B-NP B-ORG
. . O O

-DOCSTART- -X- O O

The DT B-NP O
Olympics NNPS I-NP B-MISC
opened VBD B-VP O
in IN B-PP O
Berlin NNP B-NP B-LOC
. . O O
"""


def _docs(path):
    return list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))


def _jsonl(tmp_path, records):
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf8")
    return path


def test_iob_labels_mapped_and_unmapped_dropped(tmp_path):
    source = tmp_path / "news.conll"
    source.write_text(IOB, encoding="utf8")
    result = convert_corpus([source], "conll", tmp_path / "out" / "news.spacy", config_path=CONVERT_CONFIG, licence="CC0")
    docs = _docs(result.outputs["all"])
    assert [[(e.text, e.label_) for e in doc.ents] for doc in docs] == [
        [("Maria Lopez", "PERSON"), ("Paris", "LOC"), ("Oxfam", "ORG")],
        [("Berlin", "LOC")],  # MISC is not mapped: read as O
    ]
    sidecar = json.loads(provenance_path(result.outputs["all"]).read_text())
    assert sidecar["documents"] == 2 and sidecar["licences"] == ["CC0"] and sidecar["entities_per_label"] == {"LOC": 2, "ORG": 1, "PERSON": 1}


def test_jsonl_unaligned_span_is_quoted_and_skipped(tmp_path):
    source = _jsonl(tmp_path, [
        {"id": "d1", "text": "John Smith met Oxfam in Nairobi.", "spans": [{"start": 0, "end": 10, "label": "PERSON"}, {"start": 15, "end": 18, "label": "ORG"}]},
        {"id": "d2", "text": "Reuters News reported it.", "entities": [[0, 7, "ORG"], [0, 12, "ORG"], [8, 99, "ORG"]]},
        {"no_text": True},
    ])  # fmt: skip
    result = convert_corpus([source], "jsonl", tmp_path / "j.spacy", config_path=CONVERT_CONFIG)
    docs = _docs(result.outputs["all"])
    assert [(e.text, e.label_) for e in docs[0].ents] == [("John Smith", "PERSON")]
    assert [(e.text, e.label_) for e in docs[1].ents] == [("Reuters News", "ORG")]  # the longer of two overlapping
    assert result.problem_counts == {"unaligned": 1, "bad_offsets": 1, "overlap": 1, "bad_record": 1}
    unaligned = next(p for p in result.problems if "token boundaries" in p)
    assert "'Oxf'" in unaligned and "'Oxfam'" in unaligned and "d1" in unaligned and "gold.jsonl:1" in unaligned


def test_split_is_reproducible_and_disjoint(tmp_path):
    records = [{"id": f"d{i}", "text": f"Doc {i} about Paris.", "spans": [[len(f"Doc {i} about "), len(f"Doc {i} about Paris"), "LOC"]]} for i in range(20)]
    source = _jsonl(tmp_path, records)
    first = convert_corpus([source], "jsonl", tmp_path / "a" / "c.spacy", split=0.25, seed=3, config_path=CONVERT_CONFIG)
    again = convert_corpus([source], "jsonl", tmp_path / "b" / "c.spacy", split=0.25, seed=3, config_path=CONVERT_CONFIG)
    assert first.outputs["train"].name == "c-train.spacy" and first.outputs["dev"].name == "c-dev.spacy"
    assert first.documents == {"train": 15, "dev": 5}
    texts = {part: [d.text for d in _docs(path)] for part, path in first.outputs.items()}
    assert texts == {part: [d.text for d in _docs(path)] for part, path in again.outputs.items()}
    assert not set(texts["train"]) & set(texts["dev"])
    other = convert_corpus([source], "jsonl", tmp_path / "c" / "c.spacy", split=0.25, seed=4, config_path=CONVERT_CONFIG)
    assert [d.text for d in _docs(other.outputs["dev"])] != texts["dev"]


def test_bad_arguments_are_explained(tmp_path):
    with pytest.raises(ConvertError, match="Unknown format"):
        convert_corpus([tmp_path], "xml", tmp_path / "x.spacy")
    with pytest.raises(ConvertError, match="between 0 and 1"):
        convert_corpus([tmp_path], "jsonl", tmp_path / "x.spacy", split=1.5)
    with pytest.raises(ConvertError, match="No documents"):
        convert_corpus([tmp_path], "jsonl", tmp_path / "x.spacy", config_path=CONVERT_CONFIG)
    with pytest.raises(ConvertError, match="Cannot split"):
        split_documents([spacy.blank("en")("one")], 0.5, 0)
    with pytest.raises(ConfigError, match=r"\[labels\.nope\]"):
        load_label_map("nope", CONVERT_CONFIG)


def test_label_map_override(tmp_path):
    assert load_label_map("gum", CONVERT_CONFIG, {"labels.gum.place": ""}) == {"person": "PERSON", "organization": "ORG"}


def test_cli_convert(tmp_path, monkeypatch):
    source = _jsonl(tmp_path, [{"text": "Angela Merkel spoke.", "spans": [[0, 13, "PER"]]}])
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["convert", str(source), "--format", "jsonl", "--output", str(tmp_path / "m.spacy")])
    assert result.exit_code == 0, result.output
    assert "1 documents; PERSON 1" in result.output
    assert [(e.text, e.label_) for e in _docs(tmp_path / "m.spacy")[0].ents] == [("Angela Merkel", "PERSON")]


def test_shared_uner_converts(tmp_path):
    source = SHARED_DATA / "uner_en_ewt" / "en_ewt-ud-dev.iob2"
    if not source.exists():
        pytest.skip(f"{source} not found: the shared corpora are not on this machine")
    result = convert_corpus([source], "conllu-uner", tmp_path / "uner.spacy", config_path=CONVERT_CONFIG)
    assert result.documents["all"] == 318
    assert result.entities["all"] == {"LOC": 399, "ORG": 224, "PERSON": 343}


def test_cli_convert_override_among_sources(tmp_path, monkeypatch):
    """A config override after the sources is an override, not a source path."""
    source = _jsonl(tmp_path, [{"text": "Angela Merkel spoke in Berlin.", "spans": [[0, 13, "PER"], [23, 29, "LOC"]]}])
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["convert", str(source), "--labels.jsonl.LOC", "", "--format", "jsonl", "--output", str(tmp_path / "m.spacy")])
    assert result.exit_code == 0, result.output
    assert [(e.text, e.label_) for e in _docs(tmp_path / "m.spacy")[0].ents] == [("Angela Merkel", "PERSON")]


FIXTURES = ROOT / "tests" / "fixtures" / "gold"


def test_dev_ids_make_a_fixed_split(tmp_path):
    """--dev-ids puts the named documents in NAME-dev.spacy and every other one in NAME-train.spacy."""
    source = tmp_path / "gold.iob"
    source.write_text(IOB, encoding="utf8")
    ids = [doc._.doc_id for doc in _read_all(tmp_path, source)]
    result = convert_corpus([source], "iob", tmp_path / "out" / "c.spacy", dev_ids=[ids[1]])
    assert result.documents == {"train": 1, "dev": 1}
    assert [d._.doc_id for d in _docs(result.outputs["dev"])] == [ids[1]]
    assert json.loads(provenance_path(result.outputs["dev"]).read_text())["dev_ids"] == [ids[1]]
    with pytest.raises(ConvertError, match="not in the input: nope"):
        convert_corpus([source], "iob", tmp_path / "out" / "d.spacy", dev_ids=["nope"])
    with pytest.raises(ConvertError, match="not both"):
        convert_corpus([source], "iob", tmp_path / "out" / "d.spacy", dev_ids=[ids[1]], split=0.5)


def test_exclude_leaves_documents_out(tmp_path):
    source = tmp_path / "gold.iob"
    source.write_text(IOB, encoding="utf8")
    ids = [doc._.doc_id for doc in _read_all(tmp_path, source)]
    result = convert_corpus([source], "iob", tmp_path / "c.spacy", exclude=[ids[0]])
    assert [d._.doc_id for d in _docs(result.outputs["all"])] == [ids[1]]


def test_ecbplus_topics_and_unannotated_names_missing(tmp_path):
    """ECB+ annotates only some names: with unannotated_names="missing" a capitalised token outside
    every gold entity is unknown (ent_iob 0), the gold entities stay, other tokens stay O."""
    result = convert_corpus([FIXTURES / "1_1ecbplus.xml"], "ecbplus", tmp_path / "e.spacy", unannotated_names="missing", topics=(1, 1))
    (doc,) = _docs(result.outputs["all"])
    assert doc.ents, "the gold entities are kept"
    inside = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    for i, token in enumerate(doc):
        if i in inside:
            assert token.ent_iob_ in ("B", "I")
        elif token.text[:1].isupper():
            assert token.ent_iob_ == "", token.text
        else:
            assert token.ent_iob_ == "O", token.text
    assert any(t.ent_iob_ == "" for t in doc), "the fixture has an unannotated capitalised word"
    with pytest.raises(ConvertError, match="No documents"):
        convert_corpus([FIXTURES / "1_1ecbplus.xml"], "ecbplus", tmp_path / "f.spacy", topics=(2, 25))
    with pytest.raises(ConvertError, match="--topics selects ECB"):
        convert_corpus([FIXTURES / "tiny.iob2"], "uner", tmp_path / "g.spacy", topics=(1, 2))
    with pytest.raises(ConvertError, match="--unannotated-names 'maybe'"):
        convert_corpus([FIXTURES / "tiny.iob2"], "uner", tmp_path / "g.spacy", unannotated_names="maybe")


def test_cli_convert_dev_ids_and_topics(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "e.spacy"
    result = CliRunner().invoke(
        app, ["convert", str(FIXTURES / "1_1ecbplus.xml"), "--format", "ecbplus", "--output", str(out), "--topics", "1-3", "--unannotated-names", "missing"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(provenance_path(out).read_text())["topics"] == [1, 3]
    bad = CliRunner().invoke(app, ["convert", str(FIXTURES / "1_1ecbplus.xml"), "--format", "ecbplus", "--output", str(out), "--topics", "one"])
    assert bad.exit_code != 0 and "--topics 'one'" in bad.output


def _read_all(tmp_path, source):
    result = convert_corpus([source], "iob", tmp_path / "probe" / "all.spacy")
    return _docs(result.outputs["all"])
