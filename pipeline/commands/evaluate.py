"""``evaluate``: run the configured pipeline on gold documents and score it.

Recognition: precision, recall and F1 per label (exact span and label), with spaCy's
``Example`` and its NER scorer, so gold and pipeline tokenisations may differ.

Alias linking, over the gold mentions the pipeline found (a predicted entity overlapping the
gold mention, one to one, largest overlap first):

* ``within``: pairs of mentions in one document; same entity = same ``entity_id`` (pipeline)
  and same gold identity (gold);
* ``corpus``: all pairs in the corpus; same entity = same ``canonical_id`` (corpus resolution,
  the same code path as ``run``) and same gold identity. Where a reader groups documents
  (ECB+ sub-topics, whose gold ids hold only within one), pairs are counted within groups;

each as pairwise precision/recall/F1 and B³, plus ``found``: the share of gold mentions found.

Every gold file's documents are one corpus: the corpus vote (``[corpus_vote]``,
:mod:`pipeline.corpus.vote`) relabels the predictions over all of them, as ``run`` does over its
input, before anything is scored; ``settings.relabelled`` counts the mentions it changed.

Errors and scores (``mentions``): every predicted mention is ``correct`` (exact span and label),
a ``label`` error (exact span, other label), a ``boundary`` error (overlaps a gold mention) or
``spurious`` (overlaps none); gold mentions nothing overlaps are ``missed``. Over the predicted
mentions' ``Span._.score``: expected calibration error (``ece``, 10 equal-width bins: the
mentions-weighted gap between mean score and share correct) and precision/recall when only
mentions scoring at least a threshold are kept (``thresholds``).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.scorer import get_ner_prf
from spacy.tokens import Doc
from spacy.training import Example

from ..components.spans import copy_span, set_entities
from ..config.build import build_nlp, load_pipeline_config, model_description
from ..config.settings import resolve_section
from ..corpora import GoldReport, read_gold
from ..corpora.gold import GROUP_KEY
from ..corpus.resolve import CorpusResolver
from ..corpus.vote import CorpusVote, VoteSettings
from ..readers import Article
from ..writing.rows import Rows

#: Labels scored (and always reported, even when absent from the gold data).
LABELS = ("PERSON", "ORG", "LOC")


@dataclass
class Evaluation:
    """The metrics of one ``evaluate`` run, as plain data (``to_dict`` is what JSON holds)."""

    ner: dict[str, Any]
    linking: dict[str, Any]
    gold: dict[str, Any]
    settings: dict[str, Any] = field(default_factory=dict)
    mentions: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"ner": self.ner, "linking": self.linking, "mentions": self.mentions, "gold": self.gold, "settings": self.settings}

    def rows(self) -> list[dict[str, Any]]:
        """Flat ``{"task", "label", "metric", "value"}`` rows, for a DataFrame or Parquet."""
        out = []
        for label, scores in self.ner["per_label"].items():
            for metric, value in scores.items():
                out.append({"task": "ner", "label": label, "metric": metric, "value": value})
        for metric in ("p", "r", "f"):
            out.append({"task": "ner", "label": "ALL", "metric": metric, "value": self.ner[metric]})
        for scope, scores in self.linking.items():
            if isinstance(scores, dict):
                for metric, value in scores.items():
                    out.append({"task": f"linking_{scope}", "label": "ALL", "metric": metric, "value": value})
            else:
                out.append({"task": "linking", "label": "ALL", "metric": scope, "value": scores})
        return out

    def write(self, path: Path | str) -> Path:
        """JSON (``.json``) or a flat Parquet table (``.parquet``) of the metrics."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            pq.write_table(pa.Table.from_pylist(self.rows()), path)
        else:
            path.write_text(json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf8")
        return path


def evaluate(
    gold: Iterable[Path | str],
    format: str,
    *,
    config_path: Path | str | None = None,
    overrides: dict[str, Any] | None = None,
    nlp: Language | None = None,
    label_map: Mapping[str, str | None] | None = None,
    reader_options: dict[str, Any] | None = None,
    corpus_vote: VoteSettings | None = None,
) -> Evaluation:
    """Score the pipeline of ``config_path`` (or a ready ``nlp``) on the gold files ``gold`` in ``format``.

    ``corpus_vote`` relabels the predictions by the corpus vote (default: the config's
    ``[corpus_vote]`` when the pipeline is built here; none with a ready ``nlp``)."""
    settings: dict[str, Any] = {"gold": [str(p) for p in gold], "format": format}
    if nlp is None:
        config = load_pipeline_config(config_path, overrides)
        corpus_vote = corpus_vote or resolve_section(config, "corpus_vote", str(config_path or "the config"))
        nlp = build_nlp(config)
        settings.update(config=str(config_path) if config_path else "configs/default.cfg", overrides=overrides or {})
        settings["model"] = model_description(nlp, config)
    report = GoldReport()
    references = list(read_gold(list(gold), format, vocab=nlp.vocab, label_map=label_map, report=report, **(reader_options or {})))
    started = time.perf_counter()
    predictions = list(nlp.pipe(doc.text for doc in references))
    seconds = time.perf_counter() - started
    for prediction, reference in zip(predictions, references):
        prediction._.doc_id = reference._.doc_id
    if corpus_vote is not None and corpus_vote.enabled:
        settings["relabelled"] = vote_over_corpus(predictions, corpus_vote)
    words = sum(len(doc) for doc in predictions)
    settings.update(documents=len(references), words=words, seconds=round(seconds, 2), words_per_second=round(words / seconds) if seconds else None)
    return Evaluation(
        ner=score_ner(predictions, references),
        linking=score_linking(predictions, references),
        gold=report.summary(),
        settings=settings,
        mentions=score_mentions(predictions, references),
    )


def score_ner(predictions: list[Doc], references: list[Doc]) -> dict[str, Any]:
    """Micro P/R/F1 and per label (``LABELS`` always present), exact span and label."""
    examples = [Example(p, r) for p, r in zip(predictions, references)]
    scores = get_ner_prf(examples)
    per_label = {label: {"p": 0.0, "r": 0.0, "f": 0.0} for label in LABELS}
    per_label.update(scores.get("ents_per_type") or {})
    gold_counts = Counter(e.label_ for doc in references for e in doc.ents)
    pred_counts = Counter(e.label_ for doc in predictions for e in doc.ents)
    for label, values in per_label.items():
        values["gold"] = gold_counts.get(label, 0)
        values["predicted"] = pred_counts.get(label, 0)
    errors = label_errors(predictions, references)
    return {"p": scores["ents_p"] or 0.0, "r": scores["ents_r"] or 0.0, "f": scores["ents_f"] or 0.0, "per_label": per_label, **errors}


def label_errors(predictions: list[Doc], references: list[Doc]) -> dict[str, int]:
    """``label_errors``: gold spans predicted exactly but with another label; ``spurious``:
    predicted spans that overlap no gold span (:func:`mention_outcomes`)."""
    counts: Counter = Counter()
    for prediction, reference in zip(predictions, references):
        counts.update(outcome for outcome, _ in mention_outcomes(prediction, reference)[0])
    return {"label_errors": counts["label"], "spurious": counts["spurious"]}


#: Score thresholds for the precision/recall table, and the calibration bins.
THRESHOLDS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
CALIBRATION_BINS = 10


def mention_outcomes(prediction: Doc, reference: Doc) -> tuple[list[tuple[str, float | None]], int]:
    """(outcome, score) for every predicted mention (see the module docstring), and how many
    gold mentions no prediction overlaps."""
    gold = {(e.start_char, e.end_char): e.label_ for e in reference.ents}
    outcomes = []
    for ent in prediction.ents:
        label = gold.get((ent.start_char, ent.end_char))
        if label is not None:
            outcome = "correct" if label == ent.label_ else "label"
        elif any(min(end, ent.end_char) > max(start, ent.start_char) for start, end in gold):
            outcome = "boundary"
        else:
            outcome = "spurious"
        outcomes.append((outcome, ent._.score))
    missed = sum(1 for e in reference.ents if not any(min(e.end_char, p.end_char) > max(e.start_char, p.start_char) for p in prediction.ents))
    return outcomes, missed


def score_mentions(predictions: list[Doc], references: list[Doc]) -> dict[str, Any]:
    """Error counts, calibration and precision/recall at score thresholds (module docstring)."""
    outcomes: list[tuple[str, float | None]] = []
    missed = 0
    for prediction, reference in zip(predictions, references):
        found, not_found = mention_outcomes(prediction, reference)
        outcomes += found
        missed += not_found
    counts = Counter(outcome for outcome, _ in outcomes)
    n_gold = sum(len(doc.ents) for doc in references)
    result: dict[str, Any] = {key: counts.get(key, 0) for key in ("correct", "label", "boundary", "spurious")}
    result.update(missed=missed, gold=n_gold, predicted=len(outcomes))
    scored = [(1.0 if outcome == "correct" else 0.0, score) for outcome, score in outcomes if score is not None]
    result["scored"] = len(scored)
    if not scored:
        return {**result, "ece": None, "thresholds": []}
    result["ece"] = round(calibration_error([s for _, s in scored], [c for c, _ in scored]), 4)
    result["thresholds"] = []
    for threshold in THRESHOLDS:
        kept = [correct for correct, score in scored if score >= threshold]
        p = sum(kept) / len(kept) if kept else 1.0
        r = sum(kept) / n_gold if n_gold else 0.0
        result["thresholds"].append({"threshold": threshold, "kept": len(kept), "p": round(p, 4), "r": round(r, 4), "f": round(_f1(p, r), 4)})
    return result


def calibration_error(scores: list[float], correct: list[float], bins: int = CALIBRATION_BINS) -> float:
    """Expected calibration error: sum over equal-width score bins of (share of mentions) x
    |mean score - share correct|."""
    totals: dict[int, list[float]] = {}
    for score, right in zip(scores, correct):
        b = min(int(score * bins), bins - 1)
        cell = totals.setdefault(b, [0.0, 0.0, 0.0])
        cell[0] += 1
        cell[1] += score
        cell[2] += right
    n = len(scores)
    return sum(count / n * abs(total_score / count - total_right / count) for count, total_score, total_right in totals.values()) if n else 0.0


def match_mentions(prediction: Doc, reference: Doc) -> dict[int, int]:
    """Gold mention index -> predicted entity index, one to one by largest character overlap."""
    candidates = []
    for g, gold in enumerate(reference.ents):
        for p, pred in enumerate(prediction.ents):
            overlap = min(gold.end_char, pred.end_char) - max(gold.start_char, pred.start_char)
            if overlap > 0:
                candidates.append((-overlap, g, p))
    matched: dict[int, int] = {}
    used: set[int] = set()
    for _, g, p in sorted(candidates):
        if g not in matched and p not in used:
            matched[g] = p
            used.add(p)
    return matched


def _rows(predictions: list[Doc]) -> Rows:
    """The table rows ``run`` would write for ``predictions``."""
    rows = Rows()
    for doc in predictions:
        doc_id = doc._.doc_id
        rows.add_doc(doc, Article(doc_id=doc_id, path="", location=doc_id, text=doc.text))
    return rows


def vote_over_corpus(predictions: list[Doc], settings: VoteSettings) -> int:
    """Relabel the entities of ``predictions`` by the corpus vote over all of them, with the same
    rows and :class:`~pipeline.corpus.vote.CorpusVote` as ``run``; returns the mentions relabelled."""
    rows = _rows(predictions)
    votes = CorpusVote()
    votes.add_columns(rows.mentions, rows.entities)
    relabelling = votes.decide(settings)
    entities = dict(zip(rows.entities["entity_id"], zip(rows.entities["name"], rows.entities["kb_id"], rows.entities["context"])))
    changed = 0
    for doc in predictions:
        spans = []
        for index, ent in enumerate(doc.ents):
            name, kb_id, context = entities[f"{doc._.doc_id}:{ent._.entity_id or f'M{index}'}"]
            label = relabelling.label_for(ent.label_, name, ent.id_ or kb_id, context)
            if label != ent.label_:
                ent = copy_span(ent, label=label)
                changed += 1
            spans.append(ent)
        set_entities(doc, spans)
    return changed


def canonical_ids(predictions: list[Doc]) -> dict[str, str | None]:
    """``<doc_id>:<entity_id>`` -> ``canonical_id``, by the same rows and resolver as ``run``."""
    rows = _rows(predictions)
    resolver = CorpusResolver()
    resolver.add_columns(rows.entities)
    return dict(zip(rows.entities["entity_id"], resolver.resolve().canonical_ids(rows.entities)))


def score_linking(predictions: list[Doc], references: list[Doc]) -> dict[str, Any]:
    """Pairwise and B³ scores within documents and across the corpus (see the module docstring)."""
    canonical = canonical_ids(predictions)
    gold_within: list[str] = []
    gold_corpus: list[str] = []
    pred_within: list[str] = []
    pred_corpus: list[str] = []
    total = 0
    for prediction, reference in zip(predictions, references):
        doc_id = reference._.doc_id
        group = reference.user_data.get(GROUP_KEY, "")
        matched = match_mentions(prediction, reference)
        ents = list(prediction.ents)
        for g, gold in enumerate(reference.ents):
            if not gold.kb_id_:
                continue
            total += 1
            if g not in matched:
                continue
            pred = ents[matched[g]]
            entity_id = f"{doc_id}:{pred._.entity_id or f'M{matched[g]}'}"
            gold_within.append(f"{doc_id}\t{gold.kb_id_}")
            gold_corpus.append(f"{group}\t{gold.kb_id_}")
            pred_within.append(entity_id)
            pred_corpus.append(f"{group}\t{canonical.get(entity_id) or entity_id}")
    if not total:
        return {"gold_mentions": 0, "found": None, "within": None, "corpus": None}
    return {
        "gold_mentions": total,
        "found": round(len(gold_within) / total, 4),
        "within": cluster_scores(gold_within, pred_within),
        "corpus": cluster_scores(gold_corpus, pred_corpus),
    }


def cluster_scores(gold: list[str], predicted: list[str]) -> dict[str, float]:
    """Pairwise P/R/F1 and B³ P/R/F1 of two clusterings of the same mentions (cluster key per mention)."""
    gold_sizes = Counter(gold)
    pred_sizes = Counter(predicted)
    cells = Counter(zip(gold, predicted))
    pairs = lambda n: n * (n - 1) // 2  # noqa: E731
    common = sum(pairs(n) for n in cells.values())
    gold_pairs = sum(pairs(n) for n in gold_sizes.values())
    pred_pairs = sum(pairs(n) for n in pred_sizes.values())
    p = common / pred_pairs if pred_pairs else 1.0
    r = common / gold_pairs if gold_pairs else 1.0
    b3_p = sum(cells[(g, q)] / pred_sizes[q] for g, q in zip(gold, predicted)) / len(gold) if gold else 0.0
    b3_r = sum(cells[(g, q)] / gold_sizes[g] for g, q in zip(gold, predicted)) / len(gold) if gold else 0.0
    return {
        "pairwise_p": round(p, 4), "pairwise_r": round(r, 4), "pairwise_f": round(_f1(p, r), 4),
        "b3_p": round(b3_p, 4), "b3_r": round(b3_r, 4), "b3_f": round(_f1(b3_p, b3_r), 4),
        "mentions": len(gold), "gold_pairs": gold_pairs, "predicted_pairs": pred_pairs,
    }  # fmt: skip


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0
