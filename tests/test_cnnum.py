"""Chinese numbers and dates (archive/cnnum.py), and the three places that read them through
it: the field finders (parsers/fields/), the form parsers (parsers/forms.py) and
the letters' facts (archive/letters/issue.py).

The numerals are written here by a small writer of their own, following how documents write
them (二〇二六年十二月一日, 贰零贰陆年壹拾贰月零壹日, 一万零五百, 壹亿零伍万), and must read back."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive import cnnum
from archive.letters import issue
from parsers import fields, forms

ORDINARY = "零一二三四五六七八九"
CAPITAL = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = {ORDINARY: ("", "十", "百", "千"), CAPITAL: ("", "拾", "佰", "仟")}
ZEROS = ["〇", "○", "◯", "零", "O", "0"]  # how a year's zero is printed (or OCR'd)


# --- a writer of Chinese numerals, independent of the module -----------------------------------


def _group(number: int, digits: str) -> str:
    """0 < number < 10000 with 千/百/十 (仟/佰/拾), one 零 for a run of zeros inside."""
    units = SMALL_UNITS[digits]
    out, started, zero = "", False, False
    for position in (3, 2, 1, 0):
        digit = number // 10**position % 10
        if digit == 0:
            zero = zero or started
            continue
        if zero:
            out += digits[0]
            zero = False
        out += digits[digit] + units[position]
        started = True
    return out


def write_int(number: int, digits: str = ORDINARY, *, short_ten: bool = False) -> str:
    """An integer as written in prose (一万零五百) or capitals (壹万零伍佰).  ``short_ten``:
    十五 rather than 一十五 at the start."""
    if number == 0:
        return digits[0]
    out, zero = "", False
    for size, name in ((10**8, "亿"), (10**4, "万"), (1, "")):
        group = number // size % 10_000
        if group == 0:
            zero = zero or bool(out)
            continue
        if out and (zero or group < 1000):
            out += digits[0]
        out += _group(group, digits) + name
        zero = False
    if short_ten and out.startswith(digits[1] + SMALL_UNITS[digits][1]):
        out = out[1:]
    return out


def write_year(year: int, digits: str, zero: str | None = None) -> str:
    return "".join((zero or digits[0]) if char == "0" else digits[int(char)] for char in str(year))


def write_small(number: int, digits: str, *, style: str = "plain") -> str:
    """A month or day: 十二, 二十一 (or 廿一, 卅一), 壹拾贰 (or 零壹, 零壹拾 on a cheque)."""
    if style == "tens" and number >= 20:
        tens, ones = divmod(number, 10)
        return {2: "廿", 3: "卅"}[tens] + (digits[ones] if ones else "")
    if style == "cheque" and (number < 10 or number % 10 == 0):
        return digits[0] + write_int(number, digits)
    return write_int(number, digits, short_ten=style != "cheque" and digits == ORDINARY)


# --- dates ---------------------------------------------------------------------------------------

DATES = st.dates(min_value=date(cnnum.FIRST_YEAR, 1, 1), max_value=date(cnnum.LAST_YEAR, 12, 31))


def written(day: date, how: str) -> str:
    if how == "arabic":
        return f"{day.year}年{day.month}月{day.day}日"
    if how == "iso":
        return day.isoformat()
    if how == "dotted":
        return f"{day.year}.{day.month}.{day.day}"
    if how == "chinese":  # 二〇二六年十二月一日
        year = write_year(day.year, ORDINARY, "〇")
        return f"{year}年{write_small(day.month, ORDINARY)}月{write_small(day.day, ORDINARY)}日"
    if how == "capital":  # 贰零贰陆年壹拾贰月壹日
        year = write_year(day.year, CAPITAL)
        return f"{year}年{write_small(day.month, CAPITAL)}月{write_small(day.day, CAPITAL)}日"
    raise AssertionError(how)


WAYS = ["arabic", "iso", "dotted", "chinese", "capital"]


@given(DATES, st.sampled_from(WAYS))
@settings(max_examples=400)
def test_every_date_reads_back_in_every_writing(day: date, how: str) -> None:
    text = written(day, how)
    assert cnnum.parse_date(text) == day, text
    assert cnnum.parse_date(text, whole=True) == day, text
    assert fields.parse_chinese_date(f"于{text}前整改完毕") == day, text
    assert [found.value for found in fields.find_dates(f"检查时间：{text}")] == [day], text
    assert forms.parse_date(f"日期：{text}") == day, text
    assert issue.parse_date(text) == day, text


@given(
    DATES,
    st.sampled_from([ORDINARY, CAPITAL]),
    st.sampled_from(ZEROS),
    st.sampled_from(["plain", "tens", "cheque"]),
)
def test_variant_numerals_read_back(day: date, digits: str, zero: str, style: str) -> None:
    if style == "tens" and digits == CAPITAL:
        style = "plain"  # 廿 and 卅 are ordinary numerals only
    text = (
        f"{write_year(day.year, digits, zero)}年{write_small(day.month, digits, style=style)}月"
        f"{write_small(day.day, digits, style=style)}日"
    )
    assert cnnum.parse_date(text) == day, text
    assert fields.parse_chinese_date(text) == day, text
    assert forms.parse_date(text) == day, text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("二〇二六年十二月一日", date(2026, 12, 1)),
        ("二○二六年元月三十一日", date(2026, 1, 31)),
        ("贰零贰陆年壹拾贰月零壹日", date(2026, 12, 1)),
        ("二〇二六年廿月一日", None),
        ("2026年2月29日", None),
        ("1948年12月31日", None),
        ("2101年1月1日", None),
        ("一九四九年十月一日", date(1949, 10, 1)),
        ("二一〇〇年十二月三十一日", date(2100, 12, 31)),
    ],
)
def test_dates_out_of_range_or_impossible_are_none(text: str, expected: date | None) -> None:
    assert cnnum.parse_date(text) == expected
    assert fields.parse_chinese_date(text) == expected
    assert forms.parse_date(text) == expected


@given(DATES, st.sampled_from([ORDINARY, CAPITAL]))
def test_months_read_back(day: date, digits: str) -> None:
    chinese = f"{write_year(day.year, digits)}年{write_small(day.month, digits)}月份"
    for text in (chinese, f"{day.year}-{day.month:02d}", f"{day.year}年{day.month}月"):
        assert cnnum.parse_month(text) == (day.year, day.month), text
        assert forms.parse_period(text) == f"{day:%Y-%m}", text
    assert issue.format_period(f"{day.year}-{day.month:02d}") == f"{day.year}年{day.month}月"


def test_letters_facts_take_any_written_date() -> None:
    assert issue.parse_date("二〇二六年十二月一日") == date(2026, 12, 1)
    assert issue.parse_date("2026-12-01 之前") is None  # a fact is a date or it is not
    assert issue.format_period("2026年11月份") == "2026年11月份"  # kept as written


# --- integers ------------------------------------------------------------------------------------


@given(st.integers(0, 10**12 - 1), st.sampled_from([ORDINARY, CAPITAL]), st.booleans())
@settings(max_examples=400)
def test_integers_read_back(number: int, digits: str, short_ten: bool) -> None:
    text = write_int(number, digits, short_ten=short_ten)
    assert cnnum.to_int(text) == number, text
    assert cnnum.number(text) == number, text
    assert fields.chinese_to_int(text) == number, text
    assert forms.chinese_number(text) == number, text


@given(st.integers(0, 10**8 - 1))
def test_traditional_capitals_read_back(number: int) -> None:
    text = write_int(number, CAPITAL).replace("贰", "貳").replace("陆", "陸").replace("万", "萬")
    assert cnnum.to_int(text) == number, text


@given(st.integers(1000, 9999), st.sampled_from(ZEROS))
def test_digit_by_digit(number: int, zero: str) -> None:
    for digits in (ORDINARY, CAPITAL):
        assert cnnum.digits_value(write_year(number, digits, zero)) == number
    assert cnnum.digits_value(str(number)) == number


@pytest.mark.parametrize(
    "text", ["贰万伍", "壹佰伍", "万", "伍拾伍拾", "零拾", "一亿二亿", "三月", ""]
)
def test_ambiguous_or_not_a_number(text: str) -> None:
    assert cnnum.number(text) is None
    if text:
        with pytest.raises(ValueError):
            cnnum.to_int(text)
