"""credit gen-commitment, credit gen-notice"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from archive.i18n import N_, _, describe_error
from cli.base import Command, DateType, exit_with, get_env, option
from cli.output import dumps, info, progress, render_rows, warn

RESULT_COLUMNS = [
    ("status_label", N_("结果")),
    ("serial", N_("编号")),
    ("credit_code", N_("统一社会信用代码")),
    ("name", N_("单位/股室")),
    ("file", N_("文件")),
    ("reason", N_("说明")),
]


def _batch_options(function=None, *, jobs: bool = True):
    """The options of a run of letters; ``jobs=False`` for a command that makes one letter."""
    if function is None:
        return lambda function: _batch_options(function, jobs=jobs)
    jobs_option = option(
        "--jobs",
        type=click.IntRange(min=1, max=64),
        default=1,
        show_default=True,
        help="并行生成的进程数。",
    )
    decorators = [
        option(
            "--out",
            "out_dir",
            type=click.Path(path_type=Path, file_okay=False),
            help="输出文件夹（默认：档案的 out/<日期>/）。",
        ),
        option(
            "--date",
            "issue_date",
            type=DateType(),
            metavar="YYYY-MM-DD",
            help="成文日期（默认今天）。",
        ),
        option("--pdf", is_flag=True, help="同时用 LibreOffice 转成 PDF（需已安装）。"),
        option("--dry-run", is_flag=True, help="只列出将要生成的文书，不编号、不写文件。"),
        option("--reissue", is_flag=True, help="已发过的也重新发出（取新编号）。"),
        jobs_option,
        option("--json", "as_json", is_flag=True, help="以 JSON 输出每份文书的结果。"),
    ]
    if not jobs:
        decorators = [d for d in decorators if d is not jobs_option]
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def _run_batch(
    env, archive, requests, *, out_dir, issue_date, pdf, dry_run, reissue, as_json, jobs=1
) -> None:
    from archive.letters.issue import issue_letters
    from archive.validation import LATEST_DATE, check_date

    if issue_date:
        check_date(issue_date.date(), what="--date", latest=LATEST_DATE)

    if not requests:
        info(env, _("没有要生成的文书：检查所选的单位。"))
        return
    with progress(env, total=len(requests), description=_("生成文书")) as advance:
        report = issue_letters(
            archive,
            requests,
            out_dir=out_dir,
            issue_date=issue_date.date() if issue_date else None,
            dry_run=dry_run,
            reissue=reissue,
            pdf=pdf,
            jobs=jobs,
            on_progress=advance,
        )
    show_batch(env, archive, report, dry_run=dry_run, as_json=as_json)
    exit_with(report)  # 3 when a letter failed or another batch is still making it


def show_batch(
    env,
    archive,
    report,
    *,
    dry_run: bool,
    as_json: bool,
    columns=None,
    extra_json: dict | None = None,
    row_extra=None,
) -> None:
    """Render a batch's :class:`~archive.letters.issue.IssueReport`: its table (or JSON), what
    was made and where; raises the full disk's error (exit 4).  The caller exits."""
    from archive.letters.issue import FAILED

    rows = [letter.as_dict(archive.root) for letter in report.letters]
    if row_extra is not None:
        for row, letter in zip(rows, report.letters, strict=True):
            row.update(row_extra(letter))
    if as_json:
        payload = {
            **(extra_json or {}),
            "out_dir": str(report.out_dir),
            "dry_run": dry_run,
            "manifest": str(report.manifest) if report.manifest else None,
            "letters": rows,
        }
        click.echo(dumps(payload), file=env.stdout)
    else:
        labels = {
            "issued": _("已生成"),
            "already_issued": _("已发过"),
            "in_progress": _("正由另一进程生成"),
            "planned": _("将生成"),
            "failed": _("失败"),
            "skipped": _("跳过"),
        }
        for row in rows:
            row["status_label"] = labels.get(row["status"], row["status"])
        render_rows(env, rows, columns or RESULT_COLUMNS, "table")
    counts = {
        status: report.count(status)
        for status in ("issued", "already_issued", "in_progress", "planned", "failed", "skipped")
    }
    if dry_run:
        info(
            env,
            _(
                "试运行：将生成 {planned} 份，{already_issued} 份已发过，{skipped} 份跳过；未编号，未写文件。",
                **counts,
            ),
        )
        if report.recovered:
            warn(
                env,
                _(
                    "有 {count} 份已编号的文书还在中断的批次的临时文件夹中；"
                    "不加 --dry-run 再运行一次即移到输出文件夹",
                    count=report.recovered,
                ),
            )
    else:
        if report.recovered:
            info(
                env,
                _(
                    "已把中断的批次留下的 {count} 份已编号文书移到输出文件夹。",
                    count=report.recovered,
                ),
            )
        info(
            env,
            _(
                "已生成 {issued} 份，{already_issued} 份已发过，{skipped} 份跳过，{failed} 份失败。",
                **counts,
            ),
        )
        if report.count("issued"):
            info(env, _("文书在：{path}", path=report.out_dir))
        if report.manifest:
            info(env, _("清单：{path}（另有 manifest.csv）", path=report.manifest))
        elif report.manifest_error and report.count("issued"):
            warn(
                env,
                _(
                    "无法写清单 manifest.json（{error}）；文书已生成并记入日志",
                    error=report.manifest_error,
                ),
            )
    if counts["in_progress"]:
        warn(
            env,
            _(
                "{count} 份正由另一个 credit 进程生成，尚未发出；等它结束后再运行一次本命令确认",
                count=counts["in_progress"],
            ),
        )
    for letter in report.letters:
        if letter.status == FAILED and not report.disk_full:
            warn(env, _("{name}：{reason}", name=letter.name, reason=letter.reason))
    error = report.disk_full_error()
    if error is not None:  # exit 4, after the table of what was made
        raise error


@click.command(name="gen-commitment", cls=Command)
@click.argument("codes", nargs=-1)
@option("--all", "all_", is_flag=True, help="名册中所有在册单位。")
@option("--industry", metavar="INDUSTRY", help="这个行业的在册单位。")
@option("--section", metavar="SECTION", help="这个股室负责的在册单位。")
@option("--town", metavar="TOWN", help="这个乡镇的在册单位。")
@option(
    "--level",
    "levels",
    type=click.Choice(["unit", "workshop", "team", "post"]),
    multiple=True,
    help="承诺层级：unit 单位（默认）、workshop 车间/部门、team 班组、post 岗位；可重复。",
)
@option("--year", type=click.IntRange(2000, 2100), help="承诺年度（默认今年）。")
@_batch_options
def gen_commitment(codes, all_, industry, section, town, levels, year, **batch: Any) -> None:
    """批量生成安全生产承诺书（每份带编号和二维码）。

    按代码、--all、--industry、--section 或 --town 选单位。同一单位、层级和年度已发过的
    不会重复编号，除非加 --reissue。生成后在输出文件夹留下 manifest.csv / manifest.json。

    \b
    示例：
      credit gen-commitment --all --year 2026
      credit gen-commitment --industry 烟花爆竹 --level unit --level post
      credit gen-commitment 91431127MA4L8R2K77 --dry-run
    """
    from archive.enterprises import get_enterprise, list_enterprises
    from archive.letters.issue import commitment_requests

    env = get_env()
    archive = env.open_archive()
    if not (codes or all_ or industry or section or town):
        raise click.UsageError(
            _("请给出统一社会信用代码，或用 --all、--industry、--section、--town 选择单位")
        )
    records = [get_enterprise(archive, code) for code in codes]
    if all_ or industry or section or town:
        records.extend(list_enterprises(archive, industry=industry, section=section, town=town))
    unique = {record["credit_code"]: record for record in records}
    requests = commitment_requests(
        archive, unique.values(), levels=levels or ("unit",), year=year or date.today().year
    )
    _run_batch(env, archive, requests, **batch)


def _parse_facts(facts: tuple[str, ...], facts_file: Path | None) -> dict[str, Any]:
    import json
    import tomllib

    values: dict[str, Any] = {}
    if facts_file:
        text = facts_file.read_text(encoding="utf-8-sig")
        try:
            loaded = tomllib.loads(text) if facts_file.suffix == ".toml" else json.loads(text)
        except ValueError as exc:
            raise click.BadParameter(
                _("{path} 无法读取：{error}", path=facts_file, error=describe_error(exc)),
                param_hint="--facts-file",
            ) from exc
        if not isinstance(loaded, dict):
            raise click.BadParameter(
                _("{path} 应是“名称: 值”的对象", path=facts_file), param_hint="--facts-file"
            )
        values.update(loaded)
    given: dict[str, list[str]] = {}
    for item in facts:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(_("应写成 名称=值：{item}", item=item), param_hint="--fact")
        given.setdefault(key.strip(), []).append(value)
    # Options win over the file; a name given several times is a list.
    for key, items in given.items():
        values[key] = items[0] if len(items) == 1 else items
    return values


@click.command(name="gen-notice", cls=Command)
@click.argument("kind")
@click.argument("code", required=False)
@option("--section", metavar="SECTION", help="发给股室的通知：股室名称。")
@option(
    "--fact",
    "facts",
    multiple=True,
    metavar="NAME=VALUE",
    help="文书需要的事实，如 --fact period=2026-11；可重复。",
)
@option(
    "--facts-file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="从 JSON 或 TOML 文件读取事实。",
)
@option("--year", type=click.IntRange(2000, 2100), help="文书年度（默认今年）。")
@option(
    "--interview",
    metavar="ID",
    help="约谈通知书：从登记的约谈（credit interview list）填入时间、地点、参加人员等事实。",
)
@option(
    "--record",
    "record_id",
    metavar="ID",
    help="不良信用记录告知书：从已确认的记录（credit record list）填入条件、事实和证据。",
)
@_batch_options(jobs=False)
def gen_notice(
    kind, code, section, facts, facts_file, year, interview, record_id, **batch: Any
) -> None:
    """生成一份告知书、通知书或报表（不良信用记录、黑名单列入/移出、约谈、整改逾期、催报）。

    KIND 是模板名（credit template list 列出全部），CODE 是单位的统一社会信用代码；
    发给股室的用 --section。文书需要的事实用 --fact 名称=值 给出，列表项可重复给出
    或用分号分隔；缺少时会列出缺哪一项。

    \b
    示例：
      credit gen-notice notice_monthly_reminder_section --section 危化股 --fact period=2026-11 \\
          --fact missing=隐患排查台账
      credit gen-notice notice_interview 91431127MA4L8R2K77 --facts-file 约谈.toml
      credit gen-notice notice_interview --interview I-1a2b3c4d5e
      credit gen-notice notice_bad_record --record R-3f2a9c01b7e4
      credit gen-notice form_monthly_report 91431127MA4L8R2K77 --fact period=2026-11
    """
    from archive.letters.issue import notice_request

    env = get_env()
    archive = env.open_archive()
    if interview and record_id:
        raise click.UsageError(_("--interview 和 --record 只能给出一个"))
    if record_id:
        from archive.records import record_notice_request

        request = record_notice_request(
            archive,
            kind,
            code,
            record_id,
            facts=_parse_facts(facts, facts_file),
            year=year or date.today().year,
        )
        _run_batch(env, archive, [request], **batch)
        return
    if interview:
        from archive.interviews import interview_notice_request

        request = interview_notice_request(
            archive,
            kind,
            code,
            interview,
            facts=_parse_facts(facts, facts_file),
            year=year or date.today().year,
        )
        _run_batch(env, archive, [request], **batch)
        return
    request = notice_request(
        archive,
        kind,
        credit_code=code,
        section=section,
        facts=_parse_facts(facts, facts_file),
        year=year or date.today().year,
    )
    _run_batch(env, archive, [request], **batch)
