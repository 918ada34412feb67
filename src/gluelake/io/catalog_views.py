"""Register a lake's tables in the local Spark catalog as ``<database>.<table>``, so SQL
written for Athena (after transpiling) runs unchanged against a local lake.

Tables are EXTERNAL catalog entries over the lake folders: dropping or re-registering one
never touches its files. Delta tables take their schema from the Delta log; Parquet tables
take the contract's schema (partition columns included), as Athena's DDL declares it, and
Spark discovers the partition directories under the path."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pyspark.sql import SparkSession
from pyspark.sql import types as T

from gluelake.errors import ConfigError


@dataclass(frozen=True)
class LakeTable:
    database: str
    name: str
    format: str  # delta | parquet
    path: str  # absolute local path or URI
    schema: T.StructType | None = None  # Parquet: columns as the DDL declares them

    @property
    def qualified_name(self) -> str:
        return f"{_quote(self.database)}.{_quote(self.name)}"


@dataclass(frozen=True)
class Registration:
    table: LakeTable
    registered: bool
    reason: str = ""


def _quote(identifier: str) -> str:
    return "`" + identifier.replace("`", "``") + "`"


def _written(table: LakeTable) -> str | None:
    """Why a local table cannot be registered yet, or None. URIs are left to Spark."""
    if "://" in table.path:
        return None
    path = Path(table.path)
    if not path.is_dir():
        return f"nothing written at {path}"
    if table.format == "delta" and not (path / "_delta_log").is_dir():
        return f"{path} has no _delta_log"
    return None


def _drop_external(spark: SparkSession, table: LakeTable) -> None:
    name = f"{table.database}.{table.name}"
    if not spark.catalog.tableExists(name):
        return
    kind = spark.catalog.getTable(name).tableType
    if kind != "EXTERNAL":
        raise ConfigError(
            f"local catalog table {name} is {kind}, not EXTERNAL: refusing to drop it "
            "(it would delete its data); remove it yourself or use another database prefix"
        )
    spark.sql(f"DROP TABLE {table.qualified_name}")


def register_tables(spark: SparkSession, tables: Iterable[LakeTable]) -> list[Registration]:
    """(Re-)register every table whose folder exists; the rest are reported, not failed, and
    an older registration of theirs (another lake's, earlier in the session) is dropped."""
    results = []
    for table in tables:
        reason = _written(table)
        if reason is not None:
            _drop_external(spark, table)
            results.append(Registration(table, False, reason))
            continue
        spark.sql(f"CREATE DATABASE IF NOT EXISTS {_quote(table.database)}")
        _drop_external(spark, table)
        name = f"{table.database}.{table.name}"
        if table.format == "delta":
            spark.catalog.createTable(name, path=table.path, source="delta")
        elif table.format in ("parquet", "json"):
            spark.catalog.createTable(
                name, path=table.path, source=table.format, schema=table.schema
            )
        else:
            raise ConfigError(f"table {name}: unknown format {table.format!r}")
        results.append(Registration(table, True))
    return results
