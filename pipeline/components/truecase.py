"""``news_truecase``: recognise entities in ALL-CAPS lines (headlines, datelines) as if truecased.

The statistical model reads ``BAGHDAD (Reuters) - SYRIA'S FM VISITS IRAQ`` as shouting, not as
names. For each line whose letters are (almost) all capitals, this stage builds a copy of the
line's tokens in title case (stop words in lower case, except first), runs the recogniser on
the copy, and puts its entities on the original tokens in place of the model's for that line.
Runs right after ``ner``; the tokens and the text are never changed.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from .spans import set_entities

#: A line needs this many letters to be judged; shorter ones stay as they are.
DEFAULT_MIN_LETTERS = 8


class Truecaser:
    def __init__(self, nlp: Language, name: str, *, ner_component: str, min_letters: int, upper_share: float) -> None:
        self.nlp = nlp
        self.name = name
        self.ner_component = ner_component
        self.min_letters = min_letters
        self.upper_share = upper_share

    def _shouting(self, tokens: list) -> bool:
        letters = [ch for t in tokens for ch in t.text if ch.isalpha()]
        return len(letters) >= self.min_letters and sum(ch.isupper() for ch in letters) >= self.upper_share * len(letters)

    def __call__(self, doc: Doc) -> Doc:
        lines: list[list] = [[]]
        for token in doc:
            if token.is_space and "\n" in token.text:
                lines.append([])
                continue
            lines[-1].append(token)
            if "\n" in token.whitespace_:
                lines.append([])
        shouting = [line for line in lines if line and self._shouting(line)]
        if not shouting:
            return doc
        ner = self.nlp.get_pipe(self.ner_component)
        replaced: set[int] = set()
        added: list[Span] = []
        for line in shouting:
            words = [self._truecase(t.text, capitalise=i == 0 or not t.is_stop) for i, t in enumerate(line)]
            copy = Doc(doc.vocab, words=words, spaces=[bool(t.whitespace_) for t in line])
            copy = ner(copy)
            start = line[0].i
            replaced.update(range(start, line[-1].i + 1))
            for ent in copy.ents:
                span = Span(doc, start + ent.start, start + ent.end, label=ent.label_)
                span._.component = self.name
                added.append(span)
        kept = [ent for ent in doc.ents if not replaced.intersection(range(ent.start, ent.end))]
        set_entities(doc, kept + added)
        return doc

    @staticmethod
    def _truecase(word: str, capitalise: bool) -> str:
        if not word.isalpha():
            return word.capitalize() if capitalise and word[:1].isalpha() else word
        return word.capitalize() if capitalise else word.lower()


@Language.factory(
    "news_truecase",
    default_config={"ner_component": "ner", "min_letters": DEFAULT_MIN_LETTERS, "upper_share": 0.9},
)
def make_truecase(nlp: Language, name: str, ner_component: str, min_letters: int, upper_share: float) -> Truecaser:
    return Truecaser(nlp, name, ner_component=ner_component, min_letters=min_letters, upper_share=upper_share)
