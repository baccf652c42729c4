"""Cost of `pipeline.load` and `python -m pipeline report` on a run of real news, capped and not.

    .venv/bin/python benchmarks/report.py [--ecb-docs 300] [--repeat 3] [--run DIR]

Builds a JSONL corpus from the shared data (GUM news and interviews, from their ``# text``
lines; the first ``--ecb-docs`` ECB+ documents, tokens joined with spaces), runs the pipeline
on it once (or reuses ``--run DIR``), then times, side by side in one process, loading the
tables and writing the report with the default cap (``report.max_articles``) and with every
article, and, when Chromium is installed, how long it takes to open each page (``--dump-dom``).
Prints medians of ``--repeat`` runs as a Markdown table. Needs ``../shared/data``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))

import pipeline  # noqa: E402
from pipeline.commands.run import run_pipeline  # noqa: E402
from pipeline.report import ReportSettings, write_report  # noqa: E402

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND", "--dump-dom",
]  # fmt: skip


def gum_documents() -> list[dict[str, str]]:
    docs = []
    for path in sorted((SHARED / "gum").glob("*/*.conllu")):
        lines = [line[len("# text = ") :] for line in path.read_text(encoding="utf8").splitlines() if line.startswith("# text = ")]
        docs.append({"id": f"gum/{path.stem}", "title": lines[0], "text": "\n".join([lines[0], " ".join(lines[1:])])})
    return docs


def ecb_documents(limit: int) -> list[dict[str, str]]:
    docs = []
    paths = sorted((SHARED / "ecbplus" / "ECB+").glob("*/*.xml"), key=lambda p: (int(p.parent.name), p.name))
    for path in paths[:limit]:
        sentences: dict[str, list[str]] = {}
        for token in ET.parse(path).getroot().iter("token"):
            sentences.setdefault(token.get("sentence", "0"), []).append(token.text or "")
        text = " ".join(" ".join(tokens) for tokens in sentences.values())
        text = re.sub(r" ([.,;:!?')\]]|'s|n't)", r"\1", text).replace("`` ", '"').replace(" ''", '"')
        docs.append({"id": f"ecb/{path.stem}", "text": text})
    return docs


def cpu_description() -> str:
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if line.startswith("model name")]
        model = names[0] if names else model
    return f"{model}, {os.cpu_count()} cores"


def median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ecb-docs", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--run", type=Path, help="Reuse this run's output instead of running the pipeline.")
    args = parser.parse_args()
    if not SHARED.exists():
        sys.exit(f"{SHARED} not found: this benchmark reads the shared corpora (see README).")
    work = Path(tempfile.mkdtemp(prefix="bench-report-"))
    try:
        run_dir = args.run
        if run_dir is None:
            corpus = work / "corpus.jsonl"
            docs = gum_documents() + ecb_documents(args.ecb_docs)
            corpus.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf8")
            run_dir = work / "run"
            result = run_pipeline([corpus], run_dir)
            print(f"pipeline: {sum(result.documents.values()):,} documents, {result.words:,} words in {result.seconds:.0f} s", file=sys.stderr)
        tables = pipeline.load(run_dir)
        n_docs = len(tables.documents)
        rows = [("pipeline.load (5 tables)", median_seconds(lambda: pipeline.load(run_dir), args.repeat), None, None)]
        chromium = shutil.which("chromium")
        for name, cap in (("report, default cap", ReportSettings().max_articles), ("report, every article", n_docs)):
            out = work / f"report-{cap}.html"
            settings = ReportSettings(max_articles=cap)
            seconds = median_seconds(lambda: write_report(run_dir, out, settings), args.repeat)
            browser = None
            if chromium:
                command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={work / 'profile'}", out.as_uri()]
                browser = median_seconds(lambda: subprocess.run(command, capture_output=True, check=True, timeout=600), args.repeat)
            rows.append((f"{name} ({min(cap, n_docs):,} articles)", seconds, out.stat().st_size, browser))
        print(f"Run: {n_docs:,} documents, {len(tables.mentions):,} mentions, {len(tables.corpus_entities):,} corpus entities")
        print(f"Machine: {platform.platform()}, {cpu_description()}, Python {platform.python_version()}")
        print(f"Command: {' '.join([Path(sys.executable).name, *sys.argv])}; medians of {args.repeat}\n")
        print("| step | seconds | HTML size | Chromium open (s) |\n|---|---:|---:|---:|")
        for name, seconds, size, browser in rows:
            size_text = f"{size / 1e6:.1f} MB" if size else ""
            browser_text = f"{browser:.1f}" if browser else ""
            print(f"| {name} | {seconds:.2f} | {size_text} | {browser_text} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
