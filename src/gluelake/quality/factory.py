"""Chooses the gate a stage runs behind."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from gluelake.contracts.model import DatasetContract
from gluelake.paths import default_suites_dir
from gluelake.quality.gate import ExpectationsGate
from gluelake.quality.suites import load_zone_suites


def make_gate(
    contract: DatasetContract,
    zone: str,
    *,
    suites_dir: Path | None = None,
    contracts: Mapping[str, DatasetContract] | None = None,
) -> ExpectationsGate:
    """Load and statically check the suites of every table ``zone`` publishes, before any
    data is read: a missing or unloadable suite, or one naming a column the table lacks,
    raises SuiteError here. ``suites_dir`` defaults to ``default_suites_dir()``."""
    suites = load_zone_suites(suites_dir or default_suites_dir(), contract, zone, contracts)
    return ExpectationsGate(suites)
