"""Issue 7: documents other bureaus and enterprises send, parsed as a clerk would ingest them.

The corpus (``tests/realworld_corpus.py``) is generated into a temporary folder once; each file
goes through :func:`parsers.registry.parse_path`; each field is compared with the expected table
``tests/data/realworld_expected.csv`` (one row per document, or per entry of a publicity list).

Per field: at least 98 % right over the rows where the table states a value, and **no guessed
value** — a value where the table says the text states none.  On failure the misses are printed
as a table (case, field, expected, got) for whoever fixes the parsers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.base import ParsedDocument
from parsers.registry import parse_path
from tests.realworld_corpus import (
    CASES,
    COLUMNS,
    ENTERPRISES,
    SHAPES,
    TABLE_PATH,
    capitals,
    read_table,
    table_rows,
    write_corpus,
)

THRESHOLD = 0.98
# The fields of issue 7's "Must hold", then the ones of its "Build" list measured alike.
FIELDS = ("kind", "code", "doc_number", "fine_yuan", "rectification_deadline", "signed")
MORE_FIELDS = ("authority", "references", "level", "year")
# Fields of the whole document: for a publicity list, scored once (on its first entry).
DOCUMENT_FIELDS = ("kind", "rectification_deadline", "signed")


# --------------------------------------------------------------------------------------------
# Parsing the corpus once


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every case's file, written once for the module: case id → path."""
    return write_corpus(tmp_path_factory.mktemp("realworld"))


@pytest.fixture(scope="module")
def parsed(corpus: dict[str, Path]) -> dict[str, ParsedDocument | Exception]:
    results: dict[str, ParsedDocument | Exception] = {}
    for case_id, path in corpus.items():
        try:
            results[case_id] = parse_path(path)
        except Exception as error:  # a crash is a miss on every field, reported as such
            results[case_id] = error
    return results


@pytest.fixture(scope="module")
def table() -> list[dict[str, str]]:
    return read_table(TABLE_PATH)


# --------------------------------------------------------------------------------------------
# Expected and found values, in one spelling

_MASK = str.maketrans({"×": "*", "＊": "*"})


def canonical_code(code: Any) -> str | None:
    """A code as compared: upper-case, no spaces; ×/＊ masking characters as ``*``."""
    if not code:
        return None
    return re.sub(r"\s", "", str(code)).translate(_MASK).upper()


def expected_value(row: dict[str, str], name: str) -> Any:
    value = row[name]
    if name == "code":
        return (canonical_code(value), row["code_status"])
    if value == "":
        return None
    if name in ("fine_yuan", "year"):
        return int(value)
    if name == "signed":
        return value == "true"
    if name == "references":
        return tuple(sorted(value.split(";")))
    return value


def found_value(parsed: ParsedDocument | Exception, row: dict[str, str], name: str) -> Any:
    """What the parser gave for ``name`` (an entry's value for a publicity list's entry)."""
    if isinstance(parsed, Exception):
        return f"<{type(parsed).__name__}: {parsed}>"
    if name == "kind":
        return parsed.kind
    if row["entry"] and name not in DOCUMENT_FIELDS:
        entries = parsed.get("entries") or []
        index = int(row["entry"]) - 1
        entry = entries[index] if index < len(entries) and isinstance(entries[index], dict) else {}
        if name == "code":
            return (canonical_code(entry.get("credit_code")), entry.get("credit_code_status"))
        if name == "references":
            return None
        return entry.get(name)
    if name == "code":
        return (canonical_code(parsed.credit_code), parsed.credit_code_status)
    if name == "references":
        references = parsed.get("references") or ()
        return tuple(sorted(references)) or None
    return parsed.get(name)


def is_null(name: str, value: Any) -> bool:
    if name == "code":
        return value[0] is None and value[1] in ("absent", None)
    return value is None


# --------------------------------------------------------------------------------------------
# Scoring


@dataclass
class Score:
    name: str
    right: int = 0
    applicable: int = 0  # rows where the table states a value
    guessed: int = 0  # rows where the table states none and the parser gave one
    misses: list[tuple[str, str, Any, Any]] | None = None

    @property
    def accuracy(self) -> float:
        return self.right / self.applicable if self.applicable else 1.0

    def line(self) -> str:
        return (
            f"{self.name:24} {self.right:3}/{self.applicable:<3} {self.accuracy:7.1%}"
            f"   guessed {self.guessed}"
        )


def _matches(name: str, expected: Any, found: Any) -> bool:
    if name == "references":
        # Every cited number is found; the document's own number is not among them.
        return found is not None and set(expected) <= set(found)
    return expected == found


def score(
    name: str, parsed: dict[str, ParsedDocument | Exception], table: list[dict[str, str]]
) -> Score:
    result = Score(name, misses=[])
    for row in table:
        if row["entry"] not in ("", "1") and name in DOCUMENT_FIELDS:
            continue
        case = row["case_id"] + (f"#{row['entry']}" if row["entry"] else "")
        expected = expected_value(row, name)
        found = found_value(parsed[row["case_id"]], row, name)
        if is_null(name, expected):
            if name in ("references", "year"):
                # Extra references are not scored; nor is a letter's year taken from its date
                # when the title states none (the interface leaves that open).
                continue
            if not is_null(name, found):
                result.guessed += 1
                result.misses.append((case, name, None, found))
            continue
        result.applicable += 1
        if _matches(name, expected, found):
            result.right += 1
        else:
            result.misses.append((case, name, expected, found))
    return result


def report(scores: list[Score]) -> str:
    lines = [score.line() for score in scores]
    misses = [miss for score in scores for miss in score.misses or []]
    if misses:
        lines += ["", f"{'case':22} {'field':24} expected  →  got"]
        lines += [
            f"{case:22} {name:24} {expected!r}  →  {found!r}"
            for case, name, expected, found in misses
        ]
    return "\n".join(lines)


def _assert_scores(scores: list[Score]) -> None:
    failed = [s for s in scores if s.accuracy < THRESHOLD or s.guessed]
    if failed:
        pytest.fail("\n" + report(scores), pytrace=False)


# --------------------------------------------------------------------------------------------
# Tests


@pytest.mark.parametrize("name", FIELDS)
def test_field_accuracy_and_nothing_guessed(
    name: str, parsed: dict[str, ParsedDocument | Exception], table: list[dict[str, str]]
) -> None:
    _assert_scores([score(name, parsed, table)])


def test_authority_accuracy_and_nothing_guessed(
    parsed: dict[str, ParsedDocument | Exception], table: list[dict[str, str]]
) -> None:
    _assert_scores([score("authority", parsed, table)])


def test_cited_numbers_are_references_not_doc_number(
    parsed: dict[str, ParsedDocument | Exception], table: list[dict[str, str]]
) -> None:
    result = score("references", parsed, table)
    assert result.applicable >= 5
    _assert_scores([result])
    for row in table:
        document = parsed[row["case_id"]]
        if row["references"] and not isinstance(document, Exception):
            assert document.get("doc_number") not in row["references"].split(";"), row["case_id"]


def test_letter_level_and_year(
    parsed: dict[str, ParsedDocument | Exception], table: list[dict[str, str]]
) -> None:
    """Enterprises' own letters: level (unit unless 车间/班组/岗位) and the year in the title."""
    _assert_scores([score("level", parsed, table), score("year", parsed, table)])


def test_publicity_lists_have_one_entry_per_enterprise(
    parsed: dict[str, ParsedDocument | Exception], table: list[dict[str, str]]
) -> None:
    """A list gives one entry (and one enterprise) per line of the list; a single publicity
    gives one entry, whose values are the document's."""
    counts: dict[str, int] = {}
    for row in table:
        if row["entry"]:
            counts[row["case_id"]] = max(counts.get(row["case_id"], 0), int(row["entry"]))
        elif row["kind"] == "penalty_publicity":
            counts[row["case_id"]] = 1
    assert sum(count > 1 for count in counts.values()) >= 3
    assert sum(count == 1 for count in counts.values()) >= 3
    wrong = {}
    for case_id, count in counts.items():
        document = parsed[case_id]
        entries = None if isinstance(document, Exception) else document.get("entries")
        enterprises = None if isinstance(document, Exception) else len(document.enterprises)
        if not entries or len(entries) != count or enterprises != count:
            wrong[case_id] = (count, len(entries or []), enterprises)
        elif count == 1 and any(
            entries[0].get(name) != document.get(name) for name in ("doc_number", "fine_yuan")
        ):
            wrong[case_id] = ("entry differs from the document", entries[0])
    if wrong:
        pytest.fail(f"(expected, entries, enterprises): {wrong}", pytrace=False)


@given(st.integers(min_value=1, max_value=10**8 - 1))
def test_capitals_in_the_corpus_read_back(amount: int) -> None:
    """The corpus writes fines in financial capitals the way the project reads them back."""
    from parsers.fields import chinese_to_int

    assert chinese_to_int(capitals(amount)) == amount


def test_enterprise_codes_are_valid() -> None:
    """The invented enterprises carry valid codes without warnings (GB 32100, GB 11714)."""
    from archive import uscc

    for enterprise in ENTERPRISES:
        assert uscc.validate(enterprise.code) == enterprise.code, enterprise.name
        assert uscc.warnings(enterprise.code) == [], enterprise.name
    assert len({enterprise.code for enterprise in ENTERPRISES}) == len(ENTERPRISES)


def test_expected_table_is_what_the_generator_builds(table: list[dict[str, str]]) -> None:
    """The table in tests/data is the generator's (regenerate: python -m tests.realworld_corpus)."""
    assert list(table[0]) == list(COLUMNS)
    assert table == table_rows()


def test_corpus_size_media_and_shapes(table: list[dict[str, str]]) -> None:
    documents = {row["case_id"]: row for row in table}
    assert len(documents) >= 80
    assert len(CASES) == len(documents)
    media = {row["media"] for row in documents.values()}
    assert media == {"pdf", "docx"}
    covered = {tag for row in documents.values() for tag in row["tags"].split()}
    assert covered >= set(SHAPES), sorted(set(SHAPES) - covered)
    assert covered <= set(SHAPES), sorted(covered - set(SHAPES))
    kinds = {row["kind"] for row in table}
    assert kinds >= {
        "penalty_decision",
        "no_penalty_decision",
        "penalty_notice",
        "rectification_order",
        "penalty_publicity",
        "commitment_letter",
    }
    # Each field is stated in some documents and absent in others: the "0 guessed" check
    # has something to check.
    for name in ("code", "doc_number", "fine_yuan", "rectification_deadline", "signed"):
        column = [row[name] for row in table]
        assert any(column) and not all(column), name
    assert {row["signed"] for row in table} >= {"true", "false"}


def test_each_shape_in_both_media_where_it_can_be(table: list[dict[str, str]]) -> None:
    """Number, fine, code and deadline shapes each appear in a PDF and in a .docx."""
    media: dict[str, set[str]] = {}
    for row in table:
        for tag in row["tags"].split():
            media.setdefault(tag, set()).add(row["media"])
    prefixes = ("number_", "fine_", "code_", "deadline_", "kind_", "bureau_", "letter_")
    one_medium = {
        tag: sorted(found)
        for tag, found in media.items()
        if tag.startswith(prefixes) and found != {"pdf", "docx"}
    }
    assert not one_medium


def test_expected_values_are_in_the_documents(
    corpus: dict[str, Path], table: list[dict[str, str]]
) -> None:
    """The corpus itself: every expected code and authority is printed in its file (as the
    project's text layer reads it, lines joined), so a miss is the parser's, not the corpus's."""
    from parsers.text import load_document

    texts = {
        case_id: canonical_code(load_document(path).text.replace("\n", ""))
        for case_id, path in corpus.items()
    }
    for row in table:
        text = texts[row["case_id"]]
        for value in filter(None, (row["code"], row["authority"])):
            assert canonical_code(value) in text, (row["case_id"], value)


def test_no_accident_is_read_into_documents_that_state_none(
    parsed: dict[str, ParsedDocument | Exception],
) -> None:
    """No document of the corpus tells of an accident (their facts name 事故隐患, the laws name
    事故): none may come out with an accident's fields."""
    accident_fields = {"accident_date", "deaths", "serious_injuries", "direct_loss_yuan"}
    found = {
        case_id: sorted(accident_fields & set(document.fields))
        for case_id, document in parsed.items()
        if not isinstance(document, Exception) and accident_fields & set(document.fields)
    }
    assert found == {}
