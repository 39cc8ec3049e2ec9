"""An archive whose overdue items are known: rectifications across the 2026 National Day, commitment
letters, fines with and without payment, a blacklist entry past a stage deadline.

The facts go in as the commands commit them (``document.ingested`` with the events that follow
from it, ``letter.issued``, ``record.*``), never by writing the index.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

from archive.ingest import document_facts
from archive.store import Archive
from tests.helpers import make_code, new_archive

E1 = make_code(501)  # 执法大队, 非煤矿山
E2 = make_code(502)  # 危化股, 危险化学品
E3 = make_code(503)  # 烟花爆竹股, 烟花爆竹
ENTERPRISES = {
    E1: ("蓝山县甲矿业有限公司", "执法大队", "非煤矿山"),
    E2: ("蓝山县乙化工有限公司", "危化股", "危险化学品"),
    E3: ("蓝山县丙烟花有限公司", "烟花爆竹股", "烟花爆竹"),
}


def sha_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def add_enterprises(archive: Archive, codes: dict[str, tuple[str, str, str]] = ENTERPRISES) -> None:
    with archive.transaction() as tx:
        for code, (name, section, industry) in codes.items():
            tx.emit(
                "enterprise.added",
                {"credit_code": code, "name": name, "section": section, "industry": industry},
            )


def file_document(
    archive: Archive,
    kind: str,
    fields: dict[str, Any],
    code: str,
    *,
    received_on: str | None = None,
    name: str = "",
) -> str:
    """File a document as ingest commits one, with the facts that follow from it."""
    sha = sha_of(f"{kind}|{code}|{name}|{json.dumps(fields, ensure_ascii=False, sort_keys=True)}")
    data: dict[str, Any] = {
        "sha256": sha,
        "kind": kind,
        "original_name": f"{name or kind}.pdf",
        "stored": f"files/{code}/{kind}/{sha[:8]}.pdf",
        "credit_codes": [code],
        "section": None,
        "matched_by": "code",
        "fields": fields,
        "enterprises": [],
        "fact_events": True,
    }
    if received_on:
        data["received_on"] = received_on
    with archive.transaction() as tx:
        filed = tx.emit("document.ingested", data)
        for fact_type, fact in document_facts(tx.index, filed["data"]):
            tx.emit(fact_type, fact)
    return sha


def order(archive: Archive, code: str, number: str, deadline: str | None) -> str:
    fields: dict[str, Any] = {"doc_number": number, "document_date": "2026-09-01"}
    if deadline is not None:
        fields["rectification_deadline"] = deadline
        fields["problems"] = ["消防通道堵塞"]
    return file_document(archive, "rectification_order", fields, code, name=number)


def review(archive: Archive, code: str, number: str, on: str, rectified: bool) -> str:
    fields = {"document_date": on, "follows_order": number, "rectified": rectified}
    return file_document(archive, "reinspection_opinion", fields, code, name=f"复查{number}{on}")


def decision(
    archive: Archive, code: str, number: str, on: str | None, fine: int | None = 20000
) -> str:
    fields: dict[str, Any] = {"doc_number": number, "facts": "安全警示标志缺失"}
    if on is not None:
        fields["document_date"] = on
    if fine is not None:
        fields["fine_yuan"] = fine
    return file_document(archive, "penalty_decision", fields, code, name=number)


def issue_commitment(archive: Archive, code: str, serial: str, on: str, **more: Any) -> str:
    """A commitment letter as ``gen-commitment`` records it."""
    sha = sha_of(f"letter|{serial}")
    with archive.transaction() as tx:
        tx.emit(
            "letter.issued",
            {
                "serial": serial,
                "template": "commitment_unit",
                "category": "commitment",
                "level": "unit",
                "year": int(on[:4]),
                "credit_code": code,
                "section": None,
                "name": ENTERPRISES.get(code, ("",))[0],
                "facts": {},
                "key": f"commitment|{code}|{serial}",
                "issue_date": on,
                "file": f"out/{serial}.docx",
                "pdf": None,
                "sha256": sha,
                "pdf_sha256": None,
                "reissue_of": None,
                **more,
            },
        )
    return sha


def return_letter(archive: Archive, code: str, serial: str, on: str, signed: bool) -> str:
    fields = {"serial": serial, "signed": signed, "signer": "张三" if signed else None}
    return file_document(
        archive, "commitment_letter", fields, code, received_on=on, name=f"退回{serial}{on}"
    )


def blacklist_entry(archive: Archive, code: str, collected: date) -> str:
    """A confirmed bad-credit record (重大事故隐患) and the entry proposed from it on ``collected``."""
    from archive import blacklist

    record = {
        "id": "R-" + sha_of(f"record|{code}")[:12],
        "credit_code": code,
        "criterion": "3",
        "criterion_text": "执法检查发现存在重大安全生产隐患的",
        "rule": "penalty_major_hazard",
        "evidence": [
            {
                "document": sha_of(f"doc|{code}"),
                "doc_number": "蓝应急罚〔2026〕90号",
                "kind": "penalty_decision",
                "accident": None,
                "rectification": None,
            }
        ],
        "facts": {},
        "date": date.fromordinal(collected.toordinal() - 8).isoformat(),
        "regime": {"id": "county-2019", "version": "x"},
    }
    with archive.transaction() as tx:
        tx.emit("record.proposed", record)
        tx.emit(
            "record.confirmed",
            {"id": record["id"], "credit_code": code, "reason": "属实", "regime": record["regime"]},
        )
    found = [p for p in blacklist.propose(archive, code, as_of=collected) if p.action == "proposed"]
    assert len(found) == 1
    return str(found[0].id)


def known_archive(tmp_path: Path) -> Archive:
    """The archive of the known-truth scenario (KNOWN in tests/test_overdue.py)."""
    archive = new_archive(tmp_path)
    add_enterprises(archive)
    # rectifications: a deadline on National Day (due 10-08), one rectified in time, one found
    # not rectified, one rectified late (on 10-12)
    order(archive, E1, "蓝应急责改〔2026〕1号", "2026-10-01")
    order(archive, E1, "蓝应急责改〔2026〕2号", "2026-09-28")
    review(archive, E1, "蓝应急责改〔2026〕2号", "2026-09-27", True)
    order(archive, E2, "蓝应急责改〔2026〕3号", "2026-09-30")
    review(archive, E2, "蓝应急责改〔2026〕3号", "2026-10-09", False)
    order(archive, E2, "蓝应急责改〔2026〕4号", "2026-09-29")
    review(archive, E2, "蓝应急责改〔2026〕4号", "2026-10-12", True)
    # commitment letters issued 2026-10-12: due back 11-11; one returned signed, one unsigned
    issue_commitment(archive, E3, "蓝应急诺〔2026〕0001号", "2026-10-12")
    issue_commitment(archive, E1, "蓝应急诺〔2026〕0002号", "2026-10-12")
    return_letter(archive, E1, "蓝应急诺〔2026〕0002号", "2026-11-05", True)
    issue_commitment(archive, E2, "蓝应急诺〔2026〕0003号", "2026-10-12")
    return_letter(archive, E2, "蓝应急诺〔2026〕0003号", "2026-11-05", False)
    # fines: 09-20 + 15 = 10-05 (National Day) → due 10-08; 11-02 + 15 = 11-17, one paid
    decision(archive, E3, "蓝应急罚〔2026〕3号", "2026-09-20")
    decision(archive, E1, "蓝应急罚〔2026〕1号", "2026-11-02")
    decision(archive, E2, "蓝应急罚〔2026〕2号", "2026-11-02")
    decision(archive, E2, "蓝应急罚〔2026〕5号", "2026-11-02", fine=None)  # a warning only
    from archive.penalties import record_payment

    record_payment(archive, "蓝应急罚〔2026〕2号", date(2026, 11, 10))
    # a blacklist entry collected 09-28: 信息告知 due in 5 working days, on 10-10 (make-up Saturday)
    blacklist_entry(archive, E3, date(2026, 9, 28))
    return archive


def publish(archive: Archive, entry_id: str, notified: date, published: date) -> None:
    """Notify on ``notified``, exchange the day after the statement period (陈述申辩) ends, publish
    on ``published``."""
    from datetime import timedelta

    from archive import blacklist

    entry = blacklist.advance(archive, entry_id, to_stage="notify", date=notified)
    notify = next(stage for stage in entry["stages"] if stage["stage"] == "notify")
    waited = date.fromisoformat(notify.get("statement_deadline") or notified.isoformat())
    blacklist.advance(archive, entry_id, to_stage="exchange", date=waited + timedelta(days=1))
    blacklist.advance(archive, entry_id, to_stage="publish", date=published)
