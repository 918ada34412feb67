"""``gluelake show``: print rows of a lake table (gold by default)."""

from __future__ import annotations

import argparse

from gluelake.cli.options import add_lake_root, add_schemas_dir, contract_from
from gluelake.contracts.tables import dataset_tables
from gluelake.errors import ConfigError
from gluelake.io.layout import LakeLayout
from gluelake.io.tables import read_table
from gluelake.session import build_local_session


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("show", help="print a table of the local lake (e.g. a gold aggregate)")
    add_lake_root(p)
    add_schemas_dir(p)
    p.add_argument("--dataset", required=True)
    p.add_argument("--table", required=True, help="table name, e.g. emissions_monthly")
    p.add_argument("--where", default=None, help='Spark SQL filter, e.g. "year = 2025"')
    p.add_argument("--limit", type=int, default=20)
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    contract = contract_from(args)
    specs = {t.name: t for t in dataset_tables(contract)}
    spec = specs.get(args.table)
    if spec is None:
        raise ConfigError(
            f"dataset {args.dataset!r} has no table {args.table!r}; tables: {sorted(specs)}"
        )
    spark = build_local_session()
    df = read_table(spark, LakeLayout.at(args.lake_root).table(spec), spec)
    if args.where:
        df = df.where(args.where)
    lineage = [c for c in df.columns if c.startswith("_")]
    keys = [c.name for c in spec.partitions] + [c.name for c in spec.columns[:3]]
    df.drop(*lineage).orderBy(*keys).show(args.limit, truncate=False)
    return 0
