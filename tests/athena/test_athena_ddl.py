"""DDL generation: golden files per table kind, parsing, escaping, freshness."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from gluelake.athena.ddl import (
    create_table,
    ddl_files,
    ddl_text,
    render,
    stale_ddl,
    write_ddl,
)
from gluelake.athena.definitions import AthenaTable, athena_table, athena_tables
from gluelake.athena.environments import Environment, load_environments
from gluelake.contracts import DatasetContract
from gluelake.contracts.tables import ColumnSpec, TableSpec
from gluelake.paths import default_ddl_dir

GOLDEN = Path(__file__).parent / "golden"
# One table of each kind: (golden file, qualified name in the test environment).
KINDS = [
    ("delta_data.sql", "gluelake_test_bronze.emissions"),
    ("delta_quarantine.sql", "gluelake_test_silver.emissions_quarantine"),
    ("parquet_aggregate.sql", "gluelake_test_gold.emissions_monthly"),
    ("parquet_aggregate_daily.sql", "gluelake_test_gold.assessments_daily"),
    ("parquet_year_over_year.sql", "gluelake_test_gold.emissions_monthly_yoy"),
    ("parquet_quality_results.sql", "gluelake_test_quality.quality_results"),
]


def _tables(env: Environment, contracts: dict[str, DatasetContract]) -> dict[str, AthenaTable]:
    return {t.qualified_name: t for t in athena_tables(env, contracts)}


@pytest.mark.parametrize(("golden", "name"), KINDS)
def test_ddl_matches_golden_file(
    golden: str, name: str, test_env: Environment, contracts: dict[str, DatasetContract]
) -> None:
    text = ddl_text(_tables(test_env, contracts)[name])
    path = GOLDEN / golden
    if os.environ.get("GLUELAKE_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), "regenerate with GLUELAKE_UPDATE_GOLDEN=1"


def test_every_table_of_every_zone_is_defined(
    test_env: Environment, contracts: dict[str, DatasetContract]
) -> None:
    names = set(_tables(test_env, contracts))
    assert names == {
        "gluelake_test_bronze.assessments",
        "gluelake_test_bronze.assessments_quarantine",
        "gluelake_test_bronze.emission_factors",
        "gluelake_test_bronze.emission_factors_quarantine",
        "gluelake_test_bronze.emissions",
        "gluelake_test_bronze.emissions_quarantine",
        "gluelake_test_silver.assessments",
        "gluelake_test_silver.assessments_quarantine",
        "gluelake_test_silver.emissions",
        "gluelake_test_silver.emissions_quarantine",
        "gluelake_test_gold.assessments_daily",
        "gluelake_test_gold.emissions_monthly",
        "gluelake_test_gold.emissions_monthly_yoy",
        "gluelake_test_quality.quality_results",
        "gluelake_test_bronze.product_categories",
        "gluelake_test_bronze.product_categories_quarantine",
        "gluelake_test_bronze.products",
        "gluelake_test_bronze.products_quarantine",
        "gluelake_test_silver.products",
        "gluelake_test_silver.products_quarantine",
        "gluelake_test_bronze.sales",
        "gluelake_test_bronze.sales_quarantine",
        "gluelake_test_silver.sales",
        "gluelake_test_silver.sales_quarantine",
        "gluelake_test_gold.sales_by_department_monthly",
        "gluelake_test_quality.runs",
    }


def test_every_statement_parses_as_athena(
    test_env: Environment, contracts: dict[str, DatasetContract]
) -> None:
    for table in athena_tables(test_env, contracts):
        tree = sqlglot.parse_one(render(create_table(table)), read="athena")
        assert isinstance(tree, exp.Create)
        ref = tree.find(exp.Table)
        assert ref is not None
        assert (ref.db, ref.name) == (table.database, table.name)
        # Struct field names inside a type (the run records' arrays) are not identifiers.
        assert all(i.quoted for i in tree.find_all(exp.Identifier) if i.parent is not None
                   and isinstance(i.parent, exp.ColumnDef | exp.Table)
                   and i.parent.find_ancestor(exp.DataType) is None)  # fmt: skip


def test_delta_ddl_has_only_location_and_table_type(
    test_env: Environment, contracts: dict[str, DatasetContract]
) -> None:
    for table in athena_tables(test_env, contracts):
        text = ddl_text(table)
        if table.is_delta:
            assert "'table_type'='DELTA'" in text
            assert "PARTITIONED BY" not in text and "projection" not in text
            assert "STORED AS" not in text
        elif table.is_json:  # the run records: JSON lines, one object per audit-log entry
            assert "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'" in text
            assert "PARTITIONED BY" not in text
        else:
            assert "STORED AS PARQUET" in text and "'projection.enabled'='true'" in text


def test_user_text_is_escaped_not_pasted(test_env: Environment) -> None:
    nasty = "it's a 'quote' \\ and ; DROP TABLE x; --"
    spec = TableSpec(
        name="notes", zone="gold", dataset="none", format="parquet", path="gold/notes",
        columns=(ColumnSpec("note", "string", description=nasty),),
        partitions=(ColumnSpec("year", "int"),), description=nasty,
    )  # fmt: skip
    text = ddl_text(athena_table(test_env, spec, {}))
    tree = sqlglot.parse_one(text.split("\n", 1)[1].rstrip(";\n"), read="athena")
    comments = [c.this.name for c in tree.find_all(exp.CommentColumnConstraint)]
    assert comments == [nasty]
    assert tree.find(exp.SchemaCommentProperty).this.name == nasty  # type: ignore[union-attr]


def test_locations_come_from_the_environment(
    test_env: Environment, contracts: dict[str, DatasetContract]
) -> None:
    t = _tables(test_env, contracts)["gluelake_test_gold.emissions_monthly"]
    assert t.location == "s3://test-lake/root/gold/emissions/emissions_monthly/"
    other = replace(test_env, lake_root="s3://other", database_prefix="x")
    moved = _tables(other, contracts)["x_gold.emissions_monthly"]
    assert moved.location == "s3://other/gold/emissions/emissions_monthly/"


def test_committed_ddl_is_fresh(contracts: dict[str, DatasetContract]) -> None:
    files = ddl_files(load_environments().values(), contracts)
    assert stale_ddl(default_ddl_dir(), files) == [], "run `make ddl` and commit athena/ddl"


def test_stale_ddl_is_reported_and_rewritten(
    tmp_path: Path, test_env: Environment, contracts: dict[str, DatasetContract]
) -> None:
    files = ddl_files([test_env], contracts)
    write_ddl(tmp_path, files)
    assert stale_ddl(tmp_path, files) == []
    target = tmp_path / "gluelake_test_gold" / "emissions_monthly.sql"
    target.write_text(target.read_text().replace("2000,2100", "2000,2010"))
    (tmp_path / "gluelake_test_gold" / "dropped.sql").write_text("--")
    (tmp_path / "gluelake_test_bronze" / "emissions.sql").unlink()
    problems = stale_ddl(tmp_path, files)
    assert len(problems) == 3
    assert any("emissions_monthly.sql: differs" in p for p in problems)
    assert any("dropped.sql: no contract" in p for p in problems)
    assert any("emissions.sql: missing" in p for p in problems)
    write_ddl(tmp_path, files)
    assert stale_ddl(tmp_path, files) == []
