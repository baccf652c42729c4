"""The one console and logger the package talks through (no bare ``print`` in library code)."""

from __future__ import annotations

import logging

from rich.console import Console
from rich.logging import RichHandler

# soft_wrap: messages stay one line when piped or logged, so they can be grepped.
console = Console(stderr=True, soft_wrap=True)
logger = logging.getLogger("pipeline")


def setup_logging(verbose: bool = False) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(message)s",
        handlers=[RichHandler(console=console, show_path=False, show_time=False)],
        force=True,
    )
    # spaCy logs each initialization step at INFO; a run has its own progress display.
    logging.getLogger("spacy").setLevel(logging.DEBUG if verbose else logging.WARNING)
