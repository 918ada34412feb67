"""What a stage is given and what it returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

from pyspark.sql import DataFrame, SparkSession

from gluelake import logs
from gluelake.contracts.model import DatasetContract
from gluelake.contracts.tables import TableSpec
from gluelake.errors import ReconciliationError
from gluelake.io import tables
from gluelake.io.layout import LakeLayout
from gluelake.quality.gate import Gate, require_pass
from gluelake.run import RunInfo

log = logs.get_logger(__name__)


@dataclass(frozen=True)
class StageContext:
    contract: DatasetContract
    contracts: Mapping[str, DatasetContract]  # for reference datasets
    layout: LakeLayout
    run: RunInfo
    gate: Gate
    pii_key: bytes | None = None
    ingest_dates: tuple[str, ...] = ()


@dataclass(frozen=True)
class StageResult:
    """Row accounting of one run.

    ``rows_read = accepted + quarantined + duplicates_dropped`` is checked before anything
    is published. ``accepted`` rows were offered to the output table; of them this run
    ``inserted``, ``updated`` or left ``unchanged`` a row (from Delta's commit metrics where
    a MERGE ran), and ``deleted`` counts stored rows the run removed. ``rows_in_table`` is
    the size of the published set after the run (in gold: every aggregate table's rows)."""

    stage: str
    dataset: str
    run_id: str
    rows_read: int
    accepted: int
    quarantined: int
    duplicates_dropped: int
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    rows_in_table: int = 0

    def as_fields(self) -> dict[str, Any]:
        return asdict(self)


def reconcile(result: StageResult) -> StageResult:
    accounted = result.accepted + result.quarantined + result.duplicates_dropped
    if accounted != result.rows_read:
        raise ReconciliationError(
            f"{result.stage} {result.dataset}: read {result.rows_read} rows but accounted for "
            f"{accounted} (accepted {result.accepted} + quarantined {result.quarantined}"
            f" + duplicates {result.duplicates_dropped})"
        )
    return result


def pass_gate(ctx: StageContext, df: DataFrame, table: TableSpec) -> None:
    """Validate ``df`` as the next version of ``table``; raise before anything is written."""
    with logs.step(log, "gate", zone=table.zone, table=table.name) as done:
        outcome = ctx.gate.check(
            df, table=table, contract=ctx.contract, layout=ctx.layout, run=ctx.run
        )
        done.update(passed=outcome.passed, warnings=len(outcome.warnings))
    require_pass(outcome, table=table)


def publish_upsert(
    spark: SparkSession,
    ctx: StageContext,
    result: StageResult,
    data: tuple[DataFrame, TableSpec],
    quarantine: tuple[DataFrame, TableSpec],
    policy: tables.MergePolicy | tables.HistoryPolicy,
) -> StageResult:
    """Gate, then MERGE the rows into the zone's Delta table and add new quarantine rows.
    Returns ``result`` with this run's write counts and the published table's size."""
    (df, table), (q_df, q_table) = data, quarantine
    pass_gate(ctx, df, table)
    with logs.step(log, "write", dataset=ctx.contract.name, zone=table.zone) as done:
        path = ctx.layout.table(table)
        if isinstance(policy, tables.HistoryPolicy):
            metrics = tables.merge_history(spark, df, path=path, table=table, policy=policy)
        else:
            metrics = tables.merge_upsert(spark, df, path=path, table=table, policy=policy)
        q_metrics = tables.insert_new(spark, q_df, path=ctx.layout.table(q_table), key="record_id")
        done.update(
            inserted=metrics.inserted,
            updated=metrics.updated,
            deleted=metrics.deleted,
            quarantine_inserted=q_metrics.inserted,
        )
    if metrics.source_rows is not None and metrics.source_rows != result.accepted:
        raise ReconciliationError(
            f"{result.stage} {result.dataset}: counted {result.accepted} rows to write, "
            f"Delta received {metrics.source_rows}"
        )
    return replace(
        result,
        inserted=metrics.inserted,
        updated=metrics.updated,
        deleted=metrics.deleted,
        # A matched row the MERGE's condition left alone (older, or no column changed).
        unchanged=result.accepted - metrics.inserted - metrics.updated,
        rows_in_table=tables.row_count(spark, ctx.layout.table(table), table),
    )
