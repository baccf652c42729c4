"""Text made safe for every stage, and ``.txt`` articles as users save them from news sites.

Decoding bytes is in ``encoding.py``."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Share of control characters above which a file is taken for binary.
MAX_CONTROL_SHARE = 0.05
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Characters no stage should see: C0/C1 controls other than tab and line ends, and lone
#: surrogates (JSON allows ``"\ud800"``; they cannot be written as UTF-8).
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
#: What :func:`clean_text` puts in place of each unsafe character (one for one).
_CONTROL_REPLACEMENT = " "
_SURROGATE_REPLACEMENT = "\ufffd"
MOJIBAKE_FIXED = "mojibake fixed by ftfy"


def looks_binary(text: str, min_controls: int = 1) -> bool:
    """True when control characters make up more than a small share of ``text`` (and number at
    least ``min_controls``)."""
    controls = len(_CONTROL.findall(text))
    return bool(text) and controls >= min_controls and controls / len(text) > MAX_CONTROL_SHARE


def clean_text(text: str) -> str:
    """``text`` with control characters as spaces and lone surrogates as U+FFFD.

    One character for one, so offsets into the cleaned text are offsets into the input.
    """
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(lambda m: _SURROGATE_REPLACEMENT if m.group() >= "\ud800" else _CONTROL_REPLACEMENT, text)


def fix_mojibake(text: str) -> str | None:
    """The repaired text when ``text`` is UTF-8 that was decoded with the wrong codec
    (``CafÃ©`` -> ``Café``), else None. Uses ftfy's conservative ``fix_encoding`` only."""
    import ftfy

    fixed = ftfy.fix_encoding(text)
    return fixed if fixed != text else None


@dataclass
class ParsedText:
    title: str | None
    source: str | None
    text: str


def parse_saved_article(raw: str, boilerplate: list[re.Pattern[str]], source_prefix: str) -> ParsedText:
    """Split a saved news page into headline, source and analysed text.

    The first non-empty line is the headline (kept as the first line of the text, since
    headlines name entities too); a ``source_prefix`` line (``Original Source: …``) becomes
    the source and leaves the text; lines matching a ``boilerplate`` pattern are dropped.
    Line ends are normalised to ``\\n``.
    """
    kept: list[str] = []
    source = None
    for line in raw.splitlines():
        stripped = line.strip()
        if source_prefix and stripped.startswith(source_prefix):
            source = stripped[len(source_prefix) :].strip() or None
            continue
        if any(p.search(line) for p in boilerplate):
            continue
        kept.append(line.rstrip())
    text = "\n".join(kept).strip()
    title = next((line.strip() for line in kept if line.strip()), None)
    return ParsedText(title=title, source=source, text=text)
