"""A failing gate stops the real stages before they write anything, and the job exits 1."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from delta.tables import DeltaTable

from gluelake.errors import GateFailed
from gluelake.io.layout import LakeLayout
from gluelake.io.raw_files import write_batch
from gluelake.pipelines import bronze_to_silver, raw_to_bronze, silver_to_gold
from gluelake.pipelines.stage import StageContext
from gluelake.quality.gate import GateOutcome, OpenGate
from gluelake.run import RunInfo
from gluelake.runtime.job import main
from samples.emissions import activity_lines, factor_lines

ROOT = Path(__file__).resolve().parents[2]


class ClosedGate:
    def check(self, df, *, table, contract, layout, run) -> GateOutcome:
        return GateOutcome(passed=False, summary="expect_nothing failed on purpose")


def ctx(contracts, name, root, gate) -> StageContext:
    return StageContext(
        contract=contracts[name], contracts=contracts, layout=LakeLayout.at(root),
        run=RunInfo("t", "test"), gate=gate, pii_key=b"0123456789abcdef",
    )  # fmt: skip


def versions(spark, path: Path) -> list[int]:
    return [r.version for r in DeltaTable.forPath(spark, str(path)).history().collect()]


def files(path: Path) -> dict[str, int]:
    return {str(p.relative_to(path)): p.stat().st_mtime_ns for p in path.rglob("*.parquet")}


@pytest.fixture(scope="module")
def published(spark, tmp_path_factory, contracts):
    """A lake where every emissions stage has published once."""
    root = tmp_path_factory.mktemp("gated")
    layout = LakeLayout.at(root)
    write_batch(layout, "raw/emission_factors", factor_lines())
    write_batch(layout, "raw/emissions", activity_lines(seed=3, count=150))
    for stage, name in ((raw_to_bronze, "emission_factors"), (raw_to_bronze, "emissions"),
                        (bronze_to_silver, "emissions"), (silver_to_gold, "emissions")):  # fmt: skip
        stage.run(spark, ctx(contracts, name, root, OpenGate()))
    return root


def test_blocked_bronze_run_leaves_table_and_quarantine_versions(spark, published, contracts):
    write_batch(LakeLayout.at(published), "raw/emissions", activity_lines(seed=4, count=50))
    tables = [published / "bronze/emissions", published / "bronze/_quarantine/emissions"]
    before = [versions(spark, t) for t in tables]
    with pytest.raises(
        GateFailed, match="bronze emissions: quality gate failed, nothing published"
    ):
        raw_to_bronze.run(spark, ctx(contracts, "emissions", published, ClosedGate()))
    assert [versions(spark, t) for t in tables] == before


def test_blocked_gold_run_leaves_every_partition_file(spark, published, contracts):
    gold = published / "gold/emissions"
    before = files(gold)
    with pytest.raises(GateFailed):
        silver_to_gold.run(spark, ctx(contracts, "emissions", published, ClosedGate()))
    assert files(gold) == before and before


def test_job_exits_1_when_a_critical_expectation_fails(published, tmp_path, monkeypatch):
    suites = tmp_path / "expectations"
    shutil.copytree(ROOT / "expectations", suites)
    path = suites / "bronze" / "emission_factors.json"
    suite = json.loads(path.read_text())
    suite["expectations"].append(
        {
            "type": "expect_table_row_count_to_be_between",
            "kwargs": {"max_value": 1},
            "severity": "critical",
        }
    )
    path.write_text(json.dumps(suite))
    monkeypatch.setenv("GLUELAKE_PII_KEY", "0123456789abcdef")
    argv = [
        "--dataset",
        "emission_factors",
        "--lake-root",
        str(published),
        "--expectations-dir",
        str(suites),
        "--from",  # every raw file again: a plain re-run would find nothing new to gate
        "2000-01-01",
    ]
    before = versions_of(published / "bronze/emission_factors")
    assert main("raw_to_bronze", "test", argv) == 1
    assert versions_of(published / "bronze/emission_factors") == before


def versions_of(path: Path) -> list[str]:
    return sorted(p.name for p in (path / "_delta_log").glob("*.json"))


def test_blocked_silver_run_leaves_table_and_quarantine_versions(spark, published, contracts):
    tables = [published / "silver/emissions", published / "silver/_quarantine/emissions"]
    before = [versions(spark, t) for t in tables]
    with pytest.raises(GateFailed, match="silver emissions"):
        bronze_to_silver.run(spark, ctx(contracts, "emissions", published, ClosedGate()))
    assert [versions(spark, t) for t in tables] == before
