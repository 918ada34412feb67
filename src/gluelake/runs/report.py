"""A self-contained HTML page about one run or one day of runs: the row funnel from raw to
gold as an inline SVG chart, quarantine reasons, gate outcomes with links to the quality
reports. No scripts, no external assets: the page can be mailed or archived as is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

_CSS = """body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}
td,th{border:1px solid #ccc;padding:.25rem .6rem;text-align:right}th{background:#f3f3f3}
td.l,th.l{text-align:left}.failed,.blocked{color:#b00020}
.succeeded{color:#137333}"""


def funnel(records: Sequence[Mapping[str, Any]]) -> list[tuple[str, int]]:
    """(step, rows) from raw to gold for one dataset's runs, latest run of each stage."""
    latest = {r["stage"]: r for r in records}
    steps: list[tuple[str, int]] = []
    if (b := latest.get("raw_to_bronze")) is not None:
        steps += [("raw records read", b["rows_read"]), ("bronze accepted", b["accepted"])]
    if (s := latest.get("bronze_to_silver")) is not None:
        steps += [("silver accepted", s["accepted"])]
    if (g := latest.get("silver_to_gold")) is not None:
        steps += [("gold rows", g["rows_in_table"])]
    return steps


def funnel_svg(steps: Sequence[tuple[str, int]], title: str) -> str:
    width, bar_h, label_w = 640, 26, 170
    top = max((n for _, n in steps), default=0) or 1
    rows = []
    for i, (label, n) in enumerate(steps):
        y = 24 + i * (bar_h + 8)
        w = max(1, round((width - label_w - 80) * n / top))
        rows.append(
            f'<text x="0" y="{y + 18}" font-size="13">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="#4a7bd0"/>'
            f'<text x="{label_w + w + 6}" y="{y + 18}" font-size="13">{n:,}</text>'
        )
    height = 24 + len(steps) * (bar_h + 8)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f'<text x="0" y="14" font-size="14" font-weight="bold">{escape(title)}</text>'
        + "".join(rows)
        + "</svg>"
    )


def _runs_table(records: Sequence[Mapping[str, Any]]) -> str:
    head = ("seq", "stage", "dataset", "status", "started", "seconds", "read", "accepted",
            "quarantined", "duplicates", "inserted", "updated", "deleted", "reconciled",
    )  # fmt: skip
    out = ["<table><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>"]
    for r in records:
        cells = [
            str(r.get("seq", "")), escape(r["stage"]), escape(r["dataset"]),
            f'<span class="{escape(r["status"])}">{escape(r["status"])}</span>',
            escape(r["started_at"]), f"{r['duration_seconds']:.1f}", f"{r['rows_read']:,}",
            f"{r['accepted']:,}", f"{r['quarantined']:,}", f"{r['duplicates_dropped']:,}",
            f"{r['inserted']:,}", f"{r['updated']:,}", f"{r['deleted']:,}",
            "yes" if r["reconciled"] else "no",
        ]  # fmt: skip
        out.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        if r.get("error"):
            out.append(
                f'<tr><td class="l failed" colspan="{len(head)}">{escape(r["error"])}</td></tr>'
            )
    return "".join(out) + "</table>"


def _reasons(records: Sequence[Mapping[str, Any]]) -> str:
    rows = [
        (r["stage"], r["dataset"], q["reason"], q["row_count"])
        for r in records
        for q in r.get("quarantine_reasons", [])
    ]
    if not rows:
        return "<p>No rows quarantined.</p>"
    body = "".join(
        f'<tr><td class="l">{escape(s)}</td><td class="l">{escape(d)}</td>'
        f'<td class="l">{escape(reason)}</td><td>{n:,}</td></tr>'
        for s, d, reason, n in rows
    )
    return (
        '<table><tr><th class="l">stage</th><th class="l">dataset</th>'
        f'<th class="l">reason</th><th>rows</th></tr>{body}</table>'
    )


def _gates(records: Sequence[Mapping[str, Any]]) -> str:
    rows = [(r, g) for r in records for g in r.get("gates", [])]
    if not rows:
        return "<p>No quality gate ran.</p>"
    body = []
    for r, g in rows:
        link = f'<a href="{escape(_href(g["report"]))}">report</a>' if g.get("report") else "none"
        outcome = "passed" if g["passed"] else "failed"
        body.append(
            f'<tr><td class="l">{escape(r["stage"])}</td><td class="l">{escape(g["zone"])}.'
            f'{escape(g["name"])}</td><td class="l {"succeeded" if g["passed"] else "failed"}">'
            f"{outcome}</td><td>{g['expectations']}</td><td>{g['failed']}</td>"
            f'<td>{g["warnings"]}</td><td class="l">{link}</td></tr>'
        )
    return (
        '<table><tr><th class="l">stage</th><th class="l">table</th><th class="l">outcome</th>'
        '<th>expectations</th><th>failed</th><th>warnings</th><th class="l">details</th></tr>'
        + "".join(body)
        + "</table>"
    )


def _href(location: str) -> str:
    return location if "://" in location else f"file://{location}"


def render_report(title: str, records: Sequence[Mapping[str, Any]]) -> str:
    ordered = sorted(records, key=lambda r: int(r.get("seq", 0)))
    by_dataset: dict[str, list[Mapping[str, Any]]] = {}
    for r in ordered:
        by_dataset.setdefault(str(r["dataset"]), []).append(r)
    charts = "".join(
        f"<figure>{funnel_svg(steps, f'{name}: rows from raw to gold')}</figure>"
        for name, runs in sorted(by_dataset.items())
        if (steps := funnel(runs))
    )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
        f"</title><style>{_CSS}</style></head><body><h1>{escape(title)}</h1>"
        f"<h2>Row funnel</h2>{charts or '<p>No counts recorded.</p>'}"
        f"<h2>Runs</h2>{_runs_table(ordered)}"
        f"<h2>Quarantine reasons</h2>{_reasons(ordered)}"
        f"<h2>Quality gates</h2>{_gates(ordered)}</body></html>\n"
    )
