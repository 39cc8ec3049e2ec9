"""Field finders shared by the parsers, over normalised text (:mod:`parsers.normalise`).

Each finder returns a :class:`~parsers.base.Found` (value, 1-based line, the text it was read
from) or ``None``: a field the text does not state is absent, never guessed.  Labels and
patterns are data (tuples, compiled patterns) at the top of the module.

Remember what normalisation did: ``：`` is ``:``, ``（）`` are ``()``, ``，`` is ``,``,
``﹝﹞`` are ``〔〕``; spaces between Chinese characters are gone.  ``\\b`` is never used:
it does not match between Chinese characters.

Two views of a document are used:

* its **lines** — for labels (``被处罚单位:…``), titles, numbered lists, the 落款 date;
* its **flat text** (:class:`Flat`, the lines joined without separators) — for sentences,
  which PDF extraction wraps anywhere, even inside a date (``2023年5月20`` / ``日前``).

The finders live in one module per kind of field, re-exported here (``from parsers.fields
import find_fine`` is how parsers and tests reach them):

* :mod:`parsers.fields.labels` — labels and their values, flat text, sections, numbered lists;
* :mod:`parsers.fields.titles` — titles;
* :mod:`parsers.fields.codes` — credit codes;
* :mod:`parsers.fields.doc_numbers` — document numbers (文号);
* :mod:`parsers.fields.dates` — dates (numerals and years from :mod:`archive.cnnum`);
* :mod:`parsers.fields.money` — amounts and fines;
* :mod:`parsers.fields.enterprises` — the enterprises a document names;
* :mod:`parsers.fields.helpers` — putting what was found on a parsed document, persons, lists.
"""

from __future__ import annotations

from parsers.fields.codes import CodeCandidate, find_credit_codes
from parsers.fields.dates import (
    date_spans,
    find_dates,
    find_signature_date,
    parse_chinese_date,
    parse_chinese_datetime,
)
from parsers.fields.doc_numbers import (
    Candidate,
    doc_number_candidates,
    find_doc_number,
    find_doc_numbers,
    normalise_doc_number,
    printed_form,
    put_doc_numbers,
)
from parsers.fields.enterprises import find_addressee, find_enterprises
from parsers.fields.helpers import (
    add_enterprises,
    find_list,
    iso_minute,
    put_found,
    title_reason,
    value_after_label,
)
from parsers.fields.labels import (
    ADDRESS_LABELS,
    ALL_LABELS,
    CODE_LABELS,
    INSPECTION_TIME_LABELS,
    LEGAL_REPRESENTATIVE_LABELS,
    ORGANISATION_SUFFIXES,
    OTHER_LABELS,
    PLACE_LABELS,
    SECTION_LABELS,
    UNIT_LABELS,
    Flat,
    find_label_value,
    find_label_values,
    find_numbered_items,
    find_section,
    looks_like_organisation,
    looks_like_person,
)
from parsers.fields.money import (
    chinese_to_int,
    examine_fine,
    find_fine,
    fine_candidates,
    parse_fine,
    put_fine,
)
from parsers.fields.titles import find_title

__all__ = [
    "ADDRESS_LABELS",
    "ALL_LABELS",
    "CODE_LABELS",
    "INSPECTION_TIME_LABELS",
    "LEGAL_REPRESENTATIVE_LABELS",
    "ORGANISATION_SUFFIXES",
    "OTHER_LABELS",
    "PLACE_LABELS",
    "SECTION_LABELS",
    "UNIT_LABELS",
    "Candidate",
    "CodeCandidate",
    "Flat",
    "add_enterprises",
    "chinese_to_int",
    "date_spans",
    "doc_number_candidates",
    "examine_fine",
    "find_addressee",
    "find_credit_codes",
    "find_dates",
    "find_doc_number",
    "find_doc_numbers",
    "find_enterprises",
    "find_fine",
    "find_label_value",
    "find_label_values",
    "find_list",
    "find_numbered_items",
    "find_section",
    "find_signature_date",
    "find_title",
    "fine_candidates",
    "iso_minute",
    "looks_like_organisation",
    "looks_like_person",
    "normalise_doc_number",
    "parse_chinese_date",
    "parse_chinese_datetime",
    "parse_fine",
    "printed_form",
    "put_doc_numbers",
    "put_fine",
    "put_found",
    "title_reason",
    "value_after_label",
]
