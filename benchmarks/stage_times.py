"""Time of each pipeline stage over one stream of documents: where ``nlp.pipe``'s time goes.

    PYTHONPATH=.:benchmarks .venv/bin/python benchmarks/stage_times.py [--config configs/default.cfg] [--repeat 2]
        [--corpus "GUM news+interview train, Title Case headlines" | --words 200000 | --text FILE] [--passes 1]

Runs the texts of UNER English-EWT test (../shared/data; ``--repeat`` times over), of a corpus
of ``benchmarks/errors.py`` (``--corpus``: news with a Title Case headline on every article), or
of ``benchmarks/performance.py``'s corpus (``--words``: GUM and UNER documents, repeated), or of
one text file (``--text``, ``--repeat`` times over: a page of tables, which those corpora lack) through
the tokenizer and then through each component of the configured pipeline in turn (``pipe`` over
the whole stream, batch size 64), then makes the rows of the output tables (``rows``:
:class:`pipeline.writing.rows.Rows`, Arrow tables included), and prints the CPU seconds each
took: the median of ``--passes`` passes over the same texts (the first pass also makes the
words' lexemes and fills the tokenizer's cache). Figures: benchmarks/performance.md.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from pipeline.config.build import load_pipeline
from pipeline.corpora import read_gold
from pipeline.readers import Article
from pipeline.writing.rows import Rows

ROOT = Path(__file__).resolve().parent.parent
UNER_TEST = ROOT.parent / "shared" / "data" / "uner_en_ewt" / "en_ewt-ud-test.iob2"
BATCH_SIZE = 64


def stage_times(config: Path, texts: list[str], passes: int = 1) -> dict[str, float]:
    """CPU seconds per stage (``tokenizer`` first, ``rows`` last) for ``texts``: medians of ``passes`` passes."""
    nlp, _ = load_pipeline(config)
    measured: dict[str, list[float]] = {}
    for _ in range(passes):
        started = time.process_time()
        docs = [nlp.make_doc(text) for text in texts]
        measured.setdefault("tokenizer", []).append(time.process_time() - started)
        for name, component in nlp.pipeline:
            started = time.process_time()
            docs = list(component.pipe(docs, batch_size=BATCH_SIZE)) if hasattr(component, "pipe") else [component(doc) for doc in docs]
            measured.setdefault(name, []).append(time.process_time() - started)
        started = time.process_time()
        rows = Rows()
        for number, (doc, text) in enumerate(zip(docs, texts)):
            rows.add_doc(doc, Article(doc_id=f"doc{number}", path="-", location=f"text {number}", text=text))
        rows.to_tables()
        measured.setdefault("rows", []).append(time.process_time() - started)
    times = {name: statistics.median(values) for name, values in measured.items()}
    times["words"] = sum(len(doc) for doc in docs)
    return times


def read_texts(repeat: int, corpus: str | None, words: int | None, vocab, text: Path | None = None) -> list[str]:  # noqa: ANN001  (a spaCy Vocab)
    """The texts of ``--words`` (performance.py's corpus), ``--corpus``, ``--text`` or UNER test (``repeat`` times over)."""
    if text is not None:
        return [text.read_text(encoding="utf8")] * repeat
    if words is not None:
        import json

        from performance import write_corpus

        with tempfile.TemporaryDirectory(prefix="news-stages-") as tmp:
            path = write_corpus(Path(tmp) / "corpus.jsonl", words)["path"]
            return [json.loads(line)["text"] for line in Path(path).read_text(encoding="utf8").splitlines()]
    if corpus is not None:
        from errors import read_references

        return [doc.text for doc in read_references(corpus, vocab)] * repeat
    return [doc.text for doc in read_gold([UNER_TEST], "uner", vocab=vocab)] * repeat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=ROOT / "configs" / "default.cfg")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--corpus", help="a corpus of benchmarks/errors.py instead of UNER test (needs PYTHONPATH=.:benchmarks)")
    parser.add_argument("--words", type=int, help="performance.py's corpus of about this many words instead (needs PYTHONPATH=.:benchmarks)")
    parser.add_argument("--text", type=Path, help="a text file, as one document, --repeat times over (a sports page's tables)")
    parser.add_argument("--passes", type=int, default=1, help="passes over the texts; each stage's median is printed")
    args = parser.parse_args()
    if not UNER_TEST.exists():
        raise SystemExit(f"{UNER_TEST} not found: the shared corpora are needed (see ../shared/data/README.md).")
    from spacy.vocab import Vocab

    texts = read_texts(args.repeat, args.corpus, args.words, Vocab(), args.text)
    times = stage_times(args.config, texts, args.passes)
    words = int(times.pop("words"))
    total = sum(times.values())
    print(f"{words:,} words; {total:.2f} s in all (CPU, median of {args.passes} passes)")
    for name, seconds in times.items():
        print(f"{name:20} {seconds:6.2f} s  {seconds / total:6.1%}")


if __name__ == "__main__":
    main()
