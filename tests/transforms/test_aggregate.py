from __future__ import annotations

from decimal import Decimal

from chispa import assert_df_equality

from gluelake.contracts.model import Aggregate, Measure
from gluelake.transforms.aggregate import aggregate, year_over_year

AGG = Aggregate(
    name="m",
    description="",
    dimensions=("tenant",),
    time_grain="month",
    measures=(
        Measure("total", "sum", "kg"),
        Measure("n", "count"),
        Measure("kinds", "count_distinct", "kind"),
        Measure("low", "min", "kg"),
        Measure("high", "max", "kg"),
        Measure("mean", "avg", "kg"),
    ),
    year_over_year=("total",),
)
SILVER = "tenant string, kind string, kg decimal(28,6), year int, month int, day int"


def test_measures_per_dimension_and_month(spark):
    silver = spark.createDataFrame(
        [
            ("t1", "a", Decimal("1.5"), 2025, 1, 3),
            ("t1", "b", Decimal("2.5"), 2025, 1, 9),
            ("t1", "a", Decimal("4"), 2025, 2, 1),
            ("t2", "a", Decimal("10"), 2025, 1, 1),
        ],
        SILVER,
    )
    out = silver.transform(aggregate, agg=AGG).orderBy("tenant", "year", "month")
    expected = spark.createDataFrame(
        [
            ("t1", 2025, 1, Decimal("4"), 2, 2, Decimal("1.5"), Decimal("2.5"), Decimal("2")),
            ("t1", 2025, 2, Decimal("4"), 1, 1, Decimal("4"), Decimal("4"), Decimal("4")),
            ("t2", 2025, 1, Decimal("10"), 1, 1, Decimal("10"), Decimal("10"), Decimal("10")),
        ],
        "tenant string, year int, month int, total decimal(38,6), n bigint, kinds bigint, "
        "low decimal(28,6), high decimal(28,6), mean decimal(32,10)",
    )
    assert_df_equality(out, expected, ignore_nullable=True)


def test_year_over_year_compares_the_same_month(spark):
    monthly = spark.createDataFrame(
        [
            ("t1", 2024, 3, Decimal("100")),
            ("t1", 2025, 3, Decimal("150")),
            ("t1", 2025, 4, Decimal("20")),
            (None, 2024, 3, Decimal("0")),
            (None, 2025, 3, Decimal("5")),
        ],
        "tenant string, year int, month int, total decimal(38,6)",
    )
    out = {
        (r["tenant"], r["year"], r["month"]): r
        for r in monthly.transform(year_over_year, agg=AGG).collect()
    }
    assert out[("t1", 2025, 3)]["total_prior_year"] == Decimal("100")
    assert out[("t1", 2025, 3)]["total_change"] == Decimal("50")
    assert out[("t1", 2025, 3)]["total_change_pct"] == 50.0
    assert out[("t1", 2025, 4)]["total_prior_year"] is None
    assert out[("t1", 2024, 3)]["total_change_pct"] is None
    # Null dimensions still match themselves; a zero prior gives no percentage.
    assert out[(None, 2025, 3)]["total_prior_year"] == Decimal("0")
    assert out[(None, 2025, 3)]["total_change_pct"] is None
    assert len(out) == 5


def test_year_over_year_frame(spark):
    monthly = spark.createDataFrame(
        [("t1", 2024, 3, Decimal("80")), ("t1", 2025, 3, Decimal("100"))],
        "tenant string, year int, month int, total decimal(38,6)",
    )
    out = monthly.transform(year_over_year, agg=AGG).orderBy("year")
    expected = spark.createDataFrame(
        [
            ("t1", 2024, 3, Decimal("80"), None, None, None),
            ("t1", 2025, 3, Decimal("100"), Decimal("80"), Decimal("20"), 25.0),
        ],
        "tenant string, year int, month int, total decimal(38,6), total_prior_year decimal(38,6), "
        "total_change decimal(38,6), total_change_pct double",
    )
    assert_df_equality(out, expected, ignore_nullable=True)
