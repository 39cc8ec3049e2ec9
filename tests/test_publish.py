"""credit publish: allow-listed public lists, the PII gate, the publication event."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive import resident_id
from archive.publish import KINDS, find_pii, gate, mask_name
from tests.conftest import invoke
from tests.helpers import index_bytes, index_tables, make_code, new_archive


def published(out: Path, kind: str, suffix: str) -> Path:
    """The one file of ``kind`` written to ``out`` (named by the day it was made)."""
    found = sorted(out.glob(f"{kind}-????-??-??.{suffix}"))
    assert len(found) == 1, found
    return found[0]


def person_id(n: int) -> str:
    first17 = f"431127{1960 + n % 40}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return first17 + resident_id.calc_check_digit(first17)


def mobile(n: int) -> str:
    return f"1{3 + n % 7}{n:09d}"


def seed(archive, count: int, plant=lambda n, field, text: text) -> list[str]:
    """``count`` enterprises, each with a confirmed record; ``plant`` rewrites every free text."""
    codes = [make_code(n) for n in range(count)]
    with archive.transaction() as tx:
        for n, code in enumerate(codes):
            tx.emit(
                "enterprise.added",
                {
                    "credit_code": code,
                    "name": plant(n, "name", f"测试化工有限公司{n}"),
                    "industry": "危险化学品",
                    "section": "危化股",
                    "legal_representative": plant(n, "legal_representative", "黄大明"),
                    "phone": mobile(n),
                    "address": plant(n, "address", f"城关镇{n}号"),
                    "town": "城关镇",
                },
            )
            tx.emit(
                "record.added",
                {
                    "id": f"R{n:06d}",
                    "credit_code": code,
                    "criterion": "1",
                    "criterion_text": plant(n, "criterion_text", "未按规定整改"),
                    "rule": "manual",
                    "evidence": [],
                    "facts": {"note": plant(n, "note", "说明")},
                    "date": "2026-11-02",
                    "reason": plant(n, "reason", "核实无误"),
                },
            )
    return codes


def everywhere(n: int, field: str, text: str) -> str:
    return f"{text}（身份证{person_id(n)}，电话{mobile(n)}）"


def outputs(folder: Path) -> dict[str, list[str]]:
    """Every cell of every file written, by format."""
    from openpyxl import load_workbook

    found: dict[str, list[str]] = {}
    for path in folder.glob("*"):
        if path.suffix == ".csv":
            text = path.read_bytes().decode("utf-8-sig")
            found["csv"] = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        elif path.suffix == ".html":
            found["html"] = [path.read_text(encoding="utf-8")]
        elif path.suffix == ".xlsx":
            sheet = load_workbook(path).active
            found["xlsx"] = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    return found


def test_find_pii_examples() -> None:
    assert find_pii(person_id(7)) == "resident_id"
    assert find_pii(f"abc{person_id(7)}def") == "resident_id"
    assert find_pii(f"99{person_id(7)}99") == "resident_id"  # inside a longer digit run
    assert find_pii(person_id(7)[:-1] + ("0" if person_id(7)[-1] != "0" else "1")) is None
    assert find_pii("电话：13912345678。") == "mobile"
    assert find_pii("１３９１２３４５６７８") == "mobile"  # full-width
    assert find_pii("编号 913912345678") is None  # part of a longer run
    assert find_pii("12345678901") is None
    assert find_pii(make_code(5)) is None


@given(st.text(max_size=20), st.text(max_size=20), st.integers(0, 10**6))
def test_find_pii_finds_a_planted_number_in_any_text(before: str, after: str, n: int) -> None:
    assert find_pii(before + person_id(n) + after) == "resident_id"
    assert find_pii(f"{before}x{mobile(n)}x{after}") in ("mobile", "resident_id")


def test_gate_names_row_and_column() -> None:
    from archive.errors import CreditError

    rows = [{"a": "甲", "b": "x"}, {"a": "乙", "b": f"住址 {mobile(3)}"}]
    with pytest.raises(CreditError) as caught:
        gate([("a", "甲列"), ("b", "乙列")], rows)
    assert "第 2 行" in str(caught.value) and "乙列" in str(caught.value)
    assert mobile(3) not in str(caught.value)


def test_masking() -> None:
    assert mask_name("黄大明") == "黄某某"
    assert mask_name("欧阳小明") == "欧某某"
    assert mask_name(person_id(1)) == person_id(1)[0] + "某某"


def test_pii_in_every_free_text_field_of_1000_records_is_refused(runner, tmp_path) -> None:
    archive = new_archive(tmp_path)
    seed(archive, 1000, everywhere)
    for kind in sorted(KINDS):
        out = tmp_path / kind
        result = invoke(
            runner, "publish", kind, "--with-address", "--out", str(out), archive=archive.root
        )
        if result.exit_code == 0:  # nobody on this list (no blacklist, no signed commitments)
            for values in outputs(out).values():
                assert not any(find_pii(value) for value in values)
            continue
        assert result.exit_code == 1, result.output
        assert "第 1 行" in result.stderr
        assert person_id(0) not in result.stderr and mobile(0) not in result.stderr
        assert not out.exists()
    listed = json.loads(invoke(runner, "publish", "list", "--json", archive=archive.root).stdout)
    assert "records" not in {row["kind"] for row in listed}


def test_refusal_names_the_one_row_that_holds_a_number(runner, tmp_path) -> None:
    archive = new_archive(tmp_path)
    seed(
        archive,
        1000,
        lambda n, field, text: f"{text}{person_id(n)}" if (n, field) == (736, "address") else text,
    )
    out = tmp_path / "公布"
    result = invoke(
        runner, "publish", "records", "--with-address", "--out", str(out), archive=archive.root
    )
    assert result.exit_code == 1
    assert "第 737 行" in result.stderr and "地址" in result.stderr
    assert "credit enterprise update" in result.stderr  # a hint that works
    assert not out.exists()
    # without the address the list is clean and goes out
    result = invoke(runner, "publish", "records", "--out", str(out), archive=archive.root)
    assert result.exit_code == 0, result.output
    cells = outputs(out)
    assert set(cells) == {"csv", "html", "xlsx"}
    for values in cells.values():
        assert not any(find_pii(value) for value in values)
    assert len(cells["csv"]) == 5 * 1001


def test_names_planted_with_numbers_are_masked_and_never_published(runner, tmp_path) -> None:
    archive = new_archive(tmp_path)
    seed(
        archive,
        1000,
        lambda n, field, text: (
            f"{person_id(n)}{mobile(n)}"
            if field in ("legal_representative", "note", "reason")
            else text
        ),
    )
    out = tmp_path / "公布"
    result = invoke(runner, "publish", "records", "--out", str(out), archive=archive.root)
    assert result.exit_code == 0, result.output
    for values in outputs(out).values():
        assert not any(find_pii(value) for value in values)
    text = published(out, "records", "csv").read_bytes().decode("utf-8-sig")
    assert text.count("某某") == 1000


def _records_archive(tmp_path):
    archive = new_archive(tmp_path)
    seed(archive, 3)
    return archive


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_only_allow_listed_columns(runner, tmp_path, kind) -> None:
    archive = _records_archive(tmp_path)
    out = tmp_path / "out"
    result = invoke(
        runner, "publish", kind, "--format", "csv", "--out", str(out), archive=archive.root
    )
    assert result.exit_code == 0, result.output
    (path,) = out.glob("*.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    from archive.i18n import _

    assert header == [_(label) for _key, label in KINDS[kind]["columns"]]
    assert "联系电话" not in header and "地址" not in header


def test_records_list_masks_names_and_prints_codes_in_full(runner, tmp_path) -> None:
    archive = _records_archive(tmp_path)
    out = tmp_path / "out"
    invoke(runner, "publish", "records", "--with-address", "--out", str(out), archive=archive.root)
    rows = list(csv.reader(io.StringIO(published(out, "records", "csv").read_text("utf-8-sig"))))
    assert rows[0][-1] == "地址"
    assert [row[0] for row in rows[1:]] == [make_code(n) for n in range(3)]
    assert {row[2] for row in rows[1:]} == {"黄某某"}
    assert "黄大明" not in published(out, "records", "html").read_text("utf-8")


def test_removed_and_expired_blacklist_entries_are_not_published(runner, tmp_path) -> None:
    archive = new_archive(tmp_path)
    codes = seed(archive, 3)
    with archive.transaction() as tx:
        for n, code in enumerate(codes):
            tx.emit(
                "blacklist.proposed",
                {
                    "id": f"B{n}",
                    "credit_code": code,
                    "criterion_text": "第一项",
                    "date": "2024-01-02",
                },
            )
            ends = "2025-01-31" if n == 2 else "2027-12-31"
            tx.emit(
                "blacklist.advanced",
                {
                    "id": f"B{n}",
                    "credit_code": code,
                    "stage": "publish",
                    "date": "2024-02-01",
                    "listed_on": "2024-02-01",
                    "ends_on": ends,
                },
            )
        tx.emit(
            "blacklist.removed",
            {
                "id": "B1",
                "credit_code": codes[1],
                "status": "removed",
                "date": "2026-06-01",
                "reason": "信用修复",
            },
        )
    out = tmp_path / "out"
    result = invoke(runner, "publish", "blacklist", "--out", str(out), archive=archive.root)
    assert result.exit_code == 0, result.output
    text = published(out, "blacklist", "csv").read_text("utf-8-sig")
    assert codes[0] in text and codes[1] not in text and codes[2] not in text
    # as of a day before the removal, the removed entry was in force
    invoke(
        runner,
        "publish",
        "blacklist",
        "--as-of",
        "2026-05-01",
        "--out",
        str(out),
        archive=archive.root,
    )
    text = (out / "blacklist-2026-05-01.csv").read_text("utf-8-sig")
    assert codes[0] in text and codes[1] in text and codes[2] not in text


def test_commitments_signed_this_year(runner, tmp_path) -> None:
    archive = new_archive(tmp_path)
    codes = seed(archive, 3)
    this = date.today().year  # "this year" is the year the list is made in
    with archive.transaction() as tx:
        for code, year, signed in (
            (codes[0], this, True),
            (codes[1], this, False),
            (codes[2], this - 1, True),
        ):
            tx.emit(
                "commitment.returned",
                {
                    "credit_code": code,
                    "year": year,
                    "level": "unit",
                    "document": "ab" * 32,
                    "signed": signed,
                    "signer": "黄大明",
                    "sign_date": f"{year}-03-01",
                },
            )
    out = tmp_path / "out"
    result = invoke(runner, "publish", "commitments", "--out", str(out), archive=archive.root)
    assert result.exit_code == 0, result.output
    rows = list(
        csv.reader(io.StringIO(published(out, "commitments", "csv").read_text("utf-8-sig")))
    )
    assert rows[1:] == [[codes[0], "测试化工有限公司0", "危险化学品", str(this), f"{this}-03-01"]]
    assert "黄" not in published(out, "commitments", "html").read_text("utf-8")


def test_publication_event_list_and_reindex(runner, tmp_path) -> None:
    import hashlib

    archive = _records_archive(tmp_path)
    out = tmp_path / "out"
    result = invoke(runner, "publish", "records", "--out", str(out), "--json", archive=archive.root)
    made = json.loads(result.stdout)[0]
    assert made["rows"] == 3 and [f["format"] for f in made["files"]] == ["xlsx", "csv", "html"]
    for item in made["files"]:
        assert hashlib.sha256(Path(item["path"]).read_bytes()).hexdigest() == item["sha256"]
    again = invoke(runner, "publish", "records", "--out", str(out), "--csv", archive=archive.root)
    assert again.stdout.splitlines()[1:] == [
        f"{item['format']},{item['path']},{item['sha256']}" for item in made["files"]
    ]  # the same rows give the same bytes
    listed = json.loads(invoke(runner, "publish", "list", "--json", archive=archive.root).stdout)
    assert [(row["kind"], row["rows"]) for row in listed] == [("records", 3), ("records", 3)]
    today = listed[0]["at"][:10]
    on_day = invoke(runner, "publish", "list", "--date", today, "--json", archive=archive.root)
    assert len(json.loads(on_day.stdout)) == 2
    other = invoke(
        runner, "publish", "list", "--date", "2026-03-03", "--json", archive=archive.root
    )
    assert json.loads(other.stdout) == []
    assert "records" in invoke(runner, "publish", "list", archive=archive.root).stdout
    assert invoke(runner, "reindex", archive=archive.root).exit_code == 0
    first = index_bytes(archive.root)
    assert invoke(runner, "reindex", archive=archive.root).exit_code == 0
    assert index_bytes(archive.root) == first
    assert index_tables(archive.root)["publications"]


def test_bad_format_is_a_usage_error(runner, tmp_path) -> None:
    archive = _records_archive(tmp_path)
    result = invoke(runner, "publish", "records", "--format", "pdf", archive=archive.root)
    assert result.exit_code == 2
    assert "pdf" in result.stderr


def test_html_is_self_contained(runner, tmp_path) -> None:
    archive = _records_archive(tmp_path)
    out = tmp_path / "out"
    invoke(
        runner, "publish", "records", "--format", "html", "--out", str(out), archive=archive.root
    )
    page = published(out, "records", "html").read_text("utf-8")
    assert not re.search(r"""(src|href)\s*=|@import|url\(""", page)
    assert "<script>" in page and "@media print" in page


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="no system chromium (.ci/run installs it)")
def test_html_sorts_and_filters_in_headless_chromium(runner, tmp_path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    archive = _records_archive(tmp_path)
    out = tmp_path / "out"
    invoke(
        runner, "publish", "records", "--format", "html", "--out", str(out), archive=archive.root
    )
    page_file = published(out, "records", "html")
    with sync_api.sync_playwright() as play:
        browser = play.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(page_file.as_uri())

        def codes() -> list[str]:
            return page.eval_on_selector_all(
                "#list tbody tr:not([hidden])", "rows => rows.map(r => r.cells[0].textContent)"
            )

        assert codes() == [make_code(n) for n in range(3)]
        page.click("#list th >> nth=0")
        page.click("#list th >> nth=0")  # second click: descending
        assert codes() == [make_code(n) for n in reversed(range(3))]
        page.fill("#filter", "有限公司1")
        assert codes() == [make_code(1)]
        artifacts = Path(__file__).resolve().parents[1] / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        page.screenshot(path=str(artifacts / "publish-records.png"), full_page=True)
        browser.close()


def test_a_list_is_not_published_as_of_a_day_to_come(runner, tmp_path) -> None:
    archive = new_archive(tmp_path)
    out = tmp_path / "公布"
    result = invoke(
        runner,
        "publish",
        "records",
        "--as-of",
        "2030-01-01",
        "--out",
        str(out),
        archive=archive.root,
    )
    assert result.exit_code == 2 and "2030-01-01" in result.stderr
    assert not out.exists()


def test_a_workbook_made_twice_in_a_day_has_the_same_bytes() -> None:
    """openpyxl stamps the time of saving (the package's properties, each zip entry): a list
    published twice in one day must still have one SHA-256, whatever second each was made in."""
    import time

    from archive.xlsx import Sheet, workbook_bytes

    sheet = Sheet("名单", [("code", "统一社会信用代码")], [{"code": make_code(1)}])
    first = workbook_bytes([sheet])
    time.sleep(2.1)  # past a zip timestamp's two-second step and a second's tick
    assert workbook_bytes([sheet]) == first
