"""Schema enforcement (raw -> bronze): cast every field to its contract type and record,
per row, every way it breaks the contract. Nothing is dropped or silently nulled here;
the stage splits rows with reasons off to quarantine."""

from __future__ import annotations

from datetime import datetime

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from gluelake.columns import FIELD_TEXT, MESSAGES, RAW_FIELDS, RAW_TEXT, REASONS, RESCUED
from gluelake.constraints import violations as constraint_violations
from gluelake.contracts.model import Column as ContractColumn
from gluelake.contracts.model import DatasetContract
from gluelake.spark_types import spark_type
from gluelake.transforms.pii import scrub
from gluelake.transforms.quarantine import issue, issues_found
from gluelake.transforms.timestamps import parse_timestamp

_INTEGER = r"^\s*[+-]?\d+\s*$"
MALFORMED = "malformed_record"
# The one whitespace rule: every declared column's value loses leading and trailing
# whitespace (Unicode spaces, tabs, line breaks, no-break and zero-width spaces, a stray
# byte-order mark) before it is checked, cast or masked, and a value that is then empty
# is a missing value. Keys are columns like any other, so " act-1 " and "act-1" are one
# key; inner whitespace is data and is kept.
WHITESPACE = (
    " \t\n\r\x0b\x0c\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_SHOWN_CHARS = 40


def required_missing(name: str) -> str:
    """Reason code of a record without a value for required column ``name``."""
    return f"required_missing:{name}"


def _found(col: ContractColumn, raw: Column) -> Column:
    """What was found, for messages: never the value of a personal-data column, nor of a
    free-text one (a string column without an allowed list or pattern)."""
    if col.pii is not None:
        return F.lit("a value (withheld: personal data)")
    rule = col.constraints
    if col.type == "string" and rule.allowed is None and rule.pattern is None:
        return F.lit("a value (withheld: free text)")
    # Scrubbed too: a non-personal column can still carry a pasted email or phone number.
    return F.concat(F.lit("'"), scrub(F.substring(raw, 1, _SHOWN_CHARS)), F.lit("'"))


def cast_value(raw: Column, type_text: str) -> Column:
    """String -> contract type; null when the text is not a value of that type."""
    dtype = spark_type(type_text)
    if isinstance(dtype, T.TimestampType):
        return parse_timestamp(raw)
    if isinstance(dtype, T.DateType):
        return F.to_date(F.trim(raw))
    if isinstance(dtype, T.IntegralType):
        # Spark casts '12.5' to 12: an integer column only takes integer text.
        return F.when(raw.rlike(_INTEGER), F.trim(raw).cast(dtype))
    if isinstance(dtype, T.BooleanType):
        return F.lower(F.trim(raw)).cast(dtype)
    if isinstance(dtype, T.FloatType | T.DoubleType):
        # NaN and infinities ("NaN", "-Infinity", or 1e400: beyond the type's range) are
        # no measurement, and one poisons every sum and average it reaches.
        number = F.trim(raw).cast(dtype)
        return F.when(~F.isnan(number) & (F.abs(number) != F.lit(float("inf"))), number)
    if isinstance(dtype, T.ArrayType | T.StructType):
        # from_json turns malformed text into an all-null struct, not null: check the
        # text is a JSON object (or array) first.
        shape = (
            T.ArrayType(T.StringType())
            if isinstance(dtype, T.ArrayType)
            else T.MapType(T.StringType(), T.StringType())
        )
        return F.when(F.from_json(raw, shape).isNotNull(), F.from_json(raw, dtype))  # type: ignore[arg-type]
    if isinstance(dtype, T.StringType):
        return raw
    return F.trim(raw).cast(dtype)


def field_text(name: str) -> Column:
    """Field ``name``'s value text without surrounding whitespace; null when missing or
    blank (see WHITESPACE)."""
    value = F.element_at(F.col(RAW_FIELDS), F.lit(name))
    # btrim looks each end character up in the whole WHITESPACE list, which made it the
    # costliest step of enforcement. Most values begin and end with a visible ASCII
    # character (0x21-0x7E: none is in the list) and are left as they are: the string
    # comparisons decide on the first byte; the last byte is cut from the bytes, which does
    # not walk the characters as a negative substring position would.
    last = F.substring(value.cast("binary"), -1, 1)
    visible = (value >= "!") & (value < "\x7f") & (last >= F.lit(b"!")) & (last < F.lit(b"\x7f"))
    trimmed = F.when(visible, value).otherwise(F.btrim(value, F.lit(WHITESPACE)))
    return F.when(trimmed != "", trimmed)


def _column_issues(col: ContractColumn, now: datetime) -> tuple[Column, list[Column]]:
    raw = F.col(FIELD_TEXT).getField(col.name)
    typed = cast_value(raw, col.type)
    issues = []
    if not col.nullable:
        issues.append(
            issue(raw.isNull(), required_missing(col.name), f"{col.name}: required, missing")
        )
    dtype = spark_type(col.type)
    if isinstance(dtype, T.DecimalType):
        # Casting rounds extra decimal places away silently; the contract's scale is a rule.
        exact = F.trim(raw).cast("decimal(38,18)")
        issues.append(
            issue(
                typed.isNotNull() & exact.isNotNull() & (exact != typed),
                f"scale_exceeded:{col.name}",
                F.concat(
                    F.lit(f"{col.name}: expected at most {dtype.scale} decimal places, found "),
                    _found(col, raw),
                ),
            )
        )
    issues.append(
        issue(
            raw.isNotNull() & typed.isNull(),
            f"cast_failed:{col.name}",
            F.concat(F.lit(f"{col.name}: expected {col.type}, found "), _found(col, raw)),
        )
    )
    for v in constraint_violations(col, typed, now):
        message = F.concat(F.lit(f"{col.name}: expected {v.expected}, found "), _found(col, raw))
        issues.append(issue(typed.isNotNull() & v.condition, f"{v.code}:{col.name}", message))
    return typed, issues


def enforce_contract(df: DataFrame, *, contract: DatasetContract, now: datetime) -> DataFrame:
    """Add one typed column per contract column, plus ``_reasons`` (codes such as
    ``cast_failed:quantity``) and ``_messages`` (human-readable, no personal data).

    ``df`` has the raw reader's shape: ``_raw`` text and ``_fields`` map (null when the
    record could not be parsed at all)."""
    fields = F.col(RAW_FIELDS)
    parsed = fields.isNotNull()
    typed: dict[str, Column] = {}
    issues = [
        issue(~parsed, MALFORMED, "record could not be parsed"),
        # Raw text is UTF-8. JSON lines keep a byte that is not UTF-8 as it is (decoding
        # the text, as encode() does, replaces it with U+FFFD, so the bytes then differ);
        # the CSV reader decodes and leaves U+FFFD. Either way the record is quarantined:
        # a hashed or key value with a replaced byte would silently differ.
        issue(
            F.col(RAW_TEXT).contains("\ufffd")
            | (F.col(RAW_TEXT).cast("binary") != F.encode(F.col(RAW_TEXT), "UTF-8")),
            "invalid_utf8",
            "record is not valid UTF-8 (a byte was replaced by U+FFFD)",
        ),
    ]
    # {"q": "5", "q": "7"}: the parsed map keeps both entries, and which value is meant
    # is unknowable, so neither is taken. (A cheap check: no second parse of the text.)
    keys = F.map_keys(fields)
    issues.append(
        issue(
            parsed & (F.size(F.array_distinct(keys)) < F.size(keys)),
            "duplicate_key",
            "record repeats a field name",
        )
    )
    # Each value is looked up and trimmed once per row, in a projection of its own: the
    # checks below refer to it a dozen times, mostly inside conditional branches where
    # Spark would not share one evaluation.
    text = F.struct(*[field_text(col.name).alias(col.name) for col in contract.columns])
    df = df.withColumn(FIELD_TEXT, text)
    for col in contract.columns:
        typed[col.name], col_issues = _column_issues(col, now)
        issues += [F.when(parsed, i) for i in col_issues]

    known = F.array(*[F.lit(c) for c in contract.column_names])
    # Field names the contract does not declare (distinct: a repeated one is reported above).
    unknown_names = F.array_except(F.map_keys(fields), known)
    has_unknown = F.size(unknown_names) > 0
    if contract.schema_drift == "reject":
        issues.append(
            issue(
                parsed & has_unknown,
                "unexpected_column",
                F.concat(
                    F.lit("unexpected column(s) "), F.array_join(F.array_sort(unknown_names), ", ")
                ),
            )
        )
    elif contract.schema_drift == "rescue":
        unknown = F.map_filter(fields, lambda k, _: ~F.array_contains(known, k))
        typed[RESCUED] = F.when(parsed & has_unknown, F.to_json(unknown))

    found = issues_found(issues)
    return df.withColumns(
        {
            **typed,
            REASONS: found.getField("code"),
            MESSAGES: found.getField("message"),
        }
    ).drop(FIELD_TEXT)


def field_names(df: DataFrame) -> DataFrame:
    """Distinct top-level field names seen in a raw batch (one column, ``name``)."""
    return df.select(F.explode(F.map_keys(F.col(RAW_FIELDS))).alias("name")).distinct()
