"""Reading a clerk's roster (archive/roster.py): xlsx and CSV, encodings, headers, problems."""

from __future__ import annotations

import csv
import datetime as dt
import io
import string
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive import roster as roster_module
from archive.errors import InputError
from archive.i18n import get_language, set_language
from archive.roster import (
    FIELDS,
    HEADER_ALIASES,
    OPTIONAL_FIELDS,
    REQUIRED,
    Roster,
    RosterProblem,
    field_for_header,
    normalise_header,
    read_roster,
)

HEADER = [
    "单位名称",
    "统一社会信用代码",
    "行业",
    "负责股室",
    "法定代表人",
    "联系电话",
    "地址",
    "所属乡镇",
]
ROW_A = [
    "蓝山县塔峰建材有限公司",
    "91431127MA4L8TQX3A",
    "工贸",
    "基础股",
    "张三",
    "13800000000",
    "蓝山县塔峰镇建设路1号",
    "塔峰镇",
]
ROW_B = [
    "蓝山县祠堂圩烟花爆竹零售店",
    "92431127MA4M0A1B2C",
    "烟花爆竹",
    "危化股",
    "李四",
    "0746-2212345",
    "蓝山县祠堂圩镇",
    "祠堂圩镇",
]


@pytest.fixture(autouse=True, scope="module")
def chinese_messages():
    previous = get_language()
    set_language("zh")
    yield
    set_language(previous)


# --- helpers ------------------------------------------------------------------------------


def csv_bytes(rows, encoding="utf-8", delimiter=",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def write_csv(path: Path, rows, encoding="utf-8", delimiter=",") -> Path:
    path.write_bytes(csv_bytes(rows, encoding, delimiter))
    return path


def write_xlsx(path: Path, rows, setup=None) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "名册"
    for row in rows:
        sheet.append(row)
    if setup is not None:
        setup(workbook, sheet)
    workbook.save(path)
    return path


def values(roster: Roster) -> list[list[str]]:
    return [[row.values[name] for name in FIELDS] for row in roster.rows]


def reasons(roster: Roster) -> list[str]:
    return [problem.reason for problem in roster.problems]


def only(roster: Roster, reason: str) -> RosterProblem:
    found = [problem for problem in roster.problems if problem.reason == reason]
    assert len(found) == 1, roster.problems
    return found[0]


# --- xlsx ---------------------------------------------------------------------------------


def test_xlsx_with_a_title_row_above_the_header(tmp_path):
    def merge_title(workbook, sheet):
        sheet.merge_cells("A1:H1")

    path = write_xlsx(
        tmp_path / "名册.xlsx", [["蓝山县重点企业名册"], HEADER, ROW_A, ROW_B], merge_title
    )
    roster = read_roster(path)
    assert roster.ok, roster.problems
    assert roster.format == "xlsx"
    assert roster.sheet == "名册"
    assert roster.header_row == 2
    assert roster.mapping == dict(zip(FIELDS, HEADER, strict=True))
    assert roster.ignored_columns == []
    assert [row.row for row in roster.rows] == [3, 4]
    assert values(roster) == [ROW_A, ROW_B]
    assert roster.encoding is None


def test_xlsx_header_up_to_the_tenth_row_but_not_below(tmp_path):
    titles = [[f"第{index}行说明"] for index in range(9)]
    roster = read_roster(write_xlsx(tmp_path / "a.xlsx", [*titles, HEADER, ROW_A]))
    assert roster.ok and roster.header_row == 10
    titles.append(["再一行说明"])
    roster = read_roster(write_xlsx(tmp_path / "b.xlsx", [*titles, HEADER, ROW_A]))
    assert reasons(roster) == ["missing_column", "missing_column"]
    assert roster.rows == []


def test_xlsx_first_visible_sheet(tmp_path):
    def hidden_first(workbook, sheet):
        sheet.sheet_state = "hidden"
        visible = workbook.create_sheet("二〇二四年")
        visible.append(HEADER)
        visible.append(ROW_B)

    path = write_xlsx(tmp_path / "a.xlsx", [HEADER, ROW_A], hidden_first)
    roster = read_roster(path)
    assert roster.ok
    assert roster.sheet == "二〇二四年"
    assert values(roster) == [ROW_B]


def test_formula_cells_are_reported_with_their_cell(tmp_path):
    def formulas(workbook, sheet):
        sheet["F3"] = '="138"&"00000000"'
        sheet["I3"] = "=ROW()-2"  # a 序号 column nobody reads: not a problem

    header = [*HEADER, "序号"]
    path = write_xlsx(tmp_path / "a.xlsx", [["名册"], header, ROW_A], formulas)
    roster = read_roster(path)
    problem = only(roster, "formula")
    assert (problem.row, problem.column) == (3, "F3")
    assert "F3" in problem.message and "选择性粘贴为数值" in problem.message
    assert reasons(roster) == ["formula"]
    assert roster.rows[0].values["phone"] == ""
    assert roster.ignored_columns == ["序号"]


def test_formula_in_a_required_cell_is_not_also_missing(tmp_path):
    def formula(workbook, sheet):
        sheet["A2"] = "=CONCATENATE(G2,H2)"

    roster = read_roster(write_xlsx(tmp_path / "a.xlsx", [HEADER, ROW_A], formula))
    assert reasons(roster) == ["formula"]
    assert roster.problems[0].column == "A2"


def test_merged_cells_touching_the_data_are_reported(tmp_path):
    rows = [["蓝山县重点企业名册"], HEADER, ROW_A, ROW_B, ["", *ROW_B[1:]]]

    def merge(workbook, sheet):
        sheet.merge_cells("A1:H1")  # the title: fine
        sheet.merge_cells("H4:H5")  # 所属乡镇 of two enterprises

    roster = read_roster(write_xlsx(tmp_path / "a.xlsx", rows, merge))
    problem = only(roster, "merged_cells")
    assert (problem.row, problem.column) == (4, "H4:H5")
    assert "H4:H5" in problem.message and "取消合并" in problem.message
    # Row 5 also lacks a name (its own problem), but not a second report for the merge.
    assert reasons(roster) == ["merged_cells", "missing_value"]


def test_merged_cells_in_columns_nobody_reads_are_fine(tmp_path):
    def merge(workbook, sheet):
        sheet.merge_cells("I2:I3")

    roster = read_roster(write_xlsx(tmp_path / "a.xlsx", [[*HEADER, "备注"], ROW_A, ROW_B], merge))
    assert roster.ok, roster.problems


def test_numbers_dates_and_phones_stored_as_numbers(tmp_path):
    row = [
        "蓝山县甲公司",
        "91431127MA4L8TQX3A",
        "工贸",
        dt.date(2024, 3, 1),
        dt.datetime(2024, 3, 1, 8, 30),
        13800000000,
        12.5,
        "塔峰镇",
    ]
    float_row = [*ROW_A[:5], 13912345678.0, 1e-05, 7.0]
    roster = read_roster(write_xlsx(tmp_path / "a.xlsx", [HEADER, row, float_row]))
    assert roster.ok, roster.problems
    first, second = roster.rows
    assert first.values["section"] == "2024-03-01"
    assert first.values["legal_representative"] == "2024-03-01 08:30:00"
    assert first.values["phone"] == "13800000000"
    assert first.values["address"] == "12.5"
    assert second.values["phone"] == "13912345678"
    assert second.values["address"] == "0.00001"
    assert second.values["town"] == "7"


def test_a_credit_code_stored_as_a_number_lost_its_digits(tmp_path):
    row = ["蓝山县甲公司", 911100006000373400, *ROW_A[2:]]
    roster = read_roster(write_xlsx(tmp_path / "a.xlsx", [HEADER, row]))
    problem = only(roster, "number_too_long")
    assert (problem.row, problem.column) == (2, "B2")
    assert "文本" in problem.message


def test_error_values(tmp_path):
    row = [*ROW_A[:5], "#N/A", *ROW_A[6:]]
    roster = read_roster(write_xlsx(tmp_path / "a.xlsx", [HEADER, row]))
    problem = only(roster, "error_value")
    assert problem.column == "F2" and "#N/A" in problem.message


def test_xlsx_spaces_and_full_width_characters(tmp_path):
    row = ["　蓝山县ＡＢＣ建材有限公司 ", "９１４３１１２７ＭＡ４Ｌ８ＴＱＸ３Ａ\n", *ROW_A[2:]]
    roster = read_roster(write_xlsx(tmp_path / "a.xlsx", [HEADER, row]))
    assert roster.ok
    # The name is kept as written (full-width ＡＢＣ); the code is an identifier, compacted.
    assert roster.rows[0].values["name"] == "蓝山县ＡＢＣ建材有限公司"
    assert roster.rows[0].values["credit_code"] == "91431127MA4L8TQX3A"


def test_xlsx_blank_rows_are_skipped(tmp_path):
    def styled_blank(workbook, sheet):
        sheet.cell(row=1000, column=1).number_format = "@"  # a formatted but empty cell

    rows = [HEADER, [], ROW_A, [None, "  ", None], ROW_B]
    roster = read_roster(write_xlsx(tmp_path / "a.xlsx", rows, styled_blank))
    assert roster.ok
    assert [row.row for row in roster.rows] == [3, 5]


def test_empty_workbook_and_header_only_workbook(tmp_path):
    roster = read_roster(write_xlsx(tmp_path / "empty.xlsx", []))
    assert reasons(roster) == ["empty_file"]
    roster = read_roster(write_xlsx(tmp_path / "header.xlsx", [["名册"], HEADER, [], []]))
    assert reasons(roster) == ["no_data_rows"]


def test_corrupt_xlsx_is_unreadable(tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    roster = read_roster(path)
    problem = only(roster, "unreadable")
    assert problem.message.startswith("无法打开 Excel 文件（")
    assert "另存为 .xlsx" in problem.message


def test_truncated_xlsx_is_unreadable(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", [HEADER, ROW_A]).read_bytes()
    path = tmp_path / "bad.xlsx"
    path.write_bytes(good[: len(good) // 2])
    assert reasons(read_roster(path)) == ["unreadable"]


def test_a_csv_that_is_really_an_xlsx(tmp_path):
    xlsx = write_xlsx(tmp_path / "a.xlsx", [HEADER, ROW_A])
    path = tmp_path / "名册.csv"
    path.write_bytes(xlsx.read_bytes())
    roster = read_roster(path)
    assert roster.ok and roster.format == "xlsx"
    assert values(roster) == [ROW_A]


def test_an_xlsx_that_is_really_a_csv(tmp_path):
    path = write_csv(tmp_path / "名册.xlsx", [HEADER, ROW_A])
    roster = read_roster(path)
    assert roster.ok and roster.format == "csv"
    assert values(roster) == [ROW_A]


def test_legacy_xls_signature(tmp_path):
    path = tmp_path / "名册.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    roster = read_roster(path)
    problem = only(roster, "unsupported_format")
    assert problem.row is None and "另存为 .xlsx" in problem.message
    assert not roster.ok


def test_password_protected_xlsx(tmp_path):
    path = tmp_path / "名册.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"))
    assert reasons(read_roster(path)) == ["encrypted"]


def test_html_disguised_as_xls(tmp_path):
    path = tmp_path / "导出.xls"
    path.write_text(
        "<html><body><table><tr><td>单位名称</td></tr></table></body></html>", encoding="utf-8"
    )
    problem = only(read_roster(path), "unsupported_format")
    assert "另存为 .xlsx" in problem.message


def test_other_zip_files(tmp_path):
    import zipfile

    path = tmp_path / "a.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    problem = only(read_roster(path), "unsupported_format")
    assert ".docx" in problem.message


# --- CSV ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gbk"), ("utf-16", "utf-16")],
)
def test_csv_encodings(tmp_path, encoding, expected):
    path = write_csv(tmp_path / "名册.csv", [HEADER, ROW_A, ROW_B], encoding)
    roster = read_roster(path)
    assert roster.ok, roster.problems
    assert roster.encoding == expected
    assert roster.format == "csv"
    assert values(roster) == [ROW_A, ROW_B]
    assert [row.row for row in roster.rows] == [2, 3]


def test_gb18030_characters_outside_gbk(tmp_path):
    row = ["蓝山县䶮记商行", *ROW_A[1:]]  # 䶮 (U+4DAE) is in GB 18030 only
    roster = read_roster(write_csv(tmp_path / "a.csv", [HEADER, row], "gb18030"))
    assert roster.ok
    assert roster.encoding == "gb18030"
    assert roster.rows[0].values["name"] == "蓝山县䶮记商行"


@pytest.mark.parametrize("delimiter", ["\t", ";", ","])
def test_delimiters(tmp_path, delimiter):
    row = ["蓝山县甲,乙;丙有限公司", *ROW_A[1:]]
    path = write_csv(tmp_path / "a.txt", [["名册"], HEADER, row], delimiter=delimiter)
    roster = read_roster(path)
    assert roster.ok, roster.problems
    assert roster.delimiter == delimiter
    assert values(roster) == [row]
    assert roster.header_row == 2


@pytest.mark.parametrize(
    ("encoding", "bad"),
    [("gbk", b"\xff\xfe\xff,x\r\n"), ("utf-8-sig", b"\xff,x\r\n"), ("utf-16", b"\x00\xd8")],
)
def test_bytes_invalid_in_every_encoding(tmp_path, encoding, bad):
    good = csv_bytes([HEADER, ROW_A], encoding)
    path = tmp_path / "a.csv"
    path.write_bytes(good + bad)
    roster = read_roster(path)
    problem = only(roster, "wrong_encoding")
    assert problem.row == 3
    assert f"第{len(good) + 1}个字节" in problem.message
    assert roster.rows == [] and roster.encoding is None


def test_a_damaged_byte_in_a_utf8_file_is_not_read_as_gbk(tmp_path):
    data = bytearray(csv_bytes([HEADER, ROW_A, ROW_B], "utf-8"))
    offset = data.index("祠".encode())
    data[offset + 1] = 0x41  # breaks the character 祠; GBK would "decode" the whole file
    path = tmp_path / "a.csv"
    path.write_bytes(bytes(data))
    problem = only(read_roster(path), "wrong_encoding")
    assert problem.row == 3


@pytest.mark.parametrize("content", [b"", b"   \r\n\r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n"])
def test_empty_csv(tmp_path, content):
    path = tmp_path / "a.csv"
    path.write_bytes(content)
    roster = read_roster(path)
    assert reasons(roster) == ["empty_file"]
    assert roster.problems[0].row is None


def test_header_only_csv(tmp_path):
    roster = read_roster(write_csv(tmp_path / "a.csv", [HEADER, [""] * 8, []]))
    assert reasons(roster) == ["no_data_rows"]
    assert roster.mapping["name"] == "单位名称"


def test_csv_blank_rows_are_skipped(tmp_path):
    path = tmp_path / "a.csv"
    text = "\r\n".join([",".join(HEADER), "", ",".join(ROW_A), ",,,,,,,", " , ", ",".join(ROW_B)])
    path.write_text(text + "\r\n", encoding="utf-8")
    roster = read_roster(path)
    assert roster.ok
    assert [row.row for row in roster.rows] == [3, 6]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_numbers_with_quoted_line_breaks(tmp_path, newline):
    address = "蓝山县塔峰镇\n建设路1号"
    rows = [HEADER, [*ROW_A[:6], address, ROW_A[7]], ["", *ROW_B[1:]]]
    text = csv_bytes(rows).decode().replace("\r\n", newline)
    path = tmp_path / "a.csv"
    path.write_text(text, encoding="utf-8", newline="")
    roster = read_roster(path)
    assert [row.row for row in roster.rows] == [2, 4]
    assert roster.rows[0].values["address"] == address
    problem = only(roster, "missing_value")
    assert problem.row == 4


def test_missing_name_or_code(tmp_path):
    rows = [HEADER, ["", *ROW_A[1:]], [ROW_B[0], "  ", *ROW_B[2:]], ["", "", "工贸"]]
    roster = read_roster(write_csv(tmp_path / "a.csv", rows))
    assert [(p.row, p.column, p.reason) for p in roster.problems] == [
        (2, "单位名称", "missing_value"),
        (3, "统一社会信用代码", "missing_value"),
        (4, "单位名称", "missing_value"),
        (4, "统一社会信用代码", "missing_value"),
    ]
    assert roster.problems[0].message == "第2行：“单位名称”为空"
    assert len(roster.rows) == 3
    assert roster.problem_rows == {2, 3, 4}


def test_missing_column_names_the_header_and_the_accepted_names(tmp_path):
    header = ["企业名称", "行业", "地址"]
    roster = read_roster(write_csv(tmp_path / "a.csv", [header, ["甲", "工贸", "蓝山"]]))
    problem = only(roster, "missing_column")
    assert problem.column == "统一社会信用代码"
    assert problem.row == 1
    assert "统一社会信用代码" in problem.message
    for alias in HEADER_ALIASES["credit_code"]:
        assert alias in problem.message
    assert roster.rows == [] and roster.mapping == {}


def test_both_required_columns_missing(tmp_path):
    roster = read_roster(write_csv(tmp_path / "a.csv", [["序号", "备注"], ["1", "x"]]))
    assert [(p.reason, p.column, p.row) for p in roster.problems] == [
        ("missing_column", "单位名称", None),
        ("missing_column", "统一社会信用代码", None),
    ]


def test_duplicate_header(tmp_path):
    header = ["单位名称", "统一社会信用代码", "企业名称"]
    rows = [header, ["甲公司", "91431127MA4L8TQX3A", "乙公司"]]
    roster = read_roster(write_csv(tmp_path / "a.csv", rows))
    problem = only(roster, "duplicate_header")
    assert (problem.row, problem.column) == (1, "企业名称")
    assert "单位名称" in problem.message
    assert roster.rows[0].values["name"] == "甲公司"
    assert roster.ignored_columns == []


def test_ignored_columns_and_header_aliases(tmp_path):
    header = [
        "序号",
        "企业名称*",
        "社会信用代码（必填）",
        "法人代表",
        "手机",
        "乡镇（街道）",
        "备注",
    ]
    row = ["1", "甲公司", "91431127MA4L8TQX3A", "王五", "13800000000", "所城镇", "无"]
    roster = read_roster(write_csv(tmp_path / "a.csv", [header, row]))
    assert roster.ok
    assert roster.ignored_columns == ["序号", "备注"]
    assert roster.mapping == {
        "name": "企业名称*",
        "credit_code": "社会信用代码（必填）",
        "legal_representative": "法人代表",
        "phone": "手机",
        "town": "乡镇（街道）",
    }
    assert roster.rows[0].values == {
        "name": "甲公司",
        "credit_code": "91431127MA4L8TQX3A",
        "industry": "",
        "section": "",
        "legal_representative": "王五",
        "phone": "13800000000",
        "address": "",
        "town": "所城镇",
    }


def test_english_field_names_as_headers(tmp_path):
    rows = [["Name", "CREDIT_CODE", "phone"], ["甲公司", "91431127MA4L8TQX3A", "1"]]
    roster = read_roster(write_csv(tmp_path / "a.csv", rows))
    assert roster.ok
    assert roster.mapping == {"name": "Name", "credit_code": "CREDIT_CODE", "phone": "phone"}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (alias, name)
        for name, aliases in HEADER_ALIASES.items()
        for alias in (*aliases, name, name.upper())
    ]
    + [
        ("＊单位名称", "name"),
        ("单位名称（必填）", "name"),
        ("单位名称(必填)*", "name"),
        ("单位\n名称", "name"),
        ("　统一社会信用代码　", "credit_code"),
        ("统一社会信用代码：", "credit_code"),
        ("负责股室(大队)", "section"),
        ("Credit Code", "credit_code"),
        ("备注", None),
        ("序号", None),
        ("", None),
    ],
)
def test_header_matching(header, expected):
    assert field_for_header(header) == expected


def test_aliases_are_unambiguous():
    seen: dict[str, str] = {}
    for name, aliases in HEADER_ALIASES.items():
        for alias in aliases:
            key = normalise_header(alias)
            assert seen.setdefault(key, name) == name, alias
    assert set(HEADER_ALIASES) == set(FIELDS) | set(OPTIONAL_FIELDS)
    assert set(REQUIRED) <= set(FIELDS)


def test_spaces_are_trimmed_and_full_width_characters_kept(tmp_path):
    row = [
        "\u3000蓝山县ＡＢＣ（湘南）有限公司\u200b ",
        " ９１４３１１２７ＭＡ４Ｌ８ＴＱＸ３Ａ\t",
        *ROW_A[2:],
    ]
    roster = read_roster(write_csv(tmp_path / "a.csv", [HEADER, row]))
    assert roster.ok
    assert roster.rows[0].values["name"] == "蓝山县ＡＢＣ（湘南）有限公司"  # as written
    assert roster.rows[0].values["credit_code"] == "91431127MA4L8TQX3A"


@pytest.mark.parametrize("char", ["\x00", "\x0b", "\x1f", "\ufffe", "\uffff"])
def test_characters_a_letter_cannot_hold(tmp_path, char):
    rows = [HEADER, [f"蓝山县{char}甲公司", *ROW_A[1:]], ROW_B]
    roster = read_roster(write_csv(tmp_path / "a.csv", rows))
    problem = only(roster, "invalid_character")
    assert (problem.row, problem.column) == (2, "单位名称")
    assert f"U+{ord(char):04X}" in problem.message
    assert len(roster.rows) == 2


def test_tabs_and_newlines_are_allowed(tmp_path):
    rows = [HEADER, ["蓝山县\t甲公司", *ROW_A[1:6], "一楼\r\n二楼", ROW_A[7]]]
    roster = read_roster(write_csv(tmp_path / "a.csv", rows))
    assert roster.ok, roster.problems


def test_scientific_notation_from_an_excel_export(tmp_path):
    rows = [HEADER, [ROW_A[0], "9.14311E+17", *ROW_A[2:5], "1.38E+10", *ROW_A[6:]]]
    roster = read_roster(write_csv(tmp_path / "a.csv", rows))
    assert [(p.reason, p.column) for p in roster.problems] == [
        ("scientific_notation", "统一社会信用代码"),
        ("scientific_notation", "联系电话"),
    ]


def test_too_many_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(roster_module, "MAX_ROWS", 5)
    rows = [HEADER] + [[f"公司{index}", f"CODE{index}"] for index in range(8)]
    roster = read_roster(write_csv(tmp_path / "a.csv", rows))
    problem = only(roster, "too_many_rows")
    assert problem.row == 7
    assert len(roster.rows) == 5


def test_a_field_larger_than_the_csv_limit_is_unreadable(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(",".join(HEADER) + "\n甲," + "x" * 200_000 + "\n", encoding="utf-8")
    problem = only(read_roster(path), "unreadable")
    assert problem.row == 2


# --- the file itself ----------------------------------------------------------------------


def test_a_missing_file_raises_input_error(tmp_path):
    path = tmp_path / "没有这个文件.xlsx"
    with pytest.raises(InputError) as caught:
        read_roster(path)
    assert str(path) in caught.value.message
    assert caught.value.hint


def test_a_folder_raises_input_error(tmp_path):
    with pytest.raises(InputError) as caught:
        read_roster(tmp_path)
    assert "文件夹" in caught.value.message


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.csv"
        path.write_bytes(data)
        roster = read_roster(path)
    assert all(problem.reason and problem.message for problem in roster.problems)
    for row in roster.rows:
        assert set(row.values) == set(FIELDS)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(alphabet=',"\n\t 单位名称统一社会信用代码ab=', max_size=12), max_size=30))
def test_arbitrary_csv_text_never_raises(cells):
    text = ",".join(["单位名称", "统一社会信用代码"]) + "\n" + ",".join(cells)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.csv"
        path.write_text(text, encoding="utf-8")
        read_roster(path)


# --- round trip -----------------------------------------------------------------------------

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
NAME_CHARACTERS = st.one_of(CJK, st.sampled_from(string.ascii_letters + string.digits + ' ,"()-'))
NAMES = st.text(NAME_CHARACTERS, min_size=1, max_size=30).filter(lambda name: name == name.strip())
CODES = st.text("0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=1, max_size=18)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(NAMES, CODES), min_size=1, max_size=20),
    st.sampled_from(["utf-8-sig", "gbk"]),
)
def test_round_trip_names_and_codes_through_csv(entries, encoding):
    rows = [["单位名称", "统一社会信用代码"], *[list(entry) for entry in entries]]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "名册.csv"
        path.write_bytes(csv_bytes(rows, encoding))
        roster = read_roster(path)
    assert roster.ok, roster.problems
    assert roster.encoding == encoding
    assert [(row.values["name"], row.values["credit_code"]) for row in roster.rows] == entries


# --- speed ----------------------------------------------------------------------------------


def big_rows(count: int) -> list[list[object]]:
    return [
        [
            f"蓝山县第{index}建材有限公司",
            f"91431127MA4L{index:06d}",
            "工贸",
            "基础股",
            "张三",
            13800000000 + index,
            "蓝山县塔峰镇建设路",
            "塔峰镇",
        ]
        for index in range(count)
    ]


# Speed is measured by bench/bench_register.py, not asserted here.
def test_a_10000_row_csv(tmp_path):
    path = write_csv(tmp_path / "a.csv", [HEADER, *big_rows(10_000)], "gbk")
    roster = read_roster(path)
    assert roster.ok and len(roster.rows) == 10_000


@pytest.mark.slow
def test_a_10000_row_xlsx(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [["名册"], HEADER, *big_rows(10_000)])
    roster = read_roster(path)
    assert roster.ok and len(roster.rows) == 10_000
    assert roster.rows[-1].values["phone"] == "13800009999"


# --- messages -------------------------------------------------------------------------------


# Every message's English is checked for all modules in tests/test_conventions.py.


def test_english_messages(tmp_path):
    path = write_csv(tmp_path / "a.csv", [HEADER, ["", *ROW_A[1:]]])
    set_language("en")
    try:
        roster = read_roster(path)
        with pytest.raises(InputError) as caught:
            read_roster(tmp_path / "missing.csv")
    finally:
        set_language("zh")
    assert roster.problems[0].message == "Row 2: “单位名称” is empty"
    assert caught.value.message.startswith("Roster file not found: ")
