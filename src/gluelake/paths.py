"""Where the project's own files live by default: contracts, suites, DDL, environments and
job scripts. No Spark imports, so configuration-only modules can use it."""

from __future__ import annotations

import os
import re
from pathlib import Path


def project_root() -> Path:
    """The checkout this package runs from (src layout), else the working directory."""
    here = Path(__file__).resolve().parents[2]
    return here if (here / "pyproject.toml").exists() else Path.cwd()


def default_samples_dir() -> Path:
    """``samples/`` of the project: generators of the sample datasets' raw data."""
    return project_root() / "samples"


def default_schemas_dir() -> Path:
    """``schemas/`` of the project: one dataset contract per YAML file."""
    return project_root() / "schemas"


def default_suites_dir() -> Path:
    """``$GLUELAKE_EXPECTATIONS_DIR``, else ``expectations/`` of the project checkout."""
    env = os.environ.get("GLUELAKE_EXPECTATIONS_DIR")
    return Path(env) if env else project_root() / "expectations"


def default_ddl_dir() -> Path:
    return project_root() / "athena" / "ddl"


def default_environments_file() -> Path:
    return project_root() / "athena" / "environments.yaml"


def job_script(stage: str) -> Path:
    """``jobs/<stage>/main.py`` of the project checkout."""
    return project_root() / "jobs" / stage / "main.py"


# How a job script declares its version: ``JOB_VERSION = "1.2.0"`` on a line of its own.
SCRIPT_VERSION = re.compile(r'^JOB_VERSION = "([^"]+)"$', re.MULTILINE)


def script_version(stage: str) -> str | None:
    """JOB_VERSION of ``jobs/<stage>/main.py`` in the project checkout, if there is one."""
    script = job_script(stage)
    found = SCRIPT_VERSION.search(script.read_text(encoding="utf-8")) if script.is_file() else None
    return found.group(1) if found else None
