"""What :func:`~archive.letters.render.check_template` reports, and where a problem is."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from archive.i18n import N_, _

_PART_LABELS = {
    "document": N_("正文"),
    "header": N_("页眉"),
    "footer": N_("页脚"),
    "footnotes": N_("脚注"),
    "core": N_("文档属性"),
}


@dataclass(frozen=True)
class TemplateProblem:
    """One thing wrong in a template: where it is (part, line, the text there) and what."""

    message: str
    part: str | None = None  # zip member, e.g. "word/document.xml"
    line: int | None = None  # line of the part's template source (≈ paragraph)
    text: str | None = None  # the paragraph's text around the offending tag

    def describe(self) -> str:
        """One line for people: where, what and the text there."""
        where = _where(self.part, self.line)
        text = f"：“{self.text}”" if self.text else ""
        return f"{where}：{self.message}{text}" if where else f"{self.message}{text}"


@dataclass
class TemplateReport:
    """What :func:`check_template` found."""

    path: Path
    name: str
    sha256: str | None = None
    variables: frozenset[str] = frozenset()
    provided: frozenset[str] | None = None
    missing: frozenset[str] = frozenset()
    unused: frozenset[str] = frozenset()
    errors: list[TemplateProblem] = field(default_factory=list)
    has_qr: bool = False
    parts: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """No syntax errors and nothing missing."""
        return not self.errors and not self.missing


def _part_label(part: str | None) -> str:
    if part is None:
        return ""
    kind = _part_kind(part)
    return _(_PART_LABELS[kind]) if kind in _PART_LABELS else part


def _part_kind(part: str) -> str:
    base = posixpath.basename(part)
    if part == "docProps/core.xml" or base == "core.xml":
        return "core"
    for kind in ("header", "footer", "footnotes"):
        if base.startswith(kind):
            return kind
    return "document"


def _where(part: str | None, line: int | None) -> str:
    if part is None:
        return ""
    if line is None:
        return _("{label}（{part}）", label=_part_label(part), part=part)
    return _("{label}（{part}）第 {line} 行", label=_part_label(part), part=part, line=line)
