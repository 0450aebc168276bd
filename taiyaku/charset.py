"""Charset labels, as HTTP ``Content-Type`` headers and HTML ``<meta>`` tags give them, → Python codecs.

One table for both places a label comes from (:mod:`taiyaku.pull` for the header, :mod:`taiyaku.html` for
the ``<meta>`` tag).  Labels come from the web, so a label that names one of Python's own codecs that is
not a character encoding of documents (``base64``, ``rot13``, ``unicode_escape``, ``idna``...) is no
declaration at all: it must never reach ``bytes.decode``.
"""

from __future__ import annotations

import codecs

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
