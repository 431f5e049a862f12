"""Accepted imports: formats, encodings, idempotence, updates not duplicates, cards, entry/exit, contracts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select
from tests.ingest.factories import make_card, unique_id, worker_row, write_csv, write_json

from wageguard.audit.models import AuditEntry
from wageguard.ingest.models import ImportBatch
from wageguard.registry.models import (
    BankCard,
    Enterprise,
    LabourContract,
    Project,
    ProjectParticipant,
    ProjectWorker,
    Team,
    Worker,
)


def test_organisation_imports_store_fen_defaults_and_participants(org, db) -> None:
    with db.sessions() as s:
        p1 = s.scalars(select(Project).where(Project.project_code == "P1")).one()
        gc = s.scalars(select(Enterprise).where(Enterprise.corp_code == org.corp)).one()
        links = s.scalars(select(ProjectParticipant).where(ProjectParticipant.project_id == p1.id)).all()
        team = s.scalars(select(Team).where(Team.team_sys_no == "T1")).one()
    assert p1.invest_fen == 123456780 and p1.pay_day == 10 and p1.grace_days == 4 and p1.status == "003"
    assert p1.contractor_id == gc.id and [(x.enterprise_id, x.corp_type) for x in links] == [(gc.id, "009")]
    assert team.project_id == p1.id and team.enterprise_id == gc.id


def test_gbk_csv_from_chinese_excel_is_accepted(org, do_import, db, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "w.csv", [worker_row("P1", org.corp, "T1", 1, workerName="张三")], encoding="gbk"
    )
    report = do_import("projectworker", path)
    assert report.encoding == "gb18030" and report.inserted == 1
    with db.sessions() as s:
        assert s.scalars(select(Worker.name)).one() == "张三"


def test_utf8_with_bom_is_accepted(org, do_import, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "w.csv", [worker_row("P1", org.corp, "T1", 1)], encoding="utf-8-sig")
    assert do_import("ProjectWorker", path).inserted == 1


def test_xlsx_with_typed_cells_and_excel_dates(org, do_import, db, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    header = [
        "projectCode",
        "corpCode",
        "contractPeriodType",
        "idCardNumber",
        "startDate",
        "wageBasis",
        "rate",
    ]
    sheet.append(header)
    sheet.append(["P1", org.corp, 0, unique_id(1), date(2026, 3, 1), "daily", 350.5])
    sheet.append(["P1", org.corp, "0", unique_id(2), 46082, "monthly", "8,000"])
    do_import(
        "ProjectWorker", write_csv(tmp_path / "w.csv", [worker_row("P1", org.corp, "T1", n) for n in (1, 2)])
    )
    book.save(tmp_path / "c.xlsx")
    report = do_import("WorkerContract", tmp_path / "c.xlsx")
    assert report.file_format == "xlsx" and report.inserted == 2
    with db.sessions() as s:
        contracts = s.scalars(select(LabourContract).order_by(LabourContract.rate_fen)).all()
    assert [(c.start_date, c.wage_basis, c.rate_fen) for c in contracts] == [
        (date(2026, 3, 1), "daily", 35050),
        (date(2026, 3, 1), "monthly", 800000),
    ]


def test_reimport_changes_nothing_and_updates_never_duplicate(org, do_import, db, tmp_path: Path) -> None:
    rows = [worker_row("P1", org.corp, "T1", n) for n in range(3)]
    path = write_csv(tmp_path / "w.csv", rows)
    assert do_import("ProjectWorker", path).inserted == 3
    with db.sessions() as s:
        stamps = dict(s.execute(select(Worker.id, Worker.updated_at)).all())
    again = do_import("ProjectWorker", path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    with db.sessions() as s:
        assert dict(s.execute(select(Worker.id, Worker.updated_at)).all()) == stamps
    rows[0] = {**rows[0], "workerName": "改名", "cellPhone": "13900000000"}
    changed = do_import("ProjectWorker", write_csv(tmp_path / "w2.csv", rows))
    assert (changed.inserted, changed.updated, changed.unchanged) == (0, 1, 2)
    with db.sessions() as s:
        assert s.scalars(select(Worker.name).order_by(Worker.id)).first() == "改名"
        assert len(s.scalars(select(Worker)).all()) == 3


def test_same_worker_on_two_projects_is_one_worker(org, do_import, db, tmp_path: Path) -> None:
    rows = [worker_row("P1", org.corp, "T1", 7), worker_row("P2", org.other_corp, "T2", 7)]
    do_import("ProjectWorker", write_csv(tmp_path / "w.csv", rows))
    with db.sessions() as s:
        assert len(s.scalars(select(Worker)).all()) == 1
        assert len(s.scalars(select(ProjectWorker)).all()) == 2


def test_new_card_becomes_current_and_old_card_is_kept(org, do_import, db, protector, tmp_path: Path) -> None:
    do_import("ProjectWorker", write_csv(tmp_path / "a.csv", [worker_row("P1", org.corp, "T1", 1)]))
    new_card = make_card(999)
    row = worker_row("P1", org.corp, "T1", 1, payRollBankCardNumber=new_card)
    assert do_import("ProjectWorker", write_csv(tmp_path / "b.csv", [row])).updated == 1
    with db.sessions() as s:
        cards = s.scalars(select(BankCard).order_by(BankCard.id)).all()
        worker = s.scalars(select(Worker)).one()
    assert [c.is_current for c in cards] == [False, True]
    assert (
        protector.decrypt(cards[1].card_enc) == new_card
        and cards[1].card_masked == new_card[:4] + "*" * 11 + new_card[-4:]
    )
    assert protector.decrypt(worker.id_enc) == unique_id(1) and worker.id_masked.startswith(
        unique_id(1)[:4] + "**"
    )
    assert worker.birth_date == date(2000, 1, 1) and worker.gender == "M"


def test_json_nested_lists_and_entry_exit_dates(org, do_import, db, tmp_path: Path) -> None:
    people = [
        {
            k: v
            for k, v in worker_row("P1", org.corp, "T1", n).items()
            if k not in ("projectCode", "corpCode", "teamSysNo")
        }
        for n in (1, 2)
    ]
    document = {"projectCode": "P1", "corpCode": org.corp, "teamSysNo": "T1", "workerList": people}
    assert do_import("ProjectWorker", write_json(tmp_path / "w.json", document)).inserted == 2
    moves = {
        "projectCode": "P1",
        "workerList": [
            {"idCardNumber": unique_id(1), "date": "2026-03-01", "type": "1"},
            {"idCardNumber": unique_id(1), "date": "2026/06/30", "type": "0"},
            {"idCardNumber": unique_id(2), "date": "20260302", "type": "1"},
        ],
    }
    path = write_json(tmp_path / "moves.json", [moves])
    assert do_import("WorkerEntryExit", path).inserted == 3
    assert do_import("WorkerEntryExit", path).unchanged == 3
    with db.sessions() as s:
        dates = s.execute(
            select(ProjectWorker.entry_date, ProjectWorker.exit_date).order_by(ProjectWorker.id)
        ).all()
    assert [tuple(d) for d in dates] == [(date(2026, 3, 1), date(2026, 6, 30)), (date(2026, 3, 2), None)]


def test_warnings_do_not_reject_but_are_reported(org, do_import, tmp_path: Path) -> None:
    card = make_card(5)
    bad_luhn = card[:-1] + str((int(card[-1]) + 1) % 10)
    row = worker_row("P1", org.corp, "T1", 5, payRollBankCardNumber=bad_luhn, extraColumn="x")
    report = do_import("ProjectWorker", write_csv(tmp_path / "w.csv", [row]))
    assert report.inserted == 1
    assert {(w.field, w.code) for w in report.warnings} == {
        ("payRollBankCardNumber", "card.luhn"),
        ("extraColumn", "column.unknown"),
    }
    assert bad_luhn not in str(report.as_dict())


def test_accepted_import_is_recorded_and_audited(org, do_import, db, tmp_path: Path) -> None:
    report = do_import("ProjectWorker", write_csv(tmp_path / "w.csv", [worker_row("P1", org.corp, "T1", 1)]))
    with db.sessions() as s:
        batch = s.get(ImportBatch, report.batch_id)
        audit = s.scalars(select(AuditEntry).where(AuditEntry.subject_id == str(report.batch_id))).one()
    assert batch is not None and (batch.status, batch.inserted, batch.actor) == ("accepted", 1, "system")
    assert audit.action == "import" and audit.detail is not None and audit.detail["object"] == "ProjectWorker"
