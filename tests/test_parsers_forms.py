"""Returned letters and forms: ``commitment_letter``, ``monthly_report``, ``section_submission``.

Unit tests build :class:`~parsers.base.Document` objects by hand (text, tables, properties).
The round trip renders every template ingest reads back (the four commitment levels and the
two forms) with ``archive.letters.render``, fills it in the way a clerk does in Word
(python-docx: typing after the label, into the cell, over the printed blanks), saves it, and
parses the .docx, a PDF printed by LibreOffice (skipped when ``soffice`` is missing) and a PDF
written with reportlab holding the same lines of text.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.i18n import set_language
from archive.letters.catalog import (
    FORM_LABELS,
    LEVELS,
    MONTHLY_REPORT_TOPICS,
    TEMPLATES,
)
from parsers import commitment_letter, monthly_report, section_submission
from parsers.base import Document
from parsers.forms import (
    chinese_number,
    parse_date,
    parse_period,
    properties_serial,
)
from parsers.normalise import normalise_text
from parsers.section_submission import parse_copies
from tests.helpers import make_code, type_after_label, type_in_cell

ROOT = Path(__file__).resolve().parents[1]
CODE = make_code(4711)
NAME = "蓝山县塔峰镇示例化工有限公司"
SERIAL = "蓝应急诺〔2026〕0001号"
FORM_SERIAL = "蓝应急表〔2026〕0002号"
BLANK_DATE = "　　　　年　　月　　日"
PARSERS: dict[str, ModuleType] = {
    module.KIND: module for module in (commitment_letter, monthly_report, section_submission)
}


def make_doc(
    text: str,
    *,
    tables: list[list[list[str]]] | None = None,
    properties: dict[str, str] | None = None,
    media: str = "docx",
    normalise: bool = True,
) -> Document:
    """A Document as the text layer gives it (normalised unless told otherwise)."""
    return Document(
        path=Path(f"测试.{media}"),
        media=media,
        text=normalise_text(text) if normalise else text,
        raw_text=text,
        tables=[
            [[normalise_text(cell) for cell in row] for row in table] for table in tables or []
        ],
        properties=dict(properties or {}),
    )


def keywords(template: str, serial: str, code: str = "") -> dict[str, str]:
    """The properties credit's renderer writes."""
    return {
        "keywords": f"{template}; credit-serial:{serial};uscc:{code}",
        "identifier": serial,
    }


def takers(doc: Document) -> list[str]:
    return [kind for kind, module in PARSERS.items() if module.accepts(doc)]


# ============================================================================================
# Commitment letters, by hand


def unit_letter(
    signer: str = "",
    day: str = BLANK_DATE,
    *,
    title: str = "2026年度安全生产承诺书",
    serial: str | None = SERIAL,
    code: str = CODE,
) -> str:
    lines = [
        f"编号：{serial}　" if serial else "",
        title,
        "蓝山县应急管理局、社会各界及本单位全体员工：",
        "为认真贯彻落实《中华人民共和国安全生产法》等法律法规，本单位郑重承诺：",
        "一、严格执行安全生产各项法律法规、标准规范，绝不非法违法组织生产。",
        "本承诺书有效期为2026年1月1日至2026年12月31日。本承诺书一式三份。",
        f"承诺单位：{NAME}",
        f"统一社会信用代码：{code}",
        "单位（盖章）：",
        f"法定代表人（签字）：{signer}",
        f"日期：{day}",
    ]
    return "\n".join(lines)


# level → (title as the template prints it, header lines, signature blocks)
TWO_WAY = {
    "workshop": (
        "2026年度车间（部门）安全生产双向承诺书",
        ("车间（部门）名称", "车间（部门）负责人"),
        (("车间（部门）负责人（签字）：",), ("单位主要负责人（签字）：", "单位（盖章）：")),
    ),
    "team": (
        "2026年度班组安全生产双向承诺书",
        ("车间（部门）", "班组名称", "班组长"),
        (("班组长（签字）：",), ("车间（部门）负责人（签字）：",)),
    ),
    "post": (
        "2026年度岗位安全生产双向承诺书",
        ("车间（部门）", "班组", "岗位名称", "员工姓名"),
        (("岗位员工（签字）：",), ("班组长（签字）：",)),
    ),
}


def two_way_letter(
    level: str,
    committer: str = "",
    committer_date: str = BLANK_DATE,
    counter: str = "",
    counter_date: str = BLANK_DATE,
    *,
    header: dict[str, str] | None = None,
    title: str | None = None,
) -> str:
    default_title, header_labels, blocks = TWO_WAY[level]
    lines = [f"编号：{SERIAL}　", title or default_title]
    lines += [f"单位名称：{NAME}", f"统一社会信用代码：{CODE}"]
    lines += [f"{label}：{(header or {}).get(label, '　' * 8)}" for label in header_labels]
    lines += ["一、承诺", "（一）严格遵守安全生产规章制度。", "二、保障承诺", "（一）保障投入。"]
    lines.append("本承诺书有效期为2026年1月1日至2026年12月31日，一式两份。")
    for (first, *rest), name, day in zip(
        blocks, (committer, counter), (committer_date, counter_date), strict=True
    ):
        lines.append(first + name)
        lines.extend(rest)
        lines.append(f"日期：{day}")
    return "\n".join(lines)


@pytest.mark.parametrize("normalise", [True, False])
def test_unit_letter_signed(normalise: bool) -> None:
    doc = make_doc(unit_letter("张三", "2026年12月1日"), normalise=normalise)
    assert takers(doc) == ["commitment_letter"]
    parsed = commitment_letter.parse(doc)
    assert parsed.kind == "commitment_letter" and parsed.parser == "commitment_letter"
    assert parsed.reason == f"标题为“2026年度安全生产承诺书”，编号 {SERIAL}"
    values = parsed.values()
    assert values["serial"] == SERIAL
    assert values["level"] == "unit"
    assert values["year"] == 2026
    assert values["signer"] == "张三"
    assert values["sign_date"] == "2026-12-01"
    assert values["signed"] is True
    assert "counter_signed" not in values
    assert parsed.enterprise_name == NAME
    assert parsed.credit_code == CODE
    assert parsed.credit_code_status == "valid"
    assert parsed.warnings == []
    # lines: 1 编号, 2 title, 7 承诺单位, 8 code, 10 signer, 11 date
    lines = {name: found.line for name, found in parsed.fields.items()}
    assert lines["serial"] == 1 and lines["level"] == 2 and lines["year"] == 2
    assert lines["enterprise_name"] == 7 and lines["credit_code"] == 8
    assert lines["signer"] == 10 and lines["sign_date"] == 11
    assert parsed.fields["signer"].source == "法定代表人(签字):张三"


def test_unit_letter_unsigned_as_printed() -> None:
    parsed = commitment_letter.parse(make_doc(unit_letter()))
    assert parsed.get("signed") is False
    assert "signer" not in parsed.fields and "sign_date" not in parsed.fields
    assert parsed.get("serial") == SERIAL and parsed.get("level") == "unit"
    assert parsed.warnings == []


@pytest.mark.parametrize(
    ("signer", "day", "warns"),
    [
        ("张三", BLANK_DATE, False),  # signed, no date
        ("", "2026年12月1日", False),  # dated, nobody signed
        ("张三", "2026年　　月　　日", True),  # only the year
        ("张三", "2026年2月30日", True),  # no such day
        ("＿＿＿＿", "2026年12月1日", False),  # underlines are not a name
        ("/", "2026年12月1日", False),
    ],
)
def test_unit_letter_half_filled_is_not_signed(signer: str, day: str, warns: bool) -> None:
    parsed = commitment_letter.parse(make_doc(unit_letter(signer, day)))
    assert parsed.get("signed") is False
    assert bool(parsed.warnings) is warns
    if warns:
        assert "无法识别" in parsed.warnings[0]


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("2026年12月1日", "2026-12-01"),
        ("2026年12月01日", "2026-12-01"),
        ("2026.12.1", "2026-12-01"),
        ("2026-12-01", "2026-12-01"),
        ("2026/12/1", "2026-12-01"),
        ("２０２６年１２月１日", "2026-12-01"),  # full-width digits
        ("　2026　年　12　月　1　日", "2026-12-01"),  # typed into the printed blanks
        ("二〇二六年十二月一日", "2026-12-01"),
        ("二零二六年十二月一日", "2026-12-01"),
        ("二○二六年十一月三十日", "2026-11-30"),  # ○ (white circle) for zero
        ("二〇二六年十二月三十一日", "2026-12-31"),
        ("二〇二六年一月二十一日", "2026-01-21"),
        ("2026年12月1号", "2026-12-01"),
    ],
)
def test_sign_date_formats(written: str, iso: str) -> None:
    parsed = commitment_letter.parse(make_doc(unit_letter("张三", written)))
    assert parsed.get("sign_date") == iso
    assert parsed.get("signed") is True


def test_date_and_number_helpers() -> None:
    assert parse_date(BLANK_DATE) is None and parse_date("") is None
    assert parse_date("2026年13月1日") is None
    assert parse_date("20261201").isoformat() == "2026-12-01"
    assert chinese_number("二十") == 20 and chinese_number("卅一") == 31
    assert chinese_number("十五") == 15 and chinese_number("两") == 2
    assert chinese_number("abc") is None


@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("2026年度安全生产承诺书", "unit"),
        ("安全生产承诺书（单位）", "unit"),  # the catalog's titles
        ("安全生产双向承诺书（车间/部门）", "workshop"),
        ("安全生产双向承诺书（班组）", "team"),
        ("安全生产双向承诺书（岗位）", "post"),
        ("2026年度车间（部门）安全生产双向承诺书", "workshop"),  # the templates' titles
        ("2026年度班组安全生产双向承诺书", "team"),
        ("2026年度岗位安全生产双向承诺书", "post"),
        ("2026 年度部门安全生产承诺书", "workshop"),
        ("安 全 生 产 承 诺 书", "unit"),  # letter-spaced
    ],
)
def test_level_from_the_title(title: str, level: str) -> None:
    parsed = commitment_letter.parse(make_doc(unit_letter(title=title)))
    assert parsed.get("level") == level
    assert parsed.fields["level"].line == 2


def test_level_from_properties_and_signature_labels() -> None:
    # A two-way title without a level: the template in the properties says which.
    text = two_way_letter("team", title="2026年度安全生产双向承诺书")
    parsed = commitment_letter.parse(
        make_doc(text, properties=keywords("commitment_team", SERIAL, CODE))
    )
    assert parsed.get("level") == "team"
    assert parsed.fields["level"].source == "properties"
    # Without properties: the first signature block's label.
    parsed = commitment_letter.parse(make_doc(text))
    assert parsed.get("level") == "team"


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("2026年度安全生产承诺书", 2026),
        ("二〇二七年度安全生产承诺书", 2027),
        ("2026 年度岗位安全生产双向承诺书", 2026),
    ],
)
def test_year(title: str, year: int) -> None:
    assert commitment_letter.parse(make_doc(unit_letter(title=title))).get("year") == year


def test_year_from_the_validity_when_the_title_has_none() -> None:
    parsed = commitment_letter.parse(make_doc(unit_letter(title="安全生产承诺书")))
    assert parsed.get("year") == 2026
    assert parsed.fields["year"].line == 6


@pytest.mark.parametrize("level", ["workshop", "team", "post"])
def test_two_way_letters(level: str) -> None:
    both = commitment_letter.parse(
        make_doc(two_way_letter(level, "李四", "2026年12月1日", "张三", "2026年12月2日"))
    )
    values = both.values()
    assert values["level"] == level and values["year"] == 2026
    assert values["signer"] == "李四" and values["sign_date"] == "2026-12-01"
    assert values["counter_signer"] == "张三" and values["counter_sign_date"] == "2026-12-02"
    assert values["signed"] is True and values["counter_signed"] is True
    assert both.warnings == []

    only_committer = commitment_letter.parse(
        make_doc(two_way_letter(level, "李四", "2026年12月1日"))
    )
    assert only_committer.get("signed") is True
    assert only_committer.get("counter_signed") is False
    assert only_committer.warnings == ["双向承诺书的另一方尚未签字或未填日期"]

    only_counter = commitment_letter.parse(
        make_doc(two_way_letter(level, "", BLANK_DATE, "张三", "2026年12月2日"))
    )
    assert only_counter.get("signed") is False
    assert "signer" not in only_counter.fields
    assert only_counter.get("counter_signer") == "张三"

    blank = commitment_letter.parse(make_doc(two_way_letter(level)))
    assert blank.get("signed") is False and blank.get("counter_signed") is False
    assert blank.get("level") == level


def test_header_lines_of_a_post_letter() -> None:
    header = {
        "车间（部门）": "合成车间",
        "班组": "甲班",
        "岗位名称": "反应釜操作",
        "员工姓名": "王五",
    }
    parsed = commitment_letter.parse(
        make_doc(two_way_letter("post", "王五", "2026年12月1日", header=header))
    )
    assert parsed.get("department") == "合成车间"
    assert parsed.get("team") == "甲班"
    assert parsed.get("post") == "反应釜操作"
    assert parsed.get("person") == "王五"
    blank = commitment_letter.parse(make_doc(two_way_letter("post")))
    assert not {"department", "team", "post", "person"} & set(blank.fields)


def test_name_on_the_next_line_and_name_with_date_on_one_line() -> None:
    text = unit_letter().replace("法定代表人（签字）：", "法定代表人（签字）：\n张 三")
    parsed = commitment_letter.parse(make_doc(text))
    assert parsed.get("signer") == "张三"
    assert parsed.fields["signer"].line == 10
    assert parsed.get("signed") is False  # still no date

    text = unit_letter().replace(
        f"法定代表人（签字）：\n日期：{BLANK_DATE}",
        "法定代表人（签字）：张三　　日期：2026年12月1日",
    )
    parsed = commitment_letter.parse(make_doc(text))
    assert parsed.get("signer") == "张三" and parsed.get("sign_date") == "2026-12-01"
    assert parsed.get("signed") is True

    # The line after a blank signature is the date line, not a name.
    parsed = commitment_letter.parse(make_doc(unit_letter()))
    assert "signer" not in parsed.fields


def test_serial_from_properties_first() -> None:
    props = keywords("commitment_unit", SERIAL, CODE)
    parsed = commitment_letter.parse(make_doc(unit_letter(), properties=props))
    assert parsed.get("serial") == SERIAL
    assert parsed.fields["serial"].line == 1  # the printed serial agrees
    assert parsed.warnings == []

    other = "蓝应急诺〔2026〕0099号"
    parsed = commitment_letter.parse(make_doc(unit_letter(serial=other), properties=props))
    assert parsed.get("serial") == SERIAL
    assert parsed.fields["serial"].line is None
    assert parsed.warnings == [
        f"文档属性中的编号 {SERIAL} 与正文中的编号 {other} 不一致",
    ]

    # No printed serial: the properties alone make it ours.
    doc = make_doc(unit_letter(serial=None), properties=props)
    assert commitment_letter.accepts(doc)
    assert commitment_letter.parse(doc).get("serial") == SERIAL


@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        ({"keywords": f"commitment_unit; credit-serial:{SERIAL};uscc:{CODE}"}, (SERIAL, CODE)),
        # LibreOffice's PDF keywords: separators become commas
        ({"Keywords": f"commitment_unit, credit-serial, {SERIAL}, uscc, {CODE}"}, (SERIAL, CODE)),
        ({"keywords": f"credit-serial:{SERIAL};uscc:"}, (SERIAL, None)),
        ({"identifier": SERIAL}, (SERIAL, None)),
        ({"keywords": "commitment_unit", "identifier": ""}, (None, None)),  # the bare template
        ({}, (None, None)),
    ],
)
def test_properties_serial(properties: dict[str, str], expected: tuple) -> None:
    assert properties_serial(properties) == expected


def test_printed_serial_with_pdf_spacing_and_other_formats() -> None:
    text = unit_letter().replace(f"编号：{SERIAL}", "编号：蓝应急诺〔2026〕0001 号")
    assert commitment_letter.parse(make_doc(text)).get("serial") == SERIAL
    text = unit_letter(serial="LS-CN-2026-0042")
    assert commitment_letter.parse(make_doc(text)).get("serial") == "LS-CN-2026-0042"


def test_code_from_properties_when_the_text_has_none() -> None:
    text = unit_letter().replace(f"统一社会信用代码：{CODE}", "统一社会信用代码：")
    parsed = commitment_letter.parse(
        make_doc(text, properties=keywords("commitment_unit", SERIAL, CODE))
    )
    assert parsed.credit_code == CODE and parsed.credit_code_status == "valid"
    assert parsed.fields["credit_code"].line is None

    other = make_code(4712)
    parsed = commitment_letter.parse(
        make_doc(unit_letter(code=other), properties=keywords("commitment_unit", SERIAL, CODE))
    )
    assert parsed.credit_code == other
    assert "不一致" in parsed.warnings[0]


@pytest.mark.parametrize(
    ("code", "status"),
    [(CODE[:14] + "XXXX", "masked"), (CODE[:17] + ("0" if CODE[17] != "0" else "1"), "invalid")],
)
def test_code_status(code: str, status: str) -> None:
    parsed = commitment_letter.parse(make_doc(unit_letter(code=code)))
    assert parsed.credit_code == code
    assert parsed.credit_code_status == status


def test_a_long_name_wrapped_in_a_pdf() -> None:
    long_name = "蓝山县塔峰镇示例化工有限公司" * 3
    text = unit_letter().replace(
        f"承诺单位：{NAME}", f"承诺单位：{long_name[:23]}\n{long_name[23:]}"
    )
    parsed = commitment_letter.parse(make_doc(text, media="pdf"))
    assert parsed.enterprise_name == long_name


@pytest.mark.parametrize(
    "text",
    [
        "编号：蓝应急告〔2026〕0003号\n安全生产不良信用记录告知书\n你单位违反安全生产承诺书的承诺。",
        "编号：蓝应急告〔2026〕0003号\n约谈通知书\n本承诺书",
        "",
        "承诺书",
    ],
)
def test_commitment_parser_declines(text: str) -> None:
    assert commitment_letter.accepts(make_doc(text)) is None


def test_accepts_never_raises() -> None:
    odd = make_doc("编号：1\n承诺书", properties={"keywords": None, 3: "x"})  # type: ignore[dict-item]
    for module in PARSERS.values():
        module.accepts(odd)
    assert commitment_letter.accepts(odd) is not None


def test_reason_in_english() -> None:
    set_language("en")
    try:
        reason = commitment_letter.accepts(make_doc(unit_letter()))
    finally:
        set_language("zh")
    assert reason == f"titled “2026年度安全生产承诺书”, serial {SERIAL}"


# ============================================================================================
# Monthly report, by hand

REPORT_LABELS = FORM_LABELS["form_monthly_report"]


def report_rows(
    topics: dict[str, str] | None = None,
    *,
    period: str = "2026年11月",
    reporter: str = "王五",
    phone: str = "0746-2212345",
    signer: str = "张三",
    day: str = "2026年12月2日",
) -> list[list[str]]:
    values = {
        "单位名称": NAME,
        "统一社会信用代码": CODE,
        "报告期间": period,
        "填报人": reporter,
        "联系电话": phone,
        "单位负责人（签字）": signer,
        "日期": day,
        **(topics or {}),
    }
    return [[label, values.get(label, "")] for label in REPORT_LABELS]


REPORT_HEAD = f"编号：{FORM_SERIAL}　\n安全生产诚信履行情况报告表"
REPORT_NOTE = "填报说明：\n1．本表由生产经营单位按月填报。"
ALL_TOPICS = {
    topic: f"本月{topic}方面开展工作{number}项，已落实。"
    for number, topic in enumerate(MONTHLY_REPORT_TOPICS, 1)
}


def report_doc(rows: list[list[str]], *, tables: bool = True, **kwargs) -> Document:
    """As from a .docx (``label | value`` lines and the table) or, ``tables=False``, text only."""
    lines = [" | ".join(cell for cell in row if cell.strip()) for row in rows]
    text = "\n".join([REPORT_HEAD, *lines, REPORT_NOTE])
    return make_doc(text, tables=[rows] if tables else None, **kwargs)


@pytest.mark.parametrize("tables", [True, False])
def test_monthly_report_filled_and_signed(tables: bool) -> None:
    doc = report_doc(report_rows(ALL_TOPICS), tables=tables)
    assert takers(doc) == ["monthly_report"]
    parsed = monthly_report.parse(doc)
    values = parsed.values()
    assert values["serial"] == FORM_SERIAL
    assert values["period"] == "2026-11"
    assert values["topics"] == {
        topic: {"filled": True, "text": normalise_text(text)} for topic, text in ALL_TOPICS.items()
    }
    assert list(values["topics"]) == list(MONTHLY_REPORT_TOPICS)
    assert values["topics_filled"] == 7 and values["topics_missing"] == []
    assert values["reporter"] == "王五" and values["phone"] == "0746-2212345"
    assert values["signer"] == "张三" and values["sign_date"] == "2026-12-02"
    assert values["signed"] is True
    assert parsed.enterprise_name == NAME and parsed.credit_code == CODE
    assert parsed.warnings == []
    lines = {name: found.line for name, found in parsed.fields.items()}
    assert lines["serial"] == 1 and lines["enterprise_name"] == 3 and lines["period"] == 5
    assert lines["topics"] == 6 and lines["reporter"] == 13 and lines["sign_date"] == 16


@pytest.mark.parametrize("tables", [True, False])
def test_blank_slash_dash_are_empty_but_wu_is_an_answer(tables: bool) -> None:
    topics = {
        MONTHLY_REPORT_TOPICS[0]: "无",
        MONTHLY_REPORT_TOPICS[1]: "/",
        MONTHLY_REPORT_TOPICS[2]: "——",
        MONTHLY_REPORT_TOPICS[3]: "",
        MONTHLY_REPORT_TOPICS[4]: "暂无",
        MONTHLY_REPORT_TOPICS[5]: "＿＿＿",
        MONTHLY_REPORT_TOPICS[6]: "本月无。",
    }
    parsed = monthly_report.parse(report_doc(report_rows(topics), tables=tables))
    filled = {topic: entry["filled"] for topic, entry in parsed.get("topics").items()}
    assert filled == {
        MONTHLY_REPORT_TOPICS[0]: True,
        MONTHLY_REPORT_TOPICS[1]: False,
        MONTHLY_REPORT_TOPICS[2]: False,
        MONTHLY_REPORT_TOPICS[3]: False,
        MONTHLY_REPORT_TOPICS[4]: True,
        MONTHLY_REPORT_TOPICS[5]: False,
        MONTHLY_REPORT_TOPICS[6]: True,
    }
    assert parsed.get("topics")[MONTHLY_REPORT_TOPICS[0]]["text"] == "无"
    assert parsed.get("topics_filled") == 3
    assert parsed.get("topics_missing") == [MONTHLY_REPORT_TOPICS[i] for i in (1, 2, 3, 5)]


@pytest.mark.parametrize(
    ("signer", "day", "signed"),
    [
        ("张三", "2026年12月2日", True),
        ("张三", BLANK_DATE, False),
        ("", "2026年12月2日", False),
        ("", BLANK_DATE, False),
        ("张三", "二〇二六年十二月二日", True),
    ],
)
def test_monthly_report_signature(signer: str, day: str, signed: bool) -> None:
    for tables in (True, False):
        parsed = monthly_report.parse(
            report_doc(report_rows(ALL_TOPICS, signer=signer, day=day), tables=tables)
        )
        assert parsed.get("signed") is signed
        assert ("signer" in parsed.fields) is bool(signer)


@pytest.mark.parametrize(
    ("written", "period"),
    [
        ("2026年11月", "2026-11"),
        ("2026 年 11 月", "2026-11"),
        ("2026-11", "2026-11"),
        ("2026.11", "2026-11"),
        ("2026/11", "2026-11"),
        ("二〇二六年十一月", "2026-11"),
        ("2026年11月份", "2026-11"),
        ("2026年11月1日至2026年11月30日", "2026-11"),
        ("２０２６年１１月", "2026-11"),
    ],
)
def test_period_formats(written: str, period: str) -> None:
    assert parse_period(written) == period
    parsed = monthly_report.parse(report_doc(report_rows(ALL_TOPICS, period=written)))
    assert parsed.get("period") == period


def test_unreadable_period_is_a_warning_and_absent() -> None:
    parsed = monthly_report.parse(report_doc(report_rows(ALL_TOPICS, period="本月")))
    assert "period" not in parsed.fields
    assert parsed.warnings == ["报告期间“本月”无法识别"]


def test_monthly_report_as_pdf_lines() -> None:
    """LibreOffice's PDF: long labels wrap over lines, values over several, page numbers."""
    text = "\n".join(
        [
            "编号：蓝应急表〔2026〕0002 号　",
            "安全生产诚信履行情况报告表",
            f"单位名称 {NAME}",
            f"统一社会信用代码 {CODE}",
            "报告期间 2026 年 11 月",
            "落实安全生产责任和管",
            "理制度",
            "本月修订安全生产责任制，签订",
            "责任书 45 份。",
            "安全投入",
            "本月投入 12 万元，用于更换",
            "消防器材。",
            "安全培训 无",
            "安全生产标准化建设 /",
            "— 1 —",
            "安全生产风险分级管控",
            "和隐患排查治理双重预",
            "防体系建设",
            "本月排查隐患 3 项，已整改 3 项。",
            "职业病防治",
            "应急管理",
            "组织应急演练 1 次。",
            "填报人 王五",
            "联系电话 0746-2212345",
            "单位负责人（签字） 张三",
            "日期 2026 年 12 月 2 日",
            "填报说明：",
            "1．本表由生产经营单位按月填报。",
            "— 2 —",
        ]
    )
    doc = make_doc(text, media="pdf")
    assert takers(doc) == ["monthly_report"]
    parsed = monthly_report.parse(doc)
    topics = parsed.get("topics")
    assert topics[MONTHLY_REPORT_TOPICS[0]] == {
        "filled": True,
        "text": "本月修订安全生产责任制,签订责任书 45 份。",
    }
    assert topics[MONTHLY_REPORT_TOPICS[1]]["text"] == "本月投入 12 万元,用于更换消防器材。"
    assert topics[MONTHLY_REPORT_TOPICS[2]] == {"filled": True, "text": "无"}
    assert topics[MONTHLY_REPORT_TOPICS[3]] == {"filled": False, "text": "/"}
    assert topics[MONTHLY_REPORT_TOPICS[4]]["text"] == "本月排查隐患 3 项,已整改 3 项。"
    assert topics[MONTHLY_REPORT_TOPICS[5]] == {"filled": False, "text": ""}
    assert parsed.get("topics_missing") == [MONTHLY_REPORT_TOPICS[3], MONTHLY_REPORT_TOPICS[5]]
    assert parsed.get("serial") == FORM_SERIAL
    assert parsed.get("period") == "2026-11"
    assert parsed.get("signer") == "张三" and parsed.get("sign_date") == "2026-12-02"
    assert parsed.get("signed") is True
    assert parsed.fields["signer"].line == 25
    assert parsed.credit_code == CODE


def test_a_missing_topic_row_is_a_warning() -> None:
    rows = [row for row in report_rows(ALL_TOPICS) if row[0] != "职业病防治"]
    parsed = monthly_report.parse(report_doc(rows))
    assert parsed.get("topics")["职业病防治"] == {"filled": False, "text": ""}
    assert parsed.get("topics_missing") == ["职业病防治"]
    assert parsed.warnings == ["找不到“职业病防治”一栏"]


def test_monthly_report_accepts() -> None:
    # Without a serial, the form's rows still make it one.
    text = "安全生产诚信履行情况报告表\n" + "\n".join(
        " ".join(row) for row in report_rows(ALL_TOPICS)
    )
    assert monthly_report.accepts(make_doc(text)) == (
        "标题为“安全生产诚信履行情况报告表”，有报告表的栏目"
    )
    # The reminder notice names the form in its text, but is not it.
    reminder = (
        f"编号：蓝应急告〔2026〕0005号\n安全生产诚信履行情况报告催报通知\n{NAME}：\n"
        "请你单位按《安全生产诚信履行情况报告表》的要求如实填报。"
    )
    assert takers(make_doc(reminder)) == []
    assert monthly_report.accepts(make_doc("安全生产诚信履行情况报告表")) is None
    assert monthly_report.accepts(make_doc(unit_letter())) is None


# ============================================================================================
# Section submission slip, by hand

SLIP_LABELS = FORM_LABELS["form_section_submission"]


def slip_tables(
    items: list[list[str]],
    *,
    section: str = "危化股",
    month: str = "2026年11月",
    submitter: str = "赵六",
    receiver: str = "钱七",
    day: str = "2026年11月30日",
) -> list[list[list[str]]]:
    rows = [[str(n), *(items[n - 1] if n <= len(items) else ["", "", ""])] for n in range(1, 9)]
    return [
        [[SLIP_LABELS[0], section], [SLIP_LABELS[1], month]],
        [["序号", "资料名称", "份数", "备注"], *rows],
        [[SLIP_LABELS[2], submitter], [SLIP_LABELS[3], receiver], [SLIP_LABELS[4], day]],
    ]


def slip_text(tables: list[list[list[str]]], separator: str = " ") -> str:
    lines = [f"编号：{FORM_SERIAL}　", "安全生产诚信体系建设资料报送单"]
    for table in tables:
        lines.extend(separator.join(cell for cell in row if cell.strip()) for row in table)
        lines.append("")
    lines.append("说明：各股室（大队）于每月月底前将相关资料连同本单报送政策法规股备案。")
    return "\n".join(lines)


ITEMS = [
    ["现场检查记录", "12", "11月份"],
    ["责令限期整改指令书", "3份", ""],
    ["", "", ""],
    ["2026年11月隐患排查台账", "1", "补报10月"],
]
EXPECTED_ITEMS = [
    {"name": "现场检查记录", "copies": 12, "note": "11月份"},
    {"name": "责令限期整改指令书", "copies": 3, "note": None},
    {"name": "2026年11月隐患排查台账", "copies": 1, "note": "补报10月"},
]


@pytest.mark.parametrize("source", ["tables", "docx-lines", "pdf-lines"])
def test_section_submission(source: str) -> None:
    tables = slip_tables(ITEMS)
    if source == "tables":
        doc = make_doc(slip_text(tables, " | "), tables=tables)
    elif source == "docx-lines":
        doc = make_doc(slip_text(tables, " | "))
    else:
        doc = make_doc(slip_text(tables).replace("2026年11月", "2026 年 11 月"), media="pdf")
    assert takers(doc) == ["section_submission"]
    parsed = section_submission.parse(doc)
    values = parsed.values()
    assert values["serial"] == FORM_SERIAL
    assert values["section"] == "危化股"
    assert values["period"] == "2026-11"
    expected = EXPECTED_ITEMS
    if source == "pdf-lines":
        expected = [dict(item) for item in EXPECTED_ITEMS]
        expected[2]["name"] = "2026 年 11 月隐患排查台账"
    assert values["items"] == expected
    assert values["submitter"] == "赵六" and values["receiver"] == "钱七"
    assert values["sign_date"] == "2026-11-30" and values["signed"] is True
    assert parsed.enterprises == [] and parsed.credit_code is None
    assert parsed.warnings == []
    assert parsed.fields["section"].line == 3 and parsed.fields["items"].line == 6  # the header


@pytest.mark.parametrize(
    ("submitter", "receiver", "day", "signed"),
    [
        ("赵六", "钱七", "2026年11月30日", True),
        ("赵六", "", "2026.11.30", True),  # the receiver's acknowledgement is not the signature
        ("", "钱七", "2026年11月30日", False),
        ("赵六", "", BLANK_DATE, False),
    ],
)
def test_section_submission_signature(
    submitter: str, receiver: str, day: str, signed: bool
) -> None:
    tables = slip_tables(ITEMS, submitter=submitter, receiver=receiver, day=day)
    for doc in (make_doc(slip_text(tables, " | "), tables=tables), make_doc(slip_text(tables))):
        parsed = section_submission.parse(doc)
        assert parsed.get("signed") is signed
        assert parsed.get("receiver") == (receiver or None)


def test_section_submission_unfilled_and_odd_copies() -> None:
    tables = slip_tables([], submitter="", receiver="", day=BLANK_DATE)
    parsed = section_submission.parse(make_doc(slip_text(tables, " | "), tables=tables))
    assert parsed.get("items") == [] and parsed.get("signed") is False
    assert parsed.get("section") == "危化股" and parsed.get("period") == "2026-11"

    tables = slip_tables([["培训记录", "若干", ""], ["台账", "三份", ""]])
    parsed = section_submission.parse(make_doc(slip_text(tables, " | "), tables=tables))
    assert parsed.get("items") == [
        {"name": "培训记录", "copies": None, "note": None},
        {"name": "台账", "copies": 3, "note": None},
    ]
    assert parsed.warnings == ["第1行的份数“若干”不是数字"]
    assert parse_copies("12 份") == 12 and parse_copies("") is None


def test_section_submission_accepts() -> None:
    reminder = (
        "编号：蓝应急告〔2026〕0006号\n安全生产诚信体系建设资料催报通知\n危化股：\n"
        "请填写《安全生产诚信体系建设资料报送单》。"
    )
    assert takers(make_doc(reminder)) == []
    tables = slip_tables(ITEMS)
    no_serial = slip_text(tables, " | ").split("\n", 1)[1]
    assert section_submission.accepts(make_doc(no_serial, tables=tables)) == (
        "标题为“安全生产诚信体系建设资料报送单”，有报送单的栏目"
    )
    assert section_submission.accepts(make_doc("安全生产诚信体系建设资料报送单")) is None


# ============================================================================================
# Odd and hostile input

FRAGMENTS = [
    "编号：",
    SERIAL,
    "承诺书",
    "安全生产诚信履行情况报告表",
    "资料报送单",
    "法定代表人",
    "（签字）：",
    "（盖章）：",
    "日期：",
    "年",
    "月",
    "日",
    "二〇二六",
    "十二",
    "2026",
    "12",
    ".",
    "张三",
    "单位名称",
    "统一社会信用代码",
    CODE,
    "报告期间",
    *MONTHLY_REPORT_TOPICS,
    "报送人",
    "序号 资料名称 份数 备注",
    "1",
    "2 ",
    " ",
    "\n",
    " | ",
    "/",
    "无",
    "— 1 —",
    "(",
    "）",
]


@given(st.lists(st.sampled_from(FRAGMENTS), max_size=80), st.booleans())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_parsers_never_raise_and_signed_means_signer_and_date(parts, with_tables) -> None:
    text = "".join(parts)
    tables = [[line.split(" | ") for line in text.split("\n")]] if with_tables else None
    doc = make_doc(text, tables=tables)
    for module in PARSERS.values():
        module.accepts(doc)
        parsed = module.parse(doc)
        values = parsed.values()
        assert isinstance(values["signed"], bool)
        signer = "submitter" if module is section_submission else "signer"
        assert values["signed"] == (signer in values and "sign_date" in values)
        for found in parsed.fields.values():
            assert found.line is None or 1 <= found.line <= len(doc.lines)


def test_hostile_text_is_parsed_quickly() -> None:
    spaces = " " * 200_000
    text = "\n".join(
        [
            f"编号：{SERIAL}",
            "2026年度安全生产承诺书",
            spaces + "x",
            "法定代表人" + spaces + "（签字）",
            "a" + spaces + "b",
            "1 " * 50_000,
            "日期：" + "2026年" * 10_000,
            *(["单位名称"] * 10_000),
            "序号 资料名称 份数 备注",
            *(["1 " + "9 " * 200] * 2_000),
            "安全投入",
            *(["本月投入12万元"] * 20_000),
        ]
    )
    properties = {"keywords": "credit-serial:" + "x" * 1_000_000, "identifier": "y" * 1_000_000}
    doc = make_doc(text, properties=properties, normalise=False)
    started = time.monotonic()
    for module in PARSERS.values():
        module.accepts(doc)
        module.parse(doc)
    assert time.monotonic() - started < 15


# ============================================================================================
# ============================================================================================
# Round trip: render → fill in as in Word → save (→ print to PDF) → parse

ROUND_TRIP = [name for name, info in TEMPLATES.items() if info.category in ("commitment", "form")]
NEGATIVE = ["notice_monthly_reminder_enterprise", "notice_monthly_reminder_section"]
SERIALS = {
    name: f"蓝应急{'诺' if name.startswith('commitment') else '表'}〔2026〕{number:04d}号"
    for number, name in enumerate(ROUND_TRIP + NEGATIVE, 1)
}
SECTION = "危化股"

# What the clerk writes, per template: signature labels → name, the date, header blanks.
COMMITMENT_FILL = {
    "commitment_unit": {
        "signatures": {"法定代表人（签字）": "张三"},
        "dates": ["2026年12月1日"],
        "header": {},
        "expect": {"level": "unit", "signer": "张三", "sign_date": "2026-12-01"},
    },
    "commitment_workshop": {
        "signatures": {"车间（部门）负责人（签字）": "李四", "单位主要负责人（签字）": "张三"},
        "dates": ["二〇二六年十二月一日", "2026年12月3日"],
        "header": {"车间（部门）名称": "合成车间", "车间（部门）负责人": "李四"},
        "expect": {
            "level": "workshop",
            "signer": "李四",
            "sign_date": "2026-12-01",
            "counter_signer": "张三",
            "counter_sign_date": "2026-12-03",
            "department": "合成车间",
            "person": "李四",
        },
    },
    "commitment_team": {
        "signatures": {"班组长（签字）": "王五", "车间（部门）负责人（签字）": "李四"},
        "dates": ["2026.12.1", "2026.12.2"],
        "header": {"车间（部门）": "合成车间", "班组名称": "甲班", "班组长": "王五"},
        "expect": {
            "level": "team",
            "signer": "王五",
            "sign_date": "2026-12-01",
            "counter_signer": "李四",
            "counter_sign_date": "2026-12-02",
            "team": "甲班",
        },
    },
    "commitment_post": {
        "signatures": {"岗位员工（签字）": "赵六", "班组长（签字）": "王五"},
        # typed into the printed blanks
        "dates": ["　2026　年　12　月　1　日", "　2026　年　12　月　1　日"],
        "header": {"岗位名称": "反应釜操作", "员工姓名": "赵六"},
        "expect": {
            "level": "post",
            "signer": "赵六",
            "sign_date": "2026-12-01",
            "counter_signer": "王五",
            "post": "反应釜操作",
            "person": "赵六",
        },
    },
}
REPORT_FILL = {
    MONTHLY_REPORT_TOPICS[0]: [
        "本月修订全员安全生产责任制，签订责任书45份。",
        "更新安全管理制度3项。",
    ],
    MONTHLY_REPORT_TOPICS[1]: ["本月投入安全生产费用12万元，用于更换消防器材。"],
    MONTHLY_REPORT_TOPICS[2]: ["开展三级安全教育培训2次，参训人员45人次。"],
    MONTHLY_REPORT_TOPICS[3]: ["无"],
    MONTHLY_REPORT_TOPICS[4]: ["排查一般隐患3项，已全部整改。"],
    MONTHLY_REPORT_TOPICS[5]: ["/"],  # crossed out: empty
    # 应急管理 left blank
    "填报人": ["王五"],
    "联系电话": ["0746-2212345"],
    "单位负责人（签字）": ["张三"],
    "日期": ["2026年12月2日"],
}
SLIP_FILL = {
    "items": [["现场检查记录", "12", "11月份"], ["责令限期整改指令书", "3", ""]],
    "报送人": "赵六",
    "接收人（政策法规股）": "钱七",
    "日期": "2026年11月30日",
}


def _context(name: str) -> dict:
    info = TEMPLATES[name]
    context = {
        "bureau": "蓝山县应急管理局",
        "county": "蓝山县",
        "year": 2026,
        "issue_date": "2026年11月20日",
        "period": "2026年11月",
        "missing": ["安全生产诚信履行情况报告表", "隐患排查治理台账"],
        "deadline": "2026年11月30日",
    }
    if info.addressee == "section":
        context["section"] = SECTION
    else:
        context["enterprise"] = SimpleNamespace(
            name=NAME,
            credit_code=CODE,
            legal_representative="张三",
            address="蓝山县塔峰镇工业园",
            industry="危险化学品",
            section=SECTION,
            town="塔峰镇",
        )
    return context


def _render(name: str, target: Path) -> Path:
    from archive.letters.render import compile_template
    from templates import template_path

    info = TEMPLATES[name]
    data = compile_template(template_path(name)).render(
        _context(name),
        serial=SERIALS[name],
        credit_code=None if info.addressee == "section" else CODE,
        title=info.title,
    )
    target.write_bytes(data)
    return target


def _fill(name: str, source: Path, target: Path) -> Path:
    import docx

    document = docx.Document(str(source))
    if name in COMMITMENT_FILL:
        fill = COMMITMENT_FILL[name]
        dates = iter(fill["dates"])
        for paragraph in document.paragraphs:
            text = paragraph.text
            label = text.partition("：")[0]
            if text.startswith("日期："):
                type_after_label(paragraph, next(dates))
            elif label in fill["signatures"]:
                type_after_label(paragraph, fill["signatures"][label])
            elif label in fill["header"] and text.endswith("　"):
                type_after_label(paragraph, fill["header"][label])
    elif name == "form_monthly_report":
        for row in document.tables[0].rows:
            label = row.cells[0].text
            if label in REPORT_FILL:
                type_in_cell(row.cells[1], REPORT_FILL[label])
    elif name == "form_section_submission":
        _head, items, tail = document.tables
        for row, values in zip(items.rows[1:], SLIP_FILL["items"], strict=False):
            for cell, value in zip(row.cells[1:], values, strict=True):
                if value:
                    type_in_cell(cell, [value])
        for row in tail.rows:
            type_in_cell(row.cells[1], [SLIP_FILL[row.cells[0].text]])
    document.save(str(target))
    return target


def _lines_of(path: Path) -> list[str]:
    """The filled letter's text as a printout shows it: paragraphs, table rows as
    ``label value`` (cells joined by a space), in document order."""
    import docx
    from docx.table import Table

    document = docx.Document(str(path))
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = [cell.text.replace("\n", " ").strip() for cell in row.cells]
                lines.append(" ".join(cell for cell in cells if cell))
        elif block.text.strip():
            lines.append(block.text)
    return lines


def _reportlab_pdf(lines: list[str], target: Path, *, width: int = 30) -> Path:
    """A PDF (STSong-Light, not embedded) with these lines, long ones wrapped at ``width``
    characters, 38 lines a page and ``— n —`` at the foot of each page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    wrapped = [line[i : i + width] for line in lines for i in range(0, max(len(line), 1), width)]
    pdf = canvas.Canvas(str(target), pagesize=A4)
    page = 1
    for start in range(0, len(wrapped), 38):
        pdf.setFont("STSong-Light", 13)
        y = 790
        for line in wrapped[start : start + 38]:
            pdf.drawString(70, y, line)
            y -= 19
        pdf.drawCentredString(297, 40, f"— {page} —")
        pdf.showPage()
        page += 1
    pdf.save()
    return target


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """name → {"blank", "filled", "reportlab"} files (the negatives only have "blank")."""
    pytest.importorskip("docx")
    pytest.importorskip("reportlab")
    folder = tmp_path_factory.mktemp("回执")
    files: dict[str, dict[str, Path]] = {}
    for name in ROUND_TRIP + NEGATIVE:
        blank = _render(name, folder / f"{name}_blank.docx")
        files[name] = {"blank": blank}
        if name in ROUND_TRIP:
            filled = _fill(name, blank, folder / f"{name}_filled.docx")
            files[name]["filled"] = filled
            files[name]["reportlab"] = _reportlab_pdf(
                _lines_of(filled), folder / f"{name}_reportlab.pdf"
            )
    return files


@pytest.fixture(scope="module")
def printed(issued: dict[str, dict[str, Path]], tmp_path_factory) -> dict[Path, Path]:
    """docx → PDF printed by LibreOffice (all in one run, with a profile of its own)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out = tmp_path_factory.mktemp("pdf")
    profile = tmp_path_factory.mktemp("lo-profile")
    sources = [
        path for files in issued.values() for key, path in files.items() if key != "reportlab"
    ]
    try:
        result = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                *map(str, sources),
            ],
            capture_output=True,
            timeout=300,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.skip("LibreOffice timed out")
    pdfs = {source: out / f"{source.stem}.pdf" for source in sources}
    if not any(pdf.is_file() for pdf in pdfs.values()):  # a broken installation
        detail = result.stderr.decode("utf-8", "replace")[-300:]
        pytest.skip(f"LibreOffice produced no PDF (exit {result.returncode}): {detail}")
    missing = [str(pdf) for pdf in pdfs.values() if not pdf.is_file()]
    assert not missing, f"LibreOffice did not produce {missing}"
    return pdfs


def _load(path: Path, *, tables: bool = False) -> Document:
    text = pytest.importorskip("parsers.text")
    return text.load_document(path, tables=tables)


def _kind(name: str) -> str:
    return {
        "form_monthly_report": "monthly_report",
        "form_section_submission": "section_submission",
    }.get(name, "commitment_letter")


def _check_filled(name: str, doc: Document, *, printed_text_only: bool = False) -> None:
    kind = _kind(name)
    assert takers(doc) == [kind], doc.text[:400]
    parsed = PARSERS[kind].parse(doc)
    values = parsed.values()
    assert values["serial"] == SERIALS[name]
    assert values["signed"] is True, (values, doc.text)
    if kind == "commitment_letter":
        assert values["year"] == 2026
        for key, expected in COMMITMENT_FILL[name]["expect"].items():
            assert values.get(key) == expected, (key, values)
        if name != "commitment_unit":
            assert values["counter_signed"] is True
        assert parsed.enterprise_name == NAME
        assert parsed.credit_code == CODE and parsed.credit_code_status == "valid"
    elif kind == "monthly_report":
        assert values["period"] == "2026-11"
        assert values["topics_filled"] == 5
        assert values["topics_missing"] == [MONTHLY_REPORT_TOPICS[5], MONTHLY_REPORT_TOPICS[6]]
        topics = values["topics"]
        assert topics[MONTHLY_REPORT_TOPICS[3]] == {"filled": True, "text": "无"}
        assert "45" in topics[MONTHLY_REPORT_TOPICS[0]]["text"]
        assert "安全管理制度" in topics[MONTHLY_REPORT_TOPICS[0]]["text"]
        assert values["reporter"] == "王五" and values["phone"] == "0746-2212345"
        assert values["signer"] == "张三" and values["sign_date"] == "2026-12-02"
        assert parsed.enterprise_name == NAME and parsed.credit_code == CODE
    else:
        assert values["section"] == SECTION and values["period"] == "2026-11"
        items = values["items"]
        assert [item["copies"] for item in items] == [12, 3]
        assert [item["name"] for item in items] == ["现场检查记录", "责令限期整改指令书"]
        assert items[0]["note"].replace(" ", "") == "11月份" and items[1]["note"] is None
        assert values["submitter"] == "赵六" and values["receiver"] == "钱七"
        assert values["sign_date"] == "2026-11-30"
    if not printed_text_only:
        assert parsed.warnings == []


def _check_blank(name: str, doc: Document) -> None:
    kind = _kind(name)
    assert takers(doc) == [kind], doc.text[:400]
    parsed = PARSERS[kind].parse(doc)
    assert parsed.get("serial") == SERIALS[name]
    assert parsed.get("signed") is False
    assert "sign_date" not in parsed.fields
    if kind == "commitment_letter":
        assert "signer" not in parsed.fields
        assert parsed.get("level") == TEMPLATES[name].level
        assert parsed.credit_code == CODE
    elif kind == "monthly_report":
        assert parsed.get("topics_filled") == 0 and len(parsed.get("topics_missing")) == 7
        assert parsed.get("period") == "2026-11"
    else:
        assert parsed.get("items") == [] and parsed.get("section") == SECTION


def test_round_trip_covers_every_template_ingest_reads_back() -> None:
    assert set(ROUND_TRIP) == {*LEVELS.values(), "form_monthly_report", "form_section_submission"}


@pytest.mark.parametrize("name", ROUND_TRIP)
def test_round_trip_docx(name: str, issued) -> None:
    _check_filled(name, _load(issued[name]["filled"]))
    _check_blank(name, _load(issued[name]["blank"]))


@pytest.mark.slow
@pytest.mark.parametrize("tables", [False, True])
@pytest.mark.parametrize("name", ROUND_TRIP)
def test_round_trip_pdf_from_libreoffice(name: str, tables: bool, issued, printed) -> None:
    _check_filled(name, _load(printed[issued[name]["filled"]], tables=tables))
    _check_blank(name, _load(printed[issued[name]["blank"]], tables=tables))


@pytest.mark.parametrize("name", ROUND_TRIP)
def test_round_trip_pdf_from_reportlab(name: str, issued) -> None:
    doc = _load(issued[name]["reportlab"])
    assert "credit-serial" not in doc.properties.get("keywords", "")  # the printed 编号 only
    _check_filled(name, doc, printed_text_only=True)


@pytest.mark.parametrize("name", NEGATIVE)
def test_notices_naming_the_forms_are_not_taken(name: str, issued, request) -> None:
    assert takers(_load(issued[name]["blank"])) == []
    if shutil.which("soffice") or shutil.which("libreoffice"):
        printed = request.getfixturevalue("printed")
        assert takers(_load(printed[issued[name]["blank"]])) == []
