"""Contract types as Spark types, built from the contract's type tree and type table
(``gluelake.contracts.types``, which stays Spark-free)."""

from __future__ import annotations

from pyspark.sql import types as T

from gluelake.contracts.tables import TableSpec
from gluelake.contracts.types import Array, ContractType, Decimal, Primitive, parse_type


def spark_type(t: ContractType | str) -> T.DataType:
    """A contract type (tree or text) as a Spark DataType; text that is no contract type
    raises ValueError."""
    if isinstance(t, str):
        t = parse_type(t)
    if isinstance(t, Primitive):
        cls: type[T.DataType] = getattr(T, t.info.spark)
        return cls()
    if isinstance(t, Decimal):
        return T.DecimalType(t.precision, t.scale)
    if isinstance(t, Array):
        return T.ArrayType(spark_type(t.element), containsNull=True)
    return T.StructType([T.StructField(n, spark_type(f), True) for n, f in t.fields])


def spark_schema(table: TableSpec) -> T.StructType:
    """A table's columns (data, then partitions) as a Spark schema."""
    return T.StructType(
        [T.StructField(c.name, spark_type(c.type), c.nullable) for c in table.all_columns]
    )
