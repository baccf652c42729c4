"""The report's Jinja2 templates (``templates/``, shipped as package data), autoescaped.

``.html`` and ``.svg`` templates escape every value they insert; a value that is already markup
(a chart, displaCy's highlighted text) is passed as :class:`markupsafe.Markup` and kept as is.
The ``.css`` and ``.js`` files are included verbatim.
"""

from __future__ import annotations

import functools
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

AUTOESCAPED = ("html", "svg")


def thousands(value: int | float | None) -> str:
    """A count with thousands separators; nothing for a missing value."""
    return "" if value is None else f"{value:,.0f}"


def number(value: float) -> str:
    """A whole number without decimals, any other with two."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def pixels(value: float) -> str:
    """A coordinate in the SVG, to a tenth of a pixel."""
    return f"{value:.1f}"


@functools.lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("pipeline.report", "templates"),
        autoescape=select_autoescape(AUTOESCAPED),
        undefined=StrictUndefined,  # a misspelt name fails the report instead of printing nothing
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(thousands=thousands, number=number, px=pixels)
    return env


def render(template: str, **context: Any) -> Markup:
    """``template`` rendered with ``context``, as markup another template inserts unescaped."""
    return Markup(environment().get_template(template).render(**context))
