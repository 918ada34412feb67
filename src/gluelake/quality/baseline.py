"""Baseline suites derived from a contract: what every table of a zone must satisfy before
humans add business rules. Generated expectations carry ``meta.origin = "contract"`` so a
re-run of ``gluelake expectations init`` refreshes them and keeps hand-written ones."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, cast

from gluelake.columns import TIME_PARTS
from gluelake.constraints import expectations as constraint_expectations
from gluelake.contracts.model import Column, DatasetContract
from gluelake.contracts.tables import TableSpec
from gluelake.quality.suites import READS_KEY, suite_name

ORIGIN_KEY = "origin"
CONTRACT_ORIGIN = "contract"


def _contract_columns(contract: DatasetContract, table: TableSpec) -> dict[str, Column]:
    """Contract columns whose values reach ``table`` unchanged (PII-masked ones do not)."""
    present = {c.name for c in table.all_columns}
    return {c.name: c for c in contract.columns if c.name in present and c.pii is None}


def _key(contract: DatasetContract, table: TableSpec) -> list[str]:
    if table.zone == "gold":
        time = [c.name for c in table.all_columns if c.name in TIME_PARTS]
        dims = [c.name for c in table.columns if c.name not in TIME_PARTS]
        agg = next(a for a in contract.aggregates if table.name in (a.name, f"{a.name}_yoy"))
        return [d for d in dims if d in agg.dimensions] + time
    return list(contract.primary_key)


def baseline_expectations(contract: DatasetContract, table: TableSpec) -> list[Any]:
    """GX expectation objects for ``table`` from the contract, in a stable order."""
    import great_expectations.expectations as gx_expectations

    gxe: Any = gx_expectations  # GX's stubs do not export the expectation classes
    meta = {ORIGIN_KEY: CONTRACT_ORIGIN}
    names = [c.name for c in table.all_columns]
    out: list[Any] = [
        gxe.ExpectTableColumnsToMatchSet(column_set=names, exact_match=True, meta=meta),
        gxe.ExpectTableRowCountToBeBetween(min_value=1, meta=meta),
    ]
    for spec in table.all_columns:
        if not spec.nullable or spec.name in TIME_PARTS:
            out.append(gxe.ExpectColumnValuesToNotBeNull(column=spec.name, meta=meta))
    # The contract's constraints, each as its kind declares it (gluelake.constraints).
    for name, col in _contract_columns(contract, table).items():
        for e in constraint_expectations(col):
            out.append(getattr(gxe, e.gx_class)(column=name, meta=meta, **e.arguments))
    key = _key(contract, table)
    if len(key) == 1:  # GX's compound check needs two or more columns
        out.append(gxe.ExpectColumnValuesToBeUnique(column=key[0], meta=meta))
    else:
        out.append(gxe.ExpectCompoundColumnsToBeUnique(column_list=key, meta=meta))
    return out


def _clean(expectation: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in expectation.items() if not (k == "id" or v is None)}


def suite_document(
    contract: DatasetContract,
    table: TableSpec,
    keep: Sequence[dict[str, Any]] = (),
    reads: Sequence[str] = (),
) -> dict[str, Any]:
    """The suite file's JSON object: the baseline, then hand-written expectations ``keep``."""
    import great_expectations as gx

    suite = gx.ExpectationSuite(
        name=suite_name(table),
        expectations=baseline_expectations(contract, table),
        meta={
            "dataset": contract.name,
            "zone": table.zone,
            "table": table.name,
            **({READS_KEY: list(reads)} if reads else {}),
        },
    )
    doc = cast(dict[str, Any], suite.to_json_dict())
    expectations = [_clean(e) for e in doc["expectations"]] + [_clean(dict(e)) for e in keep]
    return {
        "name": doc["name"],
        "meta": doc["meta"],
        "notes": "Generated from the contract; add business rules below the baseline.",
        "expectations": expectations,
    }


def kept_reads(text: str) -> list[str]:
    """The other datasets' tables an existing suite declares it reads."""
    meta = json.loads(text).get("meta") or {}
    reads = meta.get(READS_KEY, [])
    return [r for r in reads if isinstance(r, str)] if isinstance(reads, list) else []


def hand_written(text: str) -> list[dict[str, Any]]:
    """Expectations of an existing suite file that did not come from the contract."""
    doc = json.loads(text)
    return [
        e
        for e in doc.get("expectations", [])
        if (e.get("meta") or {}).get(ORIGIN_KEY) != CONTRACT_ORIGIN
    ]


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
