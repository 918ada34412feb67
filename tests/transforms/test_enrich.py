from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest

from gluelake.contracts.expressions import unit_factors
from gluelake.contracts.model import JoinStep, Selected
from gluelake.transforms.enrich import (
    add_derived,
    apply_rules,
    as_of,
    dependants,
    lookup,
    start_reasons,
)

# --- generic steps ------------------------------------------------------------------

PRODUCTS = [("p1", "c1", "Apple"), ("p2", "c2", "Bread"), ("p3", "c9", "Ghost"),
            ("p4", "c1", "Dup A"), ("p4", "c2", "Dup B")]  # fmt: skip
CATEGORIES = [("c1", "Fruit", "fresh"), ("c2", "Bakery", "fresh")]
SALES = [("s1", "p1"), ("s2", "p2"), ("s3", "p3"), ("s4", "p4"), ("s5", "nope"), ("s6", None)]


def step(name, dataset, on, select, kind="lookup", **kw):
    sel = tuple(Selected(c, a, t) for c, a, t in select)
    return JoinStep(name, kind, dataset, "silver", on, sel, **kw)


PRODUCT = step("product", "products", (("product_id", "product_id"),),
               [("category_id", "category_id", "string"), ("name", "product_name", "string")])  # fmt: skip
CATEGORY = step("category", "categories", (("category_id", "category_id"),),
                [("category_name", "category_name", "string")])  # fmt: skip


def frames(spark):
    sales = spark.createDataFrame(SALES, "sale_id string, product_id string")
    products = spark.createDataFrame(PRODUCTS, "product_id string, category_id string, name string")
    categories = spark.createDataFrame(
        CATEGORIES, "category_id string, category_name string, kind string"
    )
    return sales.transform(start_reasons), products, categories


def by_id(df, key="sale_id"):
    return {r[key]: r.asDict() for r in df.collect()}


def test_lookup_missing_and_ambiguous_keys_are_quarantined_never_fanned_out(spark):
    sales, products, _ = frames(spark)
    out = by_id(sales.transform(lookup, reference=products, step=PRODUCT, broadcast=True))
    assert len(out) == len(SALES)
    assert out["s1"]["product_name"] == "Apple" and out["s1"]["_reasons"] == []
    assert out["s4"]["_reasons"] == ["ambiguous:product"] and out["s4"]["product_name"] is None
    assert "2 products rows match product_id='p4'" in out["s4"]["_messages"][0]
    assert out["s5"]["_reasons"] == ["missing:product"]
    assert out["s6"]["_reasons"] == ["missing:product"]  # a null key matches nothing


@pytest.mark.parametrize("broadcast", [True, False, None])
def test_lookup_missing_can_keep_nulls_or_take_defaults(spark, broadcast):
    sales, products, _ = frames(spark)
    keep = PRODUCT.__class__(**{**PRODUCT.__dict__, "on_missing": "null"})
    out = by_id(sales.transform(lookup, reference=products, step=keep, broadcast=broadcast))
    assert out["s5"]["_reasons"] == [] and out["s5"]["product_name"] is None
    default = PRODUCT.__class__(
        **{**PRODUCT.__dict__, "on_missing": "default", "defaults": (("product_name", "unknown"),)}
    )
    out = by_id(sales.transform(lookup, reference=products, step=default, broadcast=broadcast))
    assert out["s5"]["_reasons"] == [] and out["s5"]["product_name"] == "unknown"
    assert out["s5"]["category_id"] is None
    assert out["s4"]["_reasons"] == ["ambiguous:product"]  # ambiguity is never defaulted


def test_two_hop_lookup_uses_the_column_the_first_step_added(spark):
    sales, products, categories = frames(spark)
    out = by_id(
        sales.transform(lookup, reference=products, step=PRODUCT, broadcast=None).transform(
            lookup, reference=categories, step=CATEGORY, broadcast=None
        )
    )
    assert out["s1"]["category_name"] == "Fruit" and out["s1"]["_reasons"] == []
    assert out["s2"]["category_name"] == "Bakery"
    assert out["s3"]["_reasons"] == ["missing:category"]  # product found, its category not
    assert out["s5"]["_reasons"] == ["missing:product", "missing:category"]


def test_lookup_reference_filter(spark):
    sales, products, _ = frames(spark)
    only_a = PRODUCT.__class__(**{**PRODUCT.__dict__, "where": "name <> 'Dup B'"})
    out = by_id(sales.transform(lookup, reference=products, step=only_a, broadcast=None))
    assert out["s4"]["product_name"] == "Dup A" and out["s4"]["_reasons"] == []


RATES = [
    ("EUR", Decimal("1.10"), date(2024, 1, 1), date(2024, 7, 1)),
    ("EUR", Decimal("1.20"), date(2024, 7, 1), None),
    ("GBP", Decimal("1.30"), None, date(2024, 3, 1)),  # open start
    ("CHF", Decimal("1.00"), date(2024, 1, 1), None),
    ("CHF", Decimal("0.90"), date(2024, 6, 1), date(2024, 8, 1)),  # overlaps the first
]
RATE = step("rate", "rates", (("currency", "currency"),), [("rate", "rate", "decimal(8,2)")],
            kind="as_of", event_time="day")  # fmt: skip


@pytest.mark.parametrize(
    ("currency", "day", "rate", "reasons"),
    [
        ("EUR", date(2024, 6, 30), Decimal("1.10"), []),
        ("EUR", date(2024, 7, 1), Decimal("1.20"), []),  # valid_from inclusive, valid_to not
        ("EUR", date(2023, 12, 31), None, ["missing:rate"]),
        ("GBP", date(1999, 1, 1), Decimal("1.30"), []),
        ("GBP", date(2024, 3, 1), None, ["missing:rate"]),
        ("CHF", date(2024, 5, 31), Decimal("1.00"), []),
        ("CHF", date(2024, 6, 15), None, ["ambiguous:rate"]),  # two versions valid that day
        ("USD", date(2024, 6, 15), None, ["missing:rate"]),
    ],
)
def test_as_of_takes_the_version_valid_at_the_event_time(spark, currency, day, rate, reasons):
    rates = spark.createDataFrame(
        RATES, "currency string, rate decimal(8,2), valid_from date, valid_to date"
    )
    facts = spark.createDataFrame([("f1", currency, day)], "id string, currency string, day date")
    rows = (
        facts.transform(start_reasons)
        .transform(as_of, reference=rates, step=RATE, broadcast=None)
        .collect()
    )
    assert len(rows) == 1
    assert (rows[0]["rate"], rows[0]["_reasons"]) == (rate, reasons)


def test_as_of_open_versions_and_events_without_a_time(spark):
    """A version open at both ends is valid at every time, and the only kind an event
    without a time matches; overlapping it is ambiguous (with how many matched). Rows are
    never fanned out or dropped, even two with the same id."""
    rates = spark.createDataFrame(
        [("AUD", Decimal("2.00"), None, None),
         ("AUD", Decimal("3.00"), date(2024, 1, 1), date(2024, 2, 1)),
         ("NZD", Decimal("4.00"), None, None),
         ("SEK", Decimal("5.00"), date(2024, 1, 1), None)],
        "currency string, rate decimal(8,2), valid_from date, valid_to date",
    )  # fmt: skip
    facts = spark.createDataFrame(
        [("f1", "AUD", None), ("f2", "AUD", date(2024, 1, 15)), ("f3", "AUD", date(2024, 3, 1)),
         ("f3", "AUD", date(2024, 3, 1)), ("f4", "NZD", None), ("f5", "NZD", date(1900, 1, 1)),
         ("f6", "SEK", None), ("f7", None, date(2024, 3, 1)), ("f8", "SEK", date(2024, 1, 1))],
        "id string, currency string, day date",
    )  # fmt: skip
    rows = (
        facts.transform(start_reasons)
        .transform(as_of, reference=rates, step=RATE, broadcast=None)
        .orderBy("id")
        .collect()
    )
    got = [(r["id"], r["rate"], r["_reasons"]) for r in rows]
    assert got == [
        ("f1", Decimal("2.00"), []),
        ("f2", None, ["ambiguous:rate"]),
        ("f3", Decimal("2.00"), []),
        ("f3", Decimal("2.00"), []),
        ("f4", Decimal("4.00"), []),
        ("f5", Decimal("4.00"), []),
        ("f6", None, ["missing:rate"]),
        ("f7", None, ["missing:rate"]),
        ("f8", Decimal("5.00"), []),
    ]
    assert rows[1]["_messages"][0].startswith("rate: 2 rates rows match currency='AUD'")


def test_dependants_are_the_rows_a_changed_reference_row_covers(spark):
    facts = spark.createDataFrame(
        [("f1", "EUR", date(2024, 3, 1)), ("f2", "EUR", date(2024, 9, 1)),
         ("f3", "GBP", date(2024, 3, 1)), ("f4", "EUR", date(2023, 12, 31)),
         ("f5", "GBP", date(2024, 1, 1))],
        "id string, currency string, day date",
    )  # fmt: skip
    schema = "currency string, rate decimal(8,2), valid_from date, valid_to date"
    # The EUR version of the first half of 2024 restated (pre- and post-image), and GBP's
    # open-start version deleted: rows in those periods only.
    changed = spark.createDataFrame(
        [("EUR", Decimal("1.10"), date(2024, 1, 1), date(2024, 7, 1)),
         ("EUR", Decimal("1.15"), date(2024, 1, 1), date(2024, 7, 1)),
         ("GBP", Decimal("1.30"), None, date(2024, 3, 1))],
        schema,
    )  # fmt: skip
    found = facts.transform(dependants, changed=changed, step=RATE)
    assert {r["id"] for r in found.collect()} == {"f1", "f5"}
    # A lookup: every row with a changed key, whatever else it holds.
    sales, _, _ = frames(spark)
    products = spark.createDataFrame(
        [("p4", "c3", "Dup C")], "product_id string, category_id string, name string"
    )
    found = sales.transform(dependants, changed=products, step=PRODUCT)
    assert [r["sale_id"] for r in found.collect()] == ["s4"]


# --- emissions, as schemas/emissions.yaml declares it -------------------------------

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


def enrich(spark, contracts, activities):
    c = contracts["emissions"]
    out = spark.createDataFrame(activities, ACTIVITY_SCHEMA).transform(start_reasons)
    for s in c.joins:
        out = out.transform(
            as_of,
            reference=spark.createDataFrame(FACTORS, FACTOR_SCHEMA),
            step=s,
            broadcast=None,
        )
    out = out.transform(add_derived, columns=c.derived).transform(apply_rules, rules=c.rules)
    return out.orderBy("id").collect()


@pytest.mark.parametrize(
    ("ts", "factor"),
    [
        (datetime(2025, 6, 30, 23, 59, 59, 999999), Decimal("0.400000")),
        (datetime(2025, 7, 1), Decimal("0.300000")),
        (datetime(2024, 1, 1), Decimal("0.400000")),
    ],
)
def test_factor_valid_at_the_activity_instant_is_used(spark, contracts, ts, factor):
    row = enrich(spark, contracts, [("a", "electricity", "EF-E", Decimal("10"), "kWh", ts)])[0]
    assert row["_reasons"] == []
    assert row["kg_co2e_per_unit"] == factor
    assert row["emissions_kg_co2e"] == Decimal("10") * factor
    assert (row["scope"], row["category"]) == (2, "purchased_electricity")


def test_quantity_is_converted_to_the_factor_unit(spark, contracts):
    rows = enrich(
        spark,
        contracts,
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
    gj = (Decimal(100) * unit_factors()[("GJ", "kWh")]).quantize(Decimal("1e-8"), ROUND_HALF_UP)
    assert rows[2]["quantity_in_factor_unit"] == gj == Decimal("27777.77777778")


def test_activity_without_valid_factor_or_with_foreign_unit_is_flagged(spark, contracts):
    rows = enrich(
        spark,
        contracts,
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
    assert (
        "no emission_factors row for emission_factor_id='EF-NONE' valid at 2025-01-01"
        in (rows[1]["_messages"][0])
    )


def test_conversion_table_is_symmetric_within_families():
    table = unit_factors()
    assert table[("kWh", "MWh")] == Decimal("0.001")
    assert table[("t", "kg")] == Decimal(1000)
    assert ("kWh", "L") not in table


def test_emission_too_large_for_its_type_is_quarantined_not_null(spark, contracts):
    row = enrich(
        spark,
        contracts,
        [("a", "electricity", "EF-E", Decimal("999999999999"), "GWh", datetime(2025, 8, 1))],
    )[0]
    assert row["_reasons"] == ["emission_overflow:quantity"]
