"""Reference snapshots without an event time, kept as SCD2 history in silver, and a
date event time carried as a date through every zone."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import yaml

from gluelake.athena.ddl import ddl_text
from gluelake.athena.definitions import athena_tables
from gluelake.athena.environments import environment
from gluelake.contracts.load import parse_contract, resolve_contracts
from gluelake.contracts.tables import aggregate_tables, zone_table
from gluelake.io.layout import LakeLayout
from gluelake.pipelines import bronze_to_silver, raw_to_bronze, silver_to_gold
from gluelake.pipelines.stage import StageContext
from gluelake.quality.gate import OpenGate
from gluelake.run import RunInfo

STORES = """
dataset: stores
version: 1
source: {format: csv, path: raw/stores}
primary_key: [store_id]
history: scd2
schema_drift: reject
columns:
  - {name: store_id, type: string, nullable: false}
  - {name: region, type: string, nullable: false}
  - {name: manager, type: string}
zones:
  bronze: {format: delta}
  silver: {format: delta}
"""
VISITS = """
dataset: visits
version: 1
source: {format: json, path: raw/visits}
primary_key: [visit_id]
event_time: visited_on
schema_drift: reject
columns:
  - {name: visit_id, type: string, nullable: false}
  - {name: store_id, type: string, nullable: false}
  - {name: visited_on, type: date, nullable: false}
  - {name: minutes, type: int, nullable: false}
zones:
  bronze: {format: delta}
  silver: {format: delta, partition_by: [year]}
  gold: {format: parquet}
joins:
  - name: store
    kind: as_of
    dataset: stores
    zone: silver
    on: [store_id]
    select: [region]
derived:
  - {name: hours, type: "decimal(8,2)", expr: "minutes / 60"}
aggregates:
  - name: visits_by_region
    dimensions: [region, visited_on]
    time_grain: none
    measures:
      - {name: visits, fn: count}
      - {name: hours, fn: sum, column: hours}
"""


def contracts():
    parsed = [
        parse_contract(yaml.safe_load(t), f"{n}.yaml")
        for n, t in (("stores", STORES), ("visits", VISITS))
    ]
    return resolve_contracts({c.name: c for c in parsed})


def deliver(root: Path, day: str, rows: list[tuple[str, str, str]]) -> None:
    folder = root / "raw" / "stores" / f"ingest_date={day}"
    folder.mkdir(parents=True)
    lines = ["store_id,region,manager", *(",".join(r) for r in rows)]
    (folder / "stores.csv").write_text("\n".join(lines) + "\n")


def run(spark, stage, all_contracts, name, root):
    ctx = StageContext(
        contract=all_contracts[name], contracts=all_contracts, layout=LakeLayout.at(root),
        run=RunInfo(stage.__name__, "test"), gate=OpenGate(),
    )  # fmt: skip
    return stage.run(spark, ctx)


def history(spark, root):
    rows = spark.read.format("delta").load(str(root / "silver/stores")).collect()
    return {
        (r["store_id"], r["region"], r["valid_from"], r["valid_to"], r["is_current"]) for r in rows
    }


def test_scd2_history_over_three_deliveries_with_a_change_a_noop_and_a_revert(spark, tmp_path):
    c = contracts()
    deliveries = [
        ("2026-01-01", [("s1", "north", "ann"), ("s2", "south", "bob")]),
        ("2026-01-02", [("s1", "east", "ann"), ("s2", "south", "bob")]),  # s1 moves
        ("2026-01-03", [("s1", "north", "ann"), ("s2", "south", "bob")]),  # s1 back; s2 same
    ]
    results = []
    for day, rows in deliveries:
        deliver(tmp_path, day, rows)
        run(spark, raw_to_bronze, c, "stores", tmp_path)
        results.append(run(spark, bronze_to_silver, c, "stores", tmp_path))
    d2, d3 = datetime(2026, 1, 2), datetime(2026, 1, 3)
    assert history(spark, tmp_path) == {
        ("s1", "north", None, d2, False),  # a key's first version starts open
        ("s1", "east", d2, d3, False),
        ("s1", "north", d3, None, True),  # a revert is a new version, not a reopened one
        ("s2", "south", None, None, True),  # never changed: one version
    }
    assert (results[1].inserted, results[1].updated) == (1, 1)
    # Re-running the last delivery changes nothing.
    again = run(spark, bronze_to_silver, c, "stores", tmp_path)
    assert (again.inserted, again.updated) == (0, 0)
    assert len(history(spark, tmp_path)) == 4


def test_date_event_time_stays_a_date_and_joins_the_history_as_of(spark, tmp_path):
    c = contracts()
    deliver(tmp_path, "2026-01-01", [("s1", "north", "ann")])
    run(spark, raw_to_bronze, c, "stores", tmp_path)
    run(spark, bronze_to_silver, c, "stores", tmp_path)
    (tmp_path / "raw/stores/ingest_date=2026-01-01/stores.csv").unlink()
    deliver(tmp_path, "2026-01-10", [("s1", "east", "ann")])
    run(spark, raw_to_bronze, c, "stores", tmp_path)
    run(spark, bronze_to_silver, c, "stores", tmp_path)

    visits = tmp_path / "raw/visits/ingest_date=2026-01-20"
    visits.mkdir(parents=True)
    (visits / "v.jsonl").write_text(
        '{"visit_id": "v1", "store_id": "s1", "visited_on": "2026-01-09", "minutes": 30}\n'
        '{"visit_id": "v2", "store_id": "s1", "visited_on": "2026-01-10", "minutes": 90}\n'
        '{"visit_id": "v3", "store_id": "s9", "visited_on": "2026-01-10", "minutes": 5}\n'
    )
    for stage in (raw_to_bronze, bronze_to_silver, silver_to_gold):
        result = run(spark, stage, c, "visits", tmp_path)
    assert result.rows_read == 2
    for zone in ("bronze", "silver"):
        df = spark.read.format("delta").load(str(tmp_path / zone / "visits"))
        assert dict(df.dtypes)["visited_on"] == "date"
    silver = spark.read.format("delta").load(str(tmp_path / "silver/visits"))
    assert {(r["visit_id"], r["region"], r["year"]) for r in silver.collect()} == {
        ("v1", "north", 2026),  # before the 2026-01-10 delivery: the first version
        ("v2", "east", 2026),
    }
    quarantined = spark.read.format("delta").load(str(tmp_path / "silver/_quarantine/visits"))
    assert [r["reason_codes"] for r in quarantined.collect()] == [["missing:store"]]
    gold = spark.read.parquet(str(tmp_path / "gold/visits/visits_by_region"))
    assert dict(gold.dtypes)["visited_on"] == "date"
    assert sorted(
        (r["region"], r["visited_on"], r["visits"], r["hours"]) for r in gold.collect()
    ) == [
        ("east", date(2026, 1, 10), 1, 1.5),
        ("north", date(2026, 1, 9), 1, 0.5),
    ]
    gold_table = aggregate_tables(c["visits"])[0]
    assert not gold_table.partitions
    env = environment("local")
    ddl = {t.name: ddl_text(t) for t in athena_tables(env, c)}
    assert "`visited_on` DATE" in ddl["visits_by_region"]
    assert {col.name: col.type for col in zone_table(c["visits"], "silver").all_columns}[
        "visited_on"
    ] == "date"
    assert "year" not in {col.name for col in zone_table(c["stores"], "silver").all_columns}
