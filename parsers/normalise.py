"""Normalise extracted text before any rule looks at it.

What PDF and Word extraction gives is not what the rules are written for: full-width letters
and digits (``９１４３``), Kangxi radicals that look like ordinary characters (``⼀`` U+2F00 for
``一``), labels letter-spaced for layout (``统 一 社 会 信 用 代 码``), titles printed in
"fake bold" (each glyph drawn twice, which pdfplumber returns as ``行行政政处处罚罚``), mixed
line endings, zero-width characters.  :func:`normalise_text` removes all of that and keeps the
line structure, so line *n* of the normalised text is line *n* of the extraction.

NFKC also turns full-width punctuation into ASCII: ``：`` → ``:``, ``（）`` → ``()``,
``，`` → ``,``, ``；`` → ``;``, ``﹝﹞`` → ``〔〕``.  ``〔〕【】、。《》“”`` stay as they are.
Rules are written against the normalised forms.

>>> normalise_text("统 一 社 会 信 用 代 码：９１４３")
'统一社会信用代码:9143'
>>> normalise_text("行行政政处处罚罚决决定定书书")
'行政处罚决定书'
>>> normalise_text("人人都要遵守")  # a real word is not a doubled glyph
'人人都要遵守'
>>> normalise_text("⼀般\\r\\n第二行  \\r第三行")
'一般\\n第二行\\n第三行'
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["is_cjk", "normalise_text", "undouble"]

# CJK ideographs (unified, extension A, compatibility, extensions B–G).
CJK_IDEOGRAPH = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Characters between which spaces are layout, not meaning: ideographs, CJK punctuation
# (、。〔〕《》【】〇 …), Chinese quotes, and the ASCII punctuation NFKC makes of full-width
# punctuation (：；，（）！？).
_TIGHT = CJK_IDEOGRAPH + "\u3001-\u303f\u2018\u2019\u201c\u201d:;,()!?"
_SPACES_BETWEEN_CJK = re.compile(f"(?<=[{_TIGHT}])[ \\t\\u3000]+(?=[{_TIGHT}])")
_IDEOGRAPH = re.compile(f"[{CJK_IDEOGRAPH}]")
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\x0b\x0c\x85]")
# Circled numbers (①–⑳) mark numbered lists; NFKC would make ① a bare "1".
_KEEP_FROM_NFKC = re.compile("[^\u2460-\u2473]+")

# A run of doubled characters is fake bold only when it has at least this many pairs:
# shorter runs are real reduplications (人人, 明明白白).
MIN_DOUBLED_PAIRS = 3


def is_cjk(char: str) -> bool:
    """Whether ``char`` is a CJK ideograph."""
    return bool(_IDEOGRAPH.fullmatch(char))


def _keep(char: str) -> bool:
    """Control and format characters (zero-width space, BOM, soft hyphen …) are dropped."""
    if char in "\n\t":
        return True
    return unicodedata.category(char) not in ("Cc", "Cf")


def undouble(token: str) -> str:
    """``行行政政处处罚罚`` → ``行政处罚``: a whole run made of identical pairs, mostly CJK.

    Only a run of at least three pairs of which at least half are ideographs is changed, so
    real words keep their repeated characters (``人人``, ``明明白白``, ``112233``).

    >>> undouble("（（湘湘株株醴醴））")
    '（湘株醴）'
    >>> undouble("谢谢谢谢"), undouble("112233"), undouble("行行政政处处罚")
    ('谢谢谢谢', '112233', '行行政政处处罚')
    """
    length = len(token)
    if length < 2 * MIN_DOUBLED_PAIRS or length % 2:
        return token
    pairs = [token[index : index + 2] for index in range(0, length, 2)]
    if any(pair[0] != pair[1] for pair in pairs):
        return token
    if sum(1 for pair in pairs if is_cjk(pair[0])) * 2 < len(pairs):
        return token
    return "".join(pair[0] for pair in pairs)


def _undouble_line(line: str) -> str:
    if len(line) < 2 * MIN_DOUBLED_PAIRS:
        return line
    return re.sub(r"\S+", lambda match: undouble(match.group()), line)


def normalise_text(text: str) -> str:
    """NFKC, one kind of line break, no layout spaces between CJK, no fake bold.

    Steps: NFKC (full-width → half-width, Kangxi radicals → ordinary ideographs; circled
    numbers ①–⑳ are kept, they number lists); ``\\r\\n``,
    ``\\r``, form feed and Unicode line separators → ``\\n``; control and format characters
    (zero-width space, BOM, soft hyphen) removed; spaces, tabs and U+3000 between CJK
    characters (and the punctuation around them) removed; whitespace-separated runs that
    consist only of doubled characters undoubled (:func:`undouble`); trailing spaces
    stripped.  The number of lines never changes.
    """
    text = _KEEP_FROM_NFKC.sub(lambda match: unicodedata.normalize("NFKC", match.group()), text)
    text = _LINE_BREAKS.sub("\n", text)
    text = "".join(char for char in text if _keep(char))
    lines = []
    for line in text.split("\n"):
        line = _SPACES_BETWEEN_CJK.sub("", line)
        line = _undouble_line(line)
        lines.append(line.rstrip())
    return "\n".join(lines)
