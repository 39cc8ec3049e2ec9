"""Issuing letters, notices and forms: which to make, serial numbers, rendering, events.

A batch runs in three steps so that the archive's lock is held only for moments:

1. under the lock: skip what was already issued (same template, addressee, year and facts) or
   is being made by another live batch, reserve each letter's key with its serial number
   (``serials.reserved``);
2. without the lock: render each document (in worker processes with ``jobs`` > 1) into the
   batch's hidden staging folder ``<out>/.credit-staging-<run>/``;
3. under the lock: record each written document (``letter.issued``) and release the keys of
   the letters that failed (``letters.released``); once the journal holds that, the documents
   move from staging to their places in ``<out>``.

A batch holds a lock file in its staging folder while it runs; the operating system releases it
when the process dies, however it dies.  The next batch finds dead batches by that lock (never
touching a live one's folder): it moves any document the journal records into place, deletes the
rest and releases the dead batch's keys.  So a killed batch leaves a visible gap in the serials,
never a number used twice and never a numbered letter in ``<out>`` that no event records.
"""

from __future__ import annotations

import calendar
import contextlib
import errno
import hashlib
import json
import os
import re
import shutil
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from archive import cnnum, dossier, faults, uscc
from archive.errors import ArchiveError, CreditError, TemplateError, UsageError
from archive.events import event
from archive.fsutil import atomic_write
from archive.i18n import N_, _, describe_error, join_items
from archive.index import Index, bucket
from archive.letters.catalog import ENTERPRISE_FIELDS, LEVELS, TemplateInfo, get_template_info
from archive.report import Report
from archive.store import Archive

ISSUED = "issued"
ALREADY_ISSUED = "already_issued"
# Reserved by another batch that still runs: not issued yet, maybe never (it can still fail).
IN_PROGRESS = "in_progress"
PLANNED = "planned"
FAILED = "failed"
SKIPPED = "skipped"

LETTERS_TABLE = "letters"
# SHA-256 of each issued file (.docx, PDF) → its serial: ingest knows our own copies by it
ISSUED_COPIES = "issued_copies"
# Each issued file's path as recorded → its serial, and the folders they are in: a new letter's
# file name and a dead batch's staging folder are found without reading every letter
FILES_TABLE = "letter_files"
FOLDERS_TABLE = "letter_folders"
KEYS_TABLE = "letter_keys"
COUNTERS_TABLE = "serial_counters"
# Letters reserved by a batch that has not recorded them yet: key → serial and batch.
RESERVED_TABLE = "letter_reservations"
# Batches with reserved letters: run id → staging folder, process and host.
RUNS_TABLE = "letter_runs"
STAGING_PREFIX = ".credit-staging-"
RUN_LOCK = ".run.lock"
NAME_MAX = 255  # bytes in one file name on ext4, NTFS (UTF-16 units, fewer) and most others
# Facts the templates print as numbered lists; every other fact is one line of text.
LIST_FACTS = frozenset({"problems", "missing"})
SERIAL_SUFFIX = {"commitment": "诺", "notice": "告", "form": "表"}
# Characters Windows and WPS refuse in file names.
_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


@dataclass
class LetterRequest:
    """One document to make, and what became of it."""

    template: str
    addressee: str  # enterprise or section
    name: str  # the enterprise's or the section's name
    year: int
    credit_code: str | None = None
    section: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    enterprise: dict[str, str] | None = None
    status: str = PLANNED
    serial: str | None = None
    file: Path | None = None
    pdf: Path | None = None
    reason: str | None = None
    reissue_of: str | None = None
    # Facts another module records when this letter is issued: (event type, data); the event
    # is emitted after ``letter.issued`` in the same transaction, its data given the serial.
    follow_ups: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    # The facts that make two letters the same (None: all of them).  A reminder names a gap
    # (its month and what is missing); the deadline it gives depends on the day it is made,
    # so it is left out: the same gap found again is the letter already issued.
    key_facts: tuple[str, ...] | None = None

    @property
    def key(self) -> str:
        """What makes two requests the same letter: template, addressee, year and facts
        (those of ``key_facts`` when given)."""
        who = self.credit_code or f"section:{self.section}"
        same = self.facts
        if self.key_facts is not None:
            same = {name: value for name, value in self.facts.items() if name in self.key_facts}
        facts = json.dumps(same, ensure_ascii=False, sort_keys=True, default=str)
        digest = hashlib.sha256(facts.encode("utf-8")).hexdigest()[:16]
        return f"{self.template}|{who}|{self.year}|{digest}"

    def as_dict(self, root: Path | None = None) -> dict[str, Any]:
        return {
            "status": self.status,
            "serial": self.serial,
            "template": self.template,
            "credit_code": self.credit_code,
            "section": self.section,
            "name": self.name,
            "year": self.year,
            "file": _relative(self.file, root),
            "pdf": _relative(self.pdf, root),
            "reason": self.reason,
            "reissue_of": self.reissue_of,
        }


@dataclass
class IssueReport(Report):
    """One request per letter; a letter that failed makes the run exit 3.

    So does a letter another batch is still making (``in_progress``): it is not issued yet and
    may never be; the clerk runs the command again once the other batch has ended.
    """

    FAILURES = frozenset({FAILED, IN_PROGRESS})

    letters: list[LetterRequest]
    out_dir: Path
    dry_run: bool
    manifest: Path | None = None
    # Letters a dead batch had recorded but left in its staging folder: moved into place by
    # this run (in a dry run: found, left for the next real run).
    recovered: int = 0
    # Why the manifest could not be written (a full disk), or None.
    manifest_error: str | None = None
    # The batch stopped on a full disk: what was recorded before is kept and listed.
    disk_full: str | None = None

    def outcomes(self) -> Iterable[str]:
        return (letter.status for letter in self.letters)

    def disk_full_error(self) -> ArchiveError | None:
        """The error (exit 4) a batch that met a full disk ends with, after its table."""
        if self.disk_full is None:
            return None
        issued, failed = self.count(ISSUED), self.count(FAILED)
        if not failed:  # the letters are all made; only the manifest is not
            return ArchiveError(
                _(
                    "磁盘已满：{issued} 份文书已生成并记入日志，但清单没有写成（{error}）",
                    issued=issued,
                    error=self.disk_full,
                ),
                _("腾出磁盘空间；文书不受影响，清单可以不要"),
            )
        return ArchiveError(
            _(
                "磁盘已满，这批文书没有全部生成：{issued} 份已生成并记入日志（见上表），"
                "{failed} 份没有发出（{error}）",
                issued=issued,
                failed=failed,
                error=self.disk_full,
            ),
            _("腾出磁盘空间后再运行同一命令：已生成的不会重复编号，其余的会补上"),
        )


def _relative(path: Path | None, root: Path | None) -> str | None:
    if path is None:
        return None
    if root is not None:
        try:
            return str(path.resolve().relative_to(root))
        except ValueError:
            pass
    return str(path)


# -- templates ---------------------------------------------------------------------------------


def resolve_template(archive: Archive, name: str) -> tuple[Path, str]:
    """The file of template ``name``: the archive's override, else the shipped one."""
    from templates import template_path

    get_template_info(name)  # raises TemplateError for an unknown name
    override = archive.root / "templates" / f"{name}.docx"
    if override.is_file():
        return override, "archive"
    shipped = template_path(name)
    if not shipped.is_file():
        raise TemplateError(
            _("找不到模板文件 {path}", path=shipped),
            _("安装可能不完整：重新安装 credit，或把模板放到档案的 templates/ 文件夹"),
        )
    return shipped, "shipped"


def list_templates(archive: Archive | None) -> list[dict[str, Any]]:
    """Every known template with where its file comes from."""
    from archive.letters.catalog import TEMPLATES, required_variables
    from templates import template_path

    rows = []
    for info in TEMPLATES.values():
        override = archive.root / "templates" / info.filename if archive else None
        path = override if override and override.is_file() else template_path(info.name)
        rows.append(
            {
                "name": info.name,
                "title": info.title,
                "category": info.category,
                "level": info.level,
                "addressee": info.addressee,
                "variables": list(required_variables(info.name)),
                "facts": list(info.variables),
                "source": "archive" if path == override else "shipped",
                "path": str(path),
                "sha256": _sha256(path) if path.is_file() else None,
            }
        )
    return rows


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def export_template(archive: Archive | None, name: str, folder: Path) -> Path:
    """Copy template ``name`` (the one in use) into ``folder`` for editing."""
    if archive is not None:
        source, _where = resolve_template(archive, name)
    else:
        from templates import template_path

        get_template_info(name)
        source = template_path(name)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    if target.exists():
        raise CreditError(
            _("{path} 已存在，不会覆盖", path=target), _("换一个文件夹，或先移走该文件")
        )
    shutil.copyfile(source, target)
    return target


# -- what to issue -----------------------------------------------------------------------------


def commitment_requests(
    archive: Archive, records: Iterable[dict[str, Any]], *, levels: Iterable[str], year: int
) -> list[LetterRequest]:
    """One commitment letter per enterprise and level for ``year``."""
    requests = []
    for level in levels:
        if level not in LEVELS:
            raise UsageError(
                _("没有“{level}”这一层级：可选 {levels}", level=level, levels=join_items(LEVELS))
            )
        for record in records:
            requests.append(_enterprise_request(LEVELS[level], record, year, {}))
    return requests


def _enterprise_request(
    template: str, record: dict[str, Any], year: int, facts: dict[str, Any]
) -> LetterRequest:
    request = LetterRequest(
        template=template,
        addressee="enterprise",
        name=record["name"],
        year=year,
        credit_code=record["credit_code"],
        facts=facts,
        enterprise={key: record.get(key) or "" for key in ENTERPRISE_FIELDS},
    )
    if record.get("status") == "closed":
        request.status = SKIPPED
        request.reason = _("该单位已注销")
    return request


def notice_request(
    archive: Archive,
    template: str,
    *,
    credit_code: str | None = None,
    section: str | None = None,
    facts: dict[str, Any],
    year: int,
) -> LetterRequest:
    """One notice (or form) for an enterprise or a section, with the facts it needs."""
    from archive.enterprises import get_enterprise

    info = get_template_info(template)
    facts = complete_facts(info, regime_facts(archive, info, dict(facts)))
    if info.addressee == "section":
        if not section:
            raise UsageError(
                _("{title}发给股室：请用 --section 指定股室", title=info.title),
                _("可选股室：{sections}", sections=join_items(archive.settings.sections)),
            )
        if section not in archive.settings.sections:
            raise UsageError(
                _("股室“{section}”不在设置的股室中", section=section),
                _("可选股室：{sections}", sections=join_items(archive.settings.sections)),
            )
        _require_facts(info, facts)
        return LetterRequest(
            template=template,
            addressee="section",
            name=section,
            year=year,
            section=section,
            facts=facts,
        )
    if not credit_code:
        raise UsageError(_("{title}发给单位：请给出统一社会信用代码", title=info.title))
    record = get_enterprise(archive, credit_code)
    _require_facts(info, facts)
    return _enterprise_request(template, record, year, facts)


def _require_facts(info: TemplateInfo, facts: dict[str, Any]) -> None:
    """Facts the command line did not give are a usage error, not a template problem; so is
    a fact the template does not use (a typing mistake would otherwise pass silently)."""
    unused = sorted(name for name in facts if name not in info.variables)
    if unused:
        raise UsageError(
            _(
                "{title}不使用事实 {names}",
                title=info.title,
                names=join_items(unused),
            ),
            _(
                "它使用的事实：{variables}",
                variables=join_items(v for v in info.variables if v != "section") or "—",
            ),
        )
    missing = [name for name in info.variables if name not in facts and name != "section"]
    if missing:
        raise UsageError(
            _(
                "{title}需要的事实 {variables} 没有给出",
                title=info.title,
                variables=join_items(missing),
            ),
            _("用 --fact 变量名=值 给出，例如 --fact {variable}=…", variable=missing[0]),
        )


def regime_facts(archive: Archive, info: TemplateInfo, facts: dict[str, Any]) -> dict[str, Any]:
    """The regime's citations (``basis``, ``record_basis``) and its blacklist steps (``steps``), when a template
    uses them and the caller did not give them: those of the regime the archive decides
    under (``credit blacklist advance`` gives the entry's own)."""
    wanted = [
        name
        for name in ("basis", "steps", "record_basis")
        if name in info.variables and name not in facts
    ]
    if not wanted:
        return facts
    from archive.regimes import load_regime

    regime = load_regime(archive)
    known = {
        "basis": regime.notice_basis or regime.basis or regime.title,
        "steps": "—".join(stage.label for stage in regime.stages),
        "record_basis": regime.record_notice_basis or regime.basis or regime.title,
    }
    return {**facts, **{name: known[name] for name in wanted}}


def complete_facts(info: TemplateInfo, facts: dict[str, Any]) -> dict[str, Any]:
    """Fill in facts that follow from others: deadlines at month's end, a term's end date."""
    if "period" in info.variables and "period" in facts:
        facts["period"] = format_period(str(facts["period"]))
    if "deadline" in info.variables and "deadline" not in facts and "period" in facts:
        month = _period_month(str(facts["period"]))
        if month:
            last = calendar.monthrange(*month)[1]
            facts["deadline"] = format_date(date(month[0], month[1], last))
    if (
        "end_date" in info.variables
        and "end_date" not in facts
        and "start_date" in facts
        and "term_years" in facts
    ):
        start = parse_date(str(facts["start_date"]))
        years = int(str(facts["term_years"]))
        if start:
            facts["end_date"] = format_date(_add_years(start, years))
    for key, value in list(facts.items()):
        if key in LIST_FACTS:  # the templates number these, one paragraph each
            if isinstance(value, str):
                value = re.split(r"[；;\n]", value)
            facts[key] = [str(item).strip() for item in value if str(item).strip()]
        elif isinstance(value, list):  # a fact given several times, printed in one line
            facts[key] = "、".join(str(item) for item in value)
    for key, value in list(facts.items()):
        if isinstance(value, date):
            facts[key] = format_date(value)
        elif isinstance(value, str) and key.endswith(("_date", "deadline", "_on")):
            parsed = parse_date(value)
            if parsed:
                facts[key] = format_date(parsed)
    return facts


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def parse_date(text: str) -> date | None:
    """A date written as the whole of ``text`` (2026-11-03, 2026年11月3日, 二〇二六年十一月三日)."""
    return cnnum.parse_date(text, whole=True)


def format_date(day: date) -> str:
    """成文日期 as GB/T 9704-2012 writes it: Arabic numerals, ``2026年11月29日``."""
    return f"{day.year}年{day.month}月{day.day}日"


def _period_month(text: str) -> tuple[int, int] | None:
    return cnnum.parse_month(text, whole=True)


def format_period(text: str) -> str:
    """``2026-11`` → ``2026年11月``; other text is kept as written."""
    month = _period_month(text)
    return f"{month[0]}年{month[1]}月" if month else text


# -- serials -----------------------------------------------------------------------------------


def serial_prefix(archive: Archive, category: str) -> str:
    prefixes = archive.settings["letters.prefixes"]
    if prefixes.get(category):
        return str(prefixes[category])
    county = archive.settings["bureau.county"]
    return f"{county[:1]}应急{SERIAL_SUFFIX[category]}"


def format_serial(archive: Archive, prefix: str, year: int, number: int) -> str:
    from archive.settings import SETTINGS_FILE, check_serial_format

    pattern = archive.settings["letters.serial_format"]
    check_serial_format(pattern, archive.root / SETTINGS_FILE)  # a value set in code, too
    return pattern.format(prefix=prefix, year=year, number=number)


# -- issuing -----------------------------------------------------------------------------------


def build_context(archive: Archive, request: LetterRequest, issue_date: date) -> dict[str, Any]:
    context: dict[str, Any] = {
        "bureau": archive.settings["bureau.name"],
        "county": archive.settings["bureau.county"],
        "serial": request.serial or "",
        "year": request.year,
        "issue_date": format_date(issue_date),
    }
    if request.addressee == "section":
        context["section"] = request.section
    else:
        context["enterprise"] = dict(request.enterprise or {})
    context.update(request.facts)
    return context


def default_out_dir(archive: Archive, day: date) -> Path:
    return archive.root / "out" / day.isoformat()


def safe_filename(text: str, limit: int = 60) -> str:
    """A file name Windows, WPS and zip tools accept, keeping the Chinese."""
    text = unicodedata.normalize("NFC", text)
    text = _UNSAFE_FILENAME.sub("_", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cc", "Cs"))
    text = text.strip(" .")
    return text[:limit] or "_"


def cut_to_bytes(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes, never inside a character.

    >>> cut_to_bytes("蓝山矿业", 7)
    '蓝山'
    """
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: max(limit, 0)].decode("utf-8", errors="ignore")


def letter_filename(
    name: str, title: str, *, credit_code: str | None = None, number: int = 1
) -> str:
    """``<code>_<name>_<title>[_<n>].docx`` within :data:`NAME_MAX` bytes.

    The name is cut first (on a character boundary), then the title; the credit code and the
    ``_<n>`` that tells two files apart stay whole.
    """
    head = f"{credit_code}_" if credit_code else ""
    tail = (f"_{number}" if number > 1 else "") + ".docx"
    title = safe_filename(title, limit=NAME_MAX)
    name = safe_filename(name, limit=NAME_MAX)
    room = NAME_MAX - len(head.encode("utf-8")) - len(tail.encode("utf-8")) - 1  # 1: the "_"
    name_bytes = len(name.encode("utf-8"))
    name_room = max(room - len(title.encode("utf-8")), min(room // 2, name_bytes))
    name = cut_to_bytes(name, name_room).rstrip(" .") or "_"
    title = cut_to_bytes(title, room - len(name.encode("utf-8"))).rstrip(" .")
    return f"{head}{name}_{title}{tail}"


def _target_path(
    out_dir: Path,
    request: LetterRequest,
    info: TemplateInfo,
    taken: set[Path],
    recorded: Callable[[Path], bool],
) -> Path:
    """A file name in ``out_dir`` not on disk, not ``taken`` in this batch and not
    ``recorded`` for a letter already issued."""
    number = 1
    while True:
        path = out_dir / letter_filename(
            request.name, info.title, credit_code=request.credit_code, number=number
        )
        if path.resolve() not in taken and not recorded(path) and not path.exists():
            taken.add(path.resolve())
            return path
        number += 1


def _check_missing(name: str, variables: frozenset[str], context: dict[str, Any]) -> None:
    missing = sorted(variables - set(context))
    if missing:
        raise TemplateError(
            _(
                "模板 {name} 需要的变量 {variables} 没有给出",
                name=name,
                variables=join_items(missing),
            ),
            _("用 --fact 变量名=值 给出，例如 --fact {variable}=…", variable=missing[0]),
        )


def issue_letters(
    archive: Archive,
    requests: list[LetterRequest],
    *,
    out_dir: Path | None = None,
    issue_date: date | None = None,
    dry_run: bool = False,
    reissue: bool = False,
    pdf: bool = False,
    jobs: int = 1,
    on_progress: Callable[[LetterRequest], None] | None = None,
) -> IssueReport:
    """Make the documents in ``requests``; see the module docstring for the steps.

    One letter that cannot be made (a character a .docx cannot hold, a write that fails) is
    marked failed with its reason; the rest of the batch goes on.
    """
    issue_date = issue_date or date.today()
    out_dir = Path(out_dir) if out_dir else default_out_dir(archive, issue_date)
    report = IssueReport(letters=requests, out_dir=out_dir, dry_run=dry_run)
    warnings_before = len(archive.warnings)
    try:
        with _sigterm_as_interrupt():
            _issue(
                archive,
                report,
                issue_date,
                reissue=reissue,
                pdf=pdf,
                jobs=jobs,
                on_progress=on_progress,
            )
    finally:
        if report.disk_full:
            # The full disk is said once, with what was recorded; "the change is in the
            # journal, the index will catch up" about a reservation or a release is noise.
            archive.warnings[warnings_before:] = [
                w
                for w in archive.warnings[warnings_before:]
                if w not in archive.index_write_warnings
            ]
    return report


def _issue(
    archive: Archive,
    report: IssueReport,
    issue_date: date,
    *,
    reissue: bool,
    pdf: bool,
    jobs: int,
    on_progress: Callable[[LetterRequest], None] | None,
) -> None:
    from archive.letters.render import check_values, compile_template

    requests, out_dir, dry_run = report.letters, report.out_dir, report.dry_run
    # Before anything is looked up: what a killed batch recorded goes into place (item 2).
    report.recovered = recover_interrupted(archive, out_dir, dry_run=dry_run)
    soffice = find_soffice(archive) if pdf and not dry_run else None

    # Everything that can be refused is refused before a serial is taken or a file written:
    # a template problem stops the batch, one enterprise's bad value only its own letter.
    compiled: dict[str, Any] = {}
    sources: dict[str, tuple[Path, str]] = {}
    for request in requests:
        if request.template not in compiled:
            sources[request.template] = resolve_template(archive, request.template)
            compiled[request.template] = compile_template(
                sources[request.template][0], name=request.template, cache=template_cache(archive)
            )
        context = build_context(archive, request, issue_date)
        _check_missing(request.template, compiled[request.template].variables, context)
        enterprise = context.pop("enterprise", None)
        check_values(context)  # the facts: the same mistake in every letter of the batch
        if request.status != PLANNED:
            continue
        try:
            check_values({"enterprise": enterprise})
        except CreditError as exc:
            request.status = FAILED
            request.reason = exc.message

    index = archive.index()
    for request in requests:
        if request.status == PLANNED:
            _mark_taken(archive, index, request, reissue=reissue, alive=_run_alive)
    if dry_run or not any(request.status == PLANNED for request in requests):
        return

    out_dir.mkdir(parents=True, exist_ok=True)
    run = _Run.start(archive, out_dir)
    try:
        todo = _reserve_serials(archive, requests, reissue=reissue, run=run)
        if todo:
            full = _make_letters(
                archive, todo, sources, compiled, issue_date, run, jobs, on_progress
            )
            if full:
                report.disk_full = full.reason
            if soffice:
                _convert_all(soffice, [r for r in todo if r.status == ISSUED])
            try:
                _record(archive, todo, sources, compiled, issue_date, out_dir, run)
            except CreditError as exc:
                if not _is_disk_full(exc):
                    raise
                # Nothing of this step reached the journal: these letters were not issued
                # (their files are deleted with the staging folder, their serials released
                # by the next batch).  What the reservation step said about the index is moot.
                for request in todo:
                    if request.status == ISSUED:
                        request.status = FAILED
                        request.file = request.pdf = None
                        request.reason = _("磁盘已满，没有记入日志，未发出")
                report.disk_full = exc.message
    finally:
        run.finish()
    if any(r.status in (ISSUED, FAILED) for r in requests):  # a batch that made or tried
        try:
            report.manifest = write_manifest(
                out_dir, [r for r in requests if r.status != PLANNED], archive.root
            )
        except OSError as exc:
            report.manifest_error = describe_error(exc)
            if _is_disk_full(exc) and report.disk_full is None:
                report.disk_full = report.manifest_error


def _is_disk_full(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) is a full disk or an exceeded quota."""
    while exc is not None:
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """While a batch runs, SIGTERM (``kill``, a service stop) is handled as Ctrl-C is.

    The batch then cleans up as on Ctrl-C: recorded letters go into place, the rest is
    deleted and the failed keys are released.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTERM"):
        yield
        return

    def interrupt(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _make_letters(
    archive: Archive,
    todo: list[LetterRequest],
    sources: dict[str, tuple[Path, str]],
    compiled: dict[str, Any],
    issue_date: date,
    run: _Run,
    jobs: int,
    on_progress: Callable[[LetterRequest], None] | None,
) -> LetterRequest | None:
    """Render ``todo`` into the batch's staging folder (step 2).

    Returns the first letter that failed because the disk is full, if one did.
    """
    _isolate_user_templates(archive, todo, sources, issue_date)
    for template, (path, _source) in sources.items():  # compiled once: rendered here as well
        _WORKER_CACHE[(str(path), template)] = compiled[template]
    jobs_args = []
    for request in todo:
        info = get_template_info(request.template)
        request.file = run.staged(request.serial or "", ".docx")
        jobs_args.append(
            (
                str(sources[request.template][0]),
                request.template,
                build_context(archive, request, issue_date),
                request.serial,
                request.credit_code,
                info.title,
                str(request.file),
            )
        )
    full: LetterRequest | None = None
    for request, (error, full_disk) in zip(todo, _render_all(jobs_args, jobs), strict=True):
        if error:
            request.status = FAILED
            request.reason = error
            request.file = None
            if full_disk and full is None:
                full = request
        else:
            request.status = ISSUED
        if on_progress:
            on_progress(request)
    return full


def _record(
    archive: Archive,
    todo: list[LetterRequest],
    sources: dict[str, tuple[Path, str]],
    compiled: dict[str, Any],
    issue_date: date,
    out_dir: Path,
    run: _Run,
) -> None:
    """Record the letters made, release the failed ones, then move the files into place."""
    done = [r for r in todo if r.status == ISSUED]
    failed = [r for r in todo if r.status == FAILED]
    moves: list[tuple[Path, Path]] = []
    with archive.transaction() as tx:
        taken: set[Path] = set()
        files = tx.index.table(FILES_TABLE)

        def recorded(path: Path) -> bool:
            return any(
                files.record(str(name)) is not None
                for name in {
                    _relative(path, archive.root),
                    _relative(path.with_suffix(".pdf"), archive.root),
                }
            )

        for request in done:
            info = get_template_info(request.template)
            staged, staged_pdf = request.file, request.pdf
            assert staged is not None
            request.file = _target_path(out_dir, request, info, taken, recorded)
            moves.append((staged, request.file))
            if staged_pdf is not None:
                request.pdf = request.file.with_suffix(".pdf")
                moves.append((staged_pdf, request.pdf))
            tx.emit(
                "letter.issued",
                {
                    "serial": request.serial,
                    "template": request.template,
                    "template_source": sources[request.template][1],
                    "template_sha256": compiled[request.template].sha256,
                    "category": info.category,
                    "level": info.level,
                    "year": request.year,
                    "credit_code": request.credit_code,
                    "section": request.section,
                    "name": request.name,
                    "facts": request.facts,
                    "key": request.key,
                    "issue_date": issue_date.isoformat(),
                    "file": _relative(request.file, archive.root),
                    "pdf": _relative(request.pdf, archive.root),
                    # What was issued, byte for byte: ingest knows our own copy from a return.
                    "sha256": _sha256(staged),
                    "pdf_sha256": _sha256(staged_pdf) if staged_pdf is not None else None,
                    "reissue_of": request.reissue_of,
                },
            )
            for follow_up, data in request.follow_ups:
                tx.emit(follow_up, {**data, "serial": request.serial})
        if failed:
            tx.emit(
                "letters.released",
                {
                    "run": run.id,
                    "letters": [
                        {"key": r.key, "serial": r.serial, "reason": r.reason} for r in failed
                    ],
                },
            )
    # The journal holds the letters now; a process killed here leaves them in staging, and
    # the next batch moves them into place (see _recover_staging).
    faults.crash_point("letters.recorded")
    for staged, target in moves:
        _move_into_place(staged, target)


def _move_into_place(staged: Path, target: Path) -> None:
    if staged.exists() and not target.exists():
        os.replace(staged, target)


def _mark_taken(
    archive: Archive,
    index: Index,
    request: LetterRequest,
    *,
    reissue: bool,
    alive: Callable[[Archive, dict[str, Any]], bool],
) -> bool:
    """Mark ``request`` when it is issued already or being made by a live batch."""
    held = index.table(RESERVED_TABLE).record(request.key)
    if held:
        run = index.table(RUNS_TABLE).record(held.get("run", "")) or {}
        if alive(archive, run):
            # Not issued: the other batch may still fail or be killed.  The clerk re-runs
            # the command once it has ended, which then says "issued" or makes the letter.
            request.status = IN_PROGRESS
            request.serial = held.get("serial")
            request.reason = _(
                "另一个 credit 进程（{host} 上的进程 {pid}）正在生成这份文书（编号 {serial}），"
                "尚未发出；等它结束后再运行一次本命令确认",
                host=run.get("host", "?"),
                pid=run.get("pid", "?"),
                serial=held.get("serial"),
            )
            return True
    existing = index.table(KEYS_TABLE).record(request.key)
    if existing and not reissue:
        _mark_already_issued(request, existing["serial"], index, archive.root)
        return True
    return False


def _mark_already_issued(request: LetterRequest, serial: str, index: Index, root: Path) -> None:
    letter = index.table(LETTERS_TABLE).record(serial) or {}
    request.status = ALREADY_ISSUED
    request.serial = serial
    if isinstance(letter.get("facts"), dict):
        # what the issued letter says (a reminder's deadline was counted on the day it went out)
        request.facts = {**request.facts, **letter["facts"]}
    request.file = root / letter["file"] if letter.get("file") else None
    request.reason = _(
        "已于 {date} 发出，编号 {serial}；要重新发出请加 --reissue",
        date=letter.get("issue_date", "?"),
        serial=serial,
    )
    if request.file is not None and not request.file.exists():
        # Never list a file that is not there (moved, deleted, or still in a dead batch's
        # staging folder during a dry run).
        request.reason = _(
            "{reason}（文件 {path} 已不在输出文件夹）", reason=request.reason, path=letter["file"]
        )
        request.file = None


def _reserve_serials(
    archive: Archive, requests: list[LetterRequest], *, reissue: bool, run: _Run
) -> list[LetterRequest]:
    """Step 1: release what dead batches left, then reserve each letter's key and serial."""
    todo: list[LetterRequest] = []
    with archive.transaction() as tx:
        _release_dead_runs(archive, tx, run, run.staging.parent)
        counters = tx.index.table(COUNTERS_TABLE)
        keys = tx.index.table(KEYS_TABLE)
        ranges: dict[tuple[str, int, str], list[tuple[int, LetterRequest]]] = {}
        reserving: set[str] = set()
        numbers: dict[str, int] = {}
        letters = tx.index.table(LETTERS_TABLE)
        taken = {  # serials reserved by live batches; issued ones are looked up one by one
            (tx.index.table(RESERVED_TABLE).record(key) or {}).get("serial")
            for key in tx.index.table(RESERVED_TABLE).ids()
        }
        for request in requests:
            if request.status != PLANNED:
                continue
            # Dead batches were released above: a reservation left is a live batch's.
            if _mark_taken(archive, tx.index, request, reissue=reissue, alive=_always):
                continue
            existing = keys.record(request.key)
            if existing:
                request.reissue_of = existing["serial"]
            if request.key in reserving:
                request.status = ALREADY_ISSUED
                request.reason = _("同一批中重复的文书")
                continue
            reserving.add(request.key)
            category = get_template_info(request.template).category
            prefix = serial_prefix(archive, category)
            counter = _counter_key(archive, prefix, request.year)
            batch = ranges.setdefault((prefix, request.year, counter), [])
            if counter not in numbers:
                numbers[counter] = _last_number(counters, prefix, counter)
            # A serial never given twice, even after serial_format changed: skip any taken.
            while True:
                numbers[counter] += 1
                serial = format_serial(archive, prefix, request.year, numbers[counter])
                if serial not in taken and not letters.has(serial):
                    break
            taken.add(serial)
            request.serial = serial
            batch.append((numbers[counter], request))
            todo.append(request)
        for (prefix, year, counter), batch in ranges.items():
            tx.emit(
                "serials.reserved",
                {
                    "prefix": prefix,
                    "year": year,
                    "counter": counter,
                    "first": batch[0][0],
                    "last": batch[-1][0],
                    **run.describe(archive.root),
                    "letters": [{"key": r.key, "serial": r.serial} for _n, r in batch],
                },
            )
    return todo


def _counter_key(archive: Archive, prefix: str, year: int) -> str:
    """The counter a serial's number comes from: one a year, or one for all years.

    A ``serial_format`` without ``{year}`` numbers on across years (2028 goes on from 2027's
    last number); otherwise each year starts again at 1.
    """
    if "{year" in archive.settings["letters.serial_format"]:
        return f"{prefix}|{year}"
    return f"{prefix}|*"


def _last_number(counters: Any, prefix: str, counter: str) -> int:
    """The last number taken from ``counter``; one for all years goes on from every year's."""
    keys = [counter]
    if counter.endswith("|*"):
        keys += [key for key in counters.ids() if key.rpartition("|")[0] == prefix]
    return max([(counters.record(key) or {}).get("last", 0) for key in keys])


def _always(_archive: Archive, _run: dict[str, Any]) -> bool:
    return True


# -- batches and their staging folders ---------------------------------------------------------


class _Run:
    """One batch: its id, its hidden staging folder and the lock that says it is alive."""

    def __init__(self, archive: Archive, staging: Path, lock_fd: int):
        self.archive = archive
        self.staging = staging
        self.id = staging.name[len(STAGING_PREFIX) :]
        self._lock_fd: int | None = lock_fd
        self.serials: set[str] = set()  # of the documents staged: finish() looks up only these

    @classmethod
    def start(cls, archive: Archive, out_dir: Path) -> _Run:
        import secrets  # (imported where used: enterprise show imports this module)

        run_id = f"{os.getpid()}-{secrets.token_hex(4)}"
        staging = out_dir / f"{STAGING_PREFIX}{run_id}"
        try:
            staging.mkdir()
            fd = os.open(staging / RUN_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise CreditError(
                _("无法在 {path} 建立临时文件夹：{error}", path=out_dir, error=exc.strerror or exc),
                _("检查输出文件夹是否可写、磁盘是否已满"),
            ) from exc
        if not _try_lock(fd):  # pragma: no cover - a fresh file nobody else knows
            raise CreditError(_("无法锁定 {path}", path=staging / RUN_LOCK))
        return cls(archive, staging, fd)

    def describe(self, root: Path) -> dict[str, Any]:
        return {
            "run": self.id,
            "staging": _relative(self.staging, root),
            "pid": os.getpid(),
            "host": _hostname(),
        }

    def staged(self, serial: str, suffix: str) -> Path:
        """Where the document numbered ``serial`` is rendered before it is recorded."""
        self.serials.add(serial)
        return self.staging / (_staged_stem(serial) + suffix)

    def finish(self) -> None:
        """Move recorded documents into place, delete the rest, remove the folder, unlock.

        Runs on success, on error and on Ctrl-C alike; what the journal records is never lost.
        """
        try:
            index = self.archive.index()
            _recover_staging(self.archive, self.staging, index, serials=self.serials)
        finally:
            if self._lock_fd is not None:
                os.close(self._lock_fd)
                self._lock_fd = None


def template_cache(archive: Archive) -> Path:
    """Where templates' prepared parts are kept between runs (``.cache/`` of the archive)."""
    return archive.root / ".cache" / "templates"


def _hostname() -> str:
    import socket

    return socket.gethostname()


def _staged_stem(serial: str) -> str:
    return hashlib.sha256(serial.encode("utf-8")).hexdigest()[:24]


def _try_lock(fd: int) -> bool:
    """Take an exclusive lock on ``fd`` without waiting; False when another process holds it."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _staging_alive(staging: Path) -> bool:
    """Whether the batch that owns ``staging`` still runs (holds its lock file)."""
    try:
        fd = os.open(staging / RUN_LOCK, os.O_RDWR)
    except OSError:
        return False  # no lock file: the folder is gone or the batch never got going
    try:
        return not _try_lock(fd)
    finally:
        os.close(fd)  # closing drops the lock we may just have taken


def _run_alive(archive: Archive, run: dict[str, Any]) -> bool:
    if not run.get("staging"):
        return False
    return _staging_alive(archive.root / run["staging"])


def _recover_staging(
    archive: Archive,
    staging: Path,
    index: Index,
    *,
    dry_run: bool = False,
    serials: Iterable[str] | None = None,
) -> int:
    """Empty a batch's staging folder: recorded documents go into place, the rest is deleted.

    ``serials``: those the batch staged, when it is known (its own finish); a dead batch's
    folder is matched against every letter.  Returns how many recorded documents were moved
    (in a dry run: would be; nothing changes).
    """
    if not staging.is_dir():
        return 0
    moved = 0
    recorded: dict[str, dict[str, Any]] = {}
    table = index.table(LETTERS_TABLE)
    for serial in table.ids() if serials is None else sorted(serials):
        record = table.record(serial)
        if record is not None or serials is None:
            recorded[_staged_stem(serial)] = record or {}
    for path in staging.iterdir():
        if path.name == RUN_LOCK:
            continue
        letter = recorded.get(path.stem)
        key = "pdf" if path.suffix == ".pdf" else "file"
        target = archive.root / letter[key] if letter and letter.get(key) else None
        if dry_run:
            moved += target is not None and path.suffix == ".docx" and not target.exists()
            continue
        with contextlib.suppress(OSError):
            if target is not None and not target.exists():
                os.replace(path, target)
                moved += path.suffix == ".docx"
            path.unlink(missing_ok=True)
    if not dry_run:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)
    return moved


def _staging_folders(archive: Archive, index: Index, out_dir: Path) -> set[Path]:
    """The folders where a batch may have left a staging folder.

    ``out_dir``, every dated folder under the archive's ``out/``, the folders of batches the
    index still knows, and every folder recorded letters went to (a batch killed between its
    commit and its moves: all its keys are recorded, so the index no longer lists it as a
    batch; its staging folder is beside its letters).
    """
    folders = {out_dir}
    with contextlib.suppress(OSError):
        folders.update(p for p in (archive.root / "out").iterdir() if p.is_dir())
    runs = index.table(RUNS_TABLE)
    for run_id in runs.ids():
        staging = (runs.record(run_id) or {}).get("staging")
        if staging:
            folders.add((archive.root / staging).parent)
    for folder in index.table(FOLDERS_TABLE).ids():
        folders.add(archive.root / folder)
    return folders


def _dead_staging(folders: Iterable[Path], current: Path | None) -> list[Path]:
    found = []
    for folder in folders:
        with contextlib.suppress(OSError):
            for staging in sorted(folder.glob(f"{STAGING_PREFIX}*")):
                if staging != current and staging.is_dir() and not _staging_alive(staging):
                    found.append(staging)
    return found


def recover_interrupted(archive: Archive, out_dir: Path, *, dry_run: bool = False) -> int:
    """Finish what dead batches (kill -9, SIGTERM, a power cut) left; return letters moved.

    Every run of ``gen-commitment`` and ``gen-notice`` calls this first, whether or not it has
    anything new to issue: recorded letters go from the dead batch's staging folder into
    place, the rest is deleted and the dead batch's keys are released.  A dry run changes
    nothing and returns how many letters the next real run will move.
    """
    index = archive.index()
    dead_runs = [
        run_id
        for run_id in index.table(RUNS_TABLE).ids()
        if not _run_alive(archive, index.table(RUNS_TABLE).record(run_id) or {})
    ]
    dead = _dead_staging(_staging_folders(archive, index, out_dir), None)
    if dry_run:
        return sum(_recover_staging(archive, s, index, dry_run=True) for s in dead)
    if not dead and not dead_runs:
        return 0  # the usual case: no lock taken, nothing written
    with archive.transaction() as tx:
        return _release_dead_runs(archive, tx, None, out_dir)


def _release_dead_runs(archive: Archive, tx: Any, current: _Run | None, out_dir: Path) -> int:
    """Clean up after batches that died (kill -9, Ctrl-C, a power cut): never a live one.

    Returns how many recorded letters were moved from dead batches' staging into place.
    """
    runs = tx.index.table(RUNS_TABLE)
    folders = _staging_folders(archive, tx.index, out_dir)
    moved = 0
    for run_id in sorted(runs.ids()):
        run = runs.record(run_id) or {}
        if _run_alive(archive, run):
            continue
        if run.get("staging"):
            moved += _recover_staging(archive, archive.root / run["staging"], tx.index)
        reserved = tx.index.table(RESERVED_TABLE)
        letters = [
            {"key": key, "serial": (reserved.record(key) or {}).get("serial"), "reason": None}
            for key in run.get("keys", [])
        ]
        tx.emit("letters.released", {"run": run_id, "letters": letters, "interrupted": True})
        void = [str(item["serial"]) for item in letters if item.get("serial")]
        if void:
            # Numbers are never given twice: those of a batch that died stay unused, and the
            # clerk is told which (the journal's letters.released event records them too).
            message = _(
                "上次中断的批次预留的编号 {serials} 未发出文书，已作废，不再使用（见 credit audit log）",
                serials="、".join(void),
            )
            if message not in archive.warnings:
                archive.warnings.append(message)
    # Staging folders of batches that died before they reserved anything, or after they
    # recorded everything (then the index lists no batch, but the files still wait there).
    for staging in _dead_staging(folders, current.staging if current else None):
        moved += _recover_staging(archive, staging, tx.index)
    return moved


def _isolate_user_templates(
    archive: Archive,
    todo: list[LetterRequest],
    sources: dict[str, tuple[Path, str]],
    issue_date: date,
) -> None:
    """Render one letter of each archive-supplied template in a sandboxed child process first.

    A bureau's own template could loop for ever or eat memory; the shipped ones are trusted.
    """
    from archive.letters.render import render_isolated

    tried: set[str] = set()
    for request in todo:
        path, source = sources[request.template]
        if source != "archive" or request.template in tried:
            continue
        tried.add(request.template)
        render_isolated(
            path,
            build_context(archive, request, issue_date),
            serial=request.serial or "",
            credit_code=request.credit_code,
        )


_WORKER_CACHE: dict[tuple[str, str], Any] = {}


def _render_to_file(args: tuple) -> tuple[str | None, bool]:
    """Render one document and write it; returns an error message or None, and whether the
    disk was full."""
    from archive.letters.render import compile_template

    path, name, context, serial, credit_code, title, target = args
    try:
        compiled = _WORKER_CACHE.get((path, name))
        if compiled is None:
            compiled = _WORKER_CACHE[(path, name)] = compile_template(Path(path), name=name)
        data = compiled.render(context, serial=serial, credit_code=credit_code, title=title)
        atomic_write(Path(target), data)
    except CreditError as exc:
        return exc.message, False
    except OSError as exc:
        error = _("写入 {path} 失败：{error}", path=target, error=describe_error(exc))
        return error, _is_disk_full(exc)
    return None, False


def _render_all(jobs_args: list[tuple], jobs: int) -> list[tuple[str | None, bool]]:
    if jobs <= 1 or len(jobs_args) < 2:
        return [_render_to_file(args) for args in jobs_args]
    import multiprocessing

    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        return list(
            pool.map(_render_to_file, jobs_args, chunksize=max(1, len(jobs_args) // (jobs * 8)))
        )


# -- PDF through LibreOffice -------------------------------------------------------------------


def find_soffice(archive: Archive) -> str:
    configured = archive.settings["letters.soffice"]
    found = shutil.which(configured) or shutil.which("libreoffice")
    if not found:
        raise CreditError(
            _("要生成 PDF 需要 LibreOffice，但找不到程序 {program}", program=configured),
            _(
                "安装 LibreOffice（或在 credit.toml 的 [letters] soffice 中写明其路径），或去掉 --pdf"
            ),
        )
    return found


def convert_to_pdf(soffice: str, docx: Path, *, timeout: float = 120) -> Path:
    """Convert one .docx to PDF beside it, with a LibreOffice profile of its own."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory(prefix="credit-lo-") as profile:
        command = [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(docx.parent),
            str(docx),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise CreditError(
                _("LibreOffice 转换 {path} 超时（{seconds} 秒）", path=docx.name, seconds=timeout)
            ) from exc
    pdf = docx.with_suffix(".pdf")
    if not pdf.is_file() or pdf.stat().st_size == 0:
        raise CreditError(_("LibreOffice 没有生成 {path}", path=pdf.name))
    return pdf


def _convert_all(soffice: str, requests: list[LetterRequest]) -> None:
    for request in requests:
        assert request.file is not None
        try:
            request.pdf = convert_to_pdf(soffice, request.file)
        except CreditError as exc:
            request.reason = exc.message


# -- manifest ----------------------------------------------------------------------------------


def write_manifest(out_dir: Path, requests: list[LetterRequest], root: Path) -> Path | None:
    """Add this batch to ``manifest.json`` and ``manifest.csv`` in ``out_dir``."""
    import csv
    import io

    if not requests or not out_dir.exists():
        return None
    path = out_dir / "manifest.json"
    rows: list[dict[str, Any]] = []
    if path.exists():
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            rows = []
    rows.extend(request.as_dict(root) for request in requests)
    atomic_write(path, json.dumps(rows, ensure_ascii=False, indent=2).encode("utf-8"))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    # utf-8-sig: Excel on a clerk's PC opens it without mangling the Chinese.
    atomic_write(out_dir / "manifest.csv", buffer.getvalue().encode("utf-8-sig"))
    return path


# -- reading -----------------------------------------------------------------------------------


@dossier.section("letters", order=10)
def letters_for(archive: Archive, credit_code: str) -> list[dict[str, Any]]:
    """Letters issued to one enterprise, oldest first."""
    code = uscc.compact(credit_code)
    from archive.enterprises import log_of

    table = archive.index().table(LETTERS_TABLE)
    serials = log_of(archive.index(), code).get("letters", [])
    own = table.in_slices([bucket(code)]) if serials else {}  # its letters' slice
    return [dict(own.get(serial) or table.record(serial) or {}) for serial in serials]


# -- reducers ----------------------------------------------------------------------------------


def _reserved_summary(data: dict[str, Any]) -> str:
    first, last = data.get("first"), data.get("last")
    numbers = str(first) if first == last else f"{first}-{last}"
    return f"{data.get('prefix', '')} {data.get('year', '')} {numbers}".strip()


def _released_summary(data: dict[str, Any]) -> str:
    return " ".join(str(letter.get("serial")) for letter in data.get("letters", []))


@event("serials.reserved", label=N_("预留编号"), summary=_reserved_summary)
def _serials_reserved(index: Index, entry: dict[str, Any]) -> None:
    data = entry["data"]
    key = data.get("counter") or f"{data['prefix']}|{data['year']}"
    counters = index.table(COUNTERS_TABLE)
    last = (counters.record(key) or {}).get("last", 0)
    counters.put(key, {"last": max(last, data["last"])})
    if not data.get("letters"):  # written before letters were reserved with their keys
        return
    runs = index.table(RUNS_TABLE)
    run = dict(runs.record(data["run"]) or {"keys": []})
    run.update(
        staging=data.get("staging"),
        pid=data.get("pid"),
        host=data.get("host"),
        started=run.get("started", entry["time"]),
    )
    reserved = index.table(RESERVED_TABLE)
    for letter in data["letters"]:
        reserved.put(letter["key"], {"serial": letter["serial"], "run": data["run"]})
        run["keys"] = [*run["keys"], letter["key"]]
    runs.put(data["run"], run)


def _unreserve(index: Index, key: str) -> None:
    """The letter ``key`` is no longer reserved: recorded, failed, or its batch died."""
    reserved = index.table(RESERVED_TABLE)
    held = reserved.record(key)
    if held is None:
        return
    reserved.delete(key)
    runs = index.table(RUNS_TABLE)
    run = runs.record(held.get("run", ""))
    if run is not None:
        left = [other for other in run.get("keys", []) if other != key]
        if left:
            runs.put(held["run"], {**run, "keys": left})
        else:
            runs.delete(held["run"])


@event("letters.released", label=N_("释放预留编号"), summary=_released_summary)
def _letters_released(index: Index, entry: dict[str, Any]) -> None:
    data = entry["data"]
    for letter in data.get("letters", []):
        _unreserve(index, letter["key"])
    index.table(RUNS_TABLE).delete(data["run"])


@event("letter.issued", label=N_("发出文书"))
def _letter_issued(index: Index, entry: dict[str, Any]) -> None:
    from archive.enterprises import note_event

    data = entry["data"]
    record = {key: value for key, value in data.items() if key != "key"}
    record.update(status=ISSUED, issued_at=entry["time"], issued_by=entry["actor"])
    index.table(LETTERS_TABLE).put(data["serial"], record)
    for key in ("sha256", "pdf_sha256"):
        if data.get(key):
            index.table(ISSUED_COPIES).put(data[key], {"serial": data["serial"]})
    for key in ("file", "pdf"):
        if data.get(key):
            index.table(FILES_TABLE).put(str(data[key]), {"serial": data["serial"]})
    if data.get("file"):
        index.table(FOLDERS_TABLE).put(str(Path(data["file"]).parent), {})
    index.table(KEYS_TABLE).put(data["key"], {"serial": data["serial"]})
    _unreserve(index, data["key"])
    if data.get("credit_code"):
        enterprise = note_event(index, data["credit_code"], entry)
        if enterprise is not None:
            enterprise.setdefault("letters", []).append(data["serial"])
