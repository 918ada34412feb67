from __future__ import annotations

from pathlib import Path

import pytest

from gluelake.errors import ConfigError
from gluelake.session import LocalSessionConfig, build_local_session


def test_session_settings_match_glue_expectations(spark):
    conf = spark.conf
    assert conf.get("spark.sql.session.timeZone") == "UTC"
    assert conf.get("spark.sql.variable.substitute") == "false"
    assert conf.get("spark.sql.extensions") == "io.delta.sql.DeltaSparkSessionExtension"
    assert (
        conf.get("spark.sql.catalog.spark_catalog")
        == "org.apache.spark.sql.delta.catalog.DeltaCatalog"
    )
    assert conf.get("spark.ui.enabled") == "false"
    assert conf.get("spark.sql.codegen.hugeMethodLimit") == "8000"  # HotSpot's JIT limit
    assert spark.version == "3.5.6"


def test_template_placeholders_survive_spark_sql(spark):
    template = "s3://lake/gold/t/year=${year}/month=${month}"
    assert spark.sql(f"SELECT '{template}' AS t").first()["t"] == template


def test_delta_round_trip(spark, tmp_path):
    path = str(tmp_path / "d")
    spark.range(3).write.format("delta").save(path)
    assert spark.read.format("delta").load(path).count() == 3


def test_missing_jars_name_the_make_target(tmp_path: Path):
    with pytest.raises(ConfigError, match="run `make jars`"):
        build_local_session(LocalSessionConfig(jars_dir=tmp_path))
