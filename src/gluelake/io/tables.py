"""Delta and Parquet table writes and reads. Publishing happens only here, after a stage's
gate has passed, so a blocked run leaves every table as it was."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import reduce
from typing import TypeVar

from delta.exceptions import DeltaConcurrentModificationException
from delta.tables import DeltaTable
from pyspark.errors import AnalysisException
from pyspark.sql import Column, DataFrame, DataFrameWriter, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from gluelake import logs
from gluelake.columns import MERGE_DELETE, RUN_ID
from gluelake.contracts.tables import TableSpec
from gluelake.errors import SourceError, WriteConflictError, first_line
from gluelake.spark_types import spark_type

log = logs.get_logger(__name__)
T_ = TypeVar("T_")


# Optimistic concurrency: a writer that loses a race retries on the table's new version.
RETRY_ATTEMPTS = 4
RETRY_BASE_SECONDS = 2.0
_CONFLICT_MARKERS = ("DELTA_CONCURRENT", "ConcurrentAppend", "ConcurrentDelete",
                     "ConcurrentTransaction", "ConcurrentWrite", "MetadataChanged",
                     "ProtocolChanged", "FileAlreadyExists")  # fmt: skip


def _is_conflict(exc: Exception) -> bool:
    if isinstance(exc, DeltaConcurrentModificationException):
        return True
    text = f"{type(exc).__name__} {str(exc)[:2000]}"
    return any(marker in text for marker in _CONFLICT_MARKERS)


def with_retries(write: Callable[[], T_], *, table: TableSpec, path: str) -> T_:
    """Run one Delta write; when another writer committed first, retry on the new table
    version after a growing pause (2, 4, 8 s, with jitter), then give up with one clear
    error. Safe to repeat: each attempt is a whole transaction or nothing."""
    for attempt in range(1, RETRY_ATTEMPTS + 1):
        try:
            return write()
        except Exception as exc:
            if not _is_conflict(exc):
                raise
            if attempt == RETRY_ATTEMPTS:
                raise WriteConflictError(
                    f"{table.zone} table {table.name} at {path}: another writer committed "
                    f"first {attempt} times in a row ({type(exc).__name__}); Delta on S3 allows "
                    "one writer per table at a time unless a multi-writer log store is set up "
                    '(README, "Concurrent writers"): run it again once the other job is done'
                ) from None
            pause = RETRY_BASE_SECONDS * 2 ** (attempt - 1) * (1 + random.random() / 2)
            logs.event(
                log, "write.conflict", level=30, table=table.name, attempt=attempt,
                retry_in_seconds=round(pause, 1),
            )  # fmt: skip
            time.sleep(pause)
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class WriteMetrics:
    inserted: int
    updated: int
    deleted: int = 0
    source_rows: int | None = None  # rows the write received, as Delta counted them
    # Rows the table holds after the write, when the write alone tells (it created the
    # table or replaced its contents); None: only counting the table tells.
    table_rows: int | None = None


# Every Delta table records its row changes from its first version on, so the stage after it
# can read only what changed (``change_feed``).
CHANGE_FEED_PROPERTY = "delta.enableChangeDataFeed"


def _new_table(df: DataFrame, table: TableSpec) -> DataFrameWriter:
    """The writer that creates a Delta table (with its change data feed on)."""
    return (
        df.write.format("delta")
        .option(CHANGE_FEED_PROPERTY, "true")
        .partitionBy(*[p.name for p in table.partitions])
    )


def delta_exists(spark: SparkSession, path: str) -> bool:
    return bool(DeltaTable.isDeltaTable(spark, path))


def delta_version(spark: SparkSession, path: str) -> int | None:
    if not delta_exists(spark, path):
        return None
    row = DeltaTable.forPath(spark, path).history(1).select("version").first()
    return None if row is None else int(row[0])


def table_properties(spark: SparkSession, path: str) -> dict[str, str] | None:
    """A Delta table's properties (read from its log, not its data); None: no table."""
    if not delta_exists(spark, path):
        return None
    # SHOW TBLPROPERTIES reads the log's metadata only (tens of ms); DESCRIBE DETAIL, which
    # DeltaTable.detail runs, also sizes every data file (a second or more per call).
    # Its rows include Delta's protocol entries (delta.minReaderVersion, ...) too.
    rows = spark.sql(f"SHOW TBLPROPERTIES delta.`{path}`").collect()  # metadata rows
    return {str(r[0]): str(r[1]) for r in rows}


def table_schema(spark: SparkSession, path: str) -> tuple[dict[str, str], list[str]] | None:
    """A Delta table's columns (name -> Spark type string) and partition columns, from
    its log alone; None: no table."""
    if not delta_exists(spark, path):
        return None
    table = DeltaTable.forPath(spark, path)
    columns = {f.name: f.dataType.simpleString() for f in table.toDF().schema.fields}
    return columns, _partition_columns(spark, path)


def _partition_columns(spark: SparkSession, path: str) -> list[str]:
    """From DESCRIBE TABLE (metadata only, unlike DESCRIBE DETAIL): the names listed after
    its ``# Partition Information`` and ``# col_name`` header rows, if any."""
    described = spark.sql(f"DESCRIBE TABLE delta.`{path}`").collect()  # metadata rows
    names = [str(r[0]) for r in described]
    if "# Partition Information" not in names:
        return []
    listed = names[names.index("# Partition Information") + 1 :]
    return [n for n in listed if n and not n.startswith("#")]


def add_columns(spark: SparkSession, path: str, table: TableSpec) -> list[str]:
    """Add the columns of ``table`` that the Delta table lacks (nullable, at the end; rows
    written before read null). Commits only when one is missing."""
    found = table_schema(spark, path)
    if found is None:
        return []
    missing = [c for c in table.columns if c.name not in found[0]]
    if missing:
        spec = ", ".join(f"`{c.name}` {spark_type(c.type).simpleString()}" for c in missing)
        spark.sql(f"ALTER TABLE delta.`{path}` ADD COLUMNS ({spec})")
    return [c.name for c in missing]


def pin_properties(spark: SparkSession, path: str, properties: Mapping[str, str]) -> None:
    """Record ``properties`` on an existing Delta table; commits only when one differs."""
    current = table_properties(spark, path)
    if current is None:
        return
    changed = {k: v for k, v in properties.items() if current.get(k) != v}
    if changed:
        pairs = ", ".join(f"'{k}' = '{v}'" for k, v in sorted(changed.items()))
        spark.sql(f"ALTER TABLE delta.`{path}` SET TBLPROPERTIES ({pairs})")


def read_table(
    spark: SparkSession, path: str, table: TableSpec, *, version: int | None = None
) -> DataFrame:
    """A table's rows (a Delta table's as of ``version``, when given)."""
    try:
        if table.format == "delta":
            reader = spark.read.format("delta")
            if version is not None:
                reader = reader.option("versionAsOf", version)
            return reader.load(path)
        return spark.read.parquet(path)
    except AnalysisException as exc:
        raise SourceError(
            table.dataset, path, f"cannot read {table.zone} table {table.name}: {first_line(exc)}"
        ) from None


def change_feed(spark: SparkSession, path: str, *, after: int, upto: int) -> DataFrame:
    """The rows a Delta table's commits ``after`` < version <= ``upto`` inserted, updated
    (pre- and post-image) or deleted, with Delta's change columns. Raises (when planned, or
    when run, for vacuumed files) if the feed does not cover the range."""
    return (
        spark.read.format("delta")
        .option("readChangeFeed", "true")
        .option("startingVersion", after + 1)
        .option("endingVersion", upto)
        .load(path)
    )


def row_count(spark: SparkSession, path: str, table: TableSpec) -> int:
    """Rows a published table holds (Delta answers from its log's file statistics)."""
    return read_table(spark, path, table).count()


def rows_from_run(spark: SparkSession, path: str, table: TableSpec, run_id: str) -> tuple[int, int]:
    """Rows a published table holds that the run ``run_id`` wrote (by their lineage), and
    all its rows: one scan of the lineage column."""
    row = (
        read_table(spark, path, table)
        .agg(F.count_if(F.col(RUN_ID) == run_id), F.count(F.lit(1)))
        .first()
    )  # one row of two counts
    assert row is not None
    return int(row[0]), int(row[1])


def stored_columns(spark: SparkSession, path: str, table: TableSpec) -> list[str] | None:
    """The columns a stored table has (partition columns included), from its metadata;
    None when there is no table at ``path``."""
    if table.format == "delta":
        found = table_schema(spark, path)
        return None if found is None else list(found[0])
    try:
        return spark.read.parquet(path).columns
    except AnalysisException:  # no such folder, or no files in it
        return None


def stored_bytes(spark: SparkSession, path: str, table: TableSpec) -> int | None:
    """A table's size on storage, from Delta's metadata or the file listing (no data is
    read); None when it cannot be told."""
    try:
        if table.format == "delta":
            row = DeltaTable.forPath(spark, path).detail().select("sizeInBytes").first()
            return None if row is None else int(row[0])
        jvm = spark.sparkContext._jvm
        assert jvm is not None
        hadoop_path = jvm.org.apache.hadoop.fs.Path(path)
        fs = hadoop_path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
        return int(fs.getContentSummary(hadoop_path).getLength())
    except Exception:  # an unknown size only means the join is left to Spark
        return None


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


def _metrics_since(
    spark: SparkSession, path: str, before: int | None, *, whole: bool = False
) -> WriteMetrics:
    """What the commit after ``before`` did; nothing when nothing was committed (Delta
    skips the commit of a MERGE that changes nothing). ``whole``: the commit wrote the
    table's entire contents (so did one that created it)."""
    row = DeltaTable.forPath(spark, path).history(1).select("version", "operationMetrics").first()
    if row is None or (before is not None and int(row["version"]) == before):
        return WriteMetrics(inserted=0, updated=0)
    metrics = row["operationMetrics"] or {}
    source = metrics.get("numSourceRows", metrics.get("numOutputRows"))
    inserted = int(metrics.get("numTargetRowsInserted", metrics.get("numOutputRows", 0)))
    return WriteMetrics(
        inserted=inserted,
        updated=int(metrics.get("numTargetRowsUpdated", 0)),
        deleted=int(metrics.get("numTargetRowsDeleted", 0)),
        source_rows=None if source is None else int(source),
        table_rows=inserted if whole or before is None else None,
    )


def _would_change(
    df: DataFrame, target: DataFrame, on: Column, policy: MergePolicy, gone: DataFrame | None
) -> bool:
    """Whether a MERGE of ``df`` would insert, update or delete any row (``gone``: keys it
    deletes)."""
    first_key = policy.keys[0]
    joined = df.alias("s").join(target.alias("t"), on, "left")
    if not joined.where(F.col(f"t.{first_key}").isNull() | policy.update_condition()).isEmpty():
        return True
    if gone is not None:
        return not target.join(gone, list(policy.keys), "left_semi").isEmpty()
    if policy.delete_missing:
        return not target.alias("t").join(df.alias("s"), on, "left_anti").isEmpty()
    return False


def merge_upsert(
    spark: SparkSession,
    df: DataFrame,
    *,
    path: str,
    table: TableSpec,
    policy: MergePolicy,
    scope: DataFrame | None = None,
) -> WriteMetrics:
    """Insert new keys, update per ``policy``. ``df`` must hold one row per key
    (deduplicate first: MERGE fails when two source rows match one target row).
    ``scope``: the keys ``df`` is the whole truth for (an incremental run): a key in scope
    without a row in ``df`` is deleted, keys outside it are left alone."""
    before = delta_version(spark, path)
    if before is None:
        _new_table(df, table).save(path)
        return _metrics_since(spark, path, before)
    on = reduce(lambda a, b: a & b, [F.col(f"s.{k}") == F.col(f"t.{k}") for k in policy.keys])
    target = DeltaTable.forPath(spark, path)
    if scope is not None:
        return _merge_scoped(spark, df, path=path, target=target, on=on, policy=policy, scope=scope)
    if not _would_change(df, target.toDF(), on, policy, None):
        # Delta would still commit, rewriting every file holding a matched row.
        return WriteMetrics(inserted=0, updated=0)
    merge = (
        target.alias("t")
        .merge(df.alias("s"), on)
        .whenMatchedUpdateAll(condition=policy.update_condition())
        .whenNotMatchedInsertAll()
    )
    if policy.delete_missing:
        merge = merge.whenNotMatchedBySourceDelete()
    merge.execute()
    return _metrics_since(spark, path, before)


def _merge_scoped(
    spark: SparkSession,
    df: DataFrame,
    *,
    path: str,
    target: DeltaTable,
    on: Column,
    policy: MergePolicy,
    scope: DataFrame,
) -> WriteMetrics:
    """MERGE ``df`` plus one delete marker per key of ``scope`` that ``df`` lacks."""
    keys = list(policy.keys)
    gone = scope.select(*keys).join(df.select(*keys), keys, "left_anti").cache()
    try:
        if not _would_change(df, target.toDF(), on, policy, gone):
            return WriteMetrics(inserted=0, updated=0)
        n_gone = gone.count()  # marker rows are not input rows: taken off Delta's source count
        source = df.withColumn(MERGE_DELETE, F.lit(False)).unionByName(
            gone.withColumn(MERGE_DELETE, F.lit(True)), allowMissingColumns=True
        )
        before = delta_version(spark, path)
        deleting = F.col(f"s.{MERGE_DELETE}")
        values: dict[str, str | Column] = {c: F.col(f"s.{c}") for c in df.columns}
        (
            target.alias("t")
            .merge(source.alias("s"), on)
            .whenMatchedDelete(condition=deleting)
            .whenMatchedUpdate(condition=~deleting & policy.update_condition(), set=values)
            .whenNotMatchedInsert(condition=~deleting, values=values)
            .execute()
        )
        metrics = _metrics_since(spark, path, before)
        if metrics.source_rows is None:
            return metrics
        return replace(metrics, source_rows=metrics.source_rows - n_gone)
    finally:
        gone.unpersist()


def replace_contents(
    spark: SparkSession, df: DataFrame, *, path: str, table: TableSpec
) -> WriteMetrics:
    """Replace every row of a Delta table in one commit (its history keeps the old ones)."""
    before = delta_version(spark, path)
    (
        df.write.format("delta")
        .option(CHANGE_FEED_PROPERTY, "true")  # taken when this write creates the table
        # Every partition: the session's dynamic default would keep the ones df lacks (and
        # Delta refuses it together with overwriteSchema).
        .option("partitionOverwriteMode", "static")
        .mode("overwrite")
        .option("overwriteSchema", "true")  # a migration may drop or retype columns
        .partitionBy(*[p.name for p in table.partitions])
        .save(path)
    )
    return _metrics_since(spark, path, before, whole=True)


def ensure_table(
    spark: SparkSession,
    schema: T.StructType,
    *,
    path: str,
    table: TableSpec,
    properties: Mapping[str, str],
) -> bool:
    """Create an empty Delta table of ``schema`` with ``properties`` (its change data feed
    on) unless one exists: one metadata commit, no Spark job. Returns whether it created."""
    if delta_exists(spark, path):
        return False
    # Nullable as a DataFrame write would leave them: NOT NULL would be a table constraint.
    nullable = T.StructType([T.StructField(f.name, f.dataType, True) for f in schema.fields])
    builder = (
        DeltaTable.createIfNotExists(spark)
        .location(path)
        .addColumns(nullable)
        .partitionedBy(*[p.name for p in table.partitions])
        .property(CHANGE_FEED_PROPERTY, "true")
    )
    for key, value in properties.items():
        builder = builder.property(key, value)
    builder.execute()
    return True


def insert_new(spark: SparkSession, df: DataFrame, *, path: str, key: str) -> WriteMetrics:
    """Append rows whose ``key`` the table does not hold yet (idempotent re-runs)."""
    before = delta_version(spark, path)
    if before is None:
        df.write.format("delta").option(CHANGE_FEED_PROPERTY, "true").save(path)
        return _metrics_since(spark, path, before)
    (
        DeltaTable.forPath(spark, path)
        .alias("t")
        .merge(df.dropDuplicates([key]).alias("s"), F.col(f"s.{key}") == F.col(f"t.{key}"))
        .whenNotMatchedInsertAll()
        .execute()
    )  # insert-only: Delta commits nothing when no row is new
    return _metrics_since(spark, path, before)


def overwrite_partitions(
    df: DataFrame, *, path: str, table: TableSpec, every_partition: bool = False
) -> None:
    """Replace exactly the partitions ``df`` has (others keep their files): Snappy Parquet.
    ``every_partition``: replace the whole table (a full refresh)."""
    (
        df.write.mode("overwrite")
        .option("partitionOverwriteMode", "static" if every_partition else "dynamic")
        .option("compression", "snappy")
        .partitionBy(*[p.name for p in table.partitions])
        .parquet(path)
    )


def drop_partitions(
    spark: SparkSession, path: str, table: TableSpec, partitions: Iterable[Mapping[str, object]]
) -> int:
    """Delete the folders of these partitions of a Parquet table (a recomputed partition
    that has no rows any more); returns how many existed."""
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    dropped = 0
    for values in partitions:
        folder = "/".join(f"{p.name}={values[p.name]}" for p in table.partitions)
        hadoop_path = jvm.org.apache.hadoop.fs.Path(f"{path}/{folder}")
        fs = hadoop_path.getFileSystem(conf)
        if fs.exists(hadoop_path):
            fs.delete(hadoop_path, True)
            dropped += 1
    return dropped


@dataclass(frozen=True)
class HistoryPolicy:
    """SCD2 MERGE: a key's current version is closed and a new one added when any
    ``tracked`` column changes; the incoming ``valid_from`` (the delivery's time) starts
    the new version, a key's first version starts open (null)."""

    keys: tuple[str, ...]
    tracked: tuple[str, ...]
    valid_from: str
    valid_to: str
    is_current: str


def merge_history(
    spark: SparkSession, df: DataFrame, *, path: str, table: TableSpec, policy: HistoryPolicy
) -> WriteMetrics:
    """Apply one snapshot (one row per key) to an SCD2 Delta table. Unchanged keys are left
    alone, so a re-delivered snapshot commits nothing."""
    before = delta_version(spark, path)
    opened = df.withColumn(policy.valid_from, F.lit(None).cast("timestamp"))
    if before is None:
        _new_table(opened, table).save(path)
        return _metrics_since(spark, path, before)
    target = DeltaTable.forPath(spark, path)
    current = target.toDF().filter(F.col(policy.is_current)).alias("t")
    changed_cond = reduce(
        lambda a, b: a | b,
        [~F.col(f"s.{c}").eqNullSafe(F.col(f"t.{c}")) for c in policy.tracked],
    )
    on_keys = reduce(lambda a, b: a & b, [F.col(f"s.{k}") == F.col(f"t.{k}") for k in policy.keys])
    changed = df.alias("s").join(current, on_keys).filter(changed_cond).select("s.*")
    mk = [f"_merge_{k}" for k in policy.keys]
    staged = df.withColumns(
        {m: F.col(k) for m, k in zip(mk, policy.keys, strict=True)}
    ).unionByName(
        changed.withColumns(
            {
                m: F.lit(None).cast(df.schema[k].dataType)
                for m, k in zip(mk, policy.keys, strict=True)
            }
        ),
        allowMissingColumns=False,
    )
    on = reduce(
        lambda a, b: a & b,
        [F.col(f"t.{k}") == F.col(f"s.{m}") for k, m in zip(policy.keys, mk, strict=True)],
    ) & F.col(f"t.{policy.is_current}")
    new_version = F.col(f"s.{mk[0]}").isNull()
    values: dict[str, str | Column] = {c.name: F.col(f"s.{c.name}") for c in table.all_columns}
    values[policy.valid_from] = F.when(new_version, F.col(f"s.{policy.valid_from}"))
    (
        target.alias("t")
        .merge(staged.alias("s"), on)
        .whenMatchedUpdate(
            condition=changed_cond,
            set={
                policy.valid_to: F.col(f"s.{policy.valid_from}"),
                policy.is_current: F.lit(False),
            },
        )
        .whenNotMatchedInsert(values=values)
        .execute()
    )
    # Delta's source count includes the staged copies of changed keys: not the input size.
    return replace(_metrics_since(spark, path, before), source_rows=None)
