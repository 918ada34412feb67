"""Dataset contracts: the one description of a dataset that drives enforcement, PII policy,
quality suites and Athena DDL. Loaded from ``schemas/*.yaml`` into frozen dataclasses."""

from gluelake.contracts.load import find_contract, load_contract, load_contracts
from gluelake.contracts.model import (
    Aggregate,
    Column,
    Constraints,
    DatasetContract,
    Derived,
    JoinStep,
    Measure,
    PiiPolicy,
    Rule,
    Selected,
    Source,
    Transition,
    ZoneRetention,
    ZoneSpec,
)

__all__ = [
    "Aggregate",
    "Column",
    "Constraints",
    "DatasetContract",
    "Derived",
    "JoinStep",
    "Measure",
    "PiiPolicy",
    "Rule",
    "Selected",
    "Source",
    "Transition",
    "ZoneRetention",
    "ZoneSpec",
    "find_contract",
    "load_contract",
    "load_contracts",
]
