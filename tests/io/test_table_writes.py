from __future__ import annotations

from datetime import datetime

import pytest

from gluelake.contracts.tables import ColumnSpec, TableSpec
from gluelake.io.tables import (
    MergePolicy,
    delta_version,
    insert_new,
    merge_upsert,
    overwrite_partitions,
)

SPEC = TableSpec(
    name="t", zone="bronze", dataset="d", format="delta", path="bronze/t",
    columns=(ColumnSpec("k", "string"), ColumnSpec("ts", "timestamp"), ColumnSpec("v", "int")),
)  # fmt: skip
SCHEMA = "k string, ts timestamp, v int"


def rows(spark, path):
    return sorted(tuple(r) for r in spark.read.format("delta").load(path).collect())


SPEC3 = TableSpec(
    name="t", zone="bronze", dataset="d", format="delta", path="bronze/t",
    columns=(ColumnSpec("k", "string"), ColumnSpec("ts", "timestamp"), ColumnSpec("v", "int"), ColumnSpec("src", "string")),
)  # fmt: skip


NEWER = MergePolicy(keys=("k",), newer_by=("ts",))


def upsert(spark, path, data, policy=NEWER):
    df = spark.createDataFrame(data, SCHEMA)
    return merge_upsert(spark, df, path=path, table=SPEC, policy=policy)


def test_redelivered_batch_adds_no_rows(spark, tmp_path):
    path = str(tmp_path / "t")
    batch = [("a", datetime(2025, 1, 1), 1), ("b", datetime(2025, 1, 2), 2)]
    first = upsert(spark, path, batch)
    version = delta_version(spark, path)
    again = upsert(spark, path, batch)
    assert (first.inserted, again.inserted, again.updated) == (2, 0, 0)
    assert rows(spark, path) == sorted(batch)
    assert delta_version(spark, path) == version  # a MERGE that changes nothing commits nothing


def test_update_only_when_incoming_row_is_newer(spark, tmp_path):
    path = str(tmp_path / "t")
    upsert(spark, path, [("a", datetime(2025, 1, 2), 1), ("b", datetime(2025, 1, 2), 1)])
    result = upsert(
        spark, path, [("a", datetime(2025, 1, 3), 2), ("b", datetime(2025, 1, 1), 9), ("c", datetime(2025, 1, 1), 3)]
    )  # fmt: skip
    assert (result.inserted, result.updated) == (1, 1)
    assert rows(spark, path) == [
        ("a", datetime(2025, 1, 3), 2),
        ("b", datetime(2025, 1, 2), 1),  # older delivery does not overwrite
        ("c", datetime(2025, 1, 1), 3),
    ]


def test_insert_new_is_idempotent(spark, tmp_path):
    path = str(tmp_path / "q")
    df = spark.createDataFrame([("r1", 1), ("r2", 2)], "record_id string, v int")
    assert insert_new(spark, df, path=path, key="record_id").inserted == 2
    version = delta_version(spark, path)
    assert insert_new(spark, df, path=path, key="record_id").inserted == 0
    assert spark.read.format("delta").load(path).count() == 2
    assert delta_version(spark, path) == version  # nothing to insert, nothing committed


def test_overwrite_partitions_replaces_only_the_partitions_written(spark, tmp_path):
    path = str(tmp_path / "g")
    spec = TableSpec(
        name="g", zone="gold", dataset="d", format="parquet", path="gold/g",
        columns=(ColumnSpec("v", "int"),), partitions=(ColumnSpec("year", "int"), ColumnSpec("month", "int")),
    )  # fmt: skip
    schema = "v int, year int, month int"
    overwrite_partitions(
        spark.createDataFrame([(1, 2025, 1), (2, 2025, 2)], schema), path=path, table=spec
    )
    overwrite_partitions(spark.createDataFrame([(3, 2025, 2)], schema), path=path, table=spec)
    got = sorted(tuple(r) for r in spark.read.parquet(path).select("v", "year", "month").collect())
    assert got == [(1, 2025, 1), (3, 2025, 2)]
    assert (tmp_path / "g" / "year=2025" / "month=1").is_dir()


def test_a_tie_goes_to_the_later_delivered_file(spark, tmp_path):
    path = str(tmp_path / "t")
    schema = "k string, ts timestamp, v int, src string"
    policy = MergePolicy(keys=("k",), newer_by=("ts", "src"))
    t = datetime(2025, 1, 1)

    def write(rows):
        return merge_upsert(
            spark, spark.createDataFrame(rows, schema), path=path, table=SPEC3, policy=policy
        )

    write([("a", t, 1, "ingest_date=2026-01-05/f"), ("b", t, 1, "ingest_date=2026-01-06/f")])
    result = write(
        [("a", t, 2, "ingest_date=2026-01-06/f"), ("b", t, 9, "ingest_date=2026-01-05/f")]
    )
    assert (result.inserted, result.updated, result.source_rows) == (0, 1, 2)
    got = sorted((r["k"], r["v"]) for r in spark.read.format("delta").load(path).collect())
    assert got == [("a", 2), ("b", 1)]


def test_changed_policy_updates_on_any_difference_and_deletes_missing_keys(spark, tmp_path):
    path = str(tmp_path / "t")
    policy = MergePolicy(keys=("k",), changed=("ts", "v"), delete_missing=True)
    t = datetime(2025, 1, 1)
    upsert(spark, path, [("a", t, 1), ("b", t, 1), ("c", t, None)], policy)
    result = upsert(spark, path, [("a", t, 1), ("b", t, 2), ("c", t, None)], policy)
    assert (result.inserted, result.updated, result.deleted) == (0, 1, 0)
    result = upsert(spark, path, [("a", t, 1), ("c", t, 3)], policy)
    assert (result.inserted, result.updated, result.deleted) == (0, 1, 1)
    assert rows(spark, path) == [("a", t, 1), ("c", t, 3)]


def test_conflicting_writer_retries_with_backoff_then_fails_in_one_line(monkeypatch):
    from gluelake.errors import WriteConflictError
    from gluelake.io import tables as io_tables

    pauses: list[float] = []
    monkeypatch.setattr(io_tables.time, "sleep", pauses.append)
    spec = TableSpec("t", "bronze", "d", "delta", "bronze/t", ())
    outcomes = iter([RuntimeError("[DELTA_CONCURRENT_APPEND] ConcurrentAppendException")] * 2)

    def flaky() -> str:
        failure = next(outcomes, None)
        if failure is not None:
            raise failure
        return "written"

    assert io_tables.with_retries(flaky, table=spec, path="/lake/bronze/t") == "written"
    assert len(pauses) == 2 and pauses[1] > pauses[0]

    def always() -> None:
        raise RuntimeError("io.delta.exceptions.ConcurrentAppendException: Files were added")

    with pytest.raises(WriteConflictError) as err:
        io_tables.with_retries(always, table=spec, path="/lake/bronze/t")
    message = str(err.value)
    assert "\n" not in message and "bronze table t" in message and "one writer" in message
    assert len(pauses) == 2 + io_tables.RETRY_ATTEMPTS - 1

    with pytest.raises(ValueError):  # anything else is not retried
        io_tables.with_retries(lambda: int("x"), table=spec, path="/lake/bronze/t")


def test_two_writers_race_on_one_table_and_the_loser_retries(spark, tmp_path, monkeypatch):
    """A real Delta conflict, made deterministic: writer A's MERGE has read the table when
    writer B commits to it (A's source blocks until B is done), so A's first commit is
    refused; A retries on the new version and both writes are kept."""
    import threading
    import time as clock

    from delta.tables import DeltaMergeBuilder
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    from gluelake.io import tables as io_tables

    path = str(tmp_path / "t")
    upsert(spark, path, [("a", datetime(2025, 1, 1), 1)])
    gate = tmp_path / "gate"
    gate.mkdir()
    monkeypatch.setattr(io_tables.time, "sleep", lambda _s: None)

    def hold(v: int) -> int:  # runs in A's MERGE, after A's transaction read the table
        if (gate / "armed").exists() and not (gate / "released").exists():
            (gate / "blocked").touch()
            deadline = clock.time() + 300
            while not (gate / "released").exists() and clock.time() < deadline:
                clock.sleep(0.05)
        return v

    held = F.udf(hold, T.IntegerType())
    source = spark.createDataFrame([("b", datetime(2025, 1, 2), 2)], SCHEMA, verifySchema=False)
    source = source.withColumn("v", held("v")).coalesce(1)

    def writer_b() -> None:
        deadline = clock.time() + 300
        while not (gate / "blocked").exists():
            if clock.time() > deadline:
                return
            clock.sleep(0.05)
        spark.createDataFrame([("c", datetime(2025, 1, 3), 3)], SCHEMA).write.format("delta").mode(
            "append"
        ).save(path)
        (gate / "released").touch()

    attempts: list[int] = []
    execute = DeltaMergeBuilder.execute

    def racing_execute(self):  # type: ignore[no-untyped-def]
        attempts.append(1)
        if len(attempts) == 1:
            (gate / "armed").touch()
            threading.Thread(target=writer_b, daemon=True).start()
        return execute(self)

    monkeypatch.setattr(DeltaMergeBuilder, "execute", racing_execute)
    metrics = io_tables.with_retries(
        lambda: merge_upsert(spark, source, path=path, table=SPEC, policy=NEWER),
        table=SPEC,
        path=path,
    )
    # Only a Delta conflict is retried (anything else propagates): refused once, because B
    # committed first, then committed on the new version.
    assert len(attempts) == 2
    assert metrics.inserted == 1
    assert [r[0] for r in rows(spark, path)] == ["a", "b", "c"]


def test_table_metadata_is_read_from_the_log(spark, tmp_path):
    """Columns, partition columns and properties, for a partitioned and a plain table."""
    from gluelake.io.tables import pin_properties, table_properties, table_schema

    df = spark.createDataFrame([("a", datetime(2026, 1, 1), 1)], SCHEMA)
    parted, plain = str(tmp_path / "parted"), str(tmp_path / "plain")
    df.write.format("delta").partitionBy("v", "k").save(parted)
    df.write.format("delta").save(plain)
    assert table_schema(spark, parted) == (
        {"k": "string", "ts": "timestamp", "v": "int"},
        ["v", "k"],
    )
    assert table_schema(spark, plain) == ({"k": "string", "ts": "timestamp", "v": "int"}, [])
    assert table_schema(spark, str(tmp_path / "none")) is None
    before = delta_version(spark, plain)
    pin_properties(spark, plain, {"gluelake.test": "1"})
    pin_properties(spark, plain, {"gluelake.test": "1"})  # unchanged: no second commit
    assert delta_version(spark, plain) == (before or 0) + 1
    assert (table_properties(spark, plain) or {})["gluelake.test"] == "1"
    assert table_properties(spark, str(tmp_path / "none")) is None


def test_ensure_table_creates_an_empty_table_with_its_properties_in_one_commit(spark, tmp_path):
    from pyspark.sql import types as T

    from gluelake.io.tables import (
        CHANGE_FEED_PROPERTY,
        ensure_table,
        table_properties,
        table_schema,
    )

    path = str(tmp_path / "q")
    parted = TableSpec(
        name="q", zone="bronze", dataset="d", format="delta", path="bronze/q",
        columns=(ColumnSpec("k", "string"),), partitions=(ColumnSpec("v", "int"),),
    )  # fmt: skip
    schema = T.StructType(
        [T.StructField("k", T.StringType(), False), T.StructField("v", T.IntegerType(), False)]
    )
    assert ensure_table(spark, schema, path=path, table=parted, properties={"gluelake.t": "1"})
    assert delta_version(spark, path) == 0
    assert table_schema(spark, path) == ({"k": "string", "v": "int"}, ["v"])
    props = table_properties(spark, path) or {}
    assert (props["gluelake.t"], props[CHANGE_FEED_PROPERTY]) == ("1", "true")
    assert spark.read.format("delta").load(path).count() == 0
    # Nullable as a written table's columns: a null is not refused by a NOT NULL constraint.
    spark.createDataFrame([(None, None)], "k string, v int").write.format("delta").mode(
        "append"
    ).save(path)
    assert not ensure_table(spark, schema, path=path, table=parted, properties={"gluelake.t": "2"})
    assert delta_version(spark, path) == 1  # it existed: nothing committed
    assert (table_properties(spark, path) or {})["gluelake.t"] == "1"


def test_a_write_tells_the_table_size_only_when_it_wrote_the_whole_table(spark, tmp_path):
    from gluelake.io.tables import replace_contents

    path = str(tmp_path / "t")
    batch = [("a", datetime(2025, 1, 1), 1), ("b", datetime(2025, 1, 2), 2)]
    assert upsert(spark, path, batch).table_rows == 2  # created the table
    merged = upsert(spark, path, [("c", datetime(2025, 1, 1), 3)])
    assert (merged.inserted, merged.table_rows) == (1, None)  # a MERGE: count the table
    df = spark.createDataFrame([("z", datetime(2025, 1, 1), 9)], SCHEMA)
    assert replace_contents(spark, df, path=path, table=SPEC).table_rows == 1
    assert spark.read.format("delta").load(path).count() == 1
