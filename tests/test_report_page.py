"""The report page: articles highlighted by entity, tables, charts, the map, the cap, the command."""

import re
from html import unescape

import pytest
from conftest import ROOT
from report_fixtures import small_tables
from typer.testing import CliRunner

from pipeline.commands.cli import app
from pipeline.config.build import ConfigError, load_pipeline_config
from pipeline.config.settings import resolve_section
from pipeline.report import ReportSettings, build_report, write_report

MARK = re.compile(r'<mark class="entity" data-entity="([^"]+)" title="([^"]+)" style="background: ([^;]+);[^>]*>(.*?)<span')


def marks(html: str) -> list[tuple[str, str, str, str]]:
    """(entity key, tooltip, colour, text) of every highlighted mention."""
    return [(unescape(k), unescape(t), c, unescape(x)) for k, t, c, x in MARK.findall(html)]


def external_references(html: str) -> list[str]:
    """Anything a browser would fetch from the network (the SVG namespace is a name, not a fetch)."""
    html = html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    return re.findall(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//[^"'\s>]*|url\(\s*["']?(?:https?:)?//[^)]*\)|@import""", html)


@pytest.fixture(scope="module")
def page() -> str:
    return build_report(small_tables(), ReportSettings())


def test_aliases_share_a_colour_and_a_tooltip_with_the_canonical_name(page):
    found = marks(page)
    assert [text for *_, text in found] == [
        "Asaad al-Shaibani", "Baghdad", "Shaibani", "Fuad Hussein", "Baghdad", "Fuad Hussein", "Damascus",
    ]  # fmt: skip
    by_text = {text: (key, tip, colour) for key, tip, colour, text in found}
    assert by_text["Shaibani"] == by_text["Asaad al-Shaibani"]
    assert by_text["Shaibani"][1].startswith("Asaad al-Shaibani (PERSON) · also: Shaibani")
    assert by_text["Fuad Hussein"][1].endswith("in 2 articles")
    assert by_text["Baghdad"][2] != by_text["Shaibani"][2]
    # Damascus has no canonical id: keyed by its entity id, named from the entities table.
    assert by_text["Damascus"][0] == "b:E2" and by_text["Damascus"][1].startswith("Damascus (LOC)")
    assert "&lt;tonight&gt;" in page and "<tonight>" not in page


def test_tables_charts_and_map(page):
    assert page.count('class="chart bar-chart"') == 3  # PERSON, LOC and entities by articles
    assert 'class="chart network-chart"' in page and 'class="chart map-chart"' in page
    network = re.search(r'<svg class="chart network-chart".*?</svg>', page, re.S).group(0)
    # Shaibani and Hussein share sentence 1 of article a; Shaibani and Baghdad sentences 0 and 1.
    assert "Asaad al-Shaibani – Fuad Hussein: 1" in network and "Asaad al-Shaibani – Baghdad: 2" in network
    map_svg = re.search(r'<svg class="chart map-chart".*?</svg>', page, re.S).group(0)
    assert map_svg.count('<g class="place">') == 1 and "Baghdad (33.32, 44.37)" in map_svg
    assert 'id="corpus"' in page and "Q1530" in page
    assert "broken.jsonl line 3: not JSON" in page  # the failed document is listed with its error
    assert 'href="#doc-a"' in page and 'href="#doc-b"' in page and 'href="#doc-broken"' not in page


def test_page_fetches_nothing(page):
    assert external_references(page) == []
    assert "default-src 'none'" in page  # and the browser refuses any fetch that slips in
    assert external_references('<img src="https://cdn.example/x.png">') != []


def test_no_coordinates_no_map():
    page = build_report(small_tables(with_coordinates=False))
    assert 'class="chart map-chart"' not in page and "has no <code>latitude</code>" in page


def test_articles_are_capped_and_the_page_says_so():
    page = build_report(small_tables(), ReportSettings(max_articles=1))
    assert '<article id="doc-a">' in page and '<article id="doc-b">' not in page
    assert "Showing the first 1 of 2 articles" in page and "--report.max_articles N" in page


def test_settings_come_from_the_config_section():
    config = load_pipeline_config(ROOT / "configs" / "default.cfg", {"report.max_articles": 3})
    assert resolve_section(config, "report") == ReportSettings(max_articles=3)
    bare = load_pipeline_config(ROOT / "configs" / "base.cfg")  # no [report]: the defaults
    assert resolve_section(bare, "report") == ReportSettings()
    with pytest.raises(ConfigError, match=r"Unknown setting 'max_article' in \[report\].*did you mean 'max_articles'"):
        resolve_section(load_pipeline_config(ROOT / "configs" / "default.cfg", {"report.max_article": 3}), "report")


def test_write_report_on_a_run(demo_run, tmp_path):
    path = write_report(demo_run, tmp_path / "out" / "report.html")
    page = path.read_text(encoding="utf8")
    texts = {text: key for key, _, _, text in marks(page)}
    assert texts["Shaibani"] == texts["Asaad al-Shaibani"] and texts["IS"] == texts["Islamic State"]
    assert "No map" not in page and external_references(page) == []  # places have coordinates (pipeline/knowledge/geo.py)


def test_report_command(demo_run, tmp_path):
    out = tmp_path / "r.html"
    result = CliRunner().invoke(app, ["report", str(demo_run), "--output", str(out), "--report.max_articles", "0"])
    assert result.exit_code == 0, result.output
    assert out.exists() and "Showing the first 0 of 1 articles" in out.read_text(encoding="utf8")
    assert "Report in" in result.output and out.resolve().as_uri() in result.output.replace("\n", "")
    missing = CliRunner().invoke(app, ["report", str(tmp_path / "nowhere")])
    assert missing.exit_code == 1 and "not found" in missing.output


def test_a_run_with_no_rows_still_makes_a_page():
    from pipeline.writing.schema import TABLES
    from pipeline.writing.tables import to_pandas

    page = build_report({name: to_pandas(schema.empty_table()) for name, schema in TABLES.items()})
    assert "nothing to show" in page and "<article" not in page and external_references(page) == []


def test_every_value_is_escaped_by_the_templates():
    tables = small_tables()
    tables["corpus_entities"].loc[1, ["name", "kb_id"]] = ["Baghdad <b>&</b>", '"><script>x()</script>']
    tables["documents"].loc[2, "error"] = "line 3: <bad> & worse"
    page = build_report(tables, ReportSettings(title="<News> & more"))
    assert "<title>&lt;News&gt; &amp; more</title>" in page and "<h1>&lt;News&gt; &amp; more</h1>" in page
    assert "Baghdad &lt;b&gt;&amp;&lt;/b&gt;" in page and "<b>" not in page
    assert "<script>x()" not in page and "&#34;&gt;&lt;script&gt;x()&lt;/script&gt;" in page
    assert '<div class="error">line 3: &lt;bad&gt; &amp; worse</div>' in page
    assert page.count("<script>") == 1  # the page's own


def test_the_map_names_its_source():
    page = build_report(small_tables())
    assert "Coastlines and borders: Natural Earth" in page
