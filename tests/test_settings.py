"""The settings route: every non-spaCy section resolved once, by registered functions, with one-line errors."""

import logging

import pytest
from conftest import ROOT
from spacy.util import load_config_from_str

from pipeline.base.chunking import Chunker
from pipeline.config.build import ConfigError, load_pipeline_config
from pipeline.config.settings import SECTIONS, EngineSettings, ExportSettings, ReportSettings, resolve_settings

DEFAULT = ROOT / "configs" / "default.cfg"


def test_every_section_is_a_registered_versioned_function():
    settings = resolve_settings(load_pipeline_config(DEFAULT))
    assert settings.engine == EngineSettings(batch_size=256, n_process=-1)
    assert settings.export == ExportSettings(top_entities=10, link_places=True, aliases="configs/aliases", min_city_population=100_000)
    assert settings.report == ReportSettings()
    assert settings.chunking == Chunker(max_chars=100_000, whole_document_from="alias_linker")
    assert settings.reader.id_field == "id"
    config = load_pipeline_config(DEFAULT)
    assert {section: config[section]["@misc"] for section in SECTIONS} == SECTIONS
    assert all(name.startswith("news.") and name.endswith(".v1") for name in SECTIONS.values())


def test_a_config_without_the_sections_gets_their_defaults_and_takes_overrides():
    """base.cfg has no [engine], [export] or [report]: they are filled in, so overrides reach them."""
    config = load_pipeline_config(ROOT / "configs" / "base.cfg", {"engine.batch_size": 8, "report.title": "T"})
    settings = resolve_settings(config)
    assert settings.engine == EngineSettings(batch_size=8) and settings.report == ReportSettings(title="T")
    assert settings.export == ExportSettings()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"engine.batch_size": "abc"}, r"Invalid value for 'batch_size' in \[engine\] of .*default.cfg: 'abc' is not.*--engine.batch_size VALUE"),
        ({"engine.batch_size": 0}, r"Invalid value for 'batch_size' in \[engine\] of .*default.cfg: must be at least 1, not 0; .*--engine.batch_size"),
        ({"engine.batch_size": -5}, r"Invalid value for 'batch_size' in \[engine\].*must be at least 1, not -5"),
        ({"engine.n_process": 0}, r"Invalid value for 'n_process' in \[engine\].*must be -1 \(one per core\) or at least 1, not 0"),
        ({"engine.n_process": -3}, r"Invalid value for 'n_process' in \[engine\].*not -3"),
        ({"export.top_entities": -1}, r"Invalid value for 'top_entities' in \[export\].*must be at least 0, not -1"),
        ({"report.max_articles": "many"}, r"Invalid value for 'max_articles' in \[report\]"),
        ({"chunking.max_chars": "x"}, r"Invalid value for 'max_chars' in \[chunking\]"),
    ],
    ids=["batch-abc", "batch-0", "batch-negative", "n-process-0", "n-process-negative", "export-range", "report-type", "chunking-type"],
)
def test_bad_settings_are_refused_up_front_in_one_line_naming_them(overrides, message):
    with pytest.raises(ConfigError, match=message) as caught:
        resolve_settings(load_pipeline_config(DEFAULT, overrides), str(DEFAULT))
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("value", [0, -5, "abc"])
def test_nlp_batch_size_is_checked_when_the_config_loads(value):
    """spaCy takes [nlp] batch_size 0 and then fails every document: refused for every command."""
    with pytest.raises(ConfigError, match=r"Invalid value for 'batch_size' in \[nlp\] of .*default.cfg: must be a whole number of at least 1"):
        load_pipeline_config(DEFAULT, {"nlp.batch_size": value})


def test_n_process_minus_one_is_every_core_and_more_than_the_cores_is_capped(caplog):
    assert EngineSettings(n_process=-1).processes(cores=4) == 4
    assert EngineSettings(n_process=3).processes(cores=4) == 3
    with caplog.at_level(logging.WARNING, logger="pipeline"):
        assert EngineSettings(n_process=40).processes(cores=2) == 2
    assert "n_process 40 is more than the 2 cores of this machine: using 2 processes" in caplog.text


def test_run_pipeline_and_the_cli_default_n_process_the_same_way():
    import inspect

    from pipeline.commands.cli import run
    from pipeline.commands.run import run_pipeline

    # Both leave it to [engine] n_process (-1: one per core), so a notebook and the CLI agree.
    assert inspect.signature(run_pipeline).parameters["n_process"].default is None
    assert inspect.signature(run).parameters["n_process"].default.default is None


OLD_CONFIG = '[nlp]\nlang = "en"\npipeline = []\n\n[export]\nbatch_size = 7\ntop_entities = 3\n'


def test_an_old_config_with_export_batch_size_keeps_working_and_says_what_to_rename(tmp_path, caplog):
    path = tmp_path / "old.cfg"
    path.write_text(OLD_CONFIG, encoding="utf8")
    with caplog.at_level(logging.WARNING, logger="pipeline"):
        settings = resolve_settings(load_pipeline_config(path))
    assert settings.engine.batch_size == 7 and settings.export.top_entities == 3
    assert f"[export] batch_size has moved to [engine] batch_size: rename it in {path}" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="pipeline"):
        settings = resolve_settings(load_pipeline_config(DEFAULT, {"export.batch_size": 5}))
    assert settings.engine.batch_size == 5
    assert "--export.batch_size has moved: use --engine.batch_size" in caplog.text


def test_a_setting_in_its_old_and_new_place_is_refused(tmp_path):
    path = tmp_path / "both.cfg"
    path.write_text(OLD_CONFIG + "\n[engine]\nbatch_size = 9\n", encoding="utf8")
    with pytest.raises(ConfigError, match=r"'batch_size' is set in both \[export\] and \[engine\] of .*both.cfg: keep only \[engine\] batch_size"):
        load_pipeline_config(path)


def test_settings_sections_from_a_config_string():
    config = load_config_from_str('[engine]\n@misc = "news.engine.v1"\nbatch_size = 2\n\n[report]\n@misc = "news.report.v1"\ntitle = "x"\n')
    settings = resolve_settings(config)
    assert settings.engine.batch_size == 2 and settings.report.title == "x" and settings.export == ExportSettings()
