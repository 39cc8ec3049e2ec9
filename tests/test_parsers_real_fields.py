"""Issue 7, fields: 文号 in every shape bureaus print, fines however they are written, masked
codes, and what ``credit explain`` shows about the candidates.

The documents are invented in the shape of published decisions and publicity notices of
emergency-management, ecology-environment and other bureaus; none is copied.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive import uscc
from archive.store import Archive
from parsers.fields import (
    doc_number_candidates,
    find_credit_codes,
    find_doc_number,
    find_doc_numbers,
    find_fine,
    fine_candidates,
    normalise_doc_number,
    parse_fine,
)
from parsers.normalise import normalise_text as N
from parsers.registry import parse_path
from tests.conftest import invoke
from tests.helpers import make_code
from tests.parsers_fixtures import write_docx, write_pdf
from tests.test_parsers_fields import capitals

CODE = make_code(7301)
NAME = "蓝山县塔峰镇某某化工有限公司"
MEDIA = ["pdf", "docx"]


def write(path: Path, title: str | None, blocks: list) -> Path:
    if path.suffix == ".pdf":
        return write_pdf(path, blocks, title=title)
    return write_docx(path, blocks, title=title)


def decision(
    tmp_path: Path,
    media: str,
    *,
    number_line: str | None,
    title: str = "行政处罚决定书",
    authority: str = "蓝山县应急管理局",
    body: tuple[str, ...] = (),
    fine: str = "决定给予罚款人民币贰万元整的行政处罚。",
    code_line: str | None = None,
) -> Path:
    """A penalty decision in the usual layout: authority, title, 文号, party, facts, fine."""
    blocks: list = [title]
    if number_line is not None:
        blocks.append(number_line)
    blocks += [
        f"当事人：{NAME}",
        code_line if code_line is not None else f"统一社会信用代码：{CODE}",
        "法定代表人：王某某",
        *body,
        "经查，你单位主要负责人未组织制定并实施本单位安全生产教育和培训计划。",
        "以上事实有现场检查记录、询问笔录等证据为证。你单位的上述行为违反了《中华人民共和国"
        "安全生产法》第二十一条第三项的规定。依据《中华人民共和国安全生产法》第九十四条第一款的"
        "规定，处二万元以上五万元以下的罚款。" + fine,
        authority,
        "2026年3月20日",
    ]
    return write(tmp_path / f"决定书.{media}", authority, blocks)


# --------------------------------------------------------------------------------------------
# 文号 in documents (PDF and .docx)

SHAPES = [
    # (printed, normalised) — digits and 字 in the prefix, other brackets, letters or a unit
    # in the serial, a place in parentheses inside the prefix.
    ("湘1127环罚决字〔2026〕12号", "湘1127环罚决字〔2026〕12号"),
    ("(湘永蓝)应急罚[2026]k-7号", "（湘永蓝）应急罚〔2026〕k-7号"),
    ("（湘永蓝）应急罚〔2026〕执法一中队-3号", "（湘永蓝）应急罚〔2026〕执法一中队-3号"),
    ("（湘永蓝）应急罚［2026］执法二中队－15号", "（湘永蓝）应急罚〔2026〕执法二中队-15号"),
    ("永环罚决字【2026】第8号", "永环罚决字〔2026〕第8号"),
    ("惠市环(龙门)罚[2026]5号", "惠市环（龙门）罚〔2026〕5号"),
    ("〔湘永蓝〕应急罚﹝2026﹞A12号", "（湘永蓝）应急罚〔2026〕A12号"),
    ("蓝应急罚〔2026〕12-3号", "蓝应急罚〔2026〕12-3号"),
]


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(("printed", "expected"), SHAPES)
def test_doc_number_shapes_in_documents(
    tmp_path: Path, media: str, printed: str, expected: str
) -> None:
    path = decision(tmp_path, media, number_line=printed, authority="永州市生态环境局")
    parsed = parse_path(path)
    assert parsed.kind == "penalty_decision"
    assert parsed.get("doc_number") == expected
    assert parsed.get("doc_number_raw") == printed
    assert parsed.get("references") is None
    assert parsed.get("fine_yuan") == 20000


@pytest.mark.parametrize("media", MEDIA)
def test_no_penalty_number_with_a_unit_in_the_serial(tmp_path: Path, media: str) -> None:
    path = decision(
        tmp_path,
        media,
        title="不予行政处罚决定书",
        number_line="永环不罚决〔2026〕塔峰-5号",
        fine="鉴于你单位首次违法且危害后果轻微并及时改正，决定不予行政处罚。",
    )
    parsed = parse_path(path)
    assert parsed.kind == "no_penalty_decision"
    assert parsed.get("doc_number") == "永环不罚决〔2026〕塔峰-5号"
    assert parsed.get("fine_yuan") is None


@pytest.mark.parametrize("media", MEDIA)
def test_number_in_the_titles_parentheses(tmp_path: Path, media: str) -> None:
    title = "永州市生态环境局责令改正违法行为决定书（永环责改〔2026〕4号）"
    blocks = [
        f"{NAME}：",
        f"统一社会信用代码：{CODE}",
        "我局于2026年3月2日对你单位进行了现场检查，发现你单位危险废物贮存场所未设置识别标志。",
        "参见执法文书永环检〔2026〕塔峰-2号《现场检查笔录》。",
        "责令你单位于2026年4月7日前改正上述违法行为。",
        "永州市生态环境局",
        "2026年3月5日",
    ]
    # In the PDF the long title is a wrapped paragraph: the number is split over two lines.
    path = write(tmp_path / f"责令改正.{media}", None, [title, *blocks])
    parsed = parse_path(path)
    assert parsed.get("doc_number") == "永环责改〔2026〕4号"
    assert parsed.get("doc_number_raw") == "永环责改〔2026〕4号"
    assert parsed.get("references") == ["永环检〔2026〕塔峰-2号"]


@pytest.mark.parametrize("media", MEDIA)
def test_a_long_title_with_its_number_is_still_the_title(tmp_path: Path, media: str) -> None:
    title = "永州市生态环境局蓝山分局责令改正违法行为决定书（永环责改〔2026〕蓝山-6号）"
    blocks = [
        f"{NAME}：",
        f"统一社会信用代码：{CODE}",
        "经查，你单位建设项目未依法报批环境影响评价文件，擅自开工建设。",
        "现责令你单位立即停止建设，并于2026年5月20日前改正上述环境违法行为。",
        "永州市生态环境局蓝山分局",
        "2026年3月16日",
    ]
    parsed = parse_path(write(tmp_path / f"责令改正.{media}", None, [title, *blocks]))
    assert parsed.kind == "rectification_order"
    assert parsed.get("doc_number") == "永环责改〔2026〕蓝山-6号"


@pytest.mark.parametrize("media", MEDIA)
def test_labelled_number_in_running_text_and_cited_numbers(tmp_path: Path, media: str) -> None:
    path = decision(
        tmp_path,
        media,
        number_line=None,
        body=(
            "参见执法文书（湘永蓝）应急责改〔2026〕执法一中队-1号《责令限期整改指令书》及"
            "（湘永蓝）应急罚告〔2026〕执法一中队-2号《行政处罚告知书》。",
            "行政处罚决定书文号：(湘永蓝)应急罚[2026]89号。",
        ),
    )
    parsed = parse_path(path)
    assert parsed.get("doc_number") == "（湘永蓝）应急罚〔2026〕89号"
    assert parsed.get("doc_number_raw") == "(湘永蓝)应急罚[2026]89号"
    assert parsed.get("references") == [
        "（湘永蓝）应急责改〔2026〕执法一中队-1号",
        "（湘永蓝）应急罚告〔2026〕执法一中队-2号",
    ]


@pytest.mark.parametrize("media", MEDIA)
def test_only_cited_numbers_give_no_doc_number(tmp_path: Path, media: str) -> None:
    path = decision(
        tmp_path,
        media,
        number_line=None,
        body=("根据（湘永蓝）应急检记〔2026〕7号现场检查记录，",),
    )
    parsed = parse_path(path)
    assert parsed.get("doc_number") is None and parsed.get("doc_number_raw") is None
    assert parsed.get("references") == ["（湘永蓝）应急检记〔2026〕7号"]


def test_number_as_printed_keeps_full_width_forms() -> None:
    text = "行政处罚决定书\n（湘永蓝）应急罚［２０２６］　１２号\n当事人：某公司"
    from parsers.base import Document, ParsedDocument
    from parsers.fields import put_doc_numbers

    doc = Document(path=Path("x.pdf"), media="pdf", text=N(text), raw_text=text)
    parsed = ParsedDocument(kind="penalty_decision", parser="t", reason="")
    put_doc_numbers(parsed, doc)
    assert parsed.get("doc_number") == "（湘永蓝）应急罚〔2026〕12号"
    assert parsed.get("doc_number_raw") == "（湘永蓝）应急罚［２０２６］　１２号"


# Open-ended 文号: random places, type codes, years, serials and brackets.
PLACES = st.text(alphabet="湘永蓝醴株桂宁道江华新田双牌东安祁阳", min_size=1, max_size=4)
TYPES = st.sampled_from(["应急罚", "环罚决字", "应急责改", "市监罚", "消行罚决字", "环不罚决"])
YEARS = st.integers(min_value=2000, max_value=2039)
SERIALS = st.one_of(
    st.integers(min_value=1, max_value=99999).map(str),
    st.tuples(st.sampled_from(["k", "A", "ZF"]), st.integers(1, 999)).map(
        lambda pair: f"{pair[0]}-{pair[1]}"
    ),
    st.tuples(st.integers(1, 99), st.integers(1, 999)).map(lambda pair: f"{pair[0]}-{pair[1]}"),
    st.tuples(st.sampled_from(["执法一中队", "塔峰", "二大队"]), st.integers(1, 999)).map(
        lambda pair: f"{pair[0]}-{pair[1]}"
    ),
)
BRACKETS = st.sampled_from(["〔〕", "[]", "［］", "﹝﹞", "【】", "()", "（）"])


@st.composite
def doc_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """(printed, normalised) 文号."""
    places = draw(PLACES)
    paren = draw(st.sampled_from(["", "()", "（）", "〔〕"]))
    digits = draw(st.sampled_from(["", "1127", "43"]))
    kind = draw(TYPES)
    year = draw(YEARS)
    serial = draw(SERIALS)
    open_, close = draw(BRACKETS)
    head = f"{paren[0]}{places}{paren[1]}" if paren else places + digits
    printed = f"{head}{kind}{open_}{year}{close}{serial}号"
    expected_head = f"（{places}）" if paren else places + digits
    return printed, f"{expected_head}{kind}〔{year}〕{serial}号"


@given(doc_numbers())
@settings(max_examples=300)
def test_random_doc_numbers_own_and_cited(number: tuple[str, str]) -> None:
    printed, expected = number
    assert normalise_doc_number(N(printed)) == expected
    own = N(f"某某局\n行政处罚决定书\n{printed}\n当事人：某公司\n经查，你单位存在违法行为。")
    found = find_doc_number(own)
    assert found is not None and found.value == expected
    cited = N(f"行政处罚决定书\n某公司：\n根据{printed}《责令限期整改指令书》，经复查，")
    assert find_doc_number(cited) is None
    assert [found.value for found in find_doc_numbers(cited)] == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Publicity prose: the place in parentheses after 作出行政处罚 starts the number.
        (
            "近日，蓝山县应急管理局对某公司作出行政处罚（湘永蓝）应急罚〔2026〕89号，处罚壹万叁仟元。",
            ["（湘永蓝）应急罚〔2026〕89号"],
        ),
        ("近日，某局对某公司作出行政处罚湘永蓝应急罚〔2026〕89号。", ["湘永蓝应急罚〔2026〕89号"]),
        ("你单位(湘永蓝)应急罚〔2026〕1号决定书已送达。", ["（湘永蓝）应急罚〔2026〕1号"]),
        # A number wrapped at the end of a longer line is found whole.
        (
            "某公司：\n你单位违法一案，参见执法文书（湘永\n蓝）应急责改〔2026〕执法一中队-1号《指令书》",
            ["（湘永蓝）应急责改〔2026〕执法一中队-1号"],
        ),
        # A court case number (year first) is not a 文号 of a bureau.
        ("见（2021）湘1127行初91号行政判决书。", []),
    ],
)
def test_numbers_in_prose(text: str, expected: list[str]) -> None:
    assert [found.value for found in find_doc_numbers(N(text))] == expected


@pytest.mark.parametrize(
    "text",
    [
        # Alone in parentheses under the title.
        "永州市生态环境局责令改正违法行为决定书\n（永环责改〔2026〕4号）\n某公司：",
        # A publicity table's cells run together in a PDF: the label is not part of the number.
        "某局行政处罚信息公示\n行政相对人名称某公司\n行政处罚决定书文号永环责改〔2026〕4号",
        # … or a .docx table row, cells joined by |.
        "某局行政处罚信息公示\n行政相对人名称 | 某公司\n行政处罚决定书文号 | 永环责改〔2026〕4号",
    ],
)
def test_own_number_in_parentheses_or_after_a_run_in_label(text: str) -> None:
    found = find_doc_number(N(text))
    assert found is not None and found.value == "永环责改〔2026〕4号"


@pytest.mark.parametrize("media", MEDIA)
def test_a_label_without_a_colon_is_not_part_of_the_number(tmp_path: Path, media: str) -> None:
    """A record's label and value on one line with nothing between (a PDF table's cells
    flattened, or a .docx line typed so): the label is left out of the 文号."""
    path = write(
        tmp_path / f"摘要.{media}",
        "行政处罚信息摘要",
        [
            "行政处罚决定书文号蓝市监处罚〔2026〕17号",
            f"当事人名称{NAME}",
            f"统一社会信用代码{CODE}",
            "处罚内容罚款人民币伍仟元整",
            "处罚机关蓝山县市场监督管理局",
        ],
    )
    parsed = parse_path(path)
    assert parsed.get("doc_number") == "蓝市监处罚〔2026〕17号"
    assert parsed.get("doc_number_raw") == "蓝市监处罚〔2026〕17号"


def test_number_beside_its_signer_stands_alone() -> None:
    text = N("蓝山县应急管理局文件\n蓝应急发〔2026〕3号　　签发人：张三\n关于某某公司的通报")
    found = find_doc_number(text)
    assert found is not None and found.value == "蓝应急发〔2026〕3号"


def test_candidates_say_why() -> None:
    text = N(
        "行政处罚决定书\n（湘永蓝）应急罚〔2026〕9号\n某公司：\n"
        "本局于2026年3月1日作出（湘永蓝）应急责改〔2026〕3号《责令限期整改指令书》。"
    )
    candidates = doc_number_candidates(text)
    assert [(c.value, c.chosen) for c in candidates] == [
        ("（湘永蓝）应急罚〔2026〕9号", True),
        ("（湘永蓝）应急责改〔2026〕3号", False),
    ]
    assert "取为本文书文号" in candidates[0].reason
    assert candidates[1].reason == "正文引用的其他文书文号"


# --------------------------------------------------------------------------------------------
# Fines


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("决定对你单位处以罚款人民币：19000.00 元（大写：壹万玖仟圆整）。", 19000),
        ("近日，蓝山县应急管理局对某某有限公司作出行政处罚，处罚壹万叁仟元。", 13000),
        ("作出行政处罚决定：罚款0.3万元。", 3000),
        ("决定给予罚款人民币3000元（叁仟元整）的行政处罚。", 3000),
        ("决定给予罚款人民币叁仟元整（¥3,000.00）的行政处罚。", 3000),
        ("依据该条规定，处贰万元以下的罚款。", None),
        ("依据该条规定，处五千元以上二万元以下的罚款。", None),
        ("依法应处五千元以上二万元以下的罚款。决定处罚款人民币捌仟元整。", 8000),
        ("决定处以罚款19000元，大写：壹万玖仟元整。", 19000),
        ("决定处以罚款19000元，大写：壹万捌仟元整。", None),
        ("决定处以罚款人民币壹万捌仟元整（¥19,000.00）。", None),
        ("决定处以罚款人民币3000元，没收违法所得2000元（贰仟元整）。", 3000),
        ("处罚金额：1.3万元", 13000),
        ("罚款金额（元）：19000", 19000),
        ("处罚金额（万元）：1.3", 13000),
        ("行政处罚决定：罚款人民币壹万元（10000元）", 10000),
        ("没收违法所得5000元，并处罚款人民币壹万元（10000元）", 10000),
        ("经查，该公司注册资本人民币伍拾万元整。决定给予警告。", None),
    ],
)
def test_fines_as_written(text: str, expected: int | None) -> None:
    assert parse_fine(N(text)) == expected


@pytest.mark.parametrize("media", MEDIA)
def test_digits_and_capitals_that_disagree_give_no_fine_and_a_warning(
    tmp_path: Path, media: str
) -> None:
    path = decision(
        tmp_path,
        media,
        number_line="（湘永蓝）应急罚〔2026〕21号",
        fine="决定对你单位处以罚款人民币：19000.00 元（大写：壹万捌仟圆整）。",
    )
    parsed = parse_path(path)
    assert parsed.get("fine_yuan") is None
    [warning] = [w for w in parsed.warnings if "大写" in w]
    assert "19000.00" in warning and "壹万捌仟" in warning
    assert "19000" in warning and "18000" in warning


@pytest.mark.parametrize("media", MEDIA)
def test_fine_in_words_and_figures_in_documents(tmp_path: Path, media: str) -> None:
    path = decision(
        tmp_path,
        media,
        number_line="湘1127环罚决字〔2026〕12号",
        fine="决定对你单位处以罚款人民币：19000.00 元（大写：壹万玖仟圆整）。",
    )
    parsed = parse_path(path)
    assert parsed.get("fine_yuan") == 19000
    assert not parsed.warnings


@given(st.integers(min_value=1, max_value=99_999_999))
@settings(max_examples=200)
def test_fines_in_digits_and_capitals_round_trip(amount: int) -> None:
    assert (
        parse_fine(N(f"处以罚款人民币：{amount}.00 元（大写：{capitals(amount)}圆整）。")) == amount
    )
    assert parse_fine(N(f"决定处罚款人民币{amount:,}元（{capitals(amount)}元整）。")) == amount
    assert parse_fine(N(f"近日，某局对某公司作出行政处罚，处罚{capitals(amount)}元。")) == amount


@given(st.integers(min_value=1, max_value=9_999_999), st.integers(min_value=1, max_value=99_999))
def test_disagreeing_capitals_are_never_taken(amount: int, delta: int) -> None:
    text = N(f"处以罚款人民币：{amount}.00 元（大写：{capitals(amount + delta)}圆整）。")
    assert find_fine(text) is None
    seen = fine_candidates(text)
    assert len(seen) == 1 and not seen[0].chosen
    assert str(amount) in seen[0].reason and capitals(amount + delta) in seen[0].reason


@given(st.integers(min_value=1, max_value=20), st.integers(min_value=1, max_value=20))
def test_statutory_ranges_alone_are_never_the_fine(low: int, span: int) -> None:
    high = low + span
    for law in (
        f"处{capitals(low * 1000)}元以下的罚款",
        f"处{capitals(low * 1000)}元以上{capitals(high * 1000)}元以下的罚款",
        f"处{low}万元以上{high}万元以下的罚款",
    ):
        assert parse_fine(N(f"依据《安全生产法》第九十九条的规定，{law}。")) is None


# Several fines: the total however it is labelled, else the sum of the decided fines.

TWO_FINES = "对违法行为1处罚款人民币6000元；对违法行为2处罚款人民币4000元。"


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    "total",
    [
        "以上合计人民币10000元。",
        "合计：人民币壹万元整。",
        "两项合计10000元。",
        "共计罚款人民币壹万元整（¥10,000.00）。",
        "合计罚款人民币10000元。",
        "",  # no total: the two decided fines added up
    ],
)
def test_several_fines_give_the_total(tmp_path: Path, media: str, total: str) -> None:
    path = decision(
        tmp_path, media, number_line="（湘永蓝）应急罚〔2026〕50号", fine=TWO_FINES + total
    )
    parsed = parse_path(path)
    assert parsed.get("fine_yuan") == 10000
    assert not parsed.warnings
    chosen = [c for c in parsed.candidates["fine_yuan"] if c["chosen"]]
    if total:
        assert [c["value"] for c in chosen] == [10000]
    else:
        assert [c["value"] for c in chosen] == [6000, 4000]
        assert all("各笔之和（10000 元）" in c["reason"] for c in chosen)


def test_a_list_of_decided_fines_is_added_up() -> None:
    text = N("决定作出如下行政处罚：（一）罚款人民币6000元；（二）罚款人民币肆仟元整。")
    assert parse_fine(text) == 10000


@pytest.mark.parametrize(
    ("text", "expected", "left_out"),
    [
        # another person's fine
        (
            "决定对你单位处以罚款人民币贰万元整；对主要负责人张三处以罚款人民币伍仟元整。",
            20000,
            "其他人员",
        ),
        ("对你单位处罚款2万元，对张三（主要负责人）处罚款5000元。", 20000, "其他人员"),
        # a penalty of an earlier case the text recalls
        (
            "你单位曾于2025年因同类违法行为被处罚款5000元。依据该条规定，对你单位处罚款人民币6000元。",
            6000,
            "以往处罚",
        ),
        # the fine the notice proposed, recalled before the decision
        (
            "本局于2026年3月1日送达告知书，拟对你单位处罚款人民币3万元。你单位未提出陈述申辩。"
            "本局决定对你单位处罚款人民币2万元。",
            20000,
            "拟作出",
        ),
        # the decided fine said again where the payment is explained
        (
            "决定给予罚款人民币6000元的行政处罚。请于十五日内将罚款6000元缴至指定银行。",
            6000,
            "重述",
        ),
        # the parts of a total given after it
        ("决定给予罚款5000元（其中违法行为1处3000元、违法行为2处2000元）。", 5000, "组成部分"),
        # a record's fields give the one fine twice
        ("处罚内容：罚款0.3万元\n罚款金额（万元）：0.3", 3000, "再次写出"),
        # a total of fine and confiscation is not the fine
        ("没收违法所得2000元，并处罚款5000元，罚没款合计7000元。", 5000, None),
    ],
)
def test_fines_that_are_not_added(text: str, expected: int, left_out: str | None) -> None:
    flat = N(text)
    assert parse_fine(flat) == expected
    seen = fine_candidates(flat)
    assert [c.value for c in seen if c.chosen] == [expected]
    if left_out is not None:
        assert any(left_out in c.reason for c in seen if not c.chosen)


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    ("fine", "named"),
    [
        # the stated total does not match the fines
        (TWO_FINES + "以上合计人民币12000元。", ("10000", "12000")),
        # several amounts said to be fines, none decided with 处/给予: which is this party's?
        ("处罚结果：罚款人民币6000元；另罚款人民币4000元。", ("6000", "4000")),
    ],
)
def test_several_fines_that_cannot_be_told_give_no_fine_and_a_warning(
    tmp_path: Path, media: str, fine: str, named: tuple[str, str]
) -> None:
    path = decision(tmp_path, media, number_line="（湘永蓝）应急罚〔2026〕51号", fine=fine)
    parsed = parse_path(path)
    assert parsed.get("fine_yuan") is None
    [warning] = [w for w in parsed.warnings if "罚款" in w]
    assert all(value in warning for value in named) and "请核对原件" in warning
    assert not [c for c in parsed.candidates["fine_yuan"] if c["chosen"]]


@st.composite
def decided_fines(draw: st.DrawFn) -> tuple[str, int]:
    """(decision text, expected fine): two to four fines each decided for the party, in
    digits or capitals, after a statutory range, with or without a stated total, and
    with another person's fine and an earlier case that must not count."""
    amounts = draw(st.lists(st.integers(1, 500).map(lambda n: n * 100), min_size=2, max_size=4))

    def written(amount: int) -> str:
        return draw(st.sampled_from([f"{amount}元", f"{amount:,}元", f"{capitals(amount)}元整"]))

    verb = draw(st.sampled_from(["处罚款人民币", "处以罚款", "并处罚款人民币", "给予罚款"]))
    clauses = [f"对违法行为{index}{verb}{written(a)}" for index, a in enumerate(amounts, 1)]
    text = "依据该条规定，处一万元以上五万元以下的罚款。" + "；".join(clauses) + "。"
    if draw(st.booleans()):
        text = f"你单位曾于2025年被处罚款{written(draw(st.integers(1, 99)) * 100)}。" + text
    if draw(st.booleans()):
        text += f"对主要负责人李四处以罚款{written(draw(st.integers(1, 99)) * 100)}。"
    total = sum(amounts)
    label = draw(st.sampled_from(["", "以上合计", "合计：", "共计罚款", "两项合计", "合计罚款"]))
    if label:
        text += f"{label}人民币{written(total)}。"
    return text, total


@given(decided_fines())
@settings(max_examples=200)
def test_decided_fines_add_up_to_the_fine(case: tuple[str, int]) -> None:
    text, total = case
    assert parse_fine(N(text)) == total


# --------------------------------------------------------------------------------------------
# Masked codes


@st.composite
def masks(draw: st.DrawFn) -> tuple[int, str, int]:
    """(visible head, mask, visible tail): * × ＊ any number of times; x or X at least three
    times in a code shorter than 18 characters (two x, or x in a full-length code, may be
    real characters)."""
    head = draw(st.integers(min_value=5, max_value=8))
    tail = draw(st.integers(min_value=3, max_value=6))
    char = draw(st.sampled_from(["*", "×", "＊", "x", "X"]))
    if char in "xX":
        hidden = draw(st.integers(min_value=3, max_value=17 - head - tail))
    else:
        hidden = draw(st.integers(min_value=1, max_value=18 - head - tail))
    return head, char * hidden, tail


@given(masks(), st.integers(min_value=1, max_value=17))
@settings(max_examples=200)
def test_masked_codes_in_the_middle_across_breaks(mask: tuple[int, str, int], cut: int) -> None:
    head, hidden, tail = mask
    masked = CODE[:head] + hidden + CODE[-tail:]
    compact = CODE[:head] + uscc.compact(hidden) + CODE[-tail:]
    assert uscc.masked_parts(masked) == (CODE[:head], CODE[-tail:])
    assert uscc.matches_masked(masked, CODE)
    assert uscc.status(masked) == "masked"
    cut = min(cut, len(masked) - 1)
    for printed in (masked, masked[:cut] + "\n" + masked[cut:]):
        text = N(f"{NAME}（统一社会信用代码：\n{printed}）受到行政处罚")
        [found] = find_credit_codes(text)
        assert (found.code, found.status) == (compact, "masked")


def test_masked_code_unlabelled_in_parentheses() -> None:
    [found] = find_credit_codes(N(f"{NAME}（{CODE[:5]}****{CODE[-4:]}）于近日受到处罚"))
    assert (found.code, found.status) == (f"{CODE[:5]}****{CODE[-4:]}", "masked")
    [whole] = find_credit_codes(N(f"统一社会信用代码：{CODE[:8]}XXXXXXXXXX"))
    assert whole.status == "masked"


def test_masks_that_do_not_fit_are_refused() -> None:
    other = make_code(7302)
    assert not uscc.matches_masked(f"{CODE[:5]}****{CODE[-4:]}", other)
    assert uscc.masked_parts("91****") is None  # too little visible
    assert not uscc.is_masked(CODE)


@st.composite
def loose_masks(draw: st.DrawFn) -> tuple[str, str, int, int]:
    """(printed, compact, head, tail): a masked code whose marks need not stand one for one
    for the hidden characters, so it may print shorter or longer than 18 characters
    (9143112＊＊＊＊＊＊＊＊＊0817)."""
    head = draw(st.integers(min_value=5, max_value=8))
    tail = draw(st.integers(min_value=3, max_value=6))
    char = draw(st.sampled_from(["*", "×", "＊"]))
    hidden = draw(st.integers(min_value=1, max_value=16))
    printed = CODE[:head] + char * hidden + CODE[-tail:]
    return printed, CODE[:head] + uscc.compact(char) * hidden + CODE[-tail:], head, tail


@given(loose_masks(), st.integers(min_value=1, max_value=30))
@settings(max_examples=200)
def test_masked_codes_of_any_length(mask: tuple[str, str, int, int], cut: int) -> None:
    printed, compact, head, tail = mask
    assert uscc.status(printed) == "masked"
    assert uscc.masked_parts(printed) == (CODE[:head], CODE[-tail:])
    assert uscc.matches_masked(printed, CODE)
    assert not uscc.matches_masked(printed, make_code(7302))
    cut = min(cut, len(printed) - 1)
    for shown in (printed, printed[:cut] + "\n" + printed[cut:]):
        text = N(f"{NAME}（统一社会信用代码：\n{shown}）受到行政处罚")
        [found] = find_credit_codes(text)
        assert (found.code, found.status) == (compact, "masked")
    [unlabelled] = find_credit_codes(N(f"{NAME}（{printed}）于近日受到处罚"))
    assert (unlabelled.code, unlabelled.status) == (compact, "masked")


LONG_MASK = f"{CODE[:7]}＊＊＊＊＊＊＊＊＊{CODE[-4:]}"  # 20 characters


@pytest.mark.parametrize("media", MEDIA)
def test_a_longer_masked_code_in_a_document(tmp_path: Path, media: str) -> None:
    path = decision(
        tmp_path,
        media,
        number_line="（湘永蓝）应急罚〔2026〕31号",
        code_line=f"（统一社会信用代码：{LONG_MASK}）",
    )
    parsed = parse_path(path)
    assert parsed.credit_code_status == "masked"
    assert parsed.credit_code == f"{CODE[:7]}{'*' * 9}{CODE[-4:]}"
    assert uscc.masked_parts(parsed.credit_code) == (CODE[:7], CODE[-4:])


@given(st.integers(min_value=0, max_value=17), st.sampled_from(uscc.ALPHABET.replace("X", "")))
def test_a_wrong_18_character_code_stays_invalid(position: int, char: str) -> None:
    wrong = CODE[:position] + char + CODE[position + 1 :]
    if wrong == CODE:
        return
    assert uscc.status(wrong) == "invalid"
    [found] = find_credit_codes(N(f"统一社会信用代码：{wrong}"))
    assert (found.code, found.status) == (wrong, "invalid")


ID_REGIONS = ["110101", "430521", "131102", "440301", "510104", "320102", "520102"]


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    """A resident ID number (身份证号) with its check character."""
    region = draw(st.sampled_from(ID_REGIONS))
    born = draw(st.dates(min_value=date(1940, 1, 1), max_value=date(2008, 12, 31)))
    body = f"{region}{born:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(digit) * weight for digit, weight in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


@given(resident_ids(), st.sampled_from([(6, 4), (10, 4), (3, 4), (1, 1), (14, 0), (6, 0)]))
@settings(max_examples=200)
def test_resident_id_numbers_are_never_taken(number: str, shown: tuple[int, int]) -> None:
    head, tail = shown
    masked = number[:head] + "*" * (18 - head - tail) + (number[-tail:] if tail else "")
    for printed in (number, masked):
        for text in (
            f"法定代表人：张三，身份证号码：{printed}",
            f"负责人张三（公民身份号码{printed}）",
            f"当事人：张三\n身份证号：{printed}\n统一社会信用代码：{CODE}",
        ):
            assert [c.code for c in find_credit_codes(N(text))] == ([CODE] if CODE in text else [])


@pytest.mark.parametrize(
    "number", ["430521********1234", "110101********123X", "4403011990****0012"]
)
def test_a_masked_id_number_in_parentheses_is_not_a_code(number: str) -> None:
    assert find_credit_codes(N(f"经营者张三（{number}）")) == []


def test_a_masked_bank_account_is_not_a_code() -> None:
    assert find_credit_codes(N("开户银行：某某银行蓝山支行，账号：6222 **** **** 1234")) == []


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    "masked",
    [f"{CODE[:5]}****{CODE[-4:]}", f"{CODE[:7]}＊＊＊＊＊＊＊＊＊{CODE[-4:]}"],
    ids=["four_marks", "longer_than_18"],
)
def test_masked_code_in_a_document_matches_the_roster(
    runner, archive_dir: Path, tmp_path: Path, media: str, masked: str
) -> None:
    from archive.enterprises import add_enterprise

    add_enterprise(Archive.open(archive_dir), {"credit_code": CODE, "name": NAME})
    add_enterprise(Archive.open(archive_dir), {"credit_code": make_code(7303), "name": "别的公司"})
    inbox = tmp_path / "收件"
    inbox.mkdir()
    decision(
        inbox,
        media,
        number_line="（湘永蓝）应急罚〔2026〕30号",
        code_line=f"（统一社会信用代码：\n{masked}）",
    )
    result = invoke(runner, "ingest", str(inbox), "--nl", archive=archive_dir)
    assert result.exit_code == 0, result.stderr
    [row] = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert (row["status"], row["matched_by"], row["credit_codes"]) == (
        "ingested",
        "masked",
        [CODE],
    )
    assert row["credit_code_status"] == "masked"


# --------------------------------------------------------------------------------------------
# credit explain


def test_explain_shows_candidates(runner, tmp_path: Path) -> None:
    path = decision(
        tmp_path,
        "pdf",
        number_line="（湘永蓝）应急罚〔2026〕40号",
        body=("根据（湘永蓝）应急检记〔2026〕7号现场检查记录，",),
        fine="决定对你单位处以罚款人民币：19000.00 元（大写：壹万玖仟圆整）。",
    )
    explained = invoke(runner, "explain", str(path), "--json")
    assert explained.exit_code == 0, explained.stderr
    data = json.loads(explained.stdout)
    numbers = data["candidates"]["doc_number"]
    assert [(c["value"], c["chosen"]) for c in numbers] == [
        ("（湘永蓝）应急罚〔2026〕40号", True),
        ("（湘永蓝）应急检记〔2026〕7号", False),
    ]
    assert all(c["reason"] for c in numbers)
    fines = data["candidates"]["fine_yuan"]
    chosen = [c for c in fines if c["chosen"]]
    assert [c["value"] for c in chosen] == [19000]
    ranges = [c for c in fines if c["value"] in (20000, 50000)]
    assert ranges and all(not c["chosen"] and "法定" in c["reason"] for c in ranges)

    shown = invoke(runner, "explain", str(path), env={"COLUMNS": "240"})
    assert shown.exit_code == 0, shown.stderr
    assert "doc_number 的候选值" in shown.stdout and "fine_yuan 的候选值" in shown.stdout
    assert "正文引用的其他文书文号" in shown.stdout and "法定罚款幅度" in shown.stdout


# -- hold-out 4: fines of several parties -----------------------------------------------------

PARTY_FINES = [
    (
        "本机关决定：对当事人一处罚款人民币叁万元（30000元）；"
        "对当事人二处罚款人民币壹万元（10000元）。",
        30000,
    ),
    ("本机关决定：对当事人（一）处罚款人民币2万元；对当事人（二）处罚款人民币1万元。", 20000),
    ("本机关决定：对第一当事人处罚款人民币5000元；对第二当事人处罚款人民币8000元。", 5000),
    (
        f"本机关决定：对{NAME}处罚款人民币3万元；对蓝山县利达运输有限公司处罚款人民币1万元。",
        30000,
    ),
]


@pytest.mark.parametrize(("text", "expected"), PARTY_FINES)
def test_another_party_s_fine_is_never_added(text: str, expected: int) -> None:
    """Two parties each fined: the fine is the first party's (the document's enterprise,
    whose code is the credit code), the other's is left out and says why."""
    seen = fine_candidates(N(text))
    assert parse_fine(N(text)) == expected
    assert [c.value for c in seen if c.chosen] == [expected]
    assert any("另一当事人" in c.reason for c in seen if not c.chosen)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the same party fined twice: still added up
        ("本机关决定：对当事人一处罚款人民币2万元，并处罚款人民币1万元。", 30000),
        ("决定对你单位作出如下行政处罚：（一）罚款人民币6000元；（二）罚款人民币4000元。", 10000),
        # one party named, another person of it fined: the person's fine is not the party's
        ("本机关决定：对当事人一处罚款人民币2万元；对其主要负责人张三处罚款人民币5000元。", 20000),
    ],
)
def test_one_party_s_fines_still_add_up(text: str, expected: int) -> None:
    assert parse_fine(N(text)) == expected


@pytest.mark.parametrize("media", MEDIA)
def test_a_decision_with_two_parties_and_two_fines(tmp_path: Path, media: str) -> None:
    blocks = [
        "江华瑶族自治县应急管理局行政处罚决定书",
        "江应急罚〔2026〕11号",
        f"当事人一：{NAME}，统一社会信用代码：{CODE}，住所：蓝山县塔峰镇。",
        f"当事人二：蓝山县利达运输有限公司，统一社会信用代码：{make_code(7302)}。",
        "经查，当事人一将装卸作业发包给不具备安全生产条件的当事人二。",
        "依据《中华人民共和国安全生产法》第一百零三条，本机关决定："
        "对当事人一处罚款人民币叁万元（30000元）；对当事人二处罚款人民币壹万元（10000元）。",
        "江华瑶族自治县应急管理局",
        "2026年2月10日",
    ]
    parsed = parse_path(write(tmp_path / f"d.{media}", None, blocks))
    assert parsed.kind == "penalty_decision"
    assert (parsed.credit_code, parsed.get("fine_yuan")) == (CODE, 30000)
