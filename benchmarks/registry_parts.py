"""Would splitting the registry by a hash of its block keys let an append read and rewrite only
part of it? The figures in benchmarks/append.md ("a registry in parts?").

    .venv/bin/python benchmarks/registry_parts.py [--sizes 20000 100000] [--new 1000] [--parts 64 256 1024 4096 16384]
    .venv/bin/python benchmarks/registry_parts.py --corpus CORPUS --new-run NEW_RUN

Grows the synthetic corpus of ``benchmarks/append.py`` (same articles, same cheap pipeline) to
each size in a temporary folder, and runs ``new`` fresh articles into a folder of their own
(or takes a grown ``CORPUS`` and a plain run ``NEW_RUN`` of the articles an append would add).
Nothing is appended. For the run's summaries, this finds the registry rows an append resolves
again (:meth:`~pipeline.corpus.registry.Registry._touched`, the same search an append makes) and,
for each number of parts, with every registry row in the part of a hash of one of its block keys
(its smallest), how many parts hold a touched row or receive a new one (what an append would read
and rewrite), the share of the registry's rows those parts hold, and how many parts of an index
of block keys (keyed by a hash of the key) the search would read. It also counts the rows the
registry (and its touched part) would have if the rows of one name decided by strong keys alone
were kept as one row (``rows_as_groups``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from pipeline.corpus.registry import BLOCK_KEYS, Registry  # noqa: E402
from pipeline.corpus.resolve import CorpusResolver, settled_key  # noqa: E402
from pipeline.corpus.rows import summary_keys  # noqa: E402
from pipeline.writing.store import CorpusStore  # noqa: E402


def key_hash(key: str) -> int:
    """A block key as a 64-bit integer (BLAKE2b): which part it goes to, modulo the parts."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf8"), digest_size=8).digest(), "little")


def figures(corpus: Path, new_run: Path, parts: list[int]) -> dict:
    """The shares of parts and rows an append of ``new_run``'s articles to ``corpus`` would touch."""
    new = CorpusResolver.from_tables([pq.read_table(new_run / "entities.parquet")])
    new_blocks = {key: sorted(new.block_keys(key)) for key in new.summaries()}
    run_keys = set().union(*new_blocks.values())
    tables = CorpusStore(corpus).registry_tables()
    assert tables is not None, f"{corpus} has no registry: build it with run --append"
    registry = Registry.stored(*tables)
    touched = registry._touched(new_blocks).to_numpy()
    stored = registry.summaries.table()
    ids = stored.column("summary_id").to_numpy()
    lists = stored.column(BLOCK_KEYS).to_pylist()
    row_hash = np.array([key_hash(min(keys)) for keys in lists], np.uint64)
    is_touched = np.isin(ids, touched)
    touched_keys = set(run_keys).union(*(keys for keys, hit in zip(lists, is_touched) if hit))
    new_hash = np.array([key_hash(min(keys)) for keys in new_blocks.values() if keys], np.uint64)
    key_hashes = np.array([key_hash(key) for key in touched_keys], np.uint64)
    out = {
        "registry_rows": len(ids), "touched_rows": int(is_touched.sum()), "run_summaries": len(new_blocks),
        "block_keys_searched": len(touched_keys), **kept_as_groups(stored, is_touched), "parts": [],
    }  # fmt: skip
    for n in parts:
        part = row_hash % np.uint64(n)
        read = np.unique(np.concatenate([part[is_touched], new_hash % np.uint64(n)]))
        rows_in = int(np.isin(part, read).sum())
        out["parts"].append(
            {
                "parts": n, "parts_touched": len(read), "parts_with_touched_rows": len(np.unique(part[is_touched])),
                "rows_in_touched_parts": rows_in, "share_of_rows": round(rows_in / max(len(ids), 1), 3),
                "index_parts_read": len(np.unique(key_hashes % np.uint64(n))), "mean_rows_per_part": round(len(ids) / n),
            }
        )  # fmt: skip
    return out


def kept_as_groups(stored: pa.Table, is_touched: np.ndarray) -> dict:
    """How many rows the registry (and the touched part of it) would be if the rows of one name
    decided by strong keys alone (one settled key, one id) were kept as one row, and only short
    forms (:meth:`~pipeline.corpus.resolve.CorpusResolver.always_alone`) a row per document."""
    resolver = CorpusResolver()
    groups: dict[tuple, bool] = {}  # settled key and id -> touched
    alone = touched_alone = 0
    for key, canonical_id, hit in zip(summary_keys(stored), stored.column("canonical_id").to_pylist(), is_touched.tolist()):
        if resolver.always_alone(settled_key(key)):
            alone, touched_alone = alone + 1, touched_alone + hit
        else:
            group = (settled_key(key), canonical_id)
            groups[group] = groups.get(group, False) or hit
    return {"rows_as_groups": alone + len(groups), "touched_rows_as_groups": touched_alone + sum(groups.values())}


def grown(sizes: list[int], new: int, base: Path) -> Iterator[tuple[int, Path, Path]]:
    """``(size, corpus, new run)``: append.py's corpus grown to each size in ``base``, and a plain run of ``new`` fresh articles."""
    import append

    config = base / "rules.cfg"
    config.write_text(append.CONFIG, encoding="utf8")
    size, corpus = 0, base / "corpus"
    for seed, target in enumerate(sizes, 1):
        grow = append.write_articles(base / "grow.jsonl", size, target - size, seed)
        subprocess.run(append.command(grow, corpus, config, "--append", "--n-process", "2"), cwd=ROOT, check=True, capture_output=True)
        articles = append.write_articles(base / "new.jsonl", 10**8 + target, new, 100 + seed)
        run = base / f"new-{target}"
        subprocess.run(append.command(articles, run, config), cwd=ROOT, check=True, capture_output=True)
        size = target
        yield size, corpus, run


def report(result: dict) -> None:
    print(json.dumps({k: v for k, v in result.items() if k != "parts"}))
    print("| parts | parts touched | of which with a row resolved again | rows in them | share of the registry | index parts read |")
    print("|---:|---:|---:|---:|---:|---:|")
    for row in result["parts"]:
        print(
            f"| {row['parts']:,} | {row['parts_touched']:,} | {row['parts_with_touched_rows']:,} | {row['rows_in_touched_parts']:,} | {row['share_of_rows']:.0%} | {row['index_parts_read']:,} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[20000, 100000])
    parser.add_argument("--new", type=int, default=1000)
    parser.add_argument("--corpus", type=Path, help="a grown corpus (instead of growing one)")
    parser.add_argument("--new-run", type=Path, help="with --corpus: a plain run of the articles to append")
    parser.add_argument("--parts", type=int, nargs="+", default=[64, 256, 1024, 4096, 16384])
    args = parser.parse_args()
    if args.corpus:
        report(figures(args.corpus, args.new_run, args.parts))
        return
    with tempfile.TemporaryDirectory(prefix="registry-parts-") as tmp:
        for size, corpus, run in grown(args.sizes, args.new, Path(tmp)):
            print(f"\nCorpus of {size:,}, {args.new:,} new articles:")
            report({"corpus": size, **figures(corpus, run, args.parts)})


if __name__ == "__main__":
    main()
