"""The PII hashing key: from an environment variable or an AWS Secrets Manager secret,
never from code or committed config. Resolved before any data is read."""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import TYPE_CHECKING

from gluelake.errors import ConfigError

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient

KEY_ENV = "GLUELAKE_PII_KEY"
SECRET_ENV = "GLUELAKE_PII_KEY_SECRET"
MIN_KEY_BYTES = 16


def resolve_pii_key(dataset: str, *, secret_name: str | None = None) -> bytes:
    """The key bytes; ConfigError says how to set it when it is missing or too short."""
    secret_name = secret_name or os.environ.get(SECRET_ENV)
    if value := os.environ.get(KEY_ENV):
        key, origin = value.encode("utf-8"), f"environment variable {KEY_ENV}"
    elif secret_name:
        key, origin = _from_secrets_manager(secret_name), f"secret {secret_name!r}"
    else:
        raise ConfigError(
            f"dataset {dataset!r} hashes personal data but no key is configured: set "
            f"{KEY_ENV} to a secret of at least {MIN_KEY_BYTES} bytes, or {SECRET_ENV} "
            "(or --pii-key-secret) to the name of an AWS Secrets Manager secret holding it"
        )
    if len(key) < MIN_KEY_BYTES:
        raise ConfigError(
            f"PII key from {origin} is {len(key)} bytes; expected at least {MIN_KEY_BYTES}"
        )
    return key


def _from_secrets_manager(name: str) -> bytes:
    import boto3  # only when a secret is named: keeps local runs free of AWS set-up

    try:
        client: SecretsManagerClient = boto3.client("secretsmanager")
        response = client.get_secret_value(SecretId=name)
    except Exception as exc:  # botocore raises many types; all mean the same here
        raise ConfigError(f"cannot read PII key secret {name!r}: {exc}") from None
    if "SecretString" in response:
        return str(response["SecretString"]).encode("utf-8")
    return bytes(response["SecretBinary"])


def key_fingerprint(key: bytes) -> str:
    """A short, non-reversible identifier of a key (HMAC of a fixed label under the key,
    64 bits): equal keys give equal fingerprints, and it reveals nothing that helps
    recompute a hashed value. Tables record it so a run with another key is refused."""
    digest = hmac.new(key, b"gluelake pii key fingerprint v1", hashlib.sha256).hexdigest()
    return f"hmac-sha256:{digest[:16]}"
