"""boto3 clients for one environment, typed with the ``mypy-boto3`` stubs. ``endpoint_url``
(or ``AWS_ENDPOINT_URL``, which boto3 reads itself) points them at a local moto server in tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3

from gluelake.athena.environments import Environment

if TYPE_CHECKING:
    from mypy_boto3_athena import AthenaClient
    from mypy_boto3_glue import GlueClient
    from mypy_boto3_s3 import S3Client


def glue_client(env: Environment, endpoint_url: str | None = None) -> GlueClient:
    client: GlueClient = boto3.client(
        "glue", region_name=env.region, endpoint_url=endpoint_url or None
    )
    return client


def athena_client(env: Environment, endpoint_url: str | None = None) -> AthenaClient:
    client: AthenaClient = boto3.client(
        "athena", region_name=env.region, endpoint_url=endpoint_url or None
    )
    return client


def s3_client(env: Environment, endpoint_url: str | None = None) -> S3Client:
    client: S3Client = boto3.client("s3", region_name=env.region, endpoint_url=endpoint_url or None)
    return client
