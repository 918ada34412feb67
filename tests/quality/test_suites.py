"""Suites as data: baseline init, static checks, and failing before any data is read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT_EXPECTATIONS, ROOT_SCHEMAS

from gluelake.cli import main
from gluelake.contracts import DatasetContract
from gluelake.contracts.tables import zone_table
from gluelake.errors import SuiteError
from gluelake.quality.check import check_project
from gluelake.quality.factory import make_gate
from gluelake.quality.suites import suite_path


def _edit(path: Path, change: Any) -> None:
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc))


@pytest.fixture()
def project(tmp_path: Path) -> tuple[Path, Path]:
    """Copies of the project's contracts and suites that a test may break."""
    schemas, suites = tmp_path / "schemas", tmp_path / "expectations"
    shutil.copytree(ROOT_SCHEMAS, schemas)
    shutil.copytree(ROOT_EXPECTATIONS, suites)
    return schemas, suites


def test_the_projects_contracts_and_suites_pass_the_static_check() -> None:
    report = check_project(ROOT_SCHEMAS, ROOT_EXPECTATIONS)
    assert report.ok, [str(p) for p in report.problems]
    assert len(report.suites) == len(list(ROOT_EXPECTATIONS.glob("*/*.json")))


def test_check_catches_a_suite_that_names_a_missing_column(
    project: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    schemas, suites = project
    path = suites / "silver" / "emissions.json"
    _edit(path, lambda d: d["expectations"].append(
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "co2_tonnes"}}
    ))  # fmt: skip

    code = main(["check", "--schemas-dir", str(schemas), "--suites-dir", str(suites)])

    out = capsys.readouterr().out
    assert code == 1
    assert str(path) in out and "'co2_tonnes'" in out and "expectations[" in out


def test_check_catches_bad_severity_unloadable_suites_and_orphans(
    project: tuple[Path, Path],
) -> None:
    schemas, suites = project
    _edit(suites / "bronze" / "emissions.json",
          lambda d: d["expectations"][0].update(severity="fatal"))  # fmt: skip
    _edit(suites / "gold" / "emissions_monthly.json",
          lambda d: d["expectations"].append({"type": "expect_the_moon", "kwargs": {}}))  # fmt: skip
    (suites / "silver" / "assessments.json").write_text("{not json")
    (suites / "gold" / "emissions_weekly.json").write_text('{"expectations": []}')
    (suites / "bronze" / "assessments.json").unlink()

    problems = {
        Path(p.file).name + ":" + p.message for p in check_project(schemas, suites).problems
    }

    assert any("emissions.json" in p and "'fatal'" in p for p in problems)
    assert any("emissions_monthly.json" in p and "cannot load" in p for p in problems)
    assert any("assessments.json" in p and "not valid JSON" in p for p in problems)
    assert any("emissions_weekly.json" in p and "no contract" in p for p in problems)
    assert any("assessments.json" in p and "expectations init assessments" in p for p in problems)


def test_a_cross_table_query_may_read_only_tables_of_its_dataset(
    project: tuple[Path, Path],
) -> None:
    schemas, suites = project
    _edit(suites / "gold" / "emissions_monthly.json", lambda d: d["expectations"].append({
        "type": "unexpected_rows_expectation",
        "kwargs": {"unexpected_rows_query": "SELECT * FROM {batch} JOIN silver_assessments"},
    }))  # fmt: skip
    problems = [p.message for p in check_project(schemas, suites).problems]
    assert len(problems) == 1 and "'silver_assessments'" in problems[0]
    assert "meta.reads" in problems[0]


def test_a_suite_may_read_tables_of_other_datasets_it_declares(
    project: tuple[Path, Path],
) -> None:
    schemas, suites = project
    query = "SELECT * FROM {batch} b LEFT ANTI JOIN silver_assessments a ON b.tenant_id = a.region"

    def add(reads: list[str]) -> Any:
        def change(d: dict[str, Any]) -> None:
            d["meta"]["reads"] = reads
            d["expectations"].append({
                "type": "unexpected_rows_expectation",
                "kwargs": {"unexpected_rows_query": query},
            })  # fmt: skip

        return change

    path = suites / "gold" / "emissions_monthly.json"
    original = path.read_text()
    _edit(path, add(["silver.assessments"]))
    assert check_project(schemas, suites).ok
    path.write_text(original)
    _edit(path, add(["silver.nothing"]))
    problems = [p.message for p in check_project(schemas, suites).problems]
    assert len(problems) == 1 and "meta.reads names table 'silver.nothing'" in problems[0]


def test_make_gate_fails_before_any_data_is_read(
    readings: DatasetContract, suites_dir: Path
) -> None:
    path = suite_path(suites_dir, zone_table(readings, "bronze"))
    _edit(path, lambda d: d["expectations"].append(
        {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "meter"}}
    ))  # fmt: skip
    with pytest.raises(SuiteError, match=r"'meter'.*does not have"):
        make_gate(readings, "bronze", suites_dir=suites_dir)
    path.unlink()
    with pytest.raises(SuiteError, match="no suite for bronze table 'readings'"):
        make_gate(readings, "bronze", suites_dir=suites_dir)


def test_init_writes_every_zone_and_keeps_hand_written_rules(
    project: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    schemas, _ = project
    suites = project[0].parent / "fresh"
    args = ["expectations", "init", "emissions", "--schemas-dir", str(schemas),
            "--suites-dir", str(suites)]  # fmt: skip
    assert main(args) == 0
    written = sorted(str(p.relative_to(suites)) for p in suites.glob("*/*.json"))
    assert written == [
        "bronze/emissions.json", "gold/emissions_monthly.json",
        "gold/emissions_monthly_yoy.json", "silver/emissions.json",
    ]  # fmt: skip
    bronze = json.loads((suites / "bronze" / "emissions.json").read_text())
    kinds = [(e["type"], e["kwargs"].get("column")) for e in bronze["expectations"]]
    assert ("expect_column_values_to_not_be_null", "tenant_id") in kinds
    assert ("expect_column_values_to_be_in_set", "unit") in kinds
    assert ("expect_column_values_to_be_between", "quantity") in kinds
    assert ("expect_column_values_to_match_regex", "emission_factor_id") in kinds
    assert ("expect_table_row_count_to_be_between", None) in kinds
    unique = next(e for e in bronze["expectations"] if e["type"].startswith("expect_compound"))
    assert unique["kwargs"]["column_list"] == ["tenant_id", "activity_id"]
    # PII columns carry no value rules: their bronze values are masked.
    assert not any(
        c == "submitted_by_email" for t, c in kinds if t != "expect_table_columns_to_match_set"
    )

    rule = {
        "type": "expect_column_values_to_be_between",
        "kwargs": {"column": "quantity", "min_value": 0.001},
        "meta": {"origin": "business rule"},
        "severity": "warning",
    }
    _edit(suites / "bronze" / "emissions.json", lambda d: d["expectations"].append(rule))
    assert main(args) == 0
    again = json.loads((suites / "bronze" / "emissions.json").read_text())
    assert again["expectations"][-1] == rule
    assert len(again["expectations"]) == len(bronze["expectations"]) + 1
    assert "1 kept" in capsys.readouterr().out
    # Only the datasets not initialised here lack suites.
    missing = {Path(p.file).name for p in check_project(schemas, suites).problems}
    assert missing == {
        "assessments.json", "emission_factors.json", "assessments_daily.json",
        "product_categories.json", "products.json", "sales.json",
        "sales_by_department_monthly.json",
    }  # fmt: skip
