"""The project page is the one-click answer (issue 11 part 2), checked on a small demo city built through
the real import paths: the owes-wages verdict, amount, since-month and workers equal what the test computes
itself from the alerts; the 12-month table equals the test's own sums over attendance, pay sheets and bank
payments; every link on the page opens a page; an enterprise sees its own projects only."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from tests.web.demo_city import demo_city, log_in

from wageguard.db import Database
from wageguard.web.app import create_app
from wageguard.web.pages.alerts_view import yuan

ARREARS = "('W05','W06','W08','W17','W18','W19')"


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Database]]:
    settings = demo_city(Path(tmp_path_factory.mktemp("project-page")))
    db = Database(settings.database_url)
    yield create_app(settings, db=db), db
    db.dispose()


def _expected_owing(db: Database, project_id: int) -> tuple[int, int, str | None]:
    """Per month: the largest of the unpaid rules (W05/W06/W17, the same workers) plus W08 (other workers,
    paid short), at least W19 (departed: some of those); summed over months; a monthless alert (W18) is a
    floor under the sum."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT period, rule_code, coalesce(amount_fen, 0), coalesce(workers, 0) FROM alerts "
                f"WHERE project_id = :p AND rule_code IN {ARREARS} AND status NOT IN ('resolved', 'closed') "
                "AND still_holds"
            ),
            {"p": project_id},
        ).all()
    months: dict[str, list[tuple[str, int, int]]] = {}
    floor = (0, 0)
    for period, rule, amount, workers in rows:
        if period:
            months.setdefault(period, []).append((rule, amount, workers))
        else:
            floor = (max(floor[0], amount), max(floor[1], workers))
    total, most = 0, 0
    for lines in months.values():
        unpaid = [(a, w) for r, a, w in lines if r in ("W05", "W06", "W17")]
        short = [(a, w) for r, a, w in lines if r == "W08"]
        departed = [(a, w) for r, a, w in lines if r == "W19"]
        amount = max([a for a, _ in unpaid] + [0]) + sum(a for a, _ in short)
        workers = max([w for _, w in unpaid] + [0]) + sum(w for _, w in short)
        amount = max([amount] + [a for a, _ in departed])
        workers = max([workers] + [w for _, w in departed])
        total, most = total + amount, max(most, workers)
    return max(total, floor[0]), max(most, floor[1]), min(months, default=None)


def _cells(html: str, table_id: str) -> list[list[str]]:
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1], flags=re.S)
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)] for r in rows
    ]


def _projects(db: Database) -> tuple[int, int]:
    """The project owing the most (by alerts) and one with no unfinished arrears alert."""
    with db.engine.connect() as conn:
        owing = conn.execute(
            text(
                f"SELECT project_id FROM alerts WHERE rule_code IN {ARREARS} AND still_holds "
                "GROUP BY project_id ORDER BY sum(amount_fen) DESC LIMIT 1"
            )
        ).scalar_one()
        clean = conn.execute(
            text(
                "SELECT id FROM projects WHERE id NOT IN (SELECT project_id FROM alerts WHERE project_id "
                f"IS NOT NULL AND rule_code IN {ARREARS}) ORDER BY id LIMIT 1"
            )
        ).scalar_one()
    return int(owing), int(clean)


def test_the_answer_and_the_months_equal_the_databases_own_figures(city: tuple[Any, Database]) -> None:
    app, db = city
    owing_id, clean_id = _projects(db)
    amount, workers, since = _expected_owing(db, owing_id)
    assert amount > 0 and since
    with TestClient(app) as client:
        log_in(client, "tongren")
        page = client.get(f"/projects/{owing_id}")
        assert page.status_code == 200
        answer = page.text.split('id="owes-answer"', 1)[1].split("</section>", 1)[0]
        assert "欠薪" in answer and "未发现欠薪" not in answer
        assert f"欠薪 {yuan(amount)} 元，涉及 {workers} 名工人，自 {since} 起。" in answer
        clean = client.get(f"/projects/{clean_id}").text.split('id="owes-answer"', 1)[1]
        assert "未发现欠薪" in clean.split("</section>", 1)[0]
        en = client.get(f"/projects/{owing_id}?lang=en").text
        assert f"{yuan(amount)} yuan owed to {workers} worker" in en
        client.get("/projects?lang=zh")
        table = _cells(page.text, "months-table")
    assert len(table) == 12
    with db.engine.connect() as conn:
        for month, attended, paid_workers, declared, paid in table:
            p = {"p": owing_id, "m": month}
            want_att = conn.execute(
                text("SELECT count(*) FROM worker_months WHERE project_id=:p AND month=:m AND days > 0"), p
            ).scalar_one()
            want_dec = conn.execute(
                text(
                    "SELECT coalesce(sum(l.net_fen), 0) FROM pay_sheet_lines l JOIN pay_sheets s ON s.id = "
                    "l.sheet_id WHERE l.project_id=:p AND l.pay_month=:m AND s.is_current"
                ),
                p,
            ).scalar_one()
            want_pw, want_paid = conn.execute(
                text(
                    "SELECT count(DISTINCT worker_id), coalesce(sum(amount_fen), 0) FROM bank_payments "
                    "WHERE project_id=:p AND pay_month=:m AND status='success' "
                    "AND outcome IN ('matched', 'other_card')"
                ),
                p,
            ).one()
            assert (attended, paid_workers, declared, paid) == (
                f"{want_att:,}",
                f"{want_pw:,}",
                yuan(want_dec),
                yuan(want_paid),
            ), month
    assert any(row[1] != "0" for row in table)  # the demo's months are in the window


def test_every_link_on_the_project_page_opens_a_page(city: tuple[Any, Database]) -> None:
    app, db = city
    owing_id, _ = _projects(db)
    with TestClient(app) as client:
        log_in(client, "tongren")
        page = client.get(f"/projects/{owing_id}").text
        links = re.findall(r'href="(/[^"]*)"', page)
        wanted = ("/owed-wages", "/complaints", "/attendance/sheet", "/money/projects/", "notice-board.pdf")
        for part in wanted:
            assert any(part in link for link in links), part
        for link in sorted(set(links)):
            if link.startswith("/static"):
                continue
            answer = client.get(link.replace("&amp;", "&"))
            assert answer.status_code == 200, (link, answer.status_code)
            assert not answer.headers["content-type"].startswith("application/json"), link


def test_an_enterprise_sees_its_own_projects_answer_only(city: tuple[Any, Database]) -> None:
    app, db = city
    with db.engine.connect() as conn:
        enterprise = conn.execute(text("SELECT enterprise_id FROM users WHERE username='gc'")).scalar_one()
        mine = (
            conn.execute(
                text(
                    "SELECT project_id FROM project_participants WHERE enterprise_id=:e ORDER BY project_id"
                ),
                {"e": enterprise},
            )
            .scalars()
            .all()
        )
        other = conn.execute(
            text(
                "SELECT id FROM projects WHERE id NOT IN (SELECT project_id FROM project_participants "
                "WHERE enterprise_id=:e) LIMIT 1"
            ),
            {"e": enterprise},
        ).scalar_one()
    with TestClient(app) as client:
        log_in(client, "gc")
        own = client.get(f"/projects/{mine[0]}")
        assert own.status_code == 200 and 'id="owes-answer"' in own.text
        refused = client.get(f"/projects/{other}")
        assert refused.status_code == 404 and 'id="owes-answer"' not in refused.text


def test_the_month_by_month_page_says_no_records_rather_than_not_yet_due(city: tuple[Any, Database]) -> None:
    app, db = city
    owing_id, _ = _projects(db)
    with TestClient(app) as client:
        log_in(client, "tongren")
        page = client.get(f"/projects/{owing_id}/owed-wages?months=12").text
    body = page.split('id="owed-table"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = {
        month: [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for month, row in re.findall(r'<tr data-month="([\d-]+)">(.*?)</tr>', body, re.S)
    }
    assert len(rows) == 12
    empty = [m for m, r in rows.items() if all(c in ("0", "0.00") for c in r[:6])]
    assert empty, rows  # months before the demo's data
    for month in empty:
        assert rows[month][-1] == "无考勤与工资记录", rows[month]
    assert "已到期" in {r[-1] for r in rows.values()}
