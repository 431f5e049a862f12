"""The rights notice board (维权信息告示牌) of a project as a printable one-page A3 PDF with its QR code.

Content required by 保障农民工工资支付条例 Art 34: owner, general contractor and its project department,
subcontractors, sector authority, labour-relations officer, local minimum wage, pay date, complaint hotlines,
mediation / arbitration / legal-aid channels. Chinese glyphs come from Noto CJK (Debian ``fonts-noto-cjk``),
embedded (subset) in the PDF.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from wageguard.complaints.choices import (
    DEFAULT_SECTOR,
    HOTLINES,
    NATIONAL_CLUE_PLATFORM,
    SECTOR_AUTHORITY,
    SUBCONTRACTOR_CORP_TYPES,
)
from wageguard.complaints.qr import complaint_url, qr_svg
from wageguard.config import Settings
from wageguard.errors import NotFound
from wageguard.registry.choices import CORP_TYPE
from wageguard.registry.models import Enterprise, Project, ProjectParticipant, Region
from wageguard.registry.personal import Sealer
from wageguard.security.crypto import Protector

TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates"


@dataclass
class NoticeBoard:
    """Everything printed on one project's notice board."""

    project_name: str
    project_code: str
    address: str
    owner: str
    contractor: str
    project_department: str
    subcontractors: list[tuple[str, str]]
    region_name: str
    sector_authority: str
    sector_hotline: str
    inspection_office: str
    labour_officer: str
    min_wage_yuan: int
    min_wage_tier: int
    pay_day: int
    complaint_url: str
    qr_data_uri: str
    hotlines: list[tuple[str, str]] = field(default_factory=list)
    channels: list[tuple[str, str]] = field(default_factory=list)


def minimum_wage_yuan(session: Session, settings: Settings, region_code: str) -> tuple[int, int]:
    """Monthly minimum wage and tier of a region: its own tier, else its parents', else the default."""
    tier, code = settings.min_wage_default_tier, region_code
    while code:
        row = session.execute(
            select(Region.min_wage_tier, Region.parent_code).where(Region.code == code)
        ).first()
        if row is None:
            break
        if row.min_wage_tier:
            tier = int(row.min_wage_tier)
            break
        code = row.parent_code
    tiers = settings.min_wage_tiers_yuan
    tier = min(max(tier, 1), len(tiers))
    return tiers[tier - 1], tier


def _parties(
    session: Session, project: Project, phones: Sealer
) -> tuple[str, str, str, list[tuple[str, str]]]:
    rows = session.execute(
        select(ProjectParticipant, Enterprise)
        .join(Enterprise, Enterprise.id == ProjectParticipant.enterprise_id)
        .where(ProjectParticipant.project_id == project.id)
        .order_by(ProjectParticipant.id)
    ).all()
    by_type = {pp.corp_type: (pp, e) for pp, e in rows}
    owner = session.get(Enterprise, project.build_corp_id) if project.build_corp_id else None
    gc = session.get(Enterprise, project.contractor_id) if project.contractor_id else None
    owner_name = owner.name if owner else (by_type["008"][1].name if "008" in by_type else "未登记")
    gc_name = gc.name if gc else (by_type["009"][1].name if "009" in by_type else "未登记")
    gc_pp = by_type.get("009", (None, None))[0]
    manager = (gc_pp.pm_name if gc_pp else None) or project.link_man or "未登记"
    phone = (phones.open(gc_pp.pm_phone_enc) if gc_pp else None) or phones.open(project.link_phone_enc) or ""
    department = f"{project.name}项目经理部　负责人：{manager}　{phone}".strip()
    subs = [
        (e.name, CORP_TYPE.get(pp.corp_type, pp.corp_type))
        for pp, e in rows
        if pp.corp_type in SUBCONTRACTOR_CORP_TYPES
    ]
    return owner_name, gc_name, department, subs


def build_notice_board(session: Session, settings: Settings, project_code: str) -> NoticeBoard:
    """Gather a project's notice-board content."""
    project = session.scalar(select(Project).where(Project.project_code == project_code))
    if project is None:
        raise NotFound(f"project {project_code}", message_zh="项目不存在")
    county = session.get(Region, project.region_code)
    parent = session.get(Region, county.parent_code) if county and county.parent_code else None
    region_name = f"{parent.name if parent else ''}{county.name if county else project.region_code}"
    county_name = county.name if county else region_name
    phones = Sealer(Protector(settings.data_key_bytes, settings.index_key_bytes), "phone")  # printed by law
    owner, gc, department, subs = _parties(session, project, phones)
    authority, sector_hotline = SECTOR_AUTHORITY.get(project.category or "", DEFAULT_SECTOR)
    min_wage, tier = minimum_wage_yuan(session, settings, project.region_code)
    url = complaint_url(settings.public_base_url, project.project_code)
    officer = project.labour_officer_name or "未登记"
    if officer_phone := phones.open(project.labour_officer_phone_enc):
        officer = f"{officer}　{officer_phone}"
    return NoticeBoard(
        project_name=project.name,
        project_code=project.project_code,
        address=project.address or "",
        owner=owner,
        contractor=gc,
        project_department=department,
        subcontractors=subs,
        region_name=region_name,
        sector_authority=f"{county_name}{authority}",
        sector_hotline=sector_hotline,
        inspection_office=f"{county_name}人力资源和社会保障局（劳动保障监察）",
        labour_officer=officer,
        min_wage_yuan=min_wage,
        min_wage_tier=tier,
        pay_day=project.pay_day,
        complaint_url=url,
        qr_data_uri="data:image/svg+xml;base64," + base64.b64encode(qr_svg(url)).decode(),
        hotlines=[*HOTLINES, (sector_hotline, f"{authority}服务热线")],
        channels=[
            ("劳动争议调解", f"{county_name}劳动人事争议调解组织、乡镇（街道）劳动保障服务所"),
            (
                "劳动仲裁",
                f"{parent.name if parent else county_name}劳动人事争议仲裁院（{county_name}仲裁庭）",
            ),
            ("法律援助", f"{county_name}法律援助中心，热线 12348"),
            ("网上反映", NATIONAL_CLUE_PLATFORM),
        ],
    )


DENSITIES = ("", "compact", "dense")  # the board's type sizes, largest first: the first that fits one page


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


def render_notice_board_html(board: NoticeBoard, density: str = "") -> str:
    return _environment().get_template("complaints/notice_board.html").render(b=board, density=density)


@lru_cache(maxsize=1)
def _font_config() -> Any:
    """WeasyPrint's font configuration, made once per process (fontconfig's set-up and the Noto CJK
    look-up are the slow part of a first board; every later board reuses them)."""
    from weasyprint.text.fonts import FontConfiguration  # heavy import, only when a board is printed

    return FontConfiguration()


def warm_up() -> None:
    """Import WeasyPrint and make its font configuration now (about 0.6 s), so that the first board a server
    prints is as quick as the later ones; ``serve`` may call it in a background thread."""
    _font_config()


def notice_board_pdf(session: Session, settings: Settings, project_code: str) -> bytes:
    """The notice board of a project as one A3 page of PDF (fonts embedded, subset): laid out at the
    largest type size that keeps it on one page."""
    from weasyprint import HTML  # heavy import, only when a board is printed

    board = build_notice_board(session, settings, project_code)
    fonts = _font_config()
    for density in DENSITIES:
        html = render_notice_board_html(board, density)
        document = HTML(string=html, base_url=str(TEMPLATES)).render(font_config=fonts)
        if len(document.pages) == 1:
            break
    else:  # even the densest setting overflows (absurdly long names): print its first page only
        document = document.copy(document.pages[:1])
    pdf: bytes = document.write_pdf()
    return pdf
