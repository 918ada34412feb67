"""Registering lake folders in the local Spark catalog."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyspark.sql import SparkSession
from pyspark.sql import types as T

from gluelake.errors import ConfigError
from gluelake.io.catalog_views import LakeTable, register_tables

SCHEMA = T.StructType(
    [T.StructField("v", T.LongType()), T.StructField("validation_date", T.StringType())]
)


def test_register_twice_keeps_data_and_contract_types(spark: SparkSession, tmp_path: Path) -> None:
    path = tmp_path / "t"
    spark.createDataFrame([(1, "2026-01-02"), (2, "2026-01-03")], SCHEMA).write.partitionBy(
        "validation_date"
    ).parquet(str(path))
    table = LakeTable("gluelake_viewtest", "t", "parquet", str(path), SCHEMA)
    missing = LakeTable("gluelake_viewtest", "gone", "delta", str(tmp_path / "gone"))
    for _ in range(2):
        results = register_tables(spark, [table, missing])
        assert [r.registered for r in results] == [True, False]
        assert results[1].reason == f"nothing written at {tmp_path / 'gone'}"
    df = spark.table("gluelake_viewtest.t")
    # Athena declares validation_date a string; Spark alone would infer a date.
    assert df.schema["validation_date"].dataType == T.StringType()
    assert sorted(tuple(r) for r in df.collect()) == [(1, "2026-01-02"), (2, "2026-01-03")]


def test_managed_table_is_never_dropped(spark: SparkSession, tmp_path: Path) -> None:
    spark.sql("CREATE DATABASE IF NOT EXISTS gluelake_viewtest")
    spark.sql("CREATE TABLE IF NOT EXISTS gluelake_viewtest.managed (v BIGINT) USING parquet")
    (tmp_path / "m").mkdir()
    table = LakeTable("gluelake_viewtest", "managed", "parquet", str(tmp_path / "m"), SCHEMA)
    with pytest.raises(ConfigError, match=r"gluelake_viewtest\.managed is MANAGED, not EXTERNAL"):
        register_tables(spark, [table])
    spark.sql("DROP TABLE gluelake_viewtest.managed")


def test_a_table_another_lake_registered_is_dropped_when_this_lake_lacks_it(
    spark: SparkSession, tmp_path: Path
) -> None:
    first = tmp_path / "first" / "t"
    spark.createDataFrame([(1, "2026-01-02")], SCHEMA).write.parquet(str(first))
    register_tables(spark, [LakeTable("gluelake_viewtest", "stale", "parquet", str(first), SCHEMA)])
    assert spark.catalog.tableExists("gluelake_viewtest.stale")
    other = LakeTable("gluelake_viewtest", "stale", "parquet", str(tmp_path / "second"), SCHEMA)
    (result,) = register_tables(spark, [other])
    assert not result.registered
    # A query must not read the first lake's rows under the second lake's name.
    assert not spark.catalog.tableExists("gluelake_viewtest.stale")
