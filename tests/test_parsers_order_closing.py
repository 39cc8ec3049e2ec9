"""A 责令限期整改指令书's numbered problems end where its closing text begins (the order to
rectify, the closing sentences, the 落款), and its ``document_date`` is the 落款 date.

Fixtures in the shapes real orders take (the second stranger test's order: the last problem
ran on through ``…确保安全。蓝山县应急管理局2026年9月24日``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.registry import parse_path
from tests.parsers_fixtures import write_docx, write_pdf

UNIT = "蓝山县某某矿业有限公司："
ITEMS = ["井下主要通风机未安装备用电源", "消防通道被杂物堵塞", "特种作业人员未持证上岗"]
ORDER = "现责令你单位于2026年10月24日前整改完毕，并将整改情况书面报告本局。"
KEEP_SAFE = "整改期间，你单位应当采取措施，确保安全。"


def _numbered(style: str) -> list[str]:
    marks = {
        "arabic": [f"{n}." for n in range(1, 4)],
        "comma": [f"{n}、" for n in range(1, 4)],
        "paren": ["（一）", "（二）", "（三）"],
        "circled": ["①", "②", "③"],
    }[style]
    return [f"{mark}{item}；" for mark, item in zip(marks, ITEMS, strict=True)]


def _write(tmp_path: Path, media: str, blocks: list) -> Path:
    path = tmp_path / f"order.{media}"
    if media == "pdf":
        return write_pdf(path, blocks, title="责令限期整改指令书")
    return write_docx(path, blocks, title="责令限期整改指令书")


CLOSINGS = {
    # the order, the closing sentence, the bureau and the date on lines of their own
    "lines": [ORDER, KEEP_SAFE, "蓝山县应急管理局", "2026年9月24日"],
    # the closing sentence without an order before it; the seal beside the bureau
    "no_order": [
        KEEP_SAFE + "如果不服本指令，可以依法申请行政复议。",
        "蓝山县应急管理局（印章）",
        "二〇二六年九月二十四日",
    ],
    # an order under a citation: 依据…，责令…
    "cited": [
        "依据《中华人民共和国安全生产法》第六十五条第一款的规定，责令你单位于2026年10月24日前整改完毕。",
        "蓝山县应急管理局",
        "2026年9月24日",
    ],
    # the bureau and the date on one line
    "one_line": [ORDER, KEEP_SAFE, "蓝山县应急管理局    2026年9月24日"],
}


@pytest.mark.parametrize("media", ["docx", "pdf"])
@pytest.mark.parametrize("style", ["arabic", "comma", "paren", "circled"])
@pytest.mark.parametrize("closing", sorted(CLOSINGS))
def test_the_problems_end_where_the_closing_text_begins(
    tmp_path: Path, media: str, style: str, closing: str
) -> None:
    blocks = ["蓝应急责改〔2026〕7号", "", UNIT, "经查，你单位存在下列问题：", *_numbered(style)]
    blocks += CLOSINGS[closing]
    parsed = parse_path(_write(tmp_path, media, blocks))
    assert parsed.kind == "rectification_order"
    assert parsed.values()["problems"] == ITEMS
    assert parsed.values()["document_date"] == "2026-09-24"


@pytest.mark.parametrize("media", ["docx", "pdf"])
def test_a_closing_run_on_after_the_last_item_is_cut_off(tmp_path: Path, media: str) -> None:
    items = _numbered("arabic")
    last = items[-1].rstrip("；") + "。"
    blocks = ["蓝应急责改〔2026〕7号", "", UNIT, "经查，你单位存在下列问题：", *items[:-1]]
    blocks.append(last + ORDER + KEEP_SAFE + "蓝山县应急管理局2026年9月24日。")
    parsed = parse_path(_write(tmp_path, media, blocks))
    problems = parsed.values()["problems"]
    assert problems[:2] == ITEMS[:2]
    assert problems[2].rstrip("。") == ITEMS[2]
    assert not any("责令" in p or "确保安全" in p or "应急管理局" in p for p in problems)


def test_a_problem_that_names_an_order_stays_whole(tmp_path: Path) -> None:
    items = ["未执行本局责令停产整顿指令擅自恢复生产", "未建立事故隐患排查治理台账"]
    blocks = ["蓝应急责改〔2026〕8号", "", UNIT, "存在问题："]
    blocks += [f"{n}.{item}；" for n, item in enumerate(items, start=1)]
    blocks += ["整改期限：2026年10月24日", KEEP_SAFE, "蓝山县应急管理局", "2026年9月24日"]
    parsed = parse_path(_write(tmp_path, "docx", blocks))
    assert parsed.values()["problems"] == items
    assert parsed.values()["rectification_deadline"] == "2026-10-24"
    assert parsed.values()["document_date"] == "2026-09-24"


def test_an_order_without_a_dated_signature_has_no_document_date(tmp_path: Path) -> None:
    blocks = ["蓝应急责改〔2026〕9号", "", UNIT, "经查，你单位存在下列问题：", *_numbered("arabic")]
    blocks += [ORDER, "蓝山县应急管理局", "年　月　日"]
    parsed = parse_path(_write(tmp_path, "docx", blocks))
    assert parsed.values()["problems"] == ITEMS
    assert "document_date" not in parsed.values()


@pytest.mark.parametrize("media", ["docx", "pdf"])
def test_the_problems_after_a_note_of_where_they_were_found(tmp_path: Path, media: str) -> None:
    blocks = ["蓝应急责改〔2026〕7号", "", UNIT]
    blocks.append(
        "经查，你单位存在下列问题（见现场检查记录（（湘永蓝）应急检记〔2026〕执法一中队-1号））："
    )
    blocks += [*_numbered("arabic"), ORDER, KEEP_SAFE, "蓝山县应急管理局", "2026年9月24日"]
    parsed = parse_path(_write(tmp_path, media, blocks))
    assert parsed.values()["problems"] == ITEMS
