"""Enrichment (bronze -> silver): each activity gets the emission factor version valid
at its time, its quantity converted to the factor's unit, and its emissions."""

from __future__ import annotations

from collections.abc import Sequence

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from gluelake.columns import MESSAGES, REASONS
from gluelake.contracts.model import FactorEnrichment
from gluelake.transforms.units import conversion_factor

_FACTOR_ID = "_factor_id"
_FACTOR_TYPE = "_factor_activity_type"
_VALID_TO = "_factor_valid_to"


def enrich_with_factors(
    df: DataFrame,
    *,
    factors: DataFrame,
    spec: FactorEnrichment,
    keys: Sequence[str],
    event_time: str,
) -> DataFrame:
    """Join the factor valid at ``event_time`` (``valid_from <= t < valid_to``, open-ended
    when ``valid_to`` is null) and compute emissions. Rows that cannot be enriched keep
    all their columns and get ``_reasons``: no valid factor, ambiguous factor (overlapping
    versions), factor for another activity type, or a unit of another family."""
    ref = F.broadcast(
        factors.select(
            F.col("factor_id").alias(_FACTOR_ID),
            F.col("activity_type").alias(_FACTOR_TYPE),
            F.col("unit").alias("factor_unit"),
            "kg_co2e_per_unit",
            "scope",
            "category",
            F.col("valid_from").alias("factor_valid_from"),
            F.col("valid_to").alias(_VALID_TO),
        )
    )
    t = F.col(event_time)
    on = (
        (F.col(spec.factor_key) == F.col(_FACTOR_ID))
        & (t >= F.col("factor_valid_from"))
        & (F.col(_VALID_TO).isNull() | (t < F.col(_VALID_TO)))
    )
    per_row = Window.partitionBy(*keys)
    joined = (
        df.join(ref, on, "left")
        .withColumn("_matches", F.count(_FACTOR_ID).over(per_row))
        .withColumn(
            "_pick",
            F.row_number().over(per_row.orderBy(F.col("factor_valid_from").desc_nulls_last())),
        )
        .filter("_pick = 1")
    )
    conversion = conversion_factor(F.col(spec.unit), F.col("factor_unit"))
    in_factor_unit = (F.col(spec.quantity).cast("decimal(16,4)") * conversion).cast("decimal(24,8)")
    emissions = (in_factor_unit * F.col("kg_co2e_per_unit")).cast("decimal(28,6)")

    ts_text = F.date_format(t, "yyyy-MM-dd'T'HH:mm:ss'Z'")
    matched = F.col("_matches") == 1
    issues = [
        F.when(
            F.col("_matches") == 0,
            F.struct(
                F.lit(f"no_valid_factor:{spec.factor_key}").alias("code"),
                F.concat(
                    F.lit(f"{spec.factor_key}: no factor version of '"),
                    F.coalesce(F.col(spec.factor_key), F.lit("")),
                    F.lit("' valid at "),
                    ts_text,
                ).alias("message"),
            ),
        ),
        F.when(
            F.col("_matches") > 1,
            F.struct(
                F.lit(f"ambiguous_factor:{spec.factor_key}").alias("code"),
                F.concat(
                    F.col("_matches").cast("string"),
                    F.lit(" overlapping factor versions valid at "),
                    ts_text,
                ).alias("message"),
            ),
        ),
        F.when(
            matched & (F.col(_FACTOR_TYPE) != F.col("activity_type")),
            F.struct(
                F.lit("factor_activity_mismatch:activity_type").alias("code"),
                F.concat(
                    F.lit("activity_type: factor is for '"),
                    F.col(_FACTOR_TYPE),
                    F.lit("', activity is '"),
                    F.col("activity_type"),
                    F.lit("'"),
                ).alias("message"),
            ),
        ),
        F.when(
            matched & conversion.isNull(),
            F.struct(
                F.lit(f"unit_not_convertible:{spec.unit}").alias("code"),
                F.concat(
                    F.lit(f"{spec.unit}: cannot convert '"),
                    F.col(spec.unit),
                    F.lit("' to the factor's unit '"),
                    F.col("factor_unit"),
                    F.lit("'"),
                ).alias("message"),
            ),
        ),
    ]
    # A product too large for its decimal type turns null: never publish that as a value.
    overflow = matched & conversion.isNotNull() & emissions.isNull()
    issues.append(
        F.when(
            overflow,
            F.struct(
                F.lit(f"emission_overflow:{spec.quantity}").alias("code"),
                F.concat(
                    F.lit(f"{spec.quantity}: "),
                    F.col(spec.quantity).cast("string"),
                    F.lit(" "),
                    F.col(spec.unit),
                    F.lit(" gives emissions beyond decimal(28,6)"),
                ).alias("message"),
            ),
        )
    )
    found = F.filter(F.array(*issues), lambda i: i.isNotNull())
    ok = F.size(found) == 0
    return joined.withColumns(
        {
            "quantity_in_factor_unit": F.when(ok, in_factor_unit),
            "emissions_kg_co2e": F.when(ok, emissions),
            REASONS: F.transform(found, lambda i: i["code"]),
            MESSAGES: F.transform(found, lambda i: i["message"]),
        }
    ).drop(_FACTOR_ID, _FACTOR_TYPE, _VALID_TO, "_matches", "_pick")
