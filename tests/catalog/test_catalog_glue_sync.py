"""Glue Data Catalog sync against a moto server: state, idempotence, updates, dry run."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from gluelake.athena.definitions import athena_tables
from gluelake.athena.environments import Environment
from gluelake.catalog.glue_sync import sync_catalog, table_input
from gluelake.cli import main
from gluelake.contracts import DatasetContract

pytestmark = pytest.mark.aws


def _glue(url: str) -> Any:
    return boto3.client("glue", region_name="eu-west-1", endpoint_url=url)


def test_sync_creates_databases_and_tables(
    aws: str, local_env: Environment, contracts: dict[str, DatasetContract]
) -> None:
    glue = _glue(aws)
    tables = athena_tables(local_env, contracts)
    changes = sync_catalog(glue, local_env, tables)
    assert [c.target for c in changes if c.action == "create_database"] == [
        "gluelake_local_bronze", "gluelake_local_silver", "gluelake_local_gold",
        "gluelake_local_quality",
    ]  # fmt: skip
    assert sum(c.action == "create_table" for c in changes) == len(tables) == 26

    gold = glue.get_table(DatabaseName="gluelake_local_gold", Name="emissions_monthly")["Table"]
    assert gold["TableType"] == "EXTERNAL_TABLE"
    assert [(k["Name"], k["Type"]) for k in gold["PartitionKeys"]] == [
        ("year", "int"), ("month", "int"),
    ]  # fmt: skip
    runs = glue.get_table(DatabaseName="gluelake_local_quality", Name="runs")["Table"]
    assert runs["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"].endswith("JsonSerDe")
    sd = gold["StorageDescriptor"]
    assert sd["Location"] == "s3://gluelake-local-lake/gold/emissions/emissions_monthly/"
    assert ("total_kg_co2e", "decimal(38,6)") in [(c["Name"], c["Type"]) for c in sd["Columns"]]
    assert sd["SerdeInfo"]["SerializationLibrary"].endswith("ParquetHiveSerDe")
    assert sd["InputFormat"].endswith("MapredParquetInputFormat")
    params = gold["Parameters"]
    assert params["projection.enabled"] == "true"
    assert params["projection.month.range"] == "1,12"
    assert params["storage.location.template"] == (
        "s3://gluelake-local-lake/gold/emissions/emissions_monthly/year=${year}/month=${month}/"
    )

    quality = glue.get_table(DatabaseName="gluelake_local_quality", Name="quality_results")
    qp = quality["Table"]["Parameters"]
    assert qp["projection.dataset.values"] == (
        "assessments,emission_factors,emissions,product_categories,products,sales"
    )
    assert qp["projection.validation_date.format"] == "yyyy-MM-dd"

    delta = glue.get_table(DatabaseName="gluelake_local_silver", Name="emissions")["Table"]
    assert delta["Parameters"]["table_type"] == "DELTA"
    assert not any(k.startswith("projection.") for k in delta["Parameters"])
    assert delta["StorageDescriptor"]["Location"] == "s3://gluelake-local-lake/silver/emissions/"


def test_sync_twice_changes_nothing(
    aws: str, local_env: Environment, contracts: dict[str, DatasetContract]
) -> None:
    glue = _glue(aws)
    tables = athena_tables(local_env, contracts)
    sync_catalog(glue, local_env, tables)
    versions = {
        t.qualified_name: glue.get_table(DatabaseName=t.database, Name=t.name)["Table"]["VersionId"]
        for t in tables
    }
    again = sync_catalog(glue, local_env, tables)
    assert {c.action for c in again} == {"unchanged"}
    assert len(again) == len(tables)
    after = {
        t.qualified_name: glue.get_table(DatabaseName=t.database, Name=t.name)["Table"]["VersionId"]
        for t in tables
    }
    assert after == versions  # no update_table call was made


def test_drifted_table_is_updated_and_foreign_parameters_kept(
    aws: str, local_env: Environment, contracts: dict[str, DatasetContract]
) -> None:
    glue = _glue(aws)
    tables = athena_tables(local_env, contracts)
    sync_catalog(glue, local_env, tables)
    gold = next(t for t in tables if t.qualified_name == "gluelake_local_gold.emissions_monthly")
    drifted = table_input(gold)
    drifted["Parameters"]["projection.month.digits"] = "2"
    drifted["Parameters"]["owner_team"] = "carbon"
    drifted["StorageDescriptor"]["Columns"] = drifted["StorageDescriptor"]["Columns"][:-1]
    glue.update_table(DatabaseName=gold.database, TableInput=drifted)

    plan = sync_catalog(glue, local_env, tables, dry_run=True)
    update = [c for c in plan if c.action == "update_table"]
    assert [(c.target, c.detail) for c in update] == [
        ("gluelake_local_gold.emissions_monthly", "parameters, columns")
    ]
    sync_catalog(glue, local_env, tables)
    params = glue.get_table(DatabaseName=gold.database, Name=gold.name)["Table"]["Parameters"]
    assert "projection.month.digits" not in params
    assert params["owner_team"] == "carbon"
    assert {c.action for c in sync_catalog(glue, local_env, tables)} == {"unchanged"}


def test_dry_run_changes_nothing_and_unmanaged_tables_are_reported(
    aws: str, local_env: Environment, contracts: dict[str, DatasetContract]
) -> None:
    glue = _glue(aws)
    tables = athena_tables(local_env, contracts)
    plan = sync_catalog(glue, local_env, tables, dry_run=True)
    assert sum(c.action == "create_table" for c in plan) == 26
    assert glue.get_databases()["DatabaseList"] == []
    sync_catalog(glue, local_env, tables)
    glue.create_table(DatabaseName="gluelake_local_gold", TableInput={"Name": "scratch"})
    plan = sync_catalog(glue, local_env, tables)
    assert [str(c) for c in plan if c.action == "unmanaged"] == [
        "unmanaged       gluelake_local_gold.scratch (left as is)"
    ]
    glue.get_table(DatabaseName="gluelake_local_gold", Name="scratch")


def test_cli_sync_and_dry_run(aws: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "sync", "--env", "local", "--endpoint-url", aws, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "create_table    gluelake_local_gold.emissions_monthly" in out
    assert "plan for local: 4 create_database, 26 create_table" in out
    assert main(["catalog", "sync", "--env", "local", "--endpoint-url", aws]) == 0
    assert main(["catalog", "sync", "--env", "local", "--endpoint-url", aws]) == 0
    assert "catalog sync for local: 26 unchanged" in capsys.readouterr().out.splitlines()[-1]


def test_unreachable_endpoint_is_a_clear_error(
    aws: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    closed = "http://127.0.0.1:9"  # discard port: nothing listens
    assert main(["catalog", "sync", "--env", "dev", "--endpoint-url", closed]) == 2
    assert (
        "error: Glue Data Catalog of dev (eu-west-1): Could not connect" in capsys.readouterr().err
    )
