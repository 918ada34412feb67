"""One chispa comparison per transform: the exact frame each one returns."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from decimal import Decimal

from chispa import assert_df_equality
from pyspark.sql import functions as F
from support import raw_frame

from gluelake.contracts.model import JoinStep, Selected
from gluelake.contracts.tables import ColumnSpec, TableSpec
from gluelake.io.raw import parse_json_lines
from gluelake.run import RunInfo
from gluelake.transforms.conform import add_time_partitions
from gluelake.transforms.enforce import enforce_contract, field_names
from gluelake.transforms.enrich import lookup, start_reasons
from gluelake.transforms.lineage import add_run_lineage
from gluelake.transforms.pii import mask_pii
from gluelake.transforms.quarantine import record_as_json, to_quarantine
from gluelake.transforms.shape import conform_to_table

NOW = datetime(2026, 1, 10, tzinfo=UTC)


def test_parse_json_lines(spark):
    df = spark.createDataFrame(
        [('{"a": 1, "b": "x", "c": {"d": true}}', "f"), ("   ", "f"), ("{broken", "f")],
        "value string, _source_file string",
    )
    expected = spark.createDataFrame(
        [
            ('{"a": 1, "b": "x", "c": {"d": true}}', {"a": "1", "b": "x", "c": '{"d":true}'}, "f"),
            ("{broken", None, "f"),
        ],
        "_raw string, _fields map<string,string>, _source_file string",
    )
    assert_df_equality(parse_json_lines(df), expected, ignore_nullable=True)


def test_field_names(spark):
    df = raw_frame(spark, [{"a": 1, "b": 2}, {"b": 3, "c": None}, "not json"])
    expected = spark.createDataFrame([("a",), ("b",), ("c",)], "name string")
    assert_df_equality(field_names(df), expected, ignore_row_order=True, ignore_nullable=True)


def test_enforce_contract(spark, contracts):
    records = [
        {"factor_id": "EF-A", "activity_type": "diesel", "unit": "L", "kg_co2e_per_unit": "2.5",
         "scope": 1, "category": "c", "valid_from": "2024-01-01T00:00:00Z", "valid_to": None},
        {"factor_id": "EF-B", "activity_type": "diesel", "unit": "L", "kg_co2e_per_unit": "x",
         "scope": 4, "category": "c", "valid_from": "2024-01-01T00:00:00Z"},
    ]  # fmt: skip
    out = (
        raw_frame(spark, records)
        .transform(enforce_contract, contract=contracts["emission_factors"], now=NOW)
        .select("factor_id", "kg_co2e_per_unit", "scope", "valid_from", "_reasons")
    )
    expected = spark.createDataFrame(
        [
            ("EF-A", Decimal("2.5"), 1, datetime(2024, 1, 1), []),
            (
                "EF-B",
                None,
                4,
                datetime(2024, 1, 1),
                ["cast_failed:kg_co2e_per_unit", "out_of_range:scope"],
            ),
        ],
        "factor_id string, kg_co2e_per_unit decimal(10,6), scope int, valid_from timestamp, _reasons array<string>",
    )
    assert_df_equality(out, expected, ignore_nullable=True)


def test_mask_pii(spark, contracts):
    records = [
        {"assessment_id": "asm-0123456789ab", "user_id": "u1", "user_email": "kim@school.example",
         "user_age": 23, "region": "emea", "type": "final", "score": 90, "duration_seconds": 60,
         "timestamp": "2025-01-01T00:00:00Z"},
    ]  # fmt: skip
    contract = contracts["assessments"]
    out = (
        raw_frame(spark, records)
        .transform(enforce_contract, contract=contract, now=NOW)
        .transform(mask_pii, contract=contract, key=b"0123456789abcdef")
        .select("user_id", "user_email", "user_age", "_raw")
    )
    token = hmac.new(b"0123456789abcdef", b"u1", hashlib.sha256).hexdigest()
    expected = spark.createDataFrame(
        [
            (
                token,
                "***@school.example",
                "18-24",
                '{"assessment_id":"asm-0123456789ab","user_id":"' + token + '","user_email":'
                '"***@school.example","user_age":"18-24","region":"emea","type":"final",'
                '"score":"90","duration_seconds":"60","timestamp":"2025-01-01T00:00:00Z"}',
            )
        ],
        "user_id string, user_email string, user_age string, _raw string",
    )
    assert_df_equality(out, expected, ignore_nullable=True)


def test_add_run_lineage(spark):
    run = RunInfo("raw_to_bronze", "1.2.3", run_id="r1", started_at=NOW)
    out = spark.createDataFrame([("a",)], "v string").transform(add_run_lineage, run=run)
    expected = spark.createDataFrame(
        [("a", "r1", "raw_to_bronze", "1.2.3", datetime(2026, 1, 10))],
        "v string, _run_id string, _job_name string, _job_version string, _ingested_at timestamp",
    )
    assert_df_equality(out, expected, ignore_nullable=True)


def test_conform_to_table(spark):
    table = TableSpec(
        name="t", zone="bronze", dataset="d", format="delta", path="p",
        columns=(ColumnSpec("b", "bigint"), ColumnSpec("a", "string")), partitions=(ColumnSpec("year", "int"),),
    )  # fmt: skip
    df = spark.createDataFrame([("x", 1, 2025, "extra")], "a string, b int, year int, junk string")
    expected = spark.createDataFrame([(1, "x", 2025)], "b bigint, a string, year int")
    assert_df_equality(conform_to_table(df, table=table), expected, ignore_nullable=True)


def test_to_quarantine_and_record_as_json(spark):
    df = spark.createDataFrame(
        [("t1", 5, ["cast_failed:v", "not_allowed:k"], ["m1", "m2"], "file-1")],
        "k string, v int, _reasons array<string>, _messages array<string>, _source_file string",
    )
    out = df.transform(record_as_json, columns=["k", "v"]).transform(to_quarantine)
    expected = spark.createDataFrame(
        [("file-1", ["cast_failed:v", "not_allowed:k"], "m1; m2", '{"k":"t1","v":5}', "file-1")],
        "record_id string, reason_codes array<string>, message string, record string, _source_file string",
    ).withColumn(
        "record_id",
        F.sha2(F.concat_ws("\n", F.lit("file-1"), F.lit('{"k":"t1","v":5}'), F.lit("1")), 256),
    )
    assert_df_equality(out, expected, ignore_nullable=True)


def test_add_time_partitions(spark):
    df = spark.createDataFrame([(datetime(2025, 12, 31, 23, 59, 59),)], "ts timestamp")
    expected = spark.createDataFrame(
        [(datetime(2025, 12, 31, 23, 59, 59), 2025, 12, 31)],
        "ts timestamp, year int, month int, day int",
    )
    assert_df_equality(add_time_partitions(df, event_time="ts"), expected, ignore_nullable=True)


def test_lookup(spark):
    products = spark.createDataFrame(
        [("p1", "Apple", 1), ("p2", "Bread", 2)], "id string, name string, kind int"
    )
    sales = spark.createDataFrame([("s1", "p1"), ("s2", "p9")], "sale string, product string")
    step = JoinStep(
        "product", "lookup", "products", "silver", (("product", "id"),),
        (Selected("name", "product_name", "string"),),
    )  # fmt: skip
    out = sales.transform(start_reasons).transform(
        lookup, reference=products, step=step, broadcast=True
    )
    expected = spark.createDataFrame(
        [("s1", "p1", [], [], "Apple"),
         ("s2", "p9", ["missing:product"], ["product: no products row for product='p9'"], None)],
        "sale string, product string, _reasons array<string>, _messages array<string>, "
        "product_name string",
    )  # fmt: skip
    assert_df_equality(out, expected, ignore_nullable=True, ignore_row_order=True)


def test_quarantine_ids_differ_for_records_that_mask_alike(spark):
    df = spark.createDataFrame(
        [("f", '{"name": "[REDACTED]"', "h1", ["malformed_record"], ["m"]),
         ("f", '{"name": "[REDACTED]"', "h2", ["malformed_record"], ["m"])],
        "_source_file string, _raw string, _record_order string, _reasons array<string>, _messages array<string>",
    )  # fmt: skip
    ids = [r["record_id"] for r in df.transform(to_quarantine).collect()]
    assert len(set(ids)) == 2
    again = [
        r["record_id"]
        for r in df.orderBy(F.desc("_record_order")).transform(to_quarantine).collect()
    ]
    assert sorted(again) == sorted(ids)
