"""A naive Glue-style job, as such scripts are commonly written (the thing gluelake
replaces): records parsed and validated in Python through an RDD round trip, PII hashed
and scrubbed by Python UDFs, ``dropDuplicates`` for re-deliveries, unit conversion by a
Python UDF, every zone overwritten as Parquet. A benchmark baseline only."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import sys
import uuid
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))

import common
from pyspark.sql import functions as F
from pyspark.sql import types as T

FIELDS = (
    "tenant_id", "activity_id", "activity_type", "emission_factor_id", "quantity", "unit",
    "timestamp", "source", "submitted_by_email", "submitted_by_name", "notes",
)  # fmt: skip
REQUIRED = FIELDS[:7]
ACTIVITY_TYPES = {"electricity", "natural_gas", "diesel", "petrol", "air_travel",
                  "rail_travel", "waste_landfill"}  # fmt: skip
UNITS = {"Wh", "kWh", "MWh", "GWh", "MJ", "GJ", "therm", "L", "m3", "gal", "g", "kg", "t",
         "lb", "m", "km", "mi"}  # fmt: skip
SCRUB = (
    (re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}"), "[EMAIL]"),
    (re.compile(
        r"(?<![\d-])(?:\d{4}([ -]?)\d{4}\1\d{4}\1\d{4}|\d{4}[ -]?\d{6}[ -]?\d{5})(?![\d-])"
    ), "[CARD]"),
    (re.compile(r"\+\d[\d ().-]{6,}\d(?!\d)"), "[PHONE]"),
    (re.compile(r"(?<![\w.-])0\d{2,4} \d{3,4} ?\d{3,4}(?![\w.-])"), "[PHONE]"),
    (re.compile(r"(?<![\w.-])\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}(?![\w.-])"), "[PHONE]"),
)  # fmt: skip
SIZES = (
    {"Wh": Decimal("0.001"), "kWh": Decimal(1), "MWh": Decimal(1000), "GWh": Decimal(1000000),
     "MJ": Decimal(1) / Decimal("3.6"), "GJ": Decimal(1000) / Decimal("3.6"),
     "therm": Decimal("29.307107017222")},
    {"L": Decimal(1), "m3": Decimal(1000), "gal": Decimal("3.785411784")},
    {"g": Decimal("0.001"), "kg": Decimal(1), "t": Decimal(1000), "lb": Decimal("0.45359237")},
    {"m": Decimal("0.001"), "km": Decimal(1), "mi": Decimal("1.609344")},
)  # fmt: skip
CONVERT = {
    (a, b): (sa / sb).quantize(Decimal("1e-10"), rounding=ROUND_HALF_UP)
    for family in SIZES for a, sa in family.items() for b, sb in family.items()
    if sa / sb < 10**7  # what fits decimal(17,10)
}  # fmt: skip
NOW = datetime.now(UTC)
KEY = common.PII_KEY  # a plain global: UDFs are pickled with it, not with `common`


def text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    return v if isinstance(v, str) else json.dumps(v)


def parse_ts(s: str | None) -> datetime | None:
    if s is None or not s.strip():
        return None
    s = s.strip()
    try:
        if re.fullmatch(r"-?\d{9,10}", s):
            return datetime.fromtimestamp(int(s), UTC)
        if re.fullmatch(r"-?\d{12,13}", s):
            return datetime.fromtimestamp(int(s) / 1000, UTC)
        ts = datetime.fromisoformat(s)
    except ValueError:
        return None
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def parse(line: str, path: str) -> tuple[Any, ...]:
    reasons: list[str] = []
    try:
        rec = json.loads(line)
        if not isinstance(rec, dict):
            raise ValueError
    except ValueError:
        return (*[None] * 11, path, ["malformed_record"], line)
    f = {k: text(rec.get(k)) for k in FIELDS}
    for k in REQUIRED:
        if f[k] is None or (k in ("quantity", "timestamp") and not f[k].strip()):
            reasons.append(f"required_missing:{k}")
    qty = None
    if f["quantity"] is not None and f["quantity"].strip():
        try:
            exact = Decimal(f["quantity"].strip())
            qty = exact.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
            if qty != exact:
                reasons.append("scale_exceeded:quantity")
            if qty < 0 or qty > 1000000000:
                reasons.append("out_of_range:quantity")
        except InvalidOperation:
            reasons.append("cast_failed:quantity")
    ts = parse_ts(f["timestamp"])
    if f["timestamp"] is not None and f["timestamp"].strip() and ts is None:
        reasons.append("cast_failed:timestamp")
    if ts is not None and ts > NOW:
        reasons.append("future_timestamp:timestamp")
    if f["tenant_id"] is not None and not re.fullmatch(r"tenant-[0-9]{3}", f["tenant_id"]):
        reasons.append("pattern_mismatch:tenant_id")
    if f["activity_type"] is not None and f["activity_type"] not in ACTIVITY_TYPES:
        reasons.append("not_allowed:activity_type")
    if f["unit"] is not None and f["unit"] not in UNITS:
        reasons.append("not_allowed:unit")
    if f["emission_factor_id"] is not None and not re.fullmatch(
        r"EF-[A-Z0-9-]+", f["emission_factor_id"]
    ):
        reasons.append("pattern_mismatch:emission_factor_id")  # fmt: skip
    record = json.dumps({**f, "submitted_by_email": None, "submitted_by_name": None})
    return (f["tenant_id"], f["activity_id"], f["activity_type"], f["emission_factor_id"], qty,
            f["unit"], ts, f["source"], f["submitted_by_email"], f["submitted_by_name"],
            f["notes"], path, reasons, record)  # fmt: skip


SCHEMA = T.StructType([
    *[T.StructField(n, T.StringType()) for n in FIELDS[:4]],
    T.StructField("quantity", T.DecimalType(16, 4)), T.StructField("unit", T.StringType()),
    T.StructField("timestamp", T.TimestampType()),
    *[T.StructField(n, T.StringType()) for n in FIELDS[7:]],
    T.StructField("_source_file", T.StringType()),
    T.StructField("reasons", T.ArrayType(T.StringType())), T.StructField("record", T.StringType()),
])  # fmt: skip


@F.udf(T.StringType())
def hash_email(v: str | None) -> str | None:
    if v is None:
        return None
    return hmac.new(KEY, v.encode("utf-8"), hashlib.sha256).hexdigest()


@F.udf(T.StringType())
def scrub(v: str | None) -> str | None:
    if v is None:
        return None
    for pattern, token in SCRUB:
        v = pattern.sub(token, v)
    return v


@F.udf(T.DecimalType(17, 10))
def conversion(a: str | None, b: str | None) -> Decimal | None:
    return CONVERT.get((a, b))


def main() -> None:
    ns, clock = common.args(__doc__.splitlines()[0])
    spark = common.spark_session("bench-naive")
    clock.mark("session_ready")
    lake, run_id = str(ns.lake), uuid.uuid4().hex

    def stamp(df: Any, job: str) -> Any:
        return (
            df.withColumn("_run_id", F.lit(run_id))
            .withColumn("_job_name", F.lit(job))
            .withColumn("_job_version", F.lit("bench"))
            .withColumn("_ingested_at", F.lit(NOW))
        )

    with clock.stage("reference"):
        factors = spark.read.json(f"{lake}/{common.RAW_FACTORS}", recursiveFileLookup=True)
        factors = factors.select(
            "factor_id", "activity_type", "unit",
            F.col("kg_co2e_per_unit").cast("decimal(10,6)").alias("kg_co2e_per_unit"),
            F.col("scope").cast("int").alias("scope"), "category",
            F.col("valid_from").cast("timestamp").alias("valid_from"),
            F.col("valid_to").cast("timestamp").alias("valid_to"), "source")  # fmt: skip
        stamp(factors, "raw_to_bronze").write.mode("overwrite").parquet(
            f"{lake}/{common.BRONZE_FACTORS}"
        )

    with clock.stage("raw_to_bronze"):
        lines = (
            spark.read.option("recursiveFileLookup", "true")
            .text(f"{lake}/{common.RAW}")
            .withColumn("path", F.input_file_name())
        )
        rows = lines.rdd.filter(lambda r: r.value.strip()).map(lambda r: parse(r.value, r.path))
        df = spark.createDataFrame(rows, SCHEMA)
        df = df.withColumn("submitted_by_email", hash_email("submitted_by_email")) \
            .withColumn("submitted_by_name",
                        F.when(F.col("submitted_by_name").isNotNull(), F.lit("[REDACTED]"))) \
            .withColumn("notes", scrub("notes"))  # fmt: skip
        good = (
            df.filter(F.size("reasons") == 0)
            .drop("reasons", "record")
            .dropDuplicates(["tenant_id", "activity_id"])
        )
        stamp(good, "raw_to_bronze").write.mode("overwrite").parquet(f"{lake}/{common.BRONZE}")
        bad = df.filter(F.size("reasons") > 0).select(
            F.sha2(F.concat_ws("\n", "_source_file", "record"), 256).alias("record_id"),
            F.col("reasons").alias("reason_codes"), F.array_join("reasons", "; ").alias("message"),
            scrub("record").alias("record"), "_source_file")  # fmt: skip
        stamp(bad, "raw_to_bronze").write.mode("overwrite").parquet(
            f"{lake}/{common.BRONZE_QUARANTINE}"
        )

    with clock.stage("bronze_to_silver"):
        bronze = spark.read.parquet(f"{lake}/{common.BRONZE}").drop(
            "_run_id", "_job_name", "_job_version", "_ingested_at"
        )
        f = spark.read.parquet(f"{lake}/{common.BRONZE_FACTORS}").select(
            F.col("factor_id").alias("_fid"),
            F.col("activity_type").alias("_ftype"),
            F.col("unit").alias("factor_unit"),
            "kg_co2e_per_unit",
            "scope",
            "category",
            F.col("valid_from").alias("factor_valid_from"),
            F.col("valid_to").alias("_fto"),
        )
        t = F.col("timestamp")
        j = bronze.join(f, (F.col("emission_factor_id") == F.col("_fid"))
                        & (t >= F.col("factor_valid_from"))
                        & (F.col("_fto").isNull() | (t < F.col("_fto"))), "left")  # fmt: skip
        j = j.withColumn("_conv", conversion("unit", "factor_unit"))
        in_unit = (F.col("quantity") * F.col("_conv")).cast("decimal(24,8)")
        j = j.withColumn("quantity_in_factor_unit", in_unit).withColumn(
            "emissions_kg_co2e",
            (F.col("quantity_in_factor_unit") * F.col("kg_co2e_per_unit")).cast("decimal(28,6)"),
        )
        ok = (
            F.col("_fid").isNotNull()
            & (F.col("_ftype") == F.col("activity_type"))
            & F.col("_conv").isNotNull()
        )
        silver = (
            j.filter(ok)
            .drop("_fid", "_ftype", "_fto", "_conv")
            .withColumn("year", F.year(t))
            .withColumn("month", F.month(t))
            .withColumn("day", F.dayofmonth(t))
        )
        stamp(silver, "bronze_to_silver").write.mode("overwrite").partitionBy(
            "year", "month"
        ).parquet(f"{lake}/{common.SILVER}")
        bad = (
            j.filter(~ok)
            .select(F.to_json(F.struct(*FIELDS)).alias("record"), "_source_file")
            .select(
                F.sha2("record", 256).alias("record_id"),
                F.array(F.lit("enrichment_failed")).alias("reason_codes"),
                F.lit("enrichment failed").alias("message"),
                "record",
                "_source_file",
            )
        )
        stamp(bad, "bronze_to_silver").write.mode("overwrite").parquet(
            f"{lake}/{common.SILVER_QUARANTINE}"
        )

    with clock.stage("silver_to_gold"):
        s = spark.read.parquet(f"{lake}/{common.SILVER}")
        e = F.col("emissions_kg_co2e")
        monthly = s.groupBy("tenant_id", "scope", "category", "year", "month").agg(
            F.sum(e).alias("total_kg_co2e"), F.count(F.lit(1)).alias("record_count"),
            F.countDistinct("activity_type").alias("activity_types"),
            F.min(e).alias("min_kg_co2e"), F.max(e).alias("max_kg_co2e"),
            F.avg(e).alias("avg_kg_co2e"))  # fmt: skip
        stamp(monthly, "silver_to_gold").write.mode("overwrite").partitionBy(
            "year", "month"
        ).parquet(f"{lake}/{common.GOLD}")
        m = spark.read.parquet(f"{lake}/{common.GOLD}")
        keys = ["tenant_id", "scope", "category", "year", "month"]
        p = m.select(
            *[F.col(k).alias(f"p_{k}") for k in keys],
            F.col("total_kg_co2e").alias("total_kg_co2e_prior_year"),
        )
        cond = [
            F.col(k).eqNullSafe(F.col(f"p_{k}") + 1 if k == "year" else F.col(f"p_{k}"))
            for k in keys
        ]
        prev = F.col("total_kg_co2e_prior_year")
        yoy = m.join(p, cond, "left").select(
            "tenant_id", "scope", "category", "total_kg_co2e", "total_kg_co2e_prior_year",
            (F.col("total_kg_co2e") - prev).alias("total_kg_co2e_change"),
            F.when(prev != 0, ((F.col("total_kg_co2e") - prev) / prev * 100).cast("double"))
            .alias("total_kg_co2e_change_pct"), "year", "month")  # fmt: skip
        stamp(yoy, "silver_to_gold").write.mode("overwrite").partitionBy("year", "month").parquet(
            f"{lake}/{common.GOLD_YOY}"
        )
    spark.stop()


if __name__ == "__main__":
    main()
