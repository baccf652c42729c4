"""Appending 1,000 articles to a corpus of N: the figures in benchmarks/append.md.

    .venv/bin/python benchmarks/append.py [--sizes 1000 10000 100000] [--new 1000] [--repeats 2]
    .venv/bin/python benchmarks/append.py --reuse DIR [--trees . ../main] ...

With ``--reuse DIR``, the corpus of each size is grown once into ``DIR/corpus-N`` (the same
articles as without it) and kept there; each append is made to a fresh copy of it, so a rerun
(or another version of the code) appends the same articles to the same corpus. ``--trees`` names
checkouts of this repository whose code makes the appends (``PYTHONPATH`` and the working folder
of the command), interleaved append by append, so that versions compared run under the same load.
With ``--chain``, each tree's repeats append one after another to one copy, as daily runs do (the
registry's changes accumulate and are compacted every few appends), not each to a fresh copy.

Builds a synthetic corpus in a temporary folder (never in the repository) with ``run --append``,
growing it to each size N in turn, and at each size times ``repeats`` appends of ``new`` fresh
articles, each a fresh command (``python -m pipeline run NEW --output CORPUS --append``): wall
and CPU time of the command, peak RSS of its process (``wait4``), and from its ``run.json`` the seconds
spent processing the new articles, the seconds before it (``load``: model loading and reading
the corpus's document index) and after it (``rest``: resolving the summaries the new articles
touch, writing, the commit), how many registry summaries were resolved again and how many registry
document rows (a summary per document: what the runs' entity indexes point to) they stand for;
``summaries`` is the rows of the registry's summaries file (a name decided by strong keys alone is
one row there) as last written whole, ``summary_changes`` the rows of the runs' changes to it since. A plain run of ``new`` articles into a new folder is the
reference: what the same articles cost without a corpus.

The pipeline is cheap on purpose (a blank English pipeline with rule patterns for names, the
project's alias linker and label stages), so that what is measured is the append, not the
recogniser. Articles name people, organisations and places drawn from pools with a skewed
distribution (a few names in many articles, many in few), so the registry keeps growing with the
corpus as a news corpus does.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from processes import whole_process

ROOT = Path(__file__).resolve().parent.parent
SYLLABLES = ["ka", "lo", "mi", "ra", "ten", "vo", "sa", "dre", "nu", "bel", "cor", "fi", "ga", "hal", "jo", "per", "qui", "ros", "tam", "wen"]
#: Names drawn from pools of these sizes; ``random() ** SKEW`` favours the first ones. A surname
#: names a few people (first names drawn from FIRST_NAMES_PER_SURNAME of them), as in the news.
SURNAMES, FIRST_NAMES, FIRST_NAMES_PER_SURNAME, ORGS, PLACES, SKEW = 30_000, 300, 8, 6_000, 2_000, 3
CONFIG = """
[paths]
patterns = null

[nlp]
lang = "en"
pipeline = ["entity_rules","span_cleanup","label_mapper","alias_linker"]

[components]

[components.entity_rules]
factory = "span_ruler"
spans_key = "rules"
annotate_ents = true

[components.span_cleanup]
factory = "news_span_cleanup"

[components.label_mapper]
factory = "news_label_mapper"

[components.alias_linker]
factory = "news_alias_linker"

[initialize]

[initialize.components]

[initialize.components.entity_rules]
patterns = [
    {"label": "PERSON", "pattern": [{"TEXT": {"REGEX": "^[A-Z][a-z]+$"}}, {"TEXT": {"REGEX": "^[A-Z][a-z]+son$"}}]},
    {"label": "PERSON", "pattern": [{"TEXT": {"REGEX": "^[A-Z][a-z]+son$"}}]},
    {"label": "ORG", "pattern": [{"TEXT": {"REGEX": "^[A-Z][a-z]+$"}}, {"TEXT": "Group"}]},
    {"label": "GPE", "pattern": [{"TEXT": {"REGEX": "^[A-Z][a-z]+ville$"}}]}
    ]

[engine]
@misc = "news.engine.v1"
batch_size = 256
n_process = 1

[export]
@misc = "news.export.v1"
top_entities = 10
link_places = false
aliases = null
min_city_population = 100000
"""


def word(n: int, parts: int = 2) -> str:
    """A made-up capitalised word, different for every ``n``."""
    out = []
    for _ in range(parts):
        n, r = divmod(n, len(SYLLABLES))
        out.append(SYLLABLES[r])
    while n:
        n, r = divmod(n - 1, len(SYLLABLES))
        out.append(SYLLABLES[r])
    return "".join(out).capitalize()


def article(number: int, rng: random.Random) -> dict:
    """One synthetic news article (about 70 words, 5 entities, a surname repeated)."""

    def pick(pool: int) -> int:
        return int(pool * rng.random() ** SKEW)

    def person() -> tuple[str, str]:
        surname = pick(SURNAMES)
        first = (surname * 7 + pick(FIRST_NAMES_PER_SURNAME)) % FIRST_NAMES
        return word(first), word(surname) + "son"

    (first_a, sur_a), (first_b, sur_b) = person(), person()
    org, place, other = word(pick(ORGS), 3), word(pick(PLACES)) + "ville", word(pick(PLACES)) + "ville"
    text = (
        f"{place} -- {first_a} {sur_a} of the {org} Group met {first_b} {sur_b} in {other} on Tuesday.\n"
        f"{sur_a} said the talks with the {org} Group had gone well and that more meetings would follow in the coming weeks. "
        f"Officials in {place} said they expected {sur_b} to return next month, after the budget talks. "
        f"The meeting was the third this year, and local papers reported that both sides hoped for an agreement soon."
    )
    return {"id": f"n{number}", "text": text, "published": f"2026-{1 + number // 30000 % 12:02d}-{1 + number // 1000 % 28:02d}"}


def write_articles(path: Path, first: int, count: int, seed: int) -> Path:
    rng = random.Random(seed)
    with path.open("w", encoding="utf8") as handle:
        for number in range(first, first + count):
            handle.write(json.dumps(article(number, rng)) + "\n")
    return path


def command(inputs: Path, output: Path, config: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", "run", str(inputs), "--output", str(output), "--config", str(config), *extra]


def timed(cmd: list[str], tree: Path = ROOT) -> dict:
    """Run ``cmd`` with the code of ``tree`` (a checkout of this repository); its wall and CPU
    seconds (user and system: what a shared machine's load changes least) and peak RSS (MB)."""
    if tree != ROOT:
        cmd = ["env", f"PYTHONPATH={tree}", *cmd]
    measured = whole_process(cmd, cwd=tree)
    return {
        "wall_seconds": round(measured["wall_seconds"], 2),
        "cpu_seconds": round(measured["cpu_seconds"], 2),
        "peak_rss_mb": round(measured["max_rss_mb"], 1),
    }


def measure(output: Path, new: Path, config: Path, *extra: str, tree: Path = ROOT) -> dict:
    figures = timed(command(new, output, config, *extra), tree)
    record = json.loads((output / "run.json").read_text(encoding="utf8"))
    processing, load = record["processing_seconds"], record["load_seconds"]
    figures.update(processing_seconds=processing, rest_seconds=round(record["seconds"] - processing - load, 2), load_seconds=load)
    figures["resolved_summaries"], figures["resolved_rows"] = record.get("resolved_summaries"), record.get("resolved_rows")
    figures["index_rows_read"] = record.get("index_rows_read")
    return figures


def reused(args: argparse.Namespace, base: Path, config: Path) -> list[dict]:
    """The appends of ``--reuse``: each size's corpus grown once into ``args.reuse`` (kept), and
    each append made by every tree of ``args.trees`` in turn to a fresh copy of it in ``base``."""
    rows, size = [], 0
    for seed, target in enumerate(args.sizes, 1):
        kept = args.reuse / f"corpus-{target}"
        if not kept.is_dir():
            previous = args.reuse / f"corpus-{size}"
            if previous.is_dir():
                shutil.copytree(previous, kept)
            grow = write_articles(base / "grow.jsonl", size, target - size, seed)
            subprocess.run(command(grow, kept, config, "--append", "--n-process", str(args.grow_processes)), cwd=ROOT, check=True, capture_output=True)
        size = target
        for repeat in range(args.repeats):
            new = write_articles(base / "new.jsonl", 10**8 + target + repeat * args.new, args.new, 1000 + repeat)
            for number, tree in enumerate(args.trees):
                corpus = base / f"corpus-{number}"
                if not (args.chain and repeat):  # else the corpus the tree's last append left
                    shutil.rmtree(corpus, ignore_errors=True)
                    shutil.copytree(kept, corpus)
                figures = measure(corpus, new, config, "--append", "--n-process", "1", tree=tree)
                rows.append({"corpus": target, "size": target, "tree": str(tree), "what": f"append {args.new:,}", **figures, **corpus_figures(corpus)})
                print(json.dumps(rows[-1]), file=sys.stderr)
    return rows


def corpus_figures(output: Path) -> dict:
    import pyarrow.parquet as pq

    summaries = pq.read_metadata(output / "registry" / "summaries.parquet").num_rows
    changes = sum(pq.read_metadata(path).num_rows for path in (output / "registry" / "summary_changes").glob("run_id=*/*.parquet"))
    entities = pq.read_metadata(output / "corpus_entities.parquet").num_rows
    size = sum(p.stat().st_size for p in output.rglob("*") if p.is_file())
    return {"summaries": summaries, "summary_changes": changes, "corpus_entities": entities, "corpus_mb": round(size / 1e6, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--new", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--grow-processes", type=int, default=2, help="--n-process of the (unmeasured) runs that grow the corpus")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--reuse", type=Path, help="grow each size's corpus once into this folder (kept) and append to copies of it")
    parser.add_argument("--trees", type=Path, nargs="+", default=[ROOT], help="with --reuse: checkouts whose code makes the appends, interleaved")
    parser.add_argument(
        "--chain", action="store_true", help="with --reuse: each tree's repeats append one after another to one copy (which grows), not each to a fresh copy"
    )
    args = parser.parse_args()
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="append-bench-") as tmp:
        base = Path(tmp)
        config = base / "rules.cfg"
        config.write_text(CONFIG, encoding="utf8")
        if args.reuse:
            args.reuse.mkdir(parents=True, exist_ok=True)
            args.trees = [tree.resolve() for tree in args.trees]
            report(reused(args, base, config), args)
            return
        corpus, size, seed = base / "corpus", 0, 0
        reference = measure(base / "plain", write_articles(base / "plain.jsonl", 10**9, args.new, seed), config)
        rows.append({"corpus": 0, "what": f"plain run of {args.new:,} (no corpus)", **reference})
        print(json.dumps(rows[-1]), file=sys.stderr)
        for target in args.sizes:
            seed += 1
            grow = write_articles(base / "grow.jsonl", size, target - size, seed)
            started = time.perf_counter()
            subprocess.run(command(grow, corpus, config, "--append", "--n-process", str(args.grow_processes)), cwd=ROOT, check=True, capture_output=True)
            print(f"grew the corpus to {target:,} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
            size = target
            for _ in range(args.repeats):
                seed += 1
                new = write_articles(base / "new.jsonl", 10**8 + size, args.new, seed)
                figures = measure(corpus, new, config, "--append", "--n-process", "1")
                rows.append({"corpus": size, "size": target, "what": f"append {args.new:,}", **figures, **corpus_figures(corpus)})
                print(json.dumps(rows[-1]), file=sys.stderr)
                size += args.new
    report(rows, args)


def report(rows: list[dict], args: argparse.Namespace) -> None:
    """Print the figures (a table, and the medians per size and tree) and write them to ``--json``."""
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"
    print(f"Machine: {machine}\n")
    columns = ["corpus", "tree", "what", "wall_seconds", "cpu_seconds", "processing_seconds", "rest_seconds", "load_seconds", "peak_rss_mb"]
    columns += ["resolved_summaries", "resolved_rows", "index_rows_read", "summaries", "summary_changes", "corpus_entities", "corpus_mb"]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(f"{row[c]:,}" if isinstance(row.get(c), int) else str(row.get(c, "")) for c in columns) + " |")
    for figure in ("wall_seconds", "cpu_seconds", "processing_seconds", "rest_seconds", "load_seconds", "peak_rss_mb"):
        by_size: dict[tuple[str, int], list[float]] = {}
        for row in rows:
            if row["corpus"]:
                by_size.setdefault((row.get("tree", ""), row["size"]), []).append(row[figure])
        medians = ", ".join(f"{tree + ' ' if len(args.trees) > 1 else ''}N={n:,}: {statistics.median(v):.2f}" for (tree, n), v in by_size.items())
        print(f"\nMedian {figure} per append: {medians}", end="")
    print()
    if args.json:
        args.json.write_text(json.dumps({"machine": machine, "rows": rows}, indent=2) + "\n", encoding="utf8")


if __name__ == "__main__":
    main()
