"""The one place a SparkSession is built.

Locally: ``local[*]`` with Delta from the project's ``.jars/`` folder, every temp file
inside the project's ``.tmp/``. On Glue: the running session (Glue provides Delta via
``--datalake-formats delta``), with the same SQL settings applied.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from pyspark.sql import SparkSession

from gluelake import s3a
from gluelake.errors import ConfigError
from gluelake.logs import HASH_PAD_PATTERN
from gluelake.paths import project_root

# Pad literals of the keyed hash are 128 hex characters: keep them out of plan strings.
REDACTION_REGEX = HASH_PAD_PATTERN

SQL_SETTINGS: dict[str, str] = {
    "spark.sql.session.timeZone": "UTC",
    # Athena's storage.location.template holds ${col}: never substitute inside SQL text.
    "spark.sql.variable.substitute": "false",
    "spark.sql.redaction.string.regex": REDACTION_REGEX,
    "spark.sql.sources.partitionOverwriteMode": "dynamic",
    "spark.sql.parquet.compression.codec": "snappy",
    "spark.sql.ansi.enabled": "false",
    # A JSON object with a repeated key must not fail the whole batch: the parsed map keeps
    # both entries, and enforcement quarantines the record as duplicate_key (transforms/enforce).
    "spark.sql.mapKeyDedupPolicy": "LAST_WIN",
    # HotSpot does not compile a method over 8000 bytes of bytecode (HugeMethodLimit) and
    # runs it interpreted, several times slower. Whole-stage code for a wide contract's
    # checks passes that size; at this limit Spark generates it as smaller methods instead
    # (the value Spark's documentation recommends on HotSpot).
    "spark.sql.codegen.hugeMethodLimit": "8000",
}
DELTA_SETTINGS: dict[str, str] = {
    "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
}
REQUIRED_JARS = ("delta-spark_2.12-3.3.2.jar", "delta-storage-3.3.2.jar")


@dataclass(frozen=True)
class LocalSizing:
    """How big a local session is, chosen from the machine. The one place this is decided.

    Locally one JVM is driver and executor at once, so the driver's heap is what every
    task shares, and Spark's default (1g) spills and collects garbage on a million rows:
    - ``driver_memory``: a quarter of the machine's memory, at least 1g and at most 4g
      (``GLUELAKE_DRIVER_MEMORY`` overrides it, e.g. ``6g``);
    - ``shuffle_partitions``: two per core, at least 2 (Spark's 200 makes 200 tasks and up to
      200 files for a few MB); adaptive execution merges partitions smaller than
      ``advisory_partition_bytes``, which also sets how big written files get.

    The same roles on AWS Glue, set by Glue from the worker type (not by this code): a
    G.1X worker is 1 DPU (4 vCPU, 16 GB) running one executor, G.2X is 2 DPU (8 vCPU,
    32 GB), G.4X 4 DPU (16 vCPU, 64 GB); shuffle partitions there stay Spark's 200 unless a
    job sets ``--conf spark.sql.shuffle.partitions``: about 2 x the job's total vCPUs is the
    equivalent of the local choice."""

    driver_memory: str
    shuffle_partitions: int
    advisory_partition_bytes: int = 128 * 1024 * 1024

    @classmethod
    def of_machine(cls) -> LocalSizing:
        cores = os.cpu_count() or 2
        try:
            memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError, AttributeError):  # not POSIX: assume a small laptop
            memory = 8 * 1024**3
        quarter_gb = int(min(max(memory // 4 // 1024**3, 1), 4))
        memory_text = os.environ.get("GLUELAKE_DRIVER_MEMORY") or f"{quarter_gb}g"
        return cls(driver_memory=memory_text, shuffle_partitions=max(2, 2 * cores))


@dataclass(frozen=True)
class LocalSessionConfig:
    master: str = "local[*]"
    app_name: str = "gluelake"
    shuffle_partitions: int | None = None  # default: LocalSizing.of_machine()
    jars_dir: Path | None = None  # default: $GLUELAKE_JARS_DIR or <project>/.jars
    temp_dir: Path | None = None  # default: $GLUELAKE_TMP_DIR or <project>/.tmp
    extra: tuple[tuple[str, str], ...] = ()


def jars_dir() -> Path:
    """``$GLUELAKE_JARS_DIR``, else ``.jars/`` of the project checkout."""
    return Path(os.environ.get("GLUELAKE_JARS_DIR", project_root() / ".jars")).resolve()


def temp_dir(folder: Path | None = None) -> Path:
    """``folder``, else ``$GLUELAKE_TMP_DIR``, else ``.tmp/`` of the project checkout; with
    the sub-folders Spark, Derby and Hive write to."""
    temp = (folder or Path(os.environ.get("GLUELAKE_TMP_DIR", project_root() / ".tmp"))).resolve()
    for sub in ("derby", "hive-resources", "local", "warehouse", "checkpoints"):
        (temp / sub).mkdir(parents=True, exist_ok=True)
    return temp


def jar_paths(folder: Path | None = None) -> list[Path]:
    """Every jar of the local runtime; ConfigError when the Delta jars are missing."""
    folder = folder or jars_dir()
    jars = sorted(folder.glob("*.jar"))
    missing = [name for name in REQUIRED_JARS if not (folder / name).exists()]
    if missing:
        raise ConfigError(
            f"Delta jars {missing} not found in {folder}: run `make jars` "
            "(fetches them with Maven from jvm/pom.xml), or set GLUELAKE_JARS_DIR"
        )
    return jars


def driver_java_options(temp: Path) -> list[str]:
    """JVM options of the local driver (spark-submit must pass them at launch)."""
    options = [f"-Dderby.system.home={temp / 'derby'}", "-Duser.timezone=UTC"]
    log_config = project_root() / "jvm" / "log4j2.properties"
    if log_config.exists():
        options.append(f"-Dlog4j2.configurationFile=file:{log_config}")
    return options


def python_environment() -> dict[str, str]:
    """Variables that make Spark's Python workers run this interpreter (which has the
    project's packages) and bind to loopback, whatever the calling shell exported."""
    return {
        "PYSPARK_PYTHON": sys.executable,
        "PYSPARK_DRIVER_PYTHON": sys.executable,
        "SPARK_LOCAL_IP": os.environ.get("SPARK_LOCAL_IP", "127.0.0.1"),
    }


def _check_delta(spark: SparkSession) -> SparkSession:
    """A session someone else built first (without Delta) would fail later with a deep
    Spark error; say what happened instead."""
    extensions = spark.conf.get("spark.sql.extensions", "") or ""
    if DELTA_SETTINGS["spark.sql.extensions"] not in extensions:
        raise ConfigError(
            "a SparkSession without Delta was already running when gluelake asked for its "
            "own; build gluelake's session (gluelake.session.build_local_session) first"
        )
    return spark


def build_local_session(config: LocalSessionConfig = LocalSessionConfig()) -> SparkSession:
    """Create (or return the already running) local session with Delta and UTC."""
    folder = config.jars_dir or jars_dir()
    temp = temp_dir(config.temp_dir)
    os.environ.update(python_environment())
    sizing = LocalSizing.of_machine()
    partitions = config.shuffle_partitions or sizing.shuffle_partitions
    builder = (
        SparkSession.builder.master(config.master)
        .appName(config.app_name)
        .config("spark.jars", ",".join(str(j) for j in jar_paths(folder)))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # Takes effect when this process starts the JVM; spark-submit sizes its own.
        .config("spark.driver.memory", sizing.driver_memory)
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.default.parallelism", str(partitions))
        .config(
            "spark.sql.adaptive.advisoryPartitionSizeInBytes", str(sizing.advisory_partition_bytes)
        )
        .config("spark.local.dir", str(temp / "local"))
        .config("spark.sql.warehouse.dir", str(temp / "warehouse"))
        .config("spark.driver.extraJavaOptions", " ".join(driver_java_options(temp)))
        .config("spark.executor.extraJavaOptions", "-Duser.timezone=UTC")
        .config("spark.hadoop.hive.downloaded.resources.dir", str(temp / "hive-resources"))
        .config("spark.databricks.delta.snapshotPartitions", "2")
        .config("spark.databricks.delta.schema.autoMerge.enabled", "false")
    )
    # S3 endpoint (moto, MinIO) and server-side encryption: GLUELAKE_S3_* (see gluelake.s3a).
    s3_settings = s3a.session_settings()
    for key, value in {
        **SQL_SETTINGS, **DELTA_SETTINGS, **s3_settings, **dict(config.extra)
    }.items():  # fmt: skip
        builder = builder.config(key, value)
    spark = _check_delta(builder.getOrCreate())
    spark.sparkContext.setLogLevel("WARN")
    return spark


def glue_session() -> SparkSession:
    """The session Glue already runs; apply the SQL settings our code relies on."""
    spark = SparkSession.builder.getOrCreate()
    for key, value in SQL_SETTINGS.items():
        spark.conf.set(key, value)
    return spark
