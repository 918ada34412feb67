"""silver -> gold: the contract's aggregates (and year-over-year tables) as Snappy Parquet
partitioned year=/month=. An incremental run recomputes only the partitions whose silver
rows changed since the last run (late data corrects exactly its months); tables without
time partitions, and any run that cannot tell what changed, are recomputed whole."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from gluelake import logs
from gluelake.columns import GROUP_ROWS, MONTH, YEAR
from gluelake.contracts.model import Aggregate
from gluelake.contracts.tables import TableSpec, aggregate_tables, zone_table
from gluelake.io import tables
from gluelake.pipelines import incremental
from gluelake.pipelines.incremental import Input
from gluelake.pipelines.reconcile import Count, balance
from gluelake.pipelines.stage import StageContext, StageResult, pass_gate
from gluelake.transforms.aggregate import (
    Partition,
    aggregate,
    filtered,
    in_partitions,
    year_over_year,
    years_around,
)
from gluelake.transforms.lineage import add_run_lineage
from gluelake.transforms.shape import conform_to_table

log = logs.get_logger(__name__)

STAGE = "silver_to_gold"


@dataclass(frozen=True)
class Output:
    table: TableSpec
    rows: DataFrame
    partitions: set[Partition] | None  # the partitions it replaces; None: the whole table


def _gold_problem(spark: SparkSession, ctx: StageContext, specs: Iterable[TableSpec]) -> str | None:
    """Why gold cannot be updated partition by partition (a table is new or has other
    columns than the contract now declares), or None."""
    for spec in specs:
        found = tables.stored_columns(spark, ctx.layout.table(spec), spec)
        if found is None:
            return f"gold table {spec.name} does not exist yet"
        if set(found) != {c.name for c in spec.all_columns}:
            return f"gold table {spec.name} has other columns than the contract declares"
    return None


def _touched(
    spark: SparkSession, found: incremental.Plan, silver: Input, columns: list[str]
) -> set[Partition]:
    """The time partitions (year/month values) of every silver row changed since the last
    run — before and after the change, so a row that moved month touches both."""
    changed = incremental.changes(spark, silver, found)
    if changed is None:
        return set()
    if not columns:  # no time columns: any change touches the one whole table
        return set() if changed.isEmpty() else {()}
    rows = changed.select(*columns).distinct().collect()  # bounded: distinct partitions
    return {tuple((n, r[n]) for n in columns) for r in rows}


def _project(partitions: Iterable[Partition], names: list[str]) -> set[Partition]:
    return {tuple((n, v) for n, v in p if n in names) for p in partitions}


def _outputs(
    silver: DataFrame, agg: Aggregate, specs: dict[str, TableSpec], touched: set[Partition] | None
) -> tuple[list[Output], DataFrame, set[Partition] | None]:
    """The aggregate's tables (and what each replaces), the silver rows it read and the
    partitions those are (None: all of silver)."""
    spec = specs[agg.name]
    names = [p.name for p in spec.partitions]
    if touched is None or not names:
        grouped = silver.transform(aggregate, agg=agg, group_rows=GROUP_ROWS).cache()
        outputs = [Output(spec, grouped, None)]
        if agg.year_over_year:
            outputs.append(
                Output(specs[f"{agg.name}_yoy"], grouped.transform(year_over_year, agg=agg), None)
            )
        return outputs, silver, None
    own = _project(touched, names)
    # A period's year-over-year row needs the period a year earlier; a changed period
    # also changes the comparison a year later.
    read = years_around(own, before=1, after=1) if agg.year_over_year else own
    grouped = (
        silver.filter(in_partitions(read))
        .transform(aggregate, agg=agg, group_rows=GROUP_ROWS)
        .cache()
    )
    outputs = [Output(spec, grouped.filter(in_partitions(own)), own)]
    if agg.year_over_year:
        later = years_around(own, before=0, after=1)
        yoy = grouped.transform(year_over_year, agg=agg).filter(in_partitions(later))
        outputs.append(Output(specs[f"{agg.name}_yoy"], yoy, later))
    return outputs, silver.filter(in_partitions(own)), read


def _check_counts(c_name: str, agg: Aggregate, out: DataFrame, rows: DataFrame) -> int:
    """Every silver row the aggregate covers (that its filter keeps) lands in exactly one
    group, counted on both sides; returns the number of groups."""
    totals = out.agg(F.sum(GROUP_ROWS).alias("rows"), F.count(F.lit(1)).alias("groups")).first()
    assert totals is not None  # a global aggregate always has one row
    expected = rows.transform(filtered, agg=agg).count()
    balance(
        f"{STAGE} {c_name}.{agg.name}",
        Count("read from silver" + (" passing the filter" if agg.filter else ""), expected),
        [Count("counted into the groups", int(totals["rows"] or 0))],
    )
    return int(totals["groups"])


def run(spark: SparkSession, ctx: StageContext) -> StageResult:
    c, run_info = ctx.contract, ctx.run
    silver_table = zone_table(c, "silver")
    specs = {t.name: t for t in aggregate_tables(c)}

    source = incremental.pin(spark, ctx, silver_table)
    found = incremental.plan(ctx, STAGE, [source], _gold_problem(spark, ctx, specs.values()))
    # Not cached: counting a table scans no columns, and each aggregate reads only its own.
    silver = incremental.read(spark, source)
    touched: set[Partition] | None = None  # None: recompute everything
    if found.incremental:
        times = [n for n in (YEAR, MONTH) if n in silver.columns]
        touched = incremental.probe(ctx, STAGE, lambda: _touched(spark, found, source, times))
        if touched is not None:
            logs.event(
                log, "incremental.partitions", dataset=c.name,
                partitions=[dict(p) for p in sorted(touched, key=str)],
            )  # fmt: skip
            if not touched:
                return _unchanged(spark, ctx, specs.values())

    outputs: list[Output] = []
    reads: list[set[Partition] | None] = []
    groups: dict[str, int] = {}  # rows each gold table gets from this run: one per group
    for agg in c.aggregates:
        made, rows, read = _outputs(silver, agg, specs, touched)
        groups[agg.name] = _check_counts(c.name, agg, made[0].rows, rows)
        for o in made[1:]:  # year over year: one row per group, prior or not
            whole = o.partitions is None
            groups[o.table.name] = groups[agg.name] if whole else o.rows.count()
        outputs += made
        reads.append(read)
    with logs.step(log, "read", dataset=c.name, zone="silver") as done:
        every: set[Partition] = set().union(*(r for r in reads if r is not None))
        rows_read = (
            silver.count()
            if None in reads or not reads
            else silver.filter(in_partitions(every)).count()
        )
        done.update(rows=rows_read, incremental=touched is not None)

    shaped = [
        Output(
            o.table,
            o.rows.transform(add_run_lineage, run=run_info)
            .transform(conform_to_table, table=o.table)
            .cache(),
            o.partitions,
        )
        for o in outputs
    ]
    for o in shaped:
        gated = _published(spark, ctx, o)
        try:
            pass_gate(ctx, gated, o.table)
        finally:
            if gated is not o.rows:
                gated.unpersist()
    present = {id(o): _present(o) for o in shaped}
    written = in_tables = 0
    with logs.step(log, "write", dataset=c.name, zone="gold") as done:
        for o in shaped:
            path = ctx.layout.table(o.table)
            _write(spark, ctx, o, present[id(o)])
            # Counted from the table (Parquet keeps no commit metrics): this run's rows.
            landed, held = tables.rows_from_run(spark, path, o.table, run_info.run_id)
            balance(
                f"{STAGE} {c.name}.{o.table.name}",
                Count("groups aggregated", groups[o.table.name]),
                [Count("rows the table holds from this run", landed)],
            )
            written += landed
            in_tables += held
        done.update(tables=len(shaped), rows=written)
    for df in [*(o.rows for o in outputs), *(o.rows for o in shaped)]:
        df.unpersist()
    # Gold replaces whole partitions: every row written counts as inserted. Every silver
    # row read is accepted into each aggregate's groups (checked per aggregate above).
    return StageResult(
        stage=STAGE,
        dataset=c.name,
        run_id=run_info.run_id,
        rows_read=rows_read,
        accepted=rows_read,
        quarantined=0,
        duplicates_dropped=0,
        inserted=written,
        rows_in_table=in_tables,
    )


def _published(spark: SparkSession, ctx: StageContext, o: Output) -> DataFrame:
    """The table as it will be after the write: the gate sees all of it (gold is small),
    so table-wide rules — unique groups, totals that reconcile with silver — still hold
    when only some partitions are recomputed."""
    if o.partitions is None:
        return o.rows
    kept = tables.read_table(spark, ctx.layout.table(o.table), o.table)
    kept = kept.filter(~in_partitions(o.partitions))
    return kept.select(*o.rows.columns).unionByName(o.rows).cache()


def _present(o: Output) -> set[Partition]:
    """The partitions an incremental output has rows for (empty for a whole table)."""
    if o.partitions is None:
        return set()
    names = [p.name for p in o.table.partitions]
    rows = o.rows.select(*names).distinct().collect()  # bounded: distinct partitions
    return {tuple((n, r[n]) for n in names) for r in rows}


def _write(spark: SparkSession, ctx: StageContext, o: Output, present: set[Partition]) -> None:
    """Replace the output's partitions (a recomputed partition without rows any more is
    removed), or the whole table."""
    path = ctx.layout.table(o.table)
    if o.partitions is None:
        tables.overwrite_partitions(o.rows, path=path, table=o.table, every_partition=True)
        return
    if present:
        tables.overwrite_partitions(o.rows, path=path, table=o.table)
    emptied = o.partitions - present
    if emptied:
        tables.drop_partitions(spark, path, o.table, [dict(p) for p in emptied])
    logs.event(
        log, "gold.partitions", table=o.table.name, replaced=len(present), removed=len(emptied)
    )


def _unchanged(spark: SparkSession, ctx: StageContext, specs: Iterable[TableSpec]) -> StageResult:
    """No silver row changed since the last run: nothing to read or write."""
    return StageResult(
        stage=STAGE, dataset=ctx.contract.name, run_id=ctx.run.run_id, rows_read=0,
        accepted=0, quarantined=0, duplicates_dropped=0,
        rows_in_table=sum(tables.row_count(spark, ctx.layout.table(s), s) for s in specs),
    )  # fmt: skip
