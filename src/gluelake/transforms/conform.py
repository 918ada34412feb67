"""Conformed-entity columns every silver table gets."""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from gluelake.columns import DAY, IS_CURRENT, MONTH, VALID_FROM, VALID_TO, YEAR


def add_time_partitions(df: DataFrame, *, event_time: str) -> DataFrame:
    """``year``, ``month``, ``day`` (UTC) of the event time, for partitioning and grouping."""
    t = F.col(event_time)
    return df.withColumns({YEAR: F.year(t), MONTH: F.month(t), DAY: F.dayofmonth(t)})


def add_history_columns(df: DataFrame, *, delivered_at: Column) -> DataFrame:
    """A new current version starting at ``delivered_at`` (the MERGE keeps older ones)."""
    return df.withColumns(
        {
            VALID_FROM: delivered_at.cast("timestamp"),
            VALID_TO: F.lit(None).cast("timestamp"),
            IS_CURRENT: F.lit(True),
        }
    )
