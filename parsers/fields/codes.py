"""Credit codes (统一社会信用代码) printed in text, whole, masked or mistyped."""

from __future__ import annotations

import bisect
import re

from archive import resident_id, uscc
from parsers.base import CODE_INVALID, CODE_MASKED, CODE_VALID
from parsers.fields.labels import (
    CODE_LABELS,
    ORGANISATION_SUFFIXES,
    UNIT_LABELS,
    _alternation,
)

# --------------------------------------------------------------------------------------------
# Credit codes

_CODE_CHARS = "0-9A-Za-z*×"
_CODE_TOKEN = re.compile(f"[{_CODE_CHARS}]+")
_CODE_LABEL_RE = re.compile(
    rf"(?:{_alternation(CODE_LABELS)})(?:\([^()\n]{{1,16}}\))?[ \t]*[:|]?[ \t]*\n?[ \t]*"
)
_JOIN_GAP = re.compile(r"[ \t]*\n?[ \t]*|[ \t]*-[ \t]*")
_CODE_GAP = re.compile(r"[ \t]*(?:-[ \t]*|\n[ \t]*)?|[ \t]+")
_MASK_MARK = re.compile("[*×]")  # a code shorter than 18 is a mask only with these
# An organisation's name as it ends before its code in brackets, and a party's label.
_ORG_END = re.compile(rf"(?:{_alternation(ORGANISATION_SUFFIXES)})[ \t\n]*$")
_PARTY_LABEL = re.compile(rf"(?:{_alternation(UNIT_LABELS)})[^:：\n]{{0,8}}[:：]")
# Another party's role, named right before a code (出租方统一社会信用代码为…).
_THIRD_PARTY = re.compile(
    r"(?:出租方|出租人|承租方|承租人|发包方|发包单位|承包方|承包单位|分包单位|供货方|供应商|"
    r"委托方|受托方|承运方|承运单位|建设单位|业主单位|原经营者|合作方)[的之]?[ \t]*$"
)
_LABEL_TAIL = re.compile(r"[统一社会信用代码为是 \t\n:：]*$")
_AFTER_BRACKET = re.compile(r"[ \t]*[)）〉>]?[ \t]*([^ \t\n]?)")
_BRACKETED = re.compile(r"[(（〈<][^()（）〈<>〉]*[)）〉>]")
_CLAUSE_END = re.compile(r"[。；;!?！？]|\n[ \t]*\n")


def _mentioned(text: str, start: int, end: int) -> bool:
    """Whether the code (or its label) at ``start`` (the code ending at ``end``) stands in
    brackets right after another organisation's name, in a clause that names no party by its
    label, with the sentence going on after it: a third party the text mentions (a contractor,
    a supplier), not the document's party.  The clause runs from the last sentence's end;
    when it holds a label (``当事人:``), the label is that of the last colon before the name.
    An addressee (``某公司(统一社会信用代码:…):``) or a name alone on its line is a party."""
    before = _LABEL_TAIL.sub("", text[:start])  # a label OCR broke across lines: 信用代\n码:
    if _THIRD_PARTY.search(re.sub(r"[ \t]*\n[ \t]*", "", before[-24:])):  # 出\n租方 is 出租方
        return True  # 出租方统一社会信用代码为…: the code of a party to a contract, named so
    after = _AFTER_BRACKET.match(text, end)
    if after is None or after.group(1) in ("", ":", "："):
        return False
    if not before.endswith(("(", "（", "〈", "<")):
        return False
    window = before[max(0, len(before) - 160) : -1]
    ends = [match.end() for match in _CLAUSE_END.finditer(window)]
    # a name broken across lines (有限公\n司) is one name
    clause = re.sub(r"[ \t]*\n[ \t]*", "", window[ends[-1] if ends else 0 :])
    if not _ORG_END.search(clause):
        return False
    clause = _BRACKETED.sub("", clause)  # earlier names' codes: 当事人:甲公司(代码:…)、乙公司(
    colon = max(clause.rfind(":"), clause.rfind("："))
    if colon < 0:
        return True
    return _PARTY_LABEL.search(clause[max(0, colon - 16) : colon + 1]) is None


class CodeCandidate(tuple):
    """A credit code found in text: ``(code, status, line)``, plus ``suggestion`` (the valid
    code one look-alike fix gives, e.g. O → 0: offered, never applied), ``labelled`` (it
    followed a 统一社会信用代码 label), ``problem`` (why it is invalid, for people) and
    ``mentioned`` (another organisation's, named in the text, not the party's: in brackets after
    its name in running text, 发包给某某公司(统一社会信用代码:…)。, or after its role in a contract,
    出租方统一社会信用代码为…)."""

    suggestion: str | None
    labelled: bool
    problem: str | None
    mentioned: bool = False

    def __new__(
        cls,
        code: str,
        status: str,
        line: int,
        *,
        suggestion: str | None = None,
        labelled: bool = False,
        problem: str | None = None,
    ):
        self = super().__new__(cls, (code, status, line))
        self.suggestion = suggestion
        self.labelled = labelled
        self.problem = problem
        return self

    @property
    def code(self) -> str:
        return self[0]

    @property
    def status(self) -> str:
        return self[1]

    @property
    def line(self) -> int:
        return self[2]

    def __repr__(self) -> str:
        return f"CodeCandidate{tuple(self)!r}"


# Province codes (positions 1–2 of 行政区划码): 10 is a code registered nationally.
_PROVINCES = frozenset(
    f"{number}"
    for number in (10, *range(11, 16), 21, 22, 23, *range(31, 38), *range(41, 47), *range(50, 55))
) | frozenset(f"{number}" for number in (*range(61, 66), 71, 81, 82))
# Labels of numbers that are not codes, masked the same way (430521********1234).
_NOT_CODE_LABEL = re.compile(
    r"(?:身份证|身份号码|证件号|公民身份|账号|账户|卡号|银行|电话|手机|联系方式)[^\n]{0,12}$"
)


def _could_be_masked_code(code: str, before: str) -> bool:
    """Whether a masked code found without a 统一社会信用代码 label can be one: not after a
    身份证 or 账号 label, its first two characters a known department and category, and its region
    code (positions 3–4, when shown) a province.  A masked resident ID number
    (``430521********1234``) fails these: its first six characters are a region code."""
    if _NOT_CODE_LABEL.search(before):
        return False
    if code[1] not in uscc.KNOWN_CATEGORIES.get(code[0], ""):
        return False
    province = code[2:4]
    return not (len(province) == 2 and province.isdigit() and province not in _PROVINCES)


# What ends a code printed in text: a closing bracket, punctuation, a cell, the line.
_CODE_END = re.compile(r"[ \t]*(?:[)\]）】,，。;；|]|\n|$)")


def _collect_code(text: str, position: int) -> tuple[str, int]:
    """Code characters from ``position``, across spaces, hyphens and one line break."""
    parts: list[str] = []
    total = 0
    breaks = 0
    while True:
        token = _CODE_TOKEN.match(text, position)
        if token is None:
            break
        parts.append(token.group())
        total += len(token.group())
        position = token.end()
        joined = "".join(parts)
        # A masked code may print longer than 18 (9143112*********0817): read on.
        masked = _MASK_MARK.search(joined) is not None
        if total >= 18 and (not masked or total >= 36):
            break
        gap = _CODE_GAP.match(text, position)
        if gap is None or not gap.group():
            break
        breaks += gap.group().count("\n")
        following = _CODE_TOKEN.match(text, gap.end())
        if breaks > 1 or not following:
            break
        if total >= 18 and uscc.is_masked(joined) and not _CODE_END.match(text, following.end()):
            break  # a whole masked code already; what follows is not the rest of it
        position = gap.end()
    if total > 18 and len(parts) > 1 and not uscc.is_masked("".join(parts)):
        # The last part overshot: it belongs to what follows (unless the whole is a code
        # printed with more masking characters than it hides: 9143112*****⏎****0817).
        joined = "".join(parts[:-1])
        return (joined if len(joined) >= 15 else parts[0]), position
    return "".join(parts), position


def _candidate(code: str, line: int, labelled: bool) -> CodeCandidate:
    code = uscc.compact(code)
    try:
        uscc.validate(code)
    except uscc.InvalidCode as error:
        if error.reason == "masked":
            return CodeCandidate(code, CODE_MASKED, line, labelled=labelled)
        return CodeCandidate(
            code,
            CODE_INVALID,
            line,
            labelled=labelled,
            suggestion=error.suggestion,
            problem=error.message,
        )
    return CodeCandidate(code, CODE_VALID, line, labelled=labelled)


def find_credit_codes(text: str) -> list[CodeCandidate]:
    """Unified social credit codes in ``text``, in order, each once.

    Each is ``(code, status, line)`` — compact, upper-case; status ``valid``, ``masked``
    or ``invalid`` (:func:`archive.uscc.status`) — with ``suggestion`` for a code that one
    look-alike fix (letter O for zero …) makes valid.  A code is never corrected here.

    After a 统一社会信用代码 label, what follows is read as the code even when broken by
    spaces, hyphens or a line break, and reported even if invalid (length 16–20).
    Elsewhere, an 18-character run (or two parts split by a line break) counts only if it is
    valid, properly masked, or has a suggestion, and is not a resident ID number.

    >>> [tuple(c) for c in find_credit_codes("统一社会信用代码:914302816918\\n28123B")]
    [('91430281691828123B', 'valid', 1)]
    >>> c = find_credit_codes("信用代码:9143O281MA4L12345R")[0]  # a letter O for a zero
    >>> c.status, c.suggestion
    ('invalid', '91430281MA4L12345R')
    >>> [tuple(c) for c in find_credit_codes("代码:91430281691828xxxx")]
    [('91430281691828XXXX', 'masked', 1)]
    """
    found: list[CodeCandidate] = []
    breaks = [position for position, char in enumerate(text) if char == "\n"]

    def line_of(position: int) -> int:
        return bisect.bisect_left(breaks, position) + 1

    spans: list[tuple[int, int]] = []  # what labelled codes cover, in order
    for label in _CODE_LABEL_RE.finditer(text):
        if "身份" in label.group():  # 信用代码(身份证号码): a person's number, not a code
            continue
        code, end = _collect_code(text, label.end())
        if 16 <= len(code) <= 20 or (len(code) >= 8 and uscc.is_masked(code)):
            candidate = _candidate(code, line_of(label.end()), labelled=True)
            candidate.mentioned = _mentioned(text, label.start(), end)
            found.append(candidate)
            spans.append((label.end(), end))
    span_starts = [start for start, _end in spans]

    def taken(position: int) -> bool:
        index = bisect.bisect_right(span_starts, position) - 1
        return index >= 0 and position < spans[index][1]

    tokens = list(_CODE_TOKEN.finditer(text))
    skip_until = -1  # the end of the last unlabelled code found
    for index, token in enumerate(tokens):
        if token.start() < skip_until or taken(token.start()):
            continue
        options = [(token.group(), token.end())]
        # Groups split by spaces or one line break: 9143 0281 6918 2812 3X, or 914302816918\n28123X.
        joined, end = token.group(), token.end()
        for following in tokens[index + 1 : index + 6]:
            gap = text[end : following.start()]
            if not _JOIN_GAP.fullmatch(gap) or len(joined) >= 18:
                break
            joined += following.group()
            end = following.end()
            options.append((joined, end))
        for code, end in options:
            if len(code) != 18 and not (_MASK_MARK.search(code) and uscc.is_masked(code)):
                continue
            candidate = _candidate(code, line_of(token.start()), labelled=False)
            if resident_id.is_valid(candidate.code):
                break
            acceptable = candidate.status == CODE_VALID or candidate.suggestion is not None
            if candidate.status == CODE_MASKED:
                line_start = text.rfind("\n", 0, token.start()) + 1
                acceptable = uscc.masked_parts(candidate.code) is not None and (
                    _could_be_masked_code(candidate.code, text[line_start : token.start()])
                )
            if acceptable:
                candidate.mentioned = _mentioned(text, token.start(), end)
                found.append(candidate)
                skip_until = end
                break
    found.sort(key=lambda candidate: candidate.line)
    unique: dict[str, CodeCandidate] = {}
    for candidate in found:
        unique.setdefault(candidate.code, candidate)
    return list(unique.values())
