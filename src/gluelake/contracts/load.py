"""Load and validate dataset contracts from YAML. A broken contract fails here, with the
file, the field path and what was expected, before any Spark work starts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, cast, get_args

import yaml

from gluelake.columns import TIME_PARTS
from gluelake.contracts.model import (
    DEFAULT_RETENTION,
    RETENTION_ZONES,
    ZONES,
    Aggregate,
    Column,
    Constraints,
    DatasetContract,
    DriftPolicy,
    FactorEnrichment,
    Generalization,
    Measure,
    MeasureFn,
    PiiKind,
    PiiPolicy,
    Source,
    SourceFormat,
    StorageClass,
    TableFormat,
    TimeGrain,
    Transition,
    YearRange,
    ZoneRetention,
    ZoneSpec,
)
from gluelake.contracts.types import is_numeric, parse_type
from gluelake.errors import ContractError

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class _Reader:
    """Walks one YAML document, remembering the field path for error messages."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, path: str, problem: str) -> ContractError:
        return ContractError(self.file, path, problem)

    def mapping(self, value: Any, path: str, allowed: Iterable[str]) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(path, f"expected a mapping, found {type(value).__name__}")
        unknown = sorted(set(value) - set(allowed))
        if unknown:
            raise self.fail(path, f"unknown key(s) {unknown}; allowed: {sorted(allowed)}")
        return value

    def get(self, m: Mapping[str, Any], key: str, path: str, kind: type, default: Any = ...) -> Any:
        if key not in m:
            if default is ...:
                raise self.fail(f"{path}.{key}".lstrip("."), "required field is missing")
            return default
        value = m[key]
        if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
            return value
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(
                f"{path}.{key}".lstrip("."),
                f"expected {kind.__name__}, found {type(value).__name__} ({value!r})",
            )
        return value

    def name_list(self, m: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
        values = self.get(m, key, path, list, [])
        for i, v in enumerate(values):
            if not isinstance(v, str):
                raise self.fail(f"{path}.{key}[{i}]", f"expected a column name, found {v!r}")
        return tuple(values)

    def choice(self, value: Any, path: str, options: tuple[str, ...]) -> str:
        if value not in options:
            raise self.fail(path, f"expected one of {list(options)}, found {value!r}")
        return cast(str, value)


def _decimal(r: _Reader, value: Any, path: str) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise r.fail(path, f"expected a number, found {value!r}") from None


def _constraints(r: _Reader, raw: Any, path: str, col_type: str) -> Constraints:
    if raw is None:
        return Constraints()
    m = r.mapping(raw, path, ("allowed", "min", "max", "pattern", "not_future"))
    allowed = m.get("allowed")
    if allowed is not None:
        if not isinstance(allowed, list) or not allowed:
            raise r.fail(f"{path}.allowed", "expected a non-empty list of values")
        allowed = tuple(str(v) for v in allowed)
    lo, hi = _decimal(r, m.get("min"), f"{path}.min"), _decimal(r, m.get("max"), f"{path}.max")
    if (lo is not None or hi is not None) and not is_numeric(col_type):
        raise r.fail(path, f"min/max need a numeric column, the column is {col_type}")
    if lo is not None and hi is not None and lo > hi:
        raise r.fail(path, f"min {lo} is greater than max {hi}")
    pattern = r.get(m, "pattern", path, str, None)
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise r.fail(f"{path}.pattern", f"not a valid regular expression: {exc}") from None
    not_future = r.get(m, "not_future", path, bool, False)
    if not_future and col_type not in ("timestamp", "date"):
        raise r.fail(f"{path}.not_future", f"needs a timestamp or date column, found {col_type}")
    return Constraints(allowed=allowed, min=lo, max=hi, pattern=pattern, not_future=not_future)


def _pii(r: _Reader, raw: Any, path: str) -> PiiPolicy | None:
    if raw is None:
        return None
    m = r.mapping(raw, path, ("policy", "class", "keep_last", "to"))
    kind = cast(PiiKind, r.choice(m.get("policy"), f"{path}.policy", get_args(PiiKind)))
    pii_class = r.get(m, "class", path, str)
    keep_last = r.get(m, "keep_last", path, int, 4)
    if keep_last < 0:
        raise r.fail(f"{path}.keep_last", f"expected a count >= 0, found {keep_last}")
    to = m.get("to")
    if kind == "generalize":
        to = r.choice(to, f"{path}.to", get_args(Generalization))
    elif to is not None:
        raise r.fail(f"{path}.to", f"only policy 'generalize' takes 'to', policy is {kind!r}")
    return PiiPolicy(kind, pii_class, keep_last, cast(Generalization | None, to))


def _column(r: _Reader, raw: Any, path: str) -> Column:
    m = r.mapping(raw, path, ("name", "type", "nullable", "description", "constraints", "pii"))
    name = r.get(m, "name", path, str)
    if not _NAME.match(name):
        raise r.fail(f"{path}.name", f"expected snake_case, found {name!r}")
    col_type = r.get(m, "type", path, str)
    try:
        parse_type(col_type)
    except ValueError as exc:
        raise r.fail(f"{path}.type", str(exc)) from None
    return Column(
        name=name,
        type=col_type.strip().lower(),
        nullable=r.get(m, "nullable", path, bool, True),
        description=r.get(m, "description", path, str, ""),
        constraints=_constraints(r, m.get("constraints"), f"{path}.constraints", col_type),
        pii=_pii(r, m.get("pii"), f"{path}.pii"),
    )


def _aggregate(r: _Reader, raw: Any, path: str) -> Aggregate:
    m = r.mapping(
        raw, path, ("name", "description", "dimensions", "time_grain", "measures", "year_over_year")
    )
    measures = []
    for i, mr in enumerate(r.get(m, "measures", path, list)):
        mp = f"{path}.measures[{i}]"
        mm = r.mapping(mr, mp, ("name", "fn", "column"))
        fn = cast(MeasureFn, r.choice(mm.get("fn"), f"{mp}.fn", get_args(MeasureFn)))
        column = r.get(mm, "column", mp, str, None)
        if column is None and fn != "count":
            raise r.fail(f"{mp}.column", f"measure fn {fn!r} needs a column")
        measures.append(Measure(r.get(mm, "name", mp, str), fn, column))
    if not measures:
        raise r.fail(f"{path}.measures", "expected at least one measure")
    yoy = r.name_list(m, "year_over_year", path)
    for name in yoy:
        if name not in {ms.name for ms in measures}:
            raise r.fail(f"{path}.year_over_year", f"{name!r} is not a measure of this aggregate")
    return Aggregate(
        name=r.get(m, "name", path, str),
        description=r.get(m, "description", path, str, ""),
        dimensions=r.name_list(m, "dimensions", path),
        time_grain=cast(
            TimeGrain,
            r.choice(m.get("time_grain", "month"), f"{path}.time_grain", get_args(TimeGrain)),
        ),
        measures=tuple(measures),
        year_over_year=yoy,
    )


# S3's transition order (a class may only be followed by one further down this list).
_STORAGE_ORDER: tuple[str, ...] = get_args(StorageClass)
_INFREQUENT = ("STANDARD_IA", "ONEZONE_IA")  # S3: at least 30 days before and after these
_ARCHIVE = ("GLACIER", "DEEP_ARCHIVE")  # need a restore before any read


def _transition(r: _Reader, raw: Any, path: str) -> Transition:
    m = r.mapping(raw, path, ("after_days", "storage_class"))
    after = r.get(m, "after_days", path, int)
    storage = cast(
        StorageClass, r.choice(m.get("storage_class"), f"{path}.storage_class", _STORAGE_ORDER)
    )
    minimum = 30 if storage in _INFREQUENT else 1
    if after < minimum:
        raise r.fail(f"{path}.after_days", f"expected >= {minimum} for {storage}, found {after}")
    return Transition(after, storage)


def _zone_retention(r: _Reader, zone: str, raw: Any, path: str) -> ZoneRetention:
    m = r.mapping(raw, path, ("days", "transitions"))
    days = r.get(m, "days", path, int)
    if days < 1:
        raise r.fail(f"{path}.days", f"expected a number of days >= 1, found {days}")
    transitions = tuple(
        _transition(r, t, f"{path}.transitions[{i}]")
        for i, t in enumerate(r.get(m, "transitions", path, list, []))
    )
    for i, t in enumerate(transitions):
        where = f"{path}.transitions[{i}]"
        if t.after_days >= days:
            raise r.fail(f"{where}.after_days", f"{t.after_days} is not before days: {days}")
        if t.storage_class in _ARCHIVE and zone != "raw":
            raise r.fail(
                f"{where}.storage_class",
                f"{t.storage_class} needs a restore before any read; jobs and Athena read the "
                f"{zone} zone in place (archive classes are allowed for raw only)",
            )
        if i == 0:
            continue
        prev = transitions[i - 1]
        if _STORAGE_ORDER.index(t.storage_class) <= _STORAGE_ORDER.index(prev.storage_class):
            raise r.fail(
                f"{where}.storage_class",
                f"S3 cannot move objects from {prev.storage_class} to {t.storage_class}; "
                f"order: {list(_STORAGE_ORDER)}",
            )
        gap = 30 if prev.storage_class in _INFREQUENT else 1
        if t.after_days < prev.after_days + gap:
            raise r.fail(
                f"{where}.after_days",
                f"expected >= {prev.after_days + gap} ({gap} day(s) after the "
                f"{prev.storage_class} transition), found {t.after_days}",
            )
    return ZoneRetention(days, transitions)


def _retention(r: _Reader, raw: Any) -> tuple[tuple[str, ZoneRetention], ...]:
    """Every retention zone, in RETENTION_ZONES order; a zone left out gets its default."""
    declared = {} if raw is None else r.mapping(raw, "retention", RETENTION_ZONES)
    return tuple(
        (zone, _zone_retention(r, zone, declared[zone], f"retention.{zone}"))
        if zone in declared
        else (zone, DEFAULT_RETENTION[zone])
        for zone in RETENTION_ZONES
    )


_TOP = (
    "dataset", "version", "description", "source", "columns", "primary_key", "event_time",
    "order_by", "schema_drift", "zones", "enrichment", "aggregates", "event_time_range",
    "retention",
)  # fmt: skip
EVENT_TIME_RANGE_FIELD = "event_time_range"


def _event_years(r: _Reader, raw: Any) -> YearRange:
    """``event_time_range: {from: YEAR, to: YEAR}``; absent: the defaults of YearRange."""
    if raw is None:
        return YearRange()
    path = EVENT_TIME_RANGE_FIELD
    m = r.mapping(raw, path, ("from", "to"))
    default = YearRange()
    first = r.get(m, "from", path, int, default.first)
    last = r.get(m, "to", path, int, default.last)
    if not 1 <= first <= last <= 9999:
        raise r.fail(path, f"expected years 1 <= from <= to <= 9999, found from {first}, to {last}")
    return YearRange(first, last)


def parse_contract(doc: Any, file: str) -> DatasetContract:
    """Validate one parsed YAML document; raises ContractError naming file and field."""
    r = _Reader(file)
    m = r.mapping(doc, "(top level)", _TOP)
    name = r.get(m, "dataset", "", str)
    if not _NAME.match(name):
        raise r.fail("dataset", f"expected snake_case, found {name!r}")

    src = r.mapping(m.get("source"), "source", ("format", "path", "options"))
    options = r.get(src, "options", "source", dict, {})
    source = Source(
        format=cast(
            SourceFormat, r.choice(src.get("format"), "source.format", get_args(SourceFormat))
        ),
        path=r.get(src, "path", "source", str),
        options=tuple(sorted((str(k), str(v)) for k, v in options.items())),
    )

    columns = tuple(
        _column(r, c, f"columns[{i}]") for i, c in enumerate(r.get(m, "columns", "", list))
    )
    if not columns:
        raise r.fail("columns", "expected at least one column")
    names = [c.name for c in columns]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise r.fail("columns", f"duplicate column name(s) {dupes}")
    by_name = {c.name: c for c in columns}
    reserved = sorted(set(names) & set(TIME_PARTS))
    if reserved:
        raise r.fail("columns", f"{reserved} are derived from event_time and cannot be declared")

    def existing(path: str, cols: Iterable[str], extra: Iterable[str] = ()) -> None:
        known = set(names) | set(extra)
        for c in cols:
            if c not in known:
                raise r.fail(path, f"names column {c!r}, which the contract does not declare")

    primary_key = r.name_list(m, "primary_key", "")
    if not primary_key:
        raise r.fail("primary_key", "expected at least one column")
    existing("primary_key", primary_key)
    for c in primary_key:
        if by_name[c].nullable:
            raise r.fail("primary_key", f"key column {c!r} must be nullable: false")
        if by_name[c].pii is not None and by_name[c].pii.kind != "hash":  # type: ignore[union-attr]
            raise r.fail("primary_key", f"key column {c!r} can only take pii policy 'hash'")

    event_time = r.get(m, "event_time", "", str)
    existing("event_time", [event_time])
    if by_name[event_time].type != "timestamp":
        raise r.fail("event_time", f"column {event_time!r} must be a timestamp")
    order_by = r.name_list(m, "order_by", "") or (event_time,)
    existing("order_by", order_by)

    zones = []
    for zone, spec in r.mapping(m.get("zones"), "zones", ZONES).items():
        zm = r.mapping(spec, f"zones.{zone}", ("format", "partition_by"))
        fmt = cast(
            TableFormat, r.choice(zm.get("format"), f"zones.{zone}.format", ("delta", "parquet"))
        )
        partition_by = r.name_list(zm, "partition_by", f"zones.{zone}")
        if zone == "bronze" and partition_by:
            existing(f"zones.{zone}.partition_by", partition_by)
        elif zone == "silver":
            existing(f"zones.{zone}.partition_by", partition_by, TIME_PARTS)
        elif zone == "gold" and (fmt != "parquet" or partition_by):
            raise r.fail(
                f"zones.{zone}",
                "gold is Parquet partitioned by each aggregate's time grain: "
                "give only 'format: parquet'",
            )
        zones.append((zone, ZoneSpec(fmt, partition_by)))
    if not zones or zones[0][0] != "bronze":
        raise r.fail("zones", "expected 'bronze' first, then optionally 'silver' and 'gold'")

    enrichment = None
    if m.get("enrichment") is not None:
        em = r.mapping(m["enrichment"], "enrichment", ("emission_factors",))
        fm = r.mapping(em.get("emission_factors"), "enrichment.emission_factors",
                       ("reference", "factor_key", "quantity", "unit"))  # fmt: skip
        p = "enrichment.emission_factors"
        enrichment = FactorEnrichment(
            reference=r.get(fm, "reference", p, str),
            factor_key=r.get(fm, "factor_key", p, str),
            quantity=r.get(fm, "quantity", p, str),
            unit=r.get(fm, "unit", p, str),
        )
        # The factor must be for the activity's type: both sides carry activity_type.
        existing(p, [enrichment.factor_key, enrichment.quantity, enrichment.unit, "activity_type"])
        if not is_numeric(by_name[enrichment.quantity].type):
            raise r.fail(f"{p}.quantity", f"column {enrichment.quantity!r} must be numeric")

    aggregates = tuple(
        _aggregate(r, a, f"aggregates[{i}]")
        for i, a in enumerate(r.get(m, "aggregates", "", list, []))
    )
    zone_names = [z for z, _ in zones]
    if aggregates and "gold" not in zone_names:
        raise r.fail("aggregates", "aggregates need a gold zone under 'zones'")
    if "gold" in zone_names and not aggregates:
        raise r.fail("zones.gold", "a gold zone needs at least one entry under 'aggregates'")
    if "gold" in zone_names and "silver" not in zone_names:
        raise r.fail("zones", "gold is built from silver: declare a silver zone too")

    contract = DatasetContract(
        name=name,
        version=r.get(m, "version", "", int),
        description=r.get(m, "description", "", str, ""),
        file=file,
        source=source,
        columns=columns,
        primary_key=primary_key,
        event_time=event_time,
        order_by=order_by,
        schema_drift=cast(
            DriftPolicy,
            r.choice(m.get("schema_drift", "rescue"), "schema_drift", get_args(DriftPolicy)),
        ),
        zones=tuple(zones),
        enrichment=enrichment,
        aggregates=aggregates,
        event_years=_event_years(r, m.get(EVENT_TIME_RANGE_FIELD)),
        retention=_retention(r, m.get("retention")),
    )
    _check_aggregates(r, contract)
    return contract


def _check_aggregates(r: _Reader, contract: DatasetContract) -> None:
    from gluelake.contracts.tables import silver_column_names  # the silver shape feeds gold

    available = set(silver_column_names(contract))
    for i, agg in enumerate(contract.aggregates):
        for d in agg.dimensions:
            if d not in available:
                raise r.fail(
                    f"aggregates[{i}].dimensions",
                    f"{d!r} is not a silver column; silver has {sorted(available)}",
                )
        for j, ms in enumerate(agg.measures):
            if ms.column is not None and ms.column not in available:
                raise r.fail(
                    f"aggregates[{i}].measures[{j}].column", f"{ms.column!r} is not a silver column"
                )


def load_contract(path: str | Path) -> DatasetContract:
    """Read one ``schemas/<dataset>.yaml``; the dataset name must match the file name."""
    p = Path(path)
    file = str(p)
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ContractError(file, "(file)", f"cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ContractError(file, "(file)", f"not valid YAML: {exc}") from None
    contract = parse_contract(doc, file)
    if contract.name != p.stem:
        raise ContractError(
            file, "dataset", f"expected {p.stem!r} (the file name), found {contract.name!r}"
        )
    return contract


def load_contracts(schemas_dir: str | Path) -> dict[str, DatasetContract]:
    """Every contract in a folder, with cross-dataset references checked."""
    folder = Path(schemas_dir)
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise ContractError(str(folder), "(folder)", "no *.yaml dataset contracts found")
    contracts = {c.name: c for c in (load_contract(f) for f in files)}
    for c in contracts.values():
        if c.enrichment is not None:
            check_factor_reference(c, contracts.get(c.enrichment.reference))
    return contracts


FACTOR_COLUMNS = (
    "factor_id",
    "activity_type",
    "unit",
    "kg_co2e_per_unit",
    "scope",
    "category",
    "valid_from",
    "valid_to",
)


def check_factor_reference(contract: DatasetContract, reference: DatasetContract | None) -> None:
    assert contract.enrichment is not None
    path = "enrichment.emission_factors.reference"
    if reference is None:
        raise ContractError(
            contract.file, path, f"no contract for dataset {contract.enrichment.reference!r}"
        )
    missing = [c for c in FACTOR_COLUMNS if c not in reference.column_names]
    if missing:
        raise ContractError(
            reference.file, "columns", f"a factor reference needs columns {missing}"
        )
