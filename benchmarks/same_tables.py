"""Are two runs' tables identical? The check behind "behaviour unchanged" for a refactoring.

    .venv/bin/python benchmarks/same_tables.py BEFORE_DIR AFTER_DIR

Reads every table of ``pipeline/writing/schema.py`` from both run folders (the ``--output`` of two runs,
say one from ``main`` and one from a branch, on the same input) and compares them with pandas,
row order and types included; prints one line per table and exits 1 on the first difference.

Two grown corpora (``run --append``) are compared as their readers and the next append read them:
``pipeline.load``'s tables (``runs`` but its times), ``corpus_entities.parquet`` as it is, the
registry as :class:`~pipeline.writing.store.CorpusStore` reads it (the summaries with every run's
changes laid over them, every id given, the votes, the redirects, every run's index and document
rows), whatever files it is kept in.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.writing.schema import TABLES  # noqa: E402
from pipeline.writing.writer import table_path  # noqa: E402

#: ``runs``' columns that differ between two appends of the same articles.
TIMES = ["started", "finished", "seconds"]


def plain(folder: Path) -> Iterator[tuple[str, Callable[[], pd.DataFrame]]]:
    for name in TABLES:
        yield name, lambda name=name: pd.read_parquet(table_path(folder, name))


def grown(folder: Path) -> Iterator[tuple[str, Callable[[], pd.DataFrame]]]:
    import pipeline
    from pipeline.writing.store import CorpusStore

    loaded, store = pipeline.load(folder), CorpusStore(folder)
    for name in loaded:
        yield f"load: {name}", lambda name=name: loaded[name].drop(columns=TIMES if name == "runs" else [])
    yield "corpus_entities.parquet", lambda: pd.read_parquet(table_path(folder, "corpus_entities"))
    tables = store.registry_tables()
    assert tables is not None
    summaries, canonical_ids, redirects, folded = tables
    votes = store.votes()
    yield "registry: summaries", lambda: summaries.table().to_pandas()
    yield "registry: canonical ids", lambda: canonical_ids.table().to_pandas()
    yield "registry: redirects", lambda: redirects.to_pandas()
    yield "registry: document rows of name rows", lambda: folded.table().to_pandas()
    yield "registry: votes", lambda: votes.table().to_pandas() if votes is not None else pd.DataFrame()
    for table in ("documents", "entities"):
        yield f"registry: {table} index", lambda table=table: pd.concat([part.to_pandas() for _, part in store.index(table)], ignore_index=True)


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    before, after = (Path(arg) for arg in sys.argv[1:])
    tables = grown if (before / "registry" / "summaries.parquet").is_file() else plain
    for (name, expected), (_, got) in zip(tables(before), tables(after), strict=True):
        try:
            pd.testing.assert_frame_equal(expected(), got(), obj=name)
        except AssertionError as err:
            sys.exit(f"{name}: different\n{err}")
        print(f"{name}: {len(expected()):,} rows, identical")


if __name__ == "__main__":
    main()
