"""Raw text records -> the uniform raw shape (``_raw``, ``_fields``, ``_source_file``)."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from gluelake.columns import RAW_FIELDS, RAW_TEXT, SOURCE_FILE

FIELDS_TYPE = T.MapType(T.StringType(), T.StringType(), valueContainsNull=True)


def parse_json_lines(df: DataFrame) -> DataFrame:
    """``value`` (one JSON line) -> fields by name, each value as its JSON text. A line
    that is not a JSON object gets null ``_fields``; blank lines are not records."""
    return df.filter(F.trim("value") != "").select(
        F.col("value").alias(RAW_TEXT),
        F.from_json("value", FIELDS_TYPE).alias(RAW_FIELDS),  # type: ignore[arg-type]
        F.col(SOURCE_FILE),
    )
