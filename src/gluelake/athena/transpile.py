"""Athena (Trino) SQL -> Spark SQL with sqlglot, retargeting database names of any
environment to the ones the local catalog uses."""

from __future__ import annotations

from collections.abc import Mapping

import sqlglot
from sqlglot import exp

from gluelake.athena.environments import CATALOG_ZONES, Environment
from gluelake.errors import AthenaError


def database_map(environments: Mapping[str, Environment], target: Environment) -> dict[str, str]:
    """Every environment's zone database -> ``target``'s database of the same zone."""
    return {
        env.database(zone): target.database(zone)
        for env in environments.values()
        for zone in CATALOG_ZONES
    }


def parse_query(sql: str, source: str = "query") -> exp.Query:
    """Exactly one read-only query (SELECT / WITH ... SELECT / set operation)."""
    try:
        trees = [t for t in sqlglot.parse(sql, read="athena") if t is not None]
    except sqlglot.errors.ParseError as exc:
        raise AthenaError(f"{source}: not valid Athena SQL: {exc}") from None
    if len(trees) != 1:
        raise AthenaError(f"{source}: expected one query, found {len(trees)} statements")
    tree = trees[0]
    if not isinstance(tree, exp.Query):
        raise AthenaError(f"{source}: expected a SELECT query, found {tree.key.upper()}")
    return tree


def to_spark_sql(sql: str, databases: Mapping[str, str], source: str = "query") -> str:
    """The query in Spark SQL, with database names mapped through ``databases``."""
    tree = parse_query(sql, source)
    for table in tree.find_all(exp.Table):
        db = table.args.get("db")
        if isinstance(db, exp.Identifier) and db.name in databases:
            table.set("db", exp.to_identifier(databases[db.name]))
    return tree.sql(dialect="spark", pretty=True)
