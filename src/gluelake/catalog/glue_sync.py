"""Create or update the zone databases and every table in the Glue Data Catalog, from the
same ``AthenaTable`` facts the DDL is rendered from. Only differences are written, so a
second run changes nothing; tables the contracts do not define are reported, never dropped."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from botocore.exceptions import ClientError

from gluelake.athena.definitions import (
    JSON_INPUT_FORMAT,
    JSON_OUTPUT_FORMAT,
    JSON_SERDE,
    PARQUET_INPUT_FORMAT,
    PARQUET_OUTPUT_FORMAT,
    PARQUET_SERDE,
    AthenaTable,
)
from gluelake.athena.environments import CATALOG_ZONES, Environment
from gluelake.athena.types import contract_glue_type
from gluelake.contracts.tables import ColumnSpec
from gluelake.errors import CatalogError

if TYPE_CHECKING:
    from mypy_boto3_glue import GlueClient

Action = Literal["create_database", "create_table", "update_table", "unchanged", "unmanaged"]
# Table parameters this sync owns; any other parameter found on a table is kept as is.
_MANAGED_PREFIXES = ("projection.", "storage.location.template", "table_type", "classification")


@dataclass(frozen=True)
class Change:
    action: Action
    target: str  # database or database.table
    detail: str = ""

    def __str__(self) -> str:
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.action:<15} {self.target}{detail}"


def _glue_column(col: ColumnSpec) -> dict[str, str]:
    out = {"Name": col.name, "Type": contract_glue_type(col.type)}
    if col.description:
        out["Comment"] = col.description
    return out


def table_input(table: AthenaTable) -> dict[str, Any]:
    """The Glue ``TableInput``: columns, partition keys, location, SerDe, formats, parameters."""
    serde_params = {"serialization.format": "1"}
    if table.is_delta:
        serde_params["path"] = table.location  # Spark-based readers find the Delta log here
    result: dict[str, Any] = {
        "Name": table.name,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {"EXTERNAL": "TRUE", **dict(table.properties)},
        "PartitionKeys": [_glue_column(c) for c in table.partitions],
        "StorageDescriptor": {
            "Columns": [_glue_column(c) for c in table.columns],
            "Location": table.location,
            "InputFormat": JSON_INPUT_FORMAT if table.is_json else PARQUET_INPUT_FORMAT,
            "OutputFormat": JSON_OUTPUT_FORMAT if table.is_json else PARQUET_OUTPUT_FORMAT,
            "SerdeInfo": {
                "SerializationLibrary": JSON_SERDE if table.is_json else PARQUET_SERDE,
                "Parameters": serde_params,
            },
        },
    }
    if table.spec.description:
        result["Description"] = table.spec.description
    return result


def _managed(key: str) -> bool:
    return key == "EXTERNAL" or key.startswith(_MANAGED_PREFIXES)


def _comparable(t: dict[str, Any]) -> dict[str, Any]:
    """The fields this sync manages, from a TableInput or a GetTable result."""
    sd = t.get("StorageDescriptor", {})
    serde = sd.get("SerdeInfo", {})

    def cols(items: list[dict[str, str]]) -> list[tuple[str, str, str]]:
        return [(c["Name"], c["Type"], c.get("Comment", "")) for c in items]

    return {
        "description": t.get("Description", ""),
        "table type": t.get("TableType", ""),
        "parameters": {k: v for k, v in t.get("Parameters", {}).items() if _managed(k)},
        "partition keys": cols(t.get("PartitionKeys", [])),
        "columns": cols(sd.get("Columns", [])),
        "location": sd.get("Location", ""),
        "formats": (sd.get("InputFormat", ""), sd.get("OutputFormat", "")),
        "serde": (serde.get("SerializationLibrary", ""), serde.get("Parameters", {})),
    }


def differences(existing: dict[str, Any], desired: dict[str, Any]) -> list[str]:
    have, want = _comparable(existing), _comparable(desired)
    return [name for name in want if have[name] != want[name]]


def _call(what: str, fn: Any, **kwargs: Any) -> Any:
    try:
        return fn(**kwargs)
    except ClientError as exc:
        raise CatalogError(f"{what}: {exc.response['Error'].get('Message', exc)}") from None


def _get_table(glue: GlueClient, database: str, name: str) -> dict[str, Any] | None:
    try:
        return dict(glue.get_table(DatabaseName=database, Name=name)["Table"])
    except glue.exceptions.EntityNotFoundException:
        return None
    except ClientError as exc:
        raise CatalogError(f"get table {database}.{name}: {exc}") from None


def _database_exists(glue: GlueClient, name: str) -> bool:
    try:
        glue.get_database(Name=name)
        return True
    except glue.exceptions.EntityNotFoundException:
        return False
    except ClientError as exc:
        raise CatalogError(f"get database {name}: {exc}") from None


def _table_names(glue: GlueClient, database: str) -> set[str]:
    names: set[str] = set()
    for page in glue.get_paginator("get_tables").paginate(DatabaseName=database):
        names.update(t["Name"] for t in page["TableList"])
    return names


def sync_catalog(
    glue: GlueClient, env: Environment, tables: Iterable[AthenaTable], dry_run: bool = False
) -> list[Change]:
    """Bring the catalog to the contracts' state; with ``dry_run`` only report the plan."""
    tables = list(tables)
    changes: list[Change] = []
    existing_dbs = set()
    for zone in CATALOG_ZONES:
        database = env.database(zone)
        if _database_exists(glue, database):
            existing_dbs.add(database)
            continue
        changes.append(Change("create_database", database))
        if not dry_run:
            description = f"gluelake {zone} zone ({env.name})"
            _call(f"create database {database}", glue.create_database,
                  DatabaseInput={"Name": database, "Description": description})  # fmt: skip
    for table in tables:
        desired = table_input(table)
        current = (
            _get_table(glue, table.database, table.name) if table.database in existing_dbs else None
        )
        if current is None:
            changes.append(Change("create_table", table.qualified_name))
            if not dry_run:
                _call(f"create table {table.qualified_name}", glue.create_table,
                      DatabaseName=table.database, TableInput=desired)  # fmt: skip
            continue
        diff = differences(current, desired)
        if not diff:
            changes.append(Change("unchanged", table.qualified_name))
            continue
        changes.append(Change("update_table", table.qualified_name, ", ".join(diff)))
        if not dry_run:
            kept = {k: v for k, v in current.get("Parameters", {}).items() if not _managed(k)}
            update = {**desired, "Parameters": {**kept, **desired["Parameters"]}}
            _call(f"update table {table.qualified_name}", glue.update_table,
                  DatabaseName=table.database, TableInput=update)  # fmt: skip
    known = {t.qualified_name for t in tables}
    for database in sorted(existing_dbs):
        for name in sorted(_table_names(glue, database)):
            if f"{database}.{name}" not in known:
                changes.append(Change("unmanaged", f"{database}.{name}", "left as is"))
    return changes
