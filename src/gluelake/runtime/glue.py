"""The only module that imports ``awsglue`` (lazily: it exists only on Glue and in the
Glue Docker image, and cannot even be imported under plain PySpark)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from pyspark.sql import SparkSession

GLUE_MARKERS = ("--JOB_NAME", "--JOB_RUN_ID")


def running_on_glue(argv: Sequence[str]) -> bool:
    """Glue passes its own ``--JOB_NAME``/``--JOB_RUN_ID`` to every job script."""
    return any(a.split("=", 1)[0] in GLUE_MARKERS for a in argv)


@contextmanager
def glue_job(spark: SparkSession, job_name: str, arguments: dict[str, str]) -> Iterator[None]:
    """``Job.init`` before the stage, ``Job.commit`` after it succeeds (so bookmarks and
    run state advance only for a published run)."""
    from awsglue.context import GlueContext
    from awsglue.job import Job

    job = Job(GlueContext(spark.sparkContext))
    job.init(job_name, arguments)
    yield
    job.commit()
