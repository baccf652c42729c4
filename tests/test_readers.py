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
