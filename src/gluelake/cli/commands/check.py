"""``gluelake check``: static checks of every contract and expectation suite (runs in CI)."""

from __future__ import annotations

import argparse
from pathlib import Path

from gluelake.cli.commands.expectations import add_suites_dir
from gluelake.cli.options import add_schemas_dir


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "check",
        help="verify every contract and suite loads and names only existing columns",
        description=(
            "Loads every dataset contract and every expectation suite, and checks that each "
            "suite names only columns its table has and only severities critical|warning. "
            "Reads no data. Exit status 1 when anything is wrong."
        ),
    )
    add_schemas_dir(p)
    add_suites_dir(p)
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from gluelake.paths import default_schemas_dir, default_suites_dir
    from gluelake.quality.check import check_project

    schemas: Path = args.schemas_dir or default_schemas_dir()
    report = check_project(schemas, args.suites_dir or default_suites_dir())
    for problem in report.problems:
        print(f"error: {problem}")
    print(
        f"checked {len(report.contracts)} contracts and {len(report.suites)} suites: "
        + ("ok" if report.ok else f"{len(report.problems)} problem(s)")
    )
    return 0 if report.ok else 1
