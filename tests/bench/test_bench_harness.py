"""The benchmark harness keeps working: a smoke size of ``bench/run.py`` runs here (a few
variants, one repetition); the benchmark itself never does. Its gold comparison must be
able to fail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import run as bench  # noqa: E402

pytestmark = pytest.mark.e2e


def _snapshot(total: float, count: int) -> dict:
    key = ("tenant-001", "1", "stationary_combustion", "2025", "3")
    return {
        "gold": {key: (count, 2, total, 1.0, 9.0, total / count)},
        "gold_yoy": {key: (total, None, None, None)},
    }


def test_gold_comparison_tolerates_rounding_and_catches_differences():
    ref = _snapshot(1234.567891, 10)
    assert bench.compare_gold(ref, _snapshot(1234.567891 * (1 + 1e-12), 10))["equal"]
    assert not bench.compare_gold(ref, _snapshot(1234.567891 * (1 + 1e-6), 10))["equal"]
    off_by_one = bench.compare_gold(ref, _snapshot(1234.567891, 11))
    assert not off_by_one["equal"] and "column 0" in off_by_one["problems"][0]
    assert not bench.compare_gold(ref, {"gold": {}, "gold_yoy": {}})["equal"]


def _summary(size: int, variant: str, wall: float, stages: dict, jvm: int = 1500) -> dict:
    table = {"data_bytes": 200 * 1024**2, "smallest_data_file": 9 * 1024**2}
    return {"size": size, "variant": variant, "wall_s": wall, "stages_s": stages,
            "peak_jvm_mb": jvm, "tables": {"bronze": table}}  # fmt: skip


def test_targets_table_says_which_targets_are_missed():
    stages = {"raw_to_bronze": 50.0, "bronze_to_silver": 30.0, "silver_to_gold": 10.0}
    quick = {"raw_to_bronze": 48.0, "bronze_to_silver": 29.0, "silver_to_gold": 9.5}
    doc = {"summary": [
        _summary(1000, "gluelake", 40.0, {"raw_to_bronze": 9.0, "silver_to_gold": 3.0}),
        _summary(1_000_000, "gluelake", 100.0, stages),
        _summary(1_000_000, "gluelake_no_gates", 95.0, quick),
        _summary(1_000_000, "bare", 90.0, stages),
        _summary(1_000_000, "naive", 150.0, stages),
        _summary(3_000_000, "gluelake", 300.0, stages, jvm=2000),
        _summary(3_000_000, "bare", 200.0, stages),
        _summary(3_000_000, "naive", 450.0, stages),
    ]}  # fmt: skip
    met = {target: ok for target, _, ok in bench.targets(doc)}
    assert met["1,000,000: gluelake end to end ≤ 1.2x bare PySpark (gates included)"] is True
    assert met["3,000,000: gluelake end to end ≤ 1.2x bare PySpark (gates included)"] is False
    assert met["1,000,000: gluelake faster than the naive script"] is True
    assert met["3,000,000: gluelake faster than the naive script by ≥ 2x"] is False
    assert met["1,000,000: gates ≤ 10 % of their stage (with minus without gates)"] is True
    assert met["1,000,000: no file under 8 MB in a table over 100 MB"] is True
    assert met["peak driver JVM memory flat from 1,000,000 to 3,000,000"] is False
    assert met["a stage on 1,000 rows ≤ 8 s after the session exists"] is False
    doc["summary"][0]["stages_s"]["raw_to_bronze"] = 7.5
    doc["summary"][1]["tables"]["bronze"]["smallest_data_file"] = 1024**2
    met = {target: ok for target, _, ok in bench.targets(doc)}
    assert met["a stage on 1,000 rows ≤ 8 s after the session exists"] is True
    assert met["1,000,000: no file under 8 MB in a table over 100 MB"] is False


def _run(size: int, variant: str, wall: float) -> dict:
    written = {"bytes": 1024, "files": 2, "tables": {}}
    return {"size": size, "variant": variant, "rc": 0, "wall_s": wall, "session_ready_s": 5.0,
            "stages": {"raw_to_bronze": wall / 2}, "peak_jvm_mb": 900, "peak_python_mb": 90,
            "peak_tree_mb": 1000, "written": written}  # fmt: skip


def _result(size: int, reps: int, walls: dict[str, float]) -> dict:
    runs = [_run(size, v, w) for _ in range(reps) for v, w in walls.items()]
    return {"date": f"run of {size}", "sizes": [size], "reps": reps, "runs": runs,
            "data": {str(size): {"lines": size, "bytes": size * 300}},
            "gold_checks": {f"{size}/{v}": {"equal": True} for v in walls},
            "machine": {"cpus": 2, "memory_gb": 8, "note": "idle"}}  # fmt: skip


def test_results_of_separate_runs_merge_into_one_table():
    merged = bench.merge(
        [_result(1000, 2, {"gluelake": 40.0, "bare": 30.0}), _result(3000, 1, {"bare": 60.0})]
    )
    assert merged["sizes"] == [1000, 3000] and merged["reps"] == "1 to 2"
    assert len(merged["gold_checks"]) == 3
    assert [(s["size"], s["variant"], s["runs"]) for s in merged["summary"]] == [
        (1000, "gluelake", 2), (1000, "bare", 2), (3000, "bare", 1),
    ]  # fmt: skip
    table = bench.markdown({**merged, "targets": []})
    assert "**1,000 activities**" in table and "**3,000 activities**" in table
    assert "runs per variant: 1)" in table


def test_smoke_size_runs_every_kind_of_variant_and_writes_its_reports(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYSPARK_", "SPARK_", "VIRTUAL_ENV"))
    }
    cmd = [
        sys.executable, "bench/run.py", "--sizes", "300", "--reps", "1", "--no-fixed-cost",
        "--variants", "gluelake_no_gates,bare,duckdb", "--work", str(tmp_path / "work"),
        "--out", str(tmp_path / "out"), "--name", "smoke",
    ]  # fmt: skip
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    doc = json.loads((tmp_path / "out" / "smoke.json").read_text())
    assert {s["variant"] for s in doc["summary"]} == {"gluelake_no_gates", "bare", "duckdb"}
    assert all(check["equal"] for check in doc["gold_checks"].values())
    assert len(doc["gold_checks"]) == 3
    for s in doc["summary"]:
        assert s["stages_s"]["raw_to_bronze"] > 0 and s["bytes_written"] > 0
    assert "gold equal" in (tmp_path / "out" / "smoke.md").read_text()
    rendered = subprocess.run(
        [sys.executable, "bench/run.py", "--render", str(tmp_path / "out" / "smoke.json"),
         "--out", str(tmp_path / "again")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert rendered.returncode == 0, rendered.stderr[-3000:]
    assert (tmp_path / "again" / "smoke.md").read_text() == (
        tmp_path / "out" / "smoke.md"
    ).read_text()
    assert (tmp_path / "out" / "smoke.png").stat().st_size > 1000
