"""Submit an environment's DDL through Athena's API (workgroup + result location): first
``CREATE DATABASE IF NOT EXISTS`` per zone, then per table ``DROP TABLE IF EXISTS`` and the
committed ``CREATE EXTERNAL TABLE``. Every table is EXTERNAL, so a drop removes metadata
only, and re-running the apply converges on the committed DDL."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from gluelake.athena.ddl import create_database, drop_table, render, statement_of
from gluelake.athena.environments import Environment
from gluelake.athena.lint import parse_ddl
from gluelake.errors import CatalogError, ConfigError

if TYPE_CHECKING:
    from mypy_boto3_athena import AthenaClient
    from mypy_boto3_athena.type_defs import QueryExecutionStatusTypeDef

CATALOG = "AwsDataCatalog"
_DONE = ("SUCCEEDED", "FAILED", "CANCELLED")


@dataclass(frozen=True)
class Statement:
    description: str
    sql: str
    database: str | None = None  # query context; None for CREATE DATABASE


@dataclass(frozen=True)
class StatementResult:
    description: str
    query_execution_id: str
    state: str
    reason: str = ""


def ddl_statements(env: Environment, ddl_dir: Path) -> list[Statement]:
    """The statements for ``env``, in submission order, from the committed DDL files."""
    statements = [
        Statement(f"create database {db}", render(create_database(db))) for db in env.databases
    ]
    files = [f for db in env.databases for f in sorted((ddl_dir / db).glob("*.sql"))]
    if not files:
        raise ConfigError(f"no DDL for environment {env.name!r} under {ddl_dir}: run `make ddl`")
    for file in files:
        text = file.read_text(encoding="utf-8")
        table = parse_ddl(text, str(file))
        database, name = table.qualified_name.split(".", 1)
        if database not in env.databases:
            raise ConfigError(f"{file}: database {database!r} is not one of {env.databases}")
        statements += [
            Statement(
                f"drop table {database}.{name}", render(drop_table(database, name)), database
            ),
            Statement(f"create table {database}.{name}", statement_of(text), database),
        ]
    return statements


def _wait(
    athena: AthenaClient, query_id: str, timeout_seconds: float
) -> QueryExecutionStatusTypeDef:
    deadline, delay = time.monotonic() + timeout_seconds, 0.2
    while True:
        execution = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
        status = execution["Status"]
        if status["State"] in _DONE:
            return status
        if time.monotonic() > deadline:
            raise CatalogError(
                f"Athena query {query_id} still {status['State']} after {timeout_seconds}s"
            )
        time.sleep(delay)
        delay = min(delay * 2, 5.0)


def apply_ddl(
    athena: AthenaClient,
    env: Environment,
    statements: Sequence[Statement],
    timeout_seconds: float = 300,
) -> list[StatementResult]:
    """Run the statements one by one; stops at the first that does not succeed."""
    results = []
    for st in statements:
        request: dict[str, Any] = {
            "QueryString": st.sql,
            "WorkGroup": env.athena_workgroup,
            "ResultConfiguration": {"OutputLocation": env.athena_result_location},
            "QueryExecutionContext": {"Catalog": CATALOG},
        }
        if st.database is not None:
            request["QueryExecutionContext"]["Database"] = st.database
        try:
            query_id = athena.start_query_execution(**request)["QueryExecutionId"]
        except ClientError as exc:
            raise CatalogError(
                f"{st.description}: Athena refused the statement in workgroup "
                f"{env.athena_workgroup!r}: {exc.response['Error'].get('Message', exc)}"
            ) from None
        status = _wait(athena, query_id, timeout_seconds)
        results.append(
            StatementResult(
                st.description, query_id, status["State"], status.get("StateChangeReason", "")
            )
        )
        if status["State"] != "SUCCEEDED":
            break
    return results
