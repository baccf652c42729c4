"""Command line: ``python -m pipeline COMMAND``. Each command parses arguments, calls a plain
function that returns data, and prints it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..base.allocator import keep_freed_memory
from ..base.collector import exiting, starting
from ..base.console import console, setup_logging

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="News entity extraction: people, organisations and places, alias-linked, to Parquet.",
    pretty_exceptions_enable=False,
)
OVERRIDES = {"allow_extra_args": True, "ignore_unknown_options": True}
#: Reading warnings quoted in the summary (all of them are in run.json).
LISTED_WARNINGS = 5
#: The config value ``run --min-score`` sets.
MIN_SCORE_SETTING = "components.mention_scores.min_score"


@app.callback()
def _commands() -> None:
    """News entity extraction: people, organisations and places, alias-linked, to Parquet."""


def _overrides(ctx: typer.Context) -> dict:
    from spacy.cli._util import parse_config_overrides

    return parse_config_overrides(list(ctx.args))


def split_overrides(inputs: list[str], ctx: typer.Context) -> tuple[list[Path], dict]:
    """Input paths, and the config overrides after them, parsed by spaCy's own parser.

    Click hands unknown options (``--nlp.batch_size 32``, ``--x.y=1``) and their values to the
    INPUTS argument: the paths are the items before the first ``--`` option, the rest are
    overrides (``spacy.cli._util.parse_config_overrides``, as for ``spacy train``).
    """
    from spacy.cli._util import parse_config_overrides

    items = [str(item) for item in inputs]
    first = next((i for i, item in enumerate(items) if item.startswith("--")), len(items))
    return [Path(item) for item in items[:first]], parse_config_overrides([*items[first:], *ctx.args])


def _fail(err: BaseException, verbose: bool) -> None:
    """One line that says what is wrong (the traceback only with --verbose); exit 1."""
    if verbose:
        console.print_exception()
    # escape: messages name config sections ("[report]"), which rich would take for markup.
    console.print(f"[bold red]Error:[/] {escape(str(err))}")
    raise typer.Exit(1)


@app.command(context_settings=OVERRIDES)
def run(
    ctx: typer.Context,
    inputs: list[str] = typer.Argument(..., help="Files and folders of articles (.txt .jsonl .csv .parquet .html)."),
    output: Path = typer.Option(..., "--output", "-o", help="Folder for the tables."),
    config: Path = typer.Option(Path("configs/default.cfg"), "--config", "-c", help="Pipeline config."),
    model: str | None = typer.Option(None, "--model", "-m", help="Shortcut for --paths.model: a package or a folder."),
    min_score: float | None = typer.Option(
        None, "--min-score", help="Drop mentions scoring below this (0-1); shortcut for --components.mention_scores.min_score (default 0: keep all)."
    ),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing output folder."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted run into the same --output."),
    append: bool = typer.Option(False, "--append", help="Add the articles to the corpus in --output (those it has are skipped; entity ids stay)."),  # fmt: skip
    replace: bool = typer.Option(
        False, "--replace", help="With --append: a document whose id the corpus has with another text replaces it (else: an error row)."
    ),
    n_process: int | None = typer.Option(
        None,
        "--n-process",
        "-n",
        help="Worker processes, -1 for one per core (default: \\[engine] n_process of the config, -1); with --engine dask, LocalCluster workers.",
    ),  # fmt: skip
    engine: str = typer.Option("local", "--engine", help="Where batches run: local (this machine's processes) or dask."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="With --engine dask: a running scheduler (tcp://HOST:PORT); default: start a LocalCluster."),
    strict: bool = typer.Option(False, "--strict", help="Exit non-zero when any document failed or an encoding was a doubtful guess."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show tracebacks and debug messages."),
) -> None:
    """Run the pipeline over INPUTS and write Parquet tables to --output.

    Config values can be overridden as with `spacy train`: --paths.model NAME, --nlp.batch_size 32.
    """
    from .run import run_pipeline

    setup_logging(verbose)
    try:
        paths, overrides = split_overrides(inputs, ctx)
    except Exception as err:  # noqa: BLE001  (spaCy exits on a malformed override; say it in one line)
        _fail(err, verbose)
    if model:
        overrides["paths.model"] = model
    if min_score is not None:
        overrides[MIN_SCORE_SETTING] = min_score
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed:,.0f} documents"),
        TextColumn("{task.fields[wps]:,.0f} words/s"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
    try:
        with progress:
            task = progress.add_task("Processing", total=None, wps=0.0)
            import time

            started = time.perf_counter()

            def on_progress(docs: int, words: int) -> None:
                elapsed = time.perf_counter() - started
                progress.update(task, completed=docs, wps=words / elapsed if elapsed else 0.0)

            result = run_pipeline(
                paths, output, config_path=config, overrides=overrides, overwrite=overwrite,
                resume=resume, n_process=n_process, engine=engine, scheduler=scheduler, on_progress=on_progress, append=append,
                replace=replace,
            )  # fmt: skip
    except KeyboardInterrupt:
        console.print("[bold red]Interrupted[/]: the output folder was not changed. Finished batches are kept; run the same command with --resume to continue.")
        raise typer.Exit(130) from None
    except Exception as err:  # noqa: BLE001  (every failure ends in one readable line)
        _fail(err, verbose)
    _print_summary(result)
    if strict and (result.n_errors or result.warnings):
        raise typer.Exit(1)


@app.command(context_settings=OVERRIDES)
def report(
    ctx: typer.Context,
    run_dir: Path = typer.Argument(..., help="A run's output folder (the --output of `run`)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="HTML file to write (default: RUN_DIR/report.html)."),
    config: Path = typer.Option(Path("configs/default.cfg"), "--config", "-c", help="Config with a \\[report] section."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show tracebacks and debug messages."),
) -> None:
    """Write one self-contained HTML page for a run: highlighted articles, entity tables, charts, a map.

    Settings come from \\[report] in the config: --report.max_articles 20, --report.top_entities 10.
    """
    from ..config.build import load_pipeline_config
    from ..config.settings import resolve_section
    from ..report import write_report

    setup_logging(verbose)
    try:
        settings = resolve_section(load_pipeline_config(config, _overrides(ctx)), "report", str(config))
        path = write_report(run_dir, output, settings)
    except Exception as err:  # noqa: BLE001  (every failure ends in one readable line)
        _fail(err, verbose)
    console.print(f"Report in [bold]{path}[/]: open {path.resolve().as_uri()} in a browser (it needs no network).")


def _print_summary(result) -> None:  # noqa: ANN001  (RunResult, imported lazily)
    docs = ", ".join(f"{n:,} {status}" for status, n in sorted(result.documents.items())) or "none"
    mentions = ", ".join(f"{label} {n:,}" for label, n in sorted(result.mentions.items())) or "none"
    console.print(f"[bold]Documents[/]: {docs}    [bold]Mentions[/]: {mentions}")
    if result.relabelled:
        console.print(
            f"[bold]Corpus vote[/]: {result.relabelled:,} mention(s) relabelled by all the mentions of their name (model_label keeps the recogniser's)"
        )
    console.print(f"{result.words:,} words in {result.seconds:.1f} s ({result.words_per_second:,.0f} words/s)")
    if result.run_id:
        console.print(
            f"Appended as run [bold]{result.run_id}[/]: {result.already_there:,} document(s) already in the corpus skipped, "
            f"{result.conflicts:,} with an id the corpus has for another text (error rows), {result.replaced:,} replaced."
        )
    if result.top_entities:
        table = Table(title="Most mentioned entities", title_justify="left")
        for column in ("name", "label", "articles", "mentions"):
            table.add_column(column, justify="right" if column in ("articles", "mentions") else "left")
        for row in result.top_entities:
            table.add_row(row["name"], row["label"], str(row["doc_count"]), str(row["mention_count"]))
        console.print(table)
    if result.n_errors:
        console.print(f"[yellow]{result.n_errors} document(s) failed[/]: see the 'error' column of documents.parquet.")
        for error in result.errors:
            console.print(f"  {error}", markup=False, highlight=False)
        if result.n_errors > len(result.errors):
            console.print(f"  ... and {result.n_errors - len(result.errors)} more")
    if result.renamed_ids:
        shown = ", ".join(f"{given} -> {renamed}" for given, renamed in result.renamed_ids[:5])
        more = ", ..." if len(result.renamed_ids) > 5 else ""
        console.print(f"[yellow]{len(result.renamed_ids)} duplicate document id(s)[/] kept apart: {shown}{more} (all in run.json)")
    for title, lines in (("Warnings", result.warnings), ("Skipped in input folders", result.skipped)):
        if lines:
            console.print(f"[yellow]{title}[/] (all in run.json):")
            for line in lines[:LISTED_WARNINGS]:
                console.print(f"  {line}", markup=False, highlight=False)
            if len(lines) > LISTED_WARNINGS:
                console.print(f"  ... and {len(lines) - LISTED_WARNINGS} more")
    console.print(f"Tables in [bold]{result.output}[/]: " + ", ".join(p.name for p in result.tables.values()))


@app.command(context_settings=OVERRIDES)
def convert(
    ctx: typer.Context,
    sources: list[str] = typer.Argument(..., help="Annotated files or folders."),
    format: str = typer.Option(..., "--format", "-f", help="iob, conll, conllu-uner (uner), gum, ecbplus or jsonl."),
    output: Path = typer.Option(..., "--output", "-o", help="DocBin to write, e.g. data/processed/corpus/NAME.spacy."),
    split: float | None = typer.Option(None, "--split", help="Share of documents for dev: writes NAME-train.spacy and NAME-dev.spacy."),
    seed: int = typer.Option(0, "--seed", help="Seed of the train/dev shuffle."),
    config: Path = typer.Option(Path("configs/convert.cfg"), "--config", "-c", help="Label mapping per format."),
    licence: str | None = typer.Option(None, "--licence", help="Licence of the data, recorded for the model card."),
    exclude: str | None = typer.Option(None, "--exclude", help="Comma-separated document ids (file stems for gum/ecbplus) to leave out, e.g. dev documents."),
    dev_ids: str | None = typer.Option(
        None, "--dev-ids", help="Comma-separated document ids for NAME-dev.spacy (a fixed split); the rest go to NAME-train.spacy."
    ),
    topics: str | None = typer.Option(None, "--topics", help="ECB+ only: the topics to read, e.g. 1-25."),
    unannotated_names: str = typer.Option(
        "outside",
        "--unannotated-names",
        help="outside: unannotated tokens are O; missing: capitalised unannotated tokens are unknown (partly annotated corpora such as ECB+).",
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show tracebacks and debug messages."),
) -> None:
    """Convert annotated data to spaCy DocBin files, labels mapped to PERSON/ORG/LOC.

    The mapping is [labels.FORMAT] in --config; override it like --labels.gum.place LOC.
    """
    from .convert import convert_corpus

    setup_logging(verbose)
    source_paths, overrides = split_overrides(sources, ctx)
    try:
        result = convert_corpus(
            source_paths, format, output, split=split, seed=seed, config_path=config, overrides=overrides, licence=licence,
            exclude=_id_list(exclude), dev_ids=_id_list(dev_ids), topics=_topic_range(topics), unannotated_names=unannotated_names,
        )  # fmt: skip
    except Exception as err:  # noqa: BLE001  (every failure ends in one readable line)
        _fail(err, verbose)
    for part, path in result.outputs.items():
        labels = ", ".join(f"{label} {n:,}" for label, n in result.entities[part].items()) or "no entities"
        console.print(f"[bold]{path}[/]: {result.documents[part]:,} documents; {labels}")
    if result.problems:
        kinds = ", ".join(f"{kind} {n:,}" for kind, n in sorted(result.problem_counts.items()))
        console.print(f"[yellow]Skipped[/] ({kinds}); first: {result.problems[0]}")


@app.command()
def ship(
    training: Path = typer.Argument(..., help="A training output folder (with model-best, metrics.json, model-card.md)."),
    dest: Path = typer.Argument(..., help="Where the pipeline folder goes, e.g. models/news-md (replaced)."),
    name: str = typer.Option("news_md", "--name", help="Pipeline name in meta.json."),
    senter: Path | None = typer.Option(None, "--senter", help="A trained pipeline whose senter replaces the trained one (benchmarks/senter.py's model-best)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show tracebacks and debug messages."),
) -> None:
    """Copy a trained model-best to a self-contained pipeline folder with its model card and licence."""
    from .train import ship_model

    setup_logging(verbose)
    try:
        shipped = ship_model(training, dest, name=name, senter=senter)
    except Exception as err:  # noqa: BLE001  (every failure ends in one readable line)
        _fail(err, verbose)
    size = sum(f.stat().st_size for f in shipped.rglob("*") if f.is_file())
    console.print(f"Shipped [bold]{shipped}[/] ({size / 1e6:.1f} MB): use it with --model {shipped}")


@app.command(context_settings=OVERRIDES)
def candidates(
    ctx: typer.Context,
    gold: str = typer.Argument(..., help="Gold DocBins: a .spacy file, a folder or a glob (data/processed/corpus/news/*-train.spacy)."),
    output: Path = typer.Option(..., "--output", "-o", help="Folder for NAME.candidates.spacy, one per gold file."),
    config: Path = typer.Option(Path("configs/default.cfg"), "--config", "-c", help="Pipeline config whose stages before the classifier make the candidates."),
    model: list[str] | None = typer.Option(
        None,
        "--model",
        "-m",
        help="Shortcut for --paths.model: the recogniser that proposes them. Repeat it for cross-fitting: one per fold (`folds`), document i proposed by the (i mod k)-th.",
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show tracebacks and debug messages."),
) -> None:
    """The span classifier's training candidates: the pipeline up to the classifier over gold texts."""
    from .train_classifier import build_candidates

    setup_logging(verbose)
    overrides = _overrides(ctx)
    model = model or []
    if len(model) == 1:
        overrides["paths.model"] = model[0]
    try:
        written = build_candidates(gold, output, config_path=config, overrides=overrides, fold_models=model if len(model) > 1 else None)
    except Exception as err:  # noqa: BLE001  (every failure ends in one readable line)
        _fail(err, verbose)
    for path in written:
        console.print(f"Wrote [bold]{path}[/]")


@app.command()
def folds(
    gold: str = typer.Argument(..., help="Gold DocBins: a .spacy file, a folder or a glob (data/processed/corpus/news/*-train.spacy)."),
    output: Path = typer.Option(..., "--output", "-o", help="Folder for fold-K/NAME.spacy: every document but fold K's."),
    k: int = typer.Option(2, "--folds", "-k", help="Number of folds (document i is in fold i mod k)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show tracebacks and debug messages."),
) -> None:
    """Cross-fitting data for the classifier's candidates: train recogniser K on fold-K (all but fold K), then `candidates --model` once per fold."""
    from .train_classifier import write_folds

    setup_logging(verbose)
    try:
        written = write_folds(gold, output, k)
    except Exception as err:  # noqa: BLE001  (every failure ends in one readable line)
        _fail(err, verbose)
    for folder in written:
        console.print(f"Wrote [bold]{folder}[/]")


@app.command("train-classifier", context_settings=OVERRIDES)
def train_classifier(
    ctx: typer.Context,
    config: Path = typer.Argument(Path("configs/train/span-classifier.cfg"), help="Training config of the span classifier."),
    output: Path = typer.Option(..., "--output", "-o", help="Folder for model-best and model-last."),
    ship_to: Path | None = typer.Option(None, "--ship-to", help="Also copy model-best's classifier here (e.g. models/span-classifier)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show tracebacks and debug messages."),
) -> None:
    """Train the span classifier on candidates (`candidates`), as `spacy train` does; with
    --ship-to, fit its temperature on the dev candidates and copy it there."""
    from .train_classifier import ship_trained
    from .train_classifier import train_classifier as train

    setup_logging(verbose)
    overrides = _overrides(ctx)
    try:
        best = train(config, output, overrides=overrides)
        console.print(f"Trained: [bold]{best}[/]")
        if ship_to is not None:
            shipped, temperature, fit = ship_trained(config, best, ship_to, overrides=overrides)
            console.print(f"Shipped [bold]{shipped}[/] (temperature {temperature}, dev log loss {fit['log_loss_before']} -> {fit['log_loss_after']})")
    except Exception as err:  # noqa: BLE001  (every failure ends in one readable line)
        _fail(err, verbose)


def _id_list(value: str | None) -> list[str]:
    return [name.strip() for name in (value or "").split(",") if name.strip()]


def _topic_range(value: str | None) -> tuple[int, int] | None:
    """``"1-25"`` -> (1, 25); ``"7"`` -> (7, 7)."""
    if not value:
        return None
    first, _, last = value.partition("-")
    try:
        return int(first), int(last or first)
    except ValueError:
        raise typer.BadParameter(f"--topics {value!r}: give a topic or a range such as 1-25.") from None


@app.command(context_settings=OVERRIDES)
def train(
    ctx: typer.Context,
    config: Path = typer.Argument(..., help="Training config, e.g. configs/train/cnn.cfg or configs/train/trf.cfg."),
    output: Path = typer.Option(..., "--output", "-o", help="Folder for model-best, model-last, metrics.json, model-card.md."),
    gpu_id: int = typer.Option(-1, "--gpu-id", "-g", help="GPU id, -1 for CPU."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show tracebacks and debug messages."),
) -> None:
    """Train a pipeline with spaCy and write its dev scores and model card beside it.

    Config values can be overridden as with `spacy train`: --paths.train FILE.spacy
    --paths.dev FILE.spacy --training.max_steps 500 --paths.transformer FOLDER.
    """
    from .train import train_model

    setup_logging(verbose)
    try:
        result = train_model(config, output, overrides=_overrides(ctx), use_gpu=gpu_id)
    except KeyboardInterrupt:
        console.print("[bold red]Interrupted[/]: checkpoints saved so far are in the output folder.")
        raise typer.Exit(130) from None
    except Exception as err:  # noqa: BLE001  (every failure ends in one readable line)
        _fail(err, verbose)
    dev = result.metrics["dev"]
    table = Table(title=f"Dev scores of {result.model}", title_justify="left")
    for column in ("label", "P", "R", "F"):
        table.add_column(column, justify="left" if column == "label" else "right")
    for label, s in {**dev["per_label"], "all": {"p": dev["precision"], "r": dev["recall"], "f": dev["f"]}}.items():
        table.add_row(label, *(f"{100 * (s[k] or 0):.1f}" for k in ("p", "r", "f")))
    console.print(table)
    console.print(
        f"Trained in {result.metrics['training_seconds']:,.0f} s; {dev['words_per_second']:,.0f} words/s on dev. "
        f"Metrics and model card in [bold]{result.output}[/]; use it with --model {result.model}"
    )


@app.command(context_settings=OVERRIDES)
def evaluate(
    ctx: typer.Context,
    gold: list[str] = typer.Argument(..., help="Gold files or folders."),
    format: str = typer.Option(..., "--format", "-f", help="Gold format: uner, gum, ecbplus or iob."),
    config: Path = typer.Option(Path("configs/default.cfg"), "--config", "-c", help="Pipeline config (configs/base.cfg: the bare model)."),
    model: str | None = typer.Option(None, "--model", "-m", help="Shortcut for --paths.model: a package or a folder."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the metrics: .json, or .parquet (flat rows)."),
    all_mentions: bool = typer.Option(False, "--all-mentions", help="gum/ecbplus: score every typed mention, not only named ones."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show tracebacks and debug messages."),
) -> None:
    """Score the pipeline on gold data: P/R/F1 per label and alias-linking scores.

    Config values can be overridden as with `spacy evaluate`: --components.alias_linker.recover_surnames false.
    """
    from .evaluate import evaluate as run_evaluation

    setup_logging(verbose)
    gold_paths, overrides = split_overrides(gold, ctx)
    if model:
        overrides["paths.model"] = model
    options = {"named_only": False} if all_mentions and format in ("gum", "ecbplus") else {}
    try:
        result = run_evaluation(gold_paths, format, config_path=config, overrides=overrides, reader_options=options)
        if output is not None:
            result.write(output)
    except Exception as err:  # noqa: BLE001  (every failure ends in one readable line)
        _fail(err, verbose)
    _print_evaluation(result, output)


def _print_evaluation(result, output: Path | None) -> None:  # noqa: ANN001  (Evaluation, imported lazily)
    settings = result.settings
    console.print(
        f"[bold]{settings['documents']:,}[/] gold documents ({settings['format']}), {settings['words']:,} words, "
        f"{settings['words_per_second'] or 0:,} words/s; config {settings.get('config', '-')}"
    )
    table = Table(title="Recognition (exact span and label)", title_justify="left")
    for column in ("label", "P", "R", "F1", "gold", "predicted"):
        table.add_column(column, justify="left" if column == "label" else "right")
    for label, s in result.ner["per_label"].items():
        table.add_row(label, f"{s['p']:.3f}", f"{s['r']:.3f}", f"{s['f']:.3f}", str(s.get("gold", "")), str(s.get("predicted", "")))
    table.add_row("[bold]all[/]", f"{result.ner['p']:.3f}", f"{result.ner['r']:.3f}", f"[bold]{result.ner['f']:.3f}[/]", "", "")
    console.print(table)
    linking = result.linking
    if linking.get("within"):
        table = Table(title=f"Alias linking over found gold mentions ({linking['found']:.1%} of {linking['gold_mentions']:,} found)", title_justify="left")
        for column in ("scope", "pairwise P", "pairwise R", "pairwise F1", "B³ P", "B³ R", "B³ F1"):
            table.add_column(column, justify="left" if column == "scope" else "right")
        for scope, name in (("within", "within documents (entity_id)"), ("corpus", "corpus (canonical_id)")):
            s = linking[scope]
            table.add_row(name, *(f"{s[k]:.3f}" for k in ("pairwise_p", "pairwise_r", "pairwise_f", "b3_p", "b3_r", "b3_f")))
        console.print(table)
    problems = result.gold.get("problems") or {}
    if problems:
        console.print("[yellow]Gold data problems[/] (skipped or repaired): " + ", ".join(f"{k} {v}" for k, v in problems.items()))
    if output is not None:
        console.print(f"Metrics in [bold]{output}[/]")


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    keep_freed_memory()
    starting()
    try:
        app(prog_name="python -m pipeline")
    finally:
        exiting()


if __name__ == "__main__":  # pragma: no cover
    main()
    sys.exit(0)
