"""``gluelake submit STAGE``: run a job script under ``spark-submit``, as Glue would."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from gluelake.runtime.job import EXIT_FILE_ENV, STAGES


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "submit",
        help="run a job script with spark-submit (the jars, JVM options and interpreter set)",
        description=(
            "Runs jobs/STAGE/main.py with the spark-submit of the installed pyspark, the "
            "project's jars, the driver JVM options and this interpreter for Python, and "
            "exits with the job's status (0 published, 1 blocked by a quality gate, 2 any "
            "other error). Job arguments follow the stage, e.g. "
            "`gluelake submit raw_to_bronze --dataset emissions --lake-root lake/dev`. "
            "--print prints the equivalent command line instead of running it."
        ),
    )
    p.add_argument("stage", choices=sorted(STAGES))
    p.add_argument(
        "--print",
        dest="print_only",
        action="store_true",
        help="print the command line (runs from a plain shell) instead of running it",
    )
    p.add_argument("--master", default="local[*]", help="Spark master (default: local[*])")
    p.add_argument("--driver-memory", default="2g", help="driver JVM heap (default: 2g)")
    p.add_argument(
        "--spark-home",
        type=Path,
        default=None,
        help="a Spark distribution to submit with (default: the installed pyspark's own)",
    )
    p.add_argument("job_args", nargs=argparse.REMAINDER, help="--dataset NAME --lake-root PATH ...")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from gluelake.runtime.submit import check_runnable, submit_command

    command = submit_command(
        args.stage,
        args.job_args,
        master=args.master,
        driver_memory=args.driver_memory,
        home=args.spark_home,
    )
    if args.print_only:
        print(command.shell())
        return 0
    check_runnable()
    sys.stdout.flush()
    with tempfile.TemporaryDirectory(prefix="gluelake-submit-") as scratch:
        exit_file = Path(scratch) / "exit"
        env = {**os.environ, **command.env, EXIT_FILE_ENV: str(exit_file)}
        done = subprocess.run(command.argv, env=env, check=False)
        # spark-submit exits 1 when its JVM fails too; only the job's own word counts.
        if not exit_file.exists():
            print(
                f"error: submit: spark-submit exited {done.returncode} before the job "
                "finished (the JVM did not start, or the run was killed)",
                file=sys.stderr,
            )
            return 2
        return int(exit_file.read_text(encoding="utf-8"))
