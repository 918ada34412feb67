"""A dataset is added with files only: a contract, suites made by `expectations init`, and
raw data. All three stages run it through the same job entry the Glue scripts use."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from gluelake.cli import main as cli
from gluelake.runtime.job import main as job

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = """
dataset: meter_readings
version: 1
description: Smart-meter readings per site.
source: {format: json, path: raw/meter_readings}
primary_key: [site_id, reading_id]
event_time: read_at
schema_drift: reject
columns:
  - {name: site_id, type: string, nullable: false, constraints: {pattern: "^site-[0-9]+$"}}
  - {name: reading_id, type: bigint, nullable: false}
  - {name: kwh, type: "decimal(12,3)", nullable: false, constraints: {min: 0}}
  - {name: read_at, type: timestamp, nullable: false}
  - {name: engineer_email, type: string, pii: {policy: mask_email, class: email}}
zones:
  bronze: {format: delta}
  silver: {format: delta, partition_by: [year, month]}
  gold: {format: parquet}
aggregates:
  - name: site_daily_kwh
    dimensions: [site_id]
    time_grain: day
    measures:
      - {name: kwh, fn: sum, column: kwh}
      - {name: readings, fn: count}
"""


def test_a_dataset_added_with_files_only_runs_end_to_end(spark, tmp_path, capsys):
    schemas, suites, lake = tmp_path / "schemas", tmp_path / "expectations", tmp_path / "lake"
    schemas.mkdir()
    (schemas / "meter_readings.yaml").write_text(CONTRACT)
    assert (
        cli(
            [
                "expectations",
                "init",
                "meter_readings",
                "--schemas-dir",
                str(schemas),
                "--suites-dir",
                str(suites),
            ]
        )
        == 0
    )
    assert cli(["check", "--schemas-dir", str(schemas), "--suites-dir", str(suites)]) == 0

    raw = lake / "raw" / "meter_readings" / "ingest_date=2026-02-01"
    raw.mkdir(parents=True)
    records = [
        {
            "site_id": "site-1",
            "reading_id": 1,
            "kwh": "1.5",
            "read_at": "2026-01-31T23:00:00Z",
            "engineer_email": "kim@grid.example",
        },
        {"site_id": "site-1", "reading_id": 2, "kwh": 2.25, "read_at": "2026-01-31T23:30:00Z"},
        {"site_id": "site-1", "reading_id": 2, "kwh": 2.25, "read_at": "2026-01-31T23:30:00Z"},
        {"site_id": "site-2", "reading_id": 3, "kwh": -4, "read_at": "2026-02-01T08:00:00Z"},
        {
            "site_id": "site-2",
            "reading_id": 4,
            "kwh": 4,
            "read_at": "2026-02-01T08:00:00Z",
            "note": "x",
        },
    ]
    (raw / "part-0.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")

    argv = [
        "--dataset",
        "meter_readings",
        "--lake-root",
        str(lake),
        "--schemas-dir",
        str(schemas),
        "--expectations-dir",
        str(suites),
    ]
    for stage in ("raw_to_bronze", "bronze_to_silver", "silver_to_gold"):
        assert job(stage, "1.0.0", argv) == 0, capsys.readouterr().err[-2000:]

    gold = spark.read.parquet(str(lake / "gold/meter_readings/site_daily_kwh"))
    assert sorted(
        (r["site_id"], r["year"], r["month"], r["day"], str(r["kwh"]), r["readings"])
        for r in gold.collect()
    ) == [("site-1", 2026, 1, 31, "3.750", 2)]
    reasons = sorted(
        tuple(r["reason_codes"])
        for r in spark.read.format("delta")
        .load(str(lake / "bronze/_quarantine/meter_readings"))
        .collect()
    )
    assert reasons == [("out_of_range:kwh",), ("unexpected_column",)]
    bronze_emails = [
        r["engineer_email"]
        for r in spark.read.format("delta").load(str(lake / "bronze/meter_readings")).collect()
    ]
    assert sorted(e for e in bronze_emails if e) == ["***@grid.example"]
    shutil.rmtree(lake)
