"""The monthly 安全生产诚信履行情况报告表 filled in and returned (``monthly_report``).

The form (``templates/build.py``, ``form_monthly_report``) is one table of label/value rows,
labels ``FORM_LABELS["form_monthly_report"]``: 单位名称, 统一社会信用代码, 报告期间, the seven
topics of ``MONTHLY_REPORT_TOPICS``, 填报人, 联系电话, 单位负责人（签字）, 日期.  A .docx gives
the table's cells; a PDF gives lines (a label, wrapped over several lines when long, then its
value), read by :func:`parsers.forms.text_values`.

Fields: ``serial``, ``period`` (``YYYY-MM``), ``topics`` (topic → ``{"filled", "text"}`` for
all seven, in the programme's order), ``topics_filled`` (how many), ``topics_missing`` (the
topics left empty, in order), ``reporter`` (填报人), ``phone`` (联系电话), ``signer``
(单位负责人（签字）), ``sign_date`` (ISO), ``signed``; the enterprise (单位名称,
统一社会信用代码, or the code in the document properties).

**Filled or empty.**  A topic is *filled* when anything is written in it, ``无`` included:
the form's own instructions say 本期无相关情况的填写“无”, so ``无`` is the enterprise's answer.
A topic is *empty* when its cell is blank or holds only placeholder marks -- underlines,
dashes (``—``, ``-``), slashes (``/``), dots -- which clerks use to cross out a cell.

**Signed** when 单位负责人（签字） and 日期 are both filled in (the seal cannot be seen in text).

>>> from pathlib import Path
>>> from parsers.base import Document
>>> from archive.letters.catalog import MONTHLY_REPORT_TOPICS as T
>>> rows = [["单位名称", "甲公司"], ["统一社会信用代码", "91110000600037341L"],
...         ["报告期间", "2026年11月"], *([t, "无"] for t in T[:6]), [T[6], "/"],
...         ["填报人", "王五"], ["联系电话", "0746-1234567"], ["单位负责人(签字)", ""],
...         ["日期", "年 月 日"]]
>>> doc = Document(Path("r.docx"), "docx", "编号:蓝应急表〔2026〕0003号\\n安全生产诚信履行情况报告表",
...                tables=[rows])
>>> accepts(doc)
'标题为“安全生产诚信履行情况报告表”，编号 蓝应急表〔2026〕0003号'
>>> parsed = parse(doc)
>>> parsed.get("period"), parsed.get("topics_filled"), parsed.get("topics_missing")
('2026-11', 6, ['应急管理'])
>>> parsed.get("signed"), parsed.get("signer"), parsed.credit_code
(False, None, '91110000600037341L')
"""

from __future__ import annotations

from archive.i18n import N_, _
from parsers.base import Document, ParsedDocument
from parsers.forms import (
    accepts_form,
    canonical_lines,
    clean_value,
    date_problem,
    first_line,
    form_values,
    is_blank,
    is_blank_date,
    parse_date,
    parse_period,
    put_enterprise,
    put_serial,
)

NAME = "monthly_report"
KIND = "monthly_report"
TEMPLATE = "form_monthly_report"
TITLE = "诚信履行情况报告表"

# At least this many labels of the form, in a document without a serial.
MIN_LABELS = 6


def _labels() -> tuple[str, ...]:
    from archive.letters.catalog import FORM_LABELS

    return FORM_LABELS[TEMPLATE]


def accepts(doc: Document) -> str | None:
    """The title 诚信履行情况报告表, and our serial or the form's labels."""
    return accepts_form(
        doc,
        template=TEMPLATE,
        title=TITLE,
        min_labels=MIN_LABELS,
        labels_reason=N_("标题为“{title}”，有报告表的栏目"),
    )


def is_filled(text: str | None) -> bool:
    """Whether a topic holds an answer: anything but blank or placeholder marks; ``无`` is one.

    >>> is_filled("无"), is_filled("——"), is_filled(" / "), is_filled(""), is_filled("已开展培训")
    (True, False, False, False, True)
    """
    return not is_blank((text or "").strip())


def parse(doc: Document) -> ParsedDocument:
    """Serial, period, enterprise, the seven topics and the signature of a monthly report."""
    from archive.letters.catalog import MONTHLY_REPORT_TOPICS

    lines = canonical_lines(doc.text)
    parsed = ParsedDocument(kind=KIND, parser=NAME, reason=accepts(doc) or "")
    put_serial(parsed, doc, lines)
    values = form_values(doc, lines, _labels())

    period = values.get("报告期间")
    if period is not None:
        month = parse_period(period.text)
        if month is not None:
            parsed.put("period", month, period.line, period.source)
        elif not is_blank(period.text):
            parsed.warnings.append(_("报告期间“{text}”无法识别", text=period.text))

    topics: dict[str, dict[str, object]] = {}
    first_topic_line = None
    for topic in MONTHLY_REPORT_TOPICS:
        value = values.get(topic)
        if value is None:
            parsed.warnings.append(_("找不到“{label}”一栏", label=topic))
        elif first_topic_line is None:
            first_topic_line = value.line
        text = (value.text if value is not None else "").strip()
        filled = is_filled(text)
        topics[topic] = {"filled": filled, "text": text}
    parsed.put("topics", topics, first_topic_line)
    missing = [topic for topic, entry in topics.items() if not entry["filled"]]
    parsed.put("topics_filled", len(topics) - len(missing), first_topic_line)
    parsed.put("topics_missing", missing, first_topic_line)

    for label, field in (("填报人", "reporter"), ("联系电话", "phone")):
        value = values.get(label)
        if value is not None:
            parsed.put(field, clean_value(first_line(value.text)), value.line, value.source)

    signer = values.get("单位负责人（签字）")
    signer_name = clean_value(first_line(signer.text)) if signer is not None else None
    if signer is not None and signer_name is not None:
        parsed.put("signer", signer_name, signer.line, signer.source)
    when = values.get("日期")
    day = None
    if when is not None:
        day = parse_date(first_line(when.text))
        if day is not None:
            parsed.put("sign_date", day.isoformat(), when.line, when.source)
        elif not is_blank_date(first_line(when.text)):
            problem = date_problem(first_line(when.text))
            if problem:
                parsed.warnings.append(problem)
    parsed.put(
        "signed",
        signer_name is not None and day is not None,
        signer.line if signer is not None else None,
    )

    name = values.get("单位名称")
    code = values.get("统一社会信用代码")
    put_enterprise(
        parsed,
        doc,
        (first_line(name.text), name.line) if name is not None else None,
        (first_line(code.text), code.line) if code is not None else None,
    )
    return parsed
