"""boto3 clients for one environment. ``endpoint_url`` (or ``AWS_ENDPOINT_URL``, which
boto3 reads itself) points them at a local moto server in tests."""

from __future__ import annotations

from typing import Any

import boto3

from gluelake.athena.environments import Environment


def aws_client(service: str, env: Environment, endpoint_url: str | None = None) -> Any:
    return boto3.client(service, region_name=env.region, endpoint_url=endpoint_url or None)
