"""Long documents: one text processed whole vs in chunks (pipeline/base/chunking.py), side by side.

Each configuration runs in its own process (so peak memory is its own), on one long document
made of the demo article's paragraphs repeated. Prints time (median of --repeats), peak RSS,
and how many mentions agree with the whole-document run.

    .venv/bin/python benchmarks/chunking.py [--chars 200000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = {"whole": None, "chunks-100k": 100_000, "chunks-20k": 20_000}


def long_text(chars: int) -> str:
    from pipeline.readers import ArticleReader

    [article] = list(ArticleReader(boilerplate=[r"^\s*Post Comment"]).read([ROOT / "data" / "raw"]))
    paragraphs = [p for p in article.text.split("\n") if p.strip()]
    out, i = [], 0
    while sum(len(p) + 2 for p in out) < chars:
        out.append(paragraphs[i % len(paragraphs)])
        i += 1
    return "\n\n".join(out)


def one(name: str, chars: int, repeats: int) -> dict:
    from pipeline.base.chunking import Chunker
    from pipeline.config.build import load_pipeline

    nlp, _ = load_pipeline()
    text = long_text(chars)
    nlp.max_length = len(text) + 1
    max_chars = CONFIGS[name]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        doc = nlp(text) if max_chars is None else Chunker(max_chars=max_chars)(nlp, text)
        times.append(time.perf_counter() - start)
    return {
        "config": name,
        "chars": len(text),
        "tokens": len(doc),
        "seconds_median": round(statistics.median(times), 2),
        "words_per_second": round(len(doc) / statistics.median(times)),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "mentions": sorted((e.start_char, e.end_char, e.label_) for e in doc.ents),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chars", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.chars, args.repeats)))
        return
    print(
        f"machine: {platform.machine()}, {platform.processor() or '?'}; python {platform.python_version()}; {len(__import__('os').sched_getaffinity(0))} cores"
    )
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    results = []
    for name in CONFIGS:
        out = subprocess.run(
            [sys.executable, __file__, "--one", name, "--chars", str(args.chars), "--repeats", str(args.repeats)],
            cwd=ROOT, capture_output=True, text=True, check=True,
        )  # fmt: skip
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    whole = set(map(tuple, results[0]["mentions"]))
    print("| config | chars | tokens | median s | words/s | peak RSS MB | mentions | same as whole |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        mentions = set(map(tuple, r["mentions"]))
        print(
            f"| {r['config']} | {r['chars']:,} | {r['tokens']:,} | {r['seconds_median']} | {r['words_per_second']:,} | "
            f"{r['peak_rss_mb']:,} | {len(mentions):,} | {len(mentions & whole) / max(len(whole), 1):.1%} |"
        )


if __name__ == "__main__":
    main()
