"""The database fallback of the shared counter store (used when no Redis is configured)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from wageguard.db import Base


class Counter(Base):
    """One fixed-window counter (or hold): ``count`` until ``expires_at`` (naive UTC), then gone."""

    __tablename__ = "counters"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)
