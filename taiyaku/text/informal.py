"""How chat, forums and customer support end a sentence without 。: emoticons and ellipses.

An emoticon is a kaomoji in brackets ("(>_<)", "(^^)", "m(_ _)m", "(^_^;)", full-width forms too), a
bracketed reaction ("（笑）", "(汗)", "(lol)") or a laugh written as a run of w right after Japanese text
("神すぎwww"; lower case only: "W杯" is the World Cup).  An ellipsis is "…", "‥", "..." or "・・・".
The layout stage (is a line a heading or a sentence?) and the sentence splitter (where does a sentence
end?) read emoticons from here, so both agree on what one is.
"""

from __future__ import annotations

import re

from taiyaku.text.script import is_japanese_char

# A kaomoji: brackets around a short face made of symbols (and the odd letter for eyes or mouth: ω, o, T),
# optionally with arms or hands outside ("m(_ _)m", "(^o^)/").  No digits, no kana or kanji inside: "(1)",
# "(笑)" and "(ひかん)" are not faces.
_FACE_PARTS = r"\^_<>;:´`'\-=~～ー・゜°≧≦ω∀oOTｏ＿￣＾；：＜＞\s"
_KAOMOJI = rf"[mｍ]?[(（][{_FACE_PARTS}]{{2,10}}[)）][mｍ/／]?"
_REACTION = r"[(（](?:笑|爆笑|苦笑|汗|泣|涙|爆|怒|照|lol|LOL)[)）]"
_LAUGH = r"(?<=[ぁ-ゖァ-ヺ一-龯々ー])w+"
EMOTICON_RE = re.compile(f"(?P<face>{_KAOMOJI})|{_REACTION}|{_LAUGH}")
_ELLIPSIS_END_RE = re.compile(r"(?:…|‥|\.{3,}|・{2,}|･{2,})$")


def emoticon_spans(text: str) -> list[tuple[int, int]]:
    """The ``[start, end)`` character spans of the emoticons in ``text``."""
    spans = []
    for match in EMOTICON_RE.finditer(text):
        face = match.group("face")
        # A face needs a symbol that is not a letter or a space: "(oO)" or "(TOT)" could be a word, "(  )"
        # is an empty bracket.
        features = "".join(face.strip("()（）mｍ/／").split()) if face else ""
        if face and (not features or features.isalpha()):
            continue
        spans.append((match.start(), match.end()))
    return spans


def ends_informally(text: str) -> bool:
    """Whether ``text`` ends the way a chat sentence ends: with an emoticon or an ellipsis."""
    stripped = text.rstrip()
    if _ELLIPSIS_END_RE.search(stripped):
        return True
    return any(end == len(stripped) for _, end in emoticon_spans(stripped))


def has_emoticon_inside(text: str) -> bool:
    """Whether an emoticon is followed by a new sentence: Japanese text ("届いた(>_<)開けたら") or a capital
    letter ("yesterday (>_<) The final boss")."""
    stripped = text.rstrip()
    for _, end in emoticon_spans(stripped):
        following = stripped[end:].lstrip()[:1]
        if following and (is_japanese_char(following) or following.isupper()):
            return True
    return False
