from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gluelake.deploy.glue_config import load_glue_config
from gluelake.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_glue_config_is_valid_and_pins_glue_5_1(contracts):
    config = load_glue_config(ROOT / "glue", contracts)
    assert {j.stage for j in config.jobs} == {"raw_to_bronze", "bronze_to_silver", "silver_to_gold"}
    assert all(j.glue_version == "5.1" for j in config.jobs)
    assert all(dict(j.default_arguments)["--datalake-formats"] == "delta" for j in config.jobs)
    assert {d.dataset for d in config.datasets} == set(contracts)
    assert all(j.max_concurrent_runs == 1 for j in config.jobs)
    emissions = config.dataset("emissions")
    assert emissions.sizing_for("raw_to_bronze").number_of_workers == 4
    assert emissions.sizing_for("silver_to_gold").number_of_workers == 2
    assert config.dataset("emission_factors").schedule is None


def test_check_rejects_a_job_definition_without_a_pinned_glue_version(tmp_path):
    import os
    import subprocess
    import sys

    shutil.copytree(ROOT / "glue", tmp_path / "glue")
    shutil.copytree(ROOT / "jobs", tmp_path / "jobs")
    job = tmp_path / "glue" / "jobs" / "bronze_to_silver.yaml"
    job.write_text("\n".join(x for x in job.read_text().splitlines() if "glue_version" not in x))
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYSPARK_", "SPARK_", "VIRTUAL_ENV"))
    }
    result = subprocess.run(
        [str(Path(sys.executable).parent / "gluelake"), "check", "--glue-dir", str(tmp_path / "glue")],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert "bronze_to_silver.yaml: required field 'glue_version' is missing" in result.stdout


@pytest.fixture
def glue_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "glue", tmp_path / "glue")
    shutil.copytree(ROOT / "jobs", tmp_path / "jobs")
    return tmp_path / "glue"


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "jobs/raw_to_bronze.yaml",
            'glue_version: "5.1"',
            'glue_version: "4.0"',
            "glue_version: expected '5.1'",
        ),
        (
            "jobs/raw_to_bronze.yaml",
            'version: "1.0.0"',
            'version: "2.0.0"',
            "does not match JOB_VERSION",
        ),
        (
            "jobs/raw_to_bronze.yaml",
            "--datalake-formats: delta",
            "--datalake-formats: hudi",
            "--datalake-formats: expected 'delta'",
        ),
        (
            "jobs/raw_to_bronze.yaml",
            "max_concurrent_runs: 1",
            "max_concurrent_runs: 4",
            "one writer per table",
        ),
        (
            "jobs/silver_to_gold.yaml",
            'glue_version: "5.1"       # pinned',
            "# glue_version left out",
            "required field 'glue_version' is missing",
        ),
        (
            "jobs/raw_to_bronze.yaml",
            "worker_type: G.1X",
            "worker_type: Standard",
            "worker_type: expected one of",
        ),
        (
            "datasets/emissions.yaml",
            "depends_on: [emission_factors]",
            "depends_on: []",
            "joins 'emission_factors'",
        ),
        (
            "datasets/emissions.yaml",
            "raw_to_bronze: {number_of_workers: 4}",
            "raw_to_bronze: {workers: 4}",
            "unknown key(s) ['workers']",
        ),
        (
            "datasets/emissions.yaml",
            "[raw_to_bronze, bronze_to_silver, silver_to_gold]",
            "[raw_to_bronze, silver_to_gold]",
            "leading part",
        ),
        ("datasets/emissions.yaml", "cron(30 2 * * ? *)", "daily", "schedule: expected cron"),
        (
            "datasets/emissions.yaml",
            "pii_key_secret: gluelake/${env}/pii-key",
            "",
            "name the key's secret",
        ),
        (
            "datasets/emission_factors.yaml",
            "[raw_to_bronze]",
            "[raw_to_bronze, bronze_to_silver]",
            "needs a silver zone",
        ),
    ],
)
def test_broken_glue_config_is_reported(glue_copy, contracts, file, old, new, message):
    path = glue_copy / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    with pytest.raises(ConfigError) as err:
        load_glue_config(glue_copy, contracts)
    assert message in str(err.value) and file.split("/")[1] in str(err.value)


def test_every_broken_glue_file_is_reported_not_only_the_first(tmp_path, contracts):
    from gluelake.deploy.glue_config import glue_config_problems

    shutil.copytree(ROOT / "glue", tmp_path / "glue")
    shutil.copytree(ROOT / "jobs", tmp_path / "jobs")
    job = tmp_path / "glue" / "jobs" / "silver_to_gold.yaml"
    job.write_text(job.read_text() + "\nsurprise: 1\n")
    for name in ("emissions", "sales"):
        f = tmp_path / "glue" / "datasets" / f"{name}.yaml"
        f.write_text(f.read_text().replace("schedule:", "schedul:", 1))
    problems = glue_config_problems(tmp_path / "glue", contracts)
    assert len(problems) == 3, problems
    assert [p.split(":")[0].rsplit("/", 1)[-1] for p in problems] == [
        "silver_to_gold.yaml",
        "emissions.yaml",
        "sales.yaml",
    ]
    with pytest.raises(ConfigError, match=r"silver_to_gold\.yaml"):
        load_glue_config(tmp_path / "glue", contracts)
