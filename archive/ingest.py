"""Ingest: returned letters, reports and enforcement documents into the archive.

For each file under the given folders (:mod:`archive.walk`): type by content → SHA-256 →
already archived? ``duplicate`` → size limit → parse in a worker process with a time and
memory limit (:mod:`archive.pool`, :mod:`parsers.registry`) → match the enterprise → copy
into ``files/<code>/<kind>/`` → commit ``document.ingested`` events in batches.  One bad file
never stops the batch: every file gets a status and a reason.  A file is reported
``ingested`` only after its batch is in the journal, so a kill -9 loses nothing reported.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from archive import accidents, dossier, events, faults, rectifications, uscc
from archive.enterprises import TABLE as ENTERPRISES
from archive.enterprises import log_of, normalise_name, note_event
from archive.errors import ArchiveError, CreditError, UsageError
from archive.events import event
from archive.fsutil import atomic_write, fsync_dir
from archive.i18n import N_, _, describe_error
from archive.index import Index, bucket
from archive.letters import returns
from archive.letters.issue import ISSUED_COPIES, LETTERS_TABLE
from archive.report import Report
from archive.store import Archive
from archive.validation import check_date
from archive.walk import Candidate, ZipExpansion, display_name, opens_as_archive, walk

INGESTED = "ingested"
DUPLICATE = "duplicate"
UNMATCHED = "unmatched"
FAILED = "failed"
ENCRYPTED = "encrypted"
NEEDS_OCR = "needs-ocr"
SKIPPED = "skipped"

DOCUMENTS = "documents"
# monthly_report and section_submission documents, summarised for monthly-check (archive.index)
SUBMISSIONS = "submissions"
SUBMISSION_KINDS = ("monthly_report", "section_submission")
SUBMISSION_FIELDS = ("period", "serial", "signed", "topics_missing", "items")
# What a document's index entry leaves to the journal (read by ``enterprise show --full`` and
# ``credit explain``): the parties the parser listed, and a monthly report's topic by topic
# reading (``topics_missing`` and ``topics_filled`` say what queries need).
NOT_INDEXED = ("enterprises",)
FIELDS_NOT_INDEXED = ("topics",)
UNMATCHED_TABLE = "unmatched"

MAX_FILE_SIZE = 100 * 1024 * 1024
PARSE_TIMEOUT = 60.0
SCAN_TIME_FACTOR = 3  # images and PDFs (which may be scans, OCR'd page by page) get 3 × the limit
# On top of what a worker inherits: numpy/OpenCV for scans take ~300 MB, the second OCR
# engine's models and one page's detection ~1 GB of address space.
PARSE_MEMORY_MB = 2560
COMMIT_EVERY = 100  # files per journal batch
COMMIT_SECONDS = 5.0

# The keys of one --nl line; a key the file lacks is null.
OUTPUT_KEYS = (
    "path",
    "sha256",
    "status",
    "reason",
    "kind",
    "credit_code",
    "credit_code_status",
    "enterprise_name",
    "doc_number",
    "document_date",
    "fine_yuan",
    "rectification_deadline",
    "signed",
    "serial",
)
EXTENSIONS = {"pdf": ".pdf", "docx": ".docx"}
EXTENSIONS_DOCX = (".docx", ".docm", ".dotx", ".dotm")
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".jpe", ".png", ".tif", ".tiff", ".bmp", ".gif", ".webp")


@dataclass
class FileResult:
    """What became of one file."""

    path: str
    status: str
    reason: str | None = None
    sha256: str | None = None
    kind: str | None = None
    credit_code: str | None = None
    credit_code_status: str | None = None
    enterprise_name: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    stored: str | None = None
    matched_by: str | None = None
    credit_codes: list[str] = field(default_factory=list)
    candidates: list[dict[str, str]] = field(default_factory=list)
    # Registered enterprises an OCR-read code that failed its check may have meant: shown
    # with the candidates of an unmatched file, never filed under (why: ocr_near).
    near: list[dict[str, str]] = field(default_factory=list)
    # Where it was filed: the enterprises as the register names them (code, name, status),
    # or the section; not the name printed in the document.
    filed_under: list[dict[str, Any]] = field(default_factory=list)
    source: Path | None = None  # the original file, for --move

    def as_dict(self) -> dict[str, Any]:
        data = {key: None for key in OUTPUT_KEYS}
        data.update(
            path=self.path,
            sha256=self.sha256,
            status=self.status,
            reason=self.reason,
            kind=self.kind,
            credit_code=self.credit_code,
            credit_code_status=self.credit_code_status,
            enterprise_name=self.enterprise_name,
        )
        for key in (
            "doc_number",
            "document_date",
            "fine_yuan",
            "rectification_deadline",
            "signed",
            "serial",
        ):
            data[key] = self.fields.get(key)
        data.update(
            stored=self.stored,
            matched_by=self.matched_by,
            credit_codes=self.credit_codes,
            filed_under=self.filed_under,
        )
        if self.candidates:
            data["candidates"] = self.candidates
        if self.fields.get("ocr_confidence") is not None:  # read by OCR: per field, 0–100
            data["ocr_confidence"] = self.fields["ocr_confidence"]
            ocr = self.fields.get("ocr") or {}
            # which engines read it: the fields tesseract left unsure, those PP-OCR gave
            data["ocr"] = {key: ocr.get(key) for key in ("second_engine", "unsure", "taken")}
        return data


@dataclass
class IngestReport(Report):
    """One result per file; a file that failed or is encrypted makes the run exit 3."""

    FAILURES = frozenset({FAILED, ENCRYPTED})

    results: list[FileResult] = field(default_factory=list)
    dry_run: bool = False

    def outcomes(self) -> Iterator[str]:
        return (result.status for result in self.results)


# -- parsing (in worker processes) ------------------------------------------------------------


def parse_task(path: str) -> dict[str, Any]:
    """Run in a worker: parse one file; never raises for the file's content.

    Images, and PDFs without a text layer, are scans (:func:`parsers.scan.parse_scan`): their
    pages are decoded and searched for our QR codes here, under the worker's limits."""
    from parsers.base import ParseError
    from parsers.detect import detect_type
    from parsers.registry import parse_path
    from parsers.scan import parse_scan

    try:
        try:
            media = detect_type(path)
        except OSError:
            media = "unknown"  # parse_path says why it cannot be read
        if media == "image":
            parsed = parse_scan(Path(path), "image")
        else:
            try:
                parsed = parse_path(Path(path))
            except ParseError as exc:
                if media != "pdf" or exc.reason != "no_text":
                    raise
                parsed = parse_scan(Path(path), "pdf")
            else:
                parsed = _scanner_pdf(Path(path), media, parsed)
    except ParseError as exc:
        return {"ok": False, "reason": exc.reason, "message": exc.message, "hint": exc.hint}
    return {"ok": True, "parsed": parsed}


def _scanner_pdf(path: Path, media: str, parsed: Any) -> Any:
    """A scanner's PDF with its own OCR text layer: when its pages carry our QR codes, the
    scan path (QR match, seal and ink) decides, not the scanner's reading of handwriting."""
    from parsers.base import ParseError
    from parsers.scan import parse_scan
    from parsers.scan.pages import is_scanned_pdf

    if media != "pdf" or not is_scanned_pdf(path):
        return parsed
    try:
        scanned = parse_scan(path, "pdf")
    except ParseError:
        return parsed  # no code of ours and no OCR: the text layer is all there is
    return scanned if scanned.get("serial") else parsed


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


# -- the pipeline --------------------------------------------------------------------------------


@dataclass
class _OcrRead:
    """What an OCR'd document offers besides its fields, for filing it by a misread name:
    its text's lines, the key lines read again, whether its issuer is another county's bureau,
    whether its name was read unsurely somewhere, and the legal representative it names."""

    lines: list[str] = field(default_factory=list)
    reread: dict[int, str] = field(default_factory=dict)
    foreign: bool = False
    unsure_name: bool = False
    legal: str | None = None
    other_names: list[str] = field(default_factory=list)  # as the other OCR engine read them


@dataclass
class _Work:
    """A file that passed the cheap checks and is waiting to be parsed."""

    candidate: Candidate
    sha256: str
    media: str
    mismatch: bool


def ingest(
    archive: Archive,
    folders: Iterable[Path],
    *,
    dry_run: bool = False,
    move: bool = False,
    register_new: bool = False,
    jobs: int | None = None,
    assign: str | None = None,
    on_result: Callable[[FileResult], None] | None = None,
    timeout: float = PARSE_TIMEOUT,
    memory_mb: int = PARSE_MEMORY_MB,
    received: date | None = None,
) -> IngestReport:
    """Ingest every file under ``folders``; ``on_result`` hears of each file as it is settled.

    ``assign`` (a credit code) files every document under that enterprise (``--assign``).
    ``received`` is the day the documents reached the bureau (``--received``, not after
    today; default today), recorded as ``received_on``: the monthly check counts it.
    """
    if received is not None:
        check_date(received, what=_("收到日期"))
    from archive.pool import run_isolated

    report = IngestReport(dry_run=dry_run)
    folders = [Path(folder) for folder in folders]
    for folder in folders:
        if not folder.exists():
            raise UsageError(_("{path} 不存在", path=display_name(folder)))
        _refuse_archive_files(archive, folder)
    if assign:
        assign = _assignable(archive, assign)
    if not dry_run:  # what a killed ingest left half-copied (its process is gone) goes first
        remove_abandoned_parts(archive)

    def settle(result: FileResult) -> None:
        report.results.append(result)
        if on_result:
            on_result(result)

    index = archive.index()
    known = index.table(DOCUMENTS)
    own = IssuedCopies(index)
    seen: dict[str, str] = {}  # sha256 → display name, within this run
    expansions: list[ZipExpansion] = []
    inbox = _inbox(archive)

    def candidates() -> Iterator[_Work]:
        found = walk(folders, exclude=archive.root)
        for candidate, media in _expand(found, expansions, settle):
            if _is_sidecar(candidate, inbox):
                continue  # the inbox's own notes (``<file>.json``) beside its documents
            if media is None:  # skipped without reading
                status = FAILED if candidate.failed else SKIPPED
                settle(
                    FileResult(
                        candidate.display, status, candidate.skipped, source=candidate.source
                    )
                )
                continue
            work = _check(candidate, known, seen, media, settle, own)
            if work is not None:
                yield work

    committer = _Committer(
        archive, dry_run=dry_run, register_new=register_new, assign=assign, settle=settle
    )
    committer.received_on = (received or date.today()).isoformat()
    committer.own = own
    try:
        works = {}

        def tasks() -> Iterator[str]:
            for work in candidates():
                works[str(work.candidate.path)] = work
                yield str(work.candidate.path)

        def time_limit(item: str) -> float:
            # a scan may be OCR'd page by page (1–3 s a page): three times the limit
            work = works.get(item)
            return (
                timeout * SCAN_TIME_FACTOR if work and work.media in ("image", "pdf") else timeout
            )

        outcomes = run_isolated(
            parse_task, tasks(), jobs=jobs, timeout=time_limit, memory_mb=memory_mb
        )
        with contextlib.closing(outcomes):  # a run stopped (full disk) stops its workers at once
            for outcome in outcomes:
                work = works.pop(outcome.item)
                committer.add(work, outcome)
        committer.flush()
    finally:
        for expansion in expansions:
            expansion.close()
    if not dry_run:
        _tidy_inbox(archive, report)
    if move and not dry_run:
        _move_away(report)
    return report


def _inbox(archive: Archive) -> Path:
    """``inbox/unmatched/`` of the archive, resolved (as paths are compared with it)."""
    return (archive.root / "inbox" / "unmatched").resolve()


def _in_inbox(path: Path | None, inbox: Path) -> bool:
    """True for a document waiting in the inbox (directly in it, where the inbox puts them)."""
    return path is not None and path.resolve().parent == inbox


def _is_sidecar(candidate: Candidate, inbox: Path) -> bool:
    source = candidate.source
    return (
        _in_inbox(source, inbox)
        and source is not None
        and source.name.endswith(".json")
        and source.with_name(source.name.removesuffix(".json")).is_file()
    )


def _refuse_archive_files(archive: Archive, path: Path) -> None:
    """The archive's own files are never ingested again: a copy of a letter in ``out/`` is not
    a return, a file in ``files/`` is archived already.  ``inbox/unmatched/`` is the exception:
    its documents are looked at again where they are.  A folder of the clerk's own inside the
    archive folder (``samples/``, ``收件/``) is not the archive's and may be ingested."""
    from archive.store import FOLDERS

    root = archive.root.resolve()
    resolved = path.resolve()
    inbox = _inbox(archive)
    if resolved == inbox or inbox in resolved.parents:
        return
    own = [root / name.split("/")[0] for name in FOLDERS]
    if resolved == root or any(resolved == folder or folder in resolved.parents for folder in own):
        raise UsageError(
            _(
                "{path} 是档案文件夹 {archive} 自己的文件：发出的信函、已归档的文书不能再归档",
                path=display_name(path),
                archive=display_name(archive.root),
            ),
            _(
                "退回的文件请从收件的文件夹归档；要重新检查未匹配的文件，请给出 {inbox}",
                inbox=display_name(archive.root / "inbox" / "unmatched"),
            ),
        )


def _expand(
    found: Iterator[Candidate], expansions: list[ZipExpansion], settle: Callable[[FileResult], None]
) -> Iterator[tuple[Candidate, str | None]]:
    """Each file with its type by content (None when skipped); zips give their members."""
    from parsers.detect import detect_type

    def typed(candidates: Iterator[Candidate]) -> Iterator[tuple[Candidate, str | None]]:
        for candidate in candidates:
            if candidate.skipped:
                yield candidate, None
                continue
            try:
                yield candidate, detect_type(candidate.path)
            except OSError as exc:
                message = _("无法读取：{error}", error=describe_error(exc))
                settle(FileResult(candidate.display, FAILED, message, source=candidate.source))

    for candidate, media in typed(found):
        if candidate.source is not None and opens_as_archive(candidate.display, media or ""):
            expansion = ZipExpansion(candidate)
            expansions.append(expansion)
            for member, member_media in typed(expansion.members()):
                if opens_as_archive(member.display, member_media or ""):  # no zips inside zips
                    skipped = _("压缩包中的压缩包不再解开")
                    yield Candidate(member.path, member.display, None, skipped), None
                else:
                    yield member, member_media
        else:
            yield candidate, media


class IssuedCopies:
    """SHA-256 → serial of every document this archive issued, as ``letter.issued`` recorded
    it (the .docx, and the PDF when one was made): looked up one SHA-256 at a time in the
    index's ``issued_copies`` (one small slice each), plus those found during this run."""

    def __init__(self, index: Index):
        self.table = index.table(ISSUED_COPIES)
        self.found: dict[str, str] = {}

    def get(self, sha: str) -> str | None:
        if sha in self.found:
            return self.found[sha]
        record = self.table.record(sha)
        return str(record["serial"]) if record else None

    def __contains__(self, sha: object) -> bool:
        return isinstance(sha, str) and self.get(sha) is not None

    def __getitem__(self, sha: str) -> str:
        serial = self.get(sha)
        if serial is None:
            raise KeyError(sha)
        return serial

    def __setitem__(self, sha: str, serial: str) -> None:
        self.found[sha] = serial


def _issued_copy(candidate: Candidate, sha: str, serial: str) -> FileResult:
    """A file byte for byte as this archive issued it: our own copy, not a return."""
    return FileResult(
        candidate.display,
        SKIPPED,
        _(
            "这是本档案发出的 {serial} 的原样副本，不是退回件（退回件应已填写、签字或盖章），"
            "未归档",
            serial=serial,
        ),
        sha256=sha,
        fields={"serial": serial},
        source=candidate.source,
    )


def _check(
    candidate: Candidate,
    known: Any,
    seen: dict[str, str],
    media: str,
    settle: Callable[[FileResult], None],
    own: IssuedCopies | None = None,
) -> _Work | None:
    """The cheap checks before parsing; settles the file and returns None when it stops here.

    ``own`` maps the SHA-256 of every letter this archive issued to its serial."""
    from parsers.detect import extension_mismatch

    path = candidate.path
    shown = candidate.display
    try:
        size = path.stat().st_size
    except OSError as exc:
        settle(
            FileResult(
                shown,
                FAILED,
                _("无法读取：{error}", error=describe_error(exc)),
                source=candidate.source,
            )
        )
        return None
    if size == 0:
        settle(FileResult(shown, FAILED, _("文件是空的"), source=candidate.source))
        return None
    if media == "ole":
        settle(
            FileResult(
                shown,
                FAILED,
                _("旧版 Word/WPS 文件（.doc/.wps）：请用 Word 或 WPS 另存为 .docx 后再归档"),
                source=candidate.source,
            )
        )
        return None
    if media == "heic":
        settle(
            FileResult(
                shown,
                FAILED,
                _(
                    "HEIC 格式的手机照片，无法读取：请在手机相机设置中选“兼容性最佳”（JPEG），"
                    "或另存为 .jpg 后再归档"
                ),
                source=candidate.source,
            )
        )
        return None
    if media not in ("pdf", "docx", "image"):
        claimed = Path(shown).suffix.lower()
        if media == "zip" and claimed in EXTENSIONS_DOCX:  # a zip without word/document.xml
            message = _(
                "文件名是 {suffix}，但内容是不含 Word 正文（word/document.xml）的压缩包，"
                "不是 Word 文档",
                suffix=claimed,
            )
            settle(FileResult(shown, FAILED, message, source=candidate.source))
        elif claimed in (".pdf", ".docx"):  # named as a document but is not one
            message = _(
                "文件名是 {suffix}，但内容不是 PDF 或 Word 文档（文件损坏？）", suffix=claimed
            )
            settle(FileResult(shown, FAILED, message, source=candidate.source))
        elif claimed == ".zip":  # a zip too broken to be recognised as one
            message = _("文件名是 .zip，但内容不是压缩包（文件损坏？）")
            settle(FileResult(shown, FAILED, message, source=candidate.source))
        elif claimed in IMAGE_EXTENSIONS:  # a photo that is not one (truncated, renamed …)
            message = _("文件名是 {suffix}，但内容不是图片（文件损坏？）", suffix=claimed)
            settle(FileResult(shown, FAILED, message, source=candidate.source))
        else:
            message = _("不是 PDF、Word（.docx）或图片（扫描件、照片）")
            settle(FileResult(shown, SKIPPED, message, source=candidate.source))
        return None
    if size > MAX_FILE_SIZE:
        settle(
            FileResult(
                shown,
                FAILED,
                _(
                    "文件过大（{size} MB，上限 {limit} MB）",
                    size=size // 2**20,
                    limit=MAX_FILE_SIZE // 2**20,
                ),
                source=candidate.source,
            )
        )
        return None
    sha = _sha256(path)
    if own is not None and sha in own:
        settle(_issued_copy(candidate, sha, own[sha]))
        return None
    if known.record(sha) is not None:
        stored = known.record(sha).get("stored")
        settle(
            FileResult(
                shown,
                DUPLICATE,
                _("已归档：{path}", path=stored),
                sha256=sha,
                source=candidate.source,
            )
        )
        return None
    if sha in seen:
        settle(
            FileResult(
                shown,
                DUPLICATE,
                _("与本批的 {other} 内容相同", other=seen[sha]),
                sha256=sha,
                source=candidate.source,
            )
        )
        return None
    seen[sha] = shown
    return _Work(candidate, sha, media, extension_mismatch(path, media))


class _Committer:
    """Matches parsed files to enterprises, stores them, and commits events in batches."""

    def __init__(
        self, archive: Archive, *, dry_run: bool, register_new: bool, assign: str | None, settle
    ):
        self.archive = archive
        self.dry_run = dry_run
        self.register_new = register_new
        self.assign = assign
        self.settle = settle
        self.pending: list[tuple[FileResult, dict[str, Any], Path, _Work]] = []
        self.unmatched: list[tuple[FileResult, dict[str, Any]]] = []
        # Inbox copies written for ``self.unmatched`` (not yet committed): (path, sha256).
        self.inbox_copies: list[tuple[Path, str]] = []
        self.own: IssuedCopies | dict[str, str] = {}  # SHA-256 → serial of letters we issued
        self.received_on = date.today().isoformat()  # the day the documents were received
        self.last_commit = time.monotonic()
        self._name_map: tuple[int, dict[str, list[str]]] | None = None
        self._serial_map: tuple[int, dict[str, str]] | None = None

    def _serials(self) -> dict[str, str]:
        """Serials of issued letters by their NFKC form (a printout's text is normalised)."""
        index = self.archive.index()
        if self._serial_map is None or self._serial_map[0] != index.last_seq:
            serials = {_serial_key(serial): serial for serial in index.table("letters").ids()}
            self._serial_map = (index.last_seq, serials)
        return self._serial_map[1]

    def _names(self) -> dict[str, list[str]]:
        """Normalised name → codes, rebuilt when the index has moved on."""
        index = self.archive.index()
        if self._name_map is None or self._name_map[0] != index.last_seq:
            names: dict[str, list[str]] = {}
            table = index.table(ENTERPRISES)
            for code in table.ids():
                record = table.record(code) or {}
                names.setdefault(record.get("name_key", ""), []).append(code)
            self._name_map = (index.last_seq, names)
        return self._name_map[1]

    def add(self, work: _Work, outcome: Any) -> None:
        from archive.pool import CRASHED, MEMORY, TIMEOUT

        shown = work.candidate.display
        base = FileResult(shown, FAILED, sha256=work.sha256, source=work.candidate.source)
        if outcome.failure:
            base.reason = {
                TIMEOUT: _("解析超时（超过 {seconds} 秒），已放弃", seconds=int(outcome.seconds)),
                MEMORY: _("解析时内存超限，已放弃"),
                CRASHED: _(
                    "解析进程异常退出（{detail}）：文件可能已损坏或结构异常", detail=outcome.detail
                ),
            }.get(
                outcome.failure, _("解析时出错：{detail}", detail=outcome.detail or outcome.failure)
            )
            self.settle(base)
            return
        answer = outcome.value
        if not answer["ok"]:
            base.status = {"encrypted": ENCRYPTED, "no_text": NEEDS_OCR}.get(
                answer["reason"], FAILED
            )
            base.reason = answer["message"]
            if base.status == NEEDS_OCR and answer.get("hint"):
                base.reason = _("{message}；{hint}", message=base.reason, hint=answer["hint"])
            self.settle(base)
            return
        parsed = answer["parsed"]
        if self._is_issued_copy(parsed.get("serial"), work.sha256):
            self.settle(_issued_copy(work.candidate, work.sha256, self.own[work.sha256]))
            return
        read = self._ocr_read(parsed)
        corrected = self._known_place(parsed, read)
        result = _describe(base, parsed)
        if work.mismatch:
            result.reason = _("扩展名与内容不符：按 {media} 处理", media=work.media)
        elif corrected:
            result.reason = corrected
        match = self._match(parsed, result, read)
        if match is None:
            if corrected and not work.mismatch:
                result.reason = _("；").join(item for item in (result.reason, corrected) if item)
            self._unmatched(result, parsed, work)
            return
        self.pending.append((result, match, Path(work.candidate.path), work))
        if (
            len(self.pending) >= COMMIT_EVERY
            or time.monotonic() - self.last_commit > COMMIT_SECONDS
        ):
            self.flush()

    def _known_place(self, parsed: Any, read: _OcrRead | None) -> str | None:
        """An OCR'd 文号 whose place abbreviation is one character off the bureau's own
        (``bureau.places``) is put right (:func:`parsers.fields.doc_numbers.correct_place`);
        the reading is kept as ``doc_number_ocr``.  The note saying so (or that it could not
        be confirmed either way: kept as read, for the clerk to check), or None."""
        from parsers.base import Found
        from parsers.fields.doc_numbers import (
            correct_place,
            correct_place_alike,
            doubtful_place,
            place_read_again,
            place_read_otherwise,
        )

        found = parsed.fields.get("doc_number")
        if read is None or found is None or not found.line:
            return None
        if read.foreign:
            return None  # another county's bureau's document: its 文号 is its own
        before = _issuer_lines(parsed.lines, found.line - 1)
        places = self.archive.settings.places
        fixed = correct_place(str(found.value), places, before)
        note = N_(
            "文字识别读出的文号“{read}”地名简称有误，按本局所在地简称读作“{fixed}”"
            "（credit.toml 的 bureau.places）"
        )
        if fixed is None and self._registered(parsed):
            fixed = correct_place_alike(str(found.value), places, before)
            note = N_(
                "文字识别读出的文号“{read}”地名简称与本局的只差一字，页眉的县名也读错成同一个字，"
                "按本局所在地简称读作“{fixed}”：请核对"
            )
        again = getattr(parsed, "reread", {}).get(found.line)
        if fixed is None and again:
            fixed = place_read_again(str(found.value), again, places)
            note = N_(
                "文字识别读出的文号“{read}”地名简称与本局的只差一字，该行单独重读为“{fixed}”，"
                "按此归档"
            )
        second = (getattr(parsed, "second_reading", None) or {}).get("doc_number")
        if fixed is None and second:
            fixed = place_read_otherwise(str(found.value), str(second), places)
            note = N_(
                "文字识别读出的文号“{read}”地名简称不是本局的，另一识别引擎读为“{fixed}”，按此归档"
            )
        if fixed is None:
            if doubtful_place(str(found.value), places):
                return _(
                    "文字识别读出的文号“{read}”地名简称与本局的只差一字，页眉无法确认是否读错：请核对",
                    read=found.value,
                )
            return None
        parsed.fields["doc_number"] = Found(fixed, found.line, found.source)
        parsed.fields["doc_number_ocr"] = Found(found.value, found.line, found.source)
        return _(note, read=found.value, fixed=fixed)

    def _ocr_read(self, parsed: Any) -> _OcrRead | None:
        """What an OCR'd document offers for filing it by a misread name (None: not OCR'd)."""
        if parsed.get("ocr_confidence") is None:
            return None
        least = getattr(parsed, "name_conf_min", None)
        return _OcrRead(
            lines=list(parsed.lines),
            reread=dict(getattr(parsed, "reread", {}) or {}),
            foreign=_foreign_issuer(list(parsed.lines), self.archive.settings.places),
            unsure_name=least is not None and least < UNSURE_CHAR,
            legal=parsed.get("legal_representative"),
            other_names=list((getattr(parsed, "second_reading", None) or {}).get("names") or []),
        )

    def _registered(self, parsed: Any) -> bool:
        """Whether the document's main enterprise is in the register: its code passes its
        check and is registered, or its name is exactly one registered name."""
        enterprises = self.archive.index().table(ENTERPRISES)
        code, name = parsed.credit_code, parsed.enterprise_name
        if code and parsed.credit_code_status == "valid":
            return enterprises.record(code) is not None
        if name:
            return len(self._names().get(normalise_name(name), [])) == 1
        return False

    def _is_issued_copy(self, serial: str | None, sha: str) -> bool:
        """A letter issued before ``letter.issued`` recorded its SHA-256: the file is our own
        copy when the letter its serial names is still in ``out/`` with the same content."""
        if not serial:
            return False
        serial = self._serials().get(_serial_key(serial), serial)
        letter = self.archive.index().table("letters").record(serial)
        if not letter or letter.get("sha256"):
            return False  # unknown, or recorded with its hash (checked before parsing)
        for key in ("file", "pdf"):
            if not letter.get(key):
                continue
            issued = self.archive.root / letter[key]
            try:
                if issued.is_file() and _sha256(issued) == sha:
                    self.own[sha] = serial
                    return True
            except OSError:
                continue
        return False

    # -- matching --------------------------------------------------------------------------

    def _match(
        self, parsed: Any, result: FileResult, read: _OcrRead | None
    ) -> dict[str, Any] | None:
        """Which enterprise(s) or section the document belongs to, and how that was decided
        (``read``: what an OCR'd document offers besides its fields, :meth:`_ocr_read`)."""
        index = self.archive.index()
        enterprises = index.table(ENTERPRISES)
        scan = parsed.parser == SCAN_PARSER and parsed.get("serial")
        if scan:
            letter = self._scanned_letter(parsed, result)
        if self.assign:
            return {"credit_codes": [self.assign], "matched_by": "assigned"}
        if scan:
            if letter is None:
                return None
            if letter.get("credit_code"):
                return {"credit_codes": [letter["credit_code"]], "matched_by": "qr"}
            return {"credit_codes": [], "section": letter.get("section"), "matched_by": "qr"}
        serial = parsed.get("serial")
        if serial:
            serial = self._serials().get(_serial_key(serial), serial)
            letter = index.table("letters").record(serial)
            if letter:
                result.fields["serial"] = serial  # as issued, whatever the printout's widths
                if letter.get("credit_code"):
                    return {"credit_codes": [letter["credit_code"]], "matched_by": "serial"}
                return {
                    "credit_codes": [],
                    "section": letter.get("section"),
                    "matched_by": "serial",
                }
        if parsed.kind == "section_submission":
            section = parsed.get("section")
            if section in self.archive.settings.sections:
                return {"credit_codes": [], "section": section, "matched_by": "section"}
            result.reason = _(
                "资料报送单上的股室“{section}”不在设置的股室中", section=section or ""
            )
            return None
        codes: list[str] = []
        how: str | None = None
        problems: list[str] = []
        new: list[dict[str, str]] = []
        # A code read by OCR that fails its check may be one character off a registered one.
        near = result.near if parsed.get("ocr_confidence") is not None else None
        notes: list[str] = []  # how an OCR'd name was read (its place put right)
        for named in parsed.enterprises:
            code, by = self._match_one(named, enterprises, problems, new, near, notes, read)
            if code and code not in codes:
                codes.append(code)
                how = how or by
        unsure = getattr(parsed, "unsure_code", None)
        if (  # read unsurely, but it passes its check and is one of ours: two witnesses
            not codes
            and not new
            and unsure
            and read is not None
            and not read.foreign
            and enterprises.record(unsure) is not None
        ):
            codes, how = [unsure], "code"
            notes.append(
                _(
                    "文字识别读出的代码 {code} 把握不足，但校验通过且是名册中的单位，"
                    "按此归档：请核对",
                    code=unsure,
                )
            )
        nameless = not any(named.name for named in parsed.enterprises)
        if not codes and not new and nameless and read is not None and not read.foreign:
            found = self._named_in_text(read.lines, parsed.credit_code)
            if found is not None:
                codes, how = [found[0]], "name"
                notes.append(found[1])
        if parsed.get("ocr") is not None and new:
            # A code read by OCR files a document under a registered enterprise, never
            # registers one: a clerk types a new enterprise's code (credit enterprise add).
            new = []
            problems.append(
                _("文字识别读出的代码不用于登记新单位：请核对后用 credit enterprise add 登记")
            )
        if codes:
            if how in ("name", "masked"):  # a code printed but failing its check: say so
                notes += [
                    _(
                        "文中的代码 {code} 校验不通过，已按单位名称归档：请核对",
                        code=named.credit_code,
                    )
                    for named in parsed.enterprises
                    if named.credit_code and named.credit_code_status == "invalid"
                ]
            if notes:  # after what is said already (the 文号 put right, a mismatched suffix)
                result.reason = _("；").join([*([result.reason] if result.reason else []), *notes])
            return {"credit_codes": codes, "matched_by": how, "register": new}
        if new and self.register_new:
            return {
                "credit_codes": [item["credit_code"] for item in new],
                "matched_by": "code",
                "register": new,
            }
        result.reason = (
            _("；").join(problems)
            if problems
            else _("文中找不到统一社会信用代码或已登记的单位名称")
        )
        return None

    def _scanned_letter(self, parsed: Any, result: FileResult) -> dict[str, Any] | None:
        """The letter a scan's QR code names — only when the archive issued that serial and the
        code in the QR is the letter's; else None, with the reason in ``result``.  The scan's
        kind is the letter's (its template's)."""
        letters = (parsed.get("scan") or {}).get("letters") or []
        if len({(item.get("serial"), item.get("credit_code")) for item in letters}) > 1:
            result.reason = _(
                "一个文件中有几份信函的二维码：{serials}；请每份信函单独扫描后再归档",
                serials=_("、").join(str(item.get("serial")) for item in letters),
            )
            return None
        serial = parsed.get("serial")
        known = self._serials().get(_serial_key(serial))
        letter = self.archive.index().table("letters").record(known) if known else None
        if letter is None:
            result.reason = _("二维码中的编号 {serial} 不是本档案发出的信函编号", serial=serial)
            return None
        result.fields["serial"] = known
        result.kind = letter_kind(letter)
        in_code = parsed.get("qr_credit_code") or None
        if in_code != (letter.get("credit_code") or None):
            result.reason = _(
                "二维码中的代码 {code} 与信函 {serial} 的收件单位代码 {issued} 不同",
                code=in_code or _("（空）"),
                serial=known,
                issued=letter.get("credit_code") or _("（空）"),
            )
            return None
        return letter

    def _match_one(
        self,
        named: Any,
        enterprises: Any,
        problems: list[str],
        new: list[dict[str, str]],
        near: list[dict[str, str]] | None = None,
        notes: list[str] | None = None,
        read: _OcrRead | None = None,
    ):
        code = named.credit_code
        if code and named.credit_code_status == "valid":
            if enterprises.record(code) is not None:
                return code, "code"
            if named.name:
                new.append({"credit_code": code, "name": named.name})
            problems.append(
                _(
                    "代码 {code}（{name}）不在名册中；加 --register-new 可登记后归档",
                    code=code,
                    name=named.name or "?",
                )
            )
            return None, None
        candidates = []
        if code and named.credit_code_status == "masked" and uscc.masked_parts(code) is not None:
            candidates = [
                record
                for key in enterprises.ids()
                if uscc.matches_masked(code, key)
                and (record := enterprises.record(key)) is not None
                and (not named.name or record.get("name_key") == normalise_name(named.name))
            ]
            if len(candidates) == 1:
                return candidates[0]["credit_code"], "masked"
        if named.name:
            by_name = [
                record
                for known in self._names().get(normalise_name(named.name), [])
                if (record := enterprises.record(known)) is not None
            ]
            if len(by_name) == 1:
                return by_name[0]["credit_code"], "name"
            if not by_name and read is not None and not read.foreign and notes is not None:
                found = None
                if read.unsure_name:  # a name read surely is what it says
                    found = self._name_with_place(named.name, enterprises, read.lines)
                if found is None:
                    found = self._name_read_again(named.name, enterprises, read.lines, read.reread)
                if found is None and read.unsure_name:  # a name read surely is what it says
                    found = self._name_read_otherwise(named.name, enterprises, read)
                if found is None:
                    found = self._name_with_witness(named.name, code, enterprises, read)
                if found is not None:
                    notes.append(found[1])
                    return found[0], "name"
            candidates = candidates or by_name
        if candidates:
            problems.append(
                _(
                    "有 {count} 家单位都可能是“{name}”",
                    count=len(candidates),
                    name=named.name or code,
                )
            )
        elif code and named.credit_code_status == "invalid":
            problems.append(_("文中的代码 {code} 无效（校验未通过）", code=code))
            if near is not None:
                self._suggest_near(code, enterprises, problems, near)
        elif named.name:
            problems.append(
                _("名册中没有名为“{name}”的单位，文中也没有可用的代码", name=named.name)
            )
        return None, None

    def _name_with_place(
        self, name: str, enterprises: Any, lines: list[str], where: str | None = None
    ) -> tuple[str, str] | None:
        """An OCR'd name not in the register whose county (or city) OCR read one character
        off (监山县 for 蓝山县, :func:`parsers.fields.doc_numbers.correct_place_name`: only when
        the heading above it names that place) and that, put right, is exactly one registered
        name: (its code, the note saying so).  ``where``: the text that stands where the name
        does in ``lines`` (the first reading's, for a name the other engine read)."""
        from parsers.fields.doc_numbers import correct_place_name

        at = next((index for index, line in enumerate(lines) if (where or name) in line), None)
        if at is None:
            return None
        fixed = correct_place_name(name, self.archive.settings.places, _issuer_lines(lines, at))
        if fixed is None:
            return None
        known = self._names().get(normalise_name(fixed), [])
        if len(known) != 1 or enterprises.record(known[0]) is None:
            return None
        note = _(
            "文字识别读出的单位名称“{read}”地名有误，按“{fixed}”归档（credit.toml 的 bureau.places）"
            "：请核对",
            read=name,
            fixed=fixed,
        )
        return known[0], note

    def _named_in_text(self, lines: list[str], code: str | None) -> tuple[str, str] | None:
        """An OCR'd document where the parsers found no enterprise name (a table cell whose
        label was lost, an addressee without its colon): the one registered enterprise whose
        whole name stands as a party's does in the first lines (``_names_party``: not inside a
        sentence, not followed by more of a name: 二分公司), (its code, the note saying so);
        None when none does, or more than one, or the document's own code (read, failing its
        check) is far from that enterprise's."""
        heads = [normalise_name(line) for line in lines if line.strip()][:NAME_LINES]
        found = {
            key
            for key in self._names()
            if len(key) >= 6 and any(_names_party(line, key) for line in heads)
        }
        if len(found) != 1 or len(self._names()[next(iter(found))]) != 1:
            return None
        found = list(found)
        known = self._names()[found[0]][0]
        record = self.archive.index().table(ENTERPRISES).record(known)
        if record is None or _code_contradicts(code, known):
            return None
        note = _(
            "文字识别没有读出单位名称栏；文中有名册中的单位全称“{name}”，按此归档：请核对",
            name=record.get("name") or found[0],
        )
        return known, note

    def _name_with_witness(
        self, name: str, code: str | None, enterprises: Any, read: _OcrRead
    ) -> tuple[str, str] | None:
        """An OCR'd name not in the register, close to exactly one registered name (one
        character off; two off a name of ten or more) but for the place it starts with (which
        must be the same) and for no numeral (二分公司 is not 一分公司), with a second witness
        from that enterprise's register entry: a code one character off its code; or, when a
        character of the name was read unsurely, its phone, legal representative (after its
        label) or address — and the legal representative the document names is not another.
        (its code, the note saying which witness); else None."""
        from difflib import SequenceMatcher

        from parsers.scan.ocr import _distance

        given = normalise_name(name)
        allowed = 2 if len(given) >= 10 else 1
        close = [
            key
            for key in self._names()
            if key and abs(len(key) - len(given)) <= allowed and _distance(key, given) <= allowed
        ]
        if len(close) != 1 or len(self._names()[close[0]]) != 1:
            return None
        key = close[0]
        place = _PLACE_PREFIX.match(key)
        if place is not None and not given.startswith(place.group()):
            return None  # 宁远县南岭冶炼 is not 蓝山县南岭冶炼 misread
        changed = "".join(
            key[i1:i2] + given[j1:j2]
            for tag, i1, i2, j1, j2 in SequenceMatcher(None, key, given).get_opcodes()
            if tag != "equal"
        )
        if any(char in _NUMERALS for char in changed):
            return None
        known = self._names()[key][0]
        record = enterprises.record(known)
        if record is None or _code_contradicts(code, known):
            return None
        text = normalise_name("".join(read.lines))
        legal = normalise_name(str(record.get("legal_representative") or ""))
        named = [normalise_name(read.legal)] if read.legal else []
        named += [found.group(1) for found in _LEGAL_NAMED.finditer(text)]
        if legal and any(not other.startswith(legal) for other in named):
            return None  # the document names another legal representative
        phone = re.sub(r"\D", "", str(record.get("phone") or ""))
        address = normalise_name(str(record.get("address") or ""))
        as_legal = rf"(?:法定代表人|法人代表|负责人)[^\u4e00-\u9fff]{{0,3}}{re.escape(legal)}"
        witnesses = [(bool(code) and uscc.one_off(code or "", known), N_("代码（只差一位）"))]
        if read.unsure_name:
            witnesses += [
                (len(phone) >= 7 and phone in re.sub(r"\D", "", text), N_("联系电话")),
                (len(legal) >= 2 and re.search(as_legal, text) is not None, N_("法定代表人")),
                (len(address) >= 8 and address in text, N_("地址")),
            ]
        seen = [_(label) for present, label in witnesses if present]
        if not seen:
            return None
        note = _(
            "文字识别读出的单位名称“{read}”不在名册中，与“{name}”相近，且文中的{what}与该单位登记的相同，"
            "按此归档：请核对",
            read=name,
            name=record.get("name") or key,
            what=_("、").join(seen),
        )
        return known, note

    def _name_read_again(
        self, name: str, enterprises: Any, lines: list[str], reread: dict[int, str]
    ) -> tuple[str, str] | None:
        """An OCR'd name not in the register that its line, read a second time
        (``ParsedDocument.reread``), gives as exactly one registered name: (its code, the note
        saying so).  The second reading alone decides nothing: it must name one enterprise of
        the register, letter for letter."""
        for number, line in enumerate(lines, start=1):
            again = reread.get(number)
            at = line.find(name)
            if again is None or at < 0 or len(again) != len(line):
                continue  # a reading of another length is not aligned with this one
            other = again[at : at + len(name)]
            known = self._names().get(normalise_name(other), [])
            if other == name or len(known) != 1 or enterprises.record(known[0]) is None:
                continue
            note = _(
                "文字识别读出的单位名称“{read}”不在名册中，该行单独重读为“{fixed}”，按此归档",
                read=name,
                fixed=other,
            )
            return known[0], note
        return None

    def _name_read_otherwise(
        self, name: str, enterprises: Any, read: _OcrRead
    ) -> tuple[str, str] | None:
        """An OCR'd name not in the register that the other OCR engine read as exactly one
        registered name — as it read it, or with our county's place put right as for any OCR'd
        name (:meth:`_name_with_place`): (its code, the note saying so)."""
        for other in read.other_names:
            if other == name:
                continue
            known = self._names().get(normalise_name(other), [])
            if len(known) == 1 and enterprises.record(known[0]) is not None:
                found: tuple[str, str] | None = (known[0], "")
            else:
                found = self._name_with_place(other, enterprises, read.lines, where=name)
            if found is not None:
                note = _(
                    "文字识别读出的单位名称“{read}”不在名册中，另一识别引擎读为“{fixed}”，按此归档",
                    read=name,
                    fixed=other,
                )
                return found[0], "；".join(part for part in (note, found[1]) if part)
        return None

    @staticmethod
    def _suggest_near(
        code: str, enterprises: Any, problems: list[str], near: list[dict[str, str]]
    ) -> None:
        """An OCR-read code one character off exactly one registered code: a candidate for
        the clerk to check, with the reason; the file stays unmatched."""
        close = [key for key in enterprises.ids() if uscc.one_off(code, key)]
        if len(close) != 1:
            return
        record = enterprises.record(close[0]) or {}
        reason = _("OCR 识别的代码与已登记的 {code} 只差一位，请核对", code=close[0])
        problems.append(reason)
        near.append(
            {
                "name": record.get("name"),
                "credit_code": close[0],
                "why": "ocr_near",
                "reason": reason,
            }
        )

    def _unmatched(self, result: FileResult, parsed: Any, work: _Work) -> None:
        result.status = UNMATCHED
        result.candidates = [
            {"name": named.name, "credit_code": named.credit_code} for named in parsed.enterprises
        ] + result.near
        if self.dry_run:
            self.settle(result)
            return
        inbox = self.archive.root / "inbox" / "unmatched"
        original = work.candidate.display
        source = work.candidate.source
        if _in_inbox(source, _inbox(self.archive)):
            assert source is not None
            target = inbox / source.name  # looked at again where it waits: no second copy
            original = _read_sidecar(target).get("original") or original
        else:
            base = Path(work.candidate.display.replace("!", "_")).name or "document"
            target = inbox / f"{work.sha256[:8]}_{base}"
        waiting = target.relative_to(self.archive.root).as_posix()
        sidecar = {
            "original": original,
            "sha256": work.sha256,
            "reason": result.reason,
            "kind": result.kind,
            "candidates": result.candidates,
            "fields": _jsonable(result.fields),
            "received_on": self.received_on,
            # relative to the archive (a moved archive still works; --assign looks there too)
            "assign": f"credit ingest --assign {waiting} 统一社会信用代码",
        }
        copied = False
        try:
            inbox.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                _copy_durably(Path(work.candidate.path), target)
                copied = True
            note = json.dumps(sidecar, ensure_ascii=False, indent=2).encode("utf-8")
            atomic_write(target.with_name(target.name + ".json"), note)
        except OSError as exc:
            # atomic_write's temp file (``.<name>.<pid>.tmp``) is not left behind either
            temp = target.with_name(f".{target.name}.json.{os.getpid()}.tmp")
            with contextlib.suppress(OSError):
                temp.unlink(missing_ok=True)
            if copied:  # the note could not be written: no copy without its note
                with contextlib.suppress(OSError):
                    target.unlink()
            if _disk_full(exc):
                self._give_up(exc, [result])
            result.status = FAILED
            result.reason = _("复制到 inbox/unmatched/ 失败：{error}", error=describe_error(exc))
            self.settle(result)
            return
        if copied:
            self.inbox_copies.append((target, work.sha256))
        result.stored = str(target.relative_to(self.archive.root))
        known = self.archive.index().table(UNMATCHED_TABLE).record(work.sha256)
        if known and known.get("reason") == result.reason:
            self.settle(result)  # already waiting in the inbox for the same reason
            return
        self.unmatched.append((result, {**sidecar, "stored": result.stored}))
        if len(self.unmatched) >= COMMIT_EVERY:
            self.flush()

    # -- storing ---------------------------------------------------------------------------

    def flush(self) -> None:
        if not self.pending and not self.unmatched:
            return
        batch, self.pending = self.pending, []
        unmatched, self.unmatched = self.unmatched, []
        self.last_commit = time.monotonic()
        if self.dry_run:
            for result, match, _path, _work in batch:
                result.status = INGESTED
                result.credit_codes = match["credit_codes"]
                result.matched_by = match["matched_by"]
                result.filed_under = _filed_under(self.archive.index(), match)
                self.settle(result)
            return
        # Copies this batch made that only its commit will record: removed if it fails.
        copies = [(path, sha, UNMATCHED_TABLE) for path, sha in self.inbox_copies]
        self.inbox_copies = []
        waiting = [result for result, _match, _path, _work in batch]
        waiting += [result for result, _sidecar in unmatched]
        stored: list[tuple[FileResult, dict[str, Any], str]] = []
        folders: set[Path] = set()
        for result, match, path, work in batch:
            owner = (
                match["credit_codes"][0]
                if match["credit_codes"]
                else f"sections/{match.get('section')}"
            )
            when = result.fields.get("document_date") or date.today().isoformat()
            relative = (
                Path("files")
                / owner
                / (result.kind or "unknown")
                / (f"{when}_{work.sha256[:8]}{_stored_suffix(work)}")
            )
            try:
                target = self.archive.root / relative
                if not target.exists():
                    _copy_durably(path, target, folders=folders)
                    copies.append((target, work.sha256, DOCUMENTS))
            except OSError as exc:
                if _disk_full(exc):
                    self._give_up(exc, waiting, copies)
                result.status = FAILED
                result.reason = _("复制到档案失败：{error}", error=describe_error(exc))
                waiting.remove(result)
                self.settle(result)
                continue
            stored.append((result, match, str(relative)))
        try:
            _sync_folders(folders)  # before the events that point at these files are journaled
            if not stored and not unmatched:
                return
            self._commit(stored, unmatched)
        except BaseException as exc:
            if _disk_full(exc):
                self._give_up(exc, waiting, copies)
            self._discard(copies)
            raise
        _leave_inbox(self.archive.root, {r.sha256 for r, _m, _p in stored if r.status == INGESTED})
        for result, _sidecar in unmatched:
            self.settle(result)
        for result, _match, _relative in stored:
            self.settle(result)

    def _commit(
        self,
        stored: list[tuple[FileResult, dict[str, Any], str]],
        unmatched: list[tuple[FileResult, dict[str, Any]]],
    ) -> None:
        with self.archive.transaction() as tx:
            for _result, sidecar in unmatched:
                tx.emit("document.unmatched", sidecar)
            documents = tx.index.table(DOCUMENTS)
            for result, match, relative in stored:
                if (
                    documents.record(result.sha256) is not None
                ):  # archived by someone else meanwhile
                    result.status = DUPLICATE
                    result.reason = _(
                        "已归档：{path}", path=documents.record(result.sha256).get("stored")
                    )
                    continue
                for item in match.get("register") or []:
                    if (
                        tx.index.table(ENTERPRISES).record(item["credit_code"]) is None
                        and self.register_new
                    ):
                        tx.emit(
                            "enterprise.added",
                            {**item, "source": f"ingest:{result.path}"},
                        )
                filed = tx.emit(
                    "document.ingested",
                    {
                        "sha256": result.sha256,
                        "kind": result.kind,
                        "original_name": result.path,
                        "stored": relative,
                        "credit_codes": match["credit_codes"],
                        "section": match.get("section"),
                        "matched_by": match["matched_by"],
                        "fields": _jsonable(result.fields),
                        "enterprises": result.candidates,
                        "received_on": self.received_on,
                        FACT_EVENTS: True,
                    },
                )
                for fact_type, fact in document_facts(tx.index, filed["data"]):
                    tx.emit(fact_type, fact)
                result.status = INGESTED
                result.stored = relative
                result.credit_codes = match["credit_codes"]
                result.matched_by = match["matched_by"]
                result.filed_under = _filed_under(tx.index, match)

    # -- when the disk is full -------------------------------------------------------------

    def _give_up(
        self,
        exc: BaseException,
        waiting: list[FileResult] | None = None,
        copies: list[tuple[Path, str | None, str]] | None = None,
    ) -> NoReturn:
        """The disk is full: remove the copies no commit recorded, report every file still
        waiting for its commit as failed, and stop the run (the next files would fail too)."""
        copies = [*(copies or []), *((p, sha, UNMATCHED_TABLE) for p, sha in self.inbox_copies)]
        waiting = [*(waiting or []), *(r for r, _m, _p, _w in self.pending)]
        waiting += [result for result, _sidecar in self.unmatched]
        self.pending, self.unmatched, self.inbox_copies = [], [], []
        self._discard(copies)
        for result in waiting:
            result.status = FAILED
            result.stored = None
            result.reason = _("磁盘已满，未归档")
            self.settle(result)
        raise ArchiveError(
            _("档案所在的磁盘已满（{path}），归档已中止", path=display_name(self.archive.root)),
            _(
                "腾出磁盘空间后重新运行同一命令：已归档的文件会记为重复，其余的接着归档",
            ),
        ) from exc

    def _discard(self, copies: list[tuple[Path, str | None, str]]) -> None:
        """Remove the copies (and inbox notes) of a batch whose commit failed — unless the
        journal records them after all (read afresh: the commit may have got that far)."""
        if not copies:
            return
        try:
            index = self.archive.index()
        except Exception:  # the journal cannot be read: keep everything rather than guess
            return
        files = (self.archive.root / "files").resolve()
        for path, sha, table in copies:
            record = index.table(table).record(sha) if sha else None
            relative = str(path.relative_to(self.archive.root))
            if record is not None and record.get("stored") == relative:
                continue
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
            if table == UNMATCHED_TABLE:
                with contextlib.suppress(OSError):
                    path.with_name(path.name + ".json").unlink(missing_ok=True)
                continue
            for folder in path.parents:  # the folders the copy made, if now empty
                if folder.resolve() == files or files not in folder.resolve().parents:
                    break
                try:
                    folder.rmdir()
                except OSError:
                    break


def _leave_inbox(root: Path, archived: set[str | None]) -> None:
    """Documents now archived (e.g. by ``--register-new``) no longer wait in the inbox: remove
    the copies and sidecars earlier runs left in ``inbox/unmatched/`` (after the commit)."""
    inbox = root / "inbox" / "unmatched"
    prefixes = {sha[:8] for sha in archived if sha}
    if not prefixes or not inbox.is_dir():
        return
    for sidecar in inbox.glob("*.json"):
        if sidecar.name[:8] not in prefixes or sidecar.name[8:9] != "_":
            continue
        try:
            if json.loads(sidecar.read_text(encoding="utf-8")).get("sha256") not in archived:
                continue
        except (OSError, ValueError, AttributeError):
            continue
        sidecar.with_name(sidecar.name.removesuffix(".json")).unlink(missing_ok=True)
        sidecar.unlink(missing_ok=True)


SCAN_PARSER = "scan"  # parsers.scan.NAME: the parser of scans (images, PDFs without text)
_TEMPLATE_KINDS = {
    "form_monthly_report": "monthly_report",
    "form_section_submission": "section_submission",
}


SIGN_OFF_LINES = 6  # the 落款 (issuing bureau and date) stands in the text's last lines


UNSURE_CHAR = 50.0  # an OCR'd character read less surely than this may be a misreading
NAME_LINES = 15  # the first lines of an OCR'd text, where the party stands
_LEGAL_NAMED = re.compile(r"(?:法定代表人|法人代表)[^\u4e00-\u9fff]{0,3}([\u4e00-\u9fff]{2,4})")
_NUMERALS = frozenset("一二三四五六七八九十〇零0123456789")
# The places a name starts with (湖南省永州市蓝山县, 蓝山县, 永州).
_PLACE_PREFIX = re.compile(r"^(?:[\u4e00-\u9fff]{1,4}?[省市县区])+")
# A bureau named in an issuer's line (蓝山县应急管理局, 湖南省宁远县应急管理局; 应总管理 misread).
_BUREAU = re.compile(r"(?P<place>(?:[\u4e00-\u9fff]{1,4}?[省市县区])+)应.?管理[局厅]")
# What may stand before a party's name on its line: a label, a bar, a mark.
_PARTY_LEAD = re.compile(r"^[|:：\s]*(?:[\u4e00-\u9fff]{2,8}[|:：]+)?[|\s]*")
# What may follow it: nothing, a colon, its code in brackets or after its label.
_PARTY_TAIL = re.compile(
    r"^(?:[:：;；,，。|]*$|[(（〈<{]|[|:：]*(?:统一)?社会信用代码|[|:：]*代码)"
)


def _names_party(line: str, name: str) -> bool:
    """Whether ``line`` (normalised) carries ``name`` as a party: at its start, or after a
    label, with nothing after it but a colon or its code."""
    lead = _PARTY_LEAD.match(line)
    starts = {0, lead.end() if lead is not None else 0}
    return any(
        line.startswith(name, start) and _PARTY_TAIL.match(line[start + len(name) :]) is not None
        for start in starts
    )


def _foreign_issuer(lines: list[str], places: dict[str, str]) -> bool:
    """Whether an OCR'd document's issuer is another county's (or city's) bureau: the heading
    (the first lines) or the 落款 names a bureau of a place that is not one of ours
    (``bureau.places``), nor one character off one (ours misread).  抄送 lines do not count."""
    from parsers.fields.doc_numbers import one_off

    ours = [place for place in places.values() if place]
    shown = [line for line in lines if line.strip() and not line.lstrip().startswith("抄")]
    for line in [*shown[:4], *shown[-SIGN_OFF_LINES:]]:
        for found in _BUREAU.finditer(normalise_name(line)):
            units = re.findall(r"[\u4e00-\u9fff]{1,4}?[省市县区]", found.group("place"))
            last = units[-1] if units else found.group("place")
            if last not in ours and not one_off(last, ours):
                return True
    return False


def _code_contradicts(read: str | None, code: str) -> bool:
    """Whether a code the document printed (read by OCR, failing its check) speaks against
    ``code``: more than two characters off it.  A sister company with a name one character
    off a registered one prints its own code."""
    from parsers.scan.ocr import _distance

    return bool(read) and _distance(uscc.compact(read or ""), code) > 2


def _issuer_lines(lines: list[str], upto: int) -> str:
    """Where an OCR'd document names its issuer: the heading (the lines before line ``upto``,
    0-based) and, in the 落款 (the last lines), a line naming a bureau (…应急管理局/厅) — the
    same misreading of 蓝 as 监 often spares one of the two."""
    tail = [line for line in lines[upto:] if line.strip()][-SIGN_OFF_LINES:]
    return "\n".join([*lines[:upto], *(line for line in tail if "应急管理" in line)])


def letter_kind(letter: dict[str, Any]) -> str:
    """The document kind of a returned letter, from the template it was issued with."""
    template = letter.get("template") or ""
    if template in _TEMPLATE_KINDS:
        return _TEMPLATE_KINDS[template]
    if letter.get("category") == "commitment" or template.startswith("commitment"):
        return "commitment_letter"
    return "unknown"


def _stored_suffix(work: _Work) -> str:
    """The extension a file is stored under: by its content (an image by its format)."""
    if work.media != "image":
        return EXTENSIONS.get(work.media, "")
    try:
        with open(work.candidate.path, "rb") as handle:
            head = handle.read(16)
    except OSError:
        head = b""
    for magic, suffix in _IMAGE_SUFFIXES:
        if head.startswith(magic):
            return suffix
    return ".webp" if head[8:12] == b"WEBP" else ".img"


_IMAGE_SUFFIXES = (
    (b"\xff\xd8\xff", ".jpg"),
    (b"\x89PNG", ".png"),
    (b"II*\x00", ".tif"),
    (b"MM\x00*", ".tif"),
    (b"GIF8", ".gif"),
    (b"BM", ".bmp"),
)


def _serial_key(serial: str) -> str:
    """How serials are compared: NFKC, no spaces (``（蓝）应急诺…`` and ``(蓝)应急诺…`` are one)."""
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", serial).split())


def _describe(result: FileResult, parsed: Any) -> FileResult:
    result.kind = parsed.kind
    result.credit_code = parsed.credit_code
    result.credit_code_status = parsed.credit_code_status
    result.enterprise_name = parsed.enterprise_name
    result.fields = {**parsed.values(), "parser": parsed.parser}
    result.candidates = [
        {
            "name": named.name,
            "credit_code": named.credit_code,
            "credit_code_status": named.credit_code_status,
        }
        for named in parsed.enterprises
    ]
    return result


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _copy_durably(source: Path, target: Path, *, folders: set[Path] | None = None) -> None:
    """Copy ``source`` to ``target`` via a temp file, fsynced.

    The folders whose entries changed (``target``'s, and new ones above it) must be fsynced
    too: at once, or — when ``folders`` is given — collected there for :func:`_sync_folders`,
    once per batch rather than once per file.
    """
    touched = set(target.parents[:4])  # files/<code>/<kind>/ or files/sections/<name>/<kind>/
    made = [folder for folder in target.parents[:4] if not folder.exists()]  # deepest first
    temp = target.with_name(f".{target.name}.{_part_owner()}.part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(source, "rb") as reader, open(temp, "wb") as writer:
            if faults.armed("ingest.copy_half"):  # a kill -9 in mid-copy, for the crash tests
                writer.write(reader.read(max(1, source.stat().st_size // 2)))
                writer.flush()
                faults.kill_point("ingest.copy_half")
            shutil.copyfileobj(reader, writer, 1024 * 1024)
            writer.flush()
            os.fsync(writer.fileno())
        os.replace(temp, target)
    except BaseException:  # a full disk, a read error: no half copy, no empty folder stays
        with contextlib.suppress(OSError):
            temp.unlink()
        with contextlib.suppress(OSError):
            for folder in made:
                folder.rmdir()
        raise
    if folders is None:
        _sync_folders(touched)
    else:
        folders.update(touched)


def _disk_full(exc: BaseException | None) -> bool:
    """A full disk, also behind the archive's own error (a journal append that failed)."""
    while exc is not None:
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        exc = exc.__cause__
    return False


def _read_sidecar(document: Path) -> dict[str, Any]:
    """The inbox's note beside ``document`` (``<name>.json``); {} when missing or unreadable."""
    try:
        note = json.loads(document.with_name(document.name + ".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return note if isinstance(note, dict) else {}


def _filed_under(index: Index, match: dict[str, Any]) -> list[dict[str, Any]]:
    """The enterprises (as the register names them) or the section a document was filed under."""
    enterprises = index.table(ENTERPRISES)
    filed: list[dict[str, Any]] = []
    for code in match["credit_codes"]:
        record = enterprises.record(code) or {}
        filed.append(
            {
                "credit_code": code,
                "name": record.get("name"),
                "closed": record.get("status") == "closed",
            }
        )
    if not filed and match.get("section"):
        filed.append({"section": match["section"]})
    return filed


def _tidy_inbox(archive: Archive, report: IngestReport) -> None:
    """Documents looked at again in ``inbox/unmatched/`` that are now archived leave it, with
    their notes (after the commit; a duplicate only when the archive holds it)."""
    inbox = _inbox(archive)
    documents = archive.index().table(DOCUMENTS)
    for result in report.results:
        source = result.source
        if source is None or not _in_inbox(source, inbox):
            continue
        if result.status == INGESTED or (
            result.status == DUPLICATE and result.sha256 and documents.record(result.sha256)
        ):
            with contextlib.suppress(OSError):
                source.unlink(missing_ok=True)
                source.with_name(source.name + ".json").unlink(missing_ok=True)


def _sync_folders(folders: set[Path]) -> None:
    """Make new entries in ``folders`` durable (deepest first) and drop stale partial copies."""
    for folder in sorted(folders, key=lambda path: len(path.parts), reverse=True):
        fsync_dir(folder)
        _remove_stale_parts(folder)


STALE_PART_SECONDS = 24 * 3600
# ``.<name>.<pid>@<host>.part`` (``.<name>.<pid>.part`` before the host was named)
_PART_NAME = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)(?:@(?P<host>[A-Za-z0-9-]*))?\.part$")


def _this_host() -> str:
    """This machine's name as it goes into a partial copy's name (letters, digits and -)."""
    import socket

    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:32]


def _part_owner() -> str:
    return f"{os.getpid()}@{_this_host()}"


def _process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists on this machine (a process of another user counts)."""
    if os.name == "nt":  # pragma: no cover - os.kill would end it there; assume it lives
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, it is someone else's
        return True
    return True


def _part_abandoned(part: Path, *, cutoff: float) -> bool:
    """A partial copy nobody is writing: its process (on this machine) is gone, or — for one
    from another machine or of the old name — it is a day old."""
    found = _PART_NAME.match(part.name)
    if found and found["host"] == _this_host() and int(found["pid"]) != os.getpid():
        return not _process_alive(int(found["pid"])) or _older(part, cutoff)
    return _older(part, cutoff)


def _older(part: Path, cutoff: float) -> bool:
    try:
        return part.stat().st_mtime < cutoff
    except OSError:
        return False


def _remove_stale_parts(folder: Path) -> None:
    """Remove copies a killed ingest left half-written here (their process is gone)."""
    cutoff = time.time() - STALE_PART_SECONDS
    for part in folder.glob(".*.part"):
        try:
            if _part_abandoned(part, cutoff=cutoff):
                part.unlink()
        except OSError:
            pass


def _partial_copies(archive: Archive) -> Iterator[Path]:
    """Every partial copy (``.….part``) in ``files/`` and ``inbox/unmatched/``."""
    for top in (archive.root / "files", archive.root / "inbox" / "unmatched"):
        for folder, _dirs, names in os.walk(top):
            for name in names:
                if name.startswith(".") and name.endswith(".part"):
                    yield Path(folder) / name


def remove_abandoned_parts(archive: Archive) -> list[str]:
    """Remove the partial copies that killed ingests left anywhere in the archive (run by every
    ingest before it copies); returns what was removed, relative to the archive."""
    cutoff = time.time() - STALE_PART_SECONDS
    removed = []
    for part in _partial_copies(archive):
        try:
            if _part_abandoned(part, cutoff=cutoff):
                part.unlink()
                removed.append(part.relative_to(archive.root).as_posix())
        except OSError:
            pass
    return removed


def leftover_files(archive: Archive, index: Index) -> list[str]:
    """Files in ``files/`` that no journal event records — partial copies (``.….part``) and
    whole copies whose commit never came (a killed or failed ingest) — relative to the archive.

    ``index`` is the journal's state (for ``credit audit verify``: the rebuild)."""
    recorded = {
        str(record.get("stored") or "").replace("\\", "/")
        for key in index.table(DOCUMENTS).ids()
        if (record := index.table(DOCUMENTS).record(key))
    }
    found = {part.relative_to(archive.root).as_posix() for part in _partial_copies(archive)}
    for folder, _dirs, names in os.walk(archive.root / "files"):
        for name in names:
            relative = (Path(folder) / name).relative_to(archive.root).as_posix()
            if not name.startswith(".") and relative not in recorded:
                found.add(relative)
    return sorted(found)


def _move_away(report: IngestReport) -> None:
    """``--move``: remove originals that are now safely in the archive (after the commit)."""
    for result in report.results:
        if result.status in (INGESTED, DUPLICATE) and result.source is not None:
            try:
                result.source.unlink()
            except OSError:
                pass


def _assignable(archive: Archive, code: str) -> str:
    from archive.enterprises import get_enterprise

    return get_enterprise(archive, code)["credit_code"]


def assign_path(archive: Archive, path: Path) -> Path:
    """The file ``--assign`` names: as given, or — when no such file is here — relative to the
    archive, as the inbox's notes give it (``inbox/unmatched/…``)."""
    path = Path(path)
    if not path.exists() and not path.is_absolute() and (archive.root / path).exists():
        return archive.root / path
    return path


def assign_file(archive: Archive, path: Path, code: str, **options: Any) -> IngestReport:
    """``credit ingest --assign FILE CODE``: file one document under the given enterprise.

    A closed (注销) enterprise still gets the document, with a warning in ``archive.warnings``.
    """
    from archive.enterprises import get_enterprise

    path = assign_path(archive, path)
    if not path.is_file():
        raise CreditError(_("{path} 不是文件", path=display_name(path)))
    enterprise = get_enterprise(archive, code)
    if options.get("received") is None:
        # a file waiting in the inbox was received when it was first ingested
        waiting = _read_sidecar(path).get("received_on")
        with contextlib.suppress(TypeError, ValueError):
            options["received"] = date.fromisoformat(waiting)
    report = ingest(archive, [path], assign=enterprise["credit_code"], **options)
    if enterprise.get("status") == "closed" and any(r.status == INGESTED for r in report.results):
        archive.warnings.append(
            _(
                "{name}（{code}）已于 {date} 注销，文件仍按指定归入其档案",
                name=enterprise.get("name"),
                code=enterprise["credit_code"],
                date=enterprise.get("closed_on") or "?",
            )
        )
    return report


# -- reading -------------------------------------------------------------------------------------


@dossier.section("documents", order=20)
def documents_for(archive: Archive, code: str) -> list[dict[str, Any]]:
    index = archive.index()
    table = index.table(DOCUMENTS)
    code = uscc.compact(code)
    shas = log_of(index, code).get("documents", [])
    # its documents are in its own slice, but for those that name another enterprise first
    own = table.in_slices([bucket(code)]) if shas else {}
    return [dict(own.get(sha) or table.record(sha) or {}) for sha in shas]


@dossier.full("documents")
def full_documents(archive: Archive, documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The documents with what their index entries leave to the journal (the parser's parties,
    a monthly report's topics …), read from each one's ``document.ingested`` event."""
    from archive.errors import JournalCorrupt

    full = []
    for document in documents:
        try:
            entry = archive.journal.entry(document["seq"]) if document.get("seq") else None
        except JournalCorrupt as exc:  # that line was edited: the document as indexed
            if exc.message not in archive.warnings:
                archive.warnings.append(exc.message)
            entry = None
        data = (entry or {}).get("data") or {}
        if data.get("sha256") != document.get("sha256"):
            full.append(document)  # (an entry written before seq was kept: as indexed)
            continue
        extra = {k: v for k, v in data.items() if k != FACT_EVENTS and k not in document}
        fields = {**(document.get("fields") or {}), **(data.get("fields") or {})}
        full.append({**document, **extra, "fields": fields})
    return full


# -- reducers ------------------------------------------------------------------------------------


# Set in a ``document.ingested`` event whose facts follow it as events of their own.  An event
# without it was written before (credit ≤ issue 8): replaying it derives the same fact events
# from it, in the same place, so an old journal rebuilds the same index.
FACT_EVENTS = "fact_events"


def _document_summary(data: dict[str, Any]) -> str:
    return " ".join(data.get("credit_codes", []))


@event("document.ingested", label=N_("归档文书"), summary=_document_summary)
def _document_ingested(index: Index, entry: dict[str, Any]) -> None:
    """The document itself; the facts that follow from it are events of their own."""
    data = entry["data"]
    record = {key: value for key, value in data.items() if key not in (FACT_EVENTS, *NOT_INDEXED)}
    record["ingested_at"] = entry["time"]
    record["ingested_by"] = entry["actor"]
    record["seq"] = entry["seq"]  # the event with everything: enterprise show --full
    if record.get("kind") in SUBMISSION_KINDS:
        index.table(SUBMISSIONS).put(data["sha256"], submission(record))
    fields = record.get("fields")
    if isinstance(fields, dict) and any(key in fields for key in FIELDS_NOT_INDEXED):
        record["fields"] = {k: v for k, v in fields.items() if k not in FIELDS_NOT_INDEXED}
    index.table(DOCUMENTS).put(data["sha256"], record)
    index.table(UNMATCHED_TABLE).delete(data["sha256"])
    for code in data["credit_codes"]:
        enterprise = note_event(index, code, entry)
        if enterprise is not None:
            enterprise.setdefault("documents", []).append(data["sha256"])
    if not data.get(FACT_EVENTS):  # an event written before facts were events: upgrade it
        for fact_type, fact in document_facts(index, data):
            events.apply(index, {**entry, "type": fact_type, "data": fact})


def submission(record: dict[str, Any]) -> dict[str, Any]:
    """What ``monthly-check`` reads of a monthly submission, kept apart from the documents (which
    are split by enterprise) and split by the year it reports on: period, owner, dates, and
    the fields that say whether it is complete."""
    fields = record.get("fields") or {}
    slim = {key: fields[key] for key in SUBMISSION_FIELDS if key in fields}
    topics = fields.get("topics")
    if isinstance(topics, dict) and not isinstance(fields.get("topics_missing"), list):
        slim["topics"] = {
            name: {"filled": bool((value or {}).get("filled"))} for name, value in topics.items()
        }
    codes = record.get("credit_codes") or []
    if record.get("kind") == "section_submission" and record.get("section"):
        owner = record["section"]
    else:
        owner = codes[0] if codes else ""
    kept = ("sha256", "kind", "credit_codes", "section", "received_on", "ingested_at")
    return {
        **{key: record.get(key) for key in kept},
        "file": record.get("stored") or record.get("original_name") or "",
        "period": fields.get("period"),
        "owner": owner,
        "fields": slim,
    }


def document_facts(index: Index, data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The events that follow from filing the document ``data`` into ``index``: a letter we
    issued returned, an enterprise's own commitment returned, a rectification opened, reviewed
    or closed, an accident the document states recorded.  Depends only on ``data`` and the index, so replaying gives the same events."""
    facts: list[tuple[str, dict[str, Any]]] = []
    fields = data.get("fields", {})
    kind = data["kind"]
    sha = data["sha256"]
    code = data["credit_codes"][0] if data["credit_codes"] else None
    signed = fields.get("signed")
    signature = {
        "document": sha,
        # a scan whose signature could not be told stays None (uncertain), never False
        "signed": None if signed is None and fields.get("scan") else bool(signed),
        "signer": fields.get("signer"),
        "sign_date": fields.get("sign_date"),
    }
    serial = returns.returned_letter(index, fields.get("serial"))
    if serial is not None:
        owner = (index.table(LETTERS_TABLE).record(serial) or {}).get("credit_code")
        facts.append(("letter.returned", {"serial": serial, "credit_code": owner, **signature}))
    elif kind == "commitment_letter" and code:
        facts.extend(_own_commitment(index, code, fields, signature))
    if kind == "rectification_order" and code:
        facts.append(
            (
                "rectification.opened",
                {
                    "key": rectifications.order_key(code, fields.get("doc_number"), sha),
                    "credit_code": code,
                    "order_number": fields.get("doc_number"),
                    "deadline": fields.get("rectification_deadline"),
                    "problems": fields.get("problems", []),
                    "document": sha,
                },
            )
        )
    elif kind == "reinspection_opinion" and code:
        for key in rectifications.reviewed_by(index, code, fields.get("follows_order")):
            review = {
                "key": key,
                "credit_code": code,
                "document": sha,
                "date": fields.get("document_date"),
            }
            facts.append(
                ("rectification.reviewed", {**review, "rectified": fields.get("rectified")})
            )
            if fields.get("rectified") is True:
                facts.append(("rectification.closed", review))
    if kind in ("penalty_decision", "accident_report") and code:
        # A document that states an accident (an investigation report, a decision whose 违法事实
        # tells of one): recorded once per enterprise and date.
        accident = accidents.document_accident(index, data)
        if accident is not None:
            facts.append(("accident.recorded", accident))
    return facts


def _own_commitment(
    index: Index, code: str, fields: dict[str, Any], signature: dict[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    """A commitment letter without our serial (the enterprise's own template) marks that
    year's commitment at its level as returned: the letter we issued for it, if any, else a
    record of its own in ``commitments``.  A signed copy is never replaced by an unsigned one.
    The year is the letter's, else the year it was signed in; without either nothing is marked.
    """
    sign_date = fields.get("sign_date")
    year = fields.get("year") or (int(sign_date[:4]) if sign_date else None)
    if year is None:
        return []
    level = fields.get("level") or "unit"
    serial = returns.commitment_letter(index, code, year, level)
    if serial is not None:
        fact = {"serial": serial, "credit_code": code, "without_serial": True, **signature}
        return [("letter.returned", fact)]
    if returns.commitment_signed(index, code, year, level) and not signature["signed"]:
        return []
    fact = {"credit_code": code, "year": year, "level": level, **signature}
    return [("commitment.returned", fact)]


def _unmatched_summary(data: dict[str, Any]) -> str:
    return str(data.get("stored") or data.get("original") or data.get("sha256", ""))


@event("document.unmatched", label=N_("文书未匹配"), summary=_unmatched_summary)
def _document_unmatched(index: Index, entry: dict[str, Any]) -> None:
    data = entry["data"]
    index.table(UNMATCHED_TABLE).put(data["sha256"], {**data, "at": entry["time"]})
