"""Every shipped Athena query, run locally on a generated lake, against numbers computed
independently in Python from the rows the lake was written from."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlglot
from pyspark.sql import SparkSession

from gluelake.athena.environments import Environment, load_environments
from gluelake.athena.runner import QueryText, format_table, read_query, register_lake, run_query
from gluelake.athena.transpile import database_map, to_spark_sql
from gluelake.cli import main
from gluelake.contracts import DatasetContract
from gluelake.contracts.tables import aggregate_tables, quality_results_table, quarantine_table
from gluelake.errors import AthenaError
from gluelake.paths import project_root
from gluelake.spark_types import spark_schema

QUERIES = project_root() / "athena" / "queries"
TODAY = datetime.now(UTC).date()
RUN = ("run-1", "job", "1", datetime(2025, 1, 1, tzinfo=UTC))

# (tenant, scope, category, year, month, total_kg_co2e, record_count)
GOLD = [
    ("tenant-001", 1, "stationary_combustion", 2024, 1, Decimal("100.500000"), 3),
    ("tenant-001", 2, "purchased_electricity", 2024, 1, Decimal("40.000000"), 2),
    ("tenant-001", 1, "stationary_combustion", 2024, 11, Decimal("10.250000"), 1),
    ("tenant-001", 1, "stationary_combustion", 2025, 1, Decimal("80.000000"), 4),
    ("tenant-001", 3, "business_travel", 2025, 3, Decimal("300.125000"), 5),
    ("tenant-002", 2, "purchased_electricity", 2025, 3, Decimal("55.000000"), 2),
    ("tenant-002", 2, "purchased_electricity", 2025, 12, Decimal("5.000000"), 1),
    ("tenant-003", 3, "waste", 2023, 6, Decimal("0.000000"), 1),
    ("tenant-003", 3, "waste", 2024, 6, Decimal("7.000000"), 1),
]
# (zone, reason codes, ingested at)
QUARANTINE = [
    ("bronze", ["bad_unit"], datetime(2025, 3, 1, 8, tzinfo=UTC)),
    ("bronze", ["bad_unit", "negative_quantity"], datetime(2025, 3, 1, 9, tzinfo=UTC)),
    ("bronze", ["future_timestamp"], datetime(2025, 3, 2, 9, tzinfo=UTC)),
    ("silver", ["unknown_factor"], datetime(2025, 3, 1, 23, 59, tzinfo=UTC)),
    ("silver", ["unknown_factor"], datetime(2025, 3, 2, 0, 1, tzinfo=UTC)),
]
# (dataset, days ago, run id, zone, success)
QUALITY = [
    ("emissions", 1, "r1", "silver", True),
    ("emissions", 1, "r1", "silver", False),
    ("emissions", 1, "r2", "silver", True),
    ("emissions", 2, "r3", "bronze", True),
    ("assessments", 2, "r4", "silver", False),
    ("emissions", 45, "r0", "silver", False),  # outside the 30-day window
]


def _gold_row(g: tuple[Any, ...]) -> tuple[Any, ...]:
    tenant, scope, category, year, month, total, count = g
    measures = (total, count, 1, total, total, total)
    return (tenant, scope, category, *measures, *RUN, year, month)


@pytest.fixture(scope="module")
def query_lake(
    spark: SparkSession, tmp_path_factory: pytest.TempPathFactory,
    contracts: dict[str, DatasetContract],
) -> Path:  # fmt: skip
    root = tmp_path_factory.mktemp("querylake")
    gold = aggregate_tables(contracts["emissions"])[0]
    df = spark.createDataFrame([_gold_row(g) for g in GOLD], spark_schema(gold))
    df.write.partitionBy("year", "month").parquet(str(root / gold.path))
    for zone in ("bronze", "silver"):
        spec = quarantine_table(contracts["emissions"], zone)
        rows = [
            (f"id-{i}", reasons, "msg", "{}", "raw/x.json", *RUN[:3], at)
            for i, (z, reasons, at) in enumerate(QUARANTINE)
            if z == zone
        ]
        spark.createDataFrame(rows, spark_schema(spec)).write.format("delta").save(
            str(root / spec.path)
        )
    q = quality_results_table()
    rows = [
        (run, zone, "suite", "expect_x", "c", "critical", ok, 10, 0 if ok else 2, 0.0, "",
         datetime.combine(TODAY - timedelta(days=ago), datetime.min.time(), UTC),
         dataset, (TODAY - timedelta(days=ago)).isoformat())
        for dataset, ago, run, zone, ok in QUALITY
    ]  # fmt: skip
    spark.createDataFrame(rows, spark_schema(q)).write.partitionBy(
        "dataset", "validation_date"
    ).parquet(str(root / q.path))
    return root


@pytest.fixture(scope="module")
def registered(
    spark: SparkSession, query_lake: Path, contracts: dict[str, DatasetContract]
) -> Environment:
    env = load_environments()["local"]
    results = register_lake(spark, env, contracts, query_lake)
    done = {f"{r.table.database}.{r.table.name}" for r in results if r.registered}
    assert "gluelake_local_gold.emissions_monthly" in done
    assert "gluelake_local_silver.emissions_quarantine" in done
    return env


def _run(spark: SparkSession, env: Environment, name: str) -> list[tuple[Any, ...]]:
    df = run_query(spark, read_query(str(QUERIES / name)), load_environments(), env)
    return [tuple(r) for r in df.collect()]


def test_every_shipped_query_is_tested_and_parses_as_athena() -> None:
    shipped = sorted(p.name for p in QUERIES.glob("*.sql"))
    assert shipped == sorted(EXPECTATIONS)
    for name in shipped:
        sqlglot.parse_one((QUERIES / name).read_text(), read="athena")


def expect_monthly() -> list[tuple[Any, ...]]:
    acc: dict[tuple[Any, ...], list[Any]] = defaultdict(lambda: [Decimal(0), 0])
    for tenant, scope, _cat, year, month, total, count in GOLD:
        acc[(tenant, scope, year, month)][0] += total
        acc[(tenant, scope, year, month)][1] += count
    return [(*k, v[0], round(float(v[0]) / 1000, 3), v[1]) for k, v in sorted(acc.items())]


def expect_yoy() -> list[tuple[Any, ...]]:
    yearly: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for tenant, _s, _c, year, _m, total, _n in GOLD:
        yearly[(tenant, year)] += total
    out = []
    for (tenant, year), total in sorted(yearly.items()):
        prior = yearly.get((tenant, year - 1))
        change = None if prior is None else total - prior
        pct = None if prior is None or prior == 0 else round(100 * float(change) / float(prior), 2)  # type: ignore[arg-type]
        out.append((tenant, year, total, prior, change, pct))
    return out


def expect_top() -> list[tuple[Any, ...]]:
    acc: dict[tuple[str, int], list[Any]] = defaultdict(lambda: [Decimal(0), set(), 0])
    for tenant, scope, cat, _y, _m, total, count in GOLD:
        acc[(cat, scope)][0] += total
        acc[(cat, scope)][1].add(tenant)
        acc[(cat, scope)][2] += count
    rows = [(c, s, v[0], len(v[1]), v[2]) for (c, s), v in acc.items()]
    return sorted(rows, key=lambda r: (-r[2], r[0], r[1]))[:10]


def expect_quarantine() -> list[tuple[Any, ...]]:
    acc: dict[tuple[date, str, str], int] = defaultdict(int)
    for zone, reasons, at in QUARANTINE:
        for reason in reasons:
            acc[(at.date(), zone, reason)] += 1
    return sorted(
        ((d, z, r, n) for (d, z, r), n in acc.items()), key=lambda t: (t[0], t[1], -t[3], t[2])
    )


def _pct(part: int, whole: int) -> Decimal:
    # Athena and Spark both keep 100.0 * n / m a DECIMAL and round it half up.
    return (Decimal(100) * part / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def expect_quality() -> list[tuple[Any, ...]]:
    acc: dict[tuple[str, str, str], list[Any]] = defaultdict(lambda: [set(), 0, 0])
    for dataset, ago, run, zone, ok in QUALITY:
        if ago > 30:
            continue
        key = ((TODAY - timedelta(days=ago)).isoformat(), dataset, zone)
        acc[key][0].add(run)
        acc[key][1] += 1
        acc[key][2] += 0 if ok else 1
    return [(*k, len(v[0]), v[1], v[2], _pct(v[1] - v[2], v[1])) for k, v in sorted(acc.items())]


EXPECTATIONS = {
    "monthly_emissions_by_tenant_scope.sql": expect_monthly,
    "year_over_year_change.sql": expect_yoy,
    "top_categories.sql": expect_top,
    "quarantine_reasons_by_day.sql": expect_quarantine,
    "quality_trend.sql": expect_quality,
}


def _normalise(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    # Doubles (ROUND of a DOUBLE) compared to 6 places; decimals and the rest exactly.
    def cell(v: Any) -> Any:
        return round(float(v), 6) if isinstance(v, float) else v

    return [tuple(cell(v) for v in r) for r in rows]


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_shipped_query_numbers(spark: SparkSession, registered: Environment, name: str) -> None:
    got = _run(spark, registered, name)
    expected = EXPECTATIONS[name]()
    assert expected, "the lake must give every query rows to check"
    assert _normalise(got) == _normalise(expected)


def test_database_names_of_any_environment_are_retargeted() -> None:
    envs = load_environments()
    sql = to_spark_sql(
        "SELECT * FROM gluelake_prod_gold.emissions_monthly JOIN other.t ON TRUE",
        database_map(envs, envs["local"]),
    )
    assert "gluelake_local_gold.emissions_monthly" in sql and "other.t" in sql


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("DROP TABLE gluelake_dev_gold.emissions_monthly", "expected a SELECT query, found DROP"),
        ("SELECT 1; SELECT 2", "expected one query, found 2 statements"),
        ("SELEC 1", "not valid Athena SQL"),
    ],
)
def test_only_single_queries_are_run(sql: str, message: str) -> None:
    with pytest.raises(AthenaError, match=message):
        to_spark_sql(sql, {})


def test_unknown_table_is_a_clear_error(spark: SparkSession, registered: Environment) -> None:
    query = QueryText("SELECT * FROM gluelake_dev_gold.nope", "adhoc.sql")
    with pytest.raises(AthenaError, match=r"adhoc.sql: Spark could not run the query: .*nope"):
        run_query(spark, query, load_environments(), registered)


def test_format_table() -> None:
    text = format_table(["name", "kg"], [("a", Decimal("1.50")), ("bb", None)])
    assert text.splitlines() == ["name |   kg", "-----+-----", "a    | 1.50", "bb   | NULL"]


def test_cli_query_prints_a_table(
    query_lake: Path, registered: Environment, capsys: pytest.CaptureFixture[str]
) -> None:
    sql = (
        "SELECT tenant_id, SUM(record_count) AS n "
        "FROM gluelake_dev_gold.emissions_monthly GROUP BY 1 ORDER BY 1"
    )
    assert main(["query", sql, "--lake-root", str(query_lake), "--limit", "2"]) == 0
    captured = capsys.readouterr()
    out = captured.out.splitlines()
    assert out[0].split() == ["tenant_id", "|", "n"]
    assert out[2].split() == ["tenant-001", "|", "15"]
    assert len(out) == 4  # header, rule, two rows; the cut is reported on stderr
    assert "output cut at --limit 2 rows" in captured.err
    assert main(["query", "missing.sql", "--lake-root", str(query_lake)]) == 2
    sql = "SELECT COUNT(*) FROM gluelake_dev_silver.emissions"
    assert main(["query", sql, "--lake-root", str(query_lake)]) == 2
    err = capsys.readouterr().err
    assert "not registered: gluelake_local_silver.emissions (nothing written at" in err
    assert "Spark could not run the query" in err
