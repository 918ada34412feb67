"""Driver of the S3 end-to-end test: every stage of the emissions pipeline, in pipeline order, on each
lake root given, through the job entry point, in one process (one JVM start, not fourteen).

    python tests/deploy/run_pipeline.py LAKE_ROOT [LAKE_ROOT ...]
"""

from __future__ import annotations

import sys

from gluelake.runtime.job import main

# The flagship dataset with its reference: every stage, a join and both gold table kinds.
RUNS = (
    ("raw_to_bronze", "emission_factors"),
    ("raw_to_bronze", "emissions"),
    ("bronze_to_silver", "emissions"),
    ("silver_to_gold", "emissions"),
)

if __name__ == "__main__":
    for root in sys.argv[1:]:
        for stage, dataset in RUNS:
            code = main(stage, "1.0.0", ["--dataset", dataset, "--lake-root", root])
            if code != 0:
                print(f"{stage} {dataset} on {root}: exit {code}", file=sys.stderr)
                sys.exit(code)
