"""The ``spark-submit`` command line of a job script, built from the same facts as the
local session (jars, driver JVM options, interpreter), so it runs from a plain shell."""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from gluelake.errors import ConfigError
from gluelake.paths import job_script
from gluelake.runtime.job import STAGES
from gluelake.session import driver_java_options, jar_paths, python_environment, temp_dir


@dataclass(frozen=True)
class SubmitCommand:
    argv: tuple[str, ...]
    env: Mapping[str, str]  # set on top of the caller's environment

    def shell(self) -> str:
        """One line a plain shell runs as is."""
        assignments = [f"{k}={shlex.quote(v)}" for k, v in sorted(self.env.items())]
        return " ".join(["env", *assignments, shlex.join(self.argv)])


def spark_home() -> Path:
    """The Spark distribution that ships inside the installed pyspark package."""
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def _submit_binary(home: Path) -> Path:
    submit = home / "bin" / "spark-submit"
    if not submit.exists():
        raise ConfigError(f"spark-submit not found at {submit}: is pyspark installed?")
    return submit


def _job_script(stage: str) -> Path:
    if stage not in STAGES:
        raise ConfigError(f"unknown stage {stage!r}; expected one of {sorted(STAGES)}")
    script = job_script(stage)
    if not script.is_file():
        raise ConfigError(f"job script {script} not found (run from a checkout of the project)")
    return script


def _java_found() -> bool:
    home = os.environ.get("JAVA_HOME")
    return bool(home and (Path(home) / "bin" / "java").exists()) or shutil.which("java") is not None


def submit_command(
    stage: str,
    job_args: Sequence[str],
    *,
    master: str = "local[*]",
    driver_memory: str = "2g",
    home: Path | None = None,
) -> SubmitCommand:
    """``spark-submit`` of ``jobs/<stage>/main.py`` with ``job_args``; ``home`` is a Spark
    distribution to use instead of pyspark's own (e.g. the one in AWS's Glue image)."""
    script = _job_script(stage)
    home = home or spark_home()
    submit = _submit_binary(home)
    python = python_environment()
    java_options = " ".join(driver_java_options(temp_dir()))
    argv = (
        str(submit),
        "--master", master,
        "--driver-memory", driver_memory,
        "--jars", ",".join(str(j) for j in jar_paths()),
        "--driver-java-options", java_options,
        "--conf", "spark.ui.enabled=false",
        "--conf", f"spark.pyspark.python={python['PYSPARK_PYTHON']}",
        "--conf", f"spark.pyspark.driver.python={python['PYSPARK_DRIVER_PYTHON']}",
        str(script),
        *job_args,
    )  # fmt: skip
    return SubmitCommand(argv=argv, env={"SPARK_HOME": str(home), **python})


def check_runnable() -> None:
    """What a JVM launch needs and spark-submit would report only as exit status 1."""
    if not _java_found():
        raise ConfigError("java not found on PATH or in JAVA_HOME: Java 17 is required")
