"""The suite's common expectations checked by Spark itself, in one aggregation.

Great Expectations plans and runs its metric jobs per validation whatever the data's size:
one to two seconds a suite before any row is read, and more on big batches. Most of a suite
is row-level checks one aggregation answers (nulls, sets, patterns, ranges, uniqueness, the
row count, the column set), so the gate asks Spark for each expectation's count of
unexpected rows in one job over the cached DataFrame, plus one job per row query. An
expectation whose count is 0 passed; GX runs only for what failed (to report its counts and
samples) and for what is not compiled here. Each count is GX's own: the same condition over
the same rows (those GX skips for nulls or ``ignore_row_if`` are skipped), and an
expectation with an option not understood here (``row_condition``, ``mostly`` below 1, ...)
is not compiled. ``tests/quality/test_native.py`` judges every kind by both."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import (
    DataType,
    DateType,
    NumericType,
    StringType,
    StructType,
    TimestampNTZType,
    TimestampType,
)

from gluelake.constraints import NOW_PARAMETER

ROWS = "rows"
# Expectation types the engine treats specially too (defined here, used there).
ROW_COUNT = "expect_table_row_count_to_be_between"
COLUMN_SET = "expect_table_columns_to_match_set"
QUERY = "unexpected_rows_expectation"
VIEW = "gluelake_batch"  # temp views of the batch a query reads, made unique per run
Kwargs = Mapping[str, Any]  # an expectation's kwargs
Schema = Mapping[str, DataType]  # the batch's column types by name
_Compiler = Callable[[Kwargs, Schema, datetime], Column | None]
_COMMON = frozenset({"mostly"})  # `mostly` of 1 only: a lower one needs GX's observed value


def _column(name: Any, schema: Schema, *kinds: type[DataType]) -> Column | None:
    if not isinstance(name, str) or not isinstance(schema.get(name), kinds):
        return None
    return F.col(f"`{name}`")


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _unexpected(domain: Column, condition: Column) -> Column:
    """Rows of the domain where the condition is false. GX counts the rows its filter
    ``domain & ~condition`` keeps, so a condition that is null (a comparison with a null
    the domain let through) is not unexpected there either."""
    return F.count_if(domain & ~condition)


def _not_null(kw: Kwargs, schema: Schema, now: datetime) -> Column | None:
    col = _column(kw.get("column"), schema, DataType)
    return None if col is None else F.count_if(col.isNull())


def _in_set(kw: Kwargs, schema: Schema, now: datetime) -> Column | None:
    values = kw.get("value_set")
    if not isinstance(values, list) or not values:
        return None
    if all(isinstance(v, str) for v in values):
        col = _column(kw.get("column"), schema, StringType)
    elif all(_number(v) for v in values):
        col = _column(kw.get("column"), schema, NumericType)
    else:
        return None
    return None if col is None else _unexpected(col.isNotNull(), col.isin(values))


def _regex(kw: Kwargs, schema: Schema, now: datetime) -> Column | None:
    col = _column(kw.get("column"), schema, StringType)
    regex = kw.get("regex")
    if col is None or not isinstance(regex, str):
        return None
    return _unexpected(col.isNotNull(), col.rlike(regex))


def _bound(value: Any, temporal: bool, now: datetime) -> tuple[bool, Any]:
    """(usable, value): numbers for numeric columns, the run's `now` for temporal ones."""
    if value is None:
        return True, None
    if temporal:
        return (value == {"$PARAMETER": NOW_PARAMETER}), now
    return _number(value), value


def _flags(kw: Kwargs, *names: str) -> bool:
    """Whether each of these options is absent or a boolean (GX takes nothing else)."""
    return all(isinstance(kw.get(n, False), bool) for n in names)


def _between(kw: Kwargs, schema: Schema, now: datetime) -> Column | None:
    if not _flags(kw, "strict_min", "strict_max"):
        return None
    name = kw.get("column")
    temporal = isinstance(schema.get(name) if isinstance(name, str) else None, _TEMPORAL)
    col = _column(name, schema, *(_TEMPORAL if temporal else (NumericType,)))
    (ok_low, low), (ok_high, high) = (_bound(kw.get(k), temporal, now) for k in _BOUNDS)
    if col is None or not (ok_low and ok_high) or (low is None and high is None):
        return None
    if low is not None and high is not None and low > high:
        return None  # GX reports this as an error: leave it to GX
    strict_low, strict_high = bool(kw.get("strict_min")), bool(kw.get("strict_max"))
    checks = []
    if low is not None:
        checks.append(col > F.lit(low) if strict_low else col >= F.lit(low))
    if high is not None:
        checks.append(col < F.lit(high) if strict_high else col <= F.lit(high))
    condition = checks[0] if len(checks) == 1 else checks[0] & checks[1]
    return _unexpected(col.isNotNull(), condition)


def _unique(kw: Kwargs, schema: Schema, now: datetime) -> Column | None:
    col = _column(kw.get("column"), schema, DataType)
    return None if col is None else F.count(col) - F.count_distinct(col)


_IGNORE_ROW: dict[str, Callable[[list[Column]], Column]] = {
    "all_values_are_missing": lambda nulls: ~_all(nulls),
    "any_value_is_missing": lambda nulls: ~_any(nulls),
    "never": lambda nulls: F.lit(True),
}


def _all(conditions: Sequence[Column]) -> Column:
    out = conditions[0]
    for c in conditions[1:]:
        out = out & c
    return out


def _any(conditions: Sequence[Column]) -> Column:
    out = conditions[0]
    for c in conditions[1:]:
        out = out | c
    return out


def _compound_unique(kw: Kwargs, schema: Schema, now: datetime) -> Column | None:
    names = kw.get("column_list")
    keep = _IGNORE_ROW.get(kw.get("ignore_row_if", "all_values_are_missing"))
    if not isinstance(names, list) or not names or keep is None:
        return None
    cols = [_column(n, schema, DataType) for n in names]
    if any(c is None for c in cols):
        return None
    present = [c for c in cols if c is not None]
    kept = keep([c.isNull() for c in present])
    # A struct is never null, so rows differing only in which field is null stay distinct
    # and null fields compare equal: GX's window over struct(columns) counts the same way.
    return F.count_if(kept) - F.count_distinct(F.when(kept, F.struct(*present)))


_PAIR_IGNORE_ROW: dict[str, Callable[[Column, Column], Column]] = {
    "both_values_are_missing": lambda a, b: ~(a.isNull() & b.isNull()),
    "either_value_is_missing": lambda a, b: a.isNotNull() & b.isNotNull(),
    "neither": lambda a, b: F.lit(True),
}


def _a_greater_than_b(kw: Kwargs, schema: Schema, now: datetime) -> Column | None:
    names = kw.get("column_A"), kw.get("column_B")
    keep = _PAIR_IGNORE_ROW.get(kw.get("ignore_row_if", "both_values_are_missing"))
    if not _flags(kw, "or_equal"):
        return None
    for family in ((NumericType,), _TEMPORAL):
        a, b = (_column(n, schema, *family) for n in names)
        if a is not None and b is not None and keep is not None:
            condition = (a >= b) | a.eqNullSafe(b) if kw.get("or_equal") else a > b
            return _unexpected(keep(a, b), condition)
    return None


def _row_count(kw: Kwargs, schema: Schema, now: datetime) -> Column | None:
    if not _flags(kw, "strict_min", "strict_max"):
        return None
    (ok_low, low), (ok_high, high) = (_bound(kw.get(k), False, now) for k in _BOUNDS)
    if not (ok_low and ok_high):
        return None
    rows = F.count(F.lit(1))
    checks = [F.lit(True)]
    if low is not None:
        checks.append(rows > low if kw.get("strict_min") else rows >= low)
    if high is not None:
        checks.append(rows < high if kw.get("strict_max") else rows <= high)
    return F.when(_all(checks), 0).otherwise(1)


def _column_set(kw: Kwargs, schema: Schema, now: datetime) -> Column | None:
    expected = kw.get("column_set")
    exact = kw.get("exact_match", True)
    if not isinstance(expected, list) or not isinstance(exact, bool):
        return None
    actual = set(schema)
    matches = actual == set(expected) if exact else set(expected) <= actual
    return F.lit(0 if matches else 1)


_TEMPORAL: tuple[type[DataType], ...] = (DateType, TimestampType, TimestampNTZType)
_BOUNDS = ("min_value", "max_value")
# type -> (compiler, the kwargs it understands); any other kwarg leaves the expectation to GX.
_COMPILERS: dict[str, tuple[_Compiler, frozenset[str]]] = {
    "expect_column_values_to_not_be_null": (_not_null, frozenset({"column"})),
    "expect_column_values_to_be_in_set": (_in_set, frozenset({"column", "value_set"})),
    "expect_column_values_to_match_regex": (_regex, frozenset({"column", "regex"})),
    "expect_column_values_to_be_between": (
        _between,
        frozenset({"column", *_BOUNDS, "strict_min", "strict_max"}),
    ),
    "expect_column_values_to_be_unique": (_unique, frozenset({"column"})),
    "expect_compound_columns_to_be_unique": (
        _compound_unique,
        frozenset({"column_list", "ignore_row_if"}),
    ),
    "expect_column_pair_values_a_to_be_greater_than_b": (
        _a_greater_than_b,
        frozenset({"column_A", "column_B", "or_equal", "ignore_row_if"}),
    ),
    ROW_COUNT: (
        _row_count,
        frozenset({*_BOUNDS, "strict_min", "strict_max"}),
    ),
    COLUMN_SET: (_column_set, frozenset({"column_set", "exact_match"})),
}


def compile_expectation(
    expectation: Mapping[str, Any], schema: StructType, now: datetime
) -> Column | None:
    """An aggregate counting the rows that may break ``expectation`` (0: it passed), or
    None when GX must evaluate it."""
    entry = _COMPILERS.get(str(expectation.get("type")))
    kwargs = expectation.get("kwargs") or {}
    if entry is None or not isinstance(kwargs, Mapping):
        return None
    compiler, known = entry
    if set(kwargs) - known - _COMMON or kwargs.get("mostly", 1) != 1:
        return None
    return compiler(kwargs, {f.name: f.dataType for f in schema.fields}, now)


def _query(df: DataFrame, query: str, view: str) -> int:
    """1 if GX's ``unexpected_rows_query`` returns a row (GX formats ``{batch}`` into the
    name of a temp view of the batch and counts the rows), else 0."""
    df.createOrReplaceTempView(view)
    try:
        return 0 if df.sparkSession.sql(query.replace("{batch}", view)).isEmpty() else 1
    finally:
        df.sparkSession.catalog.dropTempView(view)


_SUITE_KEYS = frozenset({"name", "meta", "notes", "expectations", "id"})
_EXPECTATION_KEYS = frozenset({"type", "kwargs", "meta", "severity", "description", "id", "notes"})
_OPTIONAL_TEXT = ("name", "description", "id")


def _plain(doc: Mapping[str, Any], keys: frozenset[str]) -> bool:
    """Only keys GX's models take, each of the JSON type they take."""
    return (
        set(doc) <= keys
        and isinstance(doc.get("meta") or {}, Mapping)
        and all(isinstance(doc.get(k) or "", str) for k in _OPTIONAL_TEXT)
        and isinstance(doc.get("notes") or "", str | list)
    )


def understood(doc: Mapping[str, Any], schema: StructType) -> bool:
    """Whether a suite document holds only expectations this module evaluates, with options
    of the types it checks. Such a suite loads in GX (``tests/quality/test_native.py`` loads
    every kind), so a job need not import GX (seconds) to check it; anything else is
    checked by GX itself. Without an active Spark session (the compiled checks are Spark
    columns) the answer is False: GX checks it."""
    expectations = doc.get("expectations")
    if SparkSession.getActiveSession() is None:
        return False
    if not _plain(doc, _SUITE_KEYS) or not isinstance(expectations, list):
        return False
    now = datetime.now().astimezone()
    for expectation in expectations:
        if not isinstance(expectation, Mapping) or not _plain(expectation, _EXPECTATION_KEYS):
            return False
        query = queries([expectation])
        if not query and compile_expectation(expectation, schema, now) is None:
            return False
        if query and "{batch}" not in query[0]:
            return False
    return True


def compile_suite(
    expectations: Sequence[Mapping[str, Any]], schema: StructType, now: datetime
) -> dict[int, Column]:
    """Compiled aggregates by expectation index; the rest is left to GX."""
    out = {}
    for i, expectation in enumerate(expectations):
        aggregate = compile_expectation(expectation, schema, now)
        if aggregate is not None:
            out[i] = aggregate
    return out


def queries(expectations: Sequence[Mapping[str, Any]]) -> dict[int, str]:
    """``unexpected_rows_expectation`` queries run as they are, by index. A query with
    braces besides ``{batch}`` (GX's parameters, escaped braces) is left to GX."""
    out = {}
    for i, expectation in enumerate(expectations):
        kwargs = expectation.get("kwargs") or {}
        query = kwargs.get("unexpected_rows_query") if isinstance(kwargs, Mapping) else None
        if (
            expectation.get("type") == QUERY
            and set(kwargs) == {"unexpected_rows_query"}
            and isinstance(query, str)
            and "{" not in query.replace("{batch}", "")
            and "}" not in query.replace("{batch}", "")
        ):
            out[i] = query
    return out


def evaluate(
    df: DataFrame, expectations: Sequence[Mapping[str, Any]], now: datetime
) -> tuple[dict[int, int], int]:
    """Counts of possibly unexpected rows by index of every expectation evaluated here (one
    aggregation, plus one job per query), and the row count."""
    compiled = compile_suite(expectations, df.schema, now)
    aggregates = [F.count(F.lit(1)).alias(ROWS)]
    aggregates += [c.alias(f"e{i}") for i, c in compiled.items()]
    row = df.agg(*aggregates).first()  # one row of counts
    assert row is not None
    counts = {i: int(row[f"e{i}"]) for i in compiled}
    for i, query in queries(expectations).items():
        counts[i] = _query(df, query, f"{VIEW}_{uuid.uuid4().hex[:12]}")
    return counts, int(row[ROWS])
