"""Rectifications: what an order (责令限期整改指令书) asks an enterprise to put right, until a
re-inspection (复查意见书) finds it done.

Owns the ``rectifications`` table, keyed ``<credit code>|<order number>`` (the first twelve
hex digits of the order's SHA-256 when it has no number).  Ingest emits the events when it
files the documents; this module only records them.
"""

from __future__ import annotations

from typing import Any

from archive import dossier, uscc
from archive.events import event
from archive.i18n import N_
from archive.index import Index, bucket
from archive.store import Archive

TABLE = "rectifications"
OPEN = "open"
CLOSED = "closed"


def order_key(code: str, order_number: str | None, document: str) -> str:
    """The key of the rectification an order opens."""
    return f"{code}|{order_number or document[:12]}"


def reviewed_by(index: Index, code: str, follows: str | None) -> list[str]:
    """Keys of the open rectifications a re-inspection of ``code`` reviews: the order it names
    (``follows``) when the archive holds that one, else every open order of the enterprise."""
    table = index.table(TABLE)
    keys = sorted(key for key in table.in_slices([bucket(code)]) if key.startswith(f"{code}|"))
    if follows:
        keys = [key for key in keys if key == f"{code}|{follows}"] or keys
    return [key for key in keys if (table.record(key) or {}).get("status") == OPEN]


@dossier.section("open_rectifications", order=30)
def open_rectifications(archive: Archive, code: str | None = None) -> list[dict[str, Any]]:
    """Open rectifications (of one enterprise, or all), earliest deadline first."""
    table = archive.index().table(TABLE)
    if code:  # the slice of its code alone
        code = uscc.compact(code)
        held = table.in_slices([bucket(code)])
        rows = [dict(row) for key, row in held.items() if key.startswith(f"{code}|")]
    else:
        rows = [dict(table.record(key) or {}) for key in table.ids()]
    rows = [row for row in rows if row.get("status") == OPEN]
    if code:
        rows = [row for row in rows if row.get("credit_code") == code]
    return sorted(rows, key=lambda row: (row.get("deadline") or "", row.get("credit_code") or ""))


# -- events ------------------------------------------------------------------------------------


def _summary(data: dict[str, Any]) -> str:
    return f"{data.get('credit_code')} {data.get('key', '').partition('|')[2]}"


@event("rectification.opened", label=N_("责令整改"), summary=_summary)
def _opened(index: Index, entry: dict[str, Any]) -> None:
    data = entry["data"]
    index.table(TABLE).put(
        data["key"],
        {
            "credit_code": data["credit_code"],
            "order_number": data.get("order_number"),
            "deadline": data.get("deadline"),
            "problems": data.get("problems", []),
            "status": OPEN,
            "opened_by": data["document"],
            "opened_at": entry["time"],
        },
    )


@event("rectification.reviewed", label=N_("整改复查"), summary=_summary)
def _reviewed(index: Index, entry: dict[str, Any]) -> None:
    data = entry["data"]
    item = index.table(TABLE).record(data["key"])
    if item is not None:
        item.setdefault("reviews", []).append(
            {"document": data["document"], "date": data.get("date"), "rectified": data["rectified"]}
        )


@event("rectification.closed", label=N_("整改完成"), summary=_summary)
def _closed(index: Index, entry: dict[str, Any]) -> None:
    data = entry["data"]
    item = index.table(TABLE).record(data["key"])
    if item is not None:
        item.update(status=CLOSED, closed_by=data["document"], closed_on=data.get("date"))
