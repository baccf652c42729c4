import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import ROOT
from pipeline.config import build_reader, load_pipeline_config
from pipeline.readers import ArticleReader


@pytest.fixture
def reader():
    return build_reader(load_pipeline_config(ROOT / "configs" / "default.cfg"))


def test_saved_article_is_parsed(reader):
    [article] = list(reader.read([ROOT / "data" / "raw"]))
    assert article.ok
    assert article.doc_id == "seed-article"
    assert article.title == "Strengthening Security Cooperation: Syria’s FM Discusses with Iraq"
    assert article.source == "www.newarab.com"
    assert article.text.startswith(article.title + "\n")
    assert "Post Comment" not in article.text and "Original Source" not in article.text
    assert article.text.endswith("abroad.")


def test_jsonl_text_is_kept_exactly(tmp_path, reader):
    texts = ["  Leading space and\r\nCRLF ", "Second\u00a0article"]
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(json.dumps({"id": f"d{i}", "text": t}) for i, t in enumerate(texts)) + "\n", encoding="utf8")
    articles = list(reader.read([path]))
    assert [a.text for a in articles] == texts
    assert [a.doc_id for a in articles] == ["d0", "d1"]
    assert [a.line for a in articles] == [1, 2]


def test_jsonl_bad_lines_are_reported_not_dropped(tmp_path, reader):
    path = tmp_path / "b.jsonl"
    path.write_text('{"id": "ok", "text": "Fine."}\n{"id": "x", "text": \n{"id": "n", "text": 3}\n{"id": "m"}\n', encoding="utf8")
    articles = list(reader.read([path]))
    assert [a.ok for a in articles] == [True, False, False, False]
    assert "b.jsonl:2" in articles[1].error and "malformed JSON" in articles[1].error
    assert "not a string" in articles[2].error
    assert "no 'text' field" in articles[3].error


def test_csv_and_parquet_with_configured_columns(tmp_path):
    reader = ArticleReader(id_field="uid", text_field="body", source_fields=["link"])
    (tmp_path / "a.csv").write_text('uid,body,link\n1,"Text, with comma\nand newline",http://x\n', encoding="utf8")
    pq.write_table(pa.table({"uid": ["p1"], "body": ["Parquet text."], "link": [None]}), tmp_path / "b.parquet")
    articles = list(reader.read([tmp_path]))
    assert [(a.doc_id, a.text, a.source) for a in articles] == [
        ("1", "Text, with comma\nand newline", "http://x"),
        ("p1", "Parquet text.", None),
    ]


def test_missing_text_column_is_one_clear_error(tmp_path, reader):
    (tmp_path / "a.csv").write_text("id,body\n1,x\n", encoding="utf8")
    [article] = list(reader.read([tmp_path / "a.csv"]))
    assert not article.ok and "no 'text' column" in article.error and "--reader.text_field" in article.error


def test_html_main_text_is_extracted(tmp_path, reader):
    body = " ".join(["Iraqi Prime Minister Mohammed Shia al-Sudani met officials in Baghdad on Monday."] * 5)
    html = f"<html><head><title>Visit</title></head><body><nav>Home | News | Share</nav><article><h1>Visit to Baghdad</h1><p>{body}</p><p>{body}</p></article><footer>© 2025 Site</footer></body></html>"
    (tmp_path / "page.html").write_text(html, encoding="utf8")
    [article] = list(reader.read([tmp_path]))
    assert article.ok and "al-Sudani met officials in Baghdad" in article.text
    assert "Home | News" not in article.text


def test_duplicate_ids_are_kept_distinct(tmp_path, reader):
    path = tmp_path / "d.jsonl"
    path.write_text('{"id": "a", "text": "One."}\n{"id": "a", "text": "Two."}\n{"id": "a~2", "text": "Three."}\n', encoding="utf8")
    ids = [a.doc_id for a in reader.read([path])]
    assert len(set(ids)) == 3 and ids[:2] == ["a", "a~2"]


def test_missing_path_and_unknown_type(tmp_path, reader):
    (tmp_path / "notes.docx").write_bytes(b"PK")
    articles = list(reader.read([tmp_path / "nope.txt", tmp_path / "notes.docx"]))
    assert "no such file" in articles[0].error
    assert "unknown file type" in articles[1].error


def test_non_utf8_text_is_decoded(tmp_path, reader):
    (tmp_path / "latin.txt").write_bytes("Headline\nCafé owners in Orléans said the président’s plan was ‘fine’.".encode("cp1252"))
    [article] = list(reader.read([tmp_path]))
    assert article.ok and "Orléans" in article.text and article.encoding != "utf-8"


# -- bad input: every record accounted for, texts safe for every stage ---------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty article"),
        (b"   \n\t\r\n  ", "empty article"),
        (b"Headline\x00\x00\x01\x02binary\x00", "binary file"),
        (bytes(range(1, 32)) * 4, "binary file"),
    ],
    ids=["empty", "whitespace", "nul-bytes", "control-bytes"],
)
def test_unusable_txt_files_are_errors_naming_the_file(tmp_path, reader, content, message):
    (tmp_path / "bad.txt").write_bytes(content)
    [article] = list(reader.read([tmp_path]))
    assert not article.ok and article.doc_id == "bad"
    assert article.error.startswith(str(tmp_path / "bad.txt")) and message in article.error


@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
def test_legacy_encodings_are_detected_and_recorded(tmp_path, reader, codec):
    text = "Headline\nLe président français a rencontré à Orléans les élus locaux. Ça a été très réussi, a-t-il déclaré."
    (tmp_path / "old.txt").write_bytes(text.encode(codec))
    [article] = list(reader.read([tmp_path]))
    assert article.ok and article.text == text
    assert article.encoding not in (None, "utf-8")


def test_utf8_bom_is_removed_in_every_format(tmp_path, reader):
    bom = "\ufeff"
    (tmp_path / "a.txt").write_text(bom + "Headline\nBody text.", encoding="utf8")
    (tmp_path / "b.jsonl").write_text(bom + json.dumps({"id": "j", "text": "JSON text."}) + "\n", encoding="utf8")
    (tmp_path / "c.csv").write_text(bom + "id,text\nc,CSV text.\n", encoding="utf8")
    articles = {a.doc_id: a for a in reader.read([tmp_path])}
    assert articles["a"].text == "Headline\nBody text." and articles["a"].encoding == "utf-8-sig"
    assert articles["j"].text == "JSON text."
    assert articles["c"].text == "CSV text." and articles["c"].title is None


def test_crlf_and_lone_cr(tmp_path, reader):
    (tmp_path / "crlf.txt").write_bytes(b"Headline\r\nFirst line.\r\nSecond line.\r\n")
    (tmp_path / "cr.txt").write_bytes(b"Headline\rFirst line.\rSecond line.\r")
    articles = {a.doc_id: a for a in reader.read([tmp_path])}
    assert articles["crlf"].text == articles["cr"].text == "Headline\nFirst line.\nSecond line."
    assert articles["cr"].title == "Headline"
    # Record formats keep the text exactly (offsets must line up with the user's data).
    (tmp_path / "r.jsonl").write_text(json.dumps({"id": "r", "text": "One.\rTwo.\r\nThree."}), encoding="utf8")
    [record] = list(reader.read([tmp_path / "r.jsonl"]))
    assert record.text == "One.\rTwo.\r\nThree."


def test_mojibake_is_fixed_and_recorded(tmp_path, reader):
    garbled = "Café owners said the president’s plan was ‘fine’.".encode("utf8").decode("cp1252")
    assert "Ã©" in garbled
    (tmp_path / "m.jsonl").write_text(json.dumps({"id": "m", "text": garbled}) + "\n", encoding="utf8")
    [article] = list(reader.read([tmp_path]))
    assert article.text == "Café owners said the president’s plan was ‘fine’."
    assert article.encoding == "utf-8 (mojibake fixed by ftfy)"
    # Switched off, the text is kept exactly as given.
    [kept] = list(ArticleReader(fix_mojibake=False).read([tmp_path]))
    assert kept.text == garbled and kept.encoding == "utf-8"


def test_control_characters_and_surrogates_are_replaced_one_for_one(tmp_path, reader):
    text = "Bell\x07 and\x1b escape, form\x0cfeed, tab\tkept, NUL\x00 and lone \ud800 surrogate."
    (tmp_path / "c.jsonl").write_text(json.dumps({"id": "c", "text": text}) + "\n", encoding="utf8")
    [article] = list(reader.read([tmp_path]))
    assert article.ok and len(article.text) == len(text)
    assert article.text == "Bell  and  escape, form feed, tab\tkept, NUL  and lone \ufffd surrogate."
    article.text.encode("utf8")  # writable as UTF-8 (Parquet)


def test_record_with_only_control_characters_is_an_error(tmp_path, reader):
    (tmp_path / "c.jsonl").write_text(json.dumps({"id": "c", "text": "\x00\x01 \x02"}) + "\n", encoding="utf8")
    [article] = list(reader.read([tmp_path]))
    assert not article.ok and "c.jsonl:1" in article.error and "no text" in article.error


def test_jsonl_bad_records_name_file_line_and_id(tmp_path, reader):
    path = tmp_path / "r.jsonl"
    lines = ['{"id": "a", "text": "Fine."}', "not json at all", "[1, 2]", '{"id": "b"}', '{"id": "c", "text": ["x"]}', '{"id": "d", "text": null}', '{"id": "e", "text": "   "}']
    path.write_text("\n".join(lines) + "\n", encoding="utf8")
    articles = list(reader.read([path]))
    assert [a.ok for a in articles] == [True] + [False] * 6
    assert [a.line for a in articles] == list(range(1, 8))
    errors = [a.error for a in articles[1:]]
    assert errors[0].startswith(f"{path}:2: malformed JSON")
    assert "expected a JSON object, got list" in errors[1]
    assert "'b' has no 'text' field" in errors[2]
    assert "'c': 'text' is a list, not a string" in errors[3]
    assert "'d' has no 'text' field" in errors[4]
    assert "'e' has no text" in errors[5]


def test_jsonl_line_in_another_encoding_is_decoded_and_recorded(tmp_path, reader):
    # UTF-8 first, record by record: a latin-1 line in a UTF-8 file is read as cp1252 (WHATWG).
    path = tmp_path / "e.jsonl"
    path.write_bytes(b'{"id": "a", "text": "Fine."}\n' + '{"id": "b", "text": "Orléans"}\n'.encode("latin-1"))
    articles = list(reader.read([path]))
    assert [(a.text, a.encoding) for a in articles] == [("Fine.", "utf-8"), ("Orléans", "cp1252 (detected, confidence 1.00)")]
    # With the encoding given, a line in another one is an error row naming the line and byte.
    [fine, bad] = list(ArticleReader(encoding="utf-8").read([path]))
    assert fine.ok and bad.error == f"{path}:2: not utf-8 text (invalid continuation byte at byte 25 of the line)"


def test_duplicate_ids_are_deterministic_and_reported(tmp_path, reader):
    (tmp_path / "a.jsonl").write_text('{"id": "x", "text": "One."}\n{"id": "x", "text": "Two."}\n', encoding="utf8")
    (tmp_path / "b.jsonl").write_text('{"id": "x", "text": "Three."}\n{"id": "y", "text": "Four."}\n', encoding="utf8")
    first = [(a.doc_id, a.text) for a in reader.read([tmp_path])]
    assert first == [("x", "One."), ("x~2", "Two."), ("x~3", "Three."), ("y", "Four.")]
    assert reader.renamed_ids == [("x", "x~2"), ("x", "x~3")]
    assert [(a.doc_id, a.text) for a in reader.read([tmp_path])] == first
    assert reader.renamed_ids == [("x", "x~2"), ("x", "x~3")]


def test_unreadable_file_is_an_error_not_a_crash(tmp_path, reader, monkeypatch):
    (tmp_path / "locked.txt").write_text("Headline\nText.", encoding="utf8")
    (tmp_path / "fine.txt").write_text("Headline\nText.", encoding="utf8")
    real = type(tmp_path).read_bytes

    def read_bytes(self):  # the tests run as root, so chmod cannot make a file unreadable
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(type(tmp_path), "read_bytes", read_bytes)
    articles = list(reader.read([tmp_path, tmp_path / "missing.jsonl"]))
    assert [(a.doc_id, a.ok) for a in articles] == [("fine", True), ("locked", False), ("missing", False)]
    assert articles[1].error == f"{tmp_path / 'locked.txt'}: permission denied"
    assert articles[2].error == f"{tmp_path / 'missing.jsonl'}: no such file or folder"


def test_html_page_without_article_is_an_error(tmp_path, reader):
    # A page rendered by JavaScript: nothing to extract.
    page = '<html><head><title>News</title><script>render()</script></head><body><div id="app"></div></body></html>'
    (tmp_path / "nav.html").write_text(page, encoding="utf8")
    [article] = list(reader.read([tmp_path]))
    assert not article.ok and "no article text found in the HTML page" in article.error


def test_parquet_without_the_configured_column(tmp_path, reader):
    pq.write_table(pa.table({"id": ["1"], "body": ["x"]}), tmp_path / "a.parquet")
    [article] = list(reader.read([tmp_path]))
    assert not article.ok
    assert article.error == f"{tmp_path / 'a.parquet'}: no 'text' column (columns: id, body); set the text column with --reader.text_field NAME"
