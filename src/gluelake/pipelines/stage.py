"""What a stage is given and what it returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from functools import partial
from typing import Any

from pyspark.sql import DataFrame, SparkSession

from gluelake import logs
from gluelake.columns import RECORD_ID
from gluelake.contracts.fingerprint import table_fingerprint
from gluelake.contracts.model import DatasetContract
from gluelake.contracts.tables import TableSpec
from gluelake.errors import ConfigError, ContractChangeError
from gluelake.io import tables
from gluelake.io.layout import LakeLayout
from gluelake.pipelines.reconcile import Count, balance
from gluelake.quality.gate import Gate, require_pass
from gluelake.run import RunInfo
from gluelake.runs.record import GateRecord, RunRecorder
from gluelake.secrets import key_fingerprint
from gluelake.spark_types import spark_type
from gluelake.transforms.quarantine import reason_counts

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
    rotate_pii_key: bool = False  # rebuild bronze with a new key (see check_pii_key)
    full_refresh: bool = False  # rebuild the stage's tables from all of their input
    backfill: tuple[str, str] | None = None  # --from/--to: ingest dates to take in again
    recorder: RunRecorder = field(default_factory=RunRecorder)  # what the run record will say


@dataclass(frozen=True)
class StageResult:
    """Row accounting of one run.

    ``rows_read = accepted + quarantined + duplicates_dropped`` is checked before anything
    is published, each counted on its own (``reconcile``), and after the write against the
    tables' commits. ``accepted`` rows were offered to the output table; of them this run
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


PII_KEY_PROPERTY = "gluelake.pii_key_fingerprint"


def pii_key_pins(ctx: StageContext) -> dict[str, str]:
    """Table properties recording the key this run hashes with (nothing without a key)."""
    return {} if ctx.pii_key is None else {PII_KEY_PROPERTY: key_fingerprint(ctx.pii_key)}


def check_pii_key(spark: SparkSession, ctx: StageContext, specs: list[TableSpec]) -> bool:
    """Before any data is read: every table written with a recorded key must be written
    with the same key, unless this run rotates it. Returns True when a rotation is due
    (the caller then rebuilds the tables instead of merging into them)."""
    want = pii_key_pins(ctx).get(PII_KEY_PROPERTY)
    rotate = False
    for spec in specs:
        path = ctx.layout.table(spec)
        have = (tables.table_properties(spark, path) or {}).get(PII_KEY_PROPERTY)
        if want is None or have is None or have == want:
            continue
        if not ctx.rotate_pii_key:
            raise ConfigError(
                f"{spec.zone} table {spec.name} at {path} was hashed with PII key {have}, "
                f"this run's key is {want}: mixing keys breaks joins on hashed columns. Use "
                "the key the table was written with, or rotate deliberately with "
                "`--rotate-pii-key` (rebuilds bronze from every raw file; see README, "
                '"Rotating the PII key")'
            )
        rotate = True
    return rotate


CONTRACT_VERSION_PROPERTY = "gluelake.contract_version"
SCHEMA_PROPERTY = "gluelake.schema_fingerprint"
MIGRATE_HINT = (
    "migrate deliberately with `--full-refresh` on this stage and the ones after it "
    '(rebuilds the tables from their input; see README, "Changing a contract")'
)


def contract_pins(ctx: StageContext, table: TableSpec) -> dict[str, str]:
    """Table properties recording the contract version and table shape a run wrote."""
    return {
        CONTRACT_VERSION_PROPERTY: str(ctx.contract.version),
        SCHEMA_PROPERTY: table_fingerprint(table),
    }


def check_contract(spark: SparkSession, ctx: StageContext, specs: list[TableSpec]) -> None:
    """Before any data is read: each existing table must be reachable from the contract
    by adding nullable columns. A removed or retyped column, a new required or partition
    column, or a changed shape under an unchanged version is refused (one message naming
    contract, table, column and change), unless this run is a full refresh."""
    c = ctx.contract
    for spec in specs:
        path = ctx.layout.table(spec)
        found = tables.table_schema(spark, path)
        if found is None or ctx.full_refresh:
            continue
        have, partitions = found
        want = {col.name: spark_type(col.type).simpleString() for col in spec.all_columns}
        changes = [f"column {n!r} removed" for n in have if n not in want]
        changes += [
            f"column {n!r} changed type {have[n]} -> {t}"
            for n, t in want.items()
            if n in have and have[n] != t
        ]
        for col in spec.all_columns:
            if col.name in have:
                continue
            if col.name in {p.name for p in spec.partitions} or col.name in partitions:
                changes.append(f"partition column {col.name!r} added")
            elif not col.nullable:
                changes.append(f"required column {col.name!r} added (earlier rows have none)")
        if [p.name for p in spec.partitions] != partitions and not changes:
            changes.append(
                f"partitioning changed {partitions} -> {[p.name for p in spec.partitions]}"
            )
        props = tables.table_properties(spark, path) or {}
        if (
            not changes
            and props.get(CONTRACT_VERSION_PROPERTY) == str(c.version)
            and props.get(SCHEMA_PROPERTY) not in (None, table_fingerprint(spec))
        ):
            changes.append(f"columns changed but version {c.version} did not (bump `version`)")
        if changes:
            raise ContractChangeError(
                f"contract {c.name} ({c.file}, version {c.version}) no longer matches "
                f"{spec.zone} table {spec.name} at {path} (written with contract version "
                f"{props.get(CONTRACT_VERSION_PROPERTY, 'unknown')}): {'; '.join(changes)}; "
                + MIGRATE_HINT
            )


def reconcile(result: StageResult, *, source: str) -> StageResult:
    """Rows read from ``source`` = accepted + quarantined + duplicates dropped, or the run
    fails before publishing. The caller counts each side where it happens."""
    balance(
        f"{result.stage} {result.dataset}",
        Count(f"read from {source}", result.rows_read),
        [
            Count("accepted", result.accepted),
            Count("quarantined", result.quarantined),
            Count("dropped as duplicates", result.duplicates_dropped),
        ],
    )
    return result


def record_reasons(ctx: StageContext, quarantined: DataFrame) -> None:
    """Count this run's quarantine rows by reason for the run record (one small action on
    the cached quarantine frame)."""
    counts = quarantined.transform(reason_counts).collect()  # bounded: one row per reason
    ctx.recorder.add_reasons({r["reason"]: int(r["rows"]) for r in counts})


def pass_gate(ctx: StageContext, df: DataFrame, table: TableSpec) -> None:
    """Validate ``df`` as the next version of ``table``; raise before anything is written."""
    with logs.step(log, "gate", zone=table.zone, table=table.name) as done:
        outcome = ctx.gate.check(
            df, table=table, contract=ctx.contract, layout=ctx.layout, run=ctx.run
        )
        done.update(passed=outcome.passed, warnings=len(outcome.warnings))
    v = outcome.validation
    folder = ctx.layout.quality_run(table.zone, ctx.contract.name, ctx.run.run_id)
    ctx.recorder.gates.append(
        GateRecord(
            name=table.name, zone=table.zone, passed=outcome.passed,
            expectations=0 if v is None else len(v.outcomes),
            failed=0 if v is None else len(v.failures),
            warnings=len(outcome.warnings),
            report="" if v is None else f"{folder}/{table.name}.html",
        )
    )  # fmt: skip
    require_pass(outcome, table=table)


def publish_upsert(
    spark: SparkSession,
    ctx: StageContext,
    result: StageResult,
    data: tuple[DataFrame, TableSpec],
    quarantine: tuple[DataFrame, TableSpec],
    policy: tables.MergePolicy | tables.HistoryPolicy,
    *,
    pins: Mapping[str, str] | None = None,
    rebuild: bool = False,
    scope: DataFrame | None = None,
) -> StageResult:
    """Gate, then MERGE the rows into the zone's Delta table and add new quarantine rows
    (``rebuild``: replace both tables' contents instead; ``scope``: the keys the rows are
    the whole truth for, see ``tables.merge_upsert``). ``pins`` are recorded as table
    properties of both. Returns ``result`` with this run's write counts and the published
    table's size."""
    (df, table), (q_df, q_table) = data, quarantine
    path, q_path = ctx.layout.table(table), ctx.layout.table(q_table)
    if scope is not None and result.accepted == 0:
        # An incremental run that only removes rows: there is no batch to validate.
        logs.event(log, "gate.skipped", table=table.name, reason="no rows to write")
    else:
        pass_gate(ctx, df, table)
    # The properties both tables record (a table created before change data feeds were
    # used starts recording now).
    wanted = {
        ctx.layout.table(spec): {
            **contract_pins(ctx, spec),
            tables.CHANGE_FEED_PROPERTY: "true",
            **(pins or {}),
        }
        for spec in (table, q_table)
    }
    with logs.step(log, "write", dataset=ctx.contract.name, zone=table.zone) as done:
        # Each write retries when another writer committed first (tables.with_retries).
        # A history (SCD2) table is never rebuilt: its closed versions exist nowhere else.
        history = isinstance(policy, tables.HistoryPolicy)
        if (rebuild or ctx.full_refresh) and not history:
            metrics = tables.with_retries(
                lambda: tables.replace_contents(spark, df, path=path, table=table),
                table=table, path=path,
            )  # fmt: skip
            q_metrics = tables.with_retries(
                lambda: tables.replace_contents(spark, q_df, path=q_path, table=q_table),
                table=q_table, path=q_path,
            )  # fmt: skip
        else:
            # A contract that added nullable columns: the tables gain them before the MERGE,
            # which would otherwise drop their values.
            for target, spec in ((path, table), (q_path, q_table)):
                added = tables.with_retries(
                    partial(tables.add_columns, spark, target, spec), table=spec, path=target
                )
                if added:
                    logs.event(log, "table.evolved", table=spec.name, added=added)
            metrics = tables.with_retries(
                lambda: _merge(spark, df, path=path, table=table, policy=policy, scope=scope),
                table=table, path=path,
            )  # fmt: skip
            if result.quarantined == 0:
                # Counted: nothing to add. The table need only exist (created empty, with
                # its properties, in one metadata commit).
                tables.with_retries(
                    partial(
                        tables.ensure_table, spark, q_df.schema, path=q_path, table=q_table,
                        properties=wanted[q_path],
                    ),
                    table=q_table, path=q_path,
                )  # fmt: skip
                q_metrics = tables.WriteMetrics(inserted=0, updated=0)
            else:
                q_metrics = tables.with_retries(
                    lambda: tables.insert_new(spark, q_df, path=q_path, key=RECORD_ID),
                    table=q_table, path=q_path,
                )  # fmt: skip
        for target, spec in ((path, table), (q_path, q_table)):
            tables.with_retries(
                partial(tables.pin_properties, spark, target, wanted[target]),
                table=spec, path=target,
            )  # fmt: skip
        done.update(
            inserted=metrics.inserted,
            updated=metrics.updated,
            deleted=metrics.deleted,
            quarantine_inserted=q_metrics.inserted,
        )
    # What each table's commit says it received (no commit: Delta had nothing to change).
    for side, m, spec in (("accepted", metrics, table), ("quarantined", q_metrics, q_table)):
        if m.source_rows is not None:
            balance(
                f"{result.stage} {result.dataset}",
                Count(f"{side} (counted by the stage)", getattr(result, side)),
                [Count(f"received by the {spec.zone} table {spec.name} commit", m.source_rows)],
            )
    return replace(
        result,
        inserted=metrics.inserted,
        updated=metrics.updated,
        deleted=metrics.deleted,
        # A matched row the MERGE's condition left alone (older, or no column changed).
        unchanged=result.accepted - metrics.inserted - metrics.updated,
        rows_in_table=(
            metrics.table_rows
            if metrics.table_rows is not None
            else tables.row_count(spark, path, table)
        ),
    )


def _merge(
    spark: SparkSession,
    df: DataFrame,
    *,
    path: str,
    table: TableSpec,
    policy: tables.MergePolicy | tables.HistoryPolicy,
    scope: DataFrame | None,
) -> tables.WriteMetrics:
    if isinstance(policy, tables.HistoryPolicy):
        # History never deletes: the keys out of scope are simply not offered.
        return tables.merge_history(spark, df, path=path, table=table, policy=policy)
    return tables.merge_upsert(spark, df, path=path, table=table, policy=policy, scope=scope)
