"""``gluelake deploy``: versioned Glue jobs, triggers, workflows and lifecycle rules;
``gluelake deploy status``: which version each job runs."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gluelake.cli.options import add_environments

if TYPE_CHECKING:
    from gluelake.deploy.environment import DeployEnvironment


def environment_from(args: argparse.Namespace) -> DeployEnvironment:
    from gluelake.deploy.environment import load_deploy_environment
    from gluelake.errors import ConfigError

    if not args.env:
        raise ConfigError("gluelake deploy: --env ENV is required")
    return load_deploy_environment(args.env, args.glue_dir, args.environments)


def _clients(args: argparse.Namespace, env: DeployEnvironment) -> tuple[Any, Any]:
    from gluelake.catalog.clients import glue_client, s3_client

    return s3_client(env.lake, args.endpoint_url), glue_client(env.lake, args.endpoint_url)


def _deploy(args: argparse.Namespace) -> int:
    from gluelake.deploy.apply import deploy
    from gluelake.paths import project_root

    env = environment_from(args)
    s3, glue = _clients(args, env)
    result = deploy(
        s3, glue, env, project_root(), version=args.version, dry_run=args.dry_run, wheel=args.wheel
    )
    what = "rollback to" if args.version else "version"
    print(f"{what} {result.version} -> {env.name} ({env.region}, {env.lake.lake_root})")
    for change in result.changes:
        print(change)
    counts = ", ".join(f"{n} {a}" for a, n in sorted(result.counts().items()))
    if args.dry_run:
        print(f"plan for {env.name}: {counts} (dry run: nothing was changed)")
    else:
        print(f"deployed {result.version} to {env.name}: {counts}")
    return 0


def _status(args: argparse.Namespace) -> int:
    from gluelake.deploy.apply import job_status

    env = environment_from(args)
    _, glue = _clients(args, env)
    jobs = job_status(glue, env)
    if not jobs:
        print(
            f"error: no jobs named {env.name_prefix}-* in {env.name} ({env.region}); "
            f"run: gluelake deploy --env {env.name}"
        )
        return 2
    width = max(len(j.name) for j in jobs)
    vwidth = max(len("version"), *(len(j.version) for j in jobs))
    print(f"{'job':<{width}}  {'version':<{vwidth}}  glue  last run")
    for j in jobs:
        print(f"{j.name:<{width}}  {j.version:<{vwidth}}  {j.glue_version:<4}  {j.last_run}")
    versions = sorted({j.version for j in jobs})
    print(
        f"{env.name}: {len(jobs)} jobs on version {versions[0]}"
        if len(versions) == 1
        else f"{env.name}: {len(jobs)} jobs on {len(versions)} versions: {', '.join(versions)}"
    )
    return 0


def _common(p: argparse.ArgumentParser, env_required: bool = True) -> None:
    # `deploy`'s own --env is checked by its handler, so that `deploy status --env X` parses.
    p.add_argument("--env", required=env_required, help="environment: glue/environments/<env>.yaml")
    p.add_argument("--endpoint-url", default=None, help="AWS endpoint (e.g. a moto server)")
    p.add_argument("--glue-dir", type=Path, default=None, help="Glue definitions (default: glue/)")
    add_environments(p)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "deploy",
        help="deploy versioned Glue jobs, triggers, workflows and lifecycle rules",
        description=(
            "Builds the library wheel, uploads job scripts, wheel, contracts, suites and Glue "
            "definitions under <artifacts>/<version>/ (version: package version + git commit, "
            "-dirty for uncommitted changes), then creates or updates the Glue workflows, jobs "
            "and triggers and the lake bucket's lifecycle rules. Only differences are written: "
            "a second run changes nothing. --version rolls back to an uploaded version."
        ),
    )
    _common(p, env_required=False)
    p.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    p.add_argument(
        "--version", default=None, help="point the jobs at this uploaded version (rollback)"
    )
    p.add_argument(
        "--wheel", type=Path, default=None, help="upload this wheel instead of building one"
    )
    p.set_defaults(handler=_deploy)
    cmds = p.add_subparsers(dest="deploy_command", metavar="ACTION")
    status = cmds.add_parser("status", help="the version each job of an environment runs")
    _common(status)
    status.set_defaults(handler=_status)
