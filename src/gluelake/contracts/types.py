"""The contract's type grammar and its mapping to Spark types.

Contract types: ``string``, ``int``, ``bigint``, ``double``, ``boolean``, ``date``,
``timestamp``, ``decimal(p,s)``, ``array<T>`` and ``struct<name:T,...>``.
"""

from __future__ import annotations

import re

from pyspark.sql import types as T

_PRIMITIVES: dict[str, T.DataType] = {
    "string": T.StringType(),
    "int": T.IntegerType(),
    "bigint": T.LongType(),
    "double": T.DoubleType(),
    "boolean": T.BooleanType(),
    "date": T.DateType(),
    "timestamp": T.TimestampType(),
}
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


def parse_type(text: str) -> T.DataType:
    """Contract type string -> Spark DataType; ValueError names the accepted forms."""
    t = text.strip().lower()
    if t in _PRIMITIVES:
        return _PRIMITIVES[t]
    if m := _DECIMAL.match(t):
        precision, scale = int(m.group(1)), int(m.group(2))
        if not (1 <= precision <= 38 and 0 <= scale <= precision):
            raise ValueError(
                f"decimal({precision},{scale}) needs 1 <= precision <= 38, scale <= precision"
            )
        return T.DecimalType(precision, scale)
    if m := _ARRAY.match(t):
        return T.ArrayType(parse_type(m.group(1)), containsNull=True)
    if m := _STRUCT.match(t):
        fields = []
        for part in _split_top_level(m.group(1)):
            field = _FIELD.match(part)
            if field is None:
                raise ValueError(f"struct field {part!r} is not name:type")
            fields.append(T.StructField(field.group(1), parse_type(field.group(2)), True))
        return T.StructType(fields)
    accepted = ", ".join([*_PRIMITIVES, "decimal(p,s)", "array<T>", "struct<name:T,...>"])
    raise ValueError(f"unknown type {text!r}; expected one of {accepted}")


def type_name(dtype: T.DataType) -> str:
    """Spark DataType -> contract type string (inverse of ``parse_type``)."""
    if isinstance(dtype, T.DecimalType):
        return f"decimal({dtype.precision},{dtype.scale})"
    if isinstance(dtype, T.ArrayType):
        return f"array<{type_name(dtype.elementType)}>"
    if isinstance(dtype, T.StructType):
        return "struct<" + ",".join(f"{f.name}:{type_name(f.dataType)}" for f in dtype.fields) + ">"
    for name, prim in _PRIMITIVES.items():
        if dtype == prim:
            return name
    raise ValueError(f"type {dtype.simpleString()} has no contract name")


def is_numeric(text: str) -> bool:
    return isinstance(parse_type(text), T.NumericType)
