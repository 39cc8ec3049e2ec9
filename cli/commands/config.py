"""credit config"""

from __future__ import annotations

import click

from archive.i18n import N_, _
from cli.base import Command, get_env
from cli.output import output_options, render_rows, warn


def _one_per_table(row: dict) -> list[dict]:
    """A list of tables (``[[monthly.requirements]]``) as one row each, for people."""
    value = row["value"]
    if not (isinstance(value, list) and value and all(isinstance(item, dict) for item in value)):
        return [row]
    return [
        {**row, "key": f"{row['key']}[{number}]", "value": item}
        for number, item in enumerate(value, 1)
    ]


@click.command(cls=Command)
@output_options
def config(fmt: str) -> None:
    """显示每一项设置的实际取值和来源（命令行、环境变量、credit.toml 或默认值）。

    \b
    示例：
      credit config
      credit --lock-timeout 30 config --json
    """
    from archive.settings import describe_settings

    env = get_env()
    archive = env.open_archive()
    rows = describe_settings(archive.settings, found_by=archive.found_by, actor=env.actor)
    source_names = {
        "flag": _("命令行"),
        "env": _("环境变量"),
        "file": _("设置文件"),
        "default": _("默认值"),
        "search": _("向上查找"),
    }
    if fmt == "table":
        rows = [{**row, "source": source_names.get(row["source"], row["source"])} for row in rows]
        rows = [item for row in rows for item in _one_per_table(row)]
    render_rows(
        env,
        rows,
        [
            ("key", N_("设置项")),
            ("value", N_("取值")),
            ("source", N_("来源")),
            ("origin", N_("出处")),
        ],
        fmt,
    )
    for key in archive.settings.unknown_keys:
        warn(env, _("credit.toml 中有不认识的设置项 {key}（已忽略）", key=key))
