"""The mentions one stage made over the whole text of ECB+ topics, for judging a rule by hand.

    PYTHONPATH=. .venv/bin/python benchmarks/stage_mentions.py titled_names [--topics 1-25] [--config configs/default.cfg]

ECB+ annotates only some sentences, so a rule that fires a few times there cannot be scored by
the gold (``benchmarks/errors.py``); this runs the configured pipeline (no corpus vote) over every
sentence of the topics' documents (``../shared/data/ecbplus``) and prints each final mention whose
``Span._.component`` is the stage's name, with its label, score and context, one a line, then how
many documents, words and mentions there were. Tuning topics only (1-25): 26-35 are held out.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pipeline.config.build import load_pipeline
from pipeline.corpora.ecbplus import read_ecbplus
from pipeline.corpora.gold import GoldReport

ROOT = Path(__file__).resolve().parent.parent
ECBPLUS = ROOT.parent / "shared" / "data" / "ecbplus" / "ECB+"
#: The last ECB+ topic used for tuning; the topics after it are an evaluation set.
LAST_TUNING_TOPIC = 25
#: Characters of context printed on each side of a mention.
CONTEXT = 50


def whole_texts(first: int, last: int) -> list[tuple[str, str]]:
    """(document id, text) of every ECB+ document of topics ``first``..``last``, all sentences."""
    texts = []
    for topic in range(first, last + 1):
        for path in sorted((ECBPLUS / str(topic)).glob("*.xml")):
            for gold in read_ecbplus(path, GoldReport(), annotated_only=False):
                texts.append((gold.doc_id, "".join(w + (" " if space else "") for w, space in zip(gold.words, gold.spaces))))
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("component", help="the stage's name in [nlp] pipeline (Span._.component)")
    parser.add_argument("--topics", default=f"1-{LAST_TUNING_TOPIC}", help="first-last")
    parser.add_argument("--config", type=Path, default=ROOT / "configs" / "default.cfg")
    args = parser.parse_args()
    first, last = (int(part) for part in args.topics.split("-"))
    if last > LAST_TUNING_TOPIC:
        parser.error(f"ECB+ topics after {LAST_TUNING_TOPIC} are held out: judge rules on 1-{LAST_TUNING_TOPIC}.")
    nlp, _ = load_pipeline(args.config)
    texts = whole_texts(first, last)
    started, found = time.process_time(), 0
    for (doc_id, _), doc in zip(texts, nlp.pipe(text for _, text in texts)):
        for ent in doc.ents:
            if ent._.component == args.component:
                found += 1
                context = doc.text[max(0, ent.start_char - CONTEXT) : ent.end_char + CONTEXT // 2].replace("\n", " ")
                print(f"{doc_id}\t{ent.text!r}\t{ent.label_}\t{ent._.score:.2f}\t…{context}…")
    words = sum(len(text.split()) for _, text in texts)
    print(f"# {len(texts)} documents, {words:,} words, {found} mentions by {args.component} ({time.process_time() - started:.1f} CPU s)", file=sys.stderr)


if __name__ == "__main__":
    main()
