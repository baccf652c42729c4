"""ECB+ XML (``ECB+/<topic>/<topic>_<n>ecb[plus].xml``): typed mentions and coreference chains.

Tokens are ``<token t_id sentence number>``; a mention is an element in ``<Markables>`` with
``<token_anchor t_id>`` children; ``CROSS_DOC_COREF`` links mentions to an instance
(``instance_id``, shared across the documents of a topic) and ``INTRA_DOC_COREF`` to a
document-level descriptor. That instance (or ``<doc>#<descriptor>``) is the gold identity; a
mention in no chain has none (ECB+ links only the participants of its annotated events, so an
unlinked ``Egypt`` is not evidence of a different Egypt): it counts for recognition, and
linking scores leave it out. Only the sentences listed in
``ECBplus_coreference_sentences.csv`` (next to the ``ECB+`` folder) are reliably annotated, so
by default a document holds just those sentences. Instance ids hold within a sub-topic
(:func:`subtopic`), which is the document's ``group``. A named mention has a capitalised token
that does not start its sentence (``named_only``); ``name_spans`` trims a mention to the
capitalised words in it (``in the Gulf of Aden`` -> ``Gulf of Aden``), as NER spans are, and
drops a leading article however it is written (``The Associated Press`` -> ``Associated Press``:
the project's scheme has no leading *the*, as ``news_span_cleanup`` trims it).
A mention whose words outside or inside that name are a noun phrase's own (``Mafia boss``, ``the
Obama administration``, ``Pagliarelli prison cell in Palermo``) names a thing with a description,
not a name: with ``name_spans`` it is left out, as NER annotations leave it out.
``HUMAN_PART_GPE`` (a country acting: ``Turkmenistan said``) is not mapped by default: ECB+
gives it another instance than the same place as a location.

ECB+ keeps no line breaks, only sentences (``<token sentence>``); a sentence that does not end as
a sentence does (``.``, ``!``, ``?``, a closing quote after one) is a line of its own in the
article: the URL of an ``ecbplus`` file (sentence 0), its headline and its dateline. With
``line_breaks`` (the default) such a sentence ends with a line-break token, as the saved article
would, so the pipeline never reads a headline run into the body (*Kansas City Chiefs The Colts*);
gold mentions are on the same words either way.
"""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from .gold import GoldDocument, GoldMention, GoldReport
from .iob import guess_spaces

ECBPLUS_LABELS: dict[str, str | None] = {
    "HUMAN_PART_PER": "PERSON",
    "HUMAN_PART_ORG": "ORG",
    "LOC_GEO": "LOC",
    "LOC_FAC": "LOC",
}
SENTENCES_FILE = "ECBplus_coreference_sentences.csv"
#: The token that ends a line (:func:`read_ecbplus` ``line_breaks``).
LINE_BREAK = "\n"
#: Words a sentence ends with when it is prose, not a line of its own (a headline, a dateline).
SENTENCE_END = frozenset({".", "!", "?", "...", "…"})
#: Closing quotes and brackets that may follow a sentence's final punctuation.
CLOSING = frozenset({"''", '"', "'", "’", "”", ")", "]"})
CHAIN_RELATIONS = ("CROSS_DOC_COREF", "INTRA_DOC_COREF")

_selected_cache: dict[Path, dict[str, set[int]] | None] = {}


def annotated_sentences(path: Path) -> dict[str, set[int]] | None:
    """``{"1_10ecbplus": {1, 3}, ...}`` from the sentences file above ``path``, or None when absent."""
    for folder in path.resolve().parents:
        candidate = folder / SENTENCES_FILE
        if candidate.exists():
            if candidate not in _selected_cache:
                selected: dict[str, set[int]] = {}
                with candidate.open(encoding="utf8") as handle:
                    for row in csv.DictReader(handle):
                        selected.setdefault(f"{row['Topic']}_{row['File']}", set()).add(int(row["Sentence Number"]))
                _selected_cache[candidate] = selected
            return _selected_cache[candidate]
    return None


def read_ecbplus(
    path: Path | str,
    report: GoldReport,
    *,
    named_only: bool = True,
    annotated_only: bool = True,
    name_spans: bool = True,
    line_breaks: bool = True,
) -> Iterator[GoldDocument]:
    """One gold document from one ECB+ XML file (see the module docstring)."""
    path = Path(path)
    doc_id = path.stem
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as err:
        report.add(str(path), err.position[0], doc_id, "bad_xml", f"not well-formed XML ({err}); the file was skipped")
        return
    keep: set[int] | None = None
    if annotated_only:
        selected = annotated_sentences(path)
        if selected is None:
            report.add(str(path), None, doc_id, "no_sentence_list", f"{SENTENCES_FILE} not found above the file; all sentences were read")
        else:
            keep = selected.get(doc_id, set())
    tokens, words, spaces, starts = _read_tokens(root, keep, line_breaks)
    if not words:
        return
    identity: dict[str, str] = {}
    relations = root.find("Relations")
    for relation in relations if relations is not None else []:
        if relation.tag not in CHAIN_RELATIONS:
            continue
        target = relation.find("target")
        if target is None:
            continue
        chain = relation.get("note") if relation.tag == "CROSS_DOC_COREF" else None
        chain = chain or f"{doc_id}#{target.get('m_id')}"
        for source in relation.findall("source"):
            identity[source.get("m_id", "")] = chain
    markables = root.find("Markables")
    mentions: list[GoldMention] = []
    for element in markables if markables is not None else []:
        anchors = [a.get("t_id", "") for a in element.findall("token_anchor")]
        if not anchors or element.tag not in ECBPLUS_LABELS:
            continue
        if not all(a in tokens for a in anchors):
            continue  # outside the annotated sentences
        positions = sorted(tokens[a] for a in anchors)
        m_id = element.get("m_id", "")
        if positions[-1] - positions[0] + 1 != len(positions):
            quoted = " ".join(words[p] for p in positions)
            report.add(str(path), None, doc_id, "discontinuous", f"mention m_id={m_id} {quoted!r} is not contiguous; skipped")
            continue
        start, end = positions[0], positions[-1] + 1
        if named_only and not any(words[i][:1].isupper() and not starts[i] for i in range(start, end)):
            continue
        if name_spans:
            trimmed = _trim_to_name(words, start, end)
            if not _is_name(words, start, end, *trimmed):
                continue
            start, end = trimmed
        mentions.append(GoldMention(start, end, element.tag, identity.get(m_id)))
    yield GoldDocument(doc_id, words, spaces, starts, mentions, str(path), group=subtopic(doc_id))


def _read_tokens(root: ET.Element, keep: set[int] | None, line_breaks: bool) -> tuple[dict[str, int], list[str], list[bool], list[bool]]:
    """(``t_id`` -> word index, words, spaces, sentence starts) of the sentences in ``keep`` (all
    when None), with a :data:`LINE_BREAK` token after a sentence that does not :func:`ends_sentence`."""
    tokens: dict[str, int] = {}
    words: list[str] = []
    starts: list[bool] = []
    previous: int | None = None
    for token in root.iter("token"):
        sentence = int(token.get("sentence", "0"))
        if keep is not None and sentence not in keep:
            continue
        starting = previous != sentence
        if starting and line_breaks and words and not ends_sentence(words):
            words.append(LINE_BREAK)
            starts.append(False)
        tokens[token.get("t_id", "")] = len(words)
        starts.append(starting)
        words.append(token.text or "_")
        previous = sentence
    spaces = guess_spaces(words)
    for i, word in enumerate(words):
        if word == LINE_BREAK:
            spaces[i - 1] = spaces[i] = False
    return tokens, words, spaces, starts


def ends_sentence(words: list[str]) -> bool:
    """Whether ``words`` (a sentence so far) ends as prose does: with ``.``, ``!``, ``?`` or
    ``...``, perhaps inside closing quotes or brackets (``said .''``), or a word ending with a
    full stop (``Jr.``)."""
    index = len(words) - 1
    while index > 0 and words[index] in CLOSING:
        index -= 1
    return index >= 0 and (words[index] in SENTENCE_END or words[index][-1:] in {".", "!", "?"})


def subtopic(doc_id: str) -> str:
    """``1_10ecbplus`` -> ``1_ecbplus``: ECB+ links entities only within a topic's two sub-topics
    (the ``ecb`` and the ``ecbplus`` documents describe different events), so instance ids of
    one person in two sub-topics differ; scores compare documents of one sub-topic only."""
    topic = doc_id.split("_", 1)[0]
    return f"{topic}_{'ecbplus' if doc_id.endswith('ecbplus') else 'ecb'}"


#: Articles a name does not start with (``The Hollywood Reporter`` is gold ``Hollywood Reporter``).
LEADING_ARTICLES = frozenset({"the", "a", "an"})


def _trim_to_name(words: list[str], start: int, end: int) -> tuple[int, int]:
    """``start:end`` without leading and trailing words that are not capitalised (``in the``, ``'s``)
    and without a leading article, capitalised or not (``The Saints``)."""
    capitalised = [i for i in range(start, end) if words[i][:1].isupper() or words[i][:1].isdigit()]
    if not capitalised:
        return start, end
    first = capitalised[0]
    if words[first].lower() in LEADING_ARTICLES and len(capitalised) > 1:
        first = capitalised[1]
    return first, capitalised[-1] + 1


#: Lower-case words a name may hold inside it, or leave after it (``Gulf of Aden``, ``Obama 's``).
NAME_FUNCTION_WORDS = frozenset(
    {"of", "and", "the", "for", "on", "in", "at", "de", "del", "la", "le", "du", "da", "von", "van", "der", "bin", "al", "'s", "'", "&", "-", "--", "."}
)


def _is_name(words: list[str], start: int, end: int, name_start: int, name_end: int) -> bool:
    """Whether mention ``start:end`` is the name ``name_start:name_end`` and function words around
    it, not a description with a name in it: no lower-case word other than a function word after
    the name or inside it (``Mafia boss``, ``prison cell in Palermo`` are descriptions)."""
    for i in [*range(name_start, name_end), *range(name_end, end)]:
        word = words[i]
        if word[:1].islower() and word.lower() not in NAME_FUNCTION_WORDS:
            return False
    return True
