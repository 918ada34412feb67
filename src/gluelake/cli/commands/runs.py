"""``gluelake runs``: recent runs from the lake's audit log, newest last."""

from __future__ import annotations

import argparse

from gluelake.cli.options import add_lake_root

_HEADER = (
    f"{'seq':>5}  {'started (UTC)':<19}  {'stage':<16}  {'dataset':<16}  {'status':<9}  "
    f"{'secs':>7}  {'read':>8}  {'accepted':>8}  {'quar':>6}  {'dups':>6}  "
    f"{'ins':>7}  {'upd':>7}  {'del':>6}"
)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "runs",
        help="list recent runs (status, row counts, durations) from the audit log",
        description="Reads <lake>/_runs/log/ (no Spark). Newest last.",
    )
    add_lake_root(p)
    p.add_argument("--dataset", default=None, help="only this dataset")
    p.add_argument("--stage", default=None, help="only this stage")
    p.add_argument("--status", default=None, choices=["succeeded", "blocked", "failed"])
    p.add_argument("--limit", type=int, default=20, help="how many runs (default 20)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from gluelake.io.audit_log import AuditLog
    from gluelake.io.layout import LakeLayout

    log = AuditLog(LakeLayout.at(args.lake_root))
    picked = []
    for _, entry in log.entries():
        if entry is None:
            continue
        if any(
            want is not None and entry.get(key) != want
            for key, want in (
                ("dataset", args.dataset), ("stage", args.stage), ("status", args.status)
            )
        ):  # fmt: skip
            continue
        picked.append(entry)
    picked = picked[-args.limit :] if args.limit > 0 else picked
    if not picked:
        print(f"no runs recorded under {log.location}")
        return 0
    print(_HEADER)
    for e in picked:
        started = str(e.get("started_at", ""))[:19].replace("T", " ")
        print(
            f"{e.get('seq', ''):>5}  {started:<19}  {e.get('stage', ''):<16}  "
            f"{e.get('dataset', ''):<16}  {e.get('status', ''):<9}  "
            f"{e.get('duration_seconds', 0):>7.1f}  {e.get('rows_read', 0):>8}  "
            f"{e.get('accepted', 0):>8}  {e.get('quarantined', 0):>6}  "
            f"{e.get('duplicates_dropped', 0):>6}  {e.get('inserted', 0):>7}  "
            f"{e.get('updated', 0):>7}  {e.get('deleted', 0):>6}"
        )
        if e.get("error"):
            print(f"       error: {e['error']}")
    return 0
