"""``gluelake athena ddl|lint|apply``: generate the DDL, lint projections, submit DDL."""

from __future__ import annotations

import argparse
from pathlib import Path

from botocore.exceptions import BotoCoreError

from gluelake.athena.ddl import ddl_files, stale_ddl, write_ddl
from gluelake.athena.environments import environment, load_environments
from gluelake.athena.lint import lint_tables, read_ddl_dir
from gluelake.cli.options import add_environments, add_lake_root, add_schemas_dir, contracts_from
from gluelake.errors import CatalogError, ConfigError
from gluelake.paths import default_ddl_dir


def _add_ddl_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ddl-dir", type=Path, default=None, help="DDL folder (default: athena/ddl)"
    )


def _ddl(args: argparse.Namespace) -> int:
    out = args.ddl_dir or default_ddl_dir()
    files = ddl_files(load_environments(args.environments).values(), contracts_from(args))
    if args.check:
        problems = stale_ddl(out, files)
        for problem in problems:
            print(problem)
        if problems:
            print(f"{len(problems)} DDL file(s) out of date: run `make ddl` and commit the result")
            return 1
        print(f"{len(files)} DDL files match the contracts")
        return 0
    written = write_ddl(out, files)
    print(f"{len(files)} DDL files in {out} ({len(written)} changed)")
    return 0


def _lint(args: argparse.Namespace) -> int:
    env = environment(args.env, args.environments)
    ddl_dir = args.ddl_dir or default_ddl_dir()
    tables = read_ddl_dir(ddl_dir, env.databases)
    if not tables:
        raise ConfigError(f"no DDL for environment {env.name!r} under {ddl_dir}: run `make ddl`")
    local = None if args.no_lake else Path(args.lake_root)
    if local is not None and not local.is_dir():
        raise ConfigError(
            f"lake root {local} does not exist: run `make demo`, or pass --no-lake "
            "to check only the projection settings"
        )
    report = lint_tables(tables, env.lake_root, local)
    for issue in report.issues:
        print(issue)
    checked = "no lake" if local is None else f"{report.partitions} partition(s) under {local}"
    status = f"{len(report.issues)} problem(s)" if report.issues else "ok"
    print(f"athena lint: {report.tables} table(s) of {env.name}, {checked}: {status}")
    return 1 if report.issues else 0


def _apply(args: argparse.Namespace) -> int:
    from gluelake.catalog.athena_apply import apply_ddl, ddl_statements
    from gluelake.catalog.clients import athena_client

    env = environment(args.env, args.environments)
    statements = ddl_statements(env, args.ddl_dir or default_ddl_dir())
    if args.dry_run:
        for st in statements:
            print(f"-- {st.description}\n{st.sql};\n")
        print(f"dry run: {len(statements)} statement(s) for workgroup {env.athena_workgroup}")
        return 0
    client = athena_client(env, args.endpoint_url)
    try:
        results = apply_ddl(client, env, statements, timeout_seconds=args.timeout)
    except BotoCoreError as exc:  # no credentials, endpoint unreachable, ...
        raise CatalogError(f"Athena in {env.name} ({env.region}): {exc}") from None
    for r in results:
        reason = f": {r.reason}" if r.reason else ""
        print(f"{r.state:<9} {r.query_execution_id}  {r.description}{reason}")
    failed = [r for r in results if r.state != "SUCCEEDED"]
    return 1 if failed else 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    athena = sub.add_parser("athena", help="Athena DDL, projection lint, DDL submission")
    cmds = athena.add_subparsers(dest="athena_command", metavar="ACTION", required=True)

    ddl = cmds.add_parser("ddl", help="write athena/ddl/<database>/<table>.sql from the contracts")
    ddl.add_argument(
        "--check", action="store_true", help="fail if the committed DDL is out of date"
    )
    _add_ddl_dir(ddl)
    add_environments(ddl)
    add_schemas_dir(ddl)
    ddl.set_defaults(handler=_ddl)

    lint = cmds.add_parser("lint", help="check partition projection against the DDL and a lake")
    add_lake_root(lint)
    lint.add_argument("--env", default="dev", help="environment whose DDL is checked")
    lint.add_argument("--no-lake", action="store_true", help="check only the projection settings")
    _add_ddl_dir(lint)
    add_environments(lint)
    lint.set_defaults(handler=_lint)

    apply = cmds.add_parser("apply", help="submit the DDL of an environment through Athena")
    apply.add_argument("--env", required=True, help="environment (athena/environments.yaml)")
    apply.add_argument("--dry-run", action="store_true", help="print the statements only")
    apply.add_argument("--endpoint-url", default=None, help="AWS endpoint (e.g. a moto server)")
    apply.add_argument(
        "--timeout", type=float, default=300.0, help="seconds to wait for each statement"
    )
    _add_ddl_dir(apply)
    add_environments(apply)
    apply.set_defaults(handler=_apply)
