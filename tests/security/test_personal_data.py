"""Personal data: complaint texts and photos encrypted at rest, reveals audited with reason and fields and
never cached, no ID / card / phone number or device secret in any log line or error message, private
database files."""

from __future__ import annotations

import logging
import re
import stat
import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from tests.factories import card_number, id_number, make_region_project, make_team, make_worker
from typer.testing import CliRunner
from uvicorn.logging import AccessFormatter

from wageguard.attendance.intake import Intake
from wageguard.audit.models import AuditEntry
from wageguard.auth.scope import Principal
from wageguard.cli.main import app as cli_app
from wageguard.complaints.queries import public_status
from wageguard.complaints.schemas import PhotoIn, parse_complaint_form
from wageguard.complaints.service import Receipt, submit_complaint
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.models import Base
from wageguard.registry.choices import Role
from wageguard.security.crypto import Protector
from wageguard.security.keys import ensure_local_keys
from wageguard.web.app import create_app

PHONE = "13912345678"
CARD = "6217000000000012345"
DESCRIPTION = "三月到八月在工地做钢筋工，六到八月工资一直没发。Foreman Li kept the cash."
PHOTO = b"\xff\xd8\xff\xe0" + b"JFIF-photo-of-my-bank-card" * 20
BIJIANG, WANSHAN = "520602", "520603"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def project_code(db: Database) -> str:
    with db.transaction() as s:
        project, _gc = make_region_project(s, BIJIANG, name="碧江安置房")
        return project.project_code


@pytest.fixture
def complaint(db: Database, protector: Protector, settings: Settings, project_code: str) -> Receipt:
    form, problems = parse_complaint_form(
        {
            "name": "王建国",
            "id_number": id_number(),
            "phone": PHONE,
            "bank_card": CARD,
            "employer": "李姓班组长",
            "work_start": "2026-03-01",
            "months_owed": "3",
            "amount_owed": "15600.50",
            "workers_affected": "4",
            "description": DESCRIPTION,
        },
        today=date(2026, 9, 29),
        need_region=False,
    )
    assert form is not None, problems
    return submit_complaint(
        db=db,
        protector=protector,
        settings=settings,
        form=form,
        photos=[PhotoIn("card.jpg", "image/jpeg", PHOTO)],
        idem_token="a" * 32,
        project_code=project_code,
        now=datetime(2026, 9, 29, 2, 0),
    )


@pytest.fixture
def inspectors(
    make_user: Callable[..., Principal], login: Callable[[str], dict[str, str]]
) -> tuple[dict[str, str], dict[str, str]]:
    make_user("bj", Role.INSPECTOR, region_code=BIJIANG)
    make_user("ws", Role.INSPECTOR, region_code=WANSHAN)
    return login("bj"), login("ws")


def _raw_rows(db: Database, table: str) -> list[bytes]:
    """Every column of every row of ``table``, as bytes, read past the ORM."""
    out: list[bytes] = []
    with db.engine.connect() as conn:
        for row in conn.execute(text(f"SELECT * FROM {table}")):
            for value in row:
                out.append(value if isinstance(value, bytes) else str(value).encode())
    return out


def _audit(db: Database) -> list[AuditEntry]:
    with db.sessions() as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))


# ------------------------------------------------------------------ complaint texts and photos at rest


def test_complaint_description_and_photos_are_encrypted_at_rest(db: Database, complaint: Receipt) -> None:
    stored = _raw_rows(db, "complaints") + _raw_rows(db, "complaint_photos")
    secrets = [
        DESCRIPTION.encode(),
        "六到八月工资".encode(),
        b"Foreman Li",
        b"JFIF-photo-of-my-bank-card",
        PHONE.encode(),
    ]
    for secret in secrets:
        assert not any(secret in value for value in stored), secret


def test_complaints_stored_before_encryption_are_moved_by_one_idempotent_command(
    cli: CliRunner,
    client: TestClient,
    db: Database,
    complaint: Receipt,
    inspectors: tuple[dict[str, str], dict[str, str]],
) -> None:
    with db.engine.begin() as conn:  # what a row written before migration 0005b looks like
        conn.execute(
            text("UPDATE complaints SET description = :d, description_enc = NULL"), {"d": DESCRIPTION}
        )
        conn.execute(text("UPDATE complaint_photos SET data = :p, data_enc = NULL"), {"p": PHOTO})
    assert any(DESCRIPTION.encode() in v for v in _raw_rows(db, "complaints"))
    r = cli.invoke(cli_app, ["complaints", "encrypt-personal-data"])
    assert r.exit_code == 0 and "1 complaints, 1 photos" in r.output, r.output
    stored = _raw_rows(db, "complaints") + _raw_rows(db, "complaint_photos")
    assert not any(DESCRIPTION.encode() in v or b"JFIF-photo" in v for v in stored)
    bj, _ = inspectors
    assert (
        client.get(f"/api/v1/cases/{complaint.complaint_id}", headers=bj).json()["description"] == DESCRIPTION
    )
    assert client.get(f"/api/v1/cases/{complaint.complaint_id}/photos/0", headers=bj).content == PHOTO
    again = cli.invoke(cli_app, ["complaints", "encrypt-personal-data"])
    assert again.exit_code == 0 and "0 complaints, 0 photos" in again.output


def test_the_case_handler_in_scope_reads_the_description_and_photos(
    client: TestClient, db: Database, complaint: Receipt, inspectors: tuple[dict[str, str], dict[str, str]]
) -> None:
    bj, ws = inspectors
    case = client.get(f"/api/v1/cases/{complaint.complaint_id}", headers=bj)
    assert case.status_code == 200 and case.json()["description"] == DESCRIPTION
    listed = client.get("/api/v1/cases", headers=bj).json()["items"]
    assert [c["description"] for c in listed] == [DESCRIPTION]
    page = client.get(f"/cases/{complaint.complaint_id}", headers=bj)
    assert page.status_code == 200 and "六到八月工资一直没发" in page.text
    assert _audit(db) == []  # the description is the case itself: reading it is not an audited reveal
    photo = client.get(f"/api/v1/cases/{complaint.complaint_id}/photos/0", headers=bj)
    assert (
        photo.status_code == 200 and photo.content == PHOTO and "no-store" in photo.headers["cache-control"]
    )
    [entry] = _audit(db)  # a photo may show an ID or bank card: each view is audited
    assert (entry.actor, entry.action, entry.subject_type, entry.subject_id) == (
        "bj",
        "view_photo",
        "complaint",
        str(complaint.complaint_id),
    )
    assert client.get(f"/api/v1/cases/{complaint.complaint_id}", headers=ws).status_code == 404
    assert client.get(f"/api/v1/cases/{complaint.complaint_id}/photos/0", headers=ws).status_code == 404
    assert len(_audit(db)) == 1


def test_the_status_look_up_matches_the_phone_through_its_blind_index_however_it_is_typed(
    db: Database, protector: Protector, complaint: Receipt
) -> None:
    with db.sessions() as s:
        for typed in (PHONE, "+86 139 1234 5678", "139-1234-5678"):
            status = public_status(s, protector, tracking_code=complaint.tracking_code.lower(), phone=typed)
            assert status is not None and status.state == "received", typed
        assert public_status(s, protector, tracking_code=complaint.tracking_code, phone="13912345679") is None


# ------------------------------------------------------------------ reveals


def test_a_complainant_reveal_needs_a_reason_records_the_fields_and_is_never_cached(
    client: TestClient, db: Database, complaint: Receipt, inspectors: tuple[dict[str, str], dict[str, str]]
) -> None:
    bj, ws = inspectors
    url = f"/api/v1/cases/{complaint.complaint_id}/reveal"
    assert client.post(url, headers=bj).status_code == 422
    assert client.post(url, json={"reason": " "}, headers=bj).status_code == 422
    assert _audit(db) == []
    r = client.post(url, json={"reason": "电话联系投诉人核实"}, headers=bj)
    assert r.status_code == 200 and r.json()["phone"] == PHONE and r.json()["bank_card"] == CARD
    assert "no-store" in r.headers["cache-control"]
    [entry] = _audit(db)
    assert (entry.actor, entry.action, entry.subject_type) == ("bj", "reveal", "complaint")
    assert entry.detail == {"reason": "电话联系投诉人核实", "fields": ["id_number", "phone", "bank_card"]}
    assert client.post(url, json={"reason": "电话联系投诉人核实"}, headers=ws).status_code == 404
    assert len(_audit(db)) == 1


def test_a_worker_or_project_reveal_needs_a_real_reason_and_is_never_cached(
    client: TestClient,
    db: Database,
    protector: Protector,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
) -> None:
    with db.transaction() as s:
        project, gc = make_region_project(s, BIJIANG)
        team = make_team(s, project=project, enterprise=gc)
        worker = make_worker(s, protector, project=project, team=team, number=id_number(), card=card_number())
    make_user("root", Role.ADMIN)
    for url in (f"/api/v1/workers/{worker.id}/reveal", f"/api/v1/projects/{project.id}/reveal"):
        for blank in ("   ", "\t\n ", " x "):
            assert client.post(url, json={"reason": blank}, headers=login("root")).status_code == 422
    assert _audit(db) == []
    r = client.post(f"/api/v1/workers/{worker.id}/reveal", json={"reason": "欠薪核查"}, headers=login("root"))
    assert r.status_code == 200 and "no-store" in r.headers["cache-control"]
    [entry] = _audit(db)
    assert entry.detail["reason"] == "欠薪核查"
    assert entry.detail["fields"][:2] == ["id_number", "card_number"]


# ------------------------------------------------------------------ logs


@pytest.fixture
def live_server(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app served by a real uvicorn (its own access log) on a free port; logging left to pytest."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, log_level="info"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(1000):  # bounded: at most ~10 s for the socket to open
        if server.started:
            break
        threading.Event().wait(0.01)
    assert server.started, "uvicorn did not start"
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_numbers_and_device_keys_in_query_strings_never_reach_the_access_log(
    live_server: str,
    caplog: pytest.LogCaptureFixture,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
) -> None:
    make_user("root", Role.ADMIN)
    headers = login("root")
    number, device_key = id_number(), "gate-secret-Zq81"
    caplog.set_level(logging.INFO)
    with httpx.Client(base_url=live_server, timeout=10) as http:
        assert http.get(f"/api/v1/workers?id_number={number}&q={CARD}", headers=headers).status_code == 200
        http.get(f"/api/v1/workers?id_number={number.lower()}&phone=%2B86{PHONE}", headers=headers)
        http.get(f"/iclock/cdata?SN=ZK404&options=all&key={device_key}")
        http.get(f"/c/status?code=TS&phone={PHONE}")
    access = [r for r in caplog.records if r.name == "uvicorn.access"]
    assert len(access) == 4 and "/api/v1/workers" in access[0].getMessage()
    formatter = AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False)
    lines = [r.getMessage() for r in caplog.records] + [formatter.format(r) for r in access] + [caplog.text]
    for line in lines:
        for clear in (number, number.lower(), CARD, PHONE, device_key):
            assert clear not in line, (clear, line)
    assert "id_number=***" in access[0].getMessage() and "key=***" in access[2].getMessage()


def test_every_log_line_is_scrubbed_wherever_it_comes_from(
    settings: Settings, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    secret_settings = settings.model_copy(update={"session_secret": "s3cr3t-session-value-0123456789abcdef"})
    create_app(secret_settings, db=db)
    number = id_number()
    log = logging.getLogger("wageguard.anything")
    caplog.set_level(logging.INFO)
    log.info("worker %s card %s phone %s", number, CARD, PHONE)
    log.info("card 6217 0000 0000 0012 345 and phone 139-1234-5678 and id %s", number[:-1] + "x")
    log.info("parsed %r", {"idCardNumber": number, "card": int(CARD)})
    log.info("secret leaked: %s", secret_settings.session_secret)
    log.info("Authorization: Bearer eyJhbGciOi.abc-def_ghi")
    try:
        raise ValueError(f"bad card {CARD} for {number}")
    except ValueError:
        log.exception("import failed")
    assert len(caplog.records) == 6
    for line in [r.getMessage() for r in caplog.records] + [caplog.text]:
        for clear in (number, number[:-1] + "x", CARD, PHONE, "6217 0000 0000 0012 345", "139-1234-5678"):
            assert clear not in line, (clear, line)
        assert secret_settings.session_secret not in line and "eyJhbGciOi" not in line
    assert f"{number[:4]}**********{number[-4:]}" in caplog.records[0].getMessage()  # masked, still useful
    assert "139****5678" in caplog.records[0].getMessage()


# ------------------------------------------------------------------ files


def test_the_sqlite_file_and_the_var_folder_are_private(tmp_path: Path) -> None:
    var = tmp_path / "fresh" / "var"
    database = Database(f"sqlite:///{var / 'wageguard.db'}")
    with database.transaction() as s:
        s.execute(text("CREATE TABLE t (x INTEGER)"))
        s.execute(text("INSERT INTO t VALUES (1)"))
    assert _mode(var) == 0o700
    for name in ("wageguard.db", "wageguard.db-wal", "wageguard.db-shm"):
        assert _mode(var / name) == 0o600, name
    database.dispose()

    old = tmp_path / "old"
    old.mkdir(mode=0o755)
    (old / "wageguard.db").touch(mode=0o644)
    Database(f"sqlite:///{old / 'wageguard.db'}").dispose()
    assert _mode(old / "wageguard.db") == 0o600  # an existing world-readable file is tightened

    intake = tmp_path / "gates" / "var" / "intake" / "devices.db"
    assert Intake(intake).pending() == 0  # raw device calls wait here before the punch store
    assert _mode(intake.parent) == 0o700 and _mode(intake) == 0o600

    keys = tmp_path / "keys" / "var" / "wageguard.env"
    assert ensure_local_keys(keys)
    assert _mode(keys.parent) == 0o700 and _mode(keys) == 0o600


# ------------------------------------------------------------------ error messages


def test_a_rejected_pay_sheet_row_does_not_echo_the_card_number(
    client: TestClient,
    db: Database,
    protector: Protector,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
) -> None:
    number = id_number()
    with db.transaction() as s:
        project, gc = make_region_project(s, BIJIANG)
        team = make_team(s, project=project, enterprise=gc)
        make_worker(s, protector, project=project, team=team, number=number, card=card_number())
        codes = (project.project_code, team.team_sys_no, gc.id)
    make_user("gc", Role.ENTERPRISE, enterprise_id=codes[2])
    bad_cards = ["62170000000000000001234", "62170000ABCD0012345", "6217 0000 0000 0012 3456 78"]
    for bad in bad_cards:
        sheet = {
            "projectCode": codes[0],
            "teamSysNo": codes[1],
            "payMonth": "2026-10",
            "detailList": [
                {
                    "idCardNumber": number,
                    "days": 22,
                    "payRollBankCardNumber": bad,
                    "totalPayAmount": "5100",
                    "actualAmount": "5000",
                }
            ],
        }
        r = client.post("/api/v1/money/payrolls", json=[sheet], headers=login("gc"))
        assert r.status_code == 422, r.text
        assert r.json()["problems"][0]["field"] == "payRollBankCardNumber"
        assert bad not in r.text and bad[4:-4] not in r.text and number not in r.text, r.text


def test_a_request_refused_by_validation_does_not_echo_the_numbers_it_carried(
    client: TestClient, make_user: Callable[..., Principal], login: Callable[[str], dict[str, str]]
) -> None:
    make_user("root", Role.ADMIN)
    headers, number = login("root"), id_number()
    row = {"idCardNumber": number, "payRollBankCardNumber": CARD, "totalPayAmount": {"bad": PHONE}}
    sheet = {"projectCode": "P1", "teamSysNo": "T1", "payMonth": "2026-10", "detailList": [row]}
    refused = [
        client.post("/api/v1/money/payrolls", json=[sheet], headers=headers),
        client.get(f"/api/v1/workers?id_number={number * 2}", headers=headers),
        client.post("/api/v1/workers/search", json={"id_number": number * 2}, headers=headers),
    ]
    for r in refused:
        assert r.status_code == 422 and r.json()["problems"], r.text
        for clear in (number, CARD, PHONE):
            assert clear not in r.text, (clear, r.text)


def test_docs_security_lists_every_encrypted_column() -> None:
    text = (Path(__file__).parents[2] / "docs" / "security.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`(\w+\.\w+_enc)`", text))
    columns = {f"{t.name}.{c.name}" for t in Base.metadata.tables.values() for c in t.columns}
    assert documented == {c for c in columns if c.endswith("_enc")}
