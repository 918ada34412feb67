"""``gluelake query FILE_OR_SQL``: run Athena SQL against a local lake."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gluelake.cli.options import add_environments, add_lake_root, add_schemas_dir, contracts_from
from gluelake.cli.output import add_output_options
from gluelake.errors import AthenaError, ConfigError


def _query(args: argparse.Namespace) -> int:
    from gluelake.athena.environments import load_environments, select_environment
    from gluelake.athena.runner import read_query, register_lake, run_query
    from gluelake.cli.output import emit
    from gluelake.session import build_local_session

    query = read_query(args.file_or_sql)
    environments = load_environments(args.environments)
    target = select_environment(environments, args.env)
    if "://" not in args.lake_root and not Path(args.lake_root).is_dir():
        raise ConfigError(f"lake root {args.lake_root} does not exist: run `make demo` first")
    spark = build_local_session()
    registered = register_lake(spark, target, contracts_from(args), args.lake_root)
    if args.verbose:
        for r in registered:
            state = "registered" if r.registered else f"skipped: {r.reason}"
            print(f"{r.table.database}.{r.table.name}: {state}", file=sys.stderr)
    try:
        df = run_query(spark, query, environments, target)
    except AthenaError:
        skipped = [r for r in registered if not r.registered]
        for r in skipped:  # the usual cause of a missing table: that stage has not run yet
            print(
                f"not registered: {r.table.database}.{r.table.name} ({r.reason})", file=sys.stderr
            )
        raise
    return emit(df, args)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "query",
        help="run Athena (Trino) SQL locally: transpiled to Spark SQL over the local lake",
    )
    p.add_argument("file_or_sql", metavar="FILE_OR_SQL", help="a .sql file or the query text")
    add_lake_root(p)
    p.add_argument(
        "--env",
        default="local",
        help="environment whose database names the lake is registered under (default: local); "
        "database names of every environment in the query are mapped to it",
    )
    add_output_options(p)
    p.add_argument("--verbose", action="store_true", help="list the registered tables")
    add_environments(p)
    add_schemas_dir(p)
    p.set_defaults(handler=_query, spark=True)
