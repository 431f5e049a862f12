"""The workers' public pages: Chinese by default, English on ``?lang=en`` (remembered for the form's POST)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.complaints.conftest import FormClient, SiteProject, tracking_code, valid_form


def _bad_id() -> str:
    good = valid_form()["id_number"]
    return good[:17] + ("0" if good[17] != "0" else "1")


def test_the_form_is_chinese_by_default_with_a_link_to_english_that_keeps_the_project(
    client: TestClient, site: SiteProject
) -> None:
    page = client.get(f"/c/{site.code}")
    assert page.status_code == 200 and 'lang="zh-CN"' in page.text
    assert "身份证号码 *" in page.text and "提交投诉" in page.text and "ID card number" not in page.text
    assert f'id="lang-switch" href="/c/{site.code}?lang=en"' in page.text and ">English</a>" in page.text


def test_the_form_in_english_shows_english_labels_and_links_back_to_chinese(
    client: TestClient, site: SiteProject
) -> None:
    page = client.get(f"/c/{site.code}?lang=en")
    assert page.status_code == 200 and '<html lang="en">' in page.text
    for label in (
        "ID card number *",
        "Mobile number *",
        "Amount owed (yuan) *",
        "Send complaint",
        "(optional)",
    ):
        assert label in page.text
    assert site.name in page.text and f"Project code {site.code}" in page.text
    assert "身份证号码" not in page.text and "提交投诉" not in page.text
    assert f'href="/c/{site.code}?lang=zh"' in page.text and ">中文</a>" in page.text
    assert "<script" not in page.text and page.cookies.get("lang") == "en"
    blank = client.get("/c/?lang=en")
    assert "County where the wages are owed *" in blank.text and "Choose" in blank.text


def test_a_bad_id_number_is_explained_in_english_beside_the_field_and_the_input_is_kept(
    form_client: FormClient, site: SiteProject
) -> None:
    tokens = form_client.open(f"/c/{site.code}?lang=en")  # the language is remembered in the cookie
    bad_id = _bad_id()
    r = form_client.submit(f"/c/{site.code}", valid_form(id_number=bad_id, phone="1234"), tokens=tokens)
    assert r.status_code == 422
    error = r.text.split('id="e-id_number">')[1].split("<")[0]
    assert error == "The ID number is wrong (its check digit does not match); check each digit"
    assert 'id="e-phone"' in r.text and "Please correct the 2 fields marked in red" in r.text
    assert "身份证号码有误" not in r.text
    for kept in (bad_id, "1234", "李姓班组长", "2026-03-01"):
        assert f'value="{kept}"' in r.text


def test_a_missing_field_and_the_county_are_explained_in_english(form_client: FormClient) -> None:
    tokens = form_client.open("/c/?lang=en")
    r = form_client.submit("/c/", valid_form(name=""), tokens=tokens)
    assert r.status_code == 422
    assert "Please fill in your name" in r.text and "Please choose the county" in r.text


def test_the_receipt_and_the_status_page_in_english(
    form_client: FormClient, client: TestClient, site: SiteProject
) -> None:
    form = valid_form()
    tokens = form_client.open(f"/c/{site.code}?lang=en")
    receipt = form_client.submit(f"/c/{site.code}", form, tokens=tokens)
    assert receipt.status_code == 200 and "Your tracking code" in receipt.text
    code = tracking_code(receipt.text)
    assert f'href="/c/status?code={code}&amp;lang=zh"' in receipt.text  # switching keeps the code
    page = client.get(f"/c/status?code={code}&lang=en")
    assert "Check your complaint&#39;s progress" in page.text and f'value="{code}"' in page.text
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    ok = client.post("/c/status", data={"csrf": csrf, "code": code, "phone": form["phone"]})
    assert ok.status_code == 200
    assert (
        'id="state-label">Received, awaiting review: the inspection office' in ok.text
        and "Sent on" in ok.text
    )
    assert "已收到" not in ok.text and form["phone"] not in ok.text
    wrong = client.post("/c/status", data={"csrf": csrf, "code": code, "phone": "13900000000"})
    assert wrong.status_code == 404 and "No matching complaint" in wrong.text
    back = client.get(f"/c/status?code={code}&lang=zh")
    assert "查询投诉办理进度" in back.text and back.cookies.get("lang") == "zh"


def test_an_unknown_project_in_english(client: TestClient) -> None:
    r = client.get("/c/NO-SUCH-PROJECT?lang=en")
    assert r.status_code == 404 and "This project was not found" in r.text and "未找到" not in r.text
