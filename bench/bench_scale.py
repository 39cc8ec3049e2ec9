"""The clerk's commands at fifteen years of a county: 3,000 enterprises, 300,000 documents.

1. **Build** (fast path, no file parsed): an archive of ``--enterprises`` (default 3,000) from
   ``archive.demo.demo_roster`` (valid codes, five industries, four sections) who come under
   supervision over 2012–2026 (``since``), and ``--documents`` (default 300,000) documents
   emitted through ``archive.transaction()`` — one transaction per year, each event stamped
   with the day it happened — shaped as ``credit ingest`` and ``credit gen-commitment`` emit
   them: each enterprise's yearly commitment letter (``serials.reserved`` + ``letter.issued``)
   and its signed return (``document.ingested`` of kind ``commitment_letter`` with the serial,
   then the ``letter.returned`` that ``archive.ingest.document_facts`` derives); monthly reports
   (about 70 % of the documents, received in the following month, a few late, missing,
   incomplete or unsigned); the sections' monthly submissions; enforcement documents
   (inspection records, rectification orders with their ``rectification.opened``, re-inspection
   opinions that close most of them, penalty decisions with fines).  Every document has a
   unique fake SHA-256 and ``stored`` path; no file is written.  ``--archive PATH --keep``
   keeps the archive, and a later run with the same ``--enterprises``/``--documents`` reuses
   it (``bench_scale.json`` in the folder says what was built).
2. **Times each command a clerk runs** in a new process (``python -m cli --archive A …``,
   stdout to /dev/null, no ``CREDIT_*`` variable but ``CREDIT_NO_PROGRESS=1``, bytecode
   cached as in an installed credit, i.e. without ``PYTHONDONTWRITEBYTECODE``): median of
   ``--runs`` (default 5; 3 below 100,000 documents) after one warm-up, against a **floor** process
   (``python -c "import tinydb, orjson"``) run before each command in the same rounds:
   ``enterprise list --json``, ``enterprise show CODE`` (an enterprise with the median number of
   documents), ``ingest`` of 10 new two-page penalty-decision PDFs naming registered enterprises
   (new files for every run), ``monthly-check`` of 2026-10 as of 2026-12-01 (exit 10: gaps
   found), ``gen-commitment CODE --year 2027`` (an enterprise not yet issued one; .docx only);
   then ``reindex`` twice (wall time, peak memory of the child, the index hashed after each:
   ``index.json``, or every file under ``index/`` in the partitioned layout).  A command that
   fails (or writes nothing) is reported with its stderr, never timed as if it had worked.
3. ``--profile NAME`` runs one command once under cProfile (``python -m cProfile``; the parent
   process only — ingest's parsing workers are not in it) and prints the top 25 functions by
   cumulative time.

Goals (issue 14, this machine, 300,000 documents): list ≤ 0.5 s, show ≤ 0.3 s, ingest of 10
files ≤ 1.5 s, monthly-check ≤ 1 s, gen-commitment ≤ 0.5 s, reindex ≤ 60 s and ≤ 1 GB.

Run from the repository root:

    python bench/bench_scale.py --enterprises 300 --documents 30000      # quick check, < 1 min
    python bench/bench_scale.py --archive /tmp/scale300k --keep          # full scale, kept
    python bench/bench_scale.py --archive /tmp/scale300k --keep --profile show
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive.demo import demo_roster  # noqa: E402
from archive.enterprises import clean_fields  # noqa: E402
from archive.ingest import document_facts  # noqa: E402
from archive.letters.issue import format_serial, serial_prefix  # noqa: E402
from archive.monthly import requirements  # noqa: E402
from archive.store import Archive, init_archive  # noqa: E402
from tests.parsers_fixtures import penalty_document, write_pdf  # noqa: E402

MARKER = "bench_scale.json"
SEED = 14
FIRST_YEAR = 2012
END = date(2026, 12, 1)  # the archive's today: nothing is received after it
CHECK_MONTH = "2026-10"
CHECK_AS_OF = "2026-12-01"
LETTER_YEAR = 2027  # gen-commitment: next year's letter, which no enterprise has yet
MONTHLY_SHARE = 0.70
REPORT_RATE = 0.95  # monthly reports that come at all
RETURN_RATE = 0.92  # commitment letters returned
SECTION_RATE = 0.97
TO_FILES = 10  # files per ingest run

GOALS = {  # command → (seconds, megabytes or None)
    "list": (0.5, None),
    "show": (0.3, None),
    "ingest": (1.5, None),
    "monthly-check": (1.0, None),
    "gen-commitment": (0.5, None),
    "reindex": (60.0, 1024.0),
}
COMMANDS = tuple(GOALS)
LABELS = {
    "list": "credit enterprise list --json",
    "show": "credit enterprise show CODE",
    "ingest": f"credit ingest FOLDER ({TO_FILES} files)",
    "monthly-check": f"credit monthly-check --month {CHECK_MONTH}",
    "gen-commitment": "credit gen-commitment CODE",
    "reindex": "credit reindex",
}
OK_CODES = {"monthly-check": {0, 10}}  # 10: gaps found, the normal outcome

FINDINGS = (
    "配电箱未设置安全警示标志",
    "安全出口被杂物堵塞",
    "部分灭火器压力不足",
    "特种作业人员未持证上岗",
    "未建立事故隐患排查治理台账",
    "应急预案未按期演练",
    "仓库内物品堆放超高",
    "消防通道被占用",
    "安全教育培训记录不全",
    "危险化学品储存场所未设置防爆电器",
    "劳动防护用品配备不足",
    "有限空间作业未审批",
)
PENALTY_FACTS = (
    "你单位未对作业人员进行安全生产教育和培训即安排其上岗作业",
    "你单位特种作业人员未按照规定经专门的安全作业培训并取得相应资格上岗作业",
    "你单位未按照规定对安全设备进行经常性维护、保养和定期检测",
    "你单位未建立事故隐患排查治理制度",
)
PENALTY_LAW = (
    (
        "《中华人民共和国安全生产法》第二十八条第一款",
        "《中华人民共和国安全生产法》第九十七条第三项",
    ),
    ("《中华人民共和国安全生产法》第三十条第一款", "《中华人民共和国安全生产法》第九十七条第七项"),
    (
        "《中华人民共和国安全生产法》第三十六条第二款",
        "《中华人民共和国安全生产法》第九十九条第二项",
    ),
    (
        "《中华人民共和国安全生产法》第四十一条第二款",
        "《中华人民共和国安全生产法》第一百零一条第五项",
    ),
)
SUBMISSION_ITEMS = ("现场检查记录", "隐患排查台账", "执法文书汇总表", "培训记录", "工作总结")
PEOPLE = ("赵春生", "钱七", "孙建国", "李红梅", "周志强", "吴秀英", "郑海军", "王德胜")


# -- the archive's history ---------------------------------------------------------------------


def sha(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


def weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(1)
    return day


def month_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def months_from(start: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    year, month = start
    out = []
    while (year, month) <= last:
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def next_month_first(year: int, month: int) -> date:
    return date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)


def stamp(day: date, minute: int) -> str:
    """The journal's time for an event of ``day`` (local time with offset, as credit writes)."""
    moment = datetime(day.year, day.month, day.day, minute // 60, minute % 60)
    return moment.astimezone().isoformat(timespec="seconds")


@dataclass
class History:
    """Every event of the archive, in the order and at the time it happened."""

    events: list[tuple[int, int, int, str, dict[str, Any]]] = field(default_factory=list)
    kinds: Counter = field(default_factory=Counter)
    per_code: Counter = field(default_factory=Counter)

    def add(self, day: date, minute: int, event_type: str, data: dict[str, Any]) -> None:
        self.events.append((day.toordinal(), minute, len(self.events), event_type, data))
        if event_type == "document.ingested":
            self.kinds[data["kind"]] += 1
            for code in data["credit_codes"]:
                self.per_code[code] += 1

    @property
    def documents(self) -> int:
        return sum(self.kinds.values())


class Builder:
    def __init__(self, archive: Archive, enterprises: int, documents: int, seed: int):
        self.archive = archive
        self.rng = random.Random(seed)
        self.roster = demo_roster(enterprises, seed=2026)
        self.target = documents
        self.history = History()
        self.bureau = archive.settings["bureau.name"]
        self.prefix = serial_prefix(archive, "commitment")
        self.numbers: Counter = Counter()  # (document prefix, year) → last number
        self.report = next(r for r in requirements(archive) if r.document == "monthly_report")
        slips = next(r for r in requirements(archive) if r.document == "section_submission")
        self.sections = list(slips.sections) or [
            s for s in archive.settings.sections if s != slips.to
        ]
        self.receiver = slips.to
        self.last = (END.year, END.month - 1) if END.month > 1 else (END.year - 1, 12)
        self.months = months_from((FIRST_YEAR, 1), self.last)
        self.since: dict[str, tuple[int, int]] = {}

    # -- documents as ingest files them -------------------------------------------------------

    def filed(
        self,
        kind: str,
        fields: dict[str, Any],
        received: date,
        *,
        row: dict[str, str] | None = None,
        section: str | None = None,
        matched_by: str = "code",
        suffix: str = ".pdf",
    ) -> dict[str, Any]:
        code = row["credit_code"] if row else None
        key = sha("bench_scale", kind, code or section, self.history.documents, received)
        owner = code or f"sections/{section}"
        return {
            "sha256": key,
            "kind": kind,
            "original_name": f"D:/收件/{received:%Y-%m}/{key[:6]}_{kind}{suffix}",
            "stored": f"files/{owner}/{kind}/{received.isoformat()}_{key[:8]}{suffix}",
            "credit_codes": [code] if code else [],
            "section": section,
            "matched_by": matched_by,
            "fields": {**fields, "parser": kind},
            "enterprises": (
                [{"credit_code": code, "credit_code_status": "valid", "name": row["name"]}]
                if row
                else []
            ),
            "received_on": received.isoformat(),
            "fact_events": True,
        }

    def number(self, prefix: str, year: int) -> str:
        self.numbers[(prefix, year)] += 1
        return f"{prefix}〔{year}〕{self.numbers[(prefix, year)]}号"

    def office_minute(self) -> int:
        return self.rng.randrange(8 * 60 + 30, 17 * 60 + 30)

    # -- the history --------------------------------------------------------------------------

    def plan(self) -> History:
        self.enterprises()
        self.letters()
        self.monthly_reports()
        self.submissions()
        self.enforcement(self.target - self.history.documents)
        self.history.events.sort(key=lambda event: event[:3])
        return self.history

    def enterprises(self) -> None:
        """Each enterprise comes under supervision on the first of a month, more of them in
        later years, so that monthly reports are about 70 % of ``--documents``."""
        rng, total = self.rng, len(self.months)
        expected = MONTHLY_SHARE * self.target / (REPORT_RATE * len(self.roster))
        power = max(0.0, total / max(expected, 1.0) - 1.0)  # mean span = total / (power + 1)
        for row in self.roster:
            span = max(1, min(total, round(total * rng.random() ** power)))
            year, month = self.months[total - span]
            self.since[row["credit_code"]] = (year, month)
            day = date(year, month, 1)
            clean, problems = clean_fields(row, self.archive.settings)
            assert not problems, problems
            data = {**clean, "since": day.isoformat(), "source": "roster:名册.xlsx"}
            self.history.add(day, 8 * 60, "enterprise.added", data)

    def letters(self) -> None:
        """A yearly ``gen-commitment --all`` in January, one letter for each enterprise that
        came later that year; about 92 % returned signed within two months."""
        digest = hashlib.sha256(b"{}").hexdigest()[:16]  # the key of a letter without facts
        rng = self.rng
        for year in range(FIRST_YEAR, END.year + 1):
            batch_day = weekday(date(year, 1, 10))
            batches: dict[date, list[dict[str, str]]] = {}
            for row in self.roster:
                since = self.since[row["credit_code"]]
                if since > (year, 12):
                    continue
                first = date(*since, 1)
                day = batch_day if first <= batch_day else weekday(first + timedelta(3))
                batches.setdefault(day, []).append(row)
            number = 0
            for day in sorted(batches):
                rows = batches[day]
                run = f"{4000 + year}-{sha('run', day)[:8]}"
                letters = []
                for row in rows:
                    number += 1
                    code, name = row["credit_code"], row["name"]
                    serial = format_serial(self.archive, self.prefix, year, number)
                    letters.append((row, serial, f"commitment_unit|{code}|{year}|{digest}"))
                self.history.add(
                    day,
                    9 * 60,
                    "serials.reserved",
                    {
                        "prefix": self.prefix,
                        "year": year,
                        "counter": f"{self.prefix}|{year}",
                        "first": number - len(rows) + 1,
                        "last": number,
                        "run": run,
                        "staging": f"out/{day}/.credit-staging-{run}",
                        "pid": 4000 + year,
                        "host": "clerk-pc",
                        "letters": [{"key": key, "serial": serial} for _r, serial, key in letters],
                    },
                )
                for row, serial, key in letters:
                    code, name = row["credit_code"], row["name"]
                    self.history.add(
                        day,
                        9 * 60 + 5,
                        "letter.issued",
                        {
                            "serial": serial,
                            "template": "commitment_unit",
                            "template_source": "shipped",
                            "template_sha256": sha("template", "commitment_unit"),
                            "category": "commitment",
                            "level": "unit",
                            "year": year,
                            "credit_code": code,
                            "section": None,
                            "name": name,
                            "facts": {},
                            "key": key,
                            "issue_date": day.isoformat(),
                            "file": f"out/{day}/{code}_{name}_安全生产承诺书（单位）.docx",
                            "pdf": None,
                            "sha256": sha("letter", serial),
                            "pdf_sha256": None,
                            "reissue_of": None,
                        },
                    )
                    received = day + timedelta(rng.randrange(10, 60))
                    if rng.random() >= RETURN_RATE or received > END:
                        continue
                    signed = rng.random() >= 0.03
                    signer = rng.choice(PEOPLE)
                    fields = {
                        "credit_code": code,
                        "enterprise_name": name,
                        "level": "unit",
                        "serial": serial,
                        "sign_date": max(
                            day, received - timedelta(rng.randrange(1, 6))
                        ).isoformat(),
                        "signed": signed,
                        "signer": signer if signed else None,
                        "year": year,
                    }
                    data = self.filed(
                        "commitment_letter",
                        fields,
                        received,
                        row=row,
                        matched_by="serial",
                        suffix=".docx",
                    )
                    self.history.add(received, self.office_minute(), "document.ingested", data)

    def monthly_reports(self) -> None:
        rng, topics = self.rng, self.report.topics
        for row in self.roster:
            code, name = row["credit_code"], row["name"]
            reporter = rng.choice(PEOPLE)
            for year, month in months_from(self.since[code], self.last):
                if rng.random() >= REPORT_RATE:
                    continue  # never came
                due = next_month_first(year, month)
                late = rng.random() < 0.08
                received = due + timedelta(rng.randrange(8, 28) if late else rng.randrange(0, 5))
                if received > END:
                    continue
                roll = rng.random()
                filled = {
                    topic: {"filled": True, "text": f"本月已落实{topic}相关工作,详见台账。"}
                    for topic in topics
                }
                missing = []
                if roll < 0.02:
                    missing = [rng.choice(topics)]
                    filled[missing[0]] = {"filled": False, "text": ""}
                signed = not 0.02 <= roll < 0.04
                fields = {
                    "credit_code": code,
                    "enterprise_name": name,
                    "period": month_key(year, month),
                    "phone": row["phone"],
                    "reporter": reporter,
                    "sign_date": (received - timedelta(rng.randrange(0, 3))).isoformat()
                    if signed
                    else None,
                    "signed": signed,
                    "signer": row["legal_representative"] if signed else None,
                    "topics": filled,
                    "topics_filled": len(topics) - len(missing),
                    "topics_missing": missing,
                }
                data = self.filed("monthly_report", fields, received, row=row, suffix=".docx")
                self.history.add(received, self.office_minute(), "document.ingested", data)

    def submissions(self) -> None:
        rng = self.rng
        for year, month in self.months:
            for section in self.sections:
                if rng.random() >= SECTION_RATE:
                    continue
                received = date(year, month, rng.randrange(18, 29))
                items = rng.sample(SUBMISSION_ITEMS, rng.randrange(2, 4))
                fields = {
                    "items": [{"copies": 1, "name": item, "note": None} for item in items],
                    "period": month_key(year, month),
                    "receiver": rng.choice(PEOPLE),
                    "section": section,
                    "sign_date": received.isoformat(),
                    "signed": True,
                    "submitter": rng.choice(PEOPLE),
                }
                data = self.filed(
                    "section_submission",
                    fields,
                    received,
                    section=section,
                    matched_by="section",
                    suffix=".docx",
                )
                self.history.add(received, self.office_minute(), "document.ingested", data)

    def enforcement(self, count: int) -> None:
        """Inspections, each maybe followed by a rectification order (most closed by a
        re-inspection) and a penalty decision, until ``count`` documents are filed."""
        rng = self.rng
        rows = self.roster
        weights, total = [], 0
        for row in rows:  # enterprises under supervision longer are inspected more
            start = date(*self.since[row["credit_code"]], 1)
            total += (END - start).days
            weights.append(total)
        made = 0

        def file(kind: str, fields: dict[str, Any], received: date, row: dict[str, str]) -> None:
            nonlocal made
            if made >= count or received > END:
                return
            data = self.filed(kind, fields, received, row=row)
            self.history.add(received, self.office_minute(), "document.ingested", data)
            made += 1

        while made < count:
            row = rows[bisect.bisect_right(weights, rng.randrange(total))]
            start = date(*self.since[row["credit_code"]], 1)
            day = weekday(start + timedelta(rng.randrange(max(1, (END - start).days - 1))))
            if day >= END:
                continue
            year = day.year
            found = rng.sample(FINDINGS, rng.randrange(1, 4))
            inspection = self.number("蓝应急检记", year)
            file(
                "inspection_record",
                {
                    "doc_number": inspection,
                    "doc_number_raw": inspection,
                    "address": row["address"],
                    "legal_representative": row["legal_representative"],
                    "inspection_place": "生产经营场所",
                    "inspection_time": f"{day}T{rng.randrange(8, 17):02d}:30",
                    "findings": found,
                },
                day + timedelta(rng.randrange(0, 3)),
                row,
            )
            if rng.random() < 0.45:
                order = self.number("蓝应急责改", year)
                issued = day + timedelta(rng.randrange(0, 3))
                deadline = issued + timedelta(rng.choice((15, 30, 60)))
                file(
                    "rectification_order",
                    {
                        "doc_number": order,
                        "doc_number_raw": order,
                        "problems": found,
                        "rectification_deadline": deadline.isoformat(),
                        "authority": self.bureau,
                        "document_date": issued.isoformat(),
                    },
                    issued + timedelta(rng.randrange(0, 3)),
                    row,
                )
                if rng.random() < 0.78:
                    reviewed = deadline + timedelta(rng.randrange(-5, 10))
                    opinion = self.number("蓝应急复查", reviewed.year)
                    file(
                        "reinspection_opinion",
                        {
                            "doc_number": opinion,
                            "doc_number_raw": opinion,
                            "references": [order],
                            "follows_order": order,
                            "document_date": reviewed.isoformat(),
                            "rectified": rng.random() < 0.9,
                            "authority": self.bureau,
                        },
                        reviewed + timedelta(rng.randrange(0, 3)),
                        row,
                    )
            if rng.random() < 0.12:
                decided = day + timedelta(rng.randrange(20, 60))
                decision = self.number("蓝应急罚", decided.year)
                violated, basis = rng.choice(PENALTY_LAW)
                file(
                    "penalty_decision",
                    {
                        "doc_number": decision,
                        "doc_number_raw": decision,
                        "legal_representative": row["legal_representative"],
                        "facts": rng.choice(PENALTY_FACTS),
                        "provisions_violated": violated,
                        "legal_basis": basis,
                        "fine_yuan": rng.choice((5000, 10000, 20000, 30000, 50000)),
                        "document_date": decided.isoformat(),
                        "authority": self.bureau,
                    },
                    decided + timedelta(rng.randrange(0, 5)),
                    row,
                )


def emit_history(archive: Archive, history: History) -> None:
    """One transaction per year; each event is stamped with the time it happened (the
    transaction's ``time``, which ``tx.emit`` puts on each entry)."""
    events = history.events
    start = 0
    while start < len(events):
        year = date.fromordinal(events[start][0]).year
        with archive.transaction() as tx:
            while start < len(events):
                ordinal, minute, _order, event_type, data = events[start]
                day = date.fromordinal(ordinal)
                if day.year != year:
                    break
                tx.time = stamp(day, minute)
                entry = tx.emit(event_type, data)
                if event_type == "document.ingested":
                    for fact_type, fact in document_facts(tx.index, entry["data"]):
                        tx.emit(fact_type, fact)
                start += 1


def build(root: Path, enterprises: int, documents: int) -> dict[str, Any]:
    started = time.perf_counter()
    archive = init_archive(root, county="蓝山县", actor="bench", start=f"{FIRST_YEAR}-01")
    builder = Builder(archive, enterprises, documents, SEED)
    history = builder.plan()
    planned = time.perf_counter() - started
    emit_history(archive, history)
    seconds = time.perf_counter() - started
    counts = sorted(history.per_code.values())
    typical = min(
        (code for code in history.per_code),
        key=lambda code: (abs(history.per_code[code] - counts[len(counts) // 2]), code),
    )
    marker = {
        "enterprises": enterprises,
        "documents": history.documents,
        "seed": SEED,
        "kinds": dict(sorted(history.kinds.items())),
        "events": len(history.events),
        "build_seconds": round(seconds, 1),
        "plan_seconds": round(planned, 1),
        "show_code": typical,
        "show_documents": history.per_code[typical],
        "documents_per_enterprise": {
            "min": counts[0],
            "median": counts[len(counts) // 2],
            "max": counts[-1],
        },
        "roster": [[row["credit_code"], row["name"]] for row in builder.roster],
        "letters_used": 0,
    }
    write_marker(root, marker)
    return marker


def write_marker(root: Path, marker: dict[str, Any]) -> None:
    (root / MARKER).write_text(json.dumps(marker, ensure_ascii=False, indent=1), "utf-8")


def read_marker(root: Path) -> dict[str, Any] | None:
    try:
        return json.loads((root / MARKER).read_text("utf-8"))
    except (OSError, ValueError):
        return None


# -- measuring ---------------------------------------------------------------------------------


def megabytes(path: Path) -> float:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6
    return path.stat().st_size / 1e6 if path.exists() else 0.0


def index_files(root: Path) -> list[Path]:
    """The index as it is on disk: every file under ``index/`` (the partitioned layout), else
    ``index.json``."""
    folder = root / "index"
    if folder.is_dir():
        return sorted(p for p in folder.rglob("*") if p.is_file())
    return [root / "index.json"]


def index_hashes(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in index_files(root)
    }


def clean_env() -> dict[str, str]:
    """No ``CREDIT_*`` but ``CREDIT_NO_PROGRESS=1``; and no ``PYTHONDONTWRITEBYTECODE``: an
    installed credit has its bytecode cached, and compiling its modules from source again in
    every process costs 0.35–0.65 s here (the warm-up run writes the ``__pycache__``)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CREDIT_") and key != "PYTHONDONTWRITEBYTECODE"
    }
    env["CREDIT_NO_PROGRESS"] = "1"
    return env


@dataclass
class Run:
    seconds: float
    code: int
    rss_mb: float
    stderr: str


def run_child(argv: list[str], env: dict[str, str]) -> Run:
    """A new process, stdout to /dev/null; wall time, exit code and peak memory (its own
    ``ru_maxrss``, from ``wait4``)."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err
        )
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return Run(seconds, child.returncode, usage.ru_maxrss / 1024, stderr)


class Commands:
    """The argv of each command for one round; each write command gets new input."""

    def __init__(self, root: Path, marker: dict[str, Any], work: Path):
        self.root = root
        self.marker = marker
        self.work = work
        work.mkdir(parents=True, exist_ok=True)
        self.cli = [sys.executable, "-m", "cli", "--archive", str(root)]
        self.nonce = time.time_ns() % 10**9
        self.folders = 0
        self.out: dict[int, Path] = {}

    def argv(self, name: str, round_: int) -> list[str]:
        if name == "list":
            return [*self.cli, "enterprise", "list", "--json"]
        if name == "show":
            return [*self.cli, "enterprise", "show", self.marker["show_code"]]
        if name == "monthly-check":
            return [*self.cli, "monthly-check", "--month", CHECK_MONTH, "--as-of", CHECK_AS_OF]
        if name == "ingest":
            return [*self.cli, "ingest", str(self.new_files(round_))]
        if name == "gen-commitment":
            code, year = self.fresh_letter()
            out = self.work / f"letters-{round_}"
            self.out[round_] = out
            return [*self.cli, "gen-commitment", code, "--year", str(year), "--out", str(out)]
        if name == "reindex":
            return [*self.cli, "reindex"]
        raise ValueError(name)

    def new_files(self, round_: int) -> Path:
        """``TO_FILES`` new two-page 行政处罚决定书 PDFs naming registered enterprises (the
        tests' builders, as bench_ingest.py writes them); new content on every call."""
        folder = self.work / f"inbox-{round_}"
        folder.mkdir(parents=True, exist_ok=True)
        roster = self.marker["roster"]
        for n in range(TO_FILES):
            self.folders += 1
            code, name = roster[(self.folders * 7) % len(roster)]
            fields = {
                "unit": name,
                "code": code,
                "address": f"蓝山县塔峰镇工业园{self.nonce}-{self.folders}号",
                "legal_representative": "黄某某",
                "doc_number_printed": f"蓝应急罚〔2026〕{900 + self.folders}号",
                "facts": PENALTY_FACTS[n % len(PENALTY_FACTS)],
                "provisions_violated_article": "第二十八条第一款",
                "legal_basis_article": "第九十七条第三项",
            }
            document = penalty_document(fields, kind="decision")
            evidence = ["", "附件：证据清单"] + [
                f"{i}. {item}" for i, item in enumerate(FINDINGS + SUBMISSION_ITEMS, 1)
            ]
            write_pdf(
                folder / f"决定书{n:02d}.pdf",
                document["blocks"] + evidence,
                title=document["title"],
            )
        return folder

    def fresh_letter(self) -> tuple[str, int]:
        """An enterprise and a year it has no commitment letter for: next year's, taken in
        roster order across runs (``letters_used`` in the marker)."""
        used = self.marker.get("letters_used", 0)
        self.marker["letters_used"] = used + 1
        write_marker(self.root, self.marker)
        roster = self.marker["roster"]
        return roster[used % len(roster)][0], LETTER_YEAR + used // len(roster)

    def wrote(self, name: str, round_: int, journal_before: int) -> str | None:
        """Why a write command's run did not do its work, or None."""
        if name == "ingest" and (self.root / "journal.jsonl").stat().st_size <= journal_before:
            return "the journal did not grow: nothing was ingested"
        if name == "gen-commitment" and not any(self.out[round_].glob("*.docx")):
            return "no .docx was written (already issued?)"
        return None


@dataclass
class Row:
    name: str
    runs: list[Run] = field(default_factory=list)
    failures: list[tuple[Run, str]] = field(default_factory=list)
    floors: list[float] = field(default_factory=list)

    def median(self) -> float | None:
        return statistics.median(r.seconds for r in self.runs) if self.runs else None


def measure(commands: Commands, names: list[str], runs: int, env: dict[str, str]) -> dict:
    floor_argv = [sys.executable, "-c", "import tinydb, orjson"]
    rows = {name: Row(name) for name in names}
    floors: list[float] = []
    journal = commands.root / "journal.jsonl"
    for round_ in range(runs + 1):  # round 0 is the warm-up
        for name in names:
            argv = commands.argv(name, round_)
            floor = run_child(floor_argv, env)
            before = journal.stat().st_size
            run = run_child(argv, env)
            print(
                f"  round {round_} {name:15} {run.seconds:7.3f} s  exit {run.code}"
                f"  {run.rss_mb:6.0f} MB   (floor {floor.seconds:.3f} s)",
                flush=True,
            )
            if round_ == 0:
                continue
            floors.append(floor.seconds)
            rows[name].floors.append(floor.seconds)
            problem = None
            if run.code not in OK_CODES.get(name, {0}):
                problem = f"exit {run.code}"
            else:
                problem = commands.wrote(name, round_, before)
            if problem:
                rows[name].failures.append((run, problem))
            else:
                rows[name].runs.append(run)
    return {"rows": rows, "floor": statistics.median(floors) if floors else None}


def reindex_twice(commands: Commands, env: dict[str, str]) -> dict[str, Any]:
    root = commands.root
    before = index_hashes(root)
    results = []
    for _ in range(2):
        run = run_child(commands.argv("reindex", 0), env)
        results.append((run, index_hashes(root)))
        print(
            f"  reindex {run.seconds:7.2f} s  exit {run.code}  peak {run.rss_mb:6.0f} MB",
            flush=True,
        )
    return {"before": before, "runs": results}


def differing(a: dict[str, str], b: dict[str, str]) -> list[str]:
    return sorted(name for name in set(a) | set(b) if a.get(name) != b.get(name))


def tail(text: str, lines: int = 8) -> str:
    return "\n".join("    " + line for line in text.strip().splitlines()[-lines:])


def report(measured: dict, reindexed: dict | None, runs: int) -> bool:
    floor = measured["floor"]
    print()
    print(f'floor `python -c "import tinydb, orjson"`: median {floor:.3f} s' if floor else "")
    print()
    print("| command | median s | goal | met | × floor | peak MB | exit codes |")
    print("|---|---|---|---|---|---|---|")
    all_met = True
    failed: list[tuple[str, Run, str]] = []
    for name, row in measured["rows"].items():
        goal = GOALS[name][0]
        codes = Counter(r.code for r in row.runs) + Counter(r.code for r, _ in row.failures)
        seen = ", ".join(f"{code}×{n}" for code, n in sorted(codes.items()))
        rss = max((r.rss_mb for r in row.runs), default=0)
        if row.failures or not row.runs:
            all_met = False
            failed += [(name, run, why) for run, why in row.failures]
            print(
                f"| `{LABELS[name]}` | FAILED ({len(row.failures)} of {runs}) | ≤ {goal} s | no | "
                f"| {rss:.0f} | {seen} |"
            )
            continue
        median = row.median()
        met = median <= goal
        all_met &= met
        ratio = f"{median / floor:.1f}" if floor else "?"
        print(
            f"| `{LABELS[name]}` | {median:.3f} | ≤ {goal} s | {'yes' if met else 'no'} | "
            f"{ratio} | {rss:.0f} | {seen} |"
        )
    if reindexed is not None:
        runs_ = reindexed["runs"]
        ok = [run for run, _ in runs_ if run.code == 0]
        seconds = max((run.seconds for run in ok), default=None)
        peak = max((run.rss_mb for run in ok), default=0.0)
        seen = ", ".join(str(run.code) for run, _ in runs_)
        if len(ok) < len(runs_):
            all_met = False
            failed += [("reindex", run, f"exit {run.code}") for run, _ in runs_ if run.code]
            print(f"| `credit reindex` | FAILED | ≤ 60 s, ≤ 1 GB | no | | {peak:.0f} | {seen} |")
        else:
            met = seconds <= GOALS["reindex"][0] and peak <= GOALS["reindex"][1]
            all_met &= met
            times = " / ".join(f"{run.seconds:.2f}" for run, _ in runs_)
            ratio = f"{seconds / floor:.0f}" if floor else "?"
            print(
                f"| `credit reindex` (twice) | {times} | ≤ 60 s, ≤ 1024 MB | "
                f"{'yes' if met else 'no'} | {ratio} | {peak:.0f} | {seen} |"
            )
        (_, first), (_, second) = runs_
        differ = differing(first, second)
        print()
        print(
            "reindex twice gives identical index files: "
            + ("yes" if not differ else "NO, differing: " + ", ".join(differ))
            + f" ({len(first)} file(s): {', '.join(list(first)[:6])}{' …' if len(first) > 6 else ''})"
        )
        if differ:
            all_met = False
        built = differing(reindexed["before"], first)
        print(
            "index as the commands left it equals the reindexed one: "
            + ("yes" if not built else "no, differing: " + ", ".join(built[:10]))
        )
    for name, run, why in failed:
        print()
        print(f"{name} failed ({why}, {run.seconds:.2f} s); stderr tail:")
        print(tail(run.stderr) or "    (empty)")
    return all_met


def profile(commands: Commands, name: str, env: dict[str, str], top: int) -> int:
    import pstats

    argv = commands.argv(name, 99)
    out = commands.work / f"{name}.prof"
    profiled = [argv[0], "-m", "cProfile", "-o", str(out), *argv[1:]]
    run = run_child(profiled, env)
    print(f"{' '.join(argv[1:])}: {run.seconds:.2f} s under cProfile, exit {run.code}")
    if run.code not in OK_CODES.get(name, {0}) or not out.exists():
        print(tail(run.stderr, 20))
        return 1
    stats = pstats.Stats(str(out))
    stats.sort_stats("cumulative").print_stats(top)
    return 0


# -- main --------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=3000, help="enterprises (3000)")
    parser.add_argument("--documents", type=int, default=300_000, help="documents (300000)")
    parser.add_argument(
        "--runs",
        type=int,
        help="timed runs of each command (default 5; 3 below 100,000 documents, to stay quick)",
    )
    parser.add_argument(
        "--archive", type=Path, help="build here (or reuse the archive built here before)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the archive when done")
    parser.add_argument(
        "--commands",
        default=",".join(COMMANDS),
        help=f"comma-separated subset of {','.join(COMMANDS)}",
    )
    parser.add_argument("--profile", choices=COMMANDS, help="profile one command, once")
    parser.add_argument("--top", type=int, default=25, help="functions printed by --profile (25)")
    args = parser.parse_args()
    if args.runs is None:
        args.runs = 5 if args.documents >= 100_000 else 3
    names = [name.strip() for name in args.commands.split(",") if name.strip()]
    unknown = [name for name in names if name not in COMMANDS]
    if unknown or args.enterprises < 1 or args.documents < 1 or args.runs < 1:
        parser.error(f"unknown command(s) {unknown}" if unknown else "counts must be ≥ 1")

    temp = Path(tempfile.mkdtemp(prefix="credit-bench-scale-"))
    root = args.archive.resolve() if args.archive else temp / "archive"
    marker = read_marker(root)
    reused = (
        marker is not None
        and marker.get("enterprises") == args.enterprises
        and marker.get("documents") == args.documents
        and (root / "journal.jsonl").exists()
    )
    if not reused and root.exists() and any(root.iterdir()):
        print(f"{root} is not empty and holds no archive built with these counts; not touching it")
        return 2
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; archive {root}")
    if reused:
        print(
            f"reusing the archive built before: {marker['enterprises']} enterprises, "
            f"{marker['documents']} documents (built in {marker['build_seconds']} s)"
        )
    else:
        print(f"building {args.enterprises} enterprises, {args.documents} documents …", flush=True)
        marker = build(root, args.enterprises, args.documents)
        print(
            f"built in {marker['build_seconds']:.1f} s (planning {marker['plan_seconds']:.1f} s): "
            f"{marker['documents']} documents {marker['kinds']}, {marker['events']} events "
            "before facts"
        )
    assert marker is not None
    print(
        f"journal.jsonl {megabytes(root / 'journal.jsonl'):.1f} MB; index "
        f"{sum(megabytes(p) for p in index_files(root)):.1f} MB in {len(index_files(root))} "
        f"file(s); documents per enterprise {marker['documents_per_enterprise']}; "
        f"show {marker['show_code']} ({marker['show_documents']} documents)"
    )
    env = clean_env()
    commands = Commands(root, marker, temp / "work")
    try:
        if args.profile:
            return profile(commands, args.profile, env, args.top)
        timed = [name for name in names if name != "reindex"]
        print(f"\ntiming {', '.join(timed)}: {args.runs} runs after a warm-up, floor before each")
        measured = measure(commands, timed, args.runs, env)
        reindexed = None
        if "reindex" in names:
            print("\nreindex, twice")
            reindexed = reindex_twice(commands, env)
        met = report(measured, reindexed, args.runs)
        print()
        print("all goals met" if met else "some goals NOT met (or a command failed)")
        return 0 if met else 1
    finally:
        shutil.rmtree(temp / "work", ignore_errors=True)
        if args.keep or reused:
            print(f"kept {root}")
        elif args.archive is None:
            shutil.rmtree(temp, ignore_errors=True)
        else:
            shutil.rmtree(root, ignore_errors=True)
        if args.archive is not None:
            shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
