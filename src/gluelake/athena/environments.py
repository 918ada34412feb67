"""Deployment environments (``athena/environments.yaml``): database prefix, lake root,
Athena workgroup and result location, region."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gluelake.errors import ConfigError
from gluelake.paths import default_environments_file
from gluelake.yamlfile import load_yaml

# Athena and Glue database names: lower case letters, digits, underscores.
_DATABASE_PREFIX = re.compile(r"^[a-z][a-z0-9_]*$")
CATALOG_ZONES: tuple[str, ...] = ("bronze", "silver", "gold", "quality")
_FIELDS = (
    "database_prefix",
    "lake_root",
    "athena_workgroup",
    "athena_result_location",
    "region",
)


@dataclass(frozen=True)
class Environment:
    name: str
    database_prefix: str
    lake_root: str  # s3://bucket[/prefix], no trailing slash
    athena_workgroup: str
    athena_result_location: str  # s3://... ending in /
    region: str

    def database(self, zone: str) -> str:
        if zone not in CATALOG_ZONES:
            raise ConfigError(f"no database for zone {zone!r}; zones are {list(CATALOG_ZONES)}")
        return f"{self.database_prefix}_{zone}"

    @property
    def databases(self) -> tuple[str, ...]:
        return tuple(self.database(z) for z in CATALOG_ZONES)


def _environment(file: str, name: str, raw: Any) -> Environment:
    where = f"{file}: environments.{name}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping, found {type(raw).__name__}")
    missing = [f for f in _FIELDS if f not in raw]
    unknown = sorted(set(raw) - set(_FIELDS))
    if missing or unknown:
        raise ConfigError(f"{where}: missing {missing}, unknown {unknown}; expected {_FIELDS}")
    values = {k: raw[k] for k in _FIELDS}
    for key, value in values.items():
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{where}.{key}: expected a non-empty string, found {value!r}")
    if not _DATABASE_PREFIX.match(values["database_prefix"]):
        raise ConfigError(
            f"{where}.database_prefix: expected lower case letters, digits and underscores, "
            f"found {values['database_prefix']!r}"
        )
    for key in ("lake_root", "athena_result_location"):
        if not values[key].startswith("s3://"):
            raise ConfigError(f"{where}.{key}: expected an s3:// URI, found {values[key]!r}")
    if not values["athena_result_location"].endswith("/"):
        raise ConfigError(f"{where}.athena_result_location: expected a trailing '/'")
    return Environment(
        name=name,
        database_prefix=values["database_prefix"],
        lake_root=values["lake_root"].rstrip("/"),
        athena_workgroup=values["athena_workgroup"],
        athena_result_location=values["athena_result_location"],
        region=values["region"],
    )


def load_environments(path: str | Path | None = None) -> dict[str, Environment]:
    """All environments of the file, in file order; ConfigError names the bad field."""
    file = Path(path) if path is not None else default_environments_file()
    doc = load_yaml(file, lambda problem: ConfigError(f"{file}: {problem}"))
    if not isinstance(doc, dict) or not isinstance(doc.get("environments"), dict):
        raise ConfigError(f"{file}: expected a top-level 'environments' mapping")
    envs = {str(n): _environment(str(file), str(n), raw) for n, raw in doc["environments"].items()}
    prefixes = [e.database_prefix for e in envs.values()]
    dupes = sorted({p for p in prefixes if prefixes.count(p) > 1})
    if dupes:
        raise ConfigError(f"{file}: environments share database prefix(es) {dupes}")
    return envs


def environment(name: str, path: str | Path | None = None) -> Environment:
    return select_environment(load_environments(path), name)


def select_environment(envs: Mapping[str, Environment], name: str) -> Environment:
    """``envs[name]``; ConfigError lists the defined environments."""
    if name not in envs:
        raise ConfigError(f"unknown environment {name!r}; defined: {sorted(envs)}")
    return envs[name]
