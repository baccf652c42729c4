"""Corpus resolution: does one ``canonical_id`` name one entity across documents?

    .venv/bin/python benchmarks/resolution.py [--model models/news-md] [--cache /tmp/resolution] [--json out.json] [--errors 20] [--missed]

Runs the default pipeline (``configs/default.cfg``, its corpus vote included) once over each corpus
in ``CORPORA`` and scores the corpus resolver (:mod:`pipeline.corpus.resolve`, the code path of ``run``) against the gold
identities, over the gold mentions the pipeline found (:func:`pipeline.commands.evaluate.score_linking`):

* ``corpus``: every pair of mentions, as ``evaluate`` reports it (ECB+: pairs within a sub-topic);
* ``within-document``: pairs of mentions in one document, by the alias linker's ``entity_id``
  (``evaluate``'s ``within``);
* ``cross-document``: only pairs whose mentions lie in different documents, what the resolver
  alone decides (within a document the alias linker has decided already);
* ``cross-document, exact spans``: the same over the gold mentions whose found mention has the
  gold mention's name (:func:`~pipeline.knowledge.names.name_key`): a found ``Wellington`` matched by
  overlap to the gold ``Waitrose supermarket in Wellington`` (the shop) is left out, so what
  remains is the resolver's doing, not the recogniser's boundaries.

ECB+ is resolved as one corpus (all 35 topics) and scored also by topic range: topics 1–25 are
where the resolver's rules were looked at, 26–35 are held out. ``--errors N`` prints, per corpus,
the N clusters with the most wrong cross-document pairs (which gold identities they join);
``--missed`` counts, on the tuning scopes only (ECB+ 1–25, GUM), the pairs of found mentions of
one gold identity that got two canonical ids, across and within documents, by why
(:func:`missed_category`: the found span is not the gold name, a short form, one word differs, ...).

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
from pipeline.knowledge.names import fullest_form, name_key

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
CORPORA = {
    "ECB+ (35 topics)": ("ecbplus", [DATA / "ecbplus" / "ECB+"]),
    "GUM news + interviews": ("gum", [DATA / "gum" / "news", DATA / "gum" / "interview"]),
}
#: ECB+ topics the resolver's rules were looked at; the later ones are held out.
ECB_TUNING_TOPICS = 25
#: The scopes ``--missed`` reads (:func:`scopes`): where the rules are looked at, never the held-out topics.
TUNING_SCOPES = (f"ECB+ 1–{ECB_TUNING_TOPICS} (tuning)", "GUM news + interviews")


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


def found_mentions(predictions: list, references: list, canonical: dict) -> list[dict]:
    """The gold mentions with an identity that the pipeline found, each with its group, gold id and
    document, and the found entity's canonical id, name (:func:`~pipeline.knowledge.names.fullest_form`
    of its mentions, as the ``entities`` table) and label; ``span`` says how the found span differs
    from the gold mention's name (None: the same name)."""
    found = []
    for prediction, reference in zip(predictions, references):
        doc_id, group = reference._.doc_id, reference.user_data.get(GROUP_KEY, "")
        ents = list(prediction.ents)
        entities: dict[str, list] = {}
        for index, ent in enumerate(ents):
            entities.setdefault(ent._.entity_id or f"M{index}", []).append(ent)
        for g, p in match_mentions(prediction, reference).items():
            gold = reference.ents[g]
            if not gold.kb_id_:
                continue
            local = ents[p]._.entity_id or f"M{p}"
            spans = entities[local]
            found_key, gold_key = name_key(ents[p].text), name_key(gold.text)
            span = None
            if found_key != gold_key:
                words = set(gold_key)
                span = "longer" if words < set(found_key) else "shorter" if set(found_key) < words else "other"
            found.append(
                {
                    "group": group,
                    "gold": gold.kb_id_,
                    "doc": doc_id,
                    "canonical": canonical.get(f"{doc_id}:{local}") or f"{doc_id}:{local}",
                    "name": fullest_form([s.text for s in spans]),
                    "label": Counter(s.label_ for s in spans).most_common(1)[0][0],
                    "span": span,
                }
            )
    return found


#: How a found span differs from the gold mention (:func:`found_mentions`), as a category of missed pair.
SPAN_CATEGORIES = {
    "longer": "found span runs on past the gold name (headline, team, title, descriptor)",
    "shorter": "found span is part of the gold mention (a longer gold phrase, a truncated name)",
    "other": "found span overlaps the gold mention with other words",
}


def missed_category(a: dict, b: dict) -> str:
    """Why two found mentions of one gold identity got two canonical ids (see ``--missed``)."""
    span = a["span"] or b["span"]
    if span:
        return SPAN_CATEGORIES[span]
    keys = sorted([name_key(a["name"]), name_key(b["name"])], key=len)
    labels = " [labels differ]" if a["label"] != b["label"] else ""
    if keys[0] == keys[1]:
        return "same name, different label" if labels else "same name and label, kept apart by context (ambiguous or no shared context)"
    short, full = keys
    if len(short) < len(full) and set(short) <= set(full):
        return "a short form of the other (surname, shortened name, one word)" + labels
    if len(short) == len(full) > 1 and sum(x != y for x, y in zip(short, full)) == 1:
        return "one word differs (spelling variant, nickname: Bettie/Betty, Mo/Maurice)" + labels
    return "different names (nickname, acronym, demonym, descriptor, gold joins places)" + labels


def missed_pairs(found: list[dict], examples: int = 3) -> dict[str, dict[str, tuple[int, list[str]]]]:
    """Pairs of found mentions of one gold identity (and group) with two canonical ids, by scope
    (``cross-document``, ``within a document``) and :func:`missed_category`: (pairs, the most frequent name pairs)."""
    by_gold: dict[tuple, list[dict]] = {}
    for mention in found:
        by_gold.setdefault((mention["group"], mention["gold"]), []).append(mention)
    counts: dict[str, dict[str, Counter]] = {"cross-document": {}, "within a document": {}}
    for mentions in by_gold.values():
        for i, a in enumerate(mentions):
            for b in mentions[i + 1 :]:
                if a["canonical"] != b["canonical"]:
                    scope = counts["within a document" if a["doc"] == b["doc"] else "cross-document"]
                    scope.setdefault(missed_category(a, b), Counter())[" | ".join(sorted([a["name"], b["name"]]))] += 1
    return {
        scope: {
            category: (sum(names.values()), [f"{n} {pair}" for pair, n in names.most_common(examples)])
            for category, names in sorted(categories.items(), key=lambda c: -sum(c[1].values()))
        }
        for scope, categories in counts.items()
    }


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
    parser.add_argument("--missed", action="store_true", help="print the missed pairs of the tuning scopes (ECB+ 1–25, GUM) by category")
    args = parser.parse_args()
    overrides = {"paths.model": args.model} if args.model else {}
    overrides.update({"paths.patterns": str(ROOT / "configs" / "patterns"), "paths.aliases": str(ROOT / "configs" / "aliases")})
    config = load_pipeline_config(ROOT / "configs" / "default.cfg", overrides)
    nlp = build_nlp(config)
    vote = resolve_section(config, "corpus_vote", "configs/default.cfg")
    results: dict = {"machine": f"{platform.node()} {platform.machine()} Python {platform.python_version()}", "corpora": {}}
    print("| corpus | scope | pairwise P | R | F1 | predicted pairs |\n|---|---|---|---|---|---|")
    errors: list[str] = []
    missed: list[str] = []
    for name, (fmt, paths) in CORPORA.items():
        started = time.perf_counter()
        references, predictions = predict(nlp, fmt, paths, args.cache, name)
        if vote.enabled:  # as run and evaluate do: the corpus vote's labels, then resolution
            vote_over_corpus(predictions, vote)
        canonical = canonical_ids(predictions)  # one resolution over the whole corpus
        for part, (preds, refs) in scopes(name, predictions, references).items():
            linking = score_linking(preds, refs)
            scores = {
                "within-document": linking["within"],
                "cross-document": cross_document(mention_cells(preds, refs, canonical)),
                "cross-document, exact spans": cross_document(mention_cells(preds, refs, canonical, exact=True)),
            }
            if part == name:
                scores = {"corpus": linking["corpus"], **scores}
                errors += [f"{name}: {line}" for line in wrong_merges(mention_cells(preds, refs, canonical), args.errors)]
            if args.missed and part in TUNING_SCOPES:
                for scope, categories in missed_pairs(found_mentions(preds, refs, canonical)).items():
                    missed += [f"{part}, {scope}: {sum(n for n, _ in categories.values())} missed pairs"]
                    missed += [f"  {n:4d} {category}: {'; '.join(names)}" for category, (n, names) in categories.items()]
            results["corpora"][part] = scores
            for scope, s in scores.items():
                print(f"| {part} | {scope} | {s['pairwise_p']:.3f} | {s['pairwise_r']:.3f} | **{s['pairwise_f']:.3f}** | {s['predicted_pairs']} |")
        results["corpora"][name]["seconds"] = round(time.perf_counter() - started, 1)
    for line in errors + missed:
        print(line)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf8")


if __name__ == "__main__":
    main()
