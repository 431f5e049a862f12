"""The table that corrects the built-in working-day calendar (``workdays``), shared by every slice.

Its rows are created by the complaints migration (0005), which first needed them; the model lives here, beside
the calendar, so that ``workdays`` reads it without importing a slice.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from wageguard.db import Base


class CalendarOverride(Base):
    """A day whose working / rest status differs from the built-in calendar (e.g. next year's 调休)."""

    __tablename__ = "calendar_overrides"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_working: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(String(200))
