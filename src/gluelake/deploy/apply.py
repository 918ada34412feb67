"""``gluelake deploy``: upload a version's files, then bring Glue (workflows, jobs, triggers)
and the lake bucket's lifecycle rules to what that version defines. Every resource is
compared first and written only when it differs, so a second run changes nothing; with
``dry_run`` nothing is written at all and the plan is the result."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from gluelake.contracts.load import load_contracts
from gluelake.contracts.model import DatasetContract
from gluelake.deploy import artifacts as art
from gluelake.deploy.environment import DeployEnvironment
from gluelake.deploy.glue_config import GlueConfig, load_glue_config
from gluelake.deploy.resources import GlueResources, JobDef, TriggerDef, glue_resources
from gluelake.deploy.storage import is_managed, lifecycle_rules, rules_differ
from gluelake.errors import ConfigError, DeployError

if TYPE_CHECKING:
    from mypy_boto3_glue import GlueClient
    from mypy_boto3_s3 import S3Client


@dataclass(frozen=True)
class Change:
    action: str  # create | update | replace | activate | pause | upload | unchanged | unmanaged
    kind: str  # artifacts | workflow | job | trigger | lifecycle | encryption
    name: str
    detail: str = ""

    def __str__(self) -> str:
        detail = f"  ({self.detail})" if self.detail else ""
        return f"{self.action:<10} {self.kind:<10} {self.name}{detail}"


@dataclass(frozen=True)
class DeployResult:
    version: str
    changes: tuple[Change, ...]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.changes:
            out[c.action] = out.get(c.action, 0) + 1
        return out


def _call(what: str, fn: Callable[..., Any], **kwargs: Any) -> Any:
    try:
        return fn(**kwargs)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise DeployError(f"{what}: {error.get('Code')}: {error.get('Message', exc)}") from None
    except BotoCoreError as exc:
        raise DeployError(f"{what}: {exc}") from None


_NOT_FOUND = (
    "EntityNotFoundException",
    "NoSuchKey",
    "404",
    "NotFound",
    "NoSuchLifecycleConfiguration",
    "ServerSideEncryptionConfigurationNotFoundError",
)


def _missing(exc: ClientError) -> bool:
    return str(exc.response.get("Error", {}).get("Code", "")) in _NOT_FOUND


def _get(what: str, fn: Callable[..., Any], **kwargs: Any) -> Any:
    """``fn(**kwargs)``, or None when the resource does not exist."""
    try:
        return fn(**kwargs)
    except ClientError as exc:
        if _missing(exc):
            return None
        error = exc.response.get("Error", {})
        raise DeployError(f"{what}: {error.get('Code')}: {error.get('Message', exc)}") from None
    except BotoCoreError as exc:
        raise DeployError(f"{what}: {exc}") from None


# ---- the version's files -------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    name: str
    project: Path  # a folder with the version's glue/, jobs/, schemas/ (checkout or download)
    files: tuple[art.Artifact, ...]  # what to upload; empty for a rollback
    immutable: bool  # an upload of it is never overwritten (a clean commit)
    wheel: str  # path of the wheel under the version prefix
    requirements: tuple[str, ...]


def _requirements(project: Path) -> tuple[str, ...]:
    path = project / "requirements-glue.txt"
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    return tuple(x.strip() for x in lines if x.strip() and not x.lstrip().startswith("#"))


def _read_manifest(s3: S3Client, env: DeployEnvironment, version: str) -> dict[str, Any] | None:
    key = env.artifact_key(version, art.MANIFEST)
    found = _get(
        f"read {env.artifact_uri(version, art.MANIFEST)}",
        s3.get_object,
        Bucket=env.artifacts_bucket,
        Key=key,
    )
    if found is None:
        return None
    doc: dict[str, Any] = json.loads(found["Body"].read())
    return doc


def uploaded_versions(s3: S3Client, env: DeployEnvironment) -> list[str]:
    """Versions with a complete upload (a manifest) under the artifacts prefix."""
    prefix = env.artifacts_prefix + "/" if env.artifacts_prefix else ""
    versions = []
    pages = s3.get_paginator("list_objects_v2").paginate(
        Bucket=env.artifacts_bucket, Prefix=prefix, Delimiter="/"
    )
    try:
        for page in pages:
            for p in page.get("CommonPrefixes", []):
                versions.append(p["Prefix"][len(prefix) :].strip("/"))
    except (ClientError, BotoCoreError) as exc:
        raise DeployError(f"list {env.artifacts}: {exc}") from None
    return sorted(v for v in versions if _read_manifest(s3, env, v) is not None)


def checkout(project: Path, work: Path, wheel: Path | None) -> Version:
    """This checkout as a version: its name from git, its wheel built (or the one given)."""
    name = art.checkout_version(project)
    built = wheel or art.build_wheel(project, work / "dist", name.epoch)
    files = art.collect(project, built)
    return Version(
        name.name,
        project,
        tuple(files),
        name.immutable,
        art.wheel_of(files),
        _requirements(project),
    )


def rollback_to(s3: S3Client, env: DeployEnvironment, name: str, work: Path) -> Version:
    """An uploaded version, its definitions downloaded so they can be redeployed as they were."""
    doc = _read_manifest(s3, env, name)
    if doc is None:
        known = uploaded_versions(s3, env)
        raise ConfigError(
            f"version {name!r} has no complete upload under {env.artifacts}/ "
            f"(no {art.MANIFEST}); uploaded: {known or 'none'}"
        )
    files = sorted(doc.get("files", {}))
    target = work / "version"
    for relative in files:
        if relative.startswith(("glue/", "jobs/", "schemas/")) or relative.endswith(".txt"):
            path = target / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            _call(
                f"download {env.artifact_uri(name, relative)}",
                s3.download_file,
                Bucket=env.artifacts_bucket,
                Key=env.artifact_key(name, relative),
                Filename=str(path),
            )
    wheel = next((f for f in files if f.startswith(f"{art.WHEEL_DIR}/")), None)
    if wheel is None:
        raise ConfigError(f"version {name!r}: its {art.MANIFEST} lists no wheel")
    return Version(name, target, (), True, wheel, _requirements(target))


def _sync_artifacts(
    s3: S3Client, env: DeployEnvironment, version: Version, dry_run: bool
) -> Change:
    uri = env.artifact_uri(version.name) + "/"
    if not version.files:  # a rollback: the upload exists (checked) and is never rewritten
        return Change("unchanged", "artifacts", uri, "rollback to an uploaded version")
    manifest = art.manifest(version.name, list(version.files))
    current = _read_manifest(s3, env, version.name)
    wanted = json.loads(manifest)["files"]
    have: dict[str, str] = (current or {}).get("files", {})
    changed = [a for a in version.files if have.get(a.relative) != a.sha256]
    if current is not None and not changed and set(have) == set(wanted):
        return Change("unchanged", "artifacts", uri, f"{len(wanted)} files")
    if current is not None and version.immutable:
        raise DeployError(
            f"{uri} already holds version {version.name} with other content "
            f"({', '.join(a.relative for a in changed[:3]) or 'file list'} differ): a version "
            "built from a commit is never overwritten"
        )
    action = "create" if current is None else "update"
    detail = f"{len(changed)} of {len(wanted)} files, {env.encryption}"
    if not dry_run:
        sse = env.encryption.boto3_args()
        for a in changed:
            _call(
                f"upload {a.relative} to {uri}",
                s3.upload_file,
                Filename=str(a.source),
                Bucket=env.artifacts_bucket,
                Key=env.artifact_key(version.name, a.relative),
                ExtraArgs={**sse, "Metadata": {"sha256": a.sha256}},
            )
        # Written last: a manifest means the version is complete.
        _call(
            f"write {uri}{art.MANIFEST}",
            s3.put_object,
            Bucket=env.artifacts_bucket,
            Key=env.artifact_key(version.name, art.MANIFEST),
            Body=manifest,
            ContentType="application/json",
            **sse,
        )
    return Change(action, "artifacts", uri, detail)


# ---- Glue ----------------------------------------------------------------------------


def _diff(current: dict[str, Any], desired: dict[str, Any], path: str = "") -> list[str]:
    """Fields of ``desired`` that ``current`` does not hold (dicts compared key by key)."""
    out: list[str] = []
    for key, want in desired.items():
        have = current.get(key)
        name = f"{path}{key}"
        if isinstance(want, dict) and isinstance(have, dict) and key != "Predicate":
            if key == "DefaultArguments":
                keys = sorted(set(want) | set(have))
                out += [f"{name}.{k}" for k in keys if want.get(k) != have.get(k)]
            else:
                out += _diff(have, want, f"{name}.")
        elif have != want:
            out.append(name)
    return out


def _predicate(p: dict[str, Any] | None) -> Any:
    if not p:
        return None
    conditions = sorted(
        (c.get("JobName"), c.get("State"), c.get("LogicalOperator"))
        for c in p.get("Conditions", [])
    )
    return (p.get("Logical", "AND"), conditions)


def _trigger_diff(current: dict[str, Any], t: TriggerDef) -> list[str]:
    want = t.body
    out = []
    for key in ("Type", "Description", "Schedule"):
        if current.get(key) != want.get(key):
            out.append(key)
    if current.get("WorkflowName") != t.workflow:
        out.append("WorkflowName")
    actions = [a.get("JobName") for a in current.get("Actions", [])]
    if actions != [a["JobName"] for a in want["Actions"]]:
        out.append("Actions")
    if _predicate(current.get("Predicate")) != _predicate(want.get("Predicate")):
        out.append("Predicate")
    return out


def _sync_workflows(glue: GlueClient, res: GlueResources, dry_run: bool) -> list[Change]:
    changes = []
    for wf in res.workflows:
        found = _get(f"get workflow {wf.name}", glue.get_workflow, Name=wf.name)
        if found is None:
            changes.append(Change("create", "workflow", wf.name))
            if not dry_run:
                _call(f"create workflow {wf.name}", glue.create_workflow, Name=wf.name, **wf.body)
            continue
        diff = _diff(found["Workflow"], wf.body)
        if not diff:
            changes.append(Change("unchanged", "workflow", wf.name))
            continue
        changes.append(Change("update", "workflow", wf.name, ", ".join(diff)))
        if not dry_run:
            _call(f"update workflow {wf.name}", glue.update_workflow, Name=wf.name, **wf.body)
    return changes


def _sync_jobs(glue: GlueClient, res: GlueResources, dry_run: bool) -> list[Change]:
    changes = []
    for job in res.jobs:
        found = _get(f"get job {job.name}", glue.get_job, JobName=job.name)
        if found is None:
            changes.append(Change("create", "job", job.name, _job_summary(job)))
            if not dry_run:
                _call(f"create job {job.name}", glue.create_job, Name=job.name, **job.body)
            continue
        diff = _diff(found["Job"], job.body)
        if not diff:
            changes.append(Change("unchanged", "job", job.name))
            continue
        changes.append(Change("update", "job", job.name, ", ".join(diff)))
        if not dry_run:
            _call(f"update job {job.name}", glue.update_job, JobName=job.name, JobUpdate=job.body)
    return changes


def _job_summary(job: JobDef) -> str:
    b = job.body
    return (
        f"Glue {b['GlueVersion']}, {b['NumberOfWorkers']} x {b['WorkerType']}, "
        f"{b['Command']['ScriptLocation']}"
    )


# Create / update / unchanged per trigger kind, each with its own Glue call shape.
def _sync_triggers(glue: GlueClient, res: GlueResources, dry_run: bool) -> list[Change]:  # noqa: C901
    changes = []
    for t in res.triggers:
        found = _get(f"get trigger {t.name}", glue.get_trigger, Name=t.name)
        current = None if found is None else found["Trigger"]
        diff = [] if current is None else _trigger_diff(current, t)
        create = dict(Name=t.name, WorkflowName=t.workflow, StartOnCreation=t.active, **t.body)
        summary = t.body.get("Schedule") or t.body["Type"].lower().replace("_", " ")
        if current is None:
            changes.append(Change("create", "trigger", t.name, summary))
            if not dry_run:
                _call(f"create trigger {t.name}", glue.create_trigger, **create)
            continue
        if "Type" in diff or "WorkflowName" in diff:  # neither can be updated in place
            changes.append(Change("replace", "trigger", t.name, ", ".join(diff)))
            if not dry_run:
                _call(f"delete trigger {t.name}", glue.delete_trigger, Name=t.name)
                _call(f"create trigger {t.name}", glue.create_trigger, **create)
            continue
        if diff:
            changes.append(Change("update", "trigger", t.name, ", ".join(diff)))
            if not dry_run:
                update = {k: v for k, v in t.body.items() if k != "Type"}
                _call(
                    f"update trigger {t.name}",
                    glue.update_trigger,
                    Name=t.name,
                    TriggerUpdate={"Name": t.name, **update},
                )
        state = current.get("State", "")
        if t.body["Type"] == "ON_DEMAND":  # starting one would run it
            pass
        elif t.active and state not in ("ACTIVATED", "ACTIVATING"):
            changes.append(Change("activate", "trigger", t.name, f"was {state}"))
            if not dry_run:
                _call(f"start trigger {t.name}", glue.start_trigger, Name=t.name)
            continue
        elif not t.active and state in ("ACTIVATED", "ACTIVATING"):
            changes.append(Change("pause", "trigger", t.name, "schedules: paused"))
            if not dry_run:
                _call(f"stop trigger {t.name}", glue.stop_trigger, Name=t.name)
            continue
        if not diff:
            changes.append(Change("unchanged", "trigger", t.name))
    return changes


def _unmanaged(glue: GlueClient, env: DeployEnvironment, res: GlueResources) -> list[Change]:
    """Jobs and triggers under the environment's prefix that this version does not define
    (a dataset removed from glue/): reported, never deleted."""
    prefix = env.name_prefix + "-"
    known_jobs = {j.name for j in res.jobs}
    known_triggers = {t.name for t in res.triggers}
    out = []
    try:
        for page in glue.get_paginator("get_jobs").paginate():
            for job in page.get("Jobs", []):
                name = job["Name"]
                if name.startswith(prefix) and name not in known_jobs:
                    out.append(Change("unmanaged", "job", name, "not in glue/; left as is"))
        for page in glue.get_paginator("get_triggers").paginate():
            for trig in page.get("Triggers", []):
                name = trig["Name"]
                if name.startswith(prefix) and name not in known_triggers:
                    out.append(Change("unmanaged", "trigger", name, "not in glue/; left as is"))
    except (ClientError, BotoCoreError) as exc:
        raise DeployError(f"list Glue jobs and triggers: {exc}") from None
    return out


# ---- the lake bucket -----------------------------------------------------------------


def _rule_summary(rule: dict[str, Any]) -> str:
    parts = []
    if "Expiration" in rule:
        parts.append(f"expire after {rule['Expiration']['Days']}d")
    else:
        parts.append("Delta: no expiry")
    parts += [f"{t['StorageClass']} after {t['Days']}d" for t in rule.get("Transitions", [])]
    return ", ".join(parts)


def _sync_lifecycle(
    s3: S3Client, env: DeployEnvironment, contracts: dict[str, DatasetContract], dry_run: bool
) -> list[Change]:
    bucket = env.lake_bucket
    desired = lifecycle_rules(env, contracts)
    found = _get(
        f"get lifecycle rules of s3://{bucket}",
        s3.get_bucket_lifecycle_configuration,
        Bucket=bucket,
    )
    current: list[dict[str, Any]] = [] if found is None else list(found.get("Rules", []))
    have = {r.get("ID"): r for r in current if is_managed(r)}
    changed = set(rules_differ(current, desired))
    changes = []
    for rule in desired:
        rid = rule["ID"]
        action = "unchanged" if rid not in changed else "update" if rid in have else "create"
        changes.append(
            Change(
                action,
                "lifecycle",
                f"s3://{bucket}/{rule['Filter']['Prefix']}",
                _rule_summary(rule),
            )
        )
    desired_ids = {r["ID"] for r in desired}
    for rid in sorted(str(i) for i in have if i not in desired_ids):
        changes.append(Change("delete", "lifecycle", rid, "no contract defines this prefix"))
    if changed and not dry_run:
        others = [r for r in current if not is_managed(r)]
        _call(
            f"put lifecycle rules of s3://{bucket}",
            s3.put_bucket_lifecycle_configuration,
            Bucket=bucket,
            LifecycleConfiguration={"Rules": others + desired},
        )
    return changes


def _sync_encryption(s3: S3Client, env: DeployEnvironment, dry_run: bool) -> list[Change]:
    """Each bucket's default encryption, so that even a write that names none (a tool, a
    manual copy) is encrypted as configured. Jobs and uploads also ask for it explicitly."""
    rule = env.encryption.bucket_default()
    changes = []
    for bucket in sorted({env.lake_bucket, env.artifacts_bucket}):
        found = _get(
            f"get default encryption of s3://{bucket}", s3.get_bucket_encryption, Bucket=bucket
        )
        rules = [] if found is None else found["ServerSideEncryptionConfiguration"]["Rules"]
        have = rules[0] if rules else {}
        same = (
            have.get("ApplyServerSideEncryptionByDefault")
            == rule["ApplyServerSideEncryptionByDefault"]
            and bool(have.get("BucketKeyEnabled")) == rule["BucketKeyEnabled"]
        )
        detail = f"{env.encryption}; every job write and upload requests it too"
        if same:
            changes.append(Change("unchanged", "encryption", f"s3://{bucket}", detail))
            continue
        changes.append(
            Change("update" if rules else "create", "encryption", f"s3://{bucket}", detail)
        )
        if not dry_run:
            _call(
                f"set default encryption of s3://{bucket}",
                s3.put_bucket_encryption,
                Bucket=bucket,
                ServerSideEncryptionConfiguration={"Rules": [rule]},
            )
    return changes


# ---- the whole deploy ----------------------------------------------------------------


def _load(version: Version) -> tuple[dict[str, DatasetContract], GlueConfig]:
    contracts = load_contracts(version.project / "schemas")
    return contracts, load_glue_config(version.project / "glue", contracts)


def deploy(
    s3: S3Client,
    glue: GlueClient,
    env: DeployEnvironment,
    project: Path,
    *,
    version: str | None = None,
    dry_run: bool = False,
    wheel: Path | None = None,
) -> DeployResult:
    """Deploy this checkout (``version`` None) or roll back to an uploaded ``version``."""
    with tempfile.TemporaryDirectory(prefix="gluelake-deploy-") as tmp:
        work = Path(tmp)
        target = (
            checkout(project, work, wheel)
            if version is None
            else rollback_to(s3, env, version, work)
        )
        contracts, config = _load(target)
        res = glue_resources(config, env, contracts, target.name, target.wheel, target.requirements)
        changes = [_sync_artifacts(s3, env, target, dry_run)]
        changes += _sync_encryption(s3, env, dry_run)
        changes += _sync_workflows(glue, res, dry_run)
        changes += _sync_jobs(glue, res, dry_run)
        changes += _sync_triggers(glue, res, dry_run)
        changes += _unmanaged(glue, env, res)
        changes += _sync_lifecycle(s3, env, contracts, dry_run)
    return DeployResult(target.name, tuple(changes))


# ---- status --------------------------------------------------------------------------


@dataclass(frozen=True)
class JobStatus:
    name: str
    version: str  # --job_version of its definition
    glue_version: str
    last_run: str  # state and start time of the latest run, or "never run"


def job_status(glue: GlueClient, env: DeployEnvironment) -> list[JobStatus]:
    """Every gluelake job of the environment (by name prefix) and the version it runs."""
    from gluelake.deploy.resources import JOB_VERSION_ARG

    prefix = env.name_prefix + "-"
    out = []
    try:
        for page in glue.get_paginator("get_jobs").paginate():
            for job in page.get("Jobs", []):
                if not job["Name"].startswith(prefix):
                    continue
                runs = glue.get_job_runs(JobName=job["Name"], MaxResults=1).get("JobRuns", [])
                last = "never run"
                if runs:
                    started = runs[0].get("StartedOn")
                    when = started.strftime("%Y-%m-%d %H:%M UTC") if started else "?"
                    last = f"{runs[0].get('JobRunState', '?')} {when}"
                out.append(
                    JobStatus(
                        job["Name"],
                        job.get("DefaultArguments", {}).get(JOB_VERSION_ARG, "?"),
                        str(job.get("GlueVersion", "?")),
                        last,
                    )
                )
    except (ClientError, BotoCoreError) as exc:
        raise DeployError(f"list Glue jobs of {env.name} ({env.region}): {exc}") from None
    return sorted(out, key=lambda s: s.name)
