"""Informal Japanese against its English, through the pipeline's normalize, segment and align steps.

Written examples in the style of a game forum, a chat and a customer-support reply.  Before informal
sentence ends were handled, the forum pair lost a 1-1 bead: a Japanese chat line with a face inside was
taken for a title (never split) while its English was two sentences, so two sentences became one 2-1 bead.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from taiyaku import pipeline
from taiyaku.align import align
from taiyaku.model import Lang, Segment

FORUM = (
    """主人公はゼルダじゃないのかよ！って思った人、正直に手を挙げて（笑）
自分は最初の三時間くらいずっとそう思ってた…
一瞬どっちの装備にしようか？と迷うのも楽しいんだよね。
昨日やっとクリアした(>_<)ラスボス強すぎ
攻略情報はここにまとめました #URL#
""",
    """Raise your hand if you thought "Wait, the main character isn't Zelda?!" (lol)
I thought so for about the first three hours...
Wondering for a moment which gear to pick is part of the fun.
I finally beat it yesterday (>_<) The final boss is way too strong
I've put together the walkthrough info here: #URL#
""",
)
CHAT = (
    """そのアプデまだ来てない…
再起動したら来た！ありがとう(>_<)助かったw
一瞬どっちにしようか？と迷うのも楽しいよね
それな（笑）明日また話そう
""",
    """That update still hasn't come for me...
It came after I restarted! Thanks (>_<) That helped lol
Wondering for a moment which one to pick is part of the fun, right
Exactly (lol) Let's talk again tomorrow
""",
)
SUPPORT = (
    """お問い合わせありがとうございます
ご注文番号 #NUMBER# の商品は本日発送いたしました！
配送状況は #URL# からご確認いただけます。
届くまで少々お待ちください(^^)
ほかにご不明な点があればお気軽にどうぞ
""",
    """Thank you for contacting us
The item in order #NUMBER# was shipped today!
You can check the delivery status at #URL#.
Please wait a little until it arrives (^^)
If you have any other questions, feel free to ask
""",
)


def _segments(path: Path, text: str, lang: Lang) -> list[Segment]:
    path.write_text(text, encoding="utf-8")
    return pipeline.segment_blocks(pipeline.normalize_document(pipeline.pull_source(str(path)), lang), lang)


@pytest.mark.parametrize(("ja_text", "en_text"), [FORUM, CHAT, SUPPORT], ids=["forum", "chat", "support"])
def test_informal_pair_aligns_sentence_by_sentence(tmp_path: Path, ja_text: str, en_text: str) -> None:
    ja = _segments(tmp_path / "ja.txt", ja_text, "ja")
    en = _segments(tmp_path / "en.txt", en_text, "en")
    beads = align(ja, en)
    assert len(ja) == len(en)
    assert [(b.ja, b.en) for b in beads] == [((k,), (k,)) for k in range(len(ja))]
    assert min(b.score for b in beads) >= 0.9
