"""Lineage columns: which run, job and version wrote a row, and when."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from gluelake.columns import INGESTED_AT, JOB_NAME, JOB_VERSION, RUN_ID, TYPES
from gluelake.run import RunInfo


def add_run_lineage(df: DataFrame, *, run: RunInfo) -> DataFrame:
    return df.withColumns(
        {
            RUN_ID: F.lit(run.run_id),
            JOB_NAME: F.lit(run.job_name),
            JOB_VERSION: F.lit(run.job_version),
            INGESTED_AT: F.lit(run.started_at).cast(TYPES[INGESTED_AT]),
        }
    )
