"""Rendering results: a rich table for people; JSON, JSON lines or CSV for scripts.

Data goes to stdout; messages, warnings and progress go to stderr.  JSON keys are the
library's English snake_case names; table headers are translated labels.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import click

from archive.i18n import _, join_items
from cli.base import Env, option

FORMATS = ("csv", "nl", "json")


def output_options(function: Callable) -> Callable:
    """Add ``--json``, ``--nl`` and ``--csv`` (default: a table) as the ``fmt`` parameter.

    The three are one choice: giving two different ones (``--csv --json``) is a usage error
    (exit 2) naming both, never a silent pick of the last.
    """

    @functools.wraps(function)
    def chosen(*args: Any, **kwargs: Any) -> Any:
        given = [name for name in FORMATS if kwargs.pop(f"output_{name}", False)]
        if kwargs.get("fmt") is None:  # ``ctx.invoke(command, fmt=…)`` chooses for itself
            if len(given) > 1:
                from archive.errors import UsageError

                raise UsageError(
                    _(
                        "{options} 不能同时使用",
                        options=join_items(f"--{name}" for name in given),
                    ),
                    _("输出格式只能选一种"),
                )
            kwargs["fmt"] = given[0] if given else "table"
        return function(*args, **kwargs)

    decorators = [
        option("--csv", "output_csv", is_flag=True, help="以 CSV 输出（UTF-8，表头为英文键名）。"),
        option("--nl", "output_nl", is_flag=True, help="每行输出一个 JSON 对象，便于脚本处理。"),
        option("--json", "output_json", is_flag=True, help="以 JSON 输出。"),
    ]
    for decorator in decorators:
        chosen = decorator(chosen)
    return chosen


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def dumps(value: Any, *, indent: int | None = 2) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent, default=_json_default)


def console(env: Env, *, stderr: bool = False):
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            # rich exits 1 here; the error door ends a closed pipe quietly with 141 instead
            self.quiet = True
            raise BrokenPipeError

    stream = env.stderr if stderr else env.stdout
    terminal = bool(getattr(stream, "isatty", lambda: False)())
    return _Console(
        file=stream,
        width=None if terminal else 200,
        no_color=not terminal,
        highlight=False,
        soft_wrap=False,
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, dict):
        return _("，").join(f"{key}={_cell(item)}" for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return join_items(_cell(item) for item in value)
    return str(value)


# Columns that hold what a clerk copies into the next command (credit codes, ids, serials).
IDENTIFIERS = frozenset({"credit_code", "id", "serial", "record_id", "entry_id", "accident_id"})


def render_rows(
    env: Env,
    rows: Sequence[dict[str, Any]],
    columns: Sequence[tuple[str, str]],
    fmt: str,
    *,
    title: str | None = None,
    empty: str | None = None,
) -> None:
    """Print ``rows``: ``columns`` are (key, Chinese label) pairs for the table and CSV order."""
    if fmt == "json":
        click.echo(dumps(list(rows)), file=env.stdout)
    elif fmt == "nl":
        for row in rows:
            click.echo(dumps(row, indent=None), file=env.stdout)
    elif fmt == "csv":
        keys = [key for key, _label in columns]
        writer = csv.DictWriter(
            env.stdout, fieldnames=keys, extrasaction="ignore", lineterminator="\n"
        )
        writer.writeheader()
        for row in rows:
            writer.writerow({key: _cell(row.get(key)) for key in keys})
    else:
        if not rows and empty:
            click.echo(empty, file=env.stderr)
            return
        from rich.table import Table

        table = Table(title=title, show_lines=False, header_style="bold")
        for key, label in columns:
            if key in IDENTIFIERS:
                # A code or an id is copied from the table: never folded across lines.
                width = max((len(_cell(row.get(key))) for row in rows), default=0)
                table.add_column(_(label), no_wrap=True, min_width=min(width, 40))
            else:
                table.add_column(_(label), overflow="fold")
        for row in rows:
            table.add_row(*(_cell(row.get(key)) for key, _label in columns))
        console(env).print(table)


def render_object(
    env: Env,
    value: dict[str, Any],
    fields: Iterable[tuple[str, str]],
    fmt: str,
    title: str | None = None,
) -> None:
    """Print one record: label/value lines for people, the whole object for scripts."""
    if fmt in ("json", "nl"):
        click.echo(dumps(value, indent=2 if fmt == "json" else None), file=env.stdout)
        return
    if fmt == "csv":
        render_rows(env, [value], list(fields), "csv")
        return
    from rich.table import Table

    table = Table(title=title, show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for key, label in fields:
        table.add_row(_(label), _cell(value.get(key)))
    console(env).print(table)


def short_time(value: str | None) -> str:
    """``2026-11-29T09:16:56+08:00`` → ``2026-11-29 09:16`` for tables."""
    if not value:
        return ""
    return value[:16].replace("T", " ")


@contextlib.contextmanager
def progress(env: Env, *, total: int | None, description: str) -> Iterator[Callable[..., None]]:
    """A progress bar on stderr, only when stderr is a terminal; yields ``advance()``."""
    if not env.stderr_is_terminal:
        yield lambda *args, **kwargs: None
        return
    from rich.progress import Progress

    with Progress(console=console(env, stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda *args, **kwargs: bar.advance(task)


def info(env: Env, message: str) -> None:
    """A message for people, on stderr."""
    click.echo(message, file=env.stderr)


def warn(env: Env, message: str) -> None:
    click.echo(_("警告：{message}", message=message), file=env.stderr)
