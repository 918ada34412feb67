"""``gluelake maintain``: compact small files and vacuum old ones, per the contracts."""

from __future__ import annotations

import argparse

from gluelake.cli.options import add_lake_root, add_schemas_dir, contracts_from
from gluelake.errors import ConfigError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "maintain",
        help="compact small files (Delta OPTIMIZE, gold partitions) and vacuum per retention",
        description="Compacts every table of the datasets (Delta OPTIMIZE on bronze, silver, "
        "quarantine and raw-file state; gold Parquet partitions rewritten to the target "
        "size) and vacuums each Delta table with its zone's retention from the contract "
        "(retention.<zone>.days), never under Delta's safe minimum of 168 h unless --force. "
        "Rows never change. Exit 0 when done, 2 otherwise.",
    )
    add_lake_root(p)
    add_schemas_dir(p)
    p.add_argument(
        "--dataset", action="append", default=[], help="dataset to maintain (repeatable; "
        "default: every dataset with a contract)",
    )  # fmt: skip
    p.add_argument(
        "--target-file-mb", type=int, default=128, help="target file size in MiB (default 128)"
    )
    p.add_argument(
        "--retain-hours", type=int, default=None,
        help="vacuum retention for every table instead of the contracts' (hours)",
    )  # fmt: skip
    p.add_argument(
        "--force", action="store_true",
        help="allow a vacuum retention under 168 h (only when no job runs on the tables)",
    )  # fmt: skip
    p.add_argument("--no-vacuum", action="store_true", help="compact only")
    p.add_argument("--no-compact", action="store_true", help="vacuum only")
    p.set_defaults(handler=handle, spark=True)


def handle(args: argparse.Namespace) -> int:
    from gluelake.contracts import find_contract
    from gluelake.io.layout import LakeLayout
    from gluelake.pipelines.maintain import MaintainOptions, maintain
    from gluelake.session import build_local_session

    if args.target_file_mb < 1:
        raise ConfigError(f"--target-file-mb: expected at least 1, found {args.target_file_mb}")
    if args.retain_hours is not None and args.retain_hours < 0:
        raise ConfigError(f"--retain-hours: expected 0 or more, found {args.retain_hours}")
    contracts = contracts_from(args)
    source = args.schemas_dir or "schemas/"
    chosen = (
        [find_contract(contracts, name, source=source) for name in args.dataset]
        if args.dataset
        else [contracts[name] for name in sorted(contracts)]
    )
    options = MaintainOptions(
        target_bytes=args.target_file_mb * 1024 * 1024, retain_hours=args.retain_hours,
        force=args.force, compact=not args.no_compact, vacuum=not args.no_vacuum,
    )  # fmt: skip
    done = maintain(build_local_session(), LakeLayout.at(args.lake_root), chosen, options)
    print(f"{'dataset':<18} {'table':<36} {'files':>14}  {'retain':>8}  vacuumed")
    for t in done:
        files = f"{t.files_before} -> {t.files_after}"
        retain = "-" if t.retain_hours is None else f"{t.retain_hours} h"
        name = f"{t.zone}.{t.table}"
        print(f"{t.dataset:<18} {name:<36} {files:>14}  {retain:>8}  {t.vacuumed}")
    if not done:
        print(f"no tables found under {args.lake_root}")
    return 0
