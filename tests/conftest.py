"""One SparkSession for the whole suite: local[2], UI off, few shuffle partitions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from gluelake.contracts import DatasetContract, load_contracts
from gluelake.session import LocalSessionConfig, build_local_session

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    session = build_local_session(
        LocalSessionConfig(master="local[2]", app_name="gluelake-tests", shuffle_partitions=2)
    )
    yield session
    session.stop()


@pytest.fixture(scope="session")
def contracts() -> dict[str, DatasetContract]:
    return load_contracts(ROOT / "schemas")
