"""Phones and home addresses of the registry are encrypted at rest, shown masked, revealed only through the
audited reveal, migrated out of the old clear columns, and never echoed in an error."""

from __future__ import annotations

import json
import os
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text
from tests.ingest.factories import unique_id
from tests.security.registry_world import (
    ADDRESS_A,
    CARD_A,
    CORP_A,
    CORP_B,
    PERSON,
    PHONE_A,
    PHONE_B,
    World,
    person_row,
    world_fixture,  # noqa: F401  (the ``world`` fixture)
)
from typer.testing import CliRunner

from wageguard.complaints.noticeboard import build_notice_board
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.security.crypto import Protector

PM_PHONE, LEADER_PHONE, OFFICER_PHONE, LINK_PHONE = "13600000004", "13500000005", "13300000006", "13700000003"
REGISTRY_TABLES = ("workers", "project_workers", "projects", "project_participants", "teams", "bank_cards")


def _more_contacts(world: World) -> None:
    """A project manager, a team leader and a labour officer with phones, all imported by enterprise A."""
    world.run(
        "ProjectSubContractor",
        [
            {
                "projectCode": "PA",
                "corpCode": CORP_B,
                "corpType": "006",
                "pmName": "李经理",
                "pmPhone": PM_PHONE,
            }
        ],
        world.users["ent_a"],
    )
    world.run(
        "Team",
        [
            {
                "projectCode": "PA",
                "corpCode": CORP_A,
                "teamName": "班组TA",
                "teamSysNo": "TA",
                "teamLeaderName": "王班长",
                "teamLeaderPhone": LEADER_PHONE,
            }
        ],
        world.users["ent_a"],
    )
    world.run(
        "Project",
        [
            {
                "projectCode": "PA",
                "name": "项目PA",
                "areaCode": "520602",
                "contractorCorpCode": CORP_A,
                "labourOfficerName": "劳资员",
                "labourOfficerPhone": OFFICER_PHONE,
            }
        ],
        world.users["ent_a"],
    )


def _dump(db: Database) -> str:
    """Every cell of the registry tables, as text (ciphertexts as their bytes)."""
    cells: list[str] = []
    with db.engine.connect() as conn:
        for table in REGISTRY_TABLES:
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                for cell in row:
                    cells.append(cell.decode("latin-1") if isinstance(cell, bytes) else str(cell))
    return "\n".join(cells)


def _cell(db: Database, sql: str) -> Any:
    with db.engine.connect() as conn:
        return conn.execute(text(sql)).scalar()


def test_phones_and_addresses_are_stored_encrypted_and_masked(world: World, db: Database) -> None:
    _more_contacts(world)
    dump = _dump(db)
    for clear in (PHONE_A, PM_PHONE, LEADER_PHONE, OFFICER_PHONE, LINK_PHONE, ADDRESS_A, ADDRESS_A[6:]):
        assert clear not in dump
    assert _cell(db, "SELECT phone_masked FROM project_workers") == "138****0001"
    assert _cell(db, "SELECT address_masked FROM project_workers") == "贵州省铜仁市****"
    assert _cell(db, "SELECT leader_phone_masked FROM teams WHERE team_sys_no = 'TA'") == "135****0005"
    assert (
        _cell(db, "SELECT pm_phone_masked FROM project_participants WHERE corp_type = '006'") == "136****0004"
    )
    assert (
        _cell(db, "SELECT labour_officer_phone_masked FROM projects WHERE project_code = 'PA'")
        == "133****0006"
    )
    assert _cell(db, "SELECT link_phone_masked FROM projects WHERE project_code = 'PA'") == "137****0003"


def test_reads_are_masked_and_the_reveal_shows_phone_and_address_once_audited(
    world: World, db: Database, client: TestClient
) -> None:
    _more_contacts(world)
    admin = world.login("admin")
    project_id = _cell(db, "SELECT id FROM projects WHERE project_code = 'PA'")
    worker_id = _cell(db, "SELECT id FROM workers")
    project = client.get(f"/api/v1/projects/{project_id}", headers=admin).json()
    assert project["labour_officer_phone_masked"] == "133****0006"
    assert [t["leader_phone_masked"] for t in project["teams"]] == ["135****0005"]
    workers = client.get("/api/v1/workers", headers=admin).text
    assert "138****0001" in workers and PHONE_A not in workers and ADDRESS_A not in workers
    detail = client.get(f"/api/v1/workers/{worker_id}", headers=admin).json()
    assert detail["engagements"][0]["address_masked"] == "贵州省铜仁市****"
    assert _cell(db, "SELECT count(*) FROM audit_log WHERE action = 'reveal'") == 0
    r = client.post(f"/api/v1/workers/{worker_id}/reveal", json={"reason": "欠薪核查"}, headers=admin)
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    body = r.json()
    assert (body["id_number"], body["card_number"], body["phone"], body["address"]) == (
        PERSON,
        CARD_A,
        PHONE_A,
        ADDRESS_A,
    )
    detail_json = _cell(db, "SELECT detail FROM audit_log WHERE action = 'reveal'")
    audit = json.loads(detail_json) if isinstance(detail_json, str) else detail_json
    assert audit == {"reason": "欠薪核查", "fields": ["id_number", "card_number", "phone", "address"]}


def test_project_contacts_are_revealed_only_through_the_audited_reveal(
    world: World, db: Database, client: TestClient
) -> None:
    _more_contacts(world)
    project_id = _cell(db, "SELECT id FROM projects WHERE project_code = 'PA'")
    for user, status in (("ent_a", 403), ("insp_a", 200)):
        r = client.post(
            f"/api/v1/projects/{project_id}/reveal", json={"reason": "联系项目"}, headers=world.login(user)
        )
        assert r.status_code == status, r.text
    body = r.json()
    assert (body["link_phone"], body["labour_officer_phone"]) == (LINK_PHONE, OFFICER_PHONE)
    assert [p["pm_phone"] for p in body["participants"] if p["pm_phone"]] == [PM_PHONE]
    assert [t["leader_phone"] for t in body["teams"]] == [LEADER_PHONE]
    assert r.headers["cache-control"] == "no-store"
    assert (
        _cell(db, "SELECT count(*) FROM audit_log WHERE action = 'reveal' AND subject_type = 'project'") == 1
    )


def test_a_reimport_compares_the_sealed_values(world: World, db: Database, protector: Protector) -> None:
    ent_a = world.users["ent_a"]
    assert world.run("ProjectWorker", [person_row("PA", CORP_A, "TA")], ent_a).unchanged == 1
    assert world.run("ProjectWorker", [person_row("PA", CORP_A, "TA", cellPhone=PHONE_B)], ent_a).updated == 1
    assert protector.decrypt(_cell(db, "SELECT phone_enc FROM project_workers")) == PHONE_B
    assert world.run("ProjectWorker", [person_row("PA", CORP_A, "TA", cellPhone="")], ent_a).unchanged == 1


def test_the_notice_board_prints_the_decrypted_phones(world: World, db: Database, settings: Settings) -> None:
    _more_contacts(world)
    with db.sessions() as session:
        board = build_notice_board(session, settings, "PA")
    assert board.labour_officer == f"劳资员　{OFFICER_PHONE}"
    assert board.project_department.endswith(LINK_PHONE)


def test_encrypt_personal_data_moves_clear_values_left_by_older_versions(
    world: World, db: Database, protector: Protector, cli: CliRunner
) -> None:
    from wageguard.cli.main import app

    with db.engine.begin() as conn:  # what revision 0001 stored in clear
        conn.execute(text("UPDATE project_workers SET phone_enc = NULL, phone_masked = NULL"))
        conn.execute(text(f"UPDATE workers SET phone = '{PHONE_B}', address = ' {ADDRESS_A} '"))
        conn.execute(text(f"UPDATE teams SET leader_phone = '{LEADER_PHONE}' WHERE team_sys_no = 'TA'"))
        conn.execute(text(f"UPDATE projects SET link_phone = '{LINK_PHONE}', labour_officer_phone = ''"))
    result = cli.invoke(app, ["registry", "encrypt-personal-data"])
    assert result.exit_code == 0, result.output
    assert "workers.phone 1" in result.output and "teams.leader_phone 1" in result.output
    assert PHONE_B not in result.output and LINK_PHONE not in result.output
    assert _cell(db, "SELECT count(*) FROM workers WHERE phone IS NOT NULL OR address IS NOT NULL") == 0
    assert _cell(db, "SELECT count(*) FROM projects WHERE link_phone IS NOT NULL") == 0
    assert protector.decrypt(_cell(db, "SELECT phone_enc FROM project_workers")) == PHONE_B
    assert protector.decrypt_text(_cell(db, "SELECT address_enc FROM project_workers")) == ADDRESS_A  # kept
    assert _cell(db, "SELECT leader_phone_masked FROM teams WHERE team_sys_no = 'TA'") == "135****0005"
    assert _cell(db, "SELECT link_phone_masked FROM projects WHERE project_code = 'PA'") == "137****0003"
    again = cli.invoke(app, ["registry", "encrypt-personal-data"])
    assert again.exit_code == 0 and "workers.phone 0" in again.output


def test_no_unmasked_number_in_any_import_error(world: World) -> None:
    registered_by_b, other = unique_id(12), unique_id(11)
    world.run(
        "ProjectWorker", [person_row("PB", CORP_B, "TB", idCardNumber=registered_by_b)], world.users["ent_b"]
    )
    bad_phone, bad_card, bad_id = "1380000000", "62170000001", PERSON[:-1] + "0"
    rows = [
        person_row("PA", CORP_A, "TA", cellPhone=bad_phone),
        person_row("PA", CORP_A, "TA", idCardNumber=other, payRollBankCardNumber=bad_card),
        person_row("PA", CORP_A, "TA", idCardNumber=unique_id(13), urgentLinkManPhone="9" * 25),
        person_row("PA", CORP_A, "TA", idCardNumber=registered_by_b, workerName="李四"),
        person_row("PA", CORP_A, "TA", idCardNumber=bad_id),
    ]
    report = world.refuse("ProjectWorker", rows, world.users["ent_a"])
    assert len(report["errors"]) == 5
    answer = json.dumps(report, ensure_ascii=False)
    for number in (bad_phone, bad_card, bad_id, other, registered_by_b, "9" * 25, PERSON[6:14]):
        assert number not in answer, number
    project = {"projectCode": "PX", "name": "X", "areaCode": "520602", "contractorCorpCode": CORP_A}
    report = world.refuse("Project", [{**project, "linkPhone": "1" * 40}], world.users["admin"])
    assert report["errors"][0]["field"] == "linkPhone" and "1" * 12 not in json.dumps(report)


def test_migration_0001b_upgrades_a_populated_database_and_the_cli_seals_its_clear_values(
    tmp_path, protector: Protector
) -> None:  # type: ignore[no-untyped-def]
    """A registry stored by revision 0001 (clear phones, a referenced worker) upgrades in place; the
    engagement gets the worker's current card; the CLI's service then seals and empties the clear columns."""
    from wageguard.db import make_engine, scratch_database
    from wageguard.migrate import upgrade_database
    from wageguard.registry.personal import encrypt_personal_data

    pg = os.environ.get("WAGEGUARD_TEST_PG_URL")
    url, drop = scratch_database(pg, prefix="wg_mig") if pg else (f"sqlite:///{tmp_path}/m.db", None)
    try:
        upgrade_database(url, "0001")
        engine = make_engine(url)
        stamp, blob = "'2026-01-01'", protector.encrypt(PERSON)
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO projects (id, project_code, name, region_code, status, pay_day,"
                    " grace_days, created_at, updated_at, link_phone)"
                    f" VALUES (1, 'P', 'p', '520602', '003', 15, 4, {stamp}, {stamp}, '{LINK_PHONE}')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO workers (id, name, id_card_type, id_enc, id_bidx, id_masked, phone, address,"
                    f" created_at, updated_at) VALUES (1, '张三', '01', :blob, 'b', 'm', '{PHONE_A}',"
                    f" '{ADDRESS_A}', {stamp}, {stamp})"
                ),
                {"blob": blob},
            )
            for card_id, bidx, current in ((1, "old", False), (2, "cur", True)):
                conn.execute(
                    text(
                        "INSERT INTO bank_cards (id, worker_id, card_enc, card_bidx, card_masked, is_current,"
                        f" created_at) VALUES ({card_id}, 1, :blob, '{bidx}', 'm', :current, {stamp})"
                    ),
                    {"blob": blob, "current": current},
                )
            conn.execute(
                text(
                    "INSERT INTO project_workers (id, project_id, worker_id, region_code, is_team_leader)"
                    " VALUES (1, 1, 1, '520602', FALSE)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO worker_entry_exits (project_worker_id, date, type)"
                    " VALUES (1, '2026-01-02', '1')"
                )
            )
        upgrade_database(url)
        db = Database(url)
        try:
            assert _cell(db, "SELECT card_bidx FROM project_workers") == "cur"
            moved = encrypt_personal_data(db=db, protector=protector)
            assert (moved["workers.phone"], moved["workers.address"], moved["projects.link_phone"]) == (
                1,
                1,
                1,
            )
            assert PHONE_A not in _dump(db) and ADDRESS_A not in _dump(db) and LINK_PHONE not in _dump(db)
            assert protector.decrypt(_cell(db, "SELECT phone_enc FROM project_workers")) == PHONE_A
            assert _cell(db, "SELECT link_phone_masked FROM projects") == "137****0003"
        finally:
            db.dispose()
        engine.dispose()
    finally:
        if drop is not None:
            drop()
