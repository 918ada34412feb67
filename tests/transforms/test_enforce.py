from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pyspark.sql import functions as F
from support import contract_doc, contract_from, raw_frame

from gluelake.columns import RAW_FIELDS
from gluelake.transforms.enforce import WHITESPACE, enforce_contract, field_text

NOW = datetime(2026, 1, 10, tzinfo=UTC)


def good() -> dict:
    return {
        "tenant_id": "tenant-001", "activity_id": "a-1", "activity_type": "electricity",
        "emission_factor_id": "EF-ELEC-GRID-DE", "quantity": 12.5, "unit": "kWh",
        "timestamp": "2025-03-01T10:00:00Z", "source": "sap",
        "submitted_by_email": "jane@example.com", "submitted_by_name": "Jane Roe", "notes": None,
    }  # fmt: skip


def enforce(spark, records, **changes):
    doc = contract_doc("emissions")
    doc.update(changes)
    return raw_frame(spark, records).transform(
        enforce_contract, contract=contract_from(doc), now=NOW
    )


def test_valid_record_is_typed_and_has_no_reasons(spark, contracts):
    row = (
        raw_frame(spark, [good()])
        .transform(enforce_contract, contract=contracts["emissions"], now=NOW)
        .first()
    )
    assert row["_reasons"] == []
    assert row["quantity"] == Decimal("12.5000")
    assert row["timestamp"] == datetime(2025, 3, 1, 10, 0)


@pytest.mark.parametrize(
    ("change", "reason", "message"),
    [
        ({"quantity": "twelve"}, "cast_failed:quantity", "quantity: expected decimal(16,4), found 'twelve'"),
        ({"timestamp": "yesterday"}, "cast_failed:timestamp", "timestamp: expected timestamp, found 'yesterday'"),
        ({"quantity": None}, "required_missing:quantity", "quantity: required, missing"),
        ({"quantity": ""}, "required_missing:quantity", "quantity: required, missing"),
        ({"unit": "bbl"}, "not_allowed:unit", "unit: expected one of"),
        ({"quantity": -1}, "out_of_range:quantity", "quantity: expected >= 0, found '-1'"),
        ({"quantity": 2e9}, "out_of_range:quantity", "quantity: expected <= 1000000000"),
        ({"tenant_id": "acme"}, "pattern_mismatch:tenant_id", "tenant_id: expected to match ^tenant-[0-9]{3}$, found 'acme'"),
        ({"timestamp": "2027-01-01T00:00:00Z"}, "future_timestamp:timestamp", "timestamp: expected a time not after 2026-01-10T00:00:00+00:00"),
    ],
)  # fmt: skip
def test_each_contract_violation_has_a_reason_and_message(spark, change, reason, message):
    row = enforce(spark, [{**good(), **change}]).first()
    assert row["_reasons"] == [reason]
    assert message in row["_messages"][0]


def test_missing_field_is_required_missing(spark):
    record = good()
    del record["activity_type"]
    assert enforce(spark, [record]).first()["_reasons"] == ["required_missing:activity_type"]


def test_malformed_line_gets_only_the_malformed_reason(spark):
    rows = enforce(spark, ['{"tenant_id": "tenant-001", "quanti', "[1, 2]", '"text"']).collect()
    assert [r["_reasons"] for r in rows] == [["malformed_record"]] * 3


def test_several_violations_are_all_reported(spark):
    row = enforce(spark, [{**good(), "quantity": "x", "unit": "bbl", "tenant_id": None}]).first()
    assert row["_reasons"] == [
        "required_missing:tenant_id",
        "cast_failed:quantity",
        "not_allowed:unit",
    ]


def test_integer_columns_reject_fractions_instead_of_truncating(spark, contracts):
    base = {"assessment_id": "asm-0123456789ab", "user_id": "u", "region": "emea",
            "type": "final", "score": 50, "timestamp": "2025-01-01T00:00:00Z"}  # fmt: skip
    rows = (
        raw_frame(spark, [{**base, "duration_seconds": "12.5"}, {**base, "duration_seconds": "12"}])
        .transform(enforce_contract, contract=contracts["assessments"], now=NOW)
        .collect()
    )
    assert rows[0]["_reasons"] == ["cast_failed:duration_seconds"]
    assert rows[1]["_reasons"] == [] and rows[1]["duration_seconds"] == 12


def test_messages_never_show_personal_values(spark, contracts):
    doc = contract_doc("emissions")
    email = next(c for c in doc["columns"] if c["name"] == "submitted_by_email")
    email["constraints"] = {"pattern": "^x$"}
    row = (
        raw_frame(spark, [good()])
        .transform(enforce_contract, contract=contract_from(doc), now=NOW)
        .first()
    )
    assert row["_reasons"] == ["pattern_mismatch:submitted_by_email"]
    assert "jane@example.com" not in row["_messages"][0]
    assert "withheld: personal data" in row["_messages"][0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-01T10:00:00Z", datetime(2025, 3, 1, 10)),
        ("2025-03-01T12:00:00+02:00", datetime(2025, 3, 1, 10)),
        ("2025-03-01T05:00:00-05:00", datetime(2025, 3, 1, 10)),
        ("2025-03-01 10:00:00", datetime(2025, 3, 1, 10)),
        ("2025-03-01T10:00:00.250Z", datetime(2025, 3, 1, 10, 0, 0, 250000)),
        (1740823200, datetime(2025, 3, 1, 10)),
        (1740823200000, datetime(2025, 3, 1, 10)),
        ("1740823200", datetime(2025, 3, 1, 10)),
    ],
)
def test_timestamp_forms_parse_to_utc(spark, text, expected):
    assert enforce(spark, [{**good(), "timestamp": text}]).first()["timestamp"] == expected


def test_schema_drift_rescue_keeps_unknown_fields_as_json(spark):
    row = enforce(spark, [{**good(), "cost_center": "CC-1"}]).first()
    assert row["_reasons"] == []
    assert row["_rescued_data"] == '{"cost_center":"CC-1"}'


def test_schema_drift_reject_quarantines_unknown_fields(spark):
    row = enforce(spark, [{**good(), "cost_center": "CC-1"}], schema_drift="reject").first()
    assert row["_reasons"] == ["unexpected_column"]
    assert row["_messages"] == ["unexpected column(s) cost_center"]


def test_schema_drift_ignore_drops_unknown_fields_silently_by_contract(spark):
    df = enforce(spark, [{**good(), "cost_center": "CC-1"}], schema_drift="ignore")
    assert "_rescued_data" not in df.columns
    assert df.first()["_reasons"] == []


def test_missing_optional_column_becomes_null(spark):
    record = good()
    del record["source"]
    row = enforce(spark, [record]).first()
    assert row["_reasons"] == [] and row["source"] is None


def test_extra_decimal_places_are_quarantined_not_rounded(spark):
    rows = enforce(
        spark, [{**good(), "quantity": "12.34567"}, {**good(), "quantity": "12.3400"}]
    ).collect()
    assert rows[0]["_reasons"] == ["scale_exceeded:quantity"]
    assert "expected at most 4 decimal places, found '12.34567'" in rows[0]["_messages"][0]
    assert rows[1]["_reasons"] == []


def test_values_shown_in_messages_are_scrubbed(spark):
    row = enforce(spark, [{**good(), "unit": "call +44 20 7946 0000"}]).first()
    assert row["_messages"] == [
        "unit: expected one of ['Wh', 'kWh', 'MWh', 'GWh', 'MJ', 'GJ', 'therm', 'L', 'm3', 'gal', 'g', 'kg', 't', 'lb', 'm', 'km', 'mi'], found 'call [PHONE]'"
    ]


def test_messages_never_echo_national_phone_numbers(spark):
    row = enforce(spark, [{**good(), "unit": "abc 0612345678"}]).first()
    assert row["_messages"][0].endswith("found 'abc [PHONE]'")
    assert "0612345678" not in " ".join(row["_messages"])


def test_one_whitespace_rule_for_every_column_so_keys_cannot_split(spark):
    rows = enforce(
        spark,
        [
            {**good(), "activity_id": "  act-1  "},
            {**good(), "activity_id": "act-1", "tenant_id": "\u00a0tenant-001\t"},
            {**good(), "activity_id": "\ufeffact-1\u200b", "source": " sap ", "notes": "a  b"},
            {**good(), "activity_id": " \t ", "notes": "   "},
        ],
    ).collect()
    assert [r["activity_id"] for r in rows[:3]] == ["act-1"] * 3
    assert [r["_reasons"] for r in rows[:3]] == [[], [], []]
    assert rows[1]["tenant_id"] == "tenant-001" and rows[2]["source"] == "sap"
    assert rows[2]["notes"] == "a  b"  # inner whitespace is data
    assert rows[3]["_reasons"] == ["required_missing:activity_id"]
    assert rows[3]["notes"] is None  # blank is missing for every type


def test_values_with_visible_ends_skip_trimming_and_the_rest_trim_as_btrim_does(spark):
    """field_text leaves values with visible ASCII ends alone and trims the others: each
    listed character alone at either end, non-ASCII and one-character values come out as
    btrim with the whole list makes them."""
    values = [f"{w}a" for w in WHITESPACE] + [f"a{w}" for w in WHITESPACE]
    values += ["é", "aé", "éa", "!", "~", "a", "\x7fa\x7f", "a b", "{x}", "", None]
    df = spark.createDataFrame([(v,) for v in values], "v string").select(
        F.create_map(F.lit("k"), F.col("v")).alias(RAW_FIELDS), "v"
    )
    rows = df.select(
        field_text("k").alias("fast"), F.btrim("v", F.lit(WHITESPACE)).alias("btrim")
    ).collect()
    assert [r["fast"] for r in rows] == [r["btrim"] or None for r in rows]
    assert rows[0]["fast"] == "a" and rows[len(WHITESPACE)]["fast"] == "a"


def test_duplicate_keys_and_invalid_utf8_are_quarantined_with_a_reason(spark):
    line = json.dumps(good())
    rows = enforce(
        spark,
        [
            line[:-1] + ', "quantity": "7"}',  # quantity twice
            line.replace("sap", "s\ufffdp"),  # what a Latin-1 byte decodes to
            line,
        ],
    ).collect()
    assert rows[0]["_reasons"] == ["duplicate_key"]
    assert rows[1]["_reasons"] == ["invalid_utf8"]
    assert rows[2]["_reasons"] == []


def test_checks_are_generated_code_not_higher_order_functions(spark):
    """Every check of every column feeds the reasons. Spark 3.5 runs a higher-order
    function, and every expression in its arguments, uncompiled: several times slower."""
    df = enforce(spark, [good()], schema_drift="reject").select("_reasons", "_messages")
    plan = df._jdf.queryExecution().optimizedPlan().toString()
    assert "_reasons" in plan
    assert "lambdafunction" not in plan
