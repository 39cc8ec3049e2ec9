"""Issue 7, other kinds: other bureaus' decisions, publicity summaries and lists, enterprises'
own commitment letters — each written by the test as a PDF (reportlab) and a .docx.

The documents are invented in the shapes bureaus and enterprises publish; no real document
is copied.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers import commitment_letter
from parsers.authority import find_authority, looks_like_authority
from parsers.base import KINDS
from parsers.registry import PARSERS, parse_path
from tests.helpers import make_code
from tests.parsers_fixtures import write_docx, write_pdf

CODE_A, CODE_B, CODE_C = make_code(7001), make_code(7002), make_code(7003)
MASKED_B = CODE_B[:14] + "xxxx"
WRITERS = {"pdf": write_pdf, "docx": write_docx}
MEDIA = sorted(WRITERS)


def write(tmp_path: Path, media: str, blocks: list, title: str | None, name: str = "doc") -> Path:
    return WRITERS[media](tmp_path / f"{name}.{media}", blocks, title=title)


# -- other bureaus ---------------------------------------------------------------------------

ECOLOGY_DECISION = [
    "永州市生态环境局",
    "永环罚〔2026〕12号",
    "当事人：蓝山县某某建材有限公司",
    f"统一社会信用代码：{CODE_A}",
    "经查，你公司于2026年1月5日在未配套建设大气污染防治设施的情况下擅自投入生产。"
    "以上事实有现场检查笔录、照片等证据为证。你公司的上述行为违反了《中华人民共和国大气污染防治法》"
    "第四十八条的规定。依据《中华人民共和国大气污染防治法》第一百零八条的规定，"
    "本机关决定对你公司作出如下行政处罚：罚款人民币贰万元整。",
    "如不服本决定，可以在收到本决定书之日起六十日内向永州市人民政府申请行政复议。",
    "",
    "永州市生态环境局",
    "2026年3月2日",
]


@pytest.mark.parametrize("media", MEDIA)
def test_ecology_penalty_decision_keeps_its_authority(tmp_path: Path, media: str) -> None:
    parsed = parse_path(write(tmp_path, media, ECOLOGY_DECISION, "行政处罚决定书"))
    assert parsed.kind == "penalty_decision"
    assert parsed.get("authority") == "永州市生态环境局"
    assert parsed.get("fine_yuan") == 20000
    assert parsed.credit_code == CODE_A


@pytest.mark.parametrize("media", MEDIA)
def test_market_supervision_no_penalty_decision_stays_its_own_kind(
    tmp_path: Path, media: str
) -> None:
    blocks = [
        "某某县市场监督管理局不予行政处罚决定书",
        "某市监不罚〔2026〕3号",
        "当事人：某某县某某食品店",
        f"统一社会信用代码：{CODE_B}",
        "经查，当事人销售的食品标签不符合规定，货值金额120元。鉴于当事人违法行为轻微并及时改正，"
        "没有造成危害后果，依据《中华人民共和国行政处罚法》第三十三条第一款的规定，本局决定不予行政处罚。",
        "2026年4月1日",
    ]
    parsed = parse_path(write(tmp_path, media, blocks, None))
    assert parsed.kind == "no_penalty_decision"
    assert parsed.get("authority") == "某某县市场监督管理局"
    assert "fine_yuan" not in parsed.fields


@pytest.mark.parametrize("media", MEDIA)
def test_fire_brigade_decision_signed_with_seal(tmp_path: Path, media: str) -> None:
    blocks = [
        "某消行罚决字〔2026〕0007号",
        "被处罚单位：某某县某某宾馆有限公司",
        f"统一社会信用代码：{CODE_C}",
        "经查，你单位疏散通道被占用。依据《中华人民共和国消防法》第六十条第一款第五项的规定，"
        "决定给予罚款人民币伍仟元整的处罚。",
        "某某县消防救援大队（印章）",
        "2026年5月6日",
    ]
    parsed = parse_path(write(tmp_path, media, blocks, "行政处罚决定书"))
    assert parsed.kind == "penalty_decision"
    assert parsed.get("authority") == "某某县消防救援大队"
    assert parsed.get("fine_yuan") == 5000


@pytest.mark.parametrize("media", MEDIA)
def test_rectification_decision_with_a_deadline_in_prose(tmp_path: Path, media: str) -> None:
    blocks = [
        "永州市生态环境局",
        "责令改正违法行为决定书",
        "永环责改〔2026〕4号",
        "蓝山县某某建材有限公司：",
        f"统一社会信用代码：{CODE_A}",
        "我局于2026年3月1日对你公司进行了现场检查，发现你公司存在以下环境违法行为：",
        "1.未按规定设置危险废物识别标志；",
        "2.危险废物贮存场所未采取防渗漏措施。",
        "责令你公司于2026年4月7日前改正上述违法行为。",
        "永州市生态环境局",
        "2026年3月3日",
    ]
    parsed = parse_path(write(tmp_path, media, blocks, None))
    assert parsed.kind == "rectification_order"
    assert parsed.get("rectification_deadline") == "2026-04-07"
    assert parsed.get("authority") == "永州市生态环境局"
    assert parsed.credit_code == CODE_A


def test_an_order_without_authority_has_none() -> None:
    assert find_authority("责令限期整改指令书\n某某有限公司:\n请于2026年4月7日前整改完毕。") is None
    assert not looks_like_authority("如不服本决定可以向永州市人民政府")
    assert looks_like_authority("蓝山县综合行政执法局")


# -- publicity -------------------------------------------------------------------------------

PROSE = (
    "近日，永州市生态环境局对蓝山县某某建材有限公司（统一社会信用代码：{code}）作出行政处罚。"
    "经查，该公司未按规定配套建设大气污染防治设施，违反了《中华人民共和国大气污染防治法》"
    "第四十八条的规定。依据该法第一百零八条的规定，对其处罚壹万叁仟元。"
    "行政处罚决定书文号：永环罚〔2026〕12号。"
)


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize("title", ["行政处罚信息公示", None])
def test_publicity_summary(tmp_path: Path, media: str, title: str | None) -> None:
    parsed = parse_path(write(tmp_path, media, [PROSE.format(code=CODE_A)], title))
    assert parsed.kind == "penalty_publicity" and parsed.reason
    assert parsed.get("fine_yuan") == 13000
    assert parsed.get("doc_number") == "永环罚〔2026〕12号"
    assert parsed.get("authority") == "永州市生态环境局"
    assert [e.name for e in parsed.enterprises] == ["蓝山县某某建材有限公司"]
    assert parsed.credit_code == CODE_A and parsed.credit_code_status == "valid"
    (entry,) = parsed.get("entries")
    assert entry == {
        "name": "蓝山县某某建材有限公司",
        "credit_code": CODE_A,
        "credit_code_status": "valid",
        "doc_number": "永环罚〔2026〕12号",
        "doc_number_raw": "永环罚〔2026〕12号",
        "fine_yuan": 13000,
        "authority": "永州市生态环境局",
    }


def test_publicity_summary_with_a_masked_code(tmp_path: Path) -> None:
    parsed = parse_path(write(tmp_path, "docx", [PROSE.format(code=MASKED_B)], "行政处罚信息公示"))
    assert parsed.credit_code == MASKED_B.upper()
    assert parsed.credit_code_status == "masked"


def test_publicity_without_a_fine_states_none(tmp_path: Path) -> None:
    text = (
        "近日，蓝山县应急管理局对蓝山县某某矿业有限公司作出行政处罚，给予警告。"
        "依据《中华人民共和国安全生产法》第九十七条的规定，可处十万元以下的罚款。"
    )
    parsed = parse_path(write(tmp_path, "pdf", [text], "行政处罚信息公示"))
    assert parsed.kind == "penalty_publicity"
    assert "fine_yuan" not in parsed.fields  # the law's range is not a fine
    assert "doc_number" not in parsed.fields
    assert parsed.get("entries")[0]["fine_yuan"] is None


LIST_ROWS = [
    [
        "序号",
        "行政相对人名称",
        "统一社会信用代码",
        "行政处罚决定书文号",
        "罚款金额（万元）",
        "处罚机关",
    ],
    ["1", "蓝山县甲化工有限公司", CODE_A, "(湘永蓝)应急罚[2026]7号", "2", "蓝山县应急管理局"],
    [
        "2",
        "蓝山县乙矿业有限公司",
        MASKED_B,
        "（湘永蓝）应急罚〔2026〕8号",
        "0.3",
        "蓝山县应急管理局",
    ],
    ["3", "蓝山县丙烟花爆竹店", CODE_C, "", "", "某某县消防救援大队"],
]


def test_publicity_list_table(tmp_path: Path) -> None:
    blocks = ["2026年第一季度行政处罚案件公示如下：", LIST_ROWS, "特此公示。"]
    parsed = parse_path(write(tmp_path, "docx", blocks, "行政处罚信息公示"))
    assert parsed.kind == "penalty_publicity"
    entries = parsed.get("entries")
    assert [entry["name"] for entry in entries] == [row[1] for row in LIST_ROWS[1:]]
    assert [e.name for e in parsed.enterprises] == [row[1] for row in LIST_ROWS[1:]]
    assert [entry["credit_code_status"] for entry in entries] == ["valid", "masked", "valid"]
    assert [entry["doc_number"] for entry in entries] == [
        "（湘永蓝）应急罚〔2026〕7号",
        "（湘永蓝）应急罚〔2026〕8号",
        None,
    ]
    assert entries[0]["doc_number_raw"] == "(湘永蓝)应急罚[2026]7号"
    assert [entry["fine_yuan"] for entry in entries] == [20000, 3000, None]
    assert [entry["authority"] for entry in entries] == [
        "蓝山县应急管理局",
        "蓝山县应急管理局",
        "某某县消防救援大队",
    ]
    assert "fine_yuan" not in parsed.fields and "doc_number" not in parsed.fields


ITEMS = [
    f"1.蓝山县甲化工有限公司（统一社会信用代码：{CODE_A}），未按规定开展安全生产教育培训，"
    "蓝山县应急管理局于2026年3月2日作出行政处罚，文号：（湘永蓝）应急罚〔2026〕7号，罚款人民币2万元。",
    f"2.蓝山县乙矿业有限公司（统一社会信用代码：{CODE_B}），未如实记录事故隐患排查治理情况，"
    "被处以罚款人民币3000元（叁仟元整），文号：(湘永蓝)应急罚[2026]8号。",
    "特此公示。",
]


@pytest.mark.parametrize("media", MEDIA)
def test_publicity_list_of_numbered_paragraphs(tmp_path: Path, media: str) -> None:
    parsed = parse_path(write(tmp_path, media, ITEMS, "行政处罚信息公示"))
    entries = parsed.get("entries")
    assert [(e["name"], e["credit_code"], e["doc_number"], e["fine_yuan"]) for e in entries] == [
        ("蓝山县甲化工有限公司", CODE_A, "（湘永蓝）应急罚〔2026〕7号", 20000),
        ("蓝山县乙矿业有限公司", CODE_B, "（湘永蓝）应急罚〔2026〕8号", 3000),
    ]
    assert entries[0]["authority"] == "蓝山县应急管理局"
    assert entries[1]["authority"] is None  # the second paragraph names no bureau
    assert [e.credit_code for e in parsed.enterprises] == [CODE_A, CODE_B]


NAMES = st.sampled_from(["甲化工", "乙矿业", "丙建材", "丁陶瓷", "戊烟花", "己机械", "庚石材"])


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(NAMES, st.integers(1, 500), st.integers(1, 99)),
        min_size=2,
        max_size=6,
        unique_by=lambda row: row[0],
    )
)
def test_publicity_list_keeps_each_row_s_own_fine_and_number(tmp_path: Path, rows) -> None:
    table = [["序号", "当事人名称", "统一社会信用代码", "处罚决定书文号", "罚款金额（元）"]]
    for number, (name, hundreds, serial) in enumerate(rows, start=1):
        table.append(
            [
                str(number),
                f"蓝山县{name}有限公司",
                make_code(8000 + number),
                f"（湘永蓝）应急罚〔2026〕{serial}号",
                str(hundreds * 100),
            ]
        )
    parsed = parse_path(
        write_docx(tmp_path / "list.docx", ["公示如下：", table], title="行政处罚结果公示")
    )
    entries = parsed.get("entries")
    assert [(e["name"], e["credit_code"], e["doc_number"], e["fine_yuan"]) for e in entries] == [
        (row[1], row[2], row[3], int(row[4])) for row in table[1:]
    ]


# -- commitment letters an enterprise wrote itself ------------------------------------------

BODY = [
    "蓝山县应急管理局：",
    "为落实安全生产主体责任，本单位郑重承诺：",
    "一、严格遵守安全生产法律法规和国家标准、行业标准；",
    "二、建立健全并落实全员安全生产责任制；",
    "三、不违章指挥、不强令冒险作业，杜绝生产安全责任事故。",
]


def unit_blocks(signer: str, day: str, *, code: str = CODE_A) -> list:
    return [
        *BODY,
        "承诺单位（盖章）：蓝山县某某建材有限公司",
        f"统一社会信用代码：{code}",
        f"法定代表人（签字）：{signer}",
        day,
    ]


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("2026年度安全生产承诺书", 2026),
        ("安全生产责任承诺书", None),
        ("安全生产承诺书（单位）", None),
        ("蓝山县某某建材有限公司二〇二六年安全生产承诺书", 2026),
    ],
)
def test_own_unit_letter_signed(tmp_path: Path, media: str, title: str, year: int | None) -> None:
    parsed = parse_path(write(tmp_path, media, unit_blocks("张三", "2026年3月1日"), title))
    assert parsed.kind == "commitment_letter"
    assert "没有编号" in parsed.reason
    assert parsed.get("level") == "unit"
    assert parsed.get("year") == year
    assert "serial" not in parsed.fields
    assert (parsed.get("signer"), parsed.get("sign_date"), parsed.get("signed")) == (
        "张三",
        "2026-03-01",
        True,
    )
    assert parsed.credit_code == CODE_A and parsed.enterprise_name == "蓝山县某某建材有限公司"


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    ("signer", "day"),
    [
        ("", "年    月    日"),
        ("__________", "____年____月____日"),
        ("张三", "年  月  日"),  # signed but not dated
        ("", "2026年3月1日"),  # dated but not signed
    ],
)
def test_own_unit_letter_unsigned(tmp_path: Path, media: str, signer: str, day: str) -> None:
    parsed = parse_path(write(tmp_path, media, unit_blocks(signer, day), "安全生产承诺书"))
    assert parsed.kind == "commitment_letter"
    assert parsed.get("signed") is False
    assert parsed.get("signer") == (signer or None if signer.strip("_") else None)
    assert parsed.get("sign_date") == ("2026-03-01" if day[0] == "2" else None)


@pytest.mark.parametrize("media", MEDIA)
def test_signer_and_date_on_one_line_and_a_labelled_date(tmp_path: Path, media: str) -> None:
    blocks = [
        *BODY,
        "单位（盖章）：蓝山县某某建材有限公司    主要负责人（签字）：李四",
        "签订日期：二〇二六年一月五日",
    ]
    parsed = parse_path(write(tmp_path, media, blocks, "2026年度安全生产承诺书"))
    assert (parsed.get("signer"), parsed.get("sign_date"), parsed.get("signed")) == (
        "李四",
        "2026-01-05",
        True,
    )
    assert parsed.enterprise_name == "蓝山县某某建材有限公司"
    assert "credit_code" not in parsed.fields  # the letter states none


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    ("title", "header", "signature", "level"),
    [
        ("安全生产双向承诺书", "班组名称：焊接一班", "班组长（签字）：王五", "team"),
        ("班组安全生产双向承诺书", "", "班组长（签字）：王五", "team"),
        ("岗位安全生产承诺书", "岗位：焊工", "承诺人（签字）：王五", "post"),
        ("安全生产双向承诺书", "车间（部门）名称：二车间", "车间负责人（签字）：王五", "workshop"),
        ("2026年度安全生产承诺书", "", "承诺人（签字）：王五", "unit"),
    ],
)
def test_levels(
    tmp_path: Path, media: str, title: str, header: str, signature: str, level: str
) -> None:
    blocks = [
        *([header] if header else []),
        "本人郑重承诺：严格遵守操作规程，不违章作业，正确佩戴劳动防护用品。",
        signature,
        "日期：2026年2月2日",
    ]
    parsed = parse_path(write(tmp_path, media, blocks, title))
    assert parsed.kind == "commitment_letter"
    assert parsed.get("level") == level
    assert parsed.get("signed") is True and parsed.get("signer") == "王五"


def test_blank_post_letter_with_the_name_in_its_header_is_unsigned(tmp_path: Path) -> None:
    blocks = [
        "承诺人：孙七    岗位：焊工",
        "本人郑重承诺：不违章作业。",
        "承诺人（签字）：",
        "日期：    年  月  日",
    ]
    parsed = parse_path(write(tmp_path, "docx", blocks, "2026年度岗位安全生产承诺书"))
    assert parsed.get("level") == "post" and parsed.get("year") == 2026
    assert parsed.get("signed") is False
    assert "signer" not in parsed.fields and "sign_date" not in parsed.fields


def test_our_letters_still_come_first_and_need_their_serial() -> None:
    assert [module.NAME for module in PARSERS][:1] == ["commitment_letter"]
    assert "penalty_publicity" in KINDS
    from parsers.base import Document

    ours = Document(Path("a.pdf"), "pdf", "编号:蓝应急诺〔2026〕0001号\n2026年度安全生产承诺书\n")
    own = Document(Path("a.pdf"), "pdf", "2026年度安全生产承诺书\n本单位承诺")
    other = Document(Path("a.pdf"), "pdf", "消防安全告知书\n本单位承诺")
    assert "编号" in commitment_letter.accepts(ours)
    assert "没有编号" in commitment_letter.accepts(own)
    assert commitment_letter.accepts(other) is None


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    ("lines", "signer", "signed"),
    [
        (["主要负责人：李四", "2026年1月5日"], "李四", True),  # a bare label at the foot
        (["单位（盖章）：蓝山县某某建材有限公司", "2026年1月5日"], "蓝山县某某建材有限公司", True),
        (["单位（盖章）：", "主要负责人：", "年 月 日"], None, False),
    ],
)
def test_foot_of_the_letter_without_signature_marks(
    tmp_path: Path, media: str, lines: list[str], signer: str | None, signed: bool
) -> None:
    parsed = parse_path(write(tmp_path, media, [*BODY, *lines], "安全生产承诺书"))
    assert parsed.kind == "commitment_letter"
    assert parsed.get("signer") == signer and parsed.get("signed") is signed
    assert parsed.get("sign_date") == ("2026-01-05" if signed else None)


# -- real-world shapes: titles, authorities, table signatures, run-together lists -------------
# Each below failed before its fix; they stand for the documents the corpus in
# tests/realworld_corpus.py imitates.


def ruled(media: str, blocks: list, path: Path) -> Path:
    """A document with ruled tables (``("table", rows)``), as bureaus and enterprises make
    them: the corpus's own writers."""
    from tests import realworld_corpus

    return realworld_corpus.writer(media, blocks)(path)


@pytest.mark.parametrize("media", MEDIA)
def test_title_with_branch_authority_and_number_on_one_line(tmp_path: Path, media: str) -> None:
    """One 41-character line: the 分局, the title and the 文号 in brackets, as printed."""
    blocks = [
        "永州市生态环境局蓝山分局责令改正违法行为决定书（永环责改〔2026〕蓝山-6号）",
        "蓝山县某某建材有限公司：",
        f"统一社会信用代码：{CODE_A}",
        "经查，你公司建设项目未依法报批环境影响评价文件，擅自开工建设。",
        "现责令你公司立即停止建设，并于2026年5月20日前改正上述环境违法行为。",
        "永州市生态环境局蓝山分局",
        "2026年3月16日",
    ]
    parsed = parse_path(write(tmp_path, media, blocks, None))
    assert parsed.kind == "rectification_order"
    assert parsed.get("authority") == "永州市生态环境局蓝山分局"
    assert parsed.get("rectification_deadline") == "2026-05-20"
    assert parsed.credit_code == CODE_A


def test_a_bracketed_note_does_not_make_a_sentence_a_title() -> None:
    from parsers.fields import find_title

    titles = ["责令改正违法行为决定书"]
    line = "永州市生态环境局蓝山分局责令改正违法行为决定书（永环责改〔2026〕蓝山-6号）"
    assert find_title(line, titles) is not None
    assert find_title(f"{line}（副本）".replace("（永环责改〔2026〕蓝山-6号）", ""), titles)
    sentence = (
        "我局于2026年3月1日依法向你公司送达了责令改正违法行为决定书，你公司至今未按要求改正"
        "（永环责改〔2026〕4号）"
    )
    assert find_title(sentence, titles) is None


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("永州市生态环境局蓝山分局责令改正违法行为决定书", "永州市生态环境局蓝山分局"),
        (
            "湖州市生态环境局南浔分局行政处罚决定书（湖南浔环罚〔2026〕3号）",
            "湖州市生态环境局南浔分局",
        ),
        ("蓝山县应急管理局行政处罚决定书", "蓝山县应急管理局"),
        ("某某县消防救援大队不予行政处罚决定书", "某某县消防救援大队"),
    ],
)
def test_authority_run_into_the_title_is_the_longest_name(line: str, name: str) -> None:
    found = find_authority(f"{line}\n当事人：蓝山县某某建材有限公司\n罚款人民币3000元。")
    assert found is not None and found.value == name


def letter_rows(signer: str, day: str) -> list:
    return [
        ("title", "安全生产责任承诺书"),
        *[("para", text) for text in BODY],
        (
            "table",
            [
                ["承诺单位（盖章）", "蓝山县某某建材有限公司"],
                ["统一社会信用代码", CODE_A],
                ["法定代表人（签字）", signer],
                ["日期", day],
            ],
        ),
    ]


@pytest.mark.parametrize("media", MEDIA)
def test_own_letter_signed_in_a_table(tmp_path: Path, media: str) -> None:
    """Label and value in cells side by side: no colon (.docx rows read ``label | value``,
    a PDF's ruled row ``法定代表人（签字）张三``)."""
    parsed = parse_path(ruled(media, letter_rows("张三", "2026年1月10日"), tmp_path / f"l.{media}"))
    assert parsed.kind == "commitment_letter"
    assert (parsed.get("signer"), parsed.get("sign_date")) == ("张三", "2026-01-10")
    assert parsed.get("signed") is True
    assert parsed.credit_code == CODE_A
    assert [e.name for e in parsed.enterprises] == ["蓝山县某某建材有限公司"]


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    ("signer", "day"),
    [("", "　　年　　月　　日"), ("张三", "　　年　　月　　日"), ("", "2026年1月10日")],
)
def test_own_letter_unsigned_in_a_table(tmp_path: Path, media: str, signer: str, day: str) -> None:
    parsed = parse_path(ruled(media, letter_rows(signer, day), tmp_path / f"l.{media}"))
    assert parsed.get("signed") is False
    assert parsed.get("signer") == (signer or None)  # never the 日期 cell's text


def test_letter_signature_in_one_table_row() -> None:
    from parsers.base import Document

    text = "安全生产承诺书\n本单位郑重承诺。\n法定代表人（签字） | 张三 | 日期 | 2026年1月10日"
    parsed = commitment_letter.parse(Document(Path("a.docx"), "docx", text))
    assert (parsed.get("signer"), parsed.get("sign_date"), parsed.get("signed")) == (
        "张三",
        "2026-01-10",
        True,
    )
    prose = "安全生产承诺书\n本承诺书经法定代表人签字后生效。\n法定代表人（签字）：\n年　月　日"
    parsed = commitment_letter.parse(Document(Path("a.docx"), "docx", prose))
    assert parsed.get("signer") is None and parsed.get("signed") is False


PROSE_LIST = [
    f"一、萍乡市安源花炮制造有限公司（统一社会信用代码：{CODE_A}），因未按照规定对从业人员进行"
    "安全生产教育和培训，被萍乡市湘东区应急管理局处以罚款人民币20000元（贰万元整）。",
    f"二、萍乡市湘东区兴达陶瓷有限公司（统一社会信用代码：{CODE_B}），因未设置明显的安全警示"
    "标志，由赤峰市元宝山区应急管理局处以罚款5万元。",
    "特此公示。",
]


@pytest.mark.parametrize("media", MEDIA)
def test_publicity_list_in_prose_authority_without_the_preposition(
    tmp_path: Path, media: str
) -> None:
    parsed = parse_path(write(tmp_path, media, PROSE_LIST, "行政处罚信息公示汇总表"))
    assert [entry["authority"] for entry in parsed.get("entries")] == [
        "萍乡市湘东区应急管理局",
        "赤峰市元宝山区应急管理局",
    ]


PDF_LIST = [
    ["序号", "行政相对人名称", "统一社会信用代码", "行政处罚决定书文号", "处罚内容", "处罚机关"],
    [
        "1",
        "蓝山县甲化工有限公司",
        CODE_A,
        "蓝应急罚〔2026〕18号",
        "罚款10000元",
        "蓝山县应急管理局",
    ],
    [
        "2",
        "蓝山县乙矿业有限公司",
        CODE_B,
        "蓝市监处罚〔2026〕16号",
        "罚款人民币伍仟元整",
        "蓝山县市场监督管理局",
    ],
    ["3", "蓝山县丙建材有限公司", CODE_C, "蓝消行罚决字〔2026〕21号", "警告", "元江县消防救援大队"],
]
PDF_LIST_AUTHORITIES = ["蓝山县应急管理局", "蓝山县市场监督管理局", "元江县消防救援大队"]


def test_publicity_list_pdf_table_reads_its_cells(tmp_path: Path) -> None:
    """A ruled list in a PDF: the text runs the cells together; the cells do not."""
    blocks = [("title", "行政处罚信息公示汇总表"), ("table", PDF_LIST)]
    parsed = parse_path(ruled("pdf", blocks, tmp_path / "list.pdf"))
    entries = parsed.get("entries")
    assert [entry["authority"] for entry in entries] == PDF_LIST_AUTHORITIES
    assert [entry["name"] for entry in entries] == [row[1] for row in PDF_LIST[1:]]
    assert [entry["fine_yuan"] for entry in entries] == [10000, 5000, None]


def test_publicity_list_cells_run_together_in_text() -> None:
    """Without its cells (a list not ruled), the text's run-together row still gives the
    authority, not the fine or the 文号 before it."""
    from parsers import penalty_publicity
    from parsers.base import Document

    text = "\n".join(
        ["行政处罚信息公示汇总表", "".join(PDF_LIST[0])]
        + [f"{row[0]} {row[1]} {row[2]} {''.join(row[3:])}" for row in PDF_LIST[1:]]
    )
    parsed = penalty_publicity.parse(Document(Path("missing.pdf"), "pdf", text))
    assert [entry["authority"] for entry in parsed.get("entries")] == PDF_LIST_AUTHORITIES


def test_letter_signer_is_read_from_its_own_cell() -> None:
    """A row of the letter's foot table with more cells after the name: the name alone."""
    from parsers.base import Document

    text = (
        "安全生产承诺书\n本单位郑重承诺。\n"
        "法定代表人（签字） | 张三 | 联系电话 | 13800000000\n签订日期 | 2026年1月10日"
    )
    parsed = commitment_letter.parse(Document(Path("a.docx"), "docx", text))
    assert (parsed.get("signer"), parsed.get("sign_date"), parsed.get("signed")) == (
        "张三",
        "2026-01-10",
        True,
    )


def test_publicity_list_pdf_table_cells_that_wrap(tmp_path: Path) -> None:
    """Long names wrap inside their cells (and the header's cells over two lines)."""
    long_row = [
        "4",
        "蓝山县绿源中药材种植专业合作社联合社湘南分社有限公司",
        CODE_A,
        "蓝应急罚〔2026〕19号",
        "罚款人民币壹万贰仟叁佰元整",
        "湖州市南浔区练市镇人民政府综合行政执法局",
    ]
    header = [
        "序号",
        "行政处罚相对人名称",
        "统一社会信用代码（或身份证号）",
        "决定书文号",
        "处罚内容",
        "作出处罚决定的机关",
    ]
    blocks = [("title", "行政处罚信息公示汇总表"), ("table", [header, *PDF_LIST[1:], long_row])]
    parsed = parse_path(ruled("pdf", blocks, tmp_path / "list.pdf"))
    last = parsed.get("entries")[-1]
    assert (last["name"], last["credit_code"], last["fine_yuan"], last["authority"]) == (
        long_row[1],
        CODE_A,
        12300,
        long_row[5],
    )
    assert [entry["authority"] for entry in parsed.get("entries")[:3]] == PDF_LIST_AUTHORITIES


def test_publicity_list_in_the_national_format_columns(tmp_path: Path) -> None:
    """信用中国's 双公示 columns: the authority's own code and the confiscated amount come
    after the enterprise's code and the fine, and do not replace them."""
    authority_code = make_code(7009)
    table = [
        [
            "行政相对人名称",
            "统一社会信用代码",
            "行政处罚决定书文号",
            "罚款金额（万元）",
            "没收违法所得、没收非法财物的金额（万元）",
            "处罚决定日期",
            "处罚机关",
            "处罚机关统一社会信用代码",
        ],
        [
            "蓝山县甲化工有限公司",
            CODE_A,
            "蓝应急罚〔2026〕18号",
            "1.2",
            "0",
            "2026-03-02",
            "蓝山县应急管理局",
            authority_code,
        ],
    ]
    blocks = [("title", "行政处罚信息公示"), ("table", table), ("line", "特此公示。")]
    parsed = parse_path(ruled("docx", blocks, tmp_path / "list.docx"))
    entry = parsed.get("entries")[0]
    assert (entry["credit_code"], entry["fine_yuan"], entry["authority"]) == (
        CODE_A,
        12000,
        "蓝山县应急管理局",
    )


# -- hold-out findings: records titled 行政处罚, signatures in flattened tables, authorities -----


RECORD = [
    "行政相对人名称：祁阳市某某混凝土有限公司",
    f"统一社会信用代码：{MASKED_B}",
    "行政处罚决定书文号：祁应急罚〔2026〕11号",
    "违法行为类型：未按规定开展安全培训",
    "处罚类别：罚款",
    "处罚内容：罚款2.5万元",
    "处罚决定日期：2026/02/26",
    "处罚机关：祁阳市应急管理局",
    "数据来源：祁阳市应急管理局",
]


@pytest.mark.parametrize("media", MEDIA)
def test_publicity_record_titled_just_xingzheng_chufa(tmp_path: Path, media: str) -> None:
    """信用中国's record: its heading is 行政处罚 and ``行政处罚决定书文号：`` is a label, not a
    decision's title."""
    parsed = parse_path(write(tmp_path, media, RECORD, "行政处罚"))
    assert parsed.kind == "penalty_publicity"
    assert parsed.get("doc_number") == "祁应急罚〔2026〕11号"
    assert parsed.get("fine_yuan") == 25000
    assert parsed.get("authority") == "祁阳市应急管理局"
    assert (parsed.credit_code, parsed.credit_code_status) == (MASKED_B.upper(), "masked")
    assert [e.name for e in parsed.enterprises] == ["祁阳市某某混凝土有限公司"]


def test_a_decision_with_labelled_lines_is_still_a_decision(tmp_path: Path) -> None:
    blocks = [
        "蓝山县应急管理局",
        "蓝应急罚〔2026〕3号",
        "当事人：蓝山县某某建材有限公司",
        "处罚内容：罚款人民币5000元。",
        "处罚机关：蓝山县应急管理局",
    ]
    parsed = parse_path(write(tmp_path, "docx", blocks, "行政处罚决定书"))
    assert parsed.kind == "penalty_decision"


def two_signer_rows() -> list:
    return [
        ("title", "安全生产双向承诺书（班组）"),
        (
            "para",
            "为落实全员安全生产责任制，蓝山县某某化工有限公司合成车间甲班与公司签订本承诺书。",
        ),
        ("para", "班组承诺：严格执行操作规程，杜绝违章作业。公司承诺：按时发放劳动防护用品。"),
        ("para", f"公司名称：蓝山县某某化工有限公司  统一社会信用代码：{CODE_A}"),
        (
            "table",
            [
                ["班组长(签字)", "杨春生", "公司负责人(签字)", "何立平"],
                ["日期", "2026年1月6日", "日期", "2026年1月7日"],
            ],
        ),
    ]


@pytest.mark.parametrize("media", MEDIA)
def test_two_signers_in_one_table_row(tmp_path: Path, media: str) -> None:
    """A PDF's text runs the row together (``班组长(签字)杨春生公司负责人(签字)何立平`` over
    ``日期 2026年1月6日日期 2026年1月7日``): the name stops at the next label, the date is
    the one in its column."""
    parsed = parse_path(ruled(media, two_signer_rows(), tmp_path / f"l.{media}"))
    assert parsed.kind == "commitment_letter"
    assert parsed.get("level") == "team"
    assert (parsed.get("signer"), parsed.get("sign_date"), parsed.get("signed")) == (
        "杨春生",
        "2026-01-06",
        True,
    )


@pytest.mark.parametrize("media", MEDIA)
def test_two_signers_on_one_line_apart_by_a_full_width_space(tmp_path: Path, media: str) -> None:
    blocks = [
        *BODY,
        "班组长（签字）：杨春生　公司负责人（签字）：何立平",
        "日期：2026年1月6日",
    ]
    parsed = parse_path(write(tmp_path, media, blocks, "安全生产双向承诺书（班组）"))
    assert (parsed.get("signer"), parsed.get("sign_date"), parsed.get("signed")) == (
        "杨春生",
        "2026-01-06",
        True,
    )


@pytest.mark.parametrize("media", MEDIA)
def test_date_below_the_seal_line_is_the_signer_s(tmp_path: Path, media: str) -> None:
    blocks = [
        *BODY,
        f"承诺单位：蓝山县某某建材有限公司（统一社会信用代码：{CODE_A}）",
        "主要负责人（签字）：周永康",
        "单位（盖章）",
        "二〇二六年二月三日",
    ]
    parsed = parse_path(write(tmp_path, media, blocks, "安全生产责任承诺书"))
    assert (parsed.get("signer"), parsed.get("sign_date"), parsed.get("signed")) == (
        "周永康",
        "2026-02-03",
        True,
    )


def test_the_enterprise_s_name_before_a_signature_label_keeps_its_gongsi() -> None:
    from parsers.base import Document

    text = (
        "安全生产承诺书\n本单位郑重承诺。\n单位（盖章）：蓝山县某某有限公司主要负责人（签字）：李四"
    )
    parsed = commitment_letter.parse(Document(Path("a.pdf"), "pdf", text + "\n2026年1月5日"))
    assert parsed.get("signer") == "李四" and parsed.get("signed") is True


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    ("title", "kind", "lines"),
    [
        (
            "现场检查记录",
            "inspection_record",
            ["被检查单位：蓝山县某某建材有限公司", "检查情况：消防通道堵塞。"],
        ),
        (
            "整改复查意见书",
            "reinspection_opinion",
            ["蓝山县某某建材有限公司：", "经复查，你单位已整改完毕。"],
        ),
    ],
)
def test_inspection_and_reinspection_keep_their_authority(
    tmp_path: Path, media: str, title: str, kind: str, lines: list
) -> None:
    blocks = [
        "蓝应急〔2026〕2号",
        *lines,
        f"统一社会信用代码：{CODE_A}",
        "蓝山县应急管理局",
        "2026年4月28日",
    ]
    parsed = parse_path(write(tmp_path, media, ["蓝山县应急管理局", title, *blocks], None))
    assert parsed.kind == kind
    assert parsed.get("authority") == "蓝山县应急管理局"
    unsigned = parse_path(write(tmp_path, media, [title, *blocks[:-2]], None, name="bare"))
    assert unsigned.kind == kind and "authority" not in unsigned.fields


def test_publicity_list_from_one_authority_has_it_at_the_top(tmp_path: Path) -> None:
    table = [
        ["序号", "行政相对人名称", "统一社会信用代码", "行政处罚决定书文号", "罚款金额(万元)"],
        ["1", "永州市甲运输有限公司", CODE_A, "永应急罚〔2026〕3号", "10"],
        ["2", "永州市乙建材有限公司", CODE_B, "永应急罚〔2026〕6号", "0.5"],
    ]
    blocks = [
        "现将本局2026年第一季度作出的行政处罚信息公示如下：",
        table,
        "永州市应急管理局",
        "2026年4月2日",
    ]
    title = "永州市应急管理局2026年第一季度行政处罚信息公示"
    parsed = parse_path(write(tmp_path, "docx", blocks, title))
    assert parsed.get("authority") == "永州市应急管理局"
    entries = parsed.get("entries")
    assert [(e["doc_number"], e["fine_yuan"]) for e in entries] == [
        ("永应急罚〔2026〕3号", 100000),
        ("永应急罚〔2026〕6号", 5000),
    ]
    assert [e["authority"] for e in entries] == ["永州市应急管理局"] * 2


@pytest.mark.parametrize("media", MEDIA)
def test_paragraph_list_every_entry_has_the_list_s_authority(tmp_path: Path, media: str) -> None:
    """The 落款 is not part of the last entry: every entry has the list's authority, not
    only the last."""
    items = [
        f"1. 江永县甲旅游开发有限公司，统一社会信用代码{CODE_A}，因未建立事故隐患排查治理制度，"
        "被处以罚款人民币3万元（江应急罚〔2026〕4号）。",
        f"2. 江永县乙石灰厂，统一社会信用代码{CODE_B}，因主要负责人未履行安全生产管理职责，"
        "被处以罚款人民币1.2万元（江应急罚〔2026〕5号）。",
        "江永县应急管理局",
        "2026年3月31日",
    ]
    parsed = parse_path(write(tmp_path, media, items, "江永县应急管理局行政处罚公示（2026年3月）"))
    assert parsed.get("authority") == "江永县应急管理局"
    entries = parsed.get("entries")
    assert [(e["credit_code"], e["fine_yuan"], e["authority"]) for e in entries] == [
        (CODE_A, 30000, "江永县应急管理局"),
        (CODE_B, 12000, "江永县应急管理局"),
    ]


def test_list_of_several_authorities_has_no_top_level_authority(tmp_path: Path) -> None:
    parsed = parse_path(write(tmp_path, "docx", PROSE_LIST, "行政处罚信息公示汇总表"))
    assert len(parsed.get("entries")) == 2
    assert "authority" not in parsed.fields


# -- second hold-out: the causes it found -----------------------------------------------------

MASKED_A = CODE_A[:5] + "****" + CODE_A[-4:]
PUBLICITY_HEADER = ["行政相对人", "统一社会信用代码", "处罚决定书文号", "处罚结果"]
PUBLICITY_ROWS = [
    ["永州市甲汽修厂", MASKED_A, "永环罚〔2026〕40号", "罚款人民币叁万元整"],
    ["永州市乙混凝土有限公司", CODE_B, "永环罚〔2026〕41号", "罚款人民币拾万元整"],
]


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize("word", ["公开", "公告", "公示"])
def test_publicity_list_titled_xinxi_gongkai(tmp_path: Path, media: str, word: str) -> None:
    """Ecology bureaus publish under 公开 (or 公告): a list like any 公示, one entry a row, the
    enterprise's column headed just 行政相对人."""
    blocks = [
        ("title", f"永州市生态环境局行政处罚决定信息{word}"),
        ("table", [PUBLICITY_HEADER, *PUBLICITY_ROWS]),
        ("right", "永州市生态环境局"),
        ("right", "2026年4月30日"),
    ]
    parsed = parse_path(ruled(media, blocks, tmp_path / f"list.{media}"))
    assert parsed.kind == "penalty_publicity"
    assert parsed.get("authority") == "永州市生态环境局"
    assert [
        (e["name"], e["credit_code"], e["doc_number"], e["fine_yuan"])
        for e in parsed.get("entries")
    ] == [
        ("永州市甲汽修厂", MASKED_A, "永环罚〔2026〕40号", 30000),
        ("永州市乙混凝土有限公司", CODE_B, "永环罚〔2026〕41号", 100000),
    ]


@pytest.mark.parametrize("media", MEDIA)
def test_a_decision_that_will_be_made_public_is_still_a_decision(
    tmp_path: Path, media: str
) -> None:
    """Guard: 公开 in a decision's text (本决定将依法向社会公开) makes no publicity."""
    blocks = [*ECOLOGY_DECISION[:-3], "本决定将依法向社会公开。", *ECOLOGY_DECISION[-3:]]
    parsed = parse_path(write(tmp_path, media, blocks, "行政处罚决定书"))
    assert parsed.kind == "penalty_decision"
    assert parsed.get("fine_yuan") == 20000


OWN_LETTER_BODY = (
    "本单位郑重承诺：严格遵守《中华人民共和国安全生产法》，落实全员安全生产责任制，"
    "按规定足额提取和使用安全生产费用，如违反上述承诺，自愿接受处罚。"
)


def own_letter(tmp_path: Path, media: str, title: str, foot: list) -> object:
    blocks = [OWN_LETTER_BODY, f"统一社会信用代码：{CODE_A}", *foot]
    return parse_path(write(tmp_path, media, blocks, title))


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize("mark", ["（签字）", "（签名）", "（签章）", "(签字)"])
@pytest.mark.parametrize("same_line", [False, True])
def test_name_followed_by_its_signature_mark_is_signed(
    tmp_path: Path, media: str, mark: str, same_line: bool
) -> None:
    foot = (
        [f"法定代表人：陈国栋{mark}　2026年1月15日"]
        if same_line
        else [f"法定代表人：陈国栋{mark}", "2026年1月15日"]
    )
    parsed = own_letter(tmp_path, media, "安全生产承诺书", foot)
    assert (parsed.kind, parsed.get("signer"), parsed.get("sign_date"), parsed.get("signed")) == (
        "commitment_letter",
        "陈国栋",
        "2026-01-15",
        True,
    )


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    "foot",
    [["法定代表人：（签字）", "2026年1月15日"], ["法定代表人：______（签字）", "年　月　日"]],
)
def test_a_signature_mark_alone_is_no_signer(tmp_path: Path, media: str, foot: list) -> None:
    """Guard: the mark without a name before it is a blank line, not a signer."""
    parsed = own_letter(tmp_path, media, "安全生产承诺书", foot)
    assert parsed.get("signed") is False
    assert parsed.get("signer") is None


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    "written", ["2026.3.2", "2026-03-02", "2026/3/2", "2026年3月2日", "二〇二六年三月二日"]
)
@pytest.mark.parametrize("same_line", [True, False])
def test_date_in_any_shape_next_to_the_signer(
    tmp_path: Path, media: str, written: str, same_line: bool
) -> None:
    foot = [f"法定代表人：罗志明　{written}"] if same_line else ["法定代表人：罗志明", written]
    parsed = own_letter(tmp_path, media, "安全生产承诺书", foot)
    assert (parsed.get("signer"), parsed.get("sign_date"), parsed.get("signed")) == (
        "罗志明",
        "2026-03-02",
        True,
    )


@pytest.mark.parametrize("media", MEDIA)
def test_a_phone_number_on_the_signer_s_line_is_no_date(tmp_path: Path, media: str) -> None:
    """Guard: digits on the signer's line that are not a date leave it unsigned."""
    foot = ["法定代表人：罗志明　联系电话：0746-2223344", "年　月　日"]
    parsed = own_letter(tmp_path, media, "安全生产承诺书", foot)
    assert parsed.get("signed") is False
    assert parsed.get("sign_date") is None


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    "title",
    [
        "安全生产主体责任承诺书",
        "企业安全生产主体责任承诺书",
        "2026年度企业安全生产主体责任承诺书",
        "安全生产工作承诺书",
        "安全承诺书",
        "安全生产目标管理责任承诺书",
        "安全生产诚信承诺书",
    ],
)
def test_own_letter_titles_of_every_wording(tmp_path: Path, media: str, title: str) -> None:
    parsed = own_letter(tmp_path, media, title, ["主要负责人（签字）：欧阳峰", "2026年2月28日"])
    assert parsed.kind == "commitment_letter"
    assert parsed.get("signed") is True
    assert parsed.get("level") == "unit"
    assert parsed.credit_code == CODE_A


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    "title",
    [
        "关于签订2026年度安全生产主体责任承诺书的通知",
        "关于收回安全生产承诺书",
        "安全生产主体责任落实情况报告",
    ],
)
def test_a_text_that_mentions_a_letter_is_not_one(tmp_path: Path, media: str, title: str) -> None:
    """Guard: a notice about the letters (or a report that mentions them) is not a letter."""
    blocks = [
        "各生产经营单位：",
        "请于2026年3月31日前签订安全生产主体责任承诺书并报送本局。",
        "蓝山县应急管理局",
        "2026年3月2日",
    ]
    parsed = parse_path(write(tmp_path, media, blocks, title))
    assert parsed.kind != "commitment_letter"


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    "label",
    [
        "单位：",
        "所在单位：",
        "店名：",
        "单位名称（盖章）：",
        "企业名称（盖章）：",
        "承诺单位：",
        "企业名称：",
    ],
)
def test_own_letter_enterprise_under_every_label(tmp_path: Path, media: str, label: str) -> None:
    foot = [f"{label}衡南县华源化工有限公司（盖章）", "法定代表人：陈国栋", "2026年1月15日"]
    parsed = own_letter(tmp_path, media, "安全生产承诺书", foot)
    assert [(e.name, e.credit_code) for e in parsed.enterprises] == [
        ("衡南县华源化工有限公司", CODE_A)
    ]


@pytest.mark.parametrize("media", MEDIA)
def test_own_letter_enterprise_in_a_table_cell(tmp_path: Path, media: str) -> None:
    table = [
        ["企业名称", "江华县沱江镇利民液化气站"],
        ["统一社会信用代码", CODE_A],
        ["主要负责人（签字）", "张三"],
        ["日期", "2026年3月2日"],
    ]
    blocks = [("title", "安全生产承诺书"), ("para", OWN_LETTER_BODY), ("table", table)]
    parsed = parse_path(ruled(media, blocks, tmp_path / f"letter.{media}"))
    assert [(e.name, e.credit_code) for e in parsed.enterprises] == [
        ("江华县沱江镇利民液化气站", CODE_A)
    ]
    assert parsed.get("signed") is True


@pytest.mark.parametrize("media", MEDIA)
def test_own_letter_blank_enterprise_label_names_no_enterprise(tmp_path: Path, media: str) -> None:
    """Guard: ``单位（盖章）：____`` left blank is no name (not the next line's label)."""
    foot = ["单位名称（盖章）：________________", "法定代表人（签字）：________", "年　　月　　日"]
    parsed = own_letter(tmp_path, media, "安全生产承诺书", foot)
    assert [e.name for e in parsed.enterprises] == [None]
    assert parsed.get("signed") is False


REINSPECTION_HEAD = [
    "蓝山县应急管理局",
    "（湘永蓝）应急复查〔2026〕5号",
    "蓝山县恒通木业有限公司：",
    f"统一社会信用代码：{CODE_A}",
    "本局于2026年4月20日作出了（湘永蓝）应急责改〔2026〕执法一中队-3号《责令限期整改指令书》，"
    "责令你单位于2026年5月10日前整改完毕。经2026年5月12日复查，提出如下意见：",
]
REINSPECTION_FOOT = ["蓝山县应急管理局", "2026年5月12日"]


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    "opinion",
    [
        "1.第1、3项问题已整改完毕；2.第2项问题未整改完毕，限于2026年6月15日前整改完毕，"
        "逾期未整改的，依法处理。",
        "第2项问题未整改，责令你单位于2026年6月15日前整改完毕。",
        "第2项问题未整改到位，整改期限延长至2026年6月15日。",
    ],
)
def test_reinspection_opinion_reads_its_new_deadline(
    tmp_path: Path, media: str, opinion: str
) -> None:
    blocks = [*REINSPECTION_HEAD, opinion, *REINSPECTION_FOOT]
    parsed = parse_path(write(tmp_path, media, blocks, "整改复查意见书"))
    assert parsed.kind == "reinspection_opinion"
    assert parsed.get("rectification_deadline") == "2026-06-15"
    assert parsed.get("rectified") is False


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    "opinion",
    ["你单位已于2026年5月9日前整改完毕，符合要求。", "经复查，你单位已按要求完成全部整改。"],
)
def test_reinspection_opinion_quotes_no_deadline_as_its_own(
    tmp_path: Path, media: str, opinion: str
) -> None:
    """Guard: the order's deadline the opinion quotes, and the day the work was done, are not
    a new deadline."""
    blocks = [*REINSPECTION_HEAD, opinion, *REINSPECTION_FOOT]
    parsed = parse_path(write(tmp_path, media, blocks, "整改复查意见书"))
    assert parsed.kind == "reinspection_opinion"
    assert parsed.get("rectification_deadline") is None
    assert parsed.get("rectified") is True


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    "title", ["责令改正通知书", "责令整改通知书", "限期整改通知书", "责令限期改正通知书"]
)
def test_other_bureaus_rectification_notices(tmp_path: Path, media: str, title: str) -> None:
    blocks = [
        "新田县市场监督管理局",
        title,
        "新市监责改〔2026〕12号",
        f"新田县富民食品有限公司（统一社会信用代码：{CODE_A}）：",
        "经查，你单位存在未按规定建立食品进货查验记录的行为，违反了《中华人民共和国食品安全法》"
        "第五十三条的规定。",
        "依据《中华人民共和国行政处罚法》第二十八条第一款的规定，责令你单位于2026年5月31日前改正。",
        "新田县市场监督管理局",
        "2026年5月8日",
    ]
    parsed = parse_path(write(tmp_path, media, blocks, None))
    assert parsed.kind == "rectification_order"
    assert parsed.get("rectification_deadline") == "2026-05-31"
    assert parsed.get("authority") == "新田县市场监督管理局"
    assert parsed.get("doc_number") == "新市监责改〔2026〕12号"
    assert parsed.credit_code == CODE_A


@pytest.mark.parametrize("media", MEDIA)
def test_a_notice_that_cites_a_rectification_notice_is_not_one(tmp_path: Path, media: str) -> None:
    """Guard: a penalty notice naming the 责令改正通知书 it follows stays a penalty notice."""
    blocks = [
        "新田县市场监督管理局",
        "新市监罚告〔2026〕3号",
        "新田县富民食品有限公司：",
        "本局于2026年5月8日向你单位送达《责令改正通知书》，你单位逾期未改正。"
        "本局拟对你单位作出罚款人民币伍仟元的行政处罚。",
        "新田县市场监督管理局",
        "2026年6月8日",
    ]
    parsed = parse_path(write(tmp_path, media, blocks, "行政处罚告知书"))
    assert parsed.kind == "penalty_notice"


def test_own_letter_long_name_wrapped_before_the_code_is_whole() -> None:
    """Guard: the name labels' new reader still joins a name a PDF wrapped over two lines."""
    from parsers.base import Document

    text = (
        "安全生产承诺书\n本单位郑重承诺。\n承诺单位：蓝山县绿源中药材种植专业合作社联合社湘南\n"
        f"分社有限公司（盖章）\n统一社会信用代码：{CODE_A}\n法定代表人：张三\n2026年1月10日"
    )
    parsed = commitment_letter.parse(Document(Path("a.pdf"), "pdf", text))
    assert [(e.name, e.credit_code) for e in parsed.enterprises] == [
        ("蓝山县绿源中药材种植专业合作社联合社湘南分社有限公司", CODE_A)
    ]


# -- hold-out 3's causes: bracketed title words, case-file covers, deadlines with other verbs,
# role-bracketed signer labels, a seal line under the signer, labels run into the authority,
# list items without a code and names ending in 场/站/所 -------------------------------------


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    "title",
    ["行政处罚事先（听证）告知书", "行政处罚（陈述申辩）告知书", "行政处罚事先(听证)告知书"],
)
def test_notice_title_with_a_word_in_brackets(tmp_path: Path, media: str, title: str) -> None:
    blocks = [
        "永州市生态环境局",
        title,
        "永环罚告〔2026〕22号",
        f"江永县某某专业合作社（统一社会信用代码：{CODE_A}）：",
        "我局拟对你合作社处以罚款人民币叁万贰仟元。",
        "永州市生态环境局",
        "2026年3月2日",
    ]
    parsed = parse_path(write(tmp_path, media, blocks, None))
    assert parsed.kind == "penalty_notice"
    assert parsed.get("fine_yuan") == 32000
    assert parsed.get("authority") == "永州市生态环境局"


def test_a_bracketed_title_quoted_in_a_sentence_is_no_title() -> None:
    """Guard: the bracketed title quoted in 《》 or inside a sentence does not make a notice."""
    from parsers.fields import find_title

    titles = ["行政处罚事先告知书"]
    assert find_title("送达《行政处罚事先（听证）告知书》", titles) is None
    sentence = "我局已于2026年3月2日向你单位送达了行政处罚事先（听证）告知书，你单位在法定期限内未提出陈述申辩"
    assert find_title(sentence, titles) is None
    assert find_title("行政处罚事先（听证）告知书", titles) is not None


COVER = [
    "行政执法案卷",
    "（封面）",
    "案由：未按规定开展应急演练案",
    "当事人：宁远县冷水镇通达液化气站",
    "立案日期：2026年1月9日",
    "结案日期：2026年3月30日",
    "归档号：2026-应急-031",
    "保存期限：长期",
]
COVERED_DECISION = [
    "宁远县应急管理局",
    "行政处罚决定书",
    "（湘永宁）应急罚〔2026〕31号",
    "被处罚单位：宁远县冷水镇通达液化气站",
    f"统一社会信用代码：{CODE_A}",
    "你单位未按规定组织应急救援预案演练。依据《生产安全事故应急条例》第三十条，"
    "决定处罚款人民币贰万元整。",
    "宁远县应急管理局",
    "2026年3月30日",
]


@pytest.mark.parametrize("media", MEDIA)
def test_a_case_file_cover_before_the_title(tmp_path: Path, media: str) -> None:
    parsed = parse_path(write(tmp_path, media, [*COVER, *COVERED_DECISION], None))
    assert parsed.kind == "penalty_decision"
    assert parsed.get("fine_yuan") == 20000
    assert parsed.get("doc_number") == "（湘永宁）应急罚〔2026〕31号"
    assert parsed.credit_code == CODE_A


@pytest.mark.parametrize("media", MEDIA)
def test_without_a_cover_a_title_far_down_is_no_title(tmp_path: Path, media: str) -> None:
    """Guard: the title window grows only after a case file's cover; eight lines of
    particulars before a title-like line are not a cover."""
    lines = [line for line in COVER[2:]] + ["联系人：张某", "联系电话：0746-1234567", "备注：无"]
    parsed = parse_path(write(tmp_path, media, [*lines, *COVERED_DECISION], None))
    assert parsed.kind == "unknown"


def order_with(sentence: str) -> list[str]:
    return [
        "永州市生态环境局责令改正违法行为决定书（永环责改〔2026〕4号）",
        "江永县某某米业有限公司：",
        f"统一社会信用代码：{CODE_A}",
        "经查，你公司年产2万吨大米加工项目未依法报批环境影响评价文件，擅自开工建设。",
        sentence,
        "永州市生态环境局",
        "2026年3月16日",
    ]


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    "sentence",
    [
        "现责令你公司立即停止建设，并于2026年6月30日之前，取得该项目环境影响审批手续。",
        "你公司须于2026年6月30日前补办安全设施竣工验收手续。",
        "限你公司于2026年6月30日以前拆除违法搭建的彩钢棚。",
        "要求你公司于2026年6月30日前完成废气收集设施建设。",
    ],
)
def test_deadline_with_any_verb_after_it(tmp_path: Path, media: str, sentence: str) -> None:
    parsed = parse_path(write(tmp_path, media, order_with(sentence), None))
    assert parsed.kind == "rectification_order"
    assert parsed.get("rectification_deadline") == "2026-06-30"


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    "sentence",
    [
        "你公司于2026年1月5日前往我局说明情况。",
        "经查，你公司于2026年1月5日前未取得排污许可证即投入生产。",
        "你公司并于2026年1月5日前后多次擅自排放废水。",
    ],
)
def test_a_past_date_before_a_verb_is_no_deadline(
    tmp_path: Path, media: str, sentence: str
) -> None:
    """Guard: 于…前 in the facts (前往, 前后, a past 未取得) sets no deadline."""
    parsed = parse_path(write(tmp_path, media, order_with(sentence), None))
    assert parsed.kind == "rectification_order"
    assert parsed.get("rectification_deadline") is None


def role_letter(label: str, signer: str, day: str, title: str) -> list:
    return [
        ("title", title),
        ("para", "承诺部门：某某有限公司仓储车间"),
        ("para", "我向公司承诺：严格遵守安全操作规程，落实本车间安全生产责任。"),
        ("table", [[label, signer], ["签订日期", day]]),
    ]


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    ("label", "title", "level"),
    [
        ("承诺人（车间主任）", "2026年车间安全生产承诺书", "workshop"),
        ("承诺人（班组长）", "2026年班组安全生产承诺书", "team"),
        ("承诺人（法定代表人）", "2026年安全生产承诺书", "unit"),
        ("承诺人（车间主任）（签字）", "2026年车间安全生产承诺书", "workshop"),
    ],
)
def test_signer_label_with_a_role_in_brackets(
    tmp_path: Path, media: str, label: str, title: str, level: str
) -> None:
    blocks = role_letter(label, "邓志强", "2026年2月3日", title)
    parsed = parse_path(ruled(media, blocks, tmp_path / f"r.{media}"))
    assert parsed.kind == "commitment_letter"
    assert parsed.get("signed") is True
    assert (parsed.get("signer"), parsed.get("sign_date")) == ("邓志强", "2026-02-03")
    assert parsed.get("level") == level


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    ("signer", "day"), [("", "2026年2月3日"), ("邓志强", "　　年　　月　　日")]
)
def test_role_bracketed_label_left_blank_is_unsigned(
    tmp_path: Path, media: str, signer: str, day: str
) -> None:
    blocks = role_letter("承诺人（车间主任）", signer, day, "2026年车间安全生产承诺书")
    parsed = parse_path(ruled(media, blocks, tmp_path / f"r.{media}"))
    assert parsed.get("signed") is False


def sealed_letter(signer: str, seal: str, day: str) -> list[str]:
    return [
        "承诺企业：江华县某某茶业有限公司",
        f"统一社会信用代码：{CODE_A}",
        "2026年度本企业承诺：严格遵守安全生产法律法规，落实全员安全生产责任制。",
        f"主要负责人（签名）：{signer}",
        f"单位（盖章）：{seal}",
        day,
    ]


@pytest.mark.parametrize("media", MEDIA)
def test_a_seal_line_between_the_signer_and_the_date(tmp_path: Path, media: str) -> None:
    blocks = sealed_letter("盘志远", "江华县某某茶业有限公司", "2026年1月12日")
    parsed = parse_path(write(tmp_path, media, blocks, "安全生产承诺书"))
    assert parsed.kind == "commitment_letter"
    assert (parsed.get("signer"), parsed.get("sign_date")) == ("盘志远", "2026-01-12")
    assert parsed.get("signed") is True
    assert parsed.credit_code == CODE_A


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    ("signer", "day"), [("", "2026年1月12日"), ("盘志远", "年    月    日"), ("", "年    月    日")]
)
def test_a_seal_line_does_not_sign_a_blank_letter(
    tmp_path: Path, media: str, signer: str, day: str
) -> None:
    """Guard: the enterprise's name by 单位（盖章） signs nothing by itself."""
    blocks = sealed_letter(signer, "江华县某某茶业有限公司", day)
    parsed = parse_path(write(tmp_path, media, blocks, "安全生产承诺书"))
    assert parsed.get("signed") is False


def test_a_person_s_line_between_still_ends_the_signature() -> None:
    """Guard: another person's label (not a seal) between a signer and a date still ends the
    first signer's block: the date is not the first signer's."""
    from parsers.base import Document

    text = (
        "安全生产承诺书\n本单位郑重承诺。\n法定代表人（签字）：张三\n承诺人（签字）：\n"
        "2026年1月10日"
    )
    parsed = commitment_letter.parse(Document(Path("a.docx"), "docx", text))
    assert parsed.get("sign_date") is None
    assert parsed.get("signed") is False


@pytest.mark.parametrize("media", MEDIA)
def test_authority_label_run_into_its_value_in_a_pdf_table(tmp_path: Path, media: str) -> None:
    blocks = [
        ("title", "行政处罚决定信息公示"),
        (
            "table",
            [
                ["行政相对人名称", "双牌县某某农资店"],
                ["统一社会信用代码", CODE_A],
                ["行政处罚决定书文号", "双应急罚〔2026〕7号"],
                ["罚款金额（万元）", "0.3"],
                ["处罚机关", "双牌县应急管理局"],
            ],
        ),
    ]
    parsed = parse_path(ruled(media, blocks, tmp_path / f"p.{media}"))
    assert parsed.kind == "penalty_publicity"
    assert parsed.get("authority") == "双牌县应急管理局"
    assert parsed.get("fine_yuan") == 3000


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("行政处罚决定信息公示\n处罚机关双牌县应急管理局", "双牌县应急管理局"),
        ("行政处罚决定书\n决定机关:双牌县应急管理局", "双牌县应急管理局"),
        ("决定书\n处罚机关认为你单位违法\n双牌县消防救援大队", "双牌县消防救援大队"),
    ],
)
def test_an_authority_label_is_never_part_of_the_name(text: str, name: str) -> None:
    found = find_authority(text)
    assert found is not None and found.value == name
    assert not looks_like_authority("处罚机关双牌县应急管理局")


ITEMS_NO_CODE = [
    "根据《环境行政处罚办法》有关规定，现将我局2026年3月作出的行政处罚决定公开如下：",
    f"1. 江永县千家峒茶业有限公司（统一社会信用代码：{CODE_A}），江环罚〔2026〕3号，罚款26000元。",
    "2. 江永县潇浦镇鑫源洗车场，江环罚〔2026〕6号，罚款4000元。",
    f"3. 江永县桃川镇宏发养殖场（统一社会信用代码：{CODE_B}），江环罚〔2026〕7号，罚款18000元。",
    "4. 乙有限公司，江环罚〔2026〕8号，罚款5000元。",
    f"5. 丙砖厂（统一社会信用代码：{CODE_C}），江环罚〔2026〕9号，罚款32000元。",
    "6. 江永县城关镇顺风加油站，江环罚〔2026〕10号，罚款6000元。",
    "7. 江永县粗石江镇农机专业合作社，江环罚〔2026〕11号，罚款7000元。",
    "8. 江永县上江圩镇污水处理中心，江环罚〔2026〕12号，罚款8000元。",
    "永州市生态环境局江永分局",
    "2026年4月1日",
]
ITEMS_NO_CODE_WANT = [
    ("江永县千家峒茶业有限公司", CODE_A, "江环罚〔2026〕3号", 26000),
    ("江永县潇浦镇鑫源洗车场", None, "江环罚〔2026〕6号", 4000),
    ("江永县桃川镇宏发养殖场", CODE_B, "江环罚〔2026〕7号", 18000),
    ("乙有限公司", None, "江环罚〔2026〕8号", 5000),
    ("丙砖厂", CODE_C, "江环罚〔2026〕9号", 32000),
    ("江永县城关镇顺风加油站", None, "江环罚〔2026〕10号", 6000),
    ("江永县粗石江镇农机专业合作社", None, "江环罚〔2026〕11号", 7000),
    ("江永县上江圩镇污水处理中心", None, "江环罚〔2026〕12号", 8000),
]


@pytest.mark.parametrize("media", MEDIA)
def test_prose_list_items_without_a_code_and_names_ending_in_field(
    tmp_path: Path, media: str
) -> None:
    parsed = parse_path(
        write(tmp_path, media, ITEMS_NO_CODE, "永州市生态环境局江永分局行政处罚信息公开")
    )
    assert parsed.kind == "penalty_publicity"
    entries = parsed.get("entries")
    got = [(e["name"], e["credit_code"], e["doc_number"], e["fine_yuan"]) for e in entries]
    assert got == ITEMS_NO_CODE_WANT


@pytest.mark.parametrize("width", [38, 40, 41, 42, 44])
def test_prose_list_with_codes_wrapped_inside_their_brackets(tmp_path: Path, width: int) -> None:
    """A PDF wraps an item's code across lines (…9132050560823487⏎68），…): the second line
    is the code's end, not an item numbered 68）."""
    path = write_pdf(
        tmp_path / "l.pdf",
        ITEMS_NO_CODE,
        title="永州市生态环境局江永分局行政处罚信息公开",
        line_chars=width,
    )
    entries = parse_path(path).get("entries")
    got = [(e["name"], e["credit_code"], e["doc_number"], e["fine_yuan"]) for e in entries]
    assert got == ITEMS_NO_CODE_WANT


@pytest.mark.parametrize("media", MEDIA)
def test_words_ending_in_field_or_station_are_not_names(tmp_path: Path, media: str) -> None:
    """Guard: 市场 (…市场监督管理局), 场所, 住所 end no entry's name; a numbered ``1)`` list
    still starts items."""
    blocks = [
        "1) 蓝山县市场监督管理局对蓝山县城关镇鑫源洗车场作出罚款3000元的行政处罚，"
        "蓝市监罚〔2026〕5号。",
        "2) 经营场所：蓝山县塔峰镇，蓝山县塔峰镇宏发养殖场被处罚款4000元，蓝市监罚〔2026〕6号。",
        "特此公示。",
    ]
    parsed = parse_path(write(tmp_path, media, blocks, "行政处罚信息公示"))
    entries = parsed.get("entries")
    assert [(e["name"], e["fine_yuan"]) for e in entries] == [
        ("蓝山县城关镇鑫源洗车场", 3000),
        ("蓝山县塔峰镇宏发养殖场", 4000),
    ]


# -- hold-out 4: signature blocks ---------------------------------------------------------------


def signed_foot(tmp_path: Path, media: str, title: str, foot: list) -> object:
    blocks = [OWN_LETTER_BODY, f"统一社会信用代码：{CODE_A}", *foot]
    return parse_path(write(tmp_path, media, blocks, title))


def signature(parsed) -> tuple:
    return parsed.get("signer"), parsed.get("sign_date"), parsed.get("signed")


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    ("title", "line", "signer"),
    [
        ("班组安全生产承诺书", "班组长：赵永和        安全员：钱春梅", "赵永和"),
        ("班组安全生产承诺书", "班组长：赵永和　安全员：", "赵永和"),
        ("安全生产双向承诺书", "甲方主要负责人（签字）：廖永兴    乙方（签字）：王大山", "廖永兴"),
        ("岗位安全生产承诺书", "承诺人：周晓兰    监护人（签字）：", "周晓兰"),
    ],
)
def test_two_labels_on_one_signature_line(
    tmp_path: Path, media: str, title: str, line: str, signer: str
) -> None:
    """Two people's labels on one line: the first name stops at the second label, whether
    the second is filled in or blank (安全员 blank, 班组长 signed and dated → signed)."""
    parsed = signed_foot(tmp_path, media, title, [line, "日期：2026年1月8日"])
    assert signature(parsed) == (signer, "2026-01-08", True)


@pytest.mark.parametrize("media", MEDIA)
def test_blank_first_label_is_not_filled_by_the_second(tmp_path: Path, media: str) -> None:
    """Guard: a blank 班组长 does not take the 安全员's name."""
    parsed = signed_foot(
        tmp_path,
        media,
        "班组安全生产承诺书",
        ["班组长：        安全员：钱春梅", "日期：2026年1月8日"],
    )
    assert parsed.get("signer") is None
    assert parsed.get("signed") is False


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    "foot",
    [
        ["签名：王芳", "日期：2026年1月8日"],
        ["签名：王芳    2026年1月8日"],
        ["签字：王芳", "2026年1月8日"],
    ],
)
def test_a_bare_signature_label(tmp_path: Path, media: str, foot: list) -> None:
    parsed = signed_foot(tmp_path, media, "岗位安全生产承诺书", foot)
    assert signature(parsed) == ("王芳", "2026-01-08", True)


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    "foot", [["签名：", "日期：    年  月  日"], ["签名：________", "年　月　日"]]
)
def test_a_bare_signature_label_left_blank(tmp_path: Path, media: str, foot: list) -> None:
    parsed = signed_foot(tmp_path, media, "岗位安全生产承诺书", foot)
    assert parsed.get("signer") is None
    assert parsed.get("signed") is False


def test_signature_words_inside_a_sentence_are_no_label() -> None:
    """Guard: 签名 within a sentence (本人签名确认：…) is not a bare label."""
    lines = ["本人签名确认：已阅读全部条款", "承诺人：王芳", "日期：2026年1月8日"]
    marks = commitment_letter._own_marks(lines)
    assert [(mark.label, mark.value) for mark in marks] == [("承诺人", "王芳")]


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("二〇二六年元月八日", "2026-01-08"),
        ("2026年元月18日", "2026-01-18"),
        ("2026年 1 月 8 日", "2026-01-08"),
        ("二〇二六年十二月八日", "2026-12-08"),
    ],
)
def test_sign_dates_as_officially_written(
    tmp_path: Path, media: str, written: str, iso: str
) -> None:
    foot = ["法定代表人（签字）：邝德旺", f"日期：{written}"]
    parsed = signed_foot(tmp_path, media, "安全生产承诺书", foot)
    assert signature(parsed) == ("邝德旺", iso, True)


def test_yuan_is_january_only_before_yue() -> None:
    """Guard: 元 stands for the month only in 年元月; other 元 is no date."""
    assert commitment_letter.parse_date("2026年元月8日") == commitment_letter.parse_date(
        "2026年1月8日"
    )
    assert commitment_letter.parse_date("罚款2026元月8日") is None


def post_sign_table() -> list:
    return [
        ("title", "岗位安全生产承诺书"),
        ("para", OWN_LETTER_BODY),
        ("para", f"单位名称：蓝山县某某化工有限公司  统一社会信用代码：{CODE_A}"),
        (
            "table",
            [
                ["承诺人（签名）", "周晓兰", "岗位", "包装工"],
                ["日期", "2026/01/09", "所在班组", "包装一班"],
            ],
        ),
    ]


@pytest.mark.parametrize("media", MEDIA)
def test_signature_table_with_four_cells_a_row(tmp_path: Path, media: str) -> None:
    """A PDF's text runs the row's cells together (``承诺人（签名）周晓兰岗位包装工``,
    ``日期2026/01/09所在班组包装一班``): the name and date stop at the next cell's label."""
    parsed = parse_path(ruled(media, post_sign_table(), tmp_path / f"l.{media}"))
    assert signature(parsed) == ("周晓兰", "2026-01-09", True)
    assert parsed.get("level") == "post"


def test_run_on_cells_keep_whole_names_and_refuse_prose_dates() -> None:
    """Guards: a name that is not followed by a label stays whole; a date line that goes on
    in prose (not a cell label) is no date."""
    assert commitment_letter._own_cell("欧阳晓兰") == "欧阳晓兰"
    assert commitment_letter._line_date("2026年1月9日起执行本承诺") is None
    assert commitment_letter._line_date("日期：2026年1月9日起执行") is None


POST_BODY = (
    "本人郑重承诺：严格遵守本岗位安全操作规程，正确佩戴和使用劳动防护用品；"
    "发现事故隐患立即报告，做到不伤害自己、不伤害他人、不被他人伤害。"
)


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    ("title", "body", "level"),
    [
        ("员工安全生产承诺书", POST_BODY, "post"),
        ("职工安全生产承诺书", OWN_LETTER_BODY, "post"),
        ("从业人员安全生产承诺书", OWN_LETTER_BODY, "post"),
        ("安全生产承诺书", POST_BODY, "post"),
        # guards: a unit's letter that speaks of posts stays the unit's
        ("安全生产承诺书", "本单位郑重承诺：落实全员安全生产责任制，明确各岗位安全责任。", "unit"),
        ("安全生产承诺书", "本公司承诺：督促从业人员遵守本岗位操作规程。", "unit"),
    ],
)
def test_level_of_a_person_s_own_letter(
    tmp_path: Path, media: str, title: str, body: str, level: str
) -> None:
    blocks = [body, "承诺人：周晓兰", "日期：2026年1月9日"]
    parsed = parse_path(write(tmp_path, media, blocks, title))
    assert parsed.get("level") == level


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    "line",
    [
        "单位：蓝山县华兴陶瓷有限公司    岗位：窑炉操作工",
        "单位名称：蓝山县华兴陶瓷有限公司  所在班组：烧成一班",
        f"承诺单位：蓝山县华兴陶瓷有限公司（统一社会信用代码：{CODE_A}）",
    ],
)
def test_enterprise_name_stops_at_the_next_label(tmp_path: Path, media: str, line: str) -> None:
    blocks = [line, POST_BODY, "承诺人：李小红", "日期：2026年1月8日"]
    parsed = parse_path(write(tmp_path, media, blocks, "岗位安全承诺书"))
    assert [enterprise.name for enterprise in parsed.enterprises][:1] == ["蓝山县华兴陶瓷有限公司"]


# -- hold-out 4: authorities -------------------------------------------------------------------


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize("label", ["作出机关", "执法部门", "处罚机关"])
def test_simplified_decision_form_with_its_authority_in_a_row(
    tmp_path: Path, media: str, label: str
) -> None:
    """A 当场 form's table: the PDF's text runs the row's cells together (作出机关蓝山县…)."""
    blocks = [
        ("title", "当场行政处罚决定书"),
        (
            "table",
            [
                ["文书编号", "（蓝）应急当罚〔2026〕0027号"],
                ["被处罚单位", "蓝山县顺发加油站"],
                ["统一社会信用代码", CODE_A],
                ["处罚种类", "警告"],
                [label, "蓝山县应急管理局"],
                ["日期", "2026年3月12日"],
            ],
        ),
    ]
    parsed = parse_path(ruled(media, blocks, tmp_path / f"d.{media}"))
    assert parsed.kind == "penalty_decision"
    assert parsed.get("authority") == "蓝山县应急管理局"


@pytest.mark.parametrize(
    "name",
    [
        "蓝山县塔峰镇人民政府安全生产委员会办公室",
        "蓝山县安全生产委员会办公室",
        "永州市人民政府安全生产委员会办公室",
    ],
)
def test_a_safety_office_is_an_authority(name: str) -> None:
    assert looks_like_authority(name)
    assert not looks_like_authority("作出机关" + name)


@pytest.mark.parametrize("name", ["蓝山县某某化工有限公司办公室", "本局办公室", "办公室"])
def test_other_offices_are_not_authorities(name: str) -> None:
    assert not looks_like_authority(name)


@pytest.mark.parametrize("media", MEDIA)
def test_town_safety_office_signs_a_rectification_notice(tmp_path: Path, media: str) -> None:
    blocks = [
        ("title", "安全隐患整改通知书"),
        (
            "table",
            [
                ["编号", "塔峰安办整〔2026〕6号", "检查日期", "2026年1月15日"],
                ["被检查单位", "蓝山县塔峰镇福源酒店", "统一社会信用代码", CODE_A],
                ["存在隐患", "厨房燃气管道未安装切断阀", "整改期限", "2026年1月25日"],
            ],
        ),
        ("line", "蓝山县塔峰镇人民政府安全生产委员会办公室"),
    ]
    parsed = parse_path(ruled(media, blocks, tmp_path / f"r.{media}"))
    assert parsed.kind == "rectification_order"
    assert parsed.get("authority") == "蓝山县塔峰镇人民政府安全生产委员会办公室"


def publicity_table(authority: str, signature: str | None) -> list:
    header = [
        "序号",
        "行政相对人名称",
        "统一社会信用代码",
        "决定文书号",
        "违法行为类型",
        "处罚依据",
        "处罚内容",
        "罚款金额（万元）",
        "决定日期",
        "处罚机关",
    ]
    rows = [
        [
            "1",
            "宁远县旺达矿业有限公司",
            CODE_A,
            "湘宁应急罚[2026]14号",
            "罚款",
            "1.5",
            "2026-03-02",
        ],
        ["2", "宁远县安平化工有限公司", CODE_B, "湘宁应急罚[2026]15号", "罚款", "3", "2026-03-05"],
    ]
    # Long middle columns leave the last one narrow: its name wraps (宁远县应⏎急管理局).
    facts = ["未按规定开展安全生产教育培训", "《中华人民共和国安全生产法》第九十七条"]
    rows = [[*row[:4], *facts, *row[4:], authority] for row in rows]
    blocks: list = [("title", "行政处罚信息公示"), ("table", [header, *rows])]
    if signature:
        blocks.append(("line", signature))
    return blocks


@pytest.mark.parametrize("authority", ["宁远县应急管理局", "永州市生态环境局宁远分局"])
def test_a_wrapped_authority_cell_is_not_the_list_s_authority(
    tmp_path: Path, authority: str
) -> None:
    """The PDF wraps the last column (宁远县应⏎急管理局): the tail on the list's last line
    is no 落款."""
    path = ruled("pdf", publicity_table(authority, None), tmp_path / "p.pdf")
    parsed = parse_path(path)
    assert parsed.kind == "penalty_publicity"
    assert [entry["authority"] for entry in parsed.get("entries")] == [authority, authority]
    assert parsed.get("authority") == authority


@pytest.mark.parametrize("media", MEDIA)
def test_a_list_s_own_signature_still_names_its_authority(tmp_path: Path, media: str) -> None:
    """Guard: a 落款 under the list that is another body (the county's 安委办 publishing the
    bureau's decisions) stays the list's authority."""
    blocks = publicity_table("宁远县应急管理局", "宁远县安全生产委员会办公室")
    parsed = parse_path(ruled(media, blocks, tmp_path / f"p.{media}"))
    assert parsed.get("authority") == "宁远县安全生产委员会办公室"


# -- hold-out 4: a report of several penalties in one paragraph ------------------------------

REPORT = [
    "一季度，蓝山县应急管理局依法查处安全生产违法行为3起：对蓝山县富民石料厂（统一社会信用代码："
    f"{CODE_A}）未按规定对从业人员进行安全培训的行为，作出罚款人民币2万元的处罚（蓝应急罚〔2026〕3号）；"
    f"对蓝山县兴达物流有限公司（统一社会信用代码：{CODE_B}）未建立隐患排查治理制度的行为，"
    "处罚款壹万伍仟元（蓝应急罚〔2026〕8号）；"
    f"对蓝山县新城加油站（统一社会信用代码：{CODE_C}）作出警告处罚（蓝应急罚〔2026〕12号）。",
    "以上处罚信息已在信用中国（湖南蓝山）网站公示。",
    "蓝山县应急管理局",
    "2026年4月2日",
]


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    "title", ["2026年第一季度安全生产行政处罚情况通报", "关于一季度行政处罚案件通报"]
)
def test_a_report_of_penalties_in_one_paragraph(tmp_path: Path, media: str, title: str) -> None:
    parsed = parse_path(write(tmp_path, media, REPORT, title))
    assert parsed.kind == "penalty_publicity"
    got = [
        (e["name"], e["credit_code"], e["doc_number"], e["fine_yuan"], e["authority"])
        for e in parsed.get("entries")
    ]
    assert got == [
        ("蓝山县富民石料厂", CODE_A, "蓝应急罚〔2026〕3号", 20000, "蓝山县应急管理局"),
        ("蓝山县兴达物流有限公司", CODE_B, "蓝应急罚〔2026〕8号", 15000, "蓝山县应急管理局"),
        ("蓝山县新城加油站", CODE_C, "蓝应急罚〔2026〕12号", None, "蓝山县应急管理局"),
    ]


@pytest.mark.parametrize("media", MEDIA)
def test_one_enterprise_s_clauses_are_one_entry(tmp_path: Path, media: str) -> None:
    """Guard: clauses about one enterprise and its people stay one entry."""
    blocks = [
        "近日，蓝山县应急管理局对蓝山县富民石料厂（统一社会信用代码："
        f"{CODE_A}）作出行政处罚：对该厂处罚款人民币2万元（蓝应急罚〔2026〕3号）；"
        "对其主要负责人处罚款人民币5000元。",
        "蓝山县应急管理局",
    ]
    parsed = parse_path(write(tmp_path, media, blocks, "行政处罚信息公示"))
    entries = parsed.get("entries")
    assert [(e["name"], e["fine_yuan"]) for e in entries] == [("蓝山县富民石料厂", 20000)]


@pytest.mark.parametrize("media", MEDIA)
def test_a_report_without_penalty_words_is_no_publicity(tmp_path: Path, media: str) -> None:
    """Guard: another 通报 (a safety inspection's findings) is not a penalty publicity."""
    blocks = ["一季度共检查企业12家，发现隐患35处，已整改30处。", "蓝山县应急管理局"]
    parsed = parse_path(write(tmp_path, media, blocks, "2026年第一季度安全生产检查情况通报"))
    assert parsed.kind != "penalty_publicity"


# Signature blocks laid out as tables (hold-out 5): labels over their values, signers side by
# side with their dates in the row below, two parties' columns, a roster of workers.
TABLE_LETTER_HEAD = [
    ("title", "安全生产承诺书"),
    ("para", "承诺单位：蓝山县某某物流有限公司"),
    ("para", f"统一社会信用代码：{CODE_A}"),
    ("para", "一、严格遵守安全生产法律法规。"),
]
SIGNATURE_TABLES = {
    "header_row": (
        [
            ["承诺单位（盖章）", "法定代表人（签字）", "日期"],
            ["蓝山县某某物流有限公司", "{name}", "{day}"],
        ],
        "陈光辉",
    ),
    "side_by_side": (
        [["主要负责人（签字）", "安全管理人员（签字）"], ["{name}", "邓勇"], ["{day}", "{day}"]],
        "何振华",
    ),
    "party_columns": (
        [
            ["甲方（盖章）：蓝山县某某物流有限公司", "乙方负责人（签字）：马俊"],
            ["法定代表人（签字）：{name}", ""],
            ["{day}", "{day}"],
        ],
        "钱永福",
    ),
    "roster": (
        [["序号", "姓名", "签名", "日期"], ["1", "{name}", "{name}", "{day}"], ["2", "", "", ""]],
        "唐国平",
    ),
}


def signature_table(shape: str, name: str, day: str) -> list:
    rows, _default = SIGNATURE_TABLES[shape]
    filled = [[cell.format(name=name, day=day) for cell in row] for row in rows]
    return [*TABLE_LETTER_HEAD, ("table", filled)]


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize("shape", sorted(SIGNATURE_TABLES))
def test_own_letter_signature_table_shapes(tmp_path: Path, media: str, shape: str) -> None:
    name = SIGNATURE_TABLES[shape][1]
    blocks = signature_table(shape, name, "2026年3月8日")
    parsed = parse_path(ruled(media, blocks, tmp_path / f"t.{media}"))
    assert parsed.kind == "commitment_letter"
    assert (parsed.get("signed"), parsed.get("sign_date")) == (True, "2026-03-08")
    assert parsed.get("signer") == name


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize("shape", sorted(SIGNATURE_TABLES))
@pytest.mark.parametrize(
    ("filled_name", "day"), [(False, "　　年　　月　　日"), (False, ""), (True, "")]
)
def test_own_letter_signature_table_blank_stays_unsigned(
    tmp_path: Path, media: str, shape: str, filled_name: bool, day: str
) -> None:
    """A blank table block, or a name without a date, is unsigned."""
    name = SIGNATURE_TABLES[shape][1] if filled_name else ""
    blocks = signature_table(shape, name, day)
    parsed = parse_path(ruled(media, blocks, tmp_path / f"t.{media}"))
    assert parsed.kind == "commitment_letter"
    assert parsed.get("signed") is False
    assert parsed.get("sign_date") is None


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    ("title", "number", "authority", "short"),
    [
        ("责令限期整改指令书", "（湘永蓝）应急责改〔2026〕33号", "蓝山县应急管理局", "本局"),
        ("不予行政处罚决定书", "湘南园管不罚〔2026〕2号", "湖南湘南产业园区管理委员会", "本委"),
    ],
)
def test_authority_named_in_the_first_sentence(
    tmp_path: Path, media: str, title: str, number: str, authority: str, short: str
) -> None:
    """No 落款 name: the bureau that calls itself 本局/本委 in the first sentence."""
    blocks = [
        number,
        "当事人：蓝山县某某食品有限公司",
        f"统一社会信用代码：{CODE_A}",
        f"{authority}（以下简称{short}）于2026年3月5日对你单位进行了安全检查，发现配电箱未设置防护门。",
        "2026年3月28日",
    ]
    parsed = parse_path(write(tmp_path, media, blocks, title))
    assert parsed.get("authority") == authority


def test_authority_short_name_of_a_company_is_not_an_authority() -> None:
    text = "责令限期整改指令书\n蓝山县某某食品有限公司（以下简称本公司）于2026年3月5日接受检查。\n本局于2026年3月5日检查。"
    assert find_authority(text) is None


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    ("title", "lines", "level"),
    [
        (
            "安全生产责任承诺书",
            ["本人作为安全环保部部门负责人，对本部门安全生产工作承诺如下："],
            "workshop",
        ),
        ("安全生产双向承诺书", ["甲方：蓝山县某某木业有限公司", "乙方：木工车间"], "workshop"),
        ("安全生产双向承诺书", ["甲方：蓝山县某某木业有限公司", "乙方：包装一班班组"], "team"),
        # Guards: the unit's letter that names its 车间/部门 in passing stays a unit letter.
        ("安全生产承诺书", ["本单位督促各车间、部门负责人落实安全生产责任。"], "unit"),
        ("安全生产双向承诺书", ["甲方：蓝山县应急管理局", "乙方：蓝山县某某木业有限公司"], "unit"),
    ],
)
def test_own_letter_level_stated_in_the_body(
    tmp_path: Path, media: str, title: str, lines: list[str], level: str
) -> None:
    blocks = [
        *lines,
        "一、严格遵守安全操作规程。",
        "承诺人（签字）：吴丽娟",
        "日期：2026年3月12日",
    ]
    parsed = parse_path(write(tmp_path, media, blocks, title))
    assert parsed.kind == "commitment_letter"
    assert parsed.get("level") == level
    assert parsed.get("signed") is True


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(("name", "signed"), [("黄小平", True), ("", False)])
def test_own_letter_label_glued_to_the_name(
    tmp_path: Path, media: str, name: str, signed: bool
) -> None:
    """A PDF two-column table's text runs the label into the name (承诺人签名黄小平)."""
    blocks = [*BODY, f"承诺人签名{name}", "签订日期 2026年3月8日"]
    parsed = parse_path(write(tmp_path, media, blocks, "安全生产承诺书"))
    assert parsed.get("signed") is signed
    assert parsed.get("signer") == (name or None)


@pytest.mark.parametrize("media", MEDIA)
def test_side_by_side_names_run_together_are_not_one_signer(tmp_path: Path, media: str) -> None:
    """Two signers' names a PDF runs together (何振华邓勇) cannot be told apart: no signer."""
    blocks = [*BODY, "主要负责人（签字）安全管理人员（签字）", "何振华邓勇", "2026年3月8日"]
    parsed = parse_path(write(tmp_path, media, blocks, "安全生产承诺书"))
    assert parsed.get("signer") != "何振华邓勇"
    assert parsed.get("signed") is False


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(("name", "signed"), [("钱永福", True), ("", False)])
def test_two_party_columns_legal_representative_signs(
    tmp_path: Path, media: str, name: str, signed: bool
) -> None:
    """甲方/乙方 columns run together: the 法定代表人 signs for the letter, not 乙方负责人."""
    blocks = [
        *BODY,
        "甲方（盖章）：蓝山县某某燃气有限公司乙方负责人（签字）：马俊",
        f"法定代表人（签字）：{name}",
        "2026年1月5日 2026年1月5日",
    ]
    parsed = parse_path(write(tmp_path, media, blocks, "安全生产承诺书"))
    assert parsed.get("signed") is signed
    assert parsed.get("signer") == (name or None)
    assert parsed.get("sign_date") == "2026-01-05"  # dated, signed or not


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(
    ("values", "signer", "signed"),
    [
        ("蓝山县某某物流有限公司陈光辉 2026年3月8日", "陈光辉", True),
        ("蓝山县某某物流有限公司陈光辉", None, False),  # no date
        ("蓝山县某某物流有限公司 年 月 日", None, False),  # blank
    ],
)
def test_line_of_labels_over_a_line_of_values(
    tmp_path: Path, media: str, values: str, signer: str | None, signed: bool
) -> None:
    """An unruled table's text: the labels on one line, the values run together below."""
    blocks = [*BODY, "承诺单位（盖章）法定代表人（签字）日期", values]
    parsed = parse_path(write(tmp_path, media, blocks, "安全生产承诺书"))
    assert parsed.get("signed") is signed
    if signed:
        assert (parsed.get("signer"), parsed.get("sign_date")) == (signer, "2026-03-08")
    else:
        assert parsed.get("signer") != "日期"
