"""Small hand-built tables for the report tests: two articles, one failed document, coordinates."""

from __future__ import annotations

import pandas as pd

TEXT_1 = "Asaad al-Shaibani visited Baghdad. Shaibani met Fuad Hussein in Baghdad."
TEXT_2 = "Fuad Hussein flew to Damascus <tonight>."


def _span(text: str, sub: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(sub, start + 1)
    return start, start + len(sub)


def small_tables(with_coordinates: bool = True) -> dict[str, pd.DataFrame]:
    documents = pd.DataFrame(
        {
            "doc_id": ["a", "b", "broken"],
            "title": ["Shaibani in Baghdad", None, None],
            "text": [TEXT_1, TEXT_2, None],
            "status": ["ok", "ok", "error"],
            "error": [None, None, "broken.jsonl line 3: not JSON; fix or remove the line"],
            "n_tokens": [14, 7, None],
        }
    )
    mention_rows = [
        ("a", 0, TEXT_1, "Asaad al-Shaibani", 0, "PERSON", "a:E1", "PERSON:shaibani"),
        ("a", 0, TEXT_1, "Baghdad", 0, "LOC", "a:E2", "LOC:baghdad"),
        ("a", 1, TEXT_1, "Shaibani", 1, "PERSON", "a:E1", "PERSON:shaibani"),
        ("a", 1, TEXT_1, "Fuad Hussein", 0, "PERSON", "a:E3", "PERSON:hussein"),
        ("a", 1, TEXT_1, "Baghdad", 1, "LOC", "a:E2", "LOC:baghdad"),
        ("b", 0, TEXT_2, "Fuad Hussein", 0, "PERSON", "b:E1", "PERSON:hussein"),
        ("b", 0, TEXT_2, "Damascus", 0, "LOC", "b:E2", None),  # no canonical id: keyed by entity_id
    ]
    mentions = pd.DataFrame(
        [
            {
                "doc_id": doc, "sentence_id": sent, "start_char": _span(text, sub, occ)[0],
                "end_char": _span(text, sub, occ)[1], "text": sub, "label": label,
                "entity_id": eid, "canonical_id": cid,
            }
            for doc, sent, text, sub, occ, label, eid, cid in mention_rows
        ]
    )  # fmt: skip
    entities = pd.DataFrame(
        {
            "doc_id": ["a", "a", "a", "b", "b"],
            "entity_id": ["a:E1", "a:E2", "a:E3", "b:E1", "b:E2"],
            "canonical_id": ["PERSON:shaibani", "LOC:baghdad", "PERSON:hussein", "PERSON:hussein", None],
            "label": ["PERSON", "LOC", "PERSON", "PERSON", "LOC"],
            "name": ["Asaad al-Shaibani", "Baghdad", "Fuad Hussein", "Fuad Hussein", "Damascus"],
            "aliases": [["Asaad al-Shaibani", "Shaibani"], ["Baghdad"], ["Fuad Hussein"], ["Fuad Hussein"], ["Damascus"]],
            "mention_count": [2, 2, 1, 1, 1],
        }
    )
    corpus = pd.DataFrame(
        {
            "canonical_id": ["PERSON:shaibani", "LOC:baghdad", "PERSON:hussein"],
            "label": ["PERSON", "LOC", "PERSON"],
            "name": ["Asaad al-Shaibani", "Baghdad", "Fuad Hussein"],
            "aliases": [["Asaad al-Shaibani", "Shaibani"], ["Baghdad"], ["Fuad Hussein"]],
            "kb_id": [None, "Q1530", None],
            "doc_count": [1, 1, 2],
            "mention_count": [2, 2, 2],
        }
    )
    if with_coordinates:
        corpus["latitude"] = [None, 33.3153, None]
        corpus["longitude"] = [None, 44.3661, None]
    return {"documents": documents, "mentions": mentions, "entities": entities, "corpus_entities": corpus}
