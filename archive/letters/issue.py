"""Issuing letters, notices and forms: which to make, serial numbers, rendering, events.

A batch runs in three steps so that the archive's lock is held only for moments:

1. under the lock: skip what was already issued (same template, addressee, year and facts),
   reserve serial numbers (``serials.reserved``);
2. without the lock: render each document (in worker processes with ``jobs`` > 1) and write it;
3. under the lock: record each written document (``letter.issued``).

A process that dies between 1 and 3 leaves reserved serials without letters: a visible gap in
the journal, never a number used twice.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from archive import uscc
from archive.errors import CreditError, TemplateError, UsageError
from archive.events import reducer
from archive.fsutil import atomic_write
from archive.i18n import _
from archive.index import Index
from archive.letters.catalog import ENTERPRISE_FIELDS, LEVELS, TemplateInfo, get_template_info
from archive.store import Archive

ISSUED = "issued"
ALREADY_ISSUED = "already_issued"
PLANNED = "planned"
FAILED = "failed"
SKIPPED = "skipped"

LETTERS_TABLE = "letters"
KEYS_TABLE = "letter_keys"
COUNTERS_TABLE = "serial_counters"
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

    @property
    def key(self) -> str:
        """What makes two requests the same letter: template, addressee, year and facts."""
        who = self.credit_code or f"section:{self.section}"
        facts = json.dumps(self.facts, ensure_ascii=False, sort_keys=True, default=str)
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
class IssueReport:
    letters: list[LetterRequest]
    out_dir: Path
    dry_run: bool
    manifest: Path | None = None

    def count(self, status: str) -> int:
        return sum(1 for letter in self.letters if letter.status == status)

    @property
    def failed(self) -> bool:
        return any(letter.status == FAILED for letter in self.letters)


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
    from archive.letters.catalog import TEMPLATES
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
                "variables": list(info.variables),
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
                _("没有“{level}”这一层级：可选 {levels}", level=level, levels="、".join(LEVELS))
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
    facts = complete_facts(info, dict(facts))
    if info.addressee == "section":
        if not section:
            raise UsageError(
                _("{title}发给股室：请用 --section 指定股室", title=info.title),
                _("可选股室：{sections}", sections="、".join(archive.settings.sections)),
            )
        if section not in archive.settings.sections:
            raise UsageError(
                _("股室“{section}”不在设置的股室中", section=section),
                _("可选股室：{sections}", sections="、".join(archive.settings.sections)),
            )
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
    return _enterprise_request(template, get_enterprise(archive, credit_code), year, facts)


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


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_PERIOD = re.compile(r"^(\d{4})[-年/.](\d{1,2})月?$")


def parse_date(text: str) -> date | None:
    match = _ISO_DATE.match(text.strip())
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def format_date(day: date) -> str:
    """成文日期 as GB/T 9704-2012 writes it: Arabic numerals, ``2026年11月29日``."""
    return f"{day.year}年{day.month}月{day.day}日"


def _period_month(text: str) -> tuple[int, int] | None:
    match = _PERIOD.match(text.strip())
    if match and 1 <= int(match[2]) <= 12:
        return int(match[1]), int(match[2])
    return None


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
    pattern = archive.settings["letters.serial_format"]
    try:
        return pattern.format(prefix=prefix, year=year, number=number)
    except (KeyError, ValueError, IndexError) as exc:
        raise CreditError(
            _("credit.toml 中的编号格式 {pattern!r} 有误：{error}", pattern=pattern, error=exc),
            _(
                "只能使用 {{prefix}}、{{year}}、{{number}}，例如 {{prefix}}〔{{year}}〕{{number:04d}}号"
            ),
        ) from exc


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


def _target_path(
    out_dir: Path, request: LetterRequest, info: TemplateInfo, taken: set[Path]
) -> Path:
    who = f"{request.credit_code}_{request.name}" if request.credit_code else request.name
    stem = safe_filename(f"{who}_{info.title}", limit=120)
    path = out_dir / f"{stem}.docx"
    number = 2
    while path in taken or path.exists():
        path = out_dir / f"{stem}_{number}.docx"
        number += 1
    taken.add(path)
    return path


def _check_missing(name: str, variables: frozenset[str], context: dict[str, Any]) -> None:
    missing = sorted(variables - set(context))
    if missing:
        raise TemplateError(
            _(
                "模板 {name} 需要的变量 {variables} 没有给出",
                name=name,
                variables="、".join(missing),
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
    """Make the documents in ``requests``; see the module docstring for the steps."""
    from archive.letters.render import check_values, compile_template

    issue_date = issue_date or date.today()
    out_dir = Path(out_dir) if out_dir else default_out_dir(archive, issue_date)
    report = IssueReport(letters=requests, out_dir=out_dir, dry_run=dry_run)
    soffice = _find_soffice(archive) if pdf and not dry_run else None

    # Everything that can be refused is refused before a serial is taken or a file written.
    compiled: dict[str, Any] = {}
    sources: dict[str, tuple[Path, str]] = {}
    for request in requests:
        if request.template not in compiled:
            sources[request.template] = resolve_template(archive, request.template)
            compiled[request.template] = compile_template(
                sources[request.template][0], name=request.template
            )
        context = build_context(archive, request, issue_date)
        check_values(context)
        _check_missing(request.template, compiled[request.template].variables, context)

    index = archive.index()
    for request in requests:
        if request.status == PLANNED:
            existing = index.table(KEYS_TABLE).record(request.key)
            if existing and not reissue:
                _mark_already_issued(request, existing["serial"], index, archive.root)
    if dry_run:
        return report

    todo = _reserve_serials(archive, requests, reissue=reissue)
    if not todo:
        return report
    _isolate_user_templates(archive, todo, sources, issue_date)

    out_dir.mkdir(parents=True, exist_ok=True)
    taken: set[Path] = set()
    jobs_args = []
    for request in todo:
        info = get_template_info(request.template)
        request.file = _target_path(out_dir, request, info, taken)
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
    for request, error in zip(todo, _render_all(jobs_args, jobs), strict=True):
        if error:
            request.status = FAILED
            request.reason = error
            request.file = None
        else:
            request.status = ISSUED
        if on_progress:
            on_progress(request)
    if soffice:
        _convert_all(soffice, [r for r in todo if r.status == ISSUED])

    done = [r for r in todo if r.status == ISSUED]
    if done:
        with archive.transaction() as tx:
            for request in done:
                info = get_template_info(request.template)
                source = sources[request.template][1]
                tx.emit(
                    "letter.issued",
                    {
                        "serial": request.serial,
                        "template": request.template,
                        "template_source": source,
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
                        "reissue_of": request.reissue_of,
                    },
                )
    report.manifest = write_manifest(
        out_dir, [r for r in requests if r.status != PLANNED], archive.root
    )
    return report


def _mark_already_issued(request: LetterRequest, serial: str, index: Index, root: Path) -> None:
    letter = index.table(LETTERS_TABLE).record(serial) or {}
    request.status = ALREADY_ISSUED
    request.serial = serial
    request.file = root / letter["file"] if letter.get("file") else None
    request.reason = _(
        "已于 {date} 发出，编号 {serial}；要重新发出请加 --reissue",
        date=letter.get("issue_date", "?"),
        serial=serial,
    )


def _reserve_serials(
    archive: Archive, requests: list[LetterRequest], *, reissue: bool
) -> list[LetterRequest]:
    todo: list[LetterRequest] = []
    with archive.transaction() as tx:
        counters = tx.index.table(COUNTERS_TABLE)
        keys = tx.index.table(KEYS_TABLE)
        ranges: dict[tuple[str, int], list[int]] = {}
        for request in requests:
            if request.status != PLANNED:
                continue
            existing = keys.record(request.key)
            if existing:
                if not reissue:  # issued by someone else since we looked
                    _mark_already_issued(request, existing["serial"], tx.index, archive.root)
                    continue
                request.reissue_of = existing["serial"]
            category = get_template_info(request.template).category
            prefix = serial_prefix(archive, category)
            counter_key = (prefix, request.year)
            numbers = ranges.setdefault(counter_key, [])
            last = (counters.record(f"{prefix}|{request.year}") or {}).get("last", 0)
            number = last + len(numbers) + 1
            numbers.append(number)
            request.serial = format_serial(archive, prefix, request.year, number)
            todo.append(request)
        for (prefix, year), numbers in ranges.items():
            tx.emit(
                "serials.reserved",
                {"prefix": prefix, "year": year, "first": numbers[0], "last": numbers[-1]},
            )
    return todo


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


def _render_to_file(args: tuple) -> str | None:
    """Render one document and write it; returns an error message or None."""
    from archive.letters.render import compile_template

    path, name, context, serial, credit_code, title, target = args
    try:
        compiled = _WORKER_CACHE.get((path, name))
        if compiled is None:
            compiled = _WORKER_CACHE[(path, name)] = compile_template(Path(path), name=name)
        data = compiled.render(context, serial=serial, credit_code=credit_code, title=title)
        atomic_write(Path(target), data)
    except CreditError as exc:
        return exc.message
    except OSError as exc:
        return _("写入 {path} 失败：{error}", path=target, error=exc.strerror or exc)
    return None


def _render_all(jobs_args: list[tuple], jobs: int) -> list[str | None]:
    if jobs <= 1 or len(jobs_args) < 2:
        return [_render_to_file(args) for args in jobs_args]
    import multiprocessing

    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        return list(
            pool.map(_render_to_file, jobs_args, chunksize=max(1, len(jobs_args) // (jobs * 8)))
        )


# -- PDF through LibreOffice -------------------------------------------------------------------


def _find_soffice(archive: Archive) -> str:
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


def letters_for(archive: Archive, credit_code: str) -> list[dict[str, Any]]:
    """Letters issued to one enterprise, oldest first."""
    code = uscc.compact(credit_code)
    table = archive.index().table(LETTERS_TABLE)
    record = archive.index().table("enterprises").record(code) or {}
    return [dict(table.record(serial) or {}) for serial in record.get("letters", [])]


# -- reducers ----------------------------------------------------------------------------------


@reducer("serials.reserved")
def _serials_reserved(index: Index, entry: dict[str, Any]) -> None:
    data = entry["data"]
    key = f"{data['prefix']}|{data['year']}"
    counters = index.table(COUNTERS_TABLE)
    last = (counters.record(key) or {}).get("last", 0)
    counters.put(key, {"last": max(last, data["last"])})


@reducer("letter.issued")
def _letter_issued(index: Index, entry: dict[str, Any]) -> None:
    from archive.enterprises import note_event

    data = entry["data"]
    record = {key: value for key, value in data.items() if key != "key"}
    record.update(status=ISSUED, issued_at=entry["time"], issued_by=entry["actor"])
    index.table(LETTERS_TABLE).put(data["serial"], record)
    index.table(KEYS_TABLE).put(data["key"], {"serial": data["serial"]})
    if data.get("credit_code"):
        enterprise = note_event(index, data["credit_code"], entry)
        if enterprise is not None:
            enterprise.setdefault("letters", []).append(data["serial"])
