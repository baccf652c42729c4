"""Corpus resolution: does one ``canonical_id`` name one entity across documents?

    .venv/bin/python benchmarks/resolution.py [--model models/news-md] [--cache /tmp/resolution] [--json out.json] [--errors 20]

Runs the default pipeline (``configs/default.cfg``, its corpus vote included) once over each corpus
in ``CORPORA`` and scores the corpus resolver (:mod:`pipeline.corpus.resolve`, the code path of ``run``) against the gold
identities, over the gold mentions the pipeline found (:func:`pipeline.commands.evaluate.score_linking`):

* ``corpus``: every pair of mentions, as ``evaluate`` reports it (ECB+: pairs within a sub-topic);
* ``cross-document``: only pairs whose mentions lie in different documents, what the resolver
  alone decides (within a document the alias linker has decided already);
* ``cross-document, exact spans``: the same over the gold mentions whose found mention has the
  gold mention's name (:func:`~pipeline.knowledge.names.name_key`): a found ``Wellington`` matched by
  overlap to the gold ``Waitrose supermarket in Wellington`` (the shop) is left out, so what
  remains is the resolver's doing, not the recogniser's boundaries.

ECB+ is resolved as one corpus (all 35 topics) and scored also by topic range: topics 1–25 are
where the resolver's rules were looked at, 26–35 are held out. ``--errors N`` prints, per corpus,
the N clusters with the most wrong cross-document pairs (which gold identities they join).

Gold: ECB+ (all 35 topics; the cross-document instance), GUM news and interviews (Wikipedia
identities; a mention without one has a document-local chain, so it pairs only within its
document). ``--cache DIR`` keeps the pipeline's predictions (DocBin) so that a changed resolver
is rescored in seconds; drop the folder when the pipeline's stages change. Needs ../shared/data.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from collections import Counter
from pathlib import Path

from spacy.tokens import DocBin

from pipeline.commands.evaluate import canonical_ids, match_mentions, score_linking, vote_over_corpus
from pipeline.config.build import build_nlp, load_pipeline_config
from pipeline.config.settings import resolve_section
from pipeline.corpora import read_gold
from pipeline.corpora.gold import GROUP_KEY
from pipeline.knowledge.names import name_key

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
CORPORA = {
    "ECB+ (35 topics)": ("ecbplus", [DATA / "ecbplus" / "ECB+"]),
    "GUM news + interviews": ("gum", [DATA / "gum" / "news", DATA / "gum" / "interview"]),
}
#: ECB+ topics the resolver's rules were looked at; the later ones are held out.
ECB_TUNING_TOPICS = 25


def predict(nlp, fmt: str, paths: list[Path], cache: Path | None, name: str) -> tuple[list, list]:
    """Gold Docs and the pipeline's Docs for one corpus (from ``cache`` when it holds them)."""
    stem = name.split(" ")[0].strip("+").lower()
    files = (cache / f"{stem}-gold.spacy", cache / f"{stem}-pred.spacy") if cache else None
    if files and all(f.exists() for f in files):
        return tuple(list(DocBin().from_disk(f).get_docs(nlp.vocab)) for f in files)  # type: ignore[return-value]
    references = list(read_gold(paths, fmt, vocab=nlp.vocab))
    predictions = list(nlp.pipe(doc.text for doc in references))
    for prediction, reference in zip(predictions, references):
        prediction._.doc_id = reference._.doc_id
    if files:
        cache.mkdir(parents=True, exist_ok=True)
        for f, docs in zip(files, (references, predictions)):
            DocBin(store_user_data=True, docs=docs).to_disk(f)
    return references, predictions


def mention_cells(predictions: list, references: list, canonical: dict, exact: bool = False) -> Counter:
    """(group, gold id, canonical id, document) -> gold mentions found, over the gold mentions with
    an identity (``exact``: only those whose found mention has the gold mention's name)."""
    cells: Counter = Counter()
    for prediction, reference in zip(predictions, references):
        doc_id, group = reference._.doc_id, reference.user_data.get(GROUP_KEY, "")
        matched = match_mentions(prediction, reference)
        ents = list(prediction.ents)
        for g, gold in enumerate(reference.ents):
            if gold.kb_id_ and g in matched:
                pred = ents[matched[g]]
                if exact and name_key(pred.text) != name_key(gold.text):
                    continue
                entity_id = f"{doc_id}:{pred._.entity_id or f'M{matched[g]}'}"
                cells[(group, gold.kb_id_, canonical.get(entity_id) or entity_id, doc_id)] += 1
    return cells


def cross_document(cells: Counter) -> dict:
    """Pairwise P/R/F1 over pairs of mentions in different documents of one group (of :func:`mention_cells`)."""
    pairs = lambda n: n * (n - 1) // 2  # noqa: E731

    def cross(key) -> int:  # pairs under ``key`` minus the pairs inside one document
        total, within = Counter(), Counter()
        for cell, n in cells.items():
            total[key(cell)] += n
            within[(key(cell), cell[3])] += n
        return sum(pairs(n) for n in total.values()) - sum(pairs(n) for n in within.values())

    common = cross(lambda c: (c[0], c[1], c[2]))
    gold_pairs, pred_pairs = cross(lambda c: (c[0], c[1])), cross(lambda c: (c[0], c[2]))
    p = common / pred_pairs if pred_pairs else 1.0
    r = common / gold_pairs if gold_pairs else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"pairwise_p": round(p, 4), "pairwise_r": round(r, 4), "pairwise_f": round(f, 4), "gold_pairs": gold_pairs, "predicted_pairs": pred_pairs}


def wrong_merges(cells: Counter, limit: int) -> list[str]:
    """The ``limit`` predicted clusters with the most wrong cross-document pairs, and the gold ids they join."""
    clusters: dict[tuple, Counter] = {}
    for (group, gold, canonical, doc_id), n in cells.items():
        clusters.setdefault((group, canonical), Counter())[(gold, doc_id)] += n
    wrong = []
    for (group, canonical), found in clusters.items():
        items = [(gold, doc_id) for (gold, doc_id), n in found.items() for _ in range(n)]
        n = sum(1 for i, a in enumerate(items) for b in items[i + 1 :] if a[0] != b[0] and a[1] != b[1])
        golds = Counter(gold for gold, _doc in items)
        if n:
            wrong.append((n, f"{n} wrong pairs: {group} {canonical} joins {dict(golds)}"))
    return [line for _n, line in sorted(wrong, key=lambda w: -w[0])[:limit]]


def scopes(name: str, predictions: list, references: list) -> dict[str, tuple[list, list]]:
    """The parts of a corpus scored apart: ECB+ also by topic range (tuning, held out)."""
    if not name.startswith("ECB+"):
        return {name: (predictions, references)}
    topic = [int(reference._.doc_id.split("_")[0]) for reference in references]
    parts = {
        f"ECB+ 1–{ECB_TUNING_TOPICS} (tuning)": lambda t: t <= ECB_TUNING_TOPICS,
        f"ECB+ {ECB_TUNING_TOPICS + 1}–35 (held out)": lambda t: t > ECB_TUNING_TOPICS,
    }
    found = {part: ([p for p, t in zip(predictions, topic) if keep(t)], [r for r, t in zip(references, topic) if keep(t)]) for part, keep in parts.items()}
    return {name: (predictions, references), **found}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None, help="paths.model (default: the config's)")
    parser.add_argument("--cache", type=Path, default=None, help="folder for the pipeline's predictions (DocBin)")
    parser.add_argument("--json", type=Path, default=None, help="write the scores here")
    parser.add_argument("--errors", type=int, default=0, help="print the N clusters with the most wrong cross-document pairs")
    args = parser.parse_args()
    overrides = {"paths.model": args.model} if args.model else {}
    overrides.update({"paths.patterns": str(ROOT / "configs" / "patterns"), "paths.aliases": str(ROOT / "configs" / "aliases")})
    config = load_pipeline_config(ROOT / "configs" / "default.cfg", overrides)
    nlp = build_nlp(config)
    vote = resolve_section(config, "corpus_vote", "configs/default.cfg")
    results: dict = {"machine": f"{platform.node()} {platform.machine()} Python {platform.python_version()}", "corpora": {}}
    print("| corpus | scope | pairwise P | R | F1 | predicted pairs |\n|---|---|---|---|---|---|")
    errors = []
    for name, (fmt, paths) in CORPORA.items():
        started = time.perf_counter()
        references, predictions = predict(nlp, fmt, paths, args.cache, name)
        if vote.enabled:  # as run and evaluate do: the corpus vote's labels, then resolution
            vote_over_corpus(predictions, vote)
        canonical = canonical_ids(predictions)  # one resolution over the whole corpus
        for part, (preds, refs) in scopes(name, predictions, references).items():
            scores = {
                "cross-document": cross_document(mention_cells(preds, refs, canonical)),
                "cross-document, exact spans": cross_document(mention_cells(preds, refs, canonical, exact=True)),
            }
            if part == name:
                scores = {"corpus": score_linking(preds, refs)["corpus"], **scores}
                errors += [f"{name}: {line}" for line in wrong_merges(mention_cells(preds, refs, canonical), args.errors)]
            results["corpora"][part] = scores
            for scope, s in scores.items():
                print(f"| {part} | {scope} | {s['pairwise_p']:.3f} | {s['pairwise_r']:.3f} | **{s['pairwise_f']:.3f}** | {s['predicted_pairs']} |")
        results["corpora"][name]["seconds"] = round(time.perf_counter() - started, 1)
    for line in errors:
        print(line)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf8")


if __name__ == "__main__":
    main()
