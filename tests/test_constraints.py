"""A constraint is declared once: each kind gives both the Spark condition enforcement
quarantines with and the expectation the baseline suite checks again."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pyspark.sql import functions as F

from gluelake.constraints import KINDS, expectations, violations
from gluelake.contracts.model import Column, Constraints

NOW = datetime(2026, 1, 1, tzinfo=UTC)
# One column per kind, declaring only that kind.
DECLARING = {
    "allowed": Column("unit", "string", constraints=Constraints(allowed=("kg", "t"))),
    "range": Column("qty", "decimal(10,2)", constraints=Constraints(min=Decimal(0))),
    "pattern": Column("code", "string", constraints=Constraints(pattern="^[A-Z]+$")),
    "not_future": Column("at", "timestamp", constraints=Constraints(not_future=True)),
}
VALUES = {"unit": "g", "qty": "-1.00", "code": "abc", "at": "2030-01-01 00:00:00"}


def test_every_kind_has_a_declaring_column_here():
    assert {k.name for k in KINDS} == set(DECLARING)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_a_kind_gives_its_spark_condition_and_its_expectation(spark, kind):
    col = DECLARING[kind.name]
    typed = F.lit(VALUES[col.name]).cast(col.type)
    found = kind.violations(col, typed, NOW)
    assert len(found) == 1
    assert spark.range(1).select(found[0].condition).first()[0] is True
    assert kind.expectation(col) is not None
    # Other kinds see nothing declared on this column.
    others = [k for k in KINDS if k is not kind]
    assert all(not k.violations(col, typed, NOW) and k.expectation(col) is None for k in others)


def test_a_value_within_the_constraints_breaks_none(spark):
    ok = {"unit": "kg", "qty": "3.50", "code": "ABC", "at": "2025-06-01 00:00:00"}
    for col in DECLARING.values():
        typed = F.lit(ok[col.name]).cast(col.type)
        conditions = [v.condition for v in violations(col, typed, NOW)]
        assert spark.range(1).select(*conditions).first() == (False,) * len(conditions)


def test_range_reports_each_bound_and_checks_both_in_one_expectation(spark):
    col = Column("qty", "int", constraints=Constraints(min=Decimal(1), max=Decimal("9.5")))
    found = violations(col, F.lit(0), NOW)
    assert [(v.code, v.expected) for v in found] == [
        ("out_of_range", ">= 1"),
        ("out_of_range", "<= 9.5"),
    ]
    (expectation,) = expectations(col)
    assert expectation.arguments == {"min_value": 1, "max_value": 9.5}


def test_allowed_values_of_other_types_are_left_to_enforcement():
    col = Column("day", "date", constraints=Constraints(allowed=("2026-01-01",)))
    assert expectations(col) == []
