"""The environments file: typed, validated, database names per zone."""

from __future__ import annotations

from pathlib import Path

import pytest

from gluelake.athena.environments import environment, load_environments
from gluelake.errors import ConfigError


def test_shipped_environments() -> None:
    envs = load_environments()
    assert list(envs) == ["local", "dev", "prod"]
    dev = envs["dev"]
    assert dev.databases == (
        "gluelake_dev_bronze", "gluelake_dev_silver", "gluelake_dev_gold", "gluelake_dev_quality",
    )  # fmt: skip
    assert dev.lake_root.startswith("s3://") and not dev.lake_root.endswith("/")
    assert dev.athena_result_location.endswith("/")
    with pytest.raises(ConfigError, match="unknown environment 'qa'"):
        environment("qa")


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "envs.yaml"
    path.write_text(body)
    return path


GOOD = """
    database_prefix: gl_x
    lake_root: s3://lake/
    athena_workgroup: wg
    athena_result_location: s3://results/
    region: eu-west-1
"""


@pytest.mark.parametrize(
    ("replace", "message"),
    [
        (("gl_x", "GL-X"), "database_prefix: expected lower case letters"),
        (("s3://lake/", "/local/lake"), "lake_root: expected an s3:// URI"),
        (("s3://results/", "s3://results"), "athena_result_location: expected a trailing '/'"),
        (("region: eu-west-1", "zone: a"), r"missing \['region'\], unknown \['zone'\]"),
    ],
)
def test_invalid_fields_are_named(tmp_path: Path, replace: tuple[str, str], message: str) -> None:
    body = "environments:\n  x:" + GOOD.replace(*replace)
    with pytest.raises(ConfigError, match=f"environments.x.*{message}"):
        load_environments(_write(tmp_path, body))


def test_prefixes_must_differ(tmp_path: Path) -> None:
    body = "environments:\n  a:" + GOOD + "  b:" + GOOD
    with pytest.raises(ConfigError, match=r"share database prefix\(es\) \['gl_x'\]"):
        load_environments(_write(tmp_path, body))
    assert load_environments(_write(tmp_path, "environments:\n  a:" + GOOD))["a"].lake_root == (
        "s3://lake"
    )
