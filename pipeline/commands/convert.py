"""``convert``: annotated corpora -> spaCy DocBin files for ``train``.

The plain function behind ``python -m pipeline convert``. Gold formats (UNER IOB2, plain IOB /
CoNLL, GUM CoNLL-U, ECB+ XML) are read by :mod:`pipeline.corpora`; JSONL with character-offset
spans (Prodigy / doccano style) is read here. Labels are mapped to PERSON / ORG / LOC by the
``[labels.<format>]`` section of ``configs/convert.cfg``. What cannot be aligned is reported,
quoting the text, and skipped. With ``split``, documents are shuffled with ``seed`` and written
to ``NAME-train.spacy`` and ``NAME-dev.spacy``; each DocBin gets a ``.json`` sidecar recording
its sources, licences and counts, which ``train`` copies into the model card.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import spacy
from spacy.tokens import Doc, DocBin, Span
from spacy.util import filter_spans, load_config
from spacy.vocab import Vocab

from ..base.console import logger
from ..config.build import ConfigError
from .train import provenance_path

DEFAULT_CONVERT_CONFIG = Path(__file__).resolve().parents[2] / "configs" / "convert.cfg"
#: Command-line format -> reader format (the names in ``pipeline.corpora.FORMATS``, and ``jsonl``).
FORMATS: dict[str, str] = {
    "iob": "iob",
    "conll": "iob",
    "uner": "uner",
    "conllu-uner": "uner",
    "gum": "gum",
    "ecbplus": "ecbplus",
    "jsonl": "jsonl",
}
JSONL_SUFFIXES = (".jsonl", ".json")
#: Keys of a JSONL record's spans, tried in order.
JSONL_SPAN_KEYS = ("spans", "entities", "label")
#: Problems quoted one by one in the log; the rest are counted.
MAX_LOGGED_PROBLEMS = 20
OUTSIDE = "outside"
MISSING = "missing"
UNANNOTATED_CHOICES = (OUTSIDE, MISSING)
TRAIN_SUFFIX = "-train"
DEV_SUFFIX = "-dev"


class ConvertError(ValueError):
    """Nothing to convert, an unknown format, or a bad split."""


@dataclass
class ConvertResult:
    """What ``convert`` wrote and what it could not use."""

    outputs: dict[str, Path]  # "all", or "train" and "dev" -> DocBin path
    documents: dict[str, int]  # same keys -> documents written
    entities: dict[str, dict[str, int]]  # same keys -> label -> gold entities
    problems: list[str] = field(default_factory=list)  # each quoting the text it is about
    problem_counts: dict[str, int] = field(default_factory=dict)


def convert_corpus(
    sources: Sequence[Path | str],
    format: str,
    output: Path | str,
    *,
    split: float | None = None,
    seed: int = 0,
    config_path: Path | str | None = None,
    overrides: Mapping[str, Any] | None = None,
    licence: str | None = None,
    exclude: Sequence[str] = (),
    dev_ids: Sequence[str] = (),
    topics: tuple[int, int] | None = None,
    unannotated_names: str = OUTSIDE,
) -> ConvertResult:
    """Read ``sources`` (files or folders) in ``format`` and write DocBin file(s) at ``output``.

    ``split`` (0 < split < 1): the share of documents written to ``NAME-dev.spacy``; the rest go
    to ``NAME-train.spacy``; the same ``seed`` gives the same split. ``licence`` is recorded in
    the sidecar (and in the model card of a model trained on it). ``exclude``: document ids
    (file stems for GUM and ECB+) left out. ``dev_ids``: a fixed split instead of ``split``, these
    documents to ``NAME-dev.spacy`` (a corpus's published dev documents). ``topics``: ECB+ only,
    the topics ``(first, last)`` to read. ``unannotated_names``:
    ``"outside"`` (every token outside a gold entity is O) or ``"missing"`` (a capitalised token
    outside every gold entity is *unknown*, so a corpus that annotates only some names, like
    ECB+'s event participants, does not teach the model that the other names are not entities).
    """
    _check_options(format, split, dev_ids, topics, unannotated_names)
    reader_format = FORMATS[format]
    label_map = load_label_map(reader_format, config_path, overrides)
    vocab = spacy.blank("en").vocab
    problems: list[str] = []
    counts: Counter[str] = Counter()
    if reader_format == "jsonl":
        docs = list(read_jsonl(sources, label_map, problems, counts))
    else:
        docs = list(_read_gold(sources, reader_format, label_map, vocab, problems, counts))
    if topics is not None:
        docs = [doc for doc in docs if topics[0] <= ecbplus_topic(doc._.doc_id) <= topics[1]]
    _check_ids("--dev-ids", dev_ids, docs)
    if exclude:
        left_out = set(exclude)
        _check_ids("--exclude", exclude, docs)
        docs = [doc for doc in docs if doc._.doc_id not in left_out]
        counts["excluded"] += len(left_out)
    if unannotated_names == MISSING:
        for doc in docs:
            mark_unannotated_names(doc)
    if not docs:
        raise ConvertError(f"No documents read from {', '.join(map(str, sources))} as {format}.")
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    if dev_ids:
        held_out = set(dev_ids)
        parts = {"train": [d for d in docs if d._.doc_id not in held_out], "dev": [d for d in docs if d._.doc_id in held_out]}
    else:
        parts = {"all": docs} if split is None else split_documents(docs, split, seed)
    provenance = {
        "sources": [str(s) for s in sources],
        "format": format,
        "licences": [licence] if licence else [],
        "split": split,
        "seed": seed,
        "excluded": sorted(exclude),
        "dev_ids": sorted(dev_ids),
        "topics": list(topics) if topics else None,
        "unannotated_names": unannotated_names,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "problems": dict(counts),
    }
    result = ConvertResult(outputs={}, documents={}, entities={}, problems=problems, problem_counts=dict(counts))
    for part, part_docs in parts.items():
        path = output if part == "all" else output.with_name(output.stem + (TRAIN_SUFFIX if part == "train" else DEV_SUFFIX) + output.suffix)
        result.outputs[part] = path
        result.documents[part] = len(part_docs)
        result.entities[part] = _write_part(path, part, part_docs, provenance)
    return result


def _check_options(format: str, split: float | None, dev_ids: Sequence[str], topics: tuple[int, int] | None, unannotated_names: str) -> None:
    """Raise ConvertError for options that do not go together or are out of range."""
    if split is not None and dev_ids:
        raise ConvertError("Use --split (a random share) or --dev-ids (named documents), not both.")
    if topics is not None and FORMATS.get(format) != "ecbplus":
        raise ConvertError(f"--topics selects ECB+ topics; it does not apply to --format {format}.")
    if unannotated_names not in UNANNOTATED_CHOICES:
        raise ConvertError(f"--unannotated-names {unannotated_names!r}: use one of {', '.join(UNANNOTATED_CHOICES)}.")
    if format not in FORMATS:
        raise ConvertError(f"Unknown format {format!r}; use one of {', '.join(FORMATS)}.")
    if split is not None and not 0 < split < 1:
        raise ConvertError(f"--split {split} must be between 0 and 1 (the share of documents for dev), e.g. 0.1.")


def _write_part(path: Path, part: str, docs: list[Doc], provenance: dict[str, Any]) -> dict[str, int]:
    """Write ``docs`` as a DocBin at ``path`` with its provenance sidecar; returns its entities per label."""
    DocBin(docs=docs, store_user_data=True).to_disk(path)
    labels = dict(sorted(Counter(ent.label_ for doc in docs for ent in doc.ents).items()))
    described = {
        **provenance,
        "part": part,
        "documents": len(docs),
        "sentences": sum(_n_sentences(doc) for doc in docs),
        "words": sum(len(doc) for doc in docs),
        "entities": sum(labels.values()),
        "entities_per_label": labels,
    }
    provenance_path(path).write_text(json.dumps(described, indent=2) + "\n", encoding="utf8")
    return labels


def load_label_map(format: str, config_path: Path | str | None = None, overrides: Mapping[str, Any] | None = None) -> dict[str, str]:
    """``[labels.<format>]`` of the convert config (default ``configs/convert.cfg``): corpus label -> output label."""
    path = Path(config_path) if config_path is not None else DEFAULT_CONVERT_CONFIG
    if not path.exists():
        raise ConfigError(f"Convert config {path} not found; pass --config with a file like configs/convert.cfg.")
    config = load_config(path, overrides=dict(overrides or {}), interpolate=True)
    labels = config.get("labels", {}).get(format)
    if labels is None:
        raise ConfigError(f"{path} has no [labels.{format}] section: add one mapping the corpus's labels to PERSON/ORG/LOC.")
    return {str(k): str(v) for k, v in labels.items() if v}


def ecbplus_topic(doc_id: str) -> int:
    """The topic of an ECB+ document id (``12_3ecbplus`` -> 12); -1 when the id has none."""
    head = doc_id.split("_", 1)[0]
    return int(head) if head.isdigit() else -1


def _check_ids(option: str, ids: Sequence[str], docs: list[Doc]) -> None:
    unknown = set(ids) - {doc._.doc_id for doc in docs}
    if unknown:
        raise ConvertError(f"{option} names document(s) not in the input: {', '.join(sorted(unknown))}.")


def mark_unannotated_names(doc: Doc) -> int:
    """Capitalised tokens outside every gold entity become *missing* (unknown) NER annotation.

    The gold entities are kept, every other token stays O. Returns how many tokens were marked.
    A corpus that annotates only some names (ECB+: event participants) would otherwise teach the
    recogniser that the unannotated names are not entities.
    """
    covered = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    unknown = [doc[i : i + 1] for i, token in enumerate(doc) if i not in covered and token.text[:1].isupper()]
    doc.set_ents(list(doc.ents), missing=unknown, default="outside")
    return len(unknown)


def split_documents(docs: list[Doc], share: float, seed: int) -> dict[str, list[Doc]]:
    """Documents shuffled with ``seed``; ``share`` of them (at least one) for dev, the rest for train."""
    if len(docs) < 2:
        raise ConvertError(f"Cannot split {len(docs)} document(s) into train and dev; convert more data or drop --split.")
    order = list(range(len(docs)))
    random.Random(seed).shuffle(order)
    n_dev = min(len(docs) - 1, max(1, round(share * len(docs))))
    dev = set(order[:n_dev])
    return {
        "train": [doc for i, doc in enumerate(docs) if i not in dev],
        "dev": [doc for i, doc in enumerate(docs) if i in dev],
    }


def read_jsonl(sources: Iterable[Path | str], label_map: Mapping[str, str], problems: list[str], counts: Counter[str]) -> Iterator[Doc]:
    """Docs from JSONL records ``{"text", "spans": [{"start", "end", "label"}]}`` (or
    ``"entities"``, or ``[start, end, label]`` triples), tokenized by spaCy's English tokenizer.

    A span that does not fall on token boundaries is reported (quoted) and skipped, never
    stretched; an overlapping one is reported and the longer kept.
    """
    nlp = spacy.blank("en")
    from ..corpora import GoldFormatError, find_files

    try:
        files = find_files(sources, JSONL_SUFFIXES)
    except GoldFormatError as err:
        raise ConvertError(str(err)) from None
    for path in files:
        with path.open(encoding="utf8") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                where = f"{path}:{number}"
                try:
                    record = json.loads(line)
                    text = record["text"]
                except (json.JSONDecodeError, KeyError, TypeError) as err:
                    _problem(problems, counts, "bad_record", f"{where}: not a JSON object with a 'text' field ({err}); line skipped")
                    continue
                meta = record.get("meta") if isinstance(record.get("meta"), dict) else {}
                doc_id = str(record.get("id") or meta.get("id") or where)
                doc = nlp.make_doc(text)
                doc._.doc_id = doc_id
                spans: list[Span] = []
                for raw in _raw_spans(record):
                    start, end, label = raw
                    target = label_map.get(str(label))
                    if not target:
                        continue
                    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
                        _problem(problems, counts, "bad_offsets", f"{where} (document {doc_id}): span {start}:{end} {label} is outside the text; skipped")
                        continue
                    span = doc.char_span(start, end, label=target)
                    if span is None:
                        expanded = doc.char_span(start, end, alignment_mode="expand")
                        tokens = repr(expanded.text) if expanded is not None else "?"
                        _problem(
                            problems, counts, "unaligned",
                            f"{where} (document {doc_id}): {text[start:end]!r} [{start}:{end}] {label} does not fall on token boundaries (tokens {tokens}); skipped",
                        )  # fmt: skip
                        continue
                    spans.append(span)
                kept = filter_spans(spans)
                for dropped in set(spans) - set(kept):
                    _problem(problems, counts, "overlap", f"{where} (document {doc_id}): {dropped.text!r} {dropped.label_} overlaps a longer span; skipped")
                doc.set_ents(kept, default="outside")
                yield doc


def _read_gold(
    sources: Sequence[Path | str], format: str, label_map: Mapping[str, str], vocab: Vocab, problems: list[str], counts: Counter[str]
) -> Iterator[Doc]:
    from ..corpora import GoldReport, read_gold  # the gold-corpus readers

    report = GoldReport()
    yield from read_gold(list(sources), format, label_map=label_map, vocab=vocab, report=report)
    problems.extend(str(p) for p in report.problems)
    counts.update(report.counts())
    if report.dropped_overlaps:
        counts["overlap"] += report.dropped_overlaps


def _raw_spans(record: dict[str, Any]) -> Iterator[tuple[Any, Any, Any]]:
    for key in JSONL_SPAN_KEYS:
        items = record.get(key)
        if not isinstance(items, list):
            continue
        for item in items:
            if isinstance(item, dict):
                yield item.get("start"), item.get("end"), item.get("label")
            elif isinstance(item, (list, tuple)) and len(item) >= 3:
                yield item[0], item[1], item[2]
        return


def _problem(problems: list[str], counts: Counter[str], kind: str, message: str) -> None:
    problems.append(message)
    counts[kind] += 1
    if len(problems) <= MAX_LOGGED_PROBLEMS:
        logger.warning("%s", message)


def _n_sentences(doc: Doc) -> int:
    return len(list(doc.sents)) if doc.has_annotation("SENT_START") else 1
