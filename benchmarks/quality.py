"""Entity quality: the base model and the default pipeline side by side on the shared gold corpora.

    .venv/bin/python benchmarks/quality.py [--ablation] [--output benchmarks/results]

One ``evaluate`` (pipeline.evaluate.evaluate, the function behind ``python -m pipeline
evaluate``) per corpus and config; writes ``quality.json`` (every metric) and
``quality-tables.md`` (the tables quoted in benchmarks/quality.md). ``--ablation`` also scores
the default pipeline with one stage removed at a time, on UNER EWT dev and GUM news.
Needs ../shared/data (see its README).
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

from pipeline.config import build_nlp, load_pipeline_config
from pipeline.evaluate import LABELS, evaluate

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
CORPORA = {
    "UNER EWT dev": ("uner", DATA / "uner_en_ewt" / "en_ewt-ud-dev.iob2"),
    "UNER EWT test": ("uner", DATA / "uner_en_ewt" / "en_ewt-ud-test.iob2"),
    "GUM news": ("gum", DATA / "gum" / "news"),
    "ECB+": ("ecbplus", DATA / "ecbplus" / "ECB+"),
}
CONFIGS = {"base": ROOT / "configs" / "base.cfg", "pipeline": ROOT / "configs" / "default.cfg"}
#: Stages removed one at a time for --ablation.
ABLATE = ["line_sentences", "entity_rules", "places", "span_cleanup", "common_words", "label_consistency"]
ABLATION_CORPORA = ("UNER EWT dev", "GUM news")


def _overrides() -> dict:
    return {"paths.patterns": str(ROOT / "configs" / "patterns"), "paths.aliases": str(ROOT / "configs" / "aliases")}


def run(ablation: bool) -> dict:
    results: dict = {"machine": f"{platform.node()} {platform.machine()} {platform.processor() or ''} Python {platform.python_version()}", "runs": {}}
    for config_name, config_path in CONFIGS.items():
        config = load_pipeline_config(config_path, _overrides() if config_name == "pipeline" else {})
        nlp = build_nlp(config)
        for corpus, (fmt, path) in CORPORA.items():
            started = time.perf_counter()
            result = evaluate([path], fmt, nlp=nlp)
            results["runs"][f"{config_name} | {corpus}"] = {**result.to_dict(), "seconds_total": round(time.perf_counter() - started, 1)}
            print(f"{config_name:9} {corpus:14} F1 {result.ner['f']:.3f}", flush=True)
    if ablation:
        default = load_pipeline_config(CONFIGS["pipeline"], _overrides())
        for stage in ABLATE:
            pipeline = [p for p in default["nlp"]["pipeline"] if p != stage]
            nlp = build_nlp(load_pipeline_config(CONFIGS["pipeline"], {**_overrides(), "nlp.pipeline": pipeline}))
            for corpus in ABLATION_CORPORA:
                fmt, path = CORPORA[corpus]
                result = evaluate([path], fmt, nlp=nlp)
                results["runs"][f"without {stage} | {corpus}"] = result.to_dict()
                print(f"without {stage:18} {corpus:14} F1 {result.ner['f']:.3f}", flush=True)
    return results


def tables(results: dict) -> str:
    runs = results["runs"]
    lines = ["### Recognition: exact span and label, P / R / F1", ""]
    lines.append("| corpus | config | " + " | ".join(LABELS) + " | all |")
    lines.append("|---|---|" + "---|" * (len(LABELS) + 1))
    for corpus in CORPORA:
        for config in CONFIGS:
            ner = runs[f"{config} | {corpus}"]["ner"]
            cells = [f"{ner['per_label'][l]['p']:.3f} / {ner['per_label'][l]['r']:.3f} / **{ner['per_label'][l]['f']:.3f}**" for l in LABELS]
            lines.append(f"| {corpus} | {config} | " + " | ".join(cells) + f" | {ner['p']:.3f} / {ner['r']:.3f} / **{ner['f']:.3f}** |")
    lines += ["", "### Alias linking over the gold mentions found (pairwise P / R / F1; B³ F1)", ""]
    lines.append("| corpus | config | found | within documents (entity_id) | B³ | corpus (canonical_id) | B³ |")
    lines.append("|---|---|---|---|---|---|---|")
    for corpus in ("GUM news", "ECB+"):
        for config in CONFIGS:
            link = runs[f"{config} | {corpus}"]["linking"]
            w, c = link["within"], link["corpus"]
            lines.append(
                f"| {corpus} | {config} | {link['found']:.3f} of {link['gold_mentions']} | {w['pairwise_p']:.3f} / {w['pairwise_r']:.3f} / **{w['pairwise_f']:.3f}** | {w['b3_f']:.3f} "
                f"| {c['pairwise_p']:.3f} / {c['pairwise_r']:.3f} / **{c['pairwise_f']:.3f}** | {c['b3_f']:.3f} |"
            )
    lines += ["", "### Speed of the evaluated runs (words/s, nlp.pipe, one process)", ""]
    lines.append("| corpus | " + " | ".join(CONFIGS) + " |")
    lines.append("|---|" + "---|" * len(CONFIGS))
    for corpus in CORPORA:
        lines.append(f"| {corpus} | " + " | ".join(f"{runs[f'{c} | {corpus}']['settings']['words_per_second']:,}" for c in CONFIGS) + " |")
    ablations = [k for k in runs if k.startswith("without ")]
    if ablations:
        lines += ["", "### Ablation: the default pipeline with one stage removed (F1, all labels; linking within documents)", ""]
        lines.append("| stage removed | " + " | ".join(f"{c} F1" for c in ABLATION_CORPORA) + " | GUM within-doc pairwise F1 |")
        lines.append("|---|" + "---|" * (len(ABLATION_CORPORA) + 1))
        full = {c: runs[f"pipeline | {c}"] for c in ABLATION_CORPORA}
        lines.append("| (none: default) | " + " | ".join(f"{full[c]['ner']['f']:.3f}" for c in ABLATION_CORPORA) + f" | {full['GUM news']['linking']['within']['pairwise_f']:.3f} |")
        for stage in ABLATE:
            r = {c: runs[f"without {stage} | {c}"] for c in ABLATION_CORPORA}
            lines.append(f"| {stage} | " + " | ".join(f"{r[c]['ner']['f']:.3f}" for c in ABLATION_CORPORA) + f" | {r['GUM news']['linking']['within']['pairwise_f']:.3f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ablation", action="store_true")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args()
    if not DATA.exists():
        raise SystemExit(f"{DATA} not found: the shared corpora are needed (see ../shared/data/README.md).")
    results = run(args.ablation)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "quality.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf8")
    (args.output / "quality-tables.md").write_text(f"Machine: {results['machine']}\n\n" + tables(results), encoding="utf8")
    print(f"Wrote {args.output / 'quality.json'} and {args.output / 'quality-tables.md'}")


if __name__ == "__main__":
    main()
