"""Aggregation (silver -> gold), declared in the contract as dimensions and measures."""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from gluelake.columns import DAY, MONTH, YEAR
from gluelake.contracts.expressions import expand
from gluelake.contracts.model import Aggregate, Measure


def _measure(m: Measure) -> Column:
    if m.column is None:
        return F.count(F.lit(1)).alias(m.name)
    col = F.col(m.column)
    functions = {
        "count": F.count,
        "count_distinct": F.countDistinct,
        "sum": F.sum,
        "min": F.min,
        "max": F.max,
        "avg": F.avg,
    }
    return functions[m.fn](col).alias(m.name)


_GRAIN_COLUMNS = {"day": [YEAR, MONTH, DAY], "month": [YEAR, MONTH], "year": [YEAR]}


def time_columns(agg: Aggregate) -> list[str]:
    return list(_GRAIN_COLUMNS.get(agg.time_grain, []))


def filtered(df: DataFrame, *, agg: Aggregate) -> DataFrame:
    """The silver rows the aggregate counts (its ``filter``, if any)."""
    return df if agg.filter is None else df.filter(F.expr(expand(agg.filter)))


def aggregate(df: DataFrame, *, agg: Aggregate, group_rows: str | None = None) -> DataFrame:
    """One row per dimension values and time period (silver has year/month/day);
    ``group_rows``: also count each group's rows into this column."""
    keys = [*agg.dimensions, *time_columns(agg)]
    measures = [_measure(m) for m in agg.measures]
    if group_rows is not None:
        measures.append(F.count(F.lit(1)).alias(group_rows))
    rows = df.transform(filtered, agg=agg)
    return rows.groupBy(*keys).agg(*measures) if keys else rows.agg(*measures)


def year_over_year(df: DataFrame, *, agg: Aggregate) -> DataFrame:
    """Each period's measures next to the same period one year earlier (null when there
    was none), with the change and the change in percent (null when the prior is 0)."""
    keys = [*agg.dimensions, *time_columns(agg)]
    prior = df.select(
        *[F.col(k).alias(f"_p_{k}") for k in keys],
        *[F.col(m).alias(f"{m}_prior_year") for m in agg.year_over_year],
    )
    cond = reduce(
        lambda a, b: a & b,
        [
            F.col(k).eqNullSafe(F.col(f"_p_{k}") + 1 if k == YEAR else F.col(f"_p_{k}"))
            for k in keys
        ],
    )
    out = df.join(prior, cond, "left").select(
        *keys, *agg.year_over_year, *[f"{m}_prior_year" for m in agg.year_over_year]
    )
    changes: dict[str, Column] = {}
    for m in agg.year_over_year:
        prev = F.col(f"{m}_prior_year")
        changes[f"{m}_change"] = F.col(m) - prev
        changes[f"{m}_change_pct"] = F.when(
            prev != 0, ((F.col(m) - prev) / prev * 100).cast("double")
        )
    return out.withColumns(changes)


Partition = tuple[tuple[str, int | None], ...]  # ((column, value), ...) in partition order


def in_partitions(partitions: Iterable[Partition]) -> Column:
    """True for rows in one of ``partitions`` (a disjunction Spark prunes partitions with)."""
    terms = [
        reduce(lambda a, b: a & b, [F.col(name).eqNullSafe(F.lit(value)) for name, value in p])
        for p in partitions
    ]
    return reduce(lambda a, b: a | b, terms, F.lit(False))


def years_around(partitions: Iterable[Partition], *, before: int, after: int) -> set[Partition]:
    """``partitions`` and the same partitions ``before`` years earlier to ``after`` years
    later (year-over-year compares a period with the one a year earlier)."""
    out: set[Partition] = set()
    for p in partitions:
        for shift in range(-before, after + 1):
            out.add(tuple((n, v + shift if n == YEAR and v is not None else v) for n, v in p))
    return out
