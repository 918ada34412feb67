"""`gluelake deploy` against a moto server: plan, idempotency, rollback, immutable versions,
one run at a time, and `deploy status`."""

from __future__ import annotations

import json
import shutil
import urllib.request

import pytest
from botocore.exceptions import ClientError
from conftest import commit, git

from gluelake.deploy.apply import deploy, job_status, uploaded_versions
from gluelake.errors import ConfigError, DeployError

pytestmark = pytest.mark.aws


def _actions(result, kind=None):
    return {(c.action, c.kind) for c in result.changes if kind is None or c.kind == kind}


def _job(glue, name):
    return glue.get_job(JobName=name)["Job"]


def test_dry_run_plans_everything_and_changes_nothing(aws_env, project_repo, fake_wheel):
    s3, glue, env = aws_env["s3"], aws_env["glue"], aws_env["env"]
    plan = deploy(s3, glue, env, project_repo, dry_run=True, wheel=fake_wheel)
    assert plan.version == f"0.1.0-{git(project_repo, 'rev-parse', '--short=7', 'HEAD')}"
    counts = plan.counts()
    # 13 jobs (emissions 3, assessments 3, sales 3, products 2, emission_factors 1,
    # product_categories 1), 6 workflows, 14 triggers, the artifacts, and one lifecycle
    # rule per raw folder and table.
    kinds = [c.kind for c in plan.changes if c.action == "create"]
    assert kinds.count("job") == 13 and kinds.count("workflow") == 6
    assert kinds.count("trigger") == 14 and kinds.count("artifacts") == 1
    assert kinds.count("lifecycle") >= 3 + 11
    assert counts.get("update", 0) == 0
    assert glue.get_jobs()["Jobs"] == []
    assert "Contents" not in s3.list_objects_v2(Bucket=env.artifacts_bucket)
    with pytest.raises(ClientError):
        s3.get_bucket_lifecycle_configuration(Bucket=env.lake_bucket)


def test_deploy_twice_changes_nothing_the_second_time(aws_env, project_repo, fake_wheel):
    s3, glue, env = aws_env["s3"], aws_env["glue"], aws_env["env"]
    first = deploy(s3, glue, env, project_repo, wheel=fake_wheel)
    assert ("create", "job") in _actions(first)
    second = deploy(s3, glue, env, project_repo, wheel=fake_wheel)
    assert _actions(second) == {("unchanged", k) for k in (
        "artifacts", "encryption", "workflow", "job", "trigger", "lifecycle")}  # fmt: skip
    again = deploy(s3, glue, env, project_repo, wheel=fake_wheel, dry_run=True)
    assert {c.action for c in again.changes} == {"unchanged"}

    job = _job(glue, "gluelake-local-emissions-raw_to_bronze")
    version = first.version
    assert job["GlueVersion"] == "5.1"
    assert job["Command"]["ScriptLocation"] == (
        f"s3://gluelake-local-artifacts/gluelake/{version}/jobs/raw_to_bronze/main.py"
    )
    assert job["DefaultArguments"]["--job_version"] == version
    assert job["NumberOfWorkers"] == 4  # glue/datasets/emissions.yaml overrides the template
    manifest = s3.get_object(Bucket=env.artifacts_bucket, Key=f"gluelake/{version}/manifest.json")
    files = json.loads(manifest["Body"].read())["files"]
    assert "jobs/raw_to_bronze/main.py" in files and "dist/gluelake-0.1.0-py3-none-any.whl" in files
    assert "schemas/emissions.yaml" in files and "expectations/silver/emissions.json" in files
    head = s3.head_object(
        Bucket=env.artifacts_bucket, Key=f"gluelake/{version}/schemas/emissions.yaml"
    )
    assert head["ServerSideEncryption"] == "AES256"
    assert uploaded_versions(s3, env) == [version]
    default = s3.get_bucket_encryption(Bucket=env.lake_bucket)["ServerSideEncryptionConfiguration"]
    assert default["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"


def test_a_new_version_updates_and_rollback_restores_the_old_one(aws_env, project_repo, fake_wheel):
    s3, glue, env = aws_env["s3"], aws_env["glue"], aws_env["env"]
    v1 = deploy(s3, glue, env, project_repo, wheel=fake_wheel).version
    ds = project_repo / "glue" / "datasets" / "assessments.yaml"
    ds.write_text(ds.read_text().replace("cron(0 3 * * ? *)", "cron(0 4 * * ? *)"))
    commit(project_repo, "assessments at 04:00")
    second = deploy(s3, glue, env, project_repo, wheel=fake_wheel)
    v2 = second.version
    assert v2 != v1
    updated = {c.name for c in second.changes if c.action == "update"}
    assert "gluelake-local-assessments-start" in updated  # the schedule
    assert "gluelake-local-emissions-silver_to_gold" in updated  # the script location
    start = glue.get_trigger(Name="gluelake-local-assessments-start")["Trigger"]
    assert start["Schedule"] == "cron(0 4 * * ? *)"

    back = deploy(s3, glue, env, project_repo, version=v1)
    assert back.version == v1
    assert ("create", "artifacts") not in _actions(back)
    job = _job(glue, "gluelake-local-assessments-bronze_to_silver")
    assert f"/{v1}/jobs/bronze_to_silver/main.py" in job["Command"]["ScriptLocation"]
    assert job["DefaultArguments"]["--job_version"] == v1
    assert glue.get_trigger(Name="gluelake-local-assessments-start")["Trigger"]["Schedule"] == (
        "cron(0 3 * * ? *)"
    )
    assert {s.version for s in job_status(glue, env)} == {v1}
    assert sorted(uploaded_versions(s3, env)) == sorted([v1, v2])


def test_rollback_to_a_version_never_uploaded_names_the_uploaded_ones(
    aws_env, project_repo, fake_wheel
):
    s3, glue, env = aws_env["s3"], aws_env["glue"], aws_env["env"]
    v1 = deploy(s3, glue, env, project_repo, wheel=fake_wheel).version
    with pytest.raises(ConfigError, match=rf"version '0.0.9-nope' has no complete upload.*{v1}"):
        deploy(s3, glue, env, project_repo, version="0.0.9-nope")


def test_a_committed_version_is_never_overwritten(aws_env, project_repo, fake_wheel, tmp_path):
    s3, glue, env = aws_env["s3"], aws_env["glue"], aws_env["env"]
    deploy(s3, glue, env, project_repo, wheel=fake_wheel)
    other = tmp_path / "other.whl"
    other.write_bytes(fake_wheel.read_bytes() + b"changed")
    other = other.rename(tmp_path / fake_wheel.name)
    with pytest.raises(DeployError, match="never overwritten"):
        deploy(s3, glue, env, project_repo, wheel=other)


def test_uncommitted_changes_deploy_as_a_dirty_version(aws_env, project_repo, fake_wheel):
    s3, glue, env = aws_env["s3"], aws_env["glue"], aws_env["env"]
    (project_repo / "jobs" / "notes.txt").write_text("scratch")
    result = deploy(s3, glue, env, project_repo, wheel=fake_wheel)
    assert result.version.endswith("-dirty")


def test_two_runs_of_one_dataset_stage_cannot_overlap(aws_env, project_repo, fake_wheel):
    s3, glue, env = aws_env["s3"], aws_env["glue"], aws_env["env"]
    deploy(s3, glue, env, project_repo, wheel=fake_wheel)
    name = "gluelake-local-emissions-bronze_to_silver"
    assert _job(glue, name)["ExecutionProperty"]["MaxConcurrentRuns"] == 1
    # moto's job runs finish as soon as they are looked at; keep the first one running.
    request = urllib.request.Request(
        f"{aws_env['url']}/moto-api/state-manager/set-transition",
        data=json.dumps({"model_name": "glue::job_run",
                         "transition": {"progression": "manual", "times": 50}}).encode(),
        method="POST",
    )  # fmt: skip
    urllib.request.urlopen(request, timeout=10).close()
    try:
        glue.start_job_run(JobName=name)
        with pytest.raises(ClientError, match="ConcurrentRunsExceeded"):
            glue.start_job_run(JobName=name)
    finally:
        unset = urllib.request.Request(
            f"{aws_env['url']}/moto-api/state-manager/unset-transition",
            data=json.dumps({"model_name": "glue::job_run"}).encode(),
            method="POST",
        )
        urllib.request.urlopen(unset, timeout=10).close()
    workflow = glue.get_workflow(Name="gluelake-local-emissions")["Workflow"]
    assert workflow["MaxConcurrentRuns"] == 1


def test_workflow_runs_references_first_then_each_stage_on_success(
    aws_env, project_repo, fake_wheel
):
    s3, glue, env = aws_env["s3"], aws_env["glue"], aws_env["env"]
    deploy(s3, glue, env, project_repo, wheel=fake_wheel)
    start = glue.get_trigger(Name="gluelake-local-emissions-start")["Trigger"]
    assert start["Type"] == "SCHEDULED" and start["Schedule"] == "cron(30 2 * * ? *)"
    assert start["State"] == "ACTIVATED"  # glue/environments/local.yaml: schedules: active
    assert [a["JobName"] for a in start["Actions"]] == [
        "gluelake-local-emission_factors-raw_to_bronze",
        "gluelake-local-emissions-raw_to_bronze",
    ]
    silver = glue.get_trigger(Name="gluelake-local-emissions-bronze_to_silver")["Trigger"]
    assert silver["Type"] == "CONDITIONAL" and silver["WorkflowName"] == "gluelake-local-emissions"
    assert sorted((c["JobName"], c["State"]) for c in silver["Predicate"]["Conditions"]) == [
        ("gluelake-local-emission_factors-raw_to_bronze", "SUCCEEDED"),
        ("gluelake-local-emissions-raw_to_bronze", "SUCCEEDED"),
    ]
    gold = glue.get_trigger(Name="gluelake-local-emissions-silver_to_gold")["Trigger"]
    assert [c["JobName"] for c in gold["Predicate"]["Conditions"]] == [
        "gluelake-local-emissions-bronze_to_silver"
    ]
    factors = glue.get_trigger(Name="gluelake-local-emission_factors-start")["Trigger"]
    assert factors["Type"] == "ON_DEMAND"  # refreshed by the emissions workflow


def test_a_two_hop_reference_is_refreshed_up_to_its_silver_before_the_join(
    aws_env, project_repo, fake_wheel
):
    s3, glue, env = aws_env["s3"], aws_env["glue"], aws_env["env"]
    deploy(s3, glue, env, project_repo, wheel=fake_wheel)

    def after(trigger: str) -> list[str]:
        body = glue.get_trigger(Name=f"gluelake-local-sales-{trigger}")["Trigger"]
        assert body["WorkflowName"] == "gluelake-local-sales"
        return sorted(
            c["JobName"].removeprefix("gluelake-local-") for c in body["Predicate"]["Conditions"]
        )

    start = glue.get_trigger(Name="gluelake-local-sales-start")["Trigger"]
    assert [a["JobName"].removeprefix("gluelake-local-") for a in start["Actions"]] == [
        "product_categories-raw_to_bronze",
        "products-raw_to_bronze",
        "sales-raw_to_bronze",
    ]
    assert after("products-bronze_to_silver") == [
        "product_categories-raw_to_bronze",
        "products-raw_to_bronze",
    ]
    assert after("bronze_to_silver") == [
        "product_categories-raw_to_bronze",
        "products-bronze_to_silver",
        "sales-raw_to_bronze",
    ]
    assert after("silver_to_gold") == ["sales-bronze_to_silver"]
    for reference in ("products", "product_categories"):
        own = glue.get_trigger(Name=f"gluelake-local-{reference}-start")["Trigger"]
        assert own["Type"] == "ON_DEMAND"  # refreshed by the workflows that join it


def test_removed_dataset_is_reported_not_deleted(aws_env, project_repo, fake_wheel):
    s3, glue, env = aws_env["s3"], aws_env["glue"], aws_env["env"]
    deploy(s3, glue, env, project_repo, wheel=fake_wheel)
    (project_repo / "glue" / "datasets" / "assessments.yaml").unlink()
    result = deploy(s3, glue, env, project_repo, wheel=fake_wheel, dry_run=True)
    unmanaged = {c.name for c in result.changes if c.action == "unmanaged"}
    assert "gluelake-local-assessments-raw_to_bronze" in unmanaged
    assert _job(glue, "gluelake-local-assessments-raw_to_bronze")


def test_status_before_any_deploy_is_empty(aws_env):
    assert job_status(aws_env["glue"], aws_env["env"]) == []


def test_deploy_outside_a_git_checkout_needs_a_commit_name(
    aws_env, project_repo, fake_wheel, monkeypatch
):
    s3, glue, env = aws_env["s3"], aws_env["glue"], aws_env["env"]
    shutil.rmtree(project_repo / ".git")
    monkeypatch.delenv("GLUELAKE_COMMIT", raising=False)
    with pytest.raises(ConfigError, match=r"not a git checkout.*GLUELAKE_COMMIT.*--version"):
        deploy(s3, glue, env, project_repo, wheel=fake_wheel)
    monkeypatch.setenv("GLUELAKE_COMMIT", "build-42")
    assert deploy(s3, glue, env, project_repo, wheel=fake_wheel).version == "0.1.0-build-42"
    # not from a clean commit, so it may be uploaded again with other content
    fake_wheel.write_bytes(fake_wheel.read_bytes() + b"x")
    again = deploy(s3, glue, env, project_repo, wheel=fake_wheel)
    assert ("update", "artifacts") in _actions(again)
