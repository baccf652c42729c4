"""What ``news_sports_teams`` changes over whole texts, against an earlier version of the stage.

    PYTHONPATH=. .venv/bin/python benchmarks/sports_tables.py --before 0aa05cc [--corpus ecbplus gum] [--sentence-lines] [--text FILE ...]
    PYTHONPATH=. .venv/bin/python benchmarks/sports_tables.py --before 0aa05cc --pages benchmarks/sports_pages

The default pipeline (``configs/default.cfg``) runs up to the stage before ``sports_teams`` over
every document's whole text (ECB+: every sentence of topics 1-35, not only the annotated ones;
GUM: every genre here; or the given text files; ``--sentence-lines``: each sentence on a line of its
own, as wire copy prints it, so that every short sentence with a number is read as a table's line
might be); then the stage as this checkout has it and as git
revision ``--before`` had it (``pipeline/components/sports.py`` and its helper modules at that
revision, built with the settings the old factory knows) each run on a copy of the Doc. Every
mention one gives and the other does not (span and label) is printed with its line, to be judged
by reading it; the totals are counted per corpus. No gold is read: most of these texts are not
annotated, and the held-out topics are only counted, never tuned on.

``--pages DIR`` scores instead the invented wire-layout sports pages of ``DIR``
(``benchmarks/sports_pages``: its README) against their ``gold.json``, each version of the stage
followed by the pipeline's later stages (not the corpus vote, which ``run`` adds).
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from spacy.tokens import Doc

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.config.build import load_pipeline  # noqa: E402
from pipeline.corpora.ecbplus import read_ecbplus  # noqa: E402
from pipeline.corpora.gold import GoldReport  # noqa: E402
from pipeline.corpora.gum import read_gum  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
STAGE = "sports_teams"
#: Characters of a changed mention's line printed either side of it.
CONTEXT = 70


def texts(corpus: str, sentence_lines: bool = False) -> Iterator[tuple[str, str]]:
    """(document id, whole text) of a corpus in ``../shared/data``; with ``sentence_lines`` every
    sentence on a line of its own, as wire copy (CoNLL-2003's Reuters) prints it."""
    report = GoldReport()
    if corpus == "ecbplus":
        paths = sorted((DATA / "ecbplus" / "ECB+").glob("*/*.xml"))
        documents = (d for p in paths for d in read_ecbplus(p, report, annotated_only=False))
    else:
        documents = (d for p in sorted((DATA / "gum").glob("*/*.conllu")) for d in read_gum(p, report))
    for document in documents:
        parts = []
        for i, (word, space, start) in enumerate(zip(document.words, document.spaces, document.sent_starts, strict=True)):
            if sentence_lines and start and i and parts and not parts[-1].endswith("\n"):
                parts[-1] = parts[-1].rstrip(" ") + "\n"
            parts.append(word + (" " if space else ""))
        yield document.doc_id, "".join(parts)


def stage_before(revision: str, nlp) -> object:  # noqa: ANN001
    """The ``news_sports_teams`` component as ``revision`` had it, with this pipeline's settings."""
    source = subprocess.run(["git", "show", f"{revision}:pipeline/components/sports.py"], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    source = source.replace('"news_sports_teams"', '"news_sports_teams_before"')
    path = Path(tempfile.mkdtemp()) / "sports_before.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("pipeline.components.sports_before", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    config = {k: v for k, v in nlp.get_pipe_config(STAGE).items() if k != "factory"}
    known = inspect.signature(module.SportsTeams.__init__).parameters
    return module.SportsTeams(STAGE, **{k: v for k, v in config.items() if k in known})


def mentions(doc: Doc) -> set[tuple[int, int, str, str]]:
    return {(e.start_char, e.end_char, e.text, e.label_) for e in doc.ents}


def line(text: str, start: int, end: int) -> str:
    """The mention's line, at most ``CONTEXT`` characters either side of it."""
    line_start = max(text.rfind("\n", 0, start) + 1, start - CONTEXT)
    line_end = text.find("\n", end)
    line_end = min(len(text) if line_end < 0 else line_end, end + CONTEXT)
    return f"{text[line_start:start]}[[{text[start:end]}]]{text[end:line_end]}".strip()


def score_pages(nlp, stages: dict[str, object], folder: Path) -> None:  # noqa: ANN001
    """Each page of ``folder`` (``gold.json``: its name mentions, text and label) through the pipeline
    with each version of the stage; mentions right (a multiset of text and label per page), given, in the gold."""
    import json

    gold_pages = json.loads((folder / "gold.json").read_text(encoding="utf8"))
    at = nlp.pipe_names.index(STAGE)
    upstream, downstream = nlp.pipe_names[:at], nlp.pipeline[at + 1 :]
    totals: dict[str, Counter[str]] = {version: Counter() for version in stages}
    for page, entry in gold_pages.items():
        gold = Counter((text, label) for text, label in entry["mentions"])
        with nlp.select_pipes(enable=upstream):
            doc = nlp((folder / page).read_text(encoding="utf8"))
        for version, stage in stages.items():
            final = stage(doc.copy())
            for _name, component in downstream:
                final = component(final)
            given = Counter((e.text, e.label_) for e in final.ents)
            right = sum((gold & given).values())
            for key, value in (("right", right), ("given", sum(given.values())), ("gold", sum(gold.values()))):
                totals[version][key] += value
                totals[version][f"{key} {entry['written'].split('(')[-1].rstrip(')')}"] += value
            wrong = ", ".join(f"{t}/{label}" for (t, label), n in sorted((given - gold).items()) for _ in range(n))
            print(f"{page} {version}: right {right}, given {sum(given.values())}, gold {sum(gold.values())}; wrong: {wrong or '-'}")
    for version, counts in totals.items():
        for part in ("", " in sample", " out of sample"):
            right, given, gold = counts[f"right{part}"], counts[f"given{part}"], counts[f"gold{part}"]
            p, r = right / max(given, 1), right / max(gold, 1)
            print(f"{version}{part or ' all'}: right {right}, given {given}, gold {gold}: P {p:.3f} R {r:.3f} F1 {2 * p * r / max(p + r, 1e-9):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="git revision of the stage to compare with")
    parser.add_argument("--corpus", nargs="+", default=["ecbplus", "gum"], choices=["ecbplus", "gum"])
    parser.add_argument("--text", nargs="*", type=Path, default=[], help="text files to run instead of the corpora")
    parser.add_argument("--pages", type=Path, help="score the pages of this folder (benchmarks/sports_pages) against its gold.json instead")
    parser.add_argument("--sentence-lines", action="store_true", help="every sentence of the corpora on a line of its own")
    args = parser.parse_args()
    nlp, _ = load_pipeline(ROOT / "configs" / "default.cfg")
    now, before = nlp.get_pipe(STAGE), stage_before(args.before, nlp)
    if args.pages:
        score_pages(nlp, {"before": before, "now": now}, args.pages)
        return
    upstream = nlp.pipe_names[: nlp.pipe_names.index(STAGE)]
    sources = {str(p): iter([(p.name, p.read_text())]) for p in args.text} if args.text else {c: texts(c, args.sentence_lines) for c in args.corpus}
    for corpus, documents in sources.items():
        counts: Counter[str] = Counter()
        ids, bodies = zip(*documents, strict=True)
        with nlp.select_pipes(enable=upstream):
            for doc_id, doc in zip(ids, nlp.pipe(bodies)):
                counts["documents"] += 1
                counts["lines read"] += len(now.tables.lines(doc))  # the lines with a number, short enough to be a table's
                old_doc, new_doc = before(doc.copy()), now(doc.copy())
                old, new = mentions(old_doc), mentions(new_doc)
                if old_doc._.sport != new_doc._.sport:
                    counts["sport changed"] += 1
                    print(f"{corpus} {doc_id} sport {old_doc._.sport} -> {new_doc._.sport}")
                for sign, changed in (("-", old - new), ("+", new - old)):
                    for start, end, text, label in sorted(changed):
                        counts[f"{sign} {label}"] += 1
                        print(f"{corpus} {doc_id} {sign} {text!r} {label}  | {line(doc.text, start, end)}")
        print(f"{corpus}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
