"""The catalog facts of every table in one environment: database, location, columns,
partition keys, storage format and table properties. Athena DDL and the Glue Data
Catalog sync are both rendered from these, so they cannot disagree."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gluelake.athena.environments import Environment
from gluelake.athena.projection import Projection, projection_for, projection_properties
from gluelake.contracts.model import DatasetContract
from gluelake.contracts.tables import (
    ColumnSpec,
    TableSpec,
    dataset_tables,
    quality_results_table,
    runs_table,
)
from gluelake.errors import AthenaError
from gluelake.io.layout import LakeLayout

PARQUET_INPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
PARQUET_OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
JSON_INPUT_FORMAT = "org.apache.hadoop.mapred.TextInputFormat"
JSON_OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
JSON_SERDE = "org.openx.data.jsonserde.JsonSerDe"


@dataclass(frozen=True)
class AthenaTable:
    database: str
    spec: TableSpec
    location: str  # absolute URI ending in '/'
    projections: tuple[Projection, ...] = ()  # Hive-style Parquet only

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def qualified_name(self) -> str:
        return f"{self.database}.{self.spec.name}"

    @property
    def is_delta(self) -> bool:
        return self.spec.format == "delta"

    @property
    def is_json(self) -> bool:
        return self.spec.format == "json"

    @property
    def columns(self) -> tuple[ColumnSpec, ...]:
        return self.spec.columns

    @property
    def partitions(self) -> tuple[ColumnSpec, ...]:
        return self.spec.partitions

    @property
    def properties(self) -> tuple[tuple[str, str], ...]:
        """TBLPROPERTIES of the DDL, which are also the Glue table parameters."""
        if self.is_delta:
            return (("table_type", "DELTA"),)
        props: tuple[tuple[str, str], ...] = (("classification", self.spec.format),)
        if self.projections:
            props += projection_properties(self.location, self.projections)
        return props


def _location(env: Environment, spec: TableSpec) -> str:
    return LakeLayout.at(env.lake_root).table(spec) + "/"


def athena_table(
    env: Environment, spec: TableSpec, contracts: Mapping[str, DatasetContract]
) -> AthenaTable:
    location = _location(env, spec)
    if spec.format == "delta":
        return AthenaTable(env.database(spec.zone), spec, location)
    if spec.format not in ("parquet", "json"):
        raise AthenaError(
            f"table {spec.name}: format {spec.format!r} is not delta, parquet or json"
        )
    projections = tuple(projection_for(spec, c, contracts) for c in spec.partitions)
    return AthenaTable(env.database(spec.zone), spec, location, projections)


def athena_tables(
    env: Environment, contracts: Mapping[str, DatasetContract]
) -> tuple[AthenaTable, ...]:
    """Every table of every dataset, plus the quality-results and run-records tables,
    sorted by name."""
    specs = [t for name in sorted(contracts) for t in dataset_tables(contracts[name])]
    specs += [quality_results_table(), runs_table()]
    tables = [athena_table(env, spec, contracts) for spec in specs]
    seen: dict[str, AthenaTable] = {}
    for table in tables:
        other = seen.setdefault(table.qualified_name, table)
        if other is not table:
            raise AthenaError(
                f"tables {other.spec.path} and {table.spec.path} both map to "
                f"{table.qualified_name}; rename an aggregate"
            )
    return tuple(sorted(tables, key=lambda t: t.qualified_name))
