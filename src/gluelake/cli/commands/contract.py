"""``gluelake contract schema``: the contract format as JSON Schema, for editors.
``gluelake contract lock``: record each contract version's columns in ``schemas/_lock.yaml``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gluelake.cli.options import add_schemas_dir


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("contract", help="the dataset contract format")
    actions = p.add_subparsers(dest="contract_command", metavar="ACTION", required=True)
    schema = actions.add_parser(
        "schema", help="print the JSON Schema of schemas/<dataset>.yaml (generated from the model)"
    )
    schema.add_argument(
        "--check",
        type=Path,
        default=None,
        metavar="FILE",
        help="exit 1 if FILE differs from the generated schema (e.g. schemas/contract.schema.json)",
    )
    schema.set_defaults(handler=handle_schema)
    lock = actions.add_parser(
        "lock",
        help="record each contract version's columns in schemas/_lock.yaml (commit it)",
        description=(
            "Adds an entry to schemas/_lock.yaml for every contract version it does not hold "
            "yet and keeps earlier ones. An entry is never rewritten: a contract whose columns "
            "differ from its version's entry is reported (exit 1), as `gluelake check` does; "
            "bump its version instead."
        ),
    )
    add_schemas_dir(lock)
    lock.set_defaults(handler=handle_lock)


def handle_schema(args: argparse.Namespace) -> int:
    from gluelake.contracts.schema import render

    text = render()
    if args.check is None:
        sys.stdout.write(text)
        return 0
    current = args.check.read_text(encoding="utf-8") if args.check.is_file() else ""
    if current != text:
        print(f"{args.check} is stale: gluelake contract schema > {args.check}", file=sys.stderr)
        return 1
    print(f"{args.check} matches the contract model")
    return 0


def handle_lock(args: argparse.Namespace) -> int:
    from gluelake.contracts.load import load_contracts
    from gluelake.contracts.lock import drift, lock_path, read_lock, render, updated_lock
    from gluelake.paths import default_schemas_dir

    schemas: Path = args.schemas_dir or default_schemas_dir()
    contracts = load_contracts(schemas)
    lock = read_lock(schemas)
    drifts = [d for c in contracts.values() if lock and (d := drift(c, lock)) is not None]
    for d in drifts:
        print(f"error: {d}")
    if drifts:
        return 1
    new, added = updated_lock(contracts, lock)
    path = lock_path(schemas)
    if not added:
        print(f"{path}: up to date ({len(contracts)} contracts)")
        return 0
    path.write_text(render(new), encoding="utf-8")
    print(f"{path}: locked {', '.join(added)}")
    return 0
