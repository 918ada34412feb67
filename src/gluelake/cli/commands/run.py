"""``gluelake run STAGE``: run one stage in this process (what the job scripts do)."""

from __future__ import annotations

import argparse

from gluelake.paths import script_version
from gluelake.runtime.job import STAGES, main


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "run",
        help="run one stage (raw_to_bronze, bronze_to_silver, silver_to_gold) for a dataset",
        description="Takes the same arguments as the job scripts, e.g. "
        "`gluelake run raw_to_bronze --dataset emissions --lake-root lake/demo`.",
    )
    p.add_argument("stage", choices=sorted(STAGES))
    p.add_argument("job_args", nargs=argparse.REMAINDER, help="--dataset NAME --lake-root PATH ...")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from gluelake import __version__

    # Stamp the same job version the script would, so lineage does not depend on the runner.
    return main(args.stage, script_version(args.stage) or __version__, args.job_args)
