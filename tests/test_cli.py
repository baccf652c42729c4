"""End to end: ``python -m pipeline run data/raw`` as a user runs it, tables checked against the schemas."""

import json
import subprocess
import sys

import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import ROOT

from pipeline.writing.schema import TABLES


@pytest.fixture(scope="module")
def demo_output(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "demo"
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", "data/raw", "--output", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return out, result.stderr


def test_tables_match_schemas(demo_output):
    out, _ = demo_output
    for name, schema in TABLES.items():
        assert pq.read_schema(out / f"{name}.parquet").equals(schema, check_metadata=False), name
    run = json.loads((out / "run.json").read_text())
    assert run["counts"]["documents"] == {"ok": 1}
    assert run["model"]["sources"]["ner"] == {"model": "models/news-md", "name": "news_md", "version": "0.1.0"}


def test_summary_is_printed(demo_output):
    _, stderr = demo_output
    assert "Documents: 1 ok" in stderr and "Most mentioned entities" in stderr and "Asaad al-Shaibani" in stderr


def test_seed_article_entities_and_aliases(demo_output):
    out, _ = demo_output
    docs = pd.read_parquet(out / "documents.parquet")
    mentions = pd.read_parquet(out / "mentions.parquet")
    text = docs.loc[0, "text"]
    assert all(text[s:e] == t for s, e, t in zip(mentions.start_char, mentions.end_char, mentions.text))
    found = set(zip(mentions.text, mentions.label))
    assert {("Asaad al-Shaibani", "PERSON"), ("Shaibani", "PERSON"), ("IS", "ORG"), ("Baghdad", "LOC")} <= found
    assert ("Abdullah Makki Muslih al-Rufayi", "PERSON") in found
    assert not mentions.text.str.startswith("the ").any()
    by_text = mentions.groupby("text").entity_id.agg(set)
    assert by_text["Shaibani"] == by_text["Asaad al-Shaibani"]
    assert by_text["IS"] == by_text["Islamic State"]
    assert by_text["U.S."] == by_text["United States"]
    # the IS mentions in the first two sentences (the bare model misses them)
    # (the headline is sentence 0: a line break ends a sentence; the summary's first sentence is 1)
    assert (mentions[(mentions.text == "IS")].sentence_id.min()) == 1


def test_entities_and_corpus_entities(demo_output):
    out, _ = demo_output
    entities = pd.read_parquet(out / "entities.parquet")
    corpus = pd.read_parquet(out / "corpus_entities.parquet")
    shaibani = entities[entities.name == "Asaad al-Shaibani"].iloc[0]
    assert list(shaibani.aliases) == ["Asaad al-Shaibani", "Shaibani"]
    assert shaibani.mention_count >= 3
    assert entities.canonical_id.notna().all()
    assert set(entities.canonical_id) == set(corpus.canonical_id)
    assert corpus.set_index("name").loc["Islamic State", "kb_id"] == "islamic-state"


def test_existing_output_is_refused_without_overwrite(demo_output):
    out, _ = demo_output
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", "data/raw", "--output", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 1
    assert "exists; pass --overwrite" in result.stderr and "Traceback" not in result.stderr


# -- failures and mistakes: one line each, the fix included, no traceback without --verbose ---

from test_config import CONFIG  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from pipeline.commands.cli import app  # noqa: E402


@pytest.fixture
def rules_config(tmp_path):
    """The project's stages on a blank pipeline: the CLI runs in-process in a second."""
    path = tmp_path / "rules.cfg"
    path.write_text(CONFIG + "\n[engine]\nbatch_size = 256\n", encoding="utf8")
    return path


@pytest.fixture
def messy_input(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "news.jsonl").write_text(
        '{"id": "a", "text": "The Islamic State (IS) left Baghdad."}\n{"id": "b", "text": 3}\n{broken\n{"id": "a", "text": "IS again."}\n',
        encoding="utf8",
    )
    (folder / "empty.txt").write_text("  \n", encoding="utf8")
    return folder


def invoke(*args):
    result = CliRunner().invoke(app, ["run", *map(str, args)])
    lines = [line for line in result.output.splitlines() if line.strip()]
    return result, lines


def test_failures_are_counted_and_listed_and_strict_exits_non_zero(tmp_path, rules_config, messy_input):
    result, lines = invoke(messy_input, "--output", tmp_path / "out", "--config", rules_config)
    assert result.exit_code == 0, result.output
    assert "Documents: 3 error, 2 ok" in result.output
    assert "3 document(s) failed" in result.output
    assert any(line.strip().startswith(f"{messy_input / 'news.jsonl'}:3: malformed JSON") for line in lines)
    assert "1 duplicate document id(s) kept apart: a -> a~2" in result.output
    strict, _ = invoke(messy_input, "--output", tmp_path / "out", "--config", rules_config, "--overwrite", "--strict")
    assert strict.exit_code == 1 and "3 document(s) failed" in strict.output
    clean = tmp_path / "clean.jsonl"
    clean.write_text('{"id": "c", "text": "Baghdad."}\n', encoding="utf8")
    assert invoke(clean, "--output", tmp_path / "out2", "--config", rules_config, "--strict")[0].exit_code == 0


def test_overrides_go_anywhere_on_the_command_line(tmp_path, rules_config, messy_input):
    out = tmp_path / "out"
    result, _ = invoke(messy_input, "--engine.batch_size", "1", "--output", out, "--config", rules_config, "--export.top_entities=2")
    assert result.exit_code == 0, result.output
    run = json.loads((out / "run.json").read_text())
    assert run["overrides"] == {"engine.batch_size": 1, "export.top_entities": 2}
    assert [i["path"] for i in run["inputs"]] == [str(messy_input / "empty.txt"), str(messy_input / "news.jsonl")]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--components.alias_linker.recover_surname", "false"],
            "Unknown setting 'recover_surname' in [components.alias_linker] of the config (did you mean 'recover_surnames'?)",
        ),
        (["--reader.text_feld", "body"], "Unknown setting 'text_feld' in [reader] of configs/default.cfg (did you mean 'text_field'?)"),
        (["--nlp.batch_sise", "8"], "Unknown setting 'batch_sise' in [nlp]"),
        (
            ["--reader.@misc", "os.system"],
            "Unknown function 'os.system' in configs/default.cfg (registry 'misc'). A config can only name functions registered by installed packages",
        ),
        (["--paths.model", "en_core_web_zz"], "Model 'en_core_web_zz' is not installed: install it with `pip install en-core-web-zz`"),
        (["--strct"], "No such option '--strct'"),
    ],
    ids=["component-key", "reader-key", "nlp-key", "function", "model", "option"],
)
def test_mistakes_are_one_line_with_the_fix(tmp_path, messy_input, args, expected):
    result, lines = invoke(messy_input, "--output", tmp_path / "out", *args)
    assert result.exit_code == 1
    assert lines == [f"Error: {lines[0].removeprefix('Error: ')}"] and expected in lines[0], result.output
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.staging").exists()


def test_unwritable_output_is_named_before_the_model_loads(tmp_path, messy_input):
    (tmp_path / "file").write_text("", encoding="utf8")
    result, lines = invoke(messy_input, "--output", tmp_path / "file" / "out")
    assert result.exit_code == 1 and len(lines) == 1
    assert lines[0].startswith(f"Error: Cannot write the output folder {tmp_path / 'file' / 'out'}") and "choose another --output" in lines[0]
    result, lines = invoke(messy_input, "--output", tmp_path / "file")
    assert lines == [f"Error: Output {tmp_path / 'file'} is a file, not a folder: choose another --output, or fix the folder's permissions."]


def test_verbose_shows_the_traceback(tmp_path, messy_input):
    result, _ = invoke(messy_input, "--output", tmp_path / "out", "--paths.model", "en_core_web_zz", "--verbose")
    assert result.exit_code == 1 and "Traceback" in result.output and "pip install en-core-web-zz" in result.output


def test_empty_input_folder_is_one_line(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.docx").write_bytes(b"PK")
    result, lines = invoke(tmp_path / "in", "--output", tmp_path / "out")
    assert result.exit_code == 1
    assert lines == [f"Error: No input files in {tmp_path / 'in'}: expected files or folders with .csv .htm .html .jsonl .parquet .txt files."]


# -- issue 12: reading problems in the summary, settings named before any document is read ---


@pytest.fixture
def reader_config(rules_config):
    with rules_config.open("a", encoding="utf8") as config:
        config.write('\n[reader]\n@misc = "news.article_reader.v1"\n')
    return rules_config


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        (["--reader.encoding", "klingon"], "Error: reader.encoding: unknown encoding 'klingon'; e.g. utf-8, cp1252, utf-16"),
        (["--reader.boilerplate", '["(unclosed"]'], "Error: reader.boilerplate: '(unclosed' is not a regular expression"),
    ],
    ids=["encoding", "boilerplate"],
)
def test_bad_reader_settings_are_one_line_naming_the_setting(tmp_path, reader_config, messy_input, override, expected):
    result, lines = invoke(messy_input, "--output", tmp_path / "out", "--config", reader_config, *override)
    assert result.exit_code == 1 and len(lines) == 1 and lines[0].startswith(expected), result.output
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.staging").exists()


def test_doubtful_encodings_and_skipped_entries_are_in_the_summary(tmp_path, rules_config):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "names.txt").write_bytes("Headline\nJosé Núñez met officials in Genève and Zürich.".encode("cp1252"))
    (folder / ".hidden.txt").write_text("Headline\nHidden.", encoding="utf8")
    result, lines = invoke(folder, "--output", tmp_path / "out", "--config", rules_config)
    assert result.exit_code == 0, result.output
    assert f"  {folder / 'names.txt'}: decoded as cp1252 with low confidence" in lines[lines.index("Warnings (all in run.json):") + 1]
    assert f"  1 hidden file(s) or folder(s) skipped: {folder / '.hidden.txt'}" in lines
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert len(run["warnings"]) == 1 and len(run["skipped"]) == 1
    # The text is right (cp1252 wins the tie), but it was a guess: --strict says so.
    assert "José Núñez" in pd.read_parquet(tmp_path / "out" / "documents.parquet").text[0]
    strict, _ = invoke(folder, "--output", tmp_path / "out", "--config", rules_config, "--overwrite", "--strict")
    assert strict.exit_code == 1


def test_deeply_nested_line_is_an_error_row_and_resume_goes_past_it(tmp_path, rules_config):
    from pipeline.commands.run import run_pipeline

    path = tmp_path / "deep.jsonl"
    deep = '{"id": "deep", "text": "x", "meta": ' + "[" * 2000 + "]" * 2000 + "}"
    path.write_text('{"id": "a", "text": "Baghdad."}\n' + deep + '\n{"id": "b", "text": "Mosul."}\n', encoding="utf8")
    out = tmp_path / "out"

    def stop_after_first_batch(docs: int, words: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_pipeline([path], out, config_path=rules_config, overrides={"engine.batch_size": 1}, on_progress=stop_after_first_batch)
    result = run_pipeline([path], out, config_path=rules_config, overrides={"engine.batch_size": 1}, resume=True)
    docs = pd.read_parquet(out / "documents.parquet")
    assert list(docs.doc_id) == ["a", "deep:2", "b"] and result.documents == {"ok": 2, "error": 1}
    assert docs.error[1] == f"{path}:2: JSON nested too deeply to read (more levels than Python's recursion limit)"


# -- fuzz through the command: every format, every record once, offsets valid, exit codes ---

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_WORDS = ["Baghdad", "Mosul", "Fuad Hussein", "Zürich", "José Núñez", "the", "minister", "said", "Genève", "café", ",", "."]
_SENTENCE = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=12).map(" ".join)
_KINDS = st.sampled_from(["good", "good", "good", "legacy", "bad"])


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_fuzz_run_accounts_for_every_record(tmp_path_factory, reader_config, data):
    import pyarrow as pa

    folder = tmp_path_factory.mktemp("fuzzin")
    expected = 0
    jsonl = b""
    for n, kind in enumerate(data.draw(st.lists(_KINDS, max_size=8))):
        text = data.draw(_SENTENCE)
        line = json.dumps({"id": f"j{n}", "text": text}, ensure_ascii=False) + "\n"
        jsonl += line.encode("cp1252" if kind == "legacy" else "utf8") if kind != "bad" else b'{"id": "x", "text": 3.5e999999999\n'
        expected += 1
    (folder / "a.jsonl").write_bytes(jsonl)
    rows = b"id,text\n"
    for n, kind in enumerate(data.draw(st.lists(_KINDS, max_size=8))):
        text = data.draw(_SENTENCE)
        row = f'c{n},"{text}"\n'
        rows += row.encode("cp1252" if kind == "legacy" else "utf8") if kind != "bad" else f"c{n},has\x00nul\n".encode()
        expected += 1
    (folder / "b.csv").write_bytes(rows)
    for n, kind in enumerate(data.draw(st.lists(_KINDS, max_size=3))):
        text = "Headline\n" + data.draw(_SENTENCE)
        (folder / f"t{n}.txt").write_bytes(text.encode("cp1252" if kind == "legacy" else "utf8") if kind != "bad" else b"")
        expected += 1
    texts = [data.draw(st.one_of(_SENTENCE, st.none())) for _ in range(data.draw(st.integers(0, 5)))]
    pq.write_table(pa.table({"id": [f"p{i}" for i in range(len(texts))], "text": pa.array(texts, pa.string())}), folder / "d.parquet")
    expected += len(texts)
    out = tmp_path_factory.mktemp("fuzzout") / "out"
    for strict in (False, True):
        result, _ = invoke(folder, "--output", out, "--config", reader_config, "--overwrite", *(["--strict"] if strict else []))
        assert "Traceback" not in result.output
        docs = pd.read_parquet(out / "documents.parquet")
        run = json.loads((out / "run.json").read_text())
        assert len(docs) == expected and docs.doc_id.is_unique
        failed = (docs.status == "error").any() or bool(run["warnings"])
        assert result.exit_code == (1 if strict and failed else 0), result.output
    texts_by_id = docs.set_index("doc_id").text
    for row in pd.read_parquet(out / "mentions.parquet").itertuples():
        assert texts_by_id[row.doc_id][row.start_char : row.end_char] == row.text
