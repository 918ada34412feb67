"""Where each zone's tables live under a lake root (a local folder or an s3:// URI)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gluelake.contracts.model import DatasetContract
from gluelake.contracts.tables import TableSpec


def _is_uri(root: str) -> bool:
    return "://" in root


@dataclass(frozen=True)
class LakeLayout:
    root: str  # absolute local path or URI, no trailing slash

    @classmethod
    def at(cls, root: str | Path) -> LakeLayout:
        text = str(root)
        if not _is_uri(text):
            text = str(Path(text).resolve())
        return cls(text.rstrip("/"))

    @property
    def is_local(self) -> bool:
        return not _is_uri(self.root)

    def path(self, relative: str) -> str:
        return f"{self.root}/{relative.strip('/')}"

    def raw(self, contract: DatasetContract) -> str:
        return self.path(contract.source.path)

    def table(self, table: TableSpec) -> str:
        return self.path(table.path)

    def quality_run(self, zone: str, dataset: str, run_id: str) -> str:
        return self.path(f"_quality/runs/{zone}/{dataset}/{run_id}")
