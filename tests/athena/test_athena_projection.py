"""Projection type per partition column and the table properties of each of the four types."""

from __future__ import annotations

import pytest

from gluelake.athena.projection import (
    DateProjection,
    EnumProjection,
    InjectedProjection,
    IntegerProjection,
    location_template,
    projection_for,
    projection_properties,
)
from gluelake.contracts import DatasetContract
from gluelake.contracts.tables import ColumnSpec, TableSpec, quality_results_table
from gluelake.errors import AthenaError


def test_integer_properties() -> None:
    assert IntegerProjection("month", 1, 12).properties() == (
        ("projection.month.type", "integer"),
        ("projection.month.range", "1,12"),
    )


def test_date_properties() -> None:
    assert DateProjection("d", "yyyy-MM-dd", "2020-01-01", "NOW", 1, "DAYS").properties() == (
        ("projection.d.type", "date"),
        ("projection.d.format", "yyyy-MM-dd"),
        ("projection.d.range", "2020-01-01,NOW"),
        ("projection.d.interval", "1"),
        ("projection.d.interval.unit", "DAYS"),
    )


def test_enum_properties() -> None:
    assert EnumProjection("region", ("emea", "amer", "apac")).properties() == (
        ("projection.region.type", "enum"),
        ("projection.region.values", "emea,amer,apac"),
    )


def test_injected_properties() -> None:
    assert InjectedProjection("tenant_id").properties() == (
        ("projection.tenant_id.type", "injected"),
    )


def test_template_is_the_spark_partition_layout() -> None:
    assert location_template("s3://b/gold/t/", ("year", "month")) == (
        "s3://b/gold/t/year=${year}/month=${month}/"
    )
    props = dict(projection_properties("s3://b/t", (InjectedProjection("tenant_id"),)))
    assert props["projection.enabled"] == "true"
    assert props["storage.location.template"] == "s3://b/t/tenant_id=${tenant_id}/"


def test_gold_year_month_are_unpadded_integers(contracts: dict[str, DatasetContract]) -> None:
    from gluelake.contracts.tables import aggregate_tables

    gold = aggregate_tables(contracts["emissions"])[0]
    year, month = (projection_for(gold, c, contracts) for c in gold.partitions)
    assert year == IntegerProjection("year", 2000, 2100)
    assert month == IntegerProjection("month", 1, 12)  # Spark writes month=3, not month=03


def test_quality_results_projection(contracts: dict[str, DatasetContract]) -> None:
    table = quality_results_table()
    dataset, day = (projection_for(table, c, contracts) for c in table.partitions)
    assert dataset == EnumProjection(
        "dataset",
        ("assessments", "emission_factors", "emissions", "product_categories", "products", "sales"),
    )
    assert day == DateProjection("validation_date", "yyyy-MM-dd", "2020-01-01", "NOW", 1, "DAYS")


def _parquet(*partitions: ColumnSpec) -> TableSpec:
    return TableSpec(
        name="t", zone="silver", dataset="emissions", format="parquet", path="silver/t",
        columns=(ColumnSpec("v", "double"),), partitions=partitions,
    )  # fmt: skip


def test_enum_from_allowed_values_and_injected_tenant(
    contracts: dict[str, DatasetContract],
) -> None:
    table = _parquet(ColumnSpec("activity_type", "string"), ColumnSpec("tenant_id", "string"))
    enum, injected = (projection_for(table, c, contracts) for c in table.partitions)
    assert enum == EnumProjection(
        "activity_type",
        ("electricity", "natural_gas", "diesel", "petrol", "air_travel", "rail_travel",
         "waste_landfill"),
    )  # fmt: skip
    assert injected == InjectedProjection("tenant_id")


def test_date_column_and_unprojectable_column(contracts: dict[str, DatasetContract]) -> None:
    table = _parquet(ColumnSpec("day_of", "date"), ColumnSpec("timestamp", "timestamp"))
    assert isinstance(projection_for(table, table.partitions[0], contracts), DateProjection)
    with pytest.raises(AthenaError, match="'timestamp' of type timestamp cannot be projected"):
        projection_for(table, table.partitions[1], contracts)
