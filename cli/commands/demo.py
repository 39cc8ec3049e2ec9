"""credit demo"""

from __future__ import annotations

import time
from pathlib import Path

import click

from archive.i18n import N_, _
from cli.base import Command, get_env, option
from cli.output import info, render_rows

DEFAULT_FOLDER = Path("credit-demo")
COUNT_COLUMNS = [
    ("industry", N_("行业")),
    ("sections", N_("负责股室")),
    ("active", N_("在册")),
    ("closed", N_("已注销")),
    ("total", N_("合计")),
]


@click.command(cls=Command)
@click.argument(
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_FOLDER,
    required=False,
)
@option("--json", "as_json", is_flag=True, help="不逐步讲解，只输出 JSON 格式的演示摘要。")
def demo(folder: Path, as_json: bool) -> None:
    """建一个演示档案（虚构的蓝山县企业名册），用真实命令走一遍。

    在 FOLDER（默认 ./credit-demo，须为新的或空的文件夹）中建立档案，生成 60 家企业的示例名册
    samples/名册.xlsx 并导入，修改一家单位的电话、注销一家单位，给危险化学品行业生成带编号和
    二维码的承诺书，再把一批“退回”的承诺书（有签字的，有未签字的；有的是手机照片和扫描件）和执法
    文书放进 samples/收件/ 并归档（按二维码匹配照片，判断签字盖章；一份扫描的检查记录用文字识别读取；
    一份匹配不上的留在 inbox/unmatched/）。收件中有一份早年的责令限期整改指令书，期限
    已过而无复查：演示按当年的日期提出不良信用记录、确认，再列入黑名单，走完告知（告知书）、
    交换、公布，期满移出（移出通知书）；另一份今年的指令书两周前到期，今天提出的记录留待确认。
    接着核对一个月的月报、汇总逾期事项和黑名单，生成月报（.xlsx 和 .docx 通报），公布不良信用
    记录和守信单位名单。然后显示各行业企业数、一个行业的名册、一家单位的档案和日志核对结果，列出
    可以接着试的命令，末尾给出档案路径和值得打开的三个文件。单位、代码、人名和电话均为虚构。

    \b
    示例：
      credit demo
      credit demo 演示档案
      credit demo /tmp/credit-demo --json
    """
    from archive.demo import build_demo, demo_summary

    env = get_env()
    started = time.perf_counter()
    result = build_demo(folder, actor=env.actor or "演示")
    env._archive = result.archive  # warnings of the archive are printed on the way out
    if as_json:
        from cli.output import dumps

        summary = demo_summary(result)
        summary["next_commands"] = _next_commands(result)
        click.echo(dumps(summary), file=env.stdout)
        return
    _walk_through(env, result, started)


def _next_commands(result) -> list[str]:
    import shlex

    archive = shlex.quote(str(result.archive.root))
    roster = shlex.quote(str(result.roster_path))
    base = f"credit --archive {archive}"
    return [
        f"{base} enterprise list --industry {result.showcase_industry}",
        f"{base} enterprise show {result.showcase_code}",
        f"{base} enterprise list --status closed",
        f"{base} audit log --limit 10",
        f"{base} enterprise import {roster} --dry-run",
        f"{base} config",
        f"{base} gen-commitment --industry 烟花爆竹 --dry-run",
        f"{base} ingest {shlex.quote(str(result.archive.root / 'samples' / '收件'))} --dry-run",
        f"{base} explain {shlex.quote(str(result.archive.root / 'samples' / '收件' / '责令限期整改指令书.docx'))}",
        f"{base} record list --status proposed",
        f"{base} blacklist list",
        f"{base} standing",
        f"{base} monthly-check --month {result.monthly.month} --as-of {result.monthly.as_of}"
        " --remind --dry-run",
        f"{base} overdue --as-of {result.monthly.as_of}",
    ]


def _heading(env, text: str) -> None:
    info(env, "")
    info(env, text)


def _walk_through(env, result, started: float) -> None:
    from archive.demo import industry_counts
    from cli.commands.audit import verify
    from cli.commands.enterprise import list_, show

    ctx = click.get_current_context()
    root = result.archive.root
    info(env, _("演示：在 {path} 建立蓝山县的诚信档案，并用真实命令走一遍。", path=root))
    for number, step in enumerate(result.steps, start=1):
        info(env, f"  {number}. {step.message}")

    _heading(env, _("各行业企业数："))
    render_rows(env, industry_counts(result.archive), COUNT_COLUMNS, "table")

    # The rest is what the real commands print, run against the new archive.
    env.archive_path = root
    industry = result.showcase_industry
    _heading(
        env,
        _(
            "{industry}行业在册单位（credit enterprise list --industry {industry}）：",
            industry=industry,
        ),
    )
    ctx.invoke(list_, industry=industry)

    code = result.showcase_code
    _heading(env, _("一家单位的档案和变动记录（credit enterprise show {code}）：", code=code))
    ctx.invoke(show, code=code)

    _heading(env, _("核对日志的哈希链（credit audit verify）："))
    ctx.invoke(verify)

    _heading(env, _("接下来可以试试："))
    notes = [
        "",
        "",
        _("（已注销的单位仍有档案）"),
        "",
        _("（试运行：列出名册与档案的差别——刚改过的电话——但不写入档案）"),
        "",
        _("（试运行：列出将生成的承诺书，不编号）"),
        _("（再归档一次：全部记为重复，档案不变）"),
        _("（解析器从一份文书中看到了什么）"),
        _("（今天提出、待经办人确认或驳回的不良信用记录：credit record confirm/reject）"),
        _(
            "（黑名单条目；credit blacklist show {id} 显示它走过的各阶段、期限和文书）",
            id=result.entry_id,
        ),
        _("（各单位今天的信用状况：守信、一般、失信、黑名单，及其依据）"),
        _("（按月核对：演示中未交、不完整、逾期的月报和股室资料；列出将发的催报通知，退出码 10）"),
        _("（逾期事项汇总：过了整改期限的指令书、仍未报送的月报和股室资料，按股室分组）"),
    ]
    for command, note in zip(_next_commands(result), notes, strict=True):
        info(env, f"  {command}  {note}".rstrip())
    info(env, "")
    info(env, _("演示完成，用时 {seconds:.1f} 秒。", seconds=time.perf_counter() - started))
    info(env, _("档案：{path}", path=root))
    info(env, _("值得打开的三个文件："))
    labels = [
        _("（月报通报，Word）"),
        _("（月报各主题及图表，Excel）"),
        _("（公布的守信单位名单，浏览器中可排序、筛选、打印）"),
    ]
    for path, label in zip(result.worth_opening, labels, strict=True):
        info(env, f"  {path}  {label}")
