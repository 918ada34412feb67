"""``gluelake audit verify``: check the lake's hash-chained run log."""

from __future__ import annotations

import argparse

from gluelake.cli.options import add_lake_root


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "audit",
        help="verify the hash-chained audit log of run records",
        description="Commands on the audit log at <lake>/_runs/log/.",
    )
    audit_sub = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    v = audit_sub.add_parser(
        "verify",
        help="check every entry's hash and link; report the first broken, missing or reordered one",
        description="Exit 0 when the chain is intact, 1 when an entry was edited, deleted or "
        "reordered (the data failed a validation), 2 when the log cannot be read.",
    )
    add_lake_root(v)
    v.set_defaults(handler=verify)


def verify(args: argparse.Namespace) -> int:
    from gluelake.io.audit_log import AuditLog
    from gluelake.io.layout import LakeLayout
    from gluelake.runs.chain import verify as verify_chain

    log = AuditLog(LakeLayout.at(args.lake_root))
    result = verify_chain(log.entries())
    if result.problem is not None:
        print(f"BROKEN at {log.where(result.problem.position)}: {result.problem}")
        print(f"{result.entries} entries verified before it")
        return 1
    print(f"ok: {result.entries} entries, chain intact; head {result.head}")
    return 0
