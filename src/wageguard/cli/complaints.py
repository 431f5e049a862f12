"""``wageguard complaints``: QR codes, notice boards, escalations, the working-day calendar, and the one-off
encryption of complaints stored before migration 0005b."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from wageguard.auth.scope import SYSTEM
from wageguard.cli.context import database, protector, settings
from wageguard.complaints.choices import OVERDUE_LABELS, STATE_LABELS
from wageguard.complaints.noticeboard import notice_board_pdf
from wageguard.complaints.qr import complaint_url, qr_png, qr_svg
from wageguard.complaints.queries import list_cases, public_project
from wageguard.complaints.service import encrypt_legacy_complaints, set_calendar_day
from wageguard.workdays import china_today, load_calendar

app = typer.Typer(help="投诉 / complaints", no_args_is_help=True)


@app.command("qr")
def qr(project_code: str, out: Path = typer.Option(..., help="file ending in .svg or .png")) -> None:
    """Write the QR code that opens a project's complaint form."""
    with database().sessions() as session:
        public_project(session, project_code)
    url = complaint_url(settings().public_base_url, project_code)
    out.write_bytes(qr_png(url) if out.suffix.lower() == ".png" else qr_svg(url))
    typer.echo(f"{out}  ->  {url}")


@app.command("notice-board")
def notice_board(project_code: str, out: Path = typer.Option(..., help="PDF file to write")) -> None:
    """Write a project's rights notice board (维权信息告示牌) as PDF."""
    with database().sessions() as session:
        out.write_bytes(notice_board_pdf(session, settings(), project_code))
    typer.echo(f"已生成告示牌 / notice board written: {out}")


@app.command("escalations")
def escalations(region: str | None = typer.Option(None, help="limit to a region code")) -> None:
    """List open cases that are overdue or due soon (working days)."""
    with database().sessions() as session:
        result = list_cases(
            session,
            SYSTEM,
            today=china_today(),
            calendar=load_calendar(session),
            settings=settings(),
            escalated_only=True,
            limit=500,
        )
    for c in result.items:
        if region and not c.region_code.startswith(region):
            continue
        due = c.finish_due or c.accept_due
        typer.echo(
            f"{c.tracking_code}\t{c.region_code}\t{STATE_LABELS[c.state]}\t{due}\t{OVERDUE_LABELS[c.overdue]}"
        )


@app.command("encrypt-personal-data")
def encrypt_personal_data() -> None:
    """Encrypt descriptions and photos stored in clear before migration 0005b (idempotent; run once after
    upgrading, with the production data key)."""
    complaints, photos = encrypt_legacy_complaints(db=database(), protector=protector())
    typer.echo(f"已加密 / encrypted: {complaints} complaints, {photos} photos")


@app.command("calendar-set")
def calendar_set(
    day: str,
    working: bool = typer.Option(..., "--working/--rest", help="a working day or a rest day"),
    note: str | None = typer.Option(None),
) -> None:
    """Override one day of the working-day calendar (e.g. next year's 调休 before the package knows it)."""
    with database().transaction() as session:
        set_calendar_day(session=session, day=date.fromisoformat(day), is_working=working, note=note)
    typer.echo(f"{day}: {'工作日 / working' if working else '休息日 / rest'}")


@app.command("add-working-days")
def add_days(start: str, n: int) -> None:
    """Print the n-th Chinese working day after START (database overrides applied)."""
    with database().sessions() as session:
        typer.echo(load_calendar(session).add_working_days(date.fromisoformat(start), n).isoformat())
