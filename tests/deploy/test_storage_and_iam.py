"""Lifecycle rules follow the contracts' retention; the job role's policy names only the
configured prefixes, databases, secrets and key."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from gluelake.contracts.tables import dataset_tables
from gluelake.deploy.environment import Encryption, load_deploy_environment
from gluelake.deploy.glue_config import load_glue_config
from gluelake.deploy.iam import job_role_policy
from gluelake.deploy.resources import glue_resources
from gluelake.deploy.storage import lifecycle_rules, rules_differ

ROOT = Path(__file__).resolve().parents[2]
KEY = "arn:aws:kms:eu-west-1:444455556666:key/0b5f3c1e-6a2d-4f8e-9c7b-1d2e3f4a5b6c"


def _clean_env() -> dict[str, str]:
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYSPARK_", "SPARK_", "VIRTUAL_ENV", "AWS_", "GLUELAKE_"))
    }


def _gluelake(*args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "gluelake"
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, cwd=ROOT, env=_clean_env(), timeout=300
    )


def test_lifecycle_rules_follow_each_contracts_retention(contracts):
    env = load_deploy_environment("prod")
    rules = {r["Filter"]["Prefix"]: r for r in lifecycle_rules(env, contracts)}
    for contract in contracts.values():
        raw = rules[contract.source.path + "/"]
        keep = contract.retention_for("raw")
        assert raw["Expiration"] == {"Days": keep.days}
        assert raw.get("Transitions", []) == [
            {"Days": t.after_days, "StorageClass": t.storage_class} for t in keep.transitions
        ]
        for table in dataset_tables(contract):
            rule = rules[table.path + "/"]
            zone = "quarantine" if table.kind == "quarantine" else table.zone
            keep = contract.retention_for(zone)
            if table.format == "delta":  # S3 must never expire files a Delta table references
                assert "Expiration" not in rule
            else:
                assert rule["Expiration"] == {"Days": keep.days}
            assert rule.get("Transitions", []) == [
                {"Days": t.after_days, "StorageClass": t.storage_class} for t in keep.transitions
            ]
            assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": keep.days}
    emissions = rules["raw/emissions/"]
    assert emissions["Transitions"] == [
        {"Days": 30, "StorageClass": "STANDARD_IA"},
        {"Days": 180, "StorageClass": "GLACIER_IR"},
    ]
    assert rules["gold/emissions/emissions_monthly/"]["Expiration"] == {"Days": 2555}
    assert rules["bronze/_quarantine/emissions/"].get("Transitions") is None
    assert len(rules) == len(lifecycle_rules(env, contracts))  # prefixes never overlap


def test_rules_of_others_are_kept_and_changes_detected(contracts):
    env = load_deploy_environment("dev")
    ours = lifecycle_rules(env, contracts)
    theirs = {"ID": "logs-expiry", "Filter": {"Prefix": "logs/"}, "Status": "Enabled"}
    assert rules_differ([theirs, *ours], ours) == []
    changed = [dict(ours[0], Expiration={"Days": 1}), *ours[1:]]
    assert rules_differ(changed, ours) == [ours[0]["ID"]]


def _resources(policy: dict, service: str) -> list[str]:
    return [
        r
        for s in policy["Statement"]
        if any(a.startswith(f"{service}:") for a in s["Action"])
        for r in s["Resource"]
    ]


def test_iam_policy_names_only_the_configured_prefixes_and_databases(contracts):
    result = _gluelake("iam", "policy", "--env", "prod")
    assert result.returncode == 0, result.stderr
    policy = json.loads(result.stdout)
    statements = {s["Sid"]: s for s in policy["Statement"]}
    for s in policy["Statement"]:
        assert s["Effect"] == "Allow" and s["Resource"], s
        if any(a.startswith(("s3:", "glue:", "secretsmanager:", "kms:")) for a in s["Action"]):
            assert "*" not in s["Resource"], s
    s3 = _resources(policy, "s3")
    lake, artifacts = "arn:aws:s3:::gluelake-prod-lake", "arn:aws:s3:::gluelake-prod-artifacts"
    allowed_objects = (
        {f"{artifacts}/gluelake/*"}
        | {
            f"{lake}/{p}/*"
            for p in ("bronze", "silver", "gold", "_quality", "_runs", "_state", "_logs/spark-ui")
        }
        | {f"{lake}/{c.source.path}/*" for c in contracts.values()}
    )
    assert set(s3) == allowed_objects | {lake, artifacts}
    # raw is read-only; the zones and records are read/write; artifacts read-only
    assert statements["ReadRaw"]["Action"] == ["s3:GetObject"]
    assert statements["ReadArtifacts"]["Action"] == ["s3:GetObject"]
    assert all(r.startswith(f"{lake}/raw/") for r in statements["ReadRaw"]["Resource"])
    for sid in ("ListLake", "ListArtifacts"):
        assert statements[sid]["Condition"]["StringLike"]["s3:prefix"]
    assert set(_resources(policy, "glue")) == {"arn:aws:glue:eu-west-1:444455556666:catalog"} | {
        f"arn:aws:glue:eu-west-1:444455556666:{kind}/gluelake_prod_{zone}{suffix}"
        for zone in ("bronze", "silver", "gold", "quality")
        for kind, suffix in (("database", ""), ("table", "/*"))
    }
    assert all(a.startswith("glue:Get") or a == "glue:BatchGetPartition"
               for a in statements["ReadZoneCatalog"]["Action"])  # fmt: skip
    assert _resources(policy, "secretsmanager") == [
        "arn:aws:secretsmanager:eu-west-1:444455556666:secret:gluelake/prod/pii-key-??????"
    ]
    assert _resources(policy, "kms") == [KEY]
    assert statements["RetainRunRecords"]["Resource"] == [f"{lake}/_runs/*"]
    # the one unscoped action is limited to Glue's metrics namespace
    assert statements["JobMetrics"]["Condition"] == {
        "StringEquals": {"cloudwatch:namespace": "Glue"}
    }


def test_sse_s3_environment_grants_no_kms_and_lake_prefix_is_respected(contracts):
    env = load_deploy_environment("dev")
    env = replace(env, lake=replace(env.lake, lake_root="s3://shared-bucket/teams/carbon"))
    config = load_glue_config(ROOT / "glue", contracts)
    policy = job_role_policy(env, config, {n: c.source.path for n, c in contracts.items()})
    assert _resources(policy, "kms") == []
    for r in _resources(policy, "s3"):
        if r.startswith("arn:aws:s3:::shared-bucket/"):
            assert r.startswith("arn:aws:s3:::shared-bucket/teams/carbon/"), r
    rules = lifecycle_rules(env, contracts)
    assert all(r["Filter"]["Prefix"].startswith("teams/carbon/") for r in rules)


def test_jobs_request_encryption_on_every_write(contracts):
    env = replace(load_deploy_environment("prod"), encryption=Encryption("SSE-KMS", KEY))
    config = load_glue_config(ROOT / "glue", contracts)
    res = glue_resources(config, env, contracts, "0.1.0-abc1234", "dist/w.whl", ("pyyaml==6.0.3",))
    for job in res.jobs:
        conf = job.body["DefaultArguments"]["--conf"]
        assert conf.startswith("spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension")
        assert "--conf spark.hadoop.fs.s3a.encryption.algorithm=SSE-KMS" in conf
        assert f"--conf spark.hadoop.fs.s3a.encryption.key={KEY}" in conf
        assert job.body["GlueVersion"] == "5.1"
        assert job.body["DefaultArguments"]["--datalake-formats"] == "delta"
    assert Encryption("SSE-KMS", KEY).boto3_args() == {
        "ServerSideEncryption": "aws:kms",
        "SSEKMSKeyId": KEY,
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("account_id: 123", "account_id: required, a non-empty string"),
        ("encryption: {mode: SSE-KMS, kms_key_id: alias/lake}", "IAM cannot grant on an alias"),
        ("encryption: {mode: AES}", "expected one of ['SSE-S3', 'SSE-KMS']"),
        ("schedules: sometimes", "schedules: expected active or paused"),
        ("object_lock: {mode: LEGAL, days: 3}", "GOVERNANCE or COMPLIANCE"),
        ("colour: red", "unknown key(s) ['colour']"),
    ],
)
def test_broken_environment_values_are_reported(tmp_path, text, message):
    from gluelake.deploy.environment import load_deploy_environment as load
    from gluelake.errors import ConfigError

    folder = tmp_path / "glue" / "environments"
    folder.mkdir(parents=True)
    base = (ROOT / "glue" / "environments" / "dev.yaml").read_text()
    key = text.split(":")[0]
    lines = [line for line in base.splitlines() if not line.startswith(f"{key}:")]
    (folder / "dev.yaml").write_text("\n".join([*lines, text]) + "\n")
    with pytest.raises(ConfigError, match=r"dev\.yaml") as err:
        load("dev", tmp_path / "glue")
    assert message in str(err.value)
