"""Glue job: silver to gold. The same file runs under `spark-submit` and as a Glue 5.1 script."""

import sys

from gluelake.runtime.job import main

JOB_VERSION = "1.0.0"

if __name__ == "__main__":
    sys.exit(main("silver_to_gold", JOB_VERSION, sys.argv[1:]))
