"""Letters coming back: a letter we issued returned (signed or not), and a commitment an
enterprise returned on its own template.

Owns the return of a letter in the ``letters`` table (issued by :mod:`archive.letters.issue`)
and the ``commitments`` table: commitments returned on the enterprise's own template, keyed
``<credit code>|<year>|<level>``.  Ingest emits the events when it files the documents.
"""

from __future__ import annotations

from typing import Any

from archive import dossier, uscc
from archive.enterprises import log_of
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
    for serial in log_of(index, code).get("letters", []):
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
    signed = data.get("signed")
    return {
        "status": RETURNED,
        "returned_at": entry["time"],
        "returned_document": data["document"],
        # None: a scan whose signature could not be told (the clerk decides: credit letter)
        "signed": None if signed is None else bool(signed),
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
    if letter.get("status") == RETURNED and letter.get("signed") and not data.get("signed"):
        # A signed copy is never undone by another copy: page 1 photographed on its own, an
        # unsigned copy found in a drawer.  (A clerk's decision can: letter.signature_decided.)
        letter.setdefault("later_copies", []).append(data["document"])
        return
    letter.update(_returned(data, entry))
    if data.get("without_serial"):
        letter["returned_without_serial"] = True


def _decided_summary(data: dict[str, Any]) -> str:
    return f"{data.get('serial')} {'signed' if data.get('signed') else 'unsigned'}"


@event("letter.signature_decided", label=N_("签字盖章人工核定"), summary=_decided_summary)
def _signature_decided(index: Index, entry: dict[str, Any]) -> None:
    data = entry["data"]
    letter = index.table(LETTERS_TABLE).record(data["serial"])
    if letter is None:
        return
    letter["signed"] = bool(data["signed"])
    letter["signature_decided"] = {
        "signed": bool(data["signed"]),
        "reason": data.get("reason"),
        "actor": entry.get("actor"),
        "at": entry["time"],
    }


def decide_signature(archive: Archive, serial: str, signed: bool, reason: str) -> dict[str, Any]:
    """A clerk's decision on a returned letter whose signature a scan could not tell (or that
    was told wrong): ``letter.signature_decided`` with the reason; returns the letter."""
    from archive.errors import CreditError, UsageError
    from archive.i18n import _

    if not reason or not reason.strip():
        raise UsageError(_("请用 --reason 写明核定依据（例如：已核对原件，有签字和公章）"))
    with archive.transaction() as tx:
        letter = tx.index.table(LETTERS_TABLE).record(serial)
        if letter is None:
            raise CreditError(_("没有编号为 {serial} 的文书", serial=serial))
        if letter.get("status") != RETURNED:
            raise CreditError(
                _("文书 {serial} 尚未退回：先归档退回的文书，再核定签字", serial=serial)
            )
        tx.emit(
            "letter.signature_decided",
            {
                "serial": serial,
                "credit_code": letter.get("credit_code"),
                "signed": signed,
                "reason": reason.strip(),
            },
        )
    return dict(archive.index().table(LETTERS_TABLE).record(serial) or {})


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
