"""``news_truecase``: recognise entities in ALL-CAPS and Title Case lines as if truecased.

The statistical model reads ``BAGHDAD (Reuters) - SYRIA'S FM VISITS IRAQ`` as shouting, and
``Lindsay Lohan Checks Into Rehab`` as one long name. For each line (or sentence, with
``title_case``) whose letters are (almost) all capitals, or whose words are (almost) all
capitalised, this stage builds a copy of its tokens truecased: a word is written in lower case
when it is a stop word or when the document also uses it in lower case (``checks``, ``rehab``),
in title case otherwise; it runs the recogniser on the copy and puts its entities on the
original tokens in place of the model's there. Runs right after ``ner``; tokens and text are
never changed.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from .spans import set_entities

#: A line needs this many letters to be judged; shorter ones stay as they are.
DEFAULT_MIN_LETTERS = 8


class Truecaser:
    def __init__(
        self, nlp: Language, name: str, *, ner_component: str, min_letters: int, upper_share: float, title_case: bool = False, min_words: int = 4
    ) -> None:
        self.nlp = nlp
        self.title_case = title_case
        self.min_words = min_words
        self.name = name
        self.ner_component = ner_component
        self.min_letters = min_letters
        self.upper_share = upper_share

    def _shouting(self, tokens: list) -> bool:
        letters = [ch for t in tokens for ch in t.text if ch.isalpha()]
        if len(letters) >= self.min_letters and sum(ch.isupper() for ch in letters) >= self.upper_share * len(letters):
            return True
        if not self.title_case:
            return False
        words = [t for t in tokens if t.is_alpha and not t.is_stop]
        return len(words) >= self.min_words and sum(t.text[:1].isupper() for t in words) >= self.upper_share * len(words)

    def __call__(self, doc: Doc) -> Doc:
        lines: list[list] = [[]]
        for token in doc:
            if token.is_space and "\n" in token.text:
                lines.append([])
                continue
            if self.title_case and token.is_sent_start and lines[-1]:
                lines.append([])
            lines[-1].append(token)
            if "\n" in token.whitespace_:
                lines.append([])
        shouting = [line for line in lines if line and self._shouting(line)]
        if not shouting:
            return doc
        ner = self.nlp.get_pipe(self.ner_component)
        lowercase = {t.text for t in doc if t.is_lower and t.is_alpha}
        replaced: set[int] = set()
        added: list[Span] = []
        for line in shouting:
            words = [self._truecase(t.text, capitalise=not (t.is_stop or t.lower_ in lowercase) or i == 0) for i, t in enumerate(line)]
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
    default_config={"ner_component": "ner", "min_letters": DEFAULT_MIN_LETTERS, "upper_share": 0.9, "title_case": False, "min_words": 4},
)
def make_truecase(
    nlp: Language, name: str, ner_component: str, min_letters: int, upper_share: float, title_case: bool = False, min_words: int = 4
) -> Truecaser:
    return Truecaser(nlp, name, ner_component=ner_component, min_letters=min_letters, upper_share=upper_share, title_case=title_case, min_words=min_words)
