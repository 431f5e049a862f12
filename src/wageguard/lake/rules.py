"""The national cross-province rules N01–N03, as the lake uses them: one definition, in the monitoring
slice's catalogue (``monitoring.rules.national``), re-exported here (``lake`` imports ``monitoring``, never
the reverse)."""

from __future__ import annotations

from wageguard.monitoring.rules.national import (
    EVIDENCE_TEXT,
    NATIONAL_CODES,
    NATIONAL_RULES,
    card_in_two_provinces,
    paid_where_not_attended,
    same_day_in_two_provinces,
)

__all__ = [
    "EVIDENCE_TEXT",
    "NATIONAL_CODES",
    "NATIONAL_RULES",
    "card_in_two_provinces",
    "paid_where_not_attended",
    "same_day_in_two_provinces",
]
