"""居民身份证号码 (resident identity card number, GB 11643-1999).

Eighteen characters: the 行政区划码 of the place of registration (6 digits), the date of birth
(8 digits, ``YYYYMMDD``), a sequence number (3 digits; odd for men, even for women) and a check
character (a digit or ``X``, ISO 7064 MOD 11-2).  The archive never keys anything by it; it
tells a person's number apart from a 统一社会信用代码 of the same length, so that a parser does
not take a legal representative's ID printed on a form for the enterprise's code.

Shaped as python-stdnum's ``cn.ric`` (``compact``, ``calc_check_digit``, ``get_birth_date``,
``validate``, ``is_valid``, ``format``), beside :mod:`archive.uscc`.

>>> calc_check_digit("11010519491231002")
'X'
>>> validate("11010519491231002x")
'11010519491231002X'
>>> validate(" 110105 19491231 002X ")
'11010519491231002X'
>>> get_birth_date("11010519491231002X")
datetime.date(1949, 12, 31)
>>> is_valid("110105194912310021"), is_valid("11010519491331002X"), is_valid("91110000600037341L")
(False, False, False)
>>> validate("110105194912310021")
Traceback (most recent call last):
    ...
archive.resident_id.InvalidResidentId: invalid_checksum
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

__all__ = [
    "LENGTH",
    "WEIGHTS",
    "InvalidResidentId",
    "calc_check_digit",
    "compact",
    "format",
    "get_birth_date",
    "is_valid",
    "validate",
]

LENGTH = 18
# Weight of each of the first 17 digits: 2**(18 - position) mod 11.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"  # check character for each remainder mod 11
_SHAPE = re.compile(r"\d{17}[\dX]")


class InvalidResidentId(ValueError):
    """Not a valid resident ID number; ``reason`` (also the message) is ``invalid_length``,
    ``invalid_format``, ``invalid_birth_date`` or ``invalid_checksum``."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def compact(text: str) -> str:
    """Full-width to half-width, no spaces or dashes, a lower-case ``x`` made ``X``."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\-]", "", text).upper()


def calc_check_digit(first17: str) -> str:
    """The check character (position 18) for the first 17 digits (ValueError otherwise)."""
    if not re.fullmatch(r"\d{17}", first17):
        raise ValueError(f"expected 17 digits, got {first17!r}")
    total = sum(int(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return _CHECK[total % 11]


def get_birth_date(text: str) -> date:
    """The date of birth the number carries (InvalidResidentId when it is no date)."""
    number = compact(text)
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidResidentId("invalid_birth_date") from None


def validate(text: str) -> str:
    """Check a number and return its compact form; raise :class:`InvalidResidentId`."""
    number = compact(text)
    if len(number) != LENGTH:
        raise InvalidResidentId("invalid_length")
    if not _SHAPE.fullmatch(number):
        raise InvalidResidentId("invalid_format")
    get_birth_date(number)
    if calc_check_digit(number[:17]) != number[17]:
        raise InvalidResidentId("invalid_checksum")
    return number


def is_valid(text: str) -> bool:
    """Whether ``text`` is a valid resident ID number (never raises)."""
    try:
        validate(text)
    except InvalidResidentId:
        return False
    return True


def format(text: str) -> str:  # python-stdnum's name, shadowing the builtin here only
    """The official form: 18 characters without separators (not validated, like stdnum)."""
    return compact(text)
