"""Run Athena SQL locally: register the lake under the environment's database names,
transpile with sqlglot, execute with Spark and print a readable table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyspark.sql import DataFrame, SparkSession

from gluelake.athena.definitions import athena_tables
from gluelake.athena.environments import Environment
from gluelake.athena.transpile import database_map, to_spark_sql
from gluelake.contracts.model import DatasetContract
from gluelake.errors import AthenaError, first_line
from gluelake.io.catalog_views import LakeTable, Registration, register_tables
from gluelake.io.layout import LakeLayout
from gluelake.spark_types import spark_schema


@dataclass(frozen=True)
class QueryText:
    sql: str
    source: str  # file name, or "command line"


def read_query(file_or_sql: str) -> QueryText:
    """A path to a ``.sql`` file, or the SQL itself."""
    path = Path(file_or_sql)
    if file_or_sql.strip().lower().endswith(".sql") and "\n" not in file_or_sql:
        if not path.is_file():
            raise AthenaError(f"query file {path} does not exist")
        return QueryText(path.read_text(encoding="utf-8"), str(path))
    return QueryText(file_or_sql, "command line")


def lake_tables(
    env: Environment, contracts: Mapping[str, DatasetContract], lake_root: str | Path
) -> list[LakeTable]:
    """Every contract table at its place under a (local) lake root, named as in ``env``."""
    layout = LakeLayout.at(lake_root)
    return [
        LakeTable(
            database=t.database,
            name=t.name,
            format=t.spec.format,
            path=layout.table(t.spec),
            schema=None if t.is_delta else spark_schema(t.spec),
        )
        for t in athena_tables(env, contracts)
    ]


def register_lake(
    spark: SparkSession,
    env: Environment,
    contracts: Mapping[str, DatasetContract],
    lake_root: str | Path,
) -> list[Registration]:
    return register_tables(spark, lake_tables(env, contracts, lake_root))


def run_query(
    spark: SparkSession,
    query: QueryText,
    environments: Mapping[str, Environment],
    target: Environment,
) -> DataFrame:
    """Execute against tables already registered under ``target``'s database names."""
    sql = to_spark_sql(query.sql, database_map(environments, target), query.source)
    try:
        return spark.sql(sql)
    except Exception as exc:  # Spark's AnalysisException names the missing table or column
        raise AthenaError(
            f"{query.source}: Spark could not run the query: {first_line(exc)}"
        ) from None


def _cell(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list):
        return "[" + ", ".join(_cell(v) for v in value) + "]"
    return str(value)


def format_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain text table; numbers right-aligned."""
    cells = [[_cell(v) for v in row] for row in rows]
    numeric = [
        all(isinstance(r[i], int | float | Decimal) or r[i] is None for r in rows) and bool(rows)
        for i in range(len(columns))
    ]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        return " | ".join(
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    rule = "-+-".join("-" * w for w in widths)
    return "\n".join([line(list(columns)), rule, *(line(r) for r in cells)])


def show(df: DataFrame, limit: int) -> str:
    """The first ``limit`` rows as a table (a bounded collect: this is output)."""
    rows = df.limit(limit + 1).collect()  # bounded: the query's row limit
    text = format_table(df.columns, [tuple(r) for r in rows[:limit]])
    more = f"(first {limit} rows shown)" if len(rows) > limit else f"({len(rows)} rows)"
    return f"{text}\n{more}"
