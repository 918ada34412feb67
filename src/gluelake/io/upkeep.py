"""Table upkeep on storage: Delta ``OPTIMIZE`` and ``VACUUM``, and rewriting a Parquet
table's partitions into fewer, larger files. Content never changes: OPTIMIZE commits with
``dataChange=false``, VACUUM removes only files no version younger than the retention
references, and a partition is rewritten from its own rows."""

from __future__ import annotations

import math
from dataclasses import dataclass

from delta.tables import DeltaTable
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from gluelake.contracts.tables import TableSpec
from gluelake.io import tables
from gluelake.spark_types import spark_type

# Delta refuses a VACUUM retention below this unless its safety check is switched off:
# a shorter one can delete files a running reader or writer still needs.
SAFE_RETENTION_HOURS = 168
_RETENTION_CHECK = "spark.databricks.delta.retentionDurationCheck.enabled"
_OPTIMIZE_MAX_FILE = "spark.databricks.delta.optimize.maxFileSize"
_LISTING_PARALLELISM = "spark.sql.sources.parallelPartitionDiscovery.parallelism"


def delta_file_count(spark: SparkSession, path: str) -> int:
    """Files the table's current version references (from its log)."""
    row = DeltaTable.forPath(spark, path).detail().select("numFiles").first()
    return 0 if row is None else int(row[0])


def optimize(spark: SparkSession, path: str, table: TableSpec, *, target_bytes: int) -> None:
    """Bin-pack the table's small files into files of up to ``target_bytes`` (one commit;
    retried when a job commits to the table meanwhile)."""
    spark.conf.set(_OPTIMIZE_MAX_FILE, str(target_bytes))
    tables.with_retries(
        lambda: DeltaTable.forPath(spark, path).optimize().executeCompaction(),
        table=table, path=path,
    )  # fmt: skip


def vacuum(spark: SparkSession, path: str, *, hours: int, force: bool = False) -> int:
    """Delete files no version of the last ``hours`` references; returns how many.
    ``force``: allow a retention under Delta's safe minimum."""
    if hours < SAFE_RETENTION_HOURS and not force:
        raise ValueError(f"retention {hours} h is under {SAFE_RETENTION_HOURS} h")
    before = _data_files(spark, path)
    # VACUUM lists the table with Spark's partition-discovery parallelism (10000 tasks by
    # default): one task per core is plenty for a table's folders.
    listing = spark.conf.get(_LISTING_PARALLELISM)
    spark.conf.set(_LISTING_PARALLELISM, str(spark.sparkContext.defaultParallelism))
    spark.conf.set(_RETENTION_CHECK, "false" if force else "true")
    try:
        spark.sql(f"VACUUM delta.`{path}` RETAIN {hours} HOURS").collect()  # runs it; one row
    finally:
        spark.conf.set(_RETENTION_CHECK, "true")
        spark.conf.set(_LISTING_PARALLELISM, str(listing))
    return before - _data_files(spark, path)


def _data_files(spark: SparkSession, path: str) -> int:
    """Data files stored under a Delta table's folder (its log and hidden files aside)."""
    return sum(p.files for p in parquet_partitions(spark, path))


@dataclass(frozen=True)
class PartitionFiles:
    folder: str  # relative to the table, e.g. "year=2025/month=3" ('' unpartitioned)
    files: int
    bytes: int

    def target_files(self, target_bytes: int) -> int:
        return max(1, math.ceil(self.bytes / target_bytes))


def parquet_partitions(spark: SparkSession, path: str) -> list[PartitionFiles]:
    """Each leaf folder of a Parquet table with its data files' count and size (listing
    only; hidden files such as _SUCCESS are not data)."""
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    root = jvm.org.apache.hadoop.fs.Path(path)
    fs = root.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    if not fs.exists(root):
        return []
    found: dict[str, list[int]] = {}
    listing = fs.listFiles(root, True)
    base = str(fs.makeQualified(root).toString()).rstrip("/") + "/"
    while listing.hasNext():
        status = listing.next()
        full = str(status.getPath().toString())
        rel = full[len(base) :] if full.startswith(base) else full
        parts = rel.split("/")
        if any(p.startswith(("_", ".")) for p in parts):
            continue
        entry = found.setdefault("/".join(parts[:-1]), [0, 0])
        entry[0] += 1
        entry[1] += int(status.getLen())
    return [PartitionFiles(k, v[0], v[1]) for k, v in sorted(found.items())]


def rewrite_partition(
    spark: SparkSession, path: str, table: TableSpec, part: PartitionFiles, *, files: int
) -> None:
    """Rewrite one partition of a Parquet table as ``files`` files. Its rows are first
    copied off the table (a local checkpoint), then the partition alone is replaced."""
    source = f"{path}/{part.folder}" if part.folder else path
    df = spark.read.option("basePath", path).parquet(source)
    for col in table.partitions:  # partition discovery guesses types; the table's win
        df = df.withColumn(col.name, F.col(col.name).cast(spark_type(col.type)))
    rows = df.coalesce(files).localCheckpoint(eager=True)
    tables.overwrite_partitions(rows, path=path, table=table, every_partition=not part.folder)
