"""The gate seam: a stage validates its output here before it publishes anything."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from pyspark.sql import DataFrame

from gluelake.contracts.model import DatasetContract
from gluelake.contracts.tables import TableSpec
from gluelake.errors import ConfigError, GateFailed, SuiteError
from gluelake.io.layout import LakeLayout
from gluelake.quality.results import Validation
from gluelake.quality.suites import SuiteFile
from gluelake.run import RunInfo


@dataclass(frozen=True)
class GateOutcome:
    passed: bool
    summary: str = ""
    warnings: tuple[str, ...] = field(default_factory=tuple)
    validation: Validation | None = None  # None: no suite ran (OpenGate)

    @property
    def row_count(self) -> int | None:
        """Rows the gate saw: what the stage is about to publish."""
        return None if self.validation is None else self.validation.row_count


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


def require_pass(outcome: GateOutcome, *, table: TableSpec) -> None:
    """Raise GateFailed unless the gate passed; stages call it before writing anything."""
    if not outcome.passed:
        raise GateFailed(
            f"{table.zone} {table.name}: quality gate failed, nothing published\n{outcome.summary}"
        )


class ExpectationsGate:
    """Runs each gated table's Great Expectations suite, stores the results under
    ``<lake>/_quality/`` (JSON, HTML, results table) and passes unless a critical
    expectation failed. Suites were loaded and checked when the gate was made."""

    def __init__(self, suites: Sequence[SuiteFile]) -> None:
        from gluelake.quality.engine import SuiteRunner

        self._suites = {s.table.name: s for s in suites}
        self._runner = SuiteRunner(suites)

    def check(
        self,
        df: DataFrame,
        *,
        table: TableSpec,
        contract: DatasetContract,
        layout: LakeLayout,
        run: RunInfo,
    ) -> GateOutcome:
        from gluelake.io import quality_store
        from gluelake.quality.report_html import render_html

        validation = self.validate(
            df, table=table, contract=contract, layout=layout, run_id=run.run_id,
            now=run.started_at,
        )  # fmt: skip
        spark = df.sparkSession
        stored = quality_store.store_validation(spark, layout, validation, render_html(validation))
        summary = f"{validation.summary()}\nreport: {stored.html_path}\nresults: {stored.json_path}"
        return GateOutcome(
            passed=validation.passed,
            summary=summary,
            warnings=tuple(o.describe_failure() for o in validation.warnings),
            validation=validation,
        )

    def validate(
        self,
        df: DataFrame,
        *,
        table: TableSpec,
        contract: DatasetContract,
        layout: LakeLayout | None,
        run_id: str,
        now: datetime,
    ) -> Validation:
        """Run ``table``'s suite on ``df`` and store nothing (``gluelake validate`` uses this).
        Related tables a cross-table expectation joins are read from ``layout``; without
        one, such a suite is a ConfigError naming the tables it needs."""
        from gluelake.io import quality_store
        from gluelake.quality.engine import validate

        suite = self._suites.get(table.name)
        if suite is None or suite.table.zone != table.zone:
            raise SuiteError(
                f"{table.zone}/{table.name}",
                f"this gate has suites only for {sorted(self._suites)} in its zone",
            )
        related = dict(suite.related)
        if suite.views and layout is None:
            raise ConfigError(
                f"suite {suite.path} of {contract.name}.{table.name} joins "
                f"{list(suite.views)}: give --lake-root, the lake that holds them"
            )
        for view in suite.views:
            assert layout is not None
            quality_store.register_view(
                df.sparkSession, view, layout.table(related[view]), related[view]
            )
        return validate(
            self._runner,
            suite,
            df,
            dataset=contract.name,
            pii={c.name for c in contract.pii_columns},
            run_id=run_id,
            now=now,
        )
