"""Rule thresholds: code defaults (some from ``Settings``), overridden per region in ``monitor_thresholds``.

A county's row beats its prefecture's, which beats the province's, which beats the default. The engine
resolves the thresholds once per distinct region code (a few hundred at most) into a small frame that is
joined onto the fact columns, so rules stay vectorised.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from wageguard.config import Settings
from wageguard.monitoring.models import MonitorThreshold


@dataclass(frozen=True)
class ThresholdSpec:
    """One configurable threshold: its key, type, default and meaning (bilingual)."""

    key: str
    kind: type[int] | type[float]
    default: float
    zh: str
    en: str


SPECS: tuple[ThresholdSpec, ...] = (
    ThresholdSpec("pay_day", int, 15, "发薪日(项目未填时)", "pay day of month where the project has none"),
    ThresholdSpec(
        "grace_days", int, 4, "宽限天数(项目未填时)", "grace days after pay day where the project has none"
    ),
    ThresholdSpec("min_wage_tier", int, 2, "最低工资档次", "minimum-wage tier of the region"),
    ThresholdSpec(
        "min_wage_fen", int, 0, "月最低工资(分,0=按档次)", "monthly minimum wage in fen (0 = from tier)"
    ),
    ThresholdSpec(
        "full_month_days", float, 21.75, "满月出勤天数", "attended days that count as a full month"
    ),
    ThresholdSpec(
        "labour_cost_ratio", float, 0.20, "人工费用拨付比例", "default labour-cost share of progress payments"
    ),
    ThresholdSpec(
        "account_due_days",
        int,
        30,
        "开设专户期限(天)",
        "days after contract signing to open the wage account",
    ),
    ThresholdSpec(
        "deposit_ratio", float, 0.01, "工资保证金比例", "required deposit as a share of contract value"
    ),
    ThresholdSpec(
        "deposit_due_working_days", int, 20, "保证金存储期限(工作日)", "working days after start to lodge"
    ),
    ThresholdSpec(
        "deposit_exempt_below_fen",
        int,
        300_000_000,
        "免存保证金合同额(分)",
        "contract value below which no deposit is due",
    ),
    ThresholdSpec(
        "deposit_topup_working_days", int, 10, "保证金补足期限(工作日)", "working days to top up after a use"
    ),
    ThresholdSpec("underpay_tolerance_fen", int, 100, "少发容差(分)", "shortfall tolerated before W08 fires"),
    ThresholdSpec(
        "unpaid_share_red", float, 0.10, "未发人数占比红色线", "share of attendees unpaid that makes W07 red"
    ),
    ThresholdSpec(
        "outlier_month_fen",
        int,
        5_000_000,
        "单人月发放上限(分)",
        "one worker's pay in a month above which W10 fires",
    ),
    ThresholdSpec(
        "outlier_year_fen",
        int,
        30_000_000,
        "单人年发放上限(分)",
        "one worker's pay in a year above which W10 fires",
    ),
    ThresholdSpec(
        "unknown_punches_min", int, 1, "陌生人打卡次数", "unknown punches in a month that fire W13"
    ),
    ThresholdSpec(
        "device_silence_hours",
        int,
        24,
        "设备静默小时数",
        "not used since W16 judges whole working days (kept for stored overrides)",
    ),
    ThresholdSpec(
        "group_arrears_workers", int, 10, "群体性欠薪人数", "unpaid workers of one project-month (W17)"
    ),
    ThresholdSpec("criminal_single_months", int, 3, "个人欠薪月数(刑事)", "months one worker is owed (W18)"),
    ThresholdSpec(
        "criminal_single_fen", int, 1_000_000, "个人欠薪金额(分,刑事)", "amount one worker is owed (W18)"
    ),
    ThresholdSpec(
        "criminal_group_workers", int, 10, "群体欠薪人数(刑事)", "workers owed on one project (W18)"
    ),
    ThresholdSpec(
        "criminal_group_fen", int, 5_000_000, "群体欠薪金额(分,刑事)", "total owed on one project (W18)"
    ),
    ThresholdSpec(
        "complaints_spike_count", int, 3, "投诉激增件数", "complaints about one project in the window (W20)"
    ),
    ThresholdSpec(
        "complaints_window_days", int, 30, "投诉统计窗口(天)", "days of the window ending on as-of (W20)"
    ),
    ThresholdSpec(
        "escalate_red_hours", int, 24, "红色预警升级时限(小时)", "hours a red alert may stay unacknowledged"
    ),
    ThresholdSpec(
        "escalate_orange_hours",
        int,
        72,
        "橙色预警升级时限(小时)",
        "hours an orange alert may stay unacknowledged",
    ),
    ThresholdSpec(
        "escalate_yellow_hours",
        int,
        168,
        "黄色预警升级时限(小时)",
        "hours a yellow alert may stay unacknowledged",
    ),
)
SPEC_BY_KEY = {s.key: s for s in SPECS}


def defaults(settings: Settings) -> dict[str, float]:
    """Code defaults, with those the foundation's ``Settings`` already carries taken from there."""
    values = {s.key: s.default for s in SPECS}
    values["pay_day"] = settings.default_pay_day
    values["grace_days"] = settings.default_grace_days
    values["device_silence_hours"] = settings.device_silent_hours
    values["min_wage_tier"] = settings.min_wage_default_tier
    return values


def min_wage_for_tier(settings: Settings, tier: int) -> int:
    """Monthly minimum wage in fen of a tier (1-based), from ``Settings.min_wage_tiers_yuan``."""
    tiers = settings.min_wage_tiers_yuan
    return int(tiers[min(max(tier, 1), len(tiers)) - 1] * 100)


def _chain(code: str) -> list[str]:
    """Region codes from most general to most specific: province, prefecture, county."""
    chain = [code[:2] + "0000", code[:4] + "00", code]
    return list(dict.fromkeys(chain))


def resolve(
    session: Session,
    settings: Settings,
    region_codes: Iterable[str],
    region_tiers: dict[str, int] | None = None,
) -> pl.DataFrame:
    """Effective thresholds per region code from the stored overrides (see ``resolve_values``)."""
    overrides: dict[str, dict[str, str]] = {}
    for row in session.scalars(select(MonitorThreshold)):
        overrides.setdefault(row.region_code, {})[row.key] = row.value
    return resolve_values(settings, region_codes, overrides, region_tiers)


_KEYS_OF_CHAIN = select(MonitorThreshold.region_code, MonitorThreshold.key, MonitorThreshold.value).where(
    MonitorThreshold.region_code.in_(bindparam("chain", expanding=True)),
    MonitorThreshold.key.in_(bindparam("keys", expanding=True)),
)


def resolve_keys(session: Session, region_code: str, keys: Iterable[str]) -> dict[str, float]:
    """The effective values of a few settings-independent ``keys`` for one region (one small query), for
    use cases that handle one record at a time (the complaint hook)."""
    wanted = list(keys)
    chain = _chain(region_code)
    values = {k: SPEC_BY_KEY[k].default for k in wanted}
    rows = session.execute(_KEYS_OF_CHAIN, {"chain": chain, "keys": wanted}).all()
    for _level, key, raw in sorted(rows, key=lambda r: chain.index(r[0])):
        values[key] = SPEC_BY_KEY[key].kind(float(raw))
    return values


def resolve_values(
    settings: Settings,
    region_codes: Iterable[str],
    overrides: dict[str, dict[str, str]] | None = None,
    region_tiers: dict[str, int] | None = None,
) -> pl.DataFrame:
    """One row per region code, one column per threshold key: defaults, then province, prefecture, county."""
    base = defaults(settings)
    rows = []
    for code in sorted(set(region_codes)):
        values = dict(base)
        tier = (region_tiers or {}).get(code)
        if tier:
            values["min_wage_tier"] = tier
        for level in _chain(code):
            for key, raw in (overrides or {}).get(level, {}).items():
                if key in SPEC_BY_KEY:
                    values[key] = SPEC_BY_KEY[key].kind(float(raw))
        if not values["min_wage_fen"]:
            values["min_wage_fen"] = min_wage_for_tier(settings, int(values["min_wage_tier"]))
        rows.append({"region_code": code, **{k: SPEC_BY_KEY[k].kind(v) for k, v in values.items()}})
    schema = {"region_code": pl.String, **{s.key: (pl.Int64 if s.kind is int else pl.Float64) for s in SPECS}}
    return pl.DataFrame(rows, schema=schema)


def set_threshold(
    *, session: Session, region_code: str, key: str, value: float, note: str | None = None
) -> None:
    """Store (or replace) one regional override."""
    if key not in SPEC_BY_KEY:
        from wageguard.errors import ValidationFailed

        raise ValidationFailed(f"unknown threshold {key}")
    row = session.scalar(
        select(MonitorThreshold).where(
            MonitorThreshold.region_code == region_code, MonitorThreshold.key == key
        )
    )
    if row is None:
        row = MonitorThreshold(region_code=region_code, key=key, value=str(value), note=note)
        session.add(row)
    else:
        row.value, row.note = str(value), note
    session.flush()
