"""The raw files a dataset's raw -> bronze runs have taken in: a small Delta table in the
lake (``_state/<dataset>/raw_files``), the same locally and on Glue (Glue's job bookmarks
do not cover Delta). A run commits it only after bronze and its quarantine are committed,
so a run that dies in between takes the same files in again, which the bronze MERGE and the
quarantine's record ids make a no-op."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from pyspark.sql import SparkSession

from gluelake.columns import (
    DUPLICATE_OF,
    FILE_MODIFIED,
    FILE_PATH,
    FILE_SHA256,
    FILE_SIZE,
    RAW_FILE_STATE,
)
from gluelake.contracts.tables import TableSpec
from gluelake.io import tables
from gluelake.io.layout import LakeLayout
from gluelake.spark_types import spark_schema


@dataclass(frozen=True)
class TakenFile:
    """One state row: a raw file a run has seen, and whose content bronze holds."""

    path: str
    size: int
    modified: int  # epoch milliseconds
    sha256: str
    duplicate_of: str | None  # the file whose identical content was taken in instead
    run_id: str
    processed_at: datetime


@dataclass(frozen=True)
class RawFileState:
    seen: frozenset[tuple[str, int, int]] = frozenset()  # (path, size, modified)
    # SHA-256 -> the file that content was first taken in from
    owners: Mapping[str, str] = field(default_factory=dict)


def load(spark: SparkSession, layout: LakeLayout, table: TableSpec) -> RawFileState:
    """The state as committed (empty when the table does not exist yet). One row per raw
    file ever taken in: small enough to hold on the driver."""
    path = layout.table(table)
    if not tables.delta_exists(spark, path):
        return RawFileState()
    rows = (
        tables.read_table(spark, path, table)
        .select(FILE_PATH, FILE_SIZE, FILE_MODIFIED, FILE_SHA256, DUPLICATE_OF)
        .collect()  # bounded: one row per raw file ever taken in
    )
    return RawFileState(
        seen=frozenset((r[FILE_PATH], int(r[FILE_SIZE]), int(r[FILE_MODIFIED])) for r in rows),
        owners={r[FILE_SHA256]: r[FILE_PATH] for r in rows if r[DUPLICATE_OF] is None},
    )


def commit(
    spark: SparkSession,
    layout: LakeLayout,
    table: TableSpec,
    taken: Sequence[TakenFile],
    *,
    replace: bool = False,
) -> tables.WriteMetrics:
    """Add ``taken`` to the state (a file seen again with a new size or time updates its
    row); ``replace``: the state becomes exactly ``taken`` (a full refresh)."""
    path = layout.table(table)
    if not taken and not replace:
        return tables.WriteMetrics(inserted=0, updated=0)
    df = spark.createDataFrame(
        [
            (t.path, t.size, t.modified, t.sha256, t.duplicate_of, t.run_id, t.processed_at)
            for t in taken
        ],
        schema=spark_schema(table),
    ).select(*RAW_FILE_STATE)
    if replace:
        write = lambda: tables.replace_contents(spark, df, path=path, table=table)  # noqa: E731
    else:
        policy = tables.MergePolicy(
            keys=(FILE_PATH, FILE_SHA256), changed=(FILE_SIZE, FILE_MODIFIED, DUPLICATE_OF)
        )
        write = lambda: tables.merge_upsert(spark, df, path=path, table=table, policy=policy)  # noqa: E731
    return tables.with_retries(write, table=table, path=path)
