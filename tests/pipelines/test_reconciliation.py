"""Row accounting that can fail: each side of a stage's identity is counted on its own
(rows read from the source, accepted by the table's commit, quarantined by the quarantine
table's commit, dropped by the dedup step, counted into gold groups), so a fault that
loses or adds rows on one side fails the run. Each test injects one such fault."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from gluelake.cli import main as cli
from gluelake.errors import GateFailed, ReconciliationError
from gluelake.io import tables
from gluelake.pipelines import bronze_to_silver, raw_to_bronze, silver_to_gold
from gluelake.pipelines.stage import StageResult
from gluelake.runtime.job import JobArgs, run_stage
from gluelake.runtime.job import main as job

# No count measure on purpose: the gold group-count check must run without one.
CONTRACT = """
dataset: meters
version: 1
description: Meter readings.
source: {format: json, path: raw/meters}
primary_key: [site_id, reading_id]
order_by: [read_at]
event_time: read_at
columns:
  - {name: site_id, type: string, nullable: false}
  - {name: reading_id, type: bigint, nullable: false}
  - {name: kwh, type: "decimal(12,3)", nullable: false, constraints: {min: 0}}
  - {name: read_at, type: timestamp, nullable: false}
zones:
  bronze: {format: delta}
  silver: {format: delta, partition_by: [year, month]}
  gold: {format: parquet}
aggregates:
  - name: site_monthly_kwh
    dimensions: [site_id]
    time_grain: month
    measures:
      - {name: kwh, fn: sum, column: kwh}
"""
READINGS = [
    {"site_id": "s1", "reading_id": 1, "kwh": 1.5, "read_at": "2026-01-01T00:00:00Z"},
    {"site_id": "s1", "reading_id": 2, "kwh": 2.0, "read_at": "2026-01-02T00:00:00Z"},
    {"site_id": "s1", "reading_id": 2, "kwh": 2.0, "read_at": "2026-01-02T00:00:00Z"},  # dup
    {"site_id": "s2", "reading_id": 3, "kwh": 4.0, "read_at": "2026-02-01T00:00:00Z"},
    {"site_id": "s2", "reading_id": 4, "kwh": 1.0, "read_at": "2026-02-03T00:00:00Z"},
    {"site_id": "s2", "reading_id": 5, "kwh": -1, "read_at": "2026-02-04T00:00:00Z"},  # bad
]


@pytest.fixture(scope="module")
def config(tmp_path_factory) -> tuple[Path, Path]:
    """The contract and its generated suites: (schemas folder, suites folder)."""
    root = tmp_path_factory.mktemp("reconcile")
    schemas, suites = root / "schemas", root / "expectations"
    schemas.mkdir()
    (schemas / "meters.yaml").write_text(CONTRACT)
    init = ["expectations", "init", "meters", "--schemas-dir", str(schemas)]
    assert cli([*init, "--suites-dir", str(suites)]) == 0
    return schemas, suites


def new_lake(root: Path) -> Path:
    raw = root / "lake/raw/meters/ingest_date=2026-02-05"
    raw.mkdir(parents=True)
    (raw / "part-0.jsonl").write_text("\n".join(json.dumps(r) for r in READINGS) + "\n")
    return root / "lake"


def argv(config: tuple[Path, Path], lake: Path) -> list[str]:
    schemas, suites = config
    return [
        *("--dataset", "meters", "--lake-root", str(lake)),
        *("--schemas-dir", str(schemas), "--expectations-dir", str(suites)),
    ]


def stage(
    name: str, config: tuple[Path, Path], lake: Path, *, full_refresh: bool = False
) -> StageResult:
    schemas, suites = config
    args = JobArgs(
        name, "meters", str(lake), str(schemas), None, (), None, None, str(suites),
        full_refresh=full_refresh,
    )  # fmt: skip
    spark = SparkSession.getActiveSession()
    assert spark is not None
    return run_stage(spark, args, "test")


@pytest.fixture(scope="module")
def silver_lake(spark, config, tmp_path_factory) -> Path:
    """A lake clean through silver (read-only for the tests that share it)."""
    lake = new_lake(tmp_path_factory.mktemp("silver"))
    for name in ("raw_to_bronze", "bronze_to_silver"):
        stage(name, config, lake)
    return lake


def drop_reading(reading_id: int):
    """A fault: wraps a ``DataFrame -> DataFrame`` step so one row goes missing."""

    def wrap(step):
        def faulty(df, *args, **kwargs):
            out = step(df, *args, **kwargs)
            return out.filter(F.col("reading_id") != reading_id)

        return faulty

    return wrap


def lossy_write(write, *, keep):
    """A fault: a table write that receives only the rows matching ``keep``."""

    def faulty(spark, df, **kwargs):
        return write(spark, df.filter(keep), **kwargs)

    return faulty


def test_clean_run_counts_each_side_where_it_happens(spark, config, tmp_path):
    lake = new_lake(tmp_path)
    bronze = stage("raw_to_bronze", config, lake)
    assert (bronze.rows_read, bronze.accepted, bronze.quarantined) == (6, 4, 1)
    assert bronze.duplicates_dropped == 1  # from the dedup step, not the remainder
    silver = stage("bronze_to_silver", config, lake)
    assert (silver.rows_read, silver.accepted, silver.quarantined) == (4, 4, 0)
    gold = stage("silver_to_gold", config, lake)
    assert gold.rows_read == 4 and gold.inserted == 2  # one group per site and month
    shutil.rmtree(lake)


def test_rows_lost_after_reading_raw_fail_before_publishing(spark, config, tmp_path, monkeypatch):
    """Read side: enforcement loses a row; the source count still has it."""
    lake = new_lake(tmp_path)
    lossy = drop_reading(3)(raw_to_bronze.enforce_contract)
    monkeypatch.setattr(raw_to_bronze, "enforce_contract", lossy)
    with pytest.raises(ReconciliationError) as caught:
        stage("raw_to_bronze", config, lake)
    assert str(caught.value) == (
        "raw_to_bronze meters: read from raw 6 rows, but accepted 3 + quarantined 1 + "
        "dropped as duplicates 1 = 5 (1 row(s) unaccounted for)"
    )
    assert not (lake / "bronze/meters").exists()  # nothing was published


def test_rows_the_dedup_step_loses_without_counting_fail_the_run(
    spark, config, tmp_path, monkeypatch
):
    """Duplicates side: the dedup step drops a row it does not count as a duplicate."""
    lake = new_lake(tmp_path)
    lossy = drop_reading(4)(raw_to_bronze.drop_duplicates)
    monkeypatch.setattr(raw_to_bronze, "drop_duplicates", lossy)
    with pytest.raises(ReconciliationError, match=r"dropped as duplicates 1 = 5 \(1 row"):
        stage("raw_to_bronze", config, lake)


def test_duplicates_counted_but_kept_fail_the_run(spark, config, tmp_path, monkeypatch):
    """Duplicates side, the other way: the step counts a duplicate it does not drop."""
    lake = new_lake(tmp_path)
    monkeypatch.setattr(raw_to_bronze, "drop_duplicates", lambda df: df.drop("_duplicate"))
    with pytest.raises(ReconciliationError, match=r"accepted 5 .* = 7 \(1 row\(s\) too many\)"):
        stage("raw_to_bronze", config, lake)


def test_a_bronze_commit_receiving_fewer_rows_fails_the_run(spark, config, tmp_path, monkeypatch):
    """Written side: the table's commit metrics say what it received."""
    lake = new_lake(tmp_path)
    monkeypatch.setattr(
        tables, "merge_upsert", lossy_write(tables.merge_upsert, keep=F.col("reading_id") != 1)
    )
    with pytest.raises(ReconciliationError) as caught:
        stage("raw_to_bronze", config, lake)
    assert str(caught.value) == (
        "raw_to_bronze meters: accepted (counted by the stage) 4 rows, but received by "
        "the bronze table meters commit 3 (1 row(s) unaccounted for)"
    )


def test_a_quarantine_commit_receiving_fewer_rows_fails_the_run(
    spark, config, tmp_path, monkeypatch
):
    """Quarantined side: the quarantine table's commit metrics say what it received."""
    lake = new_lake(tmp_path)
    monkeypatch.setattr(tables, "insert_new", lossy_write(tables.insert_new, keep=F.lit(False)))
    with pytest.raises(ReconciliationError) as caught:
        stage("raw_to_bronze", config, lake)
    assert str(caught.value) == (
        "raw_to_bronze meters: quarantined (counted by the stage) 1 rows, but received by "
        "the bronze table meters_quarantine commit 0 (1 row(s) unaccounted for)"
    )


def test_rows_an_enrichment_adds_fail_the_silver_run(spark, config, silver_lake, monkeypatch):
    """Read side of silver: a join that multiplies rows (bronze is counted on its own)."""
    original = bronze_to_silver._enrich

    def multiplying(*args):
        out = original(*args)
        return out.unionByName(out.filter(F.col("reading_id") == 1))

    monkeypatch.setattr(bronze_to_silver, "_enrich", multiplying)
    # A full refresh: the shared lake is already in silver, so a plain run reads nothing.
    with pytest.raises(ReconciliationError, match=r"read from bronze 4 rows, .* \(1 row\(s\) too"):
        stage("bronze_to_silver", config, silver_lake, full_refresh=True)


def test_gold_groups_missing_silver_rows_fail_without_a_count_measure(
    config, silver_lake, monkeypatch
):
    original = silver_to_gold.aggregate

    def lossy(df, **kwargs):
        return original(df.filter(F.col("reading_id") != 2), **kwargs)

    monkeypatch.setattr(silver_to_gold, "aggregate", lossy)
    with pytest.raises(ReconciliationError) as caught:
        stage("silver_to_gold", config, silver_lake)
    assert str(caught.value) == (
        "silver_to_gold meters.site_monthly_kwh: read from silver 4 rows, but counted into "
        "the groups 3 (1 row(s) unaccounted for)"
    )


def test_a_gold_write_losing_a_group_fails_the_run(spark, config, silver_lake, monkeypatch):
    original = tables.overwrite_partitions

    def lossy(df, **kwargs):
        return original(df.filter(F.col("site_id") != "s1"), **kwargs)

    monkeypatch.setattr(tables, "overwrite_partitions", lossy)
    with pytest.raises(ReconciliationError, match=r"groups aggregated 2 rows, but rows the table"):
        stage("silver_to_gold", config, silver_lake)


def test_a_failed_reconciliation_exits_2_with_one_line(
    spark, config, tmp_path, monkeypatch, capsys
):
    lake = new_lake(tmp_path)
    lossy = drop_reading(3)(raw_to_bronze.enforce_contract)
    monkeypatch.setattr(raw_to_bronze, "enforce_contract", lossy)
    assert job("raw_to_bronze", "test", argv(config, lake)) == 2
    failed = [line for line in capsys.readouterr().err.splitlines() if "stage.failed" in line]
    assert len(failed) == 1
    assert "ReconciliationError" in failed[0] and "1 row(s) unaccounted for" in failed[0]


def test_an_empty_raw_batch_is_counted_without_waiting_for_spark(spark, config, tmp_path):
    """An empty input has no partitions, and Spark then reports no observed count."""
    lake = new_lake(tmp_path)
    (lake / "raw/meters/ingest_date=2026-02-05/part-0.jsonl").write_text("")
    with pytest.raises(GateFailed, match="row_count"):
        stage("raw_to_bronze", config, lake)
