"""raw -> bronze: enforce the contract, quarantine what breaks it, mask PII, deduplicate,
stamp lineage, MERGE into the bronze Delta table."""

from __future__ import annotations

from pyspark.sql import SparkSession

from gluelake import logs
from gluelake.columns import SOURCE_FILE
from gluelake.contracts.tables import quarantine_table, zone_table
from gluelake.errors import SourceError
from gluelake.io import raw
from gluelake.io.tables import MergePolicy
from gluelake.pipelines.stage import StageContext, StageResult, publish_upsert, reconcile
from gluelake.transforms.dedup import deduplicate
from gluelake.transforms.enforce import enforce_contract, field_names
from gluelake.transforms.lineage import add_run_lineage
from gluelake.transforms.pii import mask_pii
from gluelake.transforms.quarantine import has_reasons, to_quarantine
from gluelake.transforms.shape import conform_to_table

log = logs.get_logger(__name__)


def run(spark: SparkSession, ctx: StageContext) -> StageResult:
    c, run_info = ctx.contract, ctx.run
    table, q_table = zone_table(c, "bronze"), quarantine_table(c, "bronze")

    with logs.step(log, "read", dataset=c.name, zone="raw") as done:
        source = raw.read_raw(spark, ctx.layout, c, ingest_dates=ctx.ingest_dates).cache()
        rows_read = raw.count_records(source, c, ctx.layout)
        # A small distinct list of field names; needed to fail fast on a missing column.
        present = {r["name"] for r in source.transform(field_names).collect()}
        done.update(rows=rows_read, fields=len(present))
    missing = [col.name for col in c.columns if not col.nullable and col.name not in present]
    if present and missing:
        raise SourceError(
            c.name,
            ctx.layout.raw(c),
            f"required column(s) {missing} absent from every record (contract {c.file})",
        )

    checked = (
        source.transform(enforce_contract, contract=c, now=run_info.started_at)
        .transform(mask_pii, contract=c, key=ctx.pii_key)
        .cache()
    )
    valid = checked.filter(~has_reasons())
    bronze = (
        valid.transform(
            deduplicate, keys=c.primary_key, order_by=c.order_by, tiebreak=[SOURCE_FILE]
        )
        .transform(add_run_lineage, run=run_info)
        .transform(conform_to_table, table=table)
        .cache()
    )
    quarantined = (
        checked.filter(has_reasons())
        .transform(to_quarantine)
        .transform(add_run_lineage, run=run_info)
        .transform(conform_to_table, table=q_table)
        .cache()
    )
    with logs.step(log, "enforce", dataset=c.name) as done:
        n_valid, n_written, n_quarantined = valid.count(), bronze.count(), quarantined.count()
        done.update(valid=n_valid, written=n_written, quarantined=n_quarantined)
    result = reconcile(
        StageResult(
            stage="raw_to_bronze",
            dataset=c.name,
            run_id=run_info.run_id,
            rows_read=rows_read,
            accepted=n_written,
            quarantined=n_quarantined,
            duplicates_dropped=n_valid - n_written,
        )
    )
    # Latest by the contract's ordering wins; on a tie the later-delivered file does,
    # as in dedup. A re-run of the same files therefore changes nothing.
    policy = MergePolicy(keys=c.primary_key, newer_by=(*c.order_by, SOURCE_FILE))
    published = publish_upsert(spark, ctx, result, (bronze, table), (quarantined, q_table), policy)
    for df in (source, checked, bronze, quarantined):
        df.unpersist()
    return published
