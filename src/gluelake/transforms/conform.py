"""Conformed-entity columns every silver table gets."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F


def add_time_partitions(df: DataFrame, *, event_time: str) -> DataFrame:
    """``year``, ``month``, ``day`` (UTC) of the event time, for partitioning and grouping."""
    t = F.col(event_time)
    return df.withColumns({"year": F.year(t), "month": F.month(t), "day": F.dayofmonth(t)})
