"""The ``credit`` command: global options, the error door, lazily loaded subcommands."""

from __future__ import annotations

import io
import math
import sys
from pathlib import Path

import click

from archive.errors import CreditError, ExitCode
from archive.i18n import N_, _, describe_error, join_items, set_language
from cli import click_zh
from cli.base import Env, Group, get_env, option

# name → ("module:attribute", short help); modules are imported only when the command runs.
COMMANDS = {
    "init": ("cli.commands.init:init", N_("新建一个诚信档案文件夹")),
    "enterprise": (
        "cli.commands.enterprise:enterprise",
        N_("企业名册：登记、导入、查询、修改、注销"),
    ),
    "gen-commitment": (
        "cli.commands.letters:gen_commitment",
        N_("批量生成安全生产承诺书（每份带编号和二维码）"),
    ),
    "gen-notice": (
        "cli.commands.letters:gen_notice",
        N_("生成一份告知书、通知书或报表（不良信用记录、黑名单列入/移出、约谈、整改逾期、催报）"),
    ),
    "accident": (
        "cli.commands.accident:accident",
        N_("生产安全事故：登记、列出、查看、更正（等级按死亡、重伤、直接经济损失自动划分）"),
    ),
    "interview": (
        "cli.commands.interview:interview",
        N_(
            "约谈：登记、列出、查看、更正（约谈通知书用 credit gen-notice notice_interview --interview 生成）"
        ),
    ),
    "template": (
        "cli.commands.template:template",
        N_("文书模板：列出、检查、导出（导出后修改，放到档案的 templates/ 即可覆盖默认模板）"),
    ),
    "ingest": (
        "cli.commands.ingest:ingest",
        N_("把退回的承诺书、报表和执法文书（PDF、Word、压缩包、扫描件和照片）归入档案"),
    ),
    "explain": (
        "cli.commands.ingest:explain",
        N_(
            "显示解析器从一个文件中看到了什么：规范化后的文字、由哪个解析器处理及原因、每个字段及其出处"
        ),
    ),
    "calendar": (
        "cli.commands.calendar:calendar",
        N_("工作日日历：某日之后 N 个（工作）日是哪天，某年的节假日数据从哪里来"),
    ),
    "blacklist": (
        "cli.commands.blacklist:blacklist",
        N_("安全生产诚信“黑名单”：提出、推进各阶段、移出、到期提醒"),
    ),
    "publish": (
        "cli.commands.publish:publish",
        N_("公布名单：黑名单、不良信用记录、已签承诺书单位、绿色通道（.xlsx、.csv、.html）"),
    ),
    "audit": ("cli.commands.audit:audit", N_("检查和查看档案日志（journal.jsonl）")),
    "reindex": (
        "cli.commands.audit:reindex",
        N_("根据日志重建索引 index/（索引损坏、被删除或为旧版格式时使用）"),
    ),
    "regime": (
        "cli.commands.regime:regime",
        N_(
            "规则体系：不良信用记录和黑名单的情形、期限、步骤（在 credit.toml 的 [rules] regime 中选择）"
        ),
    ),
    "config": (
        "cli.commands.config:config",
        N_("显示每一项设置的实际取值和来源（命令行、环境变量、credit.toml 或默认值）"),
    ),
    "record": (
        "cli.commands.record:record",
        N_("不良信用记录：由档案中的事实提出，经人员确认或驳回；也可人工登记"),
    ),
    "standing": (
        "cli.commands.standing:standing",
        N_("显示单位的信用状况：守信、一般、失信或黑名单，以及判定的依据和证据"),
    ),
    "monthly-check": (
        "cli.commands.monthly:monthly_check",
        N_("按月核对报送：每家单位的诚信履行情况报告表、每个股室的资料，按时、逾期、未交或不完整"),
    ),
    "overdue": (
        "cli.commands.overdue:overdue",
        N_("列出截至某日所有逾期事项，按股室分组：整改、承诺书、月报、黑名单阶段、罚款"),
    ),
    "report": (
        "cli.commands.report:report",
        N_("写出本月通报：Excel 工作簿（每个主题一页，附各股室完整率图表）和 Word 通报"),
    ),
    "letter": (
        "cli.commands.letter:letter",
        N_(
            "退回文书的签字盖章：扫描件无法判定时由经办人核定（credit ingest --review 列出待核对的）"
        ),
    ),
    "penalty": (
        "cli.commands.penalty:penalty",
        N_("行政处罚决定书的罚款：列出、登记缴纳（逾期未缴纳的列入 credit overdue）"),
    ),
    "demo": (
        "cli.commands.demo:demo",
        N_("建一个演示档案（虚构的蓝山县企业名册），用真实命令走一遍"),
    ),
}


class RootGroup(Group):
    """Turns library errors into ``错误：…`` / ``提示：…`` and documented exit codes."""

    def invoke(self, ctx: click.Context):
        env = get_env(ctx)
        try:
            return super().invoke(ctx)
        except CreditError as exc:
            _traceback(env)
            click.echo(_("错误：{message}", message=exc.message), file=env.stderr)
            if exc.hint:
                click.echo(_("提示：{hint}", hint=exc.hint), file=env.stderr)
            ctx.exit(int(exc.exit_code))
        except KeyboardInterrupt:
            _traceback(env)
            click.echo(_("已中断。"), file=env.stderr)
            ctx.exit(int(ExitCode.INTERRUPTED))
        except BrokenPipeError:
            # The reader of stdout went away (``credit … | head -1``): end quietly, as a
            # program killed by SIGPIPE would (the shell reports 128 + 13).
            _traceback(env)
            _silence_stdout()
            ctx.exit(int(ExitCode.BROKEN_PIPE))
        except OSError as exc:
            _traceback(env)
            problem = describe_error(exc)
            if getattr(exc, "filename", None):
                message = _("错误：{path}：{problem}", path=exc.filename, problem=problem)
            else:
                message = _("错误：{problem}", problem=problem)
            click.echo(message, file=env.stderr)
            click.echo(_("提示：检查文件是否存在、是否有权限、磁盘是否已满"), file=env.stderr)
            ctx.exit(int(ExitCode.ERROR))
        finally:
            for warning in env.archive.warnings if env.archive else []:
                click.echo(_("警告：{message}", message=warning), file=env.stderr)


def _traceback(env: Env) -> None:
    """``--debug``: the traceback first; the message and the exit code stay what they are."""
    if env.debug:
        import traceback

        traceback.print_exc(file=env.stderr)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so Python's final flush does not complain of the closed pipe."""
    import io
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass


def _actor(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise click.BadParameter(_("操作人不能为空"))
    return value.strip() if value else value


def _lock_timeout(ctx: click.Context, param: click.Parameter, value: float | None):
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(_("应是不小于 0 的秒数"))
    return value


def _set_language(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value:
        set_language(value)
    return value


def _check_language_variable(ctx: click.Context) -> None:
    """``CREDIT_LANG=fr`` is a usage error, as ``--lang fr`` is (unless ``--lang`` overrides it)."""
    import os

    from click.core import ParameterSource

    from archive.i18n import is_language

    value = os.environ.get("CREDIT_LANG")
    if not value or ctx.get_parameter_source("lang") is ParameterSource.COMMANDLINE:
        return
    if not is_language(value):
        raise click.UsageError(
            _(
                "环境变量 {name} 的值 {value!r} 无效：可选 {choices}",
                name="CREDIT_LANG",
                value=value,
                choices=join_items(["zh", "en"]),
            ),
            ctx,
        )


def _version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from archive import __version__

    click.echo(f"credit {__version__}")
    ctx.exit()


@click.group(
    cls=RootGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="""\b
示例：
  credit demo                      在 ./credit-demo 建一个演示档案并走一遍
  credit init 诚信档案              新建档案
  credit enterprise import 名册.xlsx
  credit enterprise list --industry 危险化学品
  credit --lang en enterprise list --json

退出码：0 成功，1 错误，2 用法错误，3 部分输入文件有误，4 档案问题（锁超时、日志损坏），
5 模板问题，10 有需要处理的事项，130 被中断，141 输出被关闭（如 | head）。""",
)
@option(
    "--archive",
    "archive_path",
    type=click.Path(path_type=Path),
    help="档案文件夹（默认：环境变量 CREDIT_ARCHIVE，或从当前文件夹向上查找 credit.toml）。",
)
@option(
    "--by",
    "actor",
    metavar="NAME",
    callback=_actor,
    help="记录在日志中的操作人（默认：CREDIT_USER 或系统用户名）。",
)
@option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    is_eager=True,
    expose_value=False,
    callback=_set_language,
    help="界面语言：zh 中文（默认），en 英文；也可设置 CREDIT_LANG。",
)
@option(
    "--lock-timeout",
    type=click.FloatRange(min=0),
    metavar="SECONDS",
    callback=_lock_timeout,
    help="等待其他写入者的最长秒数（默认 10，或 CREDIT_LOCK_TIMEOUT）。",
)
@option("--debug", is_flag=True, help="出错时显示完整的 Python 回溯。")
@option(
    "--version",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=_version,
    help="显示版本号并退出。",
)
@click.pass_context
def cli(
    ctx: click.Context,
    archive_path: Path | None,
    actor: str | None,
    lock_timeout: float | None,
    debug: bool,
) -> None:
    """安全生产诚信档案工具：企业名册、承诺书与告知书、执法文书归档、月度检查。

    档案是一个文件夹（credit init 新建）；所有改动记入带哈希链的日志 journal.jsonl。
    """
    _check_language_variable(ctx)
    env = get_env(ctx)
    env.archive_path = archive_path
    env.actor = actor
    env.lock_timeout = lock_timeout
    env.debug = debug


class _ClosedStdout(io.TextIOBase):
    """Stands for a stdout the shell closed (``>&-``): writing to it is an error, not a no-op."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise CreditError(
            _("标准输出已关闭，输出无处可写"),
            hint=_("去掉命令末尾的 >&-，或把输出重定向到文件（> 文件名）"),
        )


def main() -> None:
    """Console-script entry point."""
    click_zh.install()
    if sys.stdout is None:  # Python sets it to None when file descriptor 1 is closed
        sys.stdout = _ClosedStdout()
    try:
        cli.main(prog_name="credit")
    except KeyboardInterrupt:
        click.echo(_("已中断。"), file=sys.stderr)
        sys.exit(int(ExitCode.INTERRUPTED))
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(int(ExitCode.BROKEN_PIPE))
    except CreditError as exc:  # raised outside a command (``credit --version >&-``)
        click.echo(_("错误：{message}", message=exc.message), file=sys.stderr)
        sys.exit(int(exc.exit_code))


click_zh.install()

__all__ = ["Env", "cli", "main"]
