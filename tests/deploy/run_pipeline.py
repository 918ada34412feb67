"""Driver of the S3 end-to-end test: every stage of every dataset, in pipeline order, on each
lake root given, through the job entry point, in one process (one JVM start, not fourteen).

    python tests/deploy/run_pipeline.py LAKE_ROOT [LAKE_ROOT ...]
"""

from __future__ import annotations

import sys

from gluelake.runtime.job import main

RUNS = (
    ("raw_to_bronze", "emission_factors"),
    ("raw_to_bronze", "emissions"),
    ("raw_to_bronze", "assessments"),
    ("bronze_to_silver", "emissions"),
    ("bronze_to_silver", "assessments"),
    ("silver_to_gold", "emissions"),
    ("silver_to_gold", "assessments"),
)

if __name__ == "__main__":
    for root in sys.argv[1:]:
        for stage, dataset in RUNS:
            code = main(stage, "1.0.0", ["--dataset", dataset, "--lake-root", root])
            if code != 0:
                print(f"{stage} {dataset} on {root}: exit {code}", file=sys.stderr)
                sys.exit(code)
