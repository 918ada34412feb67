"""Compiled checks: a suite's common expectations are counted by Spark in one aggregation,
and only what fails (or is not compiled) goes to Great Expectations. A compiled check may
never pass what GX fails: each case below is judged by both."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import shell
from conftest import NOW
from pyspark.sql import DataFrame, SparkSession

from gluelake.contracts import DatasetContract
from gluelake.contracts.tables import zone_table
from gluelake.errors import SuiteError
from gluelake.paths import project_root
from gluelake.quality import native, suites
from gluelake.quality.engine import SuiteRunner
from gluelake.quality.results import ExpectationOutcome
from gluelake.quality.suites import SuiteFile
from gluelake.spark_types import spark_schema

SCHEMA = "id string, code string, n int, x double, ts timestamp, d date, a int, b int, grp string"
ROOT = project_root()
COLUMNS = ["id", "code", "n", "x", "ts", "d", "a", "b", "grp"]


def _e(kind: str, **kwargs: Any) -> dict[str, Any]:
    return {"type": kind, "kwargs": kwargs, "severity": "critical"}


# One expectation of every compiled kind, with the options each compiler reads.
SUITE = [
    _e("expect_column_values_to_not_be_null", column="id"),
    _e("expect_column_values_to_be_in_set", column="code", value_set=["a", "b"]),
    _e("expect_column_values_to_be_in_set", column="n", value_set=[1, 2, 3]),
    _e("expect_column_values_to_match_regex", column="id", regex="^r[0-9]+$"),
    _e("expect_column_values_to_be_between", column="x", min_value=0, max_value=10),
    _e("expect_column_values_to_be_between", column="n", min_value=0, strict_min=True),
    _e("expect_column_values_to_be_between", column="ts", max_value={"$PARAMETER": "now"}),
    _e("expect_column_values_to_be_between", column="d", max_value={"$PARAMETER": "now"}),
    _e("expect_column_values_to_be_unique", column="id"),
    _e("expect_compound_columns_to_be_unique", column_list=["grp", "n"]),
    _e(
        "expect_column_pair_values_a_to_be_greater_than_b",
        column_A="a",
        column_B="b",
        or_equal=True,
        ignore_row_if="either_value_is_missing",
    ),
    _e("expect_column_pair_values_a_to_be_greater_than_b", column_A="a", column_B="b"),
    _e("expect_table_row_count_to_be_between", min_value=1, max_value=5),
    _e("expect_table_columns_to_match_set", column_set=COLUMNS),
    _e(
        "unexpected_rows_expectation",
        unexpected_rows_query="SELECT id FROM {batch} WHERE n = 0",
    ),
]
T = datetime(2025, 1, 1, tzinfo=UTC)
D = date(2025, 1, 1)
# Nulls where GX skips them: a compiled check must skip them too (count 0), not hand them
# to GX.
GOOD = [
    ("r1", "a", 1, 1.0, T, D, 2, 1, "g"),
    ("r2", None, 2, None, None, None, None, 1, "g"),
    ("r3", "b", None, 9.5, T, D, 4, 3, None),
    ("r4", "b", 3, 2.0, T, D, 5, None, "h"),
]
# Each row breaks what its comment says.
BAD = [
    *GOOD,
    ("r1", "a", 1, 1.0, T, D, 2, 1, "g"),  # id unique, (grp, n) unique, row count <= 5
    (None, "z", 4, 11.0, datetime(2030, 1, 1, tzinfo=UTC), date(2030, 1, 1), 1, 2, "k"),
    # ^ id not null; code and n in set; x <= 10; ts and d not after now; a >= b, a > b
    ("X9", "b", 0, 7.0, T, D, 2, 1, "m"),  # id regex; n > 0; the query (n = 0)
]


def _suite(expectations: list[dict[str, Any]], readings: DatasetContract) -> SuiteFile:
    text = json.dumps({"name": "bronze.readings", "expectations": expectations})
    table = zone_table(readings, "bronze")
    return SuiteFile(table=table, path=Path("suite.json"), text=text, expectations=())


def _judged(
    suite: SuiteFile, df: DataFrame
) -> tuple[tuple[ExpectationOutcome, ...], tuple[ExpectationOutcome, ...], SuiteRunner]:
    compiled = SuiteRunner([suite])
    by_gx = SuiteRunner([suite], compiled=False)
    outcomes, rows = compiled.run(suite, df, NOW, pii=())
    reference, reference_rows = by_gx.run(suite, df, NOW, pii=())
    assert rows == reference_rows == df.count()
    return outcomes, reference, compiled


def test_every_kind_compiles(spark: SparkSession) -> None:
    df = spark.createDataFrame(GOOD, SCHEMA)
    assert sorted(native.compile_suite(SUITE, df.schema, NOW)) == list(range(len(SUITE) - 1))
    assert list(native.queries(SUITE)) == [len(SUITE) - 1]


def test_a_passing_batch_passes_without_great_expectations(
    spark: SparkSession, readings: DatasetContract
) -> None:
    df = spark.createDataFrame(GOOD, SCHEMA).cache()
    counts, rows = native.evaluate(df, SUITE, NOW)
    assert counts == dict.fromkeys(range(len(SUITE)), 0)
    assert rows == len(GOOD)

    outcomes, reference, runner = _judged(_suite(SUITE, readings), df)
    assert all(o.success for o in reference), [o.label for o in reference if not o.success]
    assert outcomes == reference
    assert not runner.gx_started


def test_what_fails_natively_fails_in_great_expectations_with_its_details(
    spark: SparkSession, readings: DatasetContract
) -> None:
    df = spark.createDataFrame(BAD, SCHEMA).withColumn("extra", spark_lit()).cache()
    counts, _ = native.evaluate(df, SUITE, NOW)
    assert [i for i, n in counts.items() if n == 0] == []

    outcomes, reference, runner = _judged(_suite(SUITE, readings), df)
    assert [o.label for o in reference if o.success] == []
    assert outcomes == reference  # GX's counts and samples for every failure
    assert runner.gx_started
    unique = outcomes[SUITE.index(_e("expect_column_values_to_be_unique", column="id"))]
    assert unique.unexpected_count == 2 and unique.samples == ("r1",)


def spark_lit() -> Any:
    from pyspark.sql import functions as F

    return F.lit(1)  # a column the suite's column set does not list


@pytest.mark.parametrize(
    "expectation",
    [
        _e("expect_column_values_to_not_be_null", column="id", row_condition='code=="a"'),
        _e("expect_column_values_to_be_in_set", column="code", value_set=["a"], mostly=0.5),
        _e("expect_column_values_to_be_in_set", column="code", value_set=["a", 1]),
        _e("expect_column_values_to_be_between", column="code", min_value=0),
        _e("expect_column_values_to_be_between", column="ts", min_value="2020-01-01"),
        _e("expect_column_values_to_be_between", column="x", min_value=0, strict_min="yes"),
        _e("expect_column_value_lengths_to_be_between", column="id", min_value=1),
        _e("unexpected_rows_expectation", unexpected_rows_query="SELECT '{x}' FROM {batch}"),
    ],
    ids=[
        "row_condition",
        "mostly",
        "mixed set",
        "string range",
        "text date",
        "text flag",
        "other",
        "brace",
    ],
)
def test_what_is_not_compiled_is_left_to_great_expectations(
    spark: SparkSession, expectation: dict[str, Any]
) -> None:
    schema = spark.createDataFrame(GOOD, SCHEMA).schema
    assert native.compile_suite([expectation], schema, NOW) == {}
    assert native.queries([expectation]) == {}


def test_a_check_spark_rejects_goes_to_great_expectations(
    spark: SparkSession, readings: DatasetContract
) -> None:
    """Java cannot compile the regex: the aggregation fails, GX runs the whole suite and
    reports the error on that expectation, as it always did."""
    broken = [*SUITE[:2], _e("expect_column_values_to_match_regex", column="id", regex="[")]
    df = spark.createDataFrame(GOOD, SCHEMA).cache()
    outcomes, reference, runner = _judged(_suite(broken, readings), df)
    # Py4J names its objects in the error (o372...): compare all but the error's text.
    assert [replace(o, error=None) for o in outcomes] == [replace(o, error=None) for o in reference]
    assert [o.success for o in outcomes] == [True, True, False]
    assert outcomes[2].error
    assert runner.gx_started


def test_a_suite_the_gate_evaluates_natively_loads_in_great_expectations(
    spark: SparkSession,
) -> None:
    """What ``understood`` accepts without asking GX, GX accepts too."""
    schema = spark.createDataFrame(GOOD, SCHEMA).schema
    doc = {"name": "bronze.x", "meta": {"a": 1}, "notes": "n", "expectations": SUITE}
    assert native.understood(doc, schema)
    suites._gx_load(doc, "suite.json")  # raises SuiteError if GX refuses any of it


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["expectations"][0]["kwargs"].update(colum="id"),
        lambda d: d["expectations"][0].update(severity_level="critical"),
        lambda d: d.update(owner="me"),
        lambda d: d["expectations"][0].update(type="expect_column_values_to_be_nul"),
    ],
    ids=["kwarg", "expectation key", "suite key", "type"],
)
def test_anything_else_is_checked_by_great_expectations(
    spark: SparkSession, readings: DatasetContract, change: Any
) -> None:
    doc = {"name": "bronze.readings", "expectations": [dict(e) for e in SUITE[:1]]}
    doc["expectations"][0]["kwargs"] = {"column": "site"}
    change(doc)
    table = zone_table(readings, "bronze")
    assert not native.understood(doc, spark_schema(table))
    with pytest.raises(SuiteError, match="Great Expectations cannot load it"):
        suites.parse_suite(json.dumps(doc), "suite.json", table, readings)


def test_jobs_do_not_import_great_expectations_for_the_sample_suites() -> None:
    """Loading every gate of the sample datasets (as each job does once its session is up)
    needs no GX: its import takes seconds of CPU at the start of every job."""
    code = (
        "import sys\n"
        "from gluelake.session import build_local_session\n"
        "spark = build_local_session()\n"
        "from gluelake.contracts import load_contracts\n"
        "from gluelake.paths import default_schemas_dir\n"
        "from gluelake.quality.factory import make_gate\n"
        "contracts = load_contracts(default_schemas_dir())\n"
        "for c in contracts.values():\n"
        "    for zone, _ in c.zones:\n"
        "        make_gate(c, zone, contracts=contracts)\n"
        "print('great_expectations' in sys.modules)\n"
    )
    done = shell.run([ROOT / ".venv" / "bin" / "python", "-c", code])
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "False"
