"""Conventions every command keeps: help with examples, lazy imports, layers, translations."""

from __future__ import annotations

import ast
import json
import re
import string
import subprocess
import sys
from pathlib import Path

import click
import pytest

from archive.i18n import catalog, message_key, set_language
from cli.main import COMMANDS, cli
from tests.conftest import invoke

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pdfplumber", "pypdfium2", "docx", "docxtpl", "openpyxl", "tinydb", "rich")


def _all_commands() -> list[tuple[str, click.Command]]:
    ctx = click.Context(cli)
    found: list[tuple[str, click.Command]] = []

    def walk(group: click.Group, prefix: str) -> None:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None, name
            found.append((f"{prefix}{name}", command))
            if isinstance(command, click.Group):
                walk(command, f"{prefix}{name} ")

    walk(cli, "")
    return found


def test_every_command_has_help_with_an_example() -> None:
    commands = _all_commands()
    assert {name for name, _ in commands} >= set(COMMANDS)
    for name, command in commands:
        assert command.help and command.help.strip(), f"credit {name} has no help text"
        assert "示例" in command.help, f"credit {name} --help has no example"
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                assert param.help, f"credit {name} {param.opts[0]} has no help"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_runs_for_every_command(runner, name: str) -> None:
    result = invoke(runner, name, "--help")
    assert result.exit_code == 0
    assert "示例" in result.stdout


def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys\n"
        "from cli.main import main\n"
        "sys.argv = ['credit', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_layers_keep_their_imports() -> None:
    for path in (ROOT / "cli").rglob("*.py"):
        forbidden = _imports(path) & {
            "docx",
            "docxtpl",
            "pdfplumber",
            "pypdfium2",
            "tinydb",
            "openpyxl",
        }
        assert not forbidden, f"{path} imports {forbidden}"
    for folder in ("archive", "parsers"):
        for path in (ROOT / folder).rglob("*.py"):
            forbidden = _imports(path) & {"click", "rich", "cli"}
            assert not forbidden, f"{path} imports {forbidden}"
    for path in (ROOT / "parsers").rglob("*.py"):
        assert "tinydb" not in _imports(path), f"{path} reaches into the index"


# -- layers between the project's own modules ---------------------------------------------------

# The bottom layer: the archive's machinery and shared helpers.  It imports no domain module.
BOTTOM = {
    "archive",
    "archive.cnnum",
    "archive.dossier",
    "archive.errors",
    "archive.events",
    "archive.faults",
    "archive.fonts",
    "archive.fsutil",
    "archive.i18n",
    "archive.index",
    "archive.journal",
    "archive.letters",
    "archive.letters.catalog",
    "archive.letters.render.qr",  # what our QR codes hold: read by the scan parsers too
    "archive.pool",
    "archive.regimes",
    "archive.report",
    "archive.resident_id",
    "archive.roster",
    "archive.settings",
    "archive.store",
    "archive.uscc",
    "archive.validation",
    "archive.walk",
    "archive.workdays",
    "archive.xlsx",
}
# Domain modules, each above the ones it may import: a domain imports the bottom layer and
# only domains of a lower rank, so their imports run in one direction.
DOMAIN_RANKS = {
    "archive.enterprises": 1,
    "archive.rectifications": 1,
    "archive.accidents": 2,
    "archive.interviews": 4,
    "archive.letters.render": 2,
    "archive.letters.issue": 3,
    "archive.letters.returns": 4,
    "archive.ingest": 5,
    "archive.records": 6,
    "archive.scans": 6,
    "archive.monthly": 6,
    "archive.penalties": 6,
    "archive.blacklist": 7,
    "archive.reminders": 7,
    "archive.standing": 8,
    "archive.blacklist_summary": 8,
    "archive.publish": 9,
}
# Tools over the whole archive (they may import any module of archive/ and parsers/).
TOP = {
    "archive.audit",
    "archive.demo",
    "archive.demo_scans",
    "archive.overdue",
    "archive.report_monthly",
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _project_modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for folder in ("archive", "cli", "parsers")
        for path in (ROOT / folder).rglob("*.py")
    }


def _project_imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project's modules that ``name`` imports anywhere: at the top, inside functions,
    under ``TYPE_CHECKING`` (``from archive import uscc`` imports ``archive.uscc``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                child = f"{base}.{alias.name}"
                found.add(child if child in modules else base)
    result = set()
    for item in found:
        while item and item not in modules:  # import a.b.c of a module a.b … keeps a.b
            item = item.rpartition(".")[0]
        if item and item != name:
            result.add(item)
    return result


def _import_graph() -> dict[str, set[str]]:
    modules = _project_modules()
    return {name: _project_imports(name, path, modules) for name, path in modules.items()}


PACKAGES = {"archive", "archive.letters"}  # package inits, no layer for what is inside them


def _placed(name: str) -> str | None:
    """The module named in the layers that ``name`` belongs to: itself, or the package it is
    part of (``archive.letters.render.qr`` is part of ``archive.letters.render``)."""
    item = name
    while item:
        if item in BOTTOM | set(DOMAIN_RANKS) | TOP and (item == name or item not in PACKAGES):
            return item
        item = item.rpartition(".")[0]
    return None


def test_every_archive_module_has_a_layer() -> None:
    archive = {name for name in _project_modules() if name.split(".")[0] == "archive"}
    unplaced = {name for name in archive if _placed(name) is None}
    assert unplaced == set(), "add the new module to a layer in this test"
    placed = BOTTOM | set(DOMAIN_RANKS) | TOP
    assert placed - archive == set(), "a module named in the layers is gone"


def test_layers_between_the_project_s_modules() -> None:
    graph = _import_graph()
    problems = []
    for module, imported in sorted(graph.items()):
        name = _placed(module) or module
        for other_module in sorted(imported):
            other = _placed(other_module) or other_module
            if other == name:  # the modules of one package
                continue
            if name in BOTTOM and other not in BOTTOM and not other.startswith("parsers"):
                problems.append(f"{module} (bottom layer) imports {other_module}")
            if name in DOMAIN_RANKS and (
                other in TOP
                or other.startswith("cli")
                or (other in DOMAIN_RANKS and DOMAIN_RANKS[other] >= DOMAIN_RANKS[name])
            ):
                problems.append(f"{module} (domain) imports {other_module}")
            if name.startswith("parsers") and other.startswith("archive") and other not in BOTTOM:
                problems.append(f"{module} (parsers) imports {other_module}")
    assert problems == []


def test_no_import_cycle_among_the_project_s_modules() -> None:
    graph = _import_graph()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for other in sorted(graph.get(name, ())):
            if state.get(other) == 1:
                cycles.append([*path[path.index(other) :], other])
            elif other not in state:
                visit(other, [*path, other])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_the_import_walk_sees_imports_inside_functions() -> None:
    graph = _import_graph()
    # enterprises imports roster only inside plan_import / import_roster
    assert "archive.roster" in graph["archive.enterprises"]
    assert "archive.letters.returns" in graph["archive.ingest"]  # from archive.letters import …
    assert "archive.uscc" in graph["archive.audit"]  # from archive import uscc


def test_every_event_type_is_declared_by_a_domain_with_a_label() -> None:
    from archive import events

    english = catalog("en")
    for name in events.known_types():
        declared = events.event_type(name)
        assert declared is not None
        assert message_key(declared.label) in english, name
        assert declared.reducer.__module__ in events.DOMAINS, name
    assert {module for module in events.DOMAINS} <= BOTTOM | set(DOMAIN_RANKS)


def _messages() -> dict[str, Path]:
    """Every literal passed to _() or N_(), and every command docstring / option help."""
    found: dict[str, Path] = {}
    for folder in ("archive", "cli", "parsers"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "N_")
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    found[message_key(node.args[0].value)] = path
    for _name, command in [("", cli), *_all_commands()]:
        found[message_key(command.help or "")] = ROOT / "cli"
        if command.epilog:
            found[message_key(command.epilog)] = ROOT / "cli"
        for param in command.params:
            if isinstance(param, click.Option) and param.help and not param.hidden:
                found[message_key(param.help)] = ROOT / "cli"
    found.pop("", None)
    return found


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def test_every_message_has_an_english_translation_with_the_same_placeholders() -> None:
    english = catalog("en")
    missing = sorted(key for key in _messages() if key not in english)
    assert not missing, "missing English for:\n" + "\n".join(missing)
    for key, value in english.items():
        assert _fields(key) == _fields(value), f"placeholders differ: {key!r} → {value!r}"


def test_english_catalog_has_no_stale_entries() -> None:
    used = _messages()
    stale = sorted(key for key in catalog("en") if key not in used)
    assert not stale, "English for messages no longer used:\n" + "\n".join(stale)


def test_english_catalog_has_no_chinese_left() -> None:
    han = re.compile(r"[\u4e00-\u9fff]")
    # Chinese may stay where the English names a Chinese document or field on purpose.
    leftovers = [
        value for value in catalog("en").values() if han.search(value) and "“" not in value
    ]
    assert len(leftovers) <= len(catalog("en")) // 10


def test_language_switch(runner, archive_dir: Path) -> None:
    result = invoke(
        runner, "--lang", "en", "enterprise", "show", "91110000600037341L", archive=archive_dir
    )
    assert result.exit_code == 1
    assert "Error:" in result.stderr
    set_language("zh")
    result = invoke(runner, "enterprise", "show", "91110000600037341L", archive=archive_dir)
    assert "错误：" in result.stderr


def test_environment_language(runner, archive_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("CREDIT_LANG", "en")
    set_language(None)
    result = invoke(runner, "--help")
    assert "Usage:" in result.stdout
    assert "Options" in result.stdout


def test_chinese_usage_errors(runner) -> None:
    result = invoke(runner, "--no-such-option")
    assert result.exit_code == 2
    assert "没有" in result.stderr


def test_version(runner) -> None:
    result = invoke(runner, "--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("credit ")


def test_json_keys_are_english(runner, archive_dir: Path) -> None:
    invoke(
        runner, "enterprise", "add", "91110000600037341L", "--name", "甲公司", archive=archive_dir
    )
    out = invoke(runner, "enterprise", "list", "--json", archive=archive_dir).stdout
    for record in json.loads(out):
        for key in record:
            assert re.fullmatch(r"[a-z][a-z0-9_]*", key), key


def test_shell_completion(runner) -> None:
    result = runner.invoke(cli, [], env={"_CREDIT_COMPLETE": "bash_source"}, prog_name="credit")
    assert result.exit_code == 0
    assert "_credit_completion" in result.stdout


def test_registry_short_helps_match_the_commands() -> None:
    """``credit --help`` lists commands from the registry without importing them."""
    ctx = click.Context(cli)
    for name, (_target, short) in COMMANDS.items():
        command = cli.get_command(ctx, name)
        assert command is not None
        assert command.get_short_help_str() == short, name


def test_help_lists_commands_without_importing_them() -> None:
    code = (
        "import sys\n"
        "from cli.main import main\n"
        "sys.argv = ['credit', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('cli.commands.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"
    assert "gen-commitment" in out
