"""HTML → blocks: main content only, structure kept, character references decoded, exact offsets into the
markup; the declared charset of raw bytes."""

from __future__ import annotations

import html
import unicodedata

import pytest

from taiyaku.model import Provenance, SourceDocument
from taiyaku.normalize import normalize
from taiyaku.normalize.html import extract_blocks
from taiyaku.sources.charset import declared_charset
from taiyaku.textmap import MappedText

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Joint Press Release | Ministry</title>
<style>p { color: red; } /* <p>not content</p> */</style>
<script>document.write("<p>written by a script</p>"); if (a < b && c > d) {}</script>
</head>
<body>
<header class="site"><a href="/">Ministry of Internal Affairs</a>
<nav><ul><li>Home</li><li>Press</li></ul></nav></header>
<!-- <p>a commented-out paragraph</p> -->
<main>
<h1>Joint&nbsp;Press Release on the U.S.&ndash;Japan Dialogue</h1>
<p class="date">March&#160;13, 2014</p>
<p>The fifth meeting was held in Tokyo.
   Both sides &ldquo;reaffirmed&rdquo; their support &amp; cooperation<br>
on the <a title="a > b" href="/x?a=1&amp;b=2">Internet</a> economy.</p>
<h2>(1) ICT for Growth</h2>
<div>ICT is an important pillar.<p>It creates new value.</div>
<h2>Industry participation</h2>
<ul>
  <li>Promote an open Internet
  <li>Use data while protecting <em>personal information</em></li>
</ul>
<aside><p>Related links</p></aside>
<form><label>Search <input name="q"></label><button>Go</button></form>
<div hidden>hidden text</div>
<div aria-hidden="true">screen-reader hidden</div>
<div style="display: none">invisible</div>
<table><tr><td>Cell one<td>Cell two</table>
<pre>line one
  line two</pre>
<noscript><p>enable javascript</p></noscript>
<template><p>template text</p></template>
<![CDATA[ cdata text ]]>
</main>
<footer><p>Copyright 2014</p></footer>
</body>
</html>
"""


def assert_maps_back(markup: str, text: MappedText) -> None:
    """Each visible character is its source span, or the character reference there, decoded (and NFKC)."""
    for i, char in enumerate(text.text):
        if char.isspace():
            continue
        origin = markup[text.starts[i] : text.ends[i]]
        decoded = html.unescape(origin)
        assert char in decoded or char in unicodedata.normalize("NFKC", decoded), (i, char, origin)


def test_main_content_blocks_with_kinds() -> None:
    blocks = extract_blocks(PAGE)
    for _, text in blocks:
        assert_maps_back(PAGE, text)
    assert [(kind, " ".join(text.text.split())) for kind, text in blocks] == [
        ("heading", "Joint Press Release on the U.S.–Japan Dialogue"),
        ("paragraph", "March 13, 2014"),
        (
            "paragraph",
            "The fifth meeting was held in Tokyo. Both sides “reaffirmed” their support & cooperation"
            " on the Internet economy.",
        ),
        ("heading", "(1) ICT for Growth"),
        ("paragraph", "ICT is an important pillar."),
        ("paragraph", "It creates new value."),
        ("heading", "Industry participation"),
        ("list_item", "Promote an open Internet"),
        ("list_item", "Use data while protecting personal information"),
        ("paragraph", "Cell one"),
        ("paragraph", "Cell two"),
        ("paragraph", "line one line two"),
    ]


def test_scripts_navigation_and_boilerplate_are_dropped() -> None:
    everything = "\n".join(text.text for _, text in extract_blocks(PAGE))
    for dropped in (
        "written by a script",
        "color",
        "Ministry",
        "Home",
        "commented-out",
        "Related links",
        "Search",
        "hidden text",
        "screen-reader",
        "invisible",
        "enable javascript",
        "template text",
        "cdata",
        "Copyright",
    ):
        assert dropped not in everything


def test_character_references_map_to_their_whole_reference() -> None:
    blocks = extract_blocks(PAGE)
    heading = blocks[0][1]
    space = heading.text.index("\u00a0")
    assert PAGE[heading.starts[space] : heading.ends[space]] == "&nbsp;"
    dash = heading.text.index("–")
    assert PAGE[heading.starts[dash] : heading.ends[dash]] == "&ndash;"
    paragraph = blocks[2][1]
    ampersand = paragraph.text.index("&")
    assert PAGE[paragraph.starts[ampersand] : paragraph.ends[ampersand]] == "&amp;"


def test_br_is_a_line_break_inside_the_block_and_pre_keeps_its_lines() -> None:
    blocks = extract_blocks(PAGE)
    paragraph = blocks[2][1]
    assert "cooperation\non the Internet" in paragraph.text
    newline = paragraph.text.index("\n")
    assert PAGE[paragraph.starts[newline] : paragraph.ends[newline]] == "<br>"
    assert blocks[-1][1].text == "line one\n  line two"


def test_numeric_and_legacy_references() -> None:
    markup = "<p>&#x3042;&#12356;&#X3046; &copy 2014 &notin; &notit; &bogus; &#150; &#0; &amp</p>"
    [(kind, text)] = extract_blocks(markup)
    assert kind == "paragraph"
    # &notit; is the legacy "&not" followed by "it;"; &#150; is a Windows-1252 en dash; &#0; is U+FFFD.
    assert text.text == "あいう © 2014 ∉ ¬it; &bogus; – \ufffd &"
    assert_maps_back(markup, text)
    assert markup[text.starts[0] : text.ends[0]] == "&#x3042;"
    assert markup[text.starts[4] : text.ends[4]] == "&copy"
    not_sign = text.text.index("¬")
    assert markup[text.starts[not_sign] : text.ends[not_sign]] == "&not"


def test_without_main_the_articles_are_the_content() -> None:
    markup = (
        "<body><div class=menu><a>Top</a></div>"
        "<article><header><h1>First</h1></header><p>One.</p><footer>by me</footer></article>"
        "<div>sidebar</div><article><p>Two.</p></article></body>"
    )
    assert [(kind, text.text) for kind, text in extract_blocks(markup)] == [
        ("heading", "First"),
        ("paragraph", "One."),
        ("paragraph", "Two."),
    ]


def test_without_main_or_article_the_body_minus_boilerplate_is_the_content() -> None:
    markup = (
        "<html><body><header><h1>Site name</h1></header><div role=navigation>Menu</div>"
        "<h1>Statement</h1><p>Body text.<p>More text.<dl><dt>Term<dd>Definition</dl></body></html>"
    )
    assert [(kind, text.text) for kind, text in extract_blocks(markup)] == [
        ("heading", "Statement"),
        ("paragraph", "Body text."),
        ("paragraph", "More text."),
        ("list_item", "Term"),
        ("list_item", "Definition"),
    ]


def test_role_main_is_the_content_and_unclosed_markup_is_tolerated() -> None:
    markup = '<div>chrome</div><div role="main"><h2>Title</h2><p>Para <b>bold <i>both</b> after</div><p>unclosed'
    assert [(kind, text.text) for kind, text in extract_blocks(markup)] == [
        ("heading", "Title"),
        ("paragraph", "Para bold both after"),
    ]


def test_list_items_and_headings_keep_their_kind_around_inner_paragraphs_and_ruby_readings_are_dropped() -> None:
    markup = (
        "<main><ul><li><p>First <em>item</em></p></li><li><h3>Heading in a list</h3></li></ul>"
        "<p><ruby>対話<rp>(</rp><rt>たいわ</rt><rp>)</rp></ruby>を開催した。</p></main>"
    )
    assert [(kind, text.text) for kind, text in extract_blocks(markup)] == [
        ("list_item", "First item"),
        ("heading", "Heading in a list"),
        ("paragraph", "対話を開催した。"),
    ]


def test_deeply_nested_markup_does_not_overflow_the_stack() -> None:
    markup = "<main>" + "<div><span>" * 5000 + "deep" + "</span></div>" * 5000 + "</main>"
    assert [text.text for _, text in extract_blocks(markup)] == ["deep"]


JAPANESE_PAGE = """<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">
<title>報道資料</title></head>
<body><div id="nav"><ul><li><a href="/">ホーム</a></li></ul></div>
<div id="main" role="main">
<h1>インターネットエコノミーに関する日米政策協力対話
第５回局長級会合</h1>
<p>２０１４年３月１２日、１３日の２日間にわたり、東京において、
インターネットエコノミーに関する日米政策協力対話を開催した。</p>
<p>(1)&nbsp; ICT による経済成長と地球的課題解決</p>
<ul><li>・開かれたインターネット堅持のための協力推進</li></ul>
</div>
<div id="footer">Copyright &copy; 総務省</div>
</body></html>
"""


def test_japanese_page_is_normalized_through_the_same_pipeline() -> None:
    doc = SourceDocument(JAPANESE_PAGE, Provenance("page.html", "0" * 64, 0, "text/html", "cp932"))
    blocks = normalize(doc, "ja").blocks
    assert [(block.kind, block.text.text) for block in blocks] == [
        ("heading", "インターネットエコノミーに関する日米政策協力対話第5回局長級会合"),
        (
            "paragraph",
            "2014年3月12日、13日の2日間にわたり、東京において、インターネットエコノミーに関する日米政策協力対話を開催した。",
        ),
        ("paragraph", "(1) ICTによる経済成長と地球的課題解決"),
        ("list_item", "・開かれたインターネット堅持のための協力推進"),
    ]
    for block in blocks:
        assert_maps_back(JAPANESE_PAGE, block.text)
    digit = blocks[1].text
    assert JAPANESE_PAGE[digit.starts[0] : digit.ends[0]] == "２"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (JAPANESE_PAGE, "cp932"),
        ('<meta charset="Shift_JIS">', "cp932"),
        ("<META CHARSET=x-sjis>", "cp932"),
        ("<meta http-equiv='content-type' content='text/html;charset=euc-jp'>", "euc_jp"),
        ('<meta charset="utf-8">', "utf-8"),
        ('<meta charset="iso-2022-jp">', "iso2022_jp"),
        ('<meta charset="windows-1252">', "cp1252"),
        ('<!-- <meta charset="euc-jp"> --><meta charset="shift_jis">', "cp932"),
        ('<meta charset="no-such-charset">', None),
        ('<meta name="viewport" content="width=device-width">', None),
        ("<p>no declaration</p>", None),
    ],
)
def test_declared_charset(head: str, expected: str | None) -> None:
    assert declared_charset(head.encode("ascii", "xmlcharrefreplace")) == expected


def test_declared_charset_on_real_shift_jis_bytes() -> None:
    raw = JAPANESE_PAGE.encode("cp932")
    codec = declared_charset(raw)
    assert codec == "cp932"
    assert raw.decode(codec) == JAPANESE_PAGE


def test_declared_charset_only_in_the_head_of_the_file() -> None:
    raw = b"<p>" + b"x" * 5000 + b'</p><meta charset="euc-jp">'
    assert declared_charset(raw) is None


@pytest.mark.parametrize("comment", ["<!-->", "<!--->"])
def test_an_empty_comment_does_not_swallow_the_page(comment: str) -> None:
    # HTML ends these empty comments at their own ">"; the scanner ran on to the next "-->" (or the end).
    markup = f"<main><p>Before.{comment} After.</p><p>Next paragraph.</p><!-- real --></main>"
    assert [text.text for _, text in extract_blocks(markup)] == ["Before. After.", "Next paragraph."]
    assert declared_charset(f'<head>{comment}<meta charset="euc-jp"><!-- x --></head>'.encode()) == "euc_jp"


def test_a_form_around_the_whole_page_is_not_boilerplate() -> None:
    # ASP.NET WebForms pages wrap their whole body in one <form>: dropping it dropped the document.
    markup = (
        '<html><body><form id="aspnetForm" method="post"><input type="hidden" name="__VIEWSTATE" value="x">'
        '<div id="header">Ministry <input name="q"><button>Search</button></div>'
        '<div id="main"><h1>Joint Statement</h1><p>The dialogue was held in Tokyo.</p>'
        "<form><label>Search this site <input name=q></label><button>Go</button></form></div>"
        '<div id="footer">Copyright</div></form></body></html>'
    )
    assert [(kind, text.text) for kind, text in extract_blocks(markup)] == [
        ("heading", "Joint Statement"),
        ("paragraph", "The dialogue was held in Tokyo."),
    ]
    bare = "<body><form><p>Body text in a form.</p></form></body>"
    assert [text.text for _, text in extract_blocks(bare)] == ["Body text in a form."]


@pytest.mark.parametrize("label", ["rot13", "base64", "unicode_escape", "utf-7"])
def test_a_meta_charset_that_names_no_document_encoding_is_no_declaration(label: str) -> None:
    assert declared_charset(f'<meta charset="{label}"><meta charset="shift_jis">'.encode()) == "cp932"
