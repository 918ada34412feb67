"""Each kind of contract constraint, declared once: when a column has it, the Spark
condition that quarantines a violating row (with its reason code and what was expected),
and the Great Expectations expectation the baseline suite checks it with again on the
table about to be published. Adding a kind means adding one entry to ``KINDS``.

Expectations are named here (GX class and arguments), not built: the suites module
builds them, so this module needs no Great Expectations import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from pyspark.sql import Column
from pyspark.sql import functions as F

from gluelake.contracts.model import Column as ContractColumn


@dataclass(frozen=True)
class Violation:
    """Rows where ``condition`` holds (on a present value) break the constraint."""

    condition: Column
    code: str  # reason code prefix: the row gets ``<code>:<column>``
    expected: str  # "expected <this>, found <value>"


@dataclass(frozen=True)
class Expectation:
    gx_class: str  # a class of great_expectations.expectations
    arguments: dict[str, Any]  # besides ``column`` and ``meta``


@dataclass(frozen=True)
class ConstraintKind:
    name: str
    # The Spark side: typed value -> violations (none when the column lacks the kind).
    violations: Callable[[ContractColumn, Column, datetime], list[Violation]]
    # The suite side: None when the column lacks the kind, or GX cannot check it faithfully.
    expectation: Callable[[ContractColumn], Expectation | None]


# Suite parameter the gate fills with the run's start time (UTC) for not-in-future checks.
NOW_PARAMETER = "now"


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _allowed(col: ContractColumn, typed: Column, _now: datetime) -> list[Violation]:
    allowed = col.constraints.allowed
    if allowed is None:
        return []
    return [
        Violation(
            ~typed.cast("string").isin(list(allowed)), "not_allowed", f"one of {list(allowed)}"
        )
    ]


def _allowed_expectation(col: ContractColumn) -> Expectation | None:
    allowed = col.constraints.allowed
    if allowed is None:
        return None
    if col.type == "string":
        return Expectation("ExpectColumnValuesToBeInSet", {"value_set": list(allowed)})
    if col.type in ("int", "bigint"):
        return Expectation("ExpectColumnValuesToBeInSet", {"value_set": [int(v) for v in allowed]})
    return None  # other types: enforcement checks it; GX would compare them as text


def _range(col: ContractColumn, typed: Column, _now: datetime) -> list[Violation]:
    rules, out = col.constraints, []
    if rules.min is not None:
        low = F.lit(str(rules.min)).cast(col.type)
        out.append(Violation(typed < low, "out_of_range", f">= {rules.min}"))
    if rules.max is not None:
        high = F.lit(str(rules.max)).cast(col.type)
        out.append(Violation(typed > high, "out_of_range", f"<= {rules.max}"))
    return out


def _range_expectation(col: ContractColumn) -> Expectation | None:
    rules = col.constraints
    bounds: dict[str, Any] = {}
    if rules.min is not None:
        bounds["min_value"] = _number(rules.min)
    if rules.max is not None:
        bounds["max_value"] = _number(rules.max)
    return Expectation("ExpectColumnValuesToBeBetween", bounds) if bounds else None


def _pattern(col: ContractColumn, typed: Column, _now: datetime) -> list[Violation]:
    pattern = col.constraints.pattern
    if pattern is None:
        return []
    return [
        Violation(~typed.cast("string").rlike(pattern), "pattern_mismatch", f"to match {pattern}")
    ]


def _pattern_expectation(col: ContractColumn) -> Expectation | None:
    pattern = col.constraints.pattern
    return (
        None
        if pattern is None
        else Expectation("ExpectColumnValuesToMatchRegex", {"regex": pattern})
    )


def _not_future(col: ContractColumn, typed: Column, now: datetime) -> list[Violation]:
    if not col.constraints.not_future:
        return []
    return [
        Violation(typed > F.lit(now), "future_timestamp", f"a time not after {now.isoformat()}")
    ]


def _not_future_expectation(col: ContractColumn) -> Expectation | None:
    if not col.constraints.not_future:
        return None
    return Expectation(
        "ExpectColumnValuesToBeBetween",
        {
            "max_value": {"$PARAMETER": NOW_PARAMETER},
            "description": f"{col.name} is not in the future",
        },
    )


# In the order enforcement reports reasons and the baseline lists expectations.
KINDS: tuple[ConstraintKind, ...] = (
    ConstraintKind("allowed", _allowed, _allowed_expectation),
    ConstraintKind("range", _range, _range_expectation),
    ConstraintKind("pattern", _pattern, _pattern_expectation),
    ConstraintKind("not_future", _not_future, _not_future_expectation),
)


def violations(col: ContractColumn, typed: Column, now: datetime) -> list[Violation]:
    """Every constraint ``col`` declares, as Spark conditions on its typed value."""
    return [v for kind in KINDS for v in kind.violations(col, typed, now)]


def expectations(col: ContractColumn) -> list[Expectation]:
    """Every constraint ``col`` declares that the baseline suite checks again."""
    return [e for kind in KINDS if (e := kind.expectation(col)) is not None]
