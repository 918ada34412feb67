"""``gluelake iam policy``: the Glue job role's least-privilege policy, as JSON."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from gluelake.cli.options import add_environments, add_schemas_dir, contracts_from


def _policy(args: argparse.Namespace) -> int:
    from gluelake.cli.commands.deploy import environment_from
    from gluelake.deploy.glue_config import load_glue_config
    from gluelake.deploy.iam import job_role_policy, trust_policy
    from gluelake.paths import project_root

    if args.trust:
        print(json.dumps(trust_policy(), indent=2))
        return 0
    env = environment_from(args)
    contracts = contracts_from(args)
    config = load_glue_config(args.glue_dir or project_root() / "glue", contracts)
    raw = {name: c.source.path for name, c in contracts.items()}
    print(json.dumps(job_role_policy(env, config, raw), indent=2))
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    iam = sub.add_parser("iam", help="IAM policies for the Glue jobs")
    cmds = iam.add_subparsers(dest="iam_command", metavar="ACTION", required=True)
    p = cmds.add_parser(
        "policy",
        help="print the Glue job role's least-privilege policy (JSON)",
        description=(
            "Prints the policy document of the environment's Glue job role: read raw, "
            "read/write bronze, silver and gold, write quality and run records, read the "
            "artifacts, read the PII key secrets, use the KMS key (SSE-KMS), read the zone "
            "databases of the Glue Data Catalog. No S3 or Glue resource is '*'. "
            "--trust prints the role's trust policy instead."
        ),
    )
    p.add_argument("--env", required=True, help="environment: glue/environments/<env>.yaml")
    p.add_argument("--glue-dir", type=Path, default=None, help="Glue definitions (default: glue/)")
    p.add_argument(
        "--trust", action="store_true", help="print the trust policy (glue.amazonaws.com)"
    )
    add_environments(p)
    add_schemas_dir(p)
    p.set_defaults(handler=_policy)
