"""``wageguard bank import FILE --profile NAME``, ``wageguard export money ...`` and the ``payroll`` object of
``wageguard import`` (pay sheets in the national Payroll shape)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from sqlalchemy import select

from wageguard.auth.scope import SYSTEM
from wageguard.cli.context import database, protector, settings
from wageguard.errors import ImportRejected, NotFound, WageGuardError
from wageguard.ingest.boundary import Limits
from wageguard.payroll import exports, queries
from wageguard.payroll.banks.profiles import PROFILES
from wageguard.payroll.banks.records import normalise_card
from wageguard.payroll.models import WageAccount
from wageguard.payroll.payments import ImportResult, import_bank_file
from wageguard.payroll.paysheets import import_payroll_file
from wageguard.registry.models import Project

bank_app = typer.Typer(help="银行代发流水 / bank payment flows", no_args_is_help=True)
export_app = typer.Typer(help="资金报表 / money exports", no_args_is_help=True)
SHOWN = 20


def _rejected(exc: ImportRejected, report: Path | None) -> None:
    typer.echo(f"{exc.message_zh} / {exc}")
    for p in exc.problems[:SHOWN]:
        typer.echo(f"  行/row {p.row}  {p.field}={p.value or ''}  {p.message_zh} / {p.message_en}")
    if len(exc.problems) > SHOWN:
        typer.echo(f"  … 另有 {len(exc.problems) - SHOWN} 条 / {len(exc.problems) - SHOWN} more")
    if report is not None:
        report.write_text(json.dumps(exc.report, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    raise typer.Exit(2)


def _summary(result: ImportResult) -> str:
    """Every kind an import stored: payments, inflows and balances (a statement may hold no payment)."""
    return (
        f"已导入 / imported: 代发 payments {result.inserted} 新增 new, {result.duplicates} 重复 duplicates, "
        f"{result.updated} 状态更新 updated; 入账 inflows {result.credits_inserted} 新增 new, "
        f"{result.credits_duplicates} 重复 duplicates; 余额 balances {result.balances} 条 recorded; "
        f"{json.dumps(result.outcomes, ensure_ascii=False)}"
    )


@bank_app.command("import")
def bank_import(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    profile: str = typer.Option("generic", "--profile", help=f"CSV/XLSX layout: {', '.join(PROFILES)}"),
    account: str | None = typer.Option(None, "--account", help="the wage account the file is for"),
    report: Path | None = typer.Option(None, "--report", help="write the JSON report here"),
    encoding: str | None = typer.Option(
        None, "--encoding", help="CSV encoding when detection cannot tell (gb18030, big5, utf-16 ...)"
    ),
) -> None:
    """Import a bank file (CSV/XLSX via a profile, camt.053/camt.054/pain.001 XML): exit 2 if rejected."""
    try:
        result = import_bank_file(
            db=database(),
            principal=SYSTEM,
            protector=protector(),
            path=file,
            profile=profile,
            account_no=account,
            actor="cli",
            chunk_rows=settings().import_batch_rows,
            limits=Limits.of(settings()),
            encoding=encoding,
        )
    except ImportRejected as exc:
        _rejected(exc, report)
    except WageGuardError as exc:
        typer.echo(f"{exc.message_zh} / {exc}")
        raise typer.Exit(2) from None
    data = result.as_dict()
    typer.echo(_summary(result))
    if report is not None:
        report.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")


@bank_app.command("profiles")
def bank_profiles() -> None:
    """List the CSV/XLSX column-mapping profiles."""
    for p in PROFILES.values():
        typer.echo(f"{p.name}\t{p.label_zh}")


def import_payroll_command(
    file: Path, report: Path | None, encoding: str | None = None, file_format: str | None = None
) -> None:
    """``wageguard import payroll FILE``: pay sheets from JSON, CSV or XLSX (told by the content) with
    national field names."""
    try:
        sheets = import_payroll_file(
            db=database(),
            principal=SYSTEM,
            protector=protector(),
            path=file,
            actor="cli",
            encoding=encoding,
            limits=Limits.of(settings()),
            file_format=file_format,
        )
    except ImportRejected as exc:
        _rejected(exc, report)
        return
    for s in sheets:
        head = f"{s['projectCode']} {s['teamSysNo']} {s['payMonth']}"
        typer.echo(f"{head}: v{s['version']} {s['status']} ({s['lines']})")


@export_app.command("pay")
def export_pay(
    project: str = typer.Option(..., "--project", help="project code"),
    month: str = typer.Option(..., "--month", help="yyyy-MM"),
    out: Path = typer.Option(..., "--out", help="XLSX file to write"),
) -> None:
    """Declared vs paid per worker for a project and month, as XLSX."""
    with database().sessions() as session:
        project_id = session.scalar(select(Project.id).where(Project.project_code == project))
        if project_id is None:
            typer.echo(f"未找到项目 / no project {project}")
            raise typer.Exit(2)
        out.write_bytes(exports.pay_workbook(queries.project_month_pay(session, SYSTEM, project_id, month)))
    typer.echo(f"已写入 / written: {out}")


@export_app.command("account")
def export_account(
    account: str = typer.Option(..., "--account", help="wage account number"),
    out: Path = typer.Option(..., "--out", help="XLSX file to write"),
) -> None:
    """Inflows vs outflows per month and the latest balance of a wage account, as XLSX."""
    bidx = protector().blind_index(normalise_card(account))
    with database().sessions() as session:
        account_id = session.scalar(select(WageAccount.id).where(WageAccount.account_bidx == bidx))
        if account_id is None:
            raise NotFound("no such account", message_zh="未找到账户")
        out.write_bytes(exports.account_workbook(queries.account_summary(session, SYSTEM, account_id)))
    typer.echo(f"已写入 / written: {out}")
