"""Expectation suites as data: which file holds a table's suite, and the static checks a
suite must pass before any data is read (it loads in Great Expectations, every column it
names exists in the table, every severity is one the gate knows)."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gluelake.contracts.model import DatasetContract
from gluelake.contracts.tables import TableSpec, aggregate_tables, zone_table
from gluelake.errors import SuiteError
from gluelake.quality import native
from gluelake.spark_types import spark_schema

SEVERITIES = ("critical", "warning")
# Expectation kwargs that name one column / a list of columns of the validated table.
_COLUMN_KWARGS = ("column", "column_A", "column_B")
_COLUMN_LIST_KWARGS = ("column_list", "column_set")
_QUERY_KWARG = "unexpected_rows_query"
_BATCH = "gluelake_batch"


def gated_tables(contract: DatasetContract, zone: str) -> list[TableSpec]:
    """The tables a stage of ``zone`` publishes behind a gate: the zone's data table, or in
    gold each aggregate (and year-over-year) table. Suites are per table, so gold has one
    file per aggregate table, e.g. ``expectations/gold/emissions_monthly.json``."""
    contract.zone(zone)  # ContractError when the contract has no such zone
    if zone == "gold":
        return aggregate_tables(contract)
    return [zone_table(contract, zone)]


def suite_path(suites_dir: Path, table: TableSpec) -> Path:
    return suites_dir / table.zone / f"{table.name}.json"


def suite_name(table: TableSpec) -> str:
    return f"{table.zone}.{table.name}"


def view_name(table: TableSpec) -> str:
    """Temp view a cross-table query can name, e.g. ``silver_emissions``."""
    return f"{table.zone}_{table.name}"


def related_tables(contract: DatasetContract) -> list[TableSpec]:
    """Tables of the dataset a suite's ``unexpected_rows_query`` may join as views."""
    tables = [zone_table(contract, z) for z in ("bronze", "silver") if contract.has_zone(z)]
    return tables + aggregate_tables(contract)


READS_KEY = "reads"  # suite meta: tables of other datasets its queries read, "zone.table"


def declared_reads(
    file: str, doc: Mapping[str, Any], contracts: Mapping[str, DatasetContract] | None
) -> dict[str, TableSpec]:
    """Views of other datasets' tables the suite declares in ``meta.reads``, by view name.
    Referential integrity across datasets is a query over one of them."""
    meta = doc.get("meta") or {}
    reads = meta.get(READS_KEY, []) if isinstance(meta, Mapping) else []
    if not isinstance(reads, list) or not all(isinstance(r, str) for r in reads):
        raise SuiteError(file, f'meta.{READS_KEY}: expected a list of "zone.table" names')
    if reads and contracts is None:
        raise SuiteError(file, f"meta.{READS_KEY}: other datasets' contracts were not loaded")
    known = {f"{t.zone}.{t.name}": t for c in (contracts or {}).values() for t in related_tables(c)}
    out = {}
    for name in reads:
        if name not in known:
            raise SuiteError(
                file,
                f"meta.{READS_KEY} names table {name!r}, which no contract has; "
                f"tables: {sorted(known)}",
            )
        out[view_name(known[name])] = known[name]
    return out


@dataclass(frozen=True)
class ExpectationRef:
    """What the gate needs to know about one checked expectation before running it."""

    views: tuple[str, ...] = ()  # related-table views its query joins


@dataclass(frozen=True)
class SuiteFile:
    table: TableSpec
    path: Path
    text: str  # the JSON as reviewed; the gate builds its GX suite from it
    expectations: tuple[ExpectationRef, ...]
    related: tuple[tuple[str, TableSpec], ...] = ()  # views its queries may read

    @property
    def name(self) -> str:
        return suite_name(self.table)

    @property
    def views(self) -> tuple[str, ...]:
        return tuple(sorted({v for e in self.expectations for v in e.views}))


def _strings(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _ref(
    file: str, index: int, raw: Any, columns: Sequence[str], views: Mapping[str, TableSpec]
) -> ExpectationRef:
    where = f"expectations[{index}]"
    if not isinstance(raw, Mapping) or not isinstance(raw.get("type"), str):
        raise SuiteError(file, f"{where}: expected an object with a string 'type'")
    kind = raw["type"]
    kwargs = raw.get("kwargs", {})
    if not isinstance(kwargs, Mapping):
        raise SuiteError(file, f"{where} ({kind}): 'kwargs' must be an object")
    severity = raw.get("severity", "critical")
    if severity not in SEVERITIES:
        raise SuiteError(
            file, f"{where} ({kind}): severity {severity!r} is not one of {list(SEVERITIES)}"
        )
    for key in (*_COLUMN_KWARGS, *_COLUMN_LIST_KWARGS):
        if key not in kwargs:
            continue
        values = _strings(kwargs[key])
        if values is None:
            raise SuiteError(file, f"{where} ({kind}): kwargs.{key} must name columns")
        missing = [c for c in values if c not in columns]
        if missing:
            raise SuiteError(
                file,
                f"{where} ({kind}): kwargs.{key} names column(s) {missing} that the table "
                f"does not have; columns: {list(columns)}",
            )
    used_views: list[str] = []
    query = kwargs.get(_QUERY_KWARG)
    if isinstance(query, str):
        for name in _query_tables(file, where, query):
            if name not in views:
                raise SuiteError(
                    file,
                    f"{where} ({kind}): query reads table {name!r}; it may read {{batch}} "
                    f"and the views {sorted(views)} (declare another dataset's table in "
                    f'meta.{READS_KEY}, e.g. ["silver.<dataset>"])',
                )
            used_views.append(name)
    return ExpectationRef(tuple(dict.fromkeys(used_views)))


def _query_tables(file: str, where: str, query: str) -> list[str]:
    """Tables a cross-table query reads, besides ``{batch}`` and its own CTEs."""
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(query.replace("{batch}", _BATCH), read="spark")
    except sqlglot.errors.ParseError as exc:
        raise SuiteError(file, f"{where}: unexpected_rows_query does not parse: {exc}") from None
    ctes = {c.alias for c in tree.find_all(exp.CTE)}
    names = [t.name for t in tree.find_all(exp.Table)]
    return list(dict.fromkeys(n for n in names if n != _BATCH and n not in ctes))


def parse_suite(
    text: str,
    file: str,
    table: TableSpec,
    contract: DatasetContract,
    contracts: Mapping[str, DatasetContract] | None = None,
    *,
    thorough: bool = False,
) -> SuiteFile:
    """Check one suite's JSON text against the table it gates; raises SuiteError. Whether
    it loads in GX is asked of GX unless the gate evaluates all of it natively (see
    ``native.understood``); ``thorough``: ask GX in any case (``gluelake check``)."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SuiteError(file, f"not valid JSON: {exc}") from None
    if not isinstance(doc, Mapping) or not isinstance(doc.get("expectations"), list):
        raise SuiteError(file, "expected a Great Expectations suite with an 'expectations' list")
    columns = [c.name for c in table.all_columns]
    views = {view_name(t): t for t in related_tables(contract) if t != table}
    views.update(declared_reads(file, doc, contracts))
    refs = tuple(_ref(file, i, e, columns, views) for i, e in enumerate(doc["expectations"]))
    if not refs:
        raise SuiteError(file, "the suite has no expectations")
    if thorough or not native.understood(doc, spark_schema(table)):
        _gx_load(doc, file)
    used = {v for e in refs for v in e.views}
    related = tuple((v, t) for v, t in sorted(views.items()) if v in used)
    return SuiteFile(table=table, path=Path(file), text=text, expectations=refs, related=related)


def load_suite(
    suites_dir: Path,
    table: TableSpec,
    contract: DatasetContract,
    contracts: Mapping[str, DatasetContract] | None = None,
    *,
    thorough: bool = False,
) -> SuiteFile:
    path = suite_path(suites_dir, table)
    if not path.is_file():
        raise SuiteError(
            str(path),
            f"no suite for {table.zone} table {table.name!r}; "
            f"write a baseline with `gluelake expectations init {contract.name}`",
        )
    text = path.read_text(encoding="utf-8")
    return parse_suite(text, str(path), table, contract, contracts, thorough=thorough)


def load_zone_suites(
    suites_dir: Path,
    contract: DatasetContract,
    zone: str,
    contracts: Mapping[str, DatasetContract] | None = None,
) -> tuple[SuiteFile, ...]:
    return tuple(
        load_suite(suites_dir, t, contract, contracts) for t in gated_tables(contract, zone)
    )


def gx_suite_kwargs(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The suite document as ``gx.ExpectationSuite(**kwargs)`` takes it into a new context:
    ids are dropped, since a loaded suite is added to a fresh ephemeral context."""
    expectations = [{k: v for k, v in e.items() if k != "id"} for e in doc["expectations"]]
    out = {k: v for k, v in doc.items() if k not in ("id", "expectations")}
    return {**out, "expectations": expectations}


def _gx_load(doc: Mapping[str, Any], file: str) -> None:
    """Build every expectation as GX would. ``gx.ExpectationSuite`` itself only logs and
    drops an invalid expectation, so each one is built here and the first error raised."""
    _gx_check(json.dumps(doc, sort_keys=True), file)


@functools.lru_cache(maxsize=256)
def _gx_check(doc_json: str, file: str) -> None:
    """``_gx_load`` of one document (about a second in GX): each document is checked once
    per process, however many stages or commands load it."""
    import great_expectations as gx  # slow import: only when a suite is really checked
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    kwargs = gx_suite_kwargs(json.loads(doc_json))
    try:
        for i, raw in enumerate(kwargs["expectations"]):
            where = f"expectations[{i}] ({raw.get('type')})"
            ExpectationConfiguration(**raw).to_domain_obj()
        where = "suite"
        gx.ExpectationSuite(**kwargs)
    except Exception as exc:  # GX raises pydantic, KeyError and its own errors alike
        # pydantic's first line only names the model ("1 validation error for ..."); the
        # next two say which field and why, so this message keeps three lines.
        text = str(exc).strip()
        first = " ".join(text.splitlines()[:3]) if text else type(exc).__name__
        raise SuiteError(file, f"{where}: Great Expectations cannot load it: {first}") from None
