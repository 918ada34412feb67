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
    assert (tmp_path / "out" / "smoke.png").stat().st_size > 1000
