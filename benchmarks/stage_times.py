"""Time of each pipeline stage over one stream of documents: where ``nlp.pipe``'s time goes.

    PYTHONPATH=.:benchmarks .venv/bin/python benchmarks/stage_times.py [--config configs/default.cfg] [--repeat 2]
        [--corpus "GUM news+interview train, Title Case headlines"]

Runs the texts of UNER English-EWT test (../shared/data; ``--repeat`` times over), or of a corpus
of ``benchmarks/errors.py`` (``--corpus``: news with a Title Case headline on every article), through the
tokenizer and then through each component of the configured pipeline in turn (``pipe`` over the
whole stream, batch size 64), and prints the seconds each took. Figures: benchmarks/performance.md.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from pipeline.config.build import load_pipeline
from pipeline.corpora import read_gold

ROOT = Path(__file__).resolve().parent.parent
UNER_TEST = ROOT.parent / "shared" / "data" / "uner_en_ewt" / "en_ewt-ud-test.iob2"
BATCH_SIZE = 64


def stage_times(config: Path, repeat: int, corpus: str | None = None) -> dict[str, float]:
    """Seconds per stage (``tokenizer`` first) for the UNER test texts (or ``corpus``'s), ``repeat`` times over."""
    nlp, _ = load_pipeline(config)
    if corpus is not None:
        from errors import read_references

        texts = [doc.text for doc in read_references(corpus, nlp.vocab)] * repeat
    else:
        texts = [doc.text for doc in read_gold([UNER_TEST], "uner", vocab=nlp.vocab)] * repeat
    times: dict[str, float] = {}
    started = time.perf_counter()
    docs = [nlp.make_doc(text) for text in texts]
    times["tokenizer"] = time.perf_counter() - started
    for name, component in nlp.pipeline:
        started = time.perf_counter()
        docs = list(component.pipe(docs, batch_size=BATCH_SIZE)) if hasattr(component, "pipe") else [component(doc) for doc in docs]
        times[name] = time.perf_counter() - started
    times["words"] = sum(len(doc) for doc in docs)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=ROOT / "configs" / "default.cfg")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--corpus", help="a corpus of benchmarks/errors.py instead of UNER test (needs PYTHONPATH=.:benchmarks)")
    args = parser.parse_args()
    if not UNER_TEST.exists():
        raise SystemExit(f"{UNER_TEST} not found: the shared corpora are needed (see ../shared/data/README.md).")
    times = stage_times(args.config, args.repeat, args.corpus)
    words = int(times.pop("words"))
    total = sum(times.values())
    print(f"{words:,} words; {total:.2f} s in all")
    for name, seconds in times.items():
        print(f"{name:20} {seconds:6.2f} s  {seconds / total:6.1%}")


if __name__ == "__main__":
    main()
