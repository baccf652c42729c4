"""Listed companies in three business-news sentences: how many the pipeline finds whole as ORG.

    PYTHONPATH=. .venv/bin/python benchmarks/companies_probe.py [--config configs/default.cfg]

Every name of pytickersymbols' index constituents (without its legal form, as news writes it:
``pipeline.knowledge.companies.company_forms``) in each template; counts per label of the mention
that is exactly the name (``other``: none is). The names are the lexicon's own, so this checks
what the listed-companies evidence and stage do; it does not measure them on unseen text
(benchmarks/quality.md, session 11).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from pipeline.components.evidence import LEGAL_FORMS_FILE, read_words
from pipeline.config.build import load_pipeline
from pipeline.knowledge.companies import company_forms, listed_company_names

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = (
    "Shares of {} rose 3 percent on Tuesday after the results.",
    "{} said on Tuesday it would cut 2,000 jobs.",
    "The deal with {} was signed on Tuesday, officials said.",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=str(ROOT / "configs" / "default.cfg"))
    args = parser.parse_args()
    legal = set(read_words(ROOT / "configs" / "evidence" / LEGAL_FORMS_FILE))
    names = sorted({list(company_forms(name, legal))[-1] for name in listed_company_names()})
    nlp, _ = load_pipeline(args.config)
    print(f"{len(names)} names, {args.config}")
    for template in TEMPLATES:
        counts: Counter[str] = Counter()
        for name, doc in zip(names, nlp.pipe((template.format(name) for name in names), batch_size=64)):
            counts[next((ent.label_ for ent in doc.ents if ent.text == name), "other")] += 1
        print(f"{template}: " + ", ".join(f"{label} {n:,}" for label, n in counts.most_common()))


if __name__ == "__main__":
    main()
