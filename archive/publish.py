"""Public lists (信息公布): the blacklist, confirmed records, signed commitments and the green
channel as .xlsx, .csv and one self-contained .html page.

Only the allow-listed fields of each kind (:data:`KINDS`) leave the archive; persons' names are
masked (黄某某), credit codes are printed in full (they are public).  Before anything is
written, :func:`gate` scans every output cell and refuses the whole publication when one holds
a full resident ID number (18 characters with a valid GB 11643 check, also inside longer text)
or a mobile number (``1[3-9]`` and nine digits, not part of a longer digit run) — PIPL arts.
34, 55 (domain.md §8).  Each publication is an event ``publication.made`` (kind, as-of day,
rows, the files with their SHA-256), so "what did we publish on 3 March" has an answer.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from archive import resident_id
from archive.errors import CreditError, UsageError
from archive.events import event
from archive.i18n import N_, _, join_items
from archive.index import Index
from archive.store import Archive

TABLE = "publications"
FORMATS = ("xlsx", "csv", "html")
ADDRESS = ("address", N_("地址"))

# The allow-list: the only fields each kind publishes (key, header), in order.  ``address`` is
# added last with ``--with-address``.  Keys marked in MASKED are persons' names.
KINDS: dict[str, dict[str, Any]] = {
    "blacklist": {
        "title": N_("安全生产失信联合惩戒对象名单（黑名单）"),
        "columns": [
            ("credit_code", N_("统一社会信用代码")),
            ("name", N_("单位名称")),
            ("legal_representative", N_("法定代表人")),
            ("criterion_text", N_("列入事由")),
            ("listed_on", N_("列入日期")),
            ("ends_on", N_("届满日期")),
        ],
    },
    "records": {
        "title": N_("安全生产不良信用记录"),
        "columns": [
            ("credit_code", N_("统一社会信用代码")),
            ("name", N_("单位名称")),
            ("legal_representative", N_("法定代表人")),
            ("criterion_text", N_("不良信用情形")),
            ("date", N_("认定日期")),
        ],
    },
    "commitments": {
        "title": N_("安全生产承诺书签订单位"),
        "columns": [
            ("credit_code", N_("统一社会信用代码")),
            ("name", N_("单位名称")),
            ("industry", N_("行业")),
            ("year", N_("年度")),
            ("sign_date", N_("签订日期")),
        ],
    },
    "green-channel": {
        "title": N_("安全生产守信单位（绿色通道）"),
        "columns": [
            ("credit_code", N_("统一社会信用代码")),
            ("name", N_("单位名称")),
            ("industry", N_("行业")),
        ],
    },
}
MASKED = frozenset({"legal_representative"})

_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_CHARS = re.compile(r"[\dX]{18}")


def mask_name(name: Any) -> str:
    """A person's name as public lists print it: the surname and 某某.

    >>> mask_name("黄大明"), mask_name("黄"), mask_name(""), mask_name(None)
    ('黄某某', '黄某某', '', '')
    """
    text = str(name or "").strip()
    return f"{text[0]}某某" if text else ""


def find_pii(text: str) -> str | None:
    """``"resident_id"`` or ``"mobile"`` when ``text`` holds a full one (full-width digits and a
    lower-case x count), else None.

    >>> find_pii("电话13812345678"), find_pii("138123456789"), find_pii("号11010519491231002x号")
    ('mobile', None, 'resident_id')
    """
    text = unicodedata.normalize("NFKC", text).upper()
    for start in range(len(text) - resident_id.LENGTH + 1):
        window = text[start : start + resident_id.LENGTH]
        if _ID_CHARS.fullmatch(window) and resident_id.is_valid(window):
            return "resident_id"
    if _MOBILE.search(text):
        return "mobile"
    return None


PII_LABELS = {"resident_id": N_("身份证号码"), "mobile": N_("手机号码")}


def gate(columns: list[tuple[str, str]], rows: list[dict[str, Any]]) -> None:
    """Refuse (CreditError, exit 1) when any cell holds a full resident ID or mobile number,
    naming the row (1-based, as in the published table) and the column; the number itself is
    not repeated."""
    for number, row in enumerate(rows, start=1):
        for key, header in columns:
            found = find_pii(str(row.get(key) if row.get(key) is not None else ""))
            if found:
                raise CreditError(
                    _(
                        "公布内容第 {row} 行（{code}）“{column}”列含有完整的{what}，"
                        "已拒绝公布，未写出任何文件",
                        row=number,
                        code=row.get("credit_code") or "—",
                        column=_(header),
                        what=_(PII_LABELS[found]),
                    ),
                    _(
                        "先更正该单位或记录中的这一项（单位信息用 credit enterprise update 代码 "
                        "--name/--address …），再公布"
                    ),
                )


# -- rows of each kind -------------------------------------------------------------------------


def _enterprises(index: Index) -> dict[str, dict[str, Any]]:
    from archive.enterprises import TABLE as ENTERPRISES

    table = index.table(ENTERPRISES)
    return {key: table.record(key) or {} for key in table.ids()}


def _blacklist_rows(archive: Archive, as_of: date) -> list[dict[str, Any]]:
    from archive.blacklist import TABLE as BLACKLIST
    from archive.blacklist import active_entries
    from archive.workdays import calendar_for

    index = archive.index()
    calendar = calendar_for(archive)
    table = index.table(BLACKLIST)
    codes = sorted({(table.record(key) or {}).get("credit_code") or "" for key in table.ids()})
    rows = []
    for code in codes:
        if code:
            rows.extend(active_entries(index, code, as_of, calendar=calendar))
    return rows


def _records_rows(archive: Archive, as_of: date) -> list[dict[str, Any]]:
    from archive.records import CONFIRMED, list_records

    day = as_of.isoformat()
    return [
        row
        for row in list_records(archive, status=CONFIRMED)
        if (row.get("date") or "") <= day and (row.get("decided_at") or "")[:10] <= day
    ]


def _commitments_rows(archive: Archive, as_of: date) -> list[dict[str, Any]]:
    from archive.letters.issue import LETTERS_TABLE
    from archive.letters.returns import COMMITMENTS, RETURNED

    index = archive.index()
    day = as_of.isoformat()
    found: dict[str, dict[str, Any]] = {}
    letters = index.table(LETTERS_TABLE)
    for serial in letters.ids():
        letter = letters.record(serial) or {}
        if (
            letter.get("category") == "commitment"
            and letter.get("year") == as_of.year
            and letter.get("status") == RETURNED
            and letter.get("signed")
            and (letter.get("returned_at") or "")[:10] <= day
            and letter.get("credit_code")
        ):
            found.setdefault(letter["credit_code"], {"sign_date": letter.get("sign_date")})
    own = index.table(COMMITMENTS)
    for key in own.ids():
        row = own.record(key) or {}
        if (
            row.get("year") == as_of.year
            and row.get("signed")
            and (row.get("returned_at") or "")[:10] <= day
            and row.get("credit_code")
        ):
            found.setdefault(row["credit_code"], {"sign_date": row.get("sign_date")})
    return [
        {"credit_code": code, "year": as_of.year, **value} for code, value in sorted(found.items())
    ]


def _green_rows(archive: Archive, as_of: date) -> list[dict[str, Any]]:
    from archive.standing import green_channel

    return green_channel(archive, as_of)


_ROWS = {
    "blacklist": _blacklist_rows,
    "records": _records_rows,
    "commitments": _commitments_rows,
    "green-channel": _green_rows,
}


def columns_of(kind: str, *, with_address: bool = False) -> list[tuple[str, str]]:
    """The allow-listed columns of ``kind`` (UsageError for an unknown kind)."""
    if kind not in KINDS:
        raise UsageError(
            _("没有“{kind}”这种公布名单：可选 {choices}", kind=kind, choices=join_items(KINDS))
        )
    return [*KINDS[kind]["columns"], *([ADDRESS] if with_address else [])]


def public_rows(
    archive: Archive, kind: str, as_of: date, *, with_address: bool = False
) -> list[dict[str, Any]]:
    """The rows of ``kind`` at ``as_of``, holding only the allow-listed keys, names masked."""
    columns = columns_of(kind, with_address=with_address)
    enterprises = _enterprises(archive.index())
    rows = []
    for source in _ROWS[kind](archive, as_of):
        enterprise = enterprises.get(source.get("credit_code") or "", {})
        row = {}
        for key, _header in columns:
            value = source.get(key)
            if value is None or key in ("name", "legal_representative", "industry", "address"):
                value = enterprise.get(key, value)
            if key in MASKED:
                value = mask_name(value)
            row[key] = "" if value is None else value
        rows.append(row)
    return rows


# -- files -------------------------------------------------------------------------------------


def csv_bytes(columns: list[tuple[str, str]], rows: list[dict[str, Any]]) -> bytes:
    """UTF-8 with a BOM (Excel opens it as UTF-8), CRLF lines, a header of the column names."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_(header) for _key, header in columns])
    for row in rows:
        writer.writerow([row.get(key, "") for key, _header in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


_HTML = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: "SimSun", "Songti SC", serif; margin: 2em; }}
h1 {{ font-size: 1.4em; text-align: center; }}
p.meta {{ text-align: center; color: #444; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #888; padding: 0.3em 0.5em; text-align: left; }}
th {{ background: #eee; cursor: pointer; user-select: none; }}
th[aria-sort="ascending"]::after {{ content: " \\25B2"; }}
th[aria-sort="descending"]::after {{ content: " \\25BC"; }}
#filter {{ margin: 0.5em 0; padding: 0.3em; width: 20em; }}
@media print {{
  @page {{ size: A4 landscape; margin: 15mm; }}
  body {{ margin: 0; }}
  #filter {{ display: none; }}
  th {{ background: none; }}
  thead {{ display: table-header-group; }}
  tr {{ page-break-inside: avoid; }}
  th[aria-sort]::after {{ content: ""; }}
}}
</style>
</head>
<body>
<h1>{title}</h1>
<p class="meta">{meta}</p>
<input id="filter" type="search" placeholder="{placeholder}" aria-label="{placeholder}">
<table id="list">
<thead><tr>{head}</tr></thead>
<tbody>
{body}
</tbody>
</table>
<script>
(function () {{
  var table = document.getElementById("list"), body = table.tBodies[0];
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {{
    th.addEventListener("click", function () {{
      var up = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(th.parentNode.cells, function (c) {{ c.removeAttribute("aria-sort"); }});
      th.setAttribute("aria-sort", up ? "ascending" : "descending");
      Array.prototype.slice.call(body.rows).sort(function (a, b) {{
        var x = a.cells[col].textContent, y = b.cells[col].textContent;
        return (up ? 1 : -1) * x.localeCompare(y, "zh-CN", {{numeric: true}});
      }}).forEach(function (row) {{ body.appendChild(row); }});
    }});
  }});
  document.getElementById("filter").addEventListener("input", function () {{
    var words = this.value.trim().toLowerCase();
    Array.prototype.forEach.call(body.rows, function (row) {{
      row.hidden = words !== "" && row.textContent.toLowerCase().indexOf(words) < 0;
    }});
  }});
}})();
</script>
</body>
</html>
"""


def html_bytes(
    title: str, meta: str, columns: list[tuple[str, str]], rows: list[dict[str, Any]]
) -> bytes:
    """One page with everything inline: the table, a filter box, sorting by a header click,
    and print CSS (A4 landscape, the header repeated on every page)."""
    head = "".join(f"<th>{html.escape(_(header))}</th>" for _key, header in columns)
    body = "\n".join(
        "<tr>"
        + "".join(f"<td>{html.escape(str(row.get(key, '')))}</td>" for key, _h in columns)
        + "</tr>"
        for row in rows
    )
    page = _HTML.format(
        title=html.escape(title),
        meta=html.escape(meta),
        placeholder=html.escape(_("筛选：输入单位名称、代码等")),
        head=head,
        body=body,
    )
    return page.encode("utf-8")


def xlsx_bytes(title: str, columns: list[tuple[str, str]], rows: list[dict[str, Any]]) -> bytes:
    from archive.xlsx import Sheet, workbook_bytes

    return workbook_bytes([Sheet(title, [(key, _(header)) for key, header in columns], rows)])


@dataclass
class Publication:
    """What :func:`publish` wrote."""

    kind: str
    as_of: str
    rows: int
    files: list[dict[str, str]]

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "as_of": self.as_of, "rows": self.rows, "files": self.files}


def publish(
    archive: Archive,
    kind: str,
    as_of: date,
    *,
    out: Path | None = None,
    formats: tuple[str, ...] = FORMATS,
    with_address: bool = False,
) -> Publication:
    """Build the list, pass it through :func:`gate`, write the files, record the event."""
    from archive.fsutil import atomic_write
    from archive.validation import check_date

    # a public list is of what stands: never of a day still to come
    check_date(as_of, what=_("--as-of：公布截至的日期不能晚于今天"))

    columns = columns_of(kind, with_address=with_address)
    bad = [item for item in formats if item not in FORMATS]
    if bad or not formats:
        raise UsageError(
            _(
                "格式 {value} 不可用：可选 {choices}",
                value=",".join(bad) or '""',
                choices=join_items(FORMATS),
            )
        )
    rows = public_rows(archive, kind, as_of, with_address=with_address)
    gate(columns, rows)  # before anything is written
    title = _(KINDS[kind]["title"])
    meta = _("截至 {day}，共 {count} 条", day=as_of.isoformat(), count=len(rows))
    folder = Path(out) if out is not None else archive.root / "out" / "publish"
    contents = {
        "xlsx": lambda: xlsx_bytes(title, columns, rows),
        "csv": lambda: csv_bytes(columns, rows),
        "html": lambda: html_bytes(title, meta, columns, rows),
    }
    made = [(item, contents[item]()) for item in FORMATS if item in formats]
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for item, data in made:
        path = folder / f"{kind}-{as_of.isoformat()}.{item}"
        atomic_write(path, data)
        files.append(
            {"format": item, "path": str(path), "sha256": hashlib.sha256(data).hexdigest()}
        )
    publication = Publication(kind, as_of.isoformat(), len(rows), files)
    with archive.transaction() as tx:
        tx.emit("publication.made", {**publication.as_dict(), "with_address": with_address})
    return publication


def list_publications(archive: Archive, day: date | None = None) -> list[dict[str, Any]]:
    """Publications (made on ``day``, local date of the event), oldest first."""
    table = archive.index().table(TABLE)
    rows = [dict(table.record(key) or {}) for key in sorted(table.ids())]
    if day is not None:
        rows = [row for row in rows if (row.get("at") or "")[:10] == day.isoformat()]
    return rows


def _summary(data: dict[str, Any]) -> str:
    return f"{data.get('kind')} {data.get('as_of')} ({data.get('rows')})"


@event("publication.made", label=N_("公布名单"), summary=_summary)
def _made(index: Index, entry: dict[str, Any]) -> None:
    data = entry["data"]
    index.table(TABLE).put(
        f"{entry['seq']:08d}",
        {
            "seq": entry["seq"],
            "kind": data["kind"],
            "as_of": data["as_of"],
            "rows": data["rows"],
            "with_address": bool(data.get("with_address")),
            "files": [dict(item) for item in data["files"]],
            "at": entry["time"],
            "by": entry["actor"],
        },
    )
