"""The lake bucket's S3 lifecycle rules, from each contract's ``retention``: one rule per
dataset prefix of each zone (raw files, every table), named ``gluelake:<prefix>``.

- Raw files and Parquet tables (gold) expire ``days`` after they were written and pass
  through the declared storage classes on the way.
- Delta tables (bronze, silver, quarantine) only change storage class. S3 expires objects by
  age, and a Delta table still references old files that hold current rows, so expiring them
  would corrupt the table; rows past ``days`` are removed inside the table instead.
- Every rule aborts multipart uploads left incomplete after 7 days and expires
  noncurrent object versions (when the bucket is versioned) after ``days``.

Rules whose ID does not start with ``gluelake:`` belong to someone else and are kept."""

from __future__ import annotations

from typing import Any

from gluelake.contracts.model import DatasetContract
from gluelake.contracts.tables import dataset_tables
from gluelake.deploy.environment import DeployEnvironment

RULE_PREFIX = "gluelake:"
ABORT_MULTIPART_DAYS = 7


def _rule(
    env: DeployEnvironment, path: str, days: int, transitions: Any, expire: bool
) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "ID": f"{RULE_PREFIX}{path}",
        "Filter": {"Prefix": env.lake_key(path.strip("/")) + "/"},
        "Status": "Enabled",
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": ABORT_MULTIPART_DAYS},
        "NoncurrentVersionExpiration": {"NoncurrentDays": days},
    }
    if transitions:
        rule["Transitions"] = [
            {"Days": t.after_days, "StorageClass": t.storage_class} for t in transitions
        ]
    if expire:
        rule["Expiration"] = {"Days": days}
    return rule


def lifecycle_rules(
    env: DeployEnvironment, contracts: dict[str, DatasetContract]
) -> list[dict[str, Any]]:
    """The managed rules, sorted by ID."""
    rules = []
    for contract in contracts.values():
        raw = contract.retention_for("raw")
        rules.append(_rule(env, contract.source.path, raw.days, raw.transitions, expire=True))
        for table in dataset_tables(contract):
            zone = "quarantine" if table.kind == "quarantine" else table.zone
            keep = contract.retention_for(zone)
            rules.append(
                _rule(env, table.path, keep.days, keep.transitions, table.format != "delta")
            )
    return sorted(rules, key=lambda r: str(r["ID"]))


def is_managed(rule: dict[str, Any]) -> bool:
    return str(rule.get("ID", "")).startswith(RULE_PREFIX)


def _canonical(rule: dict[str, Any]) -> dict[str, Any]:
    """A rule as compared: S3 may echo a rule with extra empty fields."""
    keep = (
        "ID",
        "Filter",
        "Status",
        "Transitions",
        "Expiration",
        "AbortIncompleteMultipartUpload",
        "NoncurrentVersionExpiration",
    )
    out = {k: rule[k] for k in keep if rule.get(k)}
    if "Transitions" in out:
        out["Transitions"] = [
            {"Days": t.get("Days"), "StorageClass": t.get("StorageClass")}
            for t in out["Transitions"]
        ]
    if "Expiration" in out:
        out["Expiration"] = {"Days": out["Expiration"].get("Days")}
    return out


def rules_differ(current: list[dict[str, Any]], desired: list[dict[str, Any]]) -> list[str]:
    """IDs of managed rules that would be added, changed or removed."""
    have = {r["ID"]: _canonical(r) for r in current if is_managed(r)}
    want = {r["ID"]: _canonical(r) for r in desired}
    return sorted(i for i in have.keys() | want.keys() if have.get(i) != want.get(i))
