"""Command-line conventions: one exit code per case, messages in one language, quiet pipes,
filters that say when a value is unknown, validation of typed values, help that reads well.

Every error path below runs in Chinese and in English; the output must be in the chosen
language only (click's own messages and the operating system's included).
"""

from __future__ import annotations

import ast
import csv
import io
import json
import os
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import click
import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive import uscc
from archive.errors import ExitCode
from archive.i18n import describe_error, set_language
from cli import click_zh
from cli.main import cli
from tests.conftest import invoke
from tests.helpers import make_code

ROOT = Path(__file__).resolve().parent.parent
CODE = make_code(101)
OTHER = make_code(102)
BAD_CHECKSUM = CODE[:-1] + ("0" if CODE[-1] != "0" else "1")

HAN = re.compile(r"[\u4e00-\u9fff]")
CHINESE_PUNCTUATION = re.compile(r"[：；、，。（）？！]")
# Words of click's or the OS's English that must not appear in Chinese output.
ENGLISH = re.compile(
    r"\b(is|not|the|of|no such|requires?|range|error|usage|file|directory|invalid|missing|"
    r"arguments?|does|exists?|permission|denied|broken|pipe|valid|value|try|got|extra)\b",
    re.IGNORECASE,
)


@pytest.fixture
def ascii_archive(tmp_path: Path) -> Path:
    """An archive with two enterprises, in a folder whose path has no Chinese in it."""
    from archive.enterprises import add_enterprise
    from archive.store import init_archive

    archive = init_archive(tmp_path / "arc", actor="tester")
    add_enterprise(archive, {"credit_code": CODE, "name": "甲矿业有限公司", "industry": "非煤矿山"})
    add_enterprise(archive, {"credit_code": OTHER, "name": "乙化工有限公司", "town": "塔峰镇"})
    return archive.root


def _data_values(archive_root: Path) -> list[str]:
    """Chinese that is data, not message: settings values and register names."""
    from archive.letters.catalog import TEMPLATES
    from archive.store import Archive

    archive = Archive.open(archive_root)
    values = [*archive.settings.sections, *archive.settings.industries, "塔峰镇"]
    values += ["甲矿业有限公司", "乙化工有限公司", "蓝山县应急管理局", "蓝山县", "某某县"]
    values += [info.title for info in TEMPLATES.values()]
    values += ["{prefix}〔{year}〕{number:04d}号"]  # the default serial format, an example
    return sorted(values, key=len, reverse=True)


# (case id, argv after the archive option, expected exit code, extra environment)
# {arc}: the archive, {tmp}: a scratch folder, {file}: a file that is not what is asked for.
ERROR_CASES = [
    ("root-unknown-command", ["nosuch"], 2, {}),
    ("root-unknown-option", ["config", "--nosuch"], 2, {}),
    ("root-archive-missing", ["--archive", "{tmp}/missing", "config"], 4, {}),
    ("root-archive-is-file", ["--archive", "{file}", "config"], 4, {}),
    ("root-env-archive-is-file", ["config"], 4, {"CREDIT_ARCHIVE": "{file}"}),
    ("root-lock-timeout-negative", ["--lock-timeout", "-1", "config"], 2, {}),
    ("root-env-lock-timeout-negative", ["config"], 2, {"CREDIT_LOCK_TIMEOUT": "-5"}),
    ("root-env-lock-timeout-text", ["config"], 2, {"CREDIT_LOCK_TIMEOUT": "abc"}),
    ("root-by-blank", ["--by", "   ", "config"], 2, {}),
    ("init-empty-folder", ["init", ""], 2, {}),
    ("init-existing", ["init", "{arc}"], 1, {}),
    ("init-bureau-without-county", ["init", "{tmp}/new", "--bureau", "x"], 2, {}),
    ("add-bad-code", ["enterprise", "add", BAD_CHECKSUM, "--name", "x"], 1, {}),
    (
        "add-unknown-industry",
        ["enterprise", "add", make_code(103), "--name", "x", "--industry", "rocket"],
        1,
        {},
    ),
    ("add-existing", ["enterprise", "add", CODE, "--name", "x"], 1, {}),
    ("import-missing-file", ["enterprise", "import", "{tmp}/missing.xlsx"], 2, {}),
    ("import-not-a-roster", ["enterprise", "import", "{file}"], 3, {}),
    ("list-unknown-industry", ["enterprise", "list", "--industry", "rocket"], 2, {}),
    ("list-unknown-section", ["enterprise", "list", "--section", "rocket"], 2, {}),
    ("list-unknown-town", ["enterprise", "list", "--town", "rocket"], 2, {}),
    ("list-unknown-status", ["enterprise", "list", "--status", "gone"], 2, {}),
    ("show-not-found", ["enterprise", "show", make_code(104)], 1, {}),
    ("update-nothing", ["enterprise", "update", CODE], 2, {}),
    ("update-blank-name", ["enterprise", "update", CODE, "--name", ""], 2, {}),
    ("close-no-reason", ["enterprise", "close", CODE], 2, {}),
    (
        "close-date-1900",
        ["enterprise", "close", CODE, "--reason", "x", "--date", "1900-01-01"],
        2,
        {},
    ),
    (
        "close-date-3000",
        ["enterprise", "close", CODE, "--reason", "x", "--date", "3000-01-01"],
        2,
        {},
    ),
    (
        "close-date-malformed",
        ["enterprise", "close", CODE, "--reason", "x", "--date", "31.10"],
        2,
        {},
    ),
    ("reopen-active", ["enterprise", "reopen", CODE], 1, {}),
    ("commitment-no-selection", ["gen-commitment"], 2, {}),
    ("commitment-unknown-industry", ["gen-commitment", "--industry", "rocket"], 2, {}),
    ("commitment-year-1900", ["gen-commitment", "--all", "--year", "1900"], 2, {}),
    ("commitment-date-1900", ["gen-commitment", "--all", "--date", "1900-01-01"], 2, {}),
    ("notice-unknown-kind", ["gen-notice", "nosuch", CODE], 2, {}),
    ("notice-missing-facts", ["gen-notice", "notice_interview", CODE], 2, {}),
    (
        "notice-unknown-section",
        ["gen-notice", "notice_monthly_reminder_section", "--section", "rocket"],
        2,
        {},
    ),
    ("notice-fact-malformed", ["gen-notice", "notice_interview", CODE, "--fact", "x"], 2, {}),
    (
        "notice-facts-file-missing",
        ["gen-notice", "notice_interview", CODE, "--facts-file", "{tmp}/missing.json"],
        2,
        {},
    ),
    ("template-check-not-docx", ["template", "check", "{file}"], 5, {}),
    ("template-check-unknown-name", ["template", "check", "{file}", "--name", "nosuch"], 2, {}),
    ("template-check-missing", ["template", "check", "{tmp}/missing.docx"], 2, {}),
    ("template-export-unknown", ["template", "export", "nosuch", "{tmp}"], 2, {}),
    ("ingest-nothing", ["ingest"], 2, {}),
    ("ingest-missing-folder", ["ingest", "{tmp}/missing"], 2, {}),
    ("ingest-assign-one-argument", ["ingest", "--assign", "{file}"], 2, {}),
    ("ingest-assign-missing-file", ["ingest", "--assign", "{tmp}/missing.pdf", CODE], 2, {}),
    ("explain-missing", ["explain", "{tmp}/missing.pdf"], 2, {}),
    ("explain-unsupported", ["explain", "{file}"], 1, {}),
    ("audit-log-bad-code", ["audit", "log", "--code", BAD_CHECKSUM], 2, {}),
    ("audit-log-unknown-type", ["audit", "log", "--type", "enterprise.exploded"], 2, {}),
    ("audit-log-limit-zero", ["audit", "log", "--limit", "0"], 2, {}),
    ("demo-folder-in-use", ["demo", "{arc}"], 1, {}),
    # stranger8 item 16: third-party texts and click's own placeholders
    ("import-broken-xlsx", ["enterprise", "import", "{tmp}/roster.xlsx"], 3, {}),
    ("explain-broken-pdf", ["explain", "{tmp}/scan.pdf"], 1, {}),
    (
        "notice-facts-file-bad-json",
        ["gen-notice", "notice_interview", CODE, "--facts-file", "{tmp}/bad.json"],
        2,
        {},
    ),
    (
        "notice-facts-file-bad-json-control",
        ["gen-notice", "notice_interview", CODE, "--facts-file", "{tmp}/control.json"],
        2,
        {},
    ),
    (
        "notice-facts-file-bad-toml",
        ["gen-notice", "notice_interview", CODE, "--facts-file", "{tmp}/bad.toml"],
        2,
        {},
    ),
    ("settings-bad-toml", ["--archive", "{tmp}/tomlarc", "config"], 4, {}),
    ("settings-bad-serial-format", ["--archive", "{tmp}/fmtarc", "config"], 4, {}),
    ("settings-unbalanced-serial-format", ["--archive", "{tmp}/bracearc", "config"], 4, {}),
    (
        "close-date-not-a-day",
        ["enterprise", "close", CODE, "--reason", "x", "--date", "2026-02-30"],
        2,
        {},
    ),
    ("close-missing-reason", ["enterprise", "close", CODE], 2, {}),
    ("explain-missing-argument", ["explain"], 2, {}),
    ("ingest-extra-missing-folder", ["ingest", "{tmp}", "{tmp}/nosuch"], 2, {}),
    ("root-lock-timeout-text", ["--lock-timeout", "abc", "config"], 2, {}),
    ("root-lock-timeout-below-range", ["--lock-timeout", "-1", "config"], 2, {}),
    ("commitment-jobs-out-of-range", ["gen-commitment", "--all", "--jobs", "0"], 2, {}),
    (
        "notice-unused-fact",
        [
            "gen-notice",
            "form_monthly_report",
            CODE,
            "--fact",
            "period=2026-11",
            "--fact",
            "bogus=1",
        ],
        2,
        {},
    ),
    ("template-check-broken-docx", ["template", "check", "{tmp}/tpl.docx"], 5, {}),
]


def _fill(value: str, arc: Path, tmp: Path, file: Path) -> str:
    return value.format(arc=arc, tmp=tmp, file=file)


def _run_case(runner, ascii_archive: Path, tmp_path: Path, argv, env, language: str):
    scratch = tmp_path / "scratch"
    scratch.mkdir(exist_ok=True)
    not_docx = scratch / "notes.txt"
    not_docx.write_text("plain text, not a document\n", encoding="utf-8")
    (scratch / "roster.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    (scratch / "tpl.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (scratch / "scan.pdf").write_bytes(b"%PDF-1.4\ngarbage, not a PDF body\n")
    (scratch / "bad.json").write_text('{"reason": ', encoding="utf-8")
    (scratch / "control.json").write_text('{"reason": "a\x01b"}', encoding="utf-8")
    (scratch / "bad.toml").write_text("reason = \n", encoding="utf-8")
    for folder, text in (
        ("tomlarc", 'county = "x\n'),
        ("fmtarc", '[letters]\nserial_format = "{prefix}{year}{number:xyz}"\n'),
        ("bracearc", '[letters]\nserial_format = "{prefix}{year}{number"\n'),
    ):
        (scratch / folder).mkdir(exist_ok=True)
        (scratch / folder / "credit.toml").write_text(text, encoding="utf-8")
    args = [_fill(a, ascii_archive, scratch, not_docx) for a in argv]
    if not any(a == "--archive" for a in args):
        args = ["--archive", str(ascii_archive), *args]
    env = {k: _fill(v, ascii_archive, scratch, not_docx) for k, v in env.items()}
    if "CREDIT_ARCHIVE" in env:
        args = args[2:]
    set_language(language)
    return runner.invoke(cli, ["--lang", language, *args], env=env, catch_exceptions=False)


@pytest.mark.parametrize(
    ("case", "argv", "code", "env"), ERROR_CASES, ids=[case[0] for case in ERROR_CASES]
)
def test_error_paths_exit_code_and_language(
    runner, ascii_archive: Path, tmp_path: Path, case, argv, code, env
) -> None:
    data = _data_values(ascii_archive)
    chinese = _run_case(runner, ascii_archive, tmp_path, argv, env, "zh")
    assert chinese.exit_code == code, chinese.stderr
    assert chinese.stderr.strip()
    # Option names, metavars (FILE, CODE), paths, quoted values and identifiers may be Latin.
    text = re.sub(
        r"--[\w-]+|\b[A-Z][A-Z_]{2,}\b|(/[\w.\-]+)+|'[^']*'|“[^”]*”|\b[\w.]+_\w+\b",
        " ",
        chinese.stderr,
    )
    assert not ENGLISH.search(text), f"English in Chinese output: {chinese.stderr!r}"
    # a library's sentence ("Illegal character ... at line 1"): three English words in a row
    prose = re.sub(r"(credit|cli)( [a-z][\w-]*)+", " ", text)
    assert not re.search(r"\b[a-z]{2,} [a-z]{2,} [a-z]{2,}\b", prose, re.IGNORECASE), chinese.stderr
    # click's placeholders and ranges in Chinese too; Chinese sentences end with 。
    untranslated = (
        r"\[OPTIONS\]|'\[?[A-Z]+\]?(\.\.\.)?'|\b(INTEGER|FLOAT)\b|x[<>]=|%[YmdH]"
        r"|\b(line|column|char) \d+"
    )
    assert not re.search(untranslated, chinese.stderr), chinese.stderr
    for line in chinese.stderr.splitlines():
        assert not re.search(r"[\u4e00-\u9fff'”）]\.$", line.rstrip()), line
    assert "用法：" in chinese.stderr or "错误：" in chinese.stderr or HAN.search(chinese.stderr)

    english = _run_case(runner, ascii_archive, tmp_path, argv, env, "en")
    assert english.exit_code == code, english.stderr
    text = english.stderr
    for value in data:
        text = text.replace(value, "")
    assert not HAN.search(text), f"Chinese in English output: {english.stderr!r}"
    assert not CHINESE_PUNCTUATION.search(text), f"Chinese punctuation: {english.stderr!r}"
    assert not re.search(r"(float|integer) range", text), english.stderr


# -- exit codes ---------------------------------------------------------------------------------


def test_debug_shows_the_traceback_but_keeps_the_exit_code(runner, tmp_path: Path) -> None:
    plain = invoke(runner, "--archive", str(tmp_path / "missing"), "config")
    debug = invoke(runner, "--debug", "--archive", str(tmp_path / "missing"), "config")
    assert plain.exit_code == debug.exit_code == ExitCode.ARCHIVE
    assert "Traceback" in debug.stderr and "Traceback" not in plain.stderr
    assert "错误：" in debug.stderr


def test_archive_given_as_a_file_is_the_same_error_by_flag_and_by_environment(
    runner, ascii_archive: Path
) -> None:
    settings = ascii_archive / "credit.toml"
    by_flag = invoke(runner, "--archive", str(settings), "config")
    by_env = runner.invoke(cli, ["config"], env={"CREDIT_ARCHIVE": str(settings)})
    assert by_flag.exit_code == by_env.exit_code == ExitCode.ARCHIVE
    for result in (by_flag, by_env):
        assert "是文件，不是档案文件夹" in result.stderr
        assert "credit init" not in result.stderr  # no advice to make an archive of a file


def test_a_missing_input_file_is_a_usage_error_for_every_command(
    runner, ascii_archive: Path, tmp_path: Path
) -> None:
    missing = str(tmp_path / "missing.xlsx")
    for argv in (
        ["enterprise", "import", missing],
        ["explain", missing],
        ["template", "check", missing],
        ["ingest", missing],
        ["ingest", "--assign", missing, CODE],
    ):
        result = invoke(runner, *argv, archive=ascii_archive)
        assert result.exit_code == ExitCode.USAGE, (argv, result.stderr)
        assert "missing.xlsx" in result.stderr and "不存在" in result.stderr


def test_readme_documents_every_exit_code() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Exit codes") :]
    for code in ExitCode:
        assert f"| {int(code)} |" in table, code


# -- closed stdout ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["enterprise", "list", "--nl"],
        ["enterprise", "list"],
        ["enterprise", "show", CODE],
        ["enterprise", "show", CODE, "--json"],
        ["config"],
    ],
)
def test_closed_stdout_ends_quietly(ascii_archive: Path, argv: list[str]) -> None:
    env = {**os.environ, "CREDIT_ARCHIVE": str(ascii_archive), "CREDIT_LANG": "zh"}
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    process.stdout.close()  # the reader is gone before the first line: `| head -0`
    stderr = process.stderr.read().decode()
    assert process.wait() == ExitCode.BROKEN_PIPE == 141
    assert stderr == ""


def test_explain_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    from tests.parsers_fixtures import write_docx

    document = write_docx(tmp_path / "x.docx", ["承诺内容第一条"] * 40, title="安全生产承诺书")
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "explain", str(document)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "CREDIT_LANG": "zh"},
    )
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait() == ExitCode.BROKEN_PIPE, stderr
    assert stderr == ""


@pytest.mark.parametrize("language", ["zh", "en"])
def test_writing_to_a_closed_stdout_is_an_error(ascii_archive: Path, language: str) -> None:
    """``credit enterprise list >&-``: the output is lost, so it is not a success."""
    env = {**os.environ, "CREDIT_ARCHIVE": str(ascii_archive), "CREDIT_LANG": language}
    process = subprocess.run(
        [sys.executable, "-m", "cli", "enterprise", "list"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        preexec_fn=lambda: os.close(1),
    )
    stderr = process.stderr.decode()
    assert process.returncode == ExitCode.ERROR, stderr
    assert ("标准输出" if language == "zh" else "standard output") in stderr.lower()


# -- filters ------------------------------------------------------------------------------------


def test_filters_accept_known_values_and_short_forms(runner, ascii_archive: Path) -> None:
    result = invoke(
        runner, "enterprise", "list", "--industry", "矿山", "--nl", archive=ascii_archive
    )
    assert result.exit_code == 0
    assert [json.loads(line)["credit_code"] for line in result.stdout.splitlines()] == [CODE]
    result = invoke(runner, "enterprise", "list", "--town", "塔峰镇", "--nl", archive=ascii_archive)
    assert [json.loads(line)["credit_code"] for line in result.stdout.splitlines()] == [OTHER]


def test_unknown_filter_values_name_the_allowed_ones(runner, ascii_archive: Path) -> None:
    result = invoke(runner, "enterprise", "list", "--industry", "火箭", archive=ascii_archive)
    assert result.exit_code == 2
    assert "火箭" in result.stderr and "非煤矿山、危险化学品" in result.stderr
    result = invoke(runner, "gen-commitment", "--industry", "火箭", archive=ascii_archive)
    assert result.exit_code == 2 and "可选行业" in result.stderr
    assert not (ascii_archive / "out").exists() or not any((ascii_archive / "out").iterdir())
    result = invoke(runner, "enterprise", "list", "--town", "火星镇", archive=ascii_archive)
    assert result.exit_code == 2 and "塔峰镇" in result.stderr
    result = invoke(runner, "audit", "log", "--code", BAD_CHECKSUM, archive=ascii_archive)
    assert result.exit_code == 2 and "校验" in result.stderr
    result = invoke(runner, "audit", "log", "--type", "x.y", archive=ascii_archive)
    assert result.exit_code == 2 and "enterprise.added" in result.stderr
    result = invoke(runner, "audit", "log", "--code", CODE, "--nl", archive=ascii_archive)
    assert result.exit_code == 0 and CODE in result.stdout


def test_template_check_with_an_unknown_name_lists_the_templates(runner, tmp_path: Path) -> None:
    from templates import template_path

    result = invoke(
        runner, "template", "check", str(template_path("notice_interview")), "--name", "nosuch"
    )
    assert result.exit_code == 2
    assert "nosuch" in result.stderr and "notice_interview" in result.stderr


# -- validation ---------------------------------------------------------------------------------


def test_close_date_must_be_plausible(runner, ascii_archive: Path) -> None:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    for day in ("1900-01-01", "3000-01-01", tomorrow):
        result = invoke(
            runner,
            "enterprise",
            "close",
            CODE,
            "--reason",
            "停产",
            "--date",
            day,
            archive=ascii_archive,
        )
        assert result.exit_code == 2 and day in result.stderr
    result = invoke(
        runner,
        "enterprise",
        "close",
        CODE,
        "--reason",
        "停产",
        "--date",
        date.today().isoformat(),
        archive=ascii_archive,
    )
    assert result.exit_code == 0, result.stderr


def test_blank_values_are_refused(runner, ascii_archive: Path) -> None:
    journal = (ascii_archive / "journal.jsonl").read_bytes()
    result = invoke(runner, "enterprise", "update", CODE, "--name", "", archive=ascii_archive)
    assert result.exit_code == 2 and "单位名称不能为空" in result.stderr
    assert "没有变化" not in result.stderr
    result = invoke(
        runner, "--by", "   ", "enterprise", "update", CODE, "--phone", "1", archive=ascii_archive
    )
    assert result.exit_code == 2 and "操作人" in result.stderr
    assert (ascii_archive / "journal.jsonl").read_bytes() == journal


def test_init_with_an_empty_folder_name_makes_nothing(runner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(runner, "init", "")
    assert result.exit_code == 2 and "不能为空" in result.stderr
    assert not (tmp_path / "credit.toml").exists()


def test_init_derives_the_bureau_and_the_serial_prefix_from_the_county(
    runner, tmp_path: Path
) -> None:
    from archive.store import Archive

    result = invoke(runner, "init", str(tmp_path / "a"), "--county", "江华瑶族自治县")
    assert result.exit_code == 0, result.stderr
    settings = Archive.open(tmp_path / "a").settings
    assert settings["bureau.name"] == "江华瑶族自治县应急管理局"
    assert settings["bureau.county"] == "江华瑶族自治县"
    assert set(settings["letters.prefixes"].values()) == {"江应急诺", "江应急告", "江应急表"}
    result = invoke(runner, "init", str(tmp_path / "b"), "--bureau", "宁远县应急管理局")
    assert result.exit_code == 0, result.stderr
    assert Archive.open(tmp_path / "b").settings["bureau.county"] == "宁远县"


def test_lock_timeout_from_the_environment_is_checked(
    runner, ascii_archive: Path, monkeypatch
) -> None:
    for value in ("-5", "abc", "nan"):
        monkeypatch.setenv("CREDIT_LOCK_TIMEOUT", value)
        result = invoke(runner, "config", archive=ascii_archive)
        assert result.exit_code == 2, value
        assert "CREDIT_LOCK_TIMEOUT" in result.stderr and "提示：" in result.stderr
    monkeypatch.setenv("CREDIT_LOCK_TIMEOUT", "2.5")
    result = invoke(runner, "config", "--json", archive=ascii_archive)
    rows = {row["key"]: row for row in json.loads(result.stdout)}
    assert rows["archive.lock_timeout"]["value"] == 2.5


def test_lock_timeout_in_the_settings_file_is_checked(runner, ascii_archive: Path) -> None:
    settings = ascii_archive / "credit.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace("lock_timeout = 10", "lock_timeout = -5"),
        encoding="utf-8",
    )
    result = invoke(runner, "config", archive=ascii_archive)
    assert result.exit_code == 4 and "lock_timeout" in result.stderr


def test_template_check_of_a_non_docx_says_only_that(runner, tmp_path: Path) -> None:
    result = invoke(runner, "template", "check", "/dev/null")
    assert result.exit_code == 5
    assert "不是 zip 文件" in result.stderr or "zip" in result.stderr
    assert "二维码" not in result.stderr and "语法错误" not in result.stderr


# -- CSV ------------------------------------------------------------------------------------------


def test_csv_columns_are_filled(runner, ascii_archive: Path) -> None:
    result = invoke(runner, "enterprise", "list", "--csv", archive=ascii_archive)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["status_label"] for row in rows] == ["在册", "在册"]
    result = invoke(runner, "template", "list", "--csv")
    rows = {row["name"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    assert all(row["variables"] for row in rows.values())
    assert "enterprise" in rows["commitment_unit"]["variables"]
    assert "interview_time" in rows["notice_interview"]["facts"]


# -- messages -----------------------------------------------------------------------------------


def _click_messages() -> set[str]:
    found = set()
    for path in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "ngettext")
            ):
                found |= {
                    a.value
                    for a in node.args[:2]
                    if isinstance(a, ast.Constant) and isinstance(a.value, str)
                }
    return found


def test_every_message_of_click_has_chinese() -> None:
    missing = sorted(_click_messages() - set(click_zh.MESSAGES) - click_zh.NOT_SHOWN)
    assert not missing, missing


def test_click_messages_translated_in_use(runner) -> None:
    result = invoke(runner, "gen-commitment", "--all", "--year", "1900")
    assert "超出允许的范围" in result.stderr and "is not in the range" not in result.stderr
    result = invoke(runner, "ingest", "--assign", "a")
    assert "需要 2 个值" in result.stderr and "requires" not in result.stderr


@pytest.mark.parametrize("language", ["zh", "en"])
def test_operating_system_errors_in_the_chosen_language(language: str) -> None:
    import errno
    import zipfile

    set_language(language)
    for number in (errno.ENOENT, errno.EACCES, errno.ENOSPC, errno.EEXIST, errno.ENAMETOOLONG):
        text = describe_error(OSError(number, os.strerror(number)))
        assert bool(HAN.search(text)) == (language == "zh"), text
    text = describe_error(zipfile.BadZipFile("File is not a zip file"))
    assert ("File is not a zip file" in text) is False
    assert bool(HAN.search(text)) == (language == "zh")


# -- help -----------------------------------------------------------------------------------------


def _all_commands(group: click.Group = cli, prefix: tuple[str, ...] = ()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _all_commands(command, (*prefix, name))


def _help_texts(runner, language: str):
    yield (), invoke(runner, "--lang", language, "--help", prog_name="credit").stdout
    for path, _command in _all_commands():
        yield path, invoke(runner, "--lang", language, *path, "--help", prog_name="credit").stdout


def test_example_codes_are_valid() -> None:
    texts = [(ROOT / "README.md").read_text(encoding="utf-8")]
    texts += [(command.help or "") for _path, command in _all_commands()]
    codes = set()
    for text in texts:
        codes |= set(re.findall(r"(?<![0-9A-Z])9[0-9A-Z]{17}(?![0-9A-Z])", text))
    assert codes
    assert all(uscc.is_valid(code) for code in codes), codes
    # an example passes every check, the organisation code's (positions 9–17) included
    assert {code: uscc.warnings(code) for code in codes if uscc.warnings(code)} == {}


@pytest.mark.parametrize("language", ["zh", "en"])
def test_help_has_one_colon_style_and_no_stray_spaces(runner, language: str) -> None:
    set_language(language)
    wide = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
    sources = "\n".join(
        text or ""
        for _path, command in [((), cli), *_all_commands()]
        for text in (
            command.help,
            click_zh.translate_metavar(command.help or ""),
            command.epilog,
            *(p.help for p in command.params),
            *(click_zh.translate_metavar(p.metavar or "") for p in command.params),
        )
    )
    for path, text in _help_texts(runner, language):
        assert text, path
        if language == "zh":
            assert text.startswith("用法：credit"), (path, text[:40])
            assert "选项：" in text and "选项:" not in text and "Options" not in text
            for line in text.splitlines():
                # a space between Chinese characters that the source does not have: a line
                # break of the source turned into a space
                for match in re.finditer(f"(?={wide} {wide})", line):
                    pair = line[match.start() : match.start() + 3]
                    assert pair in sources, (path, line)
                assert click_zh.display_width(line) <= 100, (path, line)
        else:
            assert text.startswith("Usage: credit") and "Options:" in text


def test_wrapping_breaks_chinese_by_display_width() -> None:
    text = "档案是一个文件夹（credit init 新建）；所有改动记入带哈希链的日志 journal.jsonl。" * 3
    wrapped = click_zh.wrap_text(text, 40, preserve_paragraphs=True)
    lines = wrapped.splitlines()
    assert len(lines) > 3
    assert all(click_zh.display_width(line) <= 42 for line in lines)  # closing punctuation
    assert "journal.jsonl" in wrapped.replace("\n", "")
    assert not any(line.startswith(("，", "。", "；", "）")) for line in lines)
    joined = click_zh.join_lines(["甲乙", "丙丁", "and", "more"])
    assert joined == "甲乙丙丁 and more"


def test_gen_notice_does_not_offer_jobs(runner) -> None:
    assert "--jobs" not in invoke(runner, "gen-notice", "--help").stdout
    assert "--jobs" in invoke(runner, "gen-commitment", "--help").stdout
    result = invoke(runner, "gen-notice", "notice_interview", CODE, "--jobs", "2")
    assert result.exit_code == 2


def test_demo_help_describes_what_the_demo_does(runner) -> None:
    text = invoke(runner, "demo", "--help").stdout.replace("\n", "").replace(" ", "")
    for step in ("导入", "注销", "承诺书", "二维码", "归档", "inbox/unmatched/"):
        assert step in text, step


def test_ci_installs_libreoffice_when_soffice_is_missing() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "command -v soffice" in script
    assert "apt-get install -y" in script and "--no-install-recommends libreoffice-writer" in script
    assert script.index("libreoffice-writer") < script.index("pytest")


def test_a_fact_the_template_does_not_use_is_refused(runner, ascii_archive: Path) -> None:
    argv = ["gen-notice", "form_monthly_report", CODE, "--fact", "period=2026-11"]
    result = invoke(runner, *argv, "--fact", "bogus=1", archive=ascii_archive)
    assert result.exit_code == ExitCode.USAGE, result.stderr
    assert "bogus" in result.stderr and "period" in result.stderr  # names what it takes
    assert not (ascii_archive / "out").exists() or not any((ascii_archive / "out").rglob("*.docx"))
    assert invoke(runner, *argv, archive=ascii_archive).exit_code == 0


@pytest.mark.parametrize("county", ['某"某县', "某某县\\", "某某\n县", "某某\t县"])
def test_init_county_with_quotes_or_control_characters(runner, tmp_path: Path, county) -> None:
    """A quote is escaped in credit.toml; a line break is refused; no half-built folder."""
    import tomllib

    folder = tmp_path / "new"
    result = invoke(runner, "init", str(folder), "--county", county)
    if any(ord(char) < 32 for char in county):
        assert result.exit_code == ExitCode.USAGE, result.stderr
        assert "--county" in result.stderr
        assert not folder.exists()
        return
    assert result.exit_code == 0, result.stderr
    settings = tomllib.loads((folder / "credit.toml").read_text(encoding="utf-8"))
    assert settings["bureau"]["county"] == county
    assert settings["bureau"]["name"] == county + "应急管理局"
    assert settings["letters"]["prefixes"]["commitment"] == county[0] + "应急诺"
    assert invoke(runner, "--archive", str(folder), "config").exit_code == 0


def test_a_failed_init_leaves_nothing_behind(runner, tmp_path: Path, monkeypatch) -> None:
    from archive import store

    def broken(*args, **kwargs):
        raise store.ArchiveError("设置文件格式有误")

    monkeypatch.setattr(store, "load_settings", broken)
    folder = tmp_path / "existing"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    assert invoke(runner, "init", str(tmp_path / "new")).exit_code == ExitCode.ARCHIVE
    assert not (tmp_path / "new").exists()
    assert invoke(runner, "init", str(folder)).exit_code == ExitCode.ARCHIVE
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_date_out_of_range_names_the_date_plainly(runner, ascii_archive: Path, language) -> None:
    argv = ["enterprise", "close", CODE, "--reason", "x", "--date", "1900-01-01"]
    result = invoke(runner, "--lang", language, *argv, archive=ascii_archive)
    assert result.exit_code == ExitCode.USAGE
    assert "注销日期 的日期" not in result.stderr and "of Closed on" not in result.stderr
    assert "1900-01-01" in result.stderr


def test_an_unknown_credit_lang_is_a_usage_error(runner, ascii_archive: Path) -> None:
    env = {"CREDIT_LANG": "fr", "CREDIT_ARCHIVE": str(ascii_archive)}
    result = runner.invoke(cli, ["config"], env=env)
    assert result.exit_code == ExitCode.USAGE == 2
    assert "CREDIT_LANG" in result.stderr and "fr" in result.stderr
    assert runner.invoke(cli, ["--lang", "en", "config"], env=env).exit_code == 0  # flag wins
    for value in ("en", "en_US", "zh_CN", "ZH"):
        env["CREDIT_LANG"] = value
        assert runner.invoke(cli, ["config"], env=env).exit_code == 0, value


@pytest.mark.parametrize("user", [" ", "\t", "张\n三"])
def test_a_blank_credit_user_is_refused(runner, ascii_archive: Path, user: str) -> None:
    env = {"CREDIT_USER": user, "CREDIT_ARCHIVE": str(ascii_archive)}
    argv = ["enterprise", "update", CODE, "--town", "塔峰镇"]
    result = runner.invoke(cli, argv, env=env)
    assert result.exit_code == ExitCode.USAGE, result.stderr
    assert "CREDIT_USER" in result.stderr
    journal = (ascii_archive / "journal.jsonl").read_text(encoding="utf-8")
    assert "enterprise.updated" not in journal


@pytest.mark.parametrize("phone", ["abc", "!!!", "0746-221234five", "电话见附件", "12"])
def test_a_phone_that_is_not_a_phone_number_is_refused(runner, ascii_archive: Path, phone) -> None:
    for argv in (
        ["enterprise", "add", make_code(105), "--name", "丙公司", "--phone", phone],
        ["enterprise", "update", CODE, "--phone", phone],
    ):
        for language in ("zh", "en"):
            result = invoke(runner, "--lang", language, *argv, archive=ascii_archive)
            assert result.exit_code == ExitCode.ERROR, result.stderr
            assert phone in result.stderr
            assert ("电话号码" if language == "zh" else "phone number") in result.stderr
    shown = invoke(runner, "enterprise", "show", CODE, "--json", archive=ascii_archive)
    assert json.loads(shown.stdout).get("phone") in (None, "")


@pytest.mark.parametrize(
    "phone",
    [
        "0746-2212345",
        "(0746) 221 2345",
        "+86 138 0000 0000",
        "０７４６－２２１２３４５",
        "0746-2212345 转 8012",
        "0746-2212345/13800000000",
        "13800000000、0746-2212345",
        "13800000000（王经理）",
        "办公室：0746-2212345",
    ],
)
def test_phone_numbers_as_clerks_write_them_are_kept(runner, ascii_archive: Path, phone) -> None:
    result = invoke(runner, "enterprise", "update", CODE, "--phone", phone, archive=ascii_archive)
    assert result.exit_code == 0, result.stderr
    shown = invoke(runner, "enterprise", "show", CODE, "--json", archive=ascii_archive)
    assert json.loads(shown.stdout)["phone"] == phone  # as written


@given(st.text(alphabet=st.characters(categories=["L"]), min_size=1, max_size=8))
def test_letters_are_never_a_phone_number(word: str) -> None:
    from archive.enterprises import is_phone_number

    assert not is_phone_number("0746-2212345" + word)
    assert not is_phone_number(word)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_an_unchanged_update_on_a_full_disk_does_not_claim_a_change(
    tmp_path: Path, language: str
) -> None:
    """'No changes.' and then 'the change is in the journal' contradict each other."""
    from tests.test_archive_robustness import child_env, credit

    root = new_archive_root(tmp_path)
    full = child_env(CREDIT_FAULT="index.disk_full", CREDIT_LANG=language)
    added = credit("enterprise", "add", CODE, "--name", "甲", archive=root, env=full)
    assert added.returncode == 0, added.stderr
    same = credit("enterprise", "update", CODE, "--name", "甲", archive=root, env=full)
    assert same.returncode == 0, same.stderr
    assert ("没有变化" if language == "zh" else "No changes") in same.stderr
    assert ("更改已记入日志" if language == "zh" else "change is in the journal") not in same.stderr
    assert ("未能更新" if language == "zh" else "could not be updated") in same.stderr


def new_archive_root(tmp_path: Path) -> Path:
    from tests.helpers import new_archive

    return new_archive(tmp_path).root


@pytest.mark.parametrize("language", ["zh", "en"])
def test_ingest_lines_have_no_space_before_the_colon(
    runner, ascii_archive: Path, tmp_path: Path, language: str
) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "scan.pdf").write_bytes(b"%PDF-1.4\ngarbage\n")
    result = invoke(runner, "--lang", language, "ingest", str(inbox), archive=ascii_archive)
    assert result.exit_code == ExitCode.INPUT_FAILED, result.stderr
    line = next(line for line in result.stderr.splitlines() if "scan.pdf" in line)
    assert " ：" not in line and " :" not in line, line


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_damaged_xlsx_is_described_in_the_chosen_language(
    runner, ascii_archive: Path, tmp_path: Path, language: str
) -> None:
    roster = tmp_path / "roster.xlsx"
    roster.write_bytes(b"PK\x03\x04garbage")
    result = invoke(
        runner, "--lang", language, "enterprise", "import", str(roster), archive=ascii_archive
    )
    assert result.exit_code == ExitCode.INPUT_FAILED
    output = result.stdout + result.stderr
    if language == "zh":
        assert "File is not a zip file" not in output and "不是有效的 zip 文件" in output
    else:
        assert "not a valid zip file" in output and not HAN.search(output.replace("roster", ""))


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_damaged_index_is_described_in_the_chosen_language(
    runner, ascii_archive: Path, language: str
) -> None:
    (ascii_archive / "index" / "head.json").write_bytes(b'{"tables": "a\x01b')
    result = invoke(runner, "--lang", language, "enterprise", "list", "--nl", archive=ascii_archive)
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 2  # rebuilt from the journal
    assert "head.json" in result.stderr
    if language == "zh":
        assert "JSON 格式有误" in result.stderr, result.stderr
        assert not re.search(r"unexpected|control character|line \d+", result.stderr)
    else:
        assert "invalid JSON" in result.stderr and not HAN.search(result.stderr), result.stderr
