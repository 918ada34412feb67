"""Lineage columns: which run, job and version wrote a row, and when."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from gluelake.run import RunInfo


def add_run_lineage(df: DataFrame, *, run: RunInfo) -> DataFrame:
    return df.withColumns(
        {
            "_run_id": F.lit(run.run_id),
            "_job_name": F.lit(run.job_name),
            "_job_version": F.lit(run.job_version),
            "_ingested_at": F.lit(run.started_at).cast("timestamp"),
        }
    )
