"""Parse the timestamp forms sources send into UTC timestamps."""

from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F

_EPOCH_SECONDS = r"^\s*-?\d{9,10}\s*$"
_EPOCH_MILLIS = r"^\s*-?\d{12,13}\s*$"


def parse_timestamp(text: Column) -> Column:
    """ISO 8601 with or without zone (no zone means UTC, the session zone), epoch
    seconds (9-10 digits) or epoch milliseconds (12-13 digits); otherwise null."""
    as_long = F.trim(text).cast("long")
    return (
        F.when(text.rlike(_EPOCH_SECONDS), F.timestamp_seconds(as_long))
        .when(text.rlike(_EPOCH_MILLIS), F.timestamp_millis(as_long))
        .otherwise(F.trim(text).cast("timestamp"))
    )
