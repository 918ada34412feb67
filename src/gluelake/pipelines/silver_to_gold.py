"""silver -> gold: the contract's aggregates (and year-over-year tables) as Snappy Parquet
partitioned year=/month=, each replacing only the partitions it recomputes."""

from __future__ import annotations

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from gluelake import logs
from gluelake.columns import GROUP_ROWS
from gluelake.contracts.tables import TableSpec, aggregate_tables, zone_table
from gluelake.io import tables
from gluelake.pipelines.reconcile import Count, balance
from gluelake.pipelines.stage import StageContext, StageResult, pass_gate
from gluelake.runs.record import InputTable
from gluelake.transforms.aggregate import aggregate, filtered, year_over_year
from gluelake.transforms.lineage import add_run_lineage
from gluelake.transforms.shape import conform_to_table

log = logs.get_logger(__name__)


def run(spark: SparkSession, ctx: StageContext) -> StageResult:
    c, run_info = ctx.contract, ctx.run
    silver_table = zone_table(c, "silver")
    specs = {t.name: t for t in aggregate_tables(c)}

    with logs.step(log, "read", dataset=c.name, zone="silver") as done:
        # Not cached: counting a table scans no columns, and each aggregate reads only its own.
        silver_path = ctx.layout.table(silver_table)
        ctx.recorder.input_tables.append(
            InputTable(f"silver/{silver_table.name}", tables.delta_version(spark, silver_path))
        )
        silver = tables.read_table(spark, silver_path, silver_table)
        rows_read = silver.count()
        done.update(rows=rows_read)

    outputs: list[tuple[TableSpec, DataFrame]] = []
    groups: dict[str, int] = {}  # rows each gold table gets: one per group
    for agg in c.aggregates:
        grouped = silver.transform(aggregate, agg=agg, group_rows=GROUP_ROWS).cache()
        # Every silver row (that the filter keeps) lands in exactly one group.
        totals = grouped.agg(
            F.sum(GROUP_ROWS).alias("rows"), F.count(F.lit(1)).alias("groups")
        ).first()
        assert totals is not None  # a global aggregate always has one row
        expected = rows_read if agg.filter is None else silver.transform(filtered, agg=agg).count()
        balance(
            f"silver_to_gold {c.name}.{agg.name}",
            Count("read from silver" + (" passing the filter" if agg.filter else ""), expected),
            [Count("counted into the groups", int(totals["rows"] or 0))],
        )
        outputs.append((specs[agg.name], grouped))
        groups[agg.name] = int(totals["groups"])
        if agg.year_over_year:
            outputs.append((specs[f"{agg.name}_yoy"], grouped.transform(year_over_year, agg=agg)))
            groups[f"{agg.name}_yoy"] = groups[agg.name]  # one row per group, prior or not

    shaped = [
        (
            spec,
            df.transform(add_run_lineage, run=run_info)
            .transform(conform_to_table, table=spec)
            .cache(),
        )
        for spec, df in outputs
    ]
    for spec, df in shaped:
        pass_gate(ctx, df, spec)
    written = in_tables = 0
    with logs.step(log, "write", dataset=c.name, zone="gold") as done:
        for spec, df in shaped:
            path = ctx.layout.table(spec)
            tables.overwrite_partitions(df, path=path, table=spec, every_partition=ctx.full_refresh)
            # Counted from the table (Parquet keeps no commit metrics): this run's rows.
            landed = tables.rows_from_run(spark, path, spec, run_info.run_id)
            balance(
                f"silver_to_gold {c.name}.{spec.name}",
                Count("groups aggregated", groups[spec.name]),
                [Count("rows the table holds from this run", landed)],
            )
            written += landed
            in_tables += tables.row_count(spark, path, spec)
        done.update(tables=len(shaped), rows=written)
    for df in [*(d for _, d in outputs), *(d for _, d in shaped)]:
        df.unpersist()
    # Gold replaces whole partitions: every row written counts as inserted. Every silver
    # row is accepted into each aggregate's groups (checked per aggregate above).
    return StageResult(
        stage="silver_to_gold",
        dataset=c.name,
        run_id=run_info.run_id,
        rows_read=rows_read,
        accepted=rows_read,
        quarantined=0,
        duplicates_dropped=0,
        inserted=written,
        rows_in_table=in_tables,
    )
