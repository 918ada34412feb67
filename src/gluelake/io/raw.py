"""Read a dataset's raw files into one uniform shape, whatever the source format:
``_raw`` (the record's text), ``_fields`` (field name -> value text; null when the record
could not be parsed) and ``_source_file``. Parsing is per record, so one malformed line
never takes its neighbours with it."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from pyspark.errors import AnalysisException
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from gluelake.columns import RAW_FIELDS, RAW_TEXT, SOURCE_FILE
from gluelake.contracts.model import DatasetContract
from gluelake.errors import SourceError
from gluelake.io.layout import LakeLayout

_CORRUPT = "_corrupt_record"
FIELDS_TYPE = T.MapType(T.StringType(), T.StringType(), valueContainsNull=True)


# What JSON itself counts as whitespace: a line of nothing else holds no value.
JSON_WHITESPACE = " \t\r\n"
BOM = "\ufeff"
_NOT_BLANK = f"[^{re.escape(JSON_WHITESPACE)}]"  # finds a character that is not such space


def parse_json_lines(df: DataFrame) -> DataFrame:
    """``value`` (one JSON line) -> fields by name, each value as its JSON text. A line
    that is not a JSON object (an array, a bare value, broken text) gets null ``_fields``;
    blank lines (JSON whitespace only) are not records. A byte-order mark is an encoding
    marker, not content: Hadoop drops it at the start of a file, this drops one that
    concatenated files leave at the start of a line."""
    value = F.col("value")
    line = F.when(value.startswith(BOM), F.substring(value, 2, 1 << 30)).otherwise(value)
    return (
        df.select(line.alias(RAW_TEXT), F.col(SOURCE_FILE))
        # Some character JSON does not count as whitespace (not btrim: it copies the line).
        .filter(F.col(RAW_TEXT).rlike(_NOT_BLANK))
        .select(
            F.col(RAW_TEXT),
            F.from_json(RAW_TEXT, FIELDS_TYPE).alias(RAW_FIELDS),  # type: ignore[arg-type]
            F.col(SOURCE_FILE),
        )
    )


INGEST_FOLDER = "ingest_date"  # raw files sit under <source path>/ingest_date=YYYY-MM-DD/


def delivery_time(source_file: Column) -> Column:
    """Midnight UTC of the ``ingest_date=`` folder a raw file was delivered in (null when
    the path has none): when a delivered snapshot took effect."""
    day = F.regexp_extract(source_file, rf"{INGEST_FOLDER}=(\d{{4}}-\d{{2}}-\d{{2}})", 1)
    return F.when(day != "", F.to_timestamp(day, "yyyy-MM-dd"))


def raw_paths(
    layout: LakeLayout, contract: DatasetContract, ingest_dates: Sequence[str]
) -> list[str]:
    base = layout.raw(contract)
    return [f"{base}/{INGEST_FOLDER}={d}" for d in ingest_dates] if ingest_dates else [base]


def relative_source_file(contract: DatasetContract) -> Column:
    """The file a record came from, relative to the lake root and without a scheme
    (``raw/emissions/ingest_date=2025-01-01/part-00000.jsonl``): moving the lake, another
    bucket, or ``s3a://`` instead of ``s3://`` leave it unchanged, so re-runs stay
    idempotent (it is the MERGE tie-break and part of a quarantined record's id)."""
    return lake_relative(F.input_file_name(), contract.source.path)


def lake_relative(path: Column, source_path: str) -> Column:
    """``path`` from the source folder on; the last occurrence counts, as a lake root may
    itself contain the folder's name."""
    source = re.escape(source_path.strip("/"))
    return F.regexp_extract(path, rf"^(?:.*/)?({source}/.*)$", 1)


def read_raw(
    spark: SparkSession,
    layout: LakeLayout,
    contract: DatasetContract,
    *,
    ingest_dates: Sequence[str] = (),
    files: Sequence[str] = (),
) -> DataFrame:
    """The dataset's raw records: ``files`` (paths relative to the lake root) when given,
    else every file under its raw folder (or under the ``ingest_dates`` folders)."""
    paths = [layout.path(f) for f in files] or raw_paths(layout, contract, ingest_dates)
    try:
        source_file = relative_source_file(contract)
        if contract.source.format == "json":
            return _read_json_lines(spark, paths, source_file)
        return _read_csv(spark, paths, dict(contract.source.options), source_file)
    except AnalysisException as exc:
        if "PATH_NOT_FOUND" in str(exc) or "Path does not exist" in str(exc):
            raise SourceError(contract.name, ", ".join(paths), "no raw files found") from None
        raise


def _read_json_lines(spark: SparkSession, paths: list[str], source_file: Column) -> DataFrame:
    text = spark.read.option("recursiveFileLookup", "true").text(paths)
    return text.withColumn(SOURCE_FILE, source_file).transform(parse_json_lines)


def _read_csv(
    spark: SparkSession, paths: list[str], options: dict[str, str], source_file: Column
) -> DataFrame:
    # enforceSchema=false: every file's header is checked against the first file's, so a
    # file with its columns in another order fails instead of shifting values.
    opts = {"header": "true", **options, "recursiveFileLookup": "true", "enforceSchema": "false"}
    header = spark.read.options(**opts).csv(paths).columns
    schema = T.StructType(
        [T.StructField(n, T.StringType()) for n in header]
        + [T.StructField(_CORRUPT, T.StringType())]
    )
    rows = (
        spark.read.options(**opts, mode="PERMISSIVE", columnNameOfCorruptRecord=_CORRUPT)
        .schema(schema)
        .csv(paths)
    )
    fields = F.map_from_arrays(
        F.array(*[F.lit(n) for n in header]), F.array(*[F.col(n) for n in header])
    )
    delimiter = options.get("sep", options.get("delimiter", ","))
    return rows.select(
        F.coalesce(F.col(_CORRUPT), F.concat_ws(delimiter, *[F.col(n) for n in header])).alias(
            RAW_TEXT
        ),
        F.when(F.col(_CORRUPT).isNull(), fields).alias(RAW_FIELDS),
        source_file.alias(SOURCE_FILE),
    )


@contextmanager
def source_errors(contract: DatasetContract, layout: LakeLayout) -> Iterator[None]:
    """Around the first action on a raw batch: where a source's own structure is found
    wanting (the reader's error surfaces there, wrapped by py4j)."""
    try:
        yield
    except Exception as exc:
        text = str(exc)
        if "CSV header does not conform to the schema" in text:
            detail = text[text.index("CSV header") :].splitlines()
            raise SourceError(
                contract.name,
                layout.raw(contract),
                "CSV files disagree on their header (columns must be in the same order): "
                + " ".join(line.strip() for line in detail[:5]),
            ) from None
        raise
