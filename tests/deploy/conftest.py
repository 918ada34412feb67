"""Deploy tests: a moto server (tests/conftest.py) with the lake and artifacts buckets of the
`local` environment, and the two Glue calls moto 5.2.5 lacks."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import boto3
import pytest

from gluelake.deploy.environment import DeployEnvironment, load_deploy_environment

ROOT = Path(__file__).resolve().parents[2]

# UpdateJob replaces a job's whole definition; these are the fields gluelake sets.
_JOB_FIELDS = {
    "Description": "description",
    "Role": "role",
    "ExecutionProperty": "execution_property",
    "Command": "command",
    "DefaultArguments": "default_arguments",
    "MaxRetries": "max_retries",
    "Timeout": "timeout",
    "GlueVersion": "glue_version",
    "WorkerType": "worker_type",
    "NumberOfWorkers": "number_of_workers",
}


def _update_job(self: Any) -> Any:
    from moto.core.responses import ActionResult

    name, update = self._get_param("JobName"), self._get_param("JobUpdate")
    job = self.glue_backend.get_job(name)  # EntityNotFoundException, as AWS
    for key, attr in _JOB_FIELDS.items():
        setattr(job, attr, update.get(key))
    return ActionResult({"JobName": name})


def _update_trigger(self: Any) -> Any:
    from moto.core.responses import ActionResult
    from moto.glue.utils import Action, Predicate

    name, update = self._get_param("Name"), self._get_param("TriggerUpdate")
    trigger = self.glue_backend.get_trigger(name)
    if "Description" in update:
        trigger.description = update["Description"]
    if "Schedule" in update:
        trigger.schedule = update["Schedule"]
    if "Actions" in update:
        trigger.actions = [Action(a) for a in update["Actions"]]
    if "Predicate" in update:
        trigger.predicate = Predicate(update["Predicate"])
    return ActionResult({"Trigger": trigger.as_dict()})


@pytest.fixture
def glue_updates(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto 5.2.5 has no UpdateJob / UpdateTrigger; the server runs in this process, so add
    them (as the AWS API defines them) for the test's duration."""
    from moto.glue.responses import GlueResponse

    monkeypatch.setattr(GlueResponse, "update_job", _update_job, raising=False)
    monkeypatch.setattr(GlueResponse, "update_trigger", _update_trigger, raising=False)


@pytest.fixture
def local_deploy_env() -> DeployEnvironment:
    return load_deploy_environment("local")


@pytest.fixture
def aws_env(aws: str, glue_updates: None, local_deploy_env: DeployEnvironment) -> dict[str, Any]:
    """Clean moto state with the `local` environment's buckets; boto3 clients on it."""
    region = local_deploy_env.region
    s3 = boto3.client("s3", region_name=region, endpoint_url=aws)
    for bucket in (local_deploy_env.lake_bucket, local_deploy_env.artifacts_bucket):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    glue = boto3.client("glue", region_name=region, endpoint_url=aws)
    return {"url": aws, "s3": s3, "glue": glue, "env": local_deploy_env}


def git(project: Path, *args: str) -> str:
    out = subprocess.run(
        ["git", "-C", str(project), *args], capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


@pytest.fixture
def project_repo(tmp_path: Path) -> Path:
    """The project's definitions (no library sources: tests pass a wheel) in a git repo of
    its own, committed: the version is clean."""
    project = tmp_path / "project"
    for folder in ("schemas", "expectations", "glue", "jobs"):
        shutil.copytree(
            ROOT / folder, project / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy2(ROOT / "requirements-glue.txt", project / "requirements-glue.txt")
    git(project.parent, "init", "-q", str(project))
    git(project, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", "-A")
    git(project, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "v1")
    return project


def commit(project: Path, message: str) -> None:
    git(project, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qam", message)


@pytest.fixture
def fake_wheel(tmp_path: Path) -> Path:
    """A stand-in for the library wheel (building the real one is tested once, end to end)."""
    wheel = tmp_path / "dist" / "gluelake-0.1.0-py3-none-any.whl"
    wheel.parent.mkdir()
    wheel.write_bytes(b"PK\x05\x06" + b"\x00" * 18)  # an empty zip archive
    return wheel
