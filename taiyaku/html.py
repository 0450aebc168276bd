"""HTML → blocks (headings, paragraphs, list items) of the main content, with exact offsets into the markup.

Offsets downstream point into the HTML *markup* (the decoded source of a web page), so the markup is
tokenized here with a small scanner that knows where every tag, comment and character reference is,
rather than handed to a parser that forgets positions: each extracted character maps to the span of the
markup it came from (a plain character to itself, ``&amp;`` or ``&#x3042;`` to the whole reference, a
``<br>`` line break to the tag).

Structure follows HTML's forgiving rules closely enough for real pages: void elements, ``<p>`` closed by a
block element, ``<li>``/``<dt>``/``<dd>``/``<tr>``/``<td>`` closed by their next sibling, stray end tags
ignored, raw-text elements (``script``, ``style``...) skipped to their end tag.

Main content: the first ``<main>`` (or ``role="main"``) element if there is one, else the ``<article>``
elements, else the whole document.  Inside it, these are dropped: ``script``, ``style``, ``noscript``,
``template``, ``nav``, ``aside``, ``footer``, ``form`` (and form controls), ``header`` (outside
``main``/``article``/``section``, where it is the site banner; inside them it holds the article's title),
embedded media, comments, and elements that are ``hidden``, ``aria-hidden="true"``, ``display:none`` or
have a navigation/banner/contentinfo/complementary/search role.

Blocks: ``h1``–``h6`` (and ``role="heading"``) give ``heading``; ``li``, ``dt``, ``dd`` give ``list_item``;
every other block-level element (``p``, ``div``, ``td``, ``blockquote``, ``pre``...) gives ``paragraph``.
White space runs in the markup collapse to one space (except inside ``pre``); ``<br>`` is a line break
inside a block.
"""

from __future__ import annotations

import codecs
import html.entities
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from taiyaku.model import BlockKind
from taiyaku.textmap import MappedText, MappedTextBuilder

# --------------------------------------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------------------------------------

_MARKUP_RE = re.compile(
    r"""<!--.*?(?:--!?>|\Z)"""  # comment (an unterminated one runs to the end)
    r"""|<!\[CDATA\[.*?(?:\]\]>|\Z)"""  # CDATA section (foreign content)
    r"""|<![^>]*>?"""  # doctype, bogus comment
    r"""|<\?[^>]*>?"""  # processing instruction (a bogus comment in HTML)
    r"""|</?[A-Za-z][^\s/>]*(?:[^"'>]|"[^"]*"|'[^']*')*>?""",  # start or end tag
    re.DOTALL,
)
_TAG_NAME_RE = re.compile(r"</?([A-Za-z][^\s/>]*)")
_ATTRIBUTE_RE = re.compile(r"""([^\s"'>/=][^\s"'>/=]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]*))?""")
_ENTITY_RE = re.compile(r"&(?:#[xX]([0-9a-fA-F]+);?|#([0-9]+);?|([A-Za-z][A-Za-z0-9]*;?))")
_WHITESPACE_RE = re.compile(r"[ \t\n\r\f]+")
_DISPLAY_NONE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)

_VOID = frozenset(
    {
        "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img", "input",
        "keygen", "link", "meta", "param", "source", "track", "wbr",
    }
)
# Elements whose content is raw text up to their end tag; none of them is document content.
_RAW_TEXT = frozenset(
    {
        "script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "textarea", "title", "plaintext",
    }
)
_DROPPED = frozenset(
    {
        "script", "style", "noscript", "template", "nav", "aside", "footer", "form", "head", "title", "svg", "math",
        "iframe", "object", "embed", "canvas", "button", "select", "option", "optgroup", "textarea", "datalist",
        "dialog", "audio", "video", "map",
    }
)
_DROPPED_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar", "dialog"}
)
_SECTIONING = frozenset({"main", "article", "section"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_LIST_ITEMS = frozenset({"li", "dt", "dd"})
_BLOCK_LEVEL = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "dir",
        "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hgroup", "hr", "html", "legend", "li", "listing", "main", "menu", "nav", "ol", "p", "pre",
        "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)
# A start tag of one of these closes an open <p> (HTML's "closes a p element in button scope").
_CLOSES_P = (_BLOCK_LEVEL | {"table", "hr", "pre", "listing", "xmp", "plaintext"}) - {
    "body", "html", "caption", "td", "th", "tr", "tbody", "thead", "tfoot",
}
_SCOPE_BOUNDARIES = frozenset(
    {
        "applet", "caption", "html", "table", "td", "th", "marquee", "object", "template", "button",
    }
)


@dataclass(slots=True)
class _Element:
    tag: str
    attrs: dict[str, str]
    start: int  # offset of the start tag in the markup
    end: int  # offset just past the start tag
    children: list[_Element | tuple[int, int]] = field(default_factory=list)  # elements and text runs


def _parse_attributes(tag_markup: str, name_end: int) -> dict[str, str]:
    attrs: dict[str, str] = {}
    body = tag_markup[name_end:].rstrip(">")
    for match in _ATTRIBUTE_RE.finditer(body):
        key = match.group(1).lower()
        value = match.group(2) or ""
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        attrs.setdefault(key, html.unescape(value))
    return attrs


def _build_tree(markup: str) -> _Element:
    """A forgiving element tree of ``markup``; text runs are ``(start, end)`` spans of the markup."""
    root = _Element("#document", {}, 0, 0)
    stack: list[_Element] = [root]
    pos = 0
    length = len(markup)
    while pos < length:
        match = _MARKUP_RE.search(markup, pos)
        if match is None:
            stack[-1].children.append((pos, length))
            break
        if match.start() > pos:
            stack[-1].children.append((pos, match.start()))
        pos = match.end()
        token = match.group()
        if token.startswith(("<!", "<?")):
            continue  # comments, CDATA, doctype, processing instructions: never content
        name_match = _TAG_NAME_RE.match(token)
        assert name_match is not None  # the alternative above matched a tag
        name = name_match.group(1).lower()
        if token.startswith("</"):
            if name == "br":  # </br> is a <br> for browsers too
                stack[-1].children.append(_Element("br", {}, match.start(), match.end()))
            elif name == "p" and not _in_scope(stack, {"p"}):
                pass
            else:
                _close(stack, name)
            continue
        _close_implied(stack, name)
        element = _Element(name, _parse_attributes(token, name_match.end()), match.start(), match.end())
        stack[-1].children.append(element)
        if name in _RAW_TEXT:
            end = re.compile(rf"</{re.escape(name)}[\s/>]", re.IGNORECASE).search(markup, pos)
            if name == "plaintext" or end is None:
                pos = length
            else:
                pos = markup.find(">", end.start())
                pos = length if pos < 0 else pos + 1
            continue
        self_closing = token.endswith("/>") and any(e.tag in ("svg", "math") for e in stack)
        if name not in _VOID and not self_closing:
            stack.append(element)
    return root


def _in_scope(stack: list[_Element], tags: set[str]) -> bool:
    for element in reversed(stack):
        if element.tag in tags:
            return True
        if element.tag in _SCOPE_BOUNDARIES:
            return False
    return False


def _close(stack: list[_Element], name: str) -> None:
    """Pop up to and including the innermost open ``name`` (an end tag without an open element is ignored)."""
    for depth in range(len(stack) - 1, 0, -1):
        if stack[depth].tag == name:
            del stack[depth:]
            return


def _close_until(stack: list[_Element], tags: set[str], boundaries: frozenset[str]) -> None:
    for depth in range(len(stack) - 1, 0, -1):
        if stack[depth].tag in tags:
            del stack[depth:]
            return
        if stack[depth].tag in boundaries:
            return


def _close_implied(stack: list[_Element], name: str) -> None:
    """The end tags HTML implies when ``name`` starts (simplified from the HTML tree-construction rules)."""
    if name in _CLOSES_P and _in_scope(stack, {"p"}):
        _close_until(stack, {"p"}, _SCOPE_BOUNDARIES)
    if name == "li":
        _close_until(stack, {"li"}, _SCOPE_BOUNDARIES | {"ul", "ol"})
    elif name in ("dt", "dd"):
        _close_until(stack, {"dt", "dd"}, _SCOPE_BOUNDARIES | {"dl"})
    elif name in _HEADINGS and stack[-1].tag in _HEADINGS:
        stack.pop()
    elif name in ("td", "th"):
        _close_until(stack, {"td", "th"}, frozenset({"tr", "table", "html", "template"}))
    elif name == "tr":
        _close_until(stack, {"tr"}, frozenset({"table", "html", "template"}))
    elif name in ("thead", "tbody", "tfoot"):
        _close_until(stack, {"thead", "tbody", "tfoot"}, frozenset({"table", "html", "template"}))
    elif name in ("option", "optgroup"):
        _close_until(stack, {"option"}, frozenset({"select", "html"}))


# --------------------------------------------------------------------------------------------------------
# Text with character references
# --------------------------------------------------------------------------------------------------------


def decode_text(markup: str, start: int, end: int) -> MappedText:
    """``markup[start:end]`` with character references decoded, each decoded character mapped to the span
    of its reference (HTML's rules: named references with or without ``;`` as the standard allows,
    numeric references with the Windows-1252 fix-ups, invalid code points as U+FFFD)."""
    segment = markup[start:end]
    if "&" not in segment:
        return MappedText.identity(segment, start)
    builder = MappedTextBuilder()
    pos = 0
    for match in _ENTITY_RE.finditer(segment):
        decoded, consumed = _decode_reference(match)
        if not consumed:
            continue
        builder.extend(MappedText.identity(segment[pos : match.start()], start + pos))
        reference = segment[match.start() : match.start() + consumed]
        builder.replace(MappedText.identity(reference, start + match.start()), decoded)
        pos = match.start() + consumed
    builder.extend(MappedText.identity(segment[pos:], start + pos))
    return builder.build()


def _decode_reference(match: re.Match[str]) -> tuple[str, int]:
    """The decoded text of a reference and how many characters of the match it consumes (0: not one)."""
    if match.group(1) is not None or match.group(2) is not None:
        return html.unescape(match.group()), len(match.group())
    name = match.group(3)
    if name.endswith(";") and name in html.entities.html5:
        return html.entities.html5[name], len(name) + 1
    bare = name.rstrip(";")
    for size in range(len(bare), 1, -1):  # the legacy references that may omit ';' (&amp, &copy, &nbsp...)
        decoded = html.entities.html5.get(bare[:size])
        if decoded is not None:
            return decoded, size + 1
    return "", 0


# --------------------------------------------------------------------------------------------------------
# Blocks
# --------------------------------------------------------------------------------------------------------


def extract_blocks(markup: str) -> list[tuple[BlockKind, MappedText]]:
    """The blocks of the main content of the HTML page ``markup``, in document order (not yet normalized:
    white space is collapsed, nothing else is changed)."""
    root = _build_tree(markup)
    collector = _BlockCollector(markup)
    for content_root in _main_content(root):
        collector.walk(content_root)
    collector.flush()
    return collector.blocks


def _iter_elements(element: _Element) -> Iterator[tuple[_Element, list[_Element]]]:
    """Every element below ``element`` in document order, with its ancestors (iteratively: deep pages)."""
    stack: list[tuple[_Element, list[_Element]]] = [(element, [])]
    while stack:
        node, ancestors = stack.pop()
        yield node, ancestors
        children = [child for child in node.children if isinstance(child, _Element)]
        stack.extend((child, [*ancestors, node]) for child in reversed(children))


def _main_content(root: _Element) -> list[_Element]:
    articles: list[_Element] = []
    for element, ancestors in _iter_elements(root):
        is_main = element.tag == "main" or element.attrs.get("role", "").lower() == "main"
        if is_main and not any(_is_dropped(a, ancestors[:i]) for i, a in enumerate(ancestors)):
            return [element]
        if element.tag == "article" and not any(a.tag == "article" for a in ancestors):
            articles.append(element)
    return articles or [root]


def _is_dropped(element: _Element, ancestors: list[_Element]) -> bool:
    tag = element.tag
    if tag in _DROPPED:
        return True
    if tag == "header" and not any(a.tag in _SECTIONING or a.attrs.get("role") == "main" for a in ancestors):
        return True
    attrs = element.attrs
    if "hidden" in attrs or attrs.get("aria-hidden", "").lower() == "true":
        return True
    if attrs.get("role", "").lower() in _DROPPED_ROLES:
        return True
    return bool(_DISPLAY_NONE_RE.search(attrs.get("style", "")))


class _BlockCollector:
    """Walks the content tree and cuts it into blocks at block-level element boundaries."""

    def __init__(self, markup: str) -> None:
        self.markup = markup
        self.blocks: list[tuple[BlockKind, MappedText]] = []
        self._pieces = MappedTextBuilder()
        self._has_text = False
        self._kind: BlockKind = "paragraph"

    def flush(self) -> None:
        text = self._pieces.build()
        if self._has_text and text.text.strip():
            self.blocks.append((self._kind, text))
        self._pieces = MappedTextBuilder()
        self._has_text = False

    def walk(self, top: _Element) -> None:
        # An explicit stack of (node, ancestors, entering) events: real pages nest deeper than recursion allows.
        events: list[tuple[_Element | tuple[int, int], list[_Element], bool]] = [(top, [], True)]
        while events:
            node, ancestors, entering = events.pop()
            if isinstance(node, tuple):
                self._text(node, ancestors)
                continue
            if entering and node is not top and _is_dropped(node, ancestors):
                continue
            if node.tag == "br":
                self._line_break(node)
                continue
            if node.tag in _BLOCK_LEVEL or node.attrs.get("role", "").lower() == "heading":
                self.flush()
            if not entering:
                continue
            events.append((node, ancestors, False))
            inner = [*ancestors, node]
            events.extend((child, inner, True) for child in reversed(node.children))

    def _text(self, span: tuple[int, int], ancestors: list[_Element]) -> None:
        text = decode_text(self.markup, *span)
        preformatted = any(a.tag in ("pre", "listing", "textarea") for a in ancestors)
        if not preformatted:
            text = text.sub(_WHITESPACE_RE, " ")
        if not text.text.strip():
            if text.text and self._has_text:
                self._pieces.extend(text[:1] if not preformatted else text)
            return
        if not self._has_text:
            self._kind = _kind_of(ancestors)
            self._has_text = True
        self._pieces.extend(text)

    def _line_break(self, element: _Element) -> None:
        if self._has_text:
            self._pieces.replace(MappedText.identity(self.markup[element.start : element.end], element.start), "\n")


def _kind_of(ancestors: list[_Element]) -> BlockKind:
    for element in reversed(ancestors):
        if element.tag in _HEADINGS or element.attrs.get("role", "").lower() == "heading":
            return "heading"
        if element.tag in _LIST_ITEMS:
            return "list_item"
        if element.tag in _BLOCK_LEVEL and element.tag not in ("ul", "ol", "dl", "div", "section", "article", "main"):
            return "paragraph"
    return "paragraph"


# --------------------------------------------------------------------------------------------------------
# Declared charset
# --------------------------------------------------------------------------------------------------------

_META_RE = re.compile(rb"<meta\b([^>]*)>?", re.IGNORECASE)
_COMMENT_BYTES_RE = re.compile(rb"<!--.*?-->", re.DOTALL)
_CHARSET_IN_CONTENT_RE = re.compile(r"""charset\s*=\s*["']?([^\s"';]+)""", re.IGNORECASE)

# WHATWG Encoding Standard labels → the Python codec browsers effectively use for them.
_JAPANESE_LABELS = {
    **dict.fromkeys(
        ("shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis", "windows-31j", "ms932", "cp932"), "cp932"
    ),
    **dict.fromkeys(("euc-jp", "euc_jp", "x-euc-jp", "cseucpkdfmtjapanese", "eucjp"), "euc_jp"),
    **dict.fromkeys(("iso-2022-jp", "csiso2022jp", "iso2022jp"), "iso2022_jp"),
    **dict.fromkeys(
        ("utf-8", "utf8", "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8"), "utf-8"
    ),
    # A page cannot declare UTF-16 in an ASCII-compatible <meta>; browsers read such pages as UTF-8.
    **dict.fromkeys(("utf-16", "utf-16le", "utf-16be"), "utf-8"),
    **dict.fromkeys(("iso-8859-1", "latin1", "l1", "us-ascii", "ascii", "windows-1252", "cp1252"), "cp1252"),
}


def declared_charset(raw: bytes, limit: int = 4096) -> str | None:
    """The charset a page declares in ``<meta charset>`` or ``<meta http-equiv="Content-Type">`` within its
    first ``limit`` bytes, as a Python codec name (Shift_JIS and its aliases → ``"cp932"``, as browsers
    decode them); ``None`` when there is no usable declaration."""
    head = _COMMENT_BYTES_RE.sub(b"", raw[:limit])
    for match in _META_RE.finditer(head):
        attrs = _parse_attributes(match.group(1).decode("latin-1") + ">", 0)
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
    if key in _JAPANESE_LABELS:
        return _JAPANESE_LABELS[key]
    try:
        return codecs.lookup(key).name
    except LookupError:
        return None
