"""``gluelake catalog sync``: the Glue Data Catalog from the contracts."""

from __future__ import annotations

import argparse

from botocore.exceptions import BotoCoreError

from gluelake.cli.options import add_environments, add_schemas_dir, contracts_from
from gluelake.errors import CatalogError


def _sync(args: argparse.Namespace) -> int:
    from gluelake.athena.definitions import athena_tables
    from gluelake.athena.environments import environment
    from gluelake.catalog.clients import glue_client
    from gluelake.catalog.glue_sync import sync_catalog

    env = environment(args.env, args.environments)
    tables = athena_tables(env, contracts_from(args))
    glue = glue_client(env, args.endpoint_url)
    try:
        changes = sync_catalog(glue, env, tables, dry_run=args.dry_run)
    except BotoCoreError as exc:  # no credentials, endpoint unreachable, ...
        raise CatalogError(f"Glue Data Catalog of {env.name} ({env.region}): {exc}") from None
    for change in changes:
        print(change)
    counts: dict[str, int] = {}
    for change in changes:
        counts[change.action] = counts.get(change.action, 0) + 1
    summary = ", ".join(f"{n} {a}" for a, n in sorted(counts.items()))
    print(f"{'plan' if args.dry_run else 'catalog sync'} for {env.name}: {summary}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    catalog = sub.add_parser("catalog", help="Glue Data Catalog")
    cmds = catalog.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)
    sync = cmds.add_parser("sync", help="create or update the zone databases and every table")
    sync.add_argument("--env", required=True, help="environment (athena/environments.yaml)")
    sync.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    sync.add_argument("--endpoint-url", default=None, help="AWS endpoint (e.g. a moto server)")
    add_environments(sync)
    add_schemas_dir(sync)
    sync.set_defaults(handler=_sync)
