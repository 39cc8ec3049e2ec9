"""Scanned and photographed documents: images, and PDF pages without a text layer.

:func:`parse_scan` (run in ingest's worker process) loads the pages (:mod:`parsers.scan.pages`),
looks for our QR codes on each (:mod:`parsers.scan.qr`).  A page with a letter's or a
signature block's code makes the file a returned letter: the serial and credit code come from
the code (the archive checks them against the letter it issued, never guesses), and the
signature is checked on the page that holds the signature block (:func:`check_signature`).
A file without our code is read by OCR when tesseract with Chinese is installed
(:mod:`parsers.scan.ocr`), else it stays ``needs-ocr`` with the install hint.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archive.i18n import _
from parsers.base import CODE_ABSENT, Found, NamedEnterprise, ParsedDocument, ParseError
from parsers.text import display_name

__all__ = ["NAME", "SCAN_KIND", "parse_scan", "scan_codes"]

NAME = "scan"
SCAN_KIND = "unknown"  # until the archive knows the letter: its template decides the kind


def scan_codes(path: Path, media: str, *, max_pages: int = 50) -> tuple[list[Any], list[list[Any]]]:
    """The pages of ``path`` and the QR codes found on each (for ``credit explain --png``)."""
    from parsers.scan.pages import load_pages
    from parsers.scan.qr import find_codes

    pages = load_pages(Path(path), media, max_pages=max_pages)
    return pages, [find_codes(page.image, page.dpi) for page in pages]


def parse_scan(path: Path, media: str, *, max_pages: int = 50) -> ParsedDocument:
    """A scan as a :class:`ParsedDocument`; raises ParseError (``too_large``, ``unreadable``,
    ``too_many_pages``, ``no_text`` when there is no code of ours and no OCR)."""
    from parsers.scan.qr import OTHER, SIGNATURE

    path = Path(path)
    pages, codes = scan_codes(path, media, max_pages=max_pages)
    ours = [(page, hit) for page, hits in zip(pages, codes, strict=True) for hit in hits]
    ours = [(page, hit) for page, hit in ours if hit.kind != OTHER]
    if not ours:
        return _without_code(path, pages)
    letters: list[dict[str, Any]] = []
    for page, hit in ours:
        item = {"serial": hit.serial, "credit_code": hit.credit_code}
        if item not in [{k: seen[k] for k in item} for seen in letters]:
            letters.append({**item, "page": page.number})
    first_page, first = ours[0]
    # The signature is checked on the page with the signature block's code (its layout and
    # place come from that code); without one it cannot be told.
    signature_page, signature_hit = next(
        ((page, hit) for page, hit in ours if hit.kind == SIGNATURE), (first_page, None)
    )
    check = check_signature(signature_page.image, signature_hit)
    verdict = check.get("verdict")
    parsed = ParsedDocument(
        kind=SCAN_KIND,
        parser=NAME,
        reason=_(
            "第 {page} 页有本系统的二维码（{serial}）",
            page=first_page.number,
            serial=first.serial,
        ),
    )
    parsed.put("serial", first.serial, source=first.text)
    parsed.put("qr_credit_code", first.credit_code, source=first.text)
    # present even when uncertain (None): a scan states that it could not tell
    parsed.fields["signed"] = Found({"signed": True, "unsigned": False}.get(verdict), None, NAME)
    parsed.put(
        "scan",
        {
            "pages": len(pages),
            "media": media,
            "qr": [
                {**hit.as_dict(), "page": page.number}
                for page, hits in zip(pages, codes, strict=True)
                for hit in hits
            ],
            "letters": letters,
            "signature": check,
            "page_of_signature": signature_page.number,
        },
    )
    if first.credit_code:
        from archive import uscc

        status = "valid" if uscc.is_valid(first.credit_code) else "invalid"
        parsed.enterprises.append(NamedEnterprise(None, first.credit_code, status))
    else:
        parsed.enterprises.append(NamedEnterprise(None, None, CODE_ABSENT))
    return parsed


def check_signature(image: Any, hit: Any) -> dict[str, Any]:
    """The signature check (:func:`parsers.scan.signature.check_signature`) of the block beside
    the signature QR code ``hit``, as a JSON-ready dict: ``verdict`` (signed, unsigned,
    uncertain), ``confidence``, ``regions``, ``reasons``.  Without a signature QR code on any
    page (the signature page was not scanned, or the letter predates it): uncertain."""
    from parsers.scan import signature
    from parsers.scan.qr import SIGNATURE

    if hit is None or hit.kind != SIGNATURE:
        return {
            "verdict": signature.UNCERTAIN,
            "confidence": 0.0,
            "regions": [],
            "reasons": [_("扫描件上没有找到签字区旁的二维码（签字页没有扫到？）：请人工核对")],
        }
    return _as_dict(signature.check_signature(image, hit))


def _as_dict(value: Any) -> Any:
    import dataclasses

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: _as_dict(getattr(value, field.name)) for field in dataclasses.fields(value)
        }
    if isinstance(value, dict):
        return {key: _as_dict(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_dict(item) for item in value]
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return value.tolist()
    return value


def _without_code(path: Path, pages: list[Any]) -> ParsedDocument:
    """No code of ours: OCR when tesseract (with chi_sim) is usable, else ``no_text``."""
    from parsers.scan import ocr

    hint = ocr.tesseract_status()
    if hint is not None:
        raise ParseError(
            _(
                "扫描件上没有本系统的二维码，需要文字识别（OCR）：{name}",
                name=display_name(path),
            ),
            "no_text",
            _("安装文字识别后重新归档：{hint}", hint=hint),
        )
    return ocr.ocr_document(pages)
