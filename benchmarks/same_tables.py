"""Are two runs' tables identical? The check behind "behaviour unchanged" for a refactoring.

    .venv/bin/python benchmarks/same_tables.py BEFORE_DIR AFTER_DIR

Reads every table of ``pipeline/writing/schema.py`` from both run folders (the ``--output`` of two runs,
say one from ``main`` and one from a branch, on the same input) and compares them with pandas,
row order and types included; prints one line per table and exits 1 on the first difference.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.writing.schema import TABLES  # noqa: E402
from pipeline.writing.writer import table_path  # noqa: E402


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    before, after = (Path(arg) for arg in sys.argv[1:])
    for name in TABLES:
        expected, got = pd.read_parquet(table_path(before, name)), pd.read_parquet(table_path(after, name))
        try:
            pd.testing.assert_frame_equal(expected, got, obj=name)
        except AssertionError as err:
            sys.exit(f"{name}: different\n{err}")
        print(f"{name}: {len(expected):,} rows, identical")


if __name__ == "__main__":
    main()
