"""Headlines that open with their section and a spaced dash (CoNLL/Reuters: ``SOCCER - JAPAN GET LUCKY WIN``).

    PYTHONPATH=. .venv/bin/python benchmarks/section_headlines.py [--model DIR] [--classifier DIR] [--set KEY=JSON ...] [--show]

Runs the default pipeline (configs/default.cfg) on each record of ``benchmarks/section_headlines.jsonl``
(18 headlines written for this, with a short body that writes their names: the ``headline`` stage
asks the body) and scores the headline's final entities against its gold spans (character offsets
in the headline; in the CoNLL convention countries are LOC, also as teams): right (span and label),
wrong (a predicted entity that is not gold: spurious, mislabelled or cut), missed, and the same by
span only. None of the tuning sets has this shape (benchmarks/quality.md, session 14), so this is a
check of one stage's behaviour on invented text, not an accuracy figure.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "benchmarks" / "section_headlines.jsonl"

Entity = tuple[int, int, str]


def read_cases(path: Path = CASES) -> list[dict]:
    """The records of ``path``: ``{"id", "headline", "body", "spans": [[start, end, label, text]]}``;
    a span that does not quote its headline raises."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf8").splitlines(), 1):
        case = json.loads(line)
        for start, end, _, text in case["spans"]:
            if case["headline"][start:end] != text:
                raise ValueError(f"{path}:{number} ({case['id']}): span {start}-{end} is not {text!r}")
        cases.append(case)
    return cases


def headline_entities(nlp, cases: list[dict]) -> list[set[Entity]]:
    """Each case's final entities inside its headline (the first line of headline + body)."""
    texts = [case["headline"] + "\n" + case["body"] for case in cases]
    return [{(e.start_char, e.end_char, e.label_) for e in doc.ents if e.end_char <= len(case["headline"])} for case, doc in zip(cases, nlp.pipe(texts))]


def score(cases: list[dict], predicted: list[set[Entity]]) -> dict[str, int]:
    """Right / wrong / missed, exact (span and label) and by span only, summed over the cases."""
    counts = dict.fromkeys(("gold", "right", "wrong", "missed", "right_span", "wrong_span", "missed_span"), 0)
    for case, pred in zip(cases, predicted):
        gold = {(s, e, label) for s, e, label, _ in case["spans"]}
        counts["gold"] += len(gold)
        counts["right"] += len(pred & gold)
        counts["wrong"] += len(pred - gold)
        counts["missed"] += len(gold - pred)
        gold_spans, pred_spans = {g[:2] for g in gold}, {p[:2] for p in pred}
        counts["right_span"] += len(pred_spans & gold_spans)
        counts["wrong_span"] += len(pred_spans - gold_spans)
        counts["missed_span"] += len(gold_spans - pred_spans)
    return counts


def main(argv: list[str] | None = None) -> int:
    from pipeline.config.build import build_nlp, load_pipeline_config

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="the recogniser (paths.model); default: the config's")
    parser.add_argument("--classifier", help="the span classifier's weights (paths.classifier)")
    parser.add_argument("--set", nargs="+", default=[], metavar="KEY=JSON", help="config overrides: components.headline.segment_dashes=[]")
    parser.add_argument("--show", action="store_true", help="print each headline's wrong and missed entities")
    args = parser.parse_args(argv)
    overrides = {"paths.patterns": str(ROOT / "configs" / "patterns"), "paths.aliases": str(ROOT / "configs" / "aliases")}
    if args.model:
        overrides["paths.model"] = args.model
    if args.classifier:
        overrides["paths.classifier"] = args.classifier
    overrides.update({key: json.loads(value) for key, value in (item.split("=", 1) for item in args.set)})
    cases = read_cases()
    predicted = headline_entities(build_nlp(load_pipeline_config(ROOT / "configs" / "default.cfg", overrides)), cases)
    if args.show:
        for case, pred in zip(cases, predicted):
            gold = {(s, e, label) for s, e, label, _ in case["spans"]}
            head = case["headline"]
            wrong = [(head[s:e], label) for s, e, label in sorted(pred - gold)]
            missed = [(head[s:e], label) for s, e, label in sorted(gold - pred)]
            if wrong or missed:
                print(f"{head[:50]:50}  wrong {wrong}  missed {missed}")
    c = score(cases, predicted)
    print(
        f"{len(cases)} headlines, {c['gold']} gold names: right {c['right']}, wrong {c['wrong']}, missed {c['missed']}; "
        f"by span only: right {c['right_span']}, wrong {c['wrong_span']}, missed {c['missed_span']}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
