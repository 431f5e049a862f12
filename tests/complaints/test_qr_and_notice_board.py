"""QR codes pointing at the project's complaint page, and the printable notice board PDF."""

from __future__ import annotations

import io
from collections.abc import Callable

from fastapi.testclient import TestClient
from pypdf import PdfReader
from tests.complaints.conftest import SiteProject
from tests.factories import make_enterprise

from wageguard.auth.scope import Principal
from wageguard.complaints.noticeboard import build_notice_board, minimum_wage_yuan
from wageguard.complaints.qr import complaint_url, qr_png, qr_svg
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.registry.choices import Role
from wageguard.registry.models import Project, ProjectParticipant, Region


def test_qr_codes_encode_the_public_complaint_url(
    client: TestClient, settings: Settings, site: SiteProject
) -> None:
    url = complaint_url(settings.public_base_url, site.code)
    assert url == f"{settings.public_base_url}/c/{site.code}"
    svg = client.get(f"/c/{site.code}/qr.svg")
    png = client.get(f"/c/{site.code}/qr.png")
    assert svg.headers["content-type"] == "image/svg+xml" and svg.content == qr_svg(url)
    assert png.content.startswith(b"\x89PNG") and png.content == qr_png(url)
    assert svg.content != qr_svg(url + "x")
    assert client.get("/c/NOPE/qr.svg").status_code == 404


def test_the_notice_board_names_every_party_and_channel(
    db: Database, settings: Settings, site: SiteProject
) -> None:
    with db.sessions() as session:
        board = build_notice_board(session, settings, site.code)
    assert board.project_name == site.name and "建设单位" in board.owner
    assert board.contractor.startswith("测试建筑有限公司") and "项目经理部" in board.project_department
    assert board.subcontractors == [(f"{site.name}劳务分包有限公司", "劳务分包")]
    assert board.sector_authority == "碧江区住房和城乡建设局" and board.sector_hotline == "12319"
    assert board.labour_officer == "劳资员　13900139000"
    assert (board.min_wage_yuan, board.min_wage_tier) == (1760, 2)
    assert [n for n, _ in board.hotlines] == ["12333", "12345", "12348", "12319"]
    assert {kind for kind, _ in board.channels} == {"劳动争议调解", "劳动仲裁", "法律援助", "网上反映"}
    assert board.complaint_url.endswith(f"/c/{site.code}") and board.qr_data_uri.startswith(
        "data:image/svg+xml"
    )


def test_the_minimum_wage_comes_from_the_region_tier_or_its_parent(db: Database, settings: Settings) -> None:
    def set_tier(tier: int | None) -> None:
        with db.transaction() as session:
            region = session.get(Region, "520600")
            assert region is not None
            region.min_wage_tier = tier

    set_tier(3)
    try:  # regions are seed data shared by every test on PostgreSQL: put the tier back
        with db.sessions() as session:
            assert minimum_wage_yuan(session, settings, "520602") == (1660, 3)
            assert minimum_wage_yuan(session, settings, "520102") == (1760, 2)
    finally:
        set_tier(None)


def test_the_notice_board_pdf_embeds_chinese_fonts_and_the_content(
    client: TestClient,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
    site: SiteProject,
) -> None:
    path = f"/c/{site.code}/notice-board.pdf"
    assert client.get(path).status_code == 401
    make_user("ws", Role.INSPECTOR, region_code="520603")
    assert client.get(path, headers=login("ws")).status_code == 404
    make_user("bj", Role.INSPECTOR, region_code="520602")
    r = client.get(path, headers=login("bj"))
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(r.content))
    text = "".join(page.extract_text() for page in reader.pages)
    for expected in (site.name, "维权信息告示牌", "12333", "劳资专管员", "1,760 元", "法律援助"):
        assert expected in text, expected
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts.append((str(font["/BaseFont"]), embedded))
    assert any("CJK" in name and embedded for name, embedded in fonts), fonts
    assert all(embedded for _, embedded in fonts)


def test_a_crowded_notice_board_still_prints_on_one_a3_page(
    client: TestClient,
    db: Database,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
    site: SiteProject,
) -> None:
    """Six subcontractors with long names and a long address (the demo's 52060320240062 spilled onto a
    second page): the board is set tighter, never split."""
    with db.transaction() as session:
        project = session.get(Project, site.id)
        assert project is not None
        project.address = (
            "碧江区灯塔街道川硐镇教育园区北侧规划三路与滨江大道交汇处东南角地块（原铜仁市第二砖瓦厂旧址）"
        )
        for i in range(6):
            sub = make_enterprise(
                session, name=f"铜仁市碧江区第{i + 1}建筑劳务钢结构安装与市政园林工程有限责任公司"
            )
            session.add(
                ProjectParticipant(project_id=site.id, enterprise_id=sub.id, corp_type="00" + str(i + 1))
            )
    make_user("bj", Role.INSPECTOR, region_code="520602")
    r = client.get(f"/c/{site.code}/notice-board.pdf", headers=login("bj"))
    assert r.status_code == 200
    reader = PdfReader(io.BytesIO(r.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 1191)  # A3 portrait, in points
    text = reader.pages[0].extract_text()
    for expected in ("第6建筑劳务", "法律援助", "依据《保障农民工工资支付条例》第三十四条设置", "每月"):
        assert expected in text.replace("\n", ""), expected
