"""``news_span_cleanup``: trim and repair entity spans before labels are normalised.

Records where each span came from (``Span._.component``: an entity no stage before marked is the
recogniser's, ``model_component``; the rule stages, ``news_span_ruler``, mark their own; with
spaCy's plain ``span_ruler``, an entity among ``doc.spans[rule_spans_key]`` is ``rule_component``'s)
and the producer's own label (``Span._.model_label``), then:

* drops a leading article (``the Islamic State`` -> ``Islamic State``) and a trailing
  possessive token (``Assad ’s`` -> ``Assad``), not one that ends a curated match (``Sainsbury's``,
  a name of ``configs/aliases``); not an article that is part of a known name: the
  span with it is a match of the ``article_names_key`` span group (the gazetteer's *The Hague*),
  which an entity without it (*Hague*) is extended to;
* drops leading titles from people (``Prime Minister Sudani`` -> ``Sudani``);
* with ``trim_lower_tail``, drops the lower-case words a capitalised name ends in (``Xinhua news
  agency`` -> ``Xinhua``, ``Qeshm island`` -> ``Qeshm``): no gold name of the tuning sets ends so,
  9 predicted ones did (benchmarks/quality.md, session 12); a name written all in lower case
  (web text: ``tampa bay``) and a particle (``Abu Bakr al``) are left alone;
* merges people split at a name particle or into adjacent pieces
  (``Abdullah Makki`` + ``Muslih al-Rufayi``), but not across a sentence or line break, not a
  name repeated (``Phillip`` ``Phillip`` in a signature) and not beyond ``MAX_MERGED_TOKENS``;
* with ``and_heads``, joins an organisation named after two places (``Avon and Somerset Police``,
  ``Dumfries and Galloway Council``: the recogniser finds *Somerset Police*, *Galloway Council*):
  an entity (``org_label`` or one of ``and_labels``: the recogniser's *Somerset Police* is LOC) whose
  last word is one of ``and_heads``, right after *and* and one or two capitalised words, takes them
  in; those words may be an entity of ``and_labels`` of exactly their extent (*Devon* LOC of *Devon
  and Cornwall Police*), or no entity's but not at a sentence's start (*Residents and Fife Council*);
  not the tail of a longer run of capitalised words, nor a stop word, a head word (*Police Scotland
  and Fife Council*) or another line. The joined name is an ``org_label`` entity (its head word says so);
* with ``of_heads``, extends an organisation whose last word is one of them over *of*, *for* or *on*
  (``of_words``) and the capitalised words after it (*and* allowed between two: ``Law Society`` ->
  ``Law Society of Kenya``, ``Syrian Observatory for Human Rights``, ``Royal Scottish Academy of
  Music and Drama``): at most ``MAX_OF_WORDS`` words, taking in the entities wholly inside them (*Kenya*
  LOC), none that runs on past them; at least ``MIN_OF_WORDS_AFTER`` after a word of ``long_of_words``
  (*the Security Council on Syria* stays), never a weekday or a month (*the Commission on Monday*),
  nor across a sentence or a line;
* drops spans with no letter in them (``©``, ``--``), trims edge tokens that are not name
  words (``©2025``, ``@user``, ``#tag``) and drops spans with a URL or e-mail address in them.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..knowledge.names import CALENDAR_WORDS, PARTICLES, PERSON_TITLES, POSSESSIVE_SUFFIXES
from .spans import copy_span, set_entities

DEFAULT_TITLES = list(PERSON_TITLES)


#: A merged name longer than this is a list of names, not one name.
MAX_MERGED_TOKENS = 6


def _is_debris(token: Token) -> bool:
    """A token that cannot start or end a name: symbols without a letter (``©2025``, ``--``; a
    number alone stays, as in ``Apollo 11``), a handle or a hashtag."""
    text = token.text
    return (not any(ch.isalpha() for ch in text) and not text.isdigit()) or text[:1] in "@#"


def _is_common_word(token: Token) -> bool:
    """A lower-case word that is no name particle (``agency``, ``island``; not ``al``, ``de``)."""
    return token.is_alpha and token.is_lower and token.lower_ not in PARTICLES


class SpanCleanup:
    """Trim articles, possessives and titles; merge split names; record span provenance."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        leading_articles: list[str],
        titles: list[str],
        person_labels: list[str],
        merge_labels: list[str],
        rule_spans_key: str | None,
        rule_component: str,
        model_component: str,
        trim_lower_tail: bool = False,
        article_names_key: str | None = None,
        and_heads: Iterable[str] = (),
        and_labels: Iterable[str] = (),
        org_label: str = "ORG",
        of_heads: Iterable[str] = (),
        of_words: Iterable[str] = (),
        long_of_words: Iterable[str] = (),
    ) -> None:
        self.name = name
        self.of_heads = frozenset(w.lower() for w in of_heads)
        self.of_words = frozenset(w.lower() for w in of_words)
        self.long_of_words = frozenset(w.lower() for w in long_of_words)
        self.and_heads = frozenset(w.lower() for w in and_heads)
        self.and_labels = frozenset(and_labels)
        self.org_label = org_label
        self.article_names_key = article_names_key
        self.trim_lower_tail = trim_lower_tail
        self.leading_articles = {a.lower() for a in leading_articles}
        self.titles = {t.lower().rstrip(".") for t in titles}
        self.person_labels = set(person_labels)
        self.merge_labels = set(merge_labels)
        self.rule_spans_key = rule_spans_key
        self.rule_component = rule_component
        self.model_component = model_component

    def __call__(self, doc: Doc) -> Doc:
        rule_spans: set[tuple[int, int, str]] = set()
        rules_by_extent: dict[tuple[int, int], Span] = {}
        if self.rule_spans_key and self.rule_spans_key in doc.spans:
            rules = doc.spans[self.rule_spans_key]
            rule_spans = {(s.start, s.end, s.label_) for s in rules}
            rules_by_extent = {(s.start, s.end): s for s in rules}
        named = doc.spans[self.article_names_key] if self.article_names_key and self.article_names_key in doc.spans else ()
        with_article = {(s.start, s.end) for s in named if s[0].lower_ in self.leading_articles}
        without_article = {(start + 1, end): start for start, end in with_article}
        spans = []
        for ent in doc.ents:
            values = ent._  # each read of ``Span._`` makes an object: one per entity
            if values.component is None:
                from_rule = (ent.start, ent.end, ent.label_) in rule_spans
                values.component = self.rule_component if from_rule else self.model_component
            if values.model_label is None:
                values.model_label = ent.label_
            if (ent.start, ent.end) in without_article:  # "Hague" of "The Hague": the known name
                ent = copy_span(ent, without_article[(ent.start, ent.end)], ent.end)
                ent._.component = self.name  # new boundaries: this stage's span
            # A curated name ending in a possessive (``Sainsbury's``) keeps it: the 's is the name's.
            curated_possessive = (ent.start, ent.end) in rules_by_extent and ent[-1].text in POSSESSIVE_SUFFIXES
            trimmed = ent if (ent.start, ent.end) in with_article or curated_possessive else self._trim(ent)
            if trimmed is not None and trimmed is not ent and (trimmed.start, trimmed.end) in rules_by_extent:
                # Trimmed to a curated match (``Xinhua news agency`` -> ``Xinhua``): it is that match.
                rule = rules_by_extent[(trimmed.start, trimmed.end)]
                trimmed = copy_span(trimmed, label=rule.label_)
                trimmed.id_ = rule.id_
                trimmed._.component = self.rule_component
            if trimmed is not None:
                spans.append(trimmed)
        spans = self._merge(spans)
        if self.and_heads:
            spans = self._join_and_heads(doc, spans)
        if self.of_heads:
            spans = self._extend_of_heads(doc, spans)
        set_entities(doc, spans)
        return doc

    def _join_and_heads(self, doc: Doc, spans: list[Span]) -> list[Span]:
        """``Avon and Somerset Police``: see the module docstring."""
        by_end = {span.end: index for index, span in enumerate(spans)}
        covered = {i for span in spans for i in range(span.start, span.end)}
        dropped: set[int] = set()
        for index, span in enumerate(list(spans)):
            if (
                (span.label_ != self.org_label and span.label_ not in self.and_labels)
                or span[-1].lower_ not in self.and_heads
                or span.start < 2
                or doc[span.start - 1].lower_ != "and"
            ):
                continue
            end = span.start - 1
            start = end
            while start > 0 and end - start < MAX_AND_WORDS and _capitalised_word(doc[start - 1]):
                start -= 1
            if start == end or (start > 0 and _capitalised_word(doc[start - 1]) and not doc[start].is_sent_start):
                continue  # no capitalised word before "and", or the tail of a longer run
            words = doc[start:end]
            if any(t.lower_ in self.and_heads for t in words) or _breaks(doc, start + 1, span.start):
                continue
            held = by_end.get(end)
            if held is not None and spans[held].start == start and spans[held].label_ in self.and_labels:
                dropped.add(held)
            elif any(i in covered for i in range(start, end)) or doc[start].is_sent_start:
                continue  # words no entity holds, at a sentence's start, may be any word (*Residents and*)
            joined = copy_span(span, start, span.end, label=self.org_label)
            joined._.component = self.name
            spans[index] = joined
        return [span for index, span in enumerate(spans) if index not in dropped]

    def _extend_of_heads(self, doc: Doc, spans: list[Span]) -> list[Span]:
        """``Law Society of Kenya``: see the module docstring."""
        spans = sorted(spans, key=lambda s: s.start)
        dropped: set[int] = set()
        for index, span in enumerate(spans):
            if (
                index in dropped
                or (span.label_ != self.org_label and span.label_ not in self.and_labels)
                or span[-1].lower_ not in self.of_heads
                or span.end + 1 >= len(doc)
            ):
                continue
            joiner = doc[span.end]
            if joiner.lower_ not in self.of_words or "\n" in span[-1].whitespace_ or "\n" in joiner.whitespace_:
                continue
            end = span.end + 1
            while end < len(doc) and end - span.end - 1 < MAX_OF_WORDS and "\n" not in doc[end - 1].whitespace_:
                if _capitalised_word(doc[end]) and doc[end].lower_ not in CALENDAR_WORDS:
                    end += 1
                elif doc[end].lower_ == "and" and end > span.end + 1 and end + 1 < len(doc) and _capitalised_word(doc[end + 1]):
                    end += 1
                else:
                    break
            if doc[end - 1].lower_ == "and":
                end -= 1
            words = end - span.end - 1
            if words < 1 or (joiner.lower_ in self.long_of_words and words < MIN_OF_WORDS_AFTER) or _breaks(doc, span.end, end - 1):
                continue
            inside = [i for i, other in enumerate(spans) if other.start > span.end and other.start < end]
            if any(spans[i].end > end for i in inside):
                continue  # an entity runs on past the words: not this organisation's name
            extended = copy_span(span, span.start, end, label=self.org_label)  # its head word says so
            extended._.component = self.name
            spans[index] = extended
            dropped.update(inside)
        return [span for index, span in enumerate(spans) if index not in dropped]

    def _trim(self, span: Span) -> Span | None:
        first = span.start
        start, end = span.start, span.end
        # Trimming looks only inside the span: its Tokens are made once (``doc[i]`` makes one each time).
        tokens = list(span)
        if any(token.like_url or token.like_email for token in tokens):
            return None  # a name never contains one: web page debris
        # A name may end in a number ("Apollo 11") but does not start with one ("©" "2025").
        while start < end and (_is_debris(tokens[start - first]) or tokens[start - first].is_digit):
            start += 1
        while end > start and _is_debris(tokens[end - 1 - first]):
            end -= 1
        while start < end and tokens[start - first].lower_ in self.leading_articles:
            start += 1
        while end > start and tokens[end - 1 - first].text in POSSESSIVE_SUFFIXES:
            end -= 1
        if self.trim_lower_tail and end - start > 1 and tokens[start - first].text[:1].isupper():
            while end - start > 1 and _is_common_word(tokens[end - 1 - first]):
                end -= 1
        if span.label_ in self.person_labels:
            # Keep at least one word, and only strip a title before a capitalised word.
            while end - start > 1 and tokens[start - first].lower_.rstrip(".") in self.titles and tokens[start + 1 - first].text[:1].isupper():
                start += 1
        # A letter in the span's text is a letter in one of its tokens (the spaces between them are none).
        if start >= end or not any(ch.isalpha() for token in tokens[start - first : end - first] for ch in token.text):
            return None
        if (start, end) == (span.start, span.end):
            return span
        return copy_span(span, start, end)

    def _merge(self, spans: Iterable[Span]) -> list[Span]:
        """Join same-label neighbours separated by nothing or by name particles only."""
        merged: list[Span] = []
        for span in sorted(spans, key=lambda s: s.start):
            if merged and span.label_ in self.merge_labels and merged[-1].label_ == span.label_:
                prev = merged[-1]
                gap = span.doc[prev.end : span.start]
                if (
                    prev.end <= span.start
                    and all(self._is_joiner(t.lower_) for t in gap)
                    and not _breaks(span.doc, prev.end, span.start)
                    and prev.text != span.text
                    and span.end - prev.start <= MAX_MERGED_TOKENS
                ):
                    joined = copy_span(prev, prev.start, span.end)
                    joined._.component = self.name
                    merged[-1] = joined
                    continue
            merged.append(span)
        return merged

    @staticmethod
    def _is_joiner(word: str) -> bool:
        return word in PARTICLES or word in {"-", "‐"}


#: The most capitalised words before *and* an organisation named after two places takes in.
MAX_AND_WORDS = 2
#: The most words (capitalised words and *and*) an organisation takes in after *of* (``of_heads``).
MAX_OF_WORDS = 5
#: The fewest capitalised words after a ``long_of_words`` word (*on*, *for*): *Commission on Human Rights*.
MIN_OF_WORDS_AFTER = 2


def _capitalised_word(token: Token) -> bool:
    """A capitalised word that is no stop word (*The* of *The Dumfries and Galloway Council* is not the name's)."""
    return token.is_alpha and token.text[:1].isupper() and not token.is_stop


def _breaks(doc: Doc, end: int, start: int) -> bool:
    """Whether a sentence or a line ends between tokens ``end - 1`` and ``start``."""
    if "\n" in doc[end - 1].whitespace_ or any("\n" in t.text or "\n" in t.whitespace_ for t in doc[end:start]):
        return True
    return doc.has_annotation("SENT_START") and bool(doc[start].is_sent_start)


@Language.factory(
    "news_span_cleanup",
    default_config={
        "leading_articles": ["the"],
        "titles": DEFAULT_TITLES,
        "person_labels": ["PERSON", "PER"],
        "merge_labels": ["PERSON", "PER"],
        "rule_spans_key": "rules",
        "rule_component": "entity_rules",
        "model_component": "ner",
        "trim_lower_tail": False,
        "article_names_key": None,
        "and_heads": [],
        "and_labels": [],
        "org_label": "ORG",
        "of_heads": [],
        "of_words": [],
        "long_of_words": [],
    },
)
def make_span_cleanup(
    nlp: Language,
    name: str,
    leading_articles: list[str],
    titles: list[str],
    person_labels: list[str],
    merge_labels: list[str],
    rule_spans_key: str | None,
    rule_component: str,
    model_component: str,
    trim_lower_tail: bool = False,
    article_names_key: str | None = None,
    and_heads: list[str] | None = None,
    and_labels: list[str] | None = None,
    org_label: str = "ORG",
    of_heads: list[str] | None = None,
    of_words: list[str] | None = None,
    long_of_words: list[str] | None = None,
) -> SpanCleanup:
    return SpanCleanup(
        nlp,
        name,
        leading_articles=leading_articles,
        titles=titles,
        person_labels=person_labels,
        merge_labels=merge_labels,
        rule_spans_key=rule_spans_key,
        rule_component=rule_component,
        model_component=model_component,
        trim_lower_tail=trim_lower_tail,
        article_names_key=article_names_key,
        and_heads=and_heads or (),
        and_labels=and_labels or (),
        org_label=org_label,
        of_heads=of_heads or (),
        of_words=of_words or (),
        long_of_words=long_of_words or (),
    )
