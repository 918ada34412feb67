"""The raw files of a dataset: listed with size and modification time (metadata only), and
fingerprinted with SHA-256 (reads the content). The listing tells an incremental run which
files it has not seen; the fingerprint is the run record's input and recognises a file
re-delivered under another name."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from gluelake.contracts.model import DatasetContract
from gluelake.errors import SourceError
from gluelake.io.layout import LakeLayout
from gluelake.io.raw import INGEST_FOLDER, raw_paths
from gluelake.io.s3 import s3_client
from gluelake.runs.record import InputFile

_CHUNK = 1 << 20
_INGEST_DATE = re.compile(rf"(?:^|/){INGEST_FOLDER}=(\d{{4}}-\d{{2}}-\d{{2}})(?:/|$)")


@dataclass(frozen=True)
class RawFile:
    path: str  # relative to the lake root, no scheme
    size: int
    modified: int  # epoch milliseconds

    @property
    def ingest_date(self) -> str | None:
        """The ``ingest_date=YYYY-MM-DD`` folder the file was delivered in, if any."""
        found = _INGEST_DATE.search(self.path)
        return found.group(1) if found else None


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


def list_raw_files(
    layout: LakeLayout, contract: DatasetContract, ingest_dates: Sequence[str] = ()
) -> list[RawFile]:
    """Every visible file under the dataset's raw folders, sorted by path; reads no content."""
    roots = raw_paths(layout, contract, ingest_dates)
    prefix = layout.root + "/"
    if layout.is_local:
        found = []
        for root in roots:
            for p in _local_files(Path(root)):
                st = p.stat()
                found.append(RawFile(str(p)[len(prefix) :], st.st_size, st.st_mtime_ns // 10**6))
    else:
        found = list(_s3_files(roots, prefix))
    return sorted(found, key=lambda f: f.path)


def fingerprint(layout: LakeLayout, files: Sequence[RawFile]) -> list[InputFile]:
    """Each file with the SHA-256 of its content (reads every byte once)."""
    if layout.is_local:
        return [InputFile(f.path, f.size, _sha256_local(Path(layout.path(f.path)))) for f in files]
    client = s3_client()
    out = []
    for f in files:
        bucket, key = _bucket_key(layout.path(f.path))
        digest = hashlib.sha256()
        try:
            body = client.get_object(Bucket=bucket, Key=key)["Body"]
            while chunk := body.read(_CHUNK):
                digest.update(chunk)
        except Exception as exc:  # botocore's errors; one message naming the file
            raise SourceError("raw", layout.path(f.path), f"cannot read raw file: {exc}") from None
        out.append(InputFile(f.path, f.size, digest.hexdigest()))
    return out


def _sha256_local(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _bucket_key(uri: str) -> tuple[str, str]:
    _, _, rest = uri.partition("://")
    bucket, _, key = rest.partition("/")
    return bucket, key


def _s3_files(roots: Sequence[str], prefix: str) -> Iterator[RawFile]:
    from botocore.exceptions import ClientError

    client = s3_client()
    for root in roots:
        bucket, key_prefix = _bucket_key(root)
        try:
            pages = client.get_paginator("list_objects_v2").paginate(
                Bucket=bucket, Prefix=key_prefix.rstrip("/") + "/"
            )
            for page in pages:
                for obj in page.get("Contents", []):
                    key = str(obj["Key"])
                    if any(_hidden(part) for part in key[len(key_prefix) :].split("/")):
                        continue
                    uri = f"{root.partition('://')[0]}://{bucket}/{key}"
                    modified = int(obj["LastModified"].timestamp() * 1000)
                    yield RawFile(uri[len(prefix) :], int(obj["Size"]), modified)
        except ClientError as exc:
            raise SourceError("raw", root, f"cannot list raw files: {exc}") from None
