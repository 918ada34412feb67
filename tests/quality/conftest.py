"""A tiny contract and its suites in tmp folders, so gate tests stay fast and self-contained."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from pyspark.sql import DataFrame, SparkSession

from gluelake.contracts import DatasetContract
from gluelake.contracts.load import parse_contract
from gluelake.contracts.tables import zone_table
from gluelake.quality.baseline import render, suite_document
from gluelake.quality.suites import suite_path
from gluelake.spark_types import spark_schema

READINGS = """
dataset: readings
version: 1
source: {format: json, path: raw/readings}
primary_key: [site, reading_id]
event_time: ts
schema_drift: ignore
columns:
  - {name: site, type: string, nullable: false, constraints: {pattern: "^s-[0-9]{2}$"}}
  - {name: reading_id, type: string, nullable: false}
  - {name: kind, type: string, nullable: false, constraints: {allowed: [a, b]}}
  - {name: value, type: "decimal(10,2)", nullable: false, constraints: {min: 0, max: 1000}}
  - {name: email, type: string, pii: {policy: hash, class: email}}
  - {name: ts, type: timestamp, nullable: false, constraints: {not_future: true}}
zones:
  bronze: {format: delta}
"""
# A hand-written rule next to the baseline: hashed emails look like hashes (warning only).
EMAIL_IS_HASHED = {
    "type": "expect_column_values_to_match_regex",
    "kwargs": {"column": "email", "regex": "^[0-9a-f]{64}$"},
    "meta": {"origin": "business rule"},
    "description": "emails are pseudonymised",
    "severity": "warning",
}
NOW = datetime(2025, 6, 1, tzinfo=UTC)
HASH = "ab" * 32


@pytest.fixture(scope="session")
def readings() -> DatasetContract:
    return parse_contract(yaml.safe_load(READINGS), "readings.yaml")


@pytest.fixture()
def suites_dir(tmp_path: Path, readings: DatasetContract) -> Path:
    folder = tmp_path / "expectations"
    table = zone_table(readings, "bronze")
    path = suite_path(folder, table)
    path.parent.mkdir(parents=True)
    path.write_text(render(suite_document(readings, table, keep=[EMAIL_IS_HASHED])))
    return folder


def reading(**overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "site": "s-01",
        "reading_id": "r1",
        "kind": "a",
        "value": Decimal("1.50"),
        "email": HASH,
        "ts": datetime(2025, 1, 1, tzinfo=UTC),
        "_source_file": "f.json",
        "_run_id": "run-1",
        "_job_name": "test",
        "_job_version": "0",
        "_ingested_at": NOW,
    }
    return {**row, **overrides}


@pytest.fixture()
def make_df(
    spark: SparkSession, readings: DatasetContract
) -> Callable[[Sequence[dict[str, Any]]], DataFrame]:
    schema = spark_schema(zone_table(readings, "bronze"))

    def build(rows: Sequence[dict[str, Any]]) -> DataFrame:
        return spark.createDataFrame([tuple(r[f.name] for f in schema) for r in rows], schema)

    return build


def load_json(path: str) -> Any:
    return json.loads(Path(path).read_text())


ROOT = Path(__file__).resolve().parents[2]
ROOT_SCHEMAS = ROOT / "schemas"
ROOT_EXPECTATIONS = ROOT / "expectations"
