"""Deduplication within a batch: one row per primary key, the latest by the contract's
ordering columns, with a deterministic tie-break so the same input keeps the same row."""

from __future__ import annotations

from collections.abc import Sequence

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F


def row_fingerprint(columns: Sequence[str]) -> Column:
    """SHA-256 of a row's values (as JSON): the last-resort tie-break."""
    return F.sha2(F.to_json(F.struct(*[F.col(c) for c in sorted(columns)])), 256)


def deduplicate(
    df: DataFrame, *, keys: Sequence[str], order_by: Sequence[str], tiebreak: Sequence[str] = ()
) -> DataFrame:
    """Keep, per key, the row with the greatest ``order_by`` values; ties go to the
    greatest ``tiebreak`` values, then to the greatest row fingerprint."""
    ordering = [F.col(c).desc_nulls_last() for c in [*order_by, *tiebreak]]
    ordering.append(row_fingerprint(df.columns).desc())
    window = Window.partitionBy(*keys).orderBy(*ordering)
    return df.withColumn("_rank", F.row_number().over(window)).filter("_rank = 1").drop("_rank")
