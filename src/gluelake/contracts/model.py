"""Frozen dataclasses describing a dataset contract. Built only by ``contracts.load``."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar, Literal

from gluelake.errors import ContractError

PiiKind = Literal["hash", "redact", "mask_email", "partial", "generalize", "drop", "scrub"]
Generalization = Literal["age_band", "month", "ipv4_24"]
DriftPolicy = Literal["reject", "ignore", "rescue"]
SourceFormat = Literal["json", "csv"]
TableFormat = Literal["delta", "parquet"]
MeasureFn = Literal["sum", "count", "count_distinct", "min", "max", "avg"]
TimeGrain = Literal["day", "month", "year", "none"]
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

# JSON Schema of fields whose YAML form is not their model shape (see contracts.schema).
_NAMES = {"type": "array", "items": {"type": "string"}}
_ON: dict[str, Any] = {
    "description": "Key columns: [same_name, ...] or {this_column: reference_column}",
    "anyOf": [_NAMES, {"type": "object", "additionalProperties": {"type": "string"}}],
}
_SELECT: dict[str, Any] = {
    "description": "Reference columns to add: name or {name: alias}",
    "type": "array",
    "items": {
        "anyOf": [
            {"type": "string"},
            {
                "type": "object",
                "minProperties": 1,
                "maxProperties": 1,
                "additionalProperties": {"type": "string"},
            },
        ]
    },
}
_ON_MISSING: dict[str, Any] = {
    "description": "No reference row: quarantine (missing:<step>), keep nulls, or defaults",
    "anyOf": [
        {"enum": ["quarantine", "null"]},
        {
            "type": "object",
            "required": ["default"],
            "additionalProperties": False,
            "properties": {"default": {"type": "object"}},
        },
    ],
}
_BROADCAST: dict[str, Any] = {
    "description": "auto: broadcast when the stored reference is small; true/false to force",
    "enum": ["auto", True, False],
}
_ZONE: dict[str, Any] = {
    "type": "object",
    "required": ["format"],
    "additionalProperties": False,
    "properties": {"format": {"enum": ["delta", "parquet"]}, "partition_by": _NAMES},
}
_ZONES: dict[str, Any] = {
    "type": "object",
    "required": ["bronze"],
    "additionalProperties": False,
    "properties": {z: _ZONE for z in ZONES},
}


@dataclass(frozen=True)
class Constraints:
    """Value rules a raw value must meet; a violation quarantines the row."""

    allowed: tuple[str, ...] | None = field(
        default=None,
        metadata={"schema": {"type": "array", "items": {"type": ["string", "number", "boolean"]}}},
    )
    min: Decimal | None = None
    max: Decimal | None = None
    pattern: str | None = None
    not_future: bool = False


@dataclass(frozen=True)
class PiiPolicy:
    """How a personal-data column is protected before anything is written to bronze."""

    kind: PiiKind = field(metadata={"yaml": "policy"})
    pii_class: str = field(metadata={"yaml": "class"})
    keep_last: int = 4
    generalize_to: Generalization | None = field(default=None, metadata={"yaml": "to"})


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
    options: tuple[tuple[str, str], ...] = field(
        default=(),
        metadata={
            "schema": {
                "type": "object",
                "description": "Spark reader options (CSV: sep, quote, ...)",
                "additionalProperties": {"type": ["string", "number", "boolean"]},
            }
        },
    )


@dataclass(frozen=True)
class ZoneSpec:
    format: TableFormat
    partition_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Selected:
    """A reference column a join step adds, under ``alias``."""

    column: str
    alias: str
    type: str = field(
        default="", metadata={"internal": True}
    )  # the reference column's type; filled in by ``load_contracts``
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
    on: tuple[tuple[str, str], ...] = field(metadata={"schema": _ON})
    select: tuple[Selected, ...] = field(metadata={"schema": _SELECT})
    on_missing: MissingPolicy = field(default="quarantine", metadata={"schema": _ON_MISSING})
    # alias -> value (as text) when missing: written as on_missing: {default: {...}}
    defaults: tuple[tuple[str, str], ...] = field(default=(), metadata={"internal": True})
    broadcast: BroadcastPolicy = field(default="auto", metadata={"schema": _BROADCAST})
    where: str | None = None  # Spark SQL predicate on the reference rows
    valid_from: str = "valid_from"
    valid_to: str = "valid_to"
    event_time: str | None = None  # as_of: the column compared; default the event time
    # reason codes; default missing:<name> / ambiguous:<name>; written as reasons: {...}
    missing_reason: str = field(default="", metadata={"internal": True})
    ambiguous_reason: str = field(default="", metadata={"internal": True})
    __yaml_extra__: ClassVar[dict[str, Any]] = {
        "reasons": {
            "type": "object",
            "description": "Reason codes instead of missing:<name> / ambiguous:<name>",
            "properties": {"missing": {"type": "string"}, "ambiguous": {"type": "string"}},
            "additionalProperties": False,
        }
    }

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
    description: str = field(metadata={"optional": True})
    dimensions: tuple[str, ...] = field(metadata={"optional": True})
    time_grain: TimeGrain = field(metadata={"optional": True})
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
    """One dataset: its source, columns, keys, zones, modelling and gold aggregates."""

    name: str = field(metadata={"yaml": "dataset"})
    version: int
    description: str = field(metadata={"optional": True})
    file: str = field(metadata={"internal": True})
    source: Source
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    # None: no time partitions (e.g. a reference snapshot)
    event_time: str | None = field(metadata={"optional": True})
    order_by: tuple[str, ...] = field(metadata={"optional": True})
    schema_drift: DriftPolicy = field(metadata={"optional": True})
    zones: tuple[tuple[str, ZoneSpec], ...] = field(metadata={"schema": _ZONES})
    history: HistoryKind = "none"  # scd2: silver keeps every version of a key
    joins: tuple[JoinStep, ...] = ()
    derived: tuple[Derived, ...] = ()
    rules: tuple[Rule, ...] = ()
    drop: tuple[str, ...] = ()  # join or derived columns used by later steps, not published
    aggregates: tuple[Aggregate, ...] = ()
    event_years: YearRange = field(
        default=YearRange(),
        metadata={
            "yaml": "event_time_range",
            "schema": {
                "type": "object",
                "description": "Years the event time may fall in (year partition projection)",
                "properties": {"from": {"type": "integer"}, "to": {"type": "integer"}},
                "additionalProperties": False,
            },
        },
    )
    # Every zone of RETENTION_ZONES, in that order; defaults filled in for zones not declared.
    retention: tuple[tuple[str, ZoneRetention], ...] = field(
        default=tuple(DEFAULT_RETENTION.items()),
        metadata={
            "schema": {
                "type": "object",
                "description": "Days to keep, and storage-class transitions, per zone",
                "propertyNames": {"enum": list(RETENTION_ZONES)},
                "additionalProperties": {"type": "object"},
            }
        },
    )

    def retention_for(self, zone: str) -> ZoneRetention:
        """The retention of ``zone`` (one of RETENTION_ZONES)."""
        for name, spec in self.retention:
            if name == zone:
                return spec
        raise KeyError(f"no retention zone {zone!r}; zones are {list(RETENTION_ZONES)}")

    # join column types known (``load_contracts`` resolves them)
    resolved: bool = field(default=True, metadata={"internal": True})
    # Undeclared field names treated as personal data (project-wide, schemas/_project.yaml);
    # empty: the library's multilingual default.
    personal_field_names: tuple[str, ...] = field(default=(), metadata={"internal": True})

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise ContractError(
            self.file, "columns", f"no column {name!r}; declared: {list(self.column_names)}"
        )

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def pii_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.pii is not None)

    @property
    def hashes_pii(self) -> bool:
        """Whether a column is hashed with the keyed hash, so a run needs the PII key."""
        return any(c.pii is not None and c.pii.kind == "hash" for c in self.columns)

    def zone(self, zone: str) -> ZoneSpec:
        for name, spec in self.zones:
            if name == zone:
                return spec
        declared = [n for n, _ in self.zones]
        raise ContractError(self.file, "zones", f"no {zone} zone; declared: {declared}")

    def has_zone(self, zone: str) -> bool:
        return any(name == zone for name, _ in self.zones)
