"""Delta and Parquet table writes and reads. Publishing happens only here, after a stage's
gate has passed, so a blocked run leaves every table as it was."""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

from delta.tables import DeltaTable
from pyspark.errors import AnalysisException
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from gluelake.contracts.tables import TableSpec
from gluelake.errors import SourceError


@dataclass(frozen=True)
class WriteMetrics:
    inserted: int
    updated: int
    deleted: int = 0
    source_rows: int | None = None  # rows the write received, as Delta counted them


def delta_exists(spark: SparkSession, path: str) -> bool:
    return bool(DeltaTable.isDeltaTable(spark, path))


def delta_version(spark: SparkSession, path: str) -> int | None:
    if not delta_exists(spark, path):
        return None
    row = DeltaTable.forPath(spark, path).history(1).select("version").first()
    return None if row is None else int(row[0])


def read_table(spark: SparkSession, path: str, table: TableSpec) -> DataFrame:
    try:
        if table.format == "delta":
            return spark.read.format("delta").load(path)
        return spark.read.parquet(path)
    except AnalysisException as exc:
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise SourceError(
            table.dataset, path, f"cannot read {table.zone} table {table.name}: {first_line}"
        ) from None


def row_count(spark: SparkSession, path: str, table: TableSpec) -> int:
    """Rows a published table holds (Delta answers from its log's file statistics)."""
    return read_table(spark, path, table).count()


@dataclass(frozen=True)
class MergePolicy:
    """How incoming rows replace a Delta table's rows with the same key.

    ``newer_by``: update only when the incoming row sorts after the stored one on these
    columns (lexicographically; put a tie-break such as the source file last).
    ``changed``: otherwise, update when any of these columns differs (null-safe).
    ``delete_missing``: the source is the whole truth; keys it lacks are deleted."""

    keys: tuple[str, ...]
    newer_by: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    delete_missing: bool = False

    def update_condition(self) -> Column:
        if self.newer_by:
            terms = []
            for i, col in enumerate(self.newer_by):
                equal_before = [
                    F.col(f"s.{c}").eqNullSafe(F.col(f"t.{c}")) for c in self.newer_by[:i]
                ]
                terms.append(
                    reduce(
                        lambda a, b: a & b, [*equal_before, F.col(f"s.{col}") > F.col(f"t.{col}")]
                    )
                )
            return reduce(lambda a, b: a | b, terms)
        return reduce(
            lambda a, b: a | b, [~F.col(f"s.{c}").eqNullSafe(F.col(f"t.{c}")) for c in self.changed]
        )


def _metrics_since(spark: SparkSession, path: str, before: int | None) -> WriteMetrics:
    """What the commit after ``before`` did; nothing when nothing was committed (Delta
    skips the commit of a MERGE that changes nothing)."""
    row = DeltaTable.forPath(spark, path).history(1).select("version", "operationMetrics").first()
    if row is None or (before is not None and int(row["version"]) == before):
        return WriteMetrics(inserted=0, updated=0)
    metrics = row["operationMetrics"] or {}
    source = metrics.get("numSourceRows", metrics.get("numOutputRows"))
    return WriteMetrics(
        inserted=int(metrics.get("numTargetRowsInserted", metrics.get("numOutputRows", 0))),
        updated=int(metrics.get("numTargetRowsUpdated", 0)),
        deleted=int(metrics.get("numTargetRowsDeleted", 0)),
        source_rows=None if source is None else int(source),
    )


def merge_upsert(
    spark: SparkSession, df: DataFrame, *, path: str, table: TableSpec, policy: MergePolicy
) -> WriteMetrics:
    """Insert new keys, update per ``policy``. ``df`` must hold one row per key
    (deduplicate first: MERGE fails when two source rows match one target row)."""
    before = delta_version(spark, path)
    if before is None:
        df.write.format("delta").partitionBy(*[p.name for p in table.partitions]).save(path)
        return _metrics_since(spark, path, before)
    on = reduce(lambda a, b: a & b, [F.col(f"s.{k}") == F.col(f"t.{k}") for k in policy.keys])
    merge = (
        DeltaTable.forPath(spark, path)
        .alias("t")
        .merge(df.alias("s"), on)
        .whenMatchedUpdateAll(condition=policy.update_condition())
        .whenNotMatchedInsertAll()
    )
    if policy.delete_missing:
        merge = merge.whenNotMatchedBySourceDelete()
    merge.execute()
    return _metrics_since(spark, path, before)


def insert_new(spark: SparkSession, df: DataFrame, *, path: str, key: str) -> WriteMetrics:
    """Append rows whose ``key`` the table does not hold yet (idempotent re-runs)."""
    before = delta_version(spark, path)
    if before is None:
        df.write.format("delta").save(path)
        return _metrics_since(spark, path, before)
    (
        DeltaTable.forPath(spark, path)
        .alias("t")
        .merge(df.dropDuplicates([key]).alias("s"), F.col(f"s.{key}") == F.col(f"t.{key}"))
        .whenNotMatchedInsertAll()
        .execute()
    )
    return _metrics_since(spark, path, before)


def overwrite_partitions(df: DataFrame, *, path: str, table: TableSpec) -> None:
    """Replace exactly the partitions ``df`` has (others keep their files): Snappy Parquet."""
    (
        df.write.mode("overwrite")
        .option("partitionOverwriteMode", "dynamic")
        .option("compression", "snappy")
        .partitionBy(*[p.name for p in table.partitions])
        .parquet(path)
    )
