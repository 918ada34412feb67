"""The ``gluelake`` command line. Each module in ``gluelake.cli.commands`` adds its own
sub-commands through ``register(subparsers)``; this module only dispatches.

Exit status, for every command: ``0`` ok, ``1`` data failed a quality gate or validation,
``2`` anything else (usage, configuration, missing input, a crash). A command that reads
data declares ``spark=True``; its session is built here, before the command imports
anything (Great Expectations included) that could start a session without Delta."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

from gluelake import __version__, logs
from gluelake.errors import GateFailed, GluelakeError

EXIT_OK, EXIT_DATA_FAILED, EXIT_ERROR = 0, 1, 2
SPARK_INPUT_ERRORS = ("AnalysisException", "ParseException")
log = logs.get_logger(__name__)


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
    args = build_parser().parse_args(argv)  # a usage error exits 2 (argparse)
    logs.configure(args.log_level)
    try:
        if getattr(args, "spark", False):
            from gluelake.session import build_local_session

            build_local_session()
        code: int = args.handler(args)
        sys.stdout.flush()  # inside the try: a closed pipe is reported here, not at exit
    except GateFailed as exc:
        print(f"failed: {exc}", file=sys.stderr)
        return EXIT_DATA_FAILED
    except GluelakeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader stopped early (`gluelake query ... | head`): not a failure of the command.
        # Point stdout at /dev/null so the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # a bug or an infrastructure failure: never exit 1
        first = (str(exc).strip().splitlines() or [""])[0][:300]
        if type(exc).__name__ in SPARK_INPUT_ERRORS and type(exc).__module__.startswith("pyspark"):
            # Spark rejected what the user typed (a --where filter, a column name).
            print(f"error: {args.command}: {first}", file=sys.stderr)
            return EXIT_ERROR
        log.error(
            "command.crashed",
            exc_info=True,
            extra={"fields": {"command": args.command, "error": type(exc).__name__}},
        )
        print(f"error: {args.command} crashed: {type(exc).__name__}: {first}", file=sys.stderr)
        return EXIT_ERROR
    return code


if __name__ == "__main__":
    sys.exit(main())
