"""A validation as a plain-text table for terminals and CI logs."""

from __future__ import annotations

from gluelake.quality.results import ExpectationOutcome, Validation

_HEAD = ("status", "severity", "expectation", "column", "unexpected", "%", "examples")
_MAX_CELL = 60


def _cells(o: ExpectationOutcome) -> tuple[str, ...]:
    status = "ok" if o.success else ("FAILED" if o.blocking else "warn")
    pct = "" if o.unexpected_percent is None else f"{o.unexpected_percent:.4g}"
    detail = o.error or ", ".join(o.samples)
    if not detail and not o.success and o.observed_value is not None:
        detail = f"observed {o.observed_value}"
    detail = detail if len(detail) <= _MAX_CELL else detail[: _MAX_CELL - 1] + "…"
    count = "" if o.unexpected_count is None else str(o.unexpected_count)
    return (status, o.severity, o.expectation, o.column_name or "(table)", count, pct, detail)


def render_outcomes(v: Validation) -> str:
    rows = [_HEAD, *(_cells(o) for o in v.outcomes)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(_HEAD))]
    lines = [v.headline()]
    lines += [
        "  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]
    return "\n".join(lines)
