"""Shared fixtures: one SparkSession for the whole suite (local[2], UI off, few shuffle
partitions), the contracts, and a moto server on 127.0.0.1 standing in for AWS."""

from __future__ import annotations

import socket
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from moto.server import ThreadedMotoServer
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


@pytest.fixture(scope="session")
def demo_lake(
    spark: SparkSession,
    contracts: dict[str, DatasetContract],
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    """A small lake through all three stages, as ``make demo`` leaves it; read-only."""
    from demo_lake import build_demo_lake

    return build_demo_lake(spark, contracts, tmp_path_factory.mktemp("demo") / "lake")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def aws(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Dummy credentials, a clean moto state; returns the endpoint URL."""
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    request = urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass
    return moto_url
