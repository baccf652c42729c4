"""The span classifier's selection data: the default pipeline scored where its choices are made.

    PYTHONPATH=. .venv/bin/python benchmarks/selection.py [--model models/news-md] [--classifier models/span-classifier]
        [--no-classifier] [--set KEY=JSON ...] [--sets "GUM dev" "UNER dev 20%" "ECB+ topics 1-25"] [--save out.json]

The default pipeline (``configs/default.cfg``, the corpus vote over each set, as
``benchmarks/quality.py`` runs it) with the recogniser ``--model`` and the classifier weights
``--classifier`` (``paths.classifier``) on the sets the classifier is chosen on, never on the
held-out ones (UNER EWT test, ECB+ 26-35: ``benchmarks/quality.py``, once): GUM's 12 dev documents
as one set, the 20% of UNER English-EWT dev the recogniser did not train on
(``data/processed/corpus/news/uner-dev.spacy``, made by ``make classifier``) and ECB+ topics 1-25
(the recogniser did not train on them; their gold spans are reliable where annotated). Prints per
set F1 per label, label errors, spurious mentions, ECE and mentions relabelled by the corpus vote,
as ``quality.py``'s tables do. Needs ../shared/data.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from spacy.tokens import Doc, DocBin

from pipeline.commands.evaluate import LABELS, score_mentions, score_ner, vote_over_corpus
from pipeline.config.build import build_nlp, load_pipeline_config
from pipeline.config.settings import resolve_section
from pipeline.corpora import read_gold
from pipeline.corpora.gum import DEV_DOCUMENTS as GUM_DEV

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
#: name -> (format, paths); ``docbin``: the gold DocBins ``convert`` wrote.
SETS = {
    "GUM dev": ("gum", [DATA / "gum" / f"{name}.conllu" for name in GUM_DEV]),
    "UNER dev 20%": ("docbin", [ROOT / "data" / "processed" / "corpus" / "news" / "uner-dev.spacy"]),
    "ECB+ topics 1-25": ("ecbplus", [DATA / "ecbplus" / "ECB+" / str(t) for t in range(1, 26) if (DATA / "ecbplus" / "ECB+" / str(t)).exists()]),
}
CLASSIFIER = "span_classifier"


def references(name: str, vocab) -> list[Doc]:  # noqa: ANN001  (a spaCy Vocab)
    fmt, paths = SETS[name]
    if fmt == "docbin":
        docs = [doc for path in paths for doc in DocBin().from_disk(path).get_docs(vocab)]
        for i, doc in enumerate(docs):
            doc._.doc_id = doc._.doc_id or f"{name}-{i}"
        return docs
    return list(read_gold(paths, fmt, vocab=vocab))


def score(model: str, classifier: str | None, sets: list[str], settings: dict) -> dict[str, dict]:
    """Per set: ``score_ner`` and ``score_mentions`` of the pipeline's predictions after the corpus vote."""
    overrides = {"paths.model": model, "paths.patterns": str(ROOT / "configs" / "patterns"), "paths.aliases": str(ROOT / "configs" / "aliases")}
    if classifier:
        overrides["paths.classifier"] = classifier
    config = load_pipeline_config(ROOT / "configs" / "default.cfg", {**overrides, **settings})
    if not classifier:
        stages = [p for p in config["nlp"]["pipeline"] if p != CLASSIFIER]
        config = load_pipeline_config(ROOT / "configs" / "default.cfg", {**overrides, **settings, "nlp.pipeline": stages})
    nlp = build_nlp(config)
    vote = resolve_section(config, "corpus_vote")
    results = {}
    for name in sets:
        golds = references(name, nlp.vocab)
        predictions = list(nlp.pipe(doc.text for doc in golds))
        for prediction, gold in zip(predictions, golds):
            prediction._.doc_id = gold._.doc_id
        relabelled = vote_over_corpus(predictions, vote) if vote.enabled else 0
        results[name] = {"ner": score_ner(predictions, golds), "mentions": score_mentions(predictions, golds), "relabelled": relabelled}
    return results


def row(name: str, result: dict) -> str:
    ner, m = result["ner"], result["mentions"]
    labels = " / ".join(f"{ner['per_label'][label]['f']:.3f}" for label in LABELS)
    ece = "-" if m["ece"] is None else f"{m['ece']:.3f}"
    return f"| {name} | **{ner['f']:.3f}** | {labels} | {m['correct']} | {m['label']} | {m['boundary']} | {m['spurious']} | {m['missed']} (of {m['gold']}) | {ece} | {result['relabelled']} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="models/news-md")
    parser.add_argument("--classifier", default="models/span-classifier", help="the classifier's weights folder (paths.classifier)")
    parser.add_argument("--no-classifier", action="store_true", help="without the span classifier")
    parser.add_argument("--set", nargs="+", default=[], metavar="KEY=JSON", help="config overrides: components.span_classifier.drop_threshold=0.6")
    parser.add_argument("--sets", nargs="+", default=list(SETS), choices=list(SETS))
    parser.add_argument("--save", type=Path, help="write the scores here (JSON)")
    args = parser.parse_args()
    settings = {key: json.loads(value) for key, _, value in (item.partition("=") for item in args.set)}
    results = score(args.model, None if args.no_classifier else args.classifier, args.sets, settings)
    print(f"| set | F1 | {' / '.join(LABELS)} F1 | correct | label errors | boundary | spurious | missed | ECE | relabelled |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, result in results.items():
        print(row(name, result))
    if args.save:
        args.save.parent.mkdir(parents=True, exist_ok=True)
        args.save.write_text(json.dumps(results, indent=1) + "\n", encoding="utf8")


if __name__ == "__main__":
    main()
