"""``gluelake check``: static checks of every contract and expectation suite (runs in CI)."""

from __future__ import annotations

import argparse
from pathlib import Path

from gluelake.cli.commands.expectations import add_suites_dir
from gluelake.cli.options import add_schemas_dir


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "check",
        help="verify every contract, suite and Glue job file (reads no data)",
        description=(
            "Loads every dataset contract, every expectation suite and the Glue job "
            "definitions, and checks that each suite names only columns its table has and "
            "only severities critical|warning; with schemas/_lock.yaml, that no contract's "
            "columns changed while its version did not. Reports every problem of every file in one "
            "run. Reads no data. Exit status 1 when anything is wrong."
        ),
    )
    add_schemas_dir(p)
    add_suites_dir(p)
    p.add_argument(
        "--glue-dir",
        type=Path,
        default=None,
        help="Glue definitions (default: glue/ next to the schemas folder)",
    )
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from gluelake.contracts.load import contract_files, load_contract
    from gluelake.deploy.environment import load_deploy_environment
    from gluelake.deploy.glue_config import glue_config_problems
    from gluelake.errors import GluelakeError
    from gluelake.paths import default_schemas_dir, default_suites_dir
    from gluelake.quality.check import check_project

    schemas: Path = args.schemas_dir or default_schemas_dir()
    report = check_project(schemas, args.suites_dir or default_suites_dir())
    problems = [str(p) for p in report.problems]
    # The Glue files belong to the project that holds the schemas folder.
    glue_dir: Path = args.glue_dir or schemas.resolve().parent / "glue"
    glue_files = sorted(glue_dir.glob("*/*.yaml"))
    if glue_files:
        contracts = {}
        for f in contract_files(schemas):
            try:
                c = load_contract(f)
            except GluelakeError:
                continue  # reported above
            contracts[c.name] = c
        problems += glue_config_problems(glue_dir, contracts)
        for env_file in sorted((glue_dir / "environments").glob("*.yaml")):
            try:
                load_deploy_environment(env_file.stem, glue_dir)
            except GluelakeError as exc:
                problems.append(str(exc))
    for problem in problems:
        print(f"error: {problem}")
    print(
        f"checked {len(report.contracts)} contracts, {len(report.suites)} suites and "
        f"{len(glue_files)} Glue files: "
        + ("ok" if not problems else f"{len(problems)} problem(s)")
    )
    return 0 if not problems else 1
