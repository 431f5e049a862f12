"""Registry writes stay inside the writer's scope: shared people keep their identity and what other
enterprises recorded about them, and an enterprise cannot move its project to another region."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.ingest.factories import make_card, project_row, unique_id
from tests.security.registry_world import (
    ADDRESS_A,
    ADDRESS_B,
    CARD_A,
    CARD_B,
    CORP_A,
    CORP_B,
    COUNTY_A,
    COUNTY_B,
    PERSON,
    PHONE_A,
    PHONE_B,
    World,
    person_row,
    world_fixture,  # noqa: F401  (the ``world`` fixture)
)

from wageguard.audit.models import AuditEntry
from wageguard.db import Database
from wageguard.registry.models import BankCard, Project, ProjectWorker, Worker
from wageguard.security.crypto import Protector


def _person(db: Database) -> Worker:
    with db.sessions() as s:
        return s.scalars(select(Worker)).one()


def _engagements(db: Database, protector: Protector) -> dict[str, tuple[str | None, str | None, str | None]]:
    """Phone, address and payroll card of each engagement of ``PERSON``, by project code, in clear."""
    with db.sessions() as s:
        rows = s.execute(
            select(Project.project_code, ProjectWorker)
            .join(Project, Project.id == ProjectWorker.project_id)
            .join(Worker, Worker.id == ProjectWorker.worker_id)
            .where(Worker.id_bidx == protector.blind_index(PERSON))
        ).all()
        cards = {c.card_bidx: protector.decrypt(c.card_enc) for c in s.scalars(select(BankCard))}
    return {
        code: (
            protector.decrypt(pw.phone_enc) if pw.phone_enc else None,
            protector.decrypt_text(pw.address_enc) if pw.address_enc else None,
            cards.get(pw.card_bidx or ""),
        )
        for code, pw in rows
    }


def _current_cards(db: Database, protector: Protector) -> list[str]:
    with db.sessions() as s:
        return [protector.decrypt(c.card_enc) for c in s.scalars(select(BankCard).where(BankCard.is_current))]


def _audit(db: Database, action: str) -> list[AuditEntry]:
    with db.sessions() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def _errors(report: dict[str, Any]) -> list[tuple[Any, str, str]]:
    return [(p["row"], p["field"], p["code"]) for p in report["errors"]]


# ---------------------------------------------------------------- shared people stay intact


def test_another_enterprise_cannot_rename_a_person_or_touch_their_contact_and_card(
    world: World, db: Database, protector: Protector
) -> None:
    row = person_row("PB", CORP_B, "TB", workerName="李四", cellPhone=PHONE_B, address=ADDRESS_B)
    report = world.refuse("ProjectWorker", [{**row, "payRollBankCardNumber": CARD_B}], world.users["ent_b"])
    assert _errors(report) == [(2, "workerName", "identity.unverified")]
    person = _person(db)
    assert person.name == "张三"
    assert _engagements(db, protector) == {"PA": (PHONE_A, ADDRESS_A, CARD_A)}
    assert _current_cards(db, protector) == [CARD_A]


def test_a_name_mismatch_is_audited_in_detail_but_answered_generically(world: World, db: Database) -> None:
    row = person_row("PB", CORP_B, "TB", workerName="李四")
    report = world.refuse("ProjectWorker", [row], world.users["ent_b"])
    [problem] = report["errors"]
    answer = f"{problem['message_zh']} {problem['message_en']}"
    assert "已登记" not in answer and "registered" not in answer  # nothing says "known elsewhere"
    assert problem["value"] == PERSON[:4] + "*" * 10 + PERSON[-4:]
    [event] = _audit(db, "identity_mismatch")
    assert (event.actor, event.subject_type, event.subject_id) == ("ent_b", "worker", str(_person(db).id))
    assert event.detail is not None
    assert event.detail["reason_zh"] == "身份证号已登记为其他姓名"
    assert event.detail["reason_en"] == "ID number registered under another name"
    assert event.detail["registered_by"] == world.enterprise_a and event.detail["row"] == 2
    assert PERSON not in str(event.detail) and "李四" not in str(event.detail)


def test_the_answer_is_the_same_whether_the_number_is_new_or_registered_elsewhere(
    world: World, db: Database, protector: Protector
) -> None:
    shared = person_row(
        "PB", CORP_B, "TB", cellPhone=PHONE_B, address=ADDRESS_B, payRollBankCardNumber=CARD_B
    )
    fresh = person_row(
        "PB",
        CORP_B,
        "TB",
        idCardNumber=unique_id(8),
        workerName="王五",
        payRollBankCardNumber=make_card(7003),
    )
    for row in (shared, fresh):
        report = world.run("ProjectWorker", [row], world.users["ent_b"])
        assert (report.inserted, report.updated, report.unchanged, report.warning_count) == (1, 0, 0, 0)
    with db.sessions() as s:
        assert s.scalar(select(Worker.name).where(Worker.id_bidx == protector.blind_index(PERSON))) == "张三"
    engaged = _engagements(db, protector)
    assert engaged["PA"] == (PHONE_A, ADDRESS_A, CARD_A)  # A's engagement untouched
    assert engaged["PB"] == (PHONE_B, ADDRESS_B, CARD_B)  # B's own record kept on B's engagement
    assert CARD_A in _current_cards(db, protector)


def test_enterprise_b_reads_only_what_it_recorded_about_a_shared_person(
    world: World, db: Database, client: TestClient
) -> None:
    row = person_row(
        "PB", CORP_B, "TB", cellPhone=PHONE_B, address=ADDRESS_B, payRollBankCardNumber=CARD_B, nation="苗族"
    )
    world.run("ProjectWorker", [row], world.users["ent_b"])
    person = _person(db)
    assert person.nation == "汉族"  # A's registration stands
    body = client.get(f"/api/v1/workers/{person.id}", headers=world.login("ent_b")).json()
    assert body["phone_masked"] == "139****0002" and body["nation"] is None
    assert body["card_masked"] == CARD_B[:4] + "*" * 11 + CARD_B[-4:]
    assert [c["card_masked"][-4:] for c in body["cards"]] == [CARD_B[-4:]]
    assert [e["project_id"] for e in body["engagements"]] != [] and all(
        e["phone_masked"] == "139****0002" for e in body["engagements"]
    )
    assert "0001" not in str(body["engagements"]) and CARD_A[-4:] not in str(body)


def test_the_registering_enterprise_may_correct_the_name_and_the_change_is_audited(
    world: World, db: Database
) -> None:
    report = world.run(
        "ProjectWorker", [person_row("PA", CORP_A, "TA", workerName="张叁")], world.users["ent_a"]
    )
    assert report.updated == 1 and _person(db).name == "张叁"
    [event] = _audit(db, "identity_changed")
    assert event.actor == "ent_a" and event.detail is not None and event.detail["fields"] == ["name"]


def test_admin_may_correct_a_name(world: World, db: Database) -> None:
    world.run("ProjectWorker", [person_row("PB", CORP_B, "TB", workerName="张叁")], world.users["admin"])
    assert _person(db).name == "张叁"


def test_the_same_number_with_two_names_in_one_file_is_refused(world: World) -> None:
    number = unique_id(9)
    rows = [
        person_row("PB", CORP_B, "TB", idCardNumber=number, workerName="王五"),
        person_row("PA", CORP_A, "TA", idCardNumber=number, workerName="王六"),
    ]
    report = world.refuse("ProjectWorker", rows, world.users["admin"])
    assert _errors(report) == [(3, "workerName", "identity.name_conflict")]


# ---------------------------------------------------------------- projects keep their region


def test_an_enterprise_cannot_move_its_project_to_another_region(
    world: World, db: Database, client: TestClient
) -> None:
    report = world.refuse("Project", [project_row("PA", CORP_A, areaCode=COUNTY_B)], world.users["ent_a"])
    assert _errors(report) == [(2, "areaCode", "scope.region_locked")]
    with db.sessions() as s:
        assert s.scalar(select(Project.region_code).where(Project.project_code == "PA")) == COUNTY_A
    listed = client.get("/api/v1/projects", headers=world.login("insp_a")).json()["items"]
    assert [p["project_code"] for p in listed] == ["PA"]


def test_an_enterprise_may_update_its_project_in_place_and_admin_may_move_it(
    world: World, db: Database
) -> None:
    assert (
        world.run(
            "Project", [project_row("PA", CORP_A, areaCode=COUNTY_A, name="新名")], world.users["ent_a"]
        ).updated
        == 1
    )
    world.run("Project", [project_row("PA", CORP_A, areaCode=COUNTY_B)], world.users["admin"])
    with db.sessions() as s:
        assert s.scalar(select(Project.region_code).where(Project.project_code == "PA")) == COUNTY_B


def test_an_enterprise_cannot_write_a_project_it_is_not_part_of(world: World) -> None:
    report = world.refuse(
        "Project", [project_row("PB", CORP_B, areaCode=COUNTY_B, name="改名")], world.users["ent_a"]
    )
    assert _errors(report) == [(2, "projectCode", "scope.not_your_project")]
    report = world.refuse("ProjectWorker", [person_row("PB", CORP_B, "TB")], world.users["ent_a"])
    assert _errors(report) == [(2, "projectCode", "scope.not_your_project")]
