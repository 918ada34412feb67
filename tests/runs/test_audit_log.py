"""The hash-chained audit log: tampering is caught by `gluelake audit verify` (run as a
user would, from a plain shell), concurrent writers never fork the chain, and S3 entries
carry their Object Lock retention."""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest

from gluelake.io.audit_log import AuditLog, ObjectLock
from gluelake.io.layout import LakeLayout
from gluelake.runs.chain import GENESIS, verify

ROOT = Path(__file__).resolve().parents[2]


def gluelake(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed command in a clean environment: no venv activated, no Spark variables."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYSPARK_", "SPARK_", "VIRTUAL_ENV", "GLUELAKE_"))
    }
    return subprocess.run(
        [str(ROOT / ".venv/bin/gluelake"), *args], capture_output=True, text=True, env=env, cwd=ROOT
    )


def _lake(tmp_path: Path, n: int = 5) -> tuple[Path, Path]:
    log = AuditLog(LakeLayout.at(tmp_path))
    for i in range(n):
        log.append({"run_id": f"run-{i}", "rows_read": i * 10, "status": "succeeded"})
    return tmp_path, tmp_path / "_runs" / "log"


def test_an_intact_chain_verifies(tmp_path):
    root, folder = _lake(tmp_path)
    entries = [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]
    assert [e["seq"] for e in entries] == [0, 1, 2, 3, 4]
    assert entries[0]["prev_hash"] == GENESIS
    assert all(b["prev_hash"] == a["record_hash"] for a, b in itertools.pairwise(entries))
    done = gluelake("audit", "verify", "--lake-root", str(root))
    assert done.returncode == 0, done.stderr
    assert "ok: 5 entries" in done.stdout


def test_an_edited_entry_is_reported(tmp_path):
    root, folder = _lake(tmp_path)
    target = folder / "000000000002.json"
    entry = json.loads(target.read_text())
    entry["rows_read"] = 999  # a quiet "correction"
    target.write_text(json.dumps(entry) + "\n")
    done = gluelake("audit", "verify", "--lake-root", str(root))
    assert done.returncode == 1
    assert "entry 2: edited" in done.stdout and "000000000002.json" in done.stdout


def test_a_deleted_entry_is_reported(tmp_path):
    root, folder = _lake(tmp_path)
    (folder / "000000000001.json").unlink()
    done = gluelake("audit", "verify", "--lake-root", str(root))
    assert done.returncode == 1
    assert "entry 1: missing" in done.stdout


def test_a_deleted_entry_whose_successors_were_renumbered_is_reported(tmp_path):
    root, folder = _lake(tmp_path)
    (folder / "000000000001.json").unlink()
    for n in (2, 3, 4):
        (folder / f"{n:012d}.json").rename(folder / f"{n - 1:012d}.json")
    done = gluelake("audit", "verify", "--lake-root", str(root))
    assert done.returncode == 1
    assert "entry 1: reordered" in done.stdout


def test_reordered_entries_are_reported(tmp_path):
    root, folder = _lake(tmp_path)
    a, b = folder / "000000000002.json", folder / "000000000003.json"
    text_a, text_b = a.read_text(), b.read_text()
    a.write_text(text_b)
    b.write_text(text_a)
    done = gluelake("audit", "verify", "--lake-root", str(root))
    assert done.returncode == 1
    assert "entry 2: reordered" in done.stdout


def test_a_reordered_entry_with_its_seq_rewritten_is_still_caught(tmp_path):
    _, folder = _lake(tmp_path)
    a, b = folder / "000000000002.json", folder / "000000000003.json"
    ea, eb = json.loads(a.read_text()), json.loads(b.read_text())
    ea["seq"], eb["seq"] = 3, 2
    a.write_text(json.dumps(eb))
    b.write_text(json.dumps(ea))
    result = verify(AuditLog(LakeLayout.at(tmp_path)).entries())
    assert result.problem is not None and result.problem.position == 2


def _append_many(root: str, writer: int, count: int) -> None:
    log = AuditLog(LakeLayout.at(root))
    for i in range(count):
        log.append({"run_id": f"w{writer}-{i}"})


def test_concurrent_writers_never_fork_the_chain(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_append_many, args=(str(tmp_path), w, 10)) for w in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    result = verify(AuditLog(LakeLayout.at(tmp_path)).entries())
    assert result.ok and result.entries == 30
    names = sorted(p.name for p in (tmp_path / "_runs" / "log").iterdir())
    assert len(names) == 30 and not any(n.startswith(".") for n in names)


@pytest.fixture
def locked_bucket(aws, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws)
    s3 = boto3.client("s3")
    s3.create_bucket(
        Bucket="audit-lake",
        CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
        ObjectLockEnabledForBucket=True,
    )
    return s3


def test_s3_entries_carry_object_lock_retention(locked_bucket):
    log = AuditLog(LakeLayout.at("s3://audit-lake/lake"), ObjectLock("COMPLIANCE", 2557))
    log.append({"run_id": "a"})
    log.append({"run_id": "b"})
    head = locked_bucket.head_object(Bucket="audit-lake", Key="lake/_runs/log/000000000001.json")
    assert head["ObjectLockMode"] == "COMPLIANCE"
    until = head["ObjectLockRetainUntilDate"]
    assert until > datetime.now(UTC) + timedelta(days=2550)
    assert verify(log.entries()).ok


def test_s3_appends_lose_a_race_without_overwriting(locked_bucket):
    first, second = (AuditLog(LakeLayout.at("s3://audit-lake/lake")) for _ in range(2))
    first.append({"run_id": "a"})
    # The second writer's conditional put at position 0 fails; it moves to position 1.
    assert not second._create("000000000000.json", b"{}\n")
    entry = second.append({"run_id": "b"})
    assert entry["seq"] == 1 and verify(first.entries()).ok


def test_object_lock_settings_are_checked():
    from gluelake.errors import ConfigError

    assert ObjectLock.parse(None, None) is None
    assert ObjectLock.parse("governance", 90) == ObjectLock("GOVERNANCE", 90)
    for mode, days in (("LEGAL", 1), ("COMPLIANCE", 0), ("COMPLIANCE", None)):
        with pytest.raises(ConfigError):
            ObjectLock.parse(mode, days)


def test_verify_command_help_states_its_exit_codes():
    done = gluelake("audit", "verify", "--help")
    assert done.returncode == 0 and "1 when an entry" in done.stdout
    assert sys.executable  # the suite's interpreter is not the one under test


def test_runs_lists_recorded_runs_with_their_counts(tmp_path):
    from gluelake.runs.record import RunRecorder, build_record

    log = AuditLog(LakeLayout.at(tmp_path))
    start = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    for i, (stage, status) in enumerate(
        [("raw_to_bronze", "succeeded"), ("bronze_to_silver", "blocked")]
    ):
        result = {"rows_read": 100, "accepted": 90, "quarantined": 7, "duplicates_dropped": 3,
                  "inserted": 90} if status == "succeeded" else None  # fmt: skip
        record = build_record(
            run_id=f"r{i}", job_name=stage, job_version="1.0.0", dataset="emissions",
            stage=stage, started=start, ended=start + timedelta(seconds=42), status=status,
            error="" if result else "GateFailed: silver emissions", result=result,
            recorder=RunRecorder(),
        )  # fmt: skip
        log.append(record.as_dict())
    done = gluelake("runs", "--lake-root", str(tmp_path))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:4] == ["seq", "started", "(UTC)", "stage"]
    assert lines[1].split() == ["0", "2026-11-23", "06:00:00", "raw_to_bronze", "emissions",
                                "succeeded", "42.0", "100", "90", "7", "3", "90", "0", "0"]  # fmt: skip
    assert "blocked" in lines[2] and "error: GateFailed" in lines[3]
    only = gluelake("runs", "--lake-root", str(tmp_path), "--status", "blocked")
    assert "raw_to_bronze" not in only.stdout and "bronze_to_silver" in only.stdout


def test_report_writes_a_self_contained_page_with_the_funnel(tmp_path):
    from gluelake.runs.record import GateRecord, RunRecorder, build_record

    log = AuditLog(LakeLayout.at(tmp_path / "lake"))
    start = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    counts = {
        "raw_to_bronze": {"rows_read": 1000, "accepted": 900, "quarantined": 60,
                          "duplicates_dropped": 40, "inserted": 900},
        "bronze_to_silver": {"rows_read": 900, "accepted": 880, "quarantined": 20},
        "silver_to_gold": {"rows_read": 880, "accepted": 880, "rows_in_table": 48},
    }  # fmt: skip
    for i, (stage, result) in enumerate(counts.items()):
        recorder = RunRecorder()
        recorder.add_reasons({"cast_failed:quantity": 50, "<script>": 10} if i == 0 else {})
        recorder.gates.append(GateRecord("emissions", "bronze", True, 12, 0, 1, "/q/e.html"))
        record = build_record(
            run_id=f"r{i}", job_name=stage, job_version="1", dataset="emissions", stage=stage,
            started=start, ended=start, status="succeeded", error="", result=result,
            recorder=recorder,
        )  # fmt: skip
        log.append(record.as_dict())
    out = tmp_path / "day.html"
    done = gluelake(
        "report",
        "--lake-root",
        str(tmp_path / "lake"),
        "--date",
        "2026-11-23",
        "--output",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    page = out.read_text()
    assert "<svg" in page and "raw records read" in page and "gold rows" in page
    assert ">1,000<" in page and ">48<" in page  # funnel values
    assert "cast_failed:quantity" in page and "&lt;script&gt;" in page and "<script>" not in page
    assert 'href="file:///q/e.html"' in page
    assert "http" not in page.replace("http://www.w3.org/2000/svg", "")  # nothing external
    missing = gluelake("report", "--lake-root", str(tmp_path / "lake"), "--run-id", "nope")
    assert missing.returncode == 2 and "no run nope" in missing.stderr
