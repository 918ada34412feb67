"""Restated reference data and corrected deliveries flow through bronze into silver."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from gluelake.io.layout import LakeLayout
from gluelake.pipelines import bronze_to_silver, raw_to_bronze
from gluelake.pipelines.stage import StageContext
from gluelake.quality.gate import OpenGate
from gluelake.run import RunInfo


def land(root: Path, dataset: str, day: str, records: list[dict]) -> None:
    folder = root / "raw" / dataset / f"ingest_date={day}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "part-00000.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")


def run(spark, stage, contracts, name, root):
    ctx = StageContext(
        contract=contracts[name], contracts=contracts, layout=LakeLayout.at(root),
        run=RunInfo(stage.__name__, "test"), gate=OpenGate(), pii_key=b"0123456789abcdef",
    )  # fmt: skip
    return stage.run(spark, ctx)


def factor(valid_from, valid_to, kg):
    return {"factor_id": "EF-A", "activity_type": "diesel", "unit": "L", "kg_co2e_per_unit": kg,
            "scope": 1, "category": "mobile_combustion", "valid_from": valid_from, "valid_to": valid_to}  # fmt: skip


def activity(quantity):
    return {"tenant_id": "tenant-001", "activity_id": "a-1", "activity_type": "diesel",
            "emission_factor_id": "EF-A", "quantity": quantity, "unit": "L",
            "timestamp": "2025-08-01T00:00:00Z"}  # fmt: skip


def silver_row(spark, root):
    rows = spark.read.format("delta").load(str(root / "silver/emissions")).collect()
    assert len(rows) == 1
    return rows[0]


def first_delivery(spark, contracts, root: Path) -> None:
    """An open-ended factor (0.5 kg/L) and one activity of 10 L, published to silver."""
    land(root, "emission_factors", "2026-01-05", [factor("2024-01-01T00:00:00Z", None, 0.5)])
    land(root, "emissions", "2026-01-05", [activity(10)])
    for stage, name in (
        (raw_to_bronze, "emission_factors"),
        (raw_to_bronze, "emissions"),
        (bronze_to_silver, "emissions"),
    ):
        run(spark, stage, contracts, name, root)


def test_closed_factor_version_and_same_time_correction_reach_silver(spark, tmp_path, contracts):
    first_delivery(spark, contracts, tmp_path)
    assert silver_row(spark, tmp_path)["emissions_kg_co2e"] == Decimal("5.000000")

    # The publisher closes the old version and adds a new one; the ERP re-exports the
    # activity with a corrected quantity but the same activity time.
    land(tmp_path, "emission_factors", "2026-01-06",
         [factor("2024-01-01T00:00:00Z", "2025-07-01T00:00:00Z", 0.5), factor("2025-07-01T00:00:00Z", None, 0.6)])  # fmt: skip
    land(tmp_path, "emissions", "2026-01-06", [activity(20)])
    factors = run(spark, raw_to_bronze, contracts, "emission_factors", tmp_path)
    emissions = run(spark, raw_to_bronze, contracts, "emissions", tmp_path)
    silver = run(spark, bronze_to_silver, contracts, "emissions", tmp_path)

    assert (factors.inserted, factors.updated) == (1, 1)
    assert (emissions.inserted, emissions.updated) == (0, 1)
    assert (silver.quarantined, silver.updated) == (0, 1)
    row = silver_row(spark, tmp_path)
    assert row["kg_co2e_per_unit"] == Decimal("0.600000")
    assert row["emissions_kg_co2e"] == Decimal("12.000000")


def test_silver_drops_a_row_that_no_longer_enriches(spark, tmp_path, contracts):
    first_delivery(spark, contracts, tmp_path)
    # The factor is withdrawn for the activity's period: the activity must leave silver.
    land(
        tmp_path,
        "emission_factors",
        "2026-01-06",
        [factor("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z", 0.5)],
    )
    run(spark, raw_to_bronze, contracts, "emission_factors", tmp_path)
    silver = run(spark, bronze_to_silver, contracts, "emissions", tmp_path)
    assert (silver.accepted, silver.quarantined, silver.deleted) == (0, 1, 1)
    assert spark.read.format("delta").load(str(tmp_path / "silver/emissions")).count() == 0
