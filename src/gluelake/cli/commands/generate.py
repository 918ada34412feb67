"""``gluelake generate``: deterministic raw sample data with realistic flaws."""

from __future__ import annotations

import argparse

from gluelake import logs
from gluelake.cli.options import add_lake_root, add_schemas_dir, contracts_from
from gluelake.generate.assessments import assessment_lines
from gluelake.generate.emissions import activity_lines, factor_lines
from gluelake.generate.retail import category_lines, product_lines, sale_lines
from gluelake.io.layout import LakeLayout
from gluelake.io.raw_files import write_batch

log = logs.get_logger(__name__)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "generate",
        help="write seeded sample raw data (emissions, factors, assessments, retail sales)",
    )
    add_lake_root(p)
    add_schemas_dir(p)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--activities", type=int, default=5000, help="emission activity records")
    p.add_argument("--assessments", type=int, default=2000, help="assessment records")
    p.add_argument("--sales", type=int, default=2000, help="retail sale lines")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    contracts = contracts_from(args)
    layout = LakeLayout.at(args.lake_root)
    for batch in (
        factor_lines(),
        activity_lines(args.seed, args.activities),
        assessment_lines(args.seed, args.assessments),
        category_lines(),
        product_lines(),
        sale_lines(args.seed, args.sales),
    ):
        files = write_batch(layout, contracts[batch.dataset].source.path, batch)
        logs.event(
            log, "generate.done", dataset=batch.dataset, files=len(files), lines=batch.line_count,
            flaws=dict(sorted(batch.flaws.items())),
        )  # fmt: skip
    return 0
