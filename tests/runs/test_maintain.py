"""`gluelake maintain` compacts small files without changing a row, vacuums per the
contract's retention, and refuses a retention under Delta's safe minimum unless forced."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shell import ROOT, gluelake, traceback_in

from gluelake.contracts import load_contracts
from gluelake.contracts.tables import dataset_tables
from gluelake.errors import ConfigError
from gluelake.io.layout import LakeLayout
from gluelake.io.upkeep import delta_file_count, parquet_partitions
from gluelake.pipelines import bronze_to_silver, raw_to_bronze, silver_to_gold
from gluelake.pipelines.maintain import MaintainOptions, maintain
from gluelake.pipelines.stage import StageContext
from gluelake.quality.gate import OpenGate
from gluelake.run import RunInfo

DATASET = "assessments"
CONTRACTS = load_contracts(ROOT / "schemas")


def deliver(root: Path, day: str, first: int) -> None:
    folder = root / "raw" / DATASET / f"ingest_date={day}"
    folder.mkdir(parents=True)
    records = [
        {"assessment_id": f"asm-{n:012x}", "user_id": f"u{n}", "region": "apac", "type": "final",
         "score": n, "duration_seconds": n, "timestamp": f"2025-0{1 + n % 3}-1{n % 9}T00:00:00Z"}
        for n in range(first, first + 4)
    ]  # fmt: skip
    lines = [json.dumps(r) for r in records]
    (folder / "part-0.jsonl").write_text("\n".join([*lines, "{broken"]) + "\n")


def file_counts(spark, root: Path) -> dict[str, int]:
    layout, counts = LakeLayout.at(root), {}
    for t in dataset_tables(CONTRACTS[DATASET]):
        path = layout.table(t)
        if t.format == "delta":
            counts[t.name + "@" + t.zone] = delta_file_count(spark, path)
        else:
            counts[t.name] = sum(p.files for p in parquet_partitions(spark, path))
    return counts


def content(spark, root: Path) -> dict[str, set]:
    layout, out = LakeLayout.at(root), {}
    for t in dataset_tables(CONTRACTS[DATASET]):
        path = layout.table(t)
        reader = spark.read.format("delta") if t.format == "delta" else spark.read
        df = reader.load(path) if t.format == "delta" else reader.parquet(path)
        out[t.name + "@" + t.zone] = {
            tuple(tuple(v) if isinstance(v, list) else v for v in r) for r in df.collect()
        }
    return out


@pytest.fixture(scope="module")
def lake(spark, tmp_path_factory):
    """Two daily deliveries into bronze, then silver and gold: several small files in
    bronze and its quarantine (one per run), and in gold (one per writing task)."""
    root = tmp_path_factory.mktemp("maintain")
    runs = [("2026-03-01", [raw_to_bronze]),
            ("2026-03-02", [raw_to_bronze, bronze_to_silver, silver_to_gold])]  # fmt: skip
    for i, (day, stages) in enumerate(runs):
        deliver(root, day, 1 + 3 * i)  # overlapping keys: updates as well as inserts
        for stage in stages:
            ctx = StageContext(
                contract=CONTRACTS[DATASET], contracts=CONTRACTS, layout=LakeLayout.at(root),
                run=RunInfo(stage.__name__, "test"), gate=OpenGate(), pii_key=b"maintain-key-0123",
            )  # fmt: skip
            stage.run(spark, ctx)
    return root


def test_maintain_reduces_file_count_without_changing_content(spark, lake):
    before_files, before_rows = file_counts(spark, lake), content(spark, lake)
    assert before_files["assessments@bronze"] > 1 and before_files["assessments_daily"] > 1
    # 0 h with --force: every file the current versions do not need is deleted as well.
    options = MaintainOptions(target_bytes=64 * 1024 * 1024, retain_hours=0, force=True)
    done = maintain(spark, LakeLayout.at(lake), [CONTRACTS[DATASET]], options)
    after_files = file_counts(spark, lake)
    assert content(spark, lake) == before_rows
    for name, n in after_files.items():
        assert n <= before_files[name], name
    assert after_files["assessments@bronze"] == 1
    assert after_files["assessments_daily"] < before_files["assessments_daily"]
    assert sum(t.vacuumed for t in done) > 0
    state = next(t for t in done if t.table == "assessments_raw_files")
    assert state.files_after == 1
    # Time travel to versions before the vacuum's horizon is gone; the latest reads fine.
    bronze = str(lake / "bronze/assessments")
    assert spark.read.format("delta").load(bronze).count() == len(before_rows["assessments@bronze"])


def test_retention_under_the_safe_minimum_is_refused(spark, lake, tmp_path):
    before = file_counts(spark, lake)
    with pytest.raises(ConfigError, match="under Delta's safe minimum of 168 h"):
        maintain(spark, LakeLayout.at(lake), [CONTRACTS[DATASET]], MaintainOptions(retain_hours=24))
    assert file_counts(spark, lake) == before  # refused before any table was touched

    # From a plain shell, through the contract's retention: one line, exit 2.
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    text = (ROOT / "schemas" / f"{DATASET}.yaml").read_text()
    (schemas / f"{DATASET}.yaml").write_text(text + "retention:\n  quarantine: {days: 3}\n")
    out = gluelake(
        "maintain", "--lake-root", lake, "--schemas-dir", schemas, "--dataset", DATASET,
        env={"GLUELAKE_DRIVER_MEMORY": "1g"},
    )  # fmt: skip
    assert out.returncode == 2, out.stderr[-2000:]
    errors = [line for line in out.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "assessments_quarantine: 72 h" in errors[0]
    assert not traceback_in(out.stderr)
