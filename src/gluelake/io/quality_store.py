"""Quality I/O: validation documents and reports under ``<lake>/_quality/``, the
quality-results table, and reading tables or sample files for ``gluelake validate``."""

from __future__ import annotations

import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.parquet as pq
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


def write_bytes(spark: SparkSession, uri: str, data: bytes) -> None:
    """Write one small file, locally or through Hadoop's FileSystem (s3://, s3a://)."""
    if "://" not in uri or uri.startswith("file://"):
        path = Path(uri.removeprefix("file://"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return
    fs, target = _hadoop(spark, uri)
    stream = fs.create(target, True)
    try:
        stream.write(bytearray(data))
    finally:
        stream.close()


def write_text(spark: SparkSession, uri: str, text: str) -> None:
    write_bytes(spark, uri, text.encode("utf-8"))


def _hadoop(spark: SparkSession, uri: str) -> tuple[Any, Any]:
    """Hadoop's FileSystem for ``uri``, and ``uri`` as its Path."""
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    target = jvm.org.apache.hadoop.fs.Path(uri)
    return target.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()), target


# The results table's column types as Parquet stores them. Timestamps are INT96, as Spark
# writes them by default, so every file of the table has one physical type for them.
_ARROW_TYPES = {
    "string": pa.string(),
    "boolean": pa.bool_(),
    "bigint": pa.int64(),
    "double": pa.float64(),
    "timestamp": pa.timestamp("us", tz="UTC"),
}


def results_file(rows: Sequence[tuple[object, ...]], spec: TableSpec) -> bytes:
    """One Snappy Parquet file of result rows (table columns first, partitions last)."""
    arrays = {
        c.name: pa.array([r[i] for r in rows], _ARROW_TYPES[c.type])
        for i, c in enumerate(spec.columns)
    }
    table = pa.table(arrays)
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="snappy", use_deprecated_int96_timestamps=True)
    return buffer.getvalue()


def append_results(spark: SparkSession, layout: LakeLayout, validation: StorableValidation) -> str:
    """Append one row per expectation to the quality-results table; returns its path.

    A validation's rows are a few dozen: one Parquet file per partition, built in Python
    (a Spark job would cost half a second per gate) and written under a name of its own,
    so concurrent validations never touch each other's files. Each file is written to a
    staging name readers skip (leading ``_``) and renamed into place: a reader sees a whole
    file or none."""
    spec = quality_results_table()
    path = layout.table(spec)
    rows = list(validation.result_rows())
    width = len(spec.columns)
    for values in dict.fromkeys(r[width:] for r in rows):
        part = [r for r in rows if r[width:] == values]
        folder = "/".join(f"{p.name}={v}" for p, v in zip(spec.partitions, values, strict=True))
        name = f"part-{validation.run_id}-{uuid.uuid4().hex}.snappy.parquet"
        staging = f"{path}/_staging/{name}"
        write_bytes(spark, staging, results_file(part, spec))
        _move(spark, staging, f"{path}/{folder}/{name}", table=path)
    return path


def _move(spark: SparkSession, source: str, target: str, *, table: str) -> None:
    """Rename ``source`` to ``target``; a StorageError names both ends when it cannot (the
    staged file stays for a retry)."""
    fs, src = _hadoop(spark, source)
    _, dst = _hadoop(spark, target)
    fs.mkdirs(dst.getParent())
    if not fs.rename(src, dst):
        raise StorageError(source, f"could not move it into the quality-results table at {table}")


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
