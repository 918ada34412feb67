"""raw -> bronze: enforce the contract, quarantine what breaks it, mask PII, deduplicate,
stamp lineage, MERGE into the bronze Delta table."""

from __future__ import annotations

from pyspark.sql import DataFrame, Row, SparkSession
from pyspark.sql import functions as F

from gluelake import logs
from gluelake.columns import DUPLICATE, REASONS, SOURCE_FILE
from gluelake.contracts.tables import quarantine_table, zone_table
from gluelake.errors import SourceError
from gluelake.io import raw, tables
from gluelake.io.tables import MergePolicy
from gluelake.pipelines import increments
from gluelake.pipelines.reconcile import Tally
from gluelake.pipelines.stage import (
    StageContext,
    StageResult,
    check_contract,
    check_pii_key,
    pii_key_pins,
    publish_upsert,
    reconcile,
    record_reasons,
)
from gluelake.transforms.dedup import drop_duplicates, mark_duplicates
from gluelake.transforms.enforce import (
    MALFORMED,
    enforce_contract,
    field_names,
    required_missing,
)
from gluelake.transforms.lineage import add_run_lineage
from gluelake.transforms.pii import mask_pii
from gluelake.transforms.quarantine import has_reasons, to_quarantine
from gluelake.transforms.shape import conform_to_table

log = logs.get_logger(__name__)


def _batch_counts(checked: DataFrame, required: list[str]) -> Row:
    """Every count the stage needs, in one pass over the checked batch: records valid and
    quarantined (each counted: reconciliation compares them with the source), parsed, and
    per required column the records without a value for it."""
    reasons = F.col(REASONS)
    row = checked.agg(
        F.count_if(~has_reasons()).alias("valid"),
        F.count_if(has_reasons()).alias("quarantined"),
        F.count_if(~F.array_contains(reasons, MALFORMED)).alias("parsed"),
        *[
            F.count_if(F.array_contains(reasons, required_missing(name))).alias(f"missing_{i}")
            for i, name in enumerate(required)
        ],
    ).first()
    assert row is not None  # a global aggregate always has one row
    return row


def run(spark: SparkSession, ctx: StageContext) -> StageResult:
    c, run_info = ctx.contract, ctx.run
    table, q_table = zone_table(c, "bronze"), quarantine_table(c, "bronze")
    check_contract(spark, ctx, [table, q_table])
    rotate = check_pii_key(spark, ctx, [table, q_table])
    required = [col.name for col in c.columns if not col.nullable]

    selection = increments.select(spark, ctx, rebuild=rotate or ctx.full_refresh)
    ctx.recorder.mode = selection.mode
    ctx.recorder.add_inputs(selection.read)
    if not selection.read:
        increments.commit(spark, ctx, selection)  # files seen again, content already in
        return _nothing_new(spark, ctx)

    # One cached frame: typed, masked columns and reasons. The raw text and field map are
    # not kept (wide, and personal); the masked record is built only for quarantined rows.
    source = raw.read_raw(spark, ctx.layout, c, files=[f.path for f in selection.read])
    tally = Tally()  # each side of the row accounting, counted where it happens
    checked = (
        tally.observe(source, "read")
        .transform(enforce_contract, contract=c, now=run_info.started_at)
        .transform(mask_pii, contract=c, key=ctx.pii_key, record_for=has_reasons())
        .cache()
    )
    with logs.step(log, "read", dataset=c.name, zone="raw") as done:
        with raw.source_errors(c, ctx.layout):
            counts = _batch_counts(checked, required)
        rows_read = tally.rows("read", passed=int(counts["valid"]) + int(counts["quarantined"]))
        done.update(rows=rows_read)
    # A required column missing from every parsed record may be absent from the source
    # altogether: only then is it worth listing the batch's field names to tell.
    suspects = [
        name
        for i, name in enumerate(required)
        if counts["parsed"] > 0 and counts[f"missing_{i}"] == counts["parsed"]
    ]
    if suspects:
        names = source.transform(field_names).collect()  # bounded: distinct field names
        present = {r["name"] for r in names}
        missing = [name for name in suspects if name not in present]
        if present and missing:
            raise SourceError(
                c.name,
                ctx.layout.raw(c),
                f"required column(s) {missing} absent from every record (contract {c.file})",
            )

    ranked = checked.filter(~has_reasons()).transform(
        mark_duplicates, keys=c.primary_key, order_by=c.order_by, tiebreak=[SOURCE_FILE]
    )
    bronze = (
        tally.observe(ranked, "duplicates", where=F.col(DUPLICATE))
        .transform(drop_duplicates)
        .transform(add_run_lineage, run=run_info)
        .transform(conform_to_table, table=table)
        .cache()
    )
    quarantined = (
        checked.filter(has_reasons())
        .transform(to_quarantine)
        .transform(add_run_lineage, run=run_info)
        .transform(conform_to_table, table=q_table)
    )
    with logs.step(log, "enforce", dataset=c.name) as done:
        n_valid, n_quarantined = int(counts["valid"]), int(counts["quarantined"])
        n_written = bronze.count()
        done.update(valid=n_valid, written=n_written, quarantined=n_quarantined)
    record_reasons(ctx, quarantined)
    result = StageResult(
        stage="raw_to_bronze",
        dataset=c.name,
        run_id=run_info.run_id,
        rows_read=rows_read,
        accepted=n_written,
        quarantined=n_quarantined,
        duplicates_dropped=tally.rows("duplicates", passed=n_valid),
    )
    reconcile(result, source="raw")
    # Latest by the contract's ordering wins; on a tie the later-delivered file does,
    # as in dedup. A re-run of the same files therefore changes nothing.
    policy = MergePolicy(keys=c.primary_key, newer_by=(*c.order_by, SOURCE_FILE))
    published = publish_upsert(
        spark, ctx, result, (bronze, table), (quarantined, q_table), policy,
        pins=pii_key_pins(ctx), rebuild=rotate,
    )  # fmt: skip
    for df in (checked, bronze):
        df.unpersist()
    # Only now: a run that dies before this line takes the same files in again next time.
    increments.commit(spark, ctx, selection)
    return published


def _nothing_new(spark: SparkSession, ctx: StageContext) -> StageResult:
    """No raw file this run has not taken in before: nothing is read, gated or written."""
    table = zone_table(ctx.contract, "bronze")
    path = ctx.layout.table(table)
    exists = tables.delta_exists(spark, path)
    return StageResult(
        stage="raw_to_bronze", dataset=ctx.contract.name, run_id=ctx.run.run_id,
        rows_read=0, accepted=0, quarantined=0, duplicates_dropped=0,
        rows_in_table=tables.row_count(spark, path, table) if exists else 0,
    )  # fmt: skip
