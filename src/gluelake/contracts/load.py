"""Load and validate dataset contracts from YAML. A broken contract fails here, with the
file, the field path and what was expected, before any Spark work starts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast, get_args

import yaml

from gluelake.columns import HISTORY, TIME_PARTS
from gluelake.contracts import expressions
from gluelake.contracts.model import (
    DEFAULT_RETENTION,
    RETENTION_ZONES,
    ZONES,
    Aggregate,
    BroadcastPolicy,
    Column,
    Constraints,
    DatasetContract,
    Derived,
    DriftPolicy,
    Generalization,
    HistoryKind,
    JoinKind,
    JoinStep,
    Measure,
    MeasureFn,
    MissingPolicy,
    PiiKind,
    PiiPolicy,
    ReferenceZone,
    Rule,
    Selected,
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
from gluelake.errors import ConfigError, ContractError
from gluelake.yamlfile import load_yaml

if TYPE_CHECKING:
    from gluelake.contracts.tables import ColumnSpec

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
    if (lo is not None or hi is not None) and not is_numeric(parse_type(col_type)):
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


def _name_and_type(r: _Reader, m: Mapping[str, Any], path: str) -> tuple[str, str]:
    """A column's (or derived column's) snake_case ``name`` and contract ``type``."""
    name = r.get(m, "name", path, str)
    if not _NAME.match(name):
        raise r.fail(f"{path}.name", f"expected snake_case, found {name!r}")
    col_type = r.get(m, "type", path, str)
    try:
        parse_type(col_type)
    except ValueError as exc:
        raise r.fail(f"{path}.type", str(exc)) from None
    return name, col_type


def _column(r: _Reader, raw: Any, path: str) -> Column:
    m = r.mapping(raw, path, ("name", "type", "nullable", "description", "constraints", "pii"))
    name, col_type = _name_and_type(r, m, path)
    return Column(
        name=name,
        type=col_type.strip().lower(),
        nullable=r.get(m, "nullable", path, bool, True),
        description=r.get(m, "description", path, str, ""),
        constraints=_constraints(r, m.get("constraints"), f"{path}.constraints", col_type),
        pii=_pii(r, m.get("pii"), f"{path}.pii"),
    )


_AGGREGATE_KEYS = (
    "name", "description", "dimensions", "time_grain", "filter", "measures", "year_over_year",
)  # fmt: skip


def _aggregate(r: _Reader, raw: Any, path: str, has_time: bool) -> Aggregate:
    m = r.mapping(raw, path, _AGGREGATE_KEYS)
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
    grain = cast(
        TimeGrain,
        r.choice(
            m.get("time_grain", "month" if has_time else "none"),
            f"{path}.time_grain",
            get_args(TimeGrain),
        ),
    )
    if grain != "none" and not has_time:
        raise r.fail(f"{path}.time_grain", "the dataset has no event_time: use 'none'")
    if grain == "none" and yoy:
        raise r.fail(f"{path}.year_over_year", "needs a time grain")
    where = r.get(m, "filter", path, str, None)
    if where is not None:
        with _at(r, f"{path}.filter"):
            expressions.parse(where)
    return Aggregate(
        name=r.get(m, "name", path, str),
        description=r.get(m, "description", path, str, ""),
        dimensions=r.name_list(m, "dimensions", path),
        time_grain=grain,
        measures=tuple(measures),
        year_over_year=yoy,
        filter=where,
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
    "history", "order_by", "schema_drift", "zones", "joins", "derived", "rules", "drop",
    "aggregates", "event_time_range", "retention",
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


# One pass over the top-level fields in file order: each check uses the fields parsed before
# it (keys need columns, zones need partitions, aggregates need the silver shape).
def parse_contract(doc: Any, file: str) -> DatasetContract:  # noqa: C901, PLR0915
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

    event_time = r.get(m, "event_time", "", str, None)
    if event_time is not None:
        existing("event_time", [event_time])
        if by_name[event_time].type not in ("timestamp", "date"):
            raise r.fail(
                "event_time",
                f"column {event_time!r} must be a timestamp or a date, "
                f"found {by_name[event_time].type}",
            )
    time_columns = TIME_PARTS if event_time is not None else ()
    order_by = r.name_list(m, "order_by", "") or ((event_time,) if event_time else ())
    existing("order_by", order_by)
    history = cast(
        HistoryKind, r.choice(m.get("history", "none"), "history", get_args(HistoryKind))
    )
    if history == "scd2":
        clash = sorted(set(names) & set(HISTORY))
        if clash:
            raise r.fail("history", f"scd2 keeps history in {list(HISTORY)}: rename {clash}")

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
            existing(f"zones.{zone}.partition_by", partition_by, time_columns)
        elif zone == "gold" and (fmt != "parquet" or partition_by):
            raise r.fail(
                f"zones.{zone}",
                "gold is Parquet partitioned by each aggregate's time grain: "
                "give only 'format: parquet'",
            )
        zones.append((zone, ZoneSpec(fmt, partition_by)))
    if not zones or zones[0][0] != "bronze":
        raise r.fail("zones", "expected 'bronze' first, then optionally 'silver' and 'gold'")

    joins = tuple(_join(r, j, f"joins[{i}]") for i, j in enumerate(r.get(m, "joins", "", list, [])))
    derived = tuple(
        _derived(r, d, f"derived[{i}]") for i, d in enumerate(r.get(m, "derived", "", list, []))
    )
    rules = tuple(_rule(r, x, f"rules[{i}]") for i, x in enumerate(r.get(m, "rules", "", list, [])))
    drop = r.name_list(m, "drop", "")
    steps = [j.name for j in joins]
    if len(set(steps)) != len(steps):
        raise r.fail("joins", f"step names must be unique, found {steps}")
    if history == "scd2" and not any(z == "silver" for z, _ in zones):
        raise r.fail("history", "history is kept in silver: declare a silver zone")
    if (joins or derived) and not any(z == "silver" for z, _ in zones):
        raise r.fail(
            "joins" if joins else "derived", "joins and derived columns need a silver zone"
        )

    aggregates = tuple(
        _aggregate(r, a, f"aggregates[{i}]", event_time is not None)
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
        history=history,
        schema_drift=cast(
            DriftPolicy,
            r.choice(m.get("schema_drift", "rescue"), "schema_drift", get_args(DriftPolicy)),
        ),
        zones=tuple(zones),
        joins=joins,
        derived=derived,
        rules=rules,
        drop=drop,
        aggregates=aggregates,
        event_years=_event_years(r, m.get(EVENT_TIME_RANGE_FIELD)),
        retention=_retention(r, m.get("retention")),
        resolved=not joins,
    )
    if contract.resolved:
        _check_modelling(r, contract, {})
    return contract


_JOIN_KEYS = (
    "name", "kind", "dataset", "zone", "on", "select", "on_missing", "broadcast", "where",
    "valid_from", "valid_to", "event_time", "reasons",
)  # fmt: skip


# One branch per field of a join step, each with its own error: flat reads clearer than split.
def _join(r: _Reader, raw: Any, path: str) -> JoinStep:  # noqa: C901
    if isinstance(raw, Mapping):  # YAML 1.1 reads a bare `on:` key as the boolean true
        raw = {("on" if k is True else k): v for k, v in raw.items()}
    m = r.mapping(raw, path, _JOIN_KEYS)
    name = r.get(m, "name", path, str)
    if not _NAME.match(name):
        raise r.fail(f"{path}.name", f"expected snake_case, found {name!r}")
    kind = cast(JoinKind, r.choice(m.get("kind"), f"{path}.kind", get_args(JoinKind)))
    on_raw = m.get("on")
    if isinstance(on_raw, list) and on_raw and all(isinstance(k, str) for k in on_raw):
        on = tuple((k, k) for k in on_raw)
    elif isinstance(on_raw, Mapping) and on_raw:
        on = tuple((str(k), str(v)) for k, v in on_raw.items())
    else:
        raise r.fail(
            f"{path}.on", "expected a list of key columns or a mapping {this_column: ref_column}"
        )
    select = []
    for i, item in enumerate(r.get(m, "select", path, list)):
        if isinstance(item, str):
            select.append(Selected(item, item))
        elif isinstance(item, Mapping) and len(item) == 1:
            ((col, alias),) = item.items()
            select.append(Selected(str(col), str(alias)))
        else:
            raise r.fail(f"{path}.select[{i}]", f"expected col or {{col: alias}}, found {item!r}")
    if not select:
        raise r.fail(f"{path}.select", "expected at least one column")
    for i, sel in enumerate(select):
        if not _NAME.match(sel.alias):
            raise r.fail(f"{path}.select[{i}]", f"expected a snake_case name, found {sel.alias!r}")
    missing = m.get("on_missing", "quarantine")
    defaults: tuple[tuple[str, str], ...] = ()
    if isinstance(missing, Mapping):
        dm = r.mapping(missing, f"{path}.on_missing", ("default",))
        values = r.get(dm, "default", f"{path}.on_missing", dict)
        aliases = {sel.alias for sel in select}
        for k in values:
            if k not in aliases:
                raise r.fail(
                    f"{path}.on_missing.default.{k}",
                    f"not a selected column; selected: {sorted(aliases)}",
                )
        defaults = tuple((str(k), "" if v is None else str(v)) for k, v in values.items())
        policy: MissingPolicy = "default"
    else:
        policy = cast(
            MissingPolicy, r.choice(missing, f"{path}.on_missing", ("quarantine", "null"))
        )
    bc = m.get("broadcast", "auto")
    broadcast = (
        {True: "always", False: "never", "auto": "auto"}.get(bc)
        if not isinstance(bc, int | float) or isinstance(bc, bool)
        else None
    )
    if broadcast is None:
        raise r.fail(f"{path}.broadcast", f"expected auto, true or false, found {bc!r}")
    where = r.get(m, "where", path, str, None)
    if where is not None:
        with _at(r, f"{path}.where"):
            expressions.parse(where)
    reasons = r.mapping(m.get("reasons", {}), f"{path}.reasons", ("missing", "ambiguous"))
    as_of_only = [k for k in ("valid_from", "valid_to", "event_time") if k in m]
    if kind == "lookup" and as_of_only:
        raise r.fail(f"{path}.{as_of_only[0]}", "only an as_of step takes it")
    return JoinStep(
        name=name,
        kind=kind,
        dataset=r.get(m, "dataset", path, str),
        zone=cast(
            ReferenceZone,
            r.choice(m.get("zone", "bronze"), f"{path}.zone", get_args(ReferenceZone)),
        ),
        on=on,
        select=tuple(select),
        on_missing=policy,
        defaults=defaults,
        broadcast=cast(BroadcastPolicy, broadcast),
        where=where,
        valid_from=r.get(m, "valid_from", path, str, "valid_from"),
        valid_to=r.get(m, "valid_to", path, str, "valid_to"),
        event_time=r.get(m, "event_time", path, str, None),
        missing_reason=r.get(reasons, "missing", f"{path}.reasons", str, ""),
        ambiguous_reason=r.get(reasons, "ambiguous", f"{path}.reasons", str, ""),
    )


@contextmanager
def _at(r: _Reader, path: str) -> Iterator[None]:
    """Report an expression problem as a contract error at ``path``."""
    try:
        yield
    except expressions.ExpressionError as exc:
        raise r.fail(path, str(exc)) from None


def _derived(r: _Reader, raw: Any, path: str) -> Derived:
    m = r.mapping(raw, path, ("name", "type", "expr", "description"))
    name, col_type = _name_and_type(r, m, path)
    text = r.get(m, "expr", path, str)
    with _at(r, f"{path}.expr"):
        expressions.parse(text)
    return Derived(name, col_type.strip().lower(), text, r.get(m, "description", path, str, ""))


def _rule(r: _Reader, raw: Any, path: str) -> Rule:
    m = r.mapping(raw, path, ("reason", "when", "message"))
    text = r.get(m, "when", path, str)
    with _at(r, f"{path}.when"):
        expressions.parse(text)
    return Rule(r.get(m, "reason", path, str), text, r.get(m, "message", path, str, ""))


def _reference(
    r: _Reader, contract: DatasetContract, step: JoinStep, path: str,
    contracts: Mapping[str, DatasetContract],
) -> dict[str, ColumnSpec]:  # fmt: skip
    from gluelake.contracts.tables import zone_table

    ref = contracts.get(step.dataset)
    if ref is None:
        raise r.fail(f"{path}.dataset", f"no contract for dataset {step.dataset!r}")
    if not ref.has_zone(step.zone):
        raise r.fail(f"{path}.zone", f"dataset {step.dataset!r} has no {step.zone} zone")
    return {c.name: c for c in zone_table(ref, step.zone).all_columns}


# Checks each modelling section against the columns present at that point, in order;
# splitting it would pass the growing column set through every piece.
def _check_modelling(  # noqa: C901, PLR0915
    r: _Reader, contract: DatasetContract, contracts: Mapping[str, DatasetContract]
) -> DatasetContract:
    """Walk the joins, derived columns and rules in order, checking each against the
    columns present at that point; returns the contract with join column types filled in."""
    from gluelake import columns as fw
    from gluelake.contracts.tables import bronze_columns

    lineage = set(fw.RUN_LINEAGE)
    available = {c.name: c.type for c in bronze_columns(contract) if c.name not in lineage}
    if contract.has_zone("silver") and contract.event_time is not None:
        available.update(fw.typed(fw.TIME_PARTS))
    joins = []
    for i, step in enumerate(contract.joins):
        path = f"joins[{i}]"
        ref = _reference(r, contract, step, path, contracts)
        for this, other in step.on:
            if this not in available:
                raise r.fail(
                    f"{path}.on", f"{this!r} is not a column here; have {sorted(available)}"
                )
            if other not in ref:
                raise r.fail(f"{path}.on", f"{step.dataset} {step.zone} has no column {other!r}")
            if expressions._family(available[this]) != expressions._family(ref[other].type):
                raise r.fail(
                    f"{path}.on",
                    f"{this!r} is {available[this]}, {step.dataset}.{other} is {ref[other].type}",
                )
        if step.where is not None:
            ref_types = {k: v.type for k, v in ref.items()}
            where = step.where
            with _at(r, f"{path}.where"):
                expressions.check_predicate(where, ref_types)
        event_time = step.event_time
        if step.kind == "as_of":
            event_time = event_time or contract.event_time
            if event_time is None:
                raise r.fail(f"{path}.event_time", "the dataset has no event_time: name the column")
            if event_time not in available:
                raise r.fail(f"{path}.event_time", f"{event_time!r} is not a column here")
            for key in ("valid_from", "valid_to"):
                col = getattr(step, key)
                if col not in ref:
                    raise r.fail(
                        f"{path}.{key}", f"{step.dataset} {step.zone} has no column {col!r}"
                    )
        selected = []
        for j, sel in enumerate(step.select):
            if sel.column not in ref:
                raise r.fail(
                    f"{path}.select[{j}]",
                    f"{step.dataset} {step.zone} has no column {sel.column!r}; has {sorted(ref)}",
                )
            if sel.alias in available:
                raise r.fail(
                    f"{path}.select[{j}]",
                    f"{sel.alias!r} is already a column here: select it under another name "
                    f"({{{sel.column}: new_name}})",
                )
            spec = ref[sel.column]
            available[sel.alias] = spec.type
            selected.append(replace(sel, type=spec.type, description=spec.description))
        for alias, value in step.defaults:
            target = available[alias]
            if value == "" or expressions.castable("string", target):
                continue
            raise r.fail(
                f"{path}.on_missing.default.{alias}", f"{value!r} does not cast to {target}"
            )
        joins.append(replace(step, select=tuple(selected), event_time=event_time))
    for i, d in enumerate(contract.derived):
        if d.name in available:
            raise r.fail(f"derived[{i}].name", f"{d.name!r} is already a column here")
        with _at(r, f"derived[{i}].expr"):
            expressions.check(d.expr, available, d.type)
        available[d.name] = d.type
    for i, rule in enumerate(contract.rules):
        with _at(r, f"rules[{i}].when"):
            expressions.check_predicate(rule.when, available)
    added = {s.alias for j in joins for s in j.select} | {d.name for d in contract.derived}
    for name in contract.drop:
        if name not in added:
            raise r.fail("drop", f"{name!r} is not a join or derived column")
    resolved = replace(contract, joins=tuple(joins), resolved=True)
    _check_aggregates(r, resolved)
    return resolved


def _check_aggregates(r: _Reader, contract: DatasetContract) -> None:
    from gluelake.contracts.tables import silver_columns  # the silver shape feeds gold

    types = {c.name: c.type for c in silver_columns(contract)}
    available = set(types)
    for i, agg in enumerate(contract.aggregates):
        if agg.filter is not None:
            with _at(r, f"aggregates[{i}].filter"):
                expressions.check_predicate(agg.filter, types)
        clash = sorted(set(agg.dimensions) & set(TIME_PARTS))
        if clash:
            raise r.fail(
                f"aggregates[{i}].dimensions",
                f"{clash} come from time_grain; do not list them as dimensions",
            )
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
    doc = load_yaml(p, lambda problem: ContractError(file, "(file)", problem))
    contract = parse_contract(doc, file)
    if contract.name != p.stem:
        raise ContractError(
            file, "dataset", f"expected {p.stem!r} (the file name), found {contract.name!r}"
        )
    return contract


PROJECT_FILE = "_project.yaml"


def load_project_settings(schemas_dir: str | Path) -> dict[str, Any]:
    """Project-wide settings from ``schemas/_project.yaml`` (optional), validated:

    ``privacy.personal_field_names`` replaces the default list of undeclared field names
    treated as personal data; ``privacy.extra_personal_field_names`` adds to it."""
    path = Path(schemas_dir) / PROJECT_FILE
    if not path.exists():
        return {}
    r = _Reader(str(path))
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ContractError(str(path), "(file)", f"not valid YAML: {exc}") from None
    top = r.mapping(doc, "(top level)", ("privacy",))
    privacy = r.mapping(top.get("privacy") or {}, "privacy",
                        ("personal_field_names", "extra_personal_field_names"))  # fmt: skip
    settings: dict[str, Any] = {}
    if "personal_field_names" in privacy:
        names = r.name_list(privacy, "personal_field_names", "privacy")
        if not names:
            raise r.fail("privacy.personal_field_names", "expected at least one name")
        settings["personal_field_names"] = names
    if "extra_personal_field_names" in privacy:
        settings["extra_personal_field_names"] = r.name_list(
            privacy, "extra_personal_field_names", "privacy"
        )
    return settings


def _with_project(contract: DatasetContract, settings: Mapping[str, Any]) -> DatasetContract:
    from gluelake.contracts.privacy import DEFAULT_PERSONAL_FIELD_NAMES

    if not settings:
        return contract
    names = tuple(settings.get("personal_field_names", DEFAULT_PERSONAL_FIELD_NAMES))
    names += tuple(settings.get("extra_personal_field_names", ()))
    return replace(contract, personal_field_names=names)


def contract_files(schemas_dir: str | Path) -> list[Path]:
    """The contract files of a schemas folder, sorted: ``*.yaml`` except names starting
    with ``_`` (project settings ``_project.yaml``, the version lock ``_lock.yaml``)."""
    return [f for f in sorted(Path(schemas_dir).glob("*.yaml")) if not f.name.startswith("_")]


def load_contracts(schemas_dir: str | Path) -> dict[str, DatasetContract]:
    """Every contract in a folder, with cross-dataset references checked. Files whose
    name starts with ``_`` are project settings, not contracts."""
    folder = Path(schemas_dir)
    files = contract_files(folder)
    if not files:
        raise ContractError(str(folder), "(folder)", "no *.yaml dataset contracts found")
    settings = load_project_settings(folder)
    contracts = {c.name: c for c in (_with_project(load_contract(f), settings) for f in files)}
    return resolve_contracts(contracts)


def resolve_contracts(contracts: Mapping[str, DatasetContract]) -> dict[str, DatasetContract]:
    """Check every contract's joins against the datasets they read, in dependency order
    (a step may read another dataset's silver, which has joins of its own)."""
    resolved, errors = resolve_each(contracts)
    if errors:
        raise errors[0]
    return resolved


def resolve_each(
    contracts: Mapping[str, DatasetContract],
) -> tuple[dict[str, DatasetContract], list[ContractError]]:
    """As ``resolve_contracts``, but every contract on its own: the ones that resolved, and
    one error per contract that did not (a contract reading a broken one is not resolved)."""
    done: dict[str, DatasetContract] = {}
    failed: dict[str, ContractError | None] = {}
    visiting: list[str] = []

    def visit(name: str) -> DatasetContract | None:
        if name in done or name in failed:
            return done.get(name)
        contract = contracts[name]
        if name in visiting:
            cycle = " -> ".join([*visiting[visiting.index(name) :], name])
            failed[name] = ContractError(
                contract.file, "joins", f"datasets join each other in a cycle: {cycle}"
            )
            return None
        visiting.append(name)
        deps_ok = all(
            visit(step.dataset) is not None
            for step in contract.joins
            if step.dataset in contracts and step.dataset != name
        )
        visiting.pop()
        if name in failed:
            return None
        if not deps_ok:
            failed[name] = None  # its dependency's error is reported
            return None
        try:
            done[name] = _check_modelling(_Reader(contract.file), contract, {**contracts, **done})
        except ContractError as exc:
            failed[name] = exc
            return None
        return done[name]

    for name in contracts:
        visit(name)
    return {n: done[n] for n in contracts if n in done}, [e for e in failed.values() if e]


def find_contract(
    contracts: Mapping[str, DatasetContract], dataset: str, *, source: str | Path
) -> DatasetContract:
    """The contract of ``dataset``; ConfigError names the folder and the known datasets."""
    contract = contracts.get(dataset)
    if contract is None:
        raise ConfigError(
            f"no contract for dataset {dataset!r} in {source}; found {sorted(contracts)}"
        )
    return contract
