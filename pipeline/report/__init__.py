"""The visual report of a run: ``python -m pipeline report DIR`` writes one self-contained HTML page.

``articles`` renders highlighted articles (displaCy), ``charts`` draws inline SVG, ``stats``
computes what the charts show, ``page`` puts the page together.
"""

from __future__ import annotations

from ..config.settings import ReportSettings
from .page import REPORT_NAME, build_report, write_report

__all__ = ["REPORT_NAME", "ReportSettings", "build_report", "write_report"]
