"""The ``gluelake`` command line. Each module in ``gluelake.cli.commands`` adds its own
sub-commands through ``register(subparsers)``; this module only dispatches."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from gluelake import __version__, logs
from gluelake.errors import GluelakeError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gluelake",
        description="Medallion data-lake ETL on PySpark and AWS Glue 5.1, driven by contracts.",
    )
    parser.add_argument("--version", action="version", version=f"gluelake {__version__}")
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING"])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    from gluelake.cli import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logs.configure(args.log_level)
    try:
        code: int = args.handler(args)
    except GluelakeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
