"""The ``wageguard`` command: every area's sub-commands, assembled."""

from __future__ import annotations

import typer

from wageguard.cli import attendance as attendance_cli
from wageguard.cli import complaints as complaints_cli
from wageguard.cli import db, serve, users
from wageguard.cli import demo as demo_cli
from wageguard.cli import facts as facts_cli
from wageguard.cli import imports as imports_cli
from wageguard.cli import money as money_cli
from wageguard.cli import monitor as monitor_cli
from wageguard.cli import national as national_cli
from wageguard.cli import registry as registry_cli
from wageguard.cli import risk as risk_cli
from wageguard.cli import screen as screen_cli
from wageguard.monitoring.complaint_link import install as link_complaints_to_alerts
from wageguard.security.logs import install_log_scrubbing

link_complaints_to_alerts()  # complaints raise / reinforce alerts (start-up wiring, one place)
install_log_scrubbing()  # no ID, card or phone number and no secret in any log line
app = typer.Typer(help="薪盾 WageGuard", no_args_is_help=True, pretty_exceptions_enable=False)
app.add_typer(db.app, name="db")
app.command("import")(imports_cli.import_command)
app.add_typer(users.app, name="user")
app.add_typer(complaints_cli.app, name="complaints")
app.add_typer(serve.app, name="serve")
app.add_typer(attendance_cli.device_app, name="device")
app.add_typer(attendance_cli.attendance_app, name="attendance")
app.add_typer(attendance_cli.export_app, name="export")
attendance_cli.export_app.add_typer(money_cli.export_app, name="money")
app.add_typer(money_cli.bank_app, name="bank")
app.add_typer(attendance_cli.emulate_app, name="emulate")
app.add_typer(demo_cli.app, name="demo")
app.add_typer(monitor_cli.app, name="monitor")
app.add_typer(facts_cli.app, name="facts")
app.add_typer(national_cli.app, name="national")
app.add_typer(registry_cli.app, name="registry")
app.add_typer(risk_cli.app, name="risk")
app.add_typer(screen_cli.app, name="screen")

if __name__ == "__main__":
    app()
