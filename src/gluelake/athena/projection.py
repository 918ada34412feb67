"""Partition projection for Hive-style Parquet tables: which projection type each partition
column gets, and the table properties Athena reads.

Rules (from the contracts and the writers):
- ``year``/``month``/``day`` ints are written by Spark ``partitionBy`` without padding
  (``month=3``), so they are ``integer`` projections without ``digits``. Years span the
  contract's ``event_time_range`` (default 2000-2100): queries that filter on year list
  only their years, unfiltered ones list the whole range.
- a string column whose contract lists ``allowed`` values, and the quality table's
  ``dataset`` column (the contract names), are ``enum``.
- ``date`` columns and string ``*_date`` columns (written as ``yyyy-MM-dd``) are ``date``.
- any other key (e.g. a tenant id) is ``injected``: queries must name its values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gluelake.columns import DAY, MONTH, YEAR
from gluelake.contracts.model import DatasetContract, YearRange
from gluelake.contracts.tables import ColumnSpec, TableSpec
from gluelake.errors import AthenaError

DATE_FORMAT = "yyyy-MM-dd"
DATE_RANGE_START = "2020-01-01"
DATE_INTERVAL_UNITS = (
    "YEARS", "MONTHS", "WEEKS", "DAYS", "HOURS", "MINUTES", "SECONDS", "MILLISECONDS",
)  # fmt: skip


@dataclass(frozen=True)
class IntegerProjection:
    column: str
    low: int
    high: int  # Spark writes month=3, not month=03: no digits (zero padding) needed

    def properties(self) -> tuple[tuple[str, str], ...]:
        p = f"projection.{self.column}"
        return ((f"{p}.type", "integer"), (f"{p}.range", f"{self.low},{self.high}"))


@dataclass(frozen=True)
class DateProjection:
    column: str
    format: str  # Java DateTimeFormatter pattern
    low: str  # in ``format``, or relative: NOW, NOW-3YEARS
    high: str
    interval: int | None = None
    unit: str | None = None

    def properties(self) -> tuple[tuple[str, str], ...]:
        p = f"projection.{self.column}"
        props = [
            (f"{p}.type", "date"),
            (f"{p}.format", self.format),
            (f"{p}.range", f"{self.low},{self.high}"),
        ]
        if self.interval is not None:
            props.append((f"{p}.interval", str(self.interval)))
        if self.unit is not None:
            props.append((f"{p}.interval.unit", self.unit))
        return tuple(props)


@dataclass(frozen=True)
class EnumProjection:
    column: str
    values: tuple[str, ...]

    def properties(self) -> tuple[tuple[str, str], ...]:
        p = f"projection.{self.column}"
        return ((f"{p}.type", "enum"), (f"{p}.values", ",".join(self.values)))


@dataclass(frozen=True)
class InjectedProjection:
    column: str

    def properties(self) -> tuple[tuple[str, str], ...]:
        return ((f"projection.{self.column}.type", "injected"),)


Projection = IntegerProjection | DateProjection | EnumProjection | InjectedProjection

_TIME_RANGES = {MONTH: (1, 12), DAY: (1, 31)}


def projection_for(
    table: TableSpec, column: ColumnSpec, contracts: Mapping[str, DatasetContract]
) -> Projection:
    """The projection of one partition column of ``table``."""
    name = column.name
    if table.kind == "quality_results" and name == "dataset":
        return EnumProjection(name, tuple(sorted(contracts)))
    if column.type == "int" and name == YEAR:
        years = contracts[table.dataset].event_years if table.dataset in contracts else YearRange()
        return IntegerProjection(name, years.first, years.last)
    if column.type == "int" and name in _TIME_RANGES:
        low, high = _TIME_RANGES[name]
        return IntegerProjection(name, low, high)
    if column.type == "date" or (column.type == "string" and name.endswith("_date")):
        return DateProjection(name, DATE_FORMAT, DATE_RANGE_START, "NOW", 1, "DAYS")
    contract = contracts.get(table.dataset)
    source = next((c for c in contract.columns if c.name == name), None) if contract else None
    if source is not None and column.type == "string" and source.constraints.allowed:
        values = source.constraints.allowed
        if any(v != v.strip() or "," in v for v in values):
            raise AthenaError(
                f"table {table.name}: allowed values of partition column {name!r} {values} "
                "contain commas or surrounding spaces, which an enum projection cannot hold"
            )
        return EnumProjection(name, values)
    if column.type in ("int", "bigint") and source is not None:
        lo, hi = source.constraints.min, source.constraints.max
        if lo is not None and hi is not None and lo == int(lo) and hi == int(hi):
            return IntegerProjection(name, int(lo), int(hi))
    if column.type in ("string", "int", "bigint"):
        return InjectedProjection(name)
    raise AthenaError(
        f"table {table.name}: partition column {name!r} of type {column.type} cannot be "
        "projected; partition by an int, string or date column"
    )


def location_template(location: str, columns: tuple[str, ...]) -> str:
    """Exactly the directories Spark ``partitionBy`` writes: ``<location>a=${a}/b=${b}/``."""
    base = location if location.endswith("/") else f"{location}/"
    return base + "".join(f"{c}=${{{c}}}/" for c in columns)


def projection_properties(
    location: str, projections: tuple[Projection, ...]
) -> tuple[tuple[str, str], ...]:
    """``projection.enabled``, every column's settings, then ``storage.location.template``."""
    props: list[tuple[str, str]] = [("projection.enabled", "true")]
    for projection in projections:
        props += projection.properties()
    template = location_template(location, tuple(p.column for p in projections))
    props.append(("storage.location.template", template))
    return tuple(props)
