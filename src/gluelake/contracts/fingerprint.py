"""Fingerprints of a contract's data shape: what a table records it was written with, and
what ``schemas/_lock.yaml`` records per contract version (no Spark here)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from gluelake.contracts.model import DatasetContract
from gluelake.contracts.tables import TableSpec


def _digest(lines: Iterable[str]) -> str:
    text = "\n".join(sorted(lines))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def contract_fingerprint(contract: DatasetContract) -> str:
    """Name, type and nullability of every declared column (order does not matter)."""
    return _digest(
        f"{c.name}:{c.type}:{'null' if c.nullable else 'not null'}" for c in contract.columns
    )


def table_fingerprint(table: TableSpec) -> str:
    """Name and type of every column of a table, partitions included."""
    return _digest(f"{c.name}:{c.type}" for c in table.all_columns)
