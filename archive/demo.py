"""A demo archive of an invented county register (蓝山县, 永州市, Hunan), built through the library.

``credit demo`` calls :func:`build_demo`: it creates an archive, writes a sample roster
(``samples/名册.xlsx``) of about 60 enterprises, imports it and makes a few everyday changes,
all through the same functions the commands call.  Every name, code, person and phone number
is invented; the credit codes are valid (region code 431127, 蓝山县) and deterministic for a
seed, so the demo and the tests see the same roster every time.

The demo is a list of small steps (:data:`STEPS`); later parts of the tool (letters, ingest)
add theirs to the end.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archive import uscc
from archive.errors import CreditError
from archive.i18n import _, join_items

if TYPE_CHECKING:
    from archive.enterprises import ImportReport
    from archive.store import Archive

COUNTY = "蓝山县"
REGION_CODE = "431127"  # 湖南省永州市蓝山县
ROSTER_TITLE = "蓝山县安全生产重点监管企业名册"
ROSTER_NAME = "名册.xlsx"
SAMPLES_FOLDER = "samples"
# Column headers of the sample roster, as a county roster writes them, and the field of each.
ROSTER_HEADERS = (
    ("name", "单位名称"),
    ("credit_code", "统一社会信用代码"),
    ("industry", "行业"),
    ("section", "监管股室"),
    ("legal_representative", "法定代表人"),
    ("phone", "联系电话"),
    ("address", "单位地址"),
    ("town", "所属乡镇"),
)
SHOWCASE_INDUSTRY = "危险化学品"  # the industry the walk-through lists
CLOSE_REASON = "已关闭"
REPORT_FOLDER = Path("out") / "report"
PUBLISH_FOLDER = Path("out") / "publish"  # where archive.publish writes by default
PUBLISH_KINDS = ("records", "green-channel")
OPENED_KIND = "green-channel"  # the list whose .html is worth opening (it has rows)

TOWNS = (
    "塔峰镇",
    "总市镇",
    "所城镇",
    "新圩镇",
    "祠堂圩镇",
    "土市镇",
    "楠市镇",
    "毛俊镇",
    "太平圩镇",
    "竹管寺镇",
    "湘江源瑶族乡",
    "浆洞瑶族乡",
    "汇源瑶族乡",
    "荆竹瑶族乡",
)
_MOUNTAIN_TOWNS = (
    "毛俊镇",
    "所城镇",
    "土市镇",
    "楠市镇",
    "竹管寺镇",
    "太平圩镇",
    "湘江源瑶族乡",
    "浆洞瑶族乡",
    "汇源瑶族乡",
    "荆竹瑶族乡",
)
_INDUSTRIAL_TOWNS = ("塔峰镇", "塔峰镇", "塔峰镇", "新圩镇", "总市镇", "祠堂圩镇", "楠市镇")


@dataclass(frozen=True)
class _Industry:
    name: str
    section: str
    share: float  # part of the roster
    suffixes: tuple[str, ...]  # what names end with (字号 + suffix)
    towns: tuple[str, ...]  # where such enterprises are (repeats weight a town)
    place: str  # kind of address: street, park, village, roadside


INDUSTRIES = (
    _Industry(
        "非煤矿山",
        "非煤矿山股",
        0.18,
        ("采石场", "石料厂", "矿业有限公司", "砂石有限公司", "石灰石矿", "页岩矿", "萤石矿"),
        _MOUNTAIN_TOWNS,
        "village",
    ),
    _Industry(
        "危险化学品",
        "危化股",
        0.23,
        (
            "化工有限公司",
            "加油站",
            "液化气站",
            "燃气有限公司",
            "气体有限公司",
            "化工贸易有限公司",
            "油漆经营部",
            "石油经营有限公司",
        ),
        ("塔峰镇", "塔峰镇", *TOWNS),
        "roadside",
    ),
    _Industry(
        "烟花爆竹",
        "烟花爆竹股",
        0.20,
        ("烟花爆竹经营部", "烟花爆竹零售点", "烟花爆竹批发有限公司", "鞭炮经营部", "烟花爆竹商行"),
        ("塔峰镇", *TOWNS),
        "street",
    ),
    _Industry(
        "冶金",
        "工贸股",
        0.10,
        ("铸造有限公司", "铸件厂", "有色金属冶炼有限公司", "合金材料有限公司", "锻造有限公司"),
        _INDUSTRIAL_TOWNS,
        "park",
    ),
    _Industry(
        "其他工贸",
        "工贸股",
        0.29,
        (
            "皮具有限公司",
            "箱包有限公司",
            "皮革制品有限公司",
            "木业有限公司",
            "竹木制品厂",
            "家具厂",
            "玩具有限公司",
            "纺织有限公司",
            "食品有限公司",
            "茶业有限公司",
            "粮油有限公司",
            "水泥制品厂",
            "新型建材有限公司",
            "机械制造有限公司",
            "饲料有限公司",
        ),
        _INDUSTRIAL_TOWNS,
        "park",
    ),
)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# 字号: the trade names county enterprises like.
_BRANDS = _words(
    "鑫达 宏源 安达 恒通 华盛 金山 兴旺 永兴 顺发 昌盛 瑞丰 嘉和 福源 富民 通达 "
    "荣华 新宇 湘南 舜德 南岭 瑶乡 湘源 楚南 蓝天 舜水 天成 正大 力源 广和 联创 "
    "泰丰 利民 众诚 裕丰 同心 长盛 汇丰 宝丰 鸿运 金鹏 祥瑞 万福 宏达 兴隆 红星 "
    "旺达 恒昌 鼎盛 博远 金鑫 华鑫 永昌 德润 和顺 美达 锦程 腾飞 新源 九嶷 湘粤 "
    "鑫旺 金源 惠民 康达 百顺 隆兴 益丰 顺达 永盛 金泰 宏远 振兴 三和 四海 双龙 "
    "龙腾 凤凰 盛源 华达 富源 佳和"
)
_SURNAMES = _words(
    "李 李 王 张 刘 陈 陈 杨 黄 黄 赵 周 吴 唐 唐 雷 邓 邓 蒋 廖 彭 胡 "
    "曾 谢 钟 罗 盘 盘 毛 欧阳 何 肖 雷 傅 龙 房"
)
_GIVEN_NAMES = _words(
    "建国 志强 海军 国华 红梅 秀英 德胜 桂华 永红 春生 卫东 文华 家旺 远明 小平 "
    "建军 光明 玉兰 金凤 海燕 新华 爱民 志刚 建平 冬生 秋生 满堂 石保 顺德 利平 "
    "春花 荣贵 运来 发明 伟 勇 军 明 丽 平 斌 华 敏 刚 芳 涛 辉 强 静 波 "
    "杰 亮 娟 燕"
)
_ROADS = ("塔峰东路", "塔峰西路", "舜河路", "蓝山大道", "新民路", "和平路", "南平路", "湘源大道")
_VILLAGES = _words(
    "新村 石门 大洞 竹山 罗家 田心 岭脚 水口 龙泉 高岭 江口 坪源 上洞 下洞 桐村 "
    "黄家 廖家 茶园 凤鸣 鱼塘 大坪 杉木 源头 洞井"
)
_PARKS = ("湖南蓝山经济开发区", "蓝山县皮具产业园", "蓝山县工业集中区")


def _allocate(count: int) -> list[_Industry]:
    """Industries for ``count`` rows, in proportion to their shares (largest remainder)."""
    quotas = [industry.share * count for industry in INDUSTRIES]
    counts = [int(quota) for quota in quotas]
    by_remainder = sorted(range(len(INDUSTRIES)), key=lambda i: quotas[i] - counts[i], reverse=True)
    for i in by_remainder[: count - sum(counts)]:
        counts[i] += 1
    return [industry for industry, n in zip(INDUSTRIES, counts, strict=True) for _ in range(n)]


def _check_character(first17: str) -> str:
    calc = getattr(uscc, "calc_check_digit", None)
    if calc is not None:
        return calc(first17)
    values = {char: value for value, char in enumerate(uscc.ALPHABET)}
    total = sum(values[char] * weight for char, weight in zip(first17, uscc.WEIGHTS, strict=True))
    return uscc.ALPHABET[(31 - total % 31) % 31]


def _organisation_check(body: str) -> str:
    """GB 11714 check character of an 8-character organisation code body."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(
        (int(char) if char.isdigit() else ord(char) - ord("A") + 10) * weight
        for char, weight in zip(body, weights, strict=True)
    )
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _credit_code(rng: random.Random) -> str:
    """A valid 91431127… code: newer ones carry a Hunan ``MA4`` organisation code."""
    if rng.random() < 0.6:
        letters = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        body = "MA4" + "".join(rng.choice(letters) for _ in range(5))
    else:
        body = rng.choice("35677") + "".join(rng.choice("0123456789") for _ in range(7))
    first17 = "91" + REGION_CODE + body + _organisation_check(body)
    return first17 + _check_character(first17)


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN_NAMES)


def _phone(rng: random.Random) -> str:
    return f"0746-22{rng.randrange(100000):05d}"


def _address(rng: random.Random, industry: _Industry, town: str) -> str:
    village = f"{COUNTY}{town}{rng.choice(_VILLAGES)}村"
    if town == "塔峰镇" and industry.place in ("street", "roadside"):
        return f"{COUNTY}{town}{rng.choice(_ROADS)}{rng.randrange(1, 400)}号"
    if industry.place == "park" and town == "塔峰镇":
        return f"{rng.choice(_PARKS)}{rng.randrange(1, 30)}号厂房"
    if industry.place == "street":
        return f"{COUNTY}{town}{rng.choice(('新街', '老街', '正街'))}{rng.randrange(1, 200)}号"
    if industry.place == "roadside":
        return f"{village}省道旁"
    return f"{village}{rng.randrange(1, 12)}组"


def _name(rng: random.Random, industry: _Industry, town: str, taken: set[str]) -> str:
    suffix = rng.choice(industry.suffixes)
    for attempt in range(200):
        brand = rng.choice(_BRANDS)
        if attempt >= 50:  # a big roster runs out of short names: two trade names
            brand += rng.choice(_BRANDS)
        place = town if (attempt >= 20 or rng.random() < 0.25) else ""
        name = f"{COUNTY}{place}{brand}{suffix}"
        if name not in taken:
            return name
        suffix = rng.choice(industry.suffixes)
    raise RuntimeError("demo roster: no unused enterprise name left")  # pragma: no cover


def demo_roster(count: int = 60, seed: int = 2026) -> list[dict[str, str]]:
    """An invented but plausible roster of ``count`` enterprises of 蓝山县 (same seed, same rows).

    Keys are the register's fields (``credit_code``, ``name``, ``industry``, ``section``,
    ``legal_representative``, ``phone``, ``address``, ``town``); codes are valid and unique.

    >>> rows = demo_roster(5)
    >>> rows == demo_roster(5), all(uscc.is_valid(row["credit_code"]) for row in rows)
    (True, True)
    """
    rng = random.Random(seed)
    codes: set[str] = set()
    names: set[str] = set()
    rows = []
    for industry in _allocate(count):
        code = _credit_code(rng)
        while code in codes:
            code = _credit_code(rng)
        codes.add(code)
        town = rng.choice(industry.towns)
        name = _name(rng, industry, town, names)
        names.add(name)
        rows.append(
            {
                "credit_code": code,
                "name": name,
                "industry": industry.name,
                "section": industry.section,
                "legal_representative": _person(rng),
                "phone": _phone(rng),
                "address": _address(rng, industry, town),
                "town": town,
            }
        )
    return rows


def write_demo_roster(path: Path, rows: list[dict[str, str]]) -> Path:
    """Write ``rows`` as a county roster workbook: a title row, then Chinese headers."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    path = Path(path)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "名册"
    sheet.append([ROSTER_TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(ROSTER_HEADERS))
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([header for _key, header in ROSTER_HEADERS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.get(key, "") for key, _header in ROSTER_HEADERS])
    widths = {"name": 34, "credit_code": 22, "address": 36, "section": 12, "phone": 15}
    for column, (key, _header) in enumerate(ROSTER_HEADERS, start=1):
        sheet.column_dimensions[chr(ord("A") + column - 1)].width = widths.get(key, 11)
    sheet.freeze_panes = "A3"
    workbook.properties.title = ROSTER_TITLE
    workbook.properties.description = "credit demo: invented enterprises, codes, people and phones"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


# -- the rules story: dates -------------------------------------------------------------------

STORY_ORDER_NUMBER = 23  # 文号 of the old order: 蓝应急责改〔year〕23号
CURRENT_ORDER_NUMBER = 31  # 文号 of this year's order that went overdue lately
CURRENT_OVERDUE_DAYS = 14  # this year's order was due this many days before today
CURRENT_PERIOD_DAYS = 30  # … and gave the enterprise this many days to put things right
STORY_INDUSTRY = "冶金"  # the enterprise of the old story
CURRENT_INDUSTRY = "其他工贸"  # the enterprise of today's case


@dataclass(frozen=True)
class Story:
    """The dates of the rules story: an order's deadline passing, the record, the blacklist.

    Every date lies in a year the working-day calendar covers, so nothing is guessed (see
    :func:`story_dates`).
    """

    order_date: date  # the 责令限期整改指令书 is issued …
    deadline: date  # … with this 整改期限; no re-inspection follows
    propose_on: date  # the clerk runs the rules: the deadline has passed
    notify_on: date  # 信息告知: the 告知书 is issued
    exchange_on: date  # 信息交换 (after the 陈述申辩 period)
    publish_on: date  # 信息公布: the term starts
    ends_on: date  # the term's last day (as blacklist.advance computes it): removed that day


def _story_in(calendar: Any, regime: Any, year: int) -> Story:
    def after(start: date, key: str) -> date:
        stage = regime.stage(key)
        return calendar.add_days(start, int(stage.days or 0), workdays=stage.workdays)

    order_date = calendar.roll_forward(date(year, 9, 1))
    deadline = date(year, 9, 30)  # as the order writes it (the rules roll a rest day forward)
    propose_on = calendar.add_days(calendar.roll_forward(deadline), 5, workdays=True)
    notify_on = calendar.add_days(propose_on, 3, workdays=True)
    # Exchange and publication on the last day the regime allows (each stage in time).
    exchange_on = after(notify_on, "exchange")
    publish_on = after(exchange_on, "publish")
    ends_on = calendar.add_years(publish_on, int(regime.term_years), roll=regime.term_rolls)
    return Story(order_date, deadline, propose_on, notify_on, exchange_on, publish_on, ends_on)


def story_dates(calendar: Any, regime: Any, today: date) -> Story:
    """The story's dates: an autumn order whose blacklist term has ended by ``today``.

    The story is told in the past, not from today: chinesecalendar covers years up to its last
    one (2026 for 1.11), and a term counted from a publication in a later year would end in a
    year it lacks (CalendarGap — the tool rightly refuses to guess a holiday schedule; nor may
    the demo invent one).  So the story starts in the autumn ``term_years`` before the last
    covered year and moves a year earlier while its term has not ended by ``today`` (a demo run
    early in a year, or on a machine whose clock is behind): every date it names is in a year
    the package covers, and the term has run out by today.

    >>> from archive.regimes import load_regime
    >>> from archive.workdays import WorkCalendar
    >>> story = story_dates(WorkCalendar(), load_regime(None), date(2026, 12, 1))
    >>> story.deadline, story.ends_on <= date(2026, 12, 1)
    (datetime.date(2025, 9, 30), True)
    """
    from archive.workdays import package_years

    first, last = package_years()
    year = last - int(regime.term_years)
    story = _story_in(calendar, regime, year)
    while story.ends_on > today and year > first:
        year -= 1
        story = _story_in(calendar, regime, year)
    return story


def _written(day: date) -> str:
    """A date as a document writes it: 2025年9月30日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _order_lines(
    number: str, row: dict[str, str], problems: list[str], deadline: date, issued: date
) -> list[str]:
    return [
        number,
        f"{row['name']}：",
        f"统一社会信用代码：{row['credit_code']}",
        "经查，你单位存在下列问题：",
        *(f"{n}.{problem}；" for n, problem in enumerate(problems, start=1)),
        f"责令你单位于{_written(deadline)}前整改完毕，整改完成后及时书面报告本局。",
        COUNTY + "应急管理局",
        _written(issued),
    ]


def _story_orders(context: DemoContext, folder: Path) -> None:
    """Two orders no re-inspection followed: one of long ago (the story), one of this year
    whose deadline passed two weeks ago (today's case, left for the clerk)."""
    from archive.regimes import load_regime
    from archive.workdays import calendar_for

    assert context.archive is not None
    regime = load_regime(context.archive)
    story = story_dates(calendar_for(context.archive), regime, context.today)
    context.story = story
    old = _first_of(context.rows, STORY_INDUSTRY)
    context.story_code = old["credit_code"]
    _enforcement_docx(
        folder / f"责令限期整改指令书_{story.order_date.year}.docx",
        "责令限期整改指令书",
        _order_lines(
            f"蓝应急责改〔{story.order_date.year}〕{STORY_ORDER_NUMBER}号",
            old,
            ["熔炼炉周边未设置安全警示标志", "除尘系统未按规定定期清理"],
            story.deadline,
            story.order_date,
        ),
    )
    # Fourteen days exceed any holiday run (the Spring Festival's is eight or nine), so a
    # deadline two weeks back is past however the calendar rolls it forward.
    deadline = context.today - timedelta(days=CURRENT_OVERDUE_DAYS)
    issued = deadline - timedelta(days=CURRENT_PERIOD_DAYS)
    new = _first_of(context.rows, CURRENT_INDUSTRY)
    context.current_code = new["credit_code"]
    _enforcement_docx(
        folder / "责令限期整改指令书_近期.docx",
        "责令限期整改指令书",
        _order_lines(
            f"蓝应急责改〔{issued.year}〕{CURRENT_ORDER_NUMBER}号",
            new,
            ["配电箱未按规定接地", "消防通道堆放杂物"],
            deadline,
            issued,
        ),
    )


# -- the monthly story ------------------------------------------------------------------------

MONTHLY_FOLDER = "月报"  # samples/月报/<received date>/: the monthly forms, by the day they came
# The gaps the monthly check must find: (industry, n-th enterprise of it) → what went wrong.
# None of them is in the showcase industry, whose signed commitments keep the green channel.
MONTHLY_LATE = ("非煤矿山", 0)
MONTHLY_EMPTY = ("非煤矿山", 1)
MONTHLY_UNSIGNED = ("烟花爆竹", 1)
MONTHLY_MISSING = ("其他工贸", 1)
MONTHLY_EMPTY_TOPICS = ("安全投入", "应急管理")
MONTHLY_SECTION_MISSING = "应急指挥中心"  # the section that did not send its material
MONTHLY_SECTION_ITEMS = ("现场检查记录", "隐患排查台账")


@dataclass(frozen=True)
class MonthlyStory:
    """The month the demo's monthly check looks at, and when things came in.

    ``as_of`` is the demo's today, but never after the real today (ingest refuses a received
    date in the future) nor after the last year the working-day calendar covers (a due date it
    cannot count is never guessed); ``month`` is the last month whose deadlines have all
    passed by then, and the archive's start month, so the check owes that month only.
    """

    as_of: date
    month: str
    on_time: date  # the reports that came in time (on or before the deadline)
    late: date  # the one that came late
    sections: date  # the sections' material (the month's last working day, its due date)
    # the months after it whose sections' material was due by as-of, and when each came: every
    # section sent it (the section that missed the month did not miss these)
    later_sections: tuple[tuple[str, date], ...] = ()


def monthly_story(today: date) -> MonthlyStory:
    """The monthly story's dates for a demo acting on ``today`` (any day).

    >>> story = monthly_story(date(2026, 12, 1))
    >>> story.month, story.on_time, story.late, story.sections
    ('2026-10', datetime.date(2026, 11, 2), datetime.date(2026, 12, 1), datetime.date(2026, 10, 30))
    >>> story.later_sections
    (('2026-11', datetime.date(2026, 11, 30)),)
    """
    from archive import monthly
    from archive.settings import DEFAULTS
    from archive.workdays import WorkCalendar, package_years

    calendar = WorkCalendar()
    as_of = min(today, date.today(), date(package_years()[1], 12, 31))
    reqs = [monthly.Requirement.from_settings(item) for item in DEFAULTS["monthly.requirements"][0]]
    month = monthly.last_month_due(calendar, reqs, as_of, "1900-01")
    assert month is not None

    def last_workday(month: str) -> date:  # the sections' due date
        day = monthly.last_day(month)
        while not calendar.is_workday(day):
            day -= timedelta(days=1)
        return day

    later = []
    following = monthly.add_months(month, 1)
    while following <= monthly.month_of(as_of) and last_workday(following) < as_of:
        later.append((following, last_workday(following)))
        following = monthly.add_months(following, 1)
    return MonthlyStory(
        as_of=as_of,
        month=month,
        on_time=calendar.roll_forward(monthly.next_first(month)),
        late=as_of,
        sections=last_workday(month),
        later_sections=tuple(later),
    )


def _monthly_form(
    target: Path, row: dict[str, str], month: str, *, empty: tuple[str, ...], signed: bool
) -> None:
    """A 安全生产诚信履行情况报告表 as an enterprise fills it in (the shipped form's labels)."""
    from docx import Document

    from archive.letters.catalog import FORM_LABELS, MONTHLY_REPORT_TOPICS

    year, number = int(month[:4]), int(month[5:])
    values = {
        "单位名称": row["name"],
        "统一社会信用代码": row["credit_code"],
        "报告期间": f"{year}年{number}月",
        **{
            topic: "" if topic in empty else f"本月已落实{topic}相关工作，详见台账。"
            for topic in MONTHLY_REPORT_TOPICS
        },
        "填报人": row["legal_representative"],
        "联系电话": row["phone"],
        "单位负责人（签字）": row["legal_representative"] if signed else "",
        "日期": f"{year}年{number}月28日" if signed else "年 月 日",
    }
    labels = FORM_LABELS["form_monthly_report"]
    document = Document()
    document.add_paragraph("安全生产诚信履行情况报告表")
    table = document.add_table(rows=len(labels), cols=2)
    for cells, label in zip(table.rows, labels, strict=True):
        cells.cells[0].text = label
        cells.cells[1].text = values[label]
    document.save(str(target))


def _section_slip(target: Path, section: str, month: str) -> None:
    """A 安全生产诚信体系建设资料报送单 as a section fills it in."""
    from docx import Document

    from archive.letters.catalog import SECTION_SUBMISSION_COLUMNS

    year, number = int(month[:4]), int(month[5:])
    document = Document()
    document.add_paragraph("安全生产诚信体系建设资料报送单")
    head = document.add_table(rows=2, cols=2)
    for cells, pair in zip(
        head.rows, (("报送股室（大队）", section), ("报送月份", f"{year}年{number}月")), strict=True
    ):
        cells.cells[0].text, cells.cells[1].text = pair
    document.add_paragraph("")
    listing = document.add_table(rows=len(MONTHLY_SECTION_ITEMS) + 1, cols=4)
    for cell, text in zip(listing.rows[0].cells, SECTION_SUBMISSION_COLUMNS, strict=True):
        cell.text = text
    for number_, (cells, item) in enumerate(
        zip(listing.rows[1:], MONTHLY_SECTION_ITEMS, strict=True), 1
    ):
        cells.cells[0].text, cells.cells[1].text, cells.cells[2].text = str(number_), item, "1"
    document.add_paragraph("")
    tail = document.add_table(rows=3, cols=2)
    for cells, pair in zip(
        tail.rows,
        (("报送人", "赵六"), ("接收人（政策法规股）", "钱七"), ("日期", f"{year}年{number}月28日")),
        strict=True,
    ):
        cells.cells[0].text, cells.cells[1].text = pair
    document.save(str(target))


def _nth_of(rows: list[dict[str, str]], industry: str, n: int) -> dict[str, str]:
    return [row for row in rows if row["industry"] == industry][n]


def step_monthly_batch(context: DemoContext) -> DemoStep:
    """The month's forms, ingested with the days they came (``--received``): every enterprise's
    report, one late, one with two topics empty, one unsigned, one never sent; every section's
    material but one."""
    from archive.ingest import ingest

    assert context.archive is not None and context.monthly is not None
    story = context.monthly
    base = context.archive.root / SAMPLES_FOLDER / MONTHLY_FOLDER
    late, empty, unsigned, missing = (
        _nth_of(context.rows, *which)
        for which in (MONTHLY_LATE, MONTHLY_EMPTY, MONTHLY_UNSIGNED, MONTHLY_MISSING)
    )
    context.monthly_gaps = {
        late["credit_code"]: "late",
        empty["credit_code"]: "incomplete",
        unsigned["credit_code"]: "incomplete",
        missing["credit_code"]: "missing",
        MONTHLY_SECTION_MISSING: "missing",
    }
    folders: dict[date, Path] = {}

    def folder(day: date) -> Path:
        if day not in folders:
            folders[day] = base / day.isoformat()
            folders[day].mkdir(parents=True, exist_ok=True)
        return folders[day]

    for row in context.rows:
        if row is missing:
            continue
        day = story.late if row is late else story.on_time
        _monthly_form(
            folder(day) / f"诚信履行情况报告表_{story.month}_{row['credit_code']}.docx",
            row,
            story.month,
            empty=MONTHLY_EMPTY_TOPICS if row is empty else (),
            signed=row is not unsigned,
        )
    sections = [
        section
        for section in context.archive.settings.sections
        if section not in ("政策法规股", MONTHLY_SECTION_MISSING)
    ]
    for section in sections:
        _section_slip(
            folder(story.sections) / f"资料报送单_{story.month}_{section}.docx",
            section,
            story.month,
        )
    every = [s for s in context.archive.settings.sections if s != "政策法规股"]
    for month, day in story.later_sections:
        for section in every:
            _section_slip(folder(day) / f"资料报送单_{month}_{section}.docx", section, month)
    counts: dict[str, int] = {}
    for day in sorted(folders):
        report = ingest(context.archive, [folders[day]], jobs=1, received=day)
        for status in ("ingested", "unmatched", "failed"):
            counts[status] = counts.get(status, 0) + report.count(status)
    if counts.get("unmatched") or counts.get("failed"):
        raise CreditError(
            _("演示的月报没有全部归档：{counts}", counts=counts),
            _("这是 credit 的缺陷，请把这条消息报告给维护者"),
        )
    message = _(
        "收到 {month} 的月报 {reports} 份、股室资料 {slips} 份，按收到日期归档（--received）：{path}",
        month=story.month,
        reports=len(context.rows) - 1,
        slips=len(sections) + len(every) * len(story.later_sections),
        path=base,
    )
    details = {
        "month": story.month,
        "folder": str(base),
        "received": {
            day.isoformat(): len(list(path.iterdir())) for day, path in sorted(folders.items())
        },
        "counts": counts,
    }
    return DemoStep("monthly_batch", message, details)


def step_monthly_check(context: DemoContext) -> DemoStep:
    """The monthly check finds exactly the gaps made on purpose (exit 10 for the clerk)."""
    from archive import monthly

    assert context.archive is not None and context.monthly is not None
    story = context.monthly
    report = monthly.check(context.archive, story.month, story.as_of)
    gaps = {
        (row["credit_code"] or row["section"]): row["status"]
        for row in report.rows
        if row["status"] in (monthly.LATE, *monthly.MonthlyReport.FINDINGS)
    }
    if gaps != context.monthly_gaps:
        raise CreditError(
            _("演示的月报核对与预期不符：{found}", found=gaps),
            _("这是 credit 的缺陷，请把这条消息报告给维护者"),
        )
    counts = report.counts()
    sections = [row for row in report.rows if row["kind"] == monthly.KIND_SECTION]
    message = _(
        "{as_of} 核对 {month} 的月度报送：按时 {on_time}，逾期提交 {late}，不完整 {incomplete}，"
        "未提交 {missing}（其中股室 {sections_missing}）→ 退出码 {code}，可用 --remind 批量催报",
        as_of=story.as_of.isoformat(),
        month=story.month,
        on_time=counts["on_time"],
        late=counts["late"],
        incomplete=counts["incomplete"],
        missing=counts["missing"],
        sections_missing=sum(row["status"] == monthly.MISSING for row in sections),
        code=report.exit_code,
    )
    details = {
        "month": story.month,
        "as_of": story.as_of.isoformat(),
        "counts": {status: counts[status] for status in monthly.STATUSES if counts[status]},
        "gaps": gaps,
        "exit_code": report.exit_code,
    }
    return DemoStep("monthly_check", message, details)


def step_overdue(context: DemoContext) -> DemoStep:
    """The overdue summary as of the same day: the rectification orders past their deadline
    and the monthly gaps still open (a late report counts; it is no longer overdue)."""
    from archive import overdue

    assert context.archive is not None and context.monthly is not None
    story = context.monthly
    report = overdue.overdue(context.archive, story.as_of)
    monthly_kinds = (overdue.MONTHLY_REPORT, overdue.SECTION_SUBMISSION)
    found = {
        (row["credit_code"] or row["section"])
        for row in report.rows
        if row["what"] in monthly_kinds and row["status"] == overdue.OVERDUE
    }
    expected = {who for who, gap in context.monthly_gaps.items() if gap != "late"}
    if found != expected or report.count(overdue.FAILED):
        raise CreditError(
            _("演示的逾期汇总与预期不符：{found}", found=sorted(found)),
            _("这是 credit 的缺陷，请把这条消息报告给维护者"),
        )
    by_what = {what: 0 for what in overdue.WHAT}
    for row in report.rows:
        by_what[row["what"]] += 1
    message = _(
        "{as_of} 逾期事项汇总：整改逾期 {rectification}，月度报告 {monthly}，股室资料 {sections}，"
        "共 {total} 项 → 退出码 {code}",
        as_of=story.as_of.isoformat(),
        rectification=by_what[overdue.RECTIFICATION],
        monthly=by_what[overdue.MONTHLY_REPORT],
        sections=by_what[overdue.SECTION_SUBMISSION],
        total=len(report.rows),
        code=report.exit_code,
    )
    details = {
        "as_of": story.as_of.isoformat(),
        "counts": {what: count for what, count in by_what.items() if count},
        "exit_code": report.exit_code,
    }
    return DemoStep("overdue", message, details)


def step_blacklist_summary(context: DemoContext) -> DemoStep:
    """The blacklist summary as of the monthly check's day (what the report counts)."""
    from archive.blacklist_summary import summary

    assert context.archive is not None and context.monthly is not None
    as_of = context.monthly.as_of
    found = summary(context.archive, as_of)
    counts = found["counts"]
    message = _(
        "{as_of} 黑名单汇总：在列 {current}，本月列入 {entering}，本月移出或期满 {leaving}，"
        "本年已移出 {removed}",
        as_of=as_of.isoformat(),
        current=counts["current"],
        entering=counts["entering"],
        leaving=counts["leaving"],
        removed=counts["removed_this_year"],
    )
    return DemoStep("blacklist_summary", message, {"as_of": as_of.isoformat(), "counts": counts})


def step_report(context: DemoContext) -> DemoStep:
    """The month's report for the leadership: the .xlsx and the .docx 通报 (no PDF), written
    into the archive's ``out/report/``, with the figures the checks above printed."""
    from archive.report_monthly import write_report

    assert context.archive is not None and context.monthly is not None
    story = context.monthly
    written = write_report(
        context.archive, story.month, story.as_of, context.archive.root / REPORT_FOLDER
    )
    files = [Path(path) for path in written["files"]]
    context.report_files = files
    message = _(
        "{as_of} 生成 {month} 月报（.xlsx 每个主题一页并附图表，.docx 通报）：{folder}",
        as_of=story.as_of.isoformat(),
        month=written["month"],
        folder=context.archive.root / REPORT_FOLDER,
    )
    details = {
        "month": written["month"],
        "as_of": story.as_of.isoformat(),
        "files": [str(path) for path in files],
        "monthly": written["monthly"]["totals"],
        "blacklist": written["blacklist"]["counts"],
    }
    return DemoStep("report", message, details)


def step_publish(context: DemoContext) -> DemoStep:
    """The public lists: bad-credit records and the green channel, as .xlsx, .csv and .html in
    the archive's ``out/publish/``; each publication is an event in the journal."""
    from archive.publish import publish

    assert context.archive is not None and context.monthly is not None
    as_of = context.monthly.as_of
    made = [publish(context.archive, kind, as_of) for kind in PUBLISH_KINDS]
    context.published = {
        item.kind: {entry["format"]: Path(entry["path"]) for entry in item.files} for item in made
    }
    message = _(
        "{as_of} 公布名单：不良信用记录 {records} 条，守信单位（绿色通道）{green} 家，"
        "各有 .xlsx、.csv 和 .html：{folder}",
        as_of=as_of.isoformat(),
        records=made[0].rows,
        green=made[1].rows,
        folder=context.archive.root / PUBLISH_FOLDER,
    )
    details = {"as_of": as_of.isoformat(), "publications": [item.as_dict() for item in made]}
    return DemoStep("publish", message, details)


# -- the demo: a list of small steps -----------------------------------------------------------


@dataclass
class DemoStep:
    """One thing the demo did: a stable ``name``, a message for people, details for scripts."""

    name: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class DemoContext:
    """What the steps share while the demo is built."""

    folder: Path
    actor: str
    count: int = 60
    seed: int = 2026
    archive: Archive | None = None
    rows: list[dict[str, str]] = field(default_factory=list)
    roster_path: Path | None = None
    import_report: ImportReport | None = None
    updated_code: str | None = None
    closed_code: str | None = None
    letters_dir: Path | None = None
    returned_dir: Path | None = None
    issued: list[Any] = field(default_factory=list)
    today: date = field(default_factory=date.today)
    moved_from: date | None = None  # the day asked for, after the calendar's last year
    story: Story | None = None  # the dates of the rules story (set with the returned batch)
    story_code: str | None = None  # the enterprise whose order went overdue long ago
    current_code: str | None = None  # the enterprise whose order went overdue lately
    record_id: str | None = None  # the record confirmed in the story
    entry_id: str | None = None  # its blacklist entry
    monthly: MonthlyStory | None = None  # the month the monthly check looks at
    monthly_gaps: dict[str, str] = field(default_factory=dict)  # who → the gap made on purpose
    report_files: list[Path] = field(default_factory=list)  # the month's .xlsx and .docx
    published: dict[str, dict[str, Path]] = field(default_factory=dict)  # kind → format → file


@dataclass
class DemoResult:
    """What :func:`build_demo` made: the archive, the sample roster, its import, the steps."""

    archive: Archive
    roster_path: Path
    import_report: ImportReport
    steps: list[DemoStep]
    showcase_industry: str = SHOWCASE_INDUSTRY
    showcase_code: str | None = None  # the enterprise the walk-through shows (it was changed)
    closed_code: str | None = None
    record_id: str | None = None  # the record confirmed in the rules story
    entry_id: str | None = None  # the blacklist entry of the rules story
    monthly: MonthlyStory | None = None  # the month the monthly check looks at, and as of when
    worth_opening: list[Path] = field(default_factory=list)  # report .docx, .xlsx, list .html


def _holds_archive(folder: Path) -> bool:
    from archive.settings import SETTINGS_FILE
    from archive.store import JOURNAL_FILE

    return (folder / SETTINGS_FILE).exists() or (folder / JOURNAL_FILE).exists()


def step_create_archive(context: DemoContext) -> DemoStep:
    """A new archive in a new or empty folder; a folder in use is refused (init's own error)."""
    from archive.store import init_archive

    folder = context.folder
    in_use = _holds_archive(folder)
    if not in_use and folder.is_dir() and any(folder.iterdir()):
        raise CreditError(
            _("{path} 不是空文件夹，演示档案不会写入其中", path=folder),
            _("换一个新的或空的文件夹，例如：credit demo 演示档案"),
        )
    context.monthly = monthly_story(context.today)
    try:
        context.archive = init_archive(folder, actor=context.actor, start=context.monthly.month)
    except CreditError as exc:
        if in_use and (folder / SAMPLES_FOLDER / ROSTER_NAME).exists():
            exc.hint = _("这是之前建的演示档案：删除该文件夹后重新运行，或换一个文件夹")
        elif in_use:
            exc.hint = _("这是一个档案，演示不会改动它：换一个文件夹，例如：credit demo 演示档案")
        raise
    root = context.archive.root
    message = _("新建档案：{path}", path=root)
    details: dict[str, Any] = {"path": str(root), "today": context.today.isoformat()}
    if context.moved_from is not None:
        message = _(
            "{message}（节假日数据只到 {year} 年：演示按 {today} 进行，而不是 {asked}）",
            message=message,
            year=context.today.year,
            today=context.today.isoformat(),
            asked=context.moved_from.isoformat(),
        )
        details["moved_from"] = context.moved_from.isoformat()
    return DemoStep("create_archive", message, details)


def step_write_roster(context: DemoContext) -> DemoStep:
    assert context.archive is not None
    context.rows = demo_roster(context.count, context.seed)
    path = context.archive.root / SAMPLES_FOLDER / ROSTER_NAME
    context.roster_path = write_demo_roster(path, context.rows)
    industries = len({row["industry"] for row in context.rows})
    message = _(
        "生成示例名册：{path}（{count} 家单位，{industries} 个行业；单位、代码、人名、电话均为虚构）",
        path=path,
        count=len(context.rows),
        industries=industries,
    )
    return DemoStep("write_roster", message, {"path": str(path), "rows": len(context.rows)})


def step_import_roster(context: DemoContext) -> DemoStep:
    from archive.enterprises import import_roster

    assert context.archive is not None and context.roster_path is not None
    report = import_roster(context.archive, context.roster_path)
    context.import_report = report
    if not report.committed:
        raise CreditError(
            _(
                "示例名册未能导入：{problems}",
                problems=_("；").join(problem["message"] for problem in report.problems[:3]),
            ),
            _("这是 credit 的缺陷，请把这条消息报告给维护者"),
        )
    counts = {action: report.count(action) for action in ("add", "update", "unchanged")}
    message = _("导入名册：新增 {add} 家，修改 {update} 家，{unchanged} 家无变化", **counts)
    return DemoStep("import_roster", message, dict(counts))


def _first_of(rows: list[dict[str, str]], industry: str) -> dict[str, str]:
    return next(row for row in rows if row["industry"] == industry)


def step_update_phone(context: DemoContext) -> DemoStep:
    from archive.enterprises import update_enterprise

    assert context.archive is not None
    row = _first_of(context.rows, SHOWCASE_INDUSTRY)
    rng = random.Random(f"{context.seed}:phone")
    new_phone = _phone(rng)
    while new_phone == row["phone"]:
        new_phone = _phone(rng)
    update_enterprise(context.archive, row["credit_code"], {"phone": new_phone}, source="demo")
    context.updated_code = row["credit_code"]
    message = _(
        "修改联系电话：{name}，{old} → {new}", name=row["name"], old=row["phone"], new=new_phone
    )
    details = {"credit_code": row["credit_code"], "old": row["phone"], "new": new_phone}
    return DemoStep("update_phone", message, details)


def step_close_enterprise(context: DemoContext) -> DemoStep:
    from archive.enterprises import close_enterprise

    assert context.archive is not None
    row = _first_of(context.rows, "非煤矿山")
    record = close_enterprise(context.archive, row["credit_code"], reason=CLOSE_REASON)
    context.closed_code = row["credit_code"]
    message = _("注销：{name}（{reason}，档案保留）", name=row["name"], reason=CLOSE_REASON)
    details = {
        "credit_code": row["credit_code"],
        "reason": CLOSE_REASON,
        "date": record["closed_on"],
    }
    return DemoStep("close_enterprise", message, details)


def step_issue_commitments(context: DemoContext) -> DemoStep:
    """This year's unit commitment letters for the showcase industry, each with serial and QR."""
    from archive.enterprises import list_enterprises
    from archive.letters.issue import ISSUED, commitment_requests, issue_letters

    assert context.archive is not None
    records = list_enterprises(context.archive, industry=SHOWCASE_INDUSTRY)
    year = context.today.year
    requests = commitment_requests(context.archive, records, levels=["unit"], year=year)
    out_dir = context.archive.root / "out" / "demo-commitments"
    report = issue_letters(context.archive, requests, out_dir=out_dir, issue_date=context.today)
    issued = [letter for letter in report.letters if letter.status == ISSUED]
    context.letters_dir = out_dir
    context.issued = issued
    message = _(
        "生成{industry}行业 {count} 份{year}年度安全生产承诺书（带编号和二维码）：{path}",
        industry=SHOWCASE_INDUSTRY,
        count=len(issued),
        year=year,
        path=out_dir,
    )
    details = {
        "out_dir": str(out_dir),
        "serials": [letter.serial for letter in issued],
        "manifest": str(report.manifest) if report.manifest else None,
    }
    return DemoStep("issue_commitments", message, details)


RETURNED_FOLDER = "收件"  # samples/收件/: what came back to the bureau this month
SIGNED_RETURNS = 6  # of the letters issued, this many come back signed …
UNSIGNED_RETURNS = 2  # … and this many unsigned (the clerk must chase them)
# Some come back on paper (archive.demo_scans): the return's number → how.
PAPER_RETURNS = {4: "photo", 5: "photo-turned", 7: "scan-tiff"}


def _sign_letter(source: Path, target: Path, signer: str, day: str) -> None:
    """Fill in a unit commitment letter as the enterprise would: signature and date."""
    from docx import Document

    document = Document(str(source))
    for paragraph in document.paragraphs:
        label = paragraph.text.partition("：")[0]
        if label in ("法定代表人（签字）", "日期"):
            runs = paragraph.runs
            runs[0].text = label + "："
            for run in runs[1:]:
                run._r.getparent().remove(run._r)
            paragraph.add_run(signer if label != "日期" else day)
    document.save(str(target))


def _save_unsigned(source: Path, target: Path) -> None:
    """A letter the enterprise opened and saved without signing it."""
    from docx import Document

    Document(str(source)).save(str(target))


def _enforcement_docx(target: Path, title: str, lines: list[str]) -> None:
    """A simple enforcement document as a county system prints it (title, then lines)."""
    from docx import Document

    document = Document()
    document.add_heading(title, level=1)
    for line in lines:
        document.add_paragraph(line)
    document.save(str(target))


def _scanned_record(context: DemoContext, folder: Path) -> None:
    """An inspection record that came back on paper only: a scanned image (read by OCR when
    tesseract is installed, else left ``needs-ocr`` with the install hint)."""
    from archive.demo_scans import text_page

    shop = _nth_of(context.rows, "烟花爆竹", 1)
    day = _written(context.today)
    page = text_page(
        [
            "现场检查记录",
            f"（湘永蓝）应急检记〔{context.today.year}〕35号",
            f"被检查单位：{shop['name']}",
            f"统一社会信用代码：{shop['credit_code']}",
            f"检查时间：{day}9时30分",
            "检查场所：该单位仓库及销售门店",
            "检查情况：现场检查未发现问题。",
            f"检查人员：王立新、李文华　{day}",
        ],
        seed=3,
    )
    page.save(folder / "扫描件_现场检查记录.png")


def step_returned_batch(context: DemoContext) -> DemoStep:
    """What comes back in a month: signed and unsigned letters, enforcement documents (among
    them the two orders of the rules story, :func:`_story_orders`)."""
    assert context.archive is not None
    folder = context.archive.root / SAMPLES_FOLDER / RETURNED_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    rows = {row["credit_code"]: row for row in context.rows}
    today = context.today
    day = _written(today)
    returned = context.issued[: SIGNED_RETURNS + UNSIGNED_RETURNS]
    for number, letter in enumerate(returned):
        assert letter.file is not None
        target = folder / f"回执_{letter.file.name}"
        if number in PAPER_RETURNS:  # photographed with a phone, or scanned at the bureau
            from archive.demo_scans import write_scan

            signed = number < SIGNED_RETURNS
            write_scan(
                letter.file,
                folder
                / f"{'手机拍照' if PAPER_RETURNS[number] != 'scan-tiff' else '扫描件'}_{letter.file.stem}",
                how=PAPER_RETURNS[number],
                signer=rows[letter.credit_code]["legal_representative"] if signed else None,
                day=day if signed else None,
                seed=number,
            )
        elif number < SIGNED_RETURNS:
            person = rows[letter.credit_code]["legal_representative"]
            _sign_letter(letter.file, target, person, day)
        else:  # opened and saved unsigned (an untouched copy is ours, not a return)
            _save_unsigned(letter.file, target)
    # An inspection found problems at one fireworks shop: the order and the re-inspection.
    shop = _first_of(context.rows, "烟花爆竹")
    number = f"蓝应急责改〔{today.year}〕7号"
    _enforcement_docx(
        folder / "责令限期整改指令书.docx",
        "责令限期整改指令书",
        [
            number,
            f"{shop['name']}：",
            f"统一社会信用代码：{shop['credit_code']}",
            "经查，你单位存在下列问题：",
            "1.仓库内烟花爆竹超量储存；",
            "2.未按规定设置防火分隔；",
            f"责令你单位于{today.year + 1}年1月15日前整改完毕，整改完成后及时书面报告本局。",
            COUNTY + "应急管理局",
            day,
        ],
    )
    # A document naming an enterprise that is not in the register: it waits in the inbox.
    _enforcement_docx(
        folder / "现场检查记录_外县单位.docx",
        "现场检查记录",
        [
            f"（湘永蓝）应急检记〔{today.year}〕21号",
            "被检查单位：宁远县某某化工有限公司",
            "检查场所：该单位仓库",
            f"检查时间：{day}10时30分",
            "检查情况：现场检查未发现问题。",
        ],
    )
    _scanned_record(context, folder)
    _story_orders(context, folder)
    context.returned_dir = folder
    message = _(
        "收到退回的文书：{signed} 份已签字承诺书、{unsigned} 份未签字，另有执法文书：{path}",
        signed=SIGNED_RETURNS,
        unsigned=UNSIGNED_RETURNS,
        path=folder,
    )
    return DemoStep("returned_batch", message, {"folder": str(folder)})


def step_ingest(context: DemoContext) -> DemoStep:
    """Ingest the returned batch: letters matched by serial (on paper by their QR codes, signed
    or not told from the seal and ink), facts follow from documents."""
    from archive.ingest import ingest

    assert context.archive is not None and context.returned_dir is not None
    report = ingest(context.archive, [context.returned_dir], jobs=1)
    counts = {
        status: report.count(status) for status in ("ingested", "unmatched", "failed", "needs-ocr")
    }
    message = _(
        "归档收件：{ingested} 份已归档，{unmatched} 份未匹配（在 inbox/unmatched/ 等待处理），{failed} 份失败",
        **counts,
    )
    if counts["needs-ocr"]:
        message += _("，{count} 份需要文字识别", count=counts["needs-ocr"])
    message += _("；其中扫描件和照片：")
    scans = []
    for result in report.results:
        if Path(result.path).suffix.lower() not in (".jpg", ".png", ".tif"):
            continue
        signed = result.fields.get("signed")
        if result.status == "ingested" and result.fields.get("serial"):
            verdict = {True: _("已签字盖章"), False: _("未签字")}.get(signed, _("待人工核对"))
            how = _(
                "按二维码匹配 {serial}，{verdict}", serial=result.fields["serial"], verdict=verdict
            )
        elif result.status == "ingested":
            how = _(
                "文字识别后归档：代码 {code}，文号 {number}",
                code=result.credit_code or "—",
                number=result.fields.get("doc_number") or "—",
            )
        elif result.status == "needs-ocr":
            how = _("需要文字识别：{reason}", reason=result.reason or "")
        else:
            how = f"{result.status}：{result.reason or ''}"
        scans.append({"file": Path(result.path).name, "status": result.status, "signed": signed})
        message += "\n     " + _("{file}：{how}", file=Path(result.path).name, how=how)
    return DemoStep("ingest", message, {"counts": counts, "scans": scans})


# -- the rules story: steps -------------------------------------------------------------------

CONFIRM_REASON = "经核实，逾期未整改，也未申请延期"
REMOVE_REASON = "管理期限届满"


def _name_of(context: DemoContext, code: str | None) -> str:
    return next((row["name"] for row in context.rows if row["credit_code"] == code), code or "")


def _evidence_numbers(record: dict[str, Any]) -> str:
    numbers = [item.get("doc_number") or item.get("document") for item in record["evidence"]]
    return join_items(number for number in numbers if number)


def _new_record(report: Any, code: str | None) -> dict[str, Any]:
    from archive import records

    found = [
        item.record
        for item in report.items
        if item.outcome == records.NEW and item.credit_code == code and item.record
    ]
    if not found:
        raise CreditError(
            _("演示的整改逾期没有提出记录：{outcomes}", outcomes=dict(report.counts())),
            _("这是 credit 的缺陷，请把这条消息报告给维护者"),
        )
    return found[0]


def step_propose_overdue(context: DemoContext) -> DemoStep:
    """Soon after the old order's deadline the rules propose a record under criterion 5."""
    from archive import records

    assert context.archive is not None and context.story is not None
    story = context.story
    report = records.propose(context.archive, as_of=story.propose_on)
    record = _new_record(report, context.story_code)
    context.record_id = record["id"]
    message = _(
        "{as_of} 运行记录规则：{name}的整改期限 {deadline} 已过且无复查 → 提出不良信用记录 "
        "{id}（第{criterion}项，规则 {rule}，证据 {evidence}）",
        as_of=story.propose_on.isoformat(),
        name=_name_of(context, context.story_code),
        deadline=story.deadline.isoformat(),
        id=record["id"],
        criterion=record["criterion"],
        rule=record["rule"],
        evidence=_evidence_numbers(record),
    )
    details = {
        "as_of": story.propose_on.isoformat(),
        "record": record["id"],
        "credit_code": record["credit_code"],
        "criterion": record["criterion"],
        "rule": record["rule"],
        "evidence": record["evidence"],
        "facts": record["facts"],
    }
    return DemoStep("propose_overdue", message, details)


def step_confirm_record(context: DemoContext) -> DemoStep:
    from archive import records

    assert context.archive is not None and context.record_id is not None
    decision = records.confirm(context.archive, context.record_id, reason=CONFIRM_REASON)
    record = decision.record
    message = _("确认记录 {id}：{reason}", id=record["id"], reason=record.get("reason"))
    details = {"record": record["id"], "status": record["status"], "reason": record["reason"]}
    return DemoStep("confirm_record", message, details)


def step_blacklist_propose(context: DemoContext) -> DemoStep:
    """The confirmed record supports a blacklist ground (county: ground 2)."""
    from archive import blacklist

    assert context.archive is not None and context.story is not None
    on = context.story.propose_on
    found = blacklist.propose(context.archive, context.story_code, as_of=on)
    proposed = [p for p in found if p.action == "proposed" and context.record_id in p.basis]
    if not proposed:
        raise CreditError(
            _("演示的记录没有提出黑名单条目：{found}", found=[p.action for p in found]),
            _("这是 credit 的缺陷，请把这条消息报告给维护者"),
        )
    entry = blacklist.get_entry(context.archive, str(proposed[0].id))
    context.entry_id = entry["id"]
    message = _(
        "{date} 信息采集：提出列入黑名单 {id}（第{criterion}项：{short}；依据记录 {records}；"
        "管理期限 {years} 年）",
        date=on.isoformat(),
        id=entry["id"],
        criterion=entry["criterion"],
        short=entry.get("criterion_short") or entry["criterion_text"],
        records=join_items(entry["basis"]),
        years=entry["term_years"],
    )
    details = {
        "entry": entry["id"],
        "date": on.isoformat(),
        "criterion": entry["criterion"],
        "basis": entry["basis"],
        "term_years": entry["term_years"],
    }
    return DemoStep("blacklist_propose", message, details)


def _advance(context: DemoContext, day: date) -> dict[str, Any]:
    from archive import blacklist

    assert context.archive is not None and context.entry_id is not None
    return blacklist.advance(context.archive, context.entry_id, date=day)


def _stage(entry: dict[str, Any], key: str) -> dict[str, Any]:
    return next(stage for stage in entry["stages"] if stage["stage"] == key)


def step_blacklist_notify(context: DemoContext) -> DemoStep:
    assert context.story is not None
    entry = _advance(context, context.story.notify_on)
    stage = _stage(entry, "notify")
    message = _(
        "{date} 信息告知：发出黑名单告知书 {serial}：{file}",
        date=stage["date"],
        serial=stage["notice"],
        file=stage["file"],
    )
    details = {"entry": entry["id"], **{key: stage[key] for key in ("date", "notice", "file")}}
    return DemoStep("blacklist_notify", message, details)


def step_blacklist_exchange(context: DemoContext) -> DemoStep:
    assert context.story is not None
    entry = _advance(context, context.story.exchange_on)
    stage = _stage(entry, "exchange")
    message = _("{date} 信息交换（陈述申辩期已过，无异议）", date=stage["date"])
    return DemoStep("blacklist_exchange", message, {"entry": entry["id"], "date": stage["date"]})


def step_blacklist_publish(context: DemoContext) -> DemoStep:
    assert context.story is not None
    entry = _advance(context, context.story.publish_on)
    message = _(
        "{date} 信息公布：列入黑名单，管理期限 {years} 年，至 {ends_on}",
        date=entry["listed_on"],
        years=entry["term_years"],
        ends_on=entry["ends_on"],
    )
    details = {
        "entry": entry["id"],
        "listed_on": entry["listed_on"],
        "ends_on": entry["ends_on"],
        "status": entry["status"],
    }
    return DemoStep("blacklist_publish", message, details)


def step_blacklist_remove(context: DemoContext) -> DemoStep:
    """On the term's last day the tool lists the entry as due for removal; the clerk removes it
    and the 移出通知书 is issued.  (That day is before today: the term has run out.)"""
    from archive import blacklist

    assert context.archive is not None and context.entry_id is not None
    assert context.story is not None
    day = context.story.ends_on
    due = blacklist.propose(context.archive, context.story_code, as_of=day, dry_run=True)
    if not any(p.action == "removal_due" and p.id == context.entry_id for p in due):
        raise CreditError(
            _("演示的黑名单条目在 {date} 没有到期", date=day.isoformat()),
            _("这是 credit 的缺陷，请把这条消息报告给维护者"),
        )
    entry = blacklist.remove(context.archive, context.entry_id, date=day, reason=REMOVE_REASON)
    stage = _stage(entry, "remove")
    message = _(
        "{date} 信息移出：管理期限届满，移出黑名单，发出移出通知书 {serial}：{file}",
        date=stage["date"],
        serial=stage["notice"],
        file=stage["file"],
    )
    details = {
        "entry": entry["id"],
        "status": entry["status"],
        "removed_on": entry["removed_on"],
        "notice": stage["notice"],
        "file": stage["file"],
    }
    return DemoStep("blacklist_remove", message, details)


def step_propose_today(context: DemoContext) -> DemoStep:
    """Today's case: an order due two weeks ago, proposed and left for the clerk to decide.

    A deadline in a year the calendar lacks (a demo run in a year chinesecalendar does not
    cover yet) cannot be judged: the step says so, and how to give the year, instead of failing.
    """
    from archive import records

    assert context.archive is not None
    today = context.today
    report = records.propose(context.archive, as_of=today)
    ours = [item for item in report.items if item.credit_code == context.current_code]
    new = [item for item in ours if item.outcome == records.NEW and item.record]
    failed = [item for item in ours if item.outcome == records.FAILED]
    name = _name_of(context, context.current_code)
    if new:
        record = new[0].record
        assert record is not None
        facts = record["facts"]
        message = _(
            "{today} 运行记录规则：{name}的整改期限 {deadline} 已过 {days} 天 → 提出记录 {id}"
            "（第{criterion}项），留待经办人确认或驳回",
            today=today.isoformat(),
            name=name,
            deadline=facts["deadline"],
            days=facts["days_overdue"],
            id=record["id"],
            criterion=record["criterion"],
        )
        details = {"as_of": today.isoformat(), "record": record["id"], "facts": facts}
    elif failed:
        message = _(
            "{today} 运行记录规则：{name}的整改期限无法判断：{problem}",
            today=today.isoformat(),
            name=name,
            problem=failed[0].message,
        )
        details = {"as_of": today.isoformat(), "record": None, "problem": failed[0].message}
    else:
        raise CreditError(
            _("演示的整改逾期没有提出记录：{outcomes}", outcomes=dict(report.counts())),
            _("这是 credit 的缺陷，请把这条消息报告给维护者"),
        )
    details["counts"] = dict(sorted(report.counts().items()))
    return DemoStep("propose_today", message, details)


def step_standing(context: DemoContext) -> DemoStep:
    from archive import standing

    assert context.archive is not None
    today = context.today
    rows = standing.standing(context.archive, as_of=today)
    counts = {value: 0 for value in standing.LABELS}
    for row in rows:
        counts[row["standing"]] += 1
    message = _(
        "{today} 的信用状况：守信 {trustworthy} 家，一般 {general} 家，失信 {untrustworthy} 家，"
        "黑名单 {blacklisted} 家",
        today=today.isoformat(),
        **counts,
    )
    return DemoStep("standing", message, {"as_of": today.isoformat(), "counts": counts})


Step = Callable[[DemoContext], DemoStep]
# In order; each step is small and uses only the library.  Later issues append theirs.
STEPS: list[Step] = [
    step_create_archive,
    step_write_roster,
    step_import_roster,
    step_update_phone,
    step_close_enterprise,
    step_issue_commitments,
    step_returned_batch,
    step_ingest,
    step_monthly_batch,
    step_propose_overdue,
    step_confirm_record,
    step_blacklist_propose,
    step_blacklist_notify,
    step_blacklist_exchange,
    step_blacklist_publish,
    step_blacklist_remove,
    step_propose_today,
    step_standing,
    step_monthly_check,
    step_overdue,
    step_blacklist_summary,
    step_report,
    step_publish,
]


def build_demo(
    folder: Path,
    *,
    actor: str = "演示",
    count: int = 60,
    seed: int = 2026,
    today: date | None = None,
) -> DemoResult:
    """Build the demo archive in ``folder`` (new or empty); refuse a folder already in use.

    ``today`` (default: the real today) is the day the demo acts on: this year's letters,
    today's rules; the rules story's past dates follow from it (:func:`story_dates`).  A day
    after the last year the working-day calendar covers is moved back to that year's last day
    (said in the first step): counted from a later day, every deadline would wait for that
    year's holidays, and the story could not be told.
    """
    from archive.workdays import package_years

    wanted = today or date.today()
    covered = date(package_years()[1], 12, 31)
    context = DemoContext(
        folder=Path(folder).expanduser(),
        actor=actor,
        count=count,
        seed=seed,
        today=min(wanted, covered),
        moved_from=wanted if wanted > covered else None,
    )
    steps = [step(context) for step in STEPS]
    assert context.archive is not None
    assert context.roster_path is not None and context.import_report is not None
    return DemoResult(
        archive=context.archive,
        roster_path=context.roster_path,
        import_report=context.import_report,
        steps=steps,
        showcase_code=context.updated_code,
        closed_code=context.closed_code,
        record_id=context.record_id,
        entry_id=context.entry_id,
        monthly=context.monthly,
        worth_opening=worth_opening(context),
    )


def worth_opening(context: DemoContext) -> list[Path]:
    """The three files worth opening: the report's .docx and .xlsx, the published .html."""
    by_suffix = {path.suffix: path for path in context.report_files}
    html = context.published.get(OPENED_KIND, {}).get("html")
    return [path for path in (by_suffix.get(".docx"), by_suffix.get(".xlsx"), html) if path]


def industry_counts(archive: Archive) -> list[dict[str, Any]]:
    """Enterprises per industry (settings order): section(s), active, closed, total."""
    from archive.enterprises import CLOSED, list_enterprises

    counts: dict[str, dict[str, Any]] = {
        name: {"industry": name, "sections": [], "active": 0, "closed": 0, "total": 0}
        for name in archive.settings.industries
    }
    for record in list_enterprises(archive, status=None):
        industry = record.get("industry") or ""
        row = counts.setdefault(
            industry, {"industry": industry, "sections": [], "active": 0, "closed": 0, "total": 0}
        )
        row["closed" if record.get("status") == CLOSED else "active"] += 1
        row["total"] += 1
        section = record.get("section")
        if section and section not in row["sections"]:
            row["sections"].append(section)
    return [row for row in counts.values() if row["total"]]


def demo_summary(result: DemoResult) -> dict[str, Any]:
    """A machine summary of a built demo (``credit demo --json``)."""
    from archive.audit import verify_archive

    report = result.import_report
    by_industry = industry_counts(result.archive)
    verify = verify_archive(result.archive)
    return {
        "archive": str(result.archive.root),
        "roster": str(result.roster_path),
        "import": {
            action: report.count(action) for action in ("add", "update", "unchanged", "error")
        },
        "enterprises": {
            "total": sum(row["total"] for row in by_industry),
            "active": sum(row["active"] for row in by_industry),
            "closed": sum(row["closed"] for row in by_industry),
        },
        "by_industry": by_industry,
        "showcase": {"industry": result.showcase_industry, "credit_code": result.showcase_code},
        "closed_code": result.closed_code,
        "rules_story": {"record": result.record_id, "blacklist_entry": result.entry_id},
        "steps": [
            {"name": step.name, "message": step.message, **step.details} for step in result.steps
        ],
        "audit": {"ok": verify["ok"], "events": verify["events"]},
        "worth_opening": [str(path) for path in result.worth_opening],
    }
