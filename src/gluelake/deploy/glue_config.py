"""Load ``glue/jobs/*.yaml`` and ``glue/datasets/*.yaml`` into frozen dataclasses and check
them against the contracts and the job scripts, so a bad deploy fails in CI, not on Glue."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gluelake.contracts.model import DatasetContract
from gluelake.errors import ConfigError
from gluelake.paths import SCRIPT_VERSION

GLUE_VERSION = "5.1"
STAGE_ZONES = {"raw_to_bronze": "bronze", "bronze_to_silver": "silver", "silver_to_gold": "gold"}
_CRON = re.compile(r"^cron\((\S+ ){5}\S+\)$")
REQUIRED_ARGUMENTS = {"--datalake-formats": "delta"}


@dataclass(frozen=True)
class GlueJob:
    stage: str
    name: str
    script: str
    version: str
    glue_version: str
    worker_type: str
    number_of_workers: int
    timeout_minutes: int
    max_concurrent_runs: int
    max_retries: int
    default_arguments: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class DatasetSchedule:
    dataset: str
    schedule: str
    stages: tuple[str, ...]
    depends_on: tuple[str, ...] = ()
    pii_key_secret: str | None = None


@dataclass(frozen=True)
class GlueConfig:
    jobs: tuple[GlueJob, ...]
    datasets: tuple[DatasetSchedule, ...]


def _yaml(path: Path) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot load: {exc}") from None
    if not isinstance(doc, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return doc


def _job(path: Path, project: Path) -> GlueJob:
    d = _yaml(path)
    try:
        job = GlueJob(
            stage=path.stem,
            name=str(d["name"]),
            script=str(d["script"]),
            version=str(d["version"]),
            glue_version=str(d["glue_version"]),
            worker_type=str(d["worker_type"]),
            number_of_workers=int(d["number_of_workers"]),
            timeout_minutes=int(d["timeout_minutes"]),
            max_concurrent_runs=int(d["max_concurrent_runs"]),
            max_retries=int(d["max_retries"]),
            default_arguments=tuple((str(k), str(v)) for k, v in d["default_arguments"].items()),
        )
    except KeyError as exc:
        raise ConfigError(f"{path}: required field {exc.args[0]!r} is missing") from None
    if job.stage not in STAGE_ZONES:
        raise ConfigError(f"{path}: file name must be a stage, one of {sorted(STAGE_ZONES)}")
    if job.glue_version != GLUE_VERSION:
        raise ConfigError(
            f"{path}: glue_version: expected {GLUE_VERSION!r}, found {job.glue_version!r}"
        )
    args = dict(job.default_arguments)
    for key, value in REQUIRED_ARGUMENTS.items():
        if args.get(key) != value:
            raise ConfigError(
                f"{path}: default_arguments.{key}: expected {value!r}, found {args.get(key)!r}"
            )
    script = project / job.script
    if not script.is_file():
        raise ConfigError(f"{path}: script {job.script} does not exist")
    found = SCRIPT_VERSION.search(script.read_text(encoding="utf-8"))
    if found is None or found.group(1) != job.version:
        raise ConfigError(
            f"{path}: version {job.version!r} does not match JOB_VERSION in {job.script} "
            f"({found.group(1) if found else 'missing'!r})"
        )
    return job


def _dataset(path: Path, contracts: dict[str, DatasetContract]) -> DatasetSchedule:
    d = _yaml(path)
    name = str(d.get("dataset", ""))
    if name != path.stem:
        raise ConfigError(
            f"{path}: dataset: expected {path.stem!r} (the file name), found {name!r}"
        )
    contract = contracts.get(name)
    if contract is None:
        raise ConfigError(f"{path}: no contract schemas/{name}.yaml")
    schedule = str(d.get("schedule", ""))
    if not _CRON.match(schedule):
        raise ConfigError(
            f"{path}: schedule: expected cron(m h dom mon dow year), found {schedule!r}"
        )
    stages = tuple(str(s) for s in d.get("stages", []))
    for stage in stages:
        zone = STAGE_ZONES.get(stage)
        if zone is None:
            raise ConfigError(f"{path}: stages: unknown stage {stage!r}")
        if not contract.has_zone(zone):
            raise ConfigError(f"{path}: stages: {stage} needs a {zone} zone in {contract.file}")
    depends = tuple(str(s) for s in d.get("depends_on", []))
    for dep in depends:
        if dep not in contracts:
            raise ConfigError(f"{path}: depends_on: no contract for {dep!r}")
    hashes = any(c.pii is not None and c.pii.kind == "hash" for c in contract.columns)
    secret = d.get("pii_key_secret")
    if hashes and not secret:
        raise ConfigError(
            f"{path}: pii_key_secret: {name} hashes personal data, name the key's secret"
        )
    return DatasetSchedule(name, schedule, stages, depends, None if secret is None else str(secret))


def load_glue_config(glue_dir: Path, contracts: dict[str, DatasetContract]) -> GlueConfig:
    project = glue_dir.resolve().parent
    jobs = tuple(_job(p, project) for p in sorted((glue_dir / "jobs").glob("*.yaml")))
    missing = sorted(set(STAGE_ZONES) - {j.stage for j in jobs})
    if missing:
        raise ConfigError(f"{glue_dir}/jobs: no job definition for stage(s) {missing}")
    datasets = tuple(_dataset(p, contracts) for p in sorted((glue_dir / "datasets").glob("*.yaml")))
    return GlueConfig(jobs, datasets)
