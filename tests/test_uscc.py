"""Unified social credit code (archive/uscc.py): real codes, each failure, masks, typos."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive import uscc
from archive.errors import ExitCode, InputError
from archive.i18n import get_language, set_language
from archive.uscc import InvalidCode

HERE = Path(__file__).resolve().parent
REAL_CODES_FILE = HERE / "data" / "uscc_valid_real.txt"
SHARED_REAL_CODES_FILE = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / REAL_CODES_FILE.name
)


@pytest.fixture(autouse=True, scope="module")
def chinese_messages():
    previous = get_language()
    set_language("zh")
    yield
    set_language(previous)


# --- an independent implementation, to check the module against ----------------------------

CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def reference_check_char(body: str) -> str:
    """GB 32100 check character, written differently: the weights are 3**i mod 31."""
    values = {}
    for value, char in enumerate(CHARACTERS):
        values[char] = value
    total = 0
    weight = 1
    for char in body:
        total += values[char] * weight
        weight = weight * 3 % 31
    remainder = total % 31
    if remainder == 0:
        return "0"  # 31 − 0 would be out of range: the outer "mod 31"
    return CHARACTERS[31 - remainder]


def with_check(body: str) -> str:
    return body + reference_check_char(body)


def reason_of(text: str) -> str:
    with pytest.raises(InvalidCode) as caught:
        uscc.validate(text)
    return caught.value.reason


def error_of(text: str) -> InvalidCode:
    with pytest.raises(InvalidCode) as caught:
        uscc.validate(text)
    return caught.value


VALID = "91110000600037341L"


# --- real codes -------------------------------------------------------------------------------


def read_codes(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_real_codes_are_valid():
    codes = read_codes(REAL_CODES_FILE)
    assert len(codes) == 383
    assert [code for code in codes if not uscc.is_valid(code)] == []
    assert all(uscc.validate(code) == code for code in codes)
    assert all(uscc.status(code) == "valid" for code in codes)


def test_real_codes_only_warn():
    for code in read_codes(REAL_CODES_FILE):
        assert all(isinstance(warning, uscc.CodeWarning) for warning in uscc.warnings(code))


@pytest.mark.skipif(not SHARED_REAL_CODES_FILE.exists(), reason="shared data not present")
def test_copy_of_real_codes_matches_shared_file():
    assert REAL_CODES_FILE.read_text(encoding="utf-8") == SHARED_REAL_CODES_FILE.read_text(
        encoding="utf-8"
    )


def test_reference_agrees_with_module_on_real_codes():
    for code in read_codes(REAL_CODES_FILE):
        assert reference_check_char(code[:17]) == code[17] == uscc.calc_check_digit(code[:17])


# --- normalisation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "９１１１００００６０００３７３４１Ｌ",  # full-width
        "91110000600037341l",
        " 9111 0000 6000 3734 1L ",
        "9111\u30000000\u3000600037341L",  # ideographic space
        "91110000-60003734-1L",
        "9111–0000—6000‐3734－1L",
        "9111\u200b0000\ufeff600037341L\u200d",  # zero-width characters
        "\t91110000600037341L\n",
    ],
)
def test_compact_normalises(text):
    assert uscc.compact(text) == VALID
    assert uscc.validate(text) == VALID
    assert uscc.format(text) == VALID


def test_format_is_eighteen_characters_without_separators():
    assert uscc.format("9111 0000 6000 3734 1L") == VALID
    assert len(uscc.format(VALID)) == 18


# --- check character --------------------------------------------------------------------------


def test_check_digit_outer_mod():
    # sum ≡ 0 (mod 31) gives '0', not the out-of-range index 31.
    assert uscc.calc_check_digit("0" * 17) == "0"
    assert uscc.is_valid("0" * 18)
    body = "9111000060003734"
    for last in CHARACTERS:
        assert uscc.calc_check_digit(body + last) == reference_check_char(body + last)


@pytest.mark.parametrize("bad", ["", "9111", "9111000060003734O", "9111000060003734I1"])
def test_check_digit_refuses_bad_input(bad):
    with pytest.raises(ValueError):
        uscc.calc_check_digit(bad)


def test_constants():
    assert CHARACTERS == uscc.ALPHABET
    powers_of_three = tuple(3**index % 31 for index in range(17))
    assert powers_of_three == uscc.WEIGHTS


# --- each failure -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\u3000", "--", "\u200b"])
def test_empty(text):
    error = error_of(text)
    assert error.reason == "empty"
    assert error.message == "未填写统一社会信用代码"
    assert error.hint


@pytest.mark.parametrize("text, length", [(VALID[:-1], 17), (VALID + "1", 19), ("9", 1)])
def test_length(text, length):
    error = error_of(text)
    assert error.reason == "invalid_length"
    assert error.message == f"代码长度应为18位，实际为{length}位"
    assert error.suggestion is None


def test_bad_character_names_first_one_and_position():
    error = error_of("911100006!0037341#")
    assert error.reason == "invalid_character"
    assert error.message == "第10位字符“!”不是统一社会信用代码允许的字符"
    assert "I、O、S、V、Z" in error.hint


def test_bad_character_position_counts_in_compact_form():
    assert "第10位" in error_of("9111 0000 6!00 3734 1L").message


def test_unprintable_character_is_shown_as_code_point():
    error = error_of("91110000600037341\x00")
    assert error.reason == "invalid_character"
    assert "U+0000" in error.message


@pytest.mark.parametrize("letter", ["V", "S", "Z"])
def test_letters_outside_alphabet(letter):
    assert reason_of(f"{letter}1110000600037341L") == "invalid_character"


def test_region_must_be_digits():
    error = error_of("9111A000600037341L")
    assert error.reason == "invalid_region"
    assert error.message == "第5位“A”应为数字：第3至8位是行政区划码"


def test_characters_are_checked_before_region():
    # the O at position 12 is reported even though position 5 breaks the region
    assert reason_of("9111A000600O37341L") == "invalid_character"


def test_checksum():
    error = error_of("91110000600037341M")
    assert error.reason == "invalid_checksum"
    assert error.message == "统一社会信用代码校验未通过（第18位是校验码）"
    assert "校验码" in error.hint
    assert error.suggestion is None


def test_invalid_code_is_an_input_error():
    error = error_of("91110000600037341M")
    assert isinstance(error, InputError)
    assert error.exit_code == ExitCode.ERROR
    assert str(error) == error.message
    assert error.value == "91110000600037341M"


# --- masked codes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "91430281691828xxxx",
        "91430281691828XXXX",
        "914302816918****",
        "91430281691828＊＊＊＊",
        "91430281691828××××",
        "9143028169182828x*",
        "91430281691828282*",  # one hidden character
        "9143028169xxxxxxxx",  # eight hidden characters
        "9143 0281 6918 28xx xx",
        "9111000060003734XX",  # two X that do not make a valid code
    ],
)
def test_masked(text):
    assert uscc.is_masked(text)
    assert not uscc.is_valid(text)
    assert uscc.status(text) == "masked"
    error = error_of(text)
    assert error.reason == "masked"
    assert error.message.startswith("统一社会信用代码已部分隐去")
    assert error.suggestion is None


def test_masked_prefix():
    assert uscc.masked_prefix("91430281691828xxxx") == "91430281691828"
    assert uscc.masked_prefix("914302816918282***") == "914302816918282"
    assert uscc.masked_prefix("914302816918****") is None  # 16 characters
    assert uscc.masked_prefix(VALID) is None
    assert uscc.masked_prefix("91430281691O28xxxx") is None  # visible part not well formed


def test_masked_before_length():
    assert reason_of("914302816918****") == "masked"


@pytest.mark.parametrize(
    "text",
    [
        "91152201078371135X",  # a check character X is not a mask
        "92340621MA2PBN0KXX",  # a real code ending in XX
        "9115220107837757XE",
    ],
)
def test_x_in_real_codes_is_not_a_mask(text):
    assert not uscc.is_masked(text)
    assert uscc.is_valid(text)


def test_single_trailing_x_that_fails_is_a_checksum_error():
    body = "91152201078371136"
    assert reference_check_char(body) != "X"
    assert reason_of(body + "X") == "invalid_checksum"


def test_four_x_are_a_mask_even_if_they_would_pass_the_check():
    # find a body ending in XXX whose check character is X: it must still count as masked
    for middle in CHARACTERS:
        body = f"9111000060003{middle}XXX"
        if reference_check_char(body) == "X":
            break
    else:  # pragma: no cover - one of 31 middles works
        pytest.fail("no such body")
    assert uscc.status(body + "X") == "masked"


@pytest.mark.parametrize(
    "text",
    [
        "xxxx",
        "9143xxxx",
        "91430281xx*",
        "914302816918282828xxxx",  # 18 characters shown: nothing is left to hide
        "91431112345678****901234",  # 18 shown around the mask
    ],
)
def test_not_masked_when_too_little_visible_or_too_long(text):
    assert not uscc.is_masked(text)
    assert uscc.status(text) == "invalid"


# --- typo suggestions -------------------------------------------------------------------------


def test_letter_o_for_zero_is_suggested():
    error = error_of("91110000600O37341L")
    assert error.reason == "invalid_character"
    assert error.suggestion == VALID
    assert error.message.endswith(f"。是否应为 {VALID}？")


def test_suggestion_is_never_applied_silently():
    assert not uscc.is_valid("91110000600O37341L")
    assert uscc.status("91110000600O37341L") == "invalid"


@pytest.mark.parametrize(
    "typo, position",
    [("I", 13), ("Z", 4), ("S", 15)],
)
def test_other_lookalikes_are_suggested(typo, position):
    code = with_check("91120224064012553")
    digit = {"I": "1", "Z": "2", "S": "5"}[typo]
    index = position - 1
    # put the look-alike where the real code has the digit it stands for
    assert code[index] == digit
    typed = code[:index] + typo + code[index + 1 :]
    assert error_of(typed).suggestion == code


def test_region_lookalike_is_suggested():
    code = with_check("91118000600037341")
    typed = code[:4] + "B" + code[5:]
    error = error_of(typed)
    assert error.reason == "invalid_region"
    assert error.suggestion == code


def test_b_outside_digit_positions_is_left_alone():
    code = with_check("9111000060003734B")
    assert uscc.is_valid(code)
    assert uscc.validate(code) == code  # B is a real character at position 17


def test_q_for_zero_at_checksum_stage():
    code = with_check("91110000600037341")  # ...341L
    typed = code[:10] + "Q" + code[11:]
    assert code[10] == "0"
    error = error_of(typed)
    assert error.reason == "invalid_checksum"
    assert error.suggestion == code


def test_no_suggestion_when_substitution_does_not_validate():
    error = error_of("91110000600O37341M")
    assert error.reason == "invalid_character"
    assert error.suggestion is None
    assert "是否应为" not in error.message


def test_no_suggestion_for_two_typos():
    assert error_of("91110000600O3734IL").suggestion is None


def test_no_suggestion_when_several_candidates_fit():
    # Q at position 1 (weight 1, value 24) and Q as check character: replacing either by
    # 0 gives a valid code, so neither is suggested.
    for last in CHARACTERS:
        body = "Q111000060003734" + last
        if reference_check_char(body) == "0":
            break
    typed = body + "Q"
    first = "0" + typed[1:]
    second = typed[:-1] + "0"
    assert uscc.is_valid(first)
    assert uscc.is_valid(second)
    error = error_of(typed)
    assert error.reason == "invalid_checksum"
    assert error.suggestion is None


# --- departments python-stdnum rejects --------------------------------------------------------


@pytest.mark.parametrize("start", ["A1", "A9", "N1", "N2", "N3", "N9", "Y1"])
def test_departments_a_n_y_are_accepted(start):
    code = with_check(start + "110000600037341")
    assert uscc.validate(code) == code
    assert uscc.warnings(code) == []


# --- warnings ---------------------------------------------------------------------------------


def test_unknown_category_warns():
    code = with_check("99110000600037341")
    assert uscc.is_valid(code)
    [warning] = uscc.warnings(code)
    assert warning.reason == "unknown_category"
    assert "“9”" in warning.message


def test_organisation_code_check_warns():
    code = with_check("91110000600037342")  # 60003734 has check digit 1
    assert uscc.is_valid(code)
    [warning] = uscc.warnings(code)
    assert warning.reason == "organisation_code_check"
    assert warning.message.endswith("应为“1”，实际为“2”")


def test_organisation_code_check_x():
    assert uscc.warnings("9115220107837941X1") == []


def test_warnings_need_a_valid_code():
    with pytest.raises(InvalidCode):
        uscc.warnings("91110000600037341M")


def test_code_warning_is_frozen():
    warning = uscc.CodeWarning("unknown_category", "x")
    with pytest.raises(AttributeError):
        warning.reason = "other"  # type: ignore[misc]


# --- English ----------------------------------------------------------------------------------


# Every message's English is checked for all modules in tests/test_conventions.py.


def test_english_messages():
    set_language("en")
    try:
        error = error_of("91110000600O37341L")
        assert error.message == (
            "Character 12 (“O”) is not allowed in a unified social credit code. "
            f"Did you mean {VALID}?"
        )
        assert error.hint.startswith("A unified social credit code uses digits")
    finally:
        set_language("zh")


# --- properties -------------------------------------------------------------------------------

alphabet_chars = st.sampled_from(CHARACTERS)
bodies = st.builds(
    lambda department, category, region, organisation: (
        department + category + region + organisation
    ),
    alphabet_chars,
    alphabet_chars,
    st.text(alphabet=string.digits, min_size=6, max_size=6),
    st.text(alphabet=CHARACTERS, min_size=9, max_size=9),
)


@given(bodies)
def test_property_right_check_char_valid_all_others_invalid(body):
    code = with_check(body)
    if code.endswith("XXXX"):
        # four trailing X are always a mask (see uscc._mask_length)
        assert uscc.status(code) == "masked"
    else:
        assert uscc.validate(code) == code
    for other in CHARACTERS:
        if other == code[-1]:
            continue
        wrong = body + other
        # X-only tails of two or more X that fail the check are masks by design
        expected = "masked" if wrong.endswith("XX") else "invalid_checksum"
        assert reason_of(wrong) == expected


@given(st.text())
def test_property_compact_is_idempotent(text):
    once = uscc.compact(text)
    assert uscc.compact(once) == once


@given(st.text())
def test_property_validate_raises_only_invalid_code(text):
    try:
        result = uscc.validate(text)
    except InvalidCode as error:
        assert error.reason in {
            "empty",
            "invalid_length",
            "invalid_character",
            "invalid_region",
            "invalid_checksum",
            "masked",
        }
        assert error.message
    else:
        assert len(result) == 18
        assert uscc.is_valid(result)


@given(st.text(alphabet=CHARACTERS + "OISVZ *x×-", max_size=22))
def test_property_status_and_is_valid_never_raise(text):
    assert isinstance(uscc.is_valid(text), bool)
    assert uscc.status(text) in {"valid", "masked", "invalid"}
    assert (uscc.status(text) == "valid") == uscc.is_valid(text)
    assert uscc.is_masked(text) == (uscc.status(text) == "masked")


@given(st.text())
def test_property_is_valid_never_raises(text):
    assert isinstance(uscc.is_valid(text), bool)
