"""The contract's ``retention`` field: per zone days and S3 storage-class transitions."""

from __future__ import annotations

import pytest
from support import contract_doc, contract_from

from gluelake.contracts.model import DEFAULT_RETENTION, RETENTION_ZONES, Transition, ZoneRetention
from gluelake.errors import ContractError


def test_shipped_emissions_declares_its_retention(contracts):
    emissions = contracts["emissions"]
    assert [z for z, _ in emissions.retention] == list(RETENTION_ZONES)
    assert emissions.retention_for("raw") == ZoneRetention(
        2555, (Transition(30, "STANDARD_IA"), Transition(180, "GLACIER_IR"))
    )
    assert emissions.retention_for("quarantine").days == 365


def test_zones_left_out_get_the_documented_defaults():
    doc = contract_doc("emissions")
    doc["retention"] = {"gold": {"days": 400}}
    contract = contract_from(doc)
    assert contract.retention_for("gold") == ZoneRetention(400)
    for zone in ("raw", "bronze", "silver", "quarantine"):
        assert contract.retention_for(zone) == DEFAULT_RETENTION[zone]
    doc.pop("retention")
    assert dict(contract_from(doc).retention) == DEFAULT_RETENTION


@pytest.mark.parametrize(
    ("retention", "field", "problem"),
    [
        ({"archive": {"days": 1}}, "retention", "unknown key(s) ['archive']"),
        ({"raw": {}}, "retention.raw.days", "required field is missing"),
        ({"raw": {"days": 0}}, "retention.raw.days", ">= 1"),
        ({"raw": {"days": "7y"}}, "retention.raw.days", "expected int"),
        ({"raw": {"days": 100, "transitions": [{"after_days": 10, "storage_class": "STANDARD_IA"}]}}, "retention.raw.transitions[0].after_days", ">= 30 for STANDARD_IA"),
        ({"raw": {"days": 100, "transitions": [{"after_days": 10, "storage_class": "COLD"}]}}, "retention.raw.transitions[0].storage_class", "expected one of"),
        ({"raw": {"days": 100, "transitions": [{"after_days": 100, "storage_class": "GLACIER_IR"}]}}, "retention.raw.transitions[0].after_days", "not before days: 100"),
        ({"silver": {"days": 900, "transitions": [{"after_days": 100, "storage_class": "GLACIER"}]}}, "retention.silver.transitions[0].storage_class", "archive classes are allowed for raw only"),
        ({"raw": {"days": 900, "transitions": [{"after_days": 90, "storage_class": "GLACIER_IR"}, {"after_days": 120, "storage_class": "STANDARD_IA"}]}}, "retention.raw.transitions[1].storage_class", "cannot move objects from GLACIER_IR to STANDARD_IA"),
        ({"raw": {"days": 900, "transitions": [{"after_days": 30, "storage_class": "STANDARD_IA"}, {"after_days": 40, "storage_class": "GLACIER_IR"}]}}, "retention.raw.transitions[1].after_days", "expected >= 60"),
        ({"gold": {"days": 900, "keep": True}}, "retention.gold", "unknown key(s) ['keep']"),
    ],
)  # fmt: skip
def test_broken_retention_names_the_field(retention, field, problem):
    doc = contract_doc("emissions")
    doc["retention"] = retention
    with pytest.raises(ContractError) as err:
        contract_from(doc, file="schemas/emissions.yaml")
    assert err.value.field == field
    assert problem in err.value.problem


def test_raw_may_archive_after_instant_classes():
    doc = contract_doc("emissions")
    doc["retention"] = {
        "raw": {
            "days": 2555,
            "transitions": [
                {"after_days": 30, "storage_class": "STANDARD_IA"},
                {"after_days": 90, "storage_class": "GLACIER_IR"},
                {"after_days": 365, "storage_class": "DEEP_ARCHIVE"},
            ],
        }
    }
    raw = contract_from(doc).retention_for("raw")
    assert [t.storage_class for t in raw.transitions] == [
        "STANDARD_IA",
        "GLACIER_IR",
        "DEEP_ARCHIVE",
    ]
