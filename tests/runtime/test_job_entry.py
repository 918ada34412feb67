from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gluelake.cli import build_parser
from gluelake.errors import ConfigError
from gluelake.runtime.glue import running_on_glue
from gluelake.runtime.job import main, parse_job_args
from gluelake.secrets import resolve_pii_key

ROOT = Path(__file__).resolve().parents[2]


def test_glue_style_arguments_are_accepted_and_glue_extras_ignored():
    args = parse_job_args(
        "raw_to_bronze",
        ["--JOB_ID", "j_1", "--JOB_RUN_ID", "jr_1", "--JOB_NAME", "gluelake-raw-to-bronze",
         "--dataset", "emissions", "--lake_root", "s3://lake/prod", "--job-bookmark-option",
         "job-bookmark-disable", "--ingest-date", "2026-01-05,2026-01-06", "--ingest-date", "2026-01-07"],
    )  # fmt: skip
    assert (args.dataset, args.lake_root, args.glue_job_name) == (
        "emissions",
        "s3://lake/prod",
        "gluelake-raw-to-bronze",
    )
    assert args.ingest_dates == ("2026-01-05", "2026-01-06", "2026-01-07")
    assert args.schemas_dir == str(ROOT / "schemas")


def test_glue_is_detected_from_its_own_arguments():
    assert running_on_glue(["--JOB_NAME", "x", "--dataset", "d"])
    assert not running_on_glue(["--dataset", "d", "--lake-root", "lake"])


def test_unknown_stage_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown stage 'raw_to_gold'"):
        parse_job_args("raw_to_gold", ["--dataset", "d", "--lake-root", "l"])


def test_missing_pii_key_says_how_to_set_it(monkeypatch):
    monkeypatch.delenv("GLUELAKE_PII_KEY", raising=False)
    monkeypatch.delenv("GLUELAKE_PII_KEY_SECRET", raising=False)
    with pytest.raises(ConfigError, match=r"set GLUELAKE_PII_KEY.*GLUELAKE_PII_KEY_SECRET"):
        resolve_pii_key("emissions")
    monkeypatch.setenv("GLUELAKE_PII_KEY", "short")
    with pytest.raises(ConfigError, match="5 bytes; expected at least 16"):
        resolve_pii_key("emissions")


def test_run_without_key_fails_before_reading_any_data(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("GLUELAKE_PII_KEY", raising=False)
    monkeypatch.delenv("GLUELAKE_PII_KEY_SECRET", raising=False)
    # The lake folder does not even exist: the key check must come first.
    code = main(
        "raw_to_bronze", "1.0.0", ["--dataset", "emissions", "--lake-root", str(tmp_path / "none")]
    )
    assert code == 2
    failure = [
        json.loads(line)
        for line in capsys.readouterr().err.splitlines()
        if '"stage.failed"' in line
    ]
    assert failure and failure[0]["error"] == "ConfigError"
    assert "GLUELAKE_PII_KEY" in failure[0]["reason"]


def test_help_lists_every_command_with_a_purpose():
    text = build_parser().format_help()
    for command in (
        "generate",
        "run",
        "show",
        "check",
        "validate",
        "expectations",
        "athena",
        "catalog",
        "query",
    ):
        assert command in text
    result = subprocess.run(
        [sys.executable, "-m", "gluelake.cli", "--help"], capture_output=True, text=True, check=True
    )
    assert "run one stage" in result.stdout


def test_unexpected_failure_exits_2_not_the_gate_code(monkeypatch, capsys):
    def boom(*_args, **_kwargs):
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr("gluelake.runtime.job.run_stage", boom)
    monkeypatch.setattr("gluelake.runtime.job.build_local_session", lambda: None)
    code = main("silver_to_gold", "1.0.0", ["--dataset", "emissions", "--lake-root", "lake/none"])
    assert code == 2
    crash = [
        json.loads(line)
        for line in capsys.readouterr().err.splitlines()
        if '"stage.crashed"' in line
    ]
    assert crash[0]["error"] == "RuntimeError" and crash[0]["reason"] == "disk on fire"
    assert "Traceback" in crash[0]["exception"]


def test_log_lines_never_carry_hash_pad_literals():
    import logging

    from gluelake.logs import JsonFormatter

    pad = "36" * 64
    record = logging.LogRecord(
        "gluelake.x", logging.ERROR, __file__, 1, f"plan: unhex({pad})", (), None
    )
    line = JsonFormatter().format(record)
    assert pad not in line and "[redacted]" in line


def test_script_version_reads_job_version_from_the_job_script():
    from gluelake.paths import script_version

    assert script_version("raw_to_bronze") == "1.0.0"
    assert script_version("no_such_stage") is None


def test_pii_key_from_secrets_manager(aws, monkeypatch):
    import boto3

    monkeypatch.setenv("AWS_ENDPOINT_URL", aws)
    monkeypatch.delenv("GLUELAKE_PII_KEY", raising=False)
    boto3.client("secretsmanager").create_secret(
        Name="gluelake/dev/pii-key", SecretString="s3cr3t-key-from-the-vault"
    )
    assert (
        resolve_pii_key("emissions", secret_name="gluelake/dev/pii-key")
        == b"s3cr3t-key-from-the-vault"
    )
    with pytest.raises(ConfigError, match="cannot read PII key secret 'gluelake/dev/missing'"):
        resolve_pii_key("emissions", secret_name="gluelake/dev/missing")


def test_crash_logs_never_carry_data_values(spark, monkeypatch, capsys):
    """A real Spark failure quotes the value it choked on, in its message and deep in
    the traceback: neither reaches the log."""
    planted = "PLANTED-S2-jane@example.com"

    def cast_fails(*_args, **_kwargs):
        spark.conf.set("spark.sql.ansi.enabled", "true")
        try:
            spark.sql(f"SELECT CAST('{planted}' AS DECIMAL(16,4)) AS q").collect()
        finally:
            spark.conf.set("spark.sql.ansi.enabled", "false")

    monkeypatch.setattr("gluelake.runtime.job.run_stage", cast_fails)
    monkeypatch.setattr("gluelake.runtime.job.build_local_session", lambda: spark)
    code = main("raw_to_bronze", "1.0.0", ["--dataset", "emissions", "--lake-root", "lake/none"])
    err = capsys.readouterr().err
    assert code == 2
    crash = next(json.loads(line) for line in err.splitlines() if '"stage.crashed"' in line)
    assert "CAST_INVALID_INPUT" in crash["reason"] and "Traceback" in crash["exception"]
    for fragment in ("PLANTED", "S2-jane", "jane@example.com"):
        assert fragment not in err
