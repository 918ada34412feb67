"""Quality I/O: validation documents and reports under ``<lake>/_quality/``, the
quality-results table, and reading tables or sample files for ``gluelake validate``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pyspark.errors import AnalysisException
from pyspark.sql import DataFrame, SparkSession

from gluelake.contracts.tables import TableSpec, quality_results_table
from gluelake.errors import SourceError, StorageError, first_line
from gluelake.io.layout import LakeLayout
from gluelake.io.tables import read_table
from gluelake.spark_types import spark_schema


class StorableValidation(Protocol):
    """What this module stores of a validation (``quality.results.Validation`` is one);
    a protocol, so the storage layer does not depend on the quality package."""

    @property
    def run_id(self) -> str: ...
    @property
    def zone(self) -> str: ...
    @property
    def dataset(self) -> str: ...
    @property
    def table(self) -> str: ...

    def to_json(self) -> str: ...
    def result_rows(self) -> Sequence[tuple[object, ...]]: ...


@dataclass(frozen=True)
class StoredResults:
    json_path: str
    html_path: str
    table_path: str


def write_text(spark: SparkSession, uri: str, text: str) -> None:
    """Write one small text file, locally or through Hadoop's FileSystem (s3://, s3a://)."""
    if "://" not in uri or uri.startswith("file://"):
        path = Path(uri.removeprefix("file://"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    target = jvm.org.apache.hadoop.fs.Path(uri)
    fs = target.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    stream = fs.create(target, True)
    try:
        stream.write(bytearray(text.encode("utf-8")))
    finally:
        stream.close()


def append_results(spark: SparkSession, layout: LakeLayout, validation: StorableValidation) -> str:
    """Append one row per expectation to the quality-results table; returns its path.

    Jobs validate concurrently, and Spark's appends to one folder share a ``_temporary``
    directory that the first commit deletes. So each validation writes to a staging folder
    of its own (hidden from readers by the leading ``_``) and its files are then moved into
    the table's partition folders."""
    spec = quality_results_table()
    path = layout.table(spec)
    staging = f"{path}/_staging/{validation.run_id}-{validation.table}-{uuid.uuid4().hex[:8]}"
    df = spark.createDataFrame(list(validation.result_rows()), schema=spark_schema(spec))
    (
        df.coalesce(1)  # a handful of rows: one small file per validation
        .write.mode("errorifexists")
        .option("compression", "snappy")
        .partitionBy(*[c.name for c in spec.partitions])
        .parquet(staging)
    )
    _move_data_files(spark, staging, path)
    return path


def _move_data_files(spark: SparkSession, source: str, target: str) -> None:
    """Move every Parquet file under ``source`` to the same relative folder under
    ``target``, then remove ``source``."""
    jvm, jsc = spark.sparkContext._jvm, spark.sparkContext._jsc
    assert jvm is not None and jsc is not None
    hadoop_path = jvm.org.apache.hadoop.fs.Path
    root = hadoop_path(source)
    fs = root.getFileSystem(jsc.hadoopConfiguration())
    prefix = fs.makeQualified(root).toString().rstrip("/") + "/"
    files = fs.listFiles(root, True)
    while files.hasNext():
        status = files.next()
        name = status.getPath().toString()
        if not name.endswith(".parquet"):
            continue
        destination = hadoop_path(f"{target}/{name[len(prefix) :]}")
        fs.mkdirs(destination.getParent())
        if not fs.rename(status.getPath(), destination):
            raise StorageError(
                name, f"could not move it into the quality-results table at {target}"
            )
    fs.delete(root, True)


def store_validation(
    spark: SparkSession, layout: LakeLayout, validation: StorableValidation, html: str
) -> StoredResults:
    """Keep a validation three ways: JSON document and HTML report in the run's folder,
    and rows in the quality-results table."""
    folder = layout.quality_run(validation.zone, validation.dataset, validation.run_id)
    json_path, html_path = f"{folder}/{validation.table}.json", f"{folder}/{validation.table}.html"
    write_text(spark, json_path, validation.to_json())
    write_text(spark, html_path, html)
    return StoredResults(json_path, html_path, append_results(spark, layout, validation))


def read_sample(spark: SparkSession, path: str, table: TableSpec) -> DataFrame:
    """Sample files shaped like ``table``: a Delta folder, Parquet, JSON lines or CSV with a
    header. Text formats are read with the table's schema, so types match the lake's."""
    local = Path(path)
    name = local.name.lower()
    try:
        if (local / "_delta_log").is_dir():
            return spark.read.format("delta").load(path)
        if name.endswith(".parquet") or (local.is_dir() and any(local.rglob("*.parquet"))):
            return spark.read.parquet(path)
        reader = spark.read.schema(spark_schema(table))
        if name.endswith(".csv"):
            return reader.option("header", "true").csv(path)
        if name.endswith((".json", ".jsonl", ".ndjson")) or local.is_dir():
            return reader.json(path)
    except AnalysisException as exc:
        raise SourceError(table.dataset, path, f"cannot read sample: {first_line(exc)}") from None
    raise SourceError(
        table.dataset, path, "expected a Delta or Parquet folder, .parquet, .json(l) or .csv"
    )


def register_view(spark: SparkSession, name: str, path: str, table: TableSpec) -> None:
    """Expose a related table to cross-table expectations as temp view ``name``."""
    read_table(spark, path, table).createOrReplaceTempView(name)


def read_results(spark: SparkSession, layout: LakeLayout) -> DataFrame:
    """The quality-results table with its declared types (``validation_date`` stays a
    string, as Athena projects it, instead of Spark's inferred date)."""
    spec = quality_results_table()
    return spark.read.schema(spark_schema(spec)).parquet(layout.table(spec))
