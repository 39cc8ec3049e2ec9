"""Administrative penalty documents: 行政处罚告知书, 行政处罚决定书, 不予行政处罚决定书.

The three share their layout, so one :class:`PenaltyParser` reads them; the modules
:mod:`parsers.penalty_notice`, :mod:`parsers.penalty_decision` and
:mod:`parsers.no_penalty_decision` each expose one instance's contract (NAME, KIND,
accepts, parse) for the registry.

Fields: ``doc_number`` (with ``doc_number_raw`` and ``references``, see
:func:`parsers.fields.put_doc_numbers`), ``legal_representative``, ``facts`` (违法事实,
without the evidence sentence 以上事实有…), ``provisions_violated`` (违反的规定:
``《中华人民共和国安全生产法》第二十八条第一款``), ``legal_basis`` (处罚依据), ``fine_yuan``
(the decided — for a notice, the intended — fine in integer yuan; never a statutory range;
absent for 不予行政处罚, and when its digits and capitals disagree: then a warning),
``document_date`` (the 落款 date, ISO), ``authority`` (the issuing bureau, any bureau:
:mod:`parsers.authority`).  A decision whose 违法事实 states an accident also has
``accident_date``, ``deaths``, ``serious_injuries``, ``direct_loss_yuan``,
``accident_description`` and ``concealed`` (:mod:`parsers.fields.accidents`).  Each is read from its labelled section
(``违法事实:``) when there is one, else from the usual prose (经查…; 违反了《…》…的规定;
依据《…》…的规定，决定…).  The parties are ``enterprises`` (当事人/被处罚单位, else the
addressee line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.authority import find_authority
from parsers.base import Document, Found, ParsedDocument
from parsers.fields import (
    LEGAL_REPRESENTATIVE_LABELS,
    Flat,
    add_enterprises,
    find_label_value,
    find_section,
    find_signature_date,
    looks_like_person,
    put_doc_numbers,
    put_fine,
    put_found,
    title_reason,
)
from parsers.fields.accidents import put_accident

FIELDS = (
    "doc_number",
    "doc_number_raw",
    "references",
    "legal_representative",
    "facts",
    "provisions_violated",
    "legal_basis",
    "fine_yuan",
    "document_date",
    "authority",
    # decisions about an accident (parsers.fields.accidents)
    "accident_date",
    "deaths",
    "serious_injuries",
    "direct_loss_yuan",
    "accident_description",
    "concealed",
)
UNIT_LABELS = (
    "被处罚单位",
    "被处罚人",
    "当事人名称",
    "当事人",
    "单位名称",
    "企业名称",
    "被检查单位",
)
FACTS_LABELS = ("违法事实及证据", "违法事实和证据", "主要违法事实", "违法事实", "案件事实")
VIOLATED_LABELS = ("违反的规定", "违反规定", "违反的法律规定", "违反的法律、法规、规章")
BASIS_LABELS = ("行政处罚依据", "处罚依据", "处罚的依据", "不予行政处罚依据", "不予处罚依据")
# Where the facts end: the evidence sentence, or the legal qualification.
FACTS_END = (
    "以上事实",
    "上述事实",
    "以上违法事实",
    "上述违法事实",
    "你单位的上述行为",
    "你单位上述行为",
    "你公司的上述行为",
    "你公司上述行为",
    "该单位的上述行为",
    "该单位上述行为",
    "上述行为",
    "以上行为",
    "的行为违反",
    "违反了",
)
_FACTS_PROSE = re.compile(r"经(?:查|调查|查明|核查)[,:]?")
# 违反了《…》第…条(关于“…”)的规定; the quotation of the law is not part of the value.
_LAW_REFERENCE = (
    r"(?P<value>《[^》]{2,60}》[^。;“”]*?)(?:(?:中?关于|中)?“[^”]*”)?(?:的规定|之规定|规定)"
)
_VIOLATED_PROSE = re.compile(rf"违反了?{_LAW_REFERENCE}")
_BASIS_PROSE = re.compile(rf"(?:依据|根据|依照|按照){_LAW_REFERENCE}")
_DECISION_WORDS = re.compile(r"决定|处罚|拟|给予|作出|处以|不予")


@dataclass(frozen=True)
class PenaltyParser:
    name: str
    kind: str
    titles: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    with_fine: bool = True
    # A decision about an accident states it in its 违法事实 (parsers.fields.accidents).
    with_accident: bool = False

    def accepts(self, doc: Document) -> str | None:
        return title_reason(doc, self.titles, exclude=self.exclude)

    def parse(self, doc: Document) -> ParsedDocument:
        parsed = ParsedDocument(kind=self.kind, parser=self.name, reason=self.accepts(doc) or "")
        put_doc_numbers(parsed, doc)
        add_enterprises(parsed, doc, UNIT_LABELS)
        put_found(
            parsed,
            "legal_representative",
            find_label_value(doc, LEGAL_REPRESENTATIVE_LABELS, accept=looks_like_person),
        )
        flat = Flat(doc.text)
        facts = _facts(doc, flat)
        put_found(parsed, "facts", facts)
        if self.with_accident:
            put_accident(
                parsed,
                doc,
                facts.value if facts is not None else None,
                line=facts.line if facts is not None else None,
            )
        violated = _violated(doc, flat)
        put_found(parsed, "provisions_violated", violated)
        put_found(parsed, "legal_basis", _basis(doc, flat))
        if self.with_fine:
            put_fine(parsed, doc)
        put_found(
            parsed, "document_date", find_signature_date(doc), lambda value: value.isoformat()
        )
        put_found(parsed, "authority", find_authority(doc))
        return parsed


def _strip_facts(value: str) -> str:
    value = _FACTS_PROSE.sub("", value, count=1) if _FACTS_PROSE.match(value) else value
    return value.strip(" ,:;。")


def _facts(doc: Document, flat: Flat) -> Found | None:
    section = find_section(doc, FACTS_LABELS, ends=FACTS_END)
    if section is not None:
        value = _strip_facts(section.value)
        return Found(value, section.line, section.source) if value else None
    match = _FACTS_PROSE.search(flat.text)
    if match is None:
        return None
    rest = flat.text[match.end() : match.end() + 2000]
    ends = [rest.find(marker) for marker in FACTS_END]
    ends = [position for position in ends if position > 0]
    if not ends:
        return None
    end = min(ends)
    value = rest[:end].strip(" ,:;。")
    if not value:
        return None
    return Found(value, flat.line_at(match.start()), flat.source(match.start(), match.end() + end))


def _violated(doc: Document, flat: Flat) -> Found | None:
    section = find_section(doc, VIOLATED_LABELS, ends=("。",))
    if section is not None:
        return section
    match = _VIOLATED_PROSE.search(flat.text)
    if match is None:
        return None
    return Found(
        match.group("value").strip(),
        flat.line_at(match.start()),
        flat.source(match.start(), match.end()),
    )


def _basis(doc: Document, flat: Flat) -> Found | None:
    section = find_section(doc, BASIS_LABELS, ends=("。",))
    if section is not None:
        return section
    violated = _VIOLATED_PROSE.search(flat.text)
    chosen = None
    for match in _BASIS_PROSE.finditer(flat.text):
        follows = flat.text[match.end() : match.end() + 40]
        if violated is not None and match.start() >= violated.end():
            chosen = match
            break
        if chosen is None and _DECISION_WORDS.search(follows):
            chosen = match
    if chosen is None:
        return None
    return Found(
        chosen.group("value").strip(),
        flat.line_at(chosen.start()),
        flat.source(chosen.start(), chosen.end()),
    )


NOTICE = PenaltyParser(
    name="penalty_notice",
    kind="penalty_notice",
    titles=(
        "行政处罚告知书",
        "行政处罚事先告知书",
        "行政处罚听证告知书",
        "听证告知书",
        "陈述申辩告知书",
    ),
    exclude=("不予行政处罚",),
)
DECISION = PenaltyParser(
    name="penalty_decision",
    kind="penalty_decision",
    titles=("行政处罚决定书", "当场处罚决定书"),  # 当场(行政)处罚决定书: the simple procedure
    exclude=("不予行政处罚决定书", "不予处罚决定书"),
    with_accident=True,
)
NO_PENALTY = PenaltyParser(
    name="no_penalty_decision",
    kind="no_penalty_decision",
    titles=("不予行政处罚决定书", "不予处罚决定书"),
    with_fine=False,
)
