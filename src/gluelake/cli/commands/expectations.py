"""``gluelake expectations init DATASET``: write each zone's baseline suite from the contract."""

from __future__ import annotations

import argparse
from pathlib import Path

from gluelake.cli.options import add_schemas_dir, contract_from


def add_suites_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--suites-dir",
        type=Path,
        default=None,
        help="folder of expectation suites (default: expectations/ of the project)",
    )


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("expectations", help="manage Great Expectations suites")
    commands = p.add_subparsers(dest="expectations_command", metavar="ACTION", required=True)
    init = commands.add_parser(
        "init",
        help="write baseline suites for every zone of a dataset from its contract",
        description=(
            "Writes expectations/<zone>/<table>.json for each gated table of DATASET. "
            "Expectations generated from the contract are replaced; hand-written ones "
            "(business rules, without meta.origin = contract) are kept."
        ),
    )
    init.add_argument("dataset")
    add_schemas_dir(init)
    add_suites_dir(init)
    init.set_defaults(handler=handle_init)


def handle_init(args: argparse.Namespace) -> int:
    from gluelake.contracts.model import ZONES
    from gluelake.paths import default_suites_dir
    from gluelake.quality.baseline import hand_written, kept_reads, render, suite_document
    from gluelake.quality.suites import gated_tables, suite_path

    contract = contract_from(args)
    suites_dir: Path = args.suites_dir or default_suites_dir()
    for zone in (z for z in ZONES if contract.has_zone(z)):
        for table in gated_tables(contract, zone):
            path = suite_path(suites_dir, table)
            text = path.read_text(encoding="utf-8") if path.exists() else None
            kept = hand_written(text) if text else []
            doc = suite_document(contract, table, keep=kept, reads=kept_reads(text) if text else [])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render(doc), encoding="utf-8")
            baseline = len(doc["expectations"]) - len(kept)
            print(f"wrote {path} ({baseline} from the contract, {len(kept)} kept)")
    return 0
