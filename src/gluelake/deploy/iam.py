"""The Glue job role's policy, least privilege: every statement names its resources; nothing
in S3 or Glue is granted on ``*``.

- artifacts: read-only, under the artifacts prefix (scripts, wheel, contracts, suites);
- raw: read; bronze, silver, gold: read/write (Delta and Parquet writes delete and rewrite);
- ``_quality/`` and ``_runs/``: the quality and run records (plus Object Lock retention
  on run records where configured); ``_state/``: the raw files each dataset has taken in
  (a Delta table raw -> bronze reads and writes); ``_logs/spark-ui/``: the Spark UI event logs;
- Secrets Manager: the PII key secrets the datasets name, read-only;
- KMS: the environment's key, when SSE-KMS is configured;
- Glue Data Catalog: read actions on the zone databases and their tables only;
- CloudWatch Logs under ``/aws-glue/``; CloudWatch metrics in the ``Glue`` namespace (the
  one action AWS does not scope by resource, so it is limited by a condition instead)."""

from __future__ import annotations

from typing import Any

from gluelake.contracts.model import ZONES
from gluelake.deploy.environment import DeployEnvironment
from gluelake.deploy.glue_config import GlueConfig

# Lake areas besides the zones: quality results, run records, incremental state, Spark UI
# event logs.
QUALITY, RUNS, STATE, SPARK_LOGS = "_quality", "_runs", "_state", "_logs/spark-ui"
_READ = ["s3:GetObject"]
_WRITE = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:AbortMultipartUpload",
    "s3:ListMultipartUploadParts",
]
_CATALOG_READ = [
    "glue:GetDatabase",
    "glue:GetTable",
    "glue:GetTables",
    "glue:GetPartition",
    "glue:GetPartitions",
    "glue:BatchGetPartition",
]


def _objects(bucket: str, key_prefix: str) -> str:
    key = key_prefix.strip("/")
    return f"arn:aws:s3:::{bucket}/{key}/*" if key else f"arn:aws:s3:::{bucket}/*"


def _list(sid: str, bucket: str, prefixes: list[str]) -> dict[str, Any]:
    """ListBucket, only under the given key prefixes (S3A lists folders and their markers)."""
    allowed = sorted({p.strip("/") + s for p in prefixes for s in ("", "/", "/*")})
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
        "Resource": [f"arn:aws:s3:::{bucket}"],
        "Condition": {"StringLike": {"s3:prefix": allowed}},
    }


def _statement(sid: str, actions: list[str], resources: list[str]) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": sorted(set(resources))}


def job_role_policy(
    env: DeployEnvironment, config: GlueConfig, raw_paths: dict[str, str]
) -> dict[str, Any]:
    """The IAM policy document for ``env.role_name``; ``raw_paths`` maps each deployed
    dataset to its raw folder (relative to the lake root, from its contract)."""
    lake = env.lake_bucket
    raw = [env.lake_key(raw_paths[d.dataset]) for d in config.datasets]
    zones = [env.lake_key(z) for z in ZONES]
    records = [env.lake_key(p) for p in (QUALITY, RUNS, STATE, SPARK_LOGS)]
    artifacts = env.artifacts_prefix
    region, account = env.region, env.account_id
    statements = [
        _list("ListArtifacts", env.artifacts_bucket, [artifacts]),
        _statement("ReadArtifacts", _READ, [_objects(env.artifacts_bucket, artifacts)]),
        _list("ListLake", lake, raw + zones + records),
        _statement("ReadRaw", _READ, [_objects(lake, p) for p in raw]),
        _statement("ReadWriteZones", _WRITE, [_objects(lake, p) for p in zones]),
        _statement("WriteQualityRunsLogs", _WRITE, [_objects(lake, p) for p in records]),
    ]
    if env.object_lock is not None:
        statements.append(
            _statement(
                "RetainRunRecords",
                ["s3:PutObjectRetention", "s3:GetObjectRetention"],
                [_objects(lake, env.lake_key(RUNS))],
            )
        )
    secrets = sorted(
        {d.pii_key_secret.replace("${env}", env.name) for d in config.datasets if d.pii_key_secret}
    )
    if secrets:
        statements.append(
            _statement(
                "ReadPiiKey",
                ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                # Secrets Manager appends a 6-character suffix to every secret's ARN.
                [f"arn:aws:secretsmanager:{region}:{account}:secret:{s}-??????" for s in secrets],
            )
        )
    key = env.kms_key_arn()
    if key is not None:
        statements.append(
            _statement("UseLakeKey", ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], [key])
        )
    databases = env.lake.databases
    statements.append(
        _statement(
            "ReadZoneCatalog",
            _CATALOG_READ,
            [f"arn:aws:glue:{region}:{account}:catalog"]
            + [f"arn:aws:glue:{region}:{account}:database/{db}" for db in databases]
            + [f"arn:aws:glue:{region}:{account}:table/{db}/*" for db in databases],
        )
    )
    statements.append(
        _statement(
            "JobLogs",
            ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            [
                f"arn:aws:logs:{region}:{account}:log-group:/aws-glue/*",
                f"arn:aws:logs:{region}:{account}:log-group:/aws-glue/*:log-stream:*",
            ],
        )
    )
    statements.append(
        {
            "Sid": "JobMetrics",
            "Effect": "Allow",
            "Action": ["cloudwatch:PutMetricData"],
            "Resource": ["*"],
            "Condition": {"StringEquals": {"cloudwatch:namespace": "Glue"}},
        }
    )
    return {"Version": "2012-10-17", "Statement": statements}


def trust_policy() -> dict[str, Any]:
    """Who may assume the job role: the Glue service only."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "glue.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
