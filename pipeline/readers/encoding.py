"""Which encoding bytes are in: the one given, a byte-order mark, UTF-8, else a careful guess.

The guess follows the web's rule for Western text (WHATWG: a ``latin-1`` label means
windows-1252): among the readings charset-normalizer ranks as about equally clean and coherent,
cp1252 wins, and another code page only when the evidence for it is clear (cp1252 reads the bytes
as a mess, or another reading is clearly more coherent in some language). Short texts with a
few accented names are often read equally well by cp1250, cp1252 and cp1257; the guess is then
cp1252, its confidence is low (one of n equally plausible readings), and the run says so.

Every decoding is described by an :class:`Encoding`: the codec, the label recorded in
``documents.encoding`` (``cp1252 (detected, confidence 0.97)``) and, for a doubtful guess, a
warning for the run summary.
"""

from __future__ import annotations

import codecs
import functools
from dataclasses import dataclass

#: Byte-order marks, longest first (the UTF-32-LE mark starts with the UTF-16-LE one).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)
#: The Western default (WHATWG): latin-1 labels are read as windows-1252.
WESTERN = "cp1252"
#: Two readings are equally clean when their charset-normalizer "chaos" (mess ratio) differs by
#: less than this, and equally coherent when their language coherence differs by less than
#: COHERENCE_TIE; another reading beats cp1252 only when it is clearly cleaner or, as clean,
#: clearly more coherent.
CHAOS_TIE = 0.01
COHERENCE_TIE = 0.05
CLEARLY_CLEANER = 0.05
#: Non-ASCII bytes a text needs before any reading may beat cp1252: on a line with one to three,
#: charset-normalizer's mess ratio says more about the ASCII letters around them (``aAa``) than
#: about the code page, and a double-byte page may take a quote or backslash as a trail byte
#: (``ß"`` in GBK), which breaks the record; cp1252 stands (a tie lowers its confidence).
MIN_EVIDENCE_BYTES = 4
#: Encodings news text is plausibly in (Python's codec names): the Windows and ISO-8859 code
#: pages, KOI8, and the East Asian ones. The DOS, Mac and EBCDIC pages charset-normalizer also
#: tries read short Western text just as "cleanly", and would make every guess a tie.
PLAUSIBLE = frozenset(
    [f"cp{n}" for n in range(1250, 1259)]
    + ["cp874", "iso8859-1"]
    + [f"iso8859-{n}" for n in range(2, 17) if n != 12]
    + ["koi8-r", "koi8-u", "cp932", "shift_jis", "euc_jp", "iso2022_jp", "gb2312", "gbk", "gb18030", "big5", "big5hkscs", "euc_kr", "cp949"]
)
#: Confidence below which a guessed encoding is a warning in the run summary (an error with
#: ``--strict``). A tie between two or more different readings is always below it.
LOW_CONFIDENCE = 0.6
#: Error handler that reads the five bytes cp1252 leaves undefined as the C1 controls, as
#: browsers do (so cp1252 reads any byte, like latin-1, and never fails on one stray byte).
C1_FALLBACK = "news.cp1252_c1"
#: Encodings named in messages as examples.
EXAMPLES = "utf-8, cp1252, utf-16"


class DecodeError(ValueError):
    """Bytes that are not text in any encoding we can recognise."""


class ReaderSettingError(ValueError):
    """A ``[reader]`` setting that cannot work (an unknown encoding, a broken pattern); the
    message names the setting."""


def _c1_fallback(err: UnicodeError) -> tuple[str, int]:
    if isinstance(err, UnicodeDecodeError):
        return err.object[err.start : err.end].decode("latin-1"), err.end
    raise err


codecs.register_error(C1_FALLBACK, _c1_fallback)


@dataclass(frozen=True)
class Encoding:
    """How some bytes are decoded.

    ``codec`` decodes the bytes after the byte-order mark (``bom`` bytes long); ``label`` is
    recorded in ``documents.encoding``; ``confidence`` is set for a detected encoding;
    ``warning`` says why a guess is doubtful and how to fix it.
    """

    codec: str
    label: str
    bom: int = 0
    confidence: float | None = None
    warning: str | None = None

    def decode(self, data: bytes) -> str:
        """``data`` (without its byte-order mark) as text; raises UnicodeDecodeError."""
        errors = C1_FALLBACK if self.codec == WESTERN else "strict"
        return codecs.decode(data, self.codec, errors)

    @property
    def newline(self) -> bytes:
        """How a line end looks in this encoding (``b"\\n\\x00"`` in UTF-16-LE)."""
        return "\n".encode(self.codec)


def check_encoding(name: str) -> str:
    """The codec for the encoding ``name`` (``--reader.encoding``); latin-1 labels mean cp1252.

    Raises ReaderSettingError naming the setting for a name Python does not know or that is
    not a text encoding (``base64``).
    """
    try:
        info = codecs.lookup(name)
    except (LookupError, TypeError, ValueError):
        raise ReaderSettingError(f"reader.encoding: unknown encoding {name!r}; e.g. {EXAMPLES}") from None
    if not info._is_text_encoding:  # base64, zlib, rot13: bytes-to-bytes codecs
        raise ReaderSettingError(f"reader.encoding: {name!r} is not a text encoding; e.g. {EXAMPLES}")
    return WESTERN if info.name == "iso8859-1" else info.name


def given(data: bytes, name: str) -> Encoding:
    """The encoding the user set (a byte-order mark of that family is skipped)."""
    codec = check_encoding(name)
    marked = from_bom(data)
    if marked is not None and _family(marked.codec) == _family(codec):
        return marked  # the mark says the byte order (and a UTF-8 mark is not text)
    if codec in ("utf-16", "utf-32"):
        # No mark: Python would take the machine's byte order; say which one is used.
        codec = f"{codec}-le"
    return Encoding(codec, codec)


def _family(codec: str) -> str:
    return codec[:6] if codec.startswith(("utf-16", "utf-32")) else codec.removesuffix("-sig")


def from_bom(data: bytes) -> Encoding | None:
    """The UTF-8/16/32 encoding a byte-order mark at the start of ``data`` names, if any."""
    for mark, codec, label in BOMS:
        if data.startswith(mark):
            return Encoding(codec, label, len(mark))
    return None


def is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def sniff(data: bytes, name: str | None = None) -> Encoding:
    """The encoding of ``data``: ``name`` if given, else its byte-order mark, UTF-8, or a guess."""
    if name:
        return given(data, name)
    marked = from_bom(data)
    if marked is not None:
        return marked
    if is_utf8(data):
        return Encoding("utf-8", "utf-8")
    return guess(data)


def guess(data: bytes) -> Encoding:
    """The legacy code page ``data`` (not UTF-8) is most plausibly in; see the module docstring."""
    from charset_normalizer import from_bytes
    from charset_normalizer.md import mess_ratio

    western = data.decode(WESTERN, C1_FALLBACK)
    # Readings (identical texts are one reading), best first: plausible ones compete and tie;
    # another only wins by being clearly cleaner (DOS or EBCDIC data, say).
    plausible: list[_Reading] = []
    others: list[_Reading] = []
    for match in from_bytes(data):
        text = str(match)
        names = [codecs.lookup(name).name for name in match.could_be_from_charset or [match.encoding]]
        names = [name for name in names if _keeps_ascii(name) and (not _is_wide(name) or b"\x00" in data)]
        if not names:
            continue  # shift_jis_2004 reads a backslash as a yen sign: JSON and CSV would break; see _is_wide
        name = WESTERN if text == western else next((n for n in names if n in PLAUSIBLE and n != WESTERN), None)
        if any(text == seen.text for seen in plausible + others):
            continue
        (plausible if name else others).append(_Reading(name or names[0], text, match.chaos, match.coherence))
    cp1252 = next((r for r in plausible if r.text == western), None)
    if cp1252 is None:
        cp1252 = _Reading(WESTERN, western, mess_ratio(western, 1.0), 0.0)
        plausible.append(cp1252)
    chosen = cp1252
    if sum(byte >= 0x80 for byte in data) >= MIN_EVIDENCE_BYTES:
        rival = next((r for r in plausible if r is not cp1252), None)
        if rival is not None and rival.chaos <= cp1252.chaos:
            if cp1252.chaos - rival.chaos >= CLEARLY_CLEANER or rival.coherence - cp1252.coherence >= COHERENCE_TIE:
                chosen = rival
        outsider = next((r for r in others if chosen.chaos - r.chaos >= CLEARLY_CLEANER), None)
        if outsider is not None:
            chosen = outsider
    ties = [r for r in plausible if r is not chosen and abs(r.chaos - chosen.chaos) < CHAOS_TIE and abs(r.coherence - chosen.coherence) < COHERENCE_TIE]
    confidence = round(max(0.0, 1.0 - chosen.chaos) / (1 + len(ties)), 2)
    label = f"{chosen.name} ({'guessed' if ties else 'detected'}, confidence {confidence:.2f})"
    warning = None
    if confidence < LOW_CONFIDENCE:
        why = f"as plausible: {', '.join(r.name for r in ties[:3])}" if ties else "the text still looks garbled"
        warning = f"decoded as {chosen.name} with low confidence {confidence:.2f} ({why}); if names look wrong, set --reader.encoding"
    return Encoding(chosen.name, label, 0, confidence, warning)


_PRINTABLE_ASCII = bytes(range(32, 127))


@functools.cache
def _keeps_ascii(codec: str) -> bool:
    """Whether ``codec`` reads every printable ASCII byte as itself (the quotes, backslashes and
    commas that JSONL and CSV records are built of); UTF-16 and UTF-32 are wider, not different."""
    return codec.startswith("utf") or _PRINTABLE_ASCII.decode(codec, "replace") == _PRINTABLE_ASCII.decode("ascii")


def _is_wide(codec: str) -> bool:
    """Whether ``codec`` is UTF-16 or UTF-32. Without a byte-order mark (:func:`from_bom` takes
    those) such text has NUL bytes wherever it writes ASCII (every space, digit and newline), so
    data with none is not read that way: a short Latin line (``g0,::aAa\\xfc``) would become CJK."""
    return codec.replace("_", "-").startswith(("utf-16", "utf-32"))


@dataclass(frozen=True)
class _Reading:
    name: str
    text: str
    chaos: float  # charset-normalizer's mess ratio: 0 clean, 1 garbled
    coherence: float  # how well the letters fit some language: 0 to 1
