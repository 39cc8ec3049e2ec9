"""``credit report``: the month's report to the leadership (实施方案 四（三） 通报).

Read only.  Every figure comes from the functions the commands print: completeness from
:func:`archive.monthly.check`, overdue items from :func:`archive.overdue.overdue`, the blacklist
from :func:`archive.blacklist_summary.summary`, records from :func:`archive.records.list_records`
and commitments from the letters the archive issued and got back.  Nothing is derived twice, so
the report says what ``monthly-check``, ``overdue`` and ``blacklist summary`` say for the same
month and as-of date.

Outputs: :func:`figures` (the JSON), :func:`write_xlsx` (a sheet per topic, a bar chart of
completeness per section, A4 landscape with the title row repeated) and :func:`write_docx`
(the 通报: prose, a table, the sections that were late named).
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from archive.errors import CreditError, UsageError
from archive.i18n import N_, _
from archive.store import Archive

LATE_STATUSES = ("late", "incomplete", "missing")  # a section's submission that was not on time
COMMITMENT_KEYS = ("issued", "returned", "signed")


def _in_month(value: Any, month: str, as_of: date) -> bool:
    text = str(value or "")[:10]
    return bool(text) and text[:7] == month and text <= as_of.isoformat()


def _commitments(archive: Archive, month: str, as_of: date) -> list[dict[str, Any]]:
    """Commitment letters issued, returned and returned signed in ``month`` up to ``as_of``,
    by industry of the enterprise (own-template commitments count as returned), then all."""
    from archive.letters.issue import LETTERS_TABLE
    from archive.letters.returns import COMMITMENTS

    index = archive.index()
    enterprises = index.table("enterprises")
    counts: dict[str, dict[str, int]] = {}

    def add(code: Any, key: str) -> None:
        industry = (enterprises.record(str(code or "")) or {}).get("industry") or ""
        counts.setdefault(industry, dict.fromkeys(COMMITMENT_KEYS, 0))[key] += 1

    letters = index.table(LETTERS_TABLE)
    for serial in letters.ids():
        letter = letters.record(serial) or {}
        if letter.get("category") != "commitment":
            continue
        if _in_month(letter.get("issue_date"), month, as_of):
            add(letter.get("credit_code"), "issued")
        if letter.get("status") == "returned" and _in_month(
            letter.get("returned_at"), month, as_of
        ):
            add(letter.get("credit_code"), "returned")
            if letter.get("signed"):
                add(letter.get("credit_code"), "signed")
    own = index.table(COMMITMENTS)
    for key in own.ids():
        row = own.record(key) or {}
        if _in_month(row.get("returned_at"), month, as_of):
            add(row.get("credit_code"), "returned")
            if row.get("signed"):
                add(row.get("credit_code"), "signed")
    rows = [{"by": "industry", "industry": k, **v} for k, v in sorted(counts.items())]
    total = {key: sum(row[key] for row in rows) for key in COMMITMENT_KEYS}
    rows.append({"by": "all", "industry": None, **total})
    return rows


def _records(archive: Archive, month: str, as_of: date) -> dict[str, Any]:
    from archive.records import list_records

    proposed, confirmed = [], []
    for row in list_records(archive):
        if _in_month(row.get("proposed_at"), month, as_of):
            proposed.append(row)
        if row.get("status") == "confirmed" and _in_month(row.get("decided_at"), month, as_of):
            confirmed.append(row)
    keys = ("id", "credit_code", "criterion", "status", "date", "proposed_at", "decided_at")
    return {
        "proposed": len(proposed),
        "confirmed": len(confirmed),
        "proposed_rows": [{k: row.get(k) for k in keys} for row in proposed],
        "confirmed_rows": [{k: row.get(k) for k in keys} for row in confirmed],
    }


def figures(
    archive: Archive, month: str | None, as_of: date, *, require_due: bool = True
) -> dict[str, Any]:
    """The month's figures: ``{month, as_of, commitments, monthly, overdue, records,
    blacklist}``; ``monthly.totals``, ``overdue.totals``/``counts`` and ``blacklist.counts`` are
    those of ``monthly-check --json``, ``overdue --json`` and ``blacklist summary --json``."""
    from archive.blacklist_summary import summary
    from archive.monthly import check
    from archive.overdue import overdue

    checked = check(archive, month, as_of)  # validates the month against the archive and as_of
    month = checked.month
    waiting = sum(1 for row in checked.rows if row["status"] == "not_due")
    if waiting and require_due:
        # a 通报 of figures not yet due would call every on-time enterprise a gap
        raise UsageError(
            _(
                "{month} 还有 {count} 项未到报送截止日（截至 {as_of}），通报须在截止日过后出具",
                month=month,
                count=waiting,
                as_of=as_of.isoformat(),
            ),
            _("用 --as-of 指定截止日之后的日期，或不写 --month（默认为截止日已过的最近一个月）"),
        )
    late = [
        {"section": row["section"], "status": row["status"], "days_late": row.get("days_late")}
        for row in checked.rows
        if row["kind"] == "section" and row["status"] in LATE_STATUSES
    ]
    found = overdue(archive, as_of)
    listed = summary(archive, as_of)
    return {
        "month": month,
        "as_of": as_of.isoformat(),
        "commitments": _commitments(archive, month, as_of),
        "monthly": {"totals": checked.totals, "late_sections": late},
        "overdue": {
            "counts": dict(sorted(found.counts().items())),
            "totals": found.totals(),
            "rows": found.rows,
        },
        "records": _records(archive, month, as_of),
        "blacklist": {
            "counts": listed["counts"],
            "entering": listed["entering"],
            "leaving": listed["leaving"],
        },
    }


def _all(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return next(row for row in rows if row["by"] == "all")


def completeness(total: dict[str, Any]) -> float | None:
    """Share of owed items sent complete (on time or late), in per cent, one decimal; ``None``
    where nothing was owed (a section that owes nothing is not 0 % complete)."""
    owed = total.get("owed") or 0
    done = (total.get("on_time") or 0) + (total.get("late") or 0)
    return round(100 * done / owed, 1) if owed else None


def rate_text(total: dict[str, Any]) -> str:
    """The completeness as the 通报 writes it: ``94.0``, or ``—`` where nothing was owed."""
    rate = completeness(total)
    return "—" if rate is None else f"{rate:.1f}"


# -- the workbook ------------------------------------------------------------------------------

COMMITMENT_COLUMNS = [
    ("industry", N_("行业")),
    ("issued", N_("发放")),
    ("returned", N_("收回")),
    ("signed", N_("已签字")),
]
MONTHLY_COLUMNS = [
    ("by_label", N_("分组")),
    ("name", N_("名称")),
    ("owed", N_("应报")),
    ("on_time", N_("按时")),
    ("late", N_("逾期提交")),
    ("incomplete", N_("不完整")),
    ("missing", N_("未提交")),
    ("completeness", N_("完整率（%）")),
]
OVERDUE_COLUMNS = [
    ("section", N_("负责股室")),
    ("what_label", N_("事项")),
    ("credit_code", N_("统一社会信用代码")),
    ("name", N_("单位名称")),
    ("since", N_("应办日期")),
    ("days_overdue", N_("逾期天数")),
    ("detail", N_("说明")),
]
RECORD_COLUMNS = [
    ("what", N_("类别")),
    ("id", N_("编号")),
    ("credit_code", N_("统一社会信用代码")),
    ("criterion", N_("情形")),
    ("status", N_("状态")),
    ("date", N_("日期")),
]
BLACKLIST_COLUMNS = [
    ("what", N_("类别")),
    ("id", N_("编号")),
    ("credit_code", N_("统一社会信用代码")),
    ("name", N_("单位名称")),
    ("industry", N_("行业")),
    ("listed_on", N_("列入日期")),
    ("removed_on", N_("移出日期")),
    ("ends_on", N_("届满日期")),
]
BY_LABELS = {"section": N_("负责股室"), "industry": N_("行业"), "all": N_("合计")}


def _monthly_rows(found: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            **total,
            "by_label": _(BY_LABELS[total["by"]]),
            "name": total["name"] if total["by"] != "all" else _("合计"),
            "completeness": completeness(total),
        }
        for total in found["monthly"]["totals"]
    ]


def _sheets(found: dict[str, Any]) -> list[Any]:
    from archive.overdue import WHAT_LABELS
    from archive.xlsx import Sheet

    def labelled(columns: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(key, _(label)) for key, label in columns]

    commitments = [
        {**row, "industry": row["industry"] if row["by"] != "all" else _("合计")}
        for row in found["commitments"]
    ]
    overdue_rows = [
        {**row, "what_label": _(WHAT_LABELS.get(row["what"], row["what"]))}
        for row in found["overdue"]["rows"]
    ]
    records = found["records"]
    record_rows = [{**row, "what": _("本月拟认定")} for row in records["proposed_rows"]] + [
        {**row, "what": _("本月已确认")} for row in records["confirmed_rows"]
    ]
    listed = found["blacklist"]
    blacklist_rows = [{**row, "what": _("本月列入")} for row in listed["entering"]] + [
        {**row, "what": _("本月移出或期满")} for row in listed["leaving"]
    ]
    return [
        Sheet(_("承诺书"), labelled(COMMITMENT_COLUMNS), commitments),
        Sheet(_("月度报送完整率"), labelled(MONTHLY_COLUMNS), _monthly_rows(found)),
        Sheet(_("逾期事项"), labelled(OVERDUE_COLUMNS), overdue_rows),
        Sheet(_("不良记录"), labelled(RECORD_COLUMNS), record_rows),
        Sheet(_("黑名单"), labelled(BLACKLIST_COLUMNS), blacklist_rows),
    ]


def workbook_bytes(found: dict[str, Any]) -> bytes:
    """The report's .xlsx: a sheet per topic, each printed A4 landscape with its header row
    repeated and carrying a bar chart of completeness per section."""
    from openpyxl import load_workbook
    from openpyxl.chart import BarChart, Reference

    from archive import xlsx

    book = load_workbook(io.BytesIO(xlsx.workbook_bytes(_sheets(found))))
    monthly = book.worksheets[1]
    sections = [
        at
        for at, total in enumerate(found["monthly"]["totals"], start=2)
        if total["by"] == "section"
    ]
    value_column = [key for key, _label in MONTHLY_COLUMNS].index("completeness") + 1
    for ws in book.worksheets:
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "1:1"
        chart = BarChart()
        chart.type = "col"
        chart.title = _("{month} 各股室月度报送完整率（%）", month=found["month"])
        chart.y_axis.title = "%"
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 100
        chart.legend = None
        if sections:
            first, last = sections[0], sections[-1]
            chart.add_data(
                Reference(monthly, min_col=value_column, min_row=first, max_row=last),
                titles_from_data=False,
            )
            chart.set_categories(Reference(monthly, min_col=2, min_row=first, max_row=last))
        anchor_column = ws.max_column + 2
        from openpyxl.utils import get_column_letter

        ws.add_chart(chart, f"{get_column_letter(anchor_column)}2")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_xlsx(found: dict[str, Any], path: Path) -> Path:
    from archive.fsutil import atomic_write

    atomic_write(path, workbook_bytes(found))
    return path


# -- the 通报 ------------------------------------------------------------------------------------

DOCX_HEADER = (
    N_("负责股室"),
    N_("应报"),
    N_("按时"),
    N_("逾期提交"),
    N_("不完整"),
    N_("未提交"),
    N_("完整率（%）"),
)


def docx_table_rows(found: dict[str, Any]) -> list[list[str]]:
    """The 通报's table: a row per section and the total (the numbers of monthly-check)."""
    rows = []
    for total in found["monthly"]["totals"]:
        if total["by"] == "industry":
            continue
        name = total["name"] if total["by"] == "section" else _("合计")
        rows.append(
            [
                name or _("未分股室"),
                *(str(total[key]) for key in ("owed", "on_time", "late", "incomplete", "missing")),
                rate_text(total),
            ]
        )
    return rows


def prose(found: dict[str, Any]) -> list[str]:
    """The 通报's paragraphs: the month's figures in words, then the late sections named."""
    year, month = found["month"].split("-")
    everything = _all(found["monthly"]["totals"])
    commitments = _all(found["commitments"])
    lines = [
        _(
            "截至 {as_of}，{year}年{month}月应报送月度资料 {owed} 项，按时 {on_time} 项，"
            "逾期提交 {late} 项，不完整 {incomplete} 项，未提交 {missing} 项，完整率 {rate}%。",
            as_of=found["as_of"],
            year=year,
            month=int(month),
            owed=everything["owed"],
            on_time=everything["on_time"],
            late=everything["late"],
            incomplete=everything["incomplete"],
            missing=everything["missing"],
            rate=rate_text(everything),
        ),
        _(
            "本月发放安全生产承诺书 {issued} 份，收回 {returned} 份，其中已签字 {signed} 份；"
            "拟认定不良记录 {proposed} 条，确认 {confirmed} 条；黑名单列入 {entering} 家，"
            "移出或期满 {leaving} 家，在列 {current} 家；逾期未办事项 {overdue} 项。",
            issued=commitments["issued"],
            returned=commitments["returned"],
            signed=commitments["signed"],
            proposed=found["records"]["proposed"],
            confirmed=found["records"]["confirmed"],
            entering=found["blacklist"]["counts"]["entering"],
            leaving=found["blacklist"]["counts"]["leaving"],
            current=found["blacklist"]["counts"]["current"],
            overdue=found["overdue"]["counts"].get("overdue", 0),
        ),
    ]
    late = found["monthly"]["late_sections"]
    if late:
        lines.append(
            _(
                "根据实施方案第四部分第（三）项，下列股室（大队）本月资料报送不及时，予以通报："
                "{sections}。请于收到本通报后及时补报。",
                sections="、".join(row["section"] for row in late),
            )
        )
    else:
        lines.append(_("本月各股室（大队）均按时报送了诚信体系建设资料。"))
    return lines


def report_serial(month: str) -> str:
    """The 通报's number, from its month (the same month gives the same number)."""
    year, number = month.split("-")
    return _("诚信通报〔{year}〕{number}号", year=year, number=int(number))


def docx_bytes(archive: Archive, found: dict[str, Any]) -> bytes:
    """The 通报 as .docx from template ``report_monthly`` (the archive's own copy in its
    templates/ folder, else the shipped one): prose, the completeness table, the late sections."""
    from archive.letters.issue import format_date, resolve_template
    from archive.letters.render import compile_template

    path, _source = resolve_template(archive, "report_monthly")
    compiled = compile_template(path, name="report_monthly")
    year, month = found["month"].split("-")
    rows = [dict(zip(ROW_KEYS, values, strict=True)) for values in docx_table_rows(found)]
    as_of = date.fromisoformat(found["as_of"])
    context = {
        "bureau": str(archive.settings["bureau.name"]),
        "county": str(archive.settings["bureau.county"]),
        "year": int(year),
        "issue_date": format_date(as_of),
        "section": _("各股室（大队）"),
        "period": _("{year}年{month}月", year=year, month=int(month)),
        "paragraphs": prose(found),
        "rows": rows,
    }
    serial = report_serial(found["month"])
    return compiled.render(context, serial=serial, credit_code=None)


ROW_KEYS = ("section", "owed", "on_time", "late", "incomplete", "missing", "rate")


def write_report(
    archive: Archive, month: str | None, as_of: date, out_dir: Path, *, pdf: bool = False
) -> dict[str, Any]:
    """Write ``<month>-report.xlsx`` and ``.docx`` (and the PDF) into ``out_dir``; return the
    figures with ``files`` (paths written) and ``pdf_skipped`` (the reason, when soffice is
    missing)."""
    from archive.fsutil import atomic_write

    found = figures(archive, month, as_of)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CreditError(_("无法创建文件夹 {path}：{error}", path=out_dir, error=exc)) from exc
    stem = _("{month} 诚信体系建设月报", month=found["month"])
    xlsx_path = write_xlsx(found, out_dir / f"{stem}.xlsx")
    docx_path = out_dir / f"{stem}.docx"
    atomic_write(docx_path, docx_bytes(archive, found))
    files = [str(xlsx_path), str(docx_path)]
    skipped = None
    if pdf:
        from archive.letters.issue import convert_to_pdf, find_soffice

        try:
            soffice = find_soffice(archive)
        except CreditError as exc:
            skipped = f"{exc.message} {exc.hint or ''}".strip()
        else:
            files.append(str(convert_to_pdf(soffice, docx_path)))
    return {**found, "files": files, "pdf_skipped": skipped}
