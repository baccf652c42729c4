"""``news_ages``: a name written with a person's age, or that *who* refers to, is a person.

News gives a person's age beside the name, and nothing else takes an age that way: *a 16-year-old
Kimani Gray*, *15-year-old Alexandros Grigoropoulos*, *Alexandros Grigoropoulos, 15, was killed*.
The recogniser and the span classifier, which see no such context, call some of these names a
place or an organisation (on ECB+ topics 1-25, *Kimani Gray* LOC in 7 mentions, *Alexandros
Grigoropoulos* ORG in 4). An entity of another label (``labels``) becomes ``person_label``:

* after an age (a number up to ``max_age``, one of ``age_units`` and ``age_word``, hyphens or not:
  ``16-year-old``, ``59 - year old``), unless a lower-case word other than a stop word follows it:
  then the name describes the noun (*a 61-year-old Vancouver man*, *a 15-year-old U.S. schoolboy*);
* before an age in commas (``Grigoropoulos, 15,``), not a list of numbers (``, 16, 17``);
* the other way round, a person's home: a name after a person's name, an age in commas and a home
  word (``home_words``: *Sharon Whitfield, 52, of Bolton*, *Jim Brown, 34, from Paisley*) is a
  place (``home_label``), whatever the recogniser said (*Bolton* PERSON); without the age, only after
  a ``bare_home_words`` word and before a comma, and only a name read as a person (a person is from
  no person: *McAllister, from Johnstone, had admitted*; *Lorna Brady, of Renfrewshire CID,* stays);
* a place the relative *who* follows in commas (``relative_words``: *Yeltsin, who underwent heart
  surgery*, which the recogniser reads as a place): places take *which* and *where*. Not where a
  preposition or a comma comes before the name (``place_contexts``: *a citizen of San Francisco,
  California, who*: the *who* is the citizen's), and only for ``place_labels`` (a team is written
  with *who* in British English: *Celtic, who lost*).

Only where the name itself does not say otherwise: its name evidence (``Span._.name_evidence``,
from ``news_name_evidence``) gives no other label more than ``person_label`` (*the 100-year-old
Brooklyn Bridge*: a place word). Where the span classifier scored the entity, its probability of
the old label moves to ``person_label``, so that the mention's score and both votes follow the
rule (as ``news_sports_teams`` does for teams). Curated matches keep their label. ``model_label``
stays the recogniser's.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .spans import copy_span, moved_probability, set_entities

#: Tokens written between the parts of an age (``16-year-old``, ``16 - year - old``).
HYPHENS = frozenset({"-", "‐", "‑", "–"})
#: What closes an age written after a name in commas (``Grigoropoulos, 15, was``; ``Reid, 37.``).
APPOSITION_ENDS = frozenset({",", ".", ";", ")"})


class Ages:
    """Relabels names written with a person's age (see the module docstring)."""

    def __init__(
        self,
        name: str,
        *,
        person_label: str,
        labels: Iterable[str],
        age_units: Iterable[str],
        age_word: str,
        max_age: int,
        relative_words: Iterable[str] = (),
        place_labels: Iterable[str] = (),
        place_contexts: Iterable[str] = (),
        home_words: Iterable[str] = (),
        home_label: str = "LOC",
        bare_home_words: Iterable[str] = (),
    ) -> None:
        self.name = name
        self.bare_home_words = frozenset(w.lower() for w in bare_home_words)
        self.home_words = frozenset(w.lower() for w in home_words)
        self.home_label = home_label
        self.relative_words = frozenset(w.lower() for w in relative_words)
        self.place_labels = frozenset(place_labels)
        self.place_contexts = frozenset(w.lower() for w in place_contexts)
        self.person_label = person_label
        self.labels = frozenset(labels)
        self.age_units = frozenset(w.lower() for w in age_units)
        self.age_word = age_word.lower()
        self.max_age = max_age

    def __call__(self, doc: Doc) -> Doc:
        spans, changed = [], False
        for ent in doc.ents:
            if ent.label_ in self.labels and ent.label_ != self.person_label and not ent.id_ and self._named_as_person(ent) and self._aged(ent):
                ent, changed = self._relabelled(ent, self.person_label), True
            elif not ent.id_ and (
                (self.home_words and ent.label_ in self.labels and ent.label_ != self.home_label and self._home(ent)) or self._bare_home(ent)
            ):
                ent, changed = self._relabelled(ent, self.home_label), True
            spans.append(ent)
        if changed:
            set_entities(doc, spans)
        return doc

    def _relabelled(self, ent: Span, label: str) -> Span:
        old = ent.label_
        ent = copy_span(ent, label=label)
        ent._.component = self.name
        if ent._.label_probs:  # the classifier's old label is the rule's: its mass moves over
            ent._.label_probs = moved_probability(ent._.label_probs, old, label)
        return ent

    def _home(self, ent: Span) -> bool:
        """``<person> , <age> , <home word> <ent>``: where the person lives."""
        doc, i = ent.doc, ent.start
        if i < 5 or doc[i - 1].lower_ not in self.home_words or doc[i - 2].text != "," or not self._is_age(doc[i - 3]) or doc[i - 4].text != ",":
            return False
        return doc[i - 5].ent_type_ == self.person_label

    def _bare_home(self, ent: Span) -> bool:
        """``<person> , <bare home word> <ent> ,`` where ``ent`` is read as a person: *McAllister, from Johnstone,*."""
        doc, i = ent.doc, ent.start
        if not self.bare_home_words or ent.label_ != self.person_label or i < 3 or ent.end >= len(doc) or doc[ent.end].text != ",":
            return False
        return doc[i - 1].lower_ in self.bare_home_words and doc[i - 2].text == "," and doc[i - 3].ent_type_ == self.person_label

    def _named_as_person(self, ent: Span) -> bool:
        """No label's name evidence above the person's (no evidence at all counts as none against)."""
        evidence = ent._.name_evidence or {}
        person = evidence.get(self.person_label, 0.0)
        return all(value <= person for label, value in evidence.items() if label != self.person_label)

    def _aged(self, ent: Span) -> bool:
        return self._age_before(ent) or self._age_after(ent) or self._who_after(ent)

    def _who_after(self, ent: Span) -> bool:
        """``<place> , who``, with no preposition or comma before the place (``of San Francisco, California, who``)."""
        doc = ent.doc
        end = ent.end
        if ent.label_ not in self.place_labels or end + 1 >= len(doc) or doc[end].text != "," or doc[end + 1].lower_ not in self.relative_words:
            return False
        return ent.start == 0 or doc[ent.start - 1].lower_ not in self.place_contexts

    def _is_age(self, token: Token) -> bool:
        return token.like_num and token.text.isdigit() and 0 < int(token.text) <= self.max_age

    def _age_before(self, ent: Span) -> bool:
        """``<age> <unit> old <ent>``, hyphens or not, and no common noun after the entity."""
        doc = ent.doc
        i = ent.start - 1
        if i < 0 or doc[i].lower_ != self.age_word:
            return False
        i -= 1
        while i >= 0 and doc[i].text in HYPHENS:
            i -= 1
        if i < 0 or doc[i].lower_ not in self.age_units:
            return False
        i -= 1
        while i >= 0 and doc[i].text in HYPHENS:
            i -= 1
        if i < 0 or not self._is_age(doc[i]):
            return False
        if ent.end < len(doc):
            after = doc[ent.end]
            if after.is_alpha and after.is_lower and not after.is_stop:
                return False  # "a 61-year-old Vancouver man": the name describes the man
        return True

    def _age_after(self, ent: Span) -> bool:
        """``<ent> , <age> ,`` (or ``.``, ``;``, ``)``), not a list of numbers (``, 16, 17``)."""
        doc = ent.doc
        end = ent.end
        if end + 2 >= len(doc) or doc[end].text != "," or not self._is_age(doc[end + 1]) or doc[end + 2].text not in APPOSITION_ENDS:
            return False
        return not (end + 3 < len(doc) and doc[end + 3].like_num)


@Language.factory(
    "news_ages",
    default_config={
        "person_label": "PERSON",
        "labels": ["PERSON", "ORG", "LOC"],
        "age_units": ["year", "years"],
        "age_word": "old",
        "max_age": 120,
        "relative_words": [],
        "place_labels": ["LOC"],
        "place_contexts": [],
        "home_words": [],
        "home_label": "LOC",
        "bare_home_words": [],
    },
)
def make_ages(
    nlp: Language,
    name: str,
    person_label: str,
    labels: list[str],
    age_units: list[str],
    age_word: str,
    max_age: int,
    relative_words: list[str] | None = None,
    place_labels: list[str] | None = None,
    place_contexts: list[str] | None = None,
    home_words: list[str] | None = None,
    home_label: str = "LOC",
    bare_home_words: list[str] | None = None,
) -> Ages:
    return Ages(
        name,
        person_label=person_label,
        labels=labels,
        age_units=age_units,
        age_word=age_word,
        max_age=max_age,
        relative_words=relative_words or (),
        place_labels=place_labels or (),
        place_contexts=place_contexts or (),
        home_words=home_words or (),
        home_label=home_label,
        bare_home_words=bare_home_words or (),
    )
