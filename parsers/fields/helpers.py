"""Helpers for parser modules: putting what was found, persons, lists, label values."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from archive.i18n import _
from parsers.base import Document, Found, ParsedDocument
from parsers.fields.enterprises import find_enterprises
from parsers.fields.labels import (
    UNIT_LABELS,
    Flat,
    _alternation,
    _starts_with_section_label,
    find_numbered_items,
)
from parsers.fields.titles import find_title

# --------------------------------------------------------------------------------------------
# Helpers for parser modules


def title_reason(
    doc: Document, titles: Iterable[str], *, exclude: Iterable[str] = ()
) -> str | None:
    """A parser's ``accepts()``: the reason (``标题为“…”``) if the document has one of
    ``titles`` as its title, else None.  Never raises."""
    found = find_title(doc, titles, exclude=exclude)
    if found is None:
        return None
    return _("标题为“{title}”（第{line}行）", title=found.value, line=found.line)


def put_found(
    parsed: ParsedDocument,
    name: str,
    found: Found | None,
    convert: Callable[[Any], Any] | None = None,
) -> None:
    """Record a found field (converted, e.g. a date to ISO); nothing if not found."""
    if found is None:
        return
    value = convert(found.value) if convert is not None else found.value
    parsed.put(name, value, found.line, found.source)


def add_enterprises(
    parsed: ParsedDocument,
    doc: Document,
    unit_labels: Iterable[str] = UNIT_LABELS,
    *,
    addressee: bool = True,
) -> None:
    """Fill ``parsed.enterprises`` (and warnings about invalid codes)."""
    enterprises, warnings = find_enterprises(doc, unit_labels, addressee=addressee)
    parsed.enterprises.extend(enterprises)
    parsed.warnings.extend(warnings)


def value_after_label(doc: Document, labels: Iterable[str], *, length: int = 80) -> Found | None:
    """The text after ``label:`` in the flat text (so a value wrapped onto the next line
    is whole), up to ``length`` characters; for values parsed further (dates)."""
    flat = Flat(doc.text)
    pattern = re.compile(rf"(?:{_alternation(labels)})(?:\([^()]{{1,12}}\))?[ \t]*[:|]?[ \t]*")
    match = pattern.search(flat.text)
    if match is None:
        return None
    value = flat.text[match.end() : match.end() + length]
    return Found(value, flat.line_at(match.start()), flat.source(match.start(), match.end() + 1))


def iso_minute(value: datetime | date) -> str:
    """``2026-11-03T10:30`` for a datetime, ``2026-11-03`` for a date."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    return value.isoformat()


_LIST_END = re.compile(
    r"^\s*(?:检查人员|执法人员|被检查单位(?:现场)?负责人|被复查单位负责人|记录人|以下空白|\(以下空白\)"
    r"|上述|以上|你单位|请你单位|责令|依据|根据|依照|按照|整改期限|复查意见|特此|此令|如不服)"
)


def find_list(
    doc: Document | str,
    labels: Iterable[str] = (),
    *,
    prose: re.Pattern[str] | None = None,
    max_lines: int = 80,
) -> Found | None:
    """A list under a label (``检查情况:``) or after a phrase (``存在下列问题:``).

    The list runs to the first line that starts another section, a conclusion (``上述…``,
    ``责令…``, ``依据…``) or the signatures.  Its value is the numbered items
    (:func:`find_numbered_items`), or the whole text as one item when it is not numbered.
    """
    text = doc.text if isinstance(doc, Document) else doc
    lines = text.split("\n")
    labels = tuple(labels)
    label_re = (
        re.compile(rf"^\s*(?:{_alternation(labels)})(?:\([^()\n]{{1,12}}\))?\s*(?P<sep>[:|])?\s*")
        if labels
        else None
    )
    for index, line in enumerate(lines):
        match = label_re.match(line) if label_re is not None else None
        if match is not None and not (match.group("sep") or match.end() == len(line)):
            match = None
        if match is None and prose is not None:
            match = prose.search(line)
        if match is None:
            continue
        body = [line[match.end() :]]
        for following in lines[index + 1 : index + 1 + max_lines]:
            if _LIST_END.match(following) or _starts_with_section_label(following):
                break
            body.append(following)
        source = "\n".join(lines[index : index + len(body)])
        items = find_numbered_items("\n".join(body))
        if items:
            return Found(items, index + 1, source)
        whole = "".join(part.strip() for part in body).strip(" :;,")
        if whole:
            return Found([whole], index + 1, source)
    return None
