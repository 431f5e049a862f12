"""Which region a screen shows, checked against the caller's scope, and its base map file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal, region_prefix
from wageguard.config import Settings
from wageguard.errors import Forbidden, NotFound, Problem, ValidationFailed
from wageguard.registry.choices import Role
from wageguard.registry.models import ProjectParticipant, Region

DEMO_MAP_DIR = Path(__file__).resolve().parents[1] / "web" / "static" / "vendor" / "maps"  # `make assets`
CODE = re.compile(r"^\d{2}(\d{2}(\d{2})?)?$")
CHILD = {"country": "province", "province": "city", "city": "county", "county": "project"}
# the demo's maps (../shared/data/maps, copied by `make assets`): region code -> (file, feature key)
DEMO_MAPS = {"520000": ("guizhou.echarts.json", "id"), "520600": ("tongren.geojson", "name")}


@dataclass(frozen=True)
class ScreenRegion:
    code: str  # '' for the whole country
    name: str
    level: str  # country, province, city, county; 'projects' for an enterprise's own projects
    prefix: str | None
    project_ids: tuple[int, ...] | None
    parent: tuple[str, str] | None

    @property
    def child_level(self) -> str:
        return CHILD.get(self.level, "project")


def _level(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    return "city" if code.endswith("00") else "county"


def bad_region(value: str) -> ValidationFailed:
    return ValidationFailed(
        "region must be a GB/T 2260 code of 2, 4 or 6 digits",
        problems=[
            Problem(
                "region",
                "invalid",
                "地区代码须为 2、4 或 6 位行政区划代码",
                "region must be a GB/T 2260 code of 2, 4 or 6 digits",
                value=value[:20],
            )
        ],
        message_zh="地区代码无效",
    )


def resolve_region(*, session: Session, principal: Principal, code: str | None) -> ScreenRegion:
    """The region of a screen: ``code`` (2, 4 or 6 digits) or the caller's own; 422 malformed, 404 unknown,
    403 outside the caller's region; an enterprise sees its own projects only (no region)."""
    if principal.role not in (Role.ADMIN, Role.INSPECTOR, Role.ENTERPRISE):
        raise Forbidden("the command screen is for inspectors and enterprises", message_zh="无权查看总览")
    if code is not None and not CODE.match(code):
        raise bad_region(code)
    if principal.role is Role.ENTERPRISE:
        if code:
            raise Forbidden("an enterprise sees its own projects only", message_zh="企业只能查看本企业的项目")
        ids = session.scalars(
            select(ProjectParticipant.project_id)
            .where(ProjectParticipant.enterprise_id == principal.enterprise_id)
            .distinct()
        ).all()
        return ScreenRegion("", "", "projects", None, tuple(sorted(int(i) for i in ids)), None)
    if not code:
        if principal.role is Role.ADMIN or not principal.region_code:
            return ScreenRegion("", "全国", "country", "", None, None)
        code = principal.region_code
    full = code.ljust(6, "0")
    region = session.get(Region, full)
    if region is None:
        raise NotFound(f"no region {full}", message_zh="没有该地区")
    if not principal.covers_region(full):
        raise Forbidden("region outside your jurisdiction", message_zh="该地区不在您的辖区内")
    parent = None
    if region.parent_code and principal.covers_region(region.parent_code):
        above = session.get(Region, region.parent_code)
        parent = (above.code, above.name) if above is not None else None
    elif principal.role is Role.ADMIN and _level(full) == "province":
        parent = ("", "全国")
    return ScreenRegion(full, region.name, _level(full), region_prefix(full), None, parent)


@dataclass(frozen=True)
class MapFile:
    path: Path
    name_key: str  # the feature property naming a part: 'name' (Chinese name) or 'id' (GB/T 2260 code)
    map_code: str  # the region the file draws (a county is drawn as its feature of the city's map)


def map_file(settings: Settings, region_code: str) -> MapFile | None:
    """The base map of a region: ``Settings.screen_map_dir/<code>.geojson|.json`` when set (features named by
    ``properties.name``), else the demo's maps; a county's is its city's map (the page shows its feature)."""
    if not CODE.match(region_code or ""):
        return None
    code = region_code.ljust(6, "0")
    if _level(code) == "county":
        code = code[:4] + "00"
    if settings.screen_map_dir is not None:
        for suffix in (".geojson", ".json"):
            path = Path(settings.screen_map_dir) / f"{code}{suffix}"
            if path.is_file():
                return MapFile(path, "name", code)
        return None
    demo = DEMO_MAPS.get(code)
    if demo is None:
        return None
    path = DEMO_MAP_DIR / demo[0]
    return MapFile(path, demo[1], code) if path.is_file() else None
