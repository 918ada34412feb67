"""Athena DDL submission against moto: the requests Athena receives (moto runs no SQL)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import boto3
import pytest
import sqlglot

from gluelake.athena.environments import Environment
from gluelake.catalog.athena_apply import apply_ddl, ddl_statements
from gluelake.cli import main
from gluelake.errors import CatalogError
from gluelake.paths import default_ddl_dir

pytestmark = pytest.mark.aws


def _athena(url: str) -> Any:
    return boto3.client("athena", region_name="eu-west-1", endpoint_url=url)


def test_statements_in_order_and_parse(local_env: Environment) -> None:
    statements = ddl_statements(local_env, default_ddl_dir())
    assert [s.description for s in statements[:5]] == [
        "create database gluelake_local_bronze",
        "create database gluelake_local_silver",
        "create database gluelake_local_gold",
        "create database gluelake_local_quality",
        "drop table gluelake_local_bronze.assessments",
    ]
    assert len(statements) == 4 + 2 * 26
    for st in statements:
        sqlglot.parse_one(st.sql, read="athena")
        assert not st.sql.startswith("--") and not st.sql.endswith(";")
    assert statements[0].sql == "CREATE DATABASE IF NOT EXISTS `gluelake_local_bronze`"
    assert statements[4].sql == "DROP TABLE IF EXISTS `gluelake_local_bronze`.`assessments`"


def test_apply_submits_with_workgroup_result_location_and_database(
    aws: str, local_env: Environment
) -> None:
    athena = _athena(aws)
    statements = ddl_statements(local_env, default_ddl_dir())
    results = apply_ddl(athena, local_env, statements, timeout_seconds=10)
    assert [r.state for r in results] == ["SUCCEEDED"] * len(statements)
    by_id = {
        r.query_execution_id: athena.get_query_execution(QueryExecutionId=r.query_execution_id)[
            "QueryExecution"
        ]
        for r in results
    }
    gold = next(
        r for r in results if r.description == "create table gluelake_local_gold.emissions_monthly"
    )
    q = by_id[gold.query_execution_id]
    assert q["WorkGroup"] == "primary"
    assert q["ResultConfiguration"]["OutputLocation"].startswith(local_env.athena_result_location)
    assert q["QueryExecutionContext"] == {
        "Catalog": "AwsDataCatalog",
        "Database": "gluelake_local_gold",
    }
    assert q["Query"].startswith("CREATE EXTERNAL TABLE `gluelake_local_gold`.`emissions_monthly`")
    assert "'projection.enabled'='true'" in q["Query"]


def test_unknown_workgroup_is_a_clear_error(aws: str, local_env: Environment) -> None:
    env = replace(local_env, athena_workgroup="missing-wg")
    statements = ddl_statements(env, default_ddl_dir())[:1]
    with pytest.raises(
        CatalogError, match=r"create database gluelake_local_bronze: .*'missing-wg'"
    ):
        apply_ddl(_athena(aws), env, statements)


def test_cli_apply_dry_run_and_run(aws: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["athena", "apply", "--env", "local", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "dry run: 56 statement(s) for workgroup primary" in out
    assert (
        main(["athena", "apply", "--env", "local", "--endpoint-url", aws, "--timeout", "10"]) == 0
    )
    out = capsys.readouterr().out
    assert out.count("SUCCEEDED") == 56
