"""bronze -> silver: conformed entities with time partitions, enriched as the contract
declares (join steps, derived columns, rules); MERGE into the silver Delta table."""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from gluelake import logs
from gluelake.columns import HISTORY, RESCUED, RUN_LINEAGE, SOURCE_FILE
from gluelake.contracts.fingerprint import table_fingerprint
from gluelake.contracts.model import JoinStep
from gluelake.contracts.tables import TableSpec, bronze_columns, quarantine_table, zone_table
from gluelake.errors import ConfigError
from gluelake.io import raw, tables
from gluelake.io.tables import HistoryPolicy, MergePolicy
from gluelake.pipelines import incremental
from gluelake.pipelines.incremental import Input
from gluelake.pipelines.stage import (
    CONTRACT_VERSION_PROPERTY,
    SCHEMA_PROPERTY,
    StageContext,
    StageResult,
    check_contract,
    publish_upsert,
    reconcile,
    record_reasons,
)
from gluelake.transforms.conform import add_history_columns, add_time_partitions
from gluelake.transforms.enrich import (
    add_derived,
    apply_rules,
    as_of,
    dependants,
    lookup,
    start_reasons,
)
from gluelake.transforms.lineage import add_run_lineage
from gluelake.transforms.quarantine import has_reasons, record_as_json, to_quarantine
from gluelake.transforms.shape import conform_to_table

log = logs.get_logger(__name__)


# A reference stored at most this large is broadcast to every executor (a step may say
# ``broadcast: true|false`` instead). Stored bytes, not rows: known without a Spark job.
BROADCAST_MAX_BYTES = 32 * 1024 * 1024


STAGE = "bronze_to_silver"


def _zone_table(ctx: StageContext, dataset: str, zone: str) -> TableSpec:
    contract = ctx.contracts.get(dataset)
    if contract is None:
        raise ConfigError(f"{ctx.contract.file}: reference dataset {dataset!r} has no contract")
    return zone_table(contract, zone)


def _reference(
    spark: SparkSession, ctx: StageContext, step: JoinStep, ref: Input
) -> tuple[DataFrame, bool | None]:
    """The step's reference table and whether to broadcast it (None: Spark decides)."""
    df = incremental.read(spark, ref)
    if step.broadcast != "auto":
        return df, step.broadcast == "always"
    size = tables.stored_bytes(spark, ref.path, ref.table)
    log.info("reference size", extra={"step": step.name, "bytes": size})
    return df, (None if size is None else size <= BROADCAST_MAX_BYTES)


def _join(
    spark: SparkSession, ctx: StageContext, df: DataFrame, steps: Sequence[tuple[JoinStep, Input]]
) -> DataFrame:
    out = df.transform(start_reasons)
    for step, ref in steps:
        reference, broadcast = _reference(spark, ctx, step, ref)
        if step.kind == "lookup":
            out = out.transform(lookup, reference=reference, step=step, broadcast=broadcast)
        else:
            out = out.transform(as_of, reference=reference, step=step, broadcast=broadcast)
    return out


def _enrich(
    spark: SparkSession, ctx: StageContext, df: DataFrame, refs: Sequence[Input]
) -> DataFrame:
    c = ctx.contract
    out = _join(spark, ctx, df, list(zip(c.joins, refs, strict=True)))
    return out.transform(add_derived, columns=c.derived).transform(apply_rules, rules=c.rules)


def _silver_problem(spark: SparkSession, ctx: StageContext, table: TableSpec) -> str | None:
    """Why silver cannot be updated incrementally (new, or written under another contract
    version or shape: every row must be recomputed), or None."""
    props = tables.table_properties(spark, ctx.layout.table(table))
    if props is None:
        return f"silver table {table.name} does not exist yet"
    version, shape = props.get(CONTRACT_VERSION_PROPERTY), props.get(SCHEMA_PROPERTY)
    if version != str(ctx.contract.version) or shape != table_fingerprint(table):
        return (
            f"silver table {table.name} was written under contract version {version}, "
            f"the contract is at version {ctx.contract.version}"
        )
    return None


def _affected_keys(
    spark: SparkSession,
    ctx: StageContext,
    found: incremental.Plan,
    bronze: tuple[Input, DataFrame],
    refs: Sequence[Input],
) -> tuple[DataFrame, int]:
    """The primary keys to recompute (cached) and how many: keys whose bronze row changed,
    and keys whose rows used — or will use — a changed reference row."""
    c = ctx.contract
    source, rows = bronze
    keys = list(c.primary_key)
    parts: list[DataFrame] = []
    own = incremental.changes(spark, source, found)
    if own is not None:
        parts.append(own.select(*keys))
    steps = list(zip(c.joins, refs, strict=True))
    for j, (step, ref) in enumerate(steps):
        changed = incremental.changes(spark, ref, found)
        if changed is None:
            continue
        facts = rows
        if any(this not in rows.columns for this, _ in step.on):
            # A later hop joins on what earlier steps selected: take them from the
            # current references first.
            facts = _join(spark, ctx, rows, steps[:j])
        parts.append(facts.transform(dependants, changed=changed, step=step).select(*keys))
    if not parts:
        empty = spark.createDataFrame([], rows.select(*keys).schema)
        return empty, 0
    scope = reduce(DataFrame.unionByName, parts).distinct().cache()
    return scope, scope.count()


def run(spark: SparkSession, ctx: StageContext) -> StageResult:
    c, run_info = ctx.contract, ctx.run
    table, q_table = zone_table(c, "silver"), quarantine_table(c, "silver")
    lineage = list(RUN_LINEAGE)
    record_columns = [col.name for col in bronze_columns(c) if col.name not in lineage]

    check_contract(spark, ctx, [table, q_table])
    own = incremental.pin(spark, ctx, _zone_table(ctx, c.name, "bronze"))
    refs = [incremental.pin(spark, ctx, _zone_table(ctx, s.dataset, s.zone)) for s in c.joins]
    found = incremental.plan(ctx, STAGE, [own, *refs], _silver_problem(spark, ctx, table))
    bronze = incremental.read(spark, own).drop(*lineage)
    scope: DataFrame | None = None
    if found.incremental:
        affected = incremental.probe(
            ctx, STAGE, lambda: _affected_keys(spark, ctx, found, (own, bronze), refs)
        )
        if affected is not None:
            scope, n_keys = affected
            logs.event(log, "incremental.keys", dataset=c.name, keys=n_keys)
            if n_keys == 0:
                return _unchanged(spark, ctx, table)
            bronze = bronze.join(scope, list(c.primary_key), "left_semi")
    with logs.step(log, "read", dataset=c.name, zone="bronze") as done:
        rows_read = bronze.count()  # from the table itself, before any join
        done.update(rows=rows_read, incremental=scope is not None)

    conformed = bronze
    if c.event_time is not None:
        conformed = conformed.transform(add_time_partitions, event_time=c.event_time)
    conformed = _enrich(spark, ctx, conformed, refs)
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
            stage=STAGE,
            dataset=c.name,
            run_id=run_info.run_id,
            rows_read=rows_read,
            accepted=n_written,
            quarantined=n_quarantined,
            duplicates_dropped=0,
        ),
        source="bronze",
    )
    # Silver is rebuilt from bronze — all of it, or the keys in scope: a row changes when
    # anything it was computed from changed (a restated factor too), and a key that no
    # longer passes (now quarantined, or gone from bronze) is removed.
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
    published = publish_upsert(
        spark, ctx, result, (silver, table), (quarantined, q_table), policy, scope=scope
    )
    checked.unpersist()
    if scope is not None:
        scope.unpersist()
    return published


def _unchanged(spark: SparkSession, ctx: StageContext, table: TableSpec) -> StageResult:
    """Nothing the silver rows were computed from changed: nothing to read or write."""
    return StageResult(
        stage=STAGE, dataset=ctx.contract.name, run_id=ctx.run.run_id, rows_read=0,
        accepted=0, quarantined=0, duplicates_dropped=0,
        rows_in_table=tables.row_count(spark, ctx.layout.table(table), table),
    )  # fmt: skip
