"""A fixed environment, so golden files do not depend on athena/environments.yaml."""

from __future__ import annotations

import pytest

from gluelake.athena.environments import Environment


@pytest.fixture(scope="session")
def test_env() -> Environment:
    return Environment(
        name="test",
        database_prefix="gluelake_test",
        lake_root="s3://test-lake/root",
        athena_workgroup="wg-test",
        athena_result_location="s3://test-results/athena/",
        region="eu-west-1",
    )
