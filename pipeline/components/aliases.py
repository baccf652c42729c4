"""``news_alias_linker``: give every mention an entity id shared by the aliases of one entity.

Within one document, in three steps:

1. **Acronym definitions**: ``Islamic State (IS)`` defines ``IS``; the acronym becomes a mention
   of the long form's entity (and of its label) wherever it occurs. With ``titled_acronyms``, an
   acronym written as a word, as British news writes them (``National Institute for Health and Care
   Excellence (Nice)``, ``(Nasa)``), is one too where its letters follow the initials of the long
   form's words in order; with ``relabel_acronyms``, a defining acronym the recogniser labelled
   otherwise (*Nice* the city) takes the long form's label (not a curated match).
2. **Recurring names**: a name recognised once is also found where it recurs unrecognised
   (the full form, a defined acronym, or a person's surname such as ``Shaibani``).
3. **Linking**: mentions with the same core name (articles, possessives and particles such as
   ``al-`` removed) share an entity; a person's surname or shortened name joins the one full
   name it fits (``Shaibani`` -> ``Asaad al-Shaibani``) and stays apart when several fit
   (two people named Hussein); a lone given name joins the one full name it opens, if no name
   ends with it (``Daniel`` -> ``Daniel Montalvo``); an acronym joins the long form it was defined for, or else the
   one same-label name whose initials it spells (``U.S.`` -> ``United States``); with
   ``link_across_labels``, one name with two labels (``Scientology`` ORG and LOC) is one entity.

Ids go to ``Span._.entity_id`` as ``E<n>``, numbered by first mention; the exported tables
prefix the document id (``<doc_id>:E<n>``) so that an id names one entity in the corpus.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

import numpy
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span

from ..knowledge.names import (
    GENERATIONAL_SUFFIXES,
    PARTICLES,
    PERSON_TITLES,
    UnionFind,
    acronym_key,
    core_tokens,
    initials,
    is_acronym,
    is_short_form,
    name_key,
    name_tokens,
    surname,
)
from .spans import copy_span, moved_probability, set_entities

_OPEN, _CLOSE = {"(", "["}, {")", "]"}
_SUFFIX_KEYS = {(suffix,) for suffix in GENERATIONAL_SUFFIXES}
TITLE_WORDS = frozenset(PERSON_TITLES)
#: The shortest acronym written as a word (``Nasa``, ``Nice``): two letters would be any word (``Is``).
MIN_TITLED_ACRONYM = 3


def _positions_of(doc: Doc, words: Iterable[str]) -> numpy.ndarray:
    """The indices of the tokens of ``doc`` whose text is one of ``words``, in order."""
    wanted = numpy.fromiter((get_string_id(word) for word in words), dtype="uint64")
    return numpy.flatnonzero(numpy.isin(doc.to_array(ORTH), wanted))


@dataclass
class _Mention:
    span: Span
    core: tuple[str, ...]
    acronym: str  # acronym key ("US") when the mention is an acronym, else ""


def _mention(ent: Span) -> _Mention:
    text = ent.text  # a Span's text joins its tokens anew each time it is read
    return _Mention(ent, name_key(text), acronym_key(text) if is_acronym(text) else "")


def _titled_acronym_of(short: str, long_form: str) -> bool:
    """``Nice`` of ``National Institute for Health and Care Excellence``: a capitalised word of
    ``MIN_TITLED_ACRONYM`` letters or more whose letters are the first of the long form's
    initials, the rest of them in order (a word may be skipped: *Health* of Nice, *and* of Nasa)."""
    if len(short) < MIN_TITLED_ACRONYM or not short.isalpha() or not short.istitle():
        return False
    words = [w for w in long_form.split() if w[:1].isalpha()]
    letters = short.upper()
    if len(words) < len(letters) or words[0][0].upper() != letters[0]:
        return False
    found = 1
    for word in words[1:]:
        if found < len(letters) and word[0].upper() == letters[found]:
            found += 1
    return found == len(letters)


def _relabelled(span: Span, label: str, component: str) -> Span:
    """``span`` with ``label`` (the classifier's mass moved with it) and ``component`` as its source."""
    new = copy_span(span, label=label)
    new._.component = component
    if new._.label_probs:
        new._.label_probs = moved_probability(new._.label_probs, span.label_, label)
    return new


class AliasLinker:
    """Link the mentions of one entity within a document (see the module docstring)."""

    def __init__(
        self,
        name: str,
        *,
        person_labels: list[str],
        define_acronyms: bool,
        link_initials: bool,
        recover_recurring: bool,
        recover_surnames: bool,
        min_surname_chars: int,
        link_across_labels: bool = False,
        titled_acronyms: bool = False,
        relabel_acronyms: bool = False,
    ) -> None:
        self.name = name
        self.titled_acronyms = titled_acronyms
        self.relabel_acronyms = relabel_acronyms
        self.link_across_labels = link_across_labels
        self.person_labels = set(person_labels)
        self.define_acronyms = define_acronyms
        self.link_initials = link_initials
        self.recover_recurring = recover_recurring
        self.recover_surnames = recover_surnames
        self.min_surname_chars = min_surname_chars

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)
        acronyms: dict[str, str] = {}
        relabelled = False
        if self.define_acronyms:
            added, relabelled = self._acronym_definitions(doc, ents, acronyms)
            ents += added
        if self.recover_recurring:
            ents += self._recurring(doc, ents)
        if relabelled or len(ents) != len(doc.ents):
            set_entities(doc, ents)
        doc._.acronyms = acronyms
        self._link(doc, acronyms)
        return doc

    # -- 1. acronym definitions -------------------------------------------------------------
    def _acronym_definitions(self, doc: Doc, ents: list[Span], acronyms: dict[str, str]) -> tuple[list[Span], bool]:
        """The acronyms ``ents`` define that were no entity (new spans), and whether a defining
        acronym of another label was relabelled in ``ents`` (in place)."""
        covered = {i for ent in ents for i in range(ent.start, ent.end)}
        one_word = {ent.start: index for index, ent in enumerate(ents) if len(ent) == 1}
        added = []
        relabelled = False
        for ent in list(ents):
            i = ent.end
            if i + 2 >= len(doc) or doc[i].text not in _OPEN or doc[i + 2].text not in _CLOSE:
                continue
            short = doc[i + 1].text
            if is_acronym(ent.text):
                continue
            key = acronym_key(short)
            if is_acronym(short):
                # The acronym must start like the long form (``Islamic State (IS)``, not ``Baghdad (AP)``).
                long_core = core_tokens(name_tokens(ent.text))
                if not long_core or long_core[0][:1].upper() != key[:1]:
                    continue
            elif not (self.titled_acronyms and _titled_acronym_of(short, ent.text)):
                continue
            acronyms.setdefault(key, ent.text)
            if i + 1 not in covered:
                span = Span(doc, i + 1, i + 2, label=ent.label_)
                span._.component = self.name
                added.append(span)
                covered.add(i + 1)
            elif self.relabel_acronyms and i + 1 in one_word:
                held = ents[one_word[i + 1]]
                if held.label_ != ent.label_ and not held.kb_id_:
                    ents[one_word[i + 1]] = _relabelled(held, ent.label_, self.name)
                    relabelled = True
        return added, relabelled

    # -- 2. recurring names -----------------------------------------------------------------
    def _recurring(self, doc: Doc, ents: list[Span]) -> list[Span]:
        forms: dict[tuple[str, ...], str | None] = {}
        surnames: dict[str, set[tuple[str, ...]]] = {}
        surname_labels: dict[str, str] = {}
        for ent in ents:
            words = tuple(t.text for t in ent)
            forms[words] = ent.label_ if forms.get(words, ent.label_) == ent.label_ else None
            if self.recover_surnames and ent.label_ in self.person_labels and len(ent) > 1:
                # The surname, not a generational suffix after it (``Comeaux`` of ``Comeaux Jr.``).
                last = ent[-2].text if len(ent) > 2 and name_key(ent[-1].text) in _SUFFIX_KEYS else ent[-1].text
                if len(last) >= self.min_surname_chars and last[:1].isupper() and last.lower() not in PARTICLES:
                    surnames.setdefault(last, set()).add(core_tokens(name_tokens(ent.text)))
                    surname_labels[last] = ent.label_
        for last, fulls in surnames.items():
            # A surname shared by two different people is no evidence for either.
            if len(fulls) == 1 and (last,) not in forms:
                forms[(last,)] = surname_labels[last]
        index: dict[str, list[tuple[str, ...]]] = {}
        for words, label in forms.items():
            if label is not None and words and words[0][:1].isupper():
                index.setdefault(words[0], []).append(words)
        for same_start in index.values():
            same_start.sort(key=len, reverse=True)
        covered = bytearray(len(doc))
        for ent in ents:
            covered[ent.start : ent.end] = b"\x01" * len(ent)
        added = []
        # Only tokens that open an indexed form can start a recurrence: found in the Doc's token
        # array at once, not by making a Token of every word.
        for i in _positions_of(doc, index).tolist():
            if covered[i]:  # inside an entity, or inside a recurrence found just before
                continue
            for words in index[doc[i].text]:
                end = i + len(words)
                if end <= len(doc) and not any(covered[i:end]) and tuple(t.text for t in doc[i:end]) == words:
                    # A lone surname followed by another capitalised word is a different name.
                    if len(words) == 1 and end < len(doc) and doc[end].is_title and not covered[end]:
                        continue
                    span = Span(doc, i, end, label=cast(str, forms[words]))  # indexed forms have a label
                    span._.component = self.name
                    added.append(span)
                    covered[i:end] = b"\x01" * len(words)
                    break
        return added

    # -- 3. linking -------------------------------------------------------------------------
    def _link(self, doc: Doc, acronyms: dict[str, str]) -> None:
        mentions = [_mention(ent) for ent in doc.ents]
        uf = UnionFind(len(mentions))  # the earliest mention is a root: ids follow first mentions
        first_by_key: dict[tuple[str, tuple[str, ...]], int] = {}
        for i, m in enumerate(mentions):
            key = (m.span.label_, m.core)
            if key in first_by_key:
                uf.union(first_by_key[key], i)
            else:
                first_by_key[key] = i
        if self.link_across_labels:
            # One name is one entity in a document even where the model's labels disagree
            # (``Scientology`` ORG and LOC); the entity's label is its mentions' majority.
            first_by_core: dict[tuple[str, ...], int] = {}
            for i, m in enumerate(mentions):
                if m.core:
                    uf.union(first_by_core.setdefault(m.core, i), i)
        # A curated id (alias table, patterns) is one entity whatever the form: IS = ISIL = Daesh.
        first_by_kb: dict[str, int] = {}
        for i, m in enumerate(mentions):
            if m.span.id_:
                uf.union(first_by_kb.setdefault(m.span.id_, i), i)
        defined = {key: core_tokens(name_tokens(long)) for key, long in acronyms.items()}
        for i, m in enumerate(mentions):
            if not m.acronym:
                continue
            target = None
            if m.acronym in defined:
                target = self._unique(uf, first_by_key, lambda k: k[1] == defined[m.acronym])
            elif self.link_initials:
                target = self._unique(uf, first_by_key, lambda k: k[0] == m.span.label_ and initials(" ".join(k[1])) == m.acronym)
            if target is not None:
                uf.union(target, i)
        # Shortened person names join the single full name they fit, longest names first.
        person_keys = sorted((k for k in first_by_key if k[0] in self.person_labels), key=lambda k: len(k[1]), reverse=True)
        by_label: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for key in person_keys:  # the names a person's name can be a short form of: the other persons' of its label
            by_label.setdefault(key[0], []).append(key)
        for key in person_keys:
            i = first_by_key[key]
            roots = {uf.find(first_by_key[other]) for other in by_label[key[0]] if is_short_form(key[1], other[1])}
            if len(roots) == 1:
                uf.union(roots.pop(), i)
        self._link_given_names(uf, first_by_key)
        numbers: dict[int, int] = {}
        for i, m in enumerate(mentions):
            root = uf.find(i)
            number = numbers.setdefault(root, len(numbers) + 1)
            m.span._.entity_id = f"E{number}"

    def _link_given_names(self, uf: UnionFind, first_by_key: dict) -> None:
        """A person named by one word that no full name ends with joins the one full name it
        opens: ``Daniel`` in an interview is Daniel Montalvo, unless a Daniel Smith or a John
        Daniel is also named (then it stays apart). Titles (``Senator``) are no given names."""
        full_names = [(k, i) for k, i in first_by_key.items() if k[0] in self.person_labels and len(k[1]) > 1]
        for key, i in first_by_key.items():
            if key[0] not in self.person_labels or len(key[1]) != 1 or key[1][0] in TITLE_WORDS:
                continue
            word = key[1][0]
            if any(surname(k[1]) == word for k, _j in full_names):
                continue  # a surname (joined above, or ambiguous), or both
            opened = {uf.find(j) for k, j in full_names if k[0] == key[0] and k[1][0] == word}
            if len(opened) == 1:
                uf.union(opened.pop(), i)

    @staticmethod
    def _unique(uf: UnionFind, first_by_key: dict, accept) -> int | None:
        """The one entity (as a mention index) among the keys ``accept`` takes, or None."""
        roots = {uf.find(i) for key, i in first_by_key.items() if accept(key)}
        return roots.pop() if len(roots) == 1 else None


@Language.factory(
    "news_alias_linker",
    default_config={
        "person_labels": ["PERSON", "PER"],
        "define_acronyms": True,
        "link_initials": True,
        "recover_recurring": True,
        "recover_surnames": True,
        "min_surname_chars": 3,
        "link_across_labels": False,
        "titled_acronyms": False,
        "relabel_acronyms": False,
    },
)
def make_alias_linker(
    nlp: Language,
    name: str,
    person_labels: list[str],
    define_acronyms: bool,
    link_initials: bool,
    recover_recurring: bool,
    recover_surnames: bool,
    min_surname_chars: int,
    link_across_labels: bool = False,
    titled_acronyms: bool = False,
    relabel_acronyms: bool = False,
) -> AliasLinker:
    return AliasLinker(
        name,
        person_labels=person_labels,
        define_acronyms=define_acronyms,
        link_initials=link_initials,
        recover_recurring=recover_recurring,
        recover_surnames=recover_surnames,
        min_surname_chars=min_surname_chars,
        link_across_labels=link_across_labels,
        titled_acronyms=titled_acronyms,
        relabel_acronyms=relabel_acronyms,
    )
