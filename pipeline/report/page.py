"""``report``: a run's tables in, one self-contained HTML page out.

The page has no external resource (no CDN, font, image or script fetched): styles, the small
script and the SVG charts are inline, so it opens from a file with no network. ``build_report``
returns the HTML from DataFrames (a notebook or a test can pass small hand-built tables);
``write_report`` reads a run folder and writes the file.
"""

from __future__ import annotations

from datetime import datetime, timezone
from html import escape
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from .. import __version__
from ..settings import ReportSettings
from ..tables import load
from .articles import EntityInfo, entity_colour, render_article
from .charts import LABEL_COLOURS, Bar, Node, Place, bar_chart, map_chart, network_chart
from .stats import cooccurrence, entity_keys, has_coordinates, places, top_entities

REPORT_NAME = "report.html"


def write_report(run_dir: Path | str, output: Path | str | None = None, settings: ReportSettings | None = None) -> Path:
    """Read the run in ``run_dir`` and write its report (default ``run_dir/report.html``)."""
    run = load(run_dir)
    path = Path(output) if output is not None else Path(run_dir) / REPORT_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    html = build_report(run, settings or ReportSettings(), metadata=run.metadata, source=str(run.path))
    path.write_text(html, encoding="utf8")
    return path


def build_report(
    tables: Mapping[str, pd.DataFrame],
    settings: ReportSettings | None = None,
    *,
    metadata: Mapping[str, Any] | None = None,
    source: str = "",
) -> str:
    """The report page for ``tables`` (``documents``, ``mentions``, ``entities``,
    ``corpus_entities``; ``latitude``/``longitude`` in ``corpus_entities`` add a map)."""
    settings = settings or ReportSettings()
    documents, mentions = tables["documents"], tables["mentions"]
    entities, corpus = tables["entities"], tables["corpus_entities"]
    infos = _entity_infos(entities, corpus)
    ok = documents[documents["status"] == "ok"] if "status" in documents else documents
    shown = ok.head(settings.max_articles)
    body = [
        _header(settings.title, documents, mentions, corpus, metadata or {}, source),
        _charts(mentions, corpus, infos, settings),
        _corpus_table(corpus, settings),
        _documents_table(documents, mentions, entities, set(shown["doc_id"]), settings),
        _articles(shown, len(ok), mentions, entities, corpus, infos, settings),
    ]
    return PAGE.format(title=escape(settings.title), style=STYLE, body="\n".join(body), script=SCRIPT)


def _entity_infos(entities: pd.DataFrame, corpus: pd.DataFrame) -> dict[str, EntityInfo]:
    infos: dict[str, EntityInfo] = {}
    # Entities without a canonical id are keyed by their entity_id (see stats.entity_keys).
    for key, row in zip(entity_keys(entities), entities.to_dict("records")):
        infos[str(key)] = EntityInfo(str(row["name"]), str(row["label"]), tuple(_aliases(row)), 1)
    for row in corpus.to_dict("records"):
        infos[str(row["canonical_id"])] = EntityInfo(
            str(row["name"]), str(row["label"]), tuple(_aliases(row)), _int(row.get("doc_count"))
        )
    return infos


def _header(title: str, documents: pd.DataFrame, mentions: pd.DataFrame, corpus: pd.DataFrame,
            metadata: Mapping[str, Any], source: str) -> str:  # fmt: skip
    statuses = documents["status"].value_counts().sort_index() if "status" in documents else pd.Series(dtype=int)
    labels = mentions["label"].value_counts().sort_index()
    facts = [
        ("Documents", ", ".join(f"{n:,} {s}" for s, n in statuses.items()) or f"{len(documents):,}"),
        ("Mentions", ", ".join(f"{label} {n:,}" for label, n in labels.items()) or "none"),
        ("Entities in the corpus", f"{len(corpus):,}"),
    ]
    model = metadata.get("model") if isinstance(metadata.get("model"), dict) else {}
    sources = sorted({f"{s.get('model')} {s.get('version')}" for s in (model.get("sources") or {}).values()})
    if model.get("pipeline"):
        facts.append(("Pipeline", " → ".join(map(str, model["pipeline"])) + (f" ({', '.join(sources)})" if sources else "")))
    if metadata.get("finished"):
        facts.append(("Run finished", str(metadata["finished"])))
    if source:
        facts.append(("Tables", source))
    created = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in facts)
    legend = "".join(
        f'<span class="legend" style="box-shadow: inset 0 -3px 0 {colour}">{escape(label)}</span>'
        for label, colour in LABEL_COLOURS.items()
    )
    return (
        f'<header><h1>{escape(title)}</h1><dl class="facts">{items}</dl>'
        f'<p class="note">Report written {created} by news-entities {__version__}. Highlights: one colour per '
        f"entity (all its aliases share it), the underline gives the label {legend}; hover a mention for the "
        f"canonical name.</p></header>"
        '<nav><a href="#charts">Charts</a><a href="#corpus">Entities</a><a href="#documents">Documents</a>'
        '<a href="#articles">Articles</a></nav>'
    )


def _charts(mentions: pd.DataFrame, corpus: pd.DataFrame, infos: dict[str, EntityInfo], settings: ReportSettings) -> str:
    n = settings.top_entities
    per_label = []
    for label in sorted(corpus["label"].dropna().unique()):
        rows = top_entities(corpus, n, label=label)
        bars = [Bar(str(r["name"]), _int(r["mention_count"]) or 0, label, _bar_tip(r)) for r in rows.to_dict("records")]
        per_label.append(bar_chart(bars, title=f"Most mentioned {label} (mentions)"))
    by_docs = top_entities(corpus, n, by="doc_count")
    doc_bars = [Bar(str(r["name"]), _int(r["doc_count"]) or 0, str(r["label"]), _bar_tip(r)) for r in by_docs.to_dict("records")]
    network = _network(mentions, corpus, settings.network_entities)
    located = places(corpus)
    if not has_coordinates(corpus):
        map_html = '<p class="note">No map: <code>corpus_entities</code> has no <code>latitude</code>/<code>longitude</code> columns in this run.</p>'
    elif located.empty:
        map_html = '<p class="note">No map: no entity in this run has coordinates.</p>'
    else:
        pins = [
            Place(str(r["name"]), float(r["latitude"]), float(r["longitude"]), _int(r.get("doc_count")) or 1, str(r["label"]))
            for r in located.to_dict("records")
        ]
        map_html = map_chart(pins, title=f"Places with coordinates ({len(pins):,}; circle area: articles)")
    return (
        '<section id="charts"><h2>Charts</h2>'
        f'<div class="charts">{"".join(per_label)}{bar_chart(doc_bars, title="Entities in most articles")}</div>'
        f'<h3>Who is mentioned with whom</h3><p class="note">The most mentioned entities (up to {settings.network_entities}); '
        "a line joins two entities named in the same sentence, thicker for more sentences.</p>"
        f"{network}<h3>Map</h3>{map_html}</section>"
    )


def _bar_tip(row: dict[str, Any]) -> str:
    return f"{row['name']} ({row['label']}): {_int(row.get('mention_count'))} mentions in {_int(row.get('doc_count'))} articles"


def _network(mentions: pd.DataFrame, corpus: pd.DataFrame, size: int) -> str:
    top = top_entities(corpus, size)
    # Grouped by label around the circle, so a colour is one arc.
    top = top.sort_values(["label", "mention_count", "name"], ascending=[True, False, True], kind="stable")
    nodes = [Node(str(r["canonical_id"]), str(r["name"]), str(r["label"]), _int(r["mention_count"]) or 1) for r in top.to_dict("records")]
    pairs = cooccurrence(mentions, "sentence", keys=[node.key for node in nodes])
    edges = [(str(a), str(b), float(c)) for a, b, c in zip(pairs["a"], pairs["b"], pairs["count"])]
    return network_chart(nodes, edges, title=f"Co-occurrence in sentences ({len(edges):,} pairs)")


def _corpus_table(corpus: pd.DataFrame, settings: ReportSettings) -> str:
    rows = top_entities(corpus, settings.max_table_rows)
    body = "".join(
        f"<tr><td>{_swatch(str(r['canonical_id']))}{escape(str(r['name']))}</td><td>{escape(str(r['label']))}</td>"
        f"<td>{escape(', '.join(_aliases(r)))}</td><td>{escape(_text(r.get('kb_id')))}</td>"
        f'<td class="num">{_int(r.get("doc_count"))}</td><td class="num">{_int(r.get("mention_count"))}</td></tr>'
        for r in rows.to_dict("records")
    )
    return (
        f'<section id="corpus"><h2>Entities in the corpus</h2>{_capped(len(rows), len(corpus), "entities", "max_table_rows")}'
        '<table class="entities"><thead><tr><th>name</th><th>label</th><th>aliases</th><th>kb_id</th>'
        f'<th class="num">articles</th><th class="num">mentions</th></tr></thead><tbody>{body}</tbody></table></section>'
    )


def _documents_table(documents: pd.DataFrame, mentions: pd.DataFrame, entities: pd.DataFrame, shown: set[str],
                     settings: ReportSettings) -> str:  # fmt: skip
    n_mentions = mentions.groupby("doc_id").size()
    n_entities = entities.groupby("doc_id").size()
    rows = documents.head(settings.max_table_rows)
    body = []
    for r in rows.to_dict("records"):
        doc_id = str(r["doc_id"])
        name = f'<a href="#{_anchor(doc_id)}">{escape(doc_id)}</a>' if doc_id in shown else escape(doc_id)
        status = _text(r.get("status"))
        error = f'<div class="error">{escape(_text(r.get("error")))}</div>' if status == "error" else ""
        body.append(
            f"<tr><td>{name}</td><td>{escape(_text(r.get('title')))}{error}</td><td>{escape(status)}</td>"
            f'<td class="num">{_int(r.get("n_tokens"))}</td><td class="num">{int(n_mentions.get(doc_id, 0))}</td>'
            f'<td class="num">{int(n_entities.get(doc_id, 0))}</td></tr>'
        )
    return (
        f'<section id="documents"><h2>Documents</h2>{_capped(len(rows), len(documents), "documents", "max_table_rows")}'
        '<table><thead><tr><th>doc_id</th><th>title</th><th>status</th><th class="num">tokens</th>'
        f'<th class="num">mentions</th><th class="num">entities</th></tr></thead><tbody>{"".join(body)}</tbody></table></section>'
    )


def _articles(shown: pd.DataFrame, n_ok: int, mentions: pd.DataFrame, entities: pd.DataFrame, corpus: pd.DataFrame,
              infos: dict[str, EntityInfo], settings: ReportSettings) -> str:  # fmt: skip
    # Only the shown articles' rows: on a large run the rest would be split up for nothing.
    shown_ids = shown["doc_id"].tolist()
    mentions = mentions[mentions["doc_id"].isin(shown_ids)]
    entities = entities[entities["doc_id"].isin(shown_ids)]
    mentions = mentions.assign(key=entity_keys(mentions))
    entities = entities.assign(key=entity_keys(entities))
    by_doc = {doc_id: frame for doc_id, frame in mentions.groupby("doc_id", sort=False)}
    entities_by_doc = {doc_id: frame for doc_id, frame in entities.groupby("doc_id", sort=False)}
    doc_counts = dict(zip(corpus["canonical_id"].astype(str), corpus["doc_count"])) if "doc_count" in corpus else {}
    parts = [f'<section id="articles"><h2>Articles</h2>{_capped(len(shown), n_ok, "articles", "max_articles")}']
    for doc in shown.to_dict("records"):
        doc_id = str(doc["doc_id"])
        text = _text(doc.get("text"))
        doc_mentions = by_doc.get(doc_id, mentions.iloc[0:0])
        title = _text(doc.get("title")) or doc_id
        source = _text(doc.get("source"))
        meta = " · ".join(x for x in (doc_id, source, _text(doc.get("published"))) if x)
        parts.append(
            f'<article id="{_anchor(doc_id)}"><h3>{escape(title)}</h3><p class="note">{escape(meta)}</p>'
            f"{render_article(text, doc_mentions.to_dict('records'), infos)}"
            f"{_article_entities(entities_by_doc.get(doc_id), doc_counts)}</article>"
        )
    parts.append("</section>")
    return "".join(parts)


def _article_entities(entities: pd.DataFrame | None, doc_counts: dict[str, Any]) -> str:
    if entities is None or entities.empty:
        return '<p class="note">No entities.</p>'
    rows = entities.sort_values(["mention_count", "name"], ascending=[False, True], kind="stable")
    body = "".join(
        f'<tr><td>{_swatch(str(r["key"]))}{escape(str(r["name"]))}</td><td>{escape(str(r["label"]))}</td>'
        f"<td>{escape(', '.join(_aliases(r)))}</td><td class=\"num\">{_int(r.get('mention_count'))}</td>"
        f'<td class="num">{_int(doc_counts.get(str(r["key"])))}</td></tr>'
        for r in rows.to_dict("records")
    )
    return (
        '<details class="doc-entities"><summary>Entities in this article</summary><table class="entities"><thead><tr>'
        '<th>name</th><th>label</th><th>aliases</th><th class="num">mentions</th><th class="num">articles</th>'
        f"</tr></thead><tbody>{body}</tbody></table></details>"
    )


def _capped(shown: int, total: int, what: str, setting: str) -> str:
    if shown >= total:
        return ""
    return (
        f'<p class="capped">Showing the first {shown:,} of {total:,} {what} '
        f"(setting <code>report.{setting}</code>; raise it with <code>--report.{setting} N</code>).</p>"
    )


def _swatch(key: str) -> str:
    return f'<span class="swatch" style="background: {entity_colour(key)}"></span>'


def _anchor(doc_id: str) -> str:
    return "doc-" + "".join(c if c.isalnum() or c in "-_" else "_" for c in doc_id)


def _aliases(row: Mapping[str, Any]) -> list[str]:
    aliases = row.get("aliases")
    if aliases is None or (not isinstance(aliases, (list, tuple)) and not hasattr(aliases, "tolist")):
        return []
    return [str(a) for a in (aliases.tolist() if hasattr(aliases, "tolist") else aliases)]


def _text(value: Any) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


STYLE = """
body { font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; margin: 0 auto;
       max-width: 1100px; padding: 1rem 2rem 4rem; color: #222; }
h1 { margin-bottom: 0.2rem; } h2 { border-bottom: 1px solid #ddd; margin-top: 2.5rem; }
nav { position: sticky; top: 0; background: #fff; padding: 0.4rem 0; border-bottom: 1px solid #eee; z-index: 1; }
nav a { margin-right: 1.2rem; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 0.1rem 1rem; }
dl.facts dt { font-weight: bold; } dl.facts dd { margin: 0; }
.note { color: #666; font-size: 0.9em; } .capped { background: #fff6d5; padding: 0.4rem 0.7rem; border-radius: 4px; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5rem; }
svg.chart { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; margin: 0.5rem 0; }
th, td { border-bottom: 1px solid #eee; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
th.num, td.num { text-align: right; }
.swatch { display: inline-block; width: 0.8em; height: 0.8em; border-radius: 2px; margin-right: 0.4em; }
.legend { padding: 0 0.3em; margin: 0 0.2em; }
.error { color: #a00; font-size: 0.9em; }
article { border-top: 1px solid #eee; padding-top: 0.5rem; }
mark.entity { padding: 0.25em 0.4em; margin: 0 0.1em; line-height: 1; border-radius: 0.35em; cursor: help; }
mark.entity .entity-label { font-size: 0.68em; font-weight: bold; margin-left: 0.35rem; vertical-align: middle; }
mark.entity.same { outline: 2px solid #333; }
"""

# Hovering a mention outlines every mention of the same entity; the last line marks the page as
# scripted without errors (the browser test looks for it).
SCRIPT = """
document.querySelectorAll('mark.entity').forEach(function (mark) {
  var key = mark.dataset.entity;
  function toggle(on) {
    document.querySelectorAll('mark.entity').forEach(function (other) {
      if (other.dataset.entity === key) { other.classList.toggle('same', on); }
    });
  }
  mark.addEventListener('mouseenter', function () { toggle(true); });
  mark.addEventListener('mouseleave', function () { toggle(false); });
});
document.documentElement.dataset.ready = 'true';
"""

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
{body}
<script>{script}</script>
</body>
</html>
"""
