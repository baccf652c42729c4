"""``report``: a run's tables in, one self-contained HTML page out.

The page has no external resource (no CDN, font, image or script fetched): styles, the small
script and the SVG charts are inline, so it opens from a file with no network. ``build_report``
returns the HTML from DataFrames (a notebook or a test can pass small hand-built tables);
``write_report`` reads a run folder and writes the file. This module picks the rows and figures
the page shows; the markup is the template ``templates/page.html`` (autoescaped).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import Markup

from .. import __version__
from ..config.settings import ReportSettings
from ..writing.tables import load
from .articles import EntityInfo, entity_colour, render_article
from .charts import LABEL_COLOURS, Bar, Node, Place, bar_chart, map_chart, network_chart
from .render import render
from .stats import cooccurrence, entity_keys, has_coordinates, places, top_entities
from .world import outlines

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
    page = render(
        "page.html",
        title=settings.title,
        **_header(documents, mentions, corpus, metadata or {}, source),
        **_charts(mentions, corpus, settings),
        corpus_rows=_corpus_rows(corpus, settings),
        corpus_total=len(corpus),
        document_rows=_document_rows(documents, mentions, entities, set(shown["doc_id"]), settings),
        documents_total=len(documents),
        articles=_articles(shown, mentions, entities, corpus, infos),
        articles_total=len(ok),
    )
    return str(page)  # plain text: the caller writes it, it is not inserted into another template


def _entity_infos(entities: pd.DataFrame, corpus: pd.DataFrame) -> dict[str, EntityInfo]:
    infos: dict[str, EntityInfo] = {}
    # Entities without a canonical id are keyed by their entity_id (see stats.entity_keys).
    for key, row in zip(entity_keys(entities), entities.to_dict("records")):
        infos[str(key)] = EntityInfo(str(row["name"]), str(row["label"]), tuple(_aliases(row)), 1)
    for row in corpus.to_dict("records"):
        infos[str(row["canonical_id"])] = EntityInfo(str(row["name"]), str(row["label"]), tuple(_aliases(row)), _int(row.get("doc_count")))
    return infos


def _header(documents: pd.DataFrame, mentions: pd.DataFrame, corpus: pd.DataFrame, metadata: Mapping[str, Any],
            source: str) -> dict[str, Any]:  # fmt: skip
    statuses = documents["status"].value_counts().sort_index() if "status" in documents else pd.Series(dtype=int)
    labels = mentions["label"].value_counts().sort_index()
    facts = [
        ("Documents", ", ".join(f"{n:,} {s}" for s, n in statuses.items()) or f"{len(documents):,}"),
        ("Mentions", ", ".join(f"{label} {n:,}" for label, n in labels.items()) or "none"),
        ("Entities in the corpus", f"{len(corpus):,}"),
    ]
    model = metadata.get("model")
    if not isinstance(model, dict):
        model = {}
    sources = sorted({f"{s.get('model')} {s.get('version')}" for s in (model.get("sources") or {}).values()})
    if model.get("pipeline"):
        facts.append(("Pipeline", " → ".join(map(str, model["pipeline"])) + (f" ({', '.join(sources)})" if sources else "")))
    if metadata.get("finished"):
        facts.append(("Run finished", str(metadata["finished"])))
    if source:
        facts.append(("Tables", source))
    return {
        "facts": facts,
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "version": __version__,
        "legend": list(LABEL_COLOURS.items()),
    }


def _charts(mentions: pd.DataFrame, corpus: pd.DataFrame, settings: ReportSettings) -> dict[str, Any]:
    n = settings.top_entities
    charts = []
    for label in sorted(corpus["label"].dropna().unique()):
        rows = top_entities(corpus, n, label=label).to_dict("records")
        bars = [Bar(str(r["name"]), _int(r["mention_count"]) or 0, label, _bar_tip(r)) for r in rows]
        charts.append(bar_chart(bars, title=f"Most mentioned {label} (mentions)"))
    by_docs = top_entities(corpus, n, by="doc_count").to_dict("records")
    doc_bars = [Bar(str(r["name"]), _int(r["doc_count"]) or 0, str(r["label"]), _bar_tip(r)) for r in by_docs]
    charts.append(bar_chart(doc_bars, title="Entities in most articles"))
    located = places(corpus)
    pins = [
        Place(str(r["name"]), float(r["latitude"]), float(r["longitude"]), _int(r.get("doc_count")) or 1, str(r["label"])) for r in located.to_dict("records")
    ]
    missing = "columns" if not has_coordinates(corpus) else "places" if not pins else None
    return {
        "bar_charts": charts,
        "network": _network(mentions, corpus, settings.network_entities),
        "network_entities": settings.network_entities,
        "map": map_chart(pins, title=f"Places with coordinates ({len(pins):,}; circle area: articles)") if pins else None,
        "map_missing": missing,
        "map_source": outlines().source if pins else "",
    }


def _bar_tip(row: dict[str, Any]) -> str:
    return f"{row['name']} ({row['label']}): {_int(row.get('mention_count'))} mentions in {_int(row.get('doc_count'))} articles"


def _network(mentions: pd.DataFrame, corpus: pd.DataFrame, size: int) -> Markup:
    top = top_entities(corpus, size)
    # Grouped by label around the circle, so a colour is one arc.
    top = top.sort_values(["label", "mention_count", "name"], ascending=[True, False, True], kind="stable")
    nodes = [Node(str(r["canonical_id"]), str(r["name"]), str(r["label"]), _int(r["mention_count"]) or 1) for r in top.to_dict("records")]
    pairs = cooccurrence(mentions, "sentence", keys=[node.key for node in nodes])
    edges = [(str(a), str(b), float(c)) for a, b, c in zip(pairs["a"], pairs["b"], pairs["count"])]
    return network_chart(nodes, edges, title=f"Co-occurrence in sentences ({len(edges):,} pairs)")


def _corpus_rows(corpus: pd.DataFrame, settings: ReportSettings) -> list[dict[str, Any]]:
    return [
        {
            "colour": entity_colour(str(r["canonical_id"])), "name": str(r["name"]), "label": str(r["label"]),
            "aliases": _aliases(r), "kb_id": _text(r.get("kb_id")),
            "doc_count": _int(r.get("doc_count")), "mention_count": _int(r.get("mention_count")),
        }
        for r in top_entities(corpus, settings.max_table_rows).to_dict("records")
    ]  # fmt: skip


def _document_rows(documents: pd.DataFrame, mentions: pd.DataFrame, entities: pd.DataFrame, shown: set[str],
                   settings: ReportSettings) -> list[dict[str, Any]]:  # fmt: skip
    n_mentions = mentions.groupby("doc_id").size()
    n_entities = entities.groupby("doc_id").size()
    rows = []
    for r in documents.head(settings.max_table_rows).to_dict("records"):
        doc_id = str(r["doc_id"])
        rows.append(
            {
                "doc_id": doc_id, "anchor": _anchor(doc_id) if doc_id in shown else None,
                "title": _text(r.get("title")), "status": _text(r.get("status")), "error": _text(r.get("error")),
                "n_tokens": _int(r.get("n_tokens")),
                "n_mentions": int(n_mentions.get(doc_id, 0)), "n_entities": int(n_entities.get(doc_id, 0)),
            }
        )  # fmt: skip
    return rows


def _articles(shown: pd.DataFrame, mentions: pd.DataFrame, entities: pd.DataFrame, corpus: pd.DataFrame,
              infos: dict[str, EntityInfo]) -> list[dict[str, Any]]:  # fmt: skip
    # Only the shown articles' rows: on a large run the rest would be split up for nothing.
    shown_ids = shown["doc_id"].tolist()
    mentions = mentions[mentions["doc_id"].isin(shown_ids)]
    entities = entities[entities["doc_id"].isin(shown_ids)]
    mentions = mentions.assign(key=entity_keys(mentions))
    entities = entities.assign(key=entity_keys(entities))
    by_doc = {doc_id: frame for doc_id, frame in mentions.groupby("doc_id", sort=False)}
    entities_by_doc = {doc_id: frame for doc_id, frame in entities.groupby("doc_id", sort=False)}
    doc_counts = dict(zip(corpus["canonical_id"].astype(str), corpus["doc_count"])) if "doc_count" in corpus else {}
    articles = []
    for doc in shown.to_dict("records"):
        doc_id = str(doc["doc_id"])
        doc_mentions = by_doc.get(doc_id, mentions.iloc[0:0])
        meta = (doc_id, _text(doc.get("source")), _text(doc.get("published")))
        articles.append(
            {
                "anchor": _anchor(doc_id),
                "title": _text(doc.get("title")) or doc_id,
                "meta": " · ".join(x for x in meta if x),
                "html": render_article(_text(doc.get("text")), doc_mentions.to_dict("records"), infos),
                "entities": _article_entities(entities_by_doc.get(doc_id), doc_counts),
            }
        )
    return articles


def _article_entities(entities: pd.DataFrame | None, doc_counts: dict[str, Any]) -> list[dict[str, Any]]:
    if entities is None or entities.empty:
        return []
    rows = entities.sort_values(["mention_count", "name"], ascending=[False, True], kind="stable")
    return [
        {
            "colour": entity_colour(str(r["key"])), "name": str(r["name"]), "label": str(r["label"]),
            "aliases": _aliases(r), "mention_count": _int(r.get("mention_count")),
            "doc_count": _int(doc_counts.get(str(r["key"]))),
        }
        for r in rows.to_dict("records")
    ]  # fmt: skip


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
