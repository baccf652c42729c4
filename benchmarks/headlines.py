"""What headline-cased lines cost: recognition errors inside Title Case and ALL CAPS sentences.

    PYTHONPATH=.:benchmarks .venv/bin/python benchmarks/headlines.py data/processed/errors/NAME.json [...]
        [--examples 10]

Reads predictions saved by ``benchmarks/errors.py --save`` (which keeps the gold sentences) and
sorts every outcome (``errors.outcomes``: correct, label, boundary, spurious, missed) by the
casing of the gold sentence it starts in, as ``news_truecase`` judges a line
(``pipeline.components.truecase.headline_case``): ``title`` (Title Case), ``caps`` (ALL CAPS) or
``plain``; the document's first sentence (a headline in GUM and most ECB+ pages) is counted
apart as ``first``. For each corpus: outcomes by casing, exact-span F1, and the F1 the corpus
would have if every error on Title Case and ALL CAPS lines were fixed (what they cost).
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

from errors import _show, outcomes, scores
from spacy.lang.en.stop_words import STOP_WORDS

from pipeline.components.truecase import DEFAULT_MIN_LETTERS, headline_case

#: The casing test of ``news_truecase`` as configs/default.cfg sets it.
CAPS = {"min_letters": DEFAULT_MIN_LETTERS, "upper_share": 0.9, "min_words": 4}
WORD = re.compile(r"[^\W\d_][\w'’.-]*|\S")


def line_case(text: str) -> str:
    """``caps``, ``title`` or ``plain``, as ``news_truecase`` judges a line."""
    words = WORD.findall(text)
    if headline_case(words, STOP_WORDS, title_case=False, **CAPS):
        return "caps"
    return "title" if headline_case(words, STOP_WORDS, title_case=True, **CAPS) else "plain"


KINDS = ("correct", "label", "boundary", "spurious", "missed")
HEADLINE_CASES = ("title", "caps")


def sentence_case(doc: dict, start: int) -> str:
    """``title``/``caps``/``plain`` of the sentence holding ``start``; ``first`` marks the document's first sentence."""
    sents = doc.get("sents") or [(0, len(doc["text"]))]
    for index, (s, e) in enumerate(sents):
        if s <= start < e:
            case = line_case(doc["text"][s:e])
            return f"{case} first" if index == 0 else case
    return "plain"


def by_case(docs: list[dict]) -> dict[str, Counter]:
    """Casing -> Counter of outcome kinds."""
    counts: dict[str, Counter] = {}
    for key, items in outcomes(docs).items():
        kind = key.split()[0]
        for doc, gold, pred in items:
            mention = gold if gold is not None else pred
            counts.setdefault(sentence_case(doc, mention[0]), Counter())[kind] += 1
    return counts


def oracle_f1(docs: list[dict], cases: tuple[str, ...]) -> float:
    """F1 with the predictions on sentences of ``cases`` replaced by the gold mentions there."""
    fixed = []
    for doc in docs:
        inside = {tuple(m) for m in doc["gold"] if sentence_case(doc, m[0]).split()[0] in cases}
        pred = [m for m in doc["pred"] if sentence_case(doc, m[0]).split()[0] not in cases]
        fixed.append({**doc, "pred": pred + [list(m) for m in inside]})
    return scores(fixed)["all"][2]


def report(corpus: str, docs: list[dict], examples: int) -> str:
    counts = by_case(docs)
    lines = [f"## {corpus}", "", "| sentence | sentences | " + " | ".join(KINDS) + " |", "|---|---|" + "---|" * len(KINDS)]
    sentences = Counter(sentence_case(doc, s) for doc in docs for s, _ in (doc.get("sents") or [(0, 0)]))
    for case in sorted(set(counts) | set(sentences)):
        lines.append(f"| {case} | {sentences[case]} | " + " | ".join(str(counts.get(case, Counter())[k]) for k in KINDS) + " |")
    f1 = scores(docs)["all"][2]
    lines += ["", f"F1 {f1:.3f}; with every Title Case / ALL CAPS line right: {oracle_f1(docs, HEADLINE_CASES):.3f}", ""]
    shown = 0
    for key, items in sorted(outcomes(docs).items()):
        if key.startswith("correct"):
            continue
        for doc, gold, pred in items:
            mention = gold if gold is not None else pred
            if shown < examples and sentence_case(doc, mention[0]).split()[0] in HEADLINE_CASES:
                lines.append(f"- {key}: {_show(doc, mention)}" + (f" (pred {doc['text'][pred[0] : pred[1]]!r})" if pred and gold else ""))
                shown += 1
    return "\n".join(lines)


def diff(before: dict[str, list[dict]], after: dict[str, list[dict]]) -> str:
    """The predictions ``after`` lost (``-``) and gained (``+``), each marked ``gold`` when it is one."""
    lines = []
    for corpus, docs in after.items():
        for old, new in zip(before.get(corpus, []), docs):
            gold = {tuple(m) for m in new["gold"]}
            lost, gained = {tuple(m) for m in old["pred"]} - {tuple(m) for m in new["pred"]}, {tuple(m) for m in new["pred"]} - {tuple(m) for m in old["pred"]}
            for sign, mentions in (("-", lost), ("+", gained)):
                for m in sorted(mentions):
                    lines.append(f"{corpus} {sign} {new['text'][m[0] : m[1]]!r} {m[2]}{' gold' if m in gold else ''}: {_show(new, m)}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("saved", type=Path, nargs="+", help="predictions from benchmarks/errors.py --save")
    parser.add_argument("--examples", type=int, default=10)
    parser.add_argument("--diff", action="store_true", help="the predictions the second file lost and gained against the first")
    args = parser.parse_args()
    if args.diff:
        load = [json.loads(path.read_text(encoding="utf8")) for path in args.saved[:2]]
        print(diff(load[0], load[1]))
        return
    for path in args.saved:
        for corpus, docs in json.loads(path.read_text(encoding="utf8")).items():
            print(report(f"{corpus} ({path.stem})", docs, args.examples))
            print()


if __name__ == "__main__":
    main()
