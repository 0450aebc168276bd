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
elements, else the element with ``id="main"``/``"contents"``/``"content"``..., else the whole document.
Inside it, these are dropped: ``script``, ``style``, ``noscript``, ``template``, ``nav``, ``aside``,
``footer``, form controls, a ``form`` (unless it holds the document: headings, paragraphs, the main
content, as on ASP.NET pages that wrap their whole body in one), ``header`` (outside
``main``/``article``/``section``, where it is the site banner; inside them it holds the article's title),
ruby annotations (``rt``, ``rp``: the reading of 漢字 is not part of the sentence), embedded media,
comments, and elements that are ``hidden``, ``aria-hidden="true"``, ``display:none``, have a
navigation/banner/contentinfo/complementary/search role, or whose id or class says they are boilerplate
(``footer``, ``nav``, ``breadcrumb``, ``pankuzu``, ``sidebar``...; ``header`` as for the element).

Blocks: ``h1``–``h6`` (and ``role="heading"``) give ``heading``; ``li``, ``dt``, ``dd`` give ``list_item``;
every other block-level element (``p``, ``div``, ``td``, ``blockquote``, ``pre``...) gives ``paragraph``.
White space runs in the markup collapse to one space (except inside ``pre``); ``<br>`` is a line break
inside a block.
"""

from __future__ import annotations

import html.entities
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from taiyaku.model import BlockKind
from taiyaku.text.markup import parse_attributes
from taiyaku.textmap import MappedText, MappedTextBuilder

# --------------------------------------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------------------------------------

_MARKUP_RE = re.compile(
    r"""<!--(?:-?>|.*?(?:--!?>|\Z))"""  # comment: <!--> and <!---> are empty ones; an unterminated one runs to the end
    r"""|<!\[CDATA\[.*?(?:\]\]>|\Z)"""  # CDATA section (foreign content)
    r"""|<![^>]*>?"""  # doctype, bogus comment
    r"""|<\?[^>]*>?"""  # processing instruction (a bogus comment in HTML)
    r"""|</?[A-Za-z][^\s/>]*(?:[^"'>]|"[^"]*"|'[^']*')*>?""",  # start or end tag
    re.DOTALL,
)
_TAG_NAME_RE = re.compile(r"</?([A-Za-z][^\s/>]*)")
_ENTITY_RE = re.compile(r"&(?:#[xX]([0-9a-fA-F]+);?|#([0-9]+);?|([A-Za-z][A-Za-z0-9]*;?))")
_WHITESPACE_RE = re.compile(r"[ \t\n\r\f]+")
_DISPLAY_NONE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)

_VOID = frozenset(
    {
        "area",
        "base",
        "basefont",
        "bgsound",
        "br",
        "col",
        "embed",
        "frame",
        "hr",
        "image",
        "img",
        "input",
        "keygen",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
# Elements whose content is raw text up to their end tag; none of them is document content.
_RAW_TEXT = frozenset(
    {
        "script",
        "style",
        "xmp",
        "iframe",
        "noembed",
        "noframes",
        "noscript",
        "textarea",
        "title",
        "plaintext",
    }
)
_DROPPED = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "aside",
        "footer",
        "head",
        "title",
        "svg",
        "math",
        "iframe",
        "object",
        "embed",
        "canvas",
        "button",
        "select",
        "option",
        "optgroup",
        "textarea",
        "datalist",
        "dialog",
        "audio",
        "video",
        "map",
        "rt",
        "rp",
    }
)
_DROPPED_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar", "dialog"}
)
_SECTIONING = frozenset({"main", "article", "section"})
# Where pages without semantic markup keep their main content, and their boilerplate (ids and classes seen
# on Japanese government and news pages).
_MAIN_IDS = frozenset(
    {
        "main",
        "contents",
        "content",
        "main-content",
        "maincontent",
        "main_content",
        "main-contents",
        "maincontents",
        "main_contents",
        "honbun",
        "article",
    }
)
_BOILERPLATE_NAMES = frozenset(
    {
        "footer",
        "nav",
        "navi",
        "navigation",
        "gnav",
        "gnavi",
        "globalnav",
        "global-nav",
        "lnav",
        "localnav",
        "local-nav",
        "menu",
        "breadcrumb",
        "breadcrumbs",
        "topicpath",
        "pankuzu",
        "sidebar",
        "side",
        "sidenav",
        "skip",
        "skiplink",
        "pagetop",
        "page-top",
        "share",
        "sns",
        "social",
    }
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Elements that make a <form> around them part of the document (see _holds_document_content).
_DOCUMENT_CONTENT = _HEADINGS | {"p", "main", "article"}
_LIST_ITEMS = frozenset({"li", "dt", "dd"})
_BLOCK_LEVEL = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "legend",
        "li",
        "listing",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
# A start tag of one of these closes an open <p> (HTML's "closes a p element in button scope").
_CLOSES_P = (_BLOCK_LEVEL | {"table", "hr", "pre", "listing", "xmp", "plaintext"}) - {
    "body",
    "html",
    "caption",
    "td",
    "th",
    "tr",
    "tbody",
    "thead",
    "tfoot",
}
_SCOPE_BOUNDARIES = frozenset(
    {
        "applet",
        "caption",
        "html",
        "table",
        "td",
        "th",
        "marquee",
        "object",
        "template",
        "button",
    }
)


@dataclass(slots=True)
class _Element:
    tag: str
    attrs: dict[str, str]
    start: int  # offset of the start tag in the markup
    end: int  # offset just past the start tag
    children: list[_Element | tuple[int, int]] = field(default_factory=list)  # elements and text runs


class _OpenElements:
    """The stack of open elements, with a count per tag so that "is a <p> open?" costs nothing on deep pages."""

    def __init__(self, root: _Element) -> None:
        self.stack = [root]
        self._counts: Counter[str] = Counter()

    @property
    def current(self) -> _Element:
        return self.stack[-1]

    def push(self, element: _Element) -> None:
        self.stack.append(element)
        self._counts[element.tag] += 1

    def truncate(self, depth: int) -> None:
        for element in self.stack[depth:]:
            self._counts[element.tag] -= 1
        del self.stack[depth:]

    def is_open(self, tags: Iterable[str]) -> bool:
        return any(self._counts[tag] > 0 for tag in tags)

    def in_scope(self, tags: set[str]) -> bool:
        if not self.is_open(tags):
            return False
        for element in reversed(self.stack):
            if element.tag in tags:
                return True
            if element.tag in _SCOPE_BOUNDARIES:
                return False
        return False

    def close(self, tags: set[str], boundaries: frozenset[str] = frozenset()) -> None:
        """Pop up to and including the innermost open element of ``tags``, unless a boundary comes first
        (an end tag without an open element is ignored, as browsers do)."""
        if not self.is_open(tags):
            return
        for depth in range(len(self.stack) - 1, 0, -1):
            tag = self.stack[depth].tag
            if tag in tags:
                self.truncate(depth)
                return
            if tag in boundaries:
                return


def _build_tree(markup: str) -> _Element:
    """A forgiving element tree of ``markup``; text runs are ``(start, end)`` spans of the markup."""
    root = _Element("#document", {}, 0, 0)
    open_elements = _OpenElements(root)
    pos = 0
    length = len(markup)
    while pos < length:
        match = _MARKUP_RE.search(markup, pos)
        if match is None:
            open_elements.current.children.append((pos, length))
            break
        if match.start() > pos:
            open_elements.current.children.append((pos, match.start()))
        pos = match.end()
        token = match.group()
        if token.startswith(("<!", "<?")):
            continue  # comments, CDATA, doctype, processing instructions: never content
        name_match = _TAG_NAME_RE.match(token)
        assert name_match is not None  # the alternative above matched a tag
        name = name_match.group(1).lower()
        if token.startswith("</"):
            if name == "br":  # </br> is a <br> for browsers too
                open_elements.current.children.append(_Element("br", {}, match.start(), match.end()))
            else:
                open_elements.close({name})
            continue
        _close_implied(open_elements, name)
        element = _Element(name, parse_attributes(token, name_match.end()), match.start(), match.end())
        open_elements.current.children.append(element)
        if name in _RAW_TEXT:
            end = re.compile(rf"</{re.escape(name)}[\s/>]", re.IGNORECASE).search(markup, pos)
            if name == "plaintext" or end is None:
                pos = length
            else:
                pos = markup.find(">", end.start())
                pos = length if pos < 0 else pos + 1
            continue
        self_closing = token.endswith("/>") and open_elements.is_open(("svg", "math"))
        if name not in _VOID and not self_closing:
            open_elements.push(element)
    return root


_TABLE_SCOPE = frozenset({"table", "html", "template"})


def _close_implied(open_elements: _OpenElements, name: str) -> None:
    """The end tags HTML implies when ``name`` starts (simplified from the HTML tree-construction rules)."""
    if name in _CLOSES_P and open_elements.in_scope({"p"}):
        open_elements.close({"p"}, _SCOPE_BOUNDARIES)
    if name == "li":
        open_elements.close({"li"}, _SCOPE_BOUNDARIES | {"ul", "ol"})
    elif name in ("dt", "dd"):
        open_elements.close({"dt", "dd"}, _SCOPE_BOUNDARIES | {"dl"})
    elif name in _HEADINGS and open_elements.current.tag in _HEADINGS:
        open_elements.truncate(len(open_elements.stack) - 1)
    elif name in ("td", "th"):
        open_elements.close({"td", "th"}, _TABLE_SCOPE | {"tr"})
    elif name == "tr":
        open_elements.close({"tr"}, _TABLE_SCOPE)
    elif name in ("thead", "tbody", "tfoot"):
        open_elements.close({"thead", "tbody", "tfoot"}, _TABLE_SCOPE)
    elif name in ("option", "optgroup"):
        open_elements.close({"option"}, frozenset({"select", "html"}))


# --------------------------------------------------------------------------------------------------------
# Text with character references
# --------------------------------------------------------------------------------------------------------


def decode_references(markup: str, start: int, end: int) -> MappedText:
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


def _main_content(root: _Element) -> list[_Element]:
    """The first visible ``<main>``/``role="main"``, else the outermost ``<article>`` elements, else the first
    element whose id names the main content (``id="main"``, ``id="contents"``...: how many Japanese
    government pages mark it), else the root."""
    articles: list[_Element] = []
    by_id: _Element | None = None
    # Iteratively, with what matters about the ancestors carried along: real pages nest deeper than
    # recursion allows, and copying ancestor lists would be quadratic.
    stack: list[tuple[_Element, bool, bool]] = [(root, False, False)]  # (element, in dropped, in article)
    while stack:
        element, in_dropped, in_article = stack.pop()
        in_dropped = in_dropped or _is_dropped(element, in_section=in_article)
        is_main = element.tag == "main" or element.attrs.get("role", "").lower() == "main"
        if is_main and not in_dropped:
            return [element]
        if element.tag == "article" and not in_article and not in_dropped:
            articles.append(element)
        if by_id is None and not in_dropped and element.attrs.get("id", "").lower() in _MAIN_IDS:
            by_id = element
        inner_article = in_article or element.tag == "article"
        children = [child for child in element.children if isinstance(child, _Element)]
        stack.extend((child, in_dropped, inner_article) for child in reversed(children))
    if articles:
        return articles
    return [by_id] if by_id is not None else [root]


def _is_dropped(element: _Element, *, in_section: bool) -> bool:
    """Is ``element`` boilerplate or invisible (``in_section``: inside main/article/section)?"""
    tag = element.tag
    if tag in _DROPPED:
        return True
    if tag == "form" and not _holds_document_content(element):
        return True  # a search box, a login or contact form
    attrs = element.attrs
    names = {attrs.get("id", "").lower(), *attrs.get("class", "").lower().split()}
    if (tag == "header" or "header" in names) and not in_section:
        return True
    if "hidden" in attrs or attrs.get("aria-hidden", "").lower() == "true":
        return True
    if attrs.get("role", "").lower() in _DROPPED_ROLES or not names.isdisjoint(_BOILERPLATE_NAMES):
        return True
    return bool(_DISPLAY_NONE_RE.search(attrs.get("style", "")))


def _holds_document_content(form: _Element) -> bool:
    """Does ``form`` hold the document rather than a search box?  ASP.NET WebForms pages wrap their whole
    body in one ``<form>``; such a form holds the main content, headings or paragraphs."""
    stack = [child for child in form.children if isinstance(child, _Element)]
    while stack:
        element = stack.pop()
        attrs = element.attrs
        if (
            element.tag in _DOCUMENT_CONTENT
            or attrs.get("role", "").lower() == "main"
            or attrs.get("id", "").lower() in _MAIN_IDS
        ):
            return True
        stack.extend(child for child in element.children if isinstance(child, _Element))
    return False


@dataclass(frozen=True, slots=True)
class _Context:
    """What a node inherits from its ancestors."""

    kind: BlockKind  # heading inside h1-h6, list_item inside li/dt/dd (the nearest wins), else paragraph
    preformatted: bool  # inside pre/listing: white space is kept
    in_section: bool  # inside main/article/section: a <header> there is content

    def enter(self, element: _Element) -> _Context:
        role = element.attrs.get("role", "").lower()
        kind: BlockKind = self.kind
        if element.tag in _HEADINGS or role == "heading":
            kind = BlockKind.HEADING
        elif element.tag in _LIST_ITEMS or role == "listitem":
            kind = BlockKind.LIST_ITEM
        return _Context(
            kind,
            self.preformatted or element.tag in ("pre", "listing"),
            self.in_section or element.tag in _SECTIONING or role == "main",
        )


class _BlockCollector:
    """Walks the content tree and cuts it into blocks at block-level element boundaries."""

    def __init__(self, markup: str) -> None:
        self.markup = markup
        self.blocks: list[tuple[BlockKind, MappedText]] = []
        self._pieces = MappedTextBuilder()
        self._has_text = False
        self._kind: BlockKind = BlockKind.PARAGRAPH
        self._after_line_break = False

    def flush(self) -> None:
        text = self._pieces.build()
        if self._has_text and text.text.strip():
            self.blocks.append((self._kind, text))
        self._pieces = MappedTextBuilder()
        self._has_text = False
        self._after_line_break = False

    def walk(self, top: _Element) -> None:
        # An explicit stack of (node, context, entering) events: real pages nest deeper than recursion allows.
        start = _Context(BlockKind.PARAGRAPH, preformatted=False, in_section=top.tag != "#document")
        events: list[tuple[_Element | tuple[int, int], _Context, bool]] = [(top, start, True)]
        while events:
            node, context, entering = events.pop()
            if isinstance(node, tuple):
                self._text(node, context)
                continue
            if entering and node is not top and _is_dropped(node, in_section=context.in_section):
                continue
            if node.tag == "br":
                self._line_break(node)
                continue
            if node.tag in _BLOCK_LEVEL or node.attrs.get("role", "").lower() in ("heading", "listitem"):
                self.flush()
            if not entering:
                continue
            events.append((node, context, False))
            inner = context.enter(node)
            events.extend((child, inner, True) for child in reversed(node.children))

    def _text(self, span: tuple[int, int], context: _Context) -> None:
        text = decode_references(self.markup, *span)
        if not context.preformatted:
            text = text.sub(_WHITESPACE_RE, " ")
            if self._after_line_break:  # the source's indentation after a <br> is not content
                text = text[len(text.text) - len(text.text.lstrip(" ")) :]
        if not text.text.strip():
            if text.text and self._has_text:
                self._pieces.extend(text if context.preformatted else text[:1])
            return
        if not self._has_text:
            self._kind = context.kind
            self._has_text = True
        self._pieces.extend(text)
        self._after_line_break = False

    def _line_break(self, element: _Element) -> None:
        if self._has_text:
            self._pieces.replace(MappedText.identity(self.markup[element.start : element.end], element.start), "\n")
            self._after_line_break = True
