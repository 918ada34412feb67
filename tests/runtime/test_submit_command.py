"""The spark-submit command line ``gluelake submit`` builds (no JVM starts here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from gluelake.errors import ConfigError
from gluelake.runtime.submit import spark_home, submit_command

ROOT = Path(__file__).resolve().parents[2]


def test_the_installed_pyspark_submits_by_default():
    command = submit_command("raw_to_bronze", ["--dataset", "emissions"])
    assert command.argv[0] == str(spark_home() / "bin" / "spark-submit")
    assert command.argv[-3:] == (str(ROOT / "jobs/raw_to_bronze/main.py"), "--dataset", "emissions")
    assert command.env["SPARK_HOME"] == str(spark_home())
    jars = command.argv[command.argv.index("--jars") + 1].split(",")
    assert any("delta-spark" in j for j in jars)


def test_another_spark_distribution_can_submit(tmp_path: Path):
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "spark-submit").write_text("#!/bin/sh\n")
    command = submit_command("silver_to_gold", [], home=tmp_path)
    assert command.argv[0] == str(tmp_path / "bin" / "spark-submit")
    assert command.env["SPARK_HOME"] == str(tmp_path)
    with pytest.raises(ConfigError, match="spark-submit not found"):
        submit_command("silver_to_gold", [], home=tmp_path / "none")


def test_python_dash_m_gluelake_is_the_command_line():
    done = subprocess.run(
        [sys.executable, "-m", "gluelake", "submit", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "--spark-home" in done.stdout


def test_the_glue_image_service_runs_the_same_submit_command_line():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    glue = " ".join(compose["services"]["glue"]["command"])
    assert "-m gluelake submit --spark-home" in glue and "spark-submit " not in glue
    assert compose["services"]["demo"]["command"] == ["make", "demo"]
