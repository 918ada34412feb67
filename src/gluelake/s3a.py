"""Hadoop S3A settings, defined once for the local session (``session.py``) and for the Glue
job arguments ``gluelake deploy`` writes. No Spark import: deploy uses it without pyspark.

- **Endpoint**: ``GLUELAKE_S3_ENDPOINT`` (e.g. ``http://127.0.0.1:9000``: moto, MinIO) points a
  local session's ``s3a://`` and ``s3://`` paths at an S3-compatible server, path-style, with
  credentials from ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``. Unset: real S3 through
  the default AWS credential chain.
- **Encryption**: every object Spark writes asks for server-side encryption; on Glue from the
  job's ``--conf`` (set by deploy from ``glue/environments/<env>.yaml``), locally from
  ``GLUELAKE_S3_SSE`` (``SSE-S3``, or ``SSE-KMS`` with ``GLUELAKE_S3_SSE_KMS_KEY``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal

from gluelake.errors import ConfigError

ENDPOINT_ENV = "GLUELAKE_S3_ENDPOINT"
SSE_ENV = "GLUELAKE_S3_SSE"
SSE_KMS_KEY_ENV = "GLUELAKE_S3_SSE_KMS_KEY"

SseMode = Literal["SSE-S3", "SSE-KMS"]
SSE_MODES: tuple[SseMode, ...] = ("SSE-S3", "SSE-KMS")
# What boto3 uploads send as ServerSideEncryption for each mode.
BOTO3_SSE: dict[str, str] = {"SSE-S3": "AES256", "SSE-KMS": "aws:kms"}
# Hadoop's names (S3AEncryptionMethods) for each mode.
_HADOOP_SSE: dict[str, str] = {"SSE-S3": "AES256", "SSE-KMS": "SSE-KMS"}


def encryption_settings(mode: SseMode, kms_key_id: str | None = None) -> dict[str, str]:
    """Hadoop properties asking S3 to encrypt every object S3A writes (PUT, multipart, copy).

    Both the Hadoop 3.3.4 names (the local pyspark wheel) and the 3.4 names (Glue 5.x) are
    set; each version reads its own and maps the other as deprecated."""
    if mode not in SSE_MODES:
        raise ConfigError(f"server-side encryption: expected one of {SSE_MODES}, found {mode!r}")
    if mode == "SSE-KMS" and not kms_key_id:
        raise ConfigError("server-side encryption SSE-KMS needs a KMS key id")
    if mode == "SSE-S3" and kms_key_id:
        raise ConfigError("server-side encryption SSE-S3 takes no KMS key id (use SSE-KMS)")
    out: dict[str, str] = {
        "fs.s3a.encryption.algorithm": _HADOOP_SSE[mode],
        "fs.s3a.server-side-encryption-algorithm": _HADOOP_SSE[mode],
    }
    if kms_key_id:
        out["fs.s3a.encryption.key"] = kms_key_id
        out["fs.s3a.server-side-encryption.key"] = kms_key_id
    return out


def endpoint_settings(endpoint: str, access_key: str, secret_key: str) -> dict[str, str]:
    """Hadoop properties for an S3-compatible server at ``endpoint`` (path-style URLs)."""
    if not endpoint.startswith(("http://", "https://")):
        raise ConfigError(f"{ENDPOINT_ENV}: expected http(s)://host:port, found {endpoint!r}")
    return {
        "fs.s3a.endpoint": endpoint,
        "fs.s3a.path.style.access": "true",
        "fs.s3a.connection.ssl.enabled": str(endpoint.startswith("https://")).lower(),
        "fs.s3a.endpoint.region": os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
        "fs.s3a.aws.credentials.provider": "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
        "fs.s3a.access.key": access_key,
        "fs.s3a.secret.key": secret_key,
        # Local servers' ETags do not always follow S3's rules for copied objects; the
        # check guards against S3's old eventual consistency, which S3 no longer has.
        "fs.s3a.change.detection.mode": "none",
    }


def session_settings(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """``spark.hadoop.*`` settings a local session needs for S3, from the environment.

    ``s3://`` paths go through S3A too, as on Glue 5.1 (S3A is its default S3 connector)."""
    env = os.environ if environ is None else environ
    hadoop: dict[str, str] = {
        "fs.s3.impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",
        "fs.s3a.impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",
    }
    endpoint = env.get(ENDPOINT_ENV)
    if endpoint:
        access, secret = env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")
        if not access or not secret:
            raise ConfigError(
                f"{ENDPOINT_ENV} is set: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are needed too"
            )
        hadoop.update(endpoint_settings(endpoint, access, secret))
    sse = env.get(SSE_ENV)
    if sse:
        hadoop.update(encryption_settings(sse, env.get(SSE_KMS_KEY_ENV) or None))  # type: ignore[arg-type]
    return {f"spark.hadoop.{k}": v for k, v in hadoop.items()}
