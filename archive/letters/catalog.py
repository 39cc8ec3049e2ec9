"""The shipped letter, notice and form templates, as data.

Every template is a .docx in ``templates/`` (built by ``python -m templates.build``) with
docxtpl/Jinja tags.  Each one uses the common variables (``COMMON_VARIABLES``), the addressee
-- ``enterprise`` (an object with ``name``, ``credit_code``, ``legal_representative``,
``address``, ``industry``, ``section``, ``town``) or, for the bureau's own sections, the
string ``section`` -- and the variables listed in its entry.

The forms (诚信履行情况报告表, 资料报送单) come back filled in and are read by ingest: their
labels (``FORM_LABELS``) are fixed Chinese document text, one label cell and one value cell
per table row, and are deliberately *not* translated.

>>> from archive.i18n import set_language
>>> set_language("zh")
>>> info = get_template_info("commitment_unit")
>>> info.title, info.category, info.level
('安全生产承诺书（单位）', 'commitment', 'unit')
>>> get_template_info(LEVELS["post"]).title
'安全生产双向承诺书（岗位）'
>>> get_template_info("notice_interview").variables
('interview_time', 'interview_place', 'attendees', 'topics', 'materials')
>>> required_variables("notice_monthly_reminder_section")
('bureau', 'county', 'serial', 'year', 'issue_date', 'section', 'period', 'missing', 'deadline')
>>> get_template_info("notice_nonexistent")  # doctest: +ELLIPSIS
Traceback (most recent call last):
    ...
archive.errors.UsageError: 没有名为“notice_nonexistent”的模板。已有模板：commitment_unit、...
"""

from __future__ import annotations

from dataclasses import dataclass

from archive.errors import UsageError
from archive.i18n import N_, _, join_items

COMMON_VARIABLES: tuple[str, ...] = ("bureau", "county", "serial", "year", "issue_date")
"""Variables every template may use: issuing bureau, county, serial, year, formatted date."""

ENTERPRISE_FIELDS: tuple[str, ...] = (
    "name",
    "credit_code",
    "legal_representative",
    "address",
    "industry",
    "section",
    "town",
)
"""Attributes of the ``enterprise`` object templates may use."""

CATEGORIES: tuple[str, ...] = ("commitment", "notice", "form")
ADDRESSEES: tuple[str, ...] = ("enterprise", "section")


@dataclass(frozen=True)
class TemplateInfo:
    """One shipped template: what it is, to whom it goes and which variables it needs."""

    name: str
    title: str
    category: str
    addressee: str
    level: str | None
    variables: tuple[str, ...]
    description: str

    @property
    def filename(self) -> str:
        return f"{self.name}.docx"


def _info(
    name: str,
    title: str,
    category: str,
    description: str,
    variables: tuple[str, ...] = (),
    *,
    addressee: str = "enterprise",
    level: str | None = None,
) -> TemplateInfo:
    return TemplateInfo(
        name=name,
        title=title,
        category=category,
        addressee=addressee,
        level=level,
        variables=variables,
        description=description,
    )


_ENTRIES: tuple[TemplateInfo, ...] = (
    # Commitment letters (承诺书): yearly, four levels, two-way below the unit.
    _info(
        "commitment_unit",
        N_("安全生产承诺书（单位）"),
        "commitment",
        N_("单位向应急管理局、社会和全体员工作出的年度安全生产承诺，含实施方案规定的五项承诺"),
        level="unit",
    ),
    _info(
        "commitment_workshop",
        N_("安全生产双向承诺书（车间/部门）"),
        "commitment",
        N_("车间（部门）负责人向单位主要负责人承诺，单位向车间（部门）作出保障承诺"),
        level="workshop",
    ),
    _info(
        "commitment_team",
        N_("安全生产双向承诺书（班组）"),
        "commitment",
        N_("班组长向车间（部门）承诺，车间（部门）向班组作出保障承诺"),
        level="team",
    ),
    _info(
        "commitment_post",
        N_("安全生产双向承诺书（岗位）"),
        "commitment",
        N_("岗位员工向班组承诺（三不伤害、作业许可、劳动防护、持证上岗），班组向员工作出保障承诺"),
        level="post",
    ),
    # Notices (告知书、通知书).
    _info(
        "notice_bad_record",
        N_("安全生产不良信用记录告知书"),
        "notice",
        N_("告知单位拟列入安全生产不良信用记录的事实、证据和所依据的情形"),
        ("criterion", "criterion_text", "facts", "evidence", "record_basis"),
    ),
    _info(
        "notice_blacklist",
        N_("黑名单（严重失信主体名单）列入告知书"),
        "notice",
        N_("告知拟列入黑名单的事实、依据、证据、管理期限，以及陈述申辩的权利和期限"),
        (
            "basis",
            "steps",
            "criterion",
            "criterion_text",
            "facts",
            "evidence",
            "term_years",
            "start_date",
            "end_date",
            "statement_deadline",
        ),
    ),
    _info(
        "notice_blacklist_removal",
        N_("黑名单移出（信用修复）通知书"),
        "notice",
        N_("通知单位已移出黑名单：列入日期、移出日期和理由"),
        ("listed_on", "removed_on", "reason"),
    ),
    _info(
        "notice_interview",
        N_("约谈通知书"),
        "notice",
        N_("通知单位负责人接受约谈：时间、地点、参加人员、约谈内容和需携带的材料"),
        ("interview_time", "interview_place", "attendees", "topics", "materials"),
    ),
    _info(
        "notice_rectification_overdue",
        N_("整改逾期催告书"),
        "notice",
        N_("整改期限已过仍未整改：列明指令书文号、存在问题、原整改期限和新的期限"),
        ("order_number", "problems", "original_deadline", "new_deadline"),
    ),
    _info(
        "notice_monthly_reminder_enterprise",
        N_("月度资料催报通知（企业）"),
        "notice",
        N_("催促单位报送当月安全生产诚信履行情况报告及所缺资料"),
        ("period", "missing", "deadline"),
    ),
    _info(
        "notice_monthly_reminder_section",
        N_("月度资料催报通知（股室）"),
        "notice",
        N_("催促股室（大队）于月底前向政策法规股报送当月诚信体系建设资料"),
        ("section", "period", "missing", "deadline"),
        addressee="section",
    ),
    # Forms sent out and read back by ingest.
    _info(
        "form_monthly_report",
        N_("安全生产诚信履行情况报告表"),
        "form",
        N_("单位按月填报的七个方面诚信履行情况，填好后交回归档"),
        ("period",),
    ),
    _info(
        "form_section_submission",
        N_("安全生产诚信体系建设资料报送单"),
        "form",
        N_("股室（大队）每月向政策法规股报送资料时填写的清单"),
        ("section", "period"),
        addressee="section",
    ),
    # The bureau's own report (credit report): the month's figures, the late sections named.
    _info(
        "report_monthly",
        N_("安全生产诚信体系建设情况通报"),
        "report",
        N_("每月通报承诺书、月度报送完整率、逾期事项、不良记录和黑名单，点名报送不及时的股室"),
        ("section", "period", "paragraphs", "rows"),
        addressee="section",
    ),
)

TEMPLATES: dict[str, TemplateInfo] = {entry.name: entry for entry in _ENTRIES}
"""All shipped templates by name, in order: commitments, notices, forms."""

LEVELS: dict[str, str] = {
    "unit": "commitment_unit",
    "workshop": "commitment_workshop",
    "team": "commitment_team",
    "post": "commitment_post",
}
"""Commitment level → template name."""

# The programme's seven reporting topics (实施方案 三（四）), in its order.  Document text:
# the monthly report form prints them as row labels and ingest matches them exactly.
MONTHLY_REPORT_TOPICS: tuple[str, ...] = (
    "落实安全生产责任和管理制度",
    "安全投入",
    "安全培训",
    "安全生产标准化建设",
    "安全生产风险分级管控和隐患排查治理双重预防体系建设",
    "职业病防治",
    "应急管理",
)

SECTION_SUBMISSION_COLUMNS: tuple[str, ...] = ("序号", "资料名称", "份数", "备注")
"""Header of the item table on the 资料报送单."""

SECTION_SUBMISSION_ROWS = 8
"""Empty item rows printed on the 资料报送单."""

FORM_LABELS: dict[str, tuple[str, ...]] = {
    "form_monthly_report": (
        "单位名称",
        "统一社会信用代码",
        "报告期间",
        *MONTHLY_REPORT_TOPICS,
        "填报人",
        "联系电话",
        "单位负责人（签字）",
        "日期",
    ),
    "form_section_submission": (
        "报送股室（大队）",
        "报送月份",
        "报送人",
        "接收人（政策法规股）",
        "日期",
    ),
}
"""Label cells of each form's label/value rows, in document order (document text)."""


def get_template_info(name: str) -> TemplateInfo:
    """The catalog entry of template ``name``; ``UsageError`` (a mistyped name) if none."""
    try:
        return TEMPLATES[name]
    except KeyError:
        raise UsageError(
            _(
                "没有名为“{name}”的模板。已有模板：{known}",
                name=name,
                known=join_items(TEMPLATES),
            ),
            _("运行 credit template list 查看全部模板及其用途"),
        ) from None


def required_variables(name: str) -> tuple[str, ...]:
    """Every variable template ``name`` needs: the common ones, then its own."""
    info = get_template_info(name)
    extra = ("enterprise",) if info.addressee == "enterprise" else ()
    return (*COMMON_VARIABLES, *extra, *info.variables)


# -- the signature block of the letters that come back signed ---------------------------------

SIGNATURE_BLOCKS: dict[str, tuple[tuple[str, ...], ...]] = {
    "commitment_unit": (("单位（盖章）：", "法定代表人（签字）："),),
    "commitment_workshop": (
        ("车间（部门）负责人（签字）：",),
        ("单位主要负责人（签字）：", "单位（盖章）："),
    ),
    "commitment_team": (("班组长（签字）：",), ("车间（部门）负责人（签字）：",)),
    "commitment_post": (("岗位员工（签字）：",), ("班组长（签字）：",)),
}
"""The signature blocks of each template whose returned copy must be signed: the label lines of
each block (document text, not translated), each block followed by the line ``DATE_LINE``.
A label ending ``（签字）：`` wants a handwritten signature after it, ``（盖章）：`` a seal."""

DATE_LINE = "日期：　　　　年　　月　　日"
"""The date line under every signature block: blanks for the year, month and day."""

# Where the block and its QR code sit (GB/T 9704 page, body 16 pt condensed to 15.75 pt a
# character, exact 28.95 pt lines): the labels start SIGNATURE_INDENT_CHARS characters from the
# left margin; the QR code (SIGNATURE_QR_MM square, quiet zone included) floats with its left
# edge SIGNATURE_QR_LEFT_MM from the margin and its top at the top of the block's first line.
# One empty line separates two blocks.  templates/build.py lays the blocks out from these
# numbers; parsers/scan/signature.py finds the areas on a scan from them.
SIGNATURE_INDENT_CHARS = 10
SIGNATURE_QR_LEFT_MM = 30.0
SIGNATURE_QR_MM = 20.0
BODY_CHAR_MM = 15.75 * 25.4 / 72  # one condensed body character
BODY_INDENT_CHAR_MM = 16 * 25.4 / 72  # Word counts indents in uncondensed characters
BODY_LINE_MM = 28.95 * 25.4 / 72
TEXT_WIDTH_MM = 156.0
