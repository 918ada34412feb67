"""Write-audit-publish: the gate decides, the guarded write obeys, results are kept."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW, load_json, reading
from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession

from gluelake.contracts import DatasetContract
from gluelake.contracts.tables import quality_results_table, zone_table
from gluelake.errors import GateFailed, SuiteError
from gluelake.io.layout import LakeLayout
from gluelake.io.quality_store import read_results
from gluelake.quality.factory import make_gate
from gluelake.quality.gate import ExpectationsGate, GateOutcome, require_pass
from gluelake.run import RunInfo

MakeDf = Callable[[Sequence[dict[str, Any]]], DataFrame]


def _versions(spark: SparkSession, path: str) -> list[int]:
    return [r.version for r in DeltaTable.forPath(spark, path).history().collect()]


def _publish(outcome: GateOutcome, df: DataFrame, path: str, c: DatasetContract) -> None:
    """What a stage does: nothing is written unless the gate passed."""
    require_pass(outcome, table=zone_table(c, "bronze"))
    df.write.format("delta").mode("append").save(path)


def _run() -> RunInfo:
    return RunInfo(job_name="test", job_version="0", started_at=NOW)


@pytest.fixture()
def gate(readings: DatasetContract, suites_dir: Path) -> ExpectationsGate:
    return make_gate(readings, "bronze", suites_dir=suites_dir)


def _check(
    gate: ExpectationsGate, df: DataFrame, c: DatasetContract, lake: LakeLayout
) -> GateOutcome:
    return gate.check(
        df.cache(), table=zone_table(c, "bronze"), contract=c, layout=lake, run=_run()
    )


def test_critical_failure_leaves_the_delta_version_unchanged(
    spark: SparkSession, gate: ExpectationsGate, readings: DatasetContract, make_df: MakeDf,
    tmp_path: Path,
) -> None:  # fmt: skip
    lake = LakeLayout.at(tmp_path / "lake")
    path = lake.table(zone_table(readings, "bronze"))
    make_df([reading()]).write.format("delta").save(path)
    before = _versions(spark, path)

    bad = make_df([
        reading(reading_id="r2", kind="z"),
        reading(reading_id="r3", value=Decimal("-5.00")),
        reading(reading_id="r4", ts=datetime(2030, 1, 1, tzinfo=UTC)),  # after the run started
        reading(reading_id="r5"),
    ])  # fmt: skip
    outcome = _check(gate, bad, readings, lake)

    assert not outcome.passed
    with pytest.raises(GateFailed) as failed:
        _publish(outcome, bad, path, readings)
    assert _versions(spark, path) == before
    assert spark.read.format("delta").load(path).count() == 1
    message = str(failed.value)
    for label in (
        "expect_column_values_to_be_in_set(kind)",
        "expect_column_values_to_be_between(value)",
        "expect_column_values_to_be_between(ts)",
    ):
        line = next(ln for ln in message.splitlines() if label in ln)
        assert line.strip().startswith("CRITICAL")
        assert "unexpected 1 (25%)" in line
    assert "e.g. z" in message and "e.g. -5.00" in message
    assert outcome.validation is not None and len(outcome.validation.failures) == 3


def test_warning_is_reported_but_does_not_block(
    spark: SparkSession, gate: ExpectationsGate, readings: DatasetContract, make_df: MakeDf,
    tmp_path: Path,
) -> None:  # fmt: skip
    lake = LakeLayout.at(tmp_path / "lake")
    path = lake.table(zone_table(readings, "bronze"))
    make_df([reading()]).write.format("delta").save(path)
    before = _versions(spark, path)
    # An unhashed email breaks only the warning rule; its value is PII and must not show.
    df = make_df([reading(reading_id="r2", email="alice@example.com"), reading(reading_id="r3")])

    outcome = _check(gate, df, readings, lake)
    _publish(outcome, df, path, readings)

    assert outcome.passed
    assert len(_versions(spark, path)) == len(before) + 1
    assert len(outcome.warnings) == 1
    assert "expect_column_values_to_match_regex(email)" in outcome.warnings[0]
    assert "unexpected 1 (50%)" in outcome.warnings[0]
    assert "e.g. ***" in outcome.warnings[0]
    assert "alice" not in outcome.summary and "alice" not in outcome.warnings[0]
    assert outcome.row_count == 2  # the rows about to be published


def test_results_are_stored_as_json_html_and_table_rows(
    spark: SparkSession, gate: ExpectationsGate, readings: DatasetContract, make_df: MakeDf,
    tmp_path: Path,
) -> None:  # fmt: skip
    lake = LakeLayout.at(tmp_path / "lake")
    df = make_df([reading(email="bob@example.com"), reading(reading_id="r2", kind="z")])
    outcome = _check(gate, df, readings, lake)
    assert outcome.validation is not None
    run_id, n = outcome.validation.run_id, len(outcome.validation.outcomes)

    folder = Path(lake.quality_run("bronze", "readings", run_id))
    doc = load_json(str(folder / "readings.json"))
    assert doc["success"] is False and doc["row_count"] == 2 and len(doc["results"]) == n
    failed = {r["expectation"]: r for r in doc["results"] if not r["success"]}
    assert failed["expect_column_values_to_be_in_set"]["unexpected_samples"] == ["z"]
    assert failed["expect_column_values_to_match_regex"]["unexpected_samples"] == ["***"]

    html = (folder / "readings.html").read_text()
    assert html.startswith("<!doctype html>") and "expect_column_values_to_be_in_set" in html
    for text in (html, (folder / "readings.json").read_text()):
        assert "bob" not in text

    spec = quality_results_table()
    table = read_results(spark, lake)
    assert table.columns == [c.name for c in spec.all_columns]
    rows = table.where(table.run_id == run_id).collect()
    assert len(rows) == n
    assert {r.dataset for r in rows} == {"readings"}
    assert {r.validation_date for r in rows} == {
        outcome.validation.validated_at.strftime("%Y-%m-%d")
    }
    # Timestamps read back as the instant written (the session's time zone is UTC).
    validated_at = outcome.validation.validated_at
    assert {r.validated_at.replace(tzinfo=UTC) for r in rows} == {validated_at}
    kind = next(r for r in rows if r.expectation == "expect_column_values_to_be_in_set")
    assert (kind.success, kind.unexpected_count, kind.unexpected_percent, kind.severity) == (
        False, 1, 50.0, "critical",
    )  # fmt: skip
    part = Path(lake.table(spec)) / "dataset=readings"
    assert list(part.glob("validation_date=*/*.snappy.parquet"))

    # A second validation lands beside the first; no staging folder is left behind.
    again = _check(gate, df, readings, lake)
    assert again.validation is not None
    assert read_results(spark, lake).count() == n + len(again.validation.outcomes)
    assert not (Path(lake.table(spec)) / "_staging").exists() or not any(
        (Path(lake.table(spec)) / "_staging").iterdir()
    )


def test_a_table_without_a_suite_is_refused(
    gate: ExpectationsGate, readings: DatasetContract, make_df: MakeDf, tmp_path: Path
) -> None:
    other = zone_table(readings, "bronze").__class__(
        name="other", zone="bronze", dataset="readings", format="delta", path="bronze/other",
        columns=(),
    )  # fmt: skip
    with pytest.raises(SuiteError, match="suites only for"):
        gate.check(make_df([reading()]), table=other, contract=readings,
                   layout=LakeLayout.at(tmp_path), run=_run())  # fmt: skip
