"""credit enterprise add / import / list / show / update / close / reopen"""

from __future__ import annotations

from pathlib import Path

import click

from archive.i18n import N_, _, join_items
from cli.base import Command, DateType, Group, get_env, option
from cli.output import info, output_options, render_object, render_rows, short_time, warn

LIST_COLUMNS = [
    ("credit_code", N_("统一社会信用代码")),
    ("name", N_("单位名称")),
    ("industry", N_("行业")),
    ("section", N_("负责股室")),
    ("town", N_("所属乡镇")),
    ("legal_representative", N_("法定代表人")),
    ("status_label", N_("状态")),
]
IMPORT_ROWS_SHOWN = 50  # a 10,000-row table helps nobody and takes seconds to print
SHOW_FIELDS = [
    ("credit_code", N_("统一社会信用代码")),
    ("name", N_("单位名称")),
    ("industry", N_("行业")),
    ("section", N_("负责股室")),
    ("town", N_("所属乡镇")),
    ("legal_representative", N_("法定代表人")),
    ("phone", N_("联系电话")),
    ("address", N_("地址")),
    ("status_label", N_("状态")),
    ("since", N_("纳入监管日期")),
    ("closed_on", N_("注销日期")),
    ("close_reason", N_("注销原因")),
    ("created_at", N_("登记时间")),
    ("updated_at", N_("最近修改")),
    ("code_warnings_text", N_("代码提醒")),
]


def _field_options(function):
    for flag, key, label in reversed(
        [
            ("--name", "name", "单位名称"),
            ("--industry", "industry", "行业"),
            ("--section", "section", "负责股室"),
            ("--legal-representative", "legal_representative", "法定代表人"),
            ("--phone", "phone", "联系电话"),
            ("--address", "address", "地址"),
            ("--town", "town", "所属乡镇"),
        ]
    ):
        function = option(flag, key, metavar="TEXT", help=label + "。")(function)
    return option(
        "--since",
        "since",
        type=DateType(),
        metavar="YYYY-MM-DD",
        help="纳入监管日期：从该日起的第一个整月起应按月报送（不写则从档案起始月份起）。",
    )(function)


def _dated(fields: dict) -> dict:
    """The fields with ``--since`` as an ISO date."""
    since = fields.get("since")
    return {**fields, "since": since.date().isoformat() if since is not None else None}


def _with_status(record: dict) -> dict:
    from archive.enterprises import STATUS_LABELS

    row = dict(record)
    row["status_label"] = _(STATUS_LABELS.get(record.get("status", ""), record.get("status", "")))
    return row


@click.group(cls=Group)
def enterprise() -> None:
    """企业名册：登记、导入、查询、修改、注销。

    \b
    示例：
      credit enterprise import 名册.xlsx --dry-run
      credit enterprise list --industry 危险化学品 --town 塔峰镇
      credit enterprise show 91431127MA4L8R2K77
    """


@enterprise.command(cls=Command)
@click.argument("code")
@_field_options
def add(code: str, **fields: str | None) -> None:
    """登记一家单位（统一社会信用代码 + 名称必填）。

    \b
    示例：
      credit enterprise add 91431127MA4L8R2K77 --name 蓝山县某某矿业有限公司 \\
          --industry 非煤矿山 --section 非煤矿山股 --town 塔峰镇 --since 2026-03-16
    """
    from archive.enterprises import add_enterprise

    env = get_env()
    archive = env.open_archive()
    record = add_enterprise(archive, {"credit_code": code, **_dated(fields)})
    info(env, _("已登记：{code} {name}", code=record["credit_code"], name=record["name"]))
    for reason in record.get("code_warnings", []):
        warn(env, _code_warning_text(reason))


def _code_warning_text(reason: str) -> str:
    texts = {
        "unknown_category": _("代码第1–2位的登记管理部门和机构类别组合不常见，请核对"),
        "organisation_code_check": _("代码第9–17位（组织机构代码）的校验位不符，请核对营业执照"),
    }
    return texts.get(reason, reason)


@enterprise.command(name="import", cls=Command)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@option("--dry-run", is_flag=True, help="只检查并显示将要做的改动，不写入档案。")
@option("--json", "as_json", is_flag=True, help="以 JSON 输出逐行结果。")
def import_(file: Path, dry_run: bool, as_json: bool) -> None:
    """从名册文件（.xlsx 或 .csv）导入企业：要么全部导入，要么一行不动。

    表头可用中文（单位名称、统一社会信用代码、行业、负责股室/监管股室、法定代表人、联系电话、
    地址、所属乡镇）。CSV 可为 UTF-8、带 BOM 的 UTF-8 或 GBK。有任何一行出错则不导入，
    并逐行列出问题（退出码 3）。同一名册导入两次不会重复登记；变动的行记为修改。

    \b
    示例：
      credit enterprise import 名册.xlsx --dry-run
      credit enterprise import 名册.csv
    """
    from archive.enterprises import ImportFailed, import_roster

    env = get_env()
    archive = env.open_archive()
    report = import_roster(archive, file, dry_run=dry_run)
    if report.mapping:
        mapping = _("，").join(
            f"{header}→{_(_label(key))}" for key, header in report.mapping.items()
        )
        info(env, _("表头对应：{mapping}", mapping=mapping))
    if report.ignored_columns:
        info(env, _("未使用的列：{columns}", columns=join_items(report.ignored_columns)))
    if as_json:
        from dataclasses import asdict

        from cli.output import dumps

        payload = {
            "path": str(report.path),
            "ok": report.ok,
            "dry_run": report.dry_run,
            "committed": report.committed,
            "mapping": report.mapping,
            "counts": {a: report.count(a) for a in ("add", "update", "unchanged", "error")},
            "problems": report.problems,
            "rows": [asdict(row) for row in report.rows],
        }
        click.echo(dumps(payload), file=env.stdout)
    else:
        _print_import(env, report)
    if not report.ok:
        raise ImportFailed(
            _(
                "名册 {path} 有 {count} 处问题，未导入任何一行",
                path=file,
                count=len(report.problems),
            ),
            _("按上面列出的行和列改正名册后重新导入；可先加 --dry-run 检查"),
            exit_code=report.exit_code,
        )
    counts = {a: report.count(a) for a in ("add", "update", "unchanged")}
    if dry_run:
        info(
            env,
            _(
                "试运行：将新增 {add} 家，修改 {update} 家，{unchanged} 家无变化；未写入档案。",
                **counts,
            ),
        )
    else:
        info(env, _("已导入：新增 {add} 家，修改 {update} 家，{unchanged} 家无变化。", **counts))


def _label(key: str) -> str:
    from archive.enterprises import FIELD_LABELS

    return FIELD_LABELS.get(key, key)


def _print_import(env, report) -> None:
    if report.problems:
        rows = [
            {
                "row": problem.get("row") or "",
                "column": problem.get("column") or "",
                "message": problem["message"]
                + (
                    _("（是否应为 {code}？）", code=problem["suggestion"])
                    if problem.get("suggestion")
                    else ""
                ),
            }
            for problem in report.problems
        ]
        render_rows(
            env,
            rows,
            [("row", N_("行")), ("column", N_("列")), ("message", N_("问题"))],
            "table",
            title=_("名册问题"),
        )
        return
    changed = [row for row in report.rows if row.action in ("add", "update")]
    shown = changed[:IMPORT_ROWS_SHOWN]
    if changed:
        action_names = {"add": _("新增"), "update": _("修改")}
        rows = [
            {
                "row": row.row,
                "action": action_names[row.action],
                "credit_code": row.credit_code,
                "name": row.name,
                "changes": _("；").join(
                    _(
                        "{field}：{old} → {new}",
                        field=_(_label(k)),
                        old=v["old"] or "—",
                        new=v["new"],
                    )
                    for k, v in row.changes.items()
                ),
            }
            for row in shown
        ]
        columns = [
            ("row", N_("行")),
            ("action", N_("操作")),
            ("credit_code", N_("统一社会信用代码")),
            ("name", N_("单位名称")),
            ("changes", N_("改动")),
        ]
        render_rows(env, rows, columns, "table")
        if len(changed) > len(shown):
            info(
                env,
                _(
                    "……另有 {count} 行改动未列出（用 --json 查看全部）",
                    count=len(changed) - len(shown),
                ),
            )


@enterprise.command(name="list", cls=Command)
@option("--industry", metavar="INDUSTRY", help="只列这个行业。")
@option("--section", metavar="SECTION", help="只列这个股室负责的单位。")
@option("--town", metavar="TOWN", help="只列这个乡镇的单位。")
@option(
    "--status",
    type=click.Choice(["active", "closed", "all"]),
    default="active",
    show_default=True,
    help="在册（active）、已注销（closed）或全部（all）。",
)
@option("--search", metavar="TEXT", help="名称中含有这些字的单位。")
@output_options
def list_(industry, section, town, status, search, fmt) -> None:
    """列出名册中的单位。

    \b
    示例：
      credit enterprise list --industry 烟花爆竹
      credit enterprise list --section 危化股 --csv > 危化股名册.csv
      credit enterprise list --status all --json
    """
    from archive.enterprises import list_enterprises

    env = get_env()
    archive = env.open_archive()
    records = list_enterprises(
        archive,
        industry=industry,
        section=section,
        town=town,
        status=None if status == "all" else status,
        search=search,
    )
    rows = [_public(record) for record in records]
    if fmt in ("table", "csv"):  # the CSV has the table's columns, the status label included
        rows = [_with_status(record) for record in records]
    render_rows(env, rows, LIST_COLUMNS, fmt, empty=_("没有符合条件的单位。"))
    if fmt == "table" and rows:
        info(env, _("共 {count} 家。", count=len(rows)))


def _public(record: dict) -> dict:
    """A record for scripts: the register fields, status and dates (no internal keys)."""
    return {key: value for key, value in record.items() if key not in ("history", "name_key")}


@enterprise.command(cls=Command)
@click.argument("code")
@option(
    "--full",
    is_flag=True,
    help="用 --json 或 --nl 输出时，文书连同索引中不存的内容（解析出的各方、月报逐栏情况等），从日志读取。",
)
@output_options
def show(code: str, full: bool, fmt: str) -> None:
    """显示一家单位在档案中的全部信息和变动记录。

    \b
    示例：
      credit enterprise show 91431127MA4L8R2K77
      credit enterprise show 91431127MA4L8R2K77 --json
      credit enterprise show 91431127MA4L8R2K77 --full --json
    """
    from archive.dossier import enterprise_detail
    from archive.errors import UsageError

    if full and fmt not in ("json", "nl"):
        raise UsageError(
            _("--full 只用于 --json 或 --nl 输出"),
            _("表格只列出文书的种类、文号、日期和存档位置；要看全部内容，加 --json"),
        )
    env = get_env()
    archive = env.open_archive()
    detail = enterprise_detail(archive, code, full=full)
    if fmt != "table":
        render_object(env, detail, SHOW_FIELDS, fmt)
        return
    from archive.audit import event_label

    row = _with_status(detail)
    row["created_at"] = short_time(row.get("created_at"))
    row["updated_at"] = short_time(row.get("updated_at"))
    row["code_warnings_text"] = [_code_warning_text(r) for r in detail.get("code_warnings", [])]
    render_object(
        env,
        row,
        [(key, label) for key, label in SHOW_FIELDS if row.get(key)],
        fmt,
        title=detail["name"],
    )
    from cli.commands.record import show_in_dossier

    show_in_dossier(env, detail)  # standing and bad-credit records
    history = [
        {**item, "time": short_time(item["time"]), "type": event_label(item["type"])}
        for item in detail.get("history", [])
    ]
    _show_related(env, detail)
    if detail.get("monthly"):
        _show_monthly(env, detail["monthly"])
    if detail.get("blacklist"):
        from cli.commands.blacklist import show_in_dossier

        show_in_dossier(env, detail["blacklist"])
    if history:
        render_rows(
            env,
            history,
            [
                ("seq", N_("序号")),
                ("time", N_("时间")),
                ("actor", N_("操作人")),
                ("type", N_("事件")),
            ],
            "table",
            title=_("变动记录"),
        )


def _show_monthly(env, history: list[dict]) -> None:
    """The 12-month row of monthly reports: one line per requirement, a column per month."""
    months = list(dict.fromkeys(item["month"] for item in history))
    rows: dict[str, dict] = {}
    for item in history:
        row = rows.setdefault(item["requirement"], {"requirement": item["requirement"]})
        row[item["month"]] = item["mark"]
    render_rows(
        env,
        list(rows.values()),
        [("requirement", N_("应报资料")), *((month, month[5:]) for month in months)],
        "table",
        title=_(
            "月度报送（{first} 至 {last}）：✓ 按时　! 逾期提交　✗ 未提交　◐ 不完整　· 未到期",
            first=months[0],
            last=months[-1],
        ),
    )


def _show_related(env, detail: dict) -> None:
    """Letters issued, documents archived and open rectifications of one enterprise."""
    from archive.letters.catalog import TEMPLATES
    from cli.commands.ingest import kind_label

    status_names = {"issued": _("已发出"), "returned": _("已退回")}
    own = _("已退回（单位自拟文本）")
    # Commitments returned on the enterprise's own template: like our letters, without a serial.
    returned_own = [
        {
            **row,
            "serial": _("（无编号）"),
            "template": f"commitment_{row.get('level')}",
            "returned_without_serial": True,
        }
        for row in detail.get("commitments", [])
    ]
    letters = [
        {
            **letter,
            "status_label": own
            if letter.get("returned_without_serial")
            else status_names.get(letter.get("status"), letter.get("status")),
            "title": _(TEMPLATES[letter["template"]].title)
            if letter.get("template") in TEMPLATES
            else letter.get("template"),
            "signed_label": {True: _("已签"), False: _("未签")}.get(
                letter.get("signed"), _("签字待核对")
            )
            if letter.get("status") == "returned"
            else "",
        }
        for letter in [*detail.get("letters", []), *returned_own]
    ]
    if letters:
        render_rows(
            env,
            letters,
            [
                ("serial", N_("编号")),
                ("title", N_("文书")),
                ("year", N_("年度")),
                ("issue_date", N_("成文日期")),
                ("status_label", N_("状态")),
                ("signed_label", N_("签字")),
            ],
            "table",
            title=_("发出的文书"),
        )
    documents = [
        {
            **document,
            "kind_label": kind_label(document.get("kind")),
            "doc_number": document.get("fields", {}).get("doc_number"),
            "document_date": document.get("fields", {}).get("document_date"),
        }
        for document in detail.get("documents", [])
    ]
    if documents:
        render_rows(
            env,
            documents,
            [
                ("kind_label", N_("种类")),
                ("doc_number", N_("文号")),
                ("document_date", N_("日期")),
                ("stored", N_("存档位置")),
            ],
            "table",
            title=_("归档的文书"),
        )
    if detail.get("open_rectifications"):
        render_rows(
            env,
            detail["open_rectifications"],
            [
                ("order_number", N_("整改指令书文号")),
                ("deadline", N_("整改期限")),
                ("problems", N_("存在问题")),
            ],
            "table",
            title=_("未完成的整改"),
        )
    _show_accidents_and_interviews(env, detail)


def _show_accidents_and_interviews(env, detail: dict) -> None:
    """Accidents and interviews of one enterprise."""
    if detail.get("accidents"):
        from cli.commands.accident import LIST_COLUMNS, for_people

        render_rows(
            env,
            [for_people(row) for row in detail["accidents"]],
            [column for column in LIST_COLUMNS if column[0] != "credit_code"],
            "table",
            title=_("生产安全事故"),
        )
    if detail.get("interviews"):
        from cli.commands.interview import LIST_COLUMNS as INTERVIEW_COLUMNS

        render_rows(
            env,
            detail["interviews"],
            [column for column in INTERVIEW_COLUMNS if column[0] != "credit_code"],
            "table",
            title=_("约谈"),
        )


@enterprise.command(cls=Command)
@click.argument("code")
@_field_options
def update(code: str, **fields: str | None) -> None:
    """修改一家单位的登记信息（只改给出的项）。

    \b
    示例：
      credit enterprise update 91431127MA4L8R2K77 --phone 0746-2212345 --town 塔峰镇
    """
    from archive.enterprises import update_enterprise

    env = get_env()
    archive = env.open_archive()
    given = {key: value for key, value in _dated(fields).items() if value is not None}
    if not given:
        raise click.UsageError(_("没有要修改的项：用 --name、--phone 等选项给出新值"))
    diff = update_enterprise(archive, code, given)
    if not diff:
        info(env, _("没有变化。"))
    for key, change in diff.items():
        info(
            env,
            _(
                "{field}：{old} → {new}",
                field=_(_label(key)),
                old=change["old"] or "—",
                new=change["new"],
            ),
        )


@enterprise.command(cls=Command)
@click.argument("code")
@option("--reason", required=True, metavar="TEXT", help="注销、关闭或停产的原因。")
@option(
    "--date",
    "on",
    type=DateType(),
    metavar="YYYY-MM-DD",
    help="注销日期（默认今天）。",
)
def close(code: str, reason: str, on) -> None:
    """注销一家单位：它不再出现在在册名单中，但档案保留，不会删除。

    \b
    示例：
      credit enterprise close 91431127MA4L8R2K77 --reason 已关闭 --date 2026-10-31
    """
    from archive.enterprises import close_enterprise

    env = get_env()
    archive = env.open_archive()
    record = close_enterprise(archive, code, reason=reason, on=on.date() if on else None)
    info(
        env, _("已注销：{code} {name}（档案保留）", code=record["credit_code"], name=record["name"])
    )


@enterprise.command(cls=Command)
@click.argument("code")
def reopen(code: str) -> None:
    """恢复一家已注销的单位为在册。

    \b
    示例：
      credit enterprise reopen 91431127MA4L8R2K77
    """
    from archive.enterprises import reopen_enterprise

    env = get_env()
    archive = env.open_archive()
    record = reopen_enterprise(archive, code)
    info(env, _("已恢复在册：{code} {name}", code=record["credit_code"], name=record["name"]))
