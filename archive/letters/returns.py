"""Letters coming back: a letter we issued returned (signed or not), and a commitment an
enterprise returned on its own template.

Owns the return of a letter in the ``letters`` table (issued by :mod:`archive.letters.issue`)
and the ``commitments`` table: commitments returned on the enterprise's own template, keyed
``<credit code>|<year>|<level>``.  Ingest emits the events when it files the documents.
"""

from __future__ import annotations

from typing import Any

from archive import dossier, uscc
from archive.enterprises import TABLE as ENTERPRISES
from archive.events import event
from archive.i18n import N_
from archive.index import Index
from archive.letters.issue import LETTERS_TABLE
from archive.store import Archive

COMMITMENTS = "commitments"
RETURNED = "returned"


def returned_letter(index: Index, serial: str | None) -> str | None:
    """The serial of the letter a returned document carries, when the archive issued it."""
    if serial and index.table(LETTERS_TABLE).record(serial) is not None:
        return serial
    return None


def commitment_letter(index: Index, code: str, year: int, level: str) -> str | None:
    """The commitment letter we issued ``code`` for ``year`` at ``level`` that a returned copy
    on the enterprise's own template stands for: one not yet returned signed."""
    letters = index.table(LETTERS_TABLE)
    for serial in (index.table(ENTERPRISES).record(code) or {}).get("letters", []):
        letter = letters.record(serial)
        if (
            letter is not None
            and letter.get("category") == "commitment"
            and letter.get("year") == year
            and letter.get("level") == level
            and not (letter.get("status") == RETURNED and letter.get("signed"))
        ):
            return str(serial)
    return None


def commitment_signed(index: Index, code: str, year: int, level: str) -> bool:
    """Whether the enterprise's own commitment for ``year`` at ``level`` came back signed."""
    known = index.table(COMMITMENTS).record(f"{code}|{year}|{level}")
    return bool(known and known.get("signed"))


@dossier.section("commitments", order=40)
def commitments_for(archive: Archive, code: str) -> list[dict[str, Any]]:
    """Commitments an enterprise returned on its own template (no serial), by year and level."""
    table = archive.index().table(COMMITMENTS)
    prefix = f"{uscc.compact(code)}|"
    rows = [dict(table.record(key) or {}) for key in table.ids() if key.startswith(prefix)]
    return sorted(rows, key=lambda row: (row.get("year") or 0, row.get("level") or ""))


# -- events ------------------------------------------------------------------------------------


def _returned(data: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "status": RETURNED,
        "returned_at": entry["time"],
        "returned_document": data["document"],
        "signed": bool(data.get("signed")),
        "signer": data.get("signer"),
        "sign_date": data.get("sign_date"),
    }


def _letter_summary(data: dict[str, Any]) -> str:
    return f"{data.get('credit_code') or ''} {data.get('serial')}".strip()


@event("letter.returned", label=N_("文书退回"), summary=_letter_summary)
def _letter_returned(index: Index, entry: dict[str, Any]) -> None:
    data = entry["data"]
    letter = index.table(LETTERS_TABLE).record(data["serial"])
    if letter is None:
        return
    letter.update(_returned(data, entry))
    if data.get("without_serial"):
        letter["returned_without_serial"] = True


def _commitment_summary(data: dict[str, Any]) -> str:
    return f"{data.get('credit_code')} {data.get('year')}"


@event("commitment.returned", label=N_("承诺书退回（单位自拟文本）"), summary=_commitment_summary)
def _commitment_returned(index: Index, entry: dict[str, Any]) -> None:
    data = entry["data"]
    code, year, level = data["credit_code"], data["year"], data["level"]
    index.table(COMMITMENTS).put(
        f"{code}|{year}|{level}",
        {"credit_code": code, "year": year, "level": level, "serial": None}
        | _returned(data, entry),
    )
