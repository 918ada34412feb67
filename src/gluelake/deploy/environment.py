"""What one deployment target is: ``glue/environments/<env>.yaml`` (account, artifacts location,
role, names, encryption, Object Lock, schedules) over the environment of the same name in
``athena/environments.yaml`` (lake root, region, database names). Environments differ only
in these values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

import yaml

from gluelake.athena.environments import Environment, environment
from gluelake.errors import ConfigError
from gluelake.s3a import BOTO3_SSE, SSE_MODES, SseMode, encryption_settings

ObjectLockMode = Literal["GOVERNANCE", "COMPLIANCE"]
_KEYS = (
    "account_id", "artifacts", "role_name", "name_prefix", "encryption", "schedules",
    "object_lock",
)  # fmt: skip
_ACCOUNT = re.compile(r"^[0-9]{12}$")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,62}$")
# A key id or key ARN: IAM can grant on a key, not on an alias.
_KMS_KEY = re.compile(
    r"^(arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/)?"
    r"(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)


@dataclass(frozen=True)
class Encryption:
    """Server-side encryption every write asks for."""

    mode: SseMode
    kms_key_id: str | None = None  # key id or ARN, SSE-KMS only

    def hadoop_settings(self) -> dict[str, str]:
        return encryption_settings(self.mode, self.kms_key_id)

    def boto3_args(self) -> dict[str, str]:
        """``put_object``/``upload_file`` arguments."""
        args = {"ServerSideEncryption": BOTO3_SSE[self.mode]}
        if self.kms_key_id:
            args["SSEKMSKeyId"] = self.kms_key_id
        return args

    def bucket_default(self) -> dict[str, Any]:
        """A bucket's default-encryption rule (S3 Bucket Keys cut KMS calls)."""
        default: dict[str, str] = {"SSEAlgorithm": BOTO3_SSE[self.mode]}
        if self.kms_key_id:
            default["KMSMasterKeyID"] = self.kms_key_id
        return {
            "ApplyServerSideEncryptionByDefault": default,
            "BucketKeyEnabled": self.mode == "SSE-KMS",
        }

    def __str__(self) -> str:
        return self.mode + (f" (key {self.kms_key_id})" if self.kms_key_id else "")


@dataclass(frozen=True)
class ObjectLock:
    """Retention written on run records and audit objects (the lake bucket has Object Lock)."""

    mode: ObjectLockMode
    days: int


def _split(uri: str) -> tuple[str, str]:
    """``s3://bucket/a/b`` -> (``bucket``, ``a/b``)."""
    bucket, _, prefix = uri.removeprefix("s3://").partition("/")
    return bucket, prefix.strip("/")


@dataclass(frozen=True)
class DeployEnvironment:
    name: str
    lake: Environment  # athena/environments.yaml: lake root, region, databases
    account_id: str
    artifacts: str  # s3://bucket[/prefix], no trailing slash; versions go under it
    role_name: str
    name_prefix: str  # Glue jobs, triggers and workflows are named <name_prefix>-<dataset>...
    encryption: Encryption
    schedules_active: bool  # False: scheduled triggers are created but not started
    object_lock: ObjectLock | None = None
    file: str = ""

    @property
    def region(self) -> str:
        return self.lake.region

    @property
    def role_arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:role/{self.role_name}"

    @property
    def lake_bucket(self) -> str:
        return _split(self.lake.lake_root)[0]

    def lake_key(self, relative: str) -> str:
        """The S3 key of a path relative to the lake root."""
        prefix = _split(self.lake.lake_root)[1]
        return f"{prefix}/{relative}" if prefix else relative

    @property
    def artifacts_bucket(self) -> str:
        return _split(self.artifacts)[0]

    @property
    def artifacts_prefix(self) -> str:
        """Key prefix of every version, no slashes at either end ('' for a whole bucket)."""
        return _split(self.artifacts)[1]

    def artifact_key(self, version: str, relative: str = "") -> str:
        prefix = self.artifacts_prefix
        key = f"{prefix}/{version}" if prefix else version
        return f"{key}/{relative}" if relative else key

    def artifact_uri(self, version: str, relative: str = "") -> str:
        return f"s3://{self.artifacts_bucket}/{self.artifact_key(version, relative)}"

    def kms_key_arn(self) -> str | None:
        key = self.encryption.kms_key_id
        if key is None or key.startswith("arn:"):
            return key
        return f"arn:aws:kms:{self.region}:{self.account_id}:key/{key}"


def default_glue_dir() -> Path:
    from gluelake.paths import project_root

    return project_root() / "glue"


def _encryption(where: str, raw: Any) -> Encryption:
    if not isinstance(raw, dict) or set(raw) - {"mode", "kms_key_id"}:
        raise ConfigError(
            f"{where}.encryption: expected {{mode: SSE-S3}} or {{mode: SSE-KMS, kms_key_id: ...}}"
        )
    mode = raw.get("mode")
    if mode not in SSE_MODES:
        raise ConfigError(
            f"{where}.encryption.mode: expected one of {list(SSE_MODES)}, found {mode!r}"
        )
    key = raw.get("kms_key_id")
    if mode == "SSE-KMS" and not (isinstance(key, str) and _KMS_KEY.match(key)):
        raise ConfigError(
            f"{where}.encryption.kms_key_id: expected a KMS key id or key ARN "
            f"(IAM cannot grant on an alias), found {key!r}"
        )
    if mode == "SSE-S3" and key is not None:
        raise ConfigError(f"{where}.encryption.kms_key_id: only mode SSE-KMS takes a key")
    return Encryption(cast(SseMode, mode), key)


def _object_lock(where: str, raw: Any) -> ObjectLock | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) != {"mode", "days"}:
        raise ConfigError(f"{where}.object_lock: expected {{mode: GOVERNANCE|COMPLIANCE, days: N}}")
    if raw["mode"] not in ("GOVERNANCE", "COMPLIANCE"):
        raise ConfigError(
            f"{where}.object_lock.mode: expected GOVERNANCE or COMPLIANCE, found {raw['mode']!r}"
        )
    days = raw["days"]
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise ConfigError(
            f"{where}.object_lock.days: expected a number of days >= 1, found {days!r}"
        )
    return ObjectLock(raw["mode"], days)


def load_deploy_environment(
    name: str, glue_dir: Path | None = None, environments_file: Path | None = None
) -> DeployEnvironment:
    """``glue/environments/<name>.yaml`` over ``athena/environments.yaml``'s ``name``."""
    folder = glue_dir or default_glue_dir()
    path = folder / "environments" / f"{name}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in (folder / "environments").glob("*.yaml"))
        raise ConfigError(f"no deploy environment {name!r}: {path} not found; found {known}")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot load: {exc}") from None
    where = str(path)
    if not isinstance(doc, dict):
        raise ConfigError(f"{where}: expected a mapping at the top level")
    unknown = sorted(set(doc) - set(_KEYS))
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {unknown}; allowed: {list(_KEYS)}")
    for key in ("account_id", "artifacts", "role_name"):
        if not isinstance(doc.get(key), str) or not doc[key]:
            raise ConfigError(f"{where}.{key}: required, a non-empty string (quote numbers)")
    if not _ACCOUNT.match(doc["account_id"]):
        raise ConfigError(f"{where}.account_id: expected 12 digits, found {doc['account_id']!r}")
    artifacts = str(doc["artifacts"]).rstrip("/")
    if not artifacts.startswith("s3://") or not _split(artifacts)[0]:
        raise ConfigError(f"{where}.artifacts: expected s3://bucket[/prefix], found {artifacts!r}")
    prefix = str(doc.get("name_prefix", f"gluelake-{name}"))
    if not _NAME.match(prefix):
        raise ConfigError(
            f"{where}.name_prefix: expected letters, digits, - and _, found {prefix!r}"
        )
    schedules = doc.get("schedules", "active")
    if schedules not in ("active", "paused"):
        raise ConfigError(f"{where}.schedules: expected active or paused, found {schedules!r}")
    lake = environment(name, environments_file)
    return DeployEnvironment(
        name=name,
        lake=lake,
        account_id=doc["account_id"],
        artifacts=artifacts,
        role_name=doc["role_name"],
        name_prefix=prefix,
        encryption=_encryption(where, doc.get("encryption", {"mode": "SSE-S3"})),
        schedules_active=schedules == "active",
        object_lock=_object_lock(where, doc.get("object_lock")),
        file=where,
    )
