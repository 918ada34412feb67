"""Deduplication within a batch: one row per primary key, the latest by the contract's
ordering columns, with a deterministic tie-break so the same input keeps the same row."""

from __future__ import annotations

from collections.abc import Sequence

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from gluelake.columns import DUPLICATE


def row_fingerprint(columns: Sequence[str]) -> Column:
    """SHA-256 of a row's values (as JSON): the last-resort tie-break."""
    return F.sha2(F.to_json(F.struct(*[F.col(c) for c in sorted(columns)])), 256)


def mark_duplicates(
    df: DataFrame, *, keys: Sequence[str], order_by: Sequence[str], tiebreak: Sequence[str] = ()
) -> DataFrame:
    """Flag (``DUPLICATE``) every row but one per key: the row with the greatest
    ``order_by`` values stays; ties go to the greatest ``tiebreak`` values, then to the
    greatest row fingerprint."""
    ordering = [F.col(c).desc_nulls_last() for c in [*order_by, *tiebreak]]
    ordering.append(row_fingerprint(df.columns).desc())
    window = Window.partitionBy(*keys).orderBy(*ordering)
    return df.withColumn(DUPLICATE, F.row_number().over(window) > 1)


def drop_duplicates(df: DataFrame) -> DataFrame:
    """The rows ``mark_duplicates`` kept."""
    return df.filter(~F.col(DUPLICATE)).drop(DUPLICATE)


def deduplicate(
    df: DataFrame, *, keys: Sequence[str], order_by: Sequence[str], tiebreak: Sequence[str] = ()
) -> DataFrame:
    """One row per key, as ``mark_duplicates`` chooses it."""
    marked = df.transform(mark_duplicates, keys=keys, order_by=order_by, tiebreak=tiebreak)
    return marked.transform(drop_duplicates)
