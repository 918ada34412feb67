"""Projection linter: what Glue accepts but Athena rejects (or silently reads as empty) only
at query time. Reads the DDL files, checks each projection, then checks every partition
directory written under a local lake against the template and the projected values."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlglot
from sqlglot import exp

from gluelake.athena.dateformat import (
    is_day_or_month_precise,
    parse_bound,
    parse_value,
    strftime_pattern,
)
from gluelake.athena.projection import DATE_INTERVAL_UNITS
from gluelake.contracts.load import EVENT_TIME_RANGE_FIELD
from gluelake.errors import AthenaError

_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
_INTEGER = re.compile(r"^-?\d+$")


@dataclass(frozen=True)
class ProjectedTable:
    """What the linter needs from one ``CREATE EXTERNAL TABLE``."""

    qualified_name: str
    source: str  # the DDL file
    location: str
    partition_columns: tuple[str, ...]
    properties: tuple[tuple[str, str], ...]

    @property
    def is_delta(self) -> bool:
        return dict(self.properties).get("table_type", "").upper() == "DELTA"

    def prop(self, key: str) -> str | None:
        return dict(self.properties).get(key)


@dataclass(frozen=True)
class LintIssue:
    table: str
    where: str  # the property, file or directory at fault
    message: str

    def __str__(self) -> str:
        return f"{self.table}: {self.where}: {self.message}"


def parse_ddl(text: str, source: str) -> ProjectedTable:
    """The table, location, partition columns and TBLPROPERTIES of one DDL statement."""
    try:
        tree = sqlglot.parse_one(text, read="athena")
    except sqlglot.errors.ParseError as exc:
        raise AthenaError(f"{source}: not valid Athena DDL: {exc}") from None
    if not isinstance(tree, exp.Create) or str(tree.args.get("kind", "")).upper() != "TABLE":
        raise AthenaError(f"{source}: expected CREATE EXTERNAL TABLE, found {tree.key}")
    table = tree.find(exp.Table)
    assert table is not None
    name = ".".join(p.name for p in table.parts)
    location, columns, props = "", [], []
    for prop in tree.find_all(exp.LocationProperty):
        location = prop.this.name
    for part in tree.find_all(exp.PartitionedByProperty):
        columns += [c.name for c in part.this.expressions]
    for p in (tree.args.get("properties") or exp.Properties()).expressions:
        if type(p) is exp.Property and isinstance(p.this, exp.Literal):
            props.append((p.this.name, p.args["value"].name))
    if not location:
        raise AthenaError(f"{source}: {name} has no LOCATION")
    return ProjectedTable(name, source, location, tuple(columns), tuple(props))


def read_ddl_dir(ddl_dir: Path, databases: Iterable[str]) -> list[ProjectedTable]:
    tables = []
    for database in databases:
        for file in sorted((ddl_dir / database).glob("*.sql")):
            tables.append(parse_ddl(file.read_text(encoding="utf-8"), str(file)))
    return tables


# ---- static checks --------------------------------------------------------------------


def _issue(t: ProjectedTable, where: str, message: str) -> LintIssue:
    return LintIssue(t.qualified_name, where, message)


def _int(text: str | None) -> int | None:
    return int(text) if text is not None and _INTEGER.match(text.strip()) else None


def _check_integer(t: ProjectedTable, col: str) -> Iterator[LintIssue]:
    key = f"projection.{col}.range"
    raw = t.prop(key)
    bounds = [_int(b) for b in (raw or "").split(",")]
    if raw is None or len(bounds) != 2 or None in bounds:
        yield _issue(t, key, f"expected 'min,max' integers, found {raw!r}")
    elif bounds[0] > bounds[1]:  # type: ignore[operator]
        yield _issue(t, key, f"min {bounds[0]} is greater than max {bounds[1]}")
    for opt in ("digits", "interval"):
        value = t.prop(f"projection.{col}.{opt}")
        if value is not None and (_int(value) is None or int(value) < 1):
            yield _issue(
                t, f"projection.{col}.{opt}", f"expected a positive integer, found {value!r}"
            )


def _check_date(t: ProjectedTable, col: str, now: datetime) -> Iterator[LintIssue]:
    fmt = t.prop(f"projection.{col}.format")
    if fmt is None:
        yield _issue(t, f"projection.{col}.format", "required for a date projection")
        return
    try:
        day_or_month = is_day_or_month_precise(fmt)
    except AthenaError as exc:
        yield _issue(t, f"projection.{col}.format", str(exc))
        return
    key = f"projection.{col}.range"
    raw = t.prop(key) or ""
    parts = raw.split(",")
    if len(parts) != 2:
        yield _issue(t, key, f"expected 'start,end' in format {fmt!r} or NOW±N UNIT, found {raw!r}")
    else:
        try:
            low, high = (parse_bound(p, fmt, now) for p in parts)
            if low > high:
                yield _issue(t, key, f"start {parts[0]!r} is after end {parts[1]!r}")
        except AthenaError as exc:
            yield _issue(t, key, str(exc))
    interval, unit = t.prop(f"projection.{col}.interval"), t.prop(f"projection.{col}.interval.unit")
    if unit is not None and unit not in DATE_INTERVAL_UNITS:
        yield _issue(t, f"projection.{col}.interval.unit", f"expected one of {DATE_INTERVAL_UNITS}")
    if interval is not None and (_int(interval) is None or int(interval) < 1):
        yield _issue(
            t, f"projection.{col}.interval", f"expected a positive integer, found {interval!r}"
        )
    if not day_or_month and (interval is None or unit is None):
        yield _issue(
            t,
            f"projection.{col}",
            f"format {fmt!r} is finer than a day: set interval and interval.unit",
        )


def _check_enum(t: ProjectedTable, col: str) -> Iterator[LintIssue]:
    key = f"projection.{col}.values"
    raw = t.prop(key)
    values = (raw or "").split(",")
    if not raw or any(not v for v in values):
        yield _issue(t, key, f"expected comma-separated non-empty values, found {raw!r}")
    elif any(v != v.strip() for v in values):
        yield _issue(t, key, f"values {values} carry spaces, which Athena keeps as part of a value")


def _template_columns(template: str) -> list[str]:
    return _PLACEHOLDER.findall(template)


def _check_injected(t: ProjectedTable, col: str) -> Iterator[LintIssue]:
    return iter(())  # the query supplies the value: nothing to check statically


# Projection type -> the checks of its settings; a new projection type is one entry here.
_CHECKS: dict[str, Callable[[ProjectedTable, str, datetime], Iterator[LintIssue]]] = {
    "integer": lambda t, col, _now: _check_integer(t, col),
    "date": _check_date,
    "enum": lambda t, col, _now: _check_enum(t, col),
    "injected": lambda t, col, _now: _check_injected(t, col),
}


def _check_column(t: ProjectedTable, col: str, now: datetime) -> Iterator[LintIssue]:
    kind = t.prop(f"projection.{col}.type")
    check = _CHECKS.get(kind) if kind is not None else None
    if kind is None:
        yield _issue(
            t,
            f"projection.{col}.type",
            f"partition column {col!r} is not projected; Athena fails with "
            "'missing projection configuration'",
        )
    elif check is None:
        yield _issue(
            t, f"projection.{col}.type", f"expected one of {tuple(_CHECKS)}, found {kind!r}"
        )
    else:
        yield from check(t, col, now)


def _check_template(t: ProjectedTable, template: str) -> Iterator[LintIssue]:
    key = "storage.location.template"
    named = _template_columns(template)
    for col in t.partition_columns:
        if col not in named:
            yield _issue(
                t,
                key,
                f"does not name partition column {col!r} (expected ${{{col}}} in {template!r})",
            )
    for col in named:
        if col not in t.partition_columns:
            yield _issue(t, key, f"names ${{{col}}}, which is not a partition column")
    if not template.startswith(t.location):
        yield _issue(t, key, f"does not start with the table location {t.location!r}")


def lint_static(t: ProjectedTable, now: datetime | None = None) -> list[LintIssue]:
    """Projection settings of one table; Delta and unprojected tables have none to check."""
    now = now or datetime.now(UTC)
    if t.is_delta:
        extra = [k for k, _ in t.properties if k.startswith(("projection.", "storage.location"))]
        return [_issue(t, k, "Delta tables take no projection settings") for k in extra]
    if not t.partition_columns:
        return []
    issues: list[LintIssue] = []
    if t.prop("projection.enabled") != "true":
        issues.append(
            _issue(
                t, "projection.enabled", f"expected 'true', found {t.prop('projection.enabled')!r}"
            )
        )
    for col in t.partition_columns:
        issues += _check_column(t, col, now)
    projected = {
        k.split(".")[1]
        for k, _ in t.properties
        if k.startswith("projection.") and k.count(".") >= 2
    }
    for col in sorted(projected - set(t.partition_columns)):
        issues.append(
            _issue(t, f"projection.{col}", f"{col!r} is not a partition column of the table")
        )
    template = t.prop("storage.location.template")
    if template is not None:
        issues += _check_template(t, template)
    return issues


# ---- partition directories --------------------------------------------------------------


def _segments(t: ProjectedTable) -> list[str]:
    """The template below the table location, one entry per directory level."""
    template = t.prop("storage.location.template")
    if template is None:  # Athena's default: Hive-style col=value directories
        return [f"{c}=${{{c}}}" for c in t.partition_columns]
    relative = template[len(t.location) :] if template.startswith(t.location) else template
    return [s for s in relative.split("/") if s]


def _segment_regex(segment: str) -> tuple[re.Pattern[str], list[str]]:
    columns, parts, pos = [], [], 0
    for m in _PLACEHOLDER.finditer(segment):
        parts.append(re.escape(segment[pos : m.start()]))
        parts.append("(.+?)")
        columns.append(m.group(1))
        pos = m.end()
    parts.append(re.escape(segment[pos:]))
    return re.compile("".join(parts)), columns


def _check_value(
    t: ProjectedTable, col: str, value: str, where: str, now: datetime
) -> Iterator[LintIssue]:
    kind = t.prop(f"projection.{col}.type")
    if kind == "integer":
        if not _INTEGER.match(value):
            yield _issue(
                t, where, f"{col}={value!r} is not an integer; the projection only reads integers"
            )
            return
        digits = _int(t.prop(f"projection.{col}.digits"))
        expected = f"{int(value):0{digits}d}" if digits else str(int(value))
        if value != expected:
            rule = (
                f"projection.{col}.digits={digits}" if digits else f"projection.{col} (no digits)"
            )
            yield _issue(
                t,
                where,
                f"{col}={value} does not match {rule}: Athena reads {col}={expected}, "
                "so this partition is never queried",
            )
        bounds = [_int(b) for b in (t.prop(f"projection.{col}.range") or "").split(",")]
        if len(bounds) == 2 and None not in bounds and not (bounds[0] <= int(value) <= bounds[1]):  # type: ignore[operator]
            fix = (
                f": Athena never reads it; widen {EVENT_TIME_RANGE_FIELD} (from/to years) in "
                "the dataset's contract and regenerate the DDL (`gluelake athena ddl`)"
                if col == "year"
                else ""
            )
            yield _issue(
                t,
                where,
                f"{col}={value} is outside projection.{col}.range {bounds[0]},{bounds[1]}{fix}",
            )
    elif kind == "date":
        fmt = t.prop(f"projection.{col}.format") or ""
        try:
            moment = parse_value(value, fmt)
            raw = (t.prop(f"projection.{col}.range") or "").split(",")
            pattern = strftime_pattern(fmt)
            low, high = (parse_value(parse_bound(b, fmt, now).strftime(pattern), fmt) for b in raw)
        except (AthenaError, ValueError) as exc:
            yield _issue(t, where, f"{col}: {exc}")
            return
        if not low <= moment <= high:
            yield _issue(
                t, where, f"{col}={value} is outside projection.{col}.range {','.join(raw)}"
            )
    elif kind == "enum":
        values = (t.prop(f"projection.{col}.values") or "").split(",")
        if value not in values:
            yield _issue(t, where, f"{col}={value!r} is not in projection.{col}.values {values}")


def _visible(path: Path) -> bool:
    # Spark's _SUCCESS/_temporary, Delta's _delta_log and dot files are not data.
    return not path.name.startswith(("_", "."))


def lint_lake(
    t: ProjectedTable, table_dir: Path, now: datetime | None = None
) -> tuple[list[LintIssue], int]:
    """Every partition directory under ``table_dir`` against the template and projections.
    Returns the issues and the number of partitions checked; a missing folder has none."""
    now = now or datetime.now(UTC)
    if t.is_delta or not t.partition_columns or not table_dir.is_dir():
        return [], 0
    segments = [_segment_regex(s) for s in _segments(t)]
    issues: list[LintIssue] = []
    level: list[tuple[Path, dict[str, str]]] = [(table_dir, {})]
    for depth, (regex, columns) in enumerate(segments):
        below = []
        for folder, values in level:
            for child in sorted(folder.iterdir()):
                if not _visible(child):
                    continue
                where = str(child)
                if child.is_file():
                    issues.append(
                        _issue(
                            t,
                            where,
                            "data file above the partition level: Athena reads only "
                            f"{'/'.join(_segments(t))}",
                        )
                    )
                    continue
                m = regex.fullmatch(child.name)
                if not m:
                    issues.append(
                        _issue(
                            t,
                            where,
                            f"directory {child.name!r} does not match template level "
                            f"{_segments(t)[depth]!r}",
                        )
                    )
                    continue
                below.append((child, {**values, **dict(zip(columns, m.groups(), strict=True))}))
        level = below
    for folder, values in level:
        for col, value in values.items():
            issues += _check_value(t, col, value, str(folder), now)
    return issues, len(level)


@dataclass(frozen=True)
class LintReport:
    tables: int
    partitions: int
    issues: tuple[LintIssue, ...]


def local_table_dir(t: ProjectedTable, lake_root_uri: str, local_root: Path) -> Path:
    """The local folder mirroring the table's location under the environment's lake root."""
    prefix = lake_root_uri.rstrip("/") + "/"
    if not t.location.startswith(prefix):
        raise AthenaError(
            f"{t.source}: location {t.location!r} is not under the lake root {lake_root_uri!r}"
        )
    return local_root / t.location[len(prefix) :].strip("/")


def lint_tables(
    tables: Iterable[ProjectedTable],
    lake_root_uri: str,
    local_root: Path | None,
    now: datetime | None = None,
) -> LintReport:
    """Static checks on every table; directory checks too when a local lake is given."""
    tables = list(tables)
    issues: list[LintIssue] = []
    partitions = 0
    for t in tables:
        issues += lint_static(t, now)
        if local_root is not None:
            found, count = lint_lake(t, local_table_dir(t, lake_root_uri, local_root), now)
            issues += found
            partitions += count
    return LintReport(len(tables), partitions, tuple(issues))
