"""News entity extraction on spaCy: people, organisations and places, alias-linked, to Parquet."""

from __future__ import annotations

__version__ = "0.1.0"

from .base.collector import long_lived

with long_lived(collect=False):  # spaCy, thinc and pyarrow: modules a process keeps (pipeline/base/collector.py)
    from .base.extensions import register_extensions

    register_extensions()

    # After the extensions: a module named `load` would be shadowed by the function, so it is `tables`.
    from .writing.tables import RunTables, load, load_table

__all__ = ["__version__", "register_extensions", "load", "load_table", "RunTables"]
