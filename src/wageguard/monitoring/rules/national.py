"""The national cross-province rules N01–N03 (docs/rules.md): codes, levels, titles, legal basis and the
labels of the evidence keys they write.

They are catalogue entries, not engine rules: the Spark jobs of ``lake.cross`` find them over every
province's keys and each province takes them in with ``wageguard national import`` (``lake.inbound``), so
they are not registered (``all_rules()`` stays W01–W22 and the engine never evaluates them). Display code
finds them with the registry's ``describe_rule`` / ``catalogue``. Their ``evaluate`` finds nothing in one
province's facts; its docstring states the intent and the basis, as every rule's does. They live here, in
the monitoring slice, so that the pages and the tallies can name them without importing ``lake`` (which
imports ``monitoring``, never the reverse); ``lake.rules`` re-exports them.
"""

from __future__ import annotations

import polars as pl

from wageguard.monitoring.choices import Level, SubjectType
from wageguard.monitoring.rules.base import FINDING_SCHEMA, Rule, RuleInput


def _none(inp: RuleInput) -> pl.DataFrame:
    return pl.DataFrame(schema=FINDING_SCHEMA)


def card_in_two_provinces(inp: RuleInput) -> pl.DataFrame:
    """N01: one bank card (its number's blind index) received month M's wages from projects in more than one
    province — W11 across provinces: a card collecting several people's wages, or one person paid twice.
    Red, as W11. Found by ``cross.card_in_two_provinces`` over every province's keys; nothing in one
    province's facts.

    Basis: 保障农民工工资支付条例 Arts 11 and 31 (wages to the worker's own account; no one may hold or use a
    worker's wage card).
    """
    return _none(inp)


def same_day_in_two_provinces(inp: RuleInput) -> pl.DataFrame:
    """N02: one person (their ID number's blind index) has worker-days at sites in two provinces on the same
    day — impossible attendance: a borrowed identity or a fabricated roll. Orange, as W12 and W13 (the
    attendance itself is in doubt, not yet a payment). Found by ``cross.same_day_in_two_provinces``.

    Basis: 保障农民工工资支付条例 Art 28 (real-name management and attendance); 建筑工人实名制管理办法 Art 8.
    """
    return _none(inp)


def paid_where_not_attended(inp: RuleInput) -> pl.DataFrame:
    """N03: a person paid month M's wages by a project in a province where they attended no site in M, having
    attended only in other provinces — W12 across provinces (paid on a roll they were never on). Orange, as
    W12. Found by ``cross.paid_where_not_attended``.

    Basis: 保障农民工工资支付条例 Arts 28 and 31 (wages paid by the real-name roll and its attendance).
    """
    return _none(inp)


NATIONAL_RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule(
            "N01",
            Level.RED,
            SubjectType.WORKER,
            True,
            "同一银行卡跨省领取工资",
            "one card paid wages from projects in two provinces",
            "《保障农民工工资支付条例》第十一条、第三十一条",
            card_in_two_provinces,
            basis_en="Regulations on Ensuring the Payment of Wages to Migrant Workers, Arts. 11 and 31",
        ),
        Rule(
            "N02",
            Level.ORANGE,
            SubjectType.WORKER,
            True,
            "同一人同日在两省考勤",
            "one person attending sites in two provinces on the same day",
            "《保障农民工工资支付条例》第二十八条；《建筑工人实名制管理办法（试行）》第八条",
            same_day_in_two_provinces,
            basis_en=(
                "Regulations on Ensuring the Payment of Wages to Migrant Workers, Art. 28; "
                "Measures for the Real-Name Management of Construction Workers (Trial), Art. 8"
            ),
        ),
        Rule(
            "N03",
            Level.ORANGE,
            SubjectType.WORKER,
            True,
            "在未出勤的省份领取工资",
            "paid in a province where the person did not attend",
            "《保障农民工工资支付条例》第二十八条、第三十一条",
            paid_where_not_attended,
            basis_en="Regulations on Ensuring the Payment of Wages to Migrant Workers, Arts. 28 and 31",
        ),
    )
}
NATIONAL_CODES: tuple[str, ...] = tuple(NATIONAL_RULES)

# Labels (zh, en) of the evidence keys N01–N03 write that the W rules do not (installed as ``ev.<key>`` by
# ``web/pages/alerts_text``); the others (amount_fen, payments_n, head_count…) are in its EVIDENCE_TEXT.
EVIDENCE_TEXT: dict[str, tuple[str, str]] = {
    "provinces": ("涉及省份", "provinces"),
    "card_persons": ("该卡收款人数", "persons paid to this card"),
    "card_projects": ("该卡涉及项目数", "projects paying this card"),
    "card_total_fen": ("该卡本月合计（元）", "this card's total for the month (yuan)"),
    "clash_dates": ("两省同日出勤日期", "dates attended in two provinces"),
    "attended_provinces": ("本月出勤省份", "provinces attended this month"),
    "other_provinces": ("其他涉及省份", "other provinces concerned"),
}
