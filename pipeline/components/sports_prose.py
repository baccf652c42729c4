"""Results written in prose on a sports page, read by their words (for ``news_sports_teams``).

A wire round-up seldom prints ``Celtic 2 Rangers 1``; it writes *Celtic beat Rangers 2-1*,
*Aberdeen drew 1-1 with Hibernian*, *Motherwell lost to Hearts*, *Manchester United were held 0-0
by Leeds*, *Chelsea 's 2-2 draw with Everton*, *after losing 3-1 to Dundee United*, *a 3-3 draw
between Bolton and Norwich*. Each names the two sides of a match, or one where the other is the
sentence's subject further back. A result is a word of ``result_words`` (a verb, *beat*,
*drew*, *lost*, *held*, or a noun, *win*, *draw*, *defeat*), then optionally a final score and
a word of ``result_prepositions`` (*with*, *to*, *by*, *over*), then a side; or a word of
``pair_prepositions`` (*between*), then two sides joined by a word of ``pair_joiners`` (*and*).
The side before it (the subject) directly precedes the result word, or precedes a final score
and a possessive (*Chelsea 's 2-2 draw*), or at most ``max_auxiliaries`` lower-case stop words
(*Rangers could only draw*, *were held*). A side is an entity or one to ``max_name_words``
capitalised words that are no stop words, weekdays or months, on the result's line, never after
a place word (*in Glasgow*). A side the recogniser left out is added only where the result has a
score or both sides (not *Losing Thomas is bad enough*), and not in capitals, as every word of a
headline is (*JUVENTUS HELD BY LOWLY PIACENZA*).

What a side is decides what the reading may say: a person on either side (*Ottey beat
Torrence*) is a person's result and names no team, except on a sports page where the other side
is a team or a place and the person one word (*Motherwell lost to Hearts*, the recogniser's
*Hearts* a person). A result with a final score anywhere in it
(*beat Rangers 2-1*, *drew 1-1 with*) is evidence on any page; one without (*Motherwell lost to
Hearts*) only on a sports page, where the words say it all. A side the recogniser left out
becomes a team only on a sports page, or where the other side is a team or a place. Every word
list is config; the rule is the shape of the sentence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy
from spacy.attrs import LOWER
from spacy.strings import get_string_id
from spacy.tokens import Doc

from ..knowledge.names import CALENDAR_WORDS, POSSESSIVE_SUFFIXES
from .sports_tables import SCORE_DASHES, SCORE_PAIR


@dataclass
class ProseResults:
    """What a Doc's prose results name: token ranges (start, end) of their sides that are teams,
    those the recogniser left out (``unrecognised``) or took for persons (``persons``), and whether
    a result had a final score."""

    teams: list[tuple[int, int]] = field(default_factory=list)
    unrecognised: list[tuple[int, int]] = field(default_factory=list)
    persons: list[tuple[int, int]] = field(default_factory=list)
    scored: bool = False


class ProseReader:
    def __init__(
        self,
        *,
        result_words: Iterable[str],
        result_prepositions: Iterable[str],
        pair_prepositions: Iterable[str],
        pair_joiners: Iterable[str],
        place_words: Iterable[str],
        person_label: str,
        max_score_digits: int,
        max_name_words: int = 3,
        max_auxiliaries: int = 2,
    ) -> None:
        self.result_words = frozenset(w.lower() for w in result_words)
        self.result_prepositions = frozenset(w.lower() for w in result_prepositions)
        self.pair_prepositions = frozenset(w.lower() for w in pair_prepositions)
        self.pair_joiners = frozenset(w.lower() for w in pair_joiners)
        self.place_words = frozenset(w.lower() for w in place_words)
        self.person_label = person_label
        self.max_score_digits = max_score_digits
        self.max_name_words = max_name_words
        self.max_auxiliaries = max_auxiliaries
        # The result words in the token array, not a Token per word (most pages have none).
        self.word_ids = numpy.array([get_string_id(w) for w in self.result_words], dtype="uint64")

    def read(self, doc: Doc, *, sports_page: bool) -> ProseResults:
        """The teams of the prose results of ``doc`` (the module's docstring); ``sports_page``:
        whether the page is a team sport's, where a result needs no score and a side no entity."""
        found = ProseResults()
        if not self.result_words:
            return found
        lower = doc.to_array(LOWER)
        for i in numpy.flatnonzero(numpy.isin(lower, self.word_ids)).tolist():
            if doc[i].ent_iob_ in ("B", "I"):
                continue  # a word of a name (``Win Tin``)
            sides, scored = self._result(doc, i)
            if not sides or not (scored or sports_page):
                continue
            labels = [doc[start].ent_type_ or None for start, _ in sides]
            # A person's result names no team, unless the person is a team misread: on a sports page,
            # or in a scored result (*Cowdenbeath beat Rangers 2-1*, the recogniser's Cowdenbeath a person).
            if self.person_label in labels and not ((sports_page or scored) and self._misread_team(sides, labels)):
                continue
            # One side alone, unscored (*Losing Thomas is bad enough*), says too little to add a name.
            known = any(label is not None for label in labels)
            may_add = (sports_page or known) and (scored or len(sides) == 2)
            for (start, end), label in zip(sides, labels, strict=True):
                if label is None and doc[start:end].text.isupper():
                    continue  # a headline's word in capitals (``HELD BY LOWLY PIACENZA``) looks like a name
                if label == self.person_label:
                    found.persons.append((start, end))
                if label is not None:
                    found.teams.append((start, end))
                elif may_add:
                    found.unrecognised.append((start, end))
                    found.teams.append((start, end))
            found.scored |= scored
        return found

    def _misread_team(self, sides: list[tuple[int, int]], labels: list[str | None]) -> bool:
        """Whether a result's person is a team the recogniser misread: one word (*Hearts*; a player
        is written in full at first, *Gwen Torrence*), the other side a team or a place."""
        persons = [end - start for (start, end), label in zip(sides, labels, strict=True) if label == self.person_label]
        others = [label for label in labels if label not in (None, self.person_label)]
        return len(sides) == 2 and persons == [1] and bool(others)

    def _result(self, doc: Doc, i: int) -> tuple[list[tuple[int, int]], bool]:
        """The sides of the result at result word ``i`` (none if it names no side after it) and
        whether it has a final score."""
        j, scored = self._after_score(doc, i + 1)
        pair = j < len(doc) and doc[j].lower_ in self.pair_prepositions
        if j < len(doc) and (pair or doc[j].lower_ in self.result_prepositions):
            j += 1
        other = self._side(doc, j, 1)
        if other is None:
            return [], False
        sides = [other]
        if pair:
            joiner = other[1]
            second = self._side(doc, joiner + 1, 1) if joiner < len(doc) and doc[joiner].lower_ in self.pair_joiners else None
            if second is None:
                return [], False
            sides.append(second)
        else:
            subject, scored_before = self._subject(doc, i)
            scored |= scored_before
            if subject is not None:
                sides.append(subject)
        end = max(e for _, e in sides)
        scored |= self._after_score(doc, end)[1]
        start = min(s for s, _ in sides)
        if "\n" in doc[start:end].text:
            return [], False
        return sides, scored

    def _subject(self, doc: Doc, i: int) -> tuple[tuple[int, int] | None, bool]:
        """The side before result word ``i``: directly before it, before a final score and a
        possessive, or before at most ``max_auxiliaries`` lower-case stop words; and whether a
        final score came between."""
        j = i
        scored = False
        for start in (j - 1, j - 3):  # a final score in one token or three (``2-2``, ``2 - 2``)
            if start >= 0 and self._is_final_score(doc, start) and self._score_end(doc, start) == j:
                j, scored = start, True
                break
        if scored and j and doc[j - 1].text in POSSESSIVE_SUFFIXES:
            return self._side(doc, j - 1, -1), scored
        for _ in range(self.max_auxiliaries + 1):
            side = self._side(doc, j, -1)
            if side is not None or not j or not (doc[j - 1].is_stop and doc[j - 1].is_lower):
                return side, scored
            j -= 1
        return None, scored

    def _side(self, doc: Doc, edge: int, step: int) -> tuple[int, int] | None:
        """An entity, or one to ``max_name_words`` capitalised words that are no stop words nor
        weekdays or months, ending before ``edge`` (``step`` -1) or starting at it (``step`` 1),
        not after a place word; None if there is none."""
        i = edge - 1 if step < 0 else edge
        if not 0 <= i < len(doc):
            return None
        if doc[i].ent_iob_ in ("B", "I"):
            start, end = i, i + 1
            while start > 0 and doc[start].ent_iob_ == "I":
                start -= 1
            while end < len(doc) and doc[end].ent_iob_ == "I":
                end += 1
        else:
            words: list[int] = []
            while 0 <= i < len(doc) and len(words) < self.max_name_words and self._name_word(doc, i):
                words.append(i)
                i += step
            if not words:
                return None
            start, end = min(words), max(words) + 1
        if start and doc[start - 1].lower_ in self.place_words:
            return None  # ``at Parkhead``: a place, not a side
        return start, end

    @staticmethod
    def _name_word(doc: Doc, i: int) -> bool:
        token = doc[i]
        return token.text[:1].isupper() and token.is_alpha and not token.is_stop and token.lower_ not in CALENDAR_WORDS and token.ent_iob_ not in ("B", "I")

    def _is_score(self, text: str) -> bool:
        return text.isdigit() and len(text) <= self.max_score_digits

    def _is_final_score(self, doc: Doc, start: int) -> bool:
        return self._score_end(doc, start) is not None

    def _score_end(self, doc: Doc, start: int) -> int | None:
        """The end of the final score at token ``start`` (``2-1``, ``2 - 1``), else None."""
        if start >= len(doc):
            return None
        if SCORE_PAIR.match(doc[start].text):
            return start + 1
        parts = doc[start : start + 3]
        if len(parts) == 3 and self._is_score(parts[0].text) and parts[1].text in SCORE_DASHES and self._is_score(parts[2].text):
            return start + 3
        return None

    def _after_score(self, doc: Doc, start: int) -> tuple[int, bool]:
        """Past a final score at ``start``, if there is one; and whether there was."""
        end = self._score_end(doc, start)
        return (start, False) if end is None else (end, True)
