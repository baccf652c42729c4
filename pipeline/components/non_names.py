"""``news_non_names``: drop entities that the words around them show are no person, organisation or place.

Six kinds of capitalised words the recogniser takes for names, four told by their context:

* **Named storms**: a name written after an event word (``event_words``: ``Hurricane Rita``,
  ``Cyclone Phailin``, ``Typhoon Haiyan``, ``Tropical Storm Allison``; ``titled_event_words`` only
  when written with a capital, as the British name their storms: ``Storm Arwen``, not *the storm
  Obama visited*) names an event. The entity
  (with or without the event word) and every other entity of the document that is the same name
  (``Rita`` alone, further on) are dropped. An event word inside a longer name (``the National
  Hurricane Center``) names nothing.
* **Post-nominal letters** after a person's name and a comma (``post_nominals``: ``Harry Preuss,
  MD``, ``Mark Tedeschi, QC,``): the letters are a qualification, not an organisation; dropped
  when a punctuation mark or the end of the text follows them (``John Brennan, CIA director``
  keeps its organisation). Written inside a person's entity without the comma (*Judge Nicholas
  Dean KC*), they are cut off it.
* **Era markers** next to a year or a century (``era_words``: ``3000 BC``, ``the 7th century BC``,
  ``AD 79``): dropped.
* **Concepts** written with a capital: a policy, a currency, an illness (``concept_words``: ``Covid``,
  ``Bitcoin``; ``concept_patterns``, regular expressions matched against the whole folded name:
  ``Brexit``, ``Grexit``, ``Frexit`` are ``.+exit``). An entity that is exactly such a word, alone or
  with a possessive, is dropped wherever it stands; a longer name that contains one stays (the
  ``Brexit Party``). The recogniser tags them PERSON or LOC: they look like surnames and places and no
  training corpus has them.
* **Named events and laws**: a name of two words or more whose last word, capitalised, is an event's or
  a law's head word (``event_heads``: the *Club World Cup*, the *Mexico City Grand Prix*, the
  *International Emergency Economic Powers Act*) is an event or a law, not the place or the
  organisation the recogniser read in it: dropped. One word alone (*Cup*, *Act*) is left to the others.
* **A person's name after an article**: a one-word PERSON entity right after the definite article
  (``article_words``) is no person's name (*The Snowman, the film*; *on the Clyde.*; *the Estelle
  Unit in ...*: the recogniser's PERSON after *the* was no gold person on the tuning sets but where
  the name modifies a noun: *the Bush administration*, *the John Murray archive*). Dropped when a
  stop word other than a joiner (``article_joiners``: *the Clinton and Carter administrations*), a
  punctuation mark or the end of the text follows it, so that a name before a noun stays. Before a
  place noun (``place_nouns``: *the Clyde tunnel*, *the Erez crossing*) it names the place: it
  becomes a ``place_label`` entity (the span classifier's probability of PERSON moves to it). So
  does a PERSON of one or two words between a street and a punctuation mark (an address: *in Duke
  Street, Dennistoun, at about 23:45*: a place entity ending in one of ``street_words``, a comma,
  the name): it is the street's district or town. So is any entity but a place right after *the*,
  a settlement's or an area's noun and *of* (``place_of_nouns``: *near the town of Manbij*, *the
  village of Novoocheretuvate*): the words name the place they introduce. These are the entities this
  stage relabels rather than drops.

Entities with a curated id (``kb_id``) stay. Every list is config data (``configs/default.cfg``,
measured in benchmarks/quality.md); the rules are the contexts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy
from spacy.attrs import LOWER
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from ..knowledge.names import POSSESSIVE_SUFFIXES
from .spans import copy_span, moved_probability, set_entities

#: Words after a number that still date an era marker (``the 7th century BC``).
ERA_UNITS = frozenset({"century", "centuries", "millennium", "millennia"})


def _folded(text: str) -> str:
    """Lower case without dots: ``B.C.`` -> ``bc``, ``Ph.D.`` -> ``phd``."""
    return text.replace(".", "").lower()


class NonNames:
    """Drops storm names, post-nominal letters, era markers and concepts from ``doc.ents`` (module docstring)."""

    def __init__(
        self,
        name: str,
        *,
        event_words: Iterable[str],
        post_nominals: Iterable[str],
        era_words: Iterable[str],
        person_labels: Iterable[str],
        concept_words: Iterable[str] = (),
        concept_patterns: Iterable[str] = (),
        titled_event_words: Iterable[str] = (),
        article_words: Iterable[str] = (),
        article_joiners: Iterable[str] = (),
        place_nouns: Iterable[str] = (),
        place_label: str = "LOC",
        event_heads: Iterable[str] = (),
        street_words: Iterable[str] = (),
        place_of_nouns: Iterable[str] = (),
    ) -> None:
        self.name = name
        self.event_heads = frozenset(_folded(w) for w in event_heads)
        # An event word may be several words ("tropical storm"): kept as tuples of folded words.
        self.titled_event_words = {tuple(_folded(w) for w in phrase.split()) for phrase in titled_event_words if phrase.strip()}
        self.event_words = {tuple(_folded(w) for w in phrase.split()) for phrase in event_words if phrase.strip()} | self.titled_event_words
        self.article_words = frozenset(_folded(w) for w in article_words)
        self.article_joiners = frozenset(_folded(w) for w in article_joiners)
        self.place_nouns = frozenset(_folded(w) for w in place_nouns)
        self.place_label = place_label
        self.street_words = frozenset(_folded(w) for w in street_words)
        self.place_of_nouns = frozenset(_folded(w) for w in place_of_nouns)
        # The ids of their first words: where an event word can start, found in the Doc's token array at once.
        self._first_ids = numpy.fromiter(sorted({get_string_id(phrase[0]) for phrase in self.event_words}), dtype="uint64")
        self.post_nominals = frozenset(_folded(w) for w in post_nominals)
        self.era_words = frozenset(_folded(w) for w in era_words)
        self.person_labels = frozenset(person_labels)
        self.concept_words = frozenset(_folded(w) for w in concept_words)
        patterns = [p for p in concept_patterns if p.strip()]
        self._concept_pattern = re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)
        if not ents:
            return doc
        starts = numpy.flatnonzero(numpy.isin(doc.to_array(LOWER), self._first_ids)).tolist() if self.event_words else []
        storms = self._storm_names(doc, ents, starts) if starts else set()
        kept = [self._without_post_nominal(ent) for ent in ents if ent.id_ or not self._is_non_name(ent, storms)]
        places = (
            [
                self._as_introduced_place(ent)
                if self._introduced_place(ent)
                else self._as_place(ent)
                if self._names_a_place(ent) or self._in_address(ent)
                else ent
                for ent in kept
            ]
            if self.place_nouns or self.street_words or self.place_of_nouns
            else kept
        )
        if len(kept) < len(ents) or any(a is not b for a, b in zip(places, ents)):
            set_entities(doc, places)
        return doc

    def _is_non_name(self, ent: Span, storms: set[tuple[str, ...]]) -> bool:
        if storms and (self._name_words(ent) in storms or self._event_at(ent.doc, ent.start) is not None):
            return True
        if self._is_concept(ent):
            return True
        if len(ent) != 1:
            return self._is_named_event(ent)
        if self.article_words and ent.label_ in self.person_labels and self._after_article(ent):
            return True
        word = _folded(ent.text)
        return (word in self.post_nominals and self._after_person(ent)) or (word in self.era_words and self._dates(ent))

    # -- storms -------------------------------------------------------------------------------
    def _event_at(self, doc: Doc, i: int) -> int | None:
        """The end of the event word that starts at token ``i`` (``Hurricane``, ``Tropical Storm``), else None."""
        for phrase in self.event_words:
            end = i + len(phrase)
            if end <= len(doc) and tuple(_folded(t.text) for t in doc[i:end]) == phrase:
                if phrase in self.titled_event_words and not doc[i].is_title:
                    continue
                return end
        return None

    def _storm_names(self, doc: Doc, ents: list[Span], starts: list[int]) -> set[tuple[str, ...]]:
        """The names the document writes after an event word (at one of the token indices ``starts``):
        the capitalised words that follow it (each leading part of them: ``Rita`` of ``Hurricane Rita
        Threatens Texas``)."""
        inside = {i: ent for ent in ents for i in range(ent.start, ent.end)}
        names: set[tuple[str, ...]] = set()
        for i in starts:
            end = self._event_at(doc, i)
            if end is None:
                continue
            holder = inside.get(i)
            if holder is not None and holder.start != i:  # "the National Hurricane Center"
                continue
            stop = end
            while stop < len(doc) and doc[stop].is_title and doc[stop].is_alpha:
                stop += 1
            # Every leading part of the words: a Title Case headline capitalises what follows the name.
            names.update(tuple(t.text for t in doc[end:k]) for k in range(end + 1, stop + 1))
        return names

    def _name_words(self, ent: Span) -> tuple[str, ...]:
        """The entity's words without a leading event word and a final possessive."""
        start = self._event_at(ent.doc, ent.start) or ent.start
        words = [t.text for t in ent.doc[start : ent.end]]
        if words and words[-1] in POSSESSIVE_SUFFIXES:
            words.pop()
        return tuple(words)

    # -- concepts --------------------------------------------------------------------------------
    def _is_concept(self, ent: Span) -> bool:
        """The entity is one concept word (``Brexit``, ``Brexit's``), nothing more."""
        if not (self.concept_words or self._concept_pattern) or len(ent) > 2:
            return False
        words = [t.text for t in ent]
        if len(words) == 2 and words[-1] not in POSSESSIVE_SUFFIXES:
            return False
        word = _folded(words[0])
        return word in self.concept_words or bool(self._concept_pattern and self._concept_pattern.fullmatch(word))

    # -- named events and laws ------------------------------------------------------------------
    def _is_named_event(self, ent: Span) -> bool:
        """The entity's last word (before a possessive) is a capitalised event or law head: ``Grand Prix``, ``Powers Act``."""
        if not self.event_heads:
            return False
        words = [t for t in ent if t.text not in POSSESSIVE_SUFFIXES]
        return len(words) > 1 and words[-1].is_title and _folded(words[-1].text) in self.event_heads

    # -- names after an article ------------------------------------------------------------------
    def _after_article(self, ent: Span) -> bool:
        """``the <ent>`` followed by a stop word (not a joiner: *the Clinton and Carter administrations*),
        a punctuation mark or the end of the text."""
        doc = ent.doc
        if ent.start == 0 or _folded(doc[ent.start - 1].text) not in self.article_words:
            return False
        if ent.end == len(doc):
            return True
        after = doc[ent.end]
        return after.is_punct or after.is_space or (after.is_stop and after.lower_ not in self.article_joiners)

    def _names_a_place(self, ent: Span) -> bool:
        """``the <ent> <place noun>``: a one-word person's name before ``tunnel``, ``crossing`` ..."""
        doc = ent.doc
        if ent.id_ or len(ent) != 1 or ent.label_ not in self.person_labels or ent.start == 0 or ent.end == len(doc):
            return False
        return _folded(doc[ent.start - 1].text) in self.article_words and doc[ent.end].lower_ in self.place_nouns

    def _in_address(self, ent: Span) -> bool:
        """``<place ending in a street word> , <ent> <punctuation>``: a person's name of one or two words."""
        doc = ent.doc
        if not self.street_words or ent.id_ or len(ent) > 2 or ent.label_ not in self.person_labels or ent.start < 3:
            return False
        comma, street = doc[ent.start - 1], doc[ent.start - 2]
        if comma.text != "," or street.ent_type_ != self.place_label or _folded(street.text) not in self.street_words:
            return False
        return ent.end == len(doc) or doc[ent.end].is_punct

    def _introduced_place(self, ent: Span) -> bool:
        """``the <place-of noun> of <ent>``: *near the town of Manbij*."""
        doc = ent.doc
        if not self.place_of_nouns or ent.id_ or ent.start < 3:
            return False
        article, noun, of = doc[ent.start - 3 : ent.start]
        return of.lower_ == "of" and noun.lower_ in self.place_of_nouns and _folded(article.text) in self.article_words

    def _as_introduced_place(self, ent: Span) -> Span:
        """The entity as a place with every other label's probability moved to the place: the words
        before it say what it is, and the document vote (which weighs the name's evidence against the
        classifier's probabilities: *Manbij* LOC became ORG there) must not undo it."""
        place = copy_span(ent, label=self.place_label)
        place._.component = self.name
        probs = place._.label_probs
        for label in [label for label in (probs or {}) if label != self.place_label]:
            probs = moved_probability(probs, label, self.place_label)
        if probs:
            place._.label_probs = probs
        return place

    def _as_place(self, ent: Span) -> Span:
        place = copy_span(ent, label=self.place_label)
        place._.component = self.name
        if place._.label_probs:  # the classifier's person is the rule's place: its mass moves over
            place._.label_probs = moved_probability(place._.label_probs, ent.label_, self.place_label)
        return place

    # -- post-nominal letters and era markers ---------------------------------------------------
    def _without_post_nominal(self, ent: Span) -> Span:
        """A person's entity of three words or more without the post-nominal letters it ends with (*Nicholas Dean KC*)."""
        if ent.id_ or len(ent) < 3 or ent.label_ not in self.person_labels or _folded(ent[-1].text) not in self.post_nominals or ent.text.isupper():
            return ent
        person = copy_span(ent, end=ent.end - 1)
        person._.component = self.name
        return person

    def _after_person(self, ent: Span) -> bool:
        """``<person> , <ent>`` followed by punctuation or the end of the text."""
        doc = ent.doc
        if ent.start < 2 or doc[ent.start - 1].text != ",":
            return False
        before = doc[ent.start - 2]
        if before.ent_type_ not in self.person_labels:
            return False
        return ent.end == len(doc) or doc[ent.end].is_punct or doc[ent.end].is_space

    def _dates(self, ent: Span) -> bool:
        """A number (or a century) just before the marker, or a number just after it (``AD 79``)."""
        doc = ent.doc
        before: Token | None = doc[ent.start - 1] if ent.start > 0 else None
        after: Token | None = doc[ent.end] if ent.end < len(doc) else None
        return bool(before is not None and (before.like_num or before.lower_ in ERA_UNITS)) or bool(after is not None and after.like_num)


@Language.factory(
    "news_non_names",
    default_config={
        "event_words": ["hurricane", "cyclone", "typhoon", "tropical storm"],
        "post_nominals": ["md", "phd", "qc", "kc", "sc"],
        "era_words": ["bc", "bce", "ad", "ce"],
        "person_labels": ["PERSON"],
        "concept_words": [],
        "concept_patterns": [],
        "titled_event_words": [],
        "article_words": [],
        "article_joiners": [],
        "place_nouns": [],
        "place_label": "LOC",
        "event_heads": [],
        "street_words": [],
        "place_of_nouns": [],
    },
)
def make_non_names(
    nlp: Language,
    name: str,
    event_words: list[str],
    post_nominals: list[str],
    era_words: list[str],
    person_labels: list[str],
    concept_words: list[str] | None = None,
    concept_patterns: list[str] | None = None,
    titled_event_words: list[str] | None = None,
    article_words: list[str] | None = None,
    article_joiners: list[str] | None = None,
    place_nouns: list[str] | None = None,
    place_label: str = "LOC",
    event_heads: list[str] | None = None,
    street_words: list[str] | None = None,
    place_of_nouns: list[str] | None = None,
) -> NonNames:
    return NonNames(
        name,
        event_words=event_words,
        post_nominals=post_nominals,
        era_words=era_words,
        person_labels=person_labels,
        concept_words=concept_words or (),
        concept_patterns=concept_patterns or (),
        titled_event_words=titled_event_words or (),
        article_words=article_words or (),
        article_joiners=article_joiners or (),
        place_nouns=place_nouns or (),
        place_label=place_label,
        event_heads=event_heads or (),
        street_words=street_words or (),
        place_of_nouns=place_of_nouns or (),
    )
