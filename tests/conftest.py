"""Shared fixtures: a fresh archive, a CLI runner that keeps stdout and stderr apart."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.i18n import set_language

CREDIT_VARIABLES = (
    "CREDIT_ARCHIVE",
    "CREDIT_LANG",
    "CREDIT_USER",
    "CREDIT_LOCK_TIMEOUT",
    "CREDIT_FAULT",
)


def clear_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """None of the developer's archive, user or language: what every test runs in."""
    for name in CREDIT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    set_language("zh")


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's archive, user or language."""
    clear_environment(monkeypatch)
    yield
    set_language("zh")


@contextmanager
def clean_environment() -> Iterator[None]:
    """The same for a module- or session-scoped fixture: it is set up before the autouse one."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        clear_environment(monkeypatch)
        try:
            yield
        finally:
            set_language("zh")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def archive_dir(tmp_path: Path) -> Path:
    from archive.store import init_archive

    folder = tmp_path / "档案"
    init_archive(folder, actor="测试")
    return folder


def invoke(runner: CliRunner, *args: str, archive: Path | None = None, **kwargs):
    """Run ``credit`` in-process; ``archive`` adds ``--archive``."""
    from cli.main import cli

    argv = ["--archive", str(archive), *args] if archive else list(args)
    return runner.invoke(cli, argv, catch_exceptions=False, **kwargs)


os.environ.setdefault("CREDIT_NO_PROGRESS", "1")


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a ``python -m cli`` child: no developer archive/user/language,
    no progress bars, the repository importable; plus ``extra``."""
    env = {key: value for key, value in os.environ.items() if key not in CREDIT_VARIABLES}
    env["CREDIT_NO_PROGRESS"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    repository = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (repository, os.environ.get("PYTHONPATH", "")) if part
    )
    env.update(extra)
    return env
