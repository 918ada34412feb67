from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from support import ROOT, contract_doc, contract_from

from gluelake.contracts import load_contract, load_contracts
from gluelake.contracts.tables import dataset_tables, zone_table
from gluelake.errors import ContractError


def test_shipped_contracts_load_with_their_rules(contracts):
    assert set(contracts) == {
        "emissions",
        "emission_factors",
        "assessments",
        "sales",
        "products",
        "product_categories",
    }
    emissions = contracts["emissions"]
    assert emissions.primary_key == ("tenant_id", "activity_id")
    assert emissions.event_time == "timestamp"
    assert emissions.column("quantity").constraints.min == Decimal(0)
    assert emissions.column("submitted_by_email").pii.kind == "hash"
    assert emissions.zone("silver").partition_by == ("year", "month")
    assert [(j.name, j.kind, j.dataset) for j in emissions.joins] == [
        ("emission_factor", "as_of", "emission_factors")
    ]
    assert [a.name for a in emissions.aggregates] == ["emissions_monthly"]


def test_contract_types_map_to_bronze_columns_after_masking(contracts):
    bronze = {c.name: c.type for c in zone_table(contracts["assessments"], "bronze").columns}
    assert bronze["user_age"] == "string"  # generalised to an age band
    assert bronze["score"] == "decimal(5,2)"
    assert "_source_file" in bronze and "_run_id" in bronze


def test_every_table_has_a_distinct_path(contracts):
    paths = [t.path for c in contracts.values() for t in dataset_tables(c)]
    assert len(paths) == len(set(paths))


@pytest.mark.parametrize(
    ("mutate", "field", "problem"),
    [
        (lambda d: d.update(colour="red"), "(top level)", "unknown key(s) ['colour']"),
        (lambda d: d["columns"][4].update(type="decimal(40,2)"), "columns[4].type", "precision"),
        (lambda d: d["columns"][4].update(type="float8"), "columns[4].type", "unknown type 'float8'"),
        (lambda d: d["columns"][0].update(nullable=True), "primary_key", "must be nullable: false"),
        (lambda d: d.update(event_time="unit"), "event_time", "must be a timestamp"),
        (lambda d: d.update(event_time="when"), "event_time", "does not declare"),
        (lambda d: d["columns"][5].update(constraints={"min": 1}), "columns[5].constraints", "numeric"),
        (lambda d: d["columns"][0].update(constraints={"pattern": "("}), "columns[0].constraints.pattern", "regular expression"),
        (lambda d: d["columns"][9].update(pii={"policy": "encrypt", "class": "email"}), "columns[9].pii.policy", "expected one of"),
        (lambda d: d["columns"][9].update(pii={"policy": "generalize", "class": "x"}), "columns[9].pii.to", "expected one of"),
        (lambda d: d["columns"].append({"name": "year", "type": "int"}), "columns", "derived from event_time"),
        (lambda d: d["aggregates"][0].update(dimensions=["nope"]), "aggregates[0].dimensions", "'nope' is not a silver column"),
        (lambda d: d["aggregates"][0]["measures"].append({"name": "x", "fn": "sum"}), "aggregates[0].measures[6].column", "needs a column"),
        (lambda d: d.pop("primary_key"), "primary_key", "expected at least one column"),
        (lambda d: d["zones"].update(gold={"format": "delta"}), "zones.gold", "Parquet"),
        (lambda d: d["columns"].append(dict(d["columns"][0])), "columns", "duplicate column name(s) ['tenant_id']"),
        (lambda d: d["columns"].pop(2), "rules[0].when", "unknown column(s) ['activity_type']"),
    ],
)  # fmt: skip
def test_broken_contract_names_file_field_and_problem(mutate, field, problem):
    doc = contract_doc("emissions")
    mutate(doc)
    with pytest.raises(ContractError) as err:
        contract_from(doc, file="schemas/emissions.yaml")
    assert err.value.file == "schemas/emissions.yaml"
    assert err.value.field == field
    assert problem in err.value.problem
    assert str(err.value).startswith(f"schemas/emissions.yaml: {field}: ")


def test_file_name_must_match_dataset(tmp_path: Path):
    target = tmp_path / "activities.yaml"
    target.write_text((ROOT / "schemas" / "emissions.yaml").read_text())
    with pytest.raises(ContractError, match=r"expected 'activities'.*found 'emissions'"):
        load_contract(target)


def test_invalid_yaml_and_missing_file_are_contract_errors(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("dataset: [unclosed")
    with pytest.raises(ContractError, match="not valid YAML"):
        load_contract(bad)
    with pytest.raises(ContractError, match="cannot read"):
        load_contract(tmp_path / "missing.yaml")


def test_missing_reference_contract_is_reported(tmp_path: Path):
    (tmp_path / "emissions.yaml").write_text((ROOT / "schemas" / "emissions.yaml").read_text())
    with pytest.raises(ContractError, match="no contract for dataset 'emission_factors'"):
        load_contracts(tmp_path)


def test_empty_schema_folder_is_an_error(tmp_path: Path):
    with pytest.raises(ContractError, match=r"no \*.yaml dataset contracts"):
        load_contracts(tmp_path)


@pytest.mark.parametrize(
    "text",
    [
        "string",
        "decimal(16,4)",
        "array<string>",
        "struct<a:int,b:struct<c:decimal(10,2),d:array<string>>>",
    ],
)
def test_contract_types_round_trip(text):
    from gluelake.contracts.types import hive_name, parse_type

    assert hive_name(parse_type(text)) == text


def test_struct_columns_are_parsed_from_their_json(spark):
    from datetime import UTC, datetime

    from support import raw_frame

    from gluelake.transforms.enforce import enforce_contract

    doc = contract_doc("emission_factors")
    doc["columns"].append({"name": "origin", "type": "struct<publisher:string,year:int>"})
    record = {"factor_id": "EF-A", "activity_type": "diesel", "unit": "L", "kg_co2e_per_unit": 1, "scope": 1,
              "category": "c", "valid_from": "2024-01-01T00:00:00Z", "origin": {"publisher": "DEFRA", "year": 2024}}  # fmt: skip
    bad = {**record, "origin": "not an object"}
    rows = (
        raw_frame(spark, [record, bad])
        .transform(
            enforce_contract, contract=contract_from(doc), now=datetime(2026, 1, 1, tzinfo=UTC)
        )
        .collect()
    )
    assert rows[0]["origin"]["publisher"] == "DEFRA" and rows[0]["origin"]["year"] == 2024
    assert rows[1]["_reasons"] == ["cast_failed:origin"]


def test_join_reference_needs_its_columns(tmp_path: Path):
    for name in ("emissions", "emission_factors"):
        (tmp_path / f"{name}.yaml").write_text((ROOT / "schemas" / f"{name}.yaml").read_text())
    factors = tmp_path / "emission_factors.yaml"
    factors.write_text(factors.read_text().replace("  - name: scope\n", "  - name: ghg_scope\n"))
    with pytest.raises(
        ContractError,
        match=r"joins\[0\]\.select\[3\]: emission_factors bronze has no column 'scope'",
    ):
        load_contracts(tmp_path)


def test_event_time_range_defaults_and_is_validated():
    doc = contract_doc("emissions")
    assert (contract_from(doc).event_years.first, contract_from(doc).event_years.last) == (
        2000,
        2100,
    )
    doc["event_time_range"] = {"from": 1990}
    assert contract_from(doc).event_years.first == 1990
    doc["event_time_range"] = {"from": 2101, "to": 2100}
    with pytest.raises(ContractError, match=r"event_time_range: expected years"):
        contract_from(doc)
    doc["event_time_range"] = {"since": 1990}
    with pytest.raises(ContractError, match=r"event_time_range: unknown key"):
        contract_from(doc)


@pytest.mark.parametrize(
    ("mutate", "field", "problem"),
    [
        (lambda d: d["derived"][1].update(expr="quantity_in_factor_unit * nope"), "derived[1].expr", "unknown column(s) ['nope']"),
        (lambda d: d["derived"][1].update(expr="quantity * ("), "derived[1].expr", "not a valid Spark SQL expression"),
        (lambda d: d["derived"][1].update(type="date"), "derived[1].expr", "which does not cast to date"),
        (lambda d: d["derived"][0].update(expr="unit_factor(unit)"), "derived[0].expr", "takes 2 arguments"),
        (lambda d: d["derived"][0].update(name="scope"), "derived[0].name", "already a column"),
        (lambda d: d["rules"][0].update(when="quantity + 1"), "rules[0].when", "expected a boolean"),
        (lambda d: d["joins"][0].update(kind="fuzzy"), "joins[0].kind", "expected one of"),
        (lambda d: d["joins"][0]["select"].append("nope"), "joins[0].select[6]", "has no column 'nope'"),
        (lambda d: d["joins"][0].update({True: {"nope": "factor_id"}}), "joins[0].on", "'nope' is not a column here"),
        (lambda d: d["joins"][0].update(dataset="nothing"), "joins[0].dataset", "no contract for dataset 'nothing'"),
        (lambda d: d["joins"][0].update(zone="silver"), "joins[0].zone", "has no silver zone"),
        (lambda d: d["joins"][0].update(on_missing={"default": {"nope": 1}}), "joins[0].on_missing.default.nope", "not a selected column"),
        (lambda d: d["aggregates"][0].update(filter="scope +"), "aggregates[0].filter", "not a valid Spark SQL expression"),
        (lambda d: d["aggregates"][0].update(filter="nope = 1"), "aggregates[0].filter", "unknown column(s) ['nope']"),
        (lambda d: d.update(drop=["tenant_id"]), "drop", "not a join or derived column"),
    ],
)  # fmt: skip
def test_broken_modelling_names_file_field_and_problem(mutate, field, problem):
    doc = contract_doc("emissions")
    mutate(doc)
    with pytest.raises(ContractError) as err:
        contract_from(doc, file="schemas/emissions.yaml")
    assert (err.value.file, err.value.field) == ("schemas/emissions.yaml", field)
    assert problem in err.value.problem


def test_a_snapshot_without_event_time_has_no_time_columns_and_no_time_grain():
    doc = contract_doc("products")
    contract = contract_from(doc, file="schemas/products.yaml")
    assert contract.event_time is None and contract.history == "scd2"
    doc["aggregates"] = [
        {"name": "x", "time_grain": "month", "measures": [{"name": "n", "fn": "count"}]}
    ]
    doc["zones"]["gold"] = {"format": "parquet"}
    with pytest.raises(ContractError, match="has no event_time"):
        contract_from(doc, file="schemas/products.yaml")
