"""credit letter signed / unsigned"""

from __future__ import annotations

import click

from archive.i18n import N_, _
from cli.base import Command, Group, get_env, option
from cli.output import info, render_object

COLUMNS = [
    ("serial", N_("编号")),
    ("credit_code", N_("统一社会信用代码")),
    ("template", N_("模板")),
    ("status", N_("状态")),
    ("signed", N_("已签字盖章")),
    ("returned_at", N_("退回时间")),
]


@click.group(cls=Group)
def letter() -> None:
    """退回文书的签字盖章：扫描件无法判定时由经办人核定（credit ingest --review 列出待核对的）。

    \b
    示例：
      credit ingest --review
      credit letter signed 蓝应急诺〔2026〕0005号 --reason 已核对原件，有签字和公章
      credit letter unsigned 蓝应急诺〔2026〕0006号 --reason 原件未盖章
    """


def _decide(serial: str, signed: bool, reason: str, as_json: bool) -> None:
    from archive.letters.returns import decide_signature

    env = get_env()
    archive = env.open_archive()
    row = decide_signature(archive, serial, signed, reason)
    render_object(env, row, COLUMNS, "json" if as_json else "table")
    info(
        env,
        _("已核定 {serial}：已签字盖章", serial=serial)
        if signed
        else _("已核定 {serial}：未签字盖章", serial=serial),
    )


@letter.command(cls=Command)
@click.argument("serial")
@option("--reason", required=True, help="核定依据（例如：已核对原件，有签字和公章）。")
@option("--json", "as_json", is_flag=True, help="以 JSON 输出核定后的文书。")
def signed(serial: str, reason: str, as_json: bool) -> None:
    """核定一份退回的文书已签字盖章（扫描件无法判定、或判定有误时）。

    \b
    示例：
      credit letter signed 蓝应急诺〔2026〕0005号 --reason 已核对原件，有签字和公章
    """
    _decide(serial, True, reason, as_json)


@letter.command(cls=Command)
@click.argument("serial")
@option("--reason", required=True, help="核定依据（例如：原件未盖章）。")
@option("--json", "as_json", is_flag=True, help="以 JSON 输出核定后的文书。")
def unsigned(serial: str, reason: str, as_json: bool) -> None:
    """核定一份退回的文书未签字盖章（需要单位重新签回）。

    \b
    示例：
      credit letter unsigned 蓝应急诺〔2026〕0006号 --reason 原件未盖章
    """
    _decide(serial, False, reason, as_json)
