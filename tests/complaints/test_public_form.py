"""The worker's form at /c/<project code>: validation beside each field, idempotent resends, abuse limits."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.complaints.conftest import COUNTY, FormClient, SiteProject, tracking_code, valid_form

from wageguard.complaints.models import Complaint, ComplaintEvent, ComplaintPhoto
from wageguard.complaints.qr import qr_png
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.security.crypto import Protector

PNG = qr_png("https://example.org/photo")
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 2000


def _count(db: Database) -> int:
    with db.sessions() as session:
        return session.scalar(select(func.count()).select_from(Complaint)) or 0


def test_the_form_is_prefilled_with_the_project_and_works_without_javascript(
    client: TestClient, site: SiteProject
) -> None:
    page = client.get(f"/c/{site.code}")
    assert page.status_code == 200
    assert site.name in page.text and "<script" not in page.text
    assert 'method="post"' in page.text and 'enctype="multipart/form-data"' in page.text
    assert 'name="website"' in page.text  # honeypot
    assert "wg_csrf" in page.cookies


def test_a_valid_complaint_gets_a_receipt_and_is_stored_encrypted_and_routed_to_the_county(
    form_client: FormClient, db: Database, protector: Protector, site: SiteProject
) -> None:
    form = valid_form(bank_card="6217000000000000015")
    r = form_client.submit(f"/c/{site.code}", form, photos=[("pay.png", PNG, "image/png")])
    assert r.status_code == 200, r.text
    code = tracking_code(r.text)
    with db.sessions() as session:
        c = session.scalar(select(Complaint).where(Complaint.tracking_code == code))
        assert c is not None
        assert c.project_id == site.id and c.region_code == COUNTY and c.state == "received"
        assert form["id_number"].encode() not in c.id_enc and protector.decrypt(c.id_enc) == form["id_number"]
        assert c.id_bidx == protector.blind_index(form["id_number"])
        assert c.id_masked == form["id_number"][:4] + "*" * 10 + form["id_number"][-4:]
        assert c.card_masked == "6217***********0015" and c.phone_masked == "139****5678"
        assert c.amount_owed_fen == 1_560_050 and c.months_owed == 3 and c.workers_affected == 4
        photo = session.scalar(select(ComplaintPhoto).where(ComplaintPhoto.complaint_id == c.id))
        assert photo is not None and photo.content_type == "image/png" and photo.data_enc is not None
        assert PNG not in photo.data_enc and protector.decrypt_bytes(photo.data_enc) == PNG
        assert c.description_enc is not None
        assert protector.decrypt_text(c.description_enc) == form["description"]
        events = session.scalars(select(ComplaintEvent).where(ComplaintEvent.complaint_id == c.id)).all()
        assert [(e.action, e.actor, e.to_state) for e in events] == [("submit", "worker", "received")]


def test_a_double_tap_or_retry_creates_one_complaint_with_the_same_receipt(
    form_client: FormClient, db: Database, site: SiteProject
) -> None:
    path = f"/c/{site.code}"
    tokens = form_client.open(path)
    first = form_client.submit(path, valid_form(), tokens=tokens)
    second = form_client.submit(path, valid_form(), tokens=tokens)
    assert first.status_code == second.status_code == 200
    assert tracking_code(first.text) == tracking_code(second.text)
    assert _count(db) == 1


def test_bad_fields_are_marked_beside_each_field_and_typed_input_is_kept(
    form_client: FormClient, db: Database, site: SiteProject
) -> None:
    good_id = valid_form()["id_number"]  # one draw: two calls may give two different numbers
    bad_id = good_id[:17] + ("0" if good_id[17] != "0" else "1")
    form = valid_form(id_number=bad_id, phone="1234", amount_owed="abc", months_owed="0", name="")
    r = form_client.submit(f"/c/{site.code}", form)
    assert r.status_code == 422
    assert "身份证号码有误（最后一位校验码不符）" in r.text and 'id="e-id_number"' in r.text
    assert 'id="e-phone"' in r.text and 'id="e-amount_owed"' in r.text and 'id="e-months_owed"' in r.text
    assert "请填写姓名" in r.text
    for kept in (bad_id, "李姓班组长", "三月到八月在工地做钢筋工", "2026-03-01", "abc"):
        assert kept in r.text
    assert _count(db) == 0


def test_a_work_end_before_its_start_is_refused(form_client: FormClient, site: SiteProject) -> None:
    r = form_client.submit(f"/c/{site.code}", valid_form(work_start="2026-05-01", work_end="2026-04-01"))
    assert r.status_code == 422 and "结束日期不能早于开始日期" in r.text


def test_photos_must_be_jpeg_or_png_within_the_size_and_count_limits(
    form_client: FormClient, db: Database, settings: Settings, site: SiteProject
) -> None:
    settings.complaint_photo_max_bytes = 10_000
    path = f"/c/{site.code}"
    gif = form_client.submit(path, valid_form(), photos=[("a.png", b"GIF89a" + b"\0" * 50, "image/png")])
    assert gif.status_code == 422 and "不是JPG或PNG图片" in gif.text
    big = form_client.submit(path, valid_form(), photos=[("big.jpg", JPEG + b"\0" * 20_000, "image/jpeg")])
    assert big.status_code == 422 and "超过" in big.text
    three = [("p.jpg", JPEG, "image/jpeg")] * 3
    ok = form_client.submit(path, valid_form(), photos=three)
    assert ok.status_code == 200
    four = form_client.submit(
        path, valid_form(phone="13811112222"), photos=[("p.jpg", JPEG, "image/jpeg")] * 4
    )
    assert four.status_code in (413, 422)
    assert _count(db) == 1


def test_a_post_without_the_signed_csrf_token_stores_nothing_and_keeps_the_input(
    form_client: FormClient, db: Database, site: SiteProject
) -> None:
    _csrf, idem = form_client.open(f"/c/{site.code}")
    r = form_client.submit(f"/c/{site.code}", valid_form(), tokens=("forged", idem))
    assert r.status_code == 403 and "安全校验未通过" in r.text and "李姓班组长" in r.text
    assert _count(db) == 0


def test_the_honeypot_field_gets_a_fake_receipt_and_stores_nothing(
    form_client: FormClient, db: Database, site: SiteProject
) -> None:
    r = form_client.submit(f"/c/{site.code}", valid_form(), website="http://spam.example")
    assert r.status_code == 200 and tracking_code(r.text)
    assert _count(db) == 0


def test_submissions_are_limited_per_ip(
    form_client: FormClient, db: Database, settings: Settings, site: SiteProject
) -> None:
    settings.complaint_rate_per_ip_per_hour = 2
    path = f"/c/{site.code}"
    codes = [form_client.submit(path, valid_form(phone=f"1391234000{i}")).status_code for i in range(3)]
    assert codes == [200, 200, 429]
    assert _count(db) == 2


def test_complaints_are_limited_per_phone_in_the_database(
    form_client: FormClient, db: Database, settings: Settings, site: SiteProject
) -> None:
    settings.complaint_rate_per_phone_per_day = 2
    path = f"/c/{site.code}"
    codes = [form_client.submit(path, valid_form()).status_code for _ in range(2)]
    third = form_client.submit(path, valid_form())
    assert codes == [200, 200] and third.status_code == 422
    assert "该手机号今日提交次数过多" in third.text and 'id="e-phone"' in third.text
    assert _count(db) == 2


def test_without_a_project_the_worker_names_the_county(
    form_client: FormClient, db: Database, site: SiteProject
) -> None:
    missing = form_client.submit("/c/", valid_form())
    assert missing.status_code == 422 and "请选择欠薪发生地" in missing.text and "碧江区" in missing.text
    r = form_client.submit("/c/", valid_form(region_code="520603"))
    assert r.status_code == 200
    with db.sessions() as session:
        c = session.scalar(select(Complaint))
        assert c is not None and c.project_id is None and c.region_code == "520603"


def test_an_unknown_project_code_is_a_chinese_404(client: TestClient) -> None:
    r = client.get("/c/NO-SUCH-PROJECT")
    assert r.status_code == 404 and "未找到该项目" in r.text


def test_status_needs_the_code_and_the_phone_and_shows_only_the_state(
    form_client: FormClient, client: TestClient, site: SiteProject
) -> None:
    form = valid_form()
    code = tracking_code(form_client.submit(f"/c/{site.code}", form).text)
    page = client.get(f"/c/status?code={code}")
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    ok = client.post("/c/status", data={"csrf": csrf, "code": code.lower(), "phone": form["phone"]})
    assert ok.status_code == 200 and "已收到，待审核" in ok.text
    for secret in (form["name"], form["id_number"], form["employer"], "15600", form["phone"]):
        assert secret not in ok.text
    wrong = client.post("/c/status", data={"csrf": csrf, "code": code, "phone": "13900000000"})
    unknown = client.post("/c/status", data={"csrf": csrf, "code": "TSAAAAAAAAAA", "phone": form["phone"]})
    assert wrong.status_code == unknown.status_code == 404
    assert "未找到匹配的投诉" in wrong.text and "已收到，待审核" not in wrong.text
    forged = client.post("/c/status", data={"csrf": "x", "code": code, "phone": form["phone"]})
    assert forged.status_code == 403
