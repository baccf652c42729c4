"""GUM CoNLL-U with ``Entity=`` coreference brackets in the MISC column (CorefUD style).

``(ID-etype-infstat-salience-centering-minspan-link-identity`` opens a mention, ``ID)`` closes
it, ``(ID-...)`` is a one-token mention; openers come before closers in one field. A named
mention is one whose head token (the token whose syntactic head lies outside the mention) is a
PROPN. The gold identity is the Wikipedia title where given, otherwise the document's
coreference chain (``<doc>#<ID>``). One file may hold several documents (``# newdoc id``);
paragraphs (``# newpar``) are separated by a line break, sentences by a space. A one-word
person mention tagged NNPS (``Syrians``, ``Muslims``) names a group by nationality or religion
(OntoNotes' NORP, which the project does not tag) and is left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .gold import GoldDocument, GoldMention, GoldReport

#: GUM's dev documents (its README's split) in the genres ``../shared/data/gum`` holds, as
#: ``genre/name``: never trained on; the benchmarks' selection and held-out GUM sets.
DEV_DOCUMENTS = (
    "academic/GUM_academic_exposure", "academic/GUM_academic_librarians", "bio/GUM_bio_byron", "bio/GUM_bio_emperor",
    "court/GUM_court_loan", "court/GUM_court_negligence", "voyage/GUM_voyage_athens", "voyage/GUM_voyage_coron",
    "news/GUM_news_homeopathic", "news/GUM_news_iodine", "interview/GUM_interview_cyclone", "interview/GUM_interview_gaming",
)  # fmt: skip
GUM_LABELS: dict[str, str | None] = {"person": "PERSON", "organization": "ORG", "place": "LOC"}
#: Fields after the id in an opener: etype, infstat, salience, centering, minspan, link, identity.
OPENER_FIELDS = 7
IDENTITY_FIELD = 6
TRAILING_CLOSER = re.compile(r"(\d+)\)$")
PARAGRAPH_BREAK = "\n"
#: Penn tag of a plural proper noun: a one-word person "name" with it is a group (NORP).
GROUP_XPOS = "NNPS"
#: Dependents of a mention's head that are not part of the name (``U.S. President`` in
#: ``U.S. President Donald Trump's``, ``the``, ``'s``, ``in Washington``): dropped with their subtree
#: when ``name_spans`` trims a mention to its name, the span a NER model is expected to find.
NOT_NAME_DEPRELS = ("nmod", "appos", "acl", "det", "case", "punct", "amod", "advmod", "nummod", "conj", "cc", "parataxis", "dep")
#: ``Church of Scientology``, ``University of Southern Indiana``: an ``of`` phrase after the head is part of the name.
OF_WORDS = {"of"}
EDGE_POS = {"DET", "ADP", "PUNCT", "PART", "CCONJ", "SCONJ", "SPACE"}


@dataclass
class _Open:
    chain: str
    etype: str
    identity: str | None
    start: int
    line: int


def _parse_entity_field(value: str, open_ids: set[str]) -> tuple[list[tuple[str, str, str | None, bool]], list[str]]:
    """Openers ``(chain, etype, identity, closes_here)`` and closed chain ids of one ``Entity=`` value."""
    pieces = value.split("(")
    closers = re.findall(r"(\d+)\)", pieces[0])
    openers: list[tuple[str, str, str | None, bool]] = []
    for piece in pieces[1:]:
        chain = piece.split("-", 1)[0]
        trailing: list[str] = []
        body = piece
        while True:  # closers of other mentions glued to the end of this opener
            match = TRAILING_CLOSER.search(body)
            if not match or (match.group(1) not in open_ids and match.group(1) != chain) or match.start() == 0:
                break
            if match.group(1) == chain and not body[: match.start()].endswith(")"):
                break
            trailing.insert(0, match.group(1))
            body = body[: match.start()]
        single = body.endswith(")")
        if single:
            body = body[:-1]
        fields = body.split("-", OPENER_FIELDS)[1:]
        etype = fields[0] if fields else ""
        identity = fields[IDENTITY_FIELD] if len(fields) > IDENTITY_FIELD and fields[IDENTITY_FIELD] not in ("", "_") else None
        openers.append((chain, etype, identity, single))
        closers += trailing
    return openers, closers


def read_gum(path: Path | str, report: GoldReport, *, named_only: bool = True, name_spans: bool = True) -> Iterator[GoldDocument]:
    """Gold documents from one GUM CoNLL-U file.

    ``named_only`` keeps mentions headed by a PROPN; ``name_spans`` trims each mention to the
    name around its head (``U.S. President Donald Trump's`` -> ``Donald Trump``), as NER spans are.
    """
    path = Path(path)
    document = _GumDocument(path.stem, str(path), report)
    sentence_offset = 0
    new_paragraph = False
    range_end = -1
    range_space = True
    with path.open(encoding="utf8") as handle:
        for number, raw in enumerate(handle, 1):
            line = raw.rstrip("\n")
            if line.startswith("#"):
                if line.startswith("# newdoc id"):
                    yield from document.finish(named_only, name_spans)
                    document = _GumDocument(line.partition("=")[2].strip(), str(path), report)
                elif line.startswith("# newpar") and document.words:
                    new_paragraph = True
                continue
            if not line.strip():
                sentence_offset = len(document.words)
                continue
            cols = line.split("\t")
            if len(cols) != 10:
                report.add(str(path), number, document.doc_id, "bad_line", f"expected 10 tab-separated columns, got {len(cols)}; skipped")
                continue
            token_id, form, _, pos, tag, _, head, deprel, _, misc = cols
            if "-" in token_id:  # a multi-word token: its parts are written without spaces
                range_end = int(token_id.split("-")[1])
                range_space = "SpaceAfter=No" not in misc
                continue
            if "." in token_id:  # an empty node
                continue
            index = int(token_id)
            if index == 1:
                range_end = -1
            if index == 1 and document.words:
                document.spaces[-1] = not new_paragraph
                if new_paragraph:
                    document.add_paragraph_break()
                sentence_offset = len(document.words)
            new_paragraph = False
            if index < range_end:
                space = False
            elif index == range_end:
                space = range_space
            else:
                space = "SpaceAfter=No" not in misc
            head_index = sentence_offset + int(head) - 1 if head not in ("0", "_") else -1
            position = document.add_token(form, space, index == 1, pos, tag, head_index, deprel)
            entity = next((item[7:] for item in misc.split("|") if item.startswith("Entity=")), None)
            if entity is not None:
                document.track(entity, position, number, form)
    yield from document.finish(named_only, name_spans)


@dataclass
class _GumDocument:
    """One GUM document as it is read: its tokens, with what the mention filters need, and its mentions."""

    doc_id: str
    path: str
    report: GoldReport
    words: list[str] = field(default_factory=list)
    spaces: list[bool] = field(default_factory=list)
    starts: list[bool] = field(default_factory=list)
    upos: list[str] = field(default_factory=list)
    xpos: list[str] = field(default_factory=list)
    heads: list[int] = field(default_factory=list)  # absolute token index of the syntactic head, -1 for the root
    deprels: list[str] = field(default_factory=list)
    open_mentions: dict[str, list[_Open]] = field(default_factory=dict)
    mentions: list[tuple[int, int, str, str | None, str]] = field(default_factory=list)

    def add_token(self, form: str, space: bool, sentence_start: bool, pos: str, tag: str, head: int, deprel: str) -> int:
        """Append one token; returns its position."""
        self.words.append(form)
        self.spaces.append(space)
        self.starts.append(sentence_start)
        self.upos.append(pos)
        self.xpos.append(tag)
        self.heads.append(head)
        self.deprels.append(deprel)
        return len(self.words) - 1

    def add_paragraph_break(self) -> None:
        self.add_token(PARAGRAPH_BREAK, False, False, "SPACE", "_SP", -1, "")

    def track(self, entity: str, position: int, number: int, form: str) -> None:
        """Open and close the mentions of the ``Entity=`` value on the token at ``position``."""
        openers, closers = _parse_entity_field(entity, set(self.open_mentions))
        for chain, etype, identity, single in openers:
            if single:
                self.mentions.append((position, position + 1, etype, identity, chain))
            else:
                self.open_mentions.setdefault(chain, []).append(_Open(chain, etype, identity, position, number))
        for chain in closers:
            stack = self.open_mentions.get(chain)
            if not stack:
                self.report.add(self.path, number, self.doc_id, "unopened", f"closing bracket {chain}) on {form!r} has no open mention; skipped")
                continue
            item = stack.pop()
            if not stack:
                del self.open_mentions[chain]
            self.mentions.append((item.start, position + 1, item.etype, item.identity, chain))

    def finish(self, named_only: bool, name_spans: bool) -> Iterator[GoldDocument]:
        """The document (none if it has no tokens), its unclosed mentions reported."""
        for stack in self.open_mentions.values():
            for item in stack:
                self.report.add(
                    self.path,
                    item.line,
                    self.doc_id,
                    "unclosed",
                    f"mention ({item.chain}-{item.etype} starting at {self.words[item.start]!r} is never closed; skipped",
                )
        if not self.words:
            return
        self.spaces[-1] = False
        gold = []
        for start, end, etype, identity, chain in self.mentions:
            if named_only and not _head_is_propn(start, end, self.upos, self.heads):
                continue
            if name_spans:
                start, end = _name_span(start, end, self.words, self.upos, self.heads, self.deprels, keep_of=etype != "person")
            if etype == "person" and end - start == 1 and self.xpos[start] == GROUP_XPOS:
                continue  # "Syrians", "Muslims": a group named by nationality or religion (NORP), not a person
            gold.append(GoldMention(start, end, etype, identity or f"{self.doc_id}#{chain}"))
        yield GoldDocument(self.doc_id, self.words, self.spaces, self.starts, gold, self.path)


def _head_is_propn(start: int, end: int, upos: list[str], heads: list[int]) -> bool:
    """Whether the mention's head (the token whose head is outside ``start:end``) is a proper noun."""
    for i in range(start, end):
        if not start <= heads[i] < end:
            return upos[i] == "PROPN"
    return False


def _mention_head(start: int, end: int, heads: list[int]) -> int:
    for i in range(start, end):
        if not start <= heads[i] < end:
            return i
    return start


def _of_phrase(head: int, start: int, end: int, words: list[str], upos: list[str], heads: list[int], deprels: list[str]) -> int | None:
    """The first proper-noun ``of`` phrase after the head (``Church [of Scientology]``), as its head index."""
    for i in range(head + 1, end):
        if heads[i] == head and deprels[i] == "nmod":
            if upos[i] == "PROPN" and any(heads[j] == i and words[j].lower() in OF_WORDS for j in range(head + 1, i)):
                return i
            return None
    return None


def _name_span(start: int, end: int, words: list[str], upos: list[str], heads: list[int], deprels: list[str], keep_of: bool = True) -> tuple[int, int]:
    """The contiguous name around the mention's head: ``NOT_NAME_DEPRELS`` subtrees and edge function words removed."""
    head = _mention_head(start, end, heads)
    dropped: set[int] = set()
    of_name = _of_phrase(head, start, end, words, upos, heads, deprels) if keep_of else None
    for i in range(start, end):
        outside = i != head and not start <= heads[i] < end
        capitalised_modifier = deprels[i].startswith("amod") and upos[i] != "SPACE" and words[i][:1].isupper()
        if outside or (heads[i] == head and deprels[i].split(":")[0] in NOT_NAME_DEPRELS and not capitalised_modifier and i != of_name):
            dropped.add(i)
        elif of_name is not None and heads[i] == of_name and deprels[i].startswith(("nmod", "acl", "appos")):
            dropped.add(i)  # "University of Sheffield [of the UK]"
    for i in range(start, end):  # the subtrees of the dropped dependents
        j = i
        while start <= j < end and j != head:
            if j in dropped:
                dropped.add(i)
                break
            j = heads[j]
    left = head
    while left - 1 >= start and left - 1 not in dropped:
        left -= 1
    right = head + 1
    while right < end and right not in dropped:
        right += 1
    while left < head and upos[left] in EDGE_POS:
        left += 1
    while right - 1 > head and upos[right - 1] in EDGE_POS:
        right -= 1
    return left, right
