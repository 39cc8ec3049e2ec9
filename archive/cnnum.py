"""Chinese numbers and dates: one set of digits for the parsers and the archive.

Documents write numbers three ways, often mixed:

* Arabic digits: ``2026年12月1日``, ``2026-12-01``, ``2026.12.1``;
* ordinary numerals: ``二〇二六年十二月一日`` (a year digit by digit, the rest with units);
  zero as 〇, ○, ◯ or 零 — and, in scanned text, a letter O, o or a Cyrillic О, or an Arabic 0
  among Chinese digits (``二0二六``); 两 for 2; 廿 (20) and 卅 (30) in dates;
* financial capitals (大写): ``壹拾伍万叁仟元``, ``贰零贰陆年壹拾贰月零壹日``, with the
  traditional forms 貳 參 陸 and 拾 佰 仟 萬 億.

Dates are read from :data:`FIRST_YEAR` to :data:`LAST_YEAR` (1949–2100); outside those
years a "date" is a number of something else.

>>> number("二十三"), number("廿三"), number("壹拾伍万叁仟"), number("07"), number("若干")
(23, 23, 153000, 7, None)
>>> digits_value("二〇二六"), digits_value("贰零贰陆"), digits_value("二O二六")
(2026, 2026, 2026)
>>> parse_date("于二〇二六年十二月一日前"), parse_date("贰零贰陆年壹拾贰月零壹日")
(datetime.date(2026, 12, 1), datetime.date(2026, 12, 1))
>>> parse_date("2026-12-01", whole=True), parse_date("1900年1月1日")
(datetime.date(2026, 12, 1), None)
>>> parse_month("二〇二六年十一月份"), parse_month("2026-11", whole=True)
((2026, 11), (2026, 11))
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

__all__ = [
    "DATE_RE",
    "DIGITS",
    "FIRST_YEAR",
    "LAST_YEAR",
    "MONTH_RE",
    "NUMERAL_CHARS",
    "SMALL_CHARS",
    "UNITS",
    "YEAR_CHARS",
    "date_of",
    "date_spans",
    "digits_value",
    "make_date",
    "month_number",
    "number",
    "parse_date",
    "parse_month",
    "to_int",
    "year_in_range",
]

FIRST_YEAR = 1949
LAST_YEAR = 2100

CHINESE_ZEROS = "〇○◯零"
LOOKALIKE_ZEROS = "OoО"  # Latin O, o and Cyrillic О: how OCR reads a 〇
_ORDINARY = "一二三四五六七八九"
_CAPITAL = "壹贰叁肆伍陆柒捌玖"
_TRADITIONAL = {"貳": 2, "參": 3, "参": 3, "陸": 6}

# Every digit character, Chinese and look-alike, with its value (Arabic 1–9 are read as such).
DIGITS: dict[str, int] = {char: 0 for char in CHINESE_ZEROS + LOOKALIKE_ZEROS + "0"}
for _value, (_ordinary, _capital) in enumerate(zip(_ORDINARY, _CAPITAL, strict=True), start=1):
    DIGITS[_ordinary] = _value
    DIGITS[_capital] = _value
DIGITS.update(_TRADITIONAL)
DIGITS["两"] = 2
UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"萬": "万", "億": "亿"}
_TENS = {"廿": "二十", "卅": "三十"}

# Character classes (the inside of ``[...]``) for patterns.
_CHINESE_DIGITS = CHINESE_ZEROS + _ORDINARY + _CAPITAL + "".join(_TRADITIONAL)
# A year written digit by digit (两 is never a year's digit).
YEAR_CHARS = _CHINESE_DIGITS + LOOKALIKE_ZEROS + "0"
# A month, day, hour or minute in Chinese numerals (十二, 廿三, 壹拾贰, 零壹).
SMALL_CHARS = _CHINESE_DIGITS + "两十拾廿卅"
# An amount in Chinese numerals (壹拾伍万叁仟, 一万五千).
NUMERAL_CHARS = _CHINESE_DIGITS + "两" + "".join(UNITS) + "万萬亿億"

_CHINESE_YEAR = f"[{YEAR_CHARS}]{{4}}"
_SMALL = f"[{SMALL_CHARS}]{{1,3}}"
# A date: 2026年12月1日 (年 月 日 in any numerals, 元月 for January, 号 for 日), or
# 2026-12-01, 2026.12.1, 2026/12/1 (one separator throughout).
DATE_RE = re.compile(
    rf"(?P<y>\d{{4}}|{_CHINESE_YEAR})[ \t]*年[ \t]*(?P<m>\d{{1,2}}|{_SMALL}|元)[ \t]*月"
    rf"[ \t]*(?P<d>\d{{1,2}}|{_SMALL})[ \t]*[日号]"
    r"|(?<!\d)(?P<y2>\d{4})(?P<sep>[-./])(?P<m2>\d{1,2})(?P=sep)(?P<d2>\d{1,2})(?!\d)"
)
# A month: 2026年11月, 二〇二六年十一月, 2026-11, 2026.11 (2026年11 only as a whole text).
MONTH_RE = re.compile(
    rf"(?P<y>\d{{4}}|{_CHINESE_YEAR})[ \t]*年[ \t]*(?P<m>\d{{1,2}}|{_SMALL}|元)[ \t]*月"
    r"|(?<!\d)(?P<y2>\d{4})[ \t]*(?P<sep>[-./．]|年)[ \t]*(?P<m2>\d{1,2})(?!\d)"
)


def digits_value(text: str) -> int | None:
    """A number written digit by digit, as years are (二〇二六, 贰零贰陆, 二0二六, 2026).

    >>> digits_value("二〇二六"), digits_value("一九四九"), digits_value("二十")
    (2026, 1949, None)
    """
    text = text.strip()
    if not text:
        return None
    values = []
    for char in text:
        if char in DIGITS:
            values.append(DIGITS[char])
        elif char.isascii() and char.isdigit():
            values.append(int(char))
        else:
            return None
    return int("".join(str(value) for value in values))


def _below_10000(text: str) -> int:
    """0–9999 from 仟/佰/拾 groups: 壹仟零伍拾 → 1050.  A digit after 佰 or 仟 without a
    零 between (壹佰伍: 105 or colloquial 150?) is ambiguous and refused."""
    total = 0
    digit: int | None = None
    last_unit = 10_000
    zero = False
    for char in text:
        if char in DIGITS:
            value = DIGITS[char]
            if digit is not None and digit != 0 and value != 0:
                raise ValueError(f"two digits in a row: {text!r}")
            zero = zero or value == 0
            digit = value
        elif char in UNITS:
            unit = UNITS[char]
            if unit >= last_unit:
                raise ValueError(f"units out of order: {text!r}")
            if digit is None:
                # Only 拾 may stand without its digit, and only first: 拾伍万, 十五.
                if unit != 10 or total:
                    raise ValueError(f"a unit without its digit: {text!r}")
                digit = 1
            elif digit == 0:
                raise ValueError(f"zero before a unit: {text!r}")
            total += digit * unit
            digit = None
            last_unit = unit
            zero = False
        else:
            raise ValueError(f"not a numeral: {char!r}")
    if digit and last_unit > 10 and last_unit != 10_000 and not zero:
        raise ValueError(f"a digit without its unit: {text!r}")
    return total + (digit or 0)


def _join_groups(high: str, low: str, size: int, parse: Callable[[str], int]) -> int:
    """``high`` × size + ``low``.  A bare digit after 万/亿 (贰万伍: 20005, or colloquial
    25000?) is ambiguous and refused; 贰万零伍 is 20005."""
    if not high:
        raise ValueError("a 万 or 亿 without its number")
    if len(low) == 1 and low in DIGITS and DIGITS[low] != 0:
        raise ValueError(f"ambiguous: {high}…{low}")
    return parse(high) * size + (parse(low) if low else 0)


def _below_100m(text: str) -> int:
    if "亿" in text or text.count("万") > 1:
        raise ValueError(f"亿 or 万 out of place: {text!r}")
    if "万" in text:
        high, _sep, low = text.partition("万")
        return _join_groups(high, low, 10_000, _below_10000)
    return _below_10000(text)


def to_int(text: str) -> int:
    """An integer written in Chinese numerals, financial capitals or ordinary ones; ValueError
    when it is not one, or is ambiguous.

    >>> to_int("贰万"), to_int("壹拾伍万叁仟"), to_int("拾伍万")
    (20000, 153000, 150000)
    >>> to_int("贰万零伍佰"), to_int("一万"), to_int("壹亿零伍万")
    (20500, 10000, 100050000)
    >>> to_int("一万五千"), to_int("壹亿伍万"), to_int("贰万伍佰"), to_int("一百零五")
    (15000, 100050000, 20500, 105)
    """
    for variant, usual in {**_BIG_UNITS, **_TENS}.items():
        text = text.replace(variant, usual)
    if not any(char in DIGITS or char in UNITS for char in text):
        raise ValueError(f"no numeral in {text!r}")
    if text.count("亿") > 1:
        raise ValueError(f"亿 twice: {text!r}")
    if "亿" in text:
        high, _sep, low = text.partition("亿")
        return _join_groups(high, low, 10**8, _below_100m)
    return _below_100m(text)


def number(text: str) -> int | None:
    """An integer in Arabic digits or Chinese numerals (:func:`to_int`), or None.

    >>> number("十二"), number("二十一"), number("廿三"), number("十"), number("零壹拾")
    (12, 21, 23, 10, 10)
    >>> number("三月") is None, number("二二") is None
    (True, True)
    """
    text = text.strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return int(text)
    try:
        return to_int(text)
    except ValueError:
        return None


def month_number(text: str) -> int | None:
    """A month's number: :func:`number`, and 元 for January (元月).  Not checked to be 1–12."""
    return 1 if text.strip() == "元" else number(text)


def year_in_range(year: int | None) -> bool:
    """Whether ``year`` is one the archive reads dates of (1949–2100)."""
    return year is not None and FIRST_YEAR <= year <= LAST_YEAR


def make_date(year: int | None, month: int | None, day: int | None) -> date | None:
    """The date, or None when a part is missing, the year out of range or the day impossible."""
    if year is None or month is None or day is None or not year_in_range(year):
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _year(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() else digits_value(text)


def date_of(match: re.Match[str]) -> date | None:
    """The date a :data:`DATE_RE` match writes, or None (out of range, impossible)."""
    if match.group("y2"):
        return make_date(int(match.group("y2")), int(match.group("m2")), int(match.group("d2")))
    month = month_number(match.group("m"))
    return make_date(_year(match.group("y")), month, number(match.group("d")))


def date_spans(text: str) -> list[tuple[date, int, int]]:
    """Every date in ``text`` with its start and end offsets."""
    spans = []
    for match in DATE_RE.finditer(text):
        value = date_of(match)
        if value is not None:
            spans.append((value, match.start(), match.end()))
    return spans


def parse_date(text: str, *, whole: bool = False) -> date | None:
    """The first date in ``text`` (``whole``: ``text`` is only a date), or None.

    >>> parse_date("二O二六年十一月三十日"), parse_date("2026年2月30日")
    (datetime.date(2026, 11, 30), None)
    >>> parse_date("2026/11/3 前", whole=True), parse_date(" 2026/11/3 ", whole=True)
    (None, datetime.date(2026, 11, 3))
    """
    if whole:
        match = DATE_RE.fullmatch(text.strip())
        return date_of(match) if match else None
    for match in DATE_RE.finditer(text):
        value = date_of(match)
        if value is not None:
            return value
    return None


def _month_of(match: re.Match[str]) -> tuple[int, int] | None:
    if match.group("y2"):
        year, month = int(match.group("y2")), int(match.group("m2"))
    else:
        year = _year(match.group("y"))
        month = month_number(match.group("m"))
    if not year_in_range(year) or month is None or not 1 <= month <= 12:
        return None
    return year, month


def parse_month(text: str, *, whole: bool = False) -> tuple[int, int] | None:
    """``(year, month)`` of the first month written in ``text``: ``2026年11月``, ``2026-11``,
    ``二〇二六年十一月份``; ``whole``: ``text`` is only a month (``2026年11`` then too).

    >>> parse_month("2026年13月"), parse_month("十一月"), parse_month("2026年11", whole=True)
    (None, None, (2026, 11))
    """
    if whole:
        text = text.strip()
        match = MONTH_RE.fullmatch(text)
        if match is None and text.endswith("月"):  # 2026/11月
            match = MONTH_RE.fullmatch(text[:-1])
        return _month_of(match) if match else None
    for match in MONTH_RE.finditer(text):
        if match.group("sep") == "年":
            continue
        return _month_of(match)
    return None
