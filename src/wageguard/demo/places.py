"""Where the demo city lies and where its workers come from.

Counties come from the package's region table (``data/regions_guizhou.csv``, the one the migration seeds).
Workers' ID area codes come from python-stdnum's GB/T 2260 history (``cn/loc.dat``), filtered to codes that
existed in the worker's birth year, so generated ID numbers pass ``stdnum.cn.ric`` in full.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from stdnum import numdb

REGIONS_CSV = Path(__file__).resolve().parents[1] / "data" / "regions_guizhou.csv"

# Prefectures renamed/recoded over time: people born there before the change carry the old codes.
HISTORIC_PREFIXES = {
    "5203": ("5221",),  # 遵义地区 -> 遵义市 (1997)
    "5204": ("5225",),  # 安顺地区 -> 安顺市 (2000)
    "5205": ("5224",),  # 毕节地区 -> 毕节市 (2011)
    "5206": ("5222",),  # 铜仁地区 -> 铜仁市 (2011)
}
GUIZHOU_PREFIXES = ("5201", "5202", "5203", "5204", "5205", "5206", "5223", "5226", "5227")

# Where Guizhou's migrant construction workers come from besides home: neighbouring provinces.
MIGRANT_ORIGINS: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("guizhou", GUIZHOU_PREFIXES, 12),
    ("sichuan", ("5113", "5116", "5119", "5105", "5110", "5129", "5130", "5137"), 5),
    ("chongqing", ("5002", "5001", "5102", "5122"), 6),
    ("hunan", ("4312", "4331", "4305", "4324", "4330"), 7),
)


# Approximate seats (lng, lat): Tongren's counties, and every Guizhou prefecture for other counties.
SEATS = {
    "520602": (109.19, 27.72),
    "520603": (109.21, 27.52),
    "520621": (108.84, 27.7),
    "520622": (108.92, 27.24),
    "520623": (108.22, 27.52),
    "520624": (108.25, 27.94),
    "520625": (108.41, 28.0),
    "520626": (108.12, 28.26),
    "520627": (108.5, 28.56),
    "520628": (109.2, 28.15),
    "520100": (106.63, 26.65),
    "520200": (104.83, 26.59),
    "520300": (106.93, 27.73),
    "520400": (105.95, 26.25),
    "520500": (105.29, 27.3),
    "520600": (109.19, 27.72),
    "522300": (104.9, 25.09),
    "522600": (107.98, 26.58),
    "522700": (107.52, 26.25),
}


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str
    parent_code: str | None


@dataclass(frozen=True)
class AreaCode:
    """A county-level code with the years it was in force (inclusive; None = open)."""

    code: str
    place: str
    first: int | None
    last: int | None

    def valid_in(self, year: int) -> bool:
        return (self.first is None or year >= self.first) and (self.last is None or year <= self.last)


@lru_cache(maxsize=1)
def regions() -> dict[str, Region]:
    """Every region of the package table, by code."""
    with REGIONS_CSV.open(encoding="utf-8") as fh:
        return {
            r["code"]: Region(r["code"], r["name"], r["level"], r["parent_code"] or None)
            for r in csv.DictReader(fh)
        }


def counties_of(region_code: str) -> list[Region]:
    """The counties under ``region_code`` (itself if it is a county), in code order."""
    table = regions()
    if region_code not in table:
        raise ValueError(f"unknown region {region_code}")
    found: list[Region] = []
    for region in table.values():
        if region.level != "county":
            continue
        parent = table.get(region.parent_code or "")
        if region.code == region_code or region_code in (region.parent_code, parent and parent.parent_code):
            found.append(region)
    return sorted(found, key=lambda r: r.code)


def prefecture_of(county_code: str) -> Region:
    table = regions()
    return table[table[county_code].parent_code or county_code]


def seat_of(county_code: str) -> tuple[float, float]:
    """Approximate (lng, lat) of a county's seat (its prefecture's for counties outside Tongren)."""
    return SEATS.get(county_code) or SEATS.get(prefecture_of(county_code).code, (106.71, 26.60))


def short_name(name: str) -> str:
    """``玉屏侗族自治县`` -> ``玉屏县``: how a county is named in project titles."""
    return name[:2] + name[-1] if "自治" in name else name


def _parse_counties(text: str) -> list[tuple[str, int | None, int | None]]:
    entries: list[tuple[str, int | None, int | None]] = []
    for part in text.split(","):
        if not part.startswith("["):
            entries.append((part, None, None))
            continue
        span, name = part[1:].split("]", 1)
        start, end = span.split("-")
        entries.append((name, int(start) if start else None, int(end) if end else None))
    return entries


@lru_cache(maxsize=64)
def area_codes(prefix: str) -> tuple[AreaCode, ...]:
    """County-level codes under a 4-digit prefecture prefix, each with its years in force."""
    db = numdb.get("cn/loc")
    found: list[AreaCode] = []
    for n in range(1, 100):
        code = f"{prefix}{n:02d}"
        info = {k: v for _part, props in db.info(code) for k, v in props.items()}
        if "county" not in info:
            continue
        province = info.get("province", "")
        for name, first, last in _parse_counties(info["county"]):
            if name.endswith("市辖区") or name.endswith("辖区"):
                continue
            found.append(AreaCode(code, province + name, first, last))
    return tuple(found)


def native_prefixes(region_code: str) -> tuple[str, ...]:
    """Prefecture prefixes (current and historic) of the people native to ``region_code``."""
    if region_code.endswith("0000"):
        current: tuple[str, ...] = tuple(p for p in GUIZHOU_PREFIXES if p.startswith(region_code[:2]))
    else:
        current = (region_code[:4],)
    return current + tuple(old for p in current for old in HISTORIC_PREFIXES.get(p, ()))


class OriginTable:
    """Area codes valid per birth year, for natives of a region and for each migrant origin."""

    def __init__(self, region_code: str, years: range) -> None:
        groups = [("native", native_prefixes(region_code), 70), *MIGRANT_ORIGINS]
        self.names = [g[0] for g in groups]
        self.weights = [g[2] for g in groups]
        self.by_group_year: dict[tuple[str, int], list[AreaCode]] = {}
        for name, prefixes, _w in groups:
            codes = [c for p in prefixes for c in area_codes(p)]
            for year in years:
                self.by_group_year[(name, year)] = [c for c in codes if c.valid_in(year)]

    def candidates(self, group: str, year: int) -> list[AreaCode]:
        """Codes of ``group`` in force in ``year``; natives' codes if the group had none then."""
        return self.by_group_year.get((group, year)) or self.by_group_year[("native", year)]
