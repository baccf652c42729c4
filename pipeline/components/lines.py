"""``news_line_sentences``: a line break ends a sentence (headline, dateline, paragraph).

The sentence recogniser often runs a headline into the first sentence of the body; a line
break in news text is always a boundary. Runs after ``senter`` (which would overwrite it).
"""

from __future__ import annotations

import numpy
from spacy.attrs import IS_SPACE
from spacy.language import Language
from spacy.tokens import Doc


class LineSentences:
    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        # A token's trailing whitespace is one space at most: line breaks are whitespace tokens of
        # their own, found in the Doc's token array (not by making a Token of every word).
        for i in numpy.flatnonzero(doc.to_array(IS_SPACE)[:-1]).tolist():
            if "\n" in doc[i].text:
                doc[i + 1].is_sent_start = True
        return doc


@Language.factory("news_line_sentences", requires=["token.is_sent_start"], assigns=["token.is_sent_start"])
def make_line_sentences(nlp: Language, name: str) -> LineSentences:
    return LineSentences(name)
