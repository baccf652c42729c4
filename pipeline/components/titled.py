"""``news_titled_names``: a person's name written after a title or role word, whole.

News writes a person's role before the name (*Bundesbank president Hans Tietmeyer*, *Uzbek striker
Igor Shkvyrin*, *Chelsea manager Jose Mourinho*), and the recogniser often cuts such a name short
(*Tietmeyer*: exact-span scoring counts a false positive and a miss) or misses it. Two rules, on
the name lexicon the pipeline already has (:class:`pipeline.components.evidence.NameLexicon`, read
from the ``evidence_from`` component, ``news_name_evidence``: Faker's given names, nameparser's
titles and ``configs/evidence/titles.txt``):

* **extend**: a PERSON entity whose left neighbour is a capitalised given name (not a title, not a
  known place, not a weekday or month, in no other entity, in the same sentence and line) takes it
  in: *Tietmeyer* -> *Hans Tietmeyer*; titles the entity starts with go where a given name
  follows them (*Defender Igor Shkvyrin* -> *Igor Shkvyrin*, *Det Insp Claire Dalgleish* ->
  *Claire Dalgleish*), and an entity of titles alone right before a person goes (*DCI* ORG of
  *DCI Sarah Jones*);
* **add**: a title or role word (a title of the lexicon, not a stop word, as nameparser's *his* and
  *her*, nor one of ``not_titles``: *St Louis*) followed, in its sentence and line, by capitalised
  words no entity covers, the first of them a given name, makes those words a PERSON candidate,
  without the title: *striker Igor Shkvyrin*. The run ends at ``max_words``, at a title, a weekday
  or month, or a word the document writes in lower case elsewhere (a Title Case headline's *Says*);
  a run an entity follows at once (*coach Hans [Berlin]*) is no candidate, nor is one shorter than
  ``min_words`` or one going on beyond ``max_words``.

A given name the document writes in lower case (``grant``, ``rose``) is no evidence for either
rule, and a name that is a listed company's (the lexicon's ``companies``: *Morgan Stanley*) is no
person's. Curated matches are never extended. A sentence start the ``senter`` puts after a word (no
punctuation before it) is not taken as a boundary: it splits names (*President Hans | Tietmeyer*).

Where it runs decides its scores. In the default config it runs after the span classifier (and
after ``news_datelines``, whose places it leaves alone): before it, the classifier (which never saw
such spans from the recogniser) scored the added names 0.32-0.44 though they were right, dropped *Crystal* (*her sister Crystal*) and relabelled *Scott*
(*Major-General Scott*) and *Andreas Granqvist* LOC (benchmarks/quality.md, session 11). So an
added name gets ``Span._.label_probs`` = ``confidence`` for ``person_label`` and the rest for
``NONE`` (a documented value, as ``news_datelines`` gives its places; without ``confidence`` none,
for a classifier after it, else ``unscored_score``), and an extended entity keeps the
probabilities the classifier gave it. Both get their name's evidence (``Span._.name_evidence``,
``context_evidence``) from the ``evidence_from`` component, for the votes, and are marked
``Span._.component`` = this stage's name; ``model_label`` of an added name is ``person_label``.
"""

from __future__ import annotations

import numpy
from spacy.attrs import ENT_IOB, IS_LOWER, IS_TITLE, LOWER
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from ..knowledge.names import CALENDAR_WORDS, PARTICLES, fold, name_key
from .classifier import NONE_LABEL
from .evidence import NameEvidence, NameEvidenceComponent, NameLexicon
from .scores import check_probability
from .spans import copy_span, set_entities

#: ``ENT_IOB`` of a token inside an entity (``I``, ``B``); 2 is ``O`` and 0 unset (no entities yet).
INSIDE, BEGIN = 1, 3
#: Tokens joining the parts of one name (``Jean - Pierre``, ``al - Shaibani``) when written without spaces.
HYPHENS = frozenset({"-", "‐", "‑"})
#: Joining tokens between two words of a name at most (``al`` ``-``).
MAX_JOINERS = 2


class TitledNames:
    """Extends PERSON entities over a given name before them, and adds titled names (module docstring)."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        person_label: str,
        evidence_from: str,
        not_titles: list[str],
        max_words: int,
        min_words: int,
        extend: bool,
        add: bool,
        confidence: float | None,
    ) -> None:
        if confidence is not None:
            check_probability(name, "confidence", confidence)
        if min_words < 1 or max_words < min_words:
            raise ValueError(f"[components.{name}]: min_words ({min_words}) must be at least 1 and at most max_words ({max_words}).")
        self.nlp = nlp
        self.name = name
        self.person_label = person_label
        self.evidence_from = evidence_from
        self.not_titles = frozenset(fold(word) for word in not_titles)
        self.max_words = max_words
        self.min_words = min_words
        self.extend = extend
        self.add = add
        self.confidence = confidence
        self._title_ids: tuple[NameLexicon, frozenset[int]] | None = None

    def evidence(self) -> NameEvidence:
        """The name evidence (and its lexicon) of the ``evidence_from`` component (set at its ``initialize`` or ``from_disk``)."""
        if self.evidence_from not in self.nlp.component_names:
            raise ValueError(
                f"{self.name!r} reads the name lexicon of {self.evidence_from!r}, which is not in the pipeline: "
                f"add a news_name_evidence component or set [components.{self.name}] evidence_from."
            )
        component = self.nlp.get_pipe(self.evidence_from)
        if not isinstance(component, NameEvidenceComponent):
            raise ValueError(f"{self.name!r} reads the name lexicon of {self.evidence_from!r}, which is no news_name_evidence component.")
        return component.evidence

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        evidence = self.evidence()
        lowercase = _LowerCase(doc)
        made: list[Span] = []
        if self.extend:
            self._drop_titles(doc, evidence.lexicon)
            made += self._extend(doc, evidence.lexicon, lowercase)
        if self.add:
            made += self._add(doc, evidence.lexicon, lowercase)
        for span in made:  # what the evidence stage wrote on the entity before, for this name (or none)
            span._.name_evidence = evidence.name_scores(span.text)
            span._.context_evidence = evidence.scores(evidence.context_features(span))
        return doc

    def _given_name(self, token: Token, lexicon: NameLexicon, lowercase: _LowerCase) -> bool:
        """A capitalised given name of the lexicon, no title, no place, not written in lower case here."""
        if not token.is_title:
            return False
        word = fold(token.text)
        return (
            word in lexicon.given_names
            and word not in lexicon.titles
            and word not in lexicon.places
            and word not in CALENDAR_WORDS
            and not lowercase.has(token)
        )

    def _drop_titles(self, doc: Doc, lexicon: NameLexicon) -> None:
        """Entities of titles alone right before a person (*DCI* ORG of *DCI Sarah Jones*) go: a title is no name."""
        ents = list(doc.ents)
        kept = [
            ent
            for ent, following in zip(ents, [*ents[1:], None])
            if ent.id_
            or following is None
            or following.start != ent.end
            or following.label_ != self.person_label
            or _apart(doc, following.start)
            or not all(self._is_title(token, lexicon) for token in ent)
        ]
        if len(kept) < len(ents):
            set_entities(doc, kept)

    def _extend(self, doc: Doc, lexicon: NameLexicon, lowercase: _LowerCase) -> list[Span]:
        """The PERSON entities extended over a given name before them (or trimmed of a title), now in ``doc.ents``."""
        ents = list(doc.ents)
        if not ents:
            return []
        iob = doc.to_array(ENT_IOB)
        changed = []
        for k, ent in enumerate(ents):
            if ent.label_ != self.person_label or ent.id_:
                continue
            start = ent.start
            # Titles the recogniser took in (*Defender Igor Shkvyrin*, *Det Insp Claire Dalgleish*) go
            # where a given name follows them.
            first = start
            while first < ent.end - 1 and self._is_title(doc[first], lexicon):
                first += 1
            if first > start and self._given_name(doc[first], lexicon, lowercase):
                start = first
            while (
                start <= ent.start
                and start > 0
                and ent.end - start < self.max_words
                and not _in_entity(iob[start - 1])
                and not _apart(doc, start)
                and self._given_name(doc[start - 1], lexicon, lowercase)
            ):
                start -= 1
            if start != ent.start and not _listed_company(doc[start : ent.end].text, lexicon):
                ents[k] = copy_span(ent, start=start)
                ents[k]._.component = self.name
                changed.append(ents[k])
        if changed:
            set_entities(doc, ents)
        return changed

    def _add(self, doc: Doc, lexicon: NameLexicon, lowercase: _LowerCase) -> list[Span]:
        """The PERSON candidates after a title, now in ``doc.ents``."""
        array = doc.to_array([LOWER, IS_TITLE, ENT_IOB])
        outside = (array[:, 2] != INSIDE) & (array[:, 2] != BEGIN)
        # A capitalised word outside the entities after one, then (few) whether that one is a title.
        titles = self._titles(lexicon)
        heads = [i for i in (numpy.flatnonzero((array[1:, 1] == 1) & outside[1:] & outside[:-1]) + 1).tolist() if int(array[i - 1, 0]) in titles]
        added = []
        for i in heads:
            if _apart(doc, i) or not self._given_name(doc[i], lexicon, lowercase):
                continue
            end = self._run_end(doc, i, array[:, 2], lexicon, lowercase)
            if end is None or end - i < self.min_words or _listed_company(doc[i:end].text, lexicon):
                continue
            span = Span(doc, i, end, label=self.person_label)
            span._.component = self.name
            span._.model_label = self.person_label
            if self.confidence is not None:
                span._.label_probs = {self.person_label: self.confidence, NONE_LABEL: round(1.0 - self.confidence, 4)}
            added.append(span)
        if added:
            set_entities(doc, [*doc.ents, *added])
        return added

    def _is_title(self, token: Token, lexicon: NameLexicon) -> bool:
        word = fold(token.text.rstrip("."))
        return word in lexicon.titles and word not in self.not_titles and word not in STOP_WORDS

    def _titles(self, lexicon: NameLexicon) -> frozenset[int]:
        """String ids of the titles as ``LOWER`` writes them, with and without a final ``.``."""
        if self._title_ids is None or self._title_ids[0] is not lexicon:
            words = lexicon.titles - self.not_titles - STOP_WORDS  # nameparser's "his", "her": no title
            ids = [get_string_id(form) for word in words for form in (word, f"{word}.")]
            self._title_ids = (lexicon, frozenset(ids))
        return self._title_ids[1]

    def _run_end(self, doc: Doc, head: int, iob: numpy.ndarray, lexicon: NameLexicon, lowercase: _LowerCase) -> int | None:
        """Where the run of name words from ``head`` ends, or None when an entity follows it at once or
        it goes on beyond ``max_words``."""
        end, words = head + 1, 1
        while end < len(doc) and words < self.max_words and not _apart(doc, end):
            # The next name word, after particles and hyphens that join it on (al - Shaibani).
            after = end
            while after < len(doc) - 1 and after - end < MAX_JOINERS and _joins(doc[after]) and not _apart(doc, after + 1):
                after += 1
            if after < len(doc) and (after == end or not _apart(doc, after)) and self._name_word(doc[after], iob[after], lexicon, lowercase):
                end, words = after + 1, words + 1
            else:
                break
        if end < len(doc) and not _apart(doc, end):
            if _in_entity(iob[end]):
                return None  # the name runs into an entity: which of the two it belongs to is unclear
            if words >= self.max_words and self._name_word(doc[end], iob[end], lexicon, lowercase):
                return None  # longer than a name: a Title Case line, a list
        return end

    @staticmethod
    def _name_word(token: Token, iob: int, lexicon: NameLexicon, lowercase: _LowerCase) -> bool:
        """A word that may go on a name: capitalised (not in capitals), in no entity, no title,
        weekday or month, and not a word the document writes in lower case."""
        text = token.text
        if _in_entity(iob) or not text[:1].isupper() or (len(text) > 1 and text.isupper()) or not any(ch.isalpha() for ch in text):
            return False
        word = fold(text.rstrip("."))
        return word not in lexicon.titles and word not in CALENDAR_WORDS and not lowercase.has(token)


def _apart(doc: Doc, i: int) -> bool:
    """Whether a line or a sentence ends between tokens ``i - 1`` and ``i``. A sentence start the
    ``senter`` puts after a word (no punctuation before it) is not trusted: it splits names
    (*President Hans | Tietmeyer said*)."""
    before = doc[i - 1]
    if "\n" in before.whitespace_ or "\n" in before.text:
        return True
    return bool(doc[i].is_sent_start) and not before.text[-1:].isalnum()


def _listed_company(name: str, lexicon: NameLexicon) -> bool:
    """A listed company's name (*Morgan Stanley*): no person's, though its words are a given name and a surname."""
    return " ".join(name_key(name)) in lexicon.companies


def _in_entity(iob: int) -> bool:
    return iob == INSIDE or iob == BEGIN


def _joins(token: Token) -> bool:
    """A particle (``van``, ``al``) or a hyphen written without spaces, inside a name."""
    return token.lower_ in PARTICLES or (token.text in HYPHENS and not token.whitespace_)


class _LowerCase:
    """The words a Doc writes in lower case, read from its token array on the first question."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self._ids: set[int] | None = None

    def has(self, token: Token) -> bool:
        if self._ids is None:
            array = self.doc.to_array([LOWER, IS_LOWER])
            self._ids = set(array[array[:, 1] == 1, 0].tolist())
        return token.lower in self._ids


@Language.factory(
    "news_titled_names",
    assigns=["doc.ents"],
    default_config={
        "person_label": "PERSON",
        "evidence_from": "name_evidence",
        "not_titles": [],
        "max_words": 4,
        "min_words": 1,
        "extend": True,
        "add": True,
        "confidence": None,
    },
)
def make_titled_names(
    nlp: Language,
    name: str,
    person_label: str,
    evidence_from: str,
    not_titles: list[str],
    max_words: int,
    min_words: int,
    extend: bool,
    add: bool,
    confidence: float | None,
) -> TitledNames:
    return TitledNames(
        nlp,
        name,
        person_label=person_label,
        evidence_from=evidence_from,
        not_titles=not_titles,
        max_words=max_words,
        min_words=min_words,
        extend=extend,
        add=add,
        confidence=confidence,
    )
