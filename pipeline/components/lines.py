"""``news_line_sentences``: a line break ends a sentence (headline, dateline, paragraph).

The sentence recogniser often runs a headline into the first sentence of the body; a line
break in news text is always a boundary. Runs after ``senter`` (which would overwrite it).

With ``join_names``, a sentence never starts between two capitalised words on one line (no
punctuation between them; the second not a stop word, *Kliotech | A company*): the shipped senter, which has no static vectors, ends a sentence
inside a name (*President Hans | Tietmeyer said*), and the recogniser keeps to sentences.
"""

from __future__ import annotations

import numpy
from spacy.attrs import IS_ALPHA, IS_SPACE, IS_STOP, IS_TITLE, SENT_START
from spacy.language import Language
from spacy.tokens import Doc


class LineSentences:
    def __init__(self, name: str, join_names: bool = False) -> None:
        self.name = name
        self.join_names = join_names

    def __call__(self, doc: Doc) -> Doc:
        if self.join_names and len(doc) > 1:
            attrs = doc.to_array([SENT_START, IS_ALPHA, IS_TITLE, IS_STOP])
            title = (attrs[:, 1] == 1) & (attrs[:, 2] == 1)
            name_word = title & (attrs[:, 3] == 0)  # "Kliotech | A company", "Bob | I think": a start
            inside = numpy.flatnonzero((attrs[1:, 0] == 1) & name_word[1:] & title[:-1]) + 1
            for i in inside.tolist():
                doc[i].is_sent_start = False
        # A token's trailing whitespace is one space at most: line breaks are whitespace tokens of
        # their own, found in the Doc's token array (not by making a Token of every word).
        for i in numpy.flatnonzero(doc.to_array(IS_SPACE)[:-1]).tolist():
            if "\n" in doc[i].text:
                doc[i + 1].is_sent_start = True
        return doc


@Language.factory("news_line_sentences", requires=["token.is_sent_start"], assigns=["token.is_sent_start"], default_config={"join_names": False})
def make_line_sentences(nlp: Language, name: str, join_names: bool = False) -> LineSentences:
    return LineSentences(name, join_names=join_names)
