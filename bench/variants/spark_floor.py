"""The floor: Spark reads and parses the raw JSON lines into typed-as-text columns and
discards them (Spark's ``noop`` sink forces every column to be computed)."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

import common
from pyspark.sql import functions as F
from pyspark.sql import types as T

FIELDS = (
    "tenant_id", "activity_id", "activity_type", "emission_factor_id", "quantity", "unit",
    "timestamp", "source", "submitted_by_email", "submitted_by_name", "notes",
)  # fmt: skip


def main() -> None:
    ns, clock = common.args(__doc__.splitlines()[0])
    spark = common.spark_session("bench-floor")
    clock.mark("session_ready")
    schema = T.StructType([T.StructField(n, T.StringType()) for n in FIELDS])
    with clock.stage("parse"):
        text = spark.read.option("recursiveFileLookup", "true").text(str(ns.lake / common.RAW))
        parsed = text.select(F.from_json("value", schema).alias("r")).select("r.*")
        parsed.write.format("noop").mode("overwrite").save()
    spark.stop()


if __name__ == "__main__":
    main()
