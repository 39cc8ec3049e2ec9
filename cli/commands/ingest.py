"""credit ingest, credit explain"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from archive.i18n import N_, _, join_items
from cli.base import Command, DateType, exit_with, get_env, option
from cli.output import dumps, info, render_rows

STATUS_LABELS = {
    "ingested": N_("已归档"),
    "duplicate": N_("重复"),
    "unmatched": N_("未匹配"),
    "failed": N_("失败"),
    "encrypted": N_("已加密"),
    "needs-ocr": N_("需识别"),
    "skipped": N_("跳过"),
}
KIND_LABELS = {
    "inspection_record": N_("现场检查记录"),
    "rectification_order": N_("责令限期整改指令书"),
    "reinspection_opinion": N_("整改复查意见书"),
    "penalty_notice": N_("行政处罚告知书"),
    "penalty_decision": N_("行政处罚决定书"),
    "no_penalty_decision": N_("不予行政处罚决定书"),
    "penalty_publicity": N_("行政处罚信息公示"),
    "accident_report": N_("事故调查报告"),
    "commitment_letter": N_("承诺书"),
    "monthly_report": N_("诚信履行情况报告表"),
    "section_submission": N_("资料报送单"),
    "unknown": N_("其他文件"),
}


def kind_label(kind: str | None) -> str:
    return _(KIND_LABELS[kind]) if kind in KIND_LABELS else (kind or "")


def filed_label(place: dict) -> str:
    """Where a document went, as the register names it: ``名称（代码）`` or the section."""
    if place.get("section"):
        return place["section"]
    text = _("{name}（{code}）", name=place.get("name") or "?", code=place["credit_code"])
    return text + (_("（已注销）") if place.get("closed") else "")


@click.command(cls=Command)
@click.argument("folders", nargs=-1, type=click.Path(path_type=Path))  # checked below
@option("--dry-run", is_flag=True, help="只解析并报告，不归档、不写入档案。")
@option("--move", is_flag=True, help="归档（或确认重复）后删除原文件；默认不动原文件夹。")
@option("--register-new", is_flag=True, help="文书中出现名册里没有的单位时，按文书登记后归档。")
@option(
    "--assign",
    nargs=2,
    multiple=True,  # only to see a repeated --assign and refuse it (click keeps the last)
    metavar="FILE CODE",
    help="把一个文件（通常在 inbox/unmatched/ 中）归到指定单位名下。",
)
@option("--jobs", type=click.IntRange(min=1, max=64), help="并行解析的进程数（默认：CPU 核数）。")
@option(
    "--received",
    type=DateType(),
    metavar="YYYY-MM-DD",
    help="收到这些文件的日期（不晚于今天；默认今天）：按月核对时据此判断是否按时报送。",
)
@option("--nl", "as_nl", is_flag=True, help="每个文件输出一行 JSON（stdout）。")
@option(
    "--review",
    is_flag=True,
    help="不归档：列出待人工核对的扫描件（签字盖章无法判定的、二维码对不上的）。",
)
@option("--json", "as_json", is_flag=True, help="与 --review 同用：以 JSON 输出。")
@option("--csv", "as_csv", is_flag=True, help="与 --review 同用：以 CSV 输出。")
def ingest(
    folders, dry_run, move, register_new, assign, jobs, received, as_nl, review, as_json, as_csv
) -> None:
    """把退回的承诺书、报表和执法文书（PDF、Word、压缩包、扫描件和照片）归入档案。

    按内容识别文件类型和文书种类，按编号/二维码、统一社会信用代码、单位名称匹配单位，
    复制到 files/<代码>/<种类>/。已归档的文件记为重复；匹配不上的复制到
    inbox/unmatched/ 并说明原因，可用 --assign 归档。原文件夹不会被改动（除非 --move）。
    扫描件和照片（.jpg、.png、.tif、没有文字层的 PDF）按页上的二维码匹配所发的信函；
    签字盖章无法判定的用 --review 列出。有文件失败时退出码为 3。

    \b
    示例：
      credit ingest 收件/2026-11/
      credit ingest 邮寄件/ --received 2026-12-03
      credit ingest 收件/ --dry-run --nl > 结果.jsonl
      credit ingest --assign inbox/unmatched/1a2b3c4d_决定书.pdf 91431127MA4L8R2K77
      credit ingest --review
    """
    from archive.ingest import assign_file, assign_path
    from archive.ingest import ingest as run_ingest

    env = get_env()
    if review:
        others = [
            name
            for name, on in (
                ("--dry-run", dry_run),
                ("--move", move),
                ("--register-new", register_new),
                ("--jobs", jobs is not None),
                ("--received", received is not None),
            )
            if on
        ]
        if others:
            raise click.UsageError(
                _(
                    "--review 只列出待核对的扫描件，不能与 {options} 同用",
                    options=join_items(others),
                )
            )
        _review(env, folders or assign or None, as_json, as_nl, as_csv)
        return
    if as_json or as_csv:
        given = "--json" if as_json else "--csv"
        raise click.UsageError(_("{option} 只能与 --review 同用", option=given))
    if len(assign) > 1:
        raise click.UsageError(
            _(
                "--assign 只能给一次（一次归档一个文件）：{given}",
                given=_("；").join(f"{file} {code}" for file, code in assign),
            )
        )
    assign = assign[0] if assign else None
    if not folders and not assign:
        raise click.UsageError(_("请给出要归档的文件夹或文件，或用 --assign 文件 代码"))
    if folders and assign:
        raise click.UsageError(
            _(
                "--assign 只归档一个文件，不能再给出其他文件或文件夹：{extra}",
                extra=" ".join(str(folder) for folder in folders),
            )
        )
    for folder in folders:  # after the --assign check: an extra argument gets that message
        if not folder.exists():  # a missing input file is a usage error (README, 退出码)
            raise click.UsageError(_("{path} 不存在", path=folder))
    archive = env.open_archive()

    def show(result) -> None:
        if as_nl:
            click.echo(dumps(result.as_dict(), indent=None), file=env.stdout)
        label = _(STATUS_LABELS.get(result.status, result.status))
        who = join_items(filed_label(place) for place in result.filed_under)
        parts = [f"[{label}]", result.path]
        if result.kind:
            parts.append(kind_label(result.kind))
        if result.matched_by == "qr" and result.status == "ingested":  # a scan of our letter
            signed = result.fields.get("signed")
            parts.append(
                {True: _("已签字盖章"), False: _("未签字盖章")}.get(signed, _("签字盖章待核对"))
            )
        if who and result.status == "ingested":
            parts.append(f"→ {who}")
        line = " ".join(parts)
        if result.reason and (result.status != "ingested" or _to_check(result)):
            line += _("：{reason}", reason=result.reason)  # no space before the colon
        info(env, line)

    options = {
        "dry_run": dry_run,
        "move": move,
        "register_new": register_new,
        "jobs": jobs,
        "on_result": show,
        "received": received.date() if received is not None else None,
    }
    if assign:
        file, code = assign
        if not assign_path(archive, Path(file)).exists():  # a usage error (README, 退出码)
            raise click.BadParameter(_("{path} 不存在", path=file), param_hint="--assign")
        report = assign_file(archive, Path(file), code, **options)
    else:
        report = run_ingest(archive, folders, **options)
    rows = [
        {"status": _(STATUS_LABELS[status]), "count": report.count(status)}
        for status in STATUS_LABELS
        if report.count(status)
    ]
    if rows:
        from rich.table import Table

        from cli.output import console

        info(env, _("试运行结果（未写入档案）") if dry_run else _("归档结果"))
        table = Table()
        table.add_column(_("结果"))
        table.add_column(_("文件数"), justify="right")
        for row in rows:
            table.add_row(row["status"], str(row["count"]))
        console(env, stderr=True).print(table)
    else:
        info(env, _("没有找到文件。"))
    uncertain = sum(
        1
        for result in report.results
        if result.status == "ingested"
        and result.matched_by == "qr"
        and result.fields.get("signed") is None
    )
    alone = sum(1 for result in report.results if _read_alone(result))
    guessed = sum(1 for result in report.results if _to_check(result))
    for count, message in (
        (
            uncertain,
            N_(
                "{count} 份扫描件的签字盖章无法判定：credit ingest --review 列出，"
                "核对原件后用 credit letter signed/unsigned 编号 --reason … 核定。"
            ),
        ),
        (
            alone,
            N_(
                "第二个文字识别引擎（PP-OCR）不可用：{count} 份扫描件有读不准的字段，只用了 "
                "tesseract 的结果；请重新安装 credit（pip install rapidocr onnxruntime）。"
            ),
        ),
        (
            guessed,
            N_("{count} 份文件是按文字识别结果推断归档的（上面写明“请核对”的）：请对照原件核对。"),
        ),
    ):
        if count:
            info(env, _(message, count=count))
    if report.count("unmatched") and not dry_run:
        info(
            env,
            _(
                "未匹配的文件在 {path}，用 credit ingest --assign 文件 代码 归档。",
                path=archive.root / "inbox" / "unmatched",
            ),
        )
    exit_with(report)


def _read_alone(result: Any) -> bool:
    """A scan whose OCR left fields unsure that the second engine, not installed, did not
    read again."""
    from parsers.scan.ppocr import available

    ocr = (getattr(result, "fields", None) or {}).get("ocr") or {}
    return bool(ocr.get("unsure")) and not ocr.get("second_engine") and not available()


def _to_check(result: Any) -> bool:
    """An ingested file filed on an inference from its OCR reading that a clerk should check
    (a misread name or place put right): its reason says 请核对."""
    return result.status == "ingested" and "请核对" in (result.reason or "")


REVIEW_COLUMNS = [
    ("status", N_("情况")),
    ("credit_code", N_("代码")),
    ("name", N_("单位")),
    ("serial", N_("编号")),
    ("file", N_("文件")),
    ("page", N_("页")),
    ("reason", N_("原因")),
    ("confidence", N_("把握")),
]
REVIEW_LABELS = {"uncertain": N_("签字待核"), "unmatched": N_("未匹配")}


def _review(env, extra, as_json: bool, as_nl: bool, as_csv: bool) -> None:
    """``credit ingest --review``: the scans a clerk should look at."""
    from archive.scans import review

    if extra:
        raise click.UsageError(_("--review 不归档文件，不能再给出文件夹或 --assign"))
    given = [name for name, on in (("--json", as_json), ("--nl", as_nl), ("--csv", as_csv)) if on]
    if len(given) > 1:
        raise click.UsageError(_("{options} 不能同时使用", options=join_items(given)))
    fmt = {"--json": "json", "--nl": "nl", "--csv": "csv"}.get(given[0] if given else "", "table")
    rows = review(env.open_archive())
    if fmt == "table":
        rows = [
            {
                **row,
                "status": _(REVIEW_LABELS.get(row["status"], row["status"])),
                "confidence": "" if row["confidence"] is None else f"{row['confidence']:.2f}",
            }
            for row in rows
        ]
    render_rows(env, rows, REVIEW_COLUMNS, fmt, empty=_("没有待核对的扫描件。"))


@click.command(cls=Command)
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@option(
    "--png",
    "png",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="OUT",
    help="扫描件：把各页连同找到的二维码、签字盖章区域画出来写成 PNG（第 2 页起为 OUT-p2.png …）。",
)
def explain(file: Path, as_json: bool, png: Path | None) -> None:
    """显示解析器从一个文件中看到了什么：规范化后的文字、由哪个解析器处理及原因、每个字段及其出处。

    用于弄清某份文书为什么被归错、没匹配上或缺了字段。不写入档案，不需要档案。

    \b
    示例：
      credit explain 收件/决定书.pdf
      credit explain 收件/决定书.pdf --json
      credit explain 收件/承诺书扫描.jpg --png 看图.png
    """
    from parsers.explain import explain_path

    env = get_env()
    if png is not None:
        _explain_png(env, file, png, as_json)
        return
    explanation = explain_path(file)
    if as_json:
        click.echo(dumps(explanation), file=env.stdout)
        return
    from cli.output import console

    out = console(env)
    out.rule(
        _(
            "规范化后的文字（{extractor}，{pages} 页）",
            extractor=explanation["extractor"],
            pages=explanation["pages"],
        )
    )
    for number, line in enumerate(explanation["lines"], start=1):
        out.print(f"{number:>4}  {line}", markup=False, highlight=False)
    if explanation.get("reread"):
        out.rule(_("关键行单独重读（与上文不同处；仅当读出本局地名或名册中的单位时采用）"))
        for number, line in explanation["reread"].items():
            out.print(f"{number:>4}  {line}", markup=False, highlight=False)
    if explanation.get("second_lines"):
        taken = (explanation.get("ocr") or {}).get("taken") or []
        out.rule(
            _(
                "第二个识别引擎（PP-OCR）读出的文字（取用：{taken}）",
                taken="、".join(taken) if taken else _("无"),
            )
        )
        for number, line in enumerate(explanation["second_lines"], start=1):
            out.print(f"{number:>4}  {line}", markup=False, highlight=False)
    if explanation.get("scan"):
        _explain_scan_lines(out, explanation["scan"])
    out.rule(_("解析器"))
    out.print(f"→ {explanation['parser']}: {explanation['reason']}", markup=False)
    for candidate in explanation["parsers"]:
        if candidate["chosen"]:
            continue
        out.print(f"  {candidate['name']}: {candidate['reason'] or _('不适用')}", markup=False)
    out.rule(_("字段"))
    rows = [
        {
            "field": name,
            "value": value["value"],
            "line": value.get("line") or "",
            "source": value.get("source") or "",
        }
        for name, value in explanation["fields"].items()
    ]
    render_rows(
        env,
        rows,
        [("field", N_("字段")), ("value", N_("值")), ("line", N_("行")), ("source", N_("原文"))],
        "table",
    )
    for name, seen in explanation.get("candidates", {}).items():
        if not seen:
            continue
        out.rule(_("{field} 的候选值", field=name))
        render_rows(
            env,
            [
                {
                    "chosen": "→" if candidate["chosen"] else "",
                    "value": candidate["value"],
                    "line": candidate.get("line") or "",
                    "reason": candidate["reason"],
                    "source": candidate.get("source") or "",
                }
                for candidate in seen
            ],
            [
                ("chosen", N_("取用")),
                ("value", N_("值")),
                ("line", N_("行")),
                ("reason", N_("原因")),
                ("source", N_("原文")),
            ],
            "table",
        )
    for warning in explanation.get("warnings", []):
        info(env, _("警告：{message}", message=warning))


def _explain_scan_lines(out: Any, scan: dict[str, Any]) -> None:
    """A scan read by its QR codes: the codes on each page and the signature check."""
    out.print(_("（扫描件：没有文字层，按页上的二维码读取）"), markup=False)
    for code in scan.get("qr") or []:
        out.print(
            _(
                "第 {page} 页：二维码 {serial}（{code}）",
                page=code.get("page"),
                serial=code.get("serial") or code.get("text"),
                code=code.get("credit_code") or "—",
            ),
            markup=False,
        )
    check = scan.get("signature") or {}
    if check:
        out.rule(_("签字盖章"))
        out.print(
            _(
                "{verdict}（把握 {confidence}，第 {page} 页）",
                verdict=_(VERDICT_LABELS.get(check.get("verdict"), N_("无法判定"))),
                confidence=check.get("confidence", 0),
                page=scan.get("page_of_signature"),
            ),
            markup=False,
        )
        for region in check.get("regions") or []:
            mark = {True: "✓", False: "✗"}.get(region.get("found"), "?")
            out.print(f"  {mark} {region.get('name')}（{region.get('score')} mm²）", markup=False)
        for reason in check.get("reasons") or []:
            out.print(f"  {reason}", markup=False)


VERDICT_LABELS = {
    "signed": N_("已签字盖章"),
    "unsigned": N_("未签字盖章"),
    "uncertain": N_("无法判定"),
}


def _explain_png(env, file: Path, png: Path, as_json: bool) -> None:
    from archive.scans import explain_png

    pages = explain_png(file, png)
    if as_json:
        click.echo(dumps(pages), file=env.stdout)
        return
    for page in pages:
        codes = join_items(code["serial"] or code["text"] for code in page["codes"])
        line = _(
            "第 {page} 页 → {file}：二维码 {count} 个{codes}",
            page=page["page"],
            file=page["file"],
            count=len(page["codes"]),
            codes=_("（{codes}）", codes=codes) if codes else "",
        )
        if page["verdict"]:
            found = sum(1 for region in page["regions"] if region.get("found"))
            line += _(
                "；签字盖章：{verdict}（区域 {found}/{total} 有内容）",
                verdict=_(VERDICT_LABELS.get(page["verdict"], page["verdict"])),
                found=found,
                total=len(page["regions"]),
            )
        click.echo(line, file=env.stdout)
