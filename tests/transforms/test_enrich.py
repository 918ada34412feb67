from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest

from gluelake.contracts.model import FactorEnrichment
from gluelake.transforms.enrich import enrich_with_factors
from gluelake.transforms.units import conversion_factors

SPEC = FactorEnrichment("emission_factors", "emission_factor_id", "quantity", "unit")
FACTORS = [
    ("EF-E", "electricity", "kWh", Decimal("0.400000"), 2, "purchased_electricity", datetime(2024, 1, 1), datetime(2025, 7, 1)),
    ("EF-E", "electricity", "kWh", Decimal("0.300000"), 2, "purchased_electricity", datetime(2025, 7, 1), None),
    ("EF-D", "diesel", "L", Decimal("2.500000"), 1, "mobile_combustion", datetime(2024, 1, 1), None),
    ("EF-X", "diesel", "L", Decimal("1.000000"), 1, "mobile_combustion", datetime(2024, 1, 1), None),
    ("EF-X", "diesel", "L", Decimal("2.000000"), 1, "mobile_combustion", datetime(2024, 6, 1), None),
]  # fmt: skip
FACTOR_SCHEMA = (
    "factor_id string, activity_type string, unit string, kg_co2e_per_unit decimal(10,6), "
    "scope int, category string, valid_from timestamp, valid_to timestamp"
)
ACTIVITY_SCHEMA = (
    "id string, activity_type string, emission_factor_id string, quantity decimal(16,4), "
    "unit string, timestamp timestamp"
)


def enrich(spark, activities):
    return (
        spark.createDataFrame(activities, ACTIVITY_SCHEMA)
        .transform(
            enrich_with_factors,
            factors=spark.createDataFrame(FACTORS, FACTOR_SCHEMA),
            spec=SPEC,
            keys=["id"],
            event_time="timestamp",
        )
        .orderBy("id")
        .collect()
    )


@pytest.mark.parametrize(
    ("ts", "factor"),
    [
        (datetime(2025, 6, 30, 23, 59, 59, 999999), Decimal("0.400000")),
        (datetime(2025, 7, 1), Decimal("0.300000")),  # valid_from is inclusive, valid_to exclusive
        (datetime(2024, 1, 1), Decimal("0.400000")),
    ],
)
def test_factor_valid_at_the_activity_instant_is_used(spark, ts, factor):
    row = enrich(spark, [("a", "electricity", "EF-E", Decimal("10"), "kWh", ts)])[0]
    assert row["_reasons"] == []
    assert row["kg_co2e_per_unit"] == factor
    assert row["emissions_kg_co2e"] == Decimal("10") * factor
    assert (row["scope"], row["category"]) == (2, "purchased_electricity")


def test_quantity_is_converted_to_the_factor_unit(spark):
    rows = enrich(
        spark,
        [
            ("a", "electricity", "EF-E", Decimal("2.5"), "MWh", datetime(2025, 8, 1)),
            ("b", "diesel", "EF-D", Decimal("10"), "gal", datetime(2025, 8, 1)),
            ("c", "electricity", "EF-E", Decimal("100"), "GJ", datetime(2025, 8, 1)),
        ],
    )
    assert rows[0]["quantity_in_factor_unit"] == Decimal("2500")
    assert rows[0]["emissions_kg_co2e"] == Decimal("750.000000")
    assert rows[1]["quantity_in_factor_unit"] == Decimal("37.85411784")
    assert rows[1]["emissions_kg_co2e"] == Decimal("94.635295")  # 37.85411784 * 2.5, half-up
    gj = (Decimal(100) * conversion_factors()[("GJ", "kWh")]).quantize(
        Decimal("1e-8"), ROUND_HALF_UP
    )
    assert rows[2]["quantity_in_factor_unit"] == gj == Decimal("27777.77777778")


def test_activity_without_valid_factor_or_with_foreign_unit_is_flagged(spark):
    rows = enrich(
        spark,
        [
            ("a", "electricity", "EF-E", Decimal("1"), "kWh", datetime(2023, 12, 31)),
            ("b", "electricity", "EF-NONE", Decimal("1"), "kWh", datetime(2025, 1, 1)),
            ("c", "electricity", "EF-E", Decimal("1"), "L", datetime(2025, 1, 1)),
            ("d", "diesel", "EF-X", Decimal("1"), "L", datetime(2025, 1, 1)),
            ("e", "petrol", "EF-D", Decimal("1"), "L", datetime(2025, 1, 1)),
        ],
    )
    assert [r["_reasons"] for r in rows] == [
        ["no_valid_factor:emission_factor_id"],
        ["no_valid_factor:emission_factor_id"],
        ["unit_not_convertible:unit"],
        ["ambiguous_factor:emission_factor_id"],
        ["factor_activity_mismatch:activity_type"],
    ]
    assert all(r["emissions_kg_co2e"] is None for r in rows)
    assert "no factor version of 'EF-NONE' valid at 2025-01-01T00:00:00Z" in rows[1]["_messages"][0]
    assert rows[2]["_messages"] == ["unit: cannot convert 'L' to the factor's unit 'kWh'"]


def test_every_activity_comes_out_exactly_once(spark):
    rows = enrich(spark, [("d", "diesel", "EF-X", Decimal("1"), "L", datetime(2025, 1, 1))])
    assert len(rows) == 1


def test_conversion_table_is_symmetric_within_families():
    table = conversion_factors()
    assert table[("kWh", "MWh")] == Decimal("0.001")
    assert table[("t", "kg")] == Decimal(1000)
    assert ("kWh", "L") not in table


def test_emission_too_large_for_its_type_is_quarantined_not_null(spark):
    row = enrich(
        spark, [("a", "electricity", "EF-E", Decimal("999999999999"), "GWh", datetime(2025, 8, 1))]
    )[0]
    assert row["_reasons"] == ["emission_overflow:quantity"]
    assert row["emissions_kg_co2e"] is None
