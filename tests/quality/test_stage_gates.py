"""The gate behind real stages and the cross-table gold rule, with the project's suites."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import types as T

from gluelake.contracts import DatasetContract
from gluelake.contracts.tables import TableSpec, aggregate_tables, zone_table
from gluelake.io.layout import LakeLayout
from gluelake.io.raw_files import write_batch
from gluelake.pipelines import raw_to_bronze
from gluelake.pipelines.stage import StageContext
from gluelake.quality.factory import make_gate
from gluelake.quality.gate import ExpectationsGate, GateOutcome
from gluelake.run import RunInfo
from gluelake.spark_types import spark_schema
from samples.emissions import activity_lines


@dataclass
class RecordingGate:
    """The real gate, keeping what it decided so the test can compare counts."""

    inner: ExpectationsGate
    outcomes: list[GateOutcome] = field(default_factory=list)

    def check(self, df: DataFrame, **kwargs: Any) -> GateOutcome:
        outcome = self.inner.check(df, **kwargs)
        self.outcomes.append(outcome)
        return outcome


def test_bronze_gate_counts_agree_with_quarantine_and_dedup_counts(
    spark: SparkSession, contracts: dict[str, DatasetContract], tmp_path: Path
) -> None:
    contract = contracts["emissions"]
    layout = LakeLayout.at(tmp_path / "lake")
    write_batch(layout, contract.source.path, activity_lines(seed=5, count=150))
    gate = RecordingGate(make_gate(contract, "bronze"))
    ctx = StageContext(
        contract=contract, contracts=contracts, layout=layout,
        run=RunInfo(job_name="raw_to_bronze", job_version="test"), gate=gate,
        pii_key=b"quality-test-key",
    )  # fmt: skip

    result = raw_to_bronze.run(spark, ctx)

    [outcome] = gate.outcomes
    assert outcome.passed, outcome.summary
    assert result.quarantined > 0 and result.duplicates_dropped > 0
    expected = result.rows_read - result.quarantined - result.duplicates_dropped
    assert outcome.row_count == result.accepted == expected
    assert outcome.validation is not None
    unique = next(o for o in outcome.validation.outcomes if "unique" in o.expectation)
    assert unique.success and unique.element_count == expected


def _rows(spec: TableSpec, rows: list[dict[str, Any]], spark: SparkSession) -> DataFrame:
    # Only the columns a test sets matter; others stay null, so every field may be null.
    schema = T.StructType([T.StructField(f.name, f.dataType) for f in spark_schema(spec)])
    return spark.createDataFrame([tuple(r.get(f.name) for f in schema) for r in rows], schema)


def _gold_row(month: int, total: str) -> dict[str, Any]:
    kg = Decimal(total)
    return {
        "tenant_id": "tenant-001", "scope": 2, "category": "purchased_electricity",
        "total_kg_co2e": kg, "record_count": 2, "activity_types": 1, "min_kg_co2e": kg / 2,
        "max_kg_co2e": kg / 2, "avg_kg_co2e": kg / 2, "_run_id": "r", "_job_name": "j",
        "_job_version": "0", "_ingested_at": datetime(2025, 3, 1, tzinfo=UTC),
        "year": 2025, "month": month,
    }  # fmt: skip


@pytest.mark.parametrize(("february", "passed"), [("7.000000", True), ("8.000000", False)])
def test_gold_month_totals_must_equal_the_silver_sum(
    spark: SparkSession, contracts: dict[str, DatasetContract], tmp_path: Path,
    february: str, passed: bool,
) -> None:  # fmt: skip
    contract = contracts["emissions"]
    layout = LakeLayout.at(tmp_path / "lake")
    silver = zone_table(contract, "silver")
    silver_rows = [
        {"tenant_id": "tenant-001", "year": 2025, "month": 1, "emissions_kg_co2e": Decimal(kg)}
        for kg in ("10.5", "4.5")
    ] + [{"tenant_id": "tenant-001", "year": 2025, "month": 2, "emissions_kg_co2e": Decimal(7)}]
    _rows(silver, silver_rows, spark).write.format("delta").partitionBy("year", "month").save(
        layout.table(silver)
    )
    monthly = next(t for t in aggregate_tables(contract) if t.name == "emissions_monthly")
    gold = _rows(monthly, [_gold_row(1, "15.000000"), _gold_row(2, february)], spark).cache()

    validation = make_gate(contract, "gold").validate(
        gold, table=monthly, contract=contract, layout=layout, run_id="t",
        now=datetime(2025, 3, 1, tzinfo=UTC),
    )  # fmt: skip

    assert validation.passed is passed, validation.summary()
    rule = next(o for o in validation.outcomes if o.expectation == "unexpected_rows_expectation")
    assert rule.success is passed
    assert rule.unexpected_count == (0 if passed else 1)  # one month differs
    assert rule.description is not None and "silver sum" in rule.description
