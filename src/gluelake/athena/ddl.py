"""Athena DDL built as sqlglot syntax trees (names and comments are nodes, never pasted
text) and the ``athena/ddl/<database>/<table>.sql`` files generated from them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import sqlglot
from sqlglot import exp

from gluelake.athena.definitions import (
    JSON_INPUT_FORMAT,
    JSON_OUTPUT_FORMAT,
    JSON_SERDE,
    AthenaTable,
    athena_tables,
)
from gluelake.athena.environments import Environment
from gluelake.athena.types import contract_athena_type
from gluelake.contracts.model import DatasetContract
from gluelake.contracts.tables import ColumnSpec
from gluelake.errors import AthenaError

HEADER = "-- Generated from the dataset contracts by `make ddl`; do not edit.\n"


def _table_ref(database: str, name: str) -> exp.Table:
    return exp.Table(
        this=exp.to_identifier(name, quoted=True), db=exp.to_identifier(database, quoted=True)
    )


def _column(col: ColumnSpec) -> exp.ColumnDef:
    constraints = []
    if col.description:
        comment = exp.CommentColumnConstraint(this=exp.Literal.string(col.description))
        constraints.append(exp.ColumnConstraint(kind=comment))
    return exp.ColumnDef(
        this=exp.to_identifier(col.name, quoted=True),
        kind=contract_athena_type(col.type),
        constraints=constraints or None,
    )


def _property(key: str, value: str) -> exp.Property:
    return exp.Property(this=exp.Literal.string(key), value=exp.Literal.string(value))


def create_table(table: AthenaTable) -> exp.Create:
    """``CREATE EXTERNAL TABLE``: Delta in Athena's native form, else Hive-style Parquet
    (or JSON lines through the OpenX JSON SerDe)."""
    ref = _table_ref(table.database, table.name)
    location = exp.LocationProperty(this=exp.Literal.string(table.location))
    props: list[exp.Expression] = [exp.ExternalProperty()]
    if table.is_delta:
        # Athena reads columns and partitions from the Delta log; the DDL may hold nothing else.
        props += [location, *(_property(k, v) for k, v in table.properties)]
        return exp.Create(this=ref, kind="TABLE", properties=exp.Properties(expressions=props))
    if table.spec.description:
        props.append(exp.SchemaCommentProperty(this=exp.Literal.string(table.spec.description)))
    if table.partitions:
        parts = exp.Schema(expressions=[_column(c) for c in table.partitions])
        props.append(exp.PartitionedByProperty(this=parts))
    if table.is_json:
        props += [
            exp.RowFormatSerdeProperty(this=exp.Literal.string(JSON_SERDE)),
            exp.FileFormatProperty(
                this=exp.InputOutputFormat(
                    input_format=exp.Literal.string(JSON_INPUT_FORMAT),
                    output_format=exp.Literal.string(JSON_OUTPUT_FORMAT),
                ),
                hive_format=True,
            ),
        ]
    else:
        props.append(exp.FileFormatProperty(this=exp.Var(this="PARQUET"), hive_format=True))
    props += [
        location,
        *(_property(k, v) for k, v in table.properties),
    ]
    schema = exp.Schema(this=ref, expressions=[_column(c) for c in table.columns])
    return exp.Create(this=schema, kind="TABLE", properties=exp.Properties(expressions=props))


def create_database(database: str) -> exp.Create:
    return exp.Create(
        this=exp.Table(this=exp.to_identifier(database, quoted=True)), kind="DATABASE", exists=True
    )


def drop_table(database: str, name: str) -> exp.Drop:
    return exp.Drop(tables=[_table_ref(database, name)], kind="TABLE", exists=True)


def render(statement: exp.Expression) -> str:
    """Athena SQL text; checked to parse back with sqlglot's ``athena`` dialect."""
    text = statement.sql(dialect="athena", pretty=True)
    try:
        sqlglot.parse_one(text, read="athena")
    except sqlglot.errors.ParseError as exc:
        raise AthenaError(f"generated DDL does not parse as Athena SQL: {exc}\n{text}") from None
    return text


def ddl_text(table: AthenaTable) -> str:
    return f"{HEADER}{render(create_table(table))};\n"


def statement_of(text: str) -> str:
    """A DDL file's statement without the header comment or the final ';'."""
    body = "\n".join(line for line in text.splitlines() if not line.startswith("--"))
    return body.strip().rstrip(";").strip()


@dataclass(frozen=True)
class DdlFile:
    relative: Path  # <database>/<table>.sql
    text: str
    table: AthenaTable


def ddl_files(
    environments: Iterable[Environment], contracts: Mapping[str, DatasetContract]
) -> tuple[DdlFile, ...]:
    """Every DDL file of every environment."""
    return tuple(
        DdlFile(Path(t.database) / f"{t.name}.sql", ddl_text(t), t)
        for env in environments
        for t in athena_tables(env, contracts)
    )


def write_ddl(out_dir: Path, files: Iterable[DdlFile]) -> list[Path]:
    """Write the files and remove stale ``*.sql`` files; returns the paths written."""
    files = list(files)
    wanted = {out_dir / f.relative for f in files}
    for stale in out_dir.glob("*/*.sql"):
        if stale not in wanted:
            stale.unlink()
    written = []
    for f in files:
        path = out_dir / f.relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != f.text:
            path.write_text(f.text, encoding="utf-8")
            written.append(path)
    for folder in out_dir.glob("*"):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return written


def stale_ddl(out_dir: Path, files: Iterable[DdlFile]) -> list[str]:
    """Differences between the committed DDL and what the contracts generate."""
    files = list(files)
    problems = []
    wanted = {out_dir / f.relative for f in files}
    for f in files:
        path = out_dir / f.relative
        if not path.exists():
            problems.append(f"{path}: missing; the contracts define {f.table.qualified_name}")
        elif path.read_text(encoding="utf-8") != f.text:
            problems.append(f"{path}: differs from what the contracts generate")
    for extra in sorted(out_dir.glob("*/*.sql")):
        if extra not in wanted:
            problems.append(f"{extra}: no contract defines this table")
    return problems
