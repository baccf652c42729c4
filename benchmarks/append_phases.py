"""Where an append's time and memory go, step by step: the per-step figures in benchmarks/append.md.

    PYTHONPATH=. .venv/bin/python benchmarks/append_phases.py NEW.jsonl --corpus DIR --config CFG [--tree ../main]

Copies the grown corpus ``DIR`` (``benchmarks/append.py --reuse``'s ``corpus-N``) to a temporary
folder and appends ``NEW.jsonl`` to it in this process (``python -m pipeline run ... --append``),
with the code of ``--tree`` (a checkout of this repository; default: this one). Each step listed
in :data:`STEPS` is timed as it returns: its CPU seconds, the resident size it added and where it
left it, and how much it raised the process's peak (``ru_maxrss``). Steps a version does not have
are skipped, so two versions can be compared side by side.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import resource
import runpy
import shutil
import sys
import tempfile
from pathlib import Path

#: (module, class or None, function): the steps of an append that are timed.
STEPS = [
    ("pipeline.commands.run", "_Append", "with_corpus_votes"),
    ("pipeline.corpus.registry", "Registry", "update"),
    ("pipeline.corpus.registry", "Registry", "_touched"),
    ("pipeline.corpus.grouping", "Resolved", "read"),
    ("pipeline.corpus.resolve", "CorpusResolver", "resolve"),
    ("pipeline.corpus.registry", "Registry", "_keep_ids"),
    ("pipeline.corpus.registry", "Registry", "_grown"),
    ("pipeline.corpus.registry", None, "_grown"),
    ("pipeline.commands.run", "_Append", "finish"),
    ("pipeline.commands.run", None, "doc_counts"),
    ("pipeline.writing.writer", "Staging", "compact"),
    ("pipeline.writing.writer", "Staging", "write_batches"),
    ("pipeline.commands.run", "_Append", "record"),
]


def resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(owner: object, name: str, label: str, log: list, depth: list[int]) -> None:
    """Replace ``owner.name`` by a wrapper that logs the step when it returns."""
    raw = vars(owner).get(name)
    method = raw.__func__ if isinstance(raw, classmethod) else getattr(owner, name)

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        depth[0] += 1
        before = (resident_mb(), peak_mb(), cpu_seconds())
        try:
            return method(*args, **kwargs)
        finally:
            depth[0] -= 1
            shown = f"{label} {Path(str(args[1])).name}" if name == "write_batches" else label  # which file
            log.append((depth[0], shown, resident_mb() - before[0], resident_mb(), peak_mb() - before[1], peak_mb(), cpu_seconds() - before[2]))

    setattr(owner, name, classmethod(wrapper) if isinstance(raw, classmethod) else wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("new", type=Path)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--tree", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args()
    args.new, args.corpus, args.config = args.new.resolve(), args.corpus.resolve(), args.config.resolve()
    sys.path.insert(0, str(args.tree.resolve()))
    os.chdir(args.tree)
    log: list = []
    depth = [0]
    for module, owner, name in STEPS:
        found = importlib.import_module(module)
        target = getattr(found, owner, None) if owner else found
        if target is not None and name in vars(target):
            timed(target, name, f"{owner or module.rsplit('.', 1)[1]}.{name}", log, depth)
    with tempfile.TemporaryDirectory(prefix="append-phases-") as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(args.corpus, corpus)
        sys.argv = ["pipeline", "run", str(args.new), "--output", str(corpus), "--config", str(args.config), "--append", "--n-process", "1"]
        try:
            runpy.run_module("pipeline", run_name="__main__")
        except SystemExit:
            pass
    print(f"{'step':44s} {'resident +MB':>12s} {'-> MB':>6s} {'peak +MB':>9s} {'-> MB':>6s} {'CPU s':>6s}")
    for level, label, grew, now, raised, peak, cpu in log:
        print(f"{'  ' * level + label:44s} {grew:+12.0f} {now:6.0f} {raised:+9.0f} {peak:6.0f} {cpu:6.2f}")
    print(f"whole process: CPU {cpu_seconds():.2f} s, peak {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
