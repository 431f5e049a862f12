"""``wageguard import <object> FILE``: import an exchange-format file (JSON, CSV, XLSX) as system admin."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from wageguard.auth.scope import SYSTEM
from wageguard.cli.context import database, protector, settings
from wageguard.errors import ImportRejected, ValidationFailed
from wageguard.ingest.service import import_file

SHOWN_PROBLEMS = 20


def _print_problems(title: str, problems: list[dict[str, object]]) -> None:
    if not problems:
        return
    typer.echo(title)
    for p in problems[:SHOWN_PROBLEMS]:
        typer.echo(
            f"  行/row {p['row']}  {p['field']}={p['value'] or ''}  {p['message_zh']} / {p['message_en']}"
        )
    if len(problems) > SHOWN_PROBLEMS:
        typer.echo(f"  … 另有 {len(problems) - SHOWN_PROBLEMS} 条 / {len(problems) - SHOWN_PROBLEMS} more")


def _write_report(path: Path | None, report: dict[str, object]) -> None:
    if path is not None:
        path.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
        typer.echo(f"完整报告 / full report: {path}")


def import_command(
    object_name: str = typer.Argument(
        ...,
        metavar="OBJECT",
        help="Project, Corp, ProjectSubContractor, Team, ProjectWorker, WorkerEntryExit, WorkerContract, "
        "Payroll, WorkerAttendance (attendance)",
    ),
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    file_format: str | None = typer.Option(
        None, "--format", help="json, csv or xlsx (default: told by the content, else the name)"
    ),
    encoding: str | None = typer.Option(
        None,
        "--encoding",
        help="CSV encoding when detection cannot tell (gb18030, big5, utf-16 ...; default: detected)",
    ),
    report: Path | None = typer.Option(None, "--report", help="write the full JSON report here"),
) -> None:
    """Import FILE as OBJECT: exit 0 when accepted, 2 when rejected (nothing stored)."""
    # --- money slice: ``payroll`` (pay sheets, national Payroll columns) is imported by cli/money.py ---
    if object_name.strip().lower() == "payroll":
        from wageguard.cli.money import import_payroll_command

        import_payroll_command(file, report, encoding, file_format)
        return
    # --- end money slice ---
    # --- attendance slice: ``attendance`` (WorkerAttendance punches) is imported by cli/attendance.py ---
    if object_name.strip().lower() in {"attendance", "workerattendance"}:
        from wageguard.cli.attendance import import_file as import_attendance

        import_attendance(file, encoding, file_format)
        return
    # --- end attendance slice ---
    try:
        result = import_file(
            db=database(),
            protector=protector(),
            object_name=object_name,
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
    except ValidationFailed as exc:
        typer.echo(f"{exc.message_zh} / {exc}")
        raise typer.Exit(2) from None
    data = result.as_dict()
    typer.echo(f"{data['message_zh']}\n{data['message_en']}")
    _print_problems("提示 / warnings:", data["warnings"])
    _write_report(report, data)
