"""``gluelake contract schema``: the contract format as JSON Schema, for editors."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


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
