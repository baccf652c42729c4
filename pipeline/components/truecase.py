"""``news_truecase``: recognise entities in ALL-CAPS and Title Case lines as if truecased.

The statistical model reads ``BAGHDAD (Reuters) - SYRIA'S FM VISITS IRAQ`` as shouting, and
``Lindsay Lohan Checks Into Rehab`` as one long name. For each line (or sentence, with
``title_case``) whose letters are (almost) all capitals, or whose words are (almost) all
capitalised, this stage builds a copy of its tokens truecased: a word is written in lower case
when it is a stop word or when the document also uses it in lower case (``checks``, ``rehab``;
with ``stem_suffixes``, also in another form: ``Discusses`` when the text says ``discuss``),
in title case otherwise; it runs the recogniser on the copy (then ``rule_components``, the curated
names' stages, and ``label_component``, when it
runs after the label mapper) and puts its entities on the original tokens in place of the
model's there. Tokens and text are never changed.

With ``headline_only`` (the default pipeline's ``headline`` stage) it judges only the headline:
the document's first line, or, where that line runs on into the body (text without line
breaks, as gold corpora are read), the capitalised run it opens with, up to the first
lower-case word that is not a stop word or the next sentence. A Title Case headline keeps the words it does not
lower as they are (``FM``). It is re-read only when the truecasing lowers at least
``min_lowered`` of its words outside the model's entities (evidence of headline case, not a run
of names: ``Amateur Hockey Association of Canada``) and, with ``only_doubtful``, one inside
them (``FM Discusses``), or when it is in capitals. The body decides what stays: with
``keep_supported`` a model entity the body writes (``Obama``) stays unless a copy entity over
it is written there too; with ``supported_only`` a copy entity is taken only where the body
writes it or inside an entity of the model's (``Iran`` in ``Iran Kills 10``), so the re-read
adds no new names; curated matches (an id from the rules or the gazetteer) always stay.
With ``segment_dashes``, a dash with a space on either side splits the copy into segments no name
crosses (``SOCCER - JAPAN GET LUCKY WIN``: no ``Soccer - Japan`` ORG), and a name the copy starts or
ends at such a dash (``Golf -``, a section label) is not taken.
Measured in benchmarks/errors.md, "Headlines", and benchmarks/quality.md, session 14.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import numpy
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from .spans import set_entities

#: A line needs this many letters to be judged; shorter ones stay as they are.
DEFAULT_MIN_LETTERS = 8
#: A headline is judged on its first tokens at most (a longer first line is a paragraph).
MAX_HEADLINE_TOKENS = 40
#: A stripped suffix must leave this many letters (``is`` is not ``i`` + ``s``).
MIN_STEM_CHARS = 3


def headline_case(words: Sequence[str], stop_words: Iterable[str], *, min_letters: int, upper_share: float, title_case: bool, min_words: int) -> bool:
    """Whether ``words`` are (almost) all capitals, or, with ``title_case``, their words but stop
    words (almost) all capitalised: ``Syria's FM Discusses Security With Iraq``."""
    cased = [w for w in words if w.upper() != w.lower()]  # str methods: this runs on every document's first line
    letters = sum(len(w) for w in cased)
    if letters >= min_letters and sum(len(w) for w in cased if w.isupper()) >= upper_share * letters:
        return True
    if not title_case:
        return False
    stop = stop_words if isinstance(stop_words, (set, frozenset)) else set(stop_words)
    content = [w for w in cased if w.isalpha() and w.lower() not in stop]
    return len(content) >= min_words and sum(w[0].isupper() for w in content) >= upper_share * len(content)


def stems(word: str, suffixes: Iterable[str]) -> set[str]:
    """``word`` and ``word`` without each of ``suffixes`` that leaves a stem (``checked`` -> ``check``)."""
    return {word} | {word[: -len(s)] for s in suffixes if word.endswith(s) and len(word) - len(s) >= MIN_STEM_CHARS}


def _writes(orths: numpy.ndarray, words: Sequence[int]) -> bool:
    """Whether the token ids ``orths`` hold the sequence ``words`` (``Iran`` is not ``Iranian``)."""
    if not len(words):
        return False
    for i in numpy.flatnonzero(orths == words[0]):
        if tuple(orths[i : i + len(words)].tolist()) == tuple(words):
            return True
    return False


def _ids(span: Span) -> list[int]:
    return [t.orth for t in span]


class Truecaser:
    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        ner_component: str,
        min_letters: int,
        upper_share: float,
        title_case: bool = False,
        min_words: int = 4,
        headline_only: bool = False,
        stem_suffixes: Sequence[str] = (),
        min_lowered: int = 0,
        keep_supported: bool = False,
        label_component: str | None = None,
        supported_only: bool = False,
        only_doubtful: bool = False,
        rule_components: Sequence[str] = (),
        segment_dashes: Sequence[str] = (),
    ) -> None:
        self.nlp = nlp
        self.segment_dashes = frozenset(segment_dashes)
        self.rule_components = list(rule_components)
        self.title_case = title_case
        self.min_words = min_words
        self.name = name
        self.ner_component = ner_component
        self.min_letters = min_letters
        self.upper_share = upper_share
        self.headline_only = headline_only
        self.stem_suffixes = list(stem_suffixes)
        self.min_lowered = min_lowered
        self.keep_supported = keep_supported
        self.label_component = label_component
        self.supported_only = supported_only
        self.only_doubtful = only_doubtful

    def _shouting(self, tokens: Sequence[Token]) -> bool:
        stop = {t.lower_ for t in tokens if t.is_stop}
        return headline_case(
            [t.text for t in tokens], stop, min_letters=self.min_letters, upper_share=self.upper_share, title_case=self.title_case, min_words=self.min_words
        )

    def _lines(self, doc: Doc) -> list[list[Token]]:
        if self.headline_only:
            return self._headline(doc)
        lines: list[list[Token]] = [[]]
        for token in doc:
            if token.is_space and "\n" in token.text:
                lines.append([])
                continue
            if self.title_case and token.is_sent_start and lines[-1]:
                lines.append([])
            lines[-1].append(token)
            if "\n" in token.whitespace_:
                lines.append([])
        return [line for line in lines if line and self._shouting(line)]

    def _headline(self, doc: Doc) -> list[list[Token]]:
        """The first line, if headline-cased; else, if its capitalised opening (up to the first
        lower-case word that is not a stop word, or the next sentence) is, that opening: a
        headline run on into the body."""
        line: list[Token] = []
        for token in doc[:MAX_HEADLINE_TOKENS]:
            if token.is_space:
                if line and "\n" in token.text:
                    break
                continue
            line.append(token)
            if "\n" in token.whitespace_:
                break
        if line and not self._shouting(line):
            end = next((i for i, t in enumerate(line) if (t.is_alpha and t.is_lower and not t.is_stop) or (i and t.is_sent_start)), len(line))
            line = line[:end]
        return [line] if line and self._shouting(line) else []

    def _copy(self, doc: Doc, line: list[Token], outside: numpy.ndarray) -> Doc | None:
        """The truecased copy of ``line``, or None when it lowers fewer than ``min_lowered`` words
        that are neither stop words nor inside one of the model's entities (which may be names:
        ``Amateur Hockey Association``). A Title Case line keeps the words it does not lower as
        they are (``FM``); an ALL-CAPS line has them in title case."""
        caps = headline_case([t.text for t in line], (), min_letters=self.min_letters, upper_share=self.upper_share, title_case=False, min_words=0)
        entity_tokens = {i for ent in doc.ents for i in range(ent.start, ent.end)}
        words, lowered, doubted = [], 0, 0
        for i, t in enumerate(line):
            known = i > 0 and (t.is_stop or (t.is_alpha and self._written_lower(t.lower_, outside)))
            if known and t.text[:1].isalpha():
                words.append(t.text.lower())
            else:
                words.append(self._truecase(t.text, capitalise=True) if caps or not self.headline_only else t.text)
            content = known and not t.is_stop and t.is_alpha and not t.is_lower
            lowered += content and t.i not in entity_tokens
            doubted += content and t.i in entity_tokens
        # A line in capitals the model took for one name (``TRUMP VISITS SCOTLAND`` ORG) has no word
        # outside its entities: there the words lowered inside them count too.
        if lowered + (doubted if caps else 0) < self.min_lowered or (self.only_doubtful and not caps and not doubted):
            return None
        return Doc(doc.vocab, words=words, spaces=[bool(t.whitespace_) for t in line], sent_starts=self._segment_starts(line))

    def _segment_starts(self, line: list[Token]) -> list[bool | int | None]:
        """Sentence starts for the copy of ``line``: the word after a dash with a space on either side
        (``SOCCER - JAPAN GET LUCKY WIN``, ``BAGHDAD (Reuters) - SYRIA'S FM``) opens a segment, so that
        the recogniser, whose entities never cross a sentence start, reads no name across the dash
        (``Soccer - Japan`` ORG). A dash inside a name has no spaces (``Guinea-Bissau``). The dash
        itself stays with the words before it: alone, the section (``Cricket``, ``Rugby Union``)
        reads as a name more often (benchmarks/quality.md, session 14)."""
        starts: list[bool | int | None] = [True] + [None] * (len(line) - 1)
        for i in range(1, len(line) - 1):
            if self._segment_dash(line, i):
                starts[i + 1] = True
        return starts

    def _segment_dash(self, tokens: Sequence[Token] | Doc, i: int) -> bool:
        """Whether ``tokens[i]`` is a dash with a space on either side (``SOCCER - JAPAN``)."""
        return 0 < i < len(tokens) - 1 and tokens[i].text in self.segment_dashes and bool(tokens[i - 1].whitespace_) and bool(tokens[i].whitespace_)

    def _outside(self, doc: Doc, lines: list[list[Token]]) -> numpy.ndarray:
        """The token ids (``ORTH``) outside the headline (all of them without ``headline_only``),
        where words are looked up: an array, since ``Doc.text`` and token loops cost a pass in Python."""
        orths = doc.to_array(ORTH)
        if not self.headline_only or not lines:
            return orths
        start, end = lines[0][0].i, lines[0][-1].i + 1
        return numpy.concatenate([orths[:start], numpy.zeros(1, dtype=orths.dtype), orths[end:]])

    def _written_lower(self, word: str, outside: numpy.ndarray) -> bool:
        """Whether the text writes ``word`` in lower case, in any form ``stem_suffixes`` make of its stems."""
        forms = {get_string_id(stem + suffix) for stem in stems(word, self.stem_suffixes) for suffix in ("", *self.stem_suffixes)}
        return bool(numpy.isin(outside, list(forms)).any())

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        """Re-reads the headline-cased lines of each document; the copies of a batch go through the recogniser together."""
        ner = self.nlp.get_pipe(self.ner_component)
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._process(batch, ner)
                batch = []
        if batch:
            yield from self._process(batch, ner)

    def _process(self, docs: list[Doc], ner) -> list[Doc]:
        jobs: list[tuple[Doc, list[Token], Doc, numpy.ndarray]] = []
        for doc in docs:
            lines = self._lines(doc)
            if not lines:
                continue
            outside = self._outside(doc, lines)  # once per document, not per line
            for line in lines:
                copy = self._copy(doc, line, outside)
                if copy is not None:
                    jobs.append((doc, line, copy, outside))
        copies = list(ner.pipe([job[2] for job in jobs])) if jobs else []
        for rules in self._rules():  # the curated names (``TRUMP``: the copy's Trump)
            copies = [rules(copy) for copy in copies]
        if self.label_component is not None:
            labels = self.nlp.get_pipe(self.label_component)
            copies = [labels(copy) for copy in copies]
        for (doc, line, _, outside), copy in zip(jobs, copies):
            self._replace(doc, line, copy, outside)
        return docs

    def _rules(self) -> list:
        """The rule components the pipeline has (a pipeline without one, as an ablation makes, reads without it)."""
        return [self.nlp.get_pipe(name) for name in self.rule_components if name in self.nlp.pipe_names]

    def _rule_keys(self) -> list[str]:
        """The ``doc.spans`` keys the rule components write their matches to (spaCy's ``SpanRuler.key``)."""
        return [key for rules in self._rules() if isinstance(key := getattr(rules, "key", None), str)]

    def _copy_spans(self, doc: Doc, start: int, copy: Doc) -> list[Span]:
        """``copy``'s entities on ``doc``'s tokens from ``start``; in headline mode without the words
        the copy lowered at their edges (a name neither starts nor ends with one: ``fatal Queens hit``)."""
        spans: list[Span] = []
        # The rule stages' matches on the line as written: a copy's curated match inside a longer one
        # is a name the copy cut by lowering a word of it (*New York* written *new York*: *York*).
        written = [(m.start - start, m.end - start) for key in self._rule_keys() if key in doc.spans for m in doc.spans[key]]
        for ent in copy.ents:
            first, last = ent.start, ent.end
            if ent.id_ and any(s <= first and last <= e and e - s > last - first for s, e in written):
                continue
            # A section label is no name (``Soccer -`` ORG): nothing the copy reads ends or starts at a segment dash.
            if self._segment_dash(copy, first) or self._segment_dash(copy, last - 1):
                continue
            while first < last and copy[first].is_lower and self.headline_only:
                first += 1
            while last > first and copy[last - 1].is_lower and self.headline_only:
                last -= 1
            if first < last:
                spans.append(Span(doc, start + first, start + last, label=ent.label_, span_id=ent.id_ if (first, last) == (ent.start, ent.end) else ""))
        return spans

    def _replace(self, doc: Doc, line: list[Token], copy: Doc, body: numpy.ndarray) -> None:
        """Puts ``copy``'s entities on ``line`` in place of the model's. The body is asked for a name as
        the copy writes it (an ALL-CAPS headline's ``JAPAN`` as ``Japan``). With ``keep_supported``, a
        model entity the body writes stays, unless a copy entity over it is written there too;
        with ``supported_only``, a copy entity is taken only where the body writes it or where it
        lies inside an entity of the model's (``Iran`` in ``Iran Kills 10``): no new names.
        ``body``: the token ids outside the headline (:meth:`_outside`)."""
        start, end = line[0].i, line[-1].i + 1

        def forms(span: Span) -> list[int]:
            """The words of ``span`` as the body would write them: the copy's (``Japan`` for ``JAPAN``),
            unless the copy lowered one (``SURPRISE``: the body's *surprise* names nothing)."""
            if start <= span.start and span.end <= end:
                words = copy[span.start - start : span.end - start]
                if not any(t.is_lower for t in words):
                    return [t.orth for t in words]
            return _ids(span)

        inside = [ent for ent in doc.ents if ent.start < end and ent.end > start]
        added = [
            span
            for span in self._copy_spans(doc, start, copy)
            if not self.supported_only or _writes(body, forms(span)) or any(e.start <= span.start and span.end <= e.end for e in inside)
        ]
        kept = [ent for ent in doc.ents if ent.end <= start or ent.start >= end]
        for ent in inside:
            rivals = [span for span in added if span.start < ent.end and span.end > ent.start]
            supported = self.keep_supported and _writes(body, forms(ent)) and not any(_writes(body, forms(span)) for span in rivals)
            if ent.id_ or supported:  # a curated match (rules, gazetteer) stays as it is
                kept.append(ent)
                added = [span for span in added if span not in rivals]
        for span in added:  # only now: ``Span._`` values are keyed by offsets and label, a rival kept would take it
            span._.component = self.name
        set_entities(doc, kept + added)

    @staticmethod
    def _truecase(word: str, capitalise: bool) -> str:
        if not word.isalpha():
            return word.capitalize() if capitalise and word[:1].isalpha() else word
        return word.capitalize() if capitalise else word.lower()


@Language.factory(
    "news_truecase",
    default_config={
        "ner_component": "ner",
        "min_letters": DEFAULT_MIN_LETTERS,
        "upper_share": 0.9,
        "title_case": False,
        "min_words": 4,
        "headline_only": False,
        "stem_suffixes": [],
        "min_lowered": 0,
        "keep_supported": False,
        "label_component": None,
        "supported_only": False,
        "only_doubtful": False,
        "rule_components": [],
        "segment_dashes": [],
    },
)
def make_truecase(
    nlp: Language,
    name: str,
    ner_component: str,
    min_letters: int,
    upper_share: float,
    title_case: bool = False,
    min_words: int = 4,
    headline_only: bool = False,
    stem_suffixes: Sequence[str] = (),
    min_lowered: int = 0,
    keep_supported: bool = False,
    label_component: str | None = None,
    supported_only: bool = False,
    only_doubtful: bool = False,
    rule_components: Sequence[str] = (),
    segment_dashes: Sequence[str] = (),
) -> Truecaser:
    return Truecaser(
        nlp,
        name,
        ner_component=ner_component,
        min_letters=min_letters,
        upper_share=upper_share,
        title_case=title_case,
        min_words=min_words,
        headline_only=headline_only,
        stem_suffixes=stem_suffixes,
        min_lowered=min_lowered,
        keep_supported=keep_supported,
        label_component=label_component,
        supported_only=supported_only,
        only_doubtful=only_doubtful,
        rule_components=rule_components,
        segment_dashes=segment_dashes,
    )
