"""Which raw files a raw -> bronze run takes in.

- **incremental** (the default): files the state has not seen (by path, size and
  modification time; nothing else is read), minus those whose content (SHA-256) bronze
  already holds from another file: a re-delivery adds nothing.
- **backfill** (``--from``/``--to``): every file delivered in that ingest-date range is taken
  in again, whatever the state says; the bronze MERGE is order-independent, so the result
  does not depend on what ran before. Re-deliveries of content taken in from another file
  are still skipped.
- **full_refresh** (``--full-refresh``, a PII key rotation): every raw file; the state is
  rebuilt from them.

Of identical files the one taken in first owns the content; within one run, the first by
path (the earliest ingest date). Content is skipped only when the contract orders records by
their own columns (``order_by``): without it the latest delivery wins, so a later file that
repeats an earlier one (a snapshot reverting to a former state) is a change and is read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pyspark.sql import SparkSession

from gluelake import logs
from gluelake.contracts.tables import raw_state_table
from gluelake.errors import SourceError
from gluelake.io import raw_inventory, raw_state
from gluelake.io.raw_inventory import RawFile
from gluelake.io.raw_state import TakenFile
from gluelake.pipelines.stage import StageContext
from gluelake.runs.record import InputFile

log = logs.get_logger(__name__)


@dataclass(frozen=True)
class Selection:
    mode: str  # incremental | backfill | full_refresh
    read: tuple[InputFile, ...]  # the files this run reads
    taken: tuple[TakenFile, ...]  # state rows to commit once bronze is committed
    listed: int  # raw files listed


def select(spark: SparkSession, ctx: StageContext, *, rebuild: bool) -> Selection:
    c = ctx.contract
    mode = "full_refresh" if rebuild else "backfill" if ctx.backfill else "incremental"
    listed = raw_inventory.list_raw_files(ctx.layout, c, ctx.ingest_dates)
    where = ctx.layout.raw(c)
    if not listed:
        raise SourceError(c.name, where, "no raw files found")
    if ctx.backfill:
        first, last = ctx.backfill
        listed = [f for f in listed if f.ingest_date and first <= f.ingest_date <= last]
        if not listed:
            raise SourceError(
                c.name, where, f"no raw files in ingest_date folders from {first} to {last}"
            )
    state = (
        raw_state.RawFileState()
        if rebuild
        else raw_state.load(spark, ctx.layout, raw_state_table(c))
    )
    candidates = listed if mode != "incremental" else _unseen(listed, state)
    sizes = {f.path: f for f in candidates}
    owners = dict(state.owners)
    content_orders = bool(c.order_by)
    read: list[InputFile] = []
    taken: list[TakenFile] = []
    for f in raw_inventory.fingerprint(ctx.layout, candidates):
        if content_orders:
            owner = owners.setdefault(f.sha256, f.path)
            fresh = mode != "incremental" or f.sha256 not in state.owners
        else:
            owner, fresh = f.path, True
        if owner == f.path and fresh:
            read.append(f)
        raw = sizes[f.path]
        taken.append(
            TakenFile(
                path=f.path, size=f.size, modified=raw.modified, sha256=f.sha256,
                duplicate_of=None if owner == f.path else owner,
                run_id=ctx.run.run_id, processed_at=ctx.run.started_at,
            )
        )  # fmt: skip
    logs.event(
        log, "raw.selected", dataset=c.name, mode=mode, listed=len(listed),
        new=len(candidates), read=len(read), same_content=len(taken) - len(read),
    )  # fmt: skip
    return Selection(mode, tuple(read), tuple(taken), len(listed))


def _unseen(listed: Sequence[RawFile], state: raw_state.RawFileState) -> list[RawFile]:
    return [f for f in listed if (f.path, f.size, f.modified) not in state.seen]


def commit(spark: SparkSession, ctx: StageContext, selection: Selection) -> None:
    """Record the run's files as taken in: call only after bronze and quarantine commit."""
    metrics = raw_state.commit(
        spark, ctx.layout, raw_state_table(ctx.contract), selection.taken,
        replace=selection.mode == "full_refresh",
    )  # fmt: skip
    logs.event(
        log, "raw.state_committed", dataset=ctx.contract.name, files=len(selection.taken),
        inserted=metrics.inserted, updated=metrics.updated,
    )  # fmt: skip
