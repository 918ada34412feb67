"""The raw files a run reads, each with its size and SHA-256: the run record's inputs and
the key by which incremental runs recognise a file they have already processed."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from gluelake.contracts.model import DatasetContract
from gluelake.errors import SourceError
from gluelake.io.layout import LakeLayout
from gluelake.io.raw import raw_paths
from gluelake.runs.record import InputFile

_CHUNK = 1 << 20


def _hidden(name: str) -> bool:
    # Spark's file sources skip these too (_SUCCESS, .crc, editors' temporary files).
    return name.startswith(("_", "."))


def _local_files(folder: Path) -> Iterator[Path]:
    if folder.is_file():
        yield folder
        return
    if not folder.is_dir():
        return
    for child in sorted(folder.iterdir()):
        if _hidden(child.name):
            continue
        if child.is_dir():
            yield from _local_files(child)
        else:
            yield child


def _sha256_local(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def list_raw_files(
    layout: LakeLayout, contract: DatasetContract, ingest_dates: Sequence[str] = ()
) -> list[InputFile]:
    """Every visible file under the dataset's raw folders, sorted by path."""
    roots = raw_paths(layout, contract, ingest_dates)
    prefix = layout.root + "/"
    if layout.is_local:
        found = [
            InputFile(str(p)[len(prefix) :], p.stat().st_size, _sha256_local(p))
            for root in roots
            for p in _local_files(Path(root))
        ]
    else:
        found = list(_s3_files(roots, prefix))
    return sorted(found, key=lambda f: f.path)


def _s3_files(roots: Sequence[str], prefix: str) -> Iterator[InputFile]:
    import boto3
    from botocore.exceptions import ClientError

    # The endpoint the session gives S3A (a local S3 in tests); else boto3's own config.
    client = boto3.client("s3", endpoint_url=os.environ.get("GLUELAKE_S3_ENDPOINT") or None)
    for root in roots:
        _, _, rest = root.partition("://")
        bucket, _, key_prefix = rest.partition("/")
        try:
            pages = client.get_paginator("list_objects_v2").paginate(
                Bucket=bucket, Prefix=key_prefix.rstrip("/") + "/"
            )
            for page in pages:
                for obj in page.get("Contents", []):
                    key = str(obj["Key"])
                    if any(_hidden(part) for part in key[len(key_prefix) :].split("/")):
                        continue
                    digest = hashlib.sha256()
                    body = client.get_object(Bucket=bucket, Key=key)["Body"]
                    while chunk := body.read(_CHUNK):
                        digest.update(chunk)
                    uri = f"{root.partition('://')[0]}://{bucket}/{key}"
                    yield InputFile(uri[len(prefix) :], int(obj["Size"]), digest.hexdigest())
        except ClientError as exc:
            raise SourceError("raw", root, f"cannot list raw files: {exc}") from None
