"""Rows that break the contract, shaped for the zone's quarantine table."""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from gluelake.transforms import MESSAGES, RAW_TEXT, REASONS, SOURCE_FILE


def has_reasons() -> Column:
    return F.size(F.col(REASONS)) > 0


def to_quarantine(df: DataFrame) -> DataFrame:
    """Reason codes, a readable message and the (already masked) record; ``record_id``
    identifies the same record from the same file across re-runs."""
    return df.select(
        F.sha2(F.concat_ws("\n", F.col(SOURCE_FILE), F.col(RAW_TEXT)), 256).alias("record_id"),
        F.col(REASONS).alias("reason_codes"),
        F.array_join(F.col(MESSAGES), "; ").alias("message"),
        F.col(RAW_TEXT).alias("record"),
        F.col(SOURCE_FILE),
    )


def record_as_json(df: DataFrame, *, columns: list[str]) -> DataFrame:
    """For later zones, whose input is already typed and masked: the record is the row."""
    return df.withColumn(RAW_TEXT, F.to_json(F.struct(*[F.col(c) for c in columns])))
