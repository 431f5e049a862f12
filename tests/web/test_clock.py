"""One clock: times shown in the platform's zone to the minute; English plurals chosen by count."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from wageguard.config import Settings
from wageguard.web.i18n import register, translate
from wageguard.web.pages.render import clock_text, day_text, templates


def test_naive_database_times_are_utc_and_shown_in_the_platform_zone_to_the_minute() -> None:
    stored = datetime(2026, 11, 30, 17, 5, 42, 123456)  # naive UTC, as the database keeps it
    assert clock_text(stored) == "2026-12-01 01:05"
    assert day_text(stored) == "2026-12-01"
    assert clock_text(stored, "+05:00") == "2026-11-30 22:05"
    assert clock_text(datetime(2026, 11, 30, 17, 5, tzinfo=UTC), "UTC") == "2026-11-30 17:05"
    assert clock_text(date(2026, 12, 1)) == "2026-12-01"
    assert clock_text(None) == "—"


def test_templates_have_the_clock_filter_bound_to_the_context_zone() -> None:
    tpl = templates.env.from_string("{{ at|clock }} / {{ at|day }}")
    at = datetime(2026, 11, 30, 16, 30)
    assert tpl.render(at=at, zone_name="Asia/Shanghai") == "2026-12-01 00:30 / 2026-12-01"
    assert tpl.render(at=at, zone_name="UTC") == "2026-11-30 16:30 / 2026-11-30"


def test_the_platform_zone_is_a_setting_and_refuses_nonsense() -> None:
    assert Settings(timezone="UTC+8").timezone == "+08:00"
    with pytest.raises(ValueError):
        Settings(timezone="Mars/Olympus")


def test_english_plural_by_count_and_chinese_unchanged() -> None:
    register({"test.months": ("{n} 个月", "{n} months"), "test.months_one": ("{n} 个月", "{n} month")})
    assert translate("en", "test.months", n=1) == "1 month"
    assert translate("en", "test.months", n=2) == "2 months"
    assert translate("zh", "test.months", n=1) == "1 个月"


def test_every_answer_says_how_long_the_server_took(client) -> None:  # type: ignore[no-untyped-def]
    for path in ("/healthz", "/login", "/no-such-page"):
        timing = client.get(path).headers.get("server-timing", "")
        assert timing.startswith("app;dur="), (path, timing)
        assert float(timing.removeprefix("app;dur=")) >= 0


def test_inline_plural_markup_picks_the_word_by_the_named_value() -> None:
    assert translate("en", "projects.total", total=1) == "1 project"
    assert translate("en", "projects.total", total=2) == "2 projects"
    assert translate("en", "projects.total", total="1,000") == "1,000 projects"
    assert translate("en", "project.pay_day_value", day=15, grace=1) == "Day 15 of each month (1 day's grace)"
    assert translate("zh", "projects.total", total=1) == "共 1 个项目"
