"""Dates: every date in a text, the first one, a date with its time, the 落款 date.

The digits, numerals and years are :mod:`archive.cnnum`'s."""

from __future__ import annotations

import re
from datetime import date, datetime

from archive import cnnum
from parsers.base import Document, Found
from parsers.fields.labels import _CJK

# --------------------------------------------------------------------------------------------
# Dates

# One set of digits, patterns and years for every date: :mod:`archive.cnnum`.
_DATE_RE = cnnum.DATE_RE
_date_of = cnnum.date_of
_SMALL_CN = f"[{cnnum.SMALL_CHARS}]{{1,3}}"
_TIME_RE = re.compile(
    rf"[ \t]*(?:上午|下午|晚上|中午)?[ \t]*(?P<h>\d{{1,2}}|{_SMALL_CN})[ \t]*(?:时|点|:)"
    rf"[ \t]*(?:(?P<mi>\d{{1,2}}|{_SMALL_CN}|半)[ \t]*分?)?"
)


def date_spans(text: str) -> list[tuple[date, int, int]]:
    """Every date in ``text`` with its start and end offsets."""
    return cnnum.date_spans(text)


def find_dates(text: str) -> list[Found]:
    """Every date in ``text`` (``Found.value`` a :class:`datetime.date`), in order.

    >>> [f.value.isoformat() for f in find_dates("于2026年11月3日前;二○二六年十一月三十日")]
    ['2026-11-03', '2026-11-30']
    """
    found = []
    for match in _DATE_RE.finditer(text):
        value = _date_of(match)
        if value is not None:
            line = text.count("\n", 0, match.start()) + 1
            found.append(Found(value, line, match.group()))
    return found


def parse_chinese_date(text: str) -> date | None:
    """The first date in ``text``: ``2026年11月3日``, ``2026-11-03``, ``2026.11.3``,
    ``2026/11/3``, ``二〇二六年十一月三日`` (〇, ○ or a letter O for zero), or None.

    >>> parse_chinese_date("二O二六年十一月三十日")
    datetime.date(2026, 11, 30)
    >>> parse_chinese_date("2026年2月30日") is None
    True
    """
    return cnnum.parse_date(text)


def parse_chinese_datetime(text: str) -> datetime | None:
    """The first date with a time of day: ``2026年11月3日10时30分``, ``2026-11-03 10:30``,
    ``2026年11月3日下午3时``; None when no time is given.

    >>> parse_chinese_datetime("2026年11月3日10时30分至12时00分")
    datetime.datetime(2026, 11, 3, 10, 30)
    >>> parse_chinese_datetime("2026年11月3日下午3时半")
    datetime.datetime(2026, 11, 3, 15, 30)
    """
    for match in _DATE_RE.finditer(text):
        day = _date_of(match)
        if day is None:
            continue
        time = _TIME_RE.match(text, match.end())
        if time is None:
            return None
        hour = cnnum.number(time.group("h"))
        minute_text = time.group("mi")
        minute = 30 if minute_text == "半" else (cnnum.number(minute_text) if minute_text else 0)
        if hour is None or minute is None:
            return None
        if re.search("下午|晚上", time.group()) and hour < 12:
            hour += 12
        if not (0 <= hour <= 23 and 0 <= minute <= 59):
            return None
        return datetime(day.year, day.month, day.day, hour, minute)
    return None


# Lines near the end that carry a date that is not the issue date.
_NOT_SIGNATURE = re.compile(r"签收|送达|签名|签字|收到|收件|回执|日期:|时间:|有效期|期限")
_SIGNATURE_LINE = re.compile(
    rf"^(?:{_CJK}{{2,30}}(?:局|委员会|政府|大队|中队|中心|办公室|所|站|办)\s*)?"
    r"(?P<date>.+?)\s*(?:\((?:印章|公章|盖章|章)\))?$"
)


def find_signature_date(doc: Document | str) -> Found | None:
    """The date of the 落款 (issuer and date at the end), as a :class:`datetime.date`.

    The last line, from the end, that holds only a date (perhaps after the issuer's name),
    skipping receipt lines (签收, 送达 …) and blank forms (``年 月 日``).
    """
    text = doc.text if isinstance(doc, Document) else doc
    lines = text.split("\n")
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index].strip()
        if not line or _NOT_SIGNATURE.search(line):
            continue
        match = _SIGNATURE_LINE.match(line)
        if match is None:
            continue
        date_match = _DATE_RE.fullmatch(match.group("date").strip())
        if date_match is None:
            continue
        value = _date_of(date_match)
        if value is not None:
            return Found(value, index + 1, lines[index])
    return None
