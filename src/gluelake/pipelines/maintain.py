"""``gluelake maintain``: keep a dataset's tables cheap to read without changing a row.

- **Compaction**: Delta tables (bronze, silver, their quarantines, the raw-file state) are
  OPTIMIZEd into files of up to the target size; a gold Parquet partition holding more files
  than its size needs is rewritten as that many.
- **Vacuum**: a Delta table's files that no version younger than the zone's retention (the
  contract's ``retention.<zone>.days``) references are deleted, so time travel reaches back
  exactly that far. A retention under Delta's safe minimum (168 h) is refused before
  anything runs, unless forced."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pyspark.sql import SparkSession

from gluelake import logs
from gluelake.contracts.model import DatasetContract
from gluelake.contracts.tables import TableSpec, dataset_tables, raw_state_table
from gluelake.errors import ConfigError
from gluelake.io import tables, upkeep
from gluelake.io.layout import LakeLayout

log = logs.get_logger(__name__)
DEFAULT_TARGET_MB = 128


@dataclass(frozen=True)
class MaintainOptions:
    target_bytes: int = DEFAULT_TARGET_MB * 1024 * 1024
    retain_hours: int | None = None  # None: each zone's contract retention
    force: bool = False  # allow a retention under the safe minimum
    compact: bool = True
    vacuum: bool = True


@dataclass(frozen=True)
class TableUpkeep:
    dataset: str
    zone: str
    table: str
    files_before: int
    files_after: int
    retain_hours: int | None  # None: not vacuumed (Parquet)
    vacuumed: int  # files deleted


def retention_zone(table: TableSpec) -> str:
    """The contract ``retention`` zone that governs a table."""
    return "quarantine" if table.kind == "quarantine" else table.zone


def retain_hours(contract: DatasetContract, table: TableSpec, options: MaintainOptions) -> int:
    if options.retain_hours is not None:
        return options.retain_hours
    return contract.retention_for(retention_zone(table)).days * 24


def maintained_tables(contract: DatasetContract) -> list[TableSpec]:
    return [*dataset_tables(contract), raw_state_table(contract)]


def check_retention(contracts: Sequence[DatasetContract], options: MaintainOptions) -> None:
    """Before any table is touched: every retention this run would vacuum with is at least
    Delta's safe minimum, or the run is forced."""
    if not options.vacuum or options.force:
        return
    short = [
        f"{c.name} {t.zone}.{t.name}: {hours} h"
        for c in contracts
        for t in maintained_tables(c)
        if t.format == "delta"
        and (hours := retain_hours(c, t, options)) < upkeep.SAFE_RETENTION_HOURS
    ]
    if short:
        source = "--retain-hours" if options.retain_hours is not None else "retention.<zone>.days"
        raise ConfigError(
            f"vacuum retention under Delta's safe minimum of {upkeep.SAFE_RETENTION_HOURS} h "
            f"({source}) for {'; '.join(short[:5])}{' ...' if len(short) > 5 else ''}: a "
            "shorter one can delete files a running job still reads; raise it, or pass "
            "--force when no job runs on these tables"
        )


def maintain(
    spark: SparkSession,
    layout: LakeLayout,
    contracts: Sequence[DatasetContract],
    options: MaintainOptions,
) -> list[TableUpkeep]:
    check_retention(contracts, options)
    done: list[TableUpkeep] = []
    for contract in contracts:
        for table in maintained_tables(contract):
            path = layout.table(table)
            if table.format == "delta":
                if not tables.delta_exists(spark, path):
                    continue
                done.append(_delta(spark, contract, table, path, options))
            elif upkeep.parquet_partitions(spark, path):
                done.append(_parquet(spark, contract, table, path, options))
    return done


def _delta(
    spark: SparkSession,
    contract: DatasetContract,
    table: TableSpec,
    path: str,
    options: MaintainOptions,
) -> TableUpkeep:
    with logs.step(log, "maintain", dataset=contract.name, table=table.name) as step:
        before = upkeep.delta_file_count(spark, path)
        if options.compact and before > 1:
            upkeep.optimize(spark, path, table, target_bytes=options.target_bytes)
        hours = retain_hours(contract, table, options)
        vacuumed = (
            upkeep.vacuum(spark, path, hours=hours, force=options.force) if options.vacuum else 0
        )
        after = upkeep.delta_file_count(spark, path)
        step.update(files_before=before, files_after=after, vacuumed=vacuumed)
    return TableUpkeep(
        contract.name, table.zone, table.name, before, after,
        hours if options.vacuum else None, vacuumed,
    )  # fmt: skip


def _parquet(
    spark: SparkSession,
    contract: DatasetContract,
    table: TableSpec,
    path: str,
    options: MaintainOptions,
) -> TableUpkeep:
    with logs.step(log, "maintain", dataset=contract.name, table=table.name) as step:
        parts = upkeep.parquet_partitions(spark, path)
        before = sum(p.files for p in parts)
        if options.compact:
            for part in parts:
                want = part.target_files(options.target_bytes)
                if part.files > want:
                    upkeep.rewrite_partition(spark, path, table, part, files=want)
        after = sum(p.files for p in upkeep.parquet_partitions(spark, path))
        step.update(files_before=before, files_after=after)
    return TableUpkeep(contract.name, table.zone, table.name, before, after, None, 0)
