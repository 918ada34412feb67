"""Contract type -> Athena DDL type and Glue type string, from the one type table."""

from __future__ import annotations

import pytest

from gluelake.athena.types import athena_type, contract_athena_type, contract_glue_type
from gluelake.contracts.types import parse_type

# contract type, Athena DDL (as sqlglot renders it for Hive DDL), Glue type string
MAPPING = [
    ("string", "STRING", "string"),
    ("int", "INT", "int"),
    ("bigint", "BIGINT", "bigint"),
    ("double", "DOUBLE", "double"),
    ("boolean", "BOOLEAN", "boolean"),
    ("date", "DATE", "date"),
    ("timestamp", "TIMESTAMP", "timestamp"),
    ("decimal(10,6)", "DECIMAL(10, 6)", "decimal(10,6)"),
    ("decimal(38, 0)", "DECIMAL(38, 0)", "decimal(38,0)"),
    ("array<string>", "ARRAY<STRING>", "array<string>"),
    ("array<decimal(5,2)>", "ARRAY<DECIMAL(5, 2)>", "array<decimal(5,2)>"),
    ("array<array<int>>", "ARRAY<ARRAY<INT>>", "array<array<int>>"),
]


@pytest.mark.parametrize(("contract", "ddl", "glue"), MAPPING)
def test_contract_type_mapping(contract: str, ddl: str, glue: str) -> None:
    assert contract_athena_type(contract).sql(dialect="hive") == ddl
    assert contract_glue_type(contract) == glue


def test_nested_struct_types() -> None:
    t = parse_type("struct<code:string,amount:decimal(12,2),tags:array<string>,n:bigint>")
    assert contract_glue_type(
        "struct<code:string,amount:decimal(12,2),tags:array<string>,n:bigint>"
    ) == ("struct<code:string,amount:decimal(12,2),tags:array<string>,n:bigint>")
    assert athena_type(t).sql(dialect="hive") == (
        "STRUCT<code: STRING, amount: DECIMAL(12, 2), tags: ARRAY<STRING>, n: BIGINT>"
    )


def test_unknown_type_is_named() -> None:
    with pytest.raises(ValueError, match="unknown type 'varchar\\(3\\)'"):
        contract_glue_type("varchar(3)")


def test_contract_struct_types_map_to_athena_and_glue():
    text = "struct<publisher:string,year:int,tags:array<string>>"
    assert contract_glue_type(text) == "struct<publisher:string,year:int,tags:array<string>>"
    assert (
        contract_athena_type(text).sql(dialect="hive").replace(" ", "")
        == "STRUCT<publisher:STRING,year:INT,tags:ARRAY<STRING>>"
    )
