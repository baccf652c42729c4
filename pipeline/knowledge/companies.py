"""Listed companies, offline: the constituents of the stock indices pytickersymbols carries.

pytickersymbols (MIT; its data generated from Wikipedia's index pages) lists about 1,800 companies
of twenty indices (S&P 500, FTSE 100, DAX, CAC 40, Nikkei 225, ...). News writes a company by its
listed name (``Morgan Stanley``) or without its legal form (``Volkswagen`` for ``Volkswagen
Group``, ``Walt Disney`` for ``The Walt Disney Company``): :func:`company_forms` gives both, from
a list of legal forms that is data (``configs/evidence/legal_forms.txt``). The name evidence
(:mod:`pipeline.components.evidence`) reads these forms as evidence of an organisation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from .names import fold

#: A listed name's qualifier in brackets (``Viasat (American company)``) and a comma before a legal
#: form (``Palomar Holdings, Inc.``) are not written in running text.
_BRACKETED = re.compile(r"\s*\([^)]*\)")
_WORD = re.compile(r"[\w.&'’-]+")


@lru_cache(maxsize=1)
def listed_company_names() -> tuple[str, ...]:
    """The names of every company in pytickersymbols' indices, sorted, each once."""
    from pytickersymbols import PyTickerSymbols

    return tuple(sorted({stock["name"] for stock in PyTickerSymbols().get_all_stocks() if stock.get("name")}))


def company_forms(name: str, legal_forms: Iterable[str]) -> Iterator[str]:
    """``name`` as listed (without a bracketed qualifier) and without its leading ``The`` and
    trailing legal forms (folded words of ``legal_forms``: ``Inc``, ``Group``, ``plc``).

    ``The Walt Disney Company`` -> ``The Walt Disney Company``, ``Walt Disney``;
    ``Palomar Holdings, Inc.`` -> ``Palomar Holdings, Inc.``, ``Palomar``."""
    legal = frozenset(legal_forms)
    listed = _BRACKETED.sub("", name).strip()
    if not listed:
        return
    yield listed
    words = _WORD.findall(listed)
    if words and words[0].lower() == "the":
        words = words[1:]
    while len(words) > 1 and (fold(words[-1].rstrip(".")) in legal or words[-1] in {"&", "and"}):
        words = words[:-1]
    short = " ".join(words)
    if short and short != listed:
        yield short
