import csv
import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import ROOT

from pipeline.config.build import load_pipeline_config
from pipeline.config.settings import resolve_settings
from pipeline.readers import ArticleReader


@pytest.fixture
def reader():
    return resolve_settings(load_pipeline_config(ROOT / "configs" / "default.cfg")).reader


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
    garbled = "Café owners said the president’s plan was ‘fine’.".encode().decode("cp1252")
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
    lines = [
        '{"id": "a", "text": "Fine."}',
        "not json at all",
        "[1, 2]",
        '{"id": "b"}',
        '{"id": "c", "text": ["x"]}',
        '{"id": "d", "text": null}',
        '{"id": "e", "text": "   "}',
    ]
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


# -- issue 12: decoding you can trust --------------------------------------------------------

WESTERN_NAMES = "José Núñez met officials in Genève and Zürich; a naïve café owner said “fine”."


@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
def test_western_names_decode_exactly_in_txt_and_csv(tmp_path, reader, codec):
    (tmp_path / "a.txt").write_bytes(f"Headline\n{WESTERN_NAMES}".encode(codec, errors="replace"))
    (tmp_path / "b.csv").write_bytes(f'id,text\nb,"{WESTERN_NAMES}"\nc,Zürich\n'.encode(codec, errors="replace"))
    expected = WESTERN_NAMES if codec == "cp1252" else WESTERN_NAMES.replace("“", "?").replace("”", "?")
    articles = {a.doc_id: a for a in reader.read([tmp_path])}
    assert articles["a"].text == f"Headline\n{expected}"
    assert articles["b"].text == expected and articles["c"].text == "Zürich"
    assert all(a.encoding.startswith("cp1252 (") and "confidence" in a.encoding for a in articles.values())
    # Short texts are read equally well by cp1250 and cp1257: cp1252 wins, and the guess is reported.
    assert all("low confidence" in w and "--reader.encoding" in w for w in reader.warnings)
    assert {w.split(":")[0] for w in reader.warnings} == {str(tmp_path / "a.txt"), str(tmp_path / "b.csv")}


def test_clear_evidence_beats_the_western_default(tmp_path, reader):
    polish = "Prezydent Polski spotkał się w Łodzi z przedstawicielami władz. Zażółć gęślą jaźń. Rozmowy dotyczyły współpracy."
    russian = "Президент России провёл встречу с министрами в Москве. Обсуждались вопросы экономики и безопасности."
    (tmp_path / "pl.txt").write_bytes(polish.encode("cp1250"))
    (tmp_path / "ru.txt").write_bytes(russian.encode("cp1251"))
    french = "Le président français a rencontré à Orléans les élus locaux. Ça a été très réussi, a-t-il déclaré."
    (tmp_path / "fr.txt").write_bytes(f"Headline\n{french}".encode("cp1252"))
    articles = {a.doc_id: a for a in reader.read([tmp_path])}
    assert articles["pl"].text == polish and articles["pl"].encoding.startswith("cp1250 (detected")
    assert articles["ru"].text == russian and articles["ru"].encoding.startswith("cp1251 (detected")
    assert articles["fr"].encoding == "cp1252 (detected, confidence 1.00)"
    assert reader.warnings == []


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_are_read_by_their_bom(tmp_path, reader, codec):
    bom = {"utf-16": b"", "utf-16-be": b"\xfe\xff", "utf-32": b""}[codec]
    (tmp_path / "a.txt").write_bytes(bom + f"Headline\n{WESTERN_NAMES}".encode(codec))
    (tmp_path / "b.jsonl").write_bytes(
        bom + (json.dumps({"id": "j", "text": "Zürich"}, ensure_ascii=False) + "\n" + '{"id": "k", "text": "Genève"}\n').encode(codec)
    )
    (tmp_path / "c.csv").write_bytes(bom + f'id,text\nc,"{WESTERN_NAMES}"\r\nd,"two\nlines"\r\n'.encode(codec))
    articles = {a.doc_id: a for a in reader.read([tmp_path])}
    assert all(a.ok for a in articles.values()), [a.error for a in articles.values()]
    assert articles["a"].text == f"Headline\n{WESTERN_NAMES}" and articles["a"].encoding == codec[:6]
    assert (articles["j"].text, articles["k"].text, articles["k"].line) == ("Zürich", "Genève", 2)
    assert (articles["c"].text, articles["d"].text) == (WESTERN_NAMES, "two\nlines")


def test_utf16_without_bom(tmp_path, reader):
    # With accented letters, UTF-16 is clearly the cleanest reading; plain ASCII in UTF-16 looks
    # binary (every other byte NUL) and the message says what to set.
    (tmp_path / "a.txt").write_bytes(f"Headline\n{WESTERN_NAMES}".encode("utf-16-le"))
    (tmp_path / "b.txt").write_bytes("Headline\nPlain text.".encode("utf-16-le"))
    detected, refused = list(reader.read([tmp_path]))
    assert detected.text == f"Headline\n{WESTERN_NAMES}" and detected.encoding.startswith("utf-16-le (detected")
    assert "binary file" in refused.error and "--reader.encoding utf-16" in refused.error
    articles = list(ArticleReader(encoding="utf-16").read([tmp_path]))
    assert [(a.text, a.encoding) for a in articles] == [(f"Headline\n{WESTERN_NAMES}", "utf-16-le"), ("Headline\nPlain text.", "utf-16-le")]


def test_latin1_label_means_cp1252(tmp_path):
    (tmp_path / "a.txt").write_bytes("Headline\nThe “Zürich” talks\x81.".encode("cp1252", errors="ignore") + b"\x81")
    [article] = list(ArticleReader(encoding="latin-1").read([tmp_path]))
    assert article.text == "Headline\nThe “Zürich” talks. " and article.encoding == "cp1252"  # 0x81: no character, a space


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"encoding": "klingon"}, "reader.encoding: unknown encoding 'klingon'; e.g. utf-8, cp1252, utf-16"),
        ({"encoding": "base64"}, "reader.encoding: 'base64' is not a text encoding"),
        ({"boilerplate": ["^ok$", "(unclosed"]}, "reader.boilerplate: '(unclosed' is not a regular expression (missing ), unterminated subpattern"),
    ],
)
def test_bad_reader_settings_name_the_setting(settings, message):
    from pipeline.readers import ReaderSettingError

    with pytest.raises(ReaderSettingError) as caught:
        ArticleReader(**settings)
    assert str(caught.value).startswith(message)


def test_bad_reader_settings_from_the_config_name_the_setting():
    with pytest.raises(ValueError, match=r"reader\.encoding: unknown encoding 'klingon'"):
        resolve_settings(load_pipeline_config(ROOT / "configs" / "default.cfg", {"reader.encoding": "klingon"}))


# -- issue 12: one bad record is one error row, wherever it is ------------------------------


def _csv(path, rows, encoding="utf8"):
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        writer.writerows(rows)


def test_csv_field_longer_than_the_csv_module_limit_is_read(tmp_path, reader):
    long_text = "Long article about Baghdad. " * 5000  # 140,000 characters
    rows = [(f"r{i}", "Short text.") for i in range(3)] + [("long", long_text)] + [(f"s{i}", "Short text.") for i in range(3)]
    _csv(tmp_path / "a.csv", rows)
    articles = list(reader.read([tmp_path]))
    assert [a.doc_id for a in articles] == [r[0] for r in rows] and all(a.ok for a in articles)
    assert articles[3].text == long_text


def test_csv_bytes_in_another_encoding_after_the_first_megabyte(tmp_path, reader):
    path = tmp_path / "big.csv"
    filler = "Officials met in Baghdad on Monday. " * 5
    with path.open("wb") as handle:
        handle.write(b"id,text\n")
        for i in range(6010):
            handle.write(f"r{i},{filler}\n".encode())
        handle.write('late,"Zürich, Genève"\n'.encode("cp1252"))
        handle.write(b"after,Still read.\n")
    assert path.stat().st_size > 1 << 20
    articles = list(reader.read([path]))
    assert len(articles) == 6012 and all(a.ok for a in articles)
    assert (articles[-2].text, articles[-2].encoding.split(" ")[0]) == ("Zürich, Genève", "cp1252")
    assert articles[-1].text == "Still read." and articles[-1].encoding == "utf-8"
    # With the encoding given, the record is an error row with its row and real line number.
    articles = list(ArticleReader(encoding="utf-8").read([path]))
    assert len(articles) == 6012 and [a.ok for a in articles].count(False) == 1
    assert articles[-2].error == f"{path}: row 6011 (line 6012): not utf-8 text (invalid start byte at byte 8 of the line)"
    assert articles[-1].ok


@pytest.mark.parametrize("where", ["first-row", "after-1MB"])
def test_csv_nul_byte_is_one_error_row(tmp_path, reader, where):
    path = tmp_path / "n.csv"
    filler = "Officials met in Baghdad on Monday. " * 5
    n_before = 1 if where == "first-row" else 6000
    with path.open("wb") as handle:
        handle.write(b"id,text\n")
        for i in range(n_before):
            handle.write(f"r{i},{filler}\n".encode())
        handle.write(b"nul,Broken\x00record\n")
        handle.write(b"after,Still read.\n")
    articles = list(reader.read([path]))
    assert len(articles) == n_before + 2
    assert [a.doc_id for a in articles if not a.ok] == [f"n:{n_before + 1}"]
    assert articles[-2].error == f"{path}: row {n_before + 1} (line {n_before + 2}): contains NUL bytes (a damaged record?)"
    assert articles[-1].ok and articles[-1].text == "Still read."


def test_csv_row_with_more_fields_than_the_header_is_an_error_row(tmp_path, reader):
    (tmp_path / "a.csv").write_text("id,text\na,One.\nb,Two, with an unquoted comma\nc,Three.\n", encoding="utf8")
    articles = list(reader.read([tmp_path]))
    assert [a.ok for a in articles] == [True, False, True]
    assert "row 2 (line 3): 3 fields but the header has 2" in articles[1].error


def test_csv_with_lone_cr_line_ends(tmp_path, reader):
    (tmp_path / "a.csv").write_bytes(b'id,text\ra,One.\rb,"Two\rlines"\r')
    articles = list(reader.read([tmp_path]))
    assert [(a.doc_id, a.text) for a in articles] == [("a", "One."), ("b", "Two\rlines")]


def test_jsonl_huge_integer_is_one_error_row(tmp_path, reader):
    path = tmp_path / "n.jsonl"
    lines = [json.dumps({"id": f"d{i}", "text": "Text."}) for i in range(10)]
    lines[1] = '{"id": "big", "text": "Text.", "views": ' + "9" * 4301 + "}"
    path.write_text("\n".join(lines) + "\n", encoding="utf8")
    articles = list(reader.read([path]))
    assert len(articles) == 10 and [a.ok for a in articles].count(False) == 1
    assert articles[1].error.startswith(f"{path}:2: unreadable JSON value (Exceeds the limit (4300 digits)")
    assert articles[1].doc_id == "n:2"


def test_jsonl_deeply_nested_line_is_one_error_row(tmp_path, reader):
    path = tmp_path / "deep.jsonl"
    deep = '{"id": "deep", "text": "x", "meta": ' + "[" * 2000 + "]" * 2000 + "}"
    path.write_text('{"id": "a", "text": "Before."}\n' + deep + '\n{"id": "b", "text": "After."}\n', encoding="utf8")
    articles = list(reader.read([path]))
    assert [a.ok for a in articles] == [True, False, True]
    assert articles[1].error == f"{path}:2: JSON nested too deeply to read (more levels than Python's recursion limit)"


def test_parquet_unreadable_row_group_is_error_rows_and_reading_goes_on(tmp_path, reader, monkeypatch):
    path = tmp_path / "a.parquet"
    pq.write_table(pa.table({"id": [f"d{i}" for i in range(6)], "text": ["Text."] * 6}), path, row_group_size=2)
    real = pq.ParquetFile.iter_batches

    def iter_batches(self, *args, row_groups=None, **kwargs):  # the second row group is damaged
        if row_groups == [1]:
            raise OSError("Corrupt snappy compressed data.")
        return real(self, *args, row_groups=row_groups, **kwargs)

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", iter_batches)
    articles = list(reader.read([path]))
    assert [a.doc_id for a in articles] == ["d0", "d1", "a:3", "a:4", "d4", "d5"]
    assert articles[2].error == f"{path}: row 3: row group 2 unreadable: Corrupt snappy compressed data."


# -- issue 12: nothing in an input folder vanishes silently ----------------------------------


def test_broken_links_and_hidden_entries_are_reported(tmp_path, reader):
    (tmp_path / "ok.txt").write_text("Headline\nText.", encoding="utf8")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "gone-folder").symlink_to(tmp_path / "no-folder")
    (tmp_path / ".draft.txt").write_text("Headline\nHidden.", encoding="utf8")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "x.jsonl").write_text('{"text": "Hidden."}\n', encoding="utf8")
    (tmp_path / ".DS_Store").write_bytes(b"\x00")  # not an input file: not worth a mention
    articles = list(reader.read([tmp_path]))
    assert [(a.doc_id, a.ok) for a in articles] == [("gone", False), ("ok", True)]
    assert articles[0].error == f"{tmp_path / 'gone.txt'}: broken symbolic link (its target {str(tmp_path / 'nowhere.txt')!r} does not exist or loops)"
    assert reader.skipped == [
        f"2 hidden file(s) or folder(s) skipped: {tmp_path / '.cache'}, {tmp_path / '.draft.txt'}",
        f"1 broken symbolic link(s) skipped: {tmp_path / 'gone-folder'}",
    ]


def test_csv_unclosed_quote_is_one_error_row_and_later_records_are_read(tmp_path, reader):
    # (A quote closed later cannot be told from a quoted field with line breaks: only a quote
    # still open at the end of the file is surely a mistake.)
    (tmp_path / "q.csv").write_text('id,text\na,One.\nb,"Two, never closed\nc,Three.\nd,Four.\n', encoding="utf8")
    articles = list(reader.read([tmp_path]))
    assert [(a.doc_id, a.text) for a in articles] == [("a", "One."), ("q:2", None), ("c", "Three."), ("d", "Four.")]
    assert articles[1].error.startswith(f"{tmp_path / 'q.csv'}: row 2 (line 3): a quote opened here is never closed")


# -- fuzz: random mixtures of good and bad records, every record accounted for once ---------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCXYZéñüçàøß ,.;:'\"-\n"
_TEXT = st.text(alphabet=_LETTERS, min_size=1, max_size=60).filter(lambda t: t.strip())
#: Bad records a JSONL line or a CSV row can be, with what each becomes as bytes.
_JSONL_BAD = {
    "malformed": lambda n: b'{"id": "x", "text": \n',
    "deep": lambda n: b'{"text": "x", "m": ' + b"[" * 2000 + b"]" * 2000 + b"}\n",
    "huge-int": lambda n: b'{"text": "x", "n": ' + b"7" * 4400 + b"}\n",
    "not-object": lambda n: b"[1, 2]\n",
    "no-text": lambda n: b'{"id": "t"}\n',
    "nul": lambda n: b'{"text": "a\x00b"}\n',
}
_CSV_BAD = {
    "nul": lambda n: f"bad{n},has\x00nul\n".encode(),
    "extra-fields": lambda n: f"bad{n},one,two\n".encode(),
    "empty-text": lambda n: f'bad{n},""\n'.encode(),
}


@st.composite
def _records(draw, bad_kinds):
    kinds = draw(st.lists(st.sampled_from(["good", "good", "legacy", *bad_kinds]), min_size=1, max_size=25))
    return [(kind, draw(_TEXT)) for kind in kinds]


def _good_jsonl(n, text, codec):
    return (json.dumps({"id": f"g{n}", "text": text}, ensure_ascii=False) + "\n").encode(codec)


def _good_csv(n, text, codec):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([f"g{n}", text])
    return buffer.getvalue().encode(codec)


_FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.mark.parametrize("suffix", ["jsonl", "csv"])
@_FUZZ
@given(data=st.data())
def test_fuzz_every_record_is_accounted_for_once(tmp_path_factory, suffix, data):
    bad = _JSONL_BAD if suffix == "jsonl" else _CSV_BAD
    records = data.draw(_records(list(bad)))
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / f"f.{suffix}"
    write = _good_jsonl if suffix == "jsonl" else _good_csv
    with path.open("wb") as handle:
        if suffix == "csv":
            handle.write(b"id,text\n")
        for n, (kind, text) in enumerate(records):
            if kind == "good":
                handle.write(write(n, text, "utf-8"))
            elif kind == "legacy":  # a record in cp1252 among UTF-8 ones
                handle.write(write(n, text, "cp1252"))
            else:
                handle.write(bad[kind](n))
    articles = list(ArticleReader().read([path]))
    assert len(articles) == len(records)
    for n, ((kind, text), article) in enumerate(zip(records, articles)):
        if kind == "good":
            assert article.ok and (article.doc_id, article.text) == (f"g{n}", text)
        elif kind == "legacy":
            assert article.ok and article.doc_id == f"g{n}"
        else:
            where = f"{path}:{n + 1}: " if suffix == "jsonl" else f"{path}: row {n + 1} (line "
            assert not article.ok and article.error.startswith(where), (kind, article.error)


def test_binary_file_with_a_record_suffix_is_one_file_error(tmp_path, reader):
    (tmp_path / "zip.csv").write_bytes(bytes(range(256)) * 16)
    (tmp_path / "small.jsonl").write_bytes(b'{"text": "a\x00b"}\n{"id": "ok", "text": "Fine."}\n')  # one NUL: one record
    articles = list(reader.read([tmp_path]))
    assert [(a.doc_id, a.ok) for a in articles] == [("small:1", False), ("ok", True), ("zip", False)]
    assert articles[2].error == f"{tmp_path / 'zip.csv'}: binary file (mostly control characters), not text"


def test_a_short_legacy_record_is_not_read_in_a_codec_that_changes_ascii(tmp_path, reader):
    """Found by the fuzzer: charset-normalizer rated shift_jis_2004 the cleanest reading of
    ``"ßññ`` in cp1252, and shift_jis_2004 reads the JSON escape's backslash as a yen sign."""
    lines = [json.dumps({"id": f"g{n}", "text": text}, ensure_ascii=False) + "\n" for n, text in enumerate([":", ":", '"ßññ'])]
    (tmp_path / "f.jsonl").write_bytes(lines[0].encode() + lines[1].encode() + lines[2].encode("cp1252"))
    articles = list(reader.read([tmp_path / "f.jsonl"]))
    assert [(a.ok, a.doc_id, a.text) for a in articles] == [(True, "g0", ":"), (True, "g1", ":"), (True, "g2", '"ßññ')]


def test_a_short_legacy_csv_line_is_read_as_cp1252_not_utf16_or_an_outsider(tmp_path, reader):
    """Found by the fuzzer: ``g0,::aAaü`` in cp1252 read as UTF-16 (five CJK characters: no NUL
    byte, so it cannot be UTF-16 without a mark) and then as cp1006, which charset-normalizer rated
    cleaner because of the ``aAa`` around the one non-ASCII byte."""
    (tmp_path / "f.csv").write_bytes(b"id,text\n" + "g0,::aAaü\n".encode("cp1252"))
    articles = list(reader.read([tmp_path / "f.csv"]))
    assert [(a.ok, a.doc_id, a.text) for a in articles] == [(True, "g0", "::aAaü")]
    assert articles[0].encoding.startswith("cp1252")


def test_a_double_byte_page_does_not_take_a_short_records_quote_as_a_trail_byte(tmp_path, reader):
    """Found by the fuzzer: ``ß"àà`` in cp1252 (three non-ASCII bytes) read in a double-byte page
    that took the escaped quote's backslash as a trail byte, so the JSON record broke."""
    lines = [json.dumps({"id": f"g{n}", "text": text}, ensure_ascii=False) + "\n" for n, text in enumerate([":", ":", 'ß"àà'])]
    (tmp_path / "f.jsonl").write_bytes(lines[0].encode() + lines[1].encode() + lines[2].encode("cp1252"))
    articles = list(reader.read([tmp_path / "f.jsonl"]))
    assert [(a.ok, a.doc_id, a.text) for a in articles] == [(True, "g0", ":"), (True, "g1", ":"), (True, "g2", 'ß"àà')]
