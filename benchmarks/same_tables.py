"""Two runs wrote the same tables: the check behind every refactoring that must not change output.

Compares every table of two output folders (``python -m pipeline run ... --output DIR``) with
``pandas.testing.assert_frame_equal``: the same rows, in the same order, with the same values
and dtypes. Exits 1 and names the first difference of each table that differs.

    .venv/bin/python -m pipeline run data/raw --output /tmp/before --overwrite   # on the old code
    .venv/bin/python -m pipeline run data/raw --output /tmp/after --overwrite    # on the new code
    .venv/bin/python benchmarks/same_tables.py /tmp/before /tmp/after
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.schema import TABLES  # noqa: E402


def differences(before: Path, after: Path) -> dict[str, str]:
    """Table name -> what differs (empty when every table is the same)."""
    found: dict[str, str] = {}
    for name in TABLES:
        try:
            pd.testing.assert_frame_equal(
                pd.read_parquet(before / f"{name}.parquet"), pd.read_parquet(after / f"{name}.parquet"), obj=name
            )
        except (AssertionError, FileNotFoundError) as err:
            found[name] = str(err).strip()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args()
    found = differences(args.before, args.after)
    for name in TABLES:
        rows = len(pd.read_parquet(args.before / f"{name}.parquet")) if name not in found else None
        print(f"{name}: {'same' if name not in found else 'DIFFERENT'}" + (f" ({rows} rows)" if rows is not None else ""))
        if name in found:
            print("    " + found[name].replace("\n", "\n    "))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
