"""The span classifier's decisions, each judged against the gold: what dropping and relabelling buy.

    PYTHONPATH=.:benchmarks .venv/bin/python benchmarks/decisions.py [--corpus "ECB+ topics 1-25" "GUM news dev" ...]
        [--set KEY=JSON ...] [--examples 6] [--save out.json]
    PYTHONPATH=.:benchmarks .venv/bin/python benchmarks/decisions.py --diff NOCLS.json DEFAULT.json   # errors.py --save files

The default pipeline (``configs/default.cfg``, ``models/news-md``, the corpus vote as
``benchmarks/errors.py`` runs it) on each corpus, recording every decision of the span classifier
(``news_span_classifier``): the candidate entity it saw (span, label, curated or not), its
probabilities and the candidate's name evidence, and what it did (``drop``, ``relabel X->Y``,
``keep``). Each decision is judged by the gold mention at the candidate's exact span (character
offsets): a drop of a gold span with the candidate's label is ``wrong``, a relabel to the gold
label ``right`` and away from it ``wrong``; a drop of a span no gold mention matches exactly is
``right`` (spurious or boundary: on ECB+, which leaves most names unannotated, not reliable), and a
relabel there ``neutral``. ``--diff`` compares the final mentions of two ``errors.py --save`` runs
(``retrained, no classifier`` and the default pipeline) mention by mention: every mention one has
and the other lacks or labels otherwise, by label and by whether the change made it right or wrong.
Tuning sets only (the names of ``errors.py``'s corpora): never the held-out ones.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

from errors import ALL_CORPORA, CONTEXT, ROOT, mention_record, pipe_corpus, saved_or_run

from pipeline.components.classifier import SpanClassifier

TUNING = ["ECB+ topics 1-25", "GUM news dev", "GUM dev, other genres", "UNER dev 20%"]
#: ``doc.user_data`` key where the recording wrapper leaves a Doc's decisions.
DECISIONS_KEY = "classifier_decisions"


def recording(decide):  # noqa: ANN001, ANN201  (SpanClassifier._decide)
    """``SpanClassifier._decide`` that also records each candidate and what became of it."""

    def wrapper(self, doc, probs, names):  # noqa: ANN001, ANN202
        before = [(ent.start_char, ent.end_char, ent.label_, bool(ent.id_), dict(ent._.name_evidence or {}), ent.start, ent.end) for ent in doc.ents]
        decide(self, doc, probs, names)
        after = {(ent.start_char, ent.end_char): ent.label_ for ent in doc.ents}
        records = []
        for start_char, end_char, label, curated, evidence, start, end in before:
            row = probs.get((start, end))
            if row is None:
                continue
            now = after.get((start_char, end_char))
            action = "drop" if now is None else "keep" if now == label else f"relabel {label}->{now}"
            records.append(
                {
                    "span": (start_char, end_char),
                    "label": label,
                    "curated": curated,
                    "probs": {name: round(float(p), 4) for name, p in zip(names, row)},
                    "evidence": {k: round(v, 3) for k, v in evidence.items()},
                    "action": action,
                }
            )
        doc.user_data[DECISIONS_KEY] = records

    return wrapper


def record(corpus: str, settings: dict) -> list[dict]:
    """[{doc_id, text, gold, pred, decisions}] of the default pipeline on ``corpus``."""
    from pipeline.config.build import build_nlp, load_pipeline_config

    overrides = {"paths.model": "models/news-md", "paths.patterns": str(ROOT / "configs" / "patterns"), "paths.aliases": str(ROOT / "configs" / "aliases")}
    config = load_pipeline_config(ROOT / "configs" / "default.cfg", {**overrides, **settings})
    original = SpanClassifier._decide
    SpanClassifier._decide = recording(original)  # type: ignore[method-assign]
    try:
        predictions, references = pipe_corpus(build_nlp(config), config, corpus, corpus_vote=True)
    finally:
        SpanClassifier._decide = original  # type: ignore[method-assign]
    return [{**mention_record(p, r), "decisions": p.user_data.get(DECISIONS_KEY, [])} for p, r in zip(predictions, references)]


def judge(decision: dict, gold: dict[tuple[int, int], str]) -> str:
    """``right``, ``wrong`` or ``neutral`` for one decision (module docstring); keeps are ``keep``."""
    action, label = decision["action"], decision["label"]
    truth = gold.get(tuple(decision["span"]))
    if action == "keep":
        return "keep"
    if action == "drop":
        return "wrong" if truth == label else "right"
    new = action.split("->")[1]
    if truth is None:
        return "neutral"
    return "right" if truth == new else "wrong" if truth == label else "neutral"


def kind(decision: dict, gold: dict[tuple[int, int], str]) -> str:
    """``drop PERSON (gold PERSON)``, ``relabel ORG->LOC (gold LOC)``, ``drop LOC (no gold span)``."""
    truth = gold.get(tuple(decision["span"]))
    what = decision["action"] if decision["action"] != "drop" else f"drop {decision['label']}"
    return f"{what} ({'gold ' + truth if truth else 'no gold span'})"


def summary(corpus: str, docs: list[dict], examples: int) -> str:
    lines = [f"## {corpus}", "", "| decision (gold at the exact span) | right | wrong | neutral |", "|---|---|---|---|"]
    counts: dict[str, Counter] = defaultdict(Counter)
    shown: dict[str, list[str]] = defaultdict(list)
    for doc in docs:
        gold = {(s, e): label for s, e, label in doc["gold"]}
        for decision in doc["decisions"]:
            verdict = judge(decision, gold)
            if verdict == "keep":
                continue
            key = kind(decision, gold)
            counts[key][verdict] += 1
            start, end = decision["span"]
            probs = " ".join(f"{k} {v:.2f}" for k, v in decision["probs"].items())
            evidence = " ".join(f"{k} {v:+.1f}" for k, v in decision["evidence"].items() if v)
            text = doc["text"]
            shown[key].append(
                f"- {verdict}: …{text[max(0, start - CONTEXT // 2) : start]}[[{text[start:end]}]]{text[end : end + CONTEXT // 2]}… ({probs}; evidence {evidence or '-'})".replace(
                    "\n", " "
                )
            )
    for key in sorted(counts, key=lambda k: (-sum(counts[k].values()), k)):
        lines.append(f"| {key} | {counts[key]['right']} | {counts[key]['wrong']} | {counts[key]['neutral']} |")
    lines.append("")
    for key in sorted(counts, key=lambda k: (-sum(counts[k].values()), k)):
        lines.append(f"### {key}")
        lines += shown[key][:examples]
        lines.append("")
    return "\n".join(lines)


def diff(before: dict[str, list[dict]], after: dict[str, list[dict]]) -> str:
    """Every mention whose final outcome differs between two ``errors.py --save`` runs."""
    lines = ["| corpus | change | right after | wrong after | neutral |", "|---|---|---|---|---|"]
    for corpus in before:
        if corpus not in after:
            continue
        counts: dict[str, Counter] = defaultdict(Counter)
        for a, b in zip(before[corpus], after[corpus]):
            gold = {(s, e): label for s, e, label in a["gold"]}
            old = {(s, e): label for s, e, label in a["pred"]}
            new = {(s, e): label for s, e, label in b["pred"]}
            for span in old.keys() | new.keys():
                x, y, truth = old.get(span), new.get(span), gold.get(span)
                if x == y:
                    continue
                if y is None:
                    change = f"removed {x}" + (f" (gold {truth})" if truth else " (no gold span)")
                    verdict = "wrong" if truth == x else "right"
                elif x is None:
                    change = f"added {y}" + (f" (gold {truth})" if truth else " (no gold span)")
                    verdict = "right" if truth == y else "wrong" if truth is None or truth != y else "neutral"
                else:
                    change = f"relabelled {x}->{y}" + (f" (gold {truth})" if truth else " (no gold span)")
                    verdict = "right" if truth == y else "wrong" if truth == x else "neutral"
                counts[change][verdict] += 1
        for change in sorted(counts, key=lambda k: (-sum(counts[k].values()), k)):
            lines.append(f"| {corpus} | {change} | {counts[change]['right']} | {counts[change]['wrong']} | {counts[change]['neutral']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", nargs="+", default=TUNING, choices=list(ALL_CORPORA))
    parser.add_argument("--set", nargs="+", default=[], metavar="KEY=JSON", help="config overrides")
    parser.add_argument("--examples", type=int, default=6)
    parser.add_argument("--save", type=Path, help="keep the decisions here (JSON)")
    parser.add_argument("--load", type=Path, help="summarise saved decisions instead of running the pipeline")
    parser.add_argument("--diff", type=Path, nargs=2, metavar=("BEFORE", "AFTER"), help="two errors.py --save files")
    args = parser.parse_args()
    if args.diff:
        before, after = (json.loads(path.read_text(encoding="utf8")) for path in args.diff)
        print(diff(before, after))
        return
    settings = {key: json.loads(value) for key, value in (item.split("=", 1) for item in args.set)}
    saved = saved_or_run(args.load, args.save, lambda: {corpus: record(corpus, settings) for corpus in args.corpus})
    for corpus, docs in saved.items():
        print(summary(corpus, docs, args.examples))


if __name__ == "__main__":
    main()
