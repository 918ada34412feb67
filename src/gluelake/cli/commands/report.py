"""``gluelake report``: a self-contained HTML page for one run or one day of runs."""

from __future__ import annotations

import argparse
from pathlib import Path

from gluelake.cli.options import add_lake_root
from gluelake.errors import ConfigError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "report",
        help="write an HTML page for one run or one day: row funnel, quarantine, gates",
        description="Reads the audit log (no Spark) and writes one self-contained HTML file.",
    )
    add_lake_root(p)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--run-id", default=None, help="one run")
    which.add_argument("--date", default=None, help="every run started that day (UTC), YYYY-MM-DD")
    p.add_argument(
        "--output", type=Path, default=None, help="HTML file (default: reports/<run or date>.html)"
    )
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from gluelake.io.audit_log import AuditLog
    from gluelake.io.layout import LakeLayout
    from gluelake.runs.report import render_report

    log = AuditLog(LakeLayout.at(args.lake_root))
    records = [
        e
        for _, e in log.entries()
        if e is not None
        and (e.get("run_id") == args.run_id if args.run_id else e.get("run_date") == args.date)
    ]
    if not records:
        what = f"run {args.run_id}" if args.run_id else f"runs on {args.date}"
        raise ConfigError(f"no {what} in {log.location}")
    title = f"gluelake run {args.run_id}" if args.run_id else f"gluelake runs on {args.date}"
    out: Path = args.output or Path("reports") / f"{args.run_id or 'runs-' + args.date}.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(title, records), encoding="utf-8")
    print(f"wrote {out} ({len(records)} run(s))")
    return 0
