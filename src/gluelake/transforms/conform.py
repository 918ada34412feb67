"""Conformed-entity columns every silver table gets."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from gluelake.columns import DAY, MONTH, YEAR


def add_time_partitions(df: DataFrame, *, event_time: str) -> DataFrame:
    """``year``, ``month``, ``day`` (UTC) of the event time, for partitioning and grouping."""
    t = F.col(event_time)
    return df.withColumns({YEAR: F.year(t), MONTH: F.month(t), DAY: F.dayofmonth(t)})
