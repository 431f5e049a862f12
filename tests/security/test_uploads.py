"""Every upload endpoint enforces its size limit while the body streams in (with or without Content-Length),
answers 413 with a bilingual message and stores nothing; odd file names never cause a server error."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.complaints.conftest import COUNTY, FormClient, SiteProject, _project, valid_form
from tests.factories import make_enterprise
from tests.ingest.factories import corp_row, write_csv

from wageguard.complaints.models import Complaint
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.ingest.models import ImportBatch
from wageguard.registry.choices import Role
from wageguard.web.app import create_app

CHUNK = 1024 * 1024
LIMIT = 256 * 1024
BOUNDARY = "wgboundary"


@dataclass
class Streamed:
    """A request body sent in chunks; counts how many chunks the server pulled."""

    head: bytes
    chunks: int
    tail: bytes = b""
    pulled: int = 0
    filler: bytes = field(default=b"x" * CHUNK)

    async def body(self) -> AsyncIterator[bytes]:
        self.pulled += 1
        yield self.head
        for _ in range(self.chunks):
            self.pulled += 1
            yield self.filler
        self.pulled += 1
        yield self.tail


def multipart(name: str, filename: str, fields: dict[str, str] | None = None) -> tuple[bytes, bytes]:
    """The opening of a multipart body (fields, then one file part's header) and its closing."""
    head = b""
    for key, value in (fields or {}).items():
        head += f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
    head += (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return head, f"\r\n--{BOUNDARY}--\r\n".encode()


def post_streamed(
    app: Any, path: str, body: Streamed, headers: dict[str, str], cookies: dict[str, str] | None = None
) -> httpx.Response:
    """POST through the ASGI interface with a chunked body (no Content-Length), as a slow client would."""

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver", cookies=cookies) as c:
            return await c.post(path, content=body.body(), headers=headers)

    # A fresh thread: another test's fixture (Playwright's sync API) may keep an event loop running in
    # this worker's main thread, where anyio.run would refuse to start.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(anyio.run, go).result(timeout=120)


@pytest.fixture
def site(db: Database) -> SiteProject:
    return _project(db, COUNTY, "碧江新城安置房一期")


@pytest.fixture
def small_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"upload_max_bytes": LIMIT})


@pytest.fixture
def small_app(small_settings: Settings, db: Database) -> Any:
    return create_app(small_settings, db=db)


@pytest.fixture
def small_client(small_app: Any) -> Any:
    with TestClient(small_app) as c:
        yield c


@pytest.fixture
def bearer(small_client: TestClient, make_user: Callable[..., Any]) -> Callable[..., dict[str, str]]:
    def make(username: str, role: Role = Role.ADMIN, **kw: Any) -> dict[str, str]:
        make_user(username, role, **kw)
        r = small_client.post("/api/v1/auth/token", json={"username": username, "password": f"pw-{username}"})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    return make


def batches(db: Database) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(ImportBatch)) or 0)


def complaints(db: Database) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Complaint)) or 0)


def assert_bilingual_413(r: httpx.Response) -> None:
    assert r.status_code == 413, r.text
    body = r.json()
    assert body["error"] == "TooLarge" and "上限" in body["message_zh"] and "limit" in body["message"]


def test_a_40_mb_complaint_without_content_length_is_refused_early_and_stores_nothing(
    client: TestClient, app: Any, site: SiteProject, db: Database, settings: Settings
) -> None:
    form = FormClient(client)
    csrf, idem = form.open(f"/c/{site.code}")
    head, tail = multipart("photos", "big.jpg", {**valid_form(), "csrf": csrf, "idem": idem})
    body = Streamed(head=head, chunks=40, tail=tail)
    headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    r = post_streamed(app, f"/c/{site.code}", body, headers, cookies=dict(client.cookies))
    cap = settings.complaint_photos_max * settings.complaint_photo_max_bytes + 256 * 1024
    assert r.status_code == 413 and "提交内容过大" in r.text
    assert body.pulled <= cap // CHUNK + 2 < 40
    assert complaints(db) == 0


def test_an_import_over_the_limit_without_content_length_is_refused_while_streaming(
    small_app: Any, bearer: Callable[..., dict[str, str]], db: Database
) -> None:
    headers = bearer("root")
    head, tail = multipart("file", "w.csv")
    body = Streamed(head=head, chunks=40, tail=tail)
    ctype = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    r = post_streamed(small_app, "/api/v1/imports/ProjectWorker", body, {**headers, **ctype})
    assert_bilingual_413(r)
    assert body.pulled <= 3
    json_body = Streamed(head=b"[", chunks=40, tail=b"]")
    r = post_streamed(
        small_app, "/api/v1/imports/Corp", json_body, {**headers, "Content-Type": "application/json"}
    )
    assert_bilingual_413(r)
    assert json_body.pulled <= 3
    assert batches(db) == 0


def test_a_declared_length_over_the_limit_is_refused_before_reading(
    small_client: TestClient, bearer: Callable[..., dict[str, str]], db: Database
) -> None:
    headers = bearer("root")
    r = small_client.post(
        "/api/v1/imports/Corp",
        content=b"[" + b" " * (LIMIT + 10) + b"]",
        headers={**headers, "Content-Type": "application/json"},
    )
    assert_bilingual_413(r)  # type: ignore[arg-type]
    assert batches(db) == 0


@pytest.mark.parametrize(
    ("path", "role", "fields"),
    [
        ("/api/v1/money/payrolls/file", Role.ENTERPRISE, {}),
        ("/api/v1/money/bank/files", Role.BANK, {"profile": "generic"}),
    ],
)
def test_money_file_uploads_are_bounded_while_streaming(
    small_app: Any,
    bearer: Callable[..., dict[str, str]],
    path: str,
    role: Role,
    fields: dict[str, str],
    db: Database,
) -> None:
    with db.transaction() as s:
        enterprise = make_enterprise(s, name="碧江建工集团", region_code="520602").id
    extra: dict[str, Any] = {"enterprise_id": enterprise} if role is Role.ENTERPRISE else {"bank_code": "103"}
    headers = bearer("uploader", role, **extra)
    head, tail = multipart("file", "pay.csv", fields)
    body = Streamed(head=head, chunks=40, tail=tail)
    ctype = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    r = post_streamed(small_app, path, body, {**headers, **ctype})
    assert_bilingual_413(r)
    assert body.pulled <= 3


def test_an_attendance_batch_over_the_limit_is_refused_while_streaming(
    small_app: Any, bearer: Callable[..., dict[str, str]]
) -> None:
    headers = {**bearer("root"), "Content-Type": "application/json"}
    body = Streamed(head=b'{"projectCode": "P1", "dataList": [', chunks=40, tail=b"]}")
    r = post_streamed(small_app, "/api/v1/attendance/batch", body, headers)
    assert_bilingual_413(r)
    assert body.pulled <= 3


def test_a_browser_gets_the_413_as_a_page(small_app: Any, small_client: TestClient, make_user: Any) -> None:
    make_user("root", Role.ADMIN)
    page = small_client.get("/login")
    assert page.status_code == 200
    body = Streamed(head=b"username=root&password=", chunks=4, tail=b"")
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}
    r = post_streamed(small_app, "/login", body, headers, cookies=dict(small_client.cookies))
    assert r.status_code == 413 and "text/html" in r.headers["content-type"] and "上限" in r.text


@pytest.mark.parametrize(
    "filename",
    ["..", ".", "", "../../etc/passwd.csv", "a" * 400 + ".csv", "名单.CSV", "x.csv/..", "\\..\\w.csv"],
)
def test_odd_upload_names_never_cause_a_server_error(
    small_app: Any, bearer: Callable[..., dict[str, str]], filename: str, tmp_path: Path, db: Database
) -> None:
    headers = bearer("root")
    data = write_csv(tmp_path / "c.csv", [corp_row(1)]).read_bytes()
    with TestClient(small_app, raise_server_exceptions=False) as c:
        r = c.post("/api/v1/imports/Corp", files={"file": (filename, data, "text/csv")}, headers=headers)
        assert r.status_code in (200, 422), (filename, r.status_code, r.text)
        body = r.json()
        if r.status_code == 422:
            assert body.get("message_zh"), body
        assert not list((tmp_path.parent).glob("passwd*"))
