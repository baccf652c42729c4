"""Start-up: ``python -m pipeline run`` on one article against loading its model alone, side by side.

    .venv/bin/python benchmarks/startup.py [--repeats 7] [--model models/news-md] [--json out.json]

Each repeat runs the two commands in turn (after one warm-up run of each, so that both read the
model from the page cache), each as a fresh process timed as a whole (wall seconds, and CPU seconds
of the process and the children it waited for, from ``os.wait4``):

- *model load*: ``python -c "import spacy; spacy.load(MODEL)"``, what any use of the model costs;
- *run*: ``python -m pipeline run data/raw/seed-article.txt --output TMP --overwrite`` with the
  default config (whose model is ``MODEL``): interpreter, imports, config, pipeline build,
  the article, the tables, corpus resolution and the summary.

It reports medians and the ratio of the medians (goal: run at most 1.2x the model load), as
Markdown on stdout (and JSON with ``--json``). CPU seconds are the steadier figure on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

from processes import whole_process

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "data" / "raw" / "seed-article.txt"
GOAL = 1.2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--model", default="models/news-md", help="the model of configs/default.cfg")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="news-startup-") as tmp:
        commands = {
            "model load": [sys.executable, "-c", f"import spacy; spacy.load({args.model!r})"],
            "run, one article": [sys.executable, "-m", "pipeline", "run", str(ARTICLE), "--output", str(Path(tmp) / "out"), "--overwrite"],
        }
        figures: dict[str, dict[str, list[float]]] = {name: {"wall": [], "cpu": []} for name in commands}
        for repeat in range(args.repeats + 1):
            for name, command in commands.items():
                figure = whole_process(command)
                measured = {"wall": figure["wall_seconds"], "cpu": figure["cpu_seconds"]}
                if repeat:  # the first round warms the page cache
                    for key, value in measured.items():
                        figures[name][key].append(value)
                print(
                    f"# {'warm-up' if not repeat else f'repeat {repeat}'}: {name}: {measured['wall']:.2f} s wall, {measured['cpu']:.2f} s CPU", file=sys.stderr
                )
    medians = {name: {key: statistics.median(values) for key, values in figure.items()} for name, figure in figures.items()}
    ratios = {key: medians["run, one article"][key] / medians["model load"][key] for key in ("wall", "cpu")}
    report = {
        "machine": f"{platform.node()}: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python {platform.python_version()}",
        "command": " ".join([".venv/bin/python", "benchmarks/startup.py", *sys.argv[1:]]),
        "figures": figures,
        "medians": medians,
        "ratios": ratios,
        "load_average": os.getloadavg(),
    }
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf8")
    print(markdown(report))


def markdown(report: dict) -> str:
    lines = [
        f"Machine: {report['machine']} (load average at the end: {', '.join(f'{v:.1f}' for v in report['load_average'])})  ",
        f"Command: `{report['command']}`",
        "",
        "| command | wall per run (s) | CPU per run (s) | median wall (s) | median CPU (s) |",
        "|---|---|---|---|---|",
    ]
    for name, figure in report["figures"].items():
        walls, cpus = (", ".join(f"{v:.2f}" for v in figure[key]) for key in ("wall", "cpu"))
        lines.append(f"| {name} | {walls} | {cpus} | {report['medians'][name]['wall']:.2f} | {report['medians'][name]['cpu']:.2f} |")
    lines += [
        "",
        "| ratio | wall (medians) | CPU (medians) | goal |",
        "|---|---|---|---|",
        f"| run, one article / model load | {report['ratios']['wall']:.2f} | {report['ratios']['cpu']:.2f} | <= {GOAL} |",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
