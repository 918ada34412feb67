"""bronze -> silver: conformed entities with time partitions, enriched as the contract
declares (join steps, derived columns, rules); MERGE into the silver Delta table."""

from __future__ import annotations

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from gluelake import logs
from gluelake.columns import HISTORY, RESCUED, RUN_LINEAGE, SOURCE_FILE
from gluelake.contracts.model import JoinStep
from gluelake.contracts.tables import bronze_columns, quarantine_table, zone_table
from gluelake.errors import ConfigError
from gluelake.io import raw, tables
from gluelake.io.tables import HistoryPolicy, MergePolicy
from gluelake.pipelines.stage import (
    StageContext,
    StageResult,
    check_contract,
    publish_upsert,
    reconcile,
    record_reasons,
)
from gluelake.runs.record import InputTable
from gluelake.transforms.conform import add_history_columns, add_time_partitions
from gluelake.transforms.enrich import add_derived, apply_rules, as_of, lookup, start_reasons
from gluelake.transforms.lineage import add_run_lineage
from gluelake.transforms.quarantine import has_reasons, record_as_json, to_quarantine
from gluelake.transforms.shape import conform_to_table

log = logs.get_logger(__name__)


# A reference stored at most this large is broadcast to every executor (a step may say
# ``broadcast: true|false`` instead). Stored bytes, not rows: known without a Spark job.
BROADCAST_MAX_BYTES = 32 * 1024 * 1024


def _read_zone(spark: SparkSession, ctx: StageContext, dataset: str, zone: str) -> DataFrame:
    contract = ctx.contracts.get(dataset)
    if contract is None:
        raise ConfigError(f"{ctx.contract.file}: reference dataset {dataset!r} has no contract")
    table = zone_table(contract, zone)
    path = ctx.layout.table(table)
    ctx.recorder.input_tables.append(
        InputTable(f"{zone}/{table.name}", tables.delta_version(spark, path))
    )
    return tables.read_table(spark, path, table)


def _reference(
    spark: SparkSession, ctx: StageContext, step: JoinStep
) -> tuple[DataFrame, bool | None]:
    """The step's reference table and whether to broadcast it (None: Spark decides)."""
    ref = ctx.contracts.get(step.dataset)
    if ref is None:
        raise ConfigError(
            f"{ctx.contract.file}: reference dataset {step.dataset!r} has no contract"
        )
    table = zone_table(ref, step.zone)
    df = tables.read_table(spark, ctx.layout.table(table), table)
    if step.broadcast != "auto":
        return df, step.broadcast == "always"
    size = tables.stored_bytes(spark, ctx.layout.table(table), table)
    log.info("reference size", extra={"step": step.name, "bytes": size})
    return df, (None if size is None else size <= BROADCAST_MAX_BYTES)


def _enrich(spark: SparkSession, ctx: StageContext, df: DataFrame) -> DataFrame:
    c = ctx.contract
    out = df.transform(start_reasons)
    for step in c.joins:
        reference, broadcast = _reference(spark, ctx, step)
        if step.kind == "lookup":
            out = out.transform(lookup, reference=reference, step=step, broadcast=broadcast)
        else:
            out = out.transform(
                as_of, reference=reference, step=step, keys=c.primary_key, broadcast=broadcast
            )
    return out.transform(add_derived, columns=c.derived).transform(apply_rules, rules=c.rules)


def run(spark: SparkSession, ctx: StageContext) -> StageResult:
    c, run_info = ctx.contract, ctx.run
    table, q_table = zone_table(c, "silver"), quarantine_table(c, "silver")
    lineage = list(RUN_LINEAGE)
    record_columns = [col.name for col in bronze_columns(c) if col.name not in lineage]

    check_contract(spark, ctx, [table, q_table])
    with logs.step(log, "read", dataset=c.name, zone="bronze") as done:
        bronze = _read_zone(spark, ctx, c.name, "bronze").drop(*lineage)
        rows_read = bronze.count()  # from the table itself, before any join
        done.update(rows=rows_read)

    conformed = bronze
    if c.event_time is not None:
        conformed = conformed.transform(add_time_partitions, event_time=c.event_time)
    conformed = _enrich(spark, ctx, conformed)
    checked = conformed.cache()

    passed = checked.filter(~has_reasons())
    if c.history == "scd2":
        passed = passed.transform(
            add_history_columns, delivered_at=raw.delivery_time(F.col(SOURCE_FILE))
        )
    silver = passed.transform(add_run_lineage, run=run_info).transform(
        conform_to_table, table=table
    )
    quarantined = (
        checked.filter(has_reasons())
        .transform(record_as_json, columns=record_columns)
        .transform(to_quarantine)
        .transform(add_run_lineage, run=run_info)
        .transform(conform_to_table, table=q_table)
    )
    with logs.step(log, "conform", dataset=c.name) as done:
        counts = checked.agg(
            F.count_if(~has_reasons()).alias("written"),
            F.count_if(has_reasons()).alias("quarantined"),
        ).first()
        assert counts is not None  # a global aggregate always has one row
        n_written, n_quarantined = int(counts["written"]), int(counts["quarantined"])
        done.update(written=n_written, quarantined=n_quarantined)
    # Bronze already holds one row per key, so silver drops no duplicates.
    record_reasons(ctx, quarantined)
    result = reconcile(
        StageResult(
            stage="bronze_to_silver",
            dataset=c.name,
            run_id=run_info.run_id,
            rows_read=rows_read,
            accepted=n_written,
            quarantined=n_quarantined,
            duplicates_dropped=0,
        ),
        source="bronze",
    )
    # Silver is rebuilt from the whole of bronze: a row changes when anything it was
    # computed from changed (a restated factor too), and a key that no longer passes
    # (now quarantined, or gone from bronze) is removed.
    data_columns = tuple(col.name for col in table.all_columns if col.name not in lineage)
    policy: MergePolicy | HistoryPolicy
    if c.history == "scd2":
        # History is never deleted; a version changes with the dataset's own values only
        # (not with which file or run brought them).
        framework = {SOURCE_FILE, RESCUED, *HISTORY}
        tracked = tuple(n for n in data_columns if n not in framework)
        valid_from, valid_to, is_current = HISTORY
        policy = HistoryPolicy(c.primary_key, tracked, valid_from, valid_to, is_current)
    else:
        policy = MergePolicy(keys=c.primary_key, changed=data_columns, delete_missing=True)
    published = publish_upsert(spark, ctx, result, (silver, table), (quarantined, q_table), policy)
    checked.unpersist()
    return published
