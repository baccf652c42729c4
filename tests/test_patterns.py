import pytest

from pipeline.components.patterns import PatternFileError, read_patterns
from conftest import ROOT


def test_reads_project_patterns():
    patterns = read_patterns(ROOT / "configs" / "patterns")
    assert {"label": "ORG", "pattern": "IS", "id": "islamic-state"} in patterns


def test_malformed_line_names_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"label": "ORG", "pattern": "IS"}\n{"label": "ORG"\n', encoding="utf8")
    with pytest.raises(PatternFileError, match=r"bad.jsonl:2"):
        read_patterns(path)


def test_missing_keys(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text('{"pattern": "IS"}\n', encoding="utf8")
    with pytest.raises(PatternFileError, match="needs 'label' and 'pattern'"):
        read_patterns(path)
