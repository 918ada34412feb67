"""Every run appends a record to the lake's audit log: inputs with sizes and SHA-256, row
accounting that reconciles, quarantine reasons, gate outcomes, status and error; the
records read back as the Athena `runs` table's columns."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from gluelake.contracts.tables import runs_table
from gluelake.errors import GluelakeError
from gluelake.io.audit_log import AuditLog
from gluelake.io.layout import LakeLayout
from gluelake.io.raw_files import write_batch
from gluelake.runs.chain import verify
from gluelake.runtime.job import JobArgs, run_stage
from gluelake.spark_types import spark_schema
from samples.emissions import activity_lines, factor_lines

ROOT = Path(__file__).resolve().parents[2]
KEY = "run-records-test-key-0123"


def job(stage: str, dataset: str, lake: Path) -> JobArgs:
    return JobArgs(stage, dataset, str(lake), str(ROOT / "schemas"), None, (), None, None)


@pytest.fixture(scope="module")
def lake(spark, tmp_path_factory, contracts):
    root = tmp_path_factory.mktemp("records")
    layout = LakeLayout.at(root)
    for batch in (factor_lines(), activity_lines(seed=5, count=150)):
        write_batch(layout, contracts[batch.dataset].source.path, batch)
    mp = pytest.MonkeyPatch()
    mp.setenv("GLUELAKE_PII_KEY", KEY)
    for stage, dataset in [
        ("raw_to_bronze", "emission_factors"), ("raw_to_bronze", "emissions"),
        ("bronze_to_silver", "emissions"), ("silver_to_gold", "emissions"),
    ]:  # fmt: skip
        run_stage(spark, job(stage, dataset, root), "test")
    with pytest.raises(GluelakeError):  # assessments have no bronze table yet
        run_stage(spark, job("bronze_to_silver", "assessments", root), "test")
    yield root
    mp.undo()


def entries(root: Path) -> list[dict]:
    return [e for _, e in AuditLog(LakeLayout.at(root)).entries() if e is not None]


def test_every_run_is_recorded_in_an_intact_chain(lake):
    records = entries(lake)
    assert [(r["stage"], r["dataset"], r["status"]) for r in records] == [
        ("raw_to_bronze", "emission_factors", "succeeded"),
        ("raw_to_bronze", "emissions", "succeeded"),
        ("bronze_to_silver", "emissions", "succeeded"),
        ("silver_to_gold", "emissions", "succeeded"),
        ("bronze_to_silver", "assessments", "failed"),
    ]
    assert verify(AuditLog(LakeLayout.at(lake)).entries()).ok
    assert all(r["job_version"] == "test" and r["started_at"] <= r["ended_at"] for r in records)


def test_raw_inputs_are_listed_with_size_and_sha256(lake):
    bronze = entries(lake)[1]
    files = sorted((lake / "raw" / "emissions").rglob("*.jsonl"))
    assert [f["path"] for f in bronze["input_files"]] == [str(f.relative_to(lake)) for f in files]
    for record, file in zip(bronze["input_files"], files, strict=True):
        assert record["size"] == file.stat().st_size
        assert record["sha256"] == hashlib.sha256(file.read_bytes()).hexdigest()


def test_counts_reconcile_and_quarantine_reasons_are_counted(lake):
    bronze = entries(lake)[1]
    assert bronze["reconciled"] is True
    assert bronze["rows_read"] == (
        bronze["accepted"] + bronze["quarantined"] + bronze["duplicates_dropped"]
    )
    assert bronze["quarantined"] > 0 and bronze["duplicates_dropped"] > 0
    reasons = {r["reason"]: r["row_count"] for r in bronze["quarantine_reasons"]}
    # A row may carry several reasons; each quarantined row carries at least one.
    assert sum(reasons.values()) >= bronze["quarantined"] and all(reasons.values())
    assert bronze["inserted"] == bronze["accepted"]


def test_gate_outcomes_and_input_tables_are_recorded(lake):
    _, bronze, silver, gold, _ = entries(lake)
    assert [g["name"] for g in bronze["gates"]] == ["emissions"]
    gate = bronze["gates"][0]
    assert gate["passed"] and gate["expectations"] > 0 and Path(gate["report"]).is_file()
    assert {t["name"] for t in silver["input_tables"]} == {
        "bronze/emissions",
        "bronze/emission_factors",
    }
    assert gold["input_tables"][0]["name"] == "silver/emissions"
    assert gold["input_tables"][0]["version"] is not None


def test_a_failed_run_records_its_error(lake):
    failed = entries(lake)[-1]
    assert failed["status"] == "failed" and "SourceError" in failed["error"]
    assert failed["reconciled"] is False


def test_records_have_exactly_the_runs_table_columns(spark, lake):
    spec = runs_table()
    for record in entries(lake):
        assert set(record) == {c.name for c in spec.all_columns}
    df = spark.read.schema(spark_schema(spec)).json(str(lake / spec.path))
    rows = {r["seq"]: r for r in df.collect()}
    assert len(rows) == 5 and rows[1]["input_files"][0]["sha256"]
