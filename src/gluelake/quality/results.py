"""What one validation found, in a form people and tables can read. Sample values are
masked here already (see ``masking``): nothing downstream ever sees a raw PII value."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

CRITICAL = "critical"


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation: str  # GX type, e.g. expect_column_values_to_not_be_null
    columns: tuple[str, ...]  # columns of the table it checks; () for table-level checks
    severity: str  # critical | warning
    success: bool
    element_count: int | None = None
    unexpected_count: int | None = None
    unexpected_percent: float | None = None
    observed_value: str | None = None  # JSON text, masked for PII columns
    samples: tuple[str, ...] = ()  # a few unexpected values, masked for PII columns
    description: str | None = None
    error: str | None = None  # why the expectation could not be evaluated

    @property
    def column_name(self) -> str | None:
        return ",".join(self.columns) or None

    @property
    def blocking(self) -> bool:
        return not self.success and self.severity == CRITICAL

    @property
    def label(self) -> str:
        """Expectation and column(s), e.g. ``expect_column_values_to_not_be_null(tenant_id)``."""
        return f"{self.expectation}({self.column_name or 'table'})"

    def describe_failure(self) -> str:
        parts = [f"{self.severity.upper():8} {self.label}"]
        if self.description:
            parts.append(f'"{self.description}"')
        if self.error:
            parts.append(f"error: {self.error}")
        elif self.unexpected_count is not None:
            pct = "" if self.unexpected_percent is None else f" ({self.unexpected_percent:.4g}%)"
            parts.append(f"unexpected {self.unexpected_count}{pct}")
        if self.observed_value is not None and self.unexpected_count is None:
            parts.append(f"observed {self.observed_value}")
        if self.samples:
            parts.append("e.g. " + ", ".join(self.samples))
        return "  ".join(parts)


@dataclass(frozen=True)
class Validation:
    """One suite run against one DataFrame."""

    run_id: str
    zone: str
    dataset: str
    table: str
    suite: str
    validated_at: datetime  # UTC
    row_count: int
    outcomes: tuple[ExpectationOutcome, ...]

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def failures(self) -> tuple[ExpectationOutcome, ...]:
        return tuple(o for o in self.outcomes if o.blocking)

    @property
    def warnings(self) -> tuple[ExpectationOutcome, ...]:
        return tuple(o for o in self.outcomes if not o.success and not o.blocking)

    def headline(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        return (
            f"{self.suite} {verdict} on {self.row_count} rows (run {self.run_id}): "
            f"{len(self.outcomes)} expectations, {len(self.failures)} critical failed, "
            f"{len(self.warnings)} warnings"
        )

    def summary(self) -> str:
        """Headline, then one line per failed expectation (critical first)."""
        lines = [self.headline()]
        lines += [f"  {o.describe_failure()}" for o in (*self.failures, *self.warnings)]
        return "\n".join(lines)

    def result_rows(self) -> list[tuple[object, ...]]:
        """Rows of the quality-results table, in its column order (partitions last)."""
        day = self.validated_at.strftime("%Y-%m-%d")
        return [
            (
                self.run_id,
                self.zone,
                self.suite,
                o.expectation,
                o.column_name,
                o.severity,
                o.success,
                o.element_count,
                o.unexpected_count,
                o.unexpected_percent,
                o.observed_value,
                self.validated_at,
                self.dataset,
                day,
            )
            for o in self.outcomes
        ]

    def to_json(self) -> str:
        doc = {
            "run_id": self.run_id,
            "zone": self.zone,
            "dataset": self.dataset,
            "table": self.table,
            "suite": self.suite,
            "validated_at": self.validated_at.isoformat(),
            "row_count": self.row_count,
            "success": self.passed,
            "statistics": {
                "evaluated": len(self.outcomes),
                "successful": sum(o.success for o in self.outcomes),
                "critical_failed": len(self.failures),
                "warnings": len(self.warnings),
            },
            "results": [
                {
                    "expectation": o.expectation,
                    "column": o.column_name,
                    "severity": o.severity,
                    "success": o.success,
                    "description": o.description,
                    "element_count": o.element_count,
                    "unexpected_count": o.unexpected_count,
                    "unexpected_percent": o.unexpected_percent,
                    "observed_value": o.observed_value,
                    "unexpected_samples": list(o.samples),
                    "error": o.error,
                }
                for o in self.outcomes
            ],
        }
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
