"""Enrichment (bronze -> silver) as the contract declares it: join steps to reference
tables (``lookup``, ``as_of``), derived columns and quarantine rules, all native Spark.

A row the step cannot enrich as declared keeps its columns and gets a reason in
``_reasons``: ``missing:<step>`` (no reference row, when the step quarantines misses) or
``ambiguous:<step>`` (more than one row matches: never fanned out)."""

from __future__ import annotations

from collections.abc import Sequence

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from gluelake.columns import MESSAGES, REASONS
from gluelake.contracts.expressions import expand
from gluelake.contracts.model import Derived, JoinStep, Rule
from gluelake.spark_types import spark_type
from gluelake.transforms.quarantine import issues_found

_N = "__matches"  # how many reference rows matched
_ROW = "__ref"  # the matched reference row's selected columns
_FROM, _TO = "__valid_from", "__valid_to"
_START, _END, _UNTIMED = "__period_start", "__period_end", "__untimed"


def _key(i: int) -> str:
    return f"__key{i}"


def start_reasons(df: DataFrame) -> DataFrame:
    """Empty reason and message lists, for steps to append to."""
    empty = F.array().cast("array<string>")
    return df.withColumns({REASONS: empty, MESSAGES: empty})


def _append(df: DataFrame, issues: list[Column]) -> DataFrame:
    """Append the non-null ``struct(code, message)`` issues to the row's reasons."""
    found = issues_found(issues)
    return df.withColumns(
        {
            REASONS: F.concat(F.col(REASONS), found.getField("code")),
            MESSAGES: F.concat(F.col(MESSAGES), found.getField("message")),
        }
    )


def _reference(reference: DataFrame, step: JoinStep) -> DataFrame:
    ref = reference if step.where is None else reference.filter(F.expr(expand(step.where)))
    # A null reference key never matches (SQL equality), so it cannot make a row ambiguous.
    for _, other in step.on:
        ref = ref.filter(F.col(other).isNotNull())
    return ref


def _hinted(ref: DataFrame, broadcast: bool | None) -> DataFrame:
    if broadcast is True:
        return F.broadcast(ref)
    if broadcast is False:
        return ref.hint("merge")  # keep Spark from broadcasting a table declared large
    return ref


def _selected(step: JoinStep) -> Column:
    return F.struct(*[F.col(s.column).alias(s.alias) for s in step.select])


def _on(step: JoinStep) -> Column:
    cond = F.lit(True)
    for i, (this, _) in enumerate(step.on):
        cond = cond & (F.col(this) == F.col(_key(i)))
    return cond


def _key_text(step: JoinStep) -> Column:
    parts: list[Column] = []
    for i, (this, _) in enumerate(step.on):
        sep = ", " if i else ""
        parts += [
            F.lit(f"{sep}{this}='"),
            F.coalesce(F.col(this).cast("string"), F.lit("")),
            F.lit("'"),
        ]
    return F.concat(*parts)


def _outcome(df: DataFrame, step: JoinStep, at: Column | None) -> DataFrame:
    """From ``_N``/``_ROW``: the selected columns, defaults and reasons."""
    n = F.col(_N)
    missing, ambiguous = n == 0, n > 1
    defaults = dict(step.defaults)
    values: dict[str, Column] = {}
    for s in step.select:
        value = F.when(n == 1, F.col(f"{_ROW}.{s.alias}"))
        if step.on_missing == "default" and s.alias in defaults:
            default = F.lit(defaults[s.alias]).cast(spark_type(s.type))
            value = value.when(missing, default)
        values[s.alias] = value
    when = [] if at is None else [F.lit(" valid at "), F.coalesce(at.cast("string"), F.lit("?"))]
    issues = [
        F.when(
            ambiguous,
            F.struct(
                F.lit(step.ambiguous_code).alias("code"),
                F.concat(
                    F.lit(f"{step.name}: "),
                    n.cast("string"),
                    F.lit(f" {step.dataset} rows match "),
                    _key_text(step),
                    *when,
                ).alias("message"),
            ),
        )
    ]
    if step.on_missing == "quarantine":
        issues.insert(
            0,
            F.when(
                missing,
                F.struct(
                    F.lit(step.missing_code).alias("code"),
                    F.concat(
                        F.lit(f"{step.name}: no {step.dataset} row for "), _key_text(step), *when
                    ).alias("message"),
                ),
            ),
        )
    return _append(df.withColumns(values), issues).drop(_N, _ROW)


def _join_reduced(
    df: DataFrame, reduced: DataFrame, on: Column, broadcast: bool | None
) -> DataFrame:
    """Left join to a reference reduced so that a row matches one of its rows at most:
    keeps how many reference rows matched (``_N``, 0 without a match) and ``_ROW``."""
    helpers = [c for c in reduced.columns if c not in (_N, _ROW)]
    joined = df.join(_hinted(reduced, broadcast), on, "left")
    return joined.withColumn(_N, F.coalesce(F.col(_N), F.lit(0))).drop(*helpers)


def lookup(
    df: DataFrame, *, reference: DataFrame, step: JoinStep, broadcast: bool | None
) -> DataFrame:
    """Equality join: each row gets the one reference row with its key. The reference is
    reduced to one row per key first (with the number of rows it had), so a row can
    never fan out and no window over the facts is needed."""
    ref = _reference(reference, step)
    per_key = ref.groupBy(
        *[F.col(other).alias(_key(i)) for i, (_, other) in enumerate(step.on)]
    ).agg(F.count(F.lit(1)).alias(_N), F.first(_selected(step)).alias(_ROW))
    return _outcome(_join_reduced(df, per_key, _on(step), broadcast), step, None)


def _periods(ref: DataFrame, keys: list[str]) -> DataFrame:
    """The reference cut, per key, into the periods between consecutive bounds of its
    versions (open ends included), each with how many versions are valid throughout it
    (``_N``) and one of them (``_ROW``). Periods do not overlap, so an event time falls in
    one at most; rows with ``_UNTIMED`` hold the versions open at both ends, which are the
    ones an event without a time matches. Bounded by the reference's size, not the facts'."""
    bound = F.explode(F.array(F.lit(None), F.col(_FROM), F.col(_TO)))  # null: an open end
    starts = ref.select(*keys, bound.alias(_START)).distinct()
    following = Window.partitionBy(*keys).orderBy(F.col(_START).asc_nulls_first())
    timed = starts.select(
        *keys, _START, F.lead(_START).over(following).alias(_END), F.lit(False).alias(_UNTIMED)
    )
    open_end = F.lit(None).cast(starts.schema[_START].dataType)
    untimed = (
        ref.select(*keys)
        .distinct()
        .select(*keys, open_end.alias(_START), open_end.alias(_END), F.lit(True).alias(_UNTIMED))
    )
    periods = timed.unionByName(untimed)
    # A version's bounds are among the cut points, so it covers a period whole or not at all.
    covers = (F.col(_FROM).isNull() | (F.col(_FROM) <= F.col(_START))) & (
        F.col(_TO).isNull() | (F.col(_TO) >= F.col(_END))
    )
    return (
        periods.join(ref, keys)
        .filter(covers)
        .groupBy(*keys, _START, _END, _UNTIMED)
        .agg(F.count(F.lit(1)).alias(_N), F.first(_ROW).alias(_ROW))
    )


def as_of(
    df: DataFrame,
    *,
    reference: DataFrame,
    step: JoinStep,
    broadcast: bool | None,
) -> DataFrame:
    """The reference row valid at the step's event time: ``valid_from <= t < valid_to``,
    either bound open when null. More than one valid version (overlapping versions) is
    ambiguous. The reference is cut into periods first (see ``_periods``), so a row never
    fans out and no window over the facts is needed."""
    assert step.event_time is not None  # filled in when the contract loads
    keys = [_key(i) for i in range(len(step.on))]
    ref = _reference(reference, step).select(
        *[F.col(other).alias(_key(i)) for i, (_, other) in enumerate(step.on)],
        F.col(step.valid_from).alias(_FROM),
        F.col(step.valid_to).alias(_TO),
        _selected(step).alias(_ROW),
    )
    t = F.col(step.event_time)
    start, end = F.col(_START), F.col(_END)
    within = (start.isNull() | (t >= start)) & (end.isNull() | (t < end))
    on = _on(step) & F.when(F.col(_UNTIMED), t.isNull()).otherwise(t.isNotNull() & within)
    return _outcome(_join_reduced(df, _periods(ref, keys), on, broadcast), step, t)


def add_derived(df: DataFrame, *, columns: Sequence[Derived]) -> DataFrame:
    """Each derived column in order (a later one may use an earlier one), cast to its type."""
    for d in columns:
        df = df.withColumn(d.name, F.expr(expand(d.expr)).cast(spark_type(d.type)))
    return df


def apply_rules(df: DataFrame, *, rules: Sequence[Rule]) -> DataFrame:
    """Quarantine reasons for rows where a rule's predicate is true (null is not true)."""
    if not rules:
        return df
    issues = [
        F.when(
            F.expr(expand(r.when)),
            F.struct(
                F.lit(r.reason).alias("code"),
                F.lit(r.message or f"{r.reason}: {r.when}").alias("message"),
            ),
        )
        for r in rules
    ]
    return _append(df, issues)


def dependants(df: DataFrame, *, changed: DataFrame, step: JoinStep) -> DataFrame:
    """The rows of ``df`` whose step result depends on a changed reference row: it has
    their key and (``as_of``) their validity period covers the row's event time.
    ``changed`` holds every image of the changed rows (Delta's pre- and post-images and
    deleted rows), so rows that used the old version and rows that will use the new one
    are both found."""
    cols = [F.col(other).alias(_key(i)) for i, (_, other) in enumerate(step.on)]
    on = _on(step)
    if step.kind == "as_of":
        assert step.event_time is not None  # filled in when the contract loads
        cols += [F.col(step.valid_from).alias(_FROM), F.col(step.valid_to).alias(_TO)]
        t = F.col(step.event_time)
        on = (
            on
            & (F.col(_FROM).isNull() | (t >= F.col(_FROM)))
            & (F.col(_TO).isNull() | (t < F.col(_TO)))
        )
    return df.join(changed.select(*cols).distinct(), on, "left_semi")
