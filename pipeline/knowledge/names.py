"""Name utilities shared by the alias linker (within a document) and the corpus resolver.

Normalisation and keys (:func:`name_key`), the fullest of an entity's forms
(:func:`fullest_form`) and the union-find both use to cluster mentions (:class:`UnionFind`).
Pure functions on strings and integers: no spaCy objects, so they run the same in every engine.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

#: Weekdays and months, in full and abbreviated, lower case: a capitalised word that names no one
#: (``MONDAY, MAY 23``; ``34 - 12 Sunday``).
CALENDAR_WORDS = frozenset(w.lower() for w in (*calendar.day_name, *calendar.day_abbr, *calendar.month_name[1:], *calendar.month_abbr[1:]))

#: How an entity's ``context`` (entities table) says its document is a sports page: ``sport:cricket``.
SPORT_PREFIX = "sport:"
#: Lower-cased name particles that are not a name on their own (``al-Shaibani`` = ``Shaibani``).
PARTICLES = frozenset("al el ul bin ibn bint ben abu abd abdel abdul bou van von der den de da di du la le del dos".split())
#: Words that may open a possessive or a leading article in a span.
LEADING_ARTICLES = frozenset({"the"})
POSSESSIVE_SUFFIXES = ("'s", "’s", "'", "’")
#: Lower-cased titles written before a person's name (``President``, ``Prime Minister``, ``Dr.``):
#: ``news_span_cleanup`` trims them, and a name of titles only is no person's name.
PERSON_TITLES = (
    "mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady", "sheikh", "sheik",
    "president", "vice", "prime", "minister", "foreign", "interior", "defence", "defense",
    "secretary", "general", "gen", "col", "colonel", "lt", "major", "maj", "capt", "captain",
    "sgt", "king", "queen", "prince", "princess", "emir", "sultan", "pope", "imam", "rev",
    "senator", "sen", "rep", "representative", "governor", "gov", "mayor", "chancellor",
    "ambassador", "judge", "justice", "commander", "chief", "leader", "spokesman",
    "spokeswoman", "interim", "former", "late", "acting", "deputy", "premier",
)  # fmt: skip
#: Lower-cased generational suffixes written after a surname (``Arcade Joseph Comeaux Jr.``): no surname.
GENERATIONAL_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
#: Function words skipped when forming initials (``Bank of England`` -> ``BE``).
ACRONYM_STOPWORDS = frozenset({"of", "the", "and", "for", "in", "on", "&", "de", "la", "du"})

_SPLIT = re.compile(r"[\s\-‐‑–—_/]+")
_STRIP = re.compile(r"^[^\w]+|[^\w]+$")
_ACRONYM = re.compile(r"^(?:[A-Z]\.){2,}$|^[A-Z][A-Z0-9&]{1,7}$|^(?:[A-Z]\.)+[A-Z]\.?$")
#: Names whose tokens and keys a process keeps (every stage, the gazetteer and resolution ask for
#: the same names again and again: place names, the lexicon's, each entity's forms).
NAME_CACHE_SIZE = 1 << 17


def fold(text: str) -> str:
    """Case- and accent-insensitive form of ``text`` (``Shaibani`` ~ ``shaibani``)."""
    if text.isascii():  # no accents to take off (NFKD leaves ASCII as it is)
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def strip_possessive(text: str) -> str:
    """``Assad’s`` -> ``Assad``; leaves other text alone."""
    for suffix in POSSESSIVE_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


@lru_cache(maxsize=NAME_CACHE_SIZE)
def name_tokens(text: str) -> tuple[str, ...]:
    """Folded word tokens of a name, without a leading ``the`` or a trailing possessive.

    ``the Islamic State's`` -> ``("islamic", "state")``; ``al-Shaibani`` -> ``("al", "shaibani")``.
    """
    words = [_STRIP.sub("", w) for w in _SPLIT.split(strip_possessive(text.strip()))]
    words = [fold(w) for w in words if w]
    if len(words) > 1 and words[0] in LEADING_ARTICLES:
        words = words[1:]
    return tuple(words)


def core_tokens(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Name tokens without particles (``("al", "shaibani")`` -> ``("shaibani",)``).

    Keeps the tokens as they are when nothing but particles would remain (``Abu``).
    """
    core = tuple(t for t in tokens if t not in PARTICLES)
    return core or tokens


def is_acronym(text: str) -> bool:
    """True for ``IS``, ``ISIL``, ``U.S.``, ``NATO``; false for ``Iraq`` or ``I``."""
    return bool(_ACRONYM.match(text.strip()))


def acronym_key(text: str) -> str:
    """``U.S.`` -> ``US``: the letters of an acronym, without dots or spaces."""
    return re.sub(r"[.\s]", "", text).upper()


def initials(text: str) -> str:
    """Initials of a multi-word name: ``Islamic State`` -> ``IS``, ``United States`` -> ``US``.

    Function words are skipped; returns ``""`` for single words.
    """
    words = [w for w in _SPLIT.split(strip_possessive(text.strip())) if w]
    words = [w for w in words if fold(w) not in ACRONYM_STOPWORDS]
    if len(words) < 2:
        return ""
    return "".join(w[0] for w in words).upper()


def surname(key: tuple[str, ...]) -> str:
    """The surname of a person's name key: its last word, passing over a generational suffix
    (``("arcade", "joseph", "comeaux", "jr")`` -> ``comeaux``); ``""`` for an empty key."""
    if len(key) > 1 and key[-1] in GENERATIONAL_SUFFIXES:
        return key[-2]
    return key[-1] if key else ""


def is_short_form(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """Whether ``short`` names the same person as ``full`` by surname or a shortened name.

    ``short`` must be shorter, end with the same surname (or suffix), and keep ``full``'s word order:
    ``Shaibani`` ~ ``Asaad Shaibani``; ``Abdullah Rufayi`` ~ ``Abdullah Makki Muslih Rufayi``;
    ``Comeaux`` ~ ``Arcade Joseph Comeaux Jr.`` (a generational suffix is no surname, but
    ``Comeaux Jr.`` is no short form of ``Arcade Comeaux Sr.``). Both are core tokens (particles removed).
    """
    if not short or len(short) >= len(full) or surname(short) in GENERATIONAL_SUFFIXES:
        return False  # a lone ``Jr.`` names no one
    if short[-1] != full[-1]:
        if full[-1] not in GENERATIONAL_SUFFIXES or short[-1] != surname(full):
            return False
        full = full[:-1]
    it = iter(full)
    return all(word in it for word in short)


@lru_cache(maxsize=NAME_CACHE_SIZE)
def name_key(text: str) -> tuple[str, ...]:
    """The key two forms of one name share: core tokens, or the letters of an acronym.

    ``the Islamic State's`` -> ``("islamic", "state")``; ``U.S.`` and ``US`` -> ``("us",)``;
    ``al-Shaibani`` -> ``("shaibani",)``.
    """
    if is_acronym(text):
        return (acronym_key(text).lower(),)
    return core_tokens(name_tokens(text))


def is_shouted(text: str, forms: Iterable[str]) -> bool:
    """Whether ``text`` is an all-capitals form (a dateline's ``LONDON``, a headline's ``NEW YORK``)
    of a name that ``forms`` also write in running-text case (``London``)."""
    if not text.isupper():
        return False
    folded = fold(text)
    return any(fold(form) == folded and not form.isupper() for form in forms)


def fullest_form(texts: list[str]) -> str:
    """The most complete of an entity's forms: most name words, then the running-text case
    (``London`` over ``LONDON``: :func:`is_shouted`), then longest, then first."""
    return max(
        enumerate(texts),
        key=lambda it: (len(core_tokens(name_tokens(it[1]))), not is_shouted(it[1], texts), len(it[1]), -it[0]),
    )[1]


class UnionFind:
    """Disjoint sets over ``0 .. size-1``; a set's root is its smallest member.

    The smallest member stays the root, so what a caller numbers in order (mentions by first
    occurrence, sorted summaries) keeps that order in its clusters.
    """

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)
