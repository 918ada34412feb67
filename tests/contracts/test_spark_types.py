"""The Spark side of the type table: every contract type becomes the Spark type whose
``simpleString`` is the Glue/Hive name the same table gives."""

from __future__ import annotations

import pytest
from pyspark.sql import types as T

from gluelake.contracts.types import PRIMITIVES, hive_name, parse_type
from gluelake.spark_types import spark_type

NESTED = [
    "decimal(16,4)",
    "array<decimal(5,2)>",
    "struct<a:int,b:struct<c:decimal(10,2),d:array<string>>>",
]


@pytest.mark.parametrize("text", [*PRIMITIVES, *NESTED])
def test_spark_type_agrees_with_the_glue_name(text: str) -> None:
    assert spark_type(text).simpleString() == hive_name(parse_type(text))


def test_spark_types_of_the_table() -> None:
    assert spark_type("bigint") == T.LongType()
    assert spark_type("array<int>") == T.ArrayType(T.IntegerType(), containsNull=True)
    assert spark_type("struct<a:date>") == T.StructType([T.StructField("a", T.DateType())])


def test_text_that_is_no_contract_type_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown type 'map<string,int>'"):
        spark_type("map<string,int>")
