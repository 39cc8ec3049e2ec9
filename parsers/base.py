"""The contract every parser keeps, and what it returns.

A parser is a module with:

``NAME``
    its name (``penalty_decision``), shown by ``credit explain``;
``KIND``
    the document kind it produces (see ``KINDS``);
``accepts(doc: Document) -> str | None``
    a cheap check that never raises: ``None``, or the reason it takes the file (Chinese,
    through ``_()``), e.g. "标题为“行政处罚决定书”";
``parse(doc: Document) -> ParsedDocument``
    the fields it finds; a field the text does not state is absent, never guessed.

Parsers never write, never print and know nothing of the archive's index.  Third-party
exceptions become :class:`ParseError` at the boundary (:mod:`parsers.text`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.errors import CreditError

KINDS = (
    "inspection_record",  # 现场检查记录
    "rectification_order",  # 责令限期整改指令书
    "reinspection_opinion",  # 整改复查意见书
    "penalty_notice",  # 行政处罚告知书
    "penalty_decision",  # 行政处罚决定书
    "no_penalty_decision",  # 不予行政处罚决定书
    "penalty_publicity",  # 行政处罚信息公示: a publicity summary or list (信用中国 style)
    "accident_report",  # 事故调查报告
    "commitment_letter",  # 安全生产承诺书: ours returned, or an enterprise's own
    "monthly_report",  # 诚信履行情况报告表
    "section_submission",  # 资料报送单
    "unknown",
)

CODE_VALID = "valid"
CODE_MASKED = "masked"
CODE_INVALID = "invalid"
CODE_ABSENT = "absent"


class ParseError(CreditError):
    """A file that cannot be read as what it claims to be (damaged, encrypted, too big …).

    ``reason`` is a stable English code for scripts: ``damaged``, ``encrypted``, ``too_large``,
    ``too_many_pages``, ``bomb``, ``no_text``, ``unsupported``.
    """

    def __init__(self, message: str, reason: str, hint: str | None = None):
        super().__init__(message, hint)
        self.reason = reason


@dataclass
class Document:
    """What the text layer gives parsers: the normalised text of one file, and its tables."""

    path: Path
    media: str  # pdf, docx
    text: str  # normalised (parsers.normalise.normalise_text), lines separated by "\n"
    raw_text: str = ""  # as extracted, for `credit explain`
    tables: list[list[list[str]]] = field(default_factory=list)  # normalised cell texts
    pages: int = 1
    properties: dict[str, str] = field(default_factory=dict)  # docx core properties, PDF info
    extractor: str = ""  # pypdfium2, pdfplumber, python-docx

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


@dataclass
class Found:
    """One field's value, and where in the normalised text it was found (for explain)."""

    value: Any
    line: int | None = None  # 1-based line of Document.text
    source: str | None = None  # the text it was read from


@dataclass
class NamedEnterprise:
    name: str | None
    credit_code: str | None
    credit_code_status: str  # valid, masked, invalid, absent


@dataclass
class ParsedDocument:
    """What a parser found in one document."""

    kind: str
    parser: str
    reason: str  # why this parser took the file
    fields: dict[str, Found] = field(default_factory=dict)
    enterprises: list[NamedEnterprise] = field(default_factory=list)  # the first is the main one
    warnings: list[str] = field(default_factory=list)
    # For `credit explain`: per field (doc_number, fine_yuan), each value a finder saw and
    # why it was taken or left ({"value", "line", "source", "reason", "chosen"}).
    candidates: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # For `credit explain` of a scan read by OCR: the text the parsers were given (not stored).
    lines: list[str] = field(default_factory=list)
    # For a scan read by OCR: key lines (文号, addressee: 1-based numbers of ``lines``) as
    # their crops read again gave them, where that differs (same length; not stored).  Used
    # only where it names something known: our place, a registered enterprise.
    reread: dict[int, str] = field(default_factory=dict)
    # For a scan read by OCR: the least sure character of the main enterprise's name (0–100;
    # None when not known): a name read surely is not taken for another one character off.
    name_conf_min: float | None = None
    # For a scan read by OCR: a code that passes its check but was read too unsurely to be
    # the document's code (not stored); ingest files by it only when it is registered.
    unsure_code: str | None = None
    # For a scan read by OCR twice (tesseract, then PP-OCR): the other reading's text, for
    # `credit explain` (not stored).
    second_lines: list[str] = field(default_factory=list)
    # ... and what that other reading gave where the one taken differs: its 文号 and the names
    # it read (witnesses for ingest, used only where they name something known; not stored).
    second_reading: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        found = self.fields.get(name)
        return found.value if found is not None else default

    def put(
        self, name: str, value: Any, line: int | None = None, source: str | None = None
    ) -> None:
        """Record a field; ``None`` values are not recorded (absent means not stated)."""
        if value is not None:
            self.fields[name] = Found(value, line, source)

    @property
    def credit_code(self) -> str | None:
        return self.enterprises[0].credit_code if self.enterprises else None

    @property
    def credit_code_status(self) -> str:
        return self.enterprises[0].credit_code_status if self.enterprises else CODE_ABSENT

    @property
    def enterprise_name(self) -> str | None:
        return self.enterprises[0].name if self.enterprises else None

    def values(self) -> dict[str, Any]:
        """The fields as plain values (JSON-ready)."""
        return {name: found.value for name, found in self.fields.items()}
