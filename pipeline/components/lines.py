"""``news_line_sentences``: a line break ends a sentence (headline, dateline, paragraph).

The sentence recogniser often runs a headline into the first sentence of the body; a line
break in news text is always a boundary. Runs after ``senter`` (which would overwrite it).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


class LineSentences:
    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        for i in range(1, len(doc)):
            prev = doc[i - 1]
            if "\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text):
                doc[i].is_sent_start = True
        return doc


@Language.factory("news_line_sentences", requires=["token.is_sent_start"], assigns=["token.is_sent_start"])
def make_line_sentences(nlp: Language, name: str) -> LineSentences:
    return LineSentences(name)
