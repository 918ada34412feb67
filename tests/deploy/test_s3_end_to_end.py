"""The whole pipeline on an S3 API: raw files in a moto bucket, all three stages over
``s3a://`` (hadoop-aws at the moto endpoint, path-style, SSE requested), gold equal to a run
on the local filesystem; then `gluelake deploy` to the same endpoint, checked job by job."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from gluelake.contracts import load_contracts
from gluelake.deploy.storage import lifecycle_rules, rules_differ

pytestmark = [pytest.mark.e2e, pytest.mark.aws]
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
GOLD = ("emissions/emissions_monthly", "emissions/emissions_monthly_yoy")


def _env(url: str, **extra: str) -> dict[str, str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYSPARK_", "SPARK_", "VIRTUAL_ENV", "AWS_", "GLUELAKE_"))
        or k == "GLUELAKE_COMMIT"  # names the version where there is no .git (Docker)
    }
    return {
        **base,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
        **extra,
    }


def _run(
    args: list[str], env: dict[str, str], timeout: int = 900
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        args, capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout
    )
    assert result.returncode == 0, (
        f"{args[:3]} exit {result.returncode}\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
    )
    return result


def _gold(folder: Path, table: str):
    frame = pq.read_table(folder / "gold" / table, partitioning="hive").to_pandas()
    frame = frame[[c for c in frame.columns if not c.startswith("_")]]
    for col in ("year", "month"):
        frame[col] = frame[col].astype("int64")
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def test_pipeline_on_s3_equals_local_then_deploys(aws_env, tmp_path: Path):
    url, s3, glue, env = aws_env["url"], aws_env["s3"], aws_env["glue"], aws_env["env"]
    lake = env.lake_bucket
    local = tmp_path / "local"
    _run([str(BIN / "gluelake"), "generate", "--lake-root", str(local), "--seed", "11",
          "--activities", "300", "--assessments", "50"], _env(url))  # fmt: skip
    uploaded = 0
    for path in sorted((local / "raw").rglob("*")):
        if path.is_file():
            s3.upload_file(str(path), lake, path.relative_to(local).as_posix())
            uploaded += 1
    assert uploaded >= 3

    spark_env = _env(
        url,
        GLUELAKE_S3_ENDPOINT=url,
        GLUELAKE_S3_SSE="SSE-S3",
        GLUELAKE_PII_KEY="an-end-to-end-key-of-32-bytes!!",
        GLUELAKE_TMP_DIR=str(tmp_path / "spark-tmp"),
    )
    _run([sys.executable, str(ROOT / "tests" / "deploy" / "run_pipeline.py"),
          f"s3a://{lake}", str(local)], spark_env, timeout=1800)  # fmt: skip

    # Gold from S3, downloaded object by object, equals gold from the local run.
    remote = tmp_path / "remote"
    keys = [
        o["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=lake, Prefix="gold/")
        for o in page.get("Contents", [])
    ]
    for key in keys:
        if key.endswith(".parquet"):
            (remote / key).parent.mkdir(parents=True, exist_ok=True)
            s3.download_file(lake, key, str(remote / key))
    for table in GOLD:
        expected, found = _gold(local, table), _gold(remote, table)
        assert len(expected) > 0, table
        assert found.equals(expected), f"{table}: S3 gold differs from the local run"

    # Every object Spark wrote asked for server-side encryption.
    written = [
        *[k for k in keys if k.endswith(".parquet")][:3],
        "bronze/emissions/_delta_log/00000000000000000000.json",
    ]
    for key in written:
        assert s3.head_object(Bucket=lake, Key=key).get("ServerSideEncryption") == "AES256", key

    # Deploy to the same endpoint with the command line, as a user would.
    cli = [str(BIN / "gluelake"), "deploy", "--env", "local", "--endpoint-url", url]
    out = _run(cli, _env(url)).stdout
    version = out.splitlines()[0].split()[1]
    assert version.startswith("0.1.0-") and "deployed" in out.splitlines()[-1]
    job = glue.get_job(JobName="gluelake-local-emissions-raw_to_bronze")["Job"]
    assert job["GlueVersion"] == "5.1"
    assert job["Command"]["ScriptLocation"] == (
        f"s3://gluelake-local-artifacts/gluelake/{version}/jobs/raw_to_bronze/main.py"
    )
    args = job["DefaultArguments"]
    assert args["--dataset"] == "emissions" and args["--lake_root"] == "s3://gluelake-local-lake"
    assert args["--datalake-formats"] == "delta" and args["--job_version"] == version
    assert args["--extra-py-files"] == (
        f"s3://gluelake-local-artifacts/gluelake/{version}/dist/gluelake-0.1.0-py3-none-any.whl"
    )
    assert args["--schemas_dir"].endswith(f"/{version}/schemas")
    assert args["--pii_key_secret"] == "gluelake/local/pii-key"
    assert "spark.hadoop.fs.s3a.encryption.algorithm=AES256" in args["--conf"]
    assert "great-expectations==1.24.1" in args["--additional-python-modules"]
    wheel = s3.head_object(
        Bucket="gluelake-local-artifacts",
        Key=f"gluelake/{version}/dist/gluelake-0.1.0-py3-none-any.whl",
    )
    assert wheel["ContentLength"] > 10_000 and wheel["ServerSideEncryption"] == "AES256"
    start = glue.get_trigger(Name="gluelake-local-emissions-start")["Trigger"]
    assert start["Schedule"] == "cron(30 2 * * ? *)" and start["State"] == "ACTIVATED"
    assert glue.get_workflow(Name="gluelake-local-emissions")["Workflow"]["Name"]
    rules = s3.get_bucket_lifecycle_configuration(Bucket=lake)["Rules"]
    assert rules_differ(rules, lifecycle_rules(env, load_contracts(ROOT / "schemas"))) == []

    plan = _run([*cli, "--dry-run"], _env(url)).stdout
    assert not [line for line in plan.splitlines() if line.startswith(("create ", "update "))]
    status = _run(
        [str(BIN / "gluelake"), "deploy", "status", "--env", "local", "--endpoint-url", url],
        _env(url),
    )
    # One job per dataset and stage, counted from the Glue files themselves.
    jobs = sum(
        len(yaml.safe_load(f.read_text())["stages"])
        for f in (ROOT / "glue" / "datasets").glob("*.yaml")
    )
    assert jobs > 7 and f"local: {jobs} jobs on version {version}" in status.stdout
