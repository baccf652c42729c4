"""The config route: a pipeline built from a config string, with no trained model."""

import pytest
from spacy.util import load_config_from_str

from conftest import ROOT, ent_tuples
from pipeline.config import ConfigError, build_nlp, load_pipeline_config

CONFIG = """
[paths]
patterns = null

[nlp]
lang = "en"
pipeline = ["entity_rules","span_cleanup","label_mapper","alias_linker"]

[components]

[components.entity_rules]
factory = "span_ruler"
spans_key = "rules"
annotate_ents = true

[components.span_cleanup]
factory = "news_span_cleanup"

[components.label_mapper]
factory = "news_label_mapper"

[components.alias_linker]
factory = "news_alias_linker"

[initialize]

[initialize.before_init]
@callbacks = "news.tokenizer_rules.v1"
infixes = ["(?<=[A-Z]\\\\.)-(?=[A-Za-z])"]
special_cases = ["U.S."]

[initialize.components]

[initialize.components.entity_rules]
patterns = [{"label": "ORG", "pattern": "Islamic State"}, {"label": "GPE", "pattern": "Baghdad"}, {"label": "GPE", "pattern": "U.S."}]
"""


def test_pipeline_from_config_string():
    nlp = build_nlp(load_config_from_str(CONFIG))
    doc = nlp("The Islamic State (IS) lost ground near Baghdad to the U.S.-led coalition. IS retreated.")
    assert ent_tuples(doc) == [("Islamic State", "ORG"), ("IS", "ORG"), ("Baghdad", "LOC"), ("U.S.", "LOC"), ("IS", "ORG")]
    assert len({e._.entity_id for e in doc.ents if e.label_ == "ORG"}) == 1
    assert [e._.component for e in doc.ents][:3] == ["entity_rules", "alias_linker", "entity_rules"]


def test_overrides_change_behaviour_without_code(tmp_path):
    config = load_config_from_str(CONFIG, overrides={"components.label_mapper.mapping": {"ORG": "ORG"}})
    nlp = build_nlp(config)
    assert [e.label_ for e in nlp("Islamic State fighters left Baghdad.").ents] == ["ORG"]


def test_saved_pipeline_is_self_contained(tmp_path):
    import spacy

    nlp = build_nlp(load_config_from_str(CONFIG))
    nlp.to_disk(tmp_path / "model")
    reloaded = spacy.load(tmp_path / "model")
    assert ent_tuples(reloaded("Near Baghdad and the U.S.-led base.")) == [("Baghdad", "LOC"), ("U.S.", "LOC")]


def test_unknown_section_is_named_with_a_suggestion(tmp_path):
    path = tmp_path / "bad.cfg"
    path.write_text((ROOT / "configs" / "default.cfg").read_text(encoding="utf8") + "\n[readr]\nid_field = \"x\"\n", encoding="utf8")
    with pytest.raises(ConfigError, match=r"\[readr\].*Did you mean \[reader\]"):
        load_pipeline_config(path)
