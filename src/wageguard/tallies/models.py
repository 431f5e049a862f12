"""The ``tallies`` table: one number per measure, period and project, with each region's sum beside them.

- ``project_id > 0``: a project's figure (``region_code`` is the project's county);
- ``project_id = 0`` (``REGION_ROW``): the sum of every row of that ``region_code`` — what the screen of a
  province or a city reads (a hundred rows, never eight thousand);
- ``project_id = -1`` (``NO_PROJECT``): facts located in a region but on no project (a payment no project
  claimed, a complaint naming only a county); counted in the region's sum, on no project.

``period`` is ``''`` (standing figures and all-time totals), ``YYYY`` (a year), ``YYYY-MM`` (a month) or
``YYYY-MM-DD`` (a day); ``value`` is an integer (money in fen, heads, alerts).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from wageguard.db import Base

REGION_ROW = 0
NO_PROJECT = -1


class Tally(Base):
    __tablename__ = "tallies"
    # the primary key serves the screen's reads (one measure and period over a region prefix); SQLite keeps
    # the rows in it (no rowid table beside it); ``value`` in no index (PostgreSQL updates in place, 0006)
    __table_args__ = ({"sqlite_with_rowid": False},)
    measure: Mapped[str] = mapped_column(String(16), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    project_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
