"""raw -> bronze takes in only raw files it has not taken in before: a run with no new
file reads nothing, a re-delivered file adds nothing, a backfill of an ingest-date range
gives the same tables however often it runs, and a full refresh rebuilds the state."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from gluelake.contracts import load_contracts
from gluelake.errors import ConfigError
from gluelake.io.layout import LakeLayout
from gluelake.io.tables import delta_version
from gluelake.pipelines import raw_to_bronze
from gluelake.pipelines.stage import StageContext
from gluelake.quality.gate import OpenGate
from gluelake.run import RunInfo
from gluelake.runs.record import RunRecorder
from gluelake.runtime.job import parse_job_args

ROOT = Path(__file__).resolve().parents[2]
DATASET = "assessments"
LINEAGE = ("_run_id", "_job_name", "_job_version", "_ingested_at")


def record(n: int, score: float = 50.0, ts: str = "2025-01-02T03:04:05Z") -> dict:
    return {"assessment_id": f"asm-{n:012x}", "user_id": f"u{n}", "region": "emea",
            "type": "final", "score": score, "duration_seconds": 60 + n, "timestamp": ts}  # fmt: skip


def deliver(root: Path, day: str, name: str, lines: list[dict | str]) -> Path:
    folder = root / "raw" / DATASET / f"ingest_date={day}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines))
    return path


CONTRACTS = load_contracts(ROOT / "schemas")
LAST: list[RunRecorder] = []  # what the latest run would record


def run(spark, root: Path, **changes):
    """One raw -> bronze run behind an open gate (the gate is not what is tested here)."""
    LAST[:] = [RunRecorder()]
    ctx = StageContext(
        contract=CONTRACTS[DATASET], contracts=CONTRACTS, layout=LakeLayout.at(root),
        run=RunInfo("raw_to_bronze", "test"), gate=OpenGate(), pii_key=b"incremental-key-0123",
        recorder=LAST[0],
    )  # fmt: skip
    return raw_to_bronze.run(spark, replace(ctx, **changes))


def last_inputs() -> list[str]:
    return [f.path for f in LAST[0].input_files]


def content(spark, root: Path, table: str) -> set[tuple]:
    """A table's rows without the run lineage (which names the run that wrote them)."""
    df = spark.read.format("delta").load(str(root / table)).drop(*LINEAGE)
    return {tuple(tuple(v) if isinstance(v, list) else v for v in r) for r in df.collect()}


def versions(spark, root: Path) -> tuple:
    return tuple(
        delta_version(spark, str(root / t))
        for t in ("bronze/assessments", "bronze/_quarantine/assessments", "_state/assessments/raw_files")
    )  # fmt: skip


@pytest.fixture(scope="module")
def lake(spark, tmp_path_factory):
    root = tmp_path_factory.mktemp("incremental")
    deliver(root, "2026-01-01", "a.jsonl", [record(i) for i in range(1, 6)] + ["{not json"])
    first = run(spark, root)
    assert (first.rows_read, first.accepted, first.quarantined) == (6, 5, 1)
    return root


def test_second_run_with_no_new_files_reads_nothing(spark, lake):
    raw = lake / "raw/assessments/ingest_date=2026-01-01/a.jsonl"
    original, stat = raw.read_bytes(), raw.stat()
    before = versions(spark, lake)
    # Same size and time, other content: a run that read it would quarantine every line.
    raw.write_bytes(b"x" * len(original))
    os.utime(raw, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    try:
        result = run(spark, lake)
    finally:
        raw.write_bytes(original)
        os.utime(raw, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (result.rows_read, result.inserted, result.quarantined) == (0, 0, 0)
    assert result.rows_in_table == 5
    assert versions(spark, lake) == before  # no table committed anything
    assert (LAST[0].mode, last_inputs()) == ("incremental", [])


def test_new_delivery_is_taken_in_alone(spark, lake):
    deliver(lake, "2026-01-02", "b.jsonl",
            [record(i) for i in range(6, 9)] + [record(1, score=99.0, ts="2025-01-03T00:00:00Z")])  # fmt: skip
    result = run(spark, lake)
    assert (result.rows_read, result.inserted, result.updated) == (4, 3, 1)
    assert result.rows_in_table == 8
    assert last_inputs() == ["raw/assessments/ingest_date=2026-01-02/b.jsonl"]


def test_redelivered_file_adds_nothing(spark, lake):
    """The same bytes under another name, in a later run and twice within one run."""
    b = lake / "raw/assessments/ingest_date=2026-01-02/b.jsonl"
    before, bronze = versions(spark, lake), content(spark, lake, "bronze/assessments")
    copy = lake / "raw/assessments/ingest_date=2026-01-03/b-again.jsonl"
    copy.parent.mkdir(parents=True)
    shutil.copyfile(b, copy)
    result = run(spark, lake)
    assert (result.rows_read, result.inserted, result.updated) == (0, 0, 0)
    assert versions(spark, lake)[:2] == before[:2]  # bronze and quarantine untouched
    assert content(spark, lake, "bronze/assessments") == bronze
    state = {
        r["file_path"]: r["duplicate_of"]
        for r in spark.read.format("delta")
        .load(str(lake / "_state/assessments/raw_files"))
        .collect()
    }
    assert state[str(copy.relative_to(lake))] == str(b.relative_to(lake))

    twice = [record(20), record(21), "{broken"]
    deliver(lake, "2026-01-04", "c1.jsonl", twice)
    deliver(lake, "2026-01-04", "c2.jsonl", twice)
    result = run(spark, lake)
    assert (result.rows_read, result.inserted, result.quarantined) == (3, 2, 1)
    assert last_inputs() == ["raw/assessments/ingest_date=2026-01-04/c1.jsonl"]
    quarantine = spark.read.format("delta").load(str(lake / "bronze/_quarantine/assessments"))
    assert quarantine.count() == 2  # one per broken line, none from the copy


def test_backfill_is_deterministic_and_equals_a_full_refresh(spark, lake):
    tables = ("bronze/assessments", "bronze/_quarantine/assessments")
    incremental = {t: content(spark, lake, t) for t in tables}
    for _ in range(2):
        result = run(spark, lake, backfill=("2026-01-01", "2026-01-04"))
        assert result.rows_read == 13  # a, b, c1: every file in range, copies skipped
        assert {t: content(spark, lake, t) for t in tables} == incremental
        assert LAST[0].mode == "backfill"
    one_day = run(spark, lake, backfill=("2026-01-02", "2026-01-02"))
    assert (one_day.rows_read, one_day.inserted, one_day.updated) == (4, 0, 0)
    assert {t: content(spark, lake, t) for t in tables} == incremental

    refreshed = run(spark, lake, full_refresh=True)
    assert refreshed.rows_read == 13
    assert {t: content(spark, lake, t) for t in tables} == incremental
    state = spark.read.format("delta").load(str(lake / "_state/assessments/raw_files"))
    assert state.count() == 5  # every raw file, copies with what they duplicate
    assert LAST[0].mode == "full_refresh"
    nothing = run(spark, lake)
    assert nothing.rows_read == 0


def test_backfill_arguments_are_checked():
    base = ["--dataset", DATASET, "--lake-root", "/tmp/x"]
    args = parse_job_args("raw_to_bronze", [*base, "--from", "2026-01-02"])
    assert args.backfill == ("2026-01-02", "9999-12-31")
    for extra, message in [
        (["--from", "2026-13-01"], "expected a date YYYY-MM-DD"),
        (["--from", "2026-01-05", "--to", "2026-01-01"], "is after --to"),
        (["--from", "2026-01-05", "--full-refresh"], "drop --ingest-date, --from and --to"),
        (["--to", "2026-01-05", "--ingest-date", "2026-01-01"], "drop --ingest-date"),
    ]:
        with pytest.raises(ConfigError, match=message):
            parse_job_args("raw_to_bronze", [*base, *extra])
    with pytest.raises(ConfigError, match="only raw_to_bronze"):
        parse_job_args("bronze_to_silver", [*base, "--from", "2026-01-01"])
