"""Scans for the clerk: ``credit ingest --review`` (the scans to look at) and
``credit explain FILE --png OUT`` (a scan's pages with what was seen drawn on them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archive.enterprises import TABLE as ENTERPRISES
from archive.errors import CreditError, UsageError
from archive.fsutil import atomic_write
from archive.i18n import _, describe_error
from archive.ingest import DOCUMENTS, SCAN_PARSER, UNMATCHED_TABLE
from archive.letters.issue import LETTERS_TABLE
from archive.store import Archive
from archive.walk import display_name

__all__ = ["REVIEW_KEYS", "explain_png", "review"]

REVIEW_KEYS = (
    "status",
    "credit_code",
    "name",
    "file",
    "original",
    "serial",
    "page",
    "reason",
    "confidence",
    "sha256",
)


def review(archive: Archive) -> list[dict[str, Any]]:
    """One row per archived scan whose signature could not be decided (``uncertain``), then
    one per scan waiting in ``inbox/unmatched/`` (``unmatched``), oldest first."""
    index = archive.index()
    enterprises = index.table(ENTERPRISES)
    rows: list[dict[str, Any]] = []
    documents = index.table(DOCUMENTS)
    letters = index.table(LETTERS_TABLE)
    for sha in documents.ids():
        record = documents.record(sha) or {}
        fields = record.get("fields") or {}
        if fields.get("parser") != SCAN_PARSER or fields.get("signed") is not None:
            continue
        letter = letters.record(fields.get("serial")) if fields.get("serial") else None
        if letter is not None and letter.get("signed") is not None:
            continue  # settled since: a signed copy came, or a clerk decided (credit letter)
        scan = fields.get("scan") or {}
        check = scan.get("signature") or {}
        code = (record.get("credit_codes") or [None])[0]
        rows.append(
            {
                "status": "uncertain",
                "credit_code": code,
                "name": (enterprises.record(code) or {}).get("name") if code else None,
                "file": record.get("stored"),
                "original": record.get("original_name"),
                "serial": fields.get("serial"),
                "page": scan.get("page_of_signature"),
                "reason": _("；").join(check.get("reasons") or [])
                or _("签字盖章无法判定，请人工核对"),
                "confidence": check.get("confidence"),
                "sha256": sha,
                "_at": record.get("ingested_at") or "",
            }
        )
    waiting = index.table(UNMATCHED_TABLE)
    for sha in waiting.ids():
        record = waiting.record(sha) or {}
        fields = record.get("fields") or {}
        if fields.get("parser") != SCAN_PARSER:
            continue
        scan = fields.get("scan") or {}
        code = fields.get("qr_credit_code")
        rows.append(
            {
                "status": "unmatched",
                "credit_code": code,
                "name": (enterprises.record(code) or {}).get("name") if code else None,
                "file": record.get("stored"),
                "original": record.get("original"),
                "serial": fields.get("serial"),
                "page": next((item.get("page") for item in scan.get("letters") or []), None),
                "reason": record.get("reason"),
                "confidence": None,
                "sha256": sha,
                "_at": "~" + (record.get("at") or ""),  # after the archived ones
            }
        )
    rows.sort(key=lambda row: (row["_at"], row["file"] or ""))
    for row in rows:
        del row["_at"]
    return rows


def explain_png(path: Path, out: Path) -> list[dict[str, Any]]:
    """Write the pages of the scan ``path`` with its QR codes and signature regions drawn:
    page 1 to ``out``, page k to ``<stem>-p<k><suffix>`` beside it.  Returns, per page, the
    file written, the codes and regions found and the verdict."""
    from parsers.base import ParseError
    from parsers.detect import detect_type
    from parsers.scan.draw import draw_scan

    path, out = Path(path), Path(out)
    if str(out) in ("", "."):
        raise UsageError(_("--png 的值是空的：要给出一个 .png 文件名"))
    if not out.name or out.is_dir() or str(out).endswith(("/", "\\")):
        raise UsageError(_("--png 要给出一个 .png 文件名，不是文件夹：{path}", path=out))
    if out.suffix.lower() != ".png":
        raise UsageError(_("--png 的文件名须以 .png 结尾：{path}", path=out))
    media = detect_type(path)
    if media not in ("image", "pdf"):
        raise CreditError(
            _("{path} 不是图片或 PDF，没有可画的页面", path=display_name(path)),
            _("--png 用于扫描件和照片（.jpg、.png、.tif、扫描的 PDF）"),
        )
    try:
        pages = draw_scan(path, media)
    except ParseError as exc:
        raise CreditError(exc.message, exc.hint) from exc
    written = []
    for page in pages:
        target = out if page.number == 1 else out.with_name(f"{out.stem}-p{page.number}.png")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(target, page.png)
        except OSError as exc:
            raise CreditError(
                _("无法写出 {path}：{error}", path=target, error=describe_error(exc))
            ) from exc
        written.append(
            {
                "page": page.number,
                "file": str(target),
                "codes": page.codes,
                "regions": page.regions,
                "verdict": page.verdict,
            }
        )
    return written
