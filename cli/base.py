"""What every command shares: translated help, the error door, the environment object.

Help texts are written in Chinese and translated when they are shown (``--lang en`` is only
known after the command modules are imported).  Errors leave through one door,
``cli.main.RootGroup.invoke``: ``错误：…`` and ``提示：…`` on stderr, the error's exit code;
``--debug`` shows the traceback first.
"""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from archive.i18n import _, get_language, message_key
from cli.click_zh import Context

if TYPE_CHECKING:
    from archive.report import Report
    from archive.store import Archive


def _t(text: str | None) -> str | None:
    return _(message_key(text)) if text else text


def _translate_record(record: tuple[str, str] | None) -> tuple[str, str] | None:
    """Chinese placeholders (``--limit 整数``) and ``[默认：1；1 到 64]`` in Chinese help."""
    from cli.click_zh import translate_metavar

    if record is None or get_language() != "zh":
        return record
    names, help_text = record
    if help_text.endswith("]") and "  [" in help_text:
        body, _sep, extra = help_text.rpartition("  [")
        help_text = f"{body}  [{extra.replace('; ', '；')}"
    return translate_metavar(names), help_text


class TranslatedOption(click.Option):
    """An option whose help and metavar are translated when shown."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        original = self.help, self.metavar
        self.help = _t(self.help)
        self.metavar = _t(self.metavar)
        try:
            record = super().get_help_record(ctx)
        finally:
            self.help, self.metavar = original
        return _translate_record(record)


class _ClickTextOption(click.Option):
    """click's own ``--help`` option: its English text goes through click's catalog when shown."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        from cli.click_zh import translate

        original = self.help
        self.help = translate("Show this message and exit.")
        try:
            return super().get_help_record(ctx)
        finally:
            self.help = original


def option(*param_decls: str, **attrs: Any):
    """``click.option`` whose help text is translated when shown."""
    attrs.setdefault("cls", TranslatedOption)
    return click.option(*param_decls, **attrs)


class _TranslatedHelp:
    """Mixin: translate a command's help, short help and epilog when shown."""

    help: str | None
    short_help: str | None
    epilog: str | None
    context_class = Context  # one colon style, Chinese wrapped as Chinese

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from cli.click_zh import translate_metavar

        original = self.help
        # the placeholders the text names (KIND, CODE) as the usage line shows them (类别, 代码)
        self.help = translate_metavar(_t(original) or "")
        try:
            super().format_help_text(ctx, formatter)  # type: ignore[misc]
        finally:
            self.help = original

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        original = self.epilog
        self.epilog = _t(original)
        try:
            super().format_epilog(ctx, formatter)  # type: ignore[misc]
        finally:
            self.epilog = original

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        # click builds this option once, translated in whatever language was set then
        # (before ``--lang`` is read); translate it when shown instead.
        help_option = super().get_help_option(ctx)  # type: ignore[misc]
        if help_option is not None and type(help_option) is click.Option:
            help_option.__class__ = _ClickTextOption
        return help_option

    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help:
            return _t(self.short_help) or ""
        text = _t(self.help) or ""
        first = text.strip().split("\n", 1)[0]
        return first.rstrip("。.")


class Command(_TranslatedHelp, click.Command):
    pass


class Group(_TranslatedHelp, click.Group):
    """A group whose subcommands live in modules imported only when used.

    ``lazy`` maps a command name to ``("module:attribute", short help)``: ``--help`` lists the
    commands from the short helps without importing their modules (a test keeps the short
    helps equal to the commands' own first lines).
    """

    command_class = Command

    def __init__(self, *args: Any, lazy: dict[str, tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy and name not in self.commands:
            module_name, attribute = self.lazy[name][0].split(":")
            command = getattr(importlib.import_module(module_name), attribute)
            self.add_command(command, name)
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from cli.click_zh import translate

        rows = []
        for name in self.list_commands(ctx):
            if name in self.commands:
                command = self.commands[name]
                if command.hidden:
                    continue
                rows.append((name, command.get_short_help_str()))
            else:
                rows.append((name, _(self.lazy[name][1])))
        if rows:
            with formatter.section(translate("Commands")):
                formatter.write_dl(rows)


Group.group_class = Group


class DateType(click.ParamType):
    """A date typed as YYYY-MM-DD (a ``datetime``, as ``click.DateTime`` gives), refused in
    the chosen language with an example when it is not a date (``2026-02-30``)."""

    name = "date"

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str | None:
        return "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        from datetime import date, datetime

        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        try:
            return datetime.strptime(text, "%Y-%m-%d")
        except ValueError:
            import re

            shaped = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
            if shaped and 1 <= int(shaped.group(2)) <= 12:
                # the right shape, a day the month does not have: say which
                import calendar

                year, month = int(shaped.group(1)), int(shaped.group(2))
                self.fail(
                    _(
                        "{value} 不是有效的日期：{year} 年 {month} 月只有 {days} 天",
                        value=repr(text),
                        year=year,
                        month=month,
                        days=calendar.monthrange(year, month)[1] if year >= 1 else 31,
                    ),
                    param,
                    ctx,
                )
            self.fail(
                _(
                    "{value} 不是有效的日期：日期写成 YYYY-MM-DD，如 {example}",
                    value=repr(str(value)),
                    example=date.today().isoformat(),
                ),
                param,
                ctx,
            )


class XlsxPath(click.Path):
    """``--xlsx FILE``: a file name ending in .xlsx, refused (exit 2) when empty, a folder, or
    another kind of name — before any work is done."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        text = str(value).strip()
        if not text:
            self.fail(_("文件名不能为空：写成 名称.xlsx，如 月报核对.xlsx"), param, ctx)
        if not text.lower().endswith(".xlsx"):
            self.fail(
                _("{value} 不是 .xlsx 文件名：写成 名称.xlsx，如 月报核对.xlsx", value=repr(text)),
                param,
                ctx,
            )
        return super().convert(text, param, ctx)


@dataclass
class Env:
    """The outside world of one run: streams, options, environment (httpie's Environment)."""

    archive_path: Path | None = None
    actor: str | None = None
    lock_timeout: float | None = None
    debug: bool = False
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    # The archive this run opened; its warnings are printed when the command ends.
    archive: Archive | None = None

    def open_archive(self) -> Archive:
        from archive.store import Archive

        self.archive = Archive.open(
            self.archive_path, actor=self.actor, lock_timeout=self.lock_timeout
        )
        if self.stderr_is_terminal:  # a long rebuild is announced before it begins
            self.archive.on_rebuild = lambda message: click.echo(message, file=self.stderr)
        return self.archive

    @property
    def stderr_is_terminal(self) -> bool:
        return bool(getattr(self.stderr, "isatty", lambda: False)()) and not os.environ.get(
            "CREDIT_NO_PROGRESS"
        )


def get_env(ctx: click.Context | None = None) -> Env:
    ctx = ctx or click.get_current_context()
    root = ctx.find_root()
    if root.obj is None:
        root.obj = Env()
    return root.obj


def exit_with(report: Report) -> None:
    """End a batch command with the exit code its report gives (``archive.report``): 0, 3 or 10."""
    code = report.exit_code
    if code:
        click.get_current_context().exit(int(code))
