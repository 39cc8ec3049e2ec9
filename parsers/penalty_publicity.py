"""行政处罚信息公示 (``penalty_publicity``): a publicity summary or list of penalty decisions.

What bureaus publish (信用中国 style) after a decision: a short prose summary
(``近日,永州市生态环境局对某某有限公司作出行政处罚…处罚壹万叁仟元``) or a list naming several
enterprises — a table (行政相对人名称 | 统一社会信用代码 | 处罚决定书文号 | 罚款金额 | 处罚机关)
or numbered paragraphs.  Published copies often mask the code (``91431****2400``).

Fields: ``entries``, one dict per enterprise in document order, with the keys ``name``,
``credit_code``, ``credit_code_status``, ``doc_number``, ``doc_number_raw``, ``fine_yuan``,
``authority`` (None where the entry does not state them); ``parsed.enterprises`` lists the
same enterprises in the same order.  A single-enterprise publicity also has the top-level
``doc_number``, ``doc_number_raw``, ``fine_yuan`` and ``authority``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from archive import uscc
from archive.i18n import _
from parsers.authority import find_authority, is_signature_line, looks_like_authority
from parsers.base import CODE_ABSENT, Document, NamedEnterprise, ParsedDocument
from parsers.fields import (
    Flat,
    examine_fine,
    find_credit_codes,
    find_doc_numbers,
    find_title,
    looks_like_organisation,
    normalise_doc_number,
    parse_fine,
)

NAME = "penalty_publicity"
KIND = "penalty_publicity"
FIELDS = ("entries", "doc_number", "doc_number_raw", "fine_yuan", "authority")
ENTRY_KEYS = (
    "name",
    "credit_code",
    "credit_code_status",
    "doc_number",
    "doc_number_raw",
    "fine_yuan",
    "authority",
)
# 行政处罚[决定|结果|案件][信息]公示/公开/公告 and 处罚信息公示…: bureaus publish under any of
# the three words (ecology bureaus mostly 公开), with or without 决定/结果/案件 and 信息.
TITLES = (
    *(
        f"{head}{middle}{info}{word}"
        for head, middles in (("行政处罚", ("", "决定", "结果", "案件")), ("处罚", ("",)))
        for middle in middles
        for info in ("信息", "")
        for word in ("公示", "公开", "公告")
        if head == "行政处罚" or info
    ),
    "行政处罚双公示",
    # A bureau's report of the penalties it decided (2026年第一季度安全生产行政处罚情况通报).
    "行政处罚情况通报",
    "行政处罚案件通报",
    "行政处罚信息通报",
)
# A summary without a title: its opening sentence says a decision was made.
_PROSE_OPENING = re.compile(
    r"^(?:近日|日前|近期|\d{4}年\d{1,2}月\d{1,2}日)[,]?.{2,80}?作出.{0,12}行政处罚"
)
# 信用中国's record of one decision: a bare heading (行政处罚, or none) over labelled fields,
# one of them ``行政处罚决定书文号:`` — a label, not a decision's title.
_RECORD_LABELS = (
    "行政相对人名称",
    "行政相对人类别",
    "行政处罚决定书文号",
    "处罚决定书文号",
    "违法行为类型",
    "违法事实",
    "处罚类别",
    "处罚内容",
    "罚款金额",
    "处罚决定日期",
    "处罚机关",
    "数据来源",
    "公示截止期",
)
_PUBLICITY_ONLY = ("行政相对人名称", "行政相对人类别", "违法行为类型", "处罚类别", "数据来源")
_RECORD_LABEL = re.compile(
    r"^\s*(?P<label>"
    + "|".join(sorted(_RECORD_LABELS, key=len, reverse=True))
    + r")(?:\s*[(（][^()（）]{1,6}[)）])?\s*[:：|]"
)

_OTHER_TITLES = ("决定书", "告知书", "指令书", "意见书", "检查记录", "通知书")
_CJK = "\u3400-\u9fff"
_AUTHORITY_SUFFIX = (
    r"综合行政执法局|消防救援大队|消防救援支队|委员会|人民政府|分局|大队|支队|中队|局"
)
_AUTHORITY_IN_TEXT = re.compile(
    rf"(?:^|(?<=[^{_CJK}])|(?<=[由经被日对元]))(?P<name>[{_CJK}]{{4,30}}?(?:{_AUTHORITY_SUFFIX}))"
)
_ORG_SUFFIX = (
    r"有限责任公司|股份有限公司|有限公司|分公司|公司|厂|合作社|商行|经营部|门市部|加油站|"
    r"超市|酒店|宾馆|矿|店"
)
# Suffixes that also end ordinary words (市场, 场所, 住所, 全部, 社会): a name only where the
# name ends there — before a bracket, a punctuation mark or the sentence's next word.
_ORG_SUFFIX_ENDING = r"个体工商户|养殖场|中心|场|站|所|社|部"
_NAME_END = rf"(?=[^{_CJK}]|$|对|因|被|于|经|未|在|作出|涉嫌|违反|存在|擅自|处|罚)"
_NOT_NAME_END = re.compile(r"(?:场所|住所|现场|市场|全部|内部|局部|总部|派出所|事务所)$")
_ORG_IN_TEXT = re.compile(
    rf"(?:^|(?<=[^{_CJK}()])|(?<=[对与]))(?P<name>[{_CJK}()]{{2,40}}?"
    rf"(?:{_ORG_SUFFIX}|(?:{_ORG_SUFFIX_ENDING}){_NAME_END})(?:\([^()]{{1,12}}\))?)"
)
_ORG_LONGER = re.compile(
    rf"[{_CJK}]{{0,10}}?(?:有限责任公司|股份有限公司|有限公司|分公司|公司|厂)(?:\([^()]{{1,12}}\))?"
)
_ORG_BREAK = re.compile(r"对|因|被|于|经|未|的|在|作出|处罚")
_NAME_LABELS = re.compile(
    r"(?:行政相对人名称|相对人名称|被处罚单位|被处罚人|当事人名称|当事人|企业名称|单位名称)[:|]"
    r"[ \t]*(?P<name>[^ \t,;。|:]{2,60})"
)
_ITEM_START = re.compile(
    r"^\s*(?:\d{1,3}[.、)](?!\d)|\(\d{1,3}\)|[一二三四五六七八九十]{1,3}、|\d{1,3}[ \t]+(?=[\u3400-\u9fff]))"
)
_PROSE_FINE = re.compile(
    r"(?:处罚|处以|罚款|罚没)(?:金额|数额)?[:]?(?:人民币)?[:]?[ \t]*(?P<amount>[^,;。()]{1,24}?元(?:整)?)"
)
_NUMBER_LABEL = re.compile(r"(?:决定书文号|决定文书号|处罚文号|文书号|文号)[:|]?[ \t]*$")

# Table columns: header words → entry key.
_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("credit_code", ("统一社会信用代码", "社会信用代码", "信用代码")),
    ("doc_number", ("文号", "文书号", "决定书编号", "案号")),
    ("authority", ("处罚机关", "决定机关", "执法机关", "实施机关", "处罚部门")),
    ("fine_yuan", ("罚款金额", "罚没金额", "处罚金额", "罚款", "金额")),
    ("content", ("处罚内容", "处罚结果", "处罚决定")),
    ("name", ("相对人名称", "当事人", "被处罚", "单位名称", "企业名称", "名称", "行政相对人")),
)


def accepts(doc: Document) -> str | None:
    """A publicity title in the first lines, or a summary that opens ``近日,…作出…行政处罚``."""
    try:
        found = find_title(doc, TITLES, exclude=("决定书", "告知书"))
        if found is not None:
            return _("标题为“{title}”（第{line}行）", title=found.value, line=found.line)
        record = _record_reason(doc)
        if record is not None:
            return record
        if find_title(doc, _OTHER_TITLES) is not None:
            return None  # a decision or order that tells its story: not a publicity summary
        flat = Flat("\n".join(doc.lines[:8]))
        for number, line in enumerate(doc.lines[:8], start=1):
            if _PROSE_OPENING.match(line.strip()) or (
                number == 1 and _PROSE_OPENING.match(flat.text.strip())
            ):
                return _("以“近日…作出行政处罚”开头的处罚信息公示（第{line}行）", line=number)
        return None
    except Exception:  # accepts() never raises
        return None


def _record_reason(doc: Document) -> str | None:
    """A 信用中国-style record: three labelled record fields, one only publicity uses
    (行政相对人名称, 处罚类别, 数据来源…), under a heading that is no other kind's title."""
    lines = [line.strip() for line in doc.lines[:40] if line.strip()]
    if not lines or re.search(r"决定书|告知书|指令书|意见书|通知书|记录", lines[0]):
        return None
    labels = {match.group("label") for line in lines if (match := _RECORD_LABEL.match(line))}
    if len(labels) < 3 or not labels.intersection(_PUBLICITY_ONLY):
        return None
    first = next(
        number
        for number, line in enumerate(doc.lines, start=1)
        if (match := _RECORD_LABEL.match(line.strip())) and match.group("label") in labels
    )
    return _("逐项列出行政处罚信息的公示记录（第{line}行起）", line=first)


def parse(doc: Document) -> ParsedDocument:
    parsed = ParsedDocument(kind=KIND, parser=NAME, reason=accepts(doc) or "")
    entries = _table_entries(doc) or _item_entries(doc)
    if len(entries) < 2:
        entries = _clause_entries(doc) or entries
    if len(entries) < 2:
        single = _single_entry(doc)
        for key, value in (entries[0] if entries else {}).items():
            if key in ENTRY_KEYS and value is not None:
                single[key] = value
        entries = [single]
    entries = [entry for entry in entries if entry["name"] or entry["credit_code"]]
    for entry in entries:
        parsed.enterprises.append(
            NamedEnterprise(
                entry["name"],
                entry["credit_code"],
                entry["credit_code_status"] or CODE_ABSENT,
            )
        )
    if len(entries) >= 2:
        _list_authority(parsed, doc, entries)
    if entries:
        parsed.put("entries", [{key: entry[key] for key in ENTRY_KEYS} for entry in entries], 1)
    if len(entries) == 1:
        entry = entries[0]
        for key in ("doc_number", "doc_number_raw", "fine_yuan", "authority"):
            found = entry["_found"].get(key)
            if entry[key] is not None:
                parsed.put(key, entry[key], *(found or (None, None)))
    elif not entries:
        authority = find_authority(doc, prose=True)
        if authority is not None:
            parsed.put("authority", authority.value, authority.line, authority.source)
    for entry in entries:
        if entry["credit_code_status"] == "invalid":
            parsed.warnings.append(
                _(
                    "统一社会信用代码 {code} 无效：{name}",
                    code=entry["credit_code"],
                    name=entry["name"] or "?",
                )
            )
    return parsed


def _list_authority(parsed: ParsedDocument, doc: Document, entries: list[dict[str, Any]]) -> None:
    """A list's own authority: the one in its title or 落款 (not an entry's 处罚机关 line), which
    also stands for entries that name none; else the one every entry names.  Top level only
    when the list is from one authority."""
    own = find_authority(doc, labelled=False)
    named = {entry["authority"] for entry in entries}
    if own is not None and any(
        name and name != own.value and name.endswith(own.value) for name in named
    ):
        own = None  # the end of a table cell's wrapped name (宁远县应⏎急管理局), not a 落款
    if own is not None:
        parsed.put("authority", own.value, own.line, own.source)
        for entry in entries:
            if entry["authority"] is None:
                entry["authority"] = own.value
        return
    if len(named) == 1 and None not in named:
        parsed.put("authority", named.pop())


# -- one entry -------------------------------------------------------------------------------


def _blank_entry() -> dict[str, Any]:
    entry: dict[str, Any] = dict.fromkeys(ENTRY_KEYS)
    entry["_found"] = {}
    return entry


def _raw_number(source: str, value: str) -> str | None:
    """The 文号 ``value`` as printed in ``source`` (before brackets were normalised)."""
    best = None
    for end, char in enumerate(source):
        if char != "号":
            continue
        for start in range(max(0, end - 40), end):
            piece = source[start : end + 1]
            if normalise_doc_number(piece) == value and (best is None or len(piece) > len(best)):
                best = piece.strip()
    return best


def _number(text: str, flat: Flat | None = None) -> tuple[str, str | None, int | None, str] | None:
    """The decision's 文号 in an entry's text: a labelled one, else the first."""
    numbers = find_doc_numbers(text)
    if not numbers:
        return None
    chosen = numbers[0]
    for found in numbers:
        source = (found.source or "").replace("\n", "")
        at = source.find(_raw_number(source, found.value) or found.value)
        if at > 0 and _NUMBER_LABEL.search(source[:at]):
            chosen = found
            break
    source = chosen.source or ""
    return chosen.value, _raw_number(source.replace("\n", ""), chosen.value), chosen.line, source


def _fine(text: str) -> tuple[int, int | None, str | None] | None:
    found, _seen, conflict = examine_fine(text)
    if found is not None:
        return found.value, found.line, found.source
    if conflict is not None:  # digits and capitals disagree: no fine, not another guess
        return None
    flat = Flat(text)
    for match in _PROSE_FINE.finditer(flat.text):
        before = flat.text[max(0, match.start() - 12) : match.start()]
        if re.search(r"以上|以下|至$", before) or re.match(
            r"^.{0,4}(?:以上|以下)", flat.text[match.end() :]
        ):
            continue
        value = parse_fine("罚款" + match.group("amount"))
        if value:
            return value, flat.line_at(match.start()), flat.source(match.start(), match.end())
    return None


# What runs into an authority's name from before it: a preposition of the sentence
# (被/由/经…局处以…), or, where a list's cells run together in a PDF's text, the end of the
# cell before it (…〔2026〕18号 | 罚款人民币伍仟元整 | 警告).
_LEAD = re.compile(
    r"^(?:被|由|经(?!济)|对|向|系|并处|处以|处|罚款|罚没款|人民币|"
    r"[零〇壹贰叁肆伍陆柒捌玖拾佰仟万亿一二三四五六七八九十百千两]+(?:元|圆)整?|元整?|圆整?|号|警告)"
)
_AMOUNT_END = re.compile(r"[0-9.零〇壹贰叁肆伍陆柒捌玖拾佰仟万亿一二三四五六七八九十百千两]$")


def _without_lead(name: str, before: str) -> str:
    """``name`` without the words that ran into it (see :data:`_LEAD`), as long as what is
    left still reads as an authority; a bare 元 only after an amount (not 元宝山区…).

    >>> _without_lead("被萍乡市湘东区应急管理局", ","), _without_lead("元蓝山县应急管理局", "0")
    ('萍乡市湘东区应急管理局', '蓝山县应急管理局')
    >>> _without_lead("号罚款人民币伍仟元整蓝山县市场监督管理局", "〕18")
    '蓝山县市场监督管理局'
    >>> _without_lead("元江县应急管理局", ",")
    '元江县应急管理局'
    """
    while True:
        lead = _LEAD.match(name)
        if lead is None:
            return name
        if lead.group().startswith(("元", "圆")) and not _AMOUNT_END.search(before):
            return name
        rest = name[lead.end() :]
        if not looks_like_authority(rest):
            return name
        before, name = before + lead.group(), rest


def _authority_in(text: str) -> str | None:
    flat = Flat(text).text
    for match in _AUTHORITY_IN_TEXT.finditer(flat):
        if looks_like_authority(match.group("name")):
            return _without_lead(match.group("name"), flat[: match.start("name")])
    return None


def _name_in(text: str) -> tuple[str, int] | None:
    flat = Flat(text)
    labelled = _NAME_LABELS.search(flat.text)
    if labelled and looks_like_organisation(labelled.group("name")):
        return labelled.group("name"), flat.line_at(labelled.start("name"))
    for match in _ORG_IN_TEXT.finditer(flat.text):
        name = match.group("name")
        longer = _ORG_LONGER.match(flat.text, match.end("name"))
        if longer and not _ORG_BREAK.search(longer.group()):
            name += longer.group()  # 蓝山县乙矿 → 蓝山县乙矿业有限公司
        if "对" in name:
            name = name.rsplit("对", 1)[1]
        if _NOT_NAME_END.search(name):
            continue
        if looks_like_organisation(name) and not looks_like_authority(name) and len(name) >= 4:
            return name, flat.line_at(match.start("name"))
        # A short name opening an item, before its bracket or comma (丙砖厂(统一社会信用代码…).
        if (
            len(name) == 3
            and not flat.text[: match.start("name")].strip()
            and flat.text[match.end("name") : match.end("name") + 1] in ("(", ",")
            and re.search(rf"(?:{_ORG_SUFFIX})$", name)
        ):
            return name, flat.line_at(0)
    return None


def _fill(entry: dict[str, Any], text: str, *, line_offset: int = 0) -> dict[str, Any]:
    """Whatever ``text`` (one entry's paragraph or row) states."""
    found = entry["_found"]
    if entry["name"] is None:
        name = _name_in(text)
        if name is not None:
            entry["name"] = name[0]
    if entry["credit_code"] is None:
        codes = find_credit_codes(text)
        if codes:
            entry["credit_code"], entry["credit_code_status"] = codes[0].code, codes[0].status
    if entry["doc_number"] is None:
        number = _number(text)
        if number is not None:
            entry["doc_number"], entry["doc_number_raw"] = number[0], number[1]
            line = number[2] + line_offset if number[2] else None
            found["doc_number"] = found["doc_number_raw"] = (line, number[3])
    if entry["fine_yuan"] is None:
        fine = _fine(text)
        if fine is not None:
            entry["fine_yuan"] = fine[0]
            found["fine_yuan"] = (fine[1] + line_offset if fine[1] else None, fine[2])
    if entry["authority"] is None:
        entry["authority"] = _authority_in(text)
    if entry["credit_code"] is None:
        entry["credit_code_status"] = CODE_ABSENT
    return entry


def _single_entry(doc: Document) -> dict[str, Any]:
    entry = _blank_entry()
    _fill(entry, doc.text)
    authority = find_authority(doc, prose=True)
    if authority is not None:
        entry["authority"] = authority.value
        entry["_found"]["authority"] = (authority.line, authority.source)
    return entry


# -- lists -----------------------------------------------------------------------------------


def _clause_entries(doc: Document) -> list[dict[str, Any]]:
    """A report's one paragraph that names several enterprises, one per ``;`` clause (…对甲厂
    (统一社会信用代码:…)…处罚(蓝应急罚〔2026〕3号);对乙公司…): an entry each, when every
    clause names its own enterprise with its code or its 文号; else none."""
    entries = []
    for paragraph in Flat(doc.text).text.split("。"):  # sentences, however the PDF wraps
        clauses = [clause for clause in re.split(r"[;；]", paragraph) if clause.strip()]
        if len(clauses) < 2:
            continue
        found = []
        for clause in clauses:
            if _name_in(clause) is None or not (find_credit_codes(clause) or _number(clause)):
                break
            found.append(_fill(_blank_entry(), clause))
        else:
            if len({entry["name"] for entry in found}) == len(found):
                entries.extend(found)
    return entries if len(entries) >= 2 else []


def _item_entries(doc: Document) -> list[dict[str, Any]]:
    """Numbered paragraphs or text rows (``1.某公司…``, ``1 某公司 9143… …``), one entry each."""
    items: list[tuple[int, list[str]]] = []
    starts = [number for number, line in enumerate(doc.lines, start=1) if _ITEM_START.match(line)]
    for number, line in enumerate(doc.lines, start=1):
        # ``68)`` opening a line is the end of a code the PDF wrapped inside its bracket
        # (…代码:9132050560823487⏎68),…), not an item numbered 68).
        wrapped = (
            items
            and re.match(r"^\s*[0-9A-Za-z*×]{1,17}\)", line)
            and "".join(items[-1][1]).count("(") > "".join(items[-1][1]).count(")")
        )
        if _ITEM_START.match(line) and not wrapped:
            items.append((number, [_ITEM_START.sub("", line, count=1)]))
        elif items and line.strip():
            # The list ends at 特此公示 and the like, or at the 落款 after its last item.
            if re.match(r"^\s*(?:特此|以上|上述|附件|联系|公示期)", line) or (
                number > starts[-1] and is_signature_line(line)
            ):
                items.append((number, []))
                continue
            items[-1][1].append(line)
    entries = []
    for first, lines in items:
        text = "\n".join(lines)
        if not text or (_name_in(text) is None and not find_credit_codes(text)):
            continue
        entries.append(_fill(_blank_entry(), text, line_offset=first - 1))
    return entries


_AUTHORITY_COLUMN = re.compile(r"机关|处罚部门|实施部门|执法部门")


def _column_of(header: str) -> str | None:
    """The entry key a header cell names.  The authority's columns come first: 作出处罚决定的
    机关 is not the 处罚决定 (content), and 处罚机关统一社会信用代码 (the national publicity
    format's column) is the authority's code, not the enterprise's: no key.

    >>> _column_of("作出处罚决定的机关"), _column_of("处罚机关统一社会信用代码")
    ('authority', None)
    """
    compact = re.sub(r"\s+", "", header)
    if _AUTHORITY_COLUMN.search(compact):
        return None if "代码" in compact else "authority"
    for key, words in _COLUMNS:
        if any(word in compact for word in words):
            return key
    return None


def _cell_fine(header: str, cell: str) -> int | None:
    cell = cell.strip()
    if not cell or cell in ("/", "-", "无", "—"):
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", cell.replace(",", "")):
        try:
            value = Decimal(cell.replace(",", ""))
        except InvalidOperation:
            return None
        if "万元" in header:
            value *= 10_000
        return int(value.to_integral_value())
    return parse_fine(cell if "罚" in cell else "罚款" + cell)


def _table_entries(doc: Document) -> list[dict[str, Any]]:
    """Rows of a table whose header names the enterprise column (docx, or PDF cells).

    A PDF's text runs a row's cells together (``…18号罚款10000元蓝山县应急管理局``), so a
    PDF's own table cells are read when its text shows a list's header row.
    """
    tables = doc.tables
    if not tables and doc.media == "pdf" and _has_header_row(doc.lines[:20]):
        from parsers.text import pdf_tables

        try:
            tables = pdf_tables(doc.path) if doc.path.is_file() else []
        except OSError:
            tables = []
    for table in tables:
        entries = _rows(table)
        if entries:
            return entries
    return []


def _has_header_row(lines: Sequence[str]) -> bool:
    """A line naming the enterprise column and two others (序号 行政相对人名称 统一社会信用代码…);
    header cells that wrap put their second halves on the next line."""
    lines = list(lines)
    for first, second in zip(lines, [*lines[1:], ""], strict=True):
        compact = re.sub(r"\s+", "", first + second)
        keys = {key for key, words in _COLUMNS if any(word in compact for word in words)}
        if "name" in keys and len(keys) >= 3:
            return True
    return False


def _rows(table: Sequence[Sequence[str]]) -> list[dict[str, Any]]:
    for header_index, header in enumerate(table[:3]):
        columns: list[str | None] = []
        for cell in header:  # a key's first column counts (罚款金额, then 没收…金额)
            key = _column_of(cell or "")
            columns.append(None if key in columns else key)
        if "name" not in columns:
            continue
        entries = []
        for row in table[header_index + 1 :]:
            entry = _blank_entry()
            for column, cell in zip(columns, row, strict=False):
                cell = re.sub(r"\s*\n\s*", "", cell or "").strip()  # a cell's wrapped lines
                if not cell or column is None:
                    continue
                if column == "name" and looks_like_organisation(cell):
                    entry["name"] = cell
                elif column == "credit_code":
                    codes = find_credit_codes("统一社会信用代码:" + cell)
                    if codes:
                        entry["credit_code"], entry["credit_code_status"] = (
                            codes[0].code,
                            codes[0].status,
                        )
                elif column == "doc_number":
                    number = _number(cell)
                    if number is not None:
                        entry["doc_number"], entry["doc_number_raw"] = number[0], number[1]
                elif column == "fine_yuan":
                    entry["fine_yuan"] = _cell_fine(header[columns.index("fine_yuan")], cell)
                elif column == "authority" and looks_like_authority(cell):
                    entry["authority"] = cell
            content = [
                (cell or "")
                for column, cell in zip(columns, row, strict=False)
                if column == "content"
            ]
            if entry["fine_yuan"] is None and content:
                fine = _fine("\n".join(content))
                entry["fine_yuan"] = fine[0] if fine else None
            if entry["credit_code"] is None:
                entry["credit_code_status"] = CODE_ABSENT
            elif entry["credit_code_status"] is None:
                entry["credit_code_status"] = uscc.status(entry["credit_code"])
            if entry["name"] or entry["credit_code"]:
                entries.append(entry)
        if entries:
            return entries
    return []
