"""The enterprises a document names: the addressee, names with their credit codes."""

from __future__ import annotations

import re
from collections.abc import Iterable

from archive.i18n import _
from parsers.base import CODE_ABSENT, CODE_INVALID, Document, Found, NamedEnterprise
from parsers.fields.codes import CodeCandidate, find_credit_codes
from parsers.fields.labels import (
    UNIT_LABELS,
    _clean_value,
    _find_in_tables,
    _looks_like_name,
    _top_lines,
    find_label_values,
    looks_like_organisation,
)

# --------------------------------------------------------------------------------------------
# Enterprises

_ADDRESSEE = re.compile(r"^(?P<name>[^:]{2,60}):$")


def find_addressee(doc: Document | str, *, top: int = 10) -> Found | None:
    """The organisation a letter is addressed to: a line ``某某有限公司:`` near the top."""
    for number, line in _top_lines(doc, top):
        match = _ADDRESSEE.match(line)
        if match and looks_like_organisation(_clean_value(match.group("name"))):
            return Found(_clean_value(match.group("name")), number, line)
    return None


def find_enterprises(
    doc: Document,
    unit_labels: Iterable[str] = UNIT_LABELS,
    *,
    addressee: bool = True,
) -> tuple[list[NamedEnterprise], list[str]]:
    """The enterprises a document names, each with its code, and warnings about the codes.

    Names come from ``unit_labels`` (every occurrence: a document may name several), else
    from the addressee line.  Each code goes to the nearest name above it (within the lines
    before the next name); a code without a name is listed with ``name=None``.
    """
    names = find_label_values(
        doc, unit_labels, accept=_looks_like_name, bare_accept=looks_like_organisation
    )
    if not names:
        table_name = _find_in_tables(doc, tuple(unit_labels), _looks_like_name)
        if table_name is not None:
            names = [table_name]
    if not names and addressee:
        found = find_addressee(doc)
        if found is not None:
            names = [found]
    unique: dict[str, Found] = {}
    for name in names:
        unique.setdefault(name.value, name)
    names = list(unique.values())
    codes = find_credit_codes(doc.text)
    warnings = [_code_warning(code) for code in codes if code.status == CODE_INVALID]
    # A code in brackets after another organisation's name in running text is that
    # organisation's (a contractor's): not a party of the document, never filed under.
    mentioned = [code for code in codes if code.mentioned]
    codes = [code for code in codes if not code.mentioned]
    warnings += [
        _(
            "第{line}行的代码 {code} 是文中提到的另一单位的，不是当事人的代码，不按其归档",
            line=code.line,
            code=code.code,
        )
        for code in mentioned
    ]

    enterprises: list[NamedEnterprise] = []
    used: set[str] = set()
    if len(names) == 1 and len(codes) == 1:
        pairs = [(names[0], codes[0])]
    else:
        pairs = []
        for position, name in enumerate(names):
            limit = names[position + 1].line if position + 1 < len(names) else None
            match = next(
                (
                    code
                    for code in codes
                    if code.code not in used
                    and (name.line or 0) <= code.line
                    and (limit is None or code.line < (limit or 0))
                ),
                None,
            )
            if match is not None:
                used.add(match.code)
            pairs.append((name, match))
    for name, code in pairs:
        if code is not None:
            used.add(code.code)
        enterprises.append(
            NamedEnterprise(
                name=name.value,
                credit_code=code.code if code is not None else None,
                credit_code_status=code.status if code is not None else CODE_ABSENT,
            )
        )
    for code in codes:
        if code.code not in used:
            enterprises.append(NamedEnterprise(None, code.code, code.status))
    return enterprises, warnings


def _code_warning(code: CodeCandidate) -> str:
    return _(
        "第{line}行的统一社会信用代码 {code} 无效：{problem}",
        line=code.line,
        code=code.code,
        problem=code.problem,
    )
