"""Frozen dataclasses describing a dataset contract. Built only by ``contracts.load``."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

PiiKind = Literal["hash", "redact", "mask_email", "partial", "generalize", "drop", "scrub"]
Generalization = Literal["age_band", "month", "ipv4_24"]
DriftPolicy = Literal["reject", "ignore", "rescue"]
SourceFormat = Literal["json", "csv"]
TableFormat = Literal["delta", "parquet"]
MeasureFn = Literal["sum", "count", "count_distinct", "min", "max", "avg"]
TimeGrain = Literal["day", "month", "year", "none"]
Severity = Literal["critical", "warning"]
StorageClass = Literal[
    "STANDARD_IA", "INTELLIGENT_TIERING", "ONEZONE_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"
]
JoinKind = Literal["lookup", "as_of"]
ReferenceZone = Literal["bronze", "silver"]
MissingPolicy = Literal["quarantine", "null", "default"]
BroadcastPolicy = Literal["auto", "always", "never"]
HistoryKind = Literal["none", "scd2"]

ZONES: tuple[str, ...] = ("bronze", "silver", "gold")
# Zones a contract's ``retention`` covers: the table zones plus raw files and quarantine tables.
RETENTION_ZONES: tuple[str, ...] = ("raw", "bronze", "silver", "gold", "quarantine")


@dataclass(frozen=True)
class Constraints:
    """Value rules a raw value must meet; a violation quarantines the row."""

    allowed: tuple[str, ...] | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    pattern: str | None = None
    not_future: bool = False

    @property
    def is_empty(self) -> bool:
        return (
            self.allowed is None
            and self.min is None
            and self.max is None
            and self.pattern is None
            and not self.not_future
        )


@dataclass(frozen=True)
class PiiPolicy:
    """How a personal-data column is protected before anything is written to bronze."""

    kind: PiiKind
    pii_class: str
    keep_last: int = 4
    generalize_to: Generalization | None = None


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool = True
    description: str = ""
    constraints: Constraints = field(default_factory=Constraints)
    pii: PiiPolicy | None = None


@dataclass(frozen=True)
class Source:
    format: SourceFormat
    path: str  # relative to the lake root; files sit under ingest_date=YYYY-MM-DD/
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ZoneSpec:
    format: TableFormat
    partition_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Selected:
    """A reference column a join step adds, under ``alias``."""

    column: str
    alias: str
    type: str = ""  # the reference column's type; filled in by ``load_contracts``
    description: str = ""


@dataclass(frozen=True)
class JoinStep:
    """One enrichment step of bronze -> silver, applied in contract order.

    ``lookup``: equality join on ``on`` (this column, reference column) pairs.
    ``as_of``: the same, restricted to the reference row valid at ``event_time``:
    ``valid_from <= t < valid_to``, open-ended when either bound is null."""

    name: str
    kind: JoinKind
    dataset: str
    zone: ReferenceZone
    on: tuple[tuple[str, str], ...]
    select: tuple[Selected, ...]
    on_missing: MissingPolicy = "quarantine"
    defaults: tuple[tuple[str, str], ...] = ()  # alias -> value (as text) when missing
    broadcast: BroadcastPolicy = "auto"
    where: str | None = None  # Spark SQL predicate on the reference rows
    valid_from: str = "valid_from"
    valid_to: str = "valid_to"
    event_time: str | None = None  # as_of: the column compared; default the event time
    missing_reason: str = ""  # reason codes; default missing:<name> / ambiguous:<name>
    ambiguous_reason: str = ""

    @property
    def missing_code(self) -> str:
        return self.missing_reason or f"missing:{self.name}"

    @property
    def ambiguous_code(self) -> str:
        return self.ambiguous_reason or f"ambiguous:{self.name}"


@dataclass(frozen=True)
class Derived:
    """A column computed by a Spark SQL expression over the columns present before it."""

    name: str
    type: str
    expr: str
    description: str = ""


@dataclass(frozen=True)
class Rule:
    """Quarantine a silver row for which the predicate ``when`` holds."""

    reason: str
    when: str
    message: str = ""


@dataclass(frozen=True)
class Measure:
    name: str
    fn: MeasureFn
    column: str | None = None  # None only for count


@dataclass(frozen=True)
class Aggregate:
    """A gold table: dimensions + time grain + measures, written as partitioned Parquet."""

    name: str
    description: str
    dimensions: tuple[str, ...]
    time_grain: TimeGrain
    measures: tuple[Measure, ...]
    year_over_year: tuple[str, ...] = ()  # measures that get a prior-year comparison table
    filter: str | None = None  # Spark SQL predicate: only silver rows it keeps are aggregated


@dataclass(frozen=True)
class YearRange:
    """Years the event time may fall in (inclusive): the ``year`` partition projection of
    the dataset's Parquet tables. Athena never reads a partition outside it."""

    first: int = 2000
    last: int = 2100


@dataclass(frozen=True)
class Transition:
    """Move a zone's objects to a cheaper S3 storage class this many days after writing."""

    after_days: int
    storage_class: StorageClass


@dataclass(frozen=True)
class ZoneRetention:
    """How long a zone keeps a dataset's data, and the storage classes it passes through."""

    days: int
    transitions: tuple[Transition, ...] = ()


# Used for every zone a contract's ``retention`` leaves out (README: "Retention").
# Seven years is the CSRD/SOX horizon for reported figures and what they were computed from;
# quarantine holds rejected records, which raw keeps anyway.
DEFAULT_RETENTION: dict[str, ZoneRetention] = {
    "raw": ZoneRetention(2555, (Transition(30, "STANDARD_IA"), Transition(90, "GLACIER_IR"))),
    "bronze": ZoneRetention(2555),
    "silver": ZoneRetention(2555),
    "gold": ZoneRetention(2555),
    "quarantine": ZoneRetention(365),
}


@dataclass(frozen=True)
class DatasetContract:
    name: str
    version: int
    description: str
    file: str
    source: Source
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    event_time: str | None  # None: no time partitions (e.g. a reference snapshot)
    order_by: tuple[str, ...]
    schema_drift: DriftPolicy
    zones: tuple[tuple[str, ZoneSpec], ...]
    history: HistoryKind = "none"  # scd2: silver keeps every version of a key
    joins: tuple[JoinStep, ...] = ()
    derived: tuple[Derived, ...] = ()
    rules: tuple[Rule, ...] = ()
    drop: tuple[str, ...] = ()  # join or derived columns used by later steps, not published
    aggregates: tuple[Aggregate, ...] = ()
    event_years: YearRange = YearRange()  # contract field ``event_time_range``
    # Every zone of RETENTION_ZONES, in that order; defaults filled in for zones not declared.
    retention: tuple[tuple[str, ZoneRetention], ...] = tuple(DEFAULT_RETENTION.items())

    def retention_for(self, zone: str) -> ZoneRetention:
        """The retention of ``zone`` (one of RETENTION_ZONES)."""
        for name, spec in self.retention:
            if name == zone:
                return spec
        raise KeyError(f"no retention zone {zone!r}; zones are {list(RETENTION_ZONES)}")

    resolved: bool = True  # join column types known (``load_contracts`` resolves them)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"dataset {self.name!r} has no column {name!r}")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def pii_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.pii is not None)

    def zone(self, zone: str) -> ZoneSpec:
        for name, spec in self.zones:
            if name == zone:
                return spec
        raise KeyError(f"dataset {self.name!r} has no {zone} zone in {self.file}")

    def has_zone(self, zone: str) -> bool:
        return any(name == zone for name, _ in self.zones)
