"""One local Spark session for the whole test session (start-up costs seconds): two cores, no UI,
four shuffle partitions, bounded memory."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from wageguard.db import Database

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    from wageguard.lake.national import spark_session

    session = spark_session("local[2]", shuffle_partitions=4, memory="768m")
    yield session
    session.stop()


@pytest.fixture(autouse=True)
def _forget_other_provinces(db: Database) -> Iterator[None]:
    """The fixture's Hunan and Sichuan regions are not seed data: on PostgreSQL the per-test truncation
    keeps the regions table, so remove them again (counties, then prefectures, then provinces)."""
    yield
    from sqlalchemy import delete
    from tests.lake.fixture import PROVINCES

    from wageguard.registry.models import Region

    others = [(c, p, prov) for prov, (_n, p, _pn, c, _cn) in PROVINCES.items() if prov != "520000"]
    if db.engine.dialect.name != "postgresql":
        return  # SQLite: every test has a fresh database file
    from tests.conftest import _truncate_all

    _truncate_all(db)  # what refers to the regions goes first
    with db.transaction() as s:
        for level in range(3):
            s.execute(delete(Region).where(Region.code.in_([t[level] for t in others])))
