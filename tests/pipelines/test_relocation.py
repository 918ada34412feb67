"""Lineage does not depend on where the lake lives or which key masks it: a moved lake
and a re-hashed record re-run without changing a row."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

from test_raw_sources import context, land

from gluelake.io.layout import LakeLayout
from gluelake.pipelines import raw_to_bronze

RECORDS = [
    {"assessment_id": "asm-0123456789ab", "user_id": "u1", "user_email": "ann@x.example",
     "region": "emea", "type": "final", "score": 88.5, "duration_seconds": 600,
     "timestamp": "2025-01-02T03:04:05Z"},
    {"assessment_id": "asm-0123456789ac", "user_id": "u2", "region": "apac", "type": "final",
     "score": 700, "duration_seconds": 60, "timestamp": "2025-01-02T03:04:05Z"},
]  # fmt: skip


def test_moved_lake_reruns_without_changes(spark, tmp_path, contracts):
    first = tmp_path / "one"
    land(first, "assessments", "a.jsonl", "\n".join(json.dumps(r) for r in RECORDS) + "\n")
    contract = contracts["assessments"]
    done = raw_to_bronze.run(spark, context(contract, first))
    assert (done.accepted, done.quarantined) == (1, 1)
    moved = tmp_path / "elsewhere" / "two"
    shutil.copytree(first, moved)
    # The raw-file state names files relative to the lake root: nothing is new ...
    assert raw_to_bronze.run(spark, context(contract, moved)).rows_read == 0
    # ... and reading every file again (a backfill) changes no row.
    every_day = replace(context(contract, moved), backfill=("0000-01-01", "9999-12-31"))
    again = raw_to_bronze.run(spark, every_day)
    assert again.rows_read == 2 and (again.inserted, again.updated) == (0, 0)
    bronze = spark.read.format("delta").load(LakeLayout.at(moved).path("bronze/assessments"))
    assert [r[0] for r in bronze.select("_source_file").collect()] == [
        "raw/assessments/ingest_date=2026-01-05/a.jsonl"
    ]
    quarantine = spark.read.format("delta").load(str(moved / "bronze/_quarantine/assessments"))
    assert quarantine.count() == 1


def test_quarantine_record_id_ignores_the_pii_key(spark, tmp_path, contracts):
    land(tmp_path, "assessments", "a.jsonl", "\n".join(json.dumps(r) for r in RECORDS) + "\n")
    contract = contracts["assessments"]
    ids = []
    for key in (b"0123456789abcdef-one", b"0123456789abcdef-two"):
        ctx = replace(context(contract, tmp_path), pii_key=key)
        for folder in ("bronze", "_state"):  # a fresh lake: its files are new again
            shutil.rmtree(tmp_path / folder, ignore_errors=True)
        raw_to_bronze.run(spark, ctx)
        quarantine = spark.read.format("delta").load(
            str(tmp_path / "bronze/_quarantine/assessments")
        )
        ids.append(sorted(r[0] for r in quarantine.select("record_id").collect()))
    assert ids[0] == ids[1] and len(ids[0]) == 1


def test_source_file_is_relative_whatever_the_scheme(spark):
    from pyspark.sql import functions as F

    from gluelake.io.raw import lake_relative

    df = spark.createDataFrame(
        [("s3://bucket/lake/raw/assessments/ingest_date=2026-01-05/a.jsonl",),
         ("s3a://other/raw/assessments/raw/assessments/ingest_date=2026-01-05/a.jsonl",),
         ("file:///tmp/raw/assessments/ingest_date=2026-01-05/a.jsonl",)],
        "p string",
    )  # fmt: skip
    out = [r[0] for r in df.select(lake_relative(F.col("p"), "raw/assessments")).collect()]
    assert out == ["raw/assessments/ingest_date=2026-01-05/a.jsonl"] * 3


def test_another_pii_key_is_refused_before_reading_until_rotated(spark, tmp_path, contracts):
    from dataclasses import replace

    import pytest

    from gluelake.errors import ConfigError
    from gluelake.io.tables import table_properties
    from gluelake.secrets import key_fingerprint

    land(tmp_path, "assessments", "a.jsonl", "\n".join(json.dumps(r) for r in RECORDS) + "\n")
    contract = contracts["assessments"]
    old, new = b"0123456789abcdef-old", b"0123456789abcdef-new"
    raw_to_bronze.run(spark, replace(context(contract, tmp_path), pii_key=old))
    bronze_path = str(tmp_path / "bronze/assessments")
    hashed = spark.read.format("delta").load(bronze_path).first()["user_id"]
    pinned = table_properties(spark, bronze_path)["gluelake.pii_key_fingerprint"]
    assert pinned == key_fingerprint(old) and old.hex() not in pinned

    shutil.move(tmp_path / "raw", tmp_path / "raw-aside")  # a read would fail differently
    with pytest.raises(ConfigError) as err:
        raw_to_bronze.run(spark, replace(context(contract, tmp_path), pii_key=new))
    message = str(err.value)
    assert "bronze table assessments" in message and "--rotate-pii-key" in message
    shutil.move(tmp_path / "raw-aside", tmp_path / "raw")

    rotated = raw_to_bronze.run(
        spark, replace(context(contract, tmp_path), pii_key=new, rotate_pii_key=True)
    )
    assert (rotated.accepted, rotated.quarantined) == (1, 1)
    bronze = spark.read.format("delta").load(bronze_path)
    assert bronze.count() == 1 and bronze.first()["user_id"] != hashed
    for path in (bronze_path, str(tmp_path / "bronze/_quarantine/assessments")):
        assert table_properties(spark, path)["gluelake.pii_key_fingerprint"] == key_fingerprint(new)
    assert (
        spark.read.format("delta").load(str(tmp_path / "bronze/_quarantine/assessments")).count()
        == 1
    )
