"""Field finders and normalisation: codes, 文号, dates, fines, labels (parsers.fields)."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.detect import detect_type, extension_mismatch, is_encrypted_office
from parsers.fields import (
    ADDRESS_LABELS,
    LEGAL_REPRESENTATIVE_LABELS,
    UNIT_LABELS,
    chinese_to_int,
    find_credit_codes,
    find_doc_number,
    find_doc_numbers,
    find_label_value,
    find_label_values,
    find_list,
    find_numbered_items,
    find_signature_date,
    find_title,
    looks_like_organisation,
    looks_like_person,
    parse_chinese_date,
    parse_chinese_datetime,
    parse_fine,
)
from parsers.normalise import normalise_text, undouble
from tests.helpers import make_code

N = normalise_text
CODE = make_code(1)  # 91431127000000019D: has zeros to misprint as O
OTHER = make_code(5)

# --------------------------------------------------------------------------------------------
# Normalisation


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("统 一 社 会 信 用 代 码：９１４３", "统一社会信用代码:9143"),
        ("行 政 处 罚 决 定 书", "行政处罚决定书"),
        ("行\u3000政\t处\u3000罚", "行政处罚"),
        ("行行政政处处罚罚决决定定书书", "行政处罚决定书"),
        ("（（湘湘株株醴醴））应应急急罚罚", "(湘株醴)应急罚"),
        ("⼀般事故隐患", "一般事故隐患"),  # Kangxi radical ⼀ (U+2F00)
        ("ＡＢＣ１２３，（）：", "ABC123,():"),
        ("﹝2023﹞", "〔2023〕"),
        ("罚款 20000 元", "罚款 20000 元"),  # spaces next to digits are kept
        ("尾部空格   ", "尾部空格"),
        ("零\u200b宽\ufeff字符", "零宽字符"),
        ("①灭火器过期", "①灭火器过期"),  # circled numbers stay: they number lists
    ],
)
def test_normalise_text(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


@pytest.mark.parametrize(
    "word",
    ["人人", "人人都要遵守", "明明白白", "谢谢谢谢", "112233", "常常检查", "干干净净,整整齐齐"],
)
def test_real_repeated_characters_are_kept(word: str) -> None:
    assert normalise_text(word) == word


def test_line_endings_and_line_count() -> None:
    assert normalise_text("一\r\n二\r三\n四\x0c五") == "一\n二\n三\n四\n五"


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
@settings(max_examples=200, deadline=None)
def test_normalise_keeps_the_number_of_lines(text: str) -> None:
    """Line n of the normalised text is line n of the extraction (for explain)."""
    unified = text.replace("\r\n", "\n")
    breaks = sum(unified.count(char) for char in "\n\r\u2028\u2029\x0b\x0c\x85")
    assert normalise_text(text).count("\n") == breaks


@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=3))
def test_undouble_inverts_fake_bold(text: str) -> None:
    assert undouble("".join(char * 2 for char in text)) == text


# --------------------------------------------------------------------------------------------
# File types


def test_detect_type_by_content(tmp_path: Path) -> None:
    samples = {
        "a.pdf": b"%PDF-1.7\n...",
        "junk_before.pdf": b"\x00\x00garbage%PDF-1.4\n",
        "old.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),
        "scan.jpg": b"\xff\xd8\xff\xe0" + bytes(20),
        "scan.png": b"\x89PNG\r\n\x1a\n" + bytes(20),
        "scan.tif": b"II*\x00" + bytes(20),
        "scan.bmp": b"BM" + bytes(40),
        "scan.gif": b"GIF89a" + bytes(20),
        "empty.pdf": b"",
        "text.docx": "这不是 zip".encode(),
    }
    expected = {
        "a.pdf": "pdf",
        "junk_before.pdf": "pdf",
        "old.doc": "ole",
        "scan.jpg": "image",
        "scan.png": "image",
        "scan.tif": "image",
        "scan.bmp": "image",
        "scan.gif": "image",
        "empty.pdf": "unknown",
        "text.docx": "unknown",
    }
    for name, content in samples.items():
        (tmp_path / name).write_bytes(content)
        assert detect_type(tmp_path / name) == expected[name], name
    with zipfile.ZipFile(tmp_path / "real.zip", "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert detect_type(tmp_path / "real.zip") == "docx"
    assert extension_mismatch(tmp_path / "real.zip", "docx")
    with zipfile.ZipFile(tmp_path / "other.docx", "w") as archive:
        archive.writestr("a.txt", "x")
    assert detect_type(tmp_path / "other.docx") == "zip"
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04" + bytes(30))
    assert detect_type(tmp_path / "broken.docx") == "zip"


def test_extension_mismatch() -> None:
    assert extension_mismatch("决定书.pdf", "docx")
    assert extension_mismatch("承诺书.docx", "ole")
    assert not extension_mismatch("承诺书.DOCX", "docx")
    assert not extension_mismatch("老文件.wps", "ole")
    assert not extension_mismatch("没有扩展名", "pdf")
    assert not extension_mismatch("x.bin", "unknown")


def test_encrypted_office_file(tmp_path: Path) -> None:
    path = tmp_path / "加密.docx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "EncryptedPackage".encode("utf-16-le")
    )
    assert detect_type(path) == "ole"
    assert is_encrypted_office(path)


# --------------------------------------------------------------------------------------------
# Credit codes


def codes(text: str) -> list[tuple[str, str, int]]:
    return [tuple(candidate) for candidate in find_credit_codes(N(text))]


def test_code_after_label() -> None:
    assert codes(f"统一社会信用代码：{CODE}") == [(CODE, "valid", 1)]
    assert codes(f"统 一 社 会 信 用 代 码：{CODE}") == [(CODE, "valid", 1)]
    assert codes(f"社会信用代码：{CODE.lower()}") == [(CODE, "valid", 1)]
    assert codes(f"统一社会信用代码:\n{CODE}") == [(CODE, "valid", 2)]


def test_full_width_code() -> None:
    wide = "".join(chr(ord(char) + 0xFEE0) for char in CODE)
    assert codes(f"统一社会信用代码：{wide}") == [(CODE, "valid", 1)]


@pytest.mark.parametrize(
    "printed",
    [
        f"{CODE[:12]}\n{CODE[12:]}",
        f"{CODE[:12]}\n   {CODE[12:]}",
        f"{CODE[:4]} {CODE[4:8]} {CODE[8:12]} {CODE[12:16]} {CODE[16:]}",
        f"{CODE[:9]}-{CODE[9:]}",
    ],
)
def test_code_broken_by_line_break_or_spaces(printed: str) -> None:
    assert codes(f"统一社会信用代码：{printed}") == [(CODE, "valid", 1)]


def test_unlabelled_code_broken_across_lines() -> None:
    assert codes(f"该公司（代码{CODE[:10]}\n{CODE[10:]}）") == [(CODE, "valid", 1)]


@pytest.mark.parametrize("mask", ["xxxx", "XXXX", "****", "＊＊＊＊", "××××"])
def test_masked_code_is_kept_masked(mask: str) -> None:
    found = find_credit_codes(N(f"统一社会信用代码：{CODE[:14]}{mask}"))
    assert len(found) == 1
    assert found[0].status == "masked"
    assert found[0].code.startswith(CODE[:14])


def test_letter_o_for_zero_is_reported_not_fixed() -> None:
    misprint = CODE.replace("0", "O", 1)
    [found] = find_credit_codes(N(f"统一社会信用代码：{misprint}"))
    assert found.code == misprint
    assert found.status == "invalid"
    assert found.suggestion == CODE
    assert "O" in (found.problem or "")


def test_invalid_labelled_code_is_reported() -> None:
    wrong = CODE[:-1] + ("A" if CODE[-1] != "A" else "B")
    [found] = find_credit_codes(N(f"统一社会信用代码：{wrong}"))
    assert (found.code, found.status) == (wrong, "invalid")
    assert found.labelled


def test_unlabelled_candidates_must_make_sense() -> None:
    # A resident ID number, a bank account, an invalid 18-character run: not codes.
    text = "身份证号：11010519491231002X\n账号：622202190000123456789\n编号ABCDEFGHJK12345678"
    assert codes(text) == []
    # A valid code anywhere is found, each once.
    assert codes(f"甲公司（{CODE}）与乙公司（{OTHER}）\n再提甲公司{CODE}") == [
        (CODE, "valid", 1),
        (OTHER, "valid", 1),
    ]


def test_code_candidates_unpack_as_triples() -> None:
    for code, status, line in find_credit_codes(f"统一社会信用代码:{CODE}"):
        assert (code, status, line) == (CODE, "valid", 1)


# --------------------------------------------------------------------------------------------
# Document numbers


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("（湘株醴）应急罚〔2023〕125号", "（湘株醴）应急罚〔2023〕125号"),
        ("(湘株醴)应急罚[2023]125号", "（湘株醴）应急罚〔2023〕125号"),
        ("（湘株醴）应急罚﹝2023﹞125号", "（湘株醴）应急罚〔2023〕125号"),
        ("（湘株醴）应急罚【2023】125号", "（湘株醴）应急罚〔2023〕125号"),
        ("（湘株醴）应急罚（2023）125号", "（湘株醴）应急罚〔2023〕125号"),
        ("〔湘株醴〕应急罚［2023］125号", "（湘株醴）应急罚〔2023〕125号"),
        ("（湘株醴）应急罚〔2023〕第125号", "（湘株醴）应急罚〔2023〕第125号"),
        ("( 湘株醴 ) 应急罚 〔 2023 〕 125 号", "（湘株醴）应急罚〔2023〕125号"),
        ("蓝应急责改〔2026〕3号", "蓝应急责改〔2026〕3号"),
        ("古港应急办-4", "古港应急办-4"),
        ("古港应急办－4", "古港应急办-4"),
        ("文号：醴应急检记〔2026〕12号", "醴应急检记〔2026〕12号"),
    ],
)
def test_doc_number_bracket_variants(printed: str, expected: str) -> None:
    text = N(f"醴陵市应急管理局\n行政处罚决定书\n{printed}\n当事人：某公司")
    found = find_doc_number(text)
    assert found is not None and found.value == expected
    assert found.line == 3


def test_doc_number_on_the_title_line() -> None:
    found = find_doc_number(N("行政处罚决定书  （湘株醴）应急罚〔2023〕125号\n当事人：某公司"))
    assert found is not None and found.value == "（湘株醴）应急罚〔2023〕125号"


def test_quoted_numbers_are_not_the_documents_own() -> None:
    text = N(
        "整改复查意见书\n（湘株醴）应急复查〔2023〕30号\n某某有限公司：\n"
        "本机关于2023年5月10日作出了（湘株醴）应急责改〔2023〕12号《责令限期整改指令书》，"
        "经复查，已整改完毕。"
    )
    assert find_doc_number(text).value == "（湘株醴）应急复查〔2023〕30号"
    assert [found.value for found in find_doc_numbers(text)] == [
        "（湘株醴）应急复查〔2023〕30号",
        "（湘株醴）应急责改〔2023〕12号",
    ]
    # Without a number of its own, a quoted one is not taken.
    body_only = N(
        "责令限期整改指令书\n某公司：\n根据（湘株醴）应急检记〔2023〕3号检查记录，你单位存在下列问题"
    )
    assert find_doc_number(body_only) is None


def test_doc_number_wrapped_in_the_body_is_found_whole() -> None:
    text = N("复查意见书\n某公司：\n本机关作出的（湘株醴）应急责改〔2023〕\n12号指令书")
    assert [found.value for found in find_doc_numbers(text)] == ["（湘株醴）应急责改〔2023〕12号"]


# --------------------------------------------------------------------------------------------
# Dates

_CN_DIGITS = "〇一二三四五六七八九"


def _cn_small(number: int) -> str:
    """1–31 in Chinese numerals, as documents write days and months (十一, 二十, 三十一)."""
    tens, ones = divmod(number, 10)
    text = ("" if tens == 1 else _CN_DIGITS[tens]) + "十" if tens else ""
    return text + (_CN_DIGITS[ones] if ones else "")


def _cn_year(year: int, zero: str) -> str:
    return "".join(zero if char == "0" else _CN_DIGITS[int(char)] for char in str(year))


dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31))


@given(dates, st.sampled_from(["〇", "○", "O", "零"]))
def test_chinese_numeral_dates(day: date, zero: str) -> None:
    text = f"{_cn_year(day.year, zero)}年{_cn_small(day.month)}月{_cn_small(day.day)}日"
    assert parse_chinese_date(text) == day


@given(
    dates,
    st.sampled_from(
        [
            "{y}年{m}月{d}日",
            "{y}-{m:02d}-{d:02d}",
            "{y}.{m}.{d}",
            "{y}/{m}/{d}",
            "{y} 年 {m} 月 {d} 日",
        ]
    ),
)
def test_arabic_dates(day: date, pattern: str) -> None:
    text = pattern.format(y=day.year, m=day.month, d=day.day)
    assert parse_chinese_date(f"于{text}前") == day
    assert parse_chinese_date(N(text)) == day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026年11月3日10时30分", datetime(2026, 11, 3, 10, 30)),
        ("2026年11月3日10时30分至12时00分", datetime(2026, 11, 3, 10, 30)),
        ("2026年11月3日 9:05", datetime(2026, 11, 3, 9, 5)),
        ("2026-11-03 14:00", datetime(2026, 11, 3, 14, 0)),
        ("2026年11月3日下午3时", datetime(2026, 11, 3, 15, 0)),
        ("二〇二六年十一月三日十时三十分", datetime(2026, 11, 3, 10, 30)),
        ("2026年11月3日", None),
    ],
)
def test_inspection_times(text: str, expected: datetime | None) -> None:
    assert parse_chinese_datetime(text) == expected


@pytest.mark.parametrize(
    "text", ["2026年2月30日", "2026年13月1日", "  年  月  日", "1234.5.6", "三十二日"]
)
def test_impossible_dates(text: str) -> None:
    assert parse_chinese_date(text) is None


def test_signature_date_skips_receipts_and_blanks() -> None:
    text = N(
        "行政处罚决定书\n正文……于2023年5月20日前……\n醴陵市应急管理局\n"
        "二〇二三年六月一日\n送达回执\n当事人签收：   2023年6月2日\n  年  月  日"
    )
    found = find_signature_date(text)
    assert found.value == date(2023, 6, 1) and found.line == 4
    assert find_signature_date(N("醴陵市应急管理局 2023年6月1日（印章）")).value == date(2023, 6, 1)
    assert find_signature_date("于2023年6月1日前整改完毕。") is None


# --------------------------------------------------------------------------------------------
# Fines

_CAPITALS = "零壹贰叁肆伍陆柒捌玖"


def _capital_group(number: int) -> str:
    """1–9999 in financial capitals, with 零 for inner zeros (壹仟零伍拾)."""
    text, zero = "", False
    for power, unit in ((1000, "仟"), (100, "佰"), (10, "拾"), (1, "")):
        digit = number // power % 10
        if digit == 0:
            zero = bool(text)
        else:
            text += ("零" if zero else "") + _CAPITALS[digit] + unit
            zero = False
    return text


def capitals(number: int) -> str:
    """A reference implementation of amounts in capitals: 20500 → 贰万零伍佰."""
    text, zero = "", False
    for group, big in (
        (number // 10**8 % 10**4, "亿"),
        (number // 10**4 % 10**4, "万"),
        (number % 10**4, ""),
    ):
        if group == 0:
            zero = bool(text)
            continue
        if text and (zero or group < 1000):
            text += "零"
        text += _capital_group(group) + big
        zero = False
    return text


def test_reference_capitals() -> None:
    assert capitals(20000) == "贰万"
    assert capitals(20500) == "贰万零伍佰"
    assert capitals(153000) == "壹拾伍万叁仟"
    assert capitals(100050000) == "壹亿零伍万"
    assert capitals(1010) == "壹仟零壹拾"


amounts = st.integers(min_value=1, max_value=999_999_999)


@given(amounts)
@settings(max_examples=300)
def test_fines_in_capitals(amount: int) -> None:
    assert chinese_to_int(capitals(amount)) == amount
    assert parse_fine(N(f"决定给予罚款人民币{capitals(amount)}元整的行政处罚。")) == amount


@given(amounts)
def test_fines_in_arabic_numerals(amount: int) -> None:
    assert parse_fine(N(f"处罚内容：罚款{amount}元")) == amount
    assert parse_fine(N(f"罚款（人民币）¥{amount:,}")) == amount
    assert parse_fine(N(f"罚款￥{amount:,}.00元")) == amount


@given(st.integers(min_value=1, max_value=99_999))
def test_fines_in_ten_thousands(tenths: int) -> None:
    """5.0万元 on publicity lists: tenths of 万 (1000 yuan) are exact."""
    wan = f"{tenths / 10:.1f}"
    assert parse_fine(N(f"罚款{wan}万元")) == tenths * 1000
    assert parse_fine(N(f"罚款金额（万元）：{wan}")) == tenths * 1000


@given(
    st.integers(min_value=1, max_value=9),
    st.integers(min_value=1, max_value=9),
    st.integers(min_value=1, max_value=999_999),
)
def test_statutory_range_is_never_the_fine(low: int, span: int, amount: int) -> None:
    high = low + span
    law = f"依据《中华人民共和国安全生产法》第九十七条规定，处{_CN_DIGITS[low] if low < 10 else low}万元以上{high}万元以下的罚款，"
    decision = f"决定给予罚款人民币{capitals(amount)}元整（¥{amount:,}）。"
    assert parse_fine(N(law + decision)) == amount
    assert parse_fine(N(law)) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("处罚内容：罚款人民币贰万元整。", 20000),
        ("罚款20000元", 20000),
        ("罚款¥20,000", 20000),
        ("罚款2万元", 20000),
        ("罚款5.0万元", 50000),
        ("人民币壹拾伍万叁仟元整", None),  # an amount, but not said to be a fine
        ("处罚内容：人民币壹拾伍万叁仟元整", 153000),
        ("罚款人民币贰万圆整", 20000),
        ("处二万元以上五万元以下的罚款", None),
        ("可以处五万元以下的罚款", None),
        ("处1万元至3万元的罚款", None),
        ("造成直接经济损失50万元。决定给予罚款人民币贰万元整。", 20000),
        ("没收违法所得5000元，并处罚款1万元", 10000),
        ("决定对你单位处以罚款人民币贰万元整；对主要负责人张三处以罚款人民币伍仟元整。", 20000),
        ("对你单位罚款2万元，对主要负责人罚款5000元，合计罚款2.5万元。", 25000),
        ("经查，你单位注册资本100万元。决定给予警告。", None),
        ("本机关决定不予行政处罚。", None),
        (
            "依据《安全生产法》第九十九条关于“处五万元以下的罚款；逾期未改正的，处五万元以上二十万元以下的罚款”的规定，"
            "拟对你单位作出如下行政处罚：罚款人民币叁万元整。",
            30000,
        ),
    ],
)
def test_fine_examples(text: str, expected: int | None) -> None:
    assert parse_fine(N(text)) == expected


def test_fine_wrapped_across_lines() -> None:
    assert (
        parse_fine(N("决定对你单位作出如下行政处罚：罚款人\n民币贰万元整（¥20,000\n.00）。"))
        == 20000
    )


@pytest.mark.parametrize(
    "bad", ["", "万", "万伍仟", "贰贰万", "仟佰", "壹佰仟", "壹佰伍", "贰万伍", "壹亿伍"]
)
def test_chinese_to_int_rejects_nonsense(bad: str) -> None:
    with pytest.raises(ValueError):
        chinese_to_int(bad)


# --------------------------------------------------------------------------------------------
# Labels, values, lists, titles


def test_label_value_forms() -> None:
    assert find_label_value(N("被处罚单位：醴陵市某某陶瓷有限公司"), UNIT_LABELS).value == (
        "醴陵市某某陶瓷有限公司"
    )
    spaced = N("被 处 罚 单 位 ： 醴陵市某某陶瓷有限公司   法 定 代 表 人：张三")
    assert find_label_value(spaced, UNIT_LABELS).value == "醴陵市某某陶瓷有限公司"
    assert find_label_value(spaced, LEGAL_REPRESENTATIVE_LABELS).value == "张三"
    next_line = find_label_value(N("当事人：\n醴陵市某某地址勘察有限公司\n地址：某地"), UNIT_LABELS)
    assert (next_line.value, next_line.line) == ("醴陵市某某地址勘察有限公司", 2)
    cells = N("单位名称 | 醴陵市某某陶瓷有限公司 | 负责人 | 张三")
    assert find_label_value(cells, UNIT_LABELS).value == "醴陵市某某陶瓷有限公司"
    assert find_label_value(cells, LEGAL_REPRESENTATIVE_LABELS).value == "张三"
    alias = N("当事人：醴陵市某某陶瓷有限公司（以下简称某某公司），统一社会信用代码：x")
    assert find_label_value(alias, UNIT_LABELS).value == "醴陵市某某陶瓷有限公司"
    address = N("地址：醴陵市陶瓷工业园8号  邮政编码：412200")
    assert find_label_value(address, ADDRESS_LABELS).value == "醴陵市陶瓷工业园8号"
    representative = N("法定代表人（负责人）：黄某某    职务：总经理")
    assert find_label_value(representative, LEGAL_REPRESENTATIVE_LABELS).value == "黄某某"


def test_pdf_table_rows_run_together() -> None:
    """pypdfium2 gives a table row as one line; normalisation removes the gaps."""
    row = N("被检查单位 醴陵市某某地址勘察有限公司 法定代表人 张三")
    assert row == "被检查单位醴陵市某某地址勘察有限公司法定代表人张三"
    unit = find_label_value(row, UNIT_LABELS, accept=looks_like_organisation)
    assert unit.value == "醴陵市某某地址勘察有限公司"
    person = find_label_value(row, LEGAL_REPRESENTATIVE_LABELS, accept=looks_like_person)
    assert person.value == "张三"


def test_sentences_are_not_labels() -> None:
    assert find_label_value(N("被检查单位应当于2023年5月1日前整改"), UNIT_LABELS) is None
    assert find_label_value(N("被检查单位：\n地址：某地"), UNIT_LABELS) is None


def test_every_occurrence() -> None:
    text = N("当事人：甲有限公司\n统一社会信用代码：x\n当事人：乙厂")
    assert [found.value for found in find_label_values(text, UNIT_LABELS)] == ["甲有限公司", "乙厂"]


def test_numbered_lists() -> None:
    assert find_numbered_items("1.未设置安全警示标志；\n2.安全出口被堵\n塞。") == [
        "未设置安全警示标志",
        "安全出口被堵塞",
    ]
    assert find_numbered_items("①灭火器过期；②消防通道堵塞。") == ["灭火器过期", "消防通道堵塞"]
    assert find_numbered_items("(1)甲\n(2)乙") == ["甲", "乙"]
    assert find_numbered_items("一、甲\n二、乙") == ["甲", "乙"]
    assert find_numbered_items("没有编号的一段话") == []
    text = N("经查，你单位存在下列问题：\n1.甲；\n2.乙。\n上述问题责令于2026年11月30日前整改完毕。")
    assert find_list(
        text, ("存在问题",), prose=__import__("re").compile("存在下列问题:")
    ).value == [
        "甲",
        "乙",
    ]


def test_titles() -> None:
    assert find_title(N("醴陵市应急管理局\n行 政 处 罚 决 定 书"), ["行政处罚决定书"]).value == (
        "行政处罚决定书"
    )
    assert find_title(N("醴陵市应急管理局\n行政处罚\n决定书"), ["行政处罚决定书"]) is not None
    quoted = N("整改复查意见书\n某公司：\n根据《责令限期整改指令书》")
    assert find_title(quoted, ["责令限期整改指令书"]) is None
    assert (
        find_title(N("不予行政处罚决定书"), ["行政处罚决定书"], exclude=["不予行政处罚决定书"])
        is None
    )


# -- a code another organisation's, named in the text ------------------------------------------

_PARTY, _CONTRACTOR = make_code(31), make_code(32)


@pytest.mark.parametrize(
    ("text", "mentioned"),
    [
        # a contractor in the facts, its code in brackets, the sentence going on
        (
            f"被处罚单位:蓝山县锦程烟花有限公司\n统一社会信用代码:{_PARTY}\n"
            "违法事实:经查,你单位将检修作业发包给不具备安全生产条件的蓝山县\n"
            f"到峰竹木制品有限公司(统一社会信用代码:{_CONTRACTOR})。以上事实有现场检查记录为证。",
            True,
        ),
        (f"经查,你单位与蓝山县乙有限公司({_CONTRACTOR})签订租赁合同", True),
        # a contract's other party, named by its role before the code's label
        (f"该厂房出租方统一社会信用代码为{_CONTRACTOR}，", True),
        (f"租赁合同载明出\n租方统一社会信用代码为{_CONTRACTOR}。", True),  # the role broken
        (f"合同中出租\n方统一社会信用代码为{_CONTRACTOR}。", True),
        # the name broken across lines inside 公司
        (
            f"经查,你单位将工程发包给永州市顺通建筑劳务有限公\n司(统一社会信用代码:{_CONTRACTOR})。",
            True,
        ),
        # the label broken across lines by OCR, the bracket read as 〈
        (
            f"检查时现场有蓝山县长青金属制品有限公司〈统一社会信用代\n码:{_CONTRACTOR})的施工人员",
            True,
        ),
        # parties: by their label, as the addressee, one of two parties named together
        (f"当事人:蓝山县乙有限公司(统一社会信用代码:{_CONTRACTOR})\n地址:蓝山县", False),
        (f"蓝应急责改〔2026〕3号\n蓝山县乙有限公司(统一社会信用代码:{_CONTRACTOR}):\n经查", False),
        (
            f"当事人:蓝山县甲有限公司(统一社会信用代码:{_PARTY})、蓝山县乙\n"
            f"有限公司(统一社会信用代码:{_CONTRACTOR})。",
            False,
        ),
        (f"当事人:蓝山县农机合作社(统一社会信用代码:{_CONTRACTOR})\n地址", False),
    ],
)
def test_a_code_in_brackets_after_another_organisation_in_the_text_is_a_mention(
    text: str, mentioned: bool
) -> None:
    from parsers.fields.codes import find_credit_codes

    found = {candidate.code: candidate.mentioned for candidate in find_credit_codes(text)}
    assert found[_CONTRACTOR] is mentioned
    assert found.get(_PARTY, False) is False


def test_a_mentioned_organisation_is_no_party_of_the_document() -> None:
    from parsers.base import Document
    from parsers.registry import parse_document

    text = "\n".join(
        [
            "蓝山县应急管理局",
            "当场处罚决定书",
            "(蓝)应急当罚〔2026〕34号",
            "被处罚单位:蓝山县锦程烟花有限公司",
            f"统一社会信用代码:{_PARTY}",
            "违法事实及证据:经查,你单位将检修作业发包给不具备安全生产条件的蓝山县",
            f"到峰竹木制品有限公司(统一社会信用代码:{_CONTRACTOR})。以上事实有现场检查记录为证。",
            "决定给予罚款人民币3000元的行政处罚。",
        ]
    )
    parsed = parse_document(Document(Path("决定书.pdf"), "pdf", normalise_text(text)))
    assert [named.credit_code for named in parsed.enterprises] == [_PARTY]
    assert any(_CONTRACTOR in note and "不是当事人" in note for note in parsed.warnings)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("(湘永蓝)应急罚〔2026〕7号、", "（湘永蓝）应急罚〔2026〕7号"),
        (",蓝应急检记字〔2026〕第28号", "蓝应急检记字〔2026〕第28号"),
        ("“蓝应急责改〔2026〕3号.", "蓝应急责改〔2026〕3号"),
        ("依据蓝应急责改〔2026〕3号、", None),  # quoted, not the document's own
        ("蓝应急罚〔2026〕7号、蓝应急罚〔2026〕8号", None),  # two numbers: neither stands alone
    ],
)
def test_a_doc_number_alone_under_the_title_with_a_stray_mark_is_the_document_s(
    line: str, expected: str | None
) -> None:
    """OCR puts a stray 、 or , beside a 文号 standing alone under the title: still its own."""
    from parsers.fields.doc_numbers import find_doc_number

    found = find_doc_number(f"蓝山县应急管理局\n行政处罚决定书\n{line}\n当事人:蓝山县某某有限公司")
    assert (found.value if found else None) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("[2026]松应急检记第9号", "〔2026〕松应急检记第9号"),
        ("〔2026〕松应急责改第3号", "〔2026〕松应急责改第3号"),
        ("(2026)松应急罚12号", "〔2026〕松应急罚12号"),
    ],
)
def test_a_doc_number_with_its_year_first_is_read(line: str, expected: str) -> None:
    """Some bureaus put the year first: 〔2026〕松应急责改第3号 under the title is the document's."""
    from parsers.fields.doc_numbers import find_doc_number

    found = find_doc_number(f"松阳县应急管理局\n责令限期整改指令书\n{line}\n松阳县某某有限公司:")
    assert found is not None and found.value == expected


def test_a_year_first_number_quoted_in_the_body_is_not_the_document_s() -> None:
    from parsers.fields.doc_numbers import find_doc_number

    text = "整改复查意见书\n松应急复查〔2026〕4号\n根据〔2026〕松应急责改第3号指令书，经复查"
    found = find_doc_number(text)
    assert found is not None and found.value == "松应急复查〔2026〕4号"


def test_a_label_s_signing_line_gives_no_name() -> None:
    """被处罚人(签名): at the foot is where the party signs: what OCR reads there is no name."""
    from parsers.fields.labels import UNIT_LABELS, find_label_values

    text = "被处罚人:松阳县水南街道顺发汽修厂\n经查……\n被处罚人(签名):人人\n被检查单位(盖章):某某"
    assert [found.value for found in find_label_values(text, UNIT_LABELS)] == [
        "松阳县水南街道顺发汽修厂"
    ]
