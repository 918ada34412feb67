"""The Glue jobs, workflows and triggers one version of the project defines in one
environment, as the request bodies boto3 sends: computed from ``glue/`` alone, no AWS call.

Per dataset: one job per stage (``<prefix>-<dataset>-<stage>``, one run at a time: the only
writer of its tables), and one workflow (``<prefix>-<dataset>``) whose start trigger (the
dataset's schedule, or on demand) runs raw_to_bronze of the dataset and of every reference it
joins (``depends_on``); each later stage starts on a conditional trigger when everything before
it SUCCEEDED."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gluelake.contracts.model import DatasetContract
from gluelake.deploy.environment import DeployEnvironment
from gluelake.deploy.glue_config import GlueConfig

# The job argument that carries the deployed version to the run (lineage, run records).
JOB_VERSION_ARG = "--job_version"
# What a job's status is read from: the version prefix in its script location.
SCRIPT_NAME = "main.py"


@dataclass(frozen=True)
class JobDef:
    name: str
    dataset: str
    stage: str
    body: dict[str, Any]  # CreateJob without Name == UpdateJob's JobUpdate


@dataclass(frozen=True)
class WorkflowDef:
    name: str
    dataset: str
    body: dict[str, Any]  # CreateWorkflow without Name


@dataclass(frozen=True)
class TriggerDef:
    name: str
    workflow: str
    body: dict[str, Any]  # CreateTrigger without Name, WorkflowName, StartOnCreation
    active: bool  # started (a schedule or a condition that fires)


@dataclass(frozen=True)
class GlueResources:
    jobs: tuple[JobDef, ...]
    workflows: tuple[WorkflowDef, ...]
    triggers: tuple[TriggerDef, ...]


def job_name(env: DeployEnvironment, dataset: str, stage: str) -> str:
    return f"{env.name_prefix}-{dataset}-{stage}"


def workflow_name(env: DeployEnvironment, dataset: str) -> str:
    return f"{env.name_prefix}-{dataset}"


Job = tuple[str, str]  # (dataset, stage)
JOIN_STAGE = "bronze_to_silver"  # where join steps read their references
GOLD_STAGE = "silver_to_gold"  # references are joined from bronze or silver, never gold


def workflow_graph(config: GlueConfig, dataset: str) -> list[tuple[Job, list[Job]]]:
    """The jobs of ``dataset``'s workflow, each with the jobs that must succeed before it
    (none: the start trigger runs it). Every reference the dataset joins, directly or through
    another reference, is refreshed up to the zone it is joined from (all of its stages but
    gold) before the stage that joins it."""
    refs: list[str] = []

    def visit(name: str) -> None:  # depth first: a reference's own references come first
        for dep in config.dataset(name).depends_on:
            if dep not in refs:
                visit(dep)
                refs.append(dep)

    visit(dataset)
    graph: list[tuple[Job, list[Job]]] = []
    last: dict[str, Job] = {}  # the last job of each dataset already in the graph
    for name in [*refs, dataset]:
        ds = config.dataset(name)
        stages = ds.stages if name == dataset else tuple(s for s in ds.stages if s != GOLD_STAGE)
        for i, stage in enumerate(stages):
            after: list[Job] = [] if i == 0 else [(name, stages[i - 1])]
            if i > 0 and stage == JOIN_STAGE:
                after += [last[dep] for dep in ds.depends_on if dep in last]
            graph.append(((name, stage), after))
        last[name] = (name, stages[-1])
    return graph


def _conf(env: DeployEnvironment, template_conf: str | None) -> str:
    """Glue takes one ``--conf`` argument; further settings are chained ``--conf k=v``."""
    parts = [template_conf] if template_conf else []
    parts += [f"spark.hadoop.{k}={v}" for k, v in env.encryption.hadoop_settings().items()]
    return " --conf ".join(parts)


def _job(
    config: GlueConfig,
    env: DeployEnvironment,
    version: str,
    wheel: str,
    requirements: tuple[str, ...],
    dataset: str,
    stage: str,
    contract: DatasetContract,
) -> JobDef:
    template = config.job(stage)
    schedule = config.dataset(dataset)
    sizing = schedule.sizing_for(stage)
    args = dict(template.default_arguments)
    args["--conf"] = _conf(env, args.get("--conf"))
    if args.get("--enable-spark-ui") == "true":
        args["--spark-event-logs-path"] = f"{env.lake.lake_root}/_logs/spark-ui/"
    args.update(
        {
            "--extra-py-files": env.artifact_uri(version, wheel),
            "--additional-python-modules": ",".join(requirements),
            "--dataset": dataset,
            "--lake_root": env.lake.lake_root,
            "--schemas_dir": env.artifact_uri(version, "schemas"),
            "--expectations_dir": env.artifact_uri(version, "expectations"),
            JOB_VERSION_ARG: version,
        }
    )
    if env.object_lock is not None:  # run records and the audit log are written locked
        args["--audit_lock_mode"] = env.object_lock.mode
        args["--audit_lock_days"] = str(env.object_lock.days)
    hashes = any(c.pii is not None and c.pii.kind == "hash" for c in contract.columns)
    if stage == "raw_to_bronze" and hashes and schedule.pii_key_secret:
        args["--pii_key_secret"] = schedule.pii_key_secret.replace("${env}", env.name)
    description = f"gluelake {stage} for {dataset} ({version}). {template.description}".strip()
    body: dict[str, Any] = {
        "Description": description[:2048],
        "Role": env.role_arn,
        "ExecutionProperty": {"MaxConcurrentRuns": template.max_concurrent_runs},
        "Command": {
            "Name": "glueetl",
            "ScriptLocation": env.artifact_uri(version, template.script),
            "PythonVersion": "3",
        },
        "DefaultArguments": dict(sorted(args.items())),
        "MaxRetries": template.max_retries,
        "Timeout": sizing.timeout_minutes,
        "GlueVersion": template.glue_version,
        "WorkerType": sizing.worker_type,
        "NumberOfWorkers": sizing.number_of_workers,
    }
    return JobDef(job_name(env, dataset, stage), dataset, stage, body)


def glue_resources(
    config: GlueConfig,
    env: DeployEnvironment,
    contracts: dict[str, DatasetContract],
    version: str,
    wheel: str,
    requirements: tuple[str, ...],
) -> GlueResources:
    """Everything ``gluelake deploy`` keeps in Glue for ``version`` (``wheel`` is its path
    under the version prefix, ``requirements`` the pins Glue installs)."""
    jobs: list[JobDef] = []
    workflows: list[WorkflowDef] = []
    triggers: list[TriggerDef] = []
    for ds in config.datasets:
        wf = workflow_name(env, ds.dataset)
        jobs += [
            _job(config, env, version, wheel, requirements, ds.dataset, s, contracts[ds.dataset])
            for s in ds.stages
        ]
        workflows.append(
            WorkflowDef(
                wf,
                ds.dataset,
                {
                    "Description": f"gluelake {ds.dataset}: "
                    + " -> ".join(ds.stages)
                    + (
                        f" (after {', '.join(ds.depends_on)} raw_to_bronze)"
                        if ds.depends_on
                        else ""
                    ),
                    # One run of a dataset's pipeline at a time, like each of its jobs.
                    "MaxConcurrentRuns": 1,
                },
            )
        )
        graph = workflow_graph(config, ds.dataset)
        first = [job_name(env, d, st) for (d, st), after in graph if not after]
        start: dict[str, Any] = {
            "Description": f"Start {wf}: " + (ds.schedule or "on demand"),
            "Type": "SCHEDULED" if ds.schedule else "ON_DEMAND",
            "Actions": [{"JobName": j} for j in first],
        }
        if ds.schedule:
            start["Schedule"] = ds.schedule
        triggers.append(
            TriggerDef(f"{wf}-start", wf, start, active=bool(ds.schedule) and env.schedules_active)
        )
        for (dataset, stage), after in graph:
            if not after:
                continue
            target = job_name(env, dataset, stage)
            watched = [job_name(env, d, st) for d, st in after]
            body = {
                "Description": f"Run {target} when {', '.join(watched)} succeeded",
                "Type": "CONDITIONAL",
                "Predicate": {
                    "Logical": "AND",
                    "Conditions": [
                        {"LogicalOperator": "EQUALS", "JobName": j, "State": "SUCCEEDED"}
                        for j in watched
                    ],
                },
                "Actions": [{"JobName": target}],
            }
            suffix = stage if dataset == ds.dataset else f"{dataset}-{stage}"
            triggers.append(TriggerDef(f"{wf}-{suffix}", wf, body, active=True))
    return GlueResources(tuple(jobs), tuple(workflows), tuple(triggers))
