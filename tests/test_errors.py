"""Every error the library raises on bad configuration or data is a GluelakeError naming the
file, the field and what was expected (these paths used to raise KeyError, AssertionError
or OSError and reached the job entry as crashes)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from unittest import mock

import pytest

from gluelake.athena.environments import load_environments, select_environment
from gluelake.contracts import find_contract
from gluelake.errors import (
    ConfigError,
    ContractError,
    GluelakeError,
    StorageError,
    first_line,
)
from gluelake.yamlfile import load_yaml


def test_a_missing_column_is_a_contract_error_naming_file_and_columns(contracts):
    emissions = contracts["emissions"]
    with pytest.raises(ContractError) as caught:
        emissions.column("no_such_column")
    assert caught.value.file == emissions.file
    assert caught.value.field == "columns"
    assert "no column 'no_such_column'; declared: ['tenant_id'" in str(caught.value)


def test_a_missing_zone_is_a_contract_error_listing_the_declared_zones(contracts):
    factors = contracts["emission_factors"]
    with pytest.raises(ContractError, match=r"zones: no gold zone; declared: \['bronze'\]"):
        factors.zone("gold")


def test_gated_tables_of_a_missing_zone_is_a_contract_error(contracts):
    from gluelake.quality.suites import gated_tables

    with pytest.raises(ContractError, match=r"emission_factors\.yaml: zones: no silver zone"):
        gated_tables(contracts["emission_factors"], "silver")


def test_an_unknown_pii_policy_is_a_config_error_listing_the_known_ones(contracts):
    from gluelake.transforms.pii import mask

    policy = contracts["emissions"].column("submitted_by_email").pii
    bogus = replace(policy, kind="shred")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"unknown PII policy 'shred' .*expected one of \['hash'"):
        mask(mock.sentinel.column, bogus, b"k" * 32)


def test_a_results_file_that_cannot_be_moved_is_a_storage_error():
    from gluelake.io.quality_store import _move

    spark = mock.MagicMock()
    fs = spark.sparkContext._jvm.org.apache.hadoop.fs.Path.return_value.getFileSystem.return_value
    fs.rename.return_value = False
    staged = "file:/lake/results/_staging/part-0.parquet"
    with pytest.raises(StorageError) as caught:
        _move(
            spark, staged, "file:/lake/results/dataset=x/part-0.parquet", table="file:/lake/results"
        )
    assert caught.value.location == staged
    assert "could not move it into the quality-results table at file:/lake/results" in str(
        caught.value
    )
    fs.delete.assert_not_called()  # the staged file stays for a retry


def test_find_contract_names_the_folder_and_the_known_datasets(contracts):
    with pytest.raises(ConfigError) as caught:
        find_contract(contracts, "nope", source="schemas")
    assert str(caught.value) == (
        f"no contract for dataset 'nope' in schemas; found {sorted(contracts)}"
    )
    assert len(contracts) >= 3
    assert find_contract(contracts, "emissions", source="schemas") is contracts["emissions"]


def test_select_environment_lists_the_defined_ones():
    envs = load_environments()
    with pytest.raises(ConfigError, match=r"unknown environment 'qa'; defined: \["):
        select_environment(envs, "qa")
    assert select_environment(envs, "dev").name == "dev"


def test_load_yaml_reports_unreadable_and_invalid_files_through_the_callers_error(tmp_path):
    def as_config(problem: str) -> GluelakeError:
        return ConfigError(f"x.yaml: {problem}")

    with pytest.raises(ConfigError, match=r"x\.yaml: cannot read: No such file or directory"):
        load_yaml(tmp_path / "missing.yaml", as_config)
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [1,\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"x\.yaml: not valid YAML"):
        load_yaml(bad, as_config)
    good = tmp_path / "good.yaml"
    good.write_text("a: 1\n", encoding="utf-8")
    assert load_yaml(Path(good), as_config) == {"a": 1}


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ValueError("first\nsecond"), "first"),
        (ValueError("   "), "ValueError"),
        (RuntimeError(""), "RuntimeError"),
        ("", "exception"),
        ("only line", "only line"),
    ],
)
def test_first_line_summarises_an_error_in_one_line(error, expected):
    assert first_line(error) == expected


def test_first_line_is_capped():
    assert first_line(ValueError("x" * 900)) == "x" * 500
