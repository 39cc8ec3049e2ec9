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
        width=None if terminal else PIPED_WIDTH,
        no_color=not terminal,
        highlight=False,
        soft_wrap=False,
    )


PIPED_WIDTH = 200  # the width of tables written to a file or a pipe


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
        if len(rows) > FAST_TABLE_ROWS:
            cells = [[_cell(row.get(key)) for key, _label in columns] for row in rows]
            fixed = [key in IDENTIFIERS for key, _label in columns]
            headers = [_(label) for _key, label in columns]
            text = plain_table(title, headers, cells, _table_width(env), fixed=fixed)
            if text is not None:
                try:
                    env.stdout.write(text)
                    env.stdout.flush()
                except BrokenPipeError:
                    raise  # (the error door ends a closed pipe quietly)
                return
        out = console(env)
        from rich.table import Table

        table = Table(title=title, show_lines=False, header_style="bold")
        for key, label in columns:
            if key in IDENTIFIERS:
                # A code or an id is copied from the table: never folded across lines.
                width = max((len(_cell(row.get(key))) for row in rows), default=0)
                table.add_column(_(label), no_wrap=True, min_width=min(width, 40))
            else:
                table.add_column(_(label), overflow="fold")
        from rich.markup import escape

        for row in rows:  # (a name with [brackets] is text, not rich's markup)
            table.add_row(*(escape(_cell(row.get(key))) for key, _label in columns))
        out.print(table)


# A table of more rows than this is drawn by plain_table: rich takes about a millisecond a row
# (3,000 enterprises owing a month: 3 s of 4).
FAST_TABLE_ROWS = 20


def _table_width(env: Env) -> int:
    """The width rich would draw in: the terminal's, else :data:`PIPED_WIDTH`."""
    if not bool(getattr(env.stdout, "isatty", lambda: False)()):
        return PIPED_WIDTH
    import shutil

    return shutil.get_terminal_size().columns


_CHAR_CELLS: dict[str, int] = {}
_TEXT_CELLS: dict[str, int] = {}


def _char_cells(char: str) -> int:
    found = _CHAR_CELLS.get(char)
    if found is None:
        from rich.cells import cell_len

        found = _CHAR_CELLS[char] = cell_len(char)
    return found


def _cells(text: str) -> int:
    """The width of ``text`` in terminal cells (a wide character is two), as rich counts."""
    if text.isascii():
        return len(text)
    found = _TEXT_CELLS.get(text)
    if found is None:
        found = sum(map(_char_cells, text))
        if len(_TEXT_CELLS) < 100_000:  # (a table's cells repeat: statuses, sections …)
            _TEXT_CELLS[text] = found
    return found


def plain_table(
    title: str | None,
    headers: list[str],
    rows: list[list[str]],
    width: int,
    *,
    fixed: list[bool] | None = None,
) -> str | None:
    """The table rich draws by default (heavy head, one space of padding), drawn directly.

    When it is wider than ``width``, the widest columns not ``fixed`` (codes, ids: never
    folded) are narrowed and their cells folded onto more lines, as rich folds them.  ``None``
    when a cell has a line break or the fixed columns alone do not fit (rich draws it then)."""
    if any("\n" in cell for row in rows for cell in row) or any("\n" in h for h in headers):
        return None
    fixed = fixed or [False] * len(headers)
    widths = [_cells(header) for header in headers]
    sizes = [[_cells(cell) for cell in row] for row in rows]
    for row_sizes in sizes:
        for n, size in enumerate(row_sizes):
            if size > widths[n]:
                widths[n] = size
    spare = sum(widths) + 3 * len(widths) + 1 - width
    while spare > 0:  # narrow the widest foldable column, one cell at a time
        widest = max(
            (n for n in range(len(widths)) if not fixed[n] and widths[n] > MIN_FOLDED),
            key=lambda n: widths[n],
            default=None,
        )
        if widest is None:
            return None
        widths[widest] -= 1
        spare -= 1
    total = sum(widths) + 3 * len(widths) + 1

    def line(cells: list[str], edge: str, cell_sizes: list[int] | None = None) -> str:
        cell_sizes = cell_sizes or [_cells(cell) for cell in cells]
        if all(size <= widths[n] for n, size in enumerate(cell_sizes)):  # one line
            padded = (cell + " " * (widths[n] - cell_sizes[n]) for n, cell in enumerate(cells))
            return edge + edge.join(f" {cell} " for cell in padded) + edge
        folded = [_fold(cell, widths[n]) for n, cell in enumerate(cells)]
        height = max(len(parts) for parts in folded)
        out = []
        for k in range(height):
            parts = [p[k] if k < len(p) else "" for p in folded]
            padded = (part + " " * (widths[n] - _cells(part)) for n, part in enumerate(parts))
            out.append(edge + edge.join(f" {part} " for part in padded) + edge)
        return "\n".join(out)

    def rule(left: str, fill: str, cross: str, right: str) -> str:
        return left + cross.join(fill * (size + 2) for size in widths) + right

    lines = []
    if title:
        lines.append(_centre(title, total))
    lines.append(rule("┏", "━", "┳", "┓"))
    lines.append(line(headers, "┃"))
    lines.append(rule("┡", "━", "╇", "┩"))
    lines.extend(line(row, "│", row_sizes) for row, row_sizes in zip(rows, sizes, strict=True))
    lines.append(rule("└", "─", "┴", "┘"))
    return "\n".join(lines) + "\n"


MIN_FOLDED = 6  # cells of a column narrowed to fit keep at least this many cells of width


def _fold(text: str, width: int) -> list[str]:
    """``text`` cut into pieces of at most ``width`` cells (a wide character is two)."""
    if _cells(text) <= width:
        return [text]
    if text.isascii():
        return [text[start : start + width] for start in range(0, len(text), width)]
    pieces, current, size = [], "", 0
    for char in text:
        char_width = _char_cells(char)
        if size + char_width > width and current:
            pieces.append(current)
            current, size = "", 0
        current += char
        size += char_width
    pieces.append(current)
    return pieces


def _centre(text: str, width: int) -> str:
    space = max(width - _cells(text), 0)
    left = space // 2
    return " " * left + text + " " * (space - left)


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
    from rich.markup import escape
    from rich.table import Table

    title = escape(title) if title else title  # (a name with [brackets] is text)
    table = Table(title=title, show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for key, label in fields:
        table.add_row(_(label), escape(_cell(value.get(key))))
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
