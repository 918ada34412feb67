"""The audit log's storage: one JSON object per chain entry at ``<lake>/_runs/log/<seq>.json``
(12-digit, zero-padded, so names sort in chain order), locally or on S3.

Appends never fork the chain: each position is created at most once (``os.link`` of a
complete temporary file locally, which fails when the name exists; a conditional
``PutObject`` with ``If-None-Match: *`` on S3). A writer that loses the race re-reads the
head and tries the next position. On S3, entries can carry an Object Lock retention date."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from gluelake.errors import AuditError, ConfigError
from gluelake.io.layout import LakeLayout
from gluelake.io.s3 import s3_client
from gluelake.runs.chain import GENESIS, HASH_FIELD, seal, serialise

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

LOG_DIR = "_runs/log"
_WIDTH = 12
_ATTEMPTS = 100


@dataclass(frozen=True)
class ObjectLock:
    """S3 Object Lock retention for audit objects (the bucket must have Object Lock on)."""

    mode: Literal["GOVERNANCE", "COMPLIANCE"]
    days: int

    @classmethod
    def parse(cls, mode: str | None, days: int | None) -> ObjectLock | None:
        if mode is None and days is None:
            return None
        if mode is None or days is None:
            raise ConfigError("audit Object Lock needs both a mode and a number of days")
        upper = mode.upper()
        if upper not in ("GOVERNANCE", "COMPLIANCE") or days < 1:
            raise ConfigError(
                f"audit Object Lock: expected mode GOVERNANCE|COMPLIANCE and days >= 1, "
                f"found {mode!r} and {days}"
            )
        return cls(upper, days)  # type: ignore[arg-type]


def _name(position: int) -> str:
    return f"{position:0{_WIDTH}d}.json"


def _position(name: str) -> int | None:
    stem = name.removesuffix(".json")
    return int(stem) if name.endswith(".json") and stem.isdigit() else None


def _parse(data: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(data)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


class AuditLog:
    """Append to and read the chain of one lake."""

    def __init__(self, layout: LakeLayout, lock: ObjectLock | None = None) -> None:
        self.layout = layout
        self.lock = lock
        self.location = layout.path(LOG_DIR)
        if not layout.is_local:
            scheme, _, rest = self.location.partition("://")
            if scheme not in ("s3", "s3a"):
                raise ConfigError(f"audit log: unsupported lake root {layout.root}")
            self._bucket, _, prefix = rest.partition("/")
            self._prefix = prefix.rstrip("/") + "/"
        elif lock is not None:
            raise ConfigError("audit Object Lock applies to S3 lakes only")

    # -- reading -------------------------------------------------------------------------
    def positions(self) -> list[int]:
        if self.layout.is_local:
            folder = Path(self.location)
            names = [p.name for p in folder.iterdir()] if folder.is_dir() else []
        else:
            names = [key[len(self._prefix) :] for key in self._keys()]
        return sorted(p for n in names if (p := _position(n)) is not None)

    def read(self, position: int) -> dict[str, Any] | None:
        """The entry at ``position`` (None when it is not a JSON object)."""
        return _parse(self._get(_name(position)))

    def entries(self) -> Iterator[tuple[int, dict[str, Any] | None]]:
        for position in self.positions():
            yield position, self.read(position)

    def last_succeeded(self, stage: str, dataset: str) -> dict[str, Any] | None:
        """The newest entry of a succeeded run of ``stage`` on ``dataset`` (read from the
        head backwards: the one wanted is usually a few entries away), or None."""
        for position in reversed(self.positions()):
            entry = self.read(position)
            if entry is not None and (
                entry.get("stage"),
                entry.get("dataset"),
                entry.get("status"),
            ) == (stage, dataset, "succeeded"):
                return entry
        return None

    def where(self, position: int) -> str:
        return f"{self.location}/{_name(position)}"

    # -- appending -----------------------------------------------------------------------
    def append(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """Seal ``record`` after the current head and store it; returns the entry."""
        for _ in range(_ATTEMPTS):
            positions = self.positions()
            seq = positions[-1] + 1 if positions else 0
            prev = GENESIS
            if positions:
                head = self.read(positions[-1])
                if head is None or HASH_FIELD not in head:
                    raise AuditError(
                        f"audit log {self.where(positions[-1])} is not a chain entry; "
                        "run `gluelake audit verify` before appending"
                    )
                prev = str(head[HASH_FIELD])
            entry = seal(record, seq=seq, prev_hash=prev)
            if self._create(_name(seq), serialise(entry)):
                return entry
        raise AuditError(f"audit log {self.location}: gave up after {_ATTEMPTS} contended appends")

    # -- storage -------------------------------------------------------------------------
    def _create(self, name: str, data: bytes) -> bool:
        """Create ``name`` with ``data`` unless it exists; False when another writer won."""
        if self.layout.is_local:
            folder = Path(self.location)
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".{name}.{uuid.uuid4().hex}.tmp"
            with open(tmp, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(tmp, folder / name)  # atomic, and fails if the name exists
            except FileExistsError:
                return False
            finally:
                tmp.unlink()
            return True
        from botocore.exceptions import ClientError

        extra: dict[str, Any] = {}
        if self.lock is not None:
            extra["ObjectLockMode"] = self.lock.mode
            extra["ObjectLockRetainUntilDate"] = datetime.now(UTC) + timedelta(days=self.lock.days)
        try:
            self._client().put_object(
                Bucket=self._bucket, Key=self._prefix + name, Body=data, IfNoneMatch="*",
                ContentType="application/json", ChecksumAlgorithm="SHA256", **extra,
            )  # fmt: skip
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ("PreconditionFailed", "ConditionalRequestConflict", "412", "409"):
                return False
            raise AuditError(
                f"audit log {self.location}/{name}: S3 refused the write: {exc}"
            ) from None
        return True

    def _get(self, name: str) -> bytes:
        if self.layout.is_local:
            return (Path(self.location) / name).read_bytes()
        from botocore.exceptions import ClientError

        try:
            body = self._client().get_object(Bucket=self._bucket, Key=self._prefix + name)["Body"]
            return bytes(body.read())
        except ClientError as exc:
            raise AuditError(f"audit log {self.location}/{name}: cannot read: {exc}") from None

    def _keys(self) -> Iterator[str]:
        from botocore.exceptions import ClientError

        try:
            pages = (
                self._client()
                .get_paginator("list_objects_v2")
                .paginate(Bucket=self._bucket, Prefix=self._prefix)
            )
            for page in pages:
                for obj in page.get("Contents", []):
                    yield str(obj["Key"])
        except ClientError as exc:
            raise AuditError(f"audit log {self.location}: cannot list: {exc}") from None

    def _client(self) -> S3Client:
        if not hasattr(self, "_s3"):
            self._s3 = s3_client()
        return self._s3
