"""Every table a contract produces, zone by zone, with its exact columns: computed
statically from the contract so Athena DDL, the Glue catalog and the writers agree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast

from gluelake import columns as fw
from gluelake.contracts.model import Aggregate, Column, DatasetContract, Measure
from gluelake.contracts.types import Decimal, is_integral, parse_type
from gluelake.errors import ContractError

QUALITY_RESULTS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("run_id", "string"),
    ("zone", "string"),
    ("suite", "string"),
    ("expectation", "string"),
    ("column_name", "string"),
    ("severity", "string"),
    ("success", "boolean"),
    ("element_count", "bigint"),
    ("unexpected_count", "bigint"),
    ("unexpected_percent", "double"),
    ("observed_value", "string"),
    ("validated_at", "timestamp"),
)
QUALITY_RESULTS_PARTITIONS: tuple[tuple[str, str], ...] = (
    ("dataset", "string"),
    ("validation_date", "string"),  # yyyy-MM-dd, projected as a date
)

# One run record per line of the audit log (_runs/log/<seq>.json), read by Athena's JSON
# SerDe. Times are ISO-8601 UTC strings: from_iso8601_timestamp(started_at) in Athena.
RUN_RECORD_COLUMNS: tuple[tuple[str, str], ...] = (
    ("seq", "bigint"),
    ("run_id", "string"),
    ("job_name", "string"),
    ("job_version", "string"),
    ("dataset", "string"),
    ("stage", "string"),
    ("mode", "string"),
    ("status", "string"),
    ("error", "string"),
    ("started_at", "string"),
    ("ended_at", "string"),
    ("run_date", "string"),
    ("duration_seconds", "double"),
    ("rows_read", "bigint"),
    ("accepted", "bigint"),
    ("quarantined", "bigint"),
    ("duplicates_dropped", "bigint"),
    ("inserted", "bigint"),
    ("updated", "bigint"),
    ("deleted", "bigint"),
    ("unchanged", "bigint"),
    ("rows_in_table", "bigint"),
    ("reconciled", "boolean"),
    ("quarantine_reasons", "array<struct<reason:string,row_count:bigint>>"),
    ("input_files", "array<struct<path:string,size:bigint,sha256:string>>"),
    ("input_tables", "array<struct<name:string,version:bigint>>"),
    (
        "gates",
        "array<struct<name:string,zone:string,passed:boolean,expectations:int,failed:int,"
        "warnings:int,report:string>>",
    ),
    ("record_format", "int"),
    ("prev_hash", "string"),
    ("record_hash", "string"),
)


TableZone = Literal["bronze", "silver", "gold", "quality"]
TableKind = Literal["data", "quarantine", "aggregate", "year_over_year", "quality_results"]


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: str  # contract type string
    nullable: bool = True
    description: str = ""


@dataclass(frozen=True)
class TableSpec:
    """One physical table. ``columns`` excludes partition columns, as Hive DDL does."""

    name: str
    zone: TableZone
    dataset: str
    format: str  # delta | parquet | json
    path: str  # relative to the lake root
    columns: tuple[ColumnSpec, ...]
    partitions: tuple[ColumnSpec, ...] = ()
    description: str = ""
    kind: str = (
        "data"  # data | quarantine | aggregate | year_over_year | quality_results | run_records
        # | raw_file_state
    )

    @property
    def all_columns(self) -> tuple[ColumnSpec, ...]:
        return self.columns + self.partitions


# What the framework's own columns and the run records' columns mean (contract columns
# carry their own description).
DESCRIPTIONS: dict[str, str] = {
    **fw.DESCRIPTIONS,
    "seq": "Position in the hash-chained audit log (0, 1, 2, ...).",
    "status": "succeeded, blocked (a quality gate failed; nothing published) or failed.",
    "mode": "incremental (new raw files only), backfill, full_refresh or full.",
    "started_at": "Run start, ISO-8601 UTC.",
    "ended_at": "Run end, ISO-8601 UTC.",
    "run_date": "Day the run started (UTC), yyyy-MM-dd.",
    "reconciled": "rows_read = accepted + quarantined + duplicates_dropped.",
    "input_files": "Raw files read, path relative to the lake root, with size and SHA-256.",
    "input_tables": "Lake tables read, with the Delta version read.",
    "gates": "Quality gate outcomes, with where the HTML report is.",
    "prev_hash": "record_hash of the previous log entry (64 zeros for the first).",
    "record_hash": "SHA-256 of the canonical JSON of this entry without record_hash.",
}


_LINEAGE = fw.typed(fw.RUN_LINEAGE)


def _specs(pairs: tuple[tuple[str, str], ...]) -> list[ColumnSpec]:
    return [ColumnSpec(n, t, description=DESCRIPTIONS.get(n, "")) for n, t in pairs]


def masked_type(col: Column) -> str | None:
    """The column's type after its PII policy (None: the column is dropped)."""
    if col.pii is None:
        return col.type
    if col.pii.kind == "drop":
        return None
    if col.pii.kind == "generalize" and col.pii.generalize_to == "month" and col.type == "date":
        return "date"
    return "string"


def bronze_columns(contract: DatasetContract) -> list[ColumnSpec]:
    cols = [
        ColumnSpec(c.name, t, c.nullable, c.description)
        for c in contract.columns
        if (t := masked_type(c)) is not None
    ]
    if contract.schema_drift == "rescue":
        cols.append(ColumnSpec(fw.RESCUED, fw.TYPES[fw.RESCUED]))
    return [*cols, ColumnSpec(fw.SOURCE_FILE, fw.TYPES[fw.SOURCE_FILE]), *_specs(_LINEAGE)]


def modelled_columns(contract: DatasetContract) -> list[ColumnSpec]:
    """Columns the joins and derived columns add to silver, minus those dropped."""
    if not contract.resolved:
        raise ContractError(
            contract.file, "joins", "join column types are unknown: load it with load_contracts"
        )
    added = [
        ColumnSpec(s.alias, s.type, True, s.description) for j in contract.joins for s in j.select
    ]
    added += [ColumnSpec(d.name, d.type, True, d.description) for d in contract.derived]
    return [c for c in added if c.name not in contract.drop]


def silver_columns(contract: DatasetContract) -> list[ColumnSpec]:
    data = [c for c in bronze_columns(contract) if c.name not in dict(_LINEAGE)]
    data += modelled_columns(contract)
    if contract.history == "scd2":
        data += _specs(fw.typed(fw.HISTORY))
    time = _specs(fw.typed(fw.TIME_PARTS)) if contract.event_time is not None else []
    return [*data, *time, *_specs(_LINEAGE)]


def silver_column_names(contract: DatasetContract) -> list[str]:
    return [c.name for c in silver_columns(contract)]


def measure_type(measure: Measure, source_type: str | None) -> str:
    if measure.fn in ("count", "count_distinct"):
        return "bigint"
    assert source_type is not None
    src = parse_type(source_type)
    if measure.fn in ("min", "max"):
        return source_type
    if isinstance(src, Decimal):
        if measure.fn == "sum":
            return f"decimal({min(38, src.precision + 10)},{src.scale})"
        return f"decimal({min(38, src.precision + 4)},{min(38, src.scale + 4)})"
    if measure.fn == "sum" and is_integral(src):
        return "bigint"
    return "double"


def _time_specs(agg: Aggregate) -> tuple[list[ColumnSpec], list[ColumnSpec]]:
    """(data time columns, partition columns) of a time grain: day and month tables are
    partitioned year/month (day is a column), year tables by year, none not at all."""

    def spec(name: str) -> ColumnSpec:
        return ColumnSpec(name, fw.TYPES[name], False, fw.DESCRIPTIONS[name])

    names = {"day": (fw.YEAR, fw.MONTH), "month": (fw.YEAR, fw.MONTH), "year": (fw.YEAR,)}
    parts = [spec(n) for n in names.get(agg.time_grain, ())]
    data = [spec(fw.DAY)] if agg.time_grain == "day" else []
    return data, parts


def aggregate_tables(contract: DatasetContract) -> list[TableSpec]:
    silver = {c.name: c for c in silver_columns(contract)}
    tables = []
    for agg in contract.aggregates:
        dims = [
            ColumnSpec(d, silver[d].type, silver[d].nullable, silver[d].description)
            for d in agg.dimensions
        ]
        measures = [
            ColumnSpec(m.name, measure_type(m, silver[m.column].type if m.column else None))
            for m in agg.measures
        ]
        time_data, parts = _time_specs(agg)
        base = f"gold/{contract.name}/{agg.name}"
        tables.append(
            TableSpec(
                name=agg.name,
                zone="gold",
                dataset=contract.name,
                format="parquet",
                path=base,
                columns=tuple([*dims, *time_data, *measures, *_specs(_LINEAGE)]),
                partitions=tuple(parts),
                description=agg.description,
                kind="aggregate",
            )
        )
        if agg.year_over_year:
            yoy: list[ColumnSpec] = []
            types = {m.name: m.type for m in measures}
            for name in agg.year_over_year:
                yoy += [
                    ColumnSpec(name, types[name]),
                    ColumnSpec(f"{name}_prior_year", types[name]),
                    ColumnSpec(f"{name}_change", types[name]),
                    ColumnSpec(f"{name}_change_pct", "double"),
                ]
            tables.append(
                TableSpec(
                    name=f"{agg.name}_yoy",
                    zone="gold",
                    dataset=contract.name,
                    format="parquet",
                    path=f"{base}_yoy",
                    columns=tuple([*dims, *time_data, *yoy, *_specs(_LINEAGE)]),
                    partitions=tuple(parts),
                    kind="year_over_year",
                    description=f"{agg.name} compared with the same period one year earlier",
                )
            )
    return tables


def zone_table(contract: DatasetContract, zone: str) -> TableSpec:
    """The main data table of a dataset in bronze or silver."""
    spec = contract.zone(zone)  # ContractError unless the contract declares the zone
    cols = bronze_columns(contract) if zone == "bronze" else silver_columns(contract)
    parts = [c for c in cols if c.name in spec.partition_by]
    data = [c for c in cols if c.name not in spec.partition_by]
    return TableSpec(
        name=contract.name, zone=cast(TableZone, zone), dataset=contract.name, format=spec.format,
        path=f"{zone}/{contract.name}", columns=tuple(data), partitions=tuple(parts),
        description=contract.description,
    )  # fmt: skip


def quarantine_table(contract: DatasetContract, zone: str) -> TableSpec:
    return TableSpec(
        name=f"{contract.name}_quarantine", zone=cast(TableZone, zone), dataset=contract.name,
        format="delta",
        path=f"{zone}/_quarantine/{contract.name}", columns=tuple(_specs(fw.typed(fw.QUARANTINE))),
        description=f"{contract.name} rows rejected in {zone}, with reasons", kind="quarantine",
    )  # fmt: skip


# Where a dataset's raw-file state lives, relative to the lake root.
RAW_STATE_PATH = "_state/{dataset}/raw_files"


def raw_state_table(contract: DatasetContract) -> TableSpec:
    """The raw files raw -> bronze has taken in for one dataset (a Delta table beside the
    zones; maintained with bronze, never published to Athena)."""
    return TableSpec(
        name=f"{contract.name}_raw_files", zone="bronze", dataset=contract.name, format="delta",
        path=RAW_STATE_PATH.format(dataset=contract.name),
        columns=tuple(_specs(fw.typed(fw.RAW_FILE_STATE))), kind="raw_file_state",
        description=f"Raw files of {contract.name} taken into bronze, with size and SHA-256",
    )  # fmt: skip


def quality_results_table() -> TableSpec:
    return TableSpec(
        name="quality_results", zone="quality", dataset="_all", format="parquet",
        path="_quality/results", columns=tuple(_specs(QUALITY_RESULTS_COLUMNS)),
        partitions=tuple(_specs(QUALITY_RESULTS_PARTITIONS)), kind="quality_results",
        description="One row per expectation per validation run",
    )  # fmt: skip


def runs_table() -> TableSpec:
    return TableSpec(
        name="runs", zone="quality", dataset="_all", format="json", path="_runs/log",
        columns=tuple(_specs(RUN_RECORD_COLUMNS)), kind="run_records",
        description="One record per job run, hash-chained (gluelake audit verify)",
    )  # fmt: skip


def dataset_tables(contract: DatasetContract) -> list[TableSpec]:
    """All tables of one dataset, bronze first."""
    tables: list[TableSpec] = []
    for zone in ("bronze", "silver"):
        if contract.has_zone(zone):
            tables += [zone_table(contract, zone), quarantine_table(contract, zone)]
    return tables + aggregate_tables(contract)
