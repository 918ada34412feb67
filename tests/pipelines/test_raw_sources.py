"""raw -> bronze on hand-made raw files: source-level failures and CSV sources."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import contract_doc, contract_from

from gluelake.errors import SourceError
from gluelake.io.layout import LakeLayout
from gluelake.pipelines import raw_to_bronze
from gluelake.pipelines.stage import StageContext
from gluelake.quality.gate import OpenGate
from gluelake.run import RunInfo

KEY = b"0123456789abcdef-test"


def context(contract, root: Path) -> StageContext:
    return StageContext(
        contract=contract, contracts={contract.name: contract}, layout=LakeLayout.at(root),
        run=RunInfo("raw_to_bronze", "test"), gate=OpenGate(), pii_key=KEY,
    )  # fmt: skip


def land(root: Path, dataset: str, name: str, text: str) -> None:
    folder = root / "raw" / dataset / "ingest_date=2026-01-05"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_required_column_absent_from_every_record_fails_the_run(spark, tmp_path, contracts):
    record = {"assessment_id": "asm-0123456789ab", "user_id": "u", "region": "emea", "score": 5,
              "duration_seconds": 1, "timestamp": "2025-01-01T00:00:00Z"}  # no "type" at all  # fmt: skip
    land(tmp_path, "assessments", "a.jsonl", json.dumps(record) + "\n")
    with pytest.raises(
        SourceError, match=r"required column\(s\) \['type'\] absent from every record"
    ) as err:
        raw_to_bronze.run(spark, context(contracts["assessments"], tmp_path))
    assert err.value.dataset == "assessments"
    assert not (tmp_path / "bronze").exists()  # nothing written


def test_no_raw_files_is_a_clear_error(spark, tmp_path, contracts):
    with pytest.raises(SourceError, match="no raw files found"):
        raw_to_bronze.run(spark, context(contracts["assessments"], tmp_path))


def test_csv_source_with_a_malformed_row(spark, tmp_path):
    doc = contract_doc("assessments")
    doc["source"] = {"format": "csv", "path": "raw/assessments"}
    contract = contract_from(doc)
    land(
        tmp_path, "assessments", "a.csv",
        "assessment_id,user_id,user_email,user_age,region,type,score,duration_seconds,timestamp\n"
        "asm-0123456789ab,u1,ann@x.example,31,emea,final,88.5,600,2025-01-02T03:04:05Z\n"
        "asm-0123456789ac,u2,bo@x.example,44,apac,baseline,70,300,2025-01-02T03:04:05Z,extra\n"
        "asm-0123456789ad,u3,,,amer,midterm,101,30,2025-01-03\n",
    )  # fmt: skip
    result = raw_to_bronze.run(spark, context(contract, tmp_path))
    assert (result.rows_read, result.accepted, result.quarantined) == (3, 1, 2)
    bronze = spark.read.format("delta").load(str(tmp_path / "bronze/assessments")).first()
    assert (bronze["assessment_id"], bronze["user_email"], bronze["user_age"]) == (
        "asm-0123456789ab",
        "***@x.example",
        "25-34",
    )
    reasons = sorted(
        tuple(r["reason_codes"])
        for r in spark.read.format("delta")
        .load(str(tmp_path / "bronze/_quarantine/assessments"))
        .collect()
    )
    assert reasons == [("malformed_record",), ("out_of_range:score",)]
    records = " ".join(
        r["record"]
        for r in spark.read.format("delta")
        .load(str(tmp_path / "bronze/_quarantine/assessments"))
        .collect()
    )
    assert "bo@x.example" not in records and "u2" not in records


def test_csv_files_with_columns_in_another_order_fail_instead_of_shifting(spark, tmp_path):
    doc = contract_doc("assessments")
    doc["source"] = {"format": "csv", "path": "raw/assessments"}
    contract = contract_from(doc)
    header = "assessment_id,user_id,region,type,score,duration_seconds,timestamp"
    land(
        tmp_path,
        "assessments",
        "a.csv",
        f"{header}\nasm-0123456789ab,u1,emea,final,88.5,600,2025-01-02\n",
    )
    land(
        tmp_path,
        "assessments",
        "b.csv",
        "user_id,assessment_id,region,type,score,duration_seconds,timestamp\nu2,asm-0123456789ac,emea,final,70,60,2025-01-02\n",
    )
    with pytest.raises(SourceError, match="CSV files disagree on their header"):
        raw_to_bronze.run(spark, context(contract, tmp_path))
