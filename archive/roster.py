"""花名册 (enterprise roster): read a clerk's roster file into rows.

Clerks keep the list of enterprises they supervise in a spreadsheet and hand it over as
``.xlsx`` or as a CSV export.  This module only *reads* such a file: it finds the header row,
maps the columns to :data:`FIELDS` and returns one :class:`RosterRow` per enterprise.  It
does not check codes or industries (another module does).  Whatever is wrong with the
content -- wrong encoding, a missing column, formulas, merged cells, empty names -- becomes
a :class:`RosterProblem` in :attr:`Roster.problems`; :func:`read_roster` raises only when the
file itself cannot be opened.

The file type is decided by content, never by extension: a zip (``PK\\x03\\x04``) is read as
``.xlsx``, an OLE container (``\\xd0\\xcf\\x11\\xe0``) is a legacy ``.xls`` the clerk must save
as ``.xlsx``, anything else is CSV text (UTF-8 with or without BOM, GBK/GB18030, UTF-16 with
BOM; delimiter ``,``, tab or ``;``).

Headers are matched after normalising them (NFKC, no spaces, no ``*`` or ``（必填）`` marks,
English lower-cased):

>>> normalise_header(" ＊单位\\n名称（必填）")
'单位名称'
>>> field_for_header("统一社会信用代码*"), field_for_header("Credit Code"), field_for_header("备注")
('credit_code', 'credit_code', None)
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from archive.errors import InputError
from archive.i18n import _, describe_error, join_items

FIELDS = (
    "name",
    "credit_code",
    "industry",
    "section",
    "legal_representative",
    "phone",
    "address",
    "town",
)
# Read when the roster has the column (``values`` holds it only then): 纳入监管日期.
OPTIONAL_FIELDS = ("since",)
REQUIRED = ("name", "credit_code")

#: Accepted header texts of each field; the first one is the field's label in messages.  The
#: English field names (``name``, ``credit_code`` / ``Credit Code`` …) are accepted as well.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("单位名称", "企业名称", "名称", "生产经营单位名称", "单位全称"),
    "credit_code": ("统一社会信用代码", "社会信用代码", "信用代码", "统一代码"),
    "industry": ("行业", "行业类别", "所属行业", "行业领域"),
    "section": ("负责股室", "监管股室", "股室", "责任股室", "监管部门", "负责股室（大队）"),
    "legal_representative": (
        "法定代表人",
        "法人代表",
        "法定代表人（负责人）",
        "负责人",
        "主要负责人",
    ),
    "phone": ("联系电话", "电话", "手机", "联系方式"),
    "address": ("地址", "单位地址", "注册地址", "经营地址"),
    "town": ("所属乡镇", "乡镇", "乡镇（街道）", "所在乡镇"),
    "since": ("纳入监管日期", "纳入监管时间", "监管起始日期", "纳入日期"),
}

MAX_ROWS = 200_000  # data rows; more is not a county roster
HEADER_SEARCH_ROWS = 10  # the header is within the first 10 non-blank rows
DELIMITERS = (",", "\t", ";")

XLSX_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"
# An encrypted .xlsx is an OLE container holding a stream called "EncryptedPackage".
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")

# Characters an XML 1.0 document (a .docx letter) cannot hold.
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_HEADER_SPACES = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_HEADER_MARKS_END = re.compile(r"(?:[*★※:]|\((?:必填项?|必须|必需|选填|可选|非必填|可不填)\))+$")
_HEADER_MARKS_START = re.compile(r"^[*★※]+")
# Excel's rendering of a long number in a CSV export: 9.11431E+17, 1.38E+10.  The sign is
# required, so an 18-character credit code (never a "+") cannot match.
_SCIENTIFIC = re.compile(r"^[+-]?\d(?:\.\d+)?[eE][+-]\d+$")
_EXCEL_DIGITS = 10**15  # Excel keeps 15 significant digits of a number


def normalise_header(text: str) -> str:
    """Normalise a header cell for matching: NFKC, no spaces, no required marks, lower case."""
    text = _HEADER_SPACES.sub("", unicodedata.normalize("NFKC", text))
    text = _HEADER_MARKS_START.sub("", _HEADER_MARKS_END.sub("", text))
    return text.lower()


def _alias_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for name, aliases in HEADER_ALIASES.items():
        for alias in (*aliases, name, name.replace("_", "")):
            lookup[normalise_header(alias)] = name
    return lookup


_ALIASES = _alias_lookup()


def field_for_header(text: str) -> str | None:
    """The field a header cell stands for, or ``None`` when it is not a roster column."""
    return _ALIASES.get(normalise_header(text))


def field_label(name: str) -> str:
    """The Chinese header of a field, as used in messages (``credit_code`` → 统一社会信用代码)."""
    return HEADER_ALIASES[name][0]


def clean_value(text: str) -> str:
    """A text for comparing (parsers' fields): NFKC-normalised, surrounding spaces stripped."""
    return cell_value(unicodedata.normalize("NFKC", text))


def cell_value(text: str) -> str:
    """A cell's text as stored in a row: as written, surrounding spaces and zero-width marks
    stripped.  ``ＡＢＣ全角矿业有限公司`` stays full-width; only comparing normalises."""
    text = text.strip()
    if text and (text[0] in _ZERO_WIDTH or text[-1] in _ZERO_WIDTH):
        text = text.strip(_ZERO_WIDTH + " \t\r\n").strip()
    return text


@dataclass(frozen=True)
class RosterProblem:
    """Something wrong with a roster file.

    ``row`` is the 1-based line of the spreadsheet or CSV file (``None``: the whole file);
    ``column`` is the header as written in the file, a cell reference such as ``C5`` or a
    range such as ``A3:A5``; for a missing column it is the field's Chinese label.
    ``reason`` is a stable English code, ``message`` the Chinese (translated) explanation.
    """

    row: int | None
    column: str | None
    reason: str
    message: str


@dataclass(frozen=True)
class RosterRow:
    """One enterprise: ``values`` holds every key of :data:`FIELDS` ("" when empty)."""

    row: int
    values: dict[str, str]


@dataclass
class Roster:
    """What :func:`read_roster` found in a file."""

    path: Path
    mapping: dict[str, str] = field(default_factory=dict)  # field -> header as written
    ignored_columns: list[str] = field(default_factory=list)
    rows: list[RosterRow] = field(default_factory=list)
    problems: list[RosterProblem] = field(default_factory=list)
    encoding: str | None = None  # CSV only
    sheet: str | None = None  # xlsx only: the sheet read
    format: str | None = None  # "xlsx", "csv" or None when unsupported
    header_row: int | None = None
    delimiter: str | None = None  # CSV only

    @property
    def ok(self) -> bool:
        """True when the file has no problems at all."""
        return not self.problems

    @property
    def problem_rows(self) -> set[int]:
        """Line numbers that have at least one problem."""
        return {problem.row for problem in self.problems if problem.row is not None}

    def add(
        self, reason: str, message: str, row: int | None = None, column: str | None = None
    ) -> None:
        """Record a problem."""
        self.problems.append(RosterProblem(row=row, column=column, reason=reason, message=message))


def read_roster(path: Path) -> Roster:
    """Read a roster file (``.xlsx`` or CSV, decided by content) into rows and problems.

    Raises :class:`~archive.errors.InputError` only when the file does not exist, is a
    folder or cannot be read at all; any problem of the content is in ``Roster.problems``.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(
            _("找不到花名册文件：{path}", path=path), _("请检查文件路径和文件名是否正确")
        )
    if path.is_dir():
        raise InputError(
            _("“{path}”是文件夹，不是花名册文件", path=path), _("请指定一个 .xlsx 或 .csv 文件")
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(
            _("无法读取花名册文件：{path}（{error}）", path=path, error=describe_error(error)),
            _("请确认有读取权限，且文件没有被其他程序独占打开"),
        ) from error

    roster = Roster(path=path)
    if data.startswith(XLSX_SIGNATURE):
        _read_xlsx(roster, data)
    elif data.startswith(OLE_SIGNATURE):
        if _ENCRYPTED_STREAM in data:
            roster.add(
                "encrypted", _("文件设置了打开密码：请在 Excel 中取消密码后另存为 .xlsx 再导入")
            )
        else:
            roster.add(
                "unsupported_format",
                _("这是旧版 Excel（.xls）文件：请用 Excel 或 WPS 打开后另存为 .xlsx 再导入"),
            )
    else:
        _read_csv(roster, data)
    # Whole-file problems first, then by line; stable, so a line's problems keep their order.
    roster.problems.sort(key=lambda problem: (problem.row is not None, problem.row or 0))
    return roster


# --- header and rows, shared by CSV and xlsx ---------------------------------------------

Cells = Mapping[int, Any]  # column index -> raw cell (str for CSV, openpyxl cell for xlsx)
Rows = Iterator[tuple[int, Cells]]


@dataclass
class _Header:
    row: int
    texts: dict[int, str]  # column -> header text as written (stripped)
    columns: dict[str, int]  # field -> column
    duplicates: list[tuple[str, int]]  # (field, column) of a second column for a field

    @property
    def complete(self) -> bool:
        return all(name in self.columns for name in REQUIRED)


def _header_of(row: int, texts: dict[int, str]) -> _Header:
    columns: dict[str, int] = {}
    duplicates: list[tuple[str, int]] = []
    for column in sorted(texts):
        name = field_for_header(texts[column])
        if name is None:
            continue
        if name in columns:
            duplicates.append((name, column))
        else:
            columns[name] = column
    return _Header(row, texts, columns, duplicates)


def _find_header(rows: Rows, header_text: Callable[[Any], str]) -> tuple[_Header | None, int]:
    """Consume rows up to the header; return it (or the best candidate) and rows looked at."""
    best: _Header | None = None
    seen = 0
    for number, cells in rows:
        texts = {}
        for column, raw in cells.items():
            text = header_text(raw)
            if text:
                texts[column] = text
        if not texts:
            continue
        seen += 1
        header = _header_of(number, texts)
        if header.complete:
            return header, seen
        if best is None or len(header.columns) > len(best.columns):
            best = header
        if seen >= HEADER_SEARCH_ROWS:
            break
    return best, seen


def _report_missing_columns(roster: Roster, best: _Header | None) -> None:
    found = best.columns if best is not None and best.columns else {}
    row = best.row if found and best is not None else None
    for name in REQUIRED:
        if name in found:
            continue
        label = field_label(name)
        roster.add(
            "missing_column",
            _(
                "缺少“{column}”列：表头应为以下列名之一：{accepted}",
                column=label,
                accepted=join_items((*HEADER_ALIASES[name], name)),
            ),
            row=row,
            column=label,
        )


def _read_table(
    roster: Roster,
    rows: Rows,
    header_text: Callable[[Any], str],
    cell_text: Callable[[Any, int], str | None],
) -> _Header | None:
    """Find the header, then turn the remaining rows into :class:`RosterRow` objects.

    ``header_text(raw)`` gives a cell's plain text; ``cell_text(raw, row)`` the text of a
    mapped cell, or ``None`` when the cell itself is a problem (already reported).
    """
    header, seen = _find_header(rows, header_text)
    if header is None or not header.complete:
        if seen == 0:
            roster.add("empty_file", _("文件是空的，没有任何内容"))
        else:
            _report_missing_columns(roster, header)
        return None

    roster.header_row = header.row
    roster.mapping = {name: header.texts[column] for name, column in header.columns.items()}
    mapped = set(header.columns.values())
    roster.ignored_columns = [
        text
        for column, text in sorted(header.texts.items())
        if column not in mapped and (field_for_header(text) is None)
    ]
    for name, column in header.duplicates:
        first = header.texts[header.columns[name]]
        roster.add(
            "duplicate_header",
            _(
                "表头“{column}”与“{first}”都是“{field}”列，只读取了“{first}”：请删除或改名其中一列",
                column=header.texts[column],
                first=first,
                field=field_label(name),
            ),
            row=header.row,
            column=header.texts[column],
        )

    columns = list(header.columns.items())
    headers = roster.mapping
    count = 0
    for number, cells in rows:
        if not cells:
            continue
        values = dict.fromkeys(FIELDS, "")
        flagged: set[str] = set()
        for name, column in columns:
            raw = cells.get(column)
            if raw is None:
                continue
            text = cell_text(raw, number)
            if text is None:
                flagged.add(name)
                continue
            if not text:
                continue
            bad = _XML_INVALID.search(text)
            if bad:
                flagged.add(name)
                roster.add(
                    "invalid_character",
                    _(
                        "第{row}行“{column}”含有无法写入文书的控制字符（{char}）：请删除该字符后再导入",
                        row=number,
                        column=headers[name],
                        char=f"U+{ord(bad.group()):04X}",
                    ),
                    row=number,
                    column=headers[name],
                )
            # A code is an identifier (its full-width digits mean the same code); text is kept.
            values[name] = clean_value(text) if name == "credit_code" else cell_value(text)
        if not flagged and not any(values.values()):
            continue  # a blank row
        if count >= MAX_ROWS:
            roster.add(
                "too_many_rows",
                _(
                    "数据超过 {limit} 行，只读取了前 {limit} 行：请把花名册分成几个文件再导入",
                    limit=MAX_ROWS,
                ),
                row=number,
            )
            break
        count += 1
        for name in REQUIRED:
            if not values[name] and name not in flagged:
                roster.add(
                    "missing_value",
                    _("第{row}行：“{column}”为空", row=number, column=headers[name]),
                    row=number,
                    column=headers[name],
                )
        for name in ("credit_code", "phone"):
            if name not in flagged and _SCIENTIFIC.match(clean_value(values[name])):
                roster.add(
                    "scientific_notation",
                    _(
                        "第{row}行“{column}”的值“{value}”是科学计数法，原来的数字已经丢失："
                        "请在 Excel 中把该列设为“文本”格式，重新填写后再导出",
                        row=number,
                        column=headers[name],
                        value=values[name],
                    ),
                    row=number,
                    column=headers[name],
                )
        roster.rows.append(RosterRow(row=number, values=values))
    if count == 0:
        roster.add("no_data_rows", _("只有表头，表头下面没有企业数据"))
    return header


# --- CSV -----------------------------------------------------------------------------------


def _decode(roster: Roster, data: bytes) -> str | None:
    """Decode strictly; record the encoding, or a ``wrong_encoding`` problem."""
    skip = 0
    if data.startswith(codecs.BOM_UTF8):
        candidates: tuple[str, ...] = ("utf-8-sig",)
        skip = len(codecs.BOM_UTF8)  # decode after the BOM, so error offsets count from 0
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)  # Excel's "Unicode 文本" export
    else:
        candidates = ("utf-8", "gbk", "gb18030")
    failure: tuple[str, int] | None = None  # (codec, byte offset in data)
    for encoding in candidates:
        codec = "utf-8" if encoding == "utf-8-sig" else encoding
        try:
            text = data[skip:].decode(codec)
        except UnicodeDecodeError as error:
            failure = (codec, skip + error.start)
            if encoding == "utf-8" and _mostly_utf8(data, error.start):
                break  # a UTF-8 file with a damaged byte would "decode" as GBK into nonsense
            continue
        roster.encoding = encoding
        return text
    assert failure is not None
    codec, offset = failure
    line = data[skip:offset].decode(codec, errors="replace").count("\n") + 1
    roster.add(
        "wrong_encoding",
        _(
            "第{line}行（第{offset}个字节）有无法识别的字符，文件编码不是 UTF-8 或 GBK："
            "请用 Excel 或 WPS 打开后另存为 .xlsx，或另存为“CSV UTF-8”格式",
            line=line,
            offset=offset + 1,
        ),
        row=line,
    )
    return None


def _mostly_utf8(data: bytes, end: int) -> bool:
    """True when the bytes before a UTF-8 error already held several Chinese characters.

    GBK text fails UTF-8 decoding within its first few characters; a file that decoded
    four or more CJK ideographs as UTF-8 first is a UTF-8 file with a damaged byte.
    """
    prefix = data[:end].decode("utf-8")
    ideographs = 0
    for char in prefix:
        if "\u4e00" <= char <= "\u9fff":
            ideographs += 1
            if ideographs >= 4:
                return True
    return False


def _looks_like_markup(text: str) -> bool:
    head = text[:2048].lstrip("\ufeff \t\r\n").lower()
    if not head.startswith("<"):
        return False
    return any(
        mark in head
        for mark in ("<html", "<table", "<?xml", "urn:schemas-microsoft-com:office", "<!doctype")
    )


def _csv_rows(text: str, delimiter: str, roster: Roster | None = None) -> Rows:
    """Rows of a CSV text as (first line of the record, {column: text})."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    line = 1
    try:
        for record in reader:
            yield line, dict(enumerate(record))
            line = reader.line_num + 1
    except csv.Error as error:
        if roster is not None:
            roster.add(
                "unreadable",
                _("第{row}行无法解析为 CSV（{error}）", row=line, error=error),
                row=line,
            )


def _csv_header_text(raw: str) -> str:
    return raw.strip()


def _csv_cell_text(raw: str, row: int) -> str:
    return raw


def _choose_delimiter(text: str) -> str:
    """The delimiter under which a header row is found; else the most frequent one."""
    for delimiter in DELIMITERS:
        header, _seen = _find_header(_csv_rows(text, delimiter), _csv_header_text)
        if header is not None and header.complete:
            return delimiter
    first_line = next((line for line in text.split("\n", 20)[:20] if line.strip()), "")
    counts = {delimiter: first_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _read_csv(roster: Roster, data: bytes) -> None:
    roster.format = "csv"
    text = _decode(roster, data)
    if text is None:
        return
    if not text.strip():
        roster.add("empty_file", _("文件是空的，没有任何内容"))
        return
    if _looks_like_markup(text):
        roster.format = None
        roster.add(
            "unsupported_format",
            _(
                "这是网页或 XML 格式的表格（系统导出的“.xls”常是这种格式）："
                "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入"
            ),
        )
        return
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    roster.delimiter = _choose_delimiter(text)
    _read_table(roster, _csv_rows(text, roster.delimiter, roster), _csv_header_text, _csv_cell_text)


# --- xlsx ----------------------------------------------------------------------------------
#
# Choice of openpyxl mode (measured on a 10,000-row × 8-column roster): read_only=True takes
# about 0.95 s, read_only=False about 1.15 s.  Only the full mode knows merged cells, data
# types and the sheet state, so the roster is read once with read_only=False.  Cells are
# taken from the worksheet's cell dictionary instead of iter_rows(): iter_rows() would create
# a cell for every position up to max_row × max_column, and a stray formatted cell at row
# 1,048,576 (common in clerks' files) would make that millions of cells.


def _number_text(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        return repr(value)
    if value.is_integer():
        return str(int(value))
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text


def _value_text(value: Any) -> str:
    """The text of a cell value as a clerk sees it (no scientific notation, ISO dates)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _xlsx_header_text(cell: Any) -> str:
    if cell.data_type == "f":
        return ""
    return _value_text(cell.value).strip()


def _xlsx_cell_reader(roster: Roster) -> Callable[[Any, int], str | None]:
    from openpyxl.cell.cell import MergedCell

    def cell_text(cell: Any, row: int) -> str | None:
        if isinstance(cell, MergedCell):
            return None  # reported once for the whole merged range
        value = cell.value
        if value is None:
            return ""
        if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=")):
            roster.add(
                "formula",
                _(
                    "单元格 {cell} 是公式：请复制后“选择性粘贴为数值”，再导入",
                    cell=cell.coordinate,
                ),
                row=row,
                column=cell.coordinate,
            )
            return None
        if cell.data_type == "e":
            roster.add(
                "error_value",
                _(
                    "单元格 {cell} 是错误值 {value}：请改正后再导入",
                    cell=cell.coordinate,
                    value=value,
                ),
                row=row,
                column=cell.coordinate,
            )
            return None
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and abs(value) >= _EXCEL_DIGITS
        ):
            roster.add(
                "number_too_long",
                _(
                    "单元格 {cell} 的数字超过 15 位，Excel 已把末尾几位变成 0："
                    "请把该列设为“文本”格式后重新填写",
                    cell=cell.coordinate,
                ),
                row=row,
                column=cell.coordinate,
            )
            return None
        return _value_text(value)

    return cell_text


def _zip_kind(data: bytes) -> str | None:
    """``None`` for an .xlsx-like zip, else the extension of what it really is."""
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # let openpyxl report the damage
    if "xl/workbook.bin" in names:
        return ".xlsb"
    if "mimetype" in names and b"opendocument.spreadsheet" in data[:200]:
        return ".ods"
    if "word/document.xml" in names:
        return ".docx"
    return None


def _read_xlsx(roster: Roster, data: bytes) -> None:
    import openpyxl

    roster.format = "xlsx"
    kind = _zip_kind(data)
    if kind is not None:
        roster.format = None
        roster.add(
            "unsupported_format",
            _(
                "这是 {kind} 文件，不是 .xlsx：请用 Excel 或 WPS 打开后另存为 .xlsx 再导入",
                kind=kind,
            ),
        )
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "extension is not supported" and the like
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=False)
    except Exception as error:  # any failure of the library: the file is damaged
        detail = describe_error(error)
        roster.add(
            "unreadable",
            _(
                "无法打开 Excel 文件（{error}）：文件可能已损坏，请用 Excel 或 WPS 打开后重新另存为 .xlsx",
                error=detail,
            ),
        )
        return

    sheets = workbook.worksheets
    visible = [sheet for sheet in sheets if sheet.sheet_state == "visible"]
    sheet = visible[0] if visible else (sheets[0] if sheets else None)
    if sheet is None:
        roster.add("empty_file", _("文件是空的，没有任何内容"))
        return
    roster.sheet = sheet.title

    by_row: dict[int, dict[int, Any]] = {}
    cells = getattr(sheet, "_cells", None)
    if isinstance(cells, dict):
        for (row, column), cell in cells.items():
            by_row.setdefault(row, {})[column] = cell
    else:  # pragma: no cover - older or newer openpyxl without the cell dictionary
        for line in sheet.iter_rows():
            for cell in line:
                by_row.setdefault(cell.row, {})[cell.column] = cell
    rows = ((row, by_row[row]) for row in sorted(by_row))
    header = _read_table(roster, rows, _xlsx_header_text, _xlsx_cell_reader(roster))
    if header is None:
        return

    mapped = set(header.columns.values())
    for merged in sheet.merged_cells.ranges:
        if merged.max_row < header.row:
            continue  # a title above the header
        if not any(merged.min_col <= column <= merged.max_col for column in mapped):
            continue  # only columns that are not read
        roster.add(
            "merged_cells",
            _(
                "单元格 {cells} 是合并单元格：请取消合并，并在每一行填上完整内容",
                cells=merged.coord,
            ),
            row=merged.min_row,
            column=merged.coord,
        )
