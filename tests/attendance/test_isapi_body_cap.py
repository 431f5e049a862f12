"""Hikvision ISAPI bodies are capped while they stream in: a chunked body (no Content-Length) over the cap is
answered 413 after reading about the cap, never spooled whole, and nothing of it is stored."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient
from tests.attendance.conftest import HIK_SN, KEY, Site, count, drain
from tests.security.test_uploads import BOUNDARY, CHUNK, Streamed, multipart, post_streamed

from wageguard.attendance.emulator import hik_event
from wageguard.attendance.intake import Intake
from wageguard.attendance.models import DeviceRejection, Punch
from wageguard.db import Database
from wageguard.web.iclock import intake_of
from wageguard.web.isapi import BODY_MAX_BYTES, EVENT_MAX_BYTES

HIK = f"/isapi/event?SN={HIK_SN}&key={KEY}"


def _event() -> str:
    return json.dumps(hik_event(at=datetime(2026, 10, 8, 7, 0), employee="1001", serial_no=1))


def _nothing_kept(app: Any, db: Database) -> None:
    assert Intake(intake_of(app).path).pending() == 0
    drain(app)
    assert count(db, Punch) == 0 and count(db, DeviceRejection) == 0


def test_a_chunked_picture_over_the_cap_is_refused_while_streaming(
    app: Any, db: Database, site: Site, app_options: Any
) -> None:
    head, tail = multipart("Picture", "face.jpg", {"event_log": _event()})
    body = Streamed(head=head, chunks=40, tail=tail)  # 40 MiB, within upload_max_bytes, over 8 MiB
    r = post_streamed(app, HIK, body, {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    assert r.status_code == 413, r.text
    said = f"请求体超过 {BODY_MAX_BYTES} 字节，未保存 / body over {BODY_MAX_BYTES} bytes, nothing stored"
    assert r.json() == {"statusCode": 4, "statusString": said}
    assert body.pulled <= BODY_MAX_BYTES // CHUNK + 2 < 40
    _nothing_kept(app, db)


def test_a_chunked_json_event_over_the_cap_is_refused_while_streaming(
    app: Any, db: Database, site: Site, app_options: Any
) -> None:
    body = Streamed(head=b'{"eventType": "', chunks=40, tail=b'"}')
    r = post_streamed(app, HIK, body, {"Content-Type": "application/json"})
    assert r.status_code == 413 and "未保存" in r.text, r.text
    assert body.pulled <= EVENT_MAX_BYTES // CHUNK + 2
    _nothing_kept(app, db)


def test_a_declared_length_over_the_cap_is_refused_before_reading(
    client: TestClient, app: Any, db: Database, site: Site, app_options: Any
) -> None:
    picture = b"\xff\xd8" + b"x" * BODY_MAX_BYTES
    files = {"event_log": (None, _event()), "Picture": ("face.jpg", picture, "image/jpeg")}
    r = client.post(HIK, files=files)
    assert r.status_code == 413 and "未保存" in r.json()["statusString"]
    _nothing_kept(app, db)


def test_an_event_with_its_picture_under_the_cap_is_still_accepted(
    app: Any, db: Database, site: Site, app_options: Any
) -> None:
    head, tail = multipart("Picture", "face.jpg", {"event_log": _event()})
    body = Streamed(head=head, chunks=2, tail=tail)
    r = post_streamed(app, HIK, body, {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    assert r.status_code == 200 and r.json()["accepted"] == 1, r.text
    drain(app)
    assert count(db, Punch) == 1
