"""The command screen's figures computed straight from the fact tables (never from the tallies), in SQL
that runs on SQLite and PostgreSQL: what the screen's tests compare its answers with."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import text

from wageguard.auth.scope import SYSTEM
from wageguard.db import Database
from wageguard.monitoring.owing import owing_by_project


def _one(db: Database, sql: str, **params: Any) -> int:
    with db.sessions() as s:
        return int(s.scalar(text(sql), params) or 0)


def expected(db: Database, prefix: str, today: date) -> dict[str, Any]:
    """The figures of a region, from the facts (not from the tallies)."""
    like = prefix + "%"
    first = today.replace(day=1)
    wage_month = (first - timedelta(days=1)).strftime("%Y-%m")
    after = (first + timedelta(days=32)).replace(day=1)
    in_region = "project_id IN (SELECT id FROM projects WHERE region_code LIKE :like)"
    paid = "SELECT SUM(amount_fen) FROM bank_payments WHERE status = 'success' AND region_code LIKE :like"
    with db.sessions() as s:
        owing = owing_by_project(session=s, principal=SYSTEM)
        regions = dict(s.execute(text("SELECT id, region_code FROM projects")).all())
    mine = [o for pid, o in owing.items() if str(regions.get(pid, "")).startswith(prefix) and o.owes]
    levels = {
        level: _one(
            db,
            "SELECT COUNT(*) FROM alerts WHERE level = :level AND status NOT IN ('resolved', 'closed') "
            "AND region_code LIKE :like",
            level=level,
            like=like,
        )
        for level in ("red", "orange", "yellow")
    }
    return {
        "projects_under_construction": _one(
            db, "SELECT COUNT(*) FROM projects WHERE status = '003' AND region_code LIKE :like", like=like
        ),
        "registered_workers": _one(
            db, f"SELECT COUNT(*) FROM project_workers WHERE exit_date IS NULL AND {in_region}", like=like
        ),
        "workers_on_site_today": _one(
            db,
            f"SELECT COUNT(*) FROM worker_days WHERE work_date = :day AND {in_region}",
            day=today,
            like=like,
        ),
        "wages_paid_this_month": _one(
            db, paid + " AND value_date >= :a AND value_date < :b", like=like, a=first, b=after
        ),
        "wages_paid_this_year": _one(
            db,
            paid + " AND value_date >= :a AND value_date < :b",
            like=like,
            a=date(today.year, 1, 1),
            b=date(today.year + 1, 1, 1),
        ),
        "wages_paid_to_date": _one(db, paid, like=like),
        "wage_month_paid": _one(db, paid + " AND pay_month = :m", like=like, m=wage_month),
        "wage_month_declared": _one(
            db,
            "SELECT SUM(net_total_fen) FROM pay_sheets WHERE is_current = :t AND pay_month = :m "
            "AND region_code LIKE :like",
            t=True,
            m=wage_month,
            like=like,
        ),
        "projects_owing": len(mine),
        "amount_owed": sum(o.owed_fen for o in mine),
        "workers_affected": sum(o.workers for o in mine),
        "open_alerts": levels,
        "complaints_this_month": _one(
            db,
            "SELECT COUNT(*) FROM complaints WHERE received_date >= :first AND region_code LIKE :like",
            first=first,
            like=like,
        ),
    }
