"""``gluelake show``: print rows of a lake table (any zone)."""

from __future__ import annotations

import argparse

from gluelake.cli.options import add_lake_root, add_schemas_dir, contract_from
from gluelake.cli.output import add_output_options, emit
from gluelake.contracts.tables import TableSpec, dataset_tables
from gluelake.errors import ConfigError
from gluelake.io.layout import LakeLayout
from gluelake.io.tables import read_table
from gluelake.session import build_local_session

ZONES = ("bronze", "silver", "gold")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "show",
        help="print rows of a table of the local lake (e.g. a gold aggregate)",
        description="Prints rows of one table of DATASET, ordered by its partitions and first "
        "columns, without lineage columns. A name several zones share (e.g. the bronze and "
        "silver table of a dataset) needs --zone.",
    )
    add_lake_root(p)
    add_schemas_dir(p)
    p.add_argument("--dataset", required=True)
    p.add_argument("--table", required=True, help="table name, e.g. emissions_monthly")
    p.add_argument("--zone", choices=ZONES, default=None, help="zone of the table")
    p.add_argument("--where", default=None, help='Spark SQL filter, e.g. "year = 2025"')
    add_output_options(p)
    p.set_defaults(handler=handle, spark=True)


def pick_table(tables: list[TableSpec], name: str, zone: str | None, dataset: str) -> TableSpec:
    """The one table named ``name`` (in ``zone``); ConfigError lists what exists."""
    named = [t for t in tables if t.name == name and (zone is None or t.zone == zone)]
    if len(named) == 1:
        return named[0]
    known = sorted(f"{t.zone}.{t.name}" for t in tables)
    if not named:
        where = f" in {zone}" if zone else ""
        raise ConfigError(f"dataset {dataset!r} has no table {name!r}{where}; tables: {known}")
    zones = sorted(t.zone for t in named)
    raise ConfigError(f"table {name!r} of {dataset!r} exists in {zones}: give --zone")


def handle(args: argparse.Namespace) -> int:
    contract = contract_from(args)
    spec = pick_table(dataset_tables(contract), args.table, args.zone, args.dataset)
    spark = build_local_session()
    df = read_table(spark, LakeLayout.at(args.lake_root).table(spec), spec)
    if args.where:
        df = df.where(args.where)
    lineage = [c for c in df.columns if c.startswith("_")]
    keys = [c.name for c in spec.partitions] + [c.name for c in spec.columns[:3]]
    return emit(df.drop(*lineage).orderBy(*keys), args)
