"""gluelake as its jobs run it: contracts, gates (or, with ``--gates off``, the library's
``OpenGate``), PII key from the environment, one stage after another in one session."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

import common

from gluelake import logs
from gluelake.paths import project_root
from gluelake.quality.gate import OpenGate
from gluelake.runtime import job

PLAN = (
    ("reference", "raw_to_bronze", "emission_factors"),
    ("raw_to_bronze", "raw_to_bronze", "emissions"),
    ("bronze_to_silver", "bronze_to_silver", "emissions"),
    ("silver_to_gold", "silver_to_gold", "emissions"),
)


def main() -> None:
    ns, clock = common.args(__doc__.splitlines()[0])
    os.environ["GLUELAKE_PII_KEY"] = common.PII_KEY.decode()
    if ns.gates == "off":
        # Every stage still calls its gate; it just passes without validating.
        job.make_gate = lambda contract, zone, **_: OpenGate()  # type: ignore[assignment]
    logs.configure()  # step timings go to the run's log file
    spark = common.spark_session("bench-gluelake")
    clock.mark("session_ready")
    for name, stage, dataset in PLAN:
        args = job.parse_job_args(
            stage,
            ["--dataset", dataset, "--lake-root", str(ns.lake),
             "--schemas-dir", str(project_root() / "schemas")],
        )  # fmt: skip
        with clock.stage(name):
            result = job.run_stage(spark, args, "bench")
        clock.rows[name] = result.rows_read
    spark.stop()


if __name__ == "__main__":
    main()
