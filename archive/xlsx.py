"""Writing .xlsx workbooks for people: one sheet per table, frozen header, widths that fit.

A :class:`Sheet` is a title, columns (key, header) and rows (dicts).  :func:`write_workbook`
writes the sheets with the header row bold and frozen, an autofilter, each column as wide as
its longest text (a CJK character counts 2, capped), and -- when the sheet names a status
column -- conditional fills: a rule per status text, so a row recoloured by editing its status
in Excel changes colour too.  openpyxl is imported only when a workbook is written.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.errors import CreditError
from archive.i18n import _, describe_error

MAX_WIDTH = 60  # characters of width 1: longer texts wrap
MIN_WIDTH = 6
SHEET_TITLE_LIMIT = 31  # Excel's limit
_BAD_TITLE = set("[]:*?/\\")


def display_width(text: str) -> int:
    """Columns ``text`` takes in a spreadsheet: wide (CJK, full-width) characters count 2.

    >>> display_width("abc"), display_width("按时"), display_width("Ａ1")
    (3, 4, 3)
    """
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def cell_value(value: Any) -> Any:
    """A value as a cell holds it: numbers and text as they are, lists joined with 、, None
    empty, True/False as 是/否, anything else as text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, int | float | str):
        return value
    if isinstance(value, list | tuple):
        return "、".join(str(cell_value(item)) for item in value if item is not None)
    return str(value)


@dataclass
class Sheet:
    """One sheet: ``columns`` are (key, header text) pairs; ``fills`` maps a text of the
    ``status`` column to a fill colour (RRGGBB)."""

    title: str
    columns: Sequence[tuple[str, str]]
    rows: Sequence[dict[str, Any]]
    status: str | None = None
    fills: dict[str, str] = field(default_factory=dict)


def _title(text: str, taken: set[str]) -> str:
    clean = "".join("_" if char in _BAD_TITLE else char for char in text)[:SHEET_TITLE_LIMIT]
    title, number = clean or "Sheet", 2
    while title in taken:
        suffix = f" ({number})"
        title = clean[: SHEET_TITLE_LIMIT - len(suffix)] + suffix
        number += 1
    taken.add(title)
    return title


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The .xlsx file of ``sheets``."""
    from openpyxl import Workbook
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for sheet in sheets:
        ws = book.create_sheet(_title(sheet.title, taken))
        keys = [key for key, _label in sheet.columns]
        ws.append([label for _key, label in sheet.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(vertical="center")
        widths = [display_width(label) for _key, label in sheet.columns]
        for row in sheet.rows:
            values = [cell_value(row.get(key)) for key in keys]
            ws.append(values)
            for at, value in enumerate(values):
                if value is not None:
                    longest = max(display_width(line) for line in str(value).split("\n"))
                    widths[at] = max(widths[at], longest)
        for at, width in enumerate(widths, 1):
            letter = get_column_letter(at)
            ws.column_dimensions[letter].width = max(MIN_WIDTH, min(width, MAX_WIDTH)) + 2
            if width > MAX_WIDTH:
                for (cell,) in ws.iter_rows(min_row=2, min_col=at, max_col=at):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
        last = get_column_letter(max(len(keys), 1))
        count = len(sheet.rows)
        if keys:
            ws.auto_filter.ref = f"A1:{last}{count + 1}"
        if sheet.status in keys and count:
            column = get_column_letter(keys.index(sheet.status) + 1)
            area = f"A2:{last}{count + 1}"
            for text, colour in sheet.fills.items():
                quoted = text.replace('"', '""')
                ws.conditional_formatting.add(
                    area,
                    FormulaRule(
                        formula=[f'${column}2="{quoted}"'],
                        fill=PatternFill(start_color=colour, end_color=colour, fill_type="solid"),
                        stopIfTrue=True,
                    ),
                )
    if not book.worksheets:
        book.create_sheet("Sheet")
    out = io.BytesIO()
    book.save(out)
    return _same_bytes_all_day(out.getvalue())


def _same_bytes_all_day(raw: bytes) -> bytes:
    """The workbook with openpyxl's clock readings (the package's created/modified times, each
    zip entry's time) set to today's midnight: the same sheets give the same bytes all day, so a
    list published twice in a day has one SHA-256 (before, a second's tick changed it)."""
    import re
    import zipfile
    from datetime import date

    day = date.today()
    stamp = f"{day.isoformat()}T00:00:00Z".encode()
    packed = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw)) as source,
        zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp, data
                )
            entry = zipfile.ZipInfo(
                item.filename, date_time=(day.year, day.month, day.day, 0, 0, 0)
            )
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = item.external_attr
            target.writestr(entry, data)
    return packed.getvalue()


def write_workbook(path: Path, sheets: Sequence[Sheet]) -> Path:
    """Write ``sheets`` to ``path`` (replaced whole, never half-written)."""
    from archive.fsutil import atomic_write

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise CreditError(
            _("{path} 不是 .xlsx 文件名", path=path), _("文件名以 .xlsx 结尾，如 月报核对.xlsx")
        )
    data = workbook_bytes(sheets)
    try:
        atomic_write(path, data)
    except OSError as exc:
        raise CreditError(
            _("无法写入 {path}：{error}", path=path, error=describe_error(exc)),
            _("检查文件夹是否存在、是否可写，文件是否正在 Excel 中打开"),
        ) from exc
    return path
