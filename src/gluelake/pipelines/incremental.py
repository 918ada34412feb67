"""Incremental downstream runs: what changed in a stage's input tables since the last
successful run of the stage read them, from Delta's change data feed.

A run pins the version of every input table it reads (the run record lists them), so the
next run of the stage on the dataset reads the changes after exactly those versions. When
that cannot be told — the first run, ``--full-refresh``, an output table that is new or was
written under another contract version, an input the last run did not read, a table older
than the version read (recreated), or a feed that does not cover the range (enabled later,
or vacuumed) — the stage recomputes everything and logs why."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from pyspark.errors.exceptions.captured import CapturedException
from pyspark.sql import DataFrame, SparkSession

from gluelake import logs
from gluelake.contracts.tables import TableSpec
from gluelake.errors import first_line
from gluelake.io import tables
from gluelake.io.audit_log import AuditLog
from gluelake.pipelines.stage import StageContext
from gluelake.runs.record import InputTable

log = logs.get_logger(__name__)
T_ = TypeVar("T_")

# Run modes as the run record states them.
FULL, INCREMENTAL, FULL_REFRESH = "full", "incremental", "full_refresh"


@dataclass(frozen=True)
class Input:
    """One input table at the version this run reads."""

    name: str  # zone/table, as run records list it
    path: str
    table: TableSpec
    version: int | None  # Delta version (None: not a Delta table, or none yet)


def pin(spark: SparkSession, ctx: StageContext, table: TableSpec) -> Input:
    """Fix the version of ``table`` this run reads, and record it."""
    path = ctx.layout.table(table)
    version = tables.delta_version(spark, path) if table.format == "delta" else None
    found = Input(f"{table.zone}/{table.name}", path, table, version)
    ctx.recorder.input_tables.append(InputTable(found.name, version))
    return found


def read(spark: SparkSession, source: Input) -> DataFrame:
    """The input's rows at its pinned version."""
    return tables.read_table(spark, source.path, source.table, version=source.version)


@dataclass(frozen=True)
class Plan:
    since: Mapping[str, int] | None  # per input: the version the last run read; None: full
    reason: str

    @property
    def incremental(self) -> bool:
        return self.since is not None


def plan(
    ctx: StageContext, stage: str, inputs: Sequence[Input], output_problem: str | None
) -> Plan:
    """Incremental when the last successful run of ``stage`` on this dataset read every
    input at a version not newer than now; otherwise a full recompute, with the reason."""
    if ctx.full_refresh:
        return _full(ctx, stage, Plan(None, "--full-refresh"), FULL_REFRESH)
    if output_problem is not None:
        return _full(ctx, stage, Plan(None, output_problem))
    record = AuditLog(ctx.layout).last_succeeded(stage, ctx.contract.name)
    if record is None:
        return _full(ctx, stage, Plan(None, "no earlier successful run in the audit log"))
    consumed = {str(t.get("name")): t.get("version") for t in record.get("input_tables") or []}
    since: dict[str, int] = {}
    for source in inputs:
        before, now = consumed.get(source.name), source.version
        if before is None or now is None:
            reason = f"{source.name} was not read as a Delta table by run {record['run_id']}"
            return _full(ctx, stage, Plan(None, reason))
        if int(before) > now:
            reason = (
                f"{source.name} is at version {now}, older than version {before} that run "
                f"{record['run_id']} read (was the table recreated?)"
            )
            return _full(ctx, stage, Plan(None, reason))
        since[source.name] = int(before)
    found = Plan(since, f"changes since run {record['run_id']}")
    ctx.recorder.mode = INCREMENTAL
    logs.event(
        log, "incremental.plan", stage=stage, dataset=ctx.contract.name, mode=INCREMENTAL,
        since=dict(since), upto={s.name: s.version for s in inputs},
    )  # fmt: skip
    return found


def _full(ctx: StageContext, stage: str, found: Plan, mode: str = FULL) -> Plan:
    ctx.recorder.mode = mode
    logs.event(
        log, "incremental.plan", stage=stage, dataset=ctx.contract.name, mode=mode,
        reason=found.reason,
    )  # fmt: skip
    return found


def changes(spark: SparkSession, source: Input, found: Plan) -> DataFrame | None:
    """The input's change rows since the version the last run read; None: it did not
    change. May raise when the feed does not cover the range (see ``probe``)."""
    assert found.since is not None and source.version is not None
    after = found.since[source.name]
    if after >= source.version:
        return None
    return tables.change_feed(spark, source.path, after=after, upto=source.version)


def probe(ctx: StageContext, stage: str, work: Callable[[], T_]) -> T_ | None:
    """Run ``work`` (which reads change feeds and runs its one action); None when a feed
    cannot be read — not enabled over the whole range, or its files vacuumed — after
    logging that the run falls back to a full recompute."""
    try:
        return work()
    except Exception as exc:
        # Spark's errors only (py4j's own class is matched by name: py4j is no dependency
        # of ours); a bug in Python code still fails the run.
        if not isinstance(exc, CapturedException) and type(exc).__name__ != "Py4JJavaError":
            raise
        _full(ctx, stage, Plan(None, f"change data feed unavailable: {first_line(exc)}"))
        return None
