"""Contracts and suites live in the repo locally; on Glue they are read from S3. Either way
the loaders get a local folder."""

from __future__ import annotations

import tempfile
from pathlib import Path

from gluelake.errors import ConfigError
from gluelake.io.s3 import s3_client

CONFIG_SUFFIXES = (".yaml", ".yml", ".json")


def local_folder(location: str) -> Path:
    """``location`` itself when it is a local path; for ``s3://bucket/prefix`` a fresh
    temporary copy of the YAML and JSON files under that prefix (sub-folders kept)."""
    if not location.startswith("s3://"):
        return Path(location)
    bucket, _, prefix = location[len("s3://") :].partition("/")
    prefix = prefix.rstrip("/") + "/" if prefix else ""
    target = Path(tempfile.mkdtemp(prefix="gluelake-config-"))
    client = s3_client()
    copied = 0
    try:
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for obj in page.get("Contents", []):
                key = obj["Key"]
                if not key.endswith(CONFIG_SUFFIXES):
                    continue
                path = target / key[len(prefix) :]
                path.parent.mkdir(parents=True, exist_ok=True)
                client.download_file(bucket, key, str(path))
                copied += 1
    except Exception as exc:  # botocore raises many types; all mean the same here
        raise ConfigError(f"cannot copy configuration from {location}: {exc}") from None
    if copied == 0:
        raise ConfigError(f"no .yaml/.json files under {location}")
    return target
