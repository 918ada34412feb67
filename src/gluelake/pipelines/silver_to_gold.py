"""silver -> gold: the contract's aggregates (and year-over-year tables) as Snappy Parquet
partitioned year=/month=, each replacing only the partitions it recomputes."""

from __future__ import annotations

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from gluelake import logs
from gluelake.contracts.tables import TableSpec, aggregate_tables, zone_table
from gluelake.errors import ReconciliationError
from gluelake.io import tables
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
    for agg in c.aggregates:
        grouped = silver.transform(aggregate, agg=agg).cache()
        outputs.append((specs[agg.name], grouped))
        if agg.year_over_year:
            outputs.append((specs[f"{agg.name}_yoy"], grouped.transform(year_over_year, agg=agg)))
        count = next((m.name for m in agg.measures if m.fn == "count" and m.column is None), None)
        if count is not None:
            # Every silver row lands in exactly one group: the counts must add up.
            total = grouped.agg(F.sum(count)).first()
            counted = int(total[0] or 0) if total else 0
            # Filtered: the rows the filter keeps, counted on their own (silver is cached).
            expected = (
                rows_read if agg.filter is None else silver.transform(filtered, agg=agg).count()
            )
            if counted != expected:
                raise ReconciliationError(
                    f"silver_to_gold {c.name}.{agg.name}: silver has {expected} rows"
                    f"{' passing the filter' if agg.filter else ''}, groups count {counted}"
                )

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
            written += df.count()
            in_tables += tables.row_count(spark, path, spec)
        done.update(tables=len(shaped), rows=written)
    for df in [*(d for _, d in outputs), *(d for _, d in shaped)]:
        df.unpersist()
    # Gold replaces whole partitions: every row written counts as inserted.
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
