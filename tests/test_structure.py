"""The structure the README promises, checked on the source: data flows down the layers, only
``pipeline/commands/run.py`` wires the resolver to the writer, and no function is too long to read."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"

#: Lowest first; the folders under pipeline/ name them (a few modules are listed apart where they sit
#: lower than their folder). A module may import from its own layer and the ones before it, never after.
LAYERS: list[tuple[str, list[str]]] = [
    ("base", ["base", "writing.schema", "writing.tables"]),
    ("knowledge", ["knowledge"]),
    ("reading", ["readers", "corpora"]),
    ("stages", ["components", "corpus", "writing"]),
    ("assembly", ["", "config"]),  # "" is the package itself (pipeline.load)
    ("engines", ["engines"]),
    ("orchestration", ["commands", "report"]),
    ("commands", ["commands.cli", "__main__"]),
]
#: The one module that may import both the resolver and the writer: it runs one into the other.
ORCHESTRATION = "commands.run"
MAX_FUNCTION_LINES = 80


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(name: str) -> bool:
    base = PACKAGE.joinpath(*name.split(".")) if name else PACKAGE
    return base.with_suffix(".py").exists() or base.is_dir()


def _imports(path: Path, tree: ast.Module) -> set[str]:
    """The pipeline modules ``path`` imports (relative to the package, "" for the package itself),
    lazy imports inside functions included."""
    name = _module_name(path)
    parts = name.split(".") if name else []
    package = parts if path.name == "__init__.py" else parts[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.removeprefix("pipeline").lstrip(".") for alias in node.names if alias.name.split(".")[0] == "pipeline"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1] + ([node.module] if node.module else [])
            elif node.module and node.module.split(".")[0] == "pipeline":
                base = node.module.split(".")[1:]
            else:
                continue
            target = ".".join(base)
            submodules = {f"{target}.{alias.name}".lstrip(".") for alias in node.names}
            submodules = {m for m in submodules if _is_module(m)}
            found |= submodules
            if len(submodules) < len(node.names):  # names from the module itself, not only its submodules
                found.add(target)
    found.discard(name)
    return found


def _layer(module: str) -> int:
    """Index in LAYERS of the longest listed prefix of ``module``."""
    best, best_length = None, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module == prefix or (prefix and module.startswith(prefix + ".")) or (not prefix and not module)
            if matches and len(prefix) > best_length:
                best, best_length = index, len(prefix)
    if best is None:
        raise AssertionError(f"pipeline.{module} is in no layer; add it to LAYERS in {Path(__file__).name}")
    return best


def _sources() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))) for path in sorted(PACKAGE.rglob("*.py"))]


SOURCES = _sources()


def test_every_module_has_a_layer():
    for path, _ in SOURCES:
        _layer(_module_name(path))


@pytest.mark.parametrize("path,tree", SOURCES, ids=[str(p.relative_to(PACKAGE)) for p, _ in SOURCES])
def test_imports_go_down_the_layers(path, tree):
    module = _module_name(path)
    own = _layer(module)
    upward = sorted(f"pipeline.{m} ({LAYERS[_layer(m)][0]})" for m in _imports(path, tree) if _layer(m) > own)
    assert not upward, f"pipeline.{module} ({LAYERS[own][0]}) imports from a higher layer: {', '.join(upward)}"


def test_only_the_orchestration_imports_both_resolver_and_writer():
    both = sorted(_module_name(path) for path, tree in SOURCES if {"corpus.resolve", "writing.writer"} <= _imports(path, tree))
    assert both == [ORCHESTRATION]


def test_no_function_is_longer_than_the_limit():
    long = []
    for path, tree in SOURCES:
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                lines = (node.end_lineno or node.lineno) - start + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name} ({lines} lines)")
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: {'; '.join(long)}"


def test_the_checks_see_imports():
    """The import scan finds relative, absolute and lazy imports (so the checks above can fail)."""
    tree = ast.parse(
        "from ..writing.writer import Staging\nfrom . import batch\ndef f():\n    import pipeline.corpus.resolve\n    from pipeline.writing.rows import Rows\n"
    )
    assert _imports(PACKAGE / "engines" / "local.py", tree) == {"writing.writer", "engines.batch", "corpus.resolve", "writing.rows"}
