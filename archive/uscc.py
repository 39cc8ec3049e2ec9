"""统一社会信用代码 (unified social credit code, USCC, GB 32100-2015).

Every registered organisation in China -- enterprise, individual business (个体工商户),
cooperative, public institution -- has one 18-character code, printed on its business
licence.  The archive keys each enterprise by it.

====  ==========================================================================
pos   meaning
====  ==========================================================================
1     registration department (登记管理部门): 1–9, A, N, Y
2     organisation category (机构类别), e.g. 9-1 enterprise, 9-2 个体工商户
3–8   region code (行政区划码) of the registering authority, digits only
9–17  organisation code (组织机构代码, GB 11714); position 17 is its own check
18    check character over positions 1–17
====  ==========================================================================

Characters come from ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (no I, O, S, V, Z).  Unlike
python-stdnum's ``cn.uscc``, departments A, N and Y are accepted.  Public notices often
mask the tail of a code (``91430281691828XXXX``); a masked code is never valid.

More information:

* GB 32100-2015 法人和其他组织统一社会信用代码编码规则
* GB 11714-1997 全国组织机构代码编制规则
* https://zh.wikipedia.org/wiki/统一社会信用代码

>>> from archive.i18n import set_language
>>> set_language("zh")
>>> validate("９１１１００００６０００３７３４１Ｌ")  # full-width input
'91110000600037341L'
>>> validate("91 1100-0060 0037 341l")
'91110000600037341L'
>>> calc_check_digit("91110000600037341")
'L'
>>> validate("91110000600037341M")
Traceback (most recent call last):
    ...
archive.uscc.InvalidCode: 统一社会信用代码校验未通过（第18位是校验码）
>>> validate("9111000060003734L")
Traceback (most recent call last):
    ...
archive.uscc.InvalidCode: 代码长度应为18位，实际为17位
>>> try:
...     validate("9111OOOO600037341L")
... except InvalidCode as error:
...     print(error.reason, "|", error)
invalid_character | 第5位字符“O”不是统一社会信用代码允许的字符
>>> try:
...     validate("91110000600O37341L")  # a letter O typed for a zero
... except InvalidCode as error:
...     print(error.reason, error.suggestion)
...     print(error)
invalid_character 91110000600037341L
第12位字符“O”不是统一社会信用代码允许的字符。是否应为 91110000600037341L？
>>> is_masked("91430281691828xxxx"), masked_prefix("91430281691828xxxx")
(True, '91430281691828')
>>> status("91430281691828xxxx"), status("91110000600037341L"), status("9111")
('masked', 'valid', 'invalid')
>>> is_valid("Y1110000600037341Y")
True
>>> [w.reason for w in warnings("Y1110000600037341Y")]
[]
>>> [w.reason for w in warnings("99110000600037341U")]
['unknown_category']
>>> format(" 91110000600037341l ")
'91110000600037341L'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from archive.errors import InputError
from archive.i18n import N_, _

__all__ = [
    "ALPHABET",
    "WEIGHTS",
    "CodeWarning",
    "InvalidCode",
    "calc_check_digit",
    "compact",
    "format",
    "is_masked",
    "is_valid",
    "masked_parts",
    "masked_prefix",
    "matches_masked",
    "one_off",
    "status",
    "validate",
    "warnings",
]

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18

_VALUES = {char: value for value, char in enumerate(ALPHABET)}
_REGION = range(2, 8)  # 0-based indexes of positions 3–8, the region code (行政区划码)

# Removed by compact(): hyphens and dashes (ASCII, Unicode dashes, minus, full-width).
# Whitespace (incl. U+3000) and format characters (zero-width space/joiners, BOM,
# direction marks) are removed too.
_DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d")

# What notices put in place of hidden characters (after compact(): ＊ is * and x is X).
_MASK_CHARS = frozenset("X*×")
_MAX_MASK = 8  # at most this many trailing characters hidden (of a shorter code)
_MIN_VISIBLE = LENGTH - _MAX_MASK
_MIN_VISIBLE_WHOLE = 6  # of a masked code printed at full length (91430681XXXXXXXXXX)
_MIN_VISIBLE_MIDDLE = 8  # of a code masked in the middle (91431****2400)

# Look-alike characters a typist or OCR puts in place of a digit.  Each maps to
# (digit, only_in_digit_positions): L, B and G are legitimate code characters, so they
# are only replaced where the code allows digits only (the region code, positions 3–8).
_LOOKALIKES: dict[str, tuple[str, bool]] = {
    "O": ("0", False),
    "Q": ("0", False),
    "I": ("1", False),
    "Z": ("2", False),
    "S": ("5", False),
    "L": ("1", True),
    "B": ("8", True),
    "G": ("6", True),
}

# Known (registration department, organisation category) pairs: 登记管理部门代码 and
# 机构类别代码 from GB 32100-2015 (国家标准, 附录/代码表) and the departments assigned
# since (A, N, Y).  Best effort: a pair missing here is only a warning, never an error.
KNOWN_CATEGORIES: dict[str, str] = {
    "1": "1239",  # 机构编制
    "2": "19",  # 外交
    "3": "123459",  # 司法行政
    "4": "19",  # 文化
    "5": "1239",  # 民政
    "6": "129",  # 旅游
    "7": "129",  # 宗教
    "8": "19",  # 工会
    "9": "123",  # 工商：企业、个体工商户、农民专业合作社
    "A": "19",
    "N": "1239",  # 农业：村级集体经济组织等
    "Y": "1",  # 其他
}

# GB 11714 organisation code: weights over its first 8 characters (positions 9–16).
_ORGANISATION_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

_HINTS = {
    "empty": N_("填写营业执照上的18位统一社会信用代码"),
    "masked": N_("公示文书中的代码常隐去末几位：请核对营业执照或向企业索取完整代码"),
    "invalid_length": N_("核对营业执照上的代码：统一社会信用代码共18位"),
    "invalid_character": N_("统一社会信用代码只用数字和大写字母，不用 I、O、S、V、Z"),
    "invalid_region": N_("核对营业执照上的代码：第3至8位是行政区划码，只能是数字"),
    "invalid_checksum": N_("核对营业执照上的代码：最后一位是校验码，任何一位抄错都会校验不通过"),
}


class InvalidCode(InputError):
    """A unified social credit code that cannot be used.

    ``reason`` is a stable English code (``empty``, ``invalid_length``,
    ``invalid_character``, ``invalid_region``, ``invalid_checksum``, ``masked``);
    ``suggestion`` the corrected code when exactly one look-alike fix makes it valid;
    ``value`` the compact form of what was given.
    """

    def __init__(
        self,
        reason: str,
        message: str,
        hint: str | None = None,
        *,
        suggestion: str | None = None,
        value: str = "",
    ):
        super().__init__(message, hint)
        self.reason = reason
        self.suggestion = suggestion
        self.value = value


@dataclass(frozen=True)
class CodeWarning:
    """Something odd about a valid code: worth showing, not a reason to reject it."""

    reason: str  # unknown_category, organisation_code_check
    message: str


def _removable(char: str) -> bool:
    return char.isspace() or char in _DASHES or unicodedata.category(char) == "Cf"


def compact(text: str) -> str:
    """Normalise: full-width to half-width (NFKC), drop whitespace and dashes, upper-case."""
    # Repeat until stable: upper-casing or removing a character can leave text that
    # NFKC changes again (a combining mark next to a new base), so one pass is not
    # always idempotent.
    for _round in range(8):
        normalised = unicodedata.normalize("NFKC", text).upper()
        normalised = "".join(char for char in normalised if not _removable(char))
        if normalised == text:
            break
        text = normalised
    return text


def calc_check_digit(first17: str) -> str:
    """The check character (position 18) for the first 17 characters of a code.

    ``first17`` must be 17 characters of ``ALPHABET`` (ValueError otherwise).
    """
    if len(first17) != LENGTH - 1 or any(char not in _VALUES for char in first17):
        raise ValueError(f"expected 17 characters of {ALPHABET}, got {first17!r}")
    total = sum(_VALUES[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def _mask_length(code: str) -> int:
    """Number of masked trailing characters of a compact code (0 when not masked)."""
    run = len(code) - len(code.rstrip("".join(_MASK_CHARS)))
    if run == 0:
        return 0
    visible = code[: len(code) - run]
    least = _MIN_VISIBLE_WHOLE if len(code) == LENGTH else _MIN_VISIBLE
    # A notice may print more masking characters than it hides (91430281691828xxxxxxx):
    # any number is a mask, as long as what is visible still fits in a code.
    if not least <= len(visible) < LENGTH:
        return 0
    if not all(char.isascii() and char.isalnum() for char in visible):
        return 0
    # X is also a real code character (check characters, organisation codes).  One
    # trailing X is a character; two or three are a mask only if the code fails its
    # check (92340621MA2PBN0KXX is real); four or more are always a mask, so that a
    # masked code never passes as valid by chance.
    only_x = set(code[len(visible) :]) == {"X"}
    if only_x and (run == 1 or (run < 4 and _problem(code) is None)):
        return 0
    return run


def _middle_mask(code: str) -> tuple[str, str] | None:
    """(prefix, suffix) of a compact code hidden in the middle (``91431****2400``), or None.

    The hidden run holds ``*`` or ``×`` (X next to them counts as mask too); a run of X
    alone counts only in a code not 18 characters long, where it cannot be real.  The run
    may be of any length (``9143112*********0817``: more marks than hidden characters),
    as long as the visible prefix and suffix together still fit in a code.
    """
    marks = [index for index, char in enumerate(code) if char in "*×"]
    if marks:
        start, end = marks[0], marks[-1] + 1
        while start > 0 and code[start - 1] == "X":
            start -= 1
        while end < len(code) and code[end] == "X":
            end += 1
    else:
        run = re.search("X{3,}", code)
        if run is None or len(code) == LENGTH:
            return None
        start, end = run.span()
    if any(char not in _MASK_CHARS for char in code[start:end]):
        return None
    prefix, suffix = code[:start], code[end:]
    visible = len(prefix) + len(suffix)
    if len(prefix) < 2 or not suffix or not _MIN_VISIBLE_MIDDLE <= visible < LENGTH:
        return None
    if any(char not in _VALUES for char in prefix + suffix):
        return None
    if any(not prefix[index].isdigit() for index in _REGION if index < len(prefix)):
        return None
    return prefix, suffix


def is_masked(text: str) -> bool:
    """Whether part of the code is hidden by x, X, * or ×: its tail (1–8 characters, or
    more of a code printed at full length) or its middle (``91431****2400``).  The marks
    need not stand one for one for the hidden characters: ``9143112*********0817`` (20
    characters) is masked too, its visible prefix and suffix kept for matching."""
    code = compact(text)
    return _mask_length(code) > 0 or _middle_mask(code) is not None


def masked_parts(text: str) -> tuple[str, str] | None:
    """The visible (prefix, suffix) of a masked code, or None if it is not masked.

    >>> masked_parts("91431****2400"), masked_parts("91430281691828xxxx")
    (('91431', '2400'), ('91430281691828', ''))
    >>> masked_parts("9143112＊＊＊＊＊＊＊＊＊0817")  # more marks than hidden characters
    ('9143112', '0817')
    """
    code = compact(text)
    run = _mask_length(code)
    if run:
        return code[: len(code) - run], ""
    return _middle_mask(code)


def matches_masked(masked: str, code: str) -> bool:
    """Whether a full ``code`` fits a masked one: same visible prefix and suffix (and the
    same positions when the masked code is printed at full length).

    >>> matches_masked("91431****2400", "914311234567892400"), matches_masked("91431*2400", "9143")
    (True, False)
    """
    parts = masked_parts(masked)
    code = compact(code)
    if parts is None or len(code) != LENGTH:
        return False
    prefix, suffix = parts
    if len(prefix) + len(suffix) >= LENGTH:
        return False
    return code.startswith(prefix) and code.endswith(suffix)


def masked_prefix(text: str) -> str | None:
    """The visible part of a masked 18-character code, or None.

    >>> masked_prefix("914302816918****") is None  # 16 characters: not a whole code
    True
    """
    code = compact(text)
    run = _mask_length(code)
    if run == 0 or len(code) != LENGTH:
        return None
    visible = code[: LENGTH - run]
    if any(char not in _VALUES for char in visible):
        return None
    if any(not visible[index].isdigit() for index in _REGION if index < len(visible)):
        return None
    return visible


def _shown(char: str) -> str:
    """A character as it can be printed in a message."""
    if unicodedata.category(char)[0] in "CZM":
        return f"U+{ord(char):04X}"
    return char


def _problem(code: str) -> tuple[str, str] | None:
    """(reason, message) for a compact code that is not masked, or None if it is valid."""
    if len(code) != LENGTH:
        return "invalid_length", _("代码长度应为18位，实际为{length}位", length=len(code))
    for position, char in enumerate(code, start=1):
        if char not in _VALUES:
            return "invalid_character", _(
                "第{position}位字符“{char}”不是统一社会信用代码允许的字符",
                position=position,
                char=_shown(char),
            )
    for index in _REGION:
        if not code[index].isdigit():
            return "invalid_region", _(
                "第{position}位“{char}”应为数字：第3至8位是行政区划码",
                position=index + 1,
                char=code[index],
            )
    if calc_check_digit(code[:-1]) != code[-1]:
        return "invalid_checksum", _("统一社会信用代码校验未通过（第18位是校验码）")
    return None


def _suggestion(code: str) -> str | None:
    """The one code a single look-alike substitution makes valid, if there is exactly one."""
    candidates = []
    for index, char in enumerate(code):
        lookalike = _LOOKALIKES.get(char)
        if lookalike is None:
            continue
        digit, digits_only = lookalike
        if digits_only and index not in _REGION:
            continue
        candidate = code[:index] + digit + code[index + 1 :]
        if _problem(candidate) is None:
            candidates.append(candidate)
    return candidates[0] if len(candidates) == 1 else None


def validate(text: str) -> str:
    """Check a code and return its compact form; raise InvalidCode if it is not valid.

    Checks in order: empty, masked, length, characters, region code, check character.
    The code is never corrected silently: a likely fix is offered as ``suggestion``.
    """
    code = compact(text)
    if not code:
        raise InvalidCode("empty", _("未填写统一社会信用代码"), _(_HINTS["empty"]), value=code)
    if _mask_length(code) or _middle_mask(code) is not None:
        raise InvalidCode(
            "masked",
            _("统一社会信用代码已部分隐去（{code}），无法核验", code=code),
            _(_HINTS["masked"]),
            value=code,
        )
    problem = _problem(code)
    if problem is None:
        return code
    reason, message = problem
    suggestion = None
    if reason in ("invalid_character", "invalid_region", "invalid_checksum"):
        suggestion = _suggestion(code)
    if suggestion is not None:
        message = _("{problem}。是否应为 {suggestion}？", problem=message, suggestion=suggestion)
    raise InvalidCode(reason, message, _(_HINTS[reason]), suggestion=suggestion, value=code)


def is_valid(text: str) -> bool:
    """Whether the code is valid (never raises)."""
    try:
        validate(text)
    except InvalidCode:
        return False
    return True


def one_off(read: str, code: str) -> bool:
    """Whether ``read`` differs from ``code`` by exactly one character: one replaced, one
    missing or one extra (compact forms compared).  What an OCR misreading looks like.

    >>> one_off("91110000600037341M", "91110000600037341L"), one_off("9111000060003734L", "91110000600037341L")
    (True, True)
    >>> one_off("91110000600037341L", "91110000600037341L"), one_off("91110000600037342M", "91110000600037341L")
    (False, False)
    """
    read, code = compact(read), compact(code)
    if read == code or abs(len(read) - len(code)) > 1:
        return False
    if len(read) == len(code):
        return sum(1 for a, b in zip(read, code, strict=True) if a != b) == 1
    shorter, longer = sorted((read, code), key=len)
    index = next(
        (i for i, (a, b) in enumerate(zip(shorter, longer, strict=False)) if a != b), len(shorter)
    )
    return shorter[index:] == longer[index + 1 :]


def status(text: str) -> str:
    """``valid``, ``masked`` or ``invalid``."""
    try:
        validate(text)
    except InvalidCode as error:
        return "masked" if error.reason == "masked" else "invalid"
    return "valid"


def format(text: str) -> str:  # python-stdnum's name, shadowing the builtin here only
    """The official form: 18 characters without separators (not validated, like stdnum)."""
    return compact(text)


def _organisation_check_digit(body: str) -> str:
    """GB 11714 check character over the 8 characters of an organisation code body."""
    total = sum(
        (int(char) if char.isdigit() else ord(char) - ord("A") + 10) * weight
        for char, weight in zip(body, _ORGANISATION_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def warnings(text: str) -> list[CodeWarning]:
    """Oddities of a valid code (raises InvalidCode if it is not valid).

    Real codes fail these checks too, so they are warnings, not errors.

    >>> [w.reason for w in warnings("91340600MA2PBMA74B")]
    []
    """
    code = validate(text)
    found = []
    department, category = code[0], code[1]
    if category not in KNOWN_CATEGORIES.get(department, ""):
        found.append(
            CodeWarning(
                "unknown_category",
                _(
                    "登记管理部门代码“{department}”与机构类别代码“{category}”的组合不在已知范围内",
                    department=department,
                    category=category,
                ),
            )
        )
    expected = _organisation_check_digit(code[8:16])
    if code[16] != expected:
        found.append(
            CodeWarning(
                "organisation_code_check",
                _(
                    "组织机构代码（第9至17位）校验不符：第17位按 GB 11714 应为“{expected}”，"
                    "实际为“{actual}”",
                    expected=expected,
                    actual=code[16],
                ),
            )
        )
    return found
