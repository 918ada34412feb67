"""Contract types -> Athena DDL types (sqlglot trees) and Glue catalog type strings.

Both come from one table so the DDL and the Glue Data Catalog always agree. Athena DDL
is Hive DDL: ``string``, ``int``, ``decimal(p,s)``, ``array<T>``, ``struct<a:T>``.
"""

from __future__ import annotations

from pyspark.sql import types as T
from sqlglot import exp

from gluelake.contracts.types import parse_type
from gluelake.errors import AthenaError

# Spark type class -> Hive/Athena DDL name of the primitive.
_PRIMITIVES: dict[type[T.DataType], str] = {
    T.StringType: "string",
    T.ByteType: "tinyint",
    T.ShortType: "smallint",
    T.IntegerType: "int",
    T.LongType: "bigint",
    T.FloatType: "float",
    T.DoubleType: "double",
    T.BooleanType: "boolean",
    T.DateType: "date",
    T.TimestampType: "timestamp",
    T.BinaryType: "binary",
}


def glue_type(dtype: T.DataType) -> str:
    """The Hive type string Glue stores for a column, e.g. ``decimal(28,6)``."""
    for cls, name in _PRIMITIVES.items():
        if type(dtype) is cls:
            return name
    if isinstance(dtype, T.DecimalType):
        return f"decimal({dtype.precision},{dtype.scale})"
    if isinstance(dtype, T.ArrayType):
        return f"array<{glue_type(dtype.elementType)}>"
    if isinstance(dtype, T.MapType):
        return f"map<{glue_type(dtype.keyType)},{glue_type(dtype.valueType)}>"
    if isinstance(dtype, T.StructType):
        fields = ",".join(f"{f.name}:{glue_type(f.dataType)}" for f in dtype.fields)
        return f"struct<{fields}>"
    raise AthenaError(f"type {dtype.simpleString()} has no Athena equivalent")


def athena_type(dtype: T.DataType) -> exp.DataType:
    """The same type as a sqlglot tree for DDL generation."""
    for cls, name in _PRIMITIVES.items():
        if type(dtype) is cls:
            # Parsing a fixed name from the table above, never user text.
            return exp.DataType.build(name, dialect="hive")
    if isinstance(dtype, T.DecimalType):
        return exp.DataType(
            this=exp.DataType.Type.DECIMAL,
            expressions=[
                exp.DataTypeParam(this=exp.Literal.number(dtype.precision)),
                exp.DataTypeParam(this=exp.Literal.number(dtype.scale)),
            ],
        )
    if isinstance(dtype, T.ArrayType):
        return exp.DataType(
            this=exp.DataType.Type.ARRAY, expressions=[athena_type(dtype.elementType)], nested=True
        )
    if isinstance(dtype, T.MapType):
        return exp.DataType(
            this=exp.DataType.Type.MAP,
            expressions=[athena_type(dtype.keyType), athena_type(dtype.valueType)],
            nested=True,
        )
    if isinstance(dtype, T.StructType):
        fields = [
            exp.ColumnDef(this=exp.to_identifier(f.name), kind=athena_type(f.dataType))
            for f in dtype.fields
        ]
        return exp.DataType(this=exp.DataType.Type.STRUCT, expressions=fields, nested=True)
    raise AthenaError(f"type {dtype.simpleString()} has no Athena equivalent")


def contract_glue_type(contract_type: str) -> str:
    return glue_type(parse_type(contract_type))


def contract_athena_type(contract_type: str) -> exp.DataType:
    return athena_type(parse_type(contract_type))
