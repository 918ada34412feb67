"""``gluelake generate``: deterministic raw sample data with realistic flaws, from the
generators in the project's ``samples/`` folder (one ``--<option> N`` per generator)."""

from __future__ import annotations

import argparse

from gluelake import logs
from gluelake.cli.options import add_lake_root, add_schemas_dir, contracts_from
from gluelake.errors import ConfigError
from gluelake.generate.samples import SampleGenerator, load_generators
from gluelake.io.layout import LakeLayout
from gluelake.io.raw_files import write_batch
from gluelake.paths import default_samples_dir

log = logs.get_logger(__name__)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    try:
        generators, problem = load_generators(default_samples_dir()), None
    except ConfigError as exc:  # reported when `generate` runs, not by every command
        generators, problem = (), exc
    p = sub.add_parser(
        "generate",
        help="write seeded sample raw data for the sample datasets (samples/)",
        description=(
            "Writes raw files with realistic flaws for every sample generator in samples/; "
            "the same seed writes the same bytes."
        ),
    )
    add_lake_root(p)
    add_schemas_dir(p)
    p.add_argument("--seed", type=int, default=7)
    for g in generators:
        p.add_argument(f"--{g.option}", type=int, default=g.default, help=g.help)
    p.set_defaults(handler=handle, generators=generators, problem=problem)


def handle(args: argparse.Namespace) -> int:
    if args.problem is not None:
        raise args.problem
    contracts = contracts_from(args)
    layout = LakeLayout.at(args.lake_root)
    generators: tuple[SampleGenerator, ...] = args.generators
    for g in generators:
        for batch in g.batches(args.seed, getattr(args, g.option)):
            files = write_batch(layout, contracts[batch.dataset].source.path, batch)
            logs.event(
                log, "generate.done", dataset=batch.dataset, files=len(files),
                lines=batch.line_count, flaws=dict(sorted(batch.flaws.items())),
            )  # fmt: skip
    return 0
