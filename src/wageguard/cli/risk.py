"""``wageguard risk import contracting|tax|registration FILE``: import an external feed as system admin;
``wageguard risk score [--as-of DATE]``: score every enterprise."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from wageguard.auth.scope import SYSTEM
from wageguard.cli.context import database, settings
from wageguard.cli.imports import _print_problems, _write_report
from wageguard.errors import ImportRejected
from wageguard.risk.choices import Feed
from wageguard.risk.scoring import score_enterprises
from wageguard.risk.service import import_feed_file, today_in

app = typer.Typer(help="企业风险 / enterprise risk: external feeds, scores", no_args_is_help=True)


@app.command("import")
def import_command(
    feed: Feed = typer.Argument(..., help="contracting (发包合同), tax (税务), registration (市场监管/信用)"),
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    file_format: str | None = typer.Option(
        None, "--format", help="json, csv or xlsx (default: told by the content, else the name)"
    ),
    encoding: str | None = typer.Option(None, "--encoding", help="CSV encoding when detection cannot tell"),
    report: Path | None = typer.Option(None, "--report", help="write the full JSON report here"),
) -> None:
    """Import FILE as FEED (docs/formats.md, "Risk feeds"): exit 0 accepted, 2 rejected (nothing stored)."""
    try:
        result = import_feed_file(
            db=database(),
            feed=feed,
            path=file,
            actor=SYSTEM,
            file_format=file_format,
            encoding=encoding,
            settings=settings(),
        )
    except ImportRejected as exc:
        typer.echo(f"{exc.report['message_zh']}\n{exc.report['message_en']}")
        _print_problems("错误 / errors:", exc.report["errors"])
        _write_report(report, exc.report)
        raise typer.Exit(2) from None
    data = result.as_dict()
    typer.echo(f"{data['message_zh']}\n{data['message_en']}")
    _print_problems("提示 / warnings:", data["warnings"])
    _write_report(report, data)


@app.command("score")
def score_command(
    as_of: str | None = typer.Option(None, "--as-of", help="YYYY-MM-DD data date; default: today"),
) -> None:
    """Score every enterprise as of the date with the scorecard (docs/risk.md); re-scoring a date
    replaces its scores. W21 alerts follow at the next ``monitor run``."""
    try:
        day = date.fromisoformat(as_of) if as_of else today_in(settings())
    except ValueError:
        typer.echo(f"日期应为 YYYY-MM-DD / --as-of must be YYYY-MM-DD: {as_of}")
        raise typer.Exit(2) from None
    summary = score_enterprises(db=database(), as_of=day)
    bands = ", ".join(f"{band} {n}" for band, n in summary.bands.items()) or "-"
    typer.echo(
        f"评分日期 {summary.as_of}：共评 {summary.scored} 家企业，风险升档 {summary.worsened} 家\n"
        f"scored {summary.scored} enterprises as of {summary.as_of} ({bands}); "
        f"{summary.worsened} moved to a worse band; scorecard {', '.join(summary.versions) or '-'}"
    )
