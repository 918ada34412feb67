"""``gluelake validate`` for CI: readable outcomes, exit status, JUnit XML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from conftest import READINGS, reading
from pyspark.sql import DataFrame, SparkSession

from gluelake.cli import main
from gluelake.contracts.tables import zone_table
from gluelake.io.layout import LakeLayout

MakeDf = Callable[[Sequence[dict[str, Any]]], DataFrame]


@pytest.fixture()
def cli_args(tmp_path: Path, suites_dir: Path) -> list[str]:
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "readings.yaml").write_text(READINGS)
    return ["--dataset", "readings", "--zone", "bronze", "--schemas-dir", str(schemas),
            "--suites-dir", str(suites_dir), "--lake-root", str(tmp_path / "lake")]  # fmt: skip


def _jsonl(path: Path, rows: Sequence[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, default=str) + "\n" for r in rows))
    return path


def test_sample_files_with_a_critical_failure_exit_1_and_write_junit(
    spark: SparkSession, cli_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = _jsonl(tmp_path / "sample.jsonl", [
        reading(), reading(reading_id="r2", kind="z"), reading(reading_id="r3", email="mallory@x.org"),
    ])  # fmt: skip
    junit = tmp_path / "out" / "quality.xml"

    code = main(["validate", *cli_args, "--path", str(sample), "--junit", str(junit),
                 "--report-dir", str(tmp_path / "reports")])  # fmt: skip

    out = capsys.readouterr().out
    assert code == 1
    assert "bronze.readings FAILED on 3 rows" in out
    failed = next(ln for ln in out.splitlines() if "FAILED  critical" in ln)
    assert "expect_column_values_to_be_in_set" in failed and "kind" in failed and " z" in failed
    warned = next(ln for ln in out.splitlines() if ln.strip().startswith("warn"))
    assert "email" in warned and "***" in warned and "mallory" not in out

    suites = ET.parse(junit).getroot().findall("testsuite")
    assert [s.get("name") for s in suites] == ["bronze.readings"]
    cases = suites[0].findall("testcase")
    doc = json.loads((tmp_path / "reports" / "bronze.readings.json").read_text())
    assert len(cases) == len(doc["results"]) == int(suites[0].get("tests", "0"))
    for case, result in zip(cases, doc["results"], strict=True):
        assert result["expectation"] in (case.get("name") or "")
        assert (result["column"] or "table") in (case.get("name") or "")
    failures = [c for c in cases if c.find("failure") is not None]
    assert len(failures) == 1 and "kind" in (failures[0].get("name") or "")
    assert suites[0].get("failures") == "1"
    assert (tmp_path / "reports" / "bronze.readings.html").read_text().startswith("<!doctype")


def test_an_existing_table_that_passes_exits_0(
    spark: SparkSession, make_df: MakeDf, cli_args: list[str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    import yaml

    from gluelake.contracts.load import parse_contract

    contract = parse_contract(yaml.safe_load(READINGS), "readings.yaml")
    path = LakeLayout.at(tmp_path / "lake").table(zone_table(contract, "bronze"))
    make_df([reading(), reading(reading_id="r2")]).write.format("delta").save(path)

    assert main(["validate", *cli_args]) == 0
    out = capsys.readouterr().out
    assert "bronze.readings passed on 2 rows" in out
    assert "FAILED" not in out
