"""One local Spark session for the whole test session (start-up costs seconds): two cores, no UI,
four shuffle partitions, bounded memory."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    from wageguard.lake.national import spark_session

    session = spark_session("local[2]", shuffle_partitions=4, memory="768m")
    yield session
    session.stop()
