"""Enterprise scope, participants and teams without numbers, the HTTP endpoint and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from tests.ingest.factories import make_id, worker_row, write_csv
from typer.testing import CliRunner

from wageguard.registry.choices import Role
from wageguard.registry.models import Enterprise, ProjectParticipant, Team, Worker


def _enterprise_id(db, corp: str) -> int:
    with db.sessions() as s:
        return s.scalars(select(Enterprise.id).where(Enterprise.corp_code == corp)).one()


def test_enterprise_user_may_only_import_rows_of_its_projects(
    org, do_import, reject, make_user, db, tmp_path
):
    user = make_user("gc1", Role.ENTERPRISE, enterprise_id=_enterprise_id(db, org.corp))
    rows = [worker_row("P1", org.corp, "T1", 1), worker_row("P2", org.other_corp, "T2", 2)]
    report = reject("ProjectWorker", write_csv(tmp_path / "w.csv", rows), user)
    assert [(p["row"], p["code"], p["message_en"]) for p in report["errors"]] == [
        (3, "scope.not_your_project", "not your project")
    ]
    assert do_import("ProjectWorker", write_csv(tmp_path / "ok.csv", rows[:1]), user).inserted == 1


def test_subcontractor_and_team_without_number(org, do_import, db, protector, tmp_path: Path) -> None:
    pm_id = make_id(3)
    sub = [
        {
            "projectCode": "P1",
            "corpCode": org.other_corp,
            "corpType": "006",
            "pmName": "李四",
            "pmIDCardNumber": pm_id,
        }
    ]
    assert do_import("ProjectSubContractor", write_csv(tmp_path / "s.csv", sub)).inserted == 1
    assert do_import("ProjectSubContractor", write_csv(tmp_path / "s.csv", sub)).unchanged == 1
    team = [
        {"projectCode": "P1", "corpCode": org.other_corp, "teamName": "木工班", "teamLeaderIdNumber": pm_id}
    ]
    path = write_csv(tmp_path / "t.csv", team)
    assert do_import("Team", path).inserted == 1
    assert do_import("Team", path).unchanged == 1
    with db.sessions() as s:
        link = s.scalars(select(ProjectParticipant).where(ProjectParticipant.corp_type == "006")).one()
        made = s.scalars(select(Team).where(Team.name == "木工班")).one()
    assert (
        protector.decrypt(link.pm_id_enc or b"") == pm_id
        and link.pm_id_masked == pm_id[:4] + "*" * 10 + pm_id[-4:]
    )
    assert made.team_sys_no.startswith("WG") and made.leader_id_bidx == protector.blind_index(pm_id)
    rows = [worker_row("P1", org.other_corp, "", 9, teamName="木工班")]
    assert do_import("ProjectWorker", write_csv(tmp_path / "w.csv", rows)).inserted == 1


def test_http_upload_json_body_rejection_and_listing(org, client, make_user, login, tmp_path: Path) -> None:
    make_user("admin1")
    headers = login("admin1")
    path = write_csv(tmp_path / "w.csv", [worker_row("P1", org.corp, "T1", 1)])
    with open(path, "rb") as fh:
        r = client.post(
            "/api/v1/imports/ProjectWorker", headers=headers, files={"file": ("w.csv", fh, "text/csv")}
        )
    assert r.status_code == 200, r.text
    assert r.json()["inserted"] == 1 and r.json()["status"] == "accepted"
    body = {
        "projectCode": "P1",
        "workerList": [{"idCardNumber": make_id(1), "date": "2026-03-01", "type": "9"}],
    }
    r = client.post("/api/v1/imports/workerentryexit", headers=headers, json=body)
    assert r.status_code == 422
    errors = r.json()["report"]["errors"]
    assert [(e["row"], e["field"], e["code"]) for e in errors] == [("workerList[0]", "type", "code.unknown")]
    listing = client.get("/api/v1/imports", headers=headers).json()
    assert [b["status"] for b in listing["items"]][:2] == ["rejected", "accepted"]
    assert client.post("/api/v1/imports/ProjectWorker", json=body).status_code == 401
    make_user("insp", Role.INSPECTOR, region_code="520602")
    assert client.post("/api/v1/imports/Team", headers=login("insp"), json={}).status_code == 403


def test_cli_import_exit_codes_and_report(org, db, cli: CliRunner, tmp_path: Path) -> None:
    from wageguard.cli.main import app

    runner = cli
    good = write_csv(tmp_path / "w.csv", [worker_row("P1", org.corp, "T1", 1)])
    result = runner.invoke(app, ["import", "ProjectWorker", str(good)])
    assert result.exit_code == 0, result.output
    assert "新增 1" in result.output and "1 inserted" in result.output
    bad = write_csv(tmp_path / "bad.csv", [worker_row("P1", org.corp, "T1", 2, workType="999")])
    report_path = tmp_path / "report.json"
    result = runner.invoke(app, ["import", "projectworker", str(bad), "--report", str(report_path)])
    assert result.exit_code == 2
    assert "代码表中没有该值" in result.output and "value not in the code table" in result.output
    assert json.loads(report_path.read_text(encoding="utf-8"))["errors"][0]["field"] == "workType"
    with db.sessions() as s:
        assert len(s.scalars(select(Worker)).all()) == 1
