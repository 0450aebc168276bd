"""Charset labels, as HTTP ``Content-Type`` headers and HTML ``<meta>`` tags give them, → Python codecs.

One table for both places a label comes from: the HTTP header and the HTML ``<meta>`` tag
(:func:`declared_charset`).  Labels come from the web, so a label that names one of Python's own codecs that is
not a character encoding of documents (``base64``, ``rot13``, ``unicode_escape``, ``idna``...) is no
declaration at all: it must never reach ``bytes.decode``.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Sequence

from taiyaku.errors import TaiyakuError
from taiyaku.text.markup import parse_attributes

# Every "Shift_JIS" label means Microsoft's CP932 in practice (Japanese government pages use its NEC/IBM
# extensions, e.g. circled digits); JIS X 0213 variants come second for the rare page that needs them.
SHIFT_JIS_CODECS = ("cp932", "shift_jis_2004")
EUC_JP_CODECS = ("euc_jp", "euc_jis_2004")
_ISO_2022_JP_CODECS = ("iso2022_jp", "iso2022_jp_ext", "iso2022_jp_2004")

# Labels as the WHATWG Encoding Standard lists them (and the spellings Python uses) → the codecs to try, in
# order.  Latin-1 and ASCII labels mean windows-1252, as in every browser.
_LABEL_CODECS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        (
            "shift_jis",
            "shift-jis",
            "sjis",
            "x-sjis",
            "ms_kanji",
            "csshiftjis",
            "windows-31j",
            "cp932",
            "ms932",
            "x-ms-cp932",
        ),
        SHIFT_JIS_CODECS,
    ),
    **dict.fromkeys(("euc-jp", "euc_jp", "eucjp", "x-euc-jp", "cseucpkdfmtjapanese"), EUC_JP_CODECS),
    **dict.fromkeys(("iso-2022-jp", "iso2022_jp", "iso2022jp", "csiso2022jp"), _ISO_2022_JP_CODECS),
    **dict.fromkeys(
        ("utf-8", "utf8", "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8"), ("utf-8",)
    ),
    **dict.fromkeys(
        ("iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii", "windows-1252", "cp1252"),
        ("cp1252",),
    ),
}
# Text codecs Python has that no web page is written in: an escape syntax (unicode_escape), domain-name
# encodings (idna, punycode), a codec that always fails (undefined), and UTF-7, which browsers refuse to
# decode because it smuggles markup past filters.
_NOT_DOCUMENT_CODECS = frozenset({"idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined", "utf-7"})


def codecs_for_label(label: str) -> tuple[str, ...]:
    """The Python codecs to try, in order, for the charset ``label``; ``()`` when it names none taiyaku reads."""
    key = label.strip().strip("\"'").lower()
    if key in _LABEL_CODECS:
        return _LABEL_CODECS[key]
    try:
        name = codecs.lookup(key).name
    except (LookupError, ValueError):  # ValueError: a NUL in the label
        return ()
    try:
        b" ".decode(name)  # empty input would not be decoded at all
    except LookupError:  # a bytes-to-bytes or text-to-text codec (base64, rot13, zlib...)
        return ()
    except UnicodeError:  # a text codec that cannot decode a lone space (utf-16): still a text codec
        pass
    return () if name in _NOT_DOCUMENT_CODECS else (name,)


# --- decoding ----------------------------------------------------------------------------------------------

# Python's cp932 maps the single bytes 0xFD-0xFF (unused in Shift_JIS) to private-use characters instead
# of failing: in undeclared text they mean the bytes are not Shift_JIS (or are corrupt).
_CP932_STRAY_BYTES = re.compile("[\uf8f1-\uf8f3]")
# What charset-normalizer calls single-byte Western text; for English, taiyaku's other language, that is
# windows-1252 in practice, which it cannot tell from its Central European cousins on short texts.
_WESTERN_SINGLE_BYTE = re.compile(r"^(cp125\d|iso8859_\d+|latin_1|mac_\w+|cp437|cp850)$")


def decode_text(raw: bytes, where: str, declared: Sequence[str | None] = ()) -> tuple[str, str]:
    """Decode ``raw`` strictly; returns ``(text, codec)``.

    Order: a byte-order mark; then each declared charset (HTTP header first, then ``<meta>``) that
    decodes without error; then UTF-8; then CP932 (Shift_JIS) or EUC-JP, choosing by which gives
    plausible Japanese when both decode; finally charset-normalizer's guess.
    """
    if raw.startswith(codecs.BOM_UTF8):
        return _strict(raw, "utf-8-sig", where, "starts with a UTF-8 byte-order mark but is not valid UTF-8")
    # UTF-32 first: its little-endian mark begins with UTF-16's (FF FE), followed by two NUL bytes.
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return _strict(raw, "utf-32", where, "starts with a UTF-32 byte-order mark but is not valid UTF-32")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(raw, "utf-16", where, "starts with a UTF-16 byte-order mark but is not valid UTF-16")
    for label in declared:
        for codec in codecs_for_label(label or ""):
            text = _try_decode(raw, codec)
            if text is not None:
                return text, codec
    text = _try_decode(raw, "utf-8")
    if text is not None:
        return text, "utf-8"
    candidates = [
        (text, codec)
        for codec in (*SHIFT_JIS_CODECS, *EUC_JP_CODECS)
        if (text := _try_decode(raw, codec)) is not None and not _CP932_STRAY_BYTES.search(text)
    ]
    if candidates:
        # Prefer the base codecs (cp932, euc_jp) over their JIS X 0213 extensions when both decode; keep
        # order stable for ties so the choice is deterministic.
        return max(candidates, key=lambda pair: _japanese_plausibility(pair[0]))
    guess = _charset_normalizer_guess(raw)
    if guess is not None:
        return guess
    position, codec_name = _furthest_decode_failure(raw)
    raise TaiyakuError(
        where,
        "not valid UTF-8, Shift_JIS or EUC-JP text"
        f" (read as {codec_name}, byte 0x{raw[position]:02x} at offset {position} is invalid)",
    )


def _strict(raw: bytes, codec: str, where: str, problem: str) -> tuple[str, str]:
    try:
        return raw.decode(codec), codec
    except UnicodeDecodeError as exc:
        raise TaiyakuError(where, f"{problem} (byte offset {exc.start})") from None


def _try_decode(raw: bytes, codec: str) -> str | None:
    try:
        return raw.decode(codec)
    except UnicodeError:  # UnicodeDecodeError, or the bare UnicodeError some stateful codecs raise
        return None


def _japanese_plausibility(text: str) -> int:
    """How much ``text`` looks like real Japanese (or ASCII): decoding EUC-JP bytes as CP932 (or the reverse)
    yields half-width katakana, private-use and rare characters instead of kana and common kanji."""
    score = 0
    for char in text:
        code = ord(char)
        if (
            code < 0x80
            or 0x3000 <= code <= 0x30FF  # CJK punctuation, hiragana, katakana
            or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
            or 0xFF01 <= code <= 0xFF5E  # full-width ASCII
        ):
            score += 1
        elif 0xFF61 <= code <= 0xFF9F or unicodedata.category(char) in ("Co", "Cn", "Cc"):
            score -= 3  # half-width katakana, private use, unassigned, control
        else:
            score -= 1
    return score


def _charset_normalizer_guess(raw: bytes) -> tuple[str, str] | None:
    """Last resort for text in none of the Japanese encodings (an English page in windows-1252, say)."""
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None or best.encoding is None:
        return None
    encoding = "cp1252" if _WESTERN_SINGLE_BYTE.match(best.encoding) else best.encoding
    text = _try_decode(raw, encoding)
    if text is None or any(unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\v" for c in text):
        return None
    return text, encoding


def _furthest_decode_failure(raw: bytes) -> tuple[int, str]:
    """Where decoding fails, for the encoding that gets furthest: the likeliest intended one, so the
    offset points at the corrupt spot rather than at the first non-ASCII byte."""
    failures = []
    for codec, name in (("utf-8", "UTF-8"), ("cp932", "Shift_JIS"), ("euc_jp", "EUC-JP")):
        try:
            raw.decode(codec)
            position = len(raw)
        except UnicodeDecodeError as exc:
            position = exc.start
        if codec == "cp932":  # bytes 0xFD-0xFF are never part of a Shift_JIS character
            stray = re.search(rb"[\xfd-\xff]", raw)
            position = min(position, stray.start()) if stray else position
        failures.append((position, name))
    position, name = max(failures, key=lambda failure: failure[0])
    return min(position, len(raw) - 1), name


# --- the charset an HTML page declares ------------------------------------------------------------------

_META_RE = re.compile(rb"<meta\b([^>]*)>?", re.IGNORECASE)
_COMMENT_BYTES_RE = re.compile(rb"<!--(?:-?>|.*?--!?>)", re.DOTALL)
_CHARSET_IN_CONTENT_RE = re.compile(r"""charset\s*=\s*["']?([^\s"';]+)""", re.IGNORECASE)

# A page cannot declare UTF-16 in an ASCII-compatible <meta>; browsers read such pages as UTF-8 (WHATWG).
_UTF16_LABELS = frozenset({"utf-16", "utf-16le", "utf-16be"})


def declared_charset(raw: bytes, limit: int = 4096) -> str | None:
    """The charset a page declares in ``<meta charset>`` or ``<meta http-equiv="Content-Type">`` within its
    first ``limit`` bytes, as a Python codec name (Shift_JIS and its aliases → ``"cp932"``, as browsers
    decode them); ``None`` when there is no usable declaration."""
    head = _COMMENT_BYTES_RE.sub(b"", raw[:limit])
    for match in _META_RE.finditer(head):
        attrs = parse_attributes(match.group(1).decode("latin-1") + ">", 0)
        label = attrs.get("charset")
        if not label and attrs.get("http-equiv", "").strip().lower() == "content-type":
            found = _CHARSET_IN_CONTENT_RE.search(attrs.get("content", ""))
            label = found.group(1) if found else None
        if label:
            codec = _codec_for_label(label)
            if codec:
                return codec
    return None


def _codec_for_label(label: str) -> str | None:
    key = label.strip().strip("\"'").lower()
    if key in _UTF16_LABELS:
        return "utf-8"
    codec_names = codecs_for_label(key)
    return codec_names[0] if codec_names else None
