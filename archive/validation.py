"""Checks of values typed on the command line or passed by scripts, shared by the commands.

Each check returns the clean value or raises :class:`~archive.errors.UsageError` (exit 2)
naming the value and what would be accepted.

>>> from datetime import date
>>> check_date(date(2026, 10, 31), what="--date", latest=date(2026, 12, 1))
datetime.date(2026, 10, 31)
>>> check_text("  张三 ", what="--by")
'张三'
"""

from __future__ import annotations

import unicodedata
from datetime import date

from archive.errors import UsageError
from archive.i18n import _

# Dates before this are typing mistakes (1900-01-01, 0001-01-01), not bureau business.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def check_date(
    value: date, *, what: str, earliest: date = EARLIEST_DATE, latest: date | None = None
) -> date:
    """``value`` if it lies in ``earliest`` … ``latest`` (default: today)."""
    latest = latest or date.today()
    if not earliest <= value <= latest:
        raise UsageError(
            _(
                "日期 {value} 不在 {earliest} 至 {latest} 之间（{what}）",
                what=what,
                value=value.isoformat(),
                earliest=earliest.isoformat(),
                latest=latest.isoformat(),
            ),
            _("日期写成 YYYY-MM-DD，如 {example}", example=date.today().isoformat()),
        )
    return value


def check_text(value: str, *, what: str) -> str:
    """``value`` without surrounding spaces; refused when nothing is left."""
    text = value.strip()
    if not text:
        raise UsageError(_("{what} 不能为空", what=what))
    if any(unicodedata.category(char) == "Cc" for char in text):
        raise UsageError(
            _("{what} 含有换行符或其他控制字符", what=what),
            _("只写一行文字，不要粘贴换行"),
        )
    return text


def parse_day(value: object) -> date | None:
    """A stored ISO date (or the date part of a time) as a ``date``; ``None`` when there is none
    or it is not a date."""
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
