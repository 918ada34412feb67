"""The ``gluelake`` commands as a user runs them: ``.venv/bin/gluelake`` by absolute path,
in a clean environment (no activated venv, no PYSPARK_*/SPARK_*), against a generated lake."""

from __future__ import annotations

import csv
import io
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from shell import ROOT, gluelake, run, traceback_in

from gluelake.contracts.load import contract_files

pytestmark = pytest.mark.e2e


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def test_validate_a_delta_table(demo_lake: Path, tmp_path: Path):
    junit = tmp_path / "dq.xml"
    done = gluelake(
        "validate", "--zone", "silver", "--dataset", "emissions",
        "--lake-root", demo_lake, "--junit", junit,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "expect_" in done.stdout and junit.read_text().startswith("<?xml")


def test_validate_parquet_with_path_reads_related_tables_from_lake_root(demo_lake: Path):
    table = demo_lake / "gold" / "emissions" / "emissions_monthly"
    args = ("validate", "--zone", "gold", "--dataset", "emissions", "--table", "emissions_monthly")
    done = gluelake(*args, "--path", table, "--lake-root", demo_lake)
    assert done.returncode == 0, done.stderr[-3000:]
    # The gold suite joins silver: without a lake to read it from, say so (no silent default).
    done = gluelake(*args, "--path", table, cwd=table)
    assert done.returncode == 2, done.stderr[-3000:]
    assert not traceback_in(done.stderr)
    (line,) = _error_lines(done.stderr)
    assert "--lake-root" in line and "silver_emissions" in line


def test_validate_a_missing_table_is_one_line_and_exit_2(tmp_path: Path):
    done = gluelake(
        "validate", "--zone", "silver", "--dataset", "emissions", "--lake-root", tmp_path / "none"
    )
    assert done.returncode == 2
    assert not traceback_in(done.stderr + done.stdout)
    (line,) = _error_lines(done.stderr)
    assert "emissions" in line and str(tmp_path / "none") in line


def test_query_csv_parses_back_to_the_gold_table(demo_lake: Path, tmp_path: Path, spark):
    out = tmp_path / "monthly.csv"
    sql = (
        "SELECT tenant_id, scope, category, year, month, total_kg_co2e, record_count "
        "FROM gluelake_dev_gold.emissions_monthly"
    )
    done = gluelake("query", sql, "--lake-root", demo_lake, "--format", "csv", "--output", out)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    got = sorted(
        (r["tenant_id"], int(r["scope"]), r["category"], int(r["year"]), int(r["month"]),
         Decimal(r["total_kg_co2e"]), int(r["record_count"]))
        for r in rows
    )  # fmt: skip
    gold = spark.read.parquet(str(demo_lake / "gold" / "emissions" / "emissions_monthly"))
    expected = sorted(
        (r.tenant_id, r.scope, r.category, r.year, r.month, r.total_kg_co2e, r.record_count)
        for r in gold.collect()
    )
    assert got == expected and got
    # A limit that cuts rows says so on stderr; stdout stays data.
    done = gluelake("query", sql, "--lake-root", demo_lake, "--format", "json", "--limit", "3")
    assert done.returncode == 0, done.stderr[-3000:]
    assert len(done.stdout.splitlines()) == 3
    assert "cut at --limit 3" in done.stderr


def test_submit_runs_a_job_from_a_clean_environment(demo_lake: Path, tmp_path: Path):
    lake = tmp_path / "lake"
    shutil.copytree(demo_lake / "raw" / "emission_factors", lake / "raw" / "emission_factors")
    done = gluelake("submit", "raw_to_bronze", "--dataset", "emission_factors", "--lake-root", lake)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (lake / "bronze" / "emission_factors" / "_delta_log").is_dir()
    # spark-submit's Python runner merges the job's stderr into its stdout (as Glue's log does).
    logged = done.stdout + done.stderr
    assert '"stage.done"' in logged and '"rows_in_table"' in logged
    # The printed command line runs as is from a plain shell; a job's own error exits 2.
    printed = gluelake(
        "submit", "--print", "bronze_to_silver", "--dataset", "nope", "--lake-root", lake
    )
    assert printed.returncode == 0 and printed.stdout.startswith("env "), printed.stdout
    assert " SPARK_HOME=" in printed.stdout and " PYSPARK_PYTHON=" in printed.stdout
    again = run(["/bin/sh", "-c", printed.stdout.strip()])
    assert again.returncode == 2, again.stdout[-3000:] + again.stderr[-3000:]
    assert "no contract for dataset 'nope'" in again.stdout + again.stderr


def test_check_reports_every_broken_file_and_counts_what_it_checked(tmp_path: Path):
    schemas = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", schemas)
    for name in ("emissions", "assessments"):
        path = schemas / f"{name}.yaml"
        path.write_text(path.read_text().replace("primary_key:", "primary_kee:", 1))
    done = gluelake("check", "--schemas-dir", schemas)
    assert done.returncode == 1, done.stdout + done.stderr
    errors = [line for line in done.stdout.splitlines() if line.startswith("error:")]
    assert any("emissions.yaml" in e for e in errors) and any(
        "assessments.yaml" in e for e in errors
    )
    summary = done.stdout.splitlines()[-1]
    contracts = len(contract_files(schemas))
    assert summary.startswith(f"checked {contracts} contracts") and "problem(s)" in summary


def test_usage_errors_exit_2():
    done = gluelake("validate")
    assert done.returncode == 2 and not traceback_in(done.stderr)


def test_lint_names_the_contract_field_for_data_outside_the_projected_years(tmp_path: Path):
    """History from 1992 under the default range is invisible to Athena: lint says which
    contract field to change, and after changing it (and regenerating the DDL) passes."""
    schemas, ddl = tmp_path / "schemas", tmp_path / "ddl"
    shutil.copytree(ROOT / "schemas", schemas)
    lake = tmp_path / "lake"
    part = lake / "gold" / "emissions" / "emissions_monthly" / "year=1992" / "month=3"
    part.mkdir(parents=True)
    (part / "part-0000.snappy.parquet").write_bytes(b"")
    common = ("--ddl-dir", ddl, "--environments", ROOT / "athena" / "environments.yaml")
    assert gluelake("athena", "ddl", "--schemas-dir", schemas, *common).returncode == 0
    done = gluelake("athena", "lint", "--lake-root", lake, *common)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "year=1992 is outside projection.year.range 2000,2100" in done.stdout
    assert "event_time_range" in done.stdout

    contract = schemas / "emissions.yaml"
    contract.write_text(contract.read_text() + "event_time_range: {from: 1990, to: 2100}\n")
    assert gluelake("athena", "ddl", "--schemas-dir", schemas, *common).returncode == 0
    assert (
        "'projection.year.range'='1990,2100'"
        in (ddl / "gluelake_dev_gold" / "emissions_monthly.sql").read_text()
    )
    done = gluelake("athena", "lint", "--lake-root", lake, *common)
    assert done.returncode == 0, done.stdout + done.stderr


def test_submit_whose_jvm_does_not_start_exits_2_not_1(tmp_path: Path):
    # spark-submit itself exits 1 here, the code a gate failure uses.
    done = gluelake(
        "submit", "--driver-memory", "12qq", "raw_to_bronze",
        "--dataset", "emission_factors", "--lake-root", tmp_path,
    )  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert "before the job finished" in done.stderr
