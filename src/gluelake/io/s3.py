"""The one S3 client the io layer uses: boto3's, at the session's S3 endpoint when one is set
(``GLUELAKE_S3_ENDPOINT``, a local S3 in tests), else boto3's own configuration."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


def s3_client() -> S3Client:
    import boto3  # only for S3 locations: keeps local runs free of AWS set-up

    client: S3Client = boto3.client(
        "s3", endpoint_url=os.environ.get("GLUELAKE_S3_ENDPOINT") or None
    )
    return client
