"""Accidents stated in documents: the finder, the 事故调查报告 parser, penalty decisions about an
accident, and ingest recording each accident once.  The fixtures are our own texts in the
shapes such documents take (reportlab STSong-Light PDFs and python-docx files)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from archive import events
from archive.accidents import document_accident, list_accidents
from archive.index import Index
from archive.store import Archive
from parsers.base import Document, ParsedDocument
from parsers.fields.accidents import concealed, liable, put_accident
from parsers.normalise import normalise_text
from parsers.registry import parse_document, parse_path
from tests.conftest import invoke
from tests.helpers import (
    index_bytes,
    index_tables,
    make_code,
    old_layout_tables,
    without_seq,
)
from tests.parsers_fixtures import write_docx, write_pdf
from tests.test_ingest_kinds import ingest, register

CODE, NAME = make_code(9201), "蓝山县丙矿业有限公司"
OTHER_CODE, OTHER_NAME = make_code(9202), "蓝山县丁建筑工程有限公司"


def _found(text: str) -> dict:
    parsed = ParsedDocument(kind="accident_report", parser="test", reason="")
    doc = Document(Path("x.pdf"), "pdf", normalise_text(text))
    put_accident(parsed, doc, findings=True)
    return parsed.values()


ACCIDENT = "accident_date", "deaths", "serious_injuries", "direct_loss_yuan"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2026年3月5日10时许，你单位井下运输巷发生一起物体打击事故，造成1人死亡，直接经济损失约120万元。",
            ("2026-03-05", 1, 0, 1_200_000),
        ),
        (
            "2026年3月5日，该公司发生一起高处坠落事故，造成1人（王某某）死亡，直接经济损失约人民币154万元。",
            ("2026-03-05", 1, 0, 1_540_000),
        ),
        (
            "二〇二六年一月九日十四时，在某车间发生一起爆炸事故，造成3人死亡、12人重伤，直接经济损失1,250.5万元。",
            ("2026-01-09", 3, 12, 12_505_000),
        ),
        (
            "2025年11月30日，某工地发生了一起坍塌事故，死亡10人，重伤2人，直接经济损失5000万元。",
            ("2025-11-30", 10, 2, 50_000_000),
        ),
        (
            "2026年2月1日8时，某厂发生一起中毒窒息事故，造成两名工人死亡。",
            ("2026-02-01", 2, 0, None),
        ),
        (
            "2026年4月2日，某仓库发生一起火灾事故，未造成人员伤亡，直接经济损失3200000元。",
            ("2026-04-02", 0, 0, 3_200_000),
        ),
        (
            "2026年6月6日，在某矿区发生一起冒顶事故，造成1人重伤，直接经济损失80万元。",
            ("2026-06-06", 0, 1, 800_000),
        ),
        (
            "2026年7月1日9时30分许，在某公司车间内，发生一起违章带电检修设备，导致检修工触电身亡的"
            "一般生产安全事故，造成1人（赵某某）死亡，直接经济损失共计人民币壹佰贰拾万元。",
            ("2026-07-01", 1, 0, 1_200_000),
        ),
        (
            "2026年5月20日，我局收到事故调查报告的批复。2026年3月8日，某公司发生一起淹溺事故，"
            "造成1名作业人员死亡。",
            ("2026-03-08", 1, 0, None),
        ),
    ],
)
def test_accident_sentences(text: str, expected: tuple) -> None:
    values = _found(text)
    assert tuple(values.get(name) for name in ACCIDENT) == expected


@pytest.mark.parametrize(
    "text",
    [
        # no accident: a hazard that could lead to one, a law's wording, a date-less mention
        "2026年3月5日检查发现你单位存在可能发生坍塌事故的重大事故隐患。",
        "依据“发生一般事故的，处三十万元以上一百万元以下的罚款”的规定。",
        "你单位曾发生一起物体打击事故，造成1人死亡。",
        "2026年3月5日，你单位未建立事故隐患排查治理制度。",
    ],
)
def test_no_accident_stated(text: str) -> None:
    assert _found(text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("事故发生后，该公司隐瞒不报。", True),
        ("该公司负责人对事故瞒报、谎报。", True),
        ("事故发生后，企业迟报事故2小时。", True),
        ("经调查，不存在瞒报、谎报行为。", False),
        ("未发现迟报、漏报。", False),
        ("调查组核查了是否存在瞒报。", False),
        ("依据“对发生生产安全事故瞒报的”规定处罚。", False),
        ("事故发生后及时报告。", False),
    ],
)
def test_concealment(text: str, expected: bool) -> None:
    assert concealed(normalise_text(text)) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("经调查认定，该起事故是一起一般生产安全责任事故。", True),
        ("事故调查组认定，该起事故属于一起较大责任事故。", True),
        ("经调查认定，该起事故是一起因自然灾害引发的非责任事故。", False),
        ("事故调查组查明了事故原因。", None),
    ],
)
def test_liability_finding(text: str, expected) -> None:
    assert liable(normalise_text(text)) is expected


# -- files -------------------------------------------------------------------------------------


def report_blocks(
    *,
    code: str = CODE,
    name: str = NAME,
    day: str = "2026年3月5日",
    casualties: str = "造成1人死亡",
    loss: str = "120万元",
    finding: str = "该起事故是一起一般生产安全责任事故",
    report: str = "",
) -> tuple[str, list]:
    title = "“3·5”物体打击事故调查报告"
    blocks = [
        f"{day}10时20分许，{name}井下运输巷发生一起物体打击事故，{casualties}，直接经济损失{loss}。",
        "事故发生后，县人民政府成立事故调查组，通过现场勘验、调查取证和专家论证，查明了事故经过和原因。",
        "一、事故发生单位概况",
        f"事故发生单位：{name}",
        f"统一社会信用代码：{code}",
        "法定代表人：李某某",
        "二、事故发生经过和救援情况",
        "当班运输工在巷道内清理浮石时，顶部松动岩块掉落，击中其头部，经抢救无效死亡。",
        "三、事故原因和性质",
        f"经调查认定，{finding}。" + report,
        "四、责任认定和处理建议",
        "建议由县应急管理局依法对事故发生单位给予行政处罚。",
        "",
        "蓝山县“3·5”物体打击事故调查组",
        "2026年4月20日",
    ]
    return title, blocks


def decision_blocks(
    *,
    code: str = CODE,
    name: str = NAME,
    number: str = "蓝应急罚〔2026〕21号",
    day: str = "2026年3月5日",
) -> tuple[str, list]:
    blocks = [
        number,
        "",
        f"被处罚单位：{name}",
        f"统一社会信用代码：{code}",
        "法定代表人（负责人）：李某某    职务：总经理",
        "",
        f"违法事实：{day}10时20分许，你单位井下运输巷发生一起物体打击事故，造成1人死亡，"
        "直接经济损失约120万元。经查，你单位未对从业人员进行安全生产教育和培训，"
        "未及时发现并消除浮石隐患。以上事实有事故调查报告、询问笔录等证据为证。",
        "你单位的上述行为违反了《中华人民共和国安全生产法》第二十八条第一款的规定，"
        "依据《中华人民共和国安全生产法》第一百一十四条第一款第（一）项的规定，"
        "本局决定对你单位作出如下行政处罚：罚款人民币叁拾伍万元整（¥350,000）。",
        "如不服本决定，可以在收到本决定书之日起六十日内依法申请行政复议。",
        "",
        "蓝山县应急管理局",
        "2026年5月20日",
    ]
    return "行政处罚决定书", blocks


def test_report_pdf_and_docx_parse_alike(tmp_path: Path) -> None:
    title, blocks = report_blocks(report="事故发生后，该公司隐瞒不报，直至次日才向县应急管理局报告")
    for path in (
        write_pdf(tmp_path / "报告.pdf", blocks, title=title),
        write_docx(tmp_path / "报告.docx", blocks, title=title),
    ):
        parsed = parse_path(path)
        assert parsed.kind == "accident_report", path
        values = parsed.values()
        assert {key: values.get(key) for key in (*ACCIDENT, "concealed", "accident_liable")} == {
            "accident_date": "2026-03-05",
            "deaths": 1,
            "serious_injuries": 0,
            "direct_loss_yuan": 1_200_000,
            "concealed": True,
            "accident_liable": True,
        }, path
        assert values["document_date"] == "2026-04-20"
        assert values["accident_description"] == "物体打击事故"
        assert parsed.credit_code == CODE and parsed.enterprise_name == NAME
        for found in parsed.fields.values():
            assert found.line is not None and found.source


def test_decision_with_an_accident(tmp_path: Path) -> None:
    title, blocks = decision_blocks()
    parsed = parse_path(write_pdf(tmp_path / "决定书.pdf", blocks, title=title))
    assert parsed.kind == "penalty_decision"
    values = parsed.values()
    assert values["fine_yuan"] == 350_000
    assert {key: values.get(key) for key in ACCIDENT} == {
        "accident_date": "2026-03-05",
        "deaths": 1,
        "serious_injuries": 0,
        "direct_loss_yuan": 1_200_000,
    }
    assert "concealed" not in values and "accident_liable" not in values


def test_a_decision_quoting_a_report_is_still_a_decision() -> None:
    title, blocks = decision_blocks()
    text = "\n".join([title, *blocks]).replace("事故调查报告", "《“3·5”物体打击事故调查报告》")
    parsed = parse_document(Document(Path("x.pdf"), "pdf", normalise_text(text)))
    assert parsed.kind == "penalty_decision"


# -- ingest ------------------------------------------------------------------------------------


def _inbox(tmp_path: Path, name: str, *files: tuple[str, tuple[str, list]]) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for file_name, (title, blocks) in files:
        if file_name.endswith(".pdf"):
            write_pdf(folder / file_name, blocks, title=title)
        else:
            write_docx(folder / file_name, blocks, title=title)
    return folder


def test_ingest_records_the_accident_once(runner, archive_dir: Path, tmp_path: Path) -> None:
    register(archive_dir, (CODE, NAME), (OTHER_CODE, OTHER_NAME))
    rows = ingest(runner, archive_dir, _inbox(tmp_path, "一", ("决定书.pdf", decision_blocks())))
    (row,) = rows
    assert row["status"] == "ingested", row
    (accident,) = list_accidents(Archive.open(archive_dir))
    assert accident["id"] == "A-" + row["sha256"][:10]
    assert accident["source"] == {"document": row["sha256"], "doc_number": "蓝应急罚〔2026〕21号"}
    assert (accident["credit_code"], accident["date"], accident["deaths"]) == (
        CODE,
        "2026-03-05",
        1,
    )
    assert accident["liable"] is True  # a penalty for an accident: a liable accident
    assert accident["direct_loss_yuan"] == 1_200_000
    assert (accident["grade"], accident["grade_axis"]) == ("general", None)

    # the report of the same accident (same enterprise, same date): not a second accident
    again = ingest(runner, archive_dir, _inbox(tmp_path, "二", ("报告.docx", report_blocks())))
    assert again[0]["status"] == "ingested", again
    assert len(list_accidents(Archive.open(archive_dir))) == 1

    # another enterprise's report finds a larger non-liable accident
    other = report_blocks(
        code=OTHER_CODE,
        name=OTHER_NAME,
        casualties="造成3人死亡",
        finding="该起事故是一起因山体滑坡引发的非责任事故",
    )
    ingest(runner, archive_dir, _inbox(tmp_path, "三", ("其他.pdf", other)))
    listed = json.loads(
        invoke(runner, "accident", "list", OTHER_CODE, "--json", archive=archive_dir).stdout
    )
    (found,) = listed
    assert (found["grade"], found["grade_axis"], found["liable"]) == ("larger", "deaths", False)
    assert found["source"]["document"] is not None

    # a manual add of an accident already recorded from a document: the add is refused only
    # for the same description; the journal holds one accident.recorded per accident
    journal = [e["type"] for e in Archive.open(archive_dir).journal.iter_entries()]
    assert journal.count("accident.recorded") == 2

    # reindex reproduces it byte for byte
    before = index_tables(archive_dir)["accidents"]
    assert invoke(runner, "reindex", archive=archive_dir).exit_code == 0
    once = index_bytes(archive_dir)
    invoke(runner, "reindex", archive=archive_dir)
    assert index_bytes(archive_dir) == once
    assert index_tables(archive_dir)["accidents"] == before


def test_a_document_without_an_accident_records_none(
    runner, archive_dir: Path, tmp_path: Path
) -> None:
    register(archive_dir, (CODE, NAME))
    title, blocks = decision_blocks()
    blocks = [
        block.replace(
            "发生一起物体打击事故，造成1人死亡，直接经济损失约120万元。", "检查发现浮石未清理。"
        )
        for block in blocks
    ]
    (row,) = ingest(runner, archive_dir, _inbox(tmp_path, "一", ("决定书.pdf", (title, blocks))))
    assert row["status"] == "ingested"
    assert list_accidents(Archive.open(archive_dir)) == []


def _old_event(fields: dict, *, facts_are_events: bool) -> dict:
    data = {
        "sha256": "ab" * 32,
        "kind": "penalty_decision",
        "fields": fields,
        "credit_codes": [CODE],
        "stored": "files/x.pdf",
    }
    if facts_are_events:
        from archive.ingest import FACT_EVENTS

        data[FACT_EVENTS] = True
    return {
        "seq": 3,
        "time": "2026-05-01T10:00:00+08:00",
        "actor": "甲",
        "type": "document.ingested",
        "data": data,
    }


def test_an_old_document_event_yields_no_accident() -> None:
    """A decision ingested before the accident fields existed states its accident only in
    ``facts``: replaying it records no accident."""
    index = Index()
    facts = "2026年3月5日发生一起物体打击事故，造成1人死亡，直接经济损失约120万元"
    events.apply(index, _old_event({"facts": facts, "doc_number": "x"}, facts_are_events=False))
    assert list_accidents(index) == []
    assert (
        document_accident(index, _old_event({"facts": facts}, facts_are_events=True)["data"])
        is None
    )


def test_the_fields_of_an_accident_make_one_on_replay() -> None:
    """An event from before facts were events is upgraded when replayed: with the accident
    fields, its accident is recorded (once)."""
    index = Index()
    fields = {"accident_date": "2026-03-05", "deaths": 1, "direct_loss_yuan": 1_200_000}
    events.apply(index, _old_event(fields, facts_are_events=False))
    (accident,) = list_accidents(index)
    assert accident["recorded_at"] == "2026-05-01T10:00:00+08:00"
    assert accident["liable"] is True and accident["serious_injuries"] == 0


def test_old_journal_replays_identically(runner, tmp_path: Path) -> None:
    old = Path(__file__).parent / "data" / "journal_v1"
    root = tmp_path / "旧档案"
    root.mkdir()
    for name in ("credit.toml", "journal.jsonl"):
        shutil.copy(old / name, root / name)
    assert invoke(runner, "reindex", archive=root).exit_code == 0
    tables = without_seq(index_tables(root))
    for name, records in old_layout_tables(old / "index.json").items():
        assert tables.get(name, {}) == records, name
