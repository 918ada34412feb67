from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from gluelake.contracts import load_contracts
from gluelake.contracts.load import contract_files
from gluelake.errors import ConfigError
from gluelake.io.config_files import local_folder

ROOT = Path(__file__).resolve().parents[2]


def test_local_paths_are_used_as_they_are():
    assert local_folder("schemas") == Path("schemas")


def test_contracts_and_suites_are_copied_from_s3(aws, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws)
    s3 = boto3.client("s3", region_name="eu-west-1")
    s3.create_bucket(
        Bucket="artifacts", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    for path in (ROOT / "schemas").glob("*.yaml"):
        s3.upload_file(str(path), "artifacts", f"gluelake/schemas/{path.name}")
    s3.upload_file(
        str(ROOT / "expectations/bronze/emissions.json"),
        "artifacts",
        "gluelake/expectations/bronze/emissions.json",
    )
    s3.put_object(Bucket="artifacts", Key="gluelake/schemas/README.txt", Body=b"not a contract")

    contracts = load_contracts(local_folder("s3://artifacts/gluelake/schemas"))
    assert set(contracts) == {p.stem for p in contract_files(ROOT / "schemas")}
    suites = local_folder("s3://artifacts/gluelake/expectations/")
    assert (suites / "bronze" / "emissions.json").is_file()

    with pytest.raises(ConfigError, match=r"no \.yaml/\.json files under s3://artifacts/nothing"):
        local_folder("s3://artifacts/nothing")
