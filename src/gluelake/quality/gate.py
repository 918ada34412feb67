"""The gate seam: a stage validates its output here before it publishes anything."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from pyspark.sql import DataFrame

from gluelake.contracts.model import DatasetContract
from gluelake.contracts.tables import TableSpec
from gluelake.io.layout import LakeLayout
from gluelake.run import RunInfo


@dataclass(frozen=True)
class GateOutcome:
    passed: bool
    summary: str = ""
    warnings: tuple[str, ...] = field(default_factory=tuple)


class Gate(Protocol):
    def check(
        self,
        df: DataFrame,
        *,
        table: TableSpec,
        contract: DatasetContract,
        layout: LakeLayout,
        run: RunInfo,
    ) -> GateOutcome:
        """Validate ``df`` (already cached by the stage) as the next version of ``table``."""
        ...


class OpenGate:
    """Passes everything: for callers that validate elsewhere (and for unit tests)."""

    def check(
        self,
        df: DataFrame,
        *,
        table: TableSpec,
        contract: DatasetContract,
        layout: LakeLayout,
        run: RunInfo,
    ) -> GateOutcome:
        return GateOutcome(passed=True, summary="no gate configured")
