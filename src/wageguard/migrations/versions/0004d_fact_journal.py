"""monitoring: the fact journal (which projects' facts changed) and the columnar fact mirror

Revision ID: 0004d
Revises: 0004c

``fact_changes`` is appended to by triggers on every table the engine reads per project, in the writing
transaction itself, so no import path can forget it: one row per (table, period, project) touched (SQLite:
per row written; PostgreSQL: per statement, distinct). The engine consumes it: an import-triggered run
re-evaluates only the projects named there, and the mirror refreshes only their rows.

``fact_segments`` holds the mirror: the month's fact rows of the big per-worker tables as Arrow IPC
blobs, one per (mirror, period, bucket of projects); ``fact_mirrors`` says which (mirror, period) are built.
``monitor_runs.projects``: how many projects an incremental run re-evaluated (null: a full run).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004d"
down_revision = "0004c"
branch_labels = None
depends_on = ("0001d", "0002d", "0003e", "0005d")

# (table, project expression, period expression or None, condition or None); "r" is the row written.
# Frozen here: a later change of what is journaled is a new migration.
SOURCES: list[tuple[str, str, str | None, str | None]] = [
    ("projects", "r.id", None, None),
    ("project_workers", "r.project_id", None, None),
    ("labour_contracts", "r.project_id", None, None),
    ("worker_months", "r.project_id", "r.month", None),
    ("worker_days", "r.project_id", "{month:r.work_date}", None),
    ("gate_days", "r.project_id", "{month:r.work_date}", None),
    ("punches", "r.project_id", "{month:r.work_date}", "r.kind <> 'worker'"),
    ("devices", "r.project_id", None, None),
    ("pay_sheets", "r.project_id", "r.pay_month", None),
    ("pay_sheet_lines", "r.project_id", "r.pay_month", None),
    ("bank_payments", "r.project_id", "r.pay_month", None),
    ("wage_accounts", "r.project_id", None, None),
    ("project_money_terms", "r.project_id", None, None),
    (
        "labour_cost_inflows",
        "COALESCE(r.project_id, (SELECT a.project_id FROM wage_accounts a WHERE a.id = r.account_id))",
        None,
        None,
    ),
    ("wage_deposits", "r.project_id", None, None),
    (
        "wage_deposit_movements",
        "(SELECT d.project_id FROM wage_deposits d WHERE d.id = r.deposit_id)",
        None,
        None,
    ),
    ("complaints", "r.project_id", None, "r.project_id IS NOT NULL"),
]


def _month(dialect: str, expr: str) -> str:
    if "{month:" not in expr:
        return expr
    column = expr.removeprefix("{month:").removesuffix("}")
    return f"substr({column}, 1, 7)" if dialect == "sqlite" else f"to_char({column}, 'YYYY-MM')"


def _sqlite(table: str, project: str, period: str | None, cond: str | None) -> list[str]:
    out = []
    for event, rows in (("INSERT", ["NEW"]), ("UPDATE", ["OLD", "NEW"]), ("DELETE", ["OLD"])):
        inserts = []
        for row in rows:
            p = project.replace("r.", f"{row}.")
            m = "NULL" if period is None else _month("sqlite", period).replace("r.", f"{row}.")
            where = "" if cond is None else f" WHERE {cond.replace('r.', f'{row}.')}"
            inserts.append(
                f"INSERT INTO fact_changes (tbl, period, project_id) SELECT '{table}', {m}, {p}{where};"
            )
        out.append(
            f"CREATE TRIGGER fj_{table}_{event.lower()} AFTER {event} ON {table} FOR EACH ROW "
            f"BEGIN {' '.join(inserts)} END"
        )
    return out


def _postgresql(table: str, project: str, period: str | None, cond: str | None) -> list[str]:
    m = "NULL" if period is None else _month("postgresql", period)
    where = "" if cond is None else f" WHERE {cond}"

    def copy(rows: str) -> str:
        return (
            f"INSERT INTO fact_changes (tbl, period, project_id) "
            f"SELECT DISTINCT '{table}', {m}, {project} FROM {rows} r{where};"
        )

    fn = f"fj_{table}"
    return [
        f"""CREATE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP IN ('INSERT', 'UPDATE') THEN {copy("new_rows")} END IF;
          IF TG_OP IN ('UPDATE', 'DELETE') THEN {copy("old_rows")} END IF;
          RETURN NULL;
        END $$""",
        f"CREATE TRIGGER {fn}_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {fn}()",
        f"CREATE TRIGGER {fn}_update AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows "
        f"NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {fn}()",
        f"CREATE TRIGGER {fn}_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {fn}()",
    ]


def upgrade() -> None:
    op.create_table(
        "fact_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("tbl", sa.String(40), nullable=False),
        sa.Column("period", sa.String(7), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fact_changes")),
    )
    op.create_table(
        "fact_mirrors",
        sa.Column("mirror", sa.String(20), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("built_at", sa.DateTime(), nullable=False),
        sa.Column("rows", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("mirror", "period", name=op.f("pk_fact_mirrors")),
    )
    op.create_table(
        "fact_segments",
        sa.Column("mirror", sa.String(20), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("mirror", "period", "bucket", name=op.f("pk_fact_segments")),
    )
    with op.batch_alter_table("monitor_runs") as batch:
        batch.add_column(sa.Column("projects", sa.Integer(), nullable=True))
    dialect = op.get_bind().dialect.name
    for source in SOURCES:
        for statement in (_sqlite if dialect == "sqlite" else _postgresql)(*source):
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table, *_ in SOURCES:
        if dialect == "sqlite":
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS fj_{table}_{event}")
        else:
            op.execute(f"DROP FUNCTION IF EXISTS fj_{table}() CASCADE")
    with op.batch_alter_table("monitor_runs") as batch:
        batch.drop_column("projects")
    op.drop_table("fact_segments")
    op.drop_table("fact_mirrors")
    op.drop_table("fact_changes")
