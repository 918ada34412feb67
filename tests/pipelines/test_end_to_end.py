"""All three stages on a small generated lake, checked against independent numbers."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from emissions_oracle import expected_gold
from pyspark.sql import functions as F

from gluelake.contracts.tables import dataset_tables
from gluelake.io.layout import LakeLayout
from gluelake.io.raw_files import write_batch
from gluelake.runtime.job import JobArgs, run_stage
from samples.assessments import assessment_lines
from samples.emissions import activity_lines, factor_lines

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
KEY = "end-to-end-test-key-0123"


def args(stage: str, dataset: str, lake: Path) -> JobArgs:
    return JobArgs(stage, dataset, str(lake), str(ROOT / "schemas"), None, (), None, None)


@pytest.fixture(scope="module")
def lake(spark, tmp_path_factory, contracts):
    """Generate raw data, run every stage once; yields (lake path, results by stage/dataset)."""
    root = tmp_path_factory.mktemp("lake")
    layout = LakeLayout.at(root)
    for batch in (
        factor_lines(),
        activity_lines(seed=11, count=600),
        assessment_lines(seed=11, count=300),
    ):
        write_batch(layout, contracts[batch.dataset].source.path, batch)
    mp = pytest.MonkeyPatch()
    mp.setenv("GLUELAKE_PII_KEY", KEY)
    results = {}
    plan = [
        ("raw_to_bronze", "emission_factors"), ("raw_to_bronze", "emissions"), ("raw_to_bronze", "assessments"),
        ("bronze_to_silver", "emissions"), ("bronze_to_silver", "assessments"),
        ("silver_to_gold", "emissions"), ("silver_to_gold", "assessments"),
    ]  # fmt: skip
    for stage, dataset in plan:
        results[(stage, dataset)] = run_stage(spark, args(stage, dataset, root), "test")
    yield root, results
    mp.undo()


def test_gold_totals_equal_an_independent_computation(spark, lake):
    root, results = lake
    # Generated times are before 2026 or far in the future: any current "now" splits them alike.
    expected = expected_gold(root / "raw", datetime.now(UTC))
    gold = spark.read.parquet(str(root / "gold/emissions/emissions_monthly")).collect()
    got = {
        (r["tenant_id"], r["scope"], r["category"], r["year"], r["month"]): (
            r["total_kg_co2e"],
            r["record_count"],
        )
        for r in gold
    }
    assert results[("raw_to_bronze", "emissions")].accepted > 500
    assert got == expected


def test_gold_month_totals_equal_silver_totals(spark, lake):
    root, _ = lake
    silver = spark.read.format("delta").load(str(root / "silver/emissions"))
    gold = spark.read.parquet(str(root / "gold/emissions/emissions_monthly"))

    def by_month(df, col):
        return {(r[0], r[1]): r[2] for r in df.groupBy("year", "month").agg(F.sum(col)).collect()}

    assert by_month(silver, "emissions_kg_co2e") == by_month(gold, "total_kg_co2e")


def test_counts_reconcile_for_every_stage(lake):
    _, results = lake
    for (stage, dataset), r in results.items():
        assert r.rows_read == r.accepted + r.quarantined + r.duplicates_dropped, (
            stage,
            dataset,
        )
    bronze = results[("raw_to_bronze", "emissions")]
    assert bronze.quarantined > 0 and bronze.duplicates_dropped > 0
    assert results[("bronze_to_silver", "emissions")].rows_read == bronze.accepted


def test_rerun_of_the_same_raw_data_adds_no_rows(spark, lake):
    root, _ = lake
    before = {
        p: spark.read.format("delta").load(str(root / p)).count()
        for p in ("bronze/emissions", "bronze/_quarantine/emissions")
    }
    # A scheduled re-run finds no new raw file and reads nothing ...
    nothing = run_stage(spark, args("raw_to_bronze", "emissions", root), "test")
    assert (nothing.rows_read, nothing.rows_in_table) == (0, before["bronze/emissions"])
    # ... and the same raw files read again (a backfill of every day) change nothing.
    every_day = replace(
        args("raw_to_bronze", "emissions", root), backfill=("0000-01-01", "9999-12-31")
    )
    again = run_stage(spark, every_day, "test")
    after = {p: spark.read.format("delta").load(str(root / p)).count() for p in before}
    assert again.inserted == 0 and again.updated == 0 and again.deleted == 0
    assert again.unchanged == again.accepted > 0
    # The published set is counted on its own, not taken from the run's arithmetic.
    assert again.rows_in_table == before["bronze/emissions"]
    assert after == before


def test_results_name_the_published_set_apart_from_this_runs_writes(spark, lake):
    root, results = lake
    silver = results[("bronze_to_silver", "emissions")]
    assert (
        silver.rows_in_table
        == spark.read.format("delta").load(str(root / "silver/emissions")).count()
    )
    assert silver.inserted == silver.accepted and silver.unchanged == 0  # a first run
    gold = results[("silver_to_gold", "emissions")]
    gold_rows = sum(
        spark.read.parquet(str(p)).count()
        for p in (root / "gold/emissions").iterdir()
        if p.is_dir()
    )
    assert gold.rows_in_table == gold_rows and gold.inserted == gold_rows
    fields = gold.as_fields()
    for name in (
        "rows_read",
        "rows_in_table",
        "inserted",
        "updated",
        "deleted",
        "unchanged",
        "quarantined",
        "duplicates_dropped",
    ):
        assert name in fields
    assert "rows_written" not in fields


def test_a_stage_without_quarantined_rows_only_creates_its_quarantine_table(spark, lake):
    """Nothing to add is not written: the empty table is created with its properties in
    one metadata commit, and no later commit touches it."""
    from delta.tables import DeltaTable

    from gluelake.io.tables import CHANGE_FEED_PROPERTY, table_properties
    from gluelake.pipelines.stage import CONTRACT_VERSION_PROPERTY, SCHEMA_PROPERTY

    root, results = lake
    assert results[("raw_to_bronze", "emission_factors")].quarantined == 0
    path = str(root / "bronze/_quarantine/emission_factors")
    history = DeltaTable.forPath(spark, path).history().select("version", "operation")
    assert [tuple(r) for r in history.collect()] == [(0, "CREATE TABLE")]
    props = table_properties(spark, path) or {}
    assert props[CHANGE_FEED_PROPERTY] == "true"
    assert {CONTRACT_VERSION_PROPERTY, SCHEMA_PROPERTY} <= set(props)
    assert spark.read.format("delta").load(path).count() == 0


def test_every_row_carries_lineage(spark, lake, contracts):
    root, _ = lake
    layout = LakeLayout.at(root)
    for table in dataset_tables(contracts["emissions"]):
        path = layout.table(table)
        df = (
            spark.read.format("delta").load(path)
            if table.format == "delta"
            else spark.read.parquet(path)
        )
        missing = df.filter(
            F.col("_run_id").isNull() | F.col("_job_name").isNull() | F.col("_ingested_at").isNull()
            | (F.col("_job_version") != "test")
        )  # fmt: skip
        assert missing.count() == 0, table.name
        if table.zone == "bronze":
            assert df.filter(F.col("_source_file").isNull()).count() == 0


def _pii_values(raw_root: Path) -> set[str]:
    values: set[str] = set()
    for path in raw_root.rglob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            for key in ("submitted_by_email", "submitted_by_name", "user_email", "user_id"):
                if record.get(key):
                    values.add(str(record[key]))
            notes = record.get("notes") or ""
            for marker in ("+44 20 7946 ", "4111 1111 1111 "):
                if marker in notes:
                    i = notes.index(marker)
                    values.add(notes[i : i + len(marker) + 4])
    return values


def test_no_raw_pii_value_appears_in_any_output(spark, lake, contracts):
    root, _ = lake
    pii = _pii_values(root / "raw")
    assert len(pii) > 50
    layout = LakeLayout.at(root)
    texts = []
    for contract in contracts.values():
        for table in dataset_tables(contract):
            path = layout.table(table)
            if not Path(path).exists():  # datasets this lake does not generate
                continue
            df = (
                spark.read.format("delta").load(path)
                if table.format == "delta"
                else spark.read.parquet(path)
            )
            texts += [r[0] for r in df.select(F.to_json(F.struct("*"))).collect()]
    for path in (root / "_quality").rglob("*") if (root / "_quality").exists() else []:
        if path.is_file() and path.suffix in (".json", ".html"):
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
    # Paths, partition values and file names too.
    texts += [
        str(p.relative_to(root))
        for p in root.rglob("*")
        if "raw" not in p.relative_to(root).parts[:1]
    ]
    blob = "\n".join(texts)
    leaked = sorted(v for v in pii if v in blob)
    assert leaked == []


def test_athena_projection_lint_passes_on_the_generated_lake(lake, capsys):
    from gluelake.cli import main as cli

    root, _ = lake
    assert cli(["athena", "lint", "--lake-root", str(root)]) == 0
    summary = capsys.readouterr().out.strip().splitlines()[-1]
    partitions = int(summary.split(" partition(s)")[0].rsplit(" ", 1)[1])
    assert partitions > 20 and summary.endswith(": ok")


@pytest.fixture(scope="module")
def athena_lake(spark, lake, contracts):
    """The generated lake registered under the local environment's Athena database names."""
    from gluelake.athena.environments import environment, load_environments
    from gluelake.athena.runner import register_lake

    root, _ = lake
    env = environment("local")
    register_lake(spark, env, contracts, root)
    return root, load_environments(), env


def _query(spark, athena_lake, name):
    from gluelake.athena.runner import read_query, run_query

    _, envs, env = athena_lake
    return run_query(
        spark, read_query(str(ROOT / "athena" / "queries" / name)), envs, env
    ).collect()


@pytest.mark.parametrize(
    "name", sorted(p.name for p in (ROOT / "athena" / "queries").glob("*.sql"))
)
def test_every_shipped_query_runs_on_the_generated_lake(spark, athena_lake, name):
    assert _query(spark, athena_lake, name)


def test_monthly_query_matches_the_independent_gold_numbers(spark, athena_lake):
    root, _, _ = athena_lake
    expected: dict[tuple, list] = {}
    for (tenant, scope, _category, year, month), (kg, n) in expected_gold(
        root / "raw", datetime.now(UTC)
    ).items():
        cell = expected.setdefault((tenant, scope, year, month), [0, 0])
        cell[0] += kg
        cell[1] += n
    rows = _query(spark, athena_lake, "monthly_emissions_by_tenant_scope.sql")
    got = {
        (r["tenant_id"], r["scope"], r["year"], r["month"]): [r["total_kg_co2e"], r["records"]]
        for r in rows
    }
    assert got == expected


def test_quarantine_query_counts_every_reason(spark, athena_lake):
    root, _, _ = athena_lake
    expected: dict[tuple, int] = {}
    for zone in ("bronze", "silver"):
        for r in (
            spark.read.format("delta").load(str(root / zone / "_quarantine/emissions")).collect()
        ):
            for reason in r["reason_codes"]:
                key = (r["_ingested_at"].date(), zone, reason)
                expected[key] = expected.get(key, 0) + 1
    rows = _query(spark, athena_lake, "quarantine_reasons_by_day.sql")
    assert {(r["day"], r["zone"], r["reason"]): r["quarantined_rows"] for r in rows} == expected
    assert {reason for _, _, reason in expected} >= {
        "malformed_record",
        "cast_failed:quantity",
        "no_valid_factor:emission_factor_id",
    }
