"""The contract's type grammar: type strings parsed into a small tree, and the one table
that maps each primitive to Spark, to the Glue Data Catalog and to Athena. No Spark here:
Spark types are built from the tree in ``gluelake.spark_types``, Glue and Athena DDL types
in ``gluelake.athena.types``.

Contract types: ``string``, ``int``, ``bigint``, ``double``, ``boolean``, ``date``,
``timestamp``, ``decimal(p,s)``, ``array<T>`` and ``struct<name:T,...>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class PrimitiveType:
    """One row of the type table. Athena's DDL is Hive DDL, so the Glue catalog's type
    string is also the Athena DDL type."""

    spark: str  # pyspark.sql.types class
    hive: str  # Glue catalog type string and Athena DDL type
    numeric: bool = False
    integral: bool = False


PRIMITIVES: dict[str, PrimitiveType] = {
    "string": PrimitiveType("StringType", "string"),
    "int": PrimitiveType("IntegerType", "int", numeric=True, integral=True),
    "bigint": PrimitiveType("LongType", "bigint", numeric=True, integral=True),
    "double": PrimitiveType("DoubleType", "double", numeric=True),
    "boolean": PrimitiveType("BooleanType", "boolean"),
    "date": PrimitiveType("DateType", "date"),
    "timestamp": PrimitiveType("TimestampType", "timestamp"),
}


@dataclass(frozen=True)
class Primitive:
    name: str  # a key of PRIMITIVES

    @property
    def info(self) -> PrimitiveType:
        return PRIMITIVES[self.name]


@dataclass(frozen=True)
class Decimal:
    precision: int
    scale: int


@dataclass(frozen=True)
class Array:
    element: ContractType


@dataclass(frozen=True)
class Struct:
    fields: tuple[tuple[str, ContractType], ...]


ContractType = Primitive | Decimal | Array | Struct

_DECIMAL = re.compile(r"^decimal\((\d+),\s*(\d+)\)$")
_ARRAY = re.compile(r"^array<(.+)>$")
_STRUCT = re.compile(r"^struct<(.+)>$")
_FIELD = re.compile(r"^([a-z_][a-z0-9_]*)\s*:\s*(.+)$")


def _split_top_level(text: str) -> list[str]:
    """Split ``a:int,b:struct<c:int,d:string>`` on the commas outside any <...> or (...)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "<(":
            depth += 1
        elif ch in ">)":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def parse_type(text: str) -> ContractType:
    """Contract type string -> type tree; ValueError names the accepted forms."""
    t = text.strip().lower()
    if t in PRIMITIVES:
        return Primitive(t)
    if m := _DECIMAL.match(t):
        precision, scale = int(m.group(1)), int(m.group(2))
        if not (1 <= precision <= 38 and 0 <= scale <= precision):
            raise ValueError(
                f"decimal({precision},{scale}) needs 1 <= precision <= 38, scale <= precision"
            )
        return Decimal(precision, scale)
    if m := _ARRAY.match(t):
        return Array(parse_type(m.group(1)))
    if m := _STRUCT.match(t):
        fields = []
        for part in _split_top_level(m.group(1)):
            field = _FIELD.match(part)
            if field is None:
                raise ValueError(f"struct field {part!r} is not name:type")
            fields.append((field.group(1), parse_type(field.group(2))))
        return Struct(tuple(fields))
    accepted = ", ".join([*PRIMITIVES, "decimal(p,s)", "array<T>", "struct<name:T,...>"])
    raise ValueError(f"unknown type {text!r}; expected one of {accepted}")


def hive_name(t: ContractType) -> str:
    """The type as the Glue Data Catalog stores it; also Spark's ``simpleString`` and,
    as the contract's primitive names are Hive's, the canonical contract type string
    (``parse_type``'s inverse)."""
    if isinstance(t, Primitive):
        return t.info.hive
    if isinstance(t, Decimal):
        return f"decimal({t.precision},{t.scale})"
    if isinstance(t, Array):
        return f"array<{hive_name(t.element)}>"
    return "struct<" + ",".join(f"{n}:{hive_name(f)}" for n, f in t.fields) + ">"


def is_numeric(t: ContractType) -> bool:
    return isinstance(t, Decimal) or (isinstance(t, Primitive) and t.info.numeric)


def is_integral(t: ContractType) -> bool:
    return isinstance(t, Primitive) and t.info.integral
