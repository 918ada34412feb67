"""raw -> bronze survives what scheduled jobs meet: a run killed (SIGKILL of its process
group) while it writes, two runs of the same stage and dataset at once, and counts that do
not reconcile. Afterwards every table is at a committed version, and the next run leaves
each key once, every rejected line quarantined once, and no delivered row missing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from shell import GLUELAKE, ROOT, clean_env

from gluelake.contracts import load_contracts
from gluelake.errors import ReconciliationError
from gluelake.io.layout import LakeLayout
from gluelake.io.tables import delta_version
from gluelake.pipelines import raw_to_bronze
from gluelake.pipelines.stage import StageContext
from gluelake.quality.gate import OpenGate
from gluelake.run import RunInfo

DATASET = "assessments"
KEY = "crash-test-key-0123456789"
BRONZE, QUARANTINE, STATE = (
    "bronze/assessments", "bronze/_quarantine/assessments", "_state/assessments/raw_files",
)  # fmt: skip


def record(n: int, score: float = 50.0) -> dict:
    return {"assessment_id": f"asm-{n:012x}", "user_id": f"u{n}", "region": "amer",
            "type": "midterm", "score": score, "duration_seconds": n,
            "timestamp": "2025-03-04T05:06:07Z"}  # fmt: skip


def deliver(root: Path, day: str, keys: range, *, updated: range = range(0), broken: int = 1):
    folder = root / "raw" / DATASET / f"ingest_date={day}"
    folder.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(record(n)) for n in keys]
    lines += [json.dumps(record(n, score=75.0)) for n in updated]
    lines += [f'{{"broken": {day!r}, "n": {i}' for i in range(broken)]
    (folder / "part-0.jsonl").write_text("\n".join(lines) + "\n")


CONTRACTS = load_contracts(ROOT / "schemas")


def run(spark, root: Path):
    """A clean in-process run (the gate is not what is tested here)."""
    ctx = StageContext(
        contract=CONTRACTS[DATASET], contracts=CONTRACTS, layout=LakeLayout.at(root),
        run=RunInfo("raw_to_bronze", "test"), gate=OpenGate(), pii_key=KEY.encode(),
    )  # fmt: skip
    return raw_to_bronze.run(spark, ctx)


def start(root: Path) -> subprocess.Popen[str]:
    """``gluelake run raw_to_bronze`` from a plain shell, in its own process group."""
    return subprocess.Popen(
        [str(GLUELAKE), "run", "raw_to_bronze", "--dataset", DATASET, "--lake-root", str(root)],
        cwd=ROOT, env=clean_env({"GLUELAKE_PII_KEY": KEY, "GLUELAKE_DRIVER_MEMORY": "1g"}),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip


def entries(folder: Path) -> set[str]:
    return {str(p) for p in folder.rglob("*")} if folder.exists() else set()


def kill_when_written(root: Path, watched: Path) -> None:
    """Start a run and SIGKILL its whole process group (Python driver and JVM) the moment
    a new file appears under ``watched``."""
    before = entries(watched)
    proc = start(root)
    deadline = time.monotonic() + 300
    while not entries(watched) - before:
        assert proc.poll() is None, f"the run ended before writing: {proc.communicate()[1][-2000:]}"
        assert time.monotonic() < deadline, "the run wrote nothing in 300 s"
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL


def rows(spark, root: Path, table: str) -> list:
    return spark.read.format("delta").load(str(root / table)).collect()


def assert_complete(spark, root: Path, keys: range, updated: set[int], broken: int) -> None:
    """Each key once with its latest score, each broken line quarantined once."""
    bronze = rows(spark, root, BRONZE)
    ids = [r["assessment_id"] for r in bronze]
    assert len(ids) == len(set(ids)), "a key was written twice"
    scores = {r["assessment_id"]: float(r["score"]) for r in bronze}
    assert scores == {record(n)["assessment_id"]: 75.0 if n in updated else 50.0 for n in keys}, (
        "rows missing or stale"
    )
    quarantine = rows(spark, root, QUARANTINE)
    assert len(quarantine) == len({r["record_id"] for r in quarantine}) == broken


@pytest.fixture(scope="module")
def lake(spark, tmp_path_factory):
    root = tmp_path_factory.mktemp("crash")
    deliver(root, "2026-02-01", range(1, 11))
    run(spark, root)
    return root


def test_run_killed_while_writing_then_a_clean_run(spark, lake):
    deliver(lake, "2026-02-02", range(11, 21), updated=range(1, 3))
    versions = {t: delta_version(spark, str(lake / t)) for t in (BRONZE, QUARANTINE, STATE)}

    # Killed while bronze's data files are being written, before its commit ...
    kill_when_written(lake, lake / BRONZE)
    # ... and killed right after bronze committed, before the state did.
    kill_when_written(lake, lake / BRONZE / "_delta_log")
    assert delta_version(spark, str(lake / STATE)) == versions[STATE]
    for table in (BRONZE, QUARANTINE, STATE):  # each at a committed version, readable
        rows(spark, lake, table)

    result = run(spark, lake)
    assert result.rows_read == 13  # the killed runs' files are taken in again
    assert_complete(spark, lake, range(1, 21), updated={1, 2}, broken=2)
    assert run(spark, lake).rows_read == 0


def test_two_runs_at_once_leave_one_consistent_table(spark, lake):
    deliver(lake, "2026-02-03", range(21, 31), updated=range(11, 13))
    first, second = start(lake), start(lake)
    outcomes = [(p.wait(timeout=600), p.communicate()[1]) for p in (first, second)]
    codes = sorted(code for code, _ in outcomes)
    assert codes in ([0, 0], [0, 2]), outcomes
    for code, stderr in outcomes:
        if code == 2:  # the loser says why, once, with no traceback
            errors = [line for line in stderr.splitlines() if '"stage.failed"' in line]
            assert len(errors) == 1 and "another writer" in errors[0], stderr[-2000:]
            assert "Traceback" not in stderr
    assert_complete(spark, lake, range(1, 31), updated={1, 2, 11, 12}, broken=3)
    state = rows(spark, lake, STATE)
    assert sorted(r["file_path"] for r in state) == sorted({r["file_path"] for r in state})


def test_counts_that_do_not_reconcile_fail_the_run_and_publish_nothing(spark, lake, monkeypatch):
    deliver(lake, "2026-02-04", range(31, 36), broken=0)
    before = {t: delta_version(spark, str(lake / t)) for t in (BRONZE, QUARANTINE, STATE)}
    count = raw_to_bronze._batch_counts

    def miscount(checked, required):  # a fault: two quarantined rows that were never read
        row = count(checked, required).asDict()
        return {**row, "quarantined": row["quarantined"] + 2}

    monkeypatch.setattr(raw_to_bronze, "_batch_counts", miscount)
    with pytest.raises(ReconciliationError, match=r"\b5 rows\b.*\b7\b"):  # both sides named
        run(spark, lake)
    after = {t: delta_version(spark, str(lake / t)) for t in (BRONZE, QUARANTINE, STATE)}
    assert after == before  # nothing published; the files stay new for the next run

    monkeypatch.undo()
    assert run(spark, lake).rows_read == 5
