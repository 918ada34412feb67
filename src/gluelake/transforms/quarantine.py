"""Rows that break the contract, shaped for the zone's quarantine table."""

from __future__ import annotations

from collections.abc import Sequence

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

from gluelake.columns import (
    MESSAGE,
    MESSAGES,
    RAW_TEXT,
    REASON_CODES,
    REASONS,
    RECORD,
    RECORD_ID,
    RECORD_ORDER,
    SOURCE_FILE,
)

_ISSUE = T.StructType(
    [T.StructField("code", T.StringType()), T.StructField("message", T.StringType())]
)


def has_reasons() -> Column:
    return F.size(F.col(REASONS)) > 0


def issue(condition: Column, code: str, message: Column | str) -> Column:
    """``struct(code, message)`` where ``condition`` holds, else null."""
    msg = F.lit(message) if isinstance(message, str) else message
    return F.when(condition, F.struct(F.lit(code).alias("code"), msg.alias("message")))


def issues_found(issues: Sequence[Column]) -> Column:
    """The row's non-null ``issue`` structs, in order (an identical one once).

    Not ``F.filter``: Spark 3.5 runs higher-order functions, and every expression inside
    their arguments, uncompiled, and a contract's every check sits in this array;
    ``array_except`` without the null is generated code. Fields: ``.getField("code")``."""
    return F.array_except(F.array(*issues), F.array(F.lit(None).cast(_ISSUE)))


def to_quarantine(df: DataFrame) -> DataFrame:
    """Reason codes, a readable message and the (already masked) record; ``record_id``
    identifies the same record of the same file across re-runs.

    In bronze the id hashes the record as received (``RECORD_ORDER``), not as masked, so a
    new PII key does not make an old record look new; with the lake-relative source file
    it depends on neither the lake's location nor the key. Identical lines of one file
    are numbered, so none collide."""
    text = F.col(RECORD_ORDER) if RECORD_ORDER in df.columns else F.col(RAW_TEXT)
    occurrence = F.row_number().over(Window.partitionBy(SOURCE_FILE, text).orderBy(text))
    return df.select(
        F.sha2(F.concat_ws("\n", F.col(SOURCE_FILE), text, occurrence.cast("string")), 256).alias(
            RECORD_ID
        ),
        F.col(REASONS).alias(REASON_CODES),
        F.array_join(F.col(MESSAGES), "; ").alias(MESSAGE),
        F.col(RAW_TEXT).alias(RECORD),
        F.col(SOURCE_FILE),
    )


def record_as_json(df: DataFrame, *, columns: list[str]) -> DataFrame:
    """For later zones, whose input is already typed and masked: the record is the row."""
    return df.withColumn(RAW_TEXT, F.to_json(F.struct(*[F.col(c) for c in columns])))


def reason_counts(df: DataFrame) -> DataFrame:
    """``reason``, ``rows``: how many quarantine rows carry each reason code."""
    return (
        df.select(F.explode(REASON_CODES).alias("reason"))
        .groupBy("reason")
        .agg(F.count(F.lit(1)).alias("rows"))
    )
