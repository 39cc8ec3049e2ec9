"""``credit ingest`` and ``credit explain`` end to end: what issue 4's "Must hold" list asks.

1. Round trip: letters and forms issued by ``credit gen-commitment`` / ``gen-notice``, filled
   in like a clerk does (python-docx) or left blank, saved as .docx or printed to PDF
   (reportlab text lines; LibreOffice when ``soffice`` is installed), come back matched by
   serial and signed exactly when filled in.
2. Enforcement documents open and close rectifications, record fines, go to the inbox when no
   enterprise fits, and match by masked code and by name.
3. ``--nl`` prints one JSON object per file on stdout, people's lines go to stderr.
4. A hostile corpus next to 20 good documents: every good one is archived, every bad one gets
   a status and a reason, within 60 s, the parent under 300 MB, nothing written elsewhere.
5. Idempotence: twice the same folder, the same file twice, ``--dry-run``, ``--move``.
6. kill -9 at random moments of a 500-file ingest loses nothing reported and leaves nothing
   twice.
7. ``credit explain``.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest

from archive.enterprises import add_enterprise
from archive.store import JOURNAL_FILE, Archive
from tests.conftest import child_env, invoke
from tests.helpers import make_code, type_after_label, type_in_cell
from tests.parsers_fixtures import (
    FACTS,
    PROBLEMS,
    inspection_record,
    penalty_document,
    raw_pdf,
    rectification_order,
    reinspection_opinion,
    write_billion_laughs_docx,
    write_docx,
    write_external_entity_docx,
    write_pdf,
    write_zip_bomb_docx,
)

REPO = Path(__file__).resolve().parents[1]
OUTPUT_KEYS = {
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
}
STATUS_LABELS = {  # as the people's lines on stderr show them
    "ingested": "已归档",
    "duplicate": "重复",
    "unmatched": "未匹配",
    "failed": "失败",
    "encrypted": "已加密",
    "needs-ocr": "需识别",
    "skipped": "跳过",
}
SECTION = "危化股"
CODE_A, CODE_B = make_code(4711), make_code(4712)
NAME_A, NAME_B = "蓝山县塔峰镇甲化工有限公司", "蓝山县祠堂圩乙矿业有限公司"


# -- running things ------------------------------------------------------------------------------


def credit(*args: str, archive: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m cli --archive A args…`` in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "cli", "--archive", str(archive), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=child_env(),
        cwd=REPO,
        timeout=timeout,
    )


def nl_lines(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def by_name(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """--nl rows by file name: the last part of ``path``; a zip member by its path in the zip."""
    named = {}
    for row in rows:
        _outer, bang, member = row["path"].rpartition("!")
        name = member if bang else Path(member).name
        assert name not in named, name
        named[name] = row
    return named


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def documents(root: Path) -> dict[str, dict[str, Any]]:
    """The documents table as a fresh process would read it."""
    table = Archive.open(root).index().table("documents")
    return {sha: dict(table.record(sha) or {}) for sha in table.ids()}


def stored_files(root: Path) -> list[Path]:
    """Files under ``files/`` (hidden ones — a copy cut short — are not stored documents)."""
    return sorted(
        path
        for path in (root / "files").rglob("*")
        if path.is_file() and not path.name.startswith(".")
    )


def register(root: Path, *pairs: tuple[str, str]) -> None:
    archive = Archive.open(root)
    for code, name in pairs:
        add_enterprise(archive, {"credit_code": code, "name": name})


# -- documents -------------------------------------------------------------------------------


def penalty(
    path: Path,
    code: str | None,
    name: str,
    number: str,
    *,
    kind: str = "decision",
    fine: str = "罚款人民币贰万元整（¥20,000）",
    media: str = "pdf",
    encrypt: Any = None,
    **options: Any,
) -> Path:
    fields = {
        "unit": name,
        "code": code,
        "address": "蓝山县塔峰镇工业园",
        "legal_representative": "黄某某",
        "doc_number_printed": number,
        "facts": FACTS,
        "provisions_violated_article": "第二十八条第一款",
        "legal_basis_article": "第九十七条第三项",
    }
    document = penalty_document(fields, kind=kind, fine_text=fine, **options)
    if media == "pdf":
        return write_pdf(path, document["blocks"], title=document["title"], encrypt=encrypt)
    return write_docx(path, document["blocks"], title=document["title"])


def order(path: Path, code: str | None, name: str, number: str, deadline: str) -> Path:
    year, month, day = deadline.split("-")
    document = rectification_order(
        {
            "unit": name,
            "code": code,
            "doc_number_printed": number,
            "problems": PROBLEMS,
            "deadline_sentence": f"责令你单位于{int(year)}年{int(month)}月{int(day)}日前整改完毕。",
        }
    )
    return write_pdf(path, document["blocks"], title=document["title"])


def reinspection(path: Path, code: str, name: str, number: str, follows: str) -> Path:
    document = reinspection_opinion(
        {
            "unit": name,
            "code": code,
            "doc_number_printed": number,
            "order_printed": follows,
            "opinion": "经复查，你单位对指令书所列问题已整改完毕，符合要求。",
        }
    )
    return write_pdf(path, document["blocks"], title=document["title"])


def inspection(path: Path, code: str, name: str, number: str) -> Path:
    document = inspection_record(
        {
            "unit": name,
            "code": code,
            "address": "蓝山县塔峰镇工业园",
            "legal_representative": "黄某某",
            "doc_number_printed": number,
            "inspection_place": "一号车间",
            "inspection_time_printed": "2026年11月3日10时30分",
            "findings": ["配电箱未设置安全警示标志", "部分灭火器压力不足"],
        }
    )
    return write_docx(path, document["blocks"], title=document["title"])


# ============================================================================================
# 1. Round trip: issue → fill in (or not) → save / print → ingest


TOPIC_TEXT = "本月开展相关工作2项，已落实。"


def fill_in(source: Path, target: Path) -> Path:
    """What the clerk does in Word: names after 签字, dates, header blanks, the form's cells."""
    import docx

    from archive.letters.catalog import MONTHLY_REPORT_TOPICS

    document = docx.Document(str(source))
    names = iter(["张三", "李四"])
    for paragraph in document.paragraphs:
        label = paragraph.text.partition("：")[0]
        if paragraph.text.startswith("日期："):
            type_after_label(paragraph, "2026年12月1日")
        elif label.endswith("（签字）"):
            type_after_label(paragraph, next(names))
        elif paragraph.text.endswith("　") and label in (
            "车间（部门）名称",
            "班组名称",
            "岗位名称",
        ):
            type_after_label(paragraph, "合成车间")
    values = {
        **dict.fromkeys(MONTHLY_REPORT_TOPICS, TOPIC_TEXT),
        "填报人": "王五",
        "联系电话": "0746-2212345",
        "单位负责人（签字）": "张三",
        "报送人": "赵六",
        "接收人（政策法规股）": "钱七",
        "日期": "2026年12月2日",
    }
    for table in document.tables:
        header = [cell.text for cell in table.rows[0].cells]
        if header[:2] == ["序号", "资料名称"]:  # the slip's items
            for row, item in zip(
                table.rows[1:3], [("现场检查记录", "12"), ("台账", "3")], strict=True
            ):
                type_in_cell(row.cells[1], [item[0]])
                type_in_cell(row.cells[2], [item[1]])
            continue
        for row in table.rows:
            label = row.cells[0].text
            if label in values and len(row.cells) > 1:
                type_in_cell(row.cells[1], [values[label]])
    document.save(str(target))
    return target


def opened_and_saved(source: Path, target: Path) -> Path:
    """What an enterprise sends back when it opens the letter and saves it without typing."""
    import docx

    docx.Document(str(source)).save(str(target))
    assert sha256(target) != sha256(source)
    return target


def printed_lines(path: Path) -> list[str]:
    """A .docx as its printout reads: paragraphs, table rows as cells joined by a space."""
    import docx
    from docx.table import Table

    lines: list[str] = []
    for block in docx.Document(str(path)).iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = [cell.text.replace("\n", " ").strip() for cell in row.cells]
                lines.append(" ".join(cell for cell in cells if cell))
        elif block.text.strip():
            lines.append(block.text)
    return lines


def reportlab_print(lines: list[str], target: Path, width: int = 30) -> Path:
    """The lines as a PDF (STSong-Light CID font), long lines wrapped, 38 lines a page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    wrapped = [line[i : i + width] for line in lines for i in range(0, max(len(line), 1), width)]
    pdf = canvas.Canvas(str(target), pagesize=A4)
    for start in range(0, len(wrapped), 38):
        pdf.setFont("STSong-Light", 13)
        y = 790
        for line in wrapped[start : start + 38]:
            pdf.drawString(70, y, line)
            y -= 19
        pdf.showPage()
    pdf.save()
    return target


def libreoffice_print(sources: list[Path], folder: Path, profile: Path) -> dict[Path, Path]:
    """docx → PDF by LibreOffice, all in one run; {} when soffice is missing or broken."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return {}
    try:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(folder),
                *map(str, sources),
            ],
            capture_output=True,
            timeout=180,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {}
    pdfs = {source: folder / f"{source.stem}.pdf" for source in sources}
    return pdfs if all(pdf.is_file() for pdf in pdfs.values()) else {}


def test_round_trip_of_issued_letters_and_forms(runner, archive_dir: Path, tmp_path: Path) -> None:
    register(archive_dir, (CODE_A, NAME_A), (CODE_B, NAME_B))
    out = tmp_path / "发出"
    common = ("--year", "2026", "--date", "2026-11-20", "--out", str(out), "--json")
    issued: list[dict[str, Any]] = []
    levels = [arg for level in ("unit", "workshop", "team", "post") for arg in ("--level", level)]
    for args in (
        ("gen-commitment", CODE_A, CODE_B, *levels),
        ("gen-notice", "form_monthly_report", CODE_A, "--fact", "period=2026-11"),
        ("gen-notice", "form_monthly_report", CODE_B, "--fact", "period=2026-11"),
        ("gen-notice", "form_section_submission", "--section", SECTION, "--fact", "period=2026-11"),
    ):
        result = invoke(runner, *args, *common, archive=archive_dir)
        assert result.exit_code == 0, result.stderr
        issued += json.loads(result.stdout)["letters"]
    assert len(issued) == 11 and all(letter["status"] == "issued" for letter in issued)
    letter_of = {(row["template"], row["credit_code"]): row for row in issued}

    # (template, code) → how it comes back: "docx" / "docx-blank" / "reportlab" /
    # "reportlab-blank" / "libreoffice" (filled and printed; a filled .docx without soffice)
    plan = {
        ("commitment_unit", CODE_A): "docx",
        ("commitment_workshop", CODE_A): "docx",
        ("commitment_team", CODE_A): "docx",
        ("commitment_post", CODE_A): "docx-blank",
        ("form_monthly_report", CODE_A): "docx",
        ("commitment_unit", CODE_B): "docx-blank",
        ("commitment_workshop", CODE_B): "reportlab",
        ("commitment_team", CODE_B): "reportlab-blank",
        ("commitment_post", CODE_B): "libreoffice",
        ("form_monthly_report", CODE_B): "reportlab",
        ("form_section_submission", None): "libreoffice",
    }
    assert set(plan) == set(letter_of)
    returned = tmp_path / "退回"
    returned.mkdir()
    work = tmp_path / "填写"
    work.mkdir()
    expected: dict[str, tuple[dict[str, Any], bool]] = {}  # file name → (letter, signed)
    to_print: list[tuple[Path, dict[str, Any]]] = []
    for key, how in plan.items():
        letter = letter_of[key]
        source = Path(letter["file"])
        stem = f"{letter['template']}_{key[1] or SECTION}"
        filled = not how.endswith("-blank")
        if how.startswith("docx"):
            target = returned / f"{stem}.docx"
            if filled:
                fill_in(source, target)
            else:  # opened and saved, nothing typed (a byte-identical copy is not a return)
                opened_and_saved(source, target)
        elif how.startswith("reportlab"):
            docx_file = fill_in(source, work / f"{stem}.docx") if filled else source
            lines = printed_lines(docx_file)
            assert lines[0].startswith(f"编号：{letter['serial']}")
            target = reportlab_print(lines, returned / f"{stem}.pdf")
        else:
            to_print.append((fill_in(source, work / f"{stem}.docx"), letter))
            continue
        expected[target.name] = (letter, filled)
    pdfs = libreoffice_print([path for path, _ in to_print], work, tmp_path / "lo-profile")
    for docx_file, letter in to_print:
        target = returned / (docx_file.stem + (".pdf" if pdfs else ".docx"))
        shutil.copyfile(pdfs[docx_file] if pdfs else docx_file, target)
        expected[target.name] = (letter, True)
    assert len(expected) == 11

    result = invoke(runner, "ingest", str(returned), "--nl", "--jobs", "2", archive=archive_dir)
    assert result.exit_code == 0, result.stderr
    rows = by_name(nl_lines(result.stdout))
    assert set(rows) == set(expected)
    archived = documents(archive_dir)
    assert len(archived) == 11
    kinds = {
        "form_monthly_report": "monthly_report",
        "form_section_submission": "section_submission",
    }
    for name, (letter, signed) in expected.items():
        row = rows[name]
        assert row["status"] == "ingested", row
        assert row["matched_by"] == "serial", row
        assert row["serial"] == letter["serial"], row
        assert row["kind"] == kinds.get(letter["template"], "commitment_letter"), row
        assert row["signed"] is signed, (name, row)
        fields = archived[row["sha256"]]["fields"]
        assert (fields.get("signer") == "张三") is signed or row["kind"] == "section_submission"
        if letter["credit_code"]:
            assert row["credit_codes"] == [letter["credit_code"]]
        else:
            assert row["stored"].startswith(f"files/sections/{SECTION}/section_submission/")
            assert (archive_dir / row["stored"]).is_file()
            assert [item["copies"] for item in fields["items"]] == [12, 3]
            assert fields["submitter"] == "赵六"
        if row["kind"] == "monthly_report":
            assert fields["period"] == "2026-11"
            assert fields["topics_filled"] == 7, fields

    for code in (CODE_A, CODE_B):
        shown = invoke(runner, "enterprise", "show", code, "--json", archive=archive_dir)
        assert shown.exit_code == 0, shown.stderr
        detail = json.loads(shown.stdout)
        letters = {letter["serial"]: letter for letter in detail["letters"]}
        assert len(letters) == 5
        for letter, signed in expected.values():
            if letter["credit_code"] == code:
                record = letters[letter["serial"]]
                assert record["status"] == "returned", record
                assert record["signed"] is signed, record
        stored = {document["stored"] for document in detail["documents"]}
        assert len(stored) == 5 and all(path.startswith(f"files/{code}/") for path in stored)
    slip = letter_of[("form_section_submission", None)]["serial"]
    record = Archive.open(archive_dir).index().table("letters").record(slip)
    assert record["status"] == "returned" and record["signed"] is True


# ============================================================================================
# 2. Enforcement documents: facts that follow, the inbox, --register-new, --assign, matching

CODE_NEW = make_code(999)
NAME_NEW = "蓝山县新圩丙烟花有限公司"
ORDER_NUMBER = "蓝应急责改〔2026〕3号"


def test_enforcement_documents_and_their_facts(runner, archive_dir: Path, tmp_path: Path) -> None:
    register(archive_dir, (CODE_A, NAME_A), (CODE_B, NAME_B))
    inbox = tmp_path / "收件"
    inbox.mkdir()
    order(inbox / "整改指令书.pdf", CODE_A, NAME_A, ORDER_NUMBER, "2026-11-30")
    penalty(inbox / "处罚决定书.pdf", CODE_A, NAME_A, "蓝应急罚〔2026〕12号")
    penalty(inbox / "不予处罚.pdf", CODE_B, NAME_B, "蓝应急不罚〔2026〕2号", kind="no_penalty")
    penalty(inbox / "外县单位.pdf", CODE_NEW, NAME_NEW, "蓝应急罚〔2026〕13号")
    penalty(
        inbox / "无代码无名册.docx", None, "蓝山县无名加工厂", "蓝应急罚告〔2026〕5号",
        kind="notice", media="docx", addressee=True,
    )  # fmt: skip
    order(inbox / "打码.pdf", CODE_B[:14] + "xxxx", NAME_B, "蓝应急责改〔2026〕4号", "2026-12-15")
    penalty(
        inbox / "只有名称.docx", None, NAME_A, "蓝应急罚告〔2026〕6号",
        kind="notice", media="docx", addressee=True, fine="罚款5.0万元",
    )  # fmt: skip

    result = invoke(runner, "ingest", str(inbox), "--nl", "--jobs", "2", archive=archive_dir)
    assert result.exit_code == 0, result.stderr  # unmatched is not a failure
    rows = by_name(nl_lines(result.stdout))
    expected = {
        "整改指令书.pdf": ("ingested", "rectification_order", "code", [CODE_A]),
        "处罚决定书.pdf": ("ingested", "penalty_decision", "code", [CODE_A]),
        "不予处罚.pdf": ("ingested", "no_penalty_decision", "code", [CODE_B]),
        "外县单位.pdf": ("unmatched", "penalty_decision", None, []),
        "无代码无名册.docx": ("unmatched", "penalty_notice", None, []),
        "打码.pdf": ("ingested", "rectification_order", "masked", [CODE_B]),
        "只有名称.docx": ("ingested", "penalty_notice", "name", [CODE_A]),
    }
    assert {name: (row["status"], row["kind"], row["matched_by"], row["credit_codes"])
            for name, row in rows.items()} == expected  # fmt: skip
    assert rows["整改指令书.pdf"]["rectification_deadline"] == "2026-11-30"
    assert rows["整改指令书.pdf"]["doc_number"] == ORDER_NUMBER
    assert rows["处罚决定书.pdf"]["fine_yuan"] == 20000
    assert rows["处罚决定书.pdf"]["document_date"] == "2023-06-01"
    assert rows["不予处罚.pdf"]["fine_yuan"] is None
    assert rows["打码.pdf"]["credit_code_status"] == "masked"
    assert rows["只有名称.docx"]["credit_code_status"] == "absent"
    assert rows["只有名称.docx"]["fine_yuan"] == 50000
    assert "--register-new" in rows["外县单位.pdf"]["reason"]
    assert CODE_NEW in rows["外县单位.pdf"]["reason"]

    # The unmatched are copied to the inbox, each with a sidecar naming the reason.
    unmatched = archive_dir / "inbox" / "unmatched"
    sidecars = {
        json.loads(path.read_text(encoding="utf-8"))["original"].rsplit("/", 1)[-1]: path
        for path in unmatched.glob("*.json")
    }
    assert set(sidecars) == {"外县单位.pdf", "无代码无名册.docx"}
    for name, sidecar in sidecars.items():
        data = json.loads(sidecar.read_text(encoding="utf-8"))
        assert data["reason"] == rows[name]["reason"] and data["reason"]
        copy = sidecar.with_name(sidecar.name.removesuffix(".json"))
        assert copy.is_file() and sha256(copy) == rows[name]["sha256"] == data["sha256"]
    assert "蓝山县无名加工厂" in json.dumps(
        json.loads(sidecars["无代码无名册.docx"].read_text(encoding="utf-8"))["candidates"],
        ensure_ascii=False,
    )

    def show(code: str) -> dict[str, Any]:
        shown = invoke(runner, "enterprise", "show", code, "--json", archive=archive_dir)
        assert shown.exit_code == 0, shown.stderr
        return json.loads(shown.stdout)

    detail = show(CODE_A)
    [rectification] = detail["open_rectifications"]
    assert rectification["deadline"] == "2026-11-30"
    assert rectification["order_number"] == ORDER_NUMBER
    assert rectification["problems"] and rectification["status"] == "open"
    kinds = {document["kind"]: document for document in detail["documents"]}
    assert set(kinds) == {"rectification_order", "penalty_decision", "penalty_notice"}
    assert kinds["penalty_decision"]["fields"]["fine_yuan"] == 20000
    assert kinds["penalty_decision"]["stored"].startswith(f"files/{CODE_A}/penalty_decision/")
    assert (archive_dir / kinds["penalty_decision"]["stored"]).is_file()
    detail_b = show(CODE_B)
    assert [row["deadline"] for row in detail_b["open_rectifications"]] == ["2026-12-15"]
    assert {document["kind"] for document in detail_b["documents"]} == {
        "no_penalty_decision",
        "rectification_order",
    }

    # --register-new: the enterprise the decision names is registered and the file archived.
    again = invoke(runner, "ingest", str(inbox), "--nl", "--register-new", archive=archive_dir)
    assert again.exit_code == 0, again.stderr
    statuses = {name: row["status"] for name, row in by_name(nl_lines(again.stdout)).items()}
    assert statuses == {
        **dict.fromkeys(expected, "duplicate"),
        "外县单位.pdf": "ingested",
        "无代码无名册.docx": "unmatched",
    }
    new = show(CODE_NEW)
    assert new["name"] == NAME_NEW
    assert not sidecars["外县单位.pdf"].exists()  # resolved: gone from the inbox, copy and all
    assert sorted(path.name for path in unmatched.iterdir()) == sorted(
        [sidecars["无代码无名册.docx"].name, sidecars["无代码无名册.docx"].stem]
    )
    assert [document["kind"] for document in new["documents"]] == ["penalty_decision"]

    # --assign: the inbox copy is filed under the given enterprise and leaves the inbox.
    copy = sidecars["无代码无名册.docx"].with_name(
        sidecars["无代码无名册.docx"].name.removesuffix(".json")
    )
    assigned = invoke(runner, "ingest", "--assign", str(copy), CODE_B, "--nl", archive=archive_dir)
    assert assigned.exit_code == 0, assigned.stderr
    [row] = nl_lines(assigned.stdout)
    assert (row["status"], row["matched_by"], row["credit_codes"]) == (
        "ingested",
        "assigned",
        [CODE_B],
    )
    assert not copy.exists() and not sidecars["无代码无名册.docx"].exists()
    assert "penalty_notice" in {document["kind"] for document in show(CODE_B)["documents"]}

    # A re-inspection that finds everything rectified closes the order.
    later = tmp_path / "复查"
    later.mkdir()
    reinspection(later / "复查意见书.pdf", CODE_A, NAME_A, "蓝应急复查〔2026〕5号", ORDER_NUMBER)
    closing = invoke(runner, "ingest", str(later), "--nl", archive=archive_dir)
    assert closing.exit_code == 0, closing.stderr
    [row] = nl_lines(closing.stdout)
    assert (row["status"], row["kind"]) == ("ingested", "reinspection_opinion")
    assert show(CODE_A)["open_rectifications"] == []
    closed = Archive.open(archive_dir).index().table("rectifications")
    [record] = [closed.record(key) for key in closed.ids() if key.startswith(CODE_A)]
    assert record["status"] == "closed" and record["closed_by"] == row["sha256"]
    assert record["closed_on"] == "2026-12-01"


# ============================================================================================
# 3. --nl: one JSON object per file on stdout; people's lines and the summary on stderr


def test_nl_output_keys_and_streams(runner, archive_dir: Path, tmp_path: Path) -> None:
    register(archive_dir, (CODE_A, NAME_A))
    folder = tmp_path / "收件"
    folder.mkdir()
    decision = penalty(folder / "决定书.pdf", CODE_A, NAME_A, "蓝应急罚〔2026〕20号")
    shutil.copyfile(decision, folder / "决定书（副本）.pdf")
    (folder / "说明.txt").write_text("请查收。", encoding="utf-8")
    (folder / "扫描件.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(200))  # a broken image
    inspection(folder / "检查记录.pdf", CODE_A, NAME_A, "蓝应急检记〔2026〕21号")  # a .docx
    (folder / "Thumbs.db").write_bytes(b"junk")
    (folder / "~$决定书.docx").write_bytes(b"lock")

    result = invoke(runner, "ingest", str(folder), "--nl", archive=archive_dir)
    assert result.exit_code == 3, result.stderr  # the broken image failed
    rows = nl_lines(result.stdout)  # every stdout line is one JSON object
    assert len(rows) == len(result.stdout.splitlines()) == 5
    for row in rows:
        assert set(row) >= OUTPUT_KEYS, OUTPUT_KEYS - set(row)
    named = by_name(rows)
    assert {name: row["status"] for name, row in named.items()} == {
        "决定书.pdf": "ingested",
        "决定书（副本）.pdf": "duplicate",
        "说明.txt": "skipped",
        "扫描件.jpg": "failed",
        "检查记录.pdf": "ingested",
    }
    mismatched = named["检查记录.pdf"]  # handled by its content, the mismatch reported
    assert mismatched["kind"] == "inspection_record"
    assert "扩展名与内容不符" in mismatched["reason"] and "docx" in mismatched["reason"]
    assert mismatched["stored"].endswith(".docx")
    good = named["决定书.pdf"]
    assert good["sha256"] == sha256(decision)
    assert good["reason"] is None and good["kind"] == "penalty_decision"
    assert (good["credit_code"], good["credit_code_status"]) == (CODE_A, "valid")
    assert good["enterprise_name"] == NAME_A
    assert good["doc_number"] == "蓝应急罚〔2026〕20号"
    assert good["document_date"] == "2023-06-01" and good["fine_yuan"] == 20000
    assert good["rectification_deadline"] is None  # absent: null, not missing
    assert good["signed"] is None and good["serial"] is None
    for name in ("说明.txt", "扫描件.jpg"):
        row = named[name]
        assert row["reason"]
        read = {"path", "status", "reason"} | ({"sha256"} if name.endswith(".jpg") else set())
        assert all(row[key] is None for key in OUTPUT_KEYS - read), row
    # People's lines and the summary table go to stderr, not stdout.
    assert "[已归档]" in result.stderr and "[重复]" in result.stderr and "[跳过]" in result.stderr
    assert "归档结果" in result.stderr and "文件数" in result.stderr
    assert "[已归档]" not in result.stdout and "归档结果" not in result.stdout

    plain = invoke(runner, "ingest", str(folder), archive=archive_dir)
    assert plain.exit_code == 3 and plain.stdout == ""
    assert plain.stderr.count("[重复]") == 3


# ============================================================================================
# 4. A hostile corpus in the same batch as 20 good documents


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def _one_page(contents: bytes, *, page_extra: bytes = b"", catalog_extra: bytes = b"") -> bytes:
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            + page_extra
            + b">>",
            contents,
        ]
    )


def flate_bomb_pdf(path: Path, gibibytes: int = 4) -> Path:
    """A page whose content stream inflates to ``gibibytes`` GiB of zeros (~1 MB a GiB packed).

    One full-flushed deflate block of 1 MiB of zeros is repeated: no need to compress GiBs.
    """
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(bytes(1 << 20)) + packer.flush(zlib.Z_FULL_FLUSH)
    blocks = gibibytes * 1024
    adler = (((blocks << 20) % 65521) << 16) | 1  # Adler-32 of that many zeros
    data = b"\x78\xda" + block * blocks + packer.flush() + adler.to_bytes(4, "big")
    path.write_bytes(_one_page(_stream(data, b"/Filter /FlateDecode ")))
    return path


def page_loop_pdf(path: Path) -> Path:
    """A page tree whose nodes are each other's kids."""
    path.write_bytes(
        raw_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>",
                b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 3 0 R] /Count 1 >>",
            ]
        )
    )
    return path


def deep_pdf(path: Path, depth: int = 100_000) -> Path:
    """Arrays and dictionaries nested ``depth`` deep, and a content stream of as many q's."""
    arrays = b"[" * depth + b"]" * depth
    dicts = b"<< /A " * depth + b"1" + b" >>" * depth
    content = b"BT /F1 12 Tf 72 700 Td (deep) Tj ET " + b"q " * depth + b"Q " * depth
    path.write_bytes(
        _one_page(
            _stream(content),
            page_extra=b"/Resources << /X " + dicts + b" >> ",
            catalog_extra=b"/Deep " + arrays + b" ",
        )
    )
    return path


def gbk_zip(path: Path, members: dict[str, bytes]) -> Path:
    """A zip as Windows writes it: member names in GBK, without the UTF-8 flag."""

    class GbkInfo(zipfile.ZipInfo):
        def _encodeFilenameFlags(self):  # zipfile's own name
            return self.filename.encode("gbk"), self.flag_bits

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = GbkInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return path


def raw_name_zip(path: Path, members: dict[str, bytes]) -> Path:
    """A zip whose member names are stored as given (``../x``, ``/abs/x``)."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with zipfile.ZipFile(path) as check:
        assert check.namelist() == list(members), check.namelist()
    return path


def good_documents(folder: Path, count: int = 20) -> dict[str, str]:
    """``count`` enforcement documents for A and B: name → kind."""
    made = {}
    for n in range(count):
        code, name = (CODE_A, NAME_A) if n % 2 else (CODE_B, NAME_B)
        if n % 4 == 0:
            order(
                folder / f"good{n:02d}.pdf",
                code,
                name,
                f"蓝应急责改〔2026〕{n + 10}号",
                "2026-12-31",
            )
            made[f"good{n:02d}.pdf"] = "rectification_order"
        elif n % 4 == 1:
            penalty(folder / f"good{n:02d}.pdf", code, name, f"蓝应急罚〔2026〕{n + 10}号")
            made[f"good{n:02d}.pdf"] = "penalty_decision"
        elif n % 4 == 2:
            inspection(folder / f"good{n:02d}.docx", code, name, f"蓝应急检记〔2026〕{n + 10}号")
            made[f"good{n:02d}.docx"] = "inspection_record"
        else:
            penalty(
                folder / f"good{n:02d}.docx", code, name, f"蓝应急不罚〔2026〕{n + 10}号",
                kind="no_penalty", media="docx",
            )  # fmt: skip
            made[f"good{n:02d}.docx"] = "no_penalty_decision"
    return made


def hostile_corpus(folder: Path, outside: Path) -> dict[str, tuple[str, ...]]:
    """The bad files: name → the statuses that are acceptable for it."""
    from reportlab.lib.pdfencrypt import StandardEncryption

    sample = penalty(folder.parent / "sample.pdf", CODE_A, NAME_A, "蓝应急罚〔2026〕90号")
    data = sample.read_bytes()
    expected: dict[str, tuple[str, ...]] = {}

    flate_bomb_pdf(folder / "flate_bomb.pdf")
    page_loop_pdf(folder / "page_loop.pdf")
    deep_pdf(folder / "deep_nesting.pdf")
    expected.update(dict.fromkeys(["flate_bomb.pdf", "page_loop.pdf"], ("failed",)))
    # No text layer pdfium can read: rendered as a scan; OCR (where installed) reads its one word
    # ("deep"), which names no enterprise: unmatched with the reason.
    expected["deep_nesting.pdf"] = ("failed", "needs-ocr", "unmatched")
    (folder / "truncated.pdf").write_bytes(data[: len(data) // 5])
    (folder / "garbage.pdf").write_bytes(b"%PDF-1.7\n" + random.Random(1).randbytes(20_000))
    (folder / "no_pdf_at_all.pdf").write_bytes(random.Random(2).randbytes(5_000))
    expected.update(
        dict.fromkeys(["truncated.pdf", "garbage.pdf", "no_pdf_at_all.pdf"], ("failed",))
    )
    penalty(
        folder / "user_password.pdf", CODE_A, NAME_A, "蓝应急罚〔2026〕91号",
        encrypt=StandardEncryption("user-secret", "owner-secret"),
    )  # fmt: skip
    expected["user_password.pdf"] = ("encrypted",)
    # Only an owner password: anyone may open it, so it is read like any other document.
    penalty(
        folder / "owner_password_only.pdf", CODE_A, NAME_A, "蓝应急罚〔2026〕91号",
        encrypt=StandardEncryption("", "owner-secret", canPrint=0, canCopy=0),
    )  # fmt: skip
    expected["owner_password_only.pdf"] = ("ingested",)

    write_zip_bomb_docx(folder / "zip_bomb.docx")
    write_billion_laughs_docx(folder / "billion_laughs.docx")
    write_external_entity_docx(folder / "external_entity.docx", Path("/etc/passwd"))
    (folder / "not_a_zip.docx").write_bytes(b"This is not a zip file at all.\r\n" * 50)
    expected.update(
        dict.fromkeys(
            ["zip_bomb.docx", "billion_laughs.docx", "external_entity.docx", "not_a_zip.docx"],
            ("failed",),
        )
    )
    with zipfile.ZipFile(folder / "many_members.zip", "w") as archive:
        for n in range(5000):
            archive.writestr(f"m/{n:04d}.txt", b"x")
    expected["many_members.zip"] = ("skipped",)
    raw_name_zip(folder / "traversal.zip", {"../x": data, "/abs/x": data})
    expected.update({"../x": ("skipped",), "/abs/x": ("skipped",)})
    gbk_member = penalty(folder.parent / "gbk.pdf", CODE_B, NAME_B, "蓝应急罚〔2026〕92号")
    gbk_zip(folder / "windows.zip", {"执法文书/处罚决定书.pdf": gbk_member.read_bytes()})
    expected["执法文书/处罚决定书.pdf"] = ("ingested",)  # shown by its GBK name, decoded

    secret = outside / "outside.pdf"
    shutil.copyfile(sample, secret)
    (folder / "link_out.pdf").symlink_to(secret)
    expected["link_out.pdf"] = ("skipped",)
    (folder / "link_loop").symlink_to(".", target_is_directory=True)  # a folder loop: walked once
    (folder / "self_link.pdf").symlink_to("self_link.pdf")  # a link to itself
    expected["self_link.pdf"] = ("skipped",)
    (folder / "legacy.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    expected["legacy.doc"] = ("failed",)
    (folder / "scan.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(2000))
    expected["scan.jpg"] = ("failed",)  # a JPEG header and nothing after it
    # A name that is not UTF-8 on disk (GBK bytes, as copied from an old Windows share): shown
    # escaped, archived like any other.
    raw = os.fsdecode("旧电脑拷来的决定书.pdf".encode("gbk"))
    penalty(folder / raw, CODE_B, NAME_B, "蓝应急罚〔2026〕93号")
    expected[raw.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")] = (
        "ingested",
    )
    sample.unlink()
    gbk_member.unlink()
    return expected


# The child's own peak: VmHWM belongs to the memory image exec made, while getrusage's
# ru_maxrss is kept across exec and so starts at the size of the (large) pytest that forked it.
MEASURED = r"""
import resource, runpy, sys
sys.argv = ["credit", *sys.argv[1:]]
try:
    runpy.run_module("cli", run_name="__main__", alter_sys=True)
finally:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    sys.stderr.write(f"\nPEAK_RSS_KIB={peak}\n")
"""


def snapshot(folder: Path, *, skip: Path) -> dict[str, Any]:
    """Every entry under ``folder`` but ``skip``: links by target, files by size and hash."""
    found: dict[str, Any] = {}
    for top, dirs, files in os.walk(folder):
        here = Path(top)
        if here == skip:
            dirs[:] = []
            continue
        for name in dirs + files:
            path = here / name
            key = str(path.relative_to(folder))
            if path.is_symlink():
                found[key] = ("link", os.readlink(path))
            elif path.is_file():
                found[key] = ("file", path.stat().st_size, sha256(path))
            else:
                found[key] = ("dir",)
    return found


@pytest.mark.slow
def test_hostile_corpus_beside_twenty_good_documents(archive_dir: Path, tmp_path: Path) -> None:
    register(archive_dir, (CODE_A, NAME_A), (CODE_B, NAME_B))
    source = tmp_path / "收件"
    source.mkdir()
    outside = tmp_path / "别处"
    outside.mkdir()
    scratch = tmp_path / "tmp"  # the child's TMPDIR: zip members are unpacked there
    scratch.mkdir()
    good = good_documents(source)
    bad = hostile_corpus(source, outside)
    before = snapshot(tmp_path, skip=archive_dir)

    started = time.monotonic()
    child = subprocess.run(
        [
            sys.executable, "-c", MEASURED,
            "--archive", str(archive_dir), "ingest", str(source), "--nl", "--jobs", "2",
        ],
        capture_output=True, text=True, encoding="utf-8", cwd=REPO,
        env=child_env(TMPDIR=str(scratch)), timeout=120,
    )  # fmt: skip
    seconds = time.monotonic() - started
    assert child.returncode == 3, child.stderr  # some files failed
    assert seconds < 60, seconds
    peak_mib = int(child.stderr.rsplit("PEAK_RSS_KIB=", 1)[1].split()[0]) / 1024
    assert peak_mib < 300, peak_mib

    rows = by_name(nl_lines(child.stdout))
    assert set(rows) == set(good) | set(bad), set(rows) ^ (set(good) | set(bad))
    for name, kind in good.items():
        assert (rows[name]["status"], rows[name]["kind"]) == ("ingested", kind), rows[name]
    for name, statuses in bad.items():
        row = rows[name]
        assert row["status"] in statuses, row
        if row["status"] != "ingested":
            assert row["reason"], row
            assert "None" not in row["reason"], row  # a reason a person can read
            assert f"[{STATUS_LABELS[row['status']]}]" in child.stderr
    assert rows["执法文书/处罚决定书.pdf"]["path"].endswith("windows.zip!执法文书/处罚决定书.pdf")
    assert "link_loop" not in child.stdout  # the loop is walked once: its files are not twice
    archived = documents(archive_dir)
    assert len(archived) == len(good) + 3  # + the owner-password PDF, the zip's member, GBK name
    assert len(stored_files(archive_dir)) == len(archived)

    # Nothing written outside the archive: the source, the folder beside it and TMPDIR as they
    # were, no ``x`` from ``../x``, nothing at ``/abs/x``, no /etc/passwd in the archive.
    assert snapshot(tmp_path, skip=archive_dir) == before
    assert not Path("/abs/x").exists()
    passwd = Path("/etc/passwd")
    if passwd.is_file() and passwd.read_bytes().strip():
        first = passwd.read_bytes().splitlines()[0]
        assert first.decode("utf-8", "replace") not in child.stdout + child.stderr
        for path in archive_dir.rglob("*"):
            if path.is_file():
                assert first not in path.read_bytes(), path


# ============================================================================================
# 5. Idempotence, --dry-run, --move


def journal(root: Path) -> bytes:
    return (root / JOURNAL_FILE).read_bytes()


def test_the_same_folder_twice_and_the_same_file_twice(
    runner, archive_dir: Path, tmp_path: Path
) -> None:
    register(archive_dir, (CODE_A, NAME_A), (CODE_B, NAME_B))
    folder = tmp_path / "收件"
    (folder / "子文件夹").mkdir(parents=True)
    good = good_documents(folder, 6)
    twin = folder / "子文件夹" / "另存为.pdf"
    shutil.copyfile(folder / "good01.pdf", twin)

    first = invoke(runner, "ingest", str(folder), "--nl", "--jobs", "2", archive=archive_dir)
    assert first.exit_code == 0, first.stderr
    rows = by_name(nl_lines(first.stdout))
    statuses = sorted(row["status"] for row in rows.values())
    assert statuses == ["duplicate"] + ["ingested"] * len(good)
    pair = [rows["good01.pdf"], rows["另存为.pdf"]]
    assert {row["status"] for row in pair} == {"ingested", "duplicate"}
    assert pair[0]["sha256"] == pair[1]["sha256"]
    archived = documents(archive_dir)
    assert len(archived) == len(good)  # one entry for the pair …
    assert len(stored_files(archive_dir)) == len(good)  # … and one copy
    after_first = journal(archive_dir)

    second = invoke(runner, "ingest", str(folder), "--nl", "--jobs", "2", archive=archive_dir)
    assert second.exit_code == 0, second.stderr
    again = nl_lines(second.stdout)
    assert len(again) == len(good) + 1
    assert all(row["status"] == "duplicate" and row["reason"] for row in again), again
    assert journal(archive_dir) == after_first  # no new events
    assert documents(archive_dir) == archived
    assert len(stored_files(archive_dir)) == len(good)


def test_dry_run_stores_nothing(runner, archive_dir: Path, tmp_path: Path) -> None:
    register(archive_dir, (CODE_A, NAME_A), (CODE_B, NAME_B))
    folder = tmp_path / "收件"
    folder.mkdir()
    good = good_documents(folder, 4)
    penalty(folder / "外县单位.pdf", CODE_NEW, NAME_NEW, "蓝应急罚〔2026〕13号")
    before = journal(archive_dir)
    listing = sorted(path.name for path in archive_dir.iterdir())

    result = invoke(
        runner, "ingest", str(folder), "--dry-run", "--register-new", "--nl",
        archive=archive_dir,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    rows = by_name(nl_lines(result.stdout))
    assert {name: row["status"] for name, row in rows.items()} == {
        **dict.fromkeys(good, "ingested"),  # would be
        "外县单位.pdf": "ingested",
    }
    assert "试运行" in result.stderr
    assert journal(archive_dir) == before
    assert sorted(path.name for path in archive_dir.iterdir()) == listing  # no files/, no inbox/
    assert documents(archive_dir) == {}


def test_move_deletes_only_what_is_archived_and_only_after_the_commit(
    archive_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import archive.ingest as ingest_module

    register(archive_dir, (CODE_A, NAME_A), (CODE_B, NAME_B))
    earlier = tmp_path / "早先"
    earlier.mkdir()
    penalty(earlier / "已归档.pdf", CODE_A, NAME_A, "蓝应急罚〔2026〕40号")
    assert ingest_module.ingest(Archive.open(archive_dir), [earlier]).count("ingested") == 1

    folder = tmp_path / "收件"
    folder.mkdir()
    good = good_documents(folder, 4)
    shutil.copyfile(earlier / "已归档.pdf", folder / "重复.pdf")
    penalty(folder / "未匹配.pdf", CODE_NEW, NAME_NEW, "蓝应急罚〔2026〕41号")
    (folder / "坏的.pdf").write_bytes(b"%PDF-1.7\n" + bytes(300))
    (folder / "说明.txt").write_text("附件", encoding="utf-8")
    member = penalty(tmp_path / "m.pdf", CODE_B, NAME_B, "蓝应急罚〔2026〕42号")
    with zipfile.ZipFile(folder / "打包.zip", "w") as packed:
        packed.write(member, "压缩包里的.pdf")

    settled_while_present = []

    def on_result(result) -> None:  # nothing is moved while results come in
        settled_while_present.append(result.source is None or result.source.exists())

    original = ingest_module._move_away
    checked = []

    def move_away(report) -> None:
        committed = documents(archive_dir)  # what a fresh reader sees on disk
        for result in report.results:
            if result.status == "ingested":
                assert result.sha256 in committed, result.path
        checked.append(True)
        original(report)

    monkeypatch.setattr(ingest_module, "_move_away", move_away)
    report = ingest_module.ingest(
        Archive.open(archive_dir), [folder], move=True, jobs=2, on_result=on_result
    )
    assert checked == [True] and all(settled_while_present)
    statuses = {Path(r.path.rpartition("!")[2]).name: r.status for r in report.results}
    assert statuses == {
        **dict.fromkeys(good, "ingested"),
        "重复.pdf": "duplicate",
        "未匹配.pdf": "unmatched",
        "坏的.pdf": "failed",
        "说明.txt": "skipped",
        "压缩包里的.pdf": "ingested",
    }
    left = sorted(path.name for path in folder.iterdir())
    assert left == sorted(["未匹配.pdf", "坏的.pdf", "说明.txt", "打包.zip"])
    assert (earlier / "已归档.pdf").is_file()  # not part of this run


# ============================================================================================
# 6. kill -9 at random moments of a 500-file ingest


def many_pdfs(folder: Path, enterprises: list[tuple[str, str]], count: int) -> list[Path]:
    """``count`` one-page decisions, each with its own 文号 (so each its own SHA-256)."""
    paths = []
    for n in range(count):
        code, name = enterprises[n % len(enterprises)]
        number = f"蓝应急罚〔2026〕{n + 1}号"
        paths.append(penalty(folder / f"决定书{n:03d}.pdf", code, name, number))
    return paths


def _pump(stream, lines: queue.Queue[str | None]) -> None:
    """Lines of a child's stdout into ``lines``, then None at the end of the pipe."""
    for line in stream:
        lines.put(line)
    lines.put(None)


@pytest.mark.slow
def test_kill_9_during_a_500_file_ingest_loses_nothing_reported(tmp_path: Path) -> None:
    from archive.store import init_archive

    root = init_archive(tmp_path / "档案", actor="测试").root
    enterprises = [(make_code(5000 + n), f"蓝山县第{n}号测试有限公司") for n in range(10)]
    register(root, *enterprises)
    source = tmp_path / "收件"
    source.mkdir()
    files = many_pdfs(source, enterprises, 500)
    hashes = {sha256(path) for path in files}
    assert len(hashes) == 500
    command = [sys.executable, "-m", "cli", "--archive", str(root), "ingest", str(source)]
    command += ["--nl", "--jobs", "2"]
    seed = random.randrange(10**6)
    rng = random.Random(seed)
    reported_ever: set[str] = set()
    cycle = 0.0  # seconds from start to the first commit: about one batch of parsing
    for attempt in range(3):
        archived = len(documents(root))
        # A random number of lines, then a random moment shorter than one batch: the kill lands
        # while parsing, copying into files/, committing or printing, and never after the end.
        if attempt == 0:
            wanted = rng.randint(1, 100)  # ingested lines (batch 1 commits after ~100 files)
        elif 500 - archived > 100:
            wanted = rng.randint(1, archived + 100)  # the duplicates come first
        else:  # the last batch would end the run: kill among the duplicates
            wanted = rng.randint(1, archived)
        started = time.monotonic()
        child = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            cwd=REPO,
            env=child_env(PYTHONUNBUFFERED="1"),
        )
        assert child.stdout is not None
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=_pump, args=(child.stdout, lines), daemon=True).start()
        reported: set[str] = set()
        seen = 0
        while seen < wanted and (line := lines.get(timeout=120)) is not None:
            seen += 1
            row = json.loads(line)
            if row["status"] == "ingested":
                reported.add(row["sha256"])
                cycle = cycle or time.monotonic() - started
        # With two batches or fewer left, a delay could outlast the run: kill at once.
        delay = rng.uniform(0, 0.6 * cycle) if 500 - archived > 200 else 0.0
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL, (seed, attempt, "ended before the kill")
        # What was in the pipe when it died was reported too. The pipe ends when the workers,
        # which share it, see their parent gone and exit: orphans would keep it open.
        deadline = time.monotonic() + 30
        while True:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail("the killed ingest's workers live on (they still hold its stdout)")
            if line is None:
                break
            if line.endswith("\n"):  # a line cut by the kill was not reported
                row = json.loads(line)
                if row["status"] == "ingested":
                    reported.add(row["sha256"])
        child.stdout.close()
        assert reported or attempt > 0, seed

        # The archive opens, its journal verifies, and everything reported is in the index.
        verify = credit("audit", "verify", archive=root)
        assert verify.returncode == 0, (seed, attempt, verify.stdout, verify.stderr)
        present = documents(root)
        assert reported <= set(present), (seed, attempt, len(reported - set(present)))
        assert not reported & reported_ever, seed  # none was archived twice
        reported_ever |= reported

    final = credit("ingest", str(source), "--nl", "--jobs", "2", archive=root)
    assert final.returncode == 0, final.stderr
    rows = nl_lines(final.stdout)
    assert {row["status"] for row in rows} <= {"ingested", "duplicate"}, seed
    assert len(rows) == 500
    present = documents(root)
    assert set(present) == hashes, seed
    stored = stored_files(root)
    assert len(stored) == 500, (seed, len(stored))
    assert {record["stored"] for record in present.values()} == {
        str(path.relative_to(root)) for path in stored
    }
    verify = credit("audit", "verify", archive=root)
    assert verify.returncode == 0, verify.stderr
    # A kill during a copy leaves its hidden temporary file behind (see the module's report);
    # nothing else is left over.
    leftovers = [path for path in (root / "files").rglob(".*") if path.is_file()]
    assert all(path.name.endswith(".part") for path in leftovers), leftovers


# ============================================================================================
# 7. credit explain


def test_explain_shows_text_parser_and_fields(runner, tmp_path: Path) -> None:
    decision = penalty(tmp_path / "决定书.pdf", CODE_A, NAME_A, "蓝应急罚〔2026〕30号")
    result = invoke(runner, "explain", str(decision), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "规范化后的文字" in out and "pypdfium2" in out
    assert "   1  行政处罚决定书" in out  # numbered, normalised lines
    assert f"统一社会信用代码:{CODE_A}" in out  # ：→ : (NFKC)
    assert "→ penalty_decision: 标题为" in out  # the chosen parser and why
    assert "  no_penalty_decision: 不适用" in out

    explained = invoke(runner, "explain", str(decision), "--json")
    assert explained.exit_code == 0, explained.stderr
    data = json.loads(explained.stdout)
    assert (data["kind"], data["parser"], data["media"]) == (
        "penalty_decision",
        "penalty_decision",
        "pdf",
    )
    assert data["reason"] and data["lines"][0] == "行政处罚决定书"
    assert [p["name"] for p in data["parsers"] if p["chosen"]] == ["penalty_decision"]
    fields = data["fields"]
    assert fields["fine_yuan"]["value"] == 20000
    assert fields["doc_number"]["value"] == "蓝应急罚〔2026〕30号"
    for name, found in fields.items():
        if found["line"] is not None:  # the line it names holds what it was read from
            line = data["lines"][found["line"] - 1]
            assert found["source"] is None or found["source"] in line or line in found["source"], (
                name,
                found,
                line,
            )
    line = fields["doc_number"]["line"]
    assert data["lines"][line - 1] == "蓝应急罚〔2026〕30号"
    # The table view names the same line number next to each field.
    rows = [[cell.strip() for cell in row.split("│")[1:-1]] for row in out.splitlines()]
    [doc_row] = [row for row in rows if row[:1] == ["doc_number"]]
    assert doc_row == ["doc_number", "蓝应急罚〔2026〕30号", str(line), "蓝应急罚〔2026〕30号"]
    assert data["enterprises"] == [
        {"name": NAME_A, "credit_code": CODE_A, "credit_code_status": "valid"}
    ]

    garbage = tmp_path / "乱码.pdf"
    garbage.write_bytes(b"%PDF-1.4\n" + random.Random(3).randbytes(3000))
    bad = invoke(runner, "explain", str(garbage))
    assert bad.exit_code != 0
    assert "乱码.pdf" in bad.stderr and "损坏" in bad.stderr
    assert "Traceback" not in bad.stderr + bad.stdout


def test_a_printout_matches_a_serial_with_full_width_brackets(
    runner, archive_dir: Path, tmp_path: Path
) -> None:
    """The printout's text is NFKC-normalised ((2026)); the serial was issued as （2026）."""
    settings = archive_dir / "credit.toml"
    text = settings.read_text(encoding="utf-8")
    text = text.replace(
        'serial_format = "{prefix}〔{year}〕{number:04d}号"',
        'serial_format = "{prefix}（{year}）{number:04d}号"',
    )
    settings.write_text(text, encoding="utf-8")
    register(archive_dir, (CODE_A, NAME_A))
    out = tmp_path / "发出"
    issued = invoke(
        runner, "gen-commitment", CODE_A, "--year", "2026", "--out", str(out), "--json",
        archive=archive_dir,
    )  # fmt: skip
    (letter,) = json.loads(issued.stdout)["letters"]
    assert "（2026）" in letter["serial"]
    back = tmp_path / "收件"
    back.mkdir()
    filled = fill_in(Path(letter["file"]), tmp_path / "filled.docx")
    reportlab_print(printed_lines(filled), back / "回执.pdf")
    result = invoke(runner, "ingest", str(back), "--nl", archive=archive_dir)
    (row,) = nl_lines(result.stdout)
    assert row["status"] == "ingested" and row["matched_by"] == "serial", row
    assert row["serial"] == letter["serial"]
    shown = json.loads(
        invoke(runner, "enterprise", "show", CODE_A, "--json", archive=archive_dir).stdout
    )
    assert shown["letters"][0]["status"] == "returned" and shown["letters"][0]["signed"] is True
