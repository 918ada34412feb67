"""``schemas/_lock.yaml``: the columns each contract version was released with.

Tables record the contract version they were written with, so a contract whose columns
change under the same ``version`` would make two different shapes look like one. The lock
file, committed beside the contracts and extended by ``gluelake contract lock``, lets
``gluelake check`` (in CI, before anything runs) refuse such a change. No Spark here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gluelake.contracts.fingerprint import contract_fingerprint
from gluelake.contracts.model import DatasetContract
from gluelake.errors import ContractError
from gluelake.yamlfile import load_yaml

LOCK_FILE = "_lock.yaml"
LOCK_COMMAND = "gluelake contract lock"
_HEADER = (
    "# The columns each contract version was released with; written by `gluelake contract lock`.\n"
    "# `gluelake check` fails when a contract's columns differ from its version's entry:\n"
    "# change columns together with `version`, then run the command and commit this file.\n"
)

Columns = dict[str, str]  # name -> "type" or "type not null"
Lock = dict[str, dict[int, dict[str, Any]]]  # dataset -> version -> entry


def lock_path(schemas_dir: str | Path) -> Path:
    return Path(schemas_dir) / LOCK_FILE


def locked_columns(contract: DatasetContract) -> Columns:
    return {c.name: c.type if c.nullable else f"{c.type} not null" for c in contract.columns}


def entry(contract: DatasetContract) -> dict[str, Any]:
    return {"fingerprint": contract_fingerprint(contract), "columns": locked_columns(contract)}


def read_lock(schemas_dir: str | Path) -> Lock | None:
    """The lock file's entries; None when the project has none (nothing is checked)."""
    path = lock_path(schemas_dir)
    if not path.exists():
        return None

    def error(problem: str) -> ContractError:
        return ContractError(str(path), "(file)", problem)

    doc = load_yaml(path, error) or {}
    if not isinstance(doc, dict):
        raise error("expected a mapping of dataset -> version -> entry")
    lock: Lock = {}
    for dataset, versions in doc.items():
        if not isinstance(versions, dict):
            raise ContractError(str(path), str(dataset), "expected a mapping of version -> entry")
        lock[str(dataset)] = {}
        for version, item in versions.items():
            columns = item.get("columns") if isinstance(item, dict) else None
            if not isinstance(version, int) or not isinstance(columns, dict):
                raise ContractError(
                    str(path), f"{dataset}.{version}", "expected an integer version with columns"
                )
            lock[str(dataset)][version] = {
                "fingerprint": str(item.get("fingerprint", "")),
                "columns": {str(k): str(v) for k, v in columns.items()},
            }
    return lock


def describe_change(old: Mapping[str, str], new: Mapping[str, str]) -> str:
    """What changed between two column sets, e.g. ``added facility_id (string)``."""
    changes = [f"added {n} ({new[n]})" for n in new if n not in old]
    changes += [f"removed {n} ({old[n]})" for n in old if n not in new]
    changes += [f"{n} {old[n]} -> {new[n]}" for n in new if n in old and old[n] != new[n]]
    return "; ".join(changes)


@dataclass(frozen=True)
class Drift:
    """A contract whose columns differ from what its version was locked with."""

    contract: DatasetContract
    change: str

    @property
    def message(self) -> str:
        c = self.contract
        return (
            f"dataset {c.name} version {c.version}: columns changed but version did not "
            f"({self.change}); bump version and run `{LOCK_COMMAND}`"
        )

    def __str__(self) -> str:
        return f"{self.contract.file}: {self.message}"


def drift(contract: DatasetContract, lock: Lock) -> Drift | None:
    locked = lock.get(contract.name, {}).get(contract.version)
    if locked is None:
        return None
    current = locked_columns(contract)
    if locked["fingerprint"] == contract_fingerprint(contract) and locked["columns"] == current:
        return None
    change = describe_change(locked["columns"], current) or "fingerprint differs from the lock"
    return Drift(contract, change)


def unlocked(contract: DatasetContract, lock: Lock) -> str | None:
    """A problem when the contract's version has no entry yet."""
    if contract.version in lock.get(contract.name, {}):
        return None
    return (
        f"dataset {contract.name} version {contract.version} is not in {LOCK_FILE}; "
        f"run `{LOCK_COMMAND}` and commit it"
    )


def updated_lock(
    contracts: Mapping[str, DatasetContract], lock: Lock | None
) -> tuple[Lock, list[str]]:
    """``lock`` plus an entry for every contract version it lacks; earlier versions are
    kept (they describe tables written before). Returns the lock and what was added.
    Never rewrites an existing entry: that is what ``drift`` reports."""
    out: Lock = {d: dict(v) for d, v in (lock or {}).items()}
    added = []
    for name in sorted(contracts):
        c = contracts[name]
        if c.version not in out.setdefault(name, {}):
            out[name][c.version] = entry(c)
            added.append(f"{name} version {c.version}")
    return out, added


def render(lock: Lock) -> str:
    doc = {d: {v: lock[d][v] for v in sorted(lock[d])} for d in sorted(lock)}
    return _HEADER + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
