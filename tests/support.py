"""Builders shared by tests: raw-shaped DataFrames and small contracts."""

from __future__ import annotations

import json
from copy import deepcopy
from pathlib import Path
from typing import Any

import yaml
from pyspark.sql import DataFrame, SparkSession

from gluelake.contracts.load import (
    contract_files,
    load_contract,
    parse_contract,
    resolve_contracts,
)
from gluelake.contracts.model import DatasetContract
from gluelake.io.raw import parse_json_lines

ROOT = Path(__file__).resolve().parents[1]


def contract_doc(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load((ROOT / "schemas" / f"{name}.yaml").read_text())
    return deepcopy(doc)


def contract_from(doc: dict[str, Any], file: str = "test.yaml") -> DatasetContract:
    """Parse ``doc`` and check it against the shipped contracts it may join."""
    contract = parse_contract(doc, file)
    others = {c.name: c for c in (load_contract(p) for p in contract_files(ROOT / "schemas"))}
    return resolve_contracts({**others, contract.name: contract})[contract.name]


def raw_frame(
    spark: SparkSession, records: list[dict[str, Any] | str], source_file: str = "f1.jsonl"
) -> DataFrame:
    """Records (dicts become JSON lines, strings are taken as the line) in raw shape."""
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    df = spark.createDataFrame(
        [(line, source_file) for line in lines], "value string, _source_file string"
    )
    return df.transform(parse_json_lines)
