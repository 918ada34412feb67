"""A self-contained HTML page for one validation: opens in any browser, no assets, and
shows only the masked values ``Validation`` already holds."""

from __future__ import annotations

from html import escape

from gluelake.quality.results import ExpectationOutcome, Validation

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:4px 8px;
text-align:left;vertical-align:top;font-size:14px}th{background:#f3f3f3}
.ok{background:#eaf7ea}.critical{background:#fde2e2}.warning{background:#fff4d6}
.verdict{font-size:20px;font-weight:600}code{font-size:13px}
"""


def _row(o: ExpectationOutcome) -> str:
    css = "ok" if o.success else o.severity
    status = "passed" if o.success else ("FAILED" if o.blocking else "warning")
    pct = "" if o.unexpected_percent is None else f"{o.unexpected_percent:.4g}%"
    detail = o.error or ", ".join(o.samples) or (o.observed_value or "")
    cells = [
        status,
        o.severity,
        f"<code>{escape(o.expectation)}</code>",
        escape(o.column_name or "(table)"),
        escape(o.description or ""),
        "" if o.unexpected_count is None else str(o.unexpected_count),
        pct,
        escape(detail),
    ]
    return f'<tr class="{css}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def render_html(v: Validation) -> str:
    verdict = "passed" if v.passed else "FAILED: nothing was published"
    head = ["", "severity", "expectation", "column", "description", "unexpected", "%",
            "unexpected values (masked if PII) / observed"]  # fmt: skip
    ordered = sorted(v.outcomes, key=lambda o: (o.success, not o.blocking))
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{escape(v.suite)} {escape(v.run_id)}</title><style>{_STYLE}</style>",
            "</head><body>",
            f"<h1>Quality report: {escape(v.suite)}</h1>",
            f'<p class="verdict">{escape(verdict)}</p>',
            f"<p>dataset <b>{escape(v.dataset)}</b>, zone <b>{escape(v.zone)}</b>, "
            f"table <b>{escape(v.table)}</b>, run <code>{escape(v.run_id)}</code>, "
            f"validated {escape(v.validated_at.isoformat())}, {v.row_count} rows; "
            f"{len(v.outcomes)} expectations, {len(v.failures)} critical failed, "
            f"{len(v.warnings)} warnings</p>",
            "<table><thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead>",
            "<tbody>",
            *(_row(o) for o in ordered),
            "</tbody></table></body></html>",
            "",
        ]
    )
