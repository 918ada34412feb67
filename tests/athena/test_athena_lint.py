"""The projection linter: static settings and the partition directories of a lake."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from gluelake.athena.ddl import ddl_text
from gluelake.athena.definitions import athena_tables
from gluelake.athena.environments import Environment
from gluelake.athena.lint import (
    ProjectedTable,
    lint_lake,
    lint_static,
    lint_tables,
    parse_ddl,
)
from gluelake.cli import main
from gluelake.contracts import DatasetContract
from gluelake.contracts.tables import aggregate_tables

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
LOC = "s3://lake/gold/t/"


def _table(
    *props: tuple[str, str], partitions: tuple[str, ...] = ("year", "month")
) -> ProjectedTable:
    base = (
        ("projection.enabled", "true"),
        ("projection.year.type", "integer"),
        ("projection.year.range", "2000,2100"),
        ("projection.month.type", "integer"),
        ("projection.month.range", "1,12"),
        ("storage.location.template", f"{LOC}year=${{year}}/month=${{month}}/"),
    )
    merged = dict(base)
    for key, value in props:
        if value == "":
            merged.pop(key, None)
        else:
            merged[key] = value
    return ProjectedTable("db.t", "t.sql", LOC, partitions, tuple(merged.items()))


def _messages(issues: list) -> str:  # type: ignore[type-arg]
    return "\n".join(str(i) for i in issues)


def test_generated_ddl_passes(test_env: Environment, contracts: dict[str, DatasetContract]) -> None:
    for table in athena_tables(test_env, contracts):
        parsed = parse_ddl(ddl_text(table), table.qualified_name)
        assert parsed.partition_columns == tuple(c.name for c in table.partitions) or table.is_delta
        assert lint_static(parsed, NOW) == []


def test_template_missing_a_column() -> None:
    t = _table(("storage.location.template", f"{LOC}year=${{year}}/"))
    msg = _messages(lint_static(t, NOW))
    assert "storage.location.template: does not name partition column 'month'" in msg


def test_unprojected_column_and_unknown_type() -> None:
    msg = _messages(lint_static(_table(("projection.month.type", "")), NOW))
    assert "projection.month.type: partition column 'month' is not projected" in msg
    msg = _messages(lint_static(_table(("projection.month.type", "range")), NOW))
    assert "expected one of ('integer', 'date', 'enum', 'injected'), found 'range'" in msg


@pytest.mark.parametrize(
    ("prop", "value", "expected"),
    [
        ("projection.year.range", "2000-2100", "expected 'min,max' integers, found '2000-2100'"),
        ("projection.year.range", "2100,2000", "min 2100 is greater than max 2000"),
        ("projection.month.digits", "two", "expected a positive integer, found 'two'"),
    ],
)
def test_integer_settings_must_parse(prop: str, value: str, expected: str) -> None:
    assert expected in _messages(lint_static(_table((prop, value)), NOW))


def _dated(fmt: str, rng: str, *extra: tuple[str, str]) -> ProjectedTable:
    return ProjectedTable(
        "db.q", "q.sql", LOC, ("d",),
        (("projection.enabled", "true"), ("projection.d.type", "date"),
         ("projection.d.format", fmt), ("projection.d.range", rng), *extra),
    )  # fmt: skip


def test_date_settings_must_parse() -> None:
    assert lint_static(_dated("yyyy-MM-dd", "2020-01-01,NOW"), NOW) == []
    assert lint_static(_dated("yyyy-MM", "NOW-3YEARS,NOW+1MONTHS"), NOW) == []
    msg = _messages(lint_static(_dated("yyyy-MM-dd", "2020/01/01,NOW"), NOW))
    assert "'2020/01/01' does not match format 'yyyy-MM-dd'" in msg
    msg = _messages(lint_static(_dated("yyyy-MM-dd-HH", "2020-01-01-00,NOW"), NOW))
    assert "finer than a day: set interval and interval.unit" in msg
    unit = ("projection.d.interval.unit", "FORTNIGHTS")
    msg = _messages(lint_static(_dated("yyyy-MM-dd", "2020-01-01,NOW", unit), NOW))
    assert "interval.unit: expected one of" in msg
    msg = _messages(lint_static(_dated("yyyy-QQ", "2020-01,NOW"), NOW))
    assert "pattern letter 'Q' is not supported" in msg


def test_enum_values_with_spaces() -> None:
    t = ProjectedTable(
        "db.e", "e.sql", LOC, ("r",),
        (("projection.enabled", "true"), ("projection.r.type", "enum"),
         ("projection.r.values", "emea, amer")),
    )  # fmt: skip
    assert "carry spaces" in _messages(lint_static(t, NOW))


def test_delta_with_projection_is_flagged() -> None:
    t = ProjectedTable(
        "db.d", "d.sql", LOC, (), (("table_type", "DELTA"), ("projection.enabled", "true"))
    )
    assert "Delta tables take no projection settings" in _messages(lint_static(t, NOW))


def _dirs(root: Path, *names: str) -> None:
    for name in names:
        (root / name).mkdir(parents=True)
        (root / name / "part-00000.parquet").write_bytes(b"")


def test_unpadded_month_under_digits_2(tmp_path: Path) -> None:
    _dirs(tmp_path, "year=2025/month=3", "year=2025/month=11")
    issues, count = lint_lake(_table(("projection.month.digits", "2")), tmp_path, NOW)
    assert count == 2
    assert len(issues) == 1
    assert "month=3 does not match projection.month.digits=2: Athena reads month=03" in str(
        issues[0]
    )
    assert str(tmp_path / "year=2025" / "month=3") in str(issues[0])


def test_padded_month_without_digits(tmp_path: Path) -> None:
    _dirs(tmp_path, "year=2025/month=03")
    issues, _ = lint_lake(_table(), tmp_path, NOW)
    assert (
        "month=03 does not match projection.month (no digits): Athena reads month=3"
        in _messages(issues)
    )


def test_partition_outside_the_range(tmp_path: Path) -> None:
    _dirs(tmp_path, "year=1999/month=12", "year=2025/month=13")
    msg = _messages(lint_lake(_table(), tmp_path, NOW)[0])
    assert "year=1999 is outside projection.year.range 2000,2100" in msg
    assert "month=13 is outside projection.month.range 1,12" in msg


def test_directories_that_do_not_match_the_template(tmp_path: Path) -> None:
    _dirs(tmp_path, "yr=2025/month=1", "year=2025/month=__HIVE_DEFAULT_PARTITION__")
    (tmp_path / "stray.parquet").write_bytes(b"")
    (tmp_path / "_SUCCESS").write_bytes(b"")
    msg = _messages(lint_lake(_table(), tmp_path, NOW)[0])
    assert "directory 'yr=2025' does not match template level 'year=${year}'" in msg
    assert "month='__HIVE_DEFAULT_PARTITION__' is not an integer" in msg
    assert "stray.parquet: data file above the partition level" in msg
    assert "_SUCCESS" not in msg


def test_date_and_enum_values(tmp_path: Path) -> None:
    t = ProjectedTable(
        "db.q", "q.sql", LOC, ("dataset", "d"),
        (("projection.enabled", "true"), ("projection.dataset.type", "enum"),
         ("projection.dataset.values", "a,b"), ("projection.d.type", "date"),
         ("projection.d.format", "yyyy-MM-dd"), ("projection.d.range", "2020-01-01,NOW")),
    )  # fmt: skip
    _dirs(tmp_path, "dataset=a/d=2026-06-15", "dataset=c/d=2026-06-01", "dataset=b/d=2026-6-1",
          "dataset=b/d=2026-06-16", "dataset=b/d=2019-12-31")  # fmt: skip
    issues, count = lint_lake(t, tmp_path, NOW)
    msg = _messages(issues)
    assert count == 5 and len(issues) == 4, msg
    assert "dataset='c' is not in projection.dataset.values ['a', 'b']" in msg
    assert "'2026-6-1' is not written as format 'yyyy-MM-dd' writes it ('2026-06-01')" in msg
    assert "d=2026-06-16 is outside projection.d.range 2020-01-01,NOW" in msg
    assert "d=2019-12-31 is outside" in msg


@pytest.fixture(scope="module")
def spark_lake(spark: SparkSession, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A gold table written the way the gold writer does: partitionBy(year, month) ints."""
    root = tmp_path_factory.mktemp("lintlake")
    rows = [(2024, 12, "tenant-001", 1.0), (2025, 3, "tenant-001", 2.0), (2025, 11, "t", 3.0)]
    df = spark.createDataFrame(rows, "year int, month int, tenant_id string, v double")
    df.write.partitionBy("year", "month").parquet(str(root / "gold/emissions/emissions_monthly"))
    return root


def test_spark_written_gold_matches_generated_projection(
    spark_lake: Path, test_env: Environment, contracts: dict[str, DatasetContract]
) -> None:
    tables = [parse_ddl(ddl_text(t), t.qualified_name) for t in athena_tables(test_env, contracts)]
    report = lint_tables(tables, test_env.lake_root, spark_lake)
    assert report.issues == ()
    assert report.partitions == 3


def test_spark_written_gold_under_zero_padded_projection_fails(
    spark_lake: Path, test_env: Environment, contracts: dict[str, DatasetContract]
) -> None:
    gold = aggregate_tables(contracts["emissions"])[0]
    table = next(t for t in athena_tables(test_env, contracts) if t.spec == gold)
    parsed = parse_ddl(ddl_text(table), "x.sql")
    padded = replace(parsed, properties=(*parsed.properties, ("projection.month.digits", "2")))
    report = lint_tables([padded], test_env.lake_root, spark_lake)
    assert [i.message.split(":")[0] for i in report.issues] == [
        "month=3 does not match projection.month.digits=2"
    ]


def test_cli_lint_exit_codes(
    spark_lake: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["athena", "lint", "--lake-root", str(spark_lake)]) == 0
    assert "3 partition(s)" in capsys.readouterr().out
    _dirs(tmp_path / "gold/emissions/emissions_monthly", "year=2025/month=03")
    assert main(["athena", "lint", "--lake-root", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "gluelake_dev_gold.emissions_monthly:" in out and "Athena reads month=3" in out
    assert main(["athena", "lint", "--lake-root", str(tmp_path / "absent")]) == 2
    assert main(["athena", "lint", "--no-lake", "--env", "prod"]) == 0


def test_cli_ddl_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["athena", "ddl", "--check"]) == 0
    assert "78 DDL files match the contracts" in capsys.readouterr().out
