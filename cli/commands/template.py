"""credit template list / check / export"""

from __future__ import annotations

from pathlib import Path

import click

from archive.errors import ArchiveNotFound, ExitCode
from archive.i18n import N_, _, join_items
from cli.base import Command, Group, get_env, option
from cli.output import dumps, info, output_options, render_rows


@click.group(cls=Group)
def template() -> None:
    """文书模板：列出、检查、导出（导出后修改，放到档案的 templates/ 即可覆盖默认模板）。

    \b
    示例：
      credit template list
      credit template export commitment_unit 我的模板/
      credit template check 我的模板/commitment_unit.docx
    """


def _archive_or_none(env):
    try:
        return env.open_archive()
    except ArchiveNotFound:
        return None


@template.command(name="list", cls=Command)
@output_options
def list_(fmt: str) -> None:
    """列出全部模板及其来源（内置，或档案 templates/ 中的覆盖版本）。

    \b
    示例：
      credit template list
      credit template list --json
    """
    from archive.letters.issue import list_templates

    env = get_env()
    rows = list_templates(_archive_or_none(env))
    if fmt == "table":
        names = {"shipped": _("内置"), "archive": _("本档案")}
        rows = [{**row, "source": names[row["source"]]} for row in rows]
    columns = [("name", N_("模板")), ("title", N_("标题")), ("facts", N_("需要的事实"))]
    if fmt != "table":  # every variable the template uses: too long for a table
        columns.append(("variables", N_("模板变量")))
    render_rows(env, rows, [*columns, ("source", N_("来源"))], fmt)


@template.command(cls=Command)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@option("--name", metavar="NAME", help="按哪个模板检查变量（默认按文件名）。")
@option("--json", "as_json", is_flag=True, help="以 JSON 输出检查结果。")
def check(file: Path, name: str | None, as_json: bool) -> None:
    """检查一个模板文件：语法错误及其位置、用到而未提供的变量、提供而未用到的变量、二维码位置。

    有问题时退出码为 5。

    \b
    示例：
      credit template check 我的模板/commitment_unit.docx
    """
    from archive.letters.catalog import TEMPLATES, get_template_info, required_variables
    from archive.letters.render import check_template

    env = get_env()
    if name:
        get_template_info(name)  # a mistyped --name is an error naming the templates
    template_name = name or file.stem
    provided = None
    if template_name in TEMPLATES:
        info_ = TEMPLATES[template_name]
        provided = set(required_variables(template_name)) | {
            "enterprise" if info_.addressee == "enterprise" else "section"
        }
    report = check_template(file, provided)
    payload = {
        "path": str(file),
        "name": template_name,
        "ok": report.ok,
        "readable": bool(report.parts),
        "variables": sorted(report.variables),
        "missing": sorted(report.missing),
        "unused": sorted(report.unused),
        "errors": [
            {
                "message": e.message,
                "part": e.part,
                "line": e.line,
                "text": e.text,
                "where": e.describe(),
            }
            for e in report.errors
        ],
        "has_qr": report.has_qr,
        "sha256": report.sha256,
    }
    if as_json:
        click.echo(dumps(payload), file=env.stdout)
    else:
        _print_check(env, file, payload, known=provided is not None)
    if not payload.get("ok", False):
        click.get_current_context().exit(int(ExitCode.TEMPLATE))


def _print_check(env, file: Path, payload: dict, *, known: bool) -> None:
    if not payload["readable"]:
        # Nothing else can be said of a file that is not a Word document.
        for error in payload["errors"]:
            info(env, _("错误：无法读取模板：{error}", error=error["where"]))
        info(
            env,
            _(
                "提示：模板须是 Word 另存的 .docx 文件；可用 credit template export 导出默认模板再修改"
            ),
        )
        return
    for error in payload["errors"]:
        info(env, _("语法错误：{error}", error=error["where"]))
    if payload.get("missing"):
        info(env, _("模板用到但不会提供的变量：{names}", names=join_items(payload["missing"])))
    if payload.get("unused"):
        info(env, _("会提供但模板没有用到的变量：{names}", names=join_items(payload["unused"])))
    if not payload.get("has_qr", True):
        info(env, _("模板中没有二维码占位图（word/media/credit_qr.png）：生成的文书将没有二维码"))
    if not known:
        info(env, _("提示：文件名不是已知模板名，未核对变量；用 --name 指定模板名"))
    if payload.get("ok"):
        info(env, _("{path}：模板可用。", path=file))


@template.command(cls=Command)
@click.argument("name")
@click.argument(
    "folder", type=click.Path(path_type=Path, file_okay=False), default=".", required=False
)
def export(name: str, folder: Path) -> None:
    """把一个模板（当前使用的版本）复制出来，以便修改。

    修改后放到档案的 templates/ 文件夹（文件名不变），即覆盖内置模板；先用
    credit template check 检查。

    \b
    示例：
      credit template export notice_interview 我的模板/
    """
    from archive.letters.issue import export_template

    env = get_env()
    target = export_template(_archive_or_none(env), name, folder)
    info(env, _("已导出到 {path}", path=target))
