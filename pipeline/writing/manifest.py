"""What a run was started on: its input files (size and SHA-256) and its config hash.

Written to ``<output>.staging/run.json`` before the first document is processed, so that
``--resume`` can refuse to continue a run whose input or config changed underneath it: the
finished batches and the rest would otherwise come from different data. The final ``run.json``
of the output keeps the same ``inputs`` list.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..base.console import logger
from ..readers import find_input_files

RUN_FILE = "run.json"
#: Bytes read at a time while hashing a file.
HASH_BLOCK = 1 << 20


class InputChangedError(ValueError):
    """A resumed run whose input files or config are not those of the run it continues."""


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, as hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def describe_inputs(inputs: Sequence[Path | str]) -> list[dict[str, Any]]:
    """``{"path", "bytes", "sha256"}`` for every input file, in reading order (None when unreadable)."""
    described = []
    for path, _root in find_input_files(inputs):
        size: int | None
        digest: str | None
        try:
            size, digest = path.stat().st_size, file_digest(path)
        except OSError:
            size = digest = None
        described.append({"path": str(path), "bytes": size, "sha256": digest})
    return described


def start_manifest(inputs: Sequence[Path | str], config_hash: str) -> dict[str, Any]:
    """What a run records about itself before it starts."""
    return {"inputs": describe_inputs(inputs), "config_hash": config_hash}


def record_or_check(staging: Path, manifest: dict[str, Any], *, resume: bool) -> None:
    """Write ``manifest`` to the staging folder; when resuming, first check it matches the one there.

    Raises InputChangedError naming the first difference.
    """
    path = Path(staging) / RUN_FILE
    if resume and path.exists():
        recorded = json.loads(path.read_text(encoding="utf8"))
        _compare(recorded, manifest)
    elif resume:
        logger.warning("%s has no %s (an older run?): the input cannot be checked against it.", staging, RUN_FILE)
    tmp = path.with_name(f".{RUN_FILE}.tmp")
    tmp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf8")
    tmp.replace(path)


def _compare(recorded: dict[str, Any], current: dict[str, Any]) -> None:
    fix = "resume with the same input and config, or start again with --overwrite."
    if recorded.get("config_hash") != current["config_hash"]:
        raise InputChangedError(f"The config (or its overrides) differs from the interrupted run's: {fix}")
    before = {item["path"]: item for item in recorded.get("inputs", [])}
    after = {item["path"]: item for item in current["inputs"]}
    for name in sorted(before.keys() | after.keys()):
        old, new = before.get(name), after.get(name)
        if old is None:
            problem = "is new"
        elif new is None:
            problem = "is gone"
        elif old.get("bytes") != new.get("bytes"):
            problem = f"changed size ({old.get('bytes')} -> {new.get('bytes')} bytes)"
        elif old.get("sha256") != new.get("sha256"):
            problem = "changed content (SHA-256 differs)"
        else:
            continue
        raise InputChangedError(f"Input file {name} {problem} since the interrupted run started: {fix}")
