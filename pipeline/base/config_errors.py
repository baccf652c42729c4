"""One-line messages for what goes wrong while a config is loaded and built.

spaCy's config errors (confection validation, registry look-ups, missing models) are long and
name the function, not the section of the user's file. :func:`explain` turns them into a
:class:`ConfigError` line: the section and key, what is wrong, the nearest
valid name, and how to fix it. Anything else is returned unchanged.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import Any

from catalogue import RegistryError
from confection import Config, ConfigValidationError

#: Keys a component or function gets from spaCy, never from the user's config.
_INTERNAL_KEYS = {"nlp", "name"}
_UNEXPECTED = re.compile(r"unexpected argument: '([^']+)'|extra fields not permitted")
_MISSING_FUNCTION = re.compile(r"Could not find function '([^']+)' in function registry '([^']+)'")
_MISSING_FACTORY = re.compile(r"Can't find factory for '([^']+)'")
_MISSING_MODEL = re.compile(r"\[E050\] Can't find model '([^']+)'")
_NOT_TYPE = re.compile(r"is not <class '(\w+)'>")
#: confection's type names, as a user would say them.
_TYPE_WORDS = {"int": "a whole number", "float": "a number", "bool": "true or false", "str": "text"}


class ConfigError(ValueError):
    """A config that names something unknown or cannot be built."""


class ModelNotInstalledError(OSError):
    """The config names a trained pipeline that is neither an installed package nor a folder."""


class SettingError(ValueError):
    """A value a settings function refuses; :func:`resolve_settings` adds the section and the fix."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


def explain(err: Exception, config: Config | dict[str, Any] | None, where: str, error_type: type[Exception]) -> Exception:
    """A one-line ``error_type`` (or ModelNotInstalledError) for ``err``, or ``err`` itself.

    ``where`` names the config (a path, or "the config") for the message.
    """
    if isinstance(err, ConfigValidationError):
        return error_type(_validation(err, config or {}, where))
    text = str(err)
    if isinstance(err, RegistryError) or _MISSING_FUNCTION.search(text):
        match = _MISSING_FUNCTION.search(text)
        if match:
            name, registry_name = match.groups()
            return error_type(
                f"Unknown function {name!r} in {where} (registry {registry_name!r}){_nearest(name, _registered(registry_name))}. "
                f"A config can only name functions registered by installed packages: check the spelling, or install the package that provides it."
            )
    match = _MISSING_FACTORY.search(text)
    if match:
        name = match.group(1)
        return error_type(
            f"Unknown component factory {name!r} in {where}{_nearest(name, _registered('factories'))}. "
            f"Check the spelling, or install the package that provides it."
        )
    match = _MISSING_MODEL.search(text)
    if match:
        model = match.group(1)
        package = model.replace("_", "-")
        return ModelNotInstalledError(
            f"Model {model!r} is not installed: install it with `pip install {package}` (or the package that provides it), "
            f"or pass --model with an installed package name or a pipeline folder."
        )
    return err


def _validation(err: ConfigValidationError, config: Config | dict[str, Any], where: str) -> str:
    errors = list(err.errors or [])
    if not errors:
        # A file that does not parse, or a ${...} that names nothing: the description says where.
        desc = " ".join(line.strip() for line in str(err.desc or "").splitlines() if line.strip())
        desc = desc.removeprefix("Make sure the sections and values are formatted correctly. ")
        return f"Invalid config ({where}): {desc or err.title or err}"
    first = errors[0]
    loc = [str(part) for part in first.get("loc", [])]
    msg = str(first.get("msg", ""))
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    owner = _owner(err.title or "")
    if msg == "not a section value that can be overridden":
        key = ".".join(loc)
        if loc and loc[0] not in config:
            return f"The --{key} override names section [{loc[0]}], which {where} does not have: add the section to the config, or fix the override.{more}"
        return f"Unknown config key {key!r} on the command line{_nearest(key, list(_dotted_keys(config)))}: fix the --{key} override.{more}"
    key = loc[-1] if loc else "?"
    section = _section_of(config, key, owner)
    unexpected = _UNEXPECTED.search(msg)
    if unexpected:
        allowed = [k for k in (err.config or {}) if k != key and not k.startswith("@") and k not in _INTERNAL_KEYS]
        return f"Unknown setting {key!r} in [{section}] of {where}{_nearest(key, allowed)}. Settings there: {', '.join(sorted(allowed)) or 'none'}.{more}"
    if msg.startswith("field required") or "missing" in msg:
        return f"Missing setting {key!r} in [{section}] of {where}: add it to the config or pass --{section}.{key} VALUE.{more}"
    msg = msg.removeprefix("at root: ")
    msg = _NOT_TYPE.sub(lambda m: f"is not {_TYPE_WORDS.get(m.group(1), m.group(1))}", msg)
    return f"Invalid value for {key!r} in [{section}] of {where}: {msg}; fix it in the config or with --{section}.{key} VALUE.{more}"


def _owner(title: str) -> str | None:
    match = re.search(r"Config error for '([^']+)'", title)
    return match.group(1) if match else None


def _sections(config: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    for name, value in config.items():
        if isinstance(value, dict):
            path = f"{prefix}.{name}" if prefix else name
            yield path, value
            yield from _sections(value, path)


def _section_of(config: dict[str, Any], key: str, owner: str | None) -> str:
    """The config section holding ``key``; the one built by ``owner`` (a factory or function) first."""
    holding = [(path, section) for path, section in _sections(dict(config)) if key in section]
    for path, section in holding:
        if owner is not None and owner in (section.get("factory"), *(v for k, v in section.items() if k.startswith("@"))):
            return path
    if holding:
        return holding[0][0]
    for path, section in _sections(dict(config)):
        if owner is not None and owner in (section.get("factory"), *(v for k, v in section.items() if k.startswith("@"))):
            return path
    return owner or "?"


def _dotted_keys(config: dict[str, Any]) -> Iterator[str]:
    for path, section in _sections(dict(config)):
        yield path
        for key, value in section.items():
            if not isinstance(value, dict):
                yield f"{path}.{key}"


def _registered(registry_name: str) -> list[str]:
    from spacy.util import registry

    try:
        return list(getattr(registry, registry_name).get_all())
    except Exception:  # noqa: BLE001  (only for a suggestion)
        return []


def _nearest(name: str, candidates: list[str]) -> str:
    match = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""
