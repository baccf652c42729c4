"""``news_common_words``: drop one-word "entities" that the document itself shows are common words.

Web and e-mail text capitalise greetings and sign-offs (``Thanks``, ``Please``, ``Email``) and
shout (``FREE``, ``WOW``); the model takes some for names. A one-word entity without a curated
id is dropped when it is a stop word, or when the document also uses the same word in lower
case outside any entity (``Email me`` ... ``send an email``): real names are not written so.
All-caps words are kept: they are acronyms (``US`` beside ``us``) as often as shouting.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .spans import set_entities


class CommonWords:
    def __init__(self, name: str, *, min_lowercase_uses: int) -> None:
        self.name = name
        self.min_lowercase_uses = min_lowercase_uses

    def __call__(self, doc: Doc) -> Doc:
        inside = {i for ent in doc.ents for i in range(ent.start, ent.end)}
        lowercase: dict[str, int] = {}
        for token in doc:
            if token.i not in inside and token.is_lower and token.is_alpha:
                lowercase[token.text] = lowercase.get(token.text, 0) + 1
        kept = [
            ent
            for ent in doc.ents
            if ent.id_ or len(ent) > 1 or ent[0].is_upper or not (ent[0].is_stop or lowercase.get(ent[0].lower_, 0) >= self.min_lowercase_uses)
        ]
        if len(kept) != len(doc.ents):
            set_entities(doc, kept)
        return doc


@Language.factory("news_common_words", default_config={"min_lowercase_uses": 1})
def make_common_words(nlp: Language, name: str, min_lowercase_uses: int) -> CommonWords:
    return CommonWords(name, min_lowercase_uses=min_lowercase_uses)
