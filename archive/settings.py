"""Settings: where the archive is and how it is set up.

Order, first wins: command-line flag → ``CREDIT_*`` environment variable → ``<archive>/credit.toml``
→ built-in default.  ``credit config`` shows every effective value and where it came from.
"""

from __future__ import annotations

import getpass
import math
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.errors import ArchiveError, ArchiveNotFound, UsageError
from archive.i18n import N_, _, describe_error, describe_format_error, join_items

SETTINGS_FILE = "credit.toml"

DEFAULT_SECTIONS = (
    "协调股",
    "政策法规股",
    "危化股",
    "非煤矿山股",
    "烟花爆竹股",
    "工贸股",
    "执法大队",
    "应急指挥中心",
)
DEFAULT_INDUSTRIES = ("非煤矿山", "危险化学品", "烟花爆竹", "冶金", "其他工贸")
# Short forms clerks write in rosters → the industry they mean.
DEFAULT_INDUSTRY_ALIASES = {
    "非煤": "非煤矿山",
    "矿山": "非煤矿山",
    "危化": "危险化学品",
    "危化品": "危险化学品",
    "危险化学品经营": "危险化学品",
    "烟花": "烟花爆竹",
    "工贸": "其他工贸",
    "冶金工贸": "冶金",
}

# key → (default, environment variable or None)
DEFAULTS: dict[str, tuple[Any, str | None]] = {
    "bureau.name": ("蓝山县应急管理局", None),
    "bureau.county": ("蓝山县", None),
    # 文号里的地名简称 → 地名（省、市、县，由大到小）：文字识别读错一个字时据此改正；
    # {} = 由所属县推出（见 Settings.places）
    "bureau.places": ({}, None),
    "register.sections": (list(DEFAULT_SECTIONS), None),
    "register.industries": (list(DEFAULT_INDUSTRIES), None),
    "register.towns": ([], None),
    "register.industry_aliases": (dict(DEFAULT_INDUSTRY_ALIASES), None),
    "archive.lock_timeout": (10.0, "CREDIT_LOCK_TIMEOUT"),
    # The first month the archive holds ("YYYY-MM"); "" = the month the archive was made.
    "archive.start": ("", None),
    "rules.regime": ("county-2019", None),
    "letters.serial_format": ("{prefix}〔{year}〕{number:04d}号", None),
    "letters.prefixes": ({}, None),
    "letters.soffice": ("soffice", "CREDIT_SOFFICE"),
    # calendar days an issued commitment letter has to come back signed (credit overdue)
    "letters.return_days": (30, None),
    "monthly.requirements": ([], None),  # filled in below: DEFAULT_REQUIREMENTS
    # 催报通知（monthly-check --remind）给的期限：核对日期后第几个工作日
    "monthly.remind_workdays": (5, None),
}

# -- monthly requirements ([[monthly.requirements]]) -------------------------------------------

WHO_ENTERPRISE = "enterprise"
WHO_SECTION = "section"
DUE_LAST_WORKDAY = "last_workday"  # the month's last working day
DUE_WORKDAY = "workday"  # the ``day``-th working day of the next month
DUE_DAY = "day"  # the ``day``-th of the next month, moved off a rest day
DUE_RULES = (DUE_LAST_WORKDAY, DUE_WORKDAY, DUE_DAY)
COUNT_WORKDAYS = "workdays"
COUNT_CALENDAR = "calendar"
DOCUMENT_KINDS = {WHO_ENTERPRISE: "monthly_report", WHO_SECTION: "section_submission"}
RECEIVING_SECTION = "政策法规股"


def _default_requirements() -> list[dict[str, Any]]:
    from archive.letters.catalog import MONTHLY_REPORT_TOPICS

    return [
        {
            # 三(四): every enterprise reports its 诚信履行情况 on the seven topics, monthly.
            "name": "安全生产诚信履行情况报告表",
            "who": WHO_ENTERPRISE,
            "document": "monthly_report",
            "topics": list(MONTHLY_REPORT_TOPICS),
            "signed": True,
            "industries": [],
            "sections": [],
            "towns": [],
            "due": DUE_WORKDAY,
            "day": 5,
            "grace_days": 0,
            "count": COUNT_WORKDAYS,
        },
        {
            # 四(三): every section sends its material to 政策法规股 before the month's end.
            "name": "诚信体系建设资料",
            "who": WHO_SECTION,
            "document": "section_submission",
            "sections": [],
            "to": RECEIVING_SECTION,
            "min_items": 1,
            "signed": False,
            "due": DUE_LAST_WORKDAY,
            "day": 0,
            "grace_days": 0,
            "count": COUNT_WORKDAYS,
        },
    ]


DEFAULTS["monthly.requirements"] = (_default_requirements(), None)

_REQUIREMENT_KEYS = {
    "name": str,
    "who": str,
    "document": str,
    "topics": list,
    "signed": bool,
    "industries": list,
    "sections": list,
    "towns": list,
    "to": str,
    "min_items": int,
    "due": str,
    "day": int,
    "grace_days": int,
    "count": str,
}


def check_requirements(
    value: Any, path: Path | str, *, sections: list[str], industries: list[str]
) -> list[dict[str, Any]]:
    """The ``[[monthly.requirements]]`` of ``path``, each completed with the defaults of its
    kind, or :class:`ArchiveError` naming the file, the entry and the value."""
    from archive.letters.catalog import MONTHLY_REPORT_TOPICS

    defaults = {item["who"]: item for item in _default_requirements()}
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ArchiveError(
            _("{path} 中的 monthly.requirements 应是一组 [[monthly.requirements]] 表", path=path),
            _("参照 credit init 生成的样板改正，或删除这一项以使用默认要求"),
        )
    result: list[dict[str, Any]] = []
    names: set[str] = set()
    for number, item in enumerate(value, 1):

        def bad(key: str, problem: str, hint: str | None = None, *, number: int = number) -> None:
            raise ArchiveError(
                _(
                    "{path} 中第 {number} 项 [[monthly.requirements]] 的 {key} 有误：{problem}",
                    path=path,
                    number=number,
                    key=key,
                    problem=problem,
                ),
                hint or _("参照 credit init 生成的样板改正"),
            )

        for key, raw in item.items():
            kind = _REQUIREMENT_KEYS.get(key)
            if kind is None:
                bad(
                    key,
                    _("不认识这一项"),
                    _("可用的项：{keys}", keys=join_items(_REQUIREMENT_KEYS)),
                )
            elif not isinstance(raw, kind) or (kind is int and isinstance(raw, bool)):
                bad(key, _("取值 {value!r} 类型不对", value=raw))
            elif kind is list and not all(isinstance(one, str) and one.strip() for one in raw):
                bad(key, _("取值 {value!r} 应是一组文字", value=raw))
        who = item.get("who", WHO_ENTERPRISE)
        if who not in defaults:
            bad("who", _("{value!r} 应是 enterprise（单位）或 section（股室）", value=who))
        entry = {**defaults[who], **item, "who": who}
        if not str(entry["name"]).strip():
            bad("name", _("名称不能为空"))
        if entry["name"] in names:
            bad("name", _("名称“{name}”与前面的一项重复", name=entry["name"]))
        names.add(entry["name"])
        if entry["document"] != DOCUMENT_KINDS[who]:
            bad(
                "document",
                _("{value!r} 应是 {kind}", value=entry["document"], kind=DOCUMENT_KINDS[who]),
            )
        unknown = [topic for topic in entry.get("topics", []) if topic not in MONTHLY_REPORT_TOPICS]
        if unknown:
            bad(
                "topics",
                _("没有栏目 {topics}", topics=join_items(unknown)),
                _("可用的栏目：{topics}", topics=join_items(MONTHLY_REPORT_TOPICS)),
            )
        for key, allowed in (("sections", sections), ("industries", industries)):
            wrong = [one for one in entry.get(key, []) if one not in allowed]
            if wrong:
                bad(
                    key,
                    _("{values} 不在设置中", values=join_items(wrong)),
                    _("可选：{allowed}", allowed=join_items(allowed)),
                )
        if who == WHO_SECTION and entry["to"] not in sections:
            bad(
                "to",
                _("{value} 不在设置的股室中", value=entry["to"]),
                _("可选：{allowed}", allowed=join_items(sections)),
            )
        if entry["due"] not in DUE_RULES:
            bad(
                "due",
                _("{value!r} 不是截止日规则", value=entry["due"]),
                _(
                    "可用：last_workday（当月最后一个工作日）、workday（次月第 day 个工作日）、"
                    "day（次月 day 日，逢休息日顺延）"
                ),
            )
        limit = {DUE_WORKDAY: 20, DUE_DAY: 28}.get(entry["due"])
        if limit and not 1 <= entry["day"] <= limit:
            bad("day", _("{value} 应在 1 至 {limit} 之间", value=entry["day"], limit=limit))
        for key in ("grace_days", "min_items"):
            if entry.get(key, 0) < 0:
                bad(key, _("{value} 不能是负数", value=entry[key]))
        if entry["count"] not in (COUNT_WORKDAYS, COUNT_CALENDAR):
            bad(
                "count",
                _("{value!r} 应是 workdays（工作日）或 calendar（自然日）", value=entry["count"]),
            )
        result.append(entry)
    return result


def check_month(text: str) -> tuple[int, int] | None:
    """``(year, month)`` of ``"YYYY-MM"``, or None.

    >>> check_month("2026-02"), check_month("2026-13"), check_month("26-1")
    ((2026, 2), None, None)
    """
    import re

    shaped = re.fullmatch(r"(\d{4})-(\d{2})", text.strip()) if isinstance(text, str) else None
    if not shaped or not 1 <= int(shaped.group(2)) <= 12 or int(shaped.group(1)) < 1949:
        return None
    return int(shaped.group(1)), int(shaped.group(2))


SOURCE_FLAG = "flag"
SOURCE_ENV = "env"
SOURCE_FILE = "file"
SOURCE_DEFAULT = "default"

TEMPLATE = """\
# credit 档案设置（TOML 格式）。以 # 开头的行是说明，可以删除。
# 取值顺序：命令行选项 → CREDIT_* 环境变量 → 本文件 → 内置默认值；
# 运行 `credit config` 查看每一项的实际取值和来源。

[bureau]
# 发文单位全称，出现在告知书、通知书的落款中
name = {bureau}
# 所属县（区）
county = {county}
# 文号中的地名简称及其地名，按省、市、县（区）的顺序，如 （湘永蓝）应急责改〔2026〕8号：
# 扫描件文字识别把其中一个字读错时（如 蓝 读成 监），按这里改正并注明；须含所属县；
# 写成 {{}} 表示按所属县推出（蓝山县：湘、永、蓝；其他县：县名的第一个字）
places = {places}

[register]
# 股室（大队）：企业名册的“负责股室”必须是其中之一
sections = [{sections}]
# 行业：企业名册的“行业”必须是其中之一
industries = [{industries}]
# 乡镇（街道）：留空表示不核对
towns = []

# 名册中常见的行业简称及其对应的行业
[register.industry_aliases]
{aliases}

[archive]
# 等待其他人写入完成的最长秒数，超时则放弃（退出码 4）
lock_timeout = 10
# 档案起始月份（YYYY-MM）：单位从这个月起应按月报送；留空表示建档当月
start = {start}

[rules]
# 规则体系：county-2019（县实施方案，默认）或 national-2023（应急管理部令第11号）；
# 也可把自己的规则文件放在档案的 regimes/ 文件夹（credit regime show --toml 导出样板）。
# 已作出的记录和黑名单决定保存当时的规则体系及其版本，改这里不会改写它们。
regime = "county-2019"

[letters]
# 文书编号格式：{{prefix}} 前缀，{{year}} 年份，{{number}} 序号（:04d 表示补足4位）；
# 含 {{year}} 时每年从 1 编起，不含 {{year}} 时跨年连续编号
serial_format = "{{prefix}}〔{{year}}〕{{number:04d}}号"
# LibreOffice 程序（--pdf 时用于转换 PDF）
soffice = "soffice"

# 各类文书的编号前缀：承诺书、告知书/通知书、报表
[letters.prefixes]
commitment = {commitment}
notice = {notice}
form = {form}

# 每月报送要求（credit monthly-check 据此核对）。下面是内置的默认要求；要改动时，
# 去掉整组 [[monthly.requirements]] 前的 # 再修改（写了任何一项，就只按写出的各项要求核对）。
#   who        enterprise：生产经营单位报送；section：股室（大队）报送
#   document   monthly_report（诚信履行情况报告表）或 section_submission（资料报送单）
#   topics     报告表中必须填写的栏目；signed：须有单位负责人签字和日期
#   industries / sections / towns   只要求这些行业、股室负责、乡镇的单位（空表示全部）；
#              股室报送时 sections 是要报送的股室（空表示除接收股室 to 外的全部）
#   due        截止日：last_workday 当月最后一个工作日；workday 次月第 day 个工作日；
#              day 次月 day 日（逢休息日顺延到下一个工作日）
#   grace_days 宽限天数；count：宽限和逾期天数按 workdays（工作日）或 calendar（自然日）计
#   单位从档案起始月份起报送；名册写了“纳入监管日期”的，从该日起的第一个整月起报送
#   （1 日纳入的，当月就要报送）；注销的单位，注销日期在某月截止日当天或之前的，该月起不再要求。
{requirements}
"""


def toml_string(value: str) -> str:
    """``value`` as a TOML basic string: quotes, backslashes and control characters escaped.

    >>> print(toml_string('某"县'))
    "某\\"县"
    """
    out = []
    for char in value:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _toml_list(values: list[str] | tuple[str, ...]) -> str:
    return ", ".join(toml_string(value) for value in values)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + _toml_list(value) + "]"
    return toml_string(str(value))


def _commented_requirements() -> str:
    lines: list[str] = []
    for item in _default_requirements():
        lines.append("# [[monthly.requirements]]")
        for key, value in item.items():
            if key == "day" and item["due"] == DUE_LAST_WORKDAY:
                continue
            lines.append(f"# {key} = {_toml_value(value)}")
        lines.append("#")
    return "\n".join(lines[:-1])


# Counties whose province and city are known here: their 文号 places (province, city, county).
KNOWN_PLACES = {"蓝山县": {"湘": "湖南省", "永": "永州市", "蓝": "蓝山县"}}


def default_places(county: str) -> dict[str, str]:
    """The 文号 place abbreviations of ``county``'s bureau: province, city, county where
    known (:data:`KNOWN_PLACES`), else the county's first character alone.

    >>> default_places("蓝山县"), default_places("茶陵县")
    ({'湘': '湖南省', '永': '永州市', '蓝': '蓝山县'}, {'茶': '茶陵县'})
    """
    if county in KNOWN_PLACES:
        return dict(KNOWN_PLACES[county])
    return {county[:1]: county} if county else {}


def render_template(bureau: str, county: str, start: str | None = None) -> str:
    aliases = "\n".join(f'"{k}" = "{v}"' for k, v in DEFAULT_INDUSTRY_ALIASES.items())
    places = ", ".join(
        f"{toml_string(k)} = {toml_string(v)}" for k, v in default_places(county).items()
    )
    return TEMPLATE.format(
        places="{ " + places + " }" if places else "{}",
        start=toml_string(start or ""),
        requirements=_commented_requirements(),
        bureau=toml_string(bureau),
        county=toml_string(county),
        commitment=toml_string(county[:1] + "应急诺"),
        notice=toml_string(county[:1] + "应急告"),
        form=toml_string(county[:1] + "应急表"),
        sections=_toml_list(DEFAULT_SECTIONS),
        industries=_toml_list(DEFAULT_INDUSTRIES),
        aliases=aliases,
    )


@dataclass
class Setting:
    key: str
    value: Any
    source: str
    origin: str | None = None  # the file or variable it came from


@dataclass
class Settings:
    """Effective settings of one archive, with where each value came from."""

    root: Path
    values: dict[str, Setting] = field(default_factory=dict)
    unknown_keys: list[str] = field(default_factory=list)

    def __getitem__(self, key: str) -> Any:
        return self.values[key].value

    @property
    def sections(self) -> list[str]:
        return list(self["register.sections"])

    @property
    def industries(self) -> list[str]:
        return list(self["register.industries"])

    @property
    def towns(self) -> list[str]:
        return list(self["register.towns"])

    @property
    def industry_aliases(self) -> dict[str, str]:
        return dict(self["register.industry_aliases"])

    @property
    def places(self) -> dict[str, str]:
        """文号 place abbreviation → place (province, city, county in that order): the
        ``bureau.places`` set, else :func:`default_places` of the county."""
        return dict(self["bureau.places"]) or default_places(str(self["bureau.county"]))

    @property
    def lock_timeout(self) -> float:
        return float(self["archive.lock_timeout"])

    @property
    def start(self) -> str | None:
        """The archive's first month ("YYYY-MM") as set in credit.toml, or None."""
        return self["archive.start"] or None

    @property
    def requirements(self) -> list[dict[str, Any]]:
        """The monthly requirements (``[[monthly.requirements]]``), completed with defaults."""
        return [dict(item) for item in self["monthly.requirements"]]


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and dotted not in DEFAULTS:
            flat.update(_flatten(value, dotted + "."))
        else:
            flat[dotted] = value
    return flat


def _check_type(key: str, value: Any, path: Path) -> Any:
    default = DEFAULTS[key][0]
    ok = (
        isinstance(value, (int, float)) and not isinstance(value, bool)
        if isinstance(default, float)
        else isinstance(value, type(default))
    )
    if isinstance(default, list) and ok and key != "monthly.requirements":
        ok = all(isinstance(item, str) and item.strip() for item in value)
    if isinstance(default, dict) and ok:
        ok = all(isinstance(item, str) for item in value.values())
    if not ok:
        raise ArchiveError(
            _("{path} 中 {key} 的取值 {value!r} 类型不对", path=path, key=key, value=value),
            _("参照默认值的写法改正，或删除这一项以使用默认值"),
        )
    return value


SERIAL_FIELDS = ("prefix", "year", "number")
SERIAL_HINT = "{prefix}〔{year}〕{number:04d}号"


def check_serial_format(pattern: str, path: Path | str) -> None:
    """Refuse a serial format that could give two letters one serial, or cannot be filled in.

    >>> check_serial_format("{prefix}〔{year}〕{number:04d}号", "credit.toml")
    >>> check_serial_format("{prefix}", "credit.toml")
    Traceback (most recent call last):
        ...
    archive.errors.ArchiveError: credit.toml 中的编号格式 '{prefix}' 没有 {number}：每份文书会得到同一个编号
    """
    import string

    hint = _(
        "编号格式只能使用 {prefix}、{year}、{number} 三个占位符，且必须含 {number}，例如 {example}",
        prefix="{prefix}",
        year="{year}",
        number="{number}",
        example=SERIAL_HINT,
    )
    try:
        fields = {name for _text, name, _spec, _conv in string.Formatter().parse(pattern) if name}
        pattern.format(prefix="蓝应急诺", year=2026, number=1)
    except (KeyError, ValueError, IndexError, AttributeError) as exc:
        raise ArchiveError(
            _(
                "{path} 中的编号格式 {pattern!r} 有误：{error}",
                path=path,
                pattern=pattern,
                error=describe_format_error(exc),
            ),
            hint,
        ) from exc
    unknown = sorted(fields - set(SERIAL_FIELDS))
    if unknown:
        raise ArchiveError(
            _(
                "{path} 中的编号格式 {pattern!r} 有未知的占位符 {fields}",
                path=path,
                pattern=pattern,
                fields=join_items("{" + name + "}" for name in unknown),
            ),
            hint,
        )
    if "number" not in fields:
        raise ArchiveError(
            _(
                "{path} 中的编号格式 {pattern!r} 没有 {number}：每份文书会得到同一个编号",
                path=path,
                pattern=pattern,
                number="{number}",
            ),
            hint,
        )


_VALUE_HINTS = {
    "archive.lock_timeout": N_("等待秒数应是不小于 0 的数，如 10"),
    "archive.start": N_("档案起始月份写成 YYYY-MM，如 2025-10；留空表示建档当月"),
    "letters.return_days": N_("承诺书签回天数应是不小于 0 的整数，如 30"),
    "monthly.remind_workdays": N_("催报期限是 1 到 60 之间的工作日数，如 5"),
    "bureau.places": N_(
        '地名简称每项是一个汉字及其地名，如 places = { 湘 = "湖南省", 永 = "永州市", 蓝 = "蓝山县" }'
    ),
}


def _check_value(key: str, value: Any) -> None:
    """Refuse values of the right type that cannot work (``ValueError``)."""
    if key == "archive.lock_timeout" and not (math.isfinite(value) and value >= 0):
        raise ValueError(key)  # a negative timeout would wait forever
    if key == "archive.start" and value and check_month(value) is None:
        raise ValueError(key)
    if key == "letters.return_days" and (isinstance(value, bool) or value < 0):
        raise ValueError(key)  # true is an int to tomllib; a negative count means nothing
    if key == "monthly.remind_workdays" and (isinstance(value, bool) or not 1 <= value <= 60):
        raise ValueError(key)
    if key == "bureau.places" and not all(
        len(abbr) == 1 and "\u4e00" <= abbr <= "\u9fff" and place.strip()
        for abbr, place in value.items()
    ):
        raise ValueError(key)  # an abbreviation is one character, standing for a place


def load_settings(root: Path, flags: dict[str, Any] | None = None) -> Settings:
    """Read ``root/credit.toml`` and combine it with flags, environment and defaults."""
    path = root / SETTINGS_FILE
    try:
        with path.open("rb") as handle:
            table = tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ArchiveNotFound(
            _("{path} 不存在", path=path), _("先运行 credit init 建立档案")
        ) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ArchiveError(
            _("设置文件 {path} 格式有误：{error}", path=path, error=describe_error(exc)),
            _("用记事本打开该文件改正；可对照 credit init 生成的样板"),
        ) from exc
    file_values = _flatten(table)
    flags = {k: v for k, v in (flags or {}).items() if v is not None}
    settings = Settings(root=root)
    settings.unknown_keys = sorted(key for key in file_values if key not in DEFAULTS)
    for key, (default, env_name) in DEFAULTS.items():
        if key in flags:
            settings.values[key] = Setting(key, flags[key], SOURCE_FLAG)
        elif env_name and os.environ.get(env_name):
            raw = os.environ[env_name]
            try:
                value = type(default)(raw)
                _check_value(key, value)
            except ValueError as exc:
                # A bad value typed for this run is a usage error, as the same value given
                # as a flag would be.
                raise UsageError(
                    _("环境变量 {name} 的值 {value!r} 无效", name=env_name, value=raw),
                    _(_VALUE_HINTS[key]) if key in _VALUE_HINTS else _("改正或删除这个环境变量"),
                ) from exc
            settings.values[key] = Setting(key, value, SOURCE_ENV, env_name)
        elif key in file_values:
            value = _check_type(key, file_values[key], path)
            if key == "letters.serial_format":
                check_serial_format(value, path)
            try:
                _check_value(key, value)
            except ValueError as exc:
                raise ArchiveError(
                    _("{path} 中 {key} 的取值 {value!r} 无效", path=path, key=key, value=value),
                    _(_VALUE_HINTS[key])
                    if key in _VALUE_HINTS
                    else _("改正或删除这一项以使用默认值"),
                ) from exc
            settings.values[key] = Setting(key, value, SOURCE_FILE, str(path))
        else:
            settings.values[key] = Setting(key, default, SOURCE_DEFAULT)
    requirements = settings.values["monthly.requirements"]
    if requirements.source == SOURCE_FILE:
        requirements.value = check_requirements(
            requirements.value, path, sections=settings.sections, industries=settings.industries
        )
    places, county = settings["bureau.places"], settings["bureau.county"]
    if places and county not in places.values():
        # the places correct what OCR read: written for another county, they would put a
        # neighbour's 文号 "right" into ours
        raise ArchiveError(
            _(
                "{path} 中 bureau.places 没有所属县“{county}”：{places}",
                path=path,
                county=county,
                places=", ".join(f"{abbr} = {place}" for abbr, place in places.items()),
            ),
            _(
                '写出所属县及其上级的简称，由大到小，如 places = { 湘 = "湖南省", 永 = "永州市", '
                '蓝 = "蓝山县" }；写成 places = {} 则按所属县推出'
            ),
        )
    return settings


def _not_a_folder(root: Path, given_as: str) -> ArchiveNotFound:
    """The archive named by ``--archive`` or ``CREDIT_ARCHIVE`` is not one: always exit 4."""
    if root.is_file():
        return ArchiveNotFound(
            _("{given_as} 指向的 {path} 是文件，不是档案文件夹", given_as=given_as, path=root),
            _("{given_as} 应指向含有 credit.toml 的文件夹", given_as=given_as),
        )
    if given_as == "CREDIT_ARCHIVE":
        return ArchiveNotFound(
            _("环境变量 CREDIT_ARCHIVE 指向的 {path} 不是档案文件夹", path=root),
            _("改正 CREDIT_ARCHIVE，或运行 credit init {path} 新建档案", path=root),
        )
    return ArchiveNotFound(
        _("{path} 不是档案文件夹（其中没有 credit.toml）", path=root),
        _("检查 --archive 的路径，或运行 credit init {path} 新建档案", path=root),
    )


def find_archive(explicit: Path | str | None = None, start: Path | None = None) -> tuple[Path, str]:
    """The archive folder and how it was found (``flag``, ``env`` or ``search``).

    One rule however the folder was named: a path that is not an archive folder (missing, a
    file, a folder without credit.toml) is :class:`ArchiveNotFound`, exit 4.
    """
    if explicit:
        root = Path(explicit).expanduser()
        if not (root / SETTINGS_FILE).is_file():
            raise _not_a_folder(root, "--archive")
        return root.resolve(), SOURCE_FLAG
    env = os.environ.get("CREDIT_ARCHIVE")
    if env:
        root = Path(env).expanduser()
        if not (root / SETTINGS_FILE).is_file():
            raise _not_a_folder(root, "CREDIT_ARCHIVE")
        return root.resolve(), SOURCE_ENV
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder, "search"
    raise ArchiveNotFound(
        _("在当前文件夹及其上级中找不到档案（credit.toml）"),
        _("先运行 credit init 档案文件夹 新建档案，或用 --archive 指定，或设置 CREDIT_ARCHIVE"),
    )


def default_actor() -> str:
    """Who makes a change when ``--by`` is not given: ``CREDIT_USER``, else the OS user."""
    raw = os.environ.get("CREDIT_USER")
    if raw:
        from archive.validation import check_text

        try:
            return check_text(raw, what="CREDIT_USER")
        except UsageError as exc:
            raise UsageError(
                _("环境变量 {name} 的值 {value!r} 无效", name="CREDIT_USER", value=raw),
                _("写上操作人的姓名，或删除这个环境变量（将用系统用户名）"),
            ) from exc
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def describe_settings(
    settings: Settings, *, found_by: str, actor: str | None = None
) -> list[dict[str, Any]]:
    """Every effective setting with its source, for ``credit config``.

    ``found_by`` says how the archive folder was found: ``flag``, ``env`` or ``search``.
    """
    from archive.i18n import get_language

    origin = "CREDIT_ARCHIVE" if found_by == SOURCE_ENV else None
    rows: list[dict[str, Any]] = [
        {"key": "archive", "value": str(settings.root), "source": found_by, "origin": origin}
    ]
    for setting in settings.values.values():
        rows.append(
            {
                "key": setting.key,
                "value": setting.value,
                "source": setting.source,
                "origin": setting.origin,
            }
        )
    if actor:
        rows.append({"key": "actor", "value": actor, "source": SOURCE_FLAG, "origin": None})
    elif os.environ.get("CREDIT_USER"):
        rows.append(
            {
                "key": "actor",
                "value": os.environ["CREDIT_USER"],
                "source": SOURCE_ENV,
                "origin": "CREDIT_USER",
            }
        )
    else:
        rows.append(
            {"key": "actor", "value": default_actor(), "source": SOURCE_DEFAULT, "origin": None}
        )
    language_source = SOURCE_ENV if os.environ.get("CREDIT_LANG") else SOURCE_DEFAULT
    rows.append(
        {"key": "language", "value": get_language(), "source": language_source, "origin": None}
    )
    return rows
