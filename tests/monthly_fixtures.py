"""Filled-in monthly forms as enterprises and sections send them back, made with python-docx in
the shape of the shipped templates (``templates/build.py``: ``form_monthly_report``, one
label/value table; ``form_section_submission``, three tables) -- without our serial, so ingest
matches them by the credit code (a report) or the section named (a slip)."""

from __future__ import annotations

from pathlib import Path

from archive.letters.catalog import MONTHLY_REPORT_TOPICS, SECTION_SUBMISSION_COLUMNS


def write_monthly_report(
    path: Path,
    *,
    code: str,
    name: str,
    period: str,
    empty: tuple[str, ...] = (),
    signed: bool = True,
    note: str = "",
) -> Path:
    """A 安全生产诚信履行情况报告表 for ``period`` ("YYYY-MM", written 2026年1月), every topic
    answered except ``empty``, signed (负责人 and 日期) when ``signed``.  ``note`` makes two
    reports of the same month differ."""
    from docx import Document

    year, month = period.split("-")
    document = Document()
    document.add_paragraph("安全生产诚信履行情况报告表")
    rows = [
        ("单位名称", name),
        ("统一社会信用代码", code),
        ("报告期间", f"{int(year)}年{int(month)}月"),
        *(
            (topic, "" if topic in empty else f"本月已落实{topic}相关工作。{note}")
            for topic in MONTHLY_REPORT_TOPICS
        ),
        ("填报人", "王五"),
        ("联系电话", "0746-1234567"),
        ("单位负责人（签字）", "李四" if signed else ""),
        ("日期", f"{int(year)}年{int(month)}月28日" if signed else "年 月 日"),
    ]
    table = document.add_table(rows=len(rows), cols=2)
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row.cells[0].text = label
        row.cells[1].text = value
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


def write_section_submission(
    path: Path, *, section: str, period: str, items: tuple[str, ...] = ("现场检查记录",)
) -> Path:
    """A 安全生产诚信体系建设资料报送单 of ``section`` for ``period`` listing ``items``."""
    from docx import Document

    year, month = period.split("-")
    document = Document()
    document.add_paragraph("安全生产诚信体系建设资料报送单")
    head = document.add_table(rows=2, cols=2)
    for row, (label, value) in zip(
        head.rows,
        (("报送股室（大队）", section), ("报送月份", f"{int(year)}年{int(month)}月")),
        strict=True,
    ):
        row.cells[0].text = label
        row.cells[1].text = value
    document.add_paragraph("")
    listing = document.add_table(rows=6, cols=4)
    for cell, text in zip(listing.rows[0].cells, SECTION_SUBMISSION_COLUMNS, strict=True):
        cell.text = text
    for number, row in enumerate(listing.rows[1:], 1):
        row.cells[0].text = str(number)
        if number <= len(items):
            row.cells[1].text = items[number - 1]
            row.cells[2].text = "2"
    document.add_paragraph("")
    tail = document.add_table(rows=3, cols=2)
    for row, (label, value) in zip(
        tail.rows,
        (
            ("报送人", "赵六"),
            ("接收人（政策法规股）", ""),
            ("日期", f"{int(year)}年{int(month)}月28日"),
        ),
        strict=True,
    ):
        row.cells[0].text = label
        row.cells[1].text = value
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path
