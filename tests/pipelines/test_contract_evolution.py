"""Contract evolution: an added nullable column reaches every table and its earlier values
are recoverable; a removed or retyped column is refused before anything is read."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pytest
import yaml
from shell import gluelake, traceback_in
from support import contract_doc, contract_from
from test_raw_sources import KEY, context, land

from gluelake.cli import main as cli
from gluelake.errors import ContractChangeError
from gluelake.io.tables import table_properties
from gluelake.pipelines import bronze_to_silver, raw_to_bronze

BASE = {"user_id": "u1", "region": "emea", "type": "final", "score": 88.5,
        "duration_seconds": 600, "timestamp": "2025-01-02T03:04:05Z"}  # fmt: skip


def _doc(version: int, **extra_columns: str) -> dict:
    doc = contract_doc("assessments")
    doc["version"], doc["schema_drift"] = version, "rescue"
    for name, type_ in extra_columns.items():
        doc["columns"].append({"name": name, "type": type_})
    return doc


def _run(spark, contract, root, stage=raw_to_bronze, **changes):
    ctx = replace(context(contract, root), contracts={contract.name: contract}, **changes)
    return stage.run(spark, ctx)


def _rows(spark, root, table):
    return {
        r["assessment_id"]: r for r in spark.read.format("delta").load(str(root / table)).collect()
    }


def test_added_column_evolves_tables_and_earlier_values_are_recoverable(spark, tmp_path):
    v1 = contract_from(_doc(1))
    land(tmp_path, "assessments", "a.jsonl",
         json.dumps({**BASE, "assessment_id": "asm-00000000000a", "facility_id": "F-1"}) + "\n")  # fmt: skip
    _run(spark, v1, tmp_path)
    _run(spark, v1, tmp_path, stage=bronze_to_silver)
    props = table_properties(spark, str(tmp_path / "bronze/assessments"))
    assert props["gluelake.contract_version"] == "1"
    assert props["gluelake.schema_fingerprint"].startswith("sha256:")
    old = _rows(spark, tmp_path, "bronze/assessments")["asm-00000000000a"]
    assert json.loads(old["_rescued_data"]) == {"facility_id": "F-1"}  # kept, not lost

    v2 = contract_from(_doc(2, facility_id="string"))
    folder = tmp_path / "raw/assessments/ingest_date=2026-01-06"
    folder.mkdir(parents=True)
    (folder / "b.jsonl").write_text(
        json.dumps({**BASE, "assessment_id": "asm-00000000000b", "facility_id": "F-2"}) + "\n"
    )
    _run(spark, v2, tmp_path, ingest_dates=("2026-01-06",))
    _run(spark, v2, tmp_path, stage=bronze_to_silver)
    for table in ("bronze/assessments", "silver/assessments"):
        rows = _rows(spark, tmp_path, table)
        assert rows["asm-00000000000b"]["facility_id"] == "F-2"
        assert rows["asm-00000000000a"]["facility_id"] is None  # not yet recovered
        assert table_properties(spark, str(tmp_path / table))["gluelake.contract_version"] == "2"

    # The documented recovery: a full refresh re-reads every raw file.
    _run(spark, v2, tmp_path, full_refresh=True)
    _run(spark, v2, tmp_path, stage=bronze_to_silver)
    for table in ("bronze/assessments", "silver/assessments"):
        rows = _rows(spark, tmp_path, table)
        assert {k: r["facility_id"] for k, r in rows.items()} == {
            "asm-00000000000a": "F-1", "asm-00000000000b": "F-2",
        }  # fmt: skip


def test_removed_or_retyped_column_is_refused_before_reading(spark, tmp_path):
    land(tmp_path, "assessments", "a.jsonl",
         json.dumps({**BASE, "assessment_id": "asm-00000000000a"}) + "\n")  # fmt: skip
    _run(spark, contract_from(_doc(1)), tmp_path)
    shutil.move(tmp_path / "raw", tmp_path / "raw-aside")  # reading would fail differently

    retyped = _doc(2)
    next(c for c in retyped["columns"] if c["name"] == "region")["type"] = "int"
    with pytest.raises(ContractChangeError) as err:
        _run(spark, contract_from(retyped), tmp_path)
    text = str(err.value)
    assert "contract assessments" in text and "version 2" in text
    assert "column 'region' changed type string -> int" in text and "--full-refresh" in text

    removed = _doc(2)
    removed["columns"] = [c for c in removed["columns"] if c["name"] != "user_age"]
    with pytest.raises(ContractChangeError, match="column 'user_age' removed"):
        _run(spark, contract_from(removed), tmp_path)

    same_version = _doc(1, facility_id="string")
    with pytest.raises(ContractChangeError, match="version 1 did not"):
        _run(spark, contract_from(same_version), tmp_path)

    shutil.move(tmp_path / "raw-aside", tmp_path / "raw")
    done = _run(spark, contract_from(retyped), tmp_path, full_refresh=True)
    assert done.quarantined == 1  # "emea" is no int: the migration quarantines it


def test_rescued_values_come_back_with_the_documented_command_from_a_plain_shell(spark, tmp_path):
    lake = tmp_path / "lake"
    land(lake, "assessments", "a.jsonl",
         json.dumps({**BASE, "assessment_id": "asm-00000000000a", "facility_id": "F-1"}) + "\n")  # fmt: skip
    _run(spark, contract_from(_doc(1)), lake)  # facility_id is not declared yet: rescued
    before = _rows(spark, lake, "bronze/assessments")["asm-00000000000a"]
    assert json.loads(before["_rescued_data"]) == {"facility_id": "F-1"}

    # Version 2 declares it; README's command, as a user runs it.
    schemas, suites = tmp_path / "schemas", tmp_path / "expectations"
    schemas.mkdir()
    (schemas / "assessments.yaml").write_text(yaml.safe_dump(_doc(2, facility_id="string")))
    init = ["expectations", "init", "assessments", "--schemas-dir", str(schemas), "--suites-dir", str(suites)]  # fmt: skip
    assert cli(init) == 0
    done = gluelake(
        "run", "raw_to_bronze", "--dataset", "assessments", "--lake-root", lake,
        "--schemas-dir", schemas, "--expectations-dir", suites, "--full-refresh",
        env={"GLUELAKE_PII_KEY": KEY.decode(), "GLUELAKE_DRIVER_MEMORY": "1g"},
    )  # fmt: skip
    assert done.returncode == 0 and not traceback_in(done.stderr), done.stderr[-3000:]
    row = _rows(spark, lake, "bronze/assessments")["asm-00000000000a"]
    assert (row["facility_id"], row["_rescued_data"]) == ("F-1", None)
