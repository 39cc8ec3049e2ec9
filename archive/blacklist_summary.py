"""``credit blacklist summary``: the blacklist at a date, for the monthly report to the leadership.

Read only, from what :mod:`archive.blacklist` gives (:func:`~archive.blacklist.list_entries` for
the rows with their ends and removal due, :func:`~archive.blacklist.active_entries` for the rule
of "in force" that standing applies):

``current``
    entries in force at ``as_of`` (published on or before it, term not over, not removed), counted
    by industry and by section of the enterprise;
``entering``
    entries published (信息公布) in ``as_of``'s month, up to ``as_of``;
``leaving``
    entries removed in that month up to ``as_of`` (``how``: ``removed``), and listed entries not
    removed whose term ends in that month, before or after ``as_of`` (``term_ends``);
``expiring``
    entries in force whose term ends after ``as_of`` and within ``within`` days of it;
``due_for_removal``
    entries whose term is over and that are not removed yet;
``removed_this_year``
    entries removed (信息移出, early or at the end of the term) in ``as_of``'s year, up to it.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from archive import blacklist
from archive.errors import UsageError
from archive.i18n import N_, _
from archive.store import Archive

MAX_WITHIN = 3660  # ten years: a longer horizon is a typing slip
PARTS = ("current", "entering", "leaving", "expiring", "due_for_removal", "removed_this_year")
PART_LABELS = {
    "current": N_("在列条目"),
    "entering": N_("本月列入"),
    "leaving": N_("本月移出或期满"),
    "expiring": N_("即将期满"),
    "due_for_removal": N_("期满应移出"),
    "removed_this_year": N_("本年已移出"),
}
HOW_LABELS = {"removed": N_("已移出"), "term_ends": N_("本月期满")}
ROW_KEYS = (
    "id",
    "credit_code",
    "name",
    "industry",
    "section",
    "town",
    "criterion",
    "criterion_short",
    "status",
    "stage",
    "listed_on",
    "ends_on",
    "removed_on",
    "early",
    "term_years",
)


def check_within(within: int) -> int:
    if isinstance(within, bool) or not isinstance(within, int) or not 0 <= within <= MAX_WITHIN:
        raise UsageError(
            _(
                "--within 应是 0 到 {most} 之间的整数（天），不是 {value!r}",
                most=MAX_WITHIN,
                value=within,
            )
        )
    return within


def _counts(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    counted = Counter(row.get(key) or "" for row in rows)
    return [{key: value, "count": count} for value, count in sorted(counted.items())]


def _listed_at(row: dict[str, Any], day: str) -> bool:
    """Whether an entry was on the list at ``day``: listed now, or removed after that day (a
    summary as of a past date reads the entry as it stood then)."""
    if row["status"] == blacklist.LISTED:
        return True
    return row["status"] == blacklist.REMOVED and str(row.get("removed_on") or "") > day


def summary(archive: Archive, as_of: date, within: int = 30) -> dict[str, Any]:
    """The blacklist at ``as_of``: ``{as_of, within, month, year, counts: {part: n},
    current_by_industry: [{industry, count}], current_by_section: [{section, count}],
    <part>: [row …] for each of PARTS}``; a row carries ROW_KEYS (and ``how`` in ``leaving``)."""
    within = check_within(within)
    index = archive.index()
    enterprises = index.table("enterprises")
    day = as_of.isoformat()
    month, year = day[:7], day[:4]
    horizon = (as_of + timedelta(days=within)).isoformat()
    rows = []
    for entry in blacklist.list_entries(archive, as_of=as_of):
        enterprise = enterprises.record(entry["credit_code"]) or {}
        row = {key: entry.get(key) for key in ROW_KEYS}
        row.update(
            name=entry.get("name") or enterprise.get("name") or "",
            industry=enterprise.get("industry") or "",
            section=enterprise.get("section") or "",
            town=enterprise.get("town") or "",
            due_for_removal=bool(entry.get("due_for_removal")),
        )
        rows.append(row)
    from archive.workdays import calendar_for

    calendar = calendar_for(archive)
    in_force: set[str] = set()
    for code in sorted({row["credit_code"] for row in rows}):
        in_force.update(
            found["id"] for found in blacklist.active_entries(index, code, as_of, calendar=calendar)
        )
    removed = [
        row
        for row in rows
        if row["status"] == blacklist.REMOVED and row["removed_on"] and row["removed_on"] <= day
    ]
    current = [row for row in rows if row["id"] in in_force]
    parts: dict[str, list[dict[str, Any]]] = {
        "current": current,
        "entering": [
            row
            for row in rows
            if row["listed_on"] and row["listed_on"][:7] == month and row["listed_on"] <= day
        ],
        "leaving": [{**row, "how": "removed"} for row in removed if row["removed_on"][:7] == month]
        + [
            {**row, "how": "term_ends"}
            for row in rows
            if _listed_at(row, day) and row["ends_on"] and row["ends_on"][:7] == month
        ],
        "expiring": [row for row in current if row["ends_on"] and day < row["ends_on"] <= horizon],
        "due_for_removal": [row for row in rows if row["due_for_removal"]],
        "removed_this_year": [row for row in removed if row["removed_on"][:4] == year],
    }
    return {
        "as_of": day,
        "within": within,
        "month": month,
        "year": int(year),
        "counts": {part: len(parts[part]) for part in PARTS},
        "current_by_industry": _counts(current, "industry"),
        "current_by_section": _counts(current, "section"),
        **parts,
    }


XLSX_COLUMNS = [
    ("id", N_("编号")),
    ("credit_code", N_("统一社会信用代码")),
    ("name", N_("单位名称")),
    ("industry", N_("行业")),
    ("section", N_("负责股室")),
    ("criterion", N_("情形")),
    ("status", N_("状态")),
    ("listed_on", N_("列入日期")),
    ("ends_on", N_("届满日期")),
    ("removed_on", N_("移出日期")),
]


def write_xlsx(found: dict[str, Any], path: Path) -> Path:
    """A :func:`summary` as a workbook: the counts (统计), then one sheet per part."""
    counts = [{"part": _(PART_LABELS[part]), "count": found["counts"][part]} for part in PARTS]
    counts += [
        {"part": _("在列：{value}", value=row["industry"] or _("（未填）")), "count": row["count"]}
        for row in found["current_by_industry"]
    ]
    counts += [
        {"part": _("在列：{value}", value=row["section"] or _("（未填）")), "count": row["count"]}
        for row in found["current_by_section"]
    ]
    from archive.xlsx import Sheet, write_workbook

    sheets = [Sheet(_("统计"), [("part", _("类别")), ("count", _("条目数"))], counts)]
    for part in PARTS:
        columns = XLSX_COLUMNS
        rows = found[part]
        if part == "leaving":
            columns = [("how_label", N_("事由")), *XLSX_COLUMNS]
            rows = [{**row, "how_label": _(HOW_LABELS[row["how"]])} for row in rows]
        headed = [(key, _(label)) for key, label in columns]
        sheets.append(Sheet(_(PART_LABELS[part]), headed, rows))
    return write_workbook(path, sheets)
