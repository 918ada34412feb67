"""bronze -> silver: conformed entities with time partitions and, where the contract
asks, enrichment from reference data; MERGE into the silver Delta table."""

from __future__ import annotations

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from gluelake import logs
from gluelake.columns import MESSAGES, REASONS, RUN_LINEAGE
from gluelake.contracts.tables import bronze_columns, quarantine_table, zone_table
from gluelake.errors import ConfigError
from gluelake.io import tables
from gluelake.io.tables import MergePolicy
from gluelake.pipelines.stage import StageContext, StageResult, publish_upsert, reconcile
from gluelake.transforms.conform import add_time_partitions
from gluelake.transforms.enrich import enrich_with_factors
from gluelake.transforms.lineage import add_run_lineage
from gluelake.transforms.quarantine import has_reasons, record_as_json, to_quarantine
from gluelake.transforms.shape import conform_to_table

log = logs.get_logger(__name__)


def _read_bronze(spark: SparkSession, ctx: StageContext, dataset: str) -> DataFrame:
    contract = ctx.contracts.get(dataset)
    if contract is None:
        raise ConfigError(f"{ctx.contract.file}: reference dataset {dataset!r} has no contract")
    table = zone_table(contract, "bronze")
    return tables.read_table(spark, ctx.layout.table(table), table)


def run(spark: SparkSession, ctx: StageContext) -> StageResult:
    c, run_info = ctx.contract, ctx.run
    table, q_table = zone_table(c, "silver"), quarantine_table(c, "silver")
    lineage = list(RUN_LINEAGE)
    record_columns = [col.name for col in bronze_columns(c) if col.name not in lineage]

    with logs.step(log, "read", dataset=c.name, zone="bronze") as done:
        bronze = _read_bronze(spark, ctx, c.name).drop(*lineage)
        rows_read = bronze.count()  # from the table itself, before any join
        done.update(rows=rows_read)

    conformed = bronze.transform(add_time_partitions, event_time=c.event_time)
    if c.enrichment is not None:
        factors = _read_bronze(spark, ctx, c.enrichment.reference)
        conformed = conformed.transform(
            enrich_with_factors,
            factors=factors,
            spec=c.enrichment,
            keys=c.primary_key,
            event_time=c.event_time,
        )
    else:
        conformed = conformed.withColumns(
            {REASONS: F.array().cast("array<string>"), MESSAGES: F.array().cast("array<string>")}
        )
    # The one cache: the join and its windows run once; both outputs are projections of it.
    checked = conformed.cache()

    silver = (
        checked.filter(~has_reasons())
        .transform(add_run_lineage, run=run_info)
        .transform(conform_to_table, table=table)
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
    result = reconcile(
        StageResult(
            stage="bronze_to_silver",
            dataset=c.name,
            run_id=run_info.run_id,
            rows_read=rows_read,
            accepted=n_written,
            quarantined=n_quarantined,
            duplicates_dropped=0,
        )
    )
    # Silver is rebuilt from the whole of bronze: a row changes when anything it was
    # computed from changed (a restated factor too), and a key that no longer passes
    # (now quarantined, or gone from bronze) is removed.
    data_columns = tuple(col.name for col in table.all_columns if col.name not in lineage)
    policy = MergePolicy(keys=c.primary_key, changed=data_columns, delete_missing=True)
    published = publish_upsert(spark, ctx, result, (silver, table), (quarantined, q_table), policy)
    checked.unpersist()
    return published
