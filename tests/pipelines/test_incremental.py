"""Incremental downstream runs: bronze -> silver recomputes only changed keys (and the facts
that used a changed reference row), silver -> gold only the months that changed; after a
sequence of deliveries the lake equals one rebuilt with --full-refresh from the same raw."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from delta.tables import DeltaTable

from gluelake.columns import RUN_LINEAGE
from gluelake.io.audit_log import AuditLog
from gluelake.io.layout import LakeLayout
from gluelake.runtime.job import JobArgs, run_stage

ROOT = Path(__file__).resolve().parents[2]
KEY = "incremental-test-key-0123456789"
GOLD = ("emissions_monthly", "emissions_monthly_yoy")


def job(stage: str, dataset: str, lake: Path, *, full_refresh: bool = False) -> JobArgs:
    return JobArgs(
        stage, dataset, str(lake), str(ROOT / "schemas"), None, (), None, None,
        full_refresh=full_refresh,
    )  # fmt: skip


def land(lake: Path, dataset: str, day: str, records: list[dict]) -> None:
    folder = lake / "raw" / dataset / f"ingest_date={day}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "part-00000.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))


def factor(fid: str, kind: str, unit: str, kg: float, scope: int, category: str) -> dict:
    return {"factor_id": fid, "activity_type": kind, "unit": unit, "kg_co2e_per_unit": kg,
            "scope": scope, "category": category, "valid_from": "2020-01-01T00:00:00Z",
            "valid_to": None}  # fmt: skip


DIESEL = ("EF-DIESEL", "diesel", "L")
POWER = ("EF-POWER", "electricity", "kWh")


def activity(aid: str, fac: tuple[str, str, str], quantity: float, when: str, **extra) -> dict:
    fid, kind, unit = fac
    return {"tenant_id": "tenant-001", "activity_id": aid, "activity_type": kind,
            "emission_factor_id": fid, "quantity": quantity, "unit": unit,
            "timestamp": f"{when}T12:00:00Z", **extra}  # fmt: skip


def stages(spark, lake: Path, *bronze: str, full_refresh: bool = False) -> dict[str, object]:
    """raw -> bronze for the delivered datasets, then silver and gold of emissions."""
    results = {}
    for dataset in bronze:
        results[dataset] = run_stage(
            spark, job("raw_to_bronze", dataset, lake, full_refresh=full_refresh), "t"
        )
    for stage in ("bronze_to_silver", "silver_to_gold"):
        results[stage] = run_stage(
            spark, job(stage, "emissions", lake, full_refresh=full_refresh), "t"
        )
    return results


def gold_files(lake: Path, table: str) -> dict[str, float]:
    """Data files of a gold table (relative name -> modification time)."""
    base = lake / "gold" / "emissions" / table
    return {str(p.relative_to(base)): p.stat().st_mtime for p in base.rglob("*.parquet")}


def modes(lake: Path) -> list[tuple[str, str]]:
    return [
        (e["stage"], e["mode"])
        for _, e in AuditLog(LakeLayout.at(lake)).entries()
        if e is not None and e["dataset"] == "emissions" and e["stage"] != "raw_to_bronze"
    ]


@pytest.fixture(scope="module")
def lakes(spark, tmp_path_factory):
    """One lake fed delivery by delivery (each run after the first incremental, behind the
    shipped gates), one rebuilt at the end with --full-refresh from a copy of the same raw
    files; what each step did is kept."""
    mp = pytest.MonkeyPatch()
    mp.setenv("GLUELAKE_PII_KEY", KEY)
    lake = tmp_path_factory.mktemp("incremental") / "lake"
    seen: dict[str, object] = {}

    # Day 1: two factors; activities in March/April 2025 and April 2024 (a year earlier).
    land(lake, "emission_factors", "2026-01-05", [
        factor(*DIESEL, 2.5, 1, "mobile_combustion"),
        factor(*POWER, 0.2, 2, "purchased_electricity"),
    ])  # fmt: skip
    land(lake, "emissions", "2026-01-05", [
        activity("a-1", DIESEL, 10, "2025-03-03"), activity("a-2", DIESEL, 20, "2025-04-04"),
        activity("a-3", DIESEL, 30, "2025-04-05"), activity("a-4", POWER, 100, "2025-04-06"),
        activity("a-5", DIESEL, 5, "2024-04-07"), activity("a-6", POWER, 50, "2025-05-01"),
    ])  # fmt: skip
    seen["day1"] = stages(spark, lake, "emission_factors", "emissions")
    # Day 2: the electricity factor is restated (same key, new value).
    land(lake, "emission_factors", "2026-01-06", [factor(*POWER, 0.25, 2, "purchased_electricity")])
    seen["day2"] = stages(spark, lake, "emission_factors")
    # Day 3: late data for March 2025.
    land(lake, "emissions", "2026-01-07", [activity("a-7", DIESEL, 40, "2025-03-20")])
    seen["files_before_day3"] = {t: gold_files(lake, t) for t in GOLD}
    seen["day3"] = stages(spark, lake, "emissions")
    seen["files_after_day3"] = {t: gold_files(lake, t) for t in GOLD}
    # Day 4: a new fact; a-6 re-delivered as it was; a-2 corrected into June; a-3 re-sent
    # with a unit that cannot be converted (silver drops it, quarantines the new version).
    land(lake, "emissions", "2026-01-08", [
        activity("a-8", DIESEL, 1, "2025-05-02"),
        activity("a-6", POWER, 50, "2025-05-01"),
        activity("a-2", DIESEL, 20, "2025-06-04"),
        activity("a-3", DIESEL, 30, "2025-04-06", unit="kWh"),
    ])  # fmt: skip
    seen["day4"] = stages(spark, lake, "emissions")
    # Day 5: nothing new.
    seen["day5"] = stages(spark, lake)

    full = lake.parent / "full"
    shutil.copytree(lake / "raw", full / "raw")
    seen["full"] = stages(spark, full, "emission_factors", "emissions", full_refresh=True)
    yield lake, full, seen
    mp.undo()


def business(spark, df):
    return df.drop(*RUN_LINEAGE)


def assert_same(left, right, what: str) -> None:
    assert left.count() == right.count(), what
    assert left.exceptAll(right).isEmpty() and right.exceptAll(left).isEmpty(), what


def test_incremental_runs_equal_a_full_refresh(spark, lakes):
    lake, full, _ = lakes
    read = spark.read.format("delta").load
    assert_same(
        business(spark, read(str(lake / "silver/emissions"))),
        business(spark, read(str(full / "silver/emissions"))),
        "silver",
    )
    for table in GOLD:
        assert_same(
            business(spark, spark.read.parquet(str(lake / "gold/emissions" / table))),
            business(spark, spark.read.parquet(str(full / "gold/emissions" / table))),
            table,
        )
    # The sequence did exercise every path: a-3 left silver, a-2 moved month.
    silver = {r["activity_id"]: r for r in read(str(lake / "silver/emissions")).collect()}
    assert set(silver) == {"a-1", "a-2", "a-4", "a-5", "a-6", "a-7", "a-8"}
    assert (silver["a-2"]["year"], silver["a-2"]["month"]) == (2025, 6)
    gold = spark.read.parquet(str(lake / "gold/emissions/emissions_monthly"))
    assert {(r["year"], r["month"]) for r in gold.collect()} == {
        (2024, 4), (2025, 3), (2025, 4), (2025, 5), (2025, 6)
    }  # fmt: skip


def test_runs_after_the_first_are_incremental_and_the_rebuild_is_full(lakes):
    lake, full, _ = lakes
    assert modes(lake) == [("bronze_to_silver", "full"), ("silver_to_gold", "full")] + [
        ("bronze_to_silver", "incremental"), ("silver_to_gold", "incremental")
    ] * 4  # fmt: skip
    assert modes(full) == [("bronze_to_silver", "full_refresh"), ("silver_to_gold", "full_refresh")]


def test_only_changed_keys_are_read_and_merged(lakes):
    _, _, seen = lakes
    silver = seen["day4"]["bronze_to_silver"]
    # a-8 new, a-6 from another file, a-2 moved month, a-3 now quarantined.
    assert silver.rows_read == 4 and silver.quarantined == 1
    assert (silver.inserted, silver.updated, silver.deleted) == (1, 2, 1)
    assert seen["day5"]["bronze_to_silver"].rows_read == 0
    assert seen["day5"]["silver_to_gold"].rows_read == 0


def test_a_restated_factor_recomputes_exactly_the_rows_that_used_it(spark, lakes):
    lake, _, seen = lakes
    silver = seen["day2"]["bronze_to_silver"]
    # a-4 and a-6 use the electricity factor; nothing else was read or rewritten.
    assert (silver.rows_read, silver.updated, silver.inserted, silver.deleted) == (2, 2, 0, 0)
    merges = [
        dict(r["operationMetrics"])
        for r in DeltaTable.forPath(spark, str(lake / "silver/emissions")).history().collect()
        if r["operation"] == "MERGE"
    ]
    day2 = merges[-1]  # the oldest MERGE: day 1 created the table
    assert (day2["numSourceRows"], day2["numTargetRowsUpdated"]) == ("2", "2")
    assert day2["numTargetRowsInserted"] == "0" and day2["numTargetRowsDeleted"] == "0"


def test_late_data_rewrites_only_its_month(lakes):
    _, _, seen = lakes
    before, after = seen["files_before_day3"], seen["files_after_day3"]
    # Only year=2025/month=3 (its year-over-year table would also rewrite March 2026,
    # which has no data).
    rewritten = "year=2025/month=3/"
    for table in GOLD:
        kept_before = {f: t for f, t in before[table].items() if not f.startswith(rewritten)}
        kept_after = {f: t for f, t in after[table].items() if not f.startswith(rewritten)}
        assert kept_before == kept_after, table
        old = {f for f in before[table] if f.startswith(rewritten)}
        new = {f for f in after[table] if f.startswith(rewritten)}
        assert old and new and not old & new, table
    gold = seen["day3"]["silver_to_gold"]
    assert gold.rows_read == 2  # silver rows of 2025-03 (none in 2024-03 or 2026-03)


def test_every_delta_table_records_its_changes(spark, lakes):
    lake, _, _ = lakes
    for table in ("bronze/emissions", "bronze/emission_factors", "silver/emissions",
                  "silver/_quarantine/emissions"):  # fmt: skip
        props = DeltaTable.forPath(spark, str(lake / table)).detail().first()["properties"]
        assert props.get("delta.enableChangeDataFeed") == "true", table


def last_record(lake: Path) -> dict:
    entries = [e for _, e in AuditLog(LakeLayout.at(lake)).entries() if e is not None]
    return entries[-1]


def silver_quantity(spark, lake: Path, aid: str):
    rows = spark.read.format("delta").load(str(lake / "silver/emissions"))
    return rows.filter(f"activity_id = '{aid}'").first()["quantity"]


def test_a_gap_in_the_change_feed_falls_back_to_a_full_recompute(spark, lakes):
    """Runs last: it changes the module's lake. A bronze table without the feed for a
    while (an older table), then one whose change files were vacuumed."""
    lake, _, _ = lakes
    bronze = str(lake / "bronze/emissions")
    spark.sql(
        f"ALTER TABLE delta.`{bronze}` SET TBLPROPERTIES (delta.enableChangeDataFeed = false)"
    )
    land(lake, "emissions", "2026-01-10", [activity("a-1", DIESEL, 11, "2025-03-04")])
    run_stage(spark, job("raw_to_bronze", "emissions", lake), "t")  # switches the feed back on
    run_stage(spark, job("bronze_to_silver", "emissions", lake), "t")
    record = last_record(lake)
    assert (record["stage"], record["mode"], record["status"]) == (
        "bronze_to_silver",
        "full",
        "succeeded",
    )
    assert float(silver_quantity(spark, lake, "a-1")) == 11

    land(lake, "emissions", "2026-01-11", [activity("a-1", DIESEL, 12, "2025-03-05")])
    run_stage(spark, job("raw_to_bronze", "emissions", lake), "t")
    spark.conf.set("spark.databricks.delta.retentionDurationCheck.enabled", "false")
    try:
        DeltaTable.forPath(spark, bronze).vacuum(0)
    finally:
        spark.conf.unset("spark.databricks.delta.retentionDurationCheck.enabled")
    run_stage(spark, job("bronze_to_silver", "emissions", lake), "t")
    record = last_record(lake)
    assert (record["mode"], record["status"]) == ("full", "succeeded")
    assert float(silver_quantity(spark, lake, "a-1")) == 12
