"""Contract types -> Athena DDL types (sqlglot trees) and Glue catalog type strings.

Both are rendered from the contract's type tree and its one type table
(``gluelake.contracts.types``), so the DDL and the Glue Data Catalog always agree. Athena
DDL is Hive DDL: ``string``, ``int``, ``decimal(p,s)``, ``array<T>``, ``struct<a:T>``.
"""

from __future__ import annotations

from sqlglot import exp

from gluelake.contracts.types import (
    Array,
    ContractType,
    Decimal,
    Primitive,
    hive_name,
    parse_type,
)


def athena_type(t: ContractType) -> exp.DataType:
    """The same type as a sqlglot tree for DDL generation."""
    if isinstance(t, Primitive):
        # Parsing a fixed name from the type table, never user text.
        return exp.DataType.build(t.info.hive, dialect="hive")
    if isinstance(t, Decimal):
        return exp.DataType(
            this=exp.DataType.Type.DECIMAL,
            expressions=[
                exp.DataTypeParam(this=exp.Literal.number(t.precision)),
                exp.DataTypeParam(this=exp.Literal.number(t.scale)),
            ],
        )
    if isinstance(t, Array):
        return exp.DataType(
            this=exp.DataType.Type.ARRAY, expressions=[athena_type(t.element)], nested=True
        )
    fields = [
        exp.ColumnDef(this=exp.to_identifier(name), kind=athena_type(field))
        for name, field in t.fields
    ]
    return exp.DataType(this=exp.DataType.Type.STRUCT, expressions=fields, nested=True)


def contract_glue_type(contract_type: str) -> str:
    """The Hive type string Glue stores for a column, e.g. ``decimal(28,6)``."""
    return hive_name(parse_type(contract_type))


def contract_athena_type(contract_type: str) -> exp.DataType:
    return athena_type(parse_type(contract_type))
