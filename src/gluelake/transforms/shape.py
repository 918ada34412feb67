"""Select exactly a table's columns, in its order and types."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from gluelake.contracts.tables import TableSpec
from gluelake.spark_types import spark_type


def conform_to_table(df: DataFrame, *, table: TableSpec) -> DataFrame:
    """Project onto ``table``'s columns (data then partitions); a column the table needs
    and ``df`` lacks is a programming error and fails at analysis, not silently null."""
    return df.select(
        *[F.col(c.name).cast(spark_type(c.type)).alias(c.name) for c in table.all_columns]
    )
