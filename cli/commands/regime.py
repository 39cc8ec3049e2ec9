"""credit regime list / show"""

from __future__ import annotations

import click

from archive.i18n import N_, _
from cli.base import Command, Group, get_env, option
from cli.output import dumps, output_options, render_rows

CRITERIA_COLUMNS = [
    ("list", N_("名单")),
    ("number", N_("情形")),
    ("short", N_("简称")),
    ("text", N_("条款")),
    ("basis", N_("自动提出规则 / 依据的记录情形")),
]


def _archive_or_none():
    """The archive when there is one; the shipped regimes need none."""
    from archive.errors import ArchiveNotFound

    env = get_env()
    try:
        return env.open_archive()
    except ArchiveNotFound:
        if env.archive_path is not None:
            raise
        return None


@click.group(cls=Group)
def regime() -> None:
    """规则体系：不良信用记录和黑名单的情形、期限、步骤（在 credit.toml 的 [rules] regime 中选择）。

    \b
    示例：
      credit regime list
      credit regime show
      credit regime show national-2023 --json
      credit regime show county-2019 --toml > 我的规则.toml
    """


@regime.command(name="list", cls=Command)
@output_options
def list_(fmt: str) -> None:
    """列出可用的规则体系：内置的和档案 regimes/ 文件夹中的。

    \b
    示例：
      credit regime list
      credit regime list --json
    """
    env = get_env()
    archive = _archive_or_none()
    chosen = archive.settings["rules.regime"] if archive is not None else None
    from archive.errors import CreditError
    from archive.regimes import available, load_regime

    rows = []
    for regime_id in available(archive):
        try:
            item = load_regime(archive, regime_id)
        except CreditError as exc:  # one broken file of the archive's: say so, list the rest
            rows.append({"id": regime_id, "chosen": regime_id == chosen, "problem": exc.message})
            continue
        rows.append(
            {
                "id": item.id,
                "title": item.title,
                "version": item.version,
                "source": item.source,
                "chosen": item.id == chosen,
                "term_years": item.term_years,
                "problem": None,
            }
        )
    render_rows(
        env,
        rows,
        [
            ("id", N_("规则体系")),
            ("title", N_("名称")),
            ("version", N_("版本")),
            ("term_years", N_("黑名单期限（年）")),
            ("chosen", N_("本档案使用")),
            ("source", N_("来源")),
            ("problem", N_("问题")),
        ],
        fmt,
    )


@regime.command(cls=Command)
@click.argument("regime_id", metavar="ID", required=False)
@option("--toml", "as_toml", is_flag=True, help="输出规则文件原文（可作为档案自定义规则的样板）。")
@output_options
def show(regime_id: str | None, as_toml: bool, fmt: str) -> None:
    """显示一个规则体系（默认本档案使用的）：情形、期限、步骤及其期限、提前移出。

    \b
    示例：
      credit regime show
      credit regime show national-2023
      credit regime show county-2019 --json
    """
    from pathlib import Path

    from archive.regimes import load_regime

    env = get_env()
    found = load_regime(_archive_or_none(), regime_id)
    if as_toml:
        from archive.regimes import BUILTIN

        path = Path(found.source) if found.source != "builtin" else BUILTIN / f"{found.id}.toml"
        click.echo(path.read_text(encoding="utf-8"), file=env.stdout, nl=False)
        return
    if fmt in ("json", "nl"):
        click.echo(dumps(found.as_dict(), indent=2 if fmt == "json" else None), file=env.stdout)
        return
    rows = [
        {
            "list": _("不良信用记录"),
            "number": c.number,
            "short": c.short,
            "text": c.text,
            "basis": ", ".join(c.rules) or "—",
        }
        for c in found.record_criteria
    ] + [
        {
            "list": _("黑名单"),
            "number": c.number,
            "short": c.short,
            "text": c.text,
            "basis": ", ".join(c.from_records) or "—",
        }
        for c in found.blacklist_criteria
    ]
    if fmt == "csv":
        render_rows(env, rows, CRITERIA_COLUMNS, fmt)
        return
    click.echo(
        _(
            "{title}（{id}，版本 {version}，来源 {source}）",
            title=found.title,
            id=found.id,
            version=found.version,
            source=found.source,
        ),
        file=env.stdout,
    )
    render_rows(env, rows, CRITERIA_COLUMNS, fmt)
    from archive.regimes import GRADE_LABELS

    by_grade = _("、").join(
        _("{grade} {years} 年", grade=_(GRADE_LABELS[grade]), years=years)
        for grade, years in found.term_by_grade.items()
    )
    click.echo(
        _(
            "黑名单期限：一般 {years} 年{by_grade}，自“{starts}”之日起算",
            years=found.term_years,
            by_grade=_("（按事故等级：{items}）", items=by_grade) if by_grade else "",
            starts=_(found.stage(found.term_starts).label),
        ),
        file=env.stdout,
    )
    steps = []
    for stage in found.stages:
        if stage.days is None:
            steps.append(_(stage.label))
        else:
            unit = _("个工作日") if stage.workdays else _("日")
            steps.append(
                _("{label}（{days}{unit}内）", label=_(stage.label), days=stage.days, unit=unit)
            )
    click.echo(_("步骤：{steps}", steps=" → ".join(steps)), file=env.stdout)
    if found.early_removal:
        click.echo(
            _("提前移出：列入满 {months} 个月可申请", months=found.early_after_months),
            file=env.stdout,
        )
    else:
        click.echo(_("提前移出：不允许"), file=env.stdout)
