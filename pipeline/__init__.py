"""News entity extraction on spaCy: people, organisations and places, alias-linked, to Parquet."""

from __future__ import annotations

__version__ = "0.1.0"

from .extensions import register_extensions

register_extensions()

__all__ = ["__version__", "register_extensions"]
