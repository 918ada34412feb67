"""A small lake as ``make demo`` leaves it: generated raw data through all three stages,
built in the test process (fast); commands under test then run against it as subprocesses."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from gluelake.contracts import DatasetContract
from gluelake.io.layout import LakeLayout
from gluelake.io.raw_files import write_batch
from gluelake.runtime.job import JobArgs, run_stage
from samples.assessments import assessment_lines
from samples.emissions import activity_lines, factor_lines

ROOT = Path(__file__).resolve().parents[1]
DEMO_KEY = "demo-key-not-for-production"
PLAN = (
    ("raw_to_bronze", "emission_factors"), ("raw_to_bronze", "emissions"),
    ("raw_to_bronze", "assessments"), ("bronze_to_silver", "emissions"),
    ("bronze_to_silver", "assessments"), ("silver_to_gold", "emissions"),
    ("silver_to_gold", "assessments"),
)  # fmt: skip


def build_demo_lake(spark: SparkSession, contracts: dict[str, DatasetContract], root: Path) -> Path:
    layout = LakeLayout.at(root)
    for batch in (factor_lines(), activity_lines(7, 400), assessment_lines(7, 200)):
        write_batch(layout, contracts[batch.dataset].source.path, batch)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GLUELAKE_PII_KEY", DEMO_KEY)
        schemas = str(ROOT / "schemas")
        for stage, dataset in PLAN:
            args = JobArgs(stage, dataset, str(root), schemas, None, (), None, None)
            run_stage(spark, args, "demo")
    return root
