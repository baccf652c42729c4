"""News entity extraction on spaCy: people, organisations and places, alias-linked, to Parquet."""

from __future__ import annotations

import os
import sys

__version__ = "0.1.0"

# Arrow's C++ code (the Parquet reader's page and decompression buffers among it) allocates from
# a default pool that is chosen once, when pyarrow loads, and that pyarrow.set_memory_pool does
# not change. Its default, mimalloc, keeps much of what a streamed file freed: streaming a
# 65,000-row registry file (3.7 MB) left a bare interpreter 67 MB more resident with mimalloc, 28 MB
# with jemalloc; an append of 1,000 articles to 20,000 peaked at 525 MB, 443 MB (benchmarks/append.md).
# Set here, before anything imports pyarrow; a value the user set wins. Windows wheels have no jemalloc.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system" if sys.platform == "win32" else "jemalloc")

from .base.collector import paused  # noqa: E402

with paused():  # spaCy, thinc and pyarrow: many objects, little garbage (pipeline/base/collector.py)
    from .base.extensions import register_extensions

    register_extensions()

    # After the extensions: a module named `load` would be shadowed by the function, so it is `tables`.
    from .writing.tables import RunTables, load, load_table

__all__ = ["__version__", "register_extensions", "load", "load_table", "RunTables"]
