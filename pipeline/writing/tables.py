"""A run's tables read back: ``pipeline.load(DIR)`` for notebooks, reports and tests.

A table is either one Parquet file (``DIR/mentions.parquet``, the local engine) or a folder of
Parquet parts (``DIR/mentions/part.0.parquet``, ..., as the Dask engine may write). Either way it
comes back as one pandas DataFrame with dtypes a notebook can use as they are:

- integers as nullable ``Int64`` (``line`` is null for whole files; joins on ``sentence_id``
  between tables need one integer type), floats as nullable ``Float64``;
- strings as the nullable ``string`` dtype (missing values are ``pd.NA``, as for the integers);
- lists (``aliases``) as Python lists, not NumPy arrays.

Tables the schema does not know are not loaded; columns it does not know (``latitude``) are,
with the same dtype rules.

A corpus grown by appends (``run --append``, :mod:`pipeline.writing.store`) keeps one part per run
(``DIR/documents/run_id=r0002/part-0.parquet``): its tables come back whole, with a ``run_id``
column, its ``canonical_redirects`` and ``runs`` tables too, and every ``canonical_id`` of
``entities`` and ``mentions`` as it is now (parts written by earlier runs keep the ids of their
day; the registry says where each entity is now).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..base.console import logger
from .schema import CORPUS_TABLES, TABLES

if TYPE_CHECKING:  # pandas is imported when a table is loaded: a run never needs it (0.4 s of start-up)
    import pandas as pd

PARQUET_SUFFIX = ".parquet"
RUN_METADATA = "run.json"
#: A grown corpus's registry: every summary's current canonical id, every entity row's summary.
REGISTRY_SUMMARIES = "registry/summaries.parquet"
#: The rows of the summaries that each run since they were last written whole changed (the newest wins;
#: a removed row's ``canonical_id`` is null): pipeline/writing/store.py.
REGISTRY_SUMMARY_CHANGES = "registry/summary_changes"
REGISTRY_ENTITIES = "registry/entities"
#: The document rows of the registry's name rows, per run: an entity row's summary may be one of them.
REGISTRY_FOLDED = "registry/folded"


class RunNotFoundError(FileNotFoundError):
    """A folder that holds none of a run's tables."""


class RunTables(Mapping[str, "pd.DataFrame"]):
    """A run's tables by name (``run["mentions"]`` or ``run.mentions``), its folder and ``run.json``."""

    def __init__(self, path: Path, tables: dict[str, pd.DataFrame], metadata: dict[str, Any]) -> None:
        self.path = path
        self.metadata = metadata
        self._tables = tables

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self._tables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)

    def __getattr__(self, name: str) -> pd.DataFrame:
        # Only called when normal lookup fails: table names become attributes.
        tables = self.__dict__.get("_tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(f"{type(self).__name__} has no table or attribute {name!r}; tables: {', '.join(tables)}")

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}={len(df):,}" for name, df in self._tables.items())
        return f"RunTables({str(self.path)!r}: {sizes})"


def load(run_dir: Path | str) -> RunTables:
    """Every table of the run in ``run_dir`` as a DataFrame, with ``run.json`` as ``.metadata``.

    A table the folder lacks (a run from an older version) comes back empty with its schema's
    columns, and a warning is logged. Raises :class:`RunNotFoundError` when the folder holds
    none of the tables.
    """
    folder = Path(run_dir)
    if not folder.is_dir():
        raise RunNotFoundError(f"Run folder {folder} not found; write one with `python -m pipeline run INPUT --output {folder}`.")
    present = [name for name in TABLES if table_files(folder, name, missing_ok=True)]
    if not present:
        raise RunNotFoundError(
            f"{folder} holds none of the tables {', '.join(TABLES)} (as NAME.parquet or a folder NAME/ of parts); "
            f"is it the --output folder of `python -m pipeline run`?"
        )
    tables: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        if name not in present:
            logger.warning("%s: no %s table; it is loaded empty.", folder, name)
        tables[name] = load_table(folder, name)
    tables.update({name: load_table(folder, name) for name in CORPUS_TABLES if table_files(folder, name, missing_ok=True)})
    _current_ids(folder, tables)
    metadata_path = folder / RUN_METADATA
    metadata = json.loads(metadata_path.read_text(encoding="utf8")) if metadata_path.exists() else {}
    return RunTables(folder, tables, metadata)


def load_table(run_dir: Path | str, name: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """One table of the run in ``run_dir`` as a DataFrame (only ``columns``, when given)."""
    schema = TABLES.get(name)
    files = table_files(Path(run_dir), name, missing_ok=True)
    if not files:
        if schema is None:
            raise RunNotFoundError(f"No table {name!r} in {run_dir} (looked for {name}{PARQUET_SUFFIX} and {name}/).")
        empty = schema.empty_table()
        return to_pandas(empty.select(list(columns)) if columns else empty)
    parts = [_read_part(Path(run_dir), path, columns) for path in files]
    # Parts written by different workers may differ in string width or nullability.
    table = pa.concat_tables(parts, promote_options="permissive") if len(parts) > 1 else parts[0]
    return to_pandas(table)


def table_files(run_dir: Path, name: str, *, missing_ok: bool = False) -> list[Path]:
    """The Parquet file(s) of table ``name``: ``[DIR/name.parquet]``, or the parts in ``DIR/name/``
    (or in a folder ``DIR/name.parquet/``).

    Parts are in natural order (``part.2`` before ``part.10``), so rows keep the order they were
    written in. DuckDB reads the same list: ``read_parquet([...])``.
    """
    single = Path(run_dir) / f"{name}{PARQUET_SUFFIX}"
    # A folder of parts is `name/` or, as `dask.dataframe.to_parquet` names it, `name.parquet/`.
    folders = [path for path in (Path(run_dir) / name, single) if path.is_dir()]
    if (single.is_file() and folders) or len(folders) > 1:
        found = ", ".join(str(p) for p in ([single] if single.is_file() else []) + folders)
        raise ValueError(f"Table {name!r} is stored twice ({found}); remove the stale one and load again.")
    if single.is_file():
        return [single]
    if folders:
        folder = folders[0]
        # Skip Dask's _metadata/_common_metadata and hidden or staging files.
        parts = [p for p in folder.rglob(f"*{PARQUET_SUFFIX}") if not p.name.startswith(("_", "."))]
        return sorted(parts, key=_natural_key)
    if missing_ok:
        return []
    raise RunNotFoundError(f"No table {name!r} in {run_dir} (looked for {single.name} and {name}/).")


def duckdb_sources(run_dir: Path | str) -> dict[str, str]:
    """A DuckDB ``SELECT`` for every table of the run in ``run_dir`` (``create view NAME as ...``):
    the same rows as :func:`load`, a grown corpus's ``run_id`` and current ``canonical_id`` included."""
    folder = Path(run_dir)
    registry = sorted((folder / REGISTRY_ENTITIES).glob(f"run_id=*/*{PARQUET_SUFFIX}"))
    # Every summary's id now: the newest of the summaries' and the later runs' changes to them.
    layers = " union all ".join(
        f"select summary_id, canonical_id, {layer} as layer from read_parquet('{path}')" for layer, path in enumerate(_summary_files(folder))
    )
    summaries = f"(select summary_id, canonical_id from ({layers}) qualify row_number() over (partition by summary_id order by layer desc) = 1)"
    # An entity row's summary is a row of the registry, or a document row of a name row (the
    # name's id; once the name is made short, its document rows are rows of their own, found first).
    named = (folder / REGISTRY_FOLDED).is_dir()
    name_join = f"left join {summaries} n on x.name_id = n.summary_id " if named else ""
    name_id = "n.canonical_id, " if named else ""
    sources = {}
    for name in [*TABLES, *CORPUS_TABLES]:
        files = [str(path) for path in table_files(folder, name, missing_ok=True)]
        if not files:
            continue
        in_parts = files != [str(folder / f"{name}{PARQUET_SUFFIX}")]  # a grown corpus's run_id=<run>/ folders
        read = f"read_parquet({files!r}, hive_partitioning = {str(in_parts).lower()})"
        if name in ("entities", "mentions") and registry and (folder / REGISTRY_SUMMARIES).is_file():
            sources[name] = (
                f"select t.* replace (coalesce(s.canonical_id, {name_id}t.canonical_id) as canonical_id) from {read} t "
                f"left join read_parquet({[str(p) for p in registry]!r}, hive_partitioning = false, union_by_name = true) x using (entity_id) "
                f"left join {summaries} s on x.summary_id = s.summary_id {name_join}"
            )
        else:
            sources[name] = f"select * from {read}"
    return sources


def _read_part(run_dir: Path, path: Path, columns: Sequence[str] | None) -> pa.Table:
    """One Parquet file of a table, with the values of its folders named ``key=value`` (a grown
    corpus's ``run_id``) as columns."""
    inside = path.relative_to(run_dir).parent.parts[1:]
    keys = dict(part.split("=", 1) for part in inside if "=" in part)
    table = pq.read_table(path, columns=[c for c in columns if c not in keys] if columns else None)
    for key, value in keys.items():
        if key not in table.column_names and (not columns or key in columns):
            table = table.append_column(key, pa.array([value] * table.num_rows, pa.string()))
    return table


def _current_ids(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Set ``canonical_id`` in ``entities`` and ``mentions`` of a grown corpus to each entity's
    id now (from the registry), whatever the run that wrote the row gave it."""
    summaries = folder / REGISTRY_SUMMARIES
    parts = sorted((folder / REGISTRY_ENTITIES).glob(f"run_id=*/*{PARQUET_SUFFIX}"))
    if not summaries.is_file() or not parts:
        return
    layers = pa.concat_tables([pq.read_table(path, columns=["summary_id", "canonical_id"]) for path in _summary_files(folder)])
    ids = layers.to_pandas().drop_duplicates("summary_id", keep="last").set_index("summary_id").canonical_id  # the newest change wins
    read = [pq.read_table(part, columns=[c for c in ("entity_id", "summary_id", "name_id") if c in pq.read_schema(part).names]) for part in parts]
    rows = pa.concat_tables(read, promote_options="default").to_pandas()
    # A row of the registry (found first), or a document row of a name row: the name's id.
    now = rows.summary_id.map(ids)
    if "name_id" in rows:
        now = now.fillna(rows.name_id.map(ids))
    now = now.set_axis(rows.entity_id).dropna()
    for name in ("entities", "mentions"):
        frame = tables[name]
        frame["canonical_id"] = frame.entity_id.map(now).fillna(frame.canonical_id).astype(frame.canonical_id.dtype)


def _summary_files(folder: Path) -> list[Path]:
    """The registry's summaries and every later run's changes to them, oldest first."""
    return [folder / REGISTRY_SUMMARIES, *sorted((folder / REGISTRY_SUMMARY_CHANGES).glob(f"run_id=*/*{PARQUET_SUFFIX}"), key=_natural_key)]


def to_pandas(table: pa.Table) -> pd.DataFrame:
    """``table`` as a DataFrame with nullable dtypes and list columns as Python lists."""
    import pandas as pd

    frame = table.to_pandas(types_mapper=_pandas_dtype)
    for field in table.schema:
        if pa.types.is_list(field.type) or pa.types.is_large_list(field.type):
            frame[field.name] = pd.Series(table.column(field.name).to_pylist(), index=frame.index, dtype=object)
    return frame


def _pandas_dtype(arrow_type: pa.DataType) -> Any:
    import pandas as pd

    if pa.types.is_integer(arrow_type):
        return pd.Int64Dtype()
    if pa.types.is_floating(arrow_type):
        return pd.Float64Dtype()
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return pd.StringDtype()
    if pa.types.is_boolean(arrow_type):
        return pd.BooleanDtype()
    return None


def _natural_key(path: Path) -> list[Any]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path.as_posix())]
