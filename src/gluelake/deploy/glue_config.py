"""Load ``glue/jobs/*.yaml`` (one job template per stage) and ``glue/datasets/*.yaml`` (when and
how each dataset runs) into frozen dataclasses, and check them against the contracts and the
job scripts, so a bad deploy fails in ``gluelake check``, not on Glue."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gluelake.contracts.model import DatasetContract
from gluelake.errors import ConfigError
from gluelake.paths import SCRIPT_VERSION
from gluelake.yamlfile import load_yaml

GLUE_VERSION = "5.1"
# Stages in pipeline order, each with the zone it writes.
STAGE_ZONES = {"raw_to_bronze": "bronze", "bronze_to_silver": "silver", "silver_to_gold": "gold"}
_CRON = re.compile(r"^cron\((\S+ ){5}\S+\)$")
REQUIRED_ARGUMENTS = {"--datalake-formats": "delta"}
# Glue 5.x worker types for Spark ETL jobs.
WORKER_TYPES = ("G.1X", "G.2X", "G.4X", "G.8X", "G.12X", "G.16X", "R.1X", "R.2X", "R.4X", "R.8X")
# Delta on S3 allows one writer per table at a time (S3SingleDriverLogStore: S3 has no
# put-if-absent for the log, so two drivers can both commit version N and one is lost).
# Each Glue job writes one dataset's tables of one zone, so one run at a time per job.
MULTI_WRITER_RULE = (
    "expected 1: Delta on S3 allows one writer per table at a time (no multi-writer log "
    "store is configured), and each job writes one dataset's tables"
)
_JOB_KEYS = (
    "script", "version", "glue_version", "description", "worker_type", "number_of_workers",
    "timeout_minutes", "max_concurrent_runs", "max_retries", "default_arguments",
)  # fmt: skip
_SIZING_KEYS = ("worker_type", "number_of_workers", "timeout_minutes")
_DATASET_KEYS = ("dataset", "schedule", "stages", "depends_on", "pii_key_secret", "jobs")


@dataclass(frozen=True)
class JobSizing:
    worker_type: str
    number_of_workers: int
    timeout_minutes: int


@dataclass(frozen=True)
class GlueJob:
    """A stage's job template; deploy makes one Glue job per dataset and stage from it."""

    stage: str
    script: str  # relative to the project root
    version: str  # equals JOB_VERSION in the script
    glue_version: str
    description: str
    sizing: JobSizing
    max_concurrent_runs: int
    max_retries: int
    default_arguments: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class DatasetSchedule:
    dataset: str
    schedule: str | None  # cron(...); None: the workflow starts on demand
    stages: tuple[str, ...]
    depends_on: tuple[str, ...] = ()  # datasets whose raw_to_bronze runs first in the workflow
    pii_key_secret: str | None = None  # may hold ${env}
    sizing: tuple[tuple[str, JobSizing], ...] = ()  # per stage: the template's, overridden

    def sizing_for(self, stage: str) -> JobSizing:
        return dict(self.sizing)[stage]


@dataclass(frozen=True)
class GlueConfig:
    jobs: tuple[GlueJob, ...]  # in stage order
    datasets: tuple[DatasetSchedule, ...]

    def job(self, stage: str) -> GlueJob:
        for job in self.jobs:
            if job.stage == stage:
                return job
        raise KeyError(stage)

    def dataset(self, name: str) -> DatasetSchedule:
        for ds in self.datasets:
            if ds.dataset == name:
                return ds
        raise ConfigError(
            f"no glue/datasets/{name}.yaml; found {[d.dataset for d in self.datasets]}"
        )


def _yaml(path: Path) -> dict[str, Any]:
    doc = load_yaml(path, lambda problem: ConfigError(f"{path}: {problem}"))
    if not isinstance(doc, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return doc


def _keys(path: Path, where: str, doc: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(doc) - set(allowed))
    if unknown:
        raise ConfigError(f"{path}: {where}unknown key(s) {unknown}; allowed: {list(allowed)}")


def _sizing(path: Path, where: str, d: dict[str, Any], base: JobSizing | None) -> JobSizing:
    def value(key: str, kind: type, fallback: Any) -> Any:
        if key not in d:
            if fallback is None:
                raise ConfigError(f"{path}: required field {where}{key!r} is missing")
            return fallback
        v = d[key]
        if not isinstance(v, kind) or isinstance(v, bool):
            raise ConfigError(f"{path}: {where}{key}: expected {kind.__name__}, found {v!r}")
        return v

    sizing = JobSizing(
        worker_type=value("worker_type", str, base and base.worker_type),
        number_of_workers=value("number_of_workers", int, base and base.number_of_workers),
        timeout_minutes=value("timeout_minutes", int, base and base.timeout_minutes),
    )
    if sizing.worker_type not in WORKER_TYPES:
        raise ConfigError(
            f"{path}: {where}worker_type: expected one of {list(WORKER_TYPES)}, "
            f"found {sizing.worker_type!r}"
        )
    if sizing.number_of_workers < 2:
        raise ConfigError(f"{path}: {where}number_of_workers: expected >= 2 (driver + executor)")
    if not 1 <= sizing.timeout_minutes <= 2880:
        raise ConfigError(f"{path}: {where}timeout_minutes: expected 1..2880 (Glue's limit)")
    return sizing


def _job(path: Path, project: Path) -> GlueJob:
    d = _yaml(path)
    _keys(path, "", d, _JOB_KEYS)
    if path.stem not in STAGE_ZONES:
        raise ConfigError(f"{path}: file name must be a stage, one of {list(STAGE_ZONES)}")
    try:
        job = GlueJob(
            stage=path.stem,
            script=str(d["script"]),
            version=str(d["version"]),
            glue_version=str(d["glue_version"]),
            description=str(d.get("description", "")),
            sizing=_sizing(path, "", d, None),
            max_concurrent_runs=int(d["max_concurrent_runs"]),
            max_retries=int(d["max_retries"]),
            default_arguments=tuple((str(k), str(v)) for k, v in d["default_arguments"].items()),
        )
    except KeyError as exc:
        raise ConfigError(f"{path}: required field {exc.args[0]!r} is missing") from None
    if job.glue_version != GLUE_VERSION:
        raise ConfigError(
            f"{path}: glue_version: expected {GLUE_VERSION!r}, found {job.glue_version!r}"
        )
    if job.max_concurrent_runs != 1:
        raise ConfigError(
            f"{path}: max_concurrent_runs: {MULTI_WRITER_RULE}; found {job.max_concurrent_runs}"
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


# One check per field of a dataset schedule file, each with its own message.
def _dataset(  # noqa: C901
    path: Path, contracts: dict[str, DatasetContract], jobs: dict[str, GlueJob]
) -> DatasetSchedule:
    d = _yaml(path)
    _keys(path, "", d, _DATASET_KEYS)
    name = str(d.get("dataset", ""))
    if name != path.stem:
        raise ConfigError(
            f"{path}: dataset: expected {path.stem!r} (the file name), found {name!r}"
        )
    contract = contracts.get(name)
    if contract is None:
        raise ConfigError(f"{path}: no contract schemas/{name}.yaml")
    schedule = d.get("schedule")
    if schedule is not None and not _CRON.match(str(schedule)):
        raise ConfigError(
            f"{path}: schedule: expected cron(m h dom mon dow year), found {schedule!r}"
        )
    stages = tuple(str(s) for s in d.get("stages", []))
    if not stages or list(stages) != list(STAGE_ZONES)[: len(stages)]:
        raise ConfigError(
            f"{path}: stages: expected {list(STAGE_ZONES)} or a leading part of it, "
            f"found {list(stages)}"
        )
    for stage in stages:
        zone = STAGE_ZONES[stage]
        if not contract.has_zone(zone):
            raise ConfigError(f"{path}: stages: {stage} needs a {zone} zone in {contract.file}")
    depends = tuple(str(s) for s in d.get("depends_on", []))
    for dep in depends:
        if dep not in contracts:
            raise ConfigError(f"{path}: depends_on: no contract for {dep!r}")
    for i, step in enumerate(contract.joins):
        if step.dataset != name and step.dataset not in depends:
            raise ConfigError(
                f"{path}: depends_on: {name} joins {step.dataset!r} ({contract.file}, "
                f"joins[{i}]); list it so its {step.zone} is refreshed first"
            )
    hashes = contract.hashes_pii
    secret = d.get("pii_key_secret")
    if hashes and not secret:
        raise ConfigError(
            f"{path}: pii_key_secret: {name} hashes personal data, name the key's secret"
        )
    overrides = d.get("jobs") or {}
    if not isinstance(overrides, dict):
        raise ConfigError(f"{path}: jobs: expected a mapping of stage to sizing")
    for stage, o in overrides.items():
        if stage not in stages:
            raise ConfigError(f"{path}: jobs: {stage!r} is not one of this dataset's stages")
        if not isinstance(o, dict):
            raise ConfigError(f"{path}: jobs.{stage}: expected a mapping")
        _keys(path, f"jobs.{stage}: ", o, _SIZING_KEYS)
    sizing = tuple(
        (s, _sizing(path, f"jobs.{s}.", overrides.get(s, {}), jobs[s].sizing))
        for s in stages
        if s in jobs  # a broken job file is reported on its own
    )
    return DatasetSchedule(
        name,
        None if schedule is None else str(schedule),
        stages,
        depends,
        None if secret is None else str(secret),
        sizing,
    )


def load_glue_config(glue_dir: Path, contracts: dict[str, DatasetContract]) -> GlueConfig:
    """Every job template and dataset file; the scripts are looked up next to ``glue_dir``.
    Raises the first problem; :func:`glue_config_problems` lists them all."""
    config, problems = _load(glue_dir, contracts)
    if problems:
        raise problems[0]
    assert config is not None
    return config


def glue_config_problems(glue_dir: Path, contracts: dict[str, DatasetContract]) -> list[str]:
    """Every problem of every Glue file, each file checked on its own (for ``gluelake check``)."""
    return [str(p) for p in _load(glue_dir, contracts)[1]]


def _load(
    glue_dir: Path, contracts: dict[str, DatasetContract]
) -> tuple[GlueConfig | None, list[ConfigError]]:
    problems: list[ConfigError] = []

    def attempt(build: Any, *args: Any) -> Any:
        try:
            return build(*args)
        except ConfigError as exc:
            problems.append(exc)
            return None

    project = glue_dir.resolve().parent
    found = {p.stem: attempt(_job, p, project) for p in sorted((glue_dir / "jobs").glob("*.yaml"))}
    missing = [s for s in STAGE_ZONES if s not in found]
    if missing:
        problems.append(ConfigError(f"{glue_dir}/jobs: no job definition for stage(s) {missing}"))
    jobs = {s: j for s, j in found.items() if j is not None}
    files = sorted((glue_dir / "datasets").glob("*.yaml"))
    loaded = [attempt(_dataset, p, contracts, jobs) for p in files]
    datasets = tuple(d for d in loaded if d is not None)
    names = {p.stem for p in files}
    for ds in datasets:
        for dep in ds.depends_on:
            if dep not in names:
                problems.append(
                    ConfigError(
                        f"{glue_dir}/datasets/{ds.dataset}.yaml: depends_on: "
                        f"no glue/datasets/{dep}.yaml"
                    )
                )
    if problems:
        return None, problems
    return GlueConfig(tuple(jobs[s] for s in STAGE_ZONES), datasets), []
