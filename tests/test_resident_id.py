"""Resident ID numbers (archive/resident_id.py): the check character, the date of birth, and
the field finders that must never take a person's number for a credit code."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive import resident_id
from archive.resident_id import InvalidResidentId

REGIONS = ["110101", "430521", "131102", "440301", "510104"]


def reference_check(body: str) -> str:
    """ISO 7064 MOD 11-2, written as the standard states it: weight 2**(18-i) mod 11."""
    total = sum(int(char) * pow(2, 17 - index, 11) for index, char in enumerate(body))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


@st.composite
def numbers(draw: st.DrawFn) -> str:
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 12, 1)))
    body = f"{draw(st.sampled_from(REGIONS))}{born:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return body + reference_check(body)


@given(numbers())
def test_valid_numbers(number: str) -> None:
    assert resident_id.calc_check_digit(number[:17]) == number[17]
    assert resident_id.validate(number.lower()) == number
    assert resident_id.validate(f" {number[:6]} {number[6:14]}-{number[14:]} ") == number
    assert resident_id.is_valid(number)
    assert resident_id.get_birth_date(number) == date(
        int(number[6:10]), int(number[10:12]), int(number[12:14])
    )


@given(numbers(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_one_character_wrong_is_invalid(number: str, position: int, char: str) -> None:
    wrong = number[:position] + char + number[position + 1 :]
    if wrong == number:
        return
    assert not resident_id.is_valid(wrong)
    with pytest.raises(InvalidResidentId) as error:
        resident_id.validate(wrong)
    assert error.value.reason in ("invalid_format", "invalid_birth_date", "invalid_checksum")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("11010519491231002", "invalid_length"),
        ("91110000600037341L", "invalid_format"),
        ("110105194902300021", "invalid_birth_date"),
        ("110105194912310021", "invalid_checksum"),
    ],
)
def test_each_failure_has_its_reason(text: str, reason: str) -> None:
    with pytest.raises(InvalidResidentId) as error:
        resident_id.validate(text)
    assert error.value.reason == reason
    assert not resident_id.is_valid(text)


def test_a_credit_code_is_not_a_resident_id() -> None:
    # 18 digits that pass the USCC check are still checked as an ID number only by its rules.
    assert not resident_id.is_valid("91110000600037341L")
    assert resident_id.format(" 11010519491231002x ") == "11010519491231002X"
