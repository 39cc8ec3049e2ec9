"""A returned 安全生产承诺书 that credit issued (``commitment_letter``), as .docx or PDF.

The four levels of ``templates/build.py``: 单位 (``unit``: 法定代表人 signs), 车间（部门）
(``workshop``), 班组 (``team``), 岗位 (``post``).  The lower three are two-way letters with two
signature blocks: the first is the party that commits (车间（部门）负责人, 班组长, 岗位员工),
the second the party that commits in return (单位主要负责人 + seal, 车间（部门）负责人, 班组长).

Fields:

``serial``
    the letter's serial: the ``credit-serial:`` entry of the document properties (keywords,
    then ``identifier``), else the printed ``编号：…``;
``level``
    ``unit``/``workshop``/``team``/``post`` from the title (``车间（部门）…双向承诺书``,
    ``（班组）`` …; a plain ``安全生产承诺书`` is the unit letter), else from the template
    named in the properties, else from the first signature label;
``year``
    from ``YYYY年度`` in the title (Arabic or Chinese numerals), else ``有效期为YYYY年``;
``signer``, ``sign_date``
    the name written after the committing party's ``…（签字）：`` label, and the date of its
    block's ``日期：`` line (ISO); absent while blank (``年　月　日``);
``signed``
    True when both ``signer`` and ``sign_date`` are there (domain §7), else False;
``counter_signer``, ``counter_sign_date``, ``counter_signed``
    the same for the second block of a two-way letter (``signed`` does not depend on it);
``department``, ``team``, ``post``, ``person``
    the header lines of the lower levels (车间（部门）名称, 班组名称, 岗位名称, and the person the
    header names: 车间（部门）负责人 / 班组长 / 员工姓名), when filled in;

and the enterprise (承诺单位 or 单位名称, and 统一社会信用代码; the code in the properties when the
text has none).

The helpers it shares with :mod:`parsers.monthly_report` and :mod:`parsers.section_submission`
(dates, serials, label/value scanning) are in :mod:`parsers.forms`.

>>> from pathlib import Path
>>> from parsers.base import Document
>>> text = "\\n".join([
...     "编号:蓝应急诺〔2026〕0001号",
...     "2026年度安全生产承诺书",
...     "承诺单位:蓝山县甲化工有限公司",
...     "统一社会信用代码:91110000600037341L",
...     "单位(盖章):",
...     "法定代表人(签字):张三",
...     "日期:二〇二六年十二月一日",
... ])
>>> doc = Document(Path("a.pdf"), "pdf", text)
>>> accepts(doc)
'标题为“2026年度安全生产承诺书”，编号 蓝应急诺〔2026〕0001号'
>>> parsed = parse(doc)
>>> parsed.get("level"), parsed.get("year"), parsed.get("signer"), parsed.get("sign_date")
('unit', 2026, '张三', '2026-12-01')
>>> parsed.get("signed"), parsed.credit_code_status, parsed.fields["signer"].line
(True, 'valid', 6)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from archive import cnnum
from archive.i18n import _
from parsers.base import Document, ParsedDocument
from parsers.forms import (
    PERSON_NAME,
    SPACE_CHARS,
    YEAR_DIGIT,
    SignatureBlock,
    bare_label,
    canonical,
    canonical_lines,
    clean_value,
    compact,
    is_blank,
    is_blank_date,
    is_page_number,
    join_wrapped,
    label_line_value,
    label_regex,
    name_on_next_line,
    parse_date,
    printed_serial,
    probe,
    properties_serial,
    properties_template,
    put_enterprise,
    put_serial,
    signature_blocks,
    title_candidates,
)

NAME = "commitment_letter"
KIND = "commitment_letter"

LEVELS = ("unit", "workshop", "team", "post")

# Title wording → level, checked in this order (the unit letter's title names no level).
_TITLE_LEVELS: tuple[tuple[str, str], ...] = (
    ("岗位", "post"),
    ("班组", "team"),
    ("车间", "workshop"),
    ("部门", "workshop"),
    ("单位", "unit"),
)

# Signature labels of the committing party, per level (compact, without brackets).
_COMMITTERS: dict[str, tuple[str, ...]] = {
    "unit": ("法定代表人", "主要负责人", "负责人"),
    "workshop": ("车间部门负责人", "部门负责人", "车间负责人", "车间主任"),
    "team": ("班组长",),
    "post": ("岗位员工", "员工", "承诺人"),
}

# Header lines of the lower levels: label (compact) → field.
_HEADER_FIELDS: dict[str, str] = {
    "车间部门名称": "department",
    "车间部门": "department",
    "班组名称": "team",
    "班组": "team",
    "岗位名称": "post",
    "车间部门负责人": "person",
    "班组长": "person",
    "员工姓名": "person",
}

_TITLE = re.compile(r"^.{0,40}承诺书\s*(?:[(（][^()（）]{1,10}[)）])?$")


def accepts(doc: Document) -> str | None:
    """The reason this is a commitment letter: its title and our serial, or a work-safety
    commitment title on an enterprise's own template (no serial)."""
    try:
        lines = canonical_lines(doc.text)
        title = _title(lines)
        if title is None:
            return None
        serial = properties_serial(doc.properties)[0] or printed_serial(lines)[0]
        if not serial:
            if _OWN_TITLE.match(title[1]):
                return _("标题为“{title}”（单位自拟的承诺书，没有编号）", title=title[1])
            return None
        return _("标题为“{title}”，编号 {serial}", title=title[1], serial=serial)
    except Exception:  # accepts() never raises
        return None


def parse(doc: Document) -> ParsedDocument:
    """The serial, level, year, enterprise and signatures of a returned commitment letter."""
    lines = canonical_lines(doc.text)
    if not (properties_serial(doc.properties)[0] or printed_serial(lines)[0]):
        return parse_own_template(doc)
    parsed = ParsedDocument(kind=KIND, parser=NAME, reason=accepts(doc) or "")
    put_serial(parsed, doc, lines)
    title = _title(lines)

    level = None
    if title is not None:
        index, text = title
        level = _level_from_title(text)
        if level is not None:
            parsed.put("level", level, index + 1, text)
        year = _year(text)
        if year is not None:
            parsed.put("year", year, index + 1, text)
    if "year" not in parsed.fields:
        for index, line in enumerate(lines):
            match = re.search(r"有效期为\s*(\d{4})\s*年", line)
            if match:
                parsed.put("year", int(match[1]), index + 1, line.strip())
                break
    if level is None:
        template = properties_template(doc.properties)
        if template and template.startswith("commitment_"):
            level = template.removeprefix("commitment_")
            if level in LEVELS:
                parsed.put("level", level, None, "properties")
            else:
                level = None

    blocks = signature_blocks(lines)
    if level is None and blocks and blocks[0].signatures:
        level = _level_from_label(blocks[0].signatures[0].label)
        if level is not None:
            first = blocks[0].signatures[0]
            parsed.put("level", level, first.line, first.source)

    committer, counter = _split_blocks(blocks, level)
    _put_block(parsed, committer, "signer", "sign_date", "signed")
    if level in ("workshop", "team", "post") or counter is not None:
        _put_block(parsed, counter, "counter_signer", "counter_sign_date", "counter_signed")
        if parsed.get("signed") and not parsed.get("counter_signed"):
            parsed.warnings.append(_("双向承诺书的另一方尚未签字或未填日期"))
    for block in blocks:
        for problem in block.problems:
            parsed.warnings.append(problem)

    _put_header_lines(parsed, lines)
    name = label_line_value(lines, ("承诺单位", "单位名称"), continue_until=("统一社会信用代码",))
    code = label_line_value(lines, ("统一社会信用代码",))
    put_enterprise(parsed, doc, name, code)
    return parsed


def _title(lines: Sequence[str]) -> tuple[int, str] | None:
    """(index, text) of the title, a short text ending in 承诺书 (see :func:`title_candidates`)."""
    for index, text in title_candidates(lines):
        if _TITLE.match(text):
            return index, text
    return None


def _level_from_title(title: str) -> str | None:
    if "承诺书" not in title:
        return None
    for word, level in _TITLE_LEVELS:
        if word in title:
            return level
    if "双向" in title:
        return None  # a two-way letter that does not say which level
    return "unit"


def _level_from_label(label: str) -> str | None:
    bare = bare_label(label)
    for level in ("post", "team", "workshop", "unit"):
        if any(bare.endswith(word) for word in _COMMITTERS[level]):
            return level
    return None


def _year(title: str) -> int | None:
    match = re.search(rf"({YEAR_DIGIT}{{4}})\s*年度", title)
    if not match:
        return None
    year = cnnum.digits_value(match[1])
    return year if cnnum.year_in_range(year) else None


def _split_blocks(
    blocks: Sequence[SignatureBlock], level: str | None
) -> tuple[SignatureBlock | None, SignatureBlock | None]:
    """The committing party's block, and the other one (two-way letters)."""
    signed = [block for block in blocks if block.signatures]
    if not signed:
        return (blocks[0] if blocks else None), None
    committer = signed[0]
    if level is not None:
        for block in signed:
            if any(_is_committer(sig.label, level) for sig in block.signatures):
                committer = block
                break
    others = [block for block in signed if block is not committer]
    return committer, (others[0] if others else None)


def _is_committer(label: str, level: str) -> bool:
    bare = bare_label(label)
    return any(bare.endswith(word) for word in _COMMITTERS[level])


def _put_block(
    parsed: ParsedDocument,
    block: SignatureBlock | None,
    signer_field: str,
    date_field: str,
    signed_field: str,
) -> None:
    signer = date_found = None
    if block is not None:
        signer = block.signer
        date_found = block.date
        if signer is not None:
            parsed.put(signer_field, signer.value, signer.line, signer.source)
        if date_found is not None:
            parsed.put(date_field, date_found.value, date_found.line, date_found.source)
    signed = signer is not None and date_found is not None
    line = block.date_line if block is not None else None
    parsed.put(signed_field, signed, line)


def _put_header_lines(parsed: ParsedDocument, lines: Sequence[str]) -> None:
    for index, line in enumerate(lines[:30]):
        match = re.match(r"^([^:：]{1,12}?)\s*[:：]\s*(.*)$", probe(line))
        if not match:
            continue
        field_name = _HEADER_FIELDS.get(bare_label(match[1]))
        if field_name is None or field_name in parsed.fields:
            continue
        value = clean_value(match[2])
        if value is not None:
            parsed.put(field_name, value, index + 1, line.strip())


# ============================================================================================
# Letters an enterprise wrote on its own template (no serial)

# 安全生产承诺书, 安全生产责任承诺书, 安全生产双向承诺书, 2026年度安全生产承诺书, 某某公司
# 2026年安全生产目标责任承诺书, 班组安全生产承诺书(双向) …
# The words between 安全(生产) and 承诺书 that a letter's own title uses (企业安全生产主体责任
# 承诺书, 安全生产工作承诺书, 安全生产目标管理责任承诺书, 安全生产诚信承诺书…), never a
# sentence: a title that starts 关于 (a notice about the letters) is not a letter.
_OWN_TITLE = re.compile(
    r"^(?!关于).{0,40}?安全(?:生产)?"
    rf"(?:主体|目标|管理|工作|诚信|双向|责任制?|年度|{YEAR_DIGIT}{{4}}年度?)*"
    r"承诺书(?:[(（][^()（）]{1,10}[)）])?$"
)
_OWN_YEAR = re.compile(rf"({YEAR_DIGIT}{{4}})\s*年(?:度)?")
_BODY_YEAR = re.compile(r"([0-9]{4})\s*年度")
# Signature labels of a person (the committing party or the one it commits to).
_PERSON_LABELS = (
    "法定代表人",
    "法人代表",
    "主要负责人",
    "单位主要负责人",
    "单位负责人",
    "第一责任人",
    "车间主任",
    "车间负责人",
    "部门负责人",
    "班组长",
    "岗位员工",
    "员工",
    "职工",
    "承诺人",
    "负责人",
)
_OWN_COMMITTERS: dict[str, tuple[str, ...]] = {
    "unit": (
        "法定代表人",
        "法人代表",
        "主要负责人",
        "单位主要负责人",
        "第一责任人",
        "承诺人",
        "单位负责人",
        "负责人",
    ),
    "workshop": ("车间主任", "车间负责人", "部门负责人", "承诺人"),
    "team": ("班组长", "承诺人"),
    "post": ("岗位员工", "员工", "职工", "承诺人"),
}
_MARK = r"(?:[(（]\s*(?:签\s*[字名章]|签字盖章|签名盖章|盖章)\s*[)）]|签\s*[字名])"
# A signature label ends in a colon, or in a table's cell border (`` | ``, how the text layer
# joins a .docx row's cells); a label closed by its bracketed mark (``法定代表人（签字）``) may
# also stand right before its value, as a PDF table's row reads (``法定代表人（签字）张三``).
_PAREN_MARK = r"[(（]\s*(?:签\s*[字名章]|签字盖章|签名盖章|盖章)\s*[)）]"
# Words a person's label may start with (公司负责人, 企业主要负责人, 甲方代表人…): in a PDF
# table's text the name before it runs into them (``班组长(签字)杨春生公司负责人(签字)何立平``).
# Not the end of the enterprise's own name (``…有限公司主要负责人（签字）``).
_LABEL_PREFIX = (
    r"(?:(?<!有限)(?<!责任)(?<!集团)(?<!分)(?<!总)公司|企业|单位|厂方|甲方|乙方|项目部?|安全|分管)"
)
_LABEL_RE = re.compile(
    rf"(?:{_LABEL_PREFIX}(?=[\u3400-\u9fff]{{2}}))?"
    r"(?P<label>(?:承诺)?单位\s*[(（]\s*(?:盖章|公章|印章)\s*[)）]|"
    + "|".join(sorted(_PERSON_LABELS, key=len, reverse=True))
    # A bare 签名：/签字： at the start of a line or cell (no person's word before it).
    + r"|(?<![^\s|])签\s*[名字](?=\s*[:：|])"
    + r")\s*(?:[(（]\s*(?P<role>(?!签|盖|公章|印章)[\u3400-\u9fff、/]{2,10})\s*[)）])?"
    + rf"\s*(?:(?P<mark>{_MARK})?\s*[:：|]|(?P<bare>{_PAREN_MARK})|(?<=[)）])"
    # A PDF table's label cell run into its value (承诺人签名黄小平).
    + r"|(?P<glued>签\s*[名字])(?=[\u3400-\u9fff]{2,4}(?:[\s|]|$)))"
)
_DATE_START = rf"[\s_＿]*(?:{YEAR_DIGIT}{{4}}|年)"
_DATE_LABEL = re.compile(
    r"(?:签\s*[订署字]\s*)?(?:承诺)?(?:日\s*期|时\s*间)\s*(?:[:：|]|(?=" + _DATE_START + r"))"
)
_BLANK_DATE = re.compile(r"^[\s_＿]*年[\s_＿]*月[\s_＿]*日[\s_＿]*$")
_LEVEL_HEADERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^\s*(?:岗位|岗位名称|工种)\s*[:：]"), "post"),
    (re.compile(r"^\s*(?:班组|班组名称)\s*[:：]"), "team"),
    (re.compile(r"^\s*(?:车间|部门|车间[(（]部门[)）])(?:名称)?\s*[:：]"), "workshop"),
)


# A person's own letter: 员工/职工/从业人员安全生产承诺书, or 本人 committing to 本岗位's rules.
_POST_TITLE = re.compile(r"员工|职工|从业人员")
_POST_BODY = re.compile(r"本人\s*(?:郑重)?\s*承诺.{0,30}本岗位")


# The level a letter states only in its body: the person commits as a 车间/部门/班组's head, or
# the two-way letter's second party is a 车间/部门/班组/岗位.
_WORD_LEVELS = {"车间": "workshop", "部门": "workshop", "班组": "team", "岗位": "post"}
_BODY_LEVEL = re.compile(
    r"本人\s*(?:作为|系|是|担任).{0,20}?(?P<word>车间|部门|班组)\s*(?:负责人|主任|班组长|组长|长)"
)
_PARTY_LEVEL = re.compile(
    r"^\s*乙\s*方\s*[:：]\s*[^\s:：|，。]{0,20}?(?P<word>车间|部门|班组|岗位)\s*$"
)


@dataclass
class _Mark:
    """One label on a signature line, what is written after it, and the date near it."""

    label: str
    seal: bool
    marked: bool  # (签字) or the like: a signature, not a header
    value: str | None
    line: int | None  # 1-based (None: read from a table)
    source: str
    date: tuple[str, int, str] | None = None  # (ISO, 1-based line, source)


def _own_level(
    title: str, lines: Sequence[str], marks: Sequence[_Mark]
) -> tuple[str, int | None, str]:
    """unit, unless the title, a header line or a signature label says 车间/部门, 班组, 岗位."""
    level = _level_from_title(title)
    if level is not None and level != "unit":
        return level, None, title
    if _POST_TITLE.search(title):
        return "post", None, title
    for index, line in enumerate(lines[:30]):
        for pattern, header_level in _LEVEL_HEADERS:
            if pattern.match(line):
                return header_level, index + 1, line.strip()
    for index, line in enumerate(lines[:30]):
        if _POST_BODY.search(line):
            return "post", index + 1, line.strip()
        # 本人作为安全环保部部门负责人… / a two-way letter's 乙方：木工车间.
        found = _BODY_LEVEL.search(line) or _PARTY_LEVEL.match(line)
        if found:
            return _WORD_LEVELS[found["word"]], index + 1, line.strip()
    for mark in marks:
        if mark.marked:
            for name in ("post", "team", "workshop"):
                if mark.label in _OWN_COMMITTERS[name] and mark.label != "承诺人":
                    return name, mark.line, mark.source
    return "unit", None, title


def _line_date(text: str) -> str | bool | None:
    """ISO date of a date-only text, False for a blank date (``年  月  日``), None otherwise.

    >>> _line_date("日期2026/01/09所在班组包装一班"), _line_date("2026/01/09所在班组包装一班")
    ('2026-01-09', None)
    """
    text = text.strip(SPACE_CHARS + "_＿")
    if not text:
        return None
    if _BLANK_DATE.match(text):
        return False
    label = _DATE_LABEL.match(text)
    if label:
        text = text[label.end() :].strip(SPACE_CHARS + "_＿")
        # The next cell of a PDF table's row run on (日期2026/01/09所在班组包装一班).
        next_cell = re.search(rf"(?<=[0-9日号])[\s|]*{_NEXT_CELL}", text)
        if next_cell:
            text = text[: next_cell.start()]
        if is_blank_date(text) or not text:
            return False
    day = parse_date(text)
    if day is None:
        return None
    match = re.fullmatch(
        rf"{YEAR_DIGIT}{{4}}\s*年\s*\S{{1,3}}\s*月\s*\S{{1,4}}\s*[日号]?"
        r"|\d{4}[.\-/]\d{1,2}[.\-/]\d{1,2}",
        text,
    )
    return day.isoformat() if match else None


# Labels of the next cell of a header or signature row (岗位、所在班组…): a PDF table's text
# runs a row's cells together (``承诺人（签名）周晓兰岗位包装工``), a line may hold two labels
# apart by spaces (``班组长：赵永和        安全员：钱春梅``).
_NEXT_CELL = (
    r"(?:所在)?(?:岗位|班组|车间|部门|工种|职务|职位|工号|姓名|身份证号?|联系电话|电话|签名|签字)"
    r"(?:名称|号码)?"
)
# Other people's labels, when a colon or a signature mark follows (``…安全员：``, ``…乙方（签字）``).
_NEXT_ROLE = (
    r"(?:安全员|监护人|管理员|技术员|见证人|监督人|组长|班长|甲方|乙方|丙方|代表)"
    r"\s*(?:[(（][^()（）]{1,6}[)）])?\s*[:：|]"
)
_NEXT_LABEL = re.compile(
    rf"(?:[ \t\xa0]{{2,}}|\u3000)[^\s:：|]{{1,14}}?[:：]"
    rf"|(?<=[\u3400-\u9fff])(?:{_NEXT_CELL}|{_NEXT_ROLE})"
)


def _own_cell(raw: str) -> str:
    """The value right after a signature label, up to its cell's end or the next label.

    >>> _own_cell("赵永和        安全员：钱春梅"), _own_cell("周晓兰岗位包装工 | x")
    ('赵永和', '周晓兰')
    >>> _own_cell("赵永和安全员:钱春梅"), _own_cell("廖永兴乙方(签字):王大山")
    ('赵永和', '廖永兴')
    >>> _own_cell("王  芳"), _own_cell("____")
    ('王  芳', '____')
    """
    cell = raw.strip(SPACE_CHARS + "|").split("|")[0]
    found = _NEXT_LABEL.search(cell)
    return cell[: found.start()] if found and found.start() > 0 else cell


def _seal_only(text: str) -> bool:
    """A line that is only seal labels with nothing written (``单位（盖章）``).

    >>> _seal_only("单位(盖章)"), _seal_only("单位(盖章):某某有限公司"), _seal_only("承诺人:")
    (True, False, False)
    """
    found = list(_LABEL_RE.finditer(text))
    if not found or any("章" not in match.group("label") for match in found):
        return False
    return is_blank(_LABEL_RE.sub("", text).strip(SPACE_CHARS + "|"))


def _seals_only(text: str) -> bool:
    """A line of seal labels only, blank or with the enterprise's name written
    (``单位（盖章）：某某有限公司``): part of the signature above it, which shares its date.

    >>> _seals_only("单位(盖章):某某有限公司"), _seals_only("承诺人:张三")
    (True, False)
    """
    found = list(_LABEL_RE.finditer(text))
    return bool(found) and all("章" in match.group("label") for match in found)


def _column_date(text: str, column: int) -> str | bool | None:
    """The date in column ``column`` of a line of dates side by side, as a PDF table's row
    reads (``日期 2026年1月6日日期 2026年1月6日``); None unless every cell is a date.

    >>> _column_date("日期 2026年1月6日日期 2026年1月7日", 1), _column_date("日期:2026年1月6日", 0)
    ('2026-01-07', None)
    """
    starts = [match.start() for match in _DATE_LABEL.finditer(text)]
    if len(starts) >= 2 and starts[0] == 0:
        cells = [
            text[start:end] for start, end in zip(starts, [*starts[1:], len(text)], strict=True)
        ]
    else:
        cells = [cell for cell in re.split(r"\s*\|\s*|[ \t\u3000]{2,}|\u3000", text) if cell]
        if len(cells) < 2:  # dates apart by one space (2026年1月5日 2026年1月5日)
            cells = re.split(
                rf"(?<=[日号0-9])\s+(?={YEAR_DIGIT}{{4}}\s*年|[0-9]{{4}}[.\-/])", text.strip()
            )
    cells = [cell.strip(SPACE_CHARS + "|") for cell in cells]
    if len(cells) < 2:
        return None
    values = [_line_date(cell) for cell in cells]
    if any(value is None for value in values):
        return None
    return values[min(column, len(values) - 1)]


def _own_marks(lines: Sequence[str]) -> list[_Mark]:
    """Every signature, seal and person label with its value, and the date written nearest
    after it (on its line, or on a date-only line within the next four lines)."""
    marks: list[_Mark] = []
    for index, full in enumerate(lines):
        line = probe(full)
        found = list(_LABEL_RE.finditer(line))
        for number, match in enumerate(found):
            end = found[number + 1].start() if number + 1 < len(found) else len(line)
            raw = line[match.end() : end]
            date = None
            split = _DATE_LABEL.search(raw) or re.search(
                rf"{YEAR_DIGIT}{{4}}\s*年|(?<![^\s_＿])年[\s_＿]*月"
                r"|(?<![0-9])[0-9]{4}[.\-/][0-9]{1,2}[.\-/][0-9]{1,2}(?![0-9])",
                raw,
            )
            if split:
                raw, date_text = raw[: split.start()], raw[split.start() :]
                value = _line_date(date_text)
                if value is not None:
                    date = (value, index + 1, line.strip()) if value else ("", index + 1, line)
            # Its own cell, without the (签字) written after the name (陈国栋（签字）).
            cell = _own_cell(raw)
            # The next cell of a row of labels (主要负责人（签字） | 安全管理人员（签字）): a label.
            next_label = (
                match.group(0).rstrip().endswith("|") or match.group("bare") is not None
            ) and re.search(rf"{_PAREN_MARK}\s*$", cell.strip(SPACE_CHARS))
            cell = "" if next_label else cell
            cell = re.sub(rf"^\s*{_PAREN_MARK}|{_PAREN_MARK}\s*$", "", cell.strip(SPACE_CHARS))
            value = clean_value(cell)
            if value is not None:
                value = compact(value)
            seal = "章" in match.group("label")
            next_is_date = (
                index + 1 < len(lines) and _line_date(probe(lines[index + 1])) is not None
            )
            if value is None and not seal and index + 1 < len(lines) and not next_is_date:
                value = name_on_next_line(lines, index)  # not 年  月  日 on the next line
                column_mark = r"[(（]\s*签\s*[字名]\s*[)）](?!\s*[:：])"
                marks_before = re.findall(column_mark, line[: match.end()])
                columns = len(re.findall(column_mark, line))
                if value is not None and columns >= 2:
                    # Signers side by side: their names on the next line, one per cell; names
                    # a PDF runs together (何振华邓勇) cannot be told apart.
                    cells = re.split(r"\s*\|\s*|\s+", probe(lines[index + 1]).strip())
                    position = max(len(marks_before) - 1, 0)
                    value = cells[position] if len(cells) == columns else None
            if value is not None and not seal and not PERSON_NAME.match(value):
                value = None  # not a name: a note or a stray word
            if value is not None and _DATE_LABEL.fullmatch(value + "："):
                value = None  # the next cell's label (法定代表人（签字）日期)
            # A role in brackets after the label (承诺人（车间主任）): the role is the label.
            role = match.group("role")
            label = role if role in _PERSON_LABELS else bare_label(match.group("label"))
            marks.append(
                _Mark(
                    label=label,
                    seal=seal,
                    marked=match.group("mark") is not None
                    or match.group("bare") is not None
                    or match.group("glued") is not None
                    or seal
                    or label in ("签名", "签字"),
                    value=value,
                    line=index + 1,
                    source=line.strip(),
                    date=date,
                )
            )
    for mark in marks:
        if mark.date is not None:
            continue
        same_line = [other for other in marks if other.line == mark.line]
        column = next(number for number, other in enumerate(same_line) if other is mark)
        for index in range(mark.line, min(mark.line + 4, len(lines))):
            text = probe(lines[index])
            if _LABEL_RE.search(text) and index + 1 != mark.line and not _seals_only(text):
                break  # another signature; a 单位（盖章） line shares the date below it
            value = _line_date(text)
            if value is None:
                value = _column_date(text, column)
            if value is not None:
                mark.date = (
                    (value, index + 1, lines[index].strip()) if value else ("", index + 1, "")
                )
                break
    return marks


# Labels of the enterprise's name on an enterprise's own letter, surest first; a seal mark may
# stand between the label and its colon (单位名称（盖章）：), and a table's cell border instead
# of the colon (企业名称 | 某某有限公司).  The bare 单位/店名 labels come after the seal line.
_OWN_NAME_LABELS = ("承诺单位", "单位名称", "企业名称", "公司名称", "企业全称", "单位全称")
_OWN_NAME_LABELS_LOOSE = ("所在单位", "经营单位", "店名", "店铺名称", "商户名称", "单位", "企业")
_NAME_SEAL = r"[(（]\s*(?:盖\s*章|公\s*章|印\s*章|签\s*章|签\s*字|签\s*名)\s*[)）]"
_NAME_STOP = re.compile(
    r"统一社会信用代码|社会信用代码|信用代码|法定代表人|主要负责人|地\s*址|联系"
    r"|(?:所在)?(?:岗位|班组|车间|部门|工种|职务)(?:名称)?\s*[:：]"
)


def _own_enterprise_name(lines: Sequence[str], labels: Sequence[str]) -> tuple[str, int] | None:
    """``(name, 1-based line)`` after the first of ``labels`` that has one written, without a
    trailing (盖章): ``承诺单位：某某有限公司（盖章）`` → ``某某有限公司``.

    >>> _own_enterprise_name(["单位名称（盖章）：甲有限公司（盖章）"], ["单位名称"])
    ('甲有限公司', 1)
    >>> _own_enterprise_name(["企业名称 | 乙加油站 | 统一社会信用代码 | X"], ["企业名称"])
    ('乙加油站', 1)
    """
    alternation = "|".join(label_regex(label) for label in sorted(labels, key=len, reverse=True))
    pattern = re.compile(
        rf"^[ \t]*(?:{alternation})[ \t]*(?:{_NAME_SEAL})?[ \t]*(?:[:：]|\|)[ \t]*(?P<value>.*)$"
    )
    for index, full in enumerate(lines):
        match = pattern.match(probe(full))
        if not match:
            continue
        value = match["value"].split("|")[0]
        # A long name wrapped by the PDF: its rest on the lines before the code's line.
        extras: list[str] = []
        for extra in lines[index + 1 : index + 4]:
            if re.match(r"^\s*(?:统一社会信用代码|社会信用代码|信用代码)", extra):
                value = join_wrapped([value, *extras])
                break
            if not extra.strip() or is_page_number(extra) or re.search(r"[:：|]", extra):
                break
            extras.append(extra.strip())
        stop = _NAME_STOP.search(value)
        if stop:  # and the bracket the code's label opened: 某某有限公司（统一社会信用代码：…
            value = value[: stop.start()].rstrip(SPACE_CHARS + "(（")
        value = re.split(r"[ \t\u3000]{2,}|\u3000", value.strip(SPACE_CHARS))[0]
        while True:  # 某某有限公司（盖章） and 某某有限公司（盖章）（签字）
            stripped = re.sub(rf"{_NAME_SEAL}\s*$", "", value).strip(SPACE_CHARS + "_＿")
            if stripped == value:
                break
            value = stripped
        value = clean_value(value)
        if value is not None:
            return compact(value), index + 1
    return None


def _own_signer(
    marks: Sequence[_Mark], level: str, *, first_resolved: bool = False
) -> _Mark | None:
    """The committing party's mark: a committer's (法定代表人…) signature, else the first
    signature, else the seal; with ``first_resolved``, the first of those with a name and a
    date (a roster's first filled row)."""
    people = [mark for mark in marks if not mark.seal]
    marked = [mark for mark in people if mark.marked] or people
    committers = [mark for mark in marked if mark.label in _OWN_COMMITTERS[level]]
    # The surest label first: 法定代表人 before the other party's bare 负责人 (乙方负责人).
    committers.sort(key=lambda mark: mark.label == "负责人")
    seals = [mark for mark in marks if mark.seal]
    if first_resolved:  # the seal only when the block names no person
        group = committers or marked or seals
        return next((mark for mark in group if _resolved(mark)), group[0] if group else None)
    if committers:
        return committers[0]
    if marked:
        return marked[0]
    return seals[0] if seals else None


def _resolved(mark: _Mark | None) -> bool:
    """A mark with a name (or the seal's enterprise) and a date written."""
    return mark is not None and mark.value is not None and bool(mark.date and mark.date[0])


def _table_readings(tables: Sequence[Sequence[Sequence[str]]]) -> list[list[str]]:
    """Each table read as signature lines: by header (each row's cells after the labels of the
    row above: ``法定代表人（签字）：陈光辉``, ``日期：2026年3月8日``; a label cell beside its
    value reads the same way), and by column (a signer's label, name and date one under the
    other)."""
    readings: list[list[str]] = []
    for table in tables:
        rows = [[canonical(cell or "").replace("\n", "").strip() for cell in row] for row in table]
        rows = [row for row in rows if any(row)]
        if not rows:
            continue
        by_header: list[str] = []
        header = rows[0]
        if all(_label_cell(cell) for cell in header if cell):
            for row in rows[1:]:
                for label, value in zip(header, row, strict=False):
                    if _line_date(value):
                        by_header.append(f"日期：{value}")
                    elif label and not _label_cell(value):
                        by_header.append(f"{label}：{value}")
        readings.append(by_header)
        readings.append([f"{row[0]}：{' '.join(row[1:])}" for row in rows if len(row) >= 2])
        width = max(len(row) for row in rows)
        for column in range(width):
            readings.append([row[column] for row in rows if column < len(row) and row[column]])
    return [reading for reading in readings if reading]


_ENTERPRISE_HEAD = re.compile(
    r"^.{2,40}?(?:有限责任公司|有限公司|公司|厂|加油站|站|店|合作社|矿|中心)(?=[\u3400-\u9fff]{2,4}$)"
)


def _label_row_readings(lines: Sequence[str]) -> list[list[str]]:
    """A line of labels only (``承诺单位（盖章）法定代表人（签字）日期``) over a line of values
    run together (``某某有限公司陈光辉 2026年3月8日``): the person's label with the name left
    after the enterprise's name, and the date.

    >>> _label_row_readings(["单位(盖章)法定代表人(签字)日期", "甲有限公司陈光辉 2026年3月8日"])
    [['法定代表人(签字)：陈光辉', '日期：2026年3月8日']]
    """
    readings: list[list[str]] = []
    for index, full in enumerate(lines[:-1]):
        line = probe(full).strip()
        found = list(_LABEL_RE.finditer(line))
        people = [match for match in found if "章" not in match.group("label")]
        if not people or not line.endswith(("日期", "时间")):
            continue
        rest = _LABEL_RE.sub("", line)
        if re.sub(r"(?:签\s*[订署字]\s*)?(?:日\s*期|时\s*间)$", "", rest).strip(SPACE_CHARS):
            continue  # not labels only
        values = probe(lines[index + 1]).strip()
        split = re.search(rf"\s*({YEAR_DIGIT}{{4}}\s*年.*|[0-9]{{4}}[.\-/].*)$", values)
        if split is None or not _line_date(split[1]):
            continue
        name = values[: split.start()].strip(SPACE_CHARS)
        if len(found) > len(people):  # the seal's cell first: the enterprise's name
            head = _ENTERPRISE_HEAD.match(name)
            name = name[head.end() :] if head else ""
        if len(people) == 1 and PERSON_NAME.match(name):
            label = people[0].group(0).rstrip(SPACE_CHARS + ":：|")
            readings.append([f"{label}：{name}", f"日期：{split[1]}"])
    return readings


def _label_cell(cell: str) -> bool:
    """A table cell that is a label (法定代表人（签字）, 日期, 序号, 姓名…), not a value."""
    text = probe(cell).strip()
    return bool(
        text
        and (
            _LABEL_RE.search(text + "：")
            or _DATE_LABEL.fullmatch(text + "：")
            or text in ("序号", "姓名", "签名", "签字", "职务", "岗位", "工种", "备注")
        )
    )


def _table_rows(doc: Document) -> list[str]:
    """The rows of the document's tables (a PDF's ruled cells), as ``cell | cell`` lines."""
    return [
        " | ".join(canonical(cell or "").replace("\n", "") for cell in row)
        for table in doc.tables
        for row in table
    ]


def parse_own_template(doc: Document) -> ParsedDocument:
    """A 安全生产承诺书 an enterprise wrote itself: year, level, enterprise, signer, date.

    ``signed`` is True when a name and a date are written next to 法定代表人（签字）/主要负责人/
    承诺人 (or, when the letter has no person's line, next to 单位（盖章）), False while those
    are blank lines, underscores or ``年  月  日``.
    """
    lines = canonical_lines(doc.text)
    parsed = ParsedDocument(kind=KIND, parser=NAME, reason=accepts(doc) or "")
    title = _title(lines)
    title_text = title[1] if title is not None else ""
    title_line = title[0] + 1 if title is not None else None
    year = _year(title_text)
    if year is None:
        match = _OWN_YEAR.search(title_text)
        if match:
            year = cnnum.digits_value(match[1])
    if cnnum.year_in_range(year):
        parsed.put("year", year, title_line, title_text)
    else:
        for index, line in enumerate(lines[:20]):
            match = _BODY_YEAR.search(line) or re.search(r"有效期为\s*(\d{4})\s*年", line)
            if match and cnnum.year_in_range(int(match[1])):
                parsed.put("year", int(match[1]), index + 1, line.strip())
                break

    marks = _own_marks(lines)
    level, line, source = _own_level(title_text, lines, marks)
    parsed.put("level", level, line or title_line, source or title_text)

    signer_mark = _own_signer(marks, level)
    if not _resolved(signer_mark):
        # A signature table (labels over their values, signers side by side with their dates
        # below, a roster of workers): its cells read by header and by column; a PDF's
        # unruled table reads as a line of labels over a line of values.
        for table_lines in [*_table_readings(doc.tables), *_label_row_readings(lines)]:
            candidate = _own_signer(_own_marks(table_lines), level, first_resolved=True)
            if _resolved(candidate):
                assert candidate is not None
                signer_mark = replace(candidate, line=None, source=" | ".join(table_lines))
                break
    signer = date_found = None
    if signer_mark is not None:
        if (signer_mark.value is not None and not signer_mark.seal) or (
            signer_mark.seal and signer_mark.value is not None
        ):
            signer = signer_mark.value
            parsed.put("signer", signer, signer_mark.line, signer_mark.source)
        if signer_mark.date is not None and signer_mark.date[0]:
            date_found = signer_mark.date
            parsed.put("sign_date", date_found[0], date_found[1], date_found[2])
    parsed.put(
        "signed",
        signer is not None and date_found is not None,
        signer_mark.line if signer_mark is not None else None,
        signer_mark.source if signer_mark is not None else None,
    )

    seal_name = next(
        (
            (mark.value, mark.line)
            for mark in marks
            if mark.seal and mark.value is not None and mark.label.startswith(("承诺单位", "单位"))
        ),
        None,
    )
    name = _own_enterprise_name(lines, _OWN_NAME_LABELS)
    if name is None and seal_name is not None:
        name = seal_name
    if name is None:
        name = _own_enterprise_name(lines, _OWN_NAME_LABELS_LOOSE)
    if name is None:
        name = _own_enterprise_name(_table_rows(doc), (*_OWN_NAME_LABELS, *_OWN_NAME_LABELS_LOOSE))
        name = (name[0], None) if name is not None else None  # a cell has no line number
    if name is None and title is not None:
        prefix = re.match(
            r"^(?P<name>.{4,40}?(?:有限责任公司|有限公司|公司|厂|矿|合作社))", title_text
        )
        if prefix:
            name = (prefix["name"], title_line or 1)
    code = label_line_value(lines, ("统一社会信用代码", "社会信用代码", "信用代码"))
    if code is None:
        from parsers.fields import find_credit_codes

        codes = find_credit_codes(canonical(doc.text))
        if codes:
            code = (codes[0].code, codes[0].line)
    put_enterprise(parsed, doc, name, code)
    return parsed
