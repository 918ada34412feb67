"""Spark SQL expressions in contracts (derived columns, rules, filters), checked when the
contract loads without a Spark session: syntax and referenced columns with sqlglot, the
result type against the declared one with a cast table, and the library's own functions
expanded into native SQL so Spark evaluates everything itself (no Python UDFs)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import cast

import sqlglot
from sqlglot import exp

# Each unit's size in its family's base unit (kWh, L, kg, km). Exact where the
# definition is exact; MJ/GJ/therm are rounded where a unit has no finite decimal.
UNIT_FAMILIES: dict[str, dict[str, Decimal]] = {
    "energy": {
        "Wh": Decimal("0.001"),
        "kWh": Decimal(1),
        "MWh": Decimal(1000),
        "GWh": Decimal(1000000),
        "MJ": Decimal(1) / Decimal("3.6"),
        "GJ": Decimal(1000) / Decimal("3.6"),
        "therm": Decimal("29.307107017222"),
    },
    "volume": {"L": Decimal(1), "m3": Decimal(1000), "gal": Decimal("3.785411784")},
    "mass": {
        "g": Decimal("0.001"),
        "kg": Decimal(1),
        "t": Decimal(1000),
        "lb": Decimal("0.45359237"),
    },
    "distance": {"m": Decimal("0.001"), "km": Decimal(1), "mi": Decimal("1.609344")},
}
UNIT_FACTOR_TYPE = "decimal(17,10)"
_SCALE = Decimal("1e-10")


def unit_factors() -> dict[tuple[str, str], Decimal]:
    """(from_unit, to_unit) -> multiplier, rounded half-up to 10 decimal places."""
    return {
        (a, b): (sa / sb).quantize(_SCALE, rounding=ROUND_HALF_UP)
        for units in UNIT_FAMILIES.values()
        for a, sa in units.items()
        for b, sb in units.items()
    }


def _unit_factor(args: list[exp.Expression]) -> exp.Expression:
    """``unit_factor(from_unit, to_unit)``: the multiplier between two units of one family
    (decimal(17,10)); null when they are not of one family."""
    pairs = ", ".join(
        f"'{a}|{b}', CAST('{v}' AS DECIMAL(17,10))" for (a, b), v in unit_factors().items()
    )
    key = f"concat_ws('|', {args[0].sql('spark')}, {args[1].sql('spark')})"
    return cast(
        exp.Expression, sqlglot.parse_one(f"try_element_at(map({pairs}), {key})", read="spark")
    )


def _convert_unit(args: list[exp.Expression]) -> exp.Expression:
    """``convert_unit(quantity, from_unit, to_unit)``: quantity times ``unit_factor``."""
    factor = _unit_factor(args[1:])
    return exp.Mul(this=exp.Paren(this=args[0]), expression=factor)


@dataclass(frozen=True)
class Macro:
    arity: int
    expand: Callable[[list[exp.Expression]], exp.Expression]
    returns: str | None  # contract type, when fixed
    doc: str


# Functions the library adds to Spark SQL in contract expressions.
MACROS: dict[str, Macro] = {
    "unit_factor": Macro(2, _unit_factor, UNIT_FACTOR_TYPE, (_unit_factor.__doc__ or "").strip()),
    "convert_unit": Macro(3, _convert_unit, None, (_convert_unit.__doc__ or "").strip()),
}


class ExpressionError(ValueError):
    """An expression does not parse, names an unknown column, or has the wrong type."""


def parse(text: str) -> exp.Expression:
    if not text.strip():
        raise ExpressionError("expected a Spark SQL expression, found an empty string")
    try:
        tree = sqlglot.parse_one(text, read="spark")
    except sqlglot.errors.ParseError as exc:
        first = str(exc).splitlines()[0]
        raise ExpressionError(f"not a valid Spark SQL expression: {first}") from None
    if isinstance(tree, exp.Query | exp.Command) or tree is None:
        raise ExpressionError("expected an expression, found a statement")
    tree = cast(exp.Expression, tree)
    for call in tree.find_all(exp.Anonymous):
        macro = MACROS.get(str(call.name).lower())
        if macro is not None and len(call.expressions) != macro.arity:
            raise ExpressionError(
                f"{call.name}() takes {macro.arity} arguments, found {len(call.expressions)}"
            )
    return tree


def columns(text: str) -> list[str]:
    """Column names an expression reads (lambda variables excluded), in order."""
    return list(dict.fromkeys(c.name for c in parse(text).find_all(exp.Column)))


def check_columns(text: str, available: Mapping[str, str]) -> None:
    unknown = [c for c in columns(text) if c not in available]
    if unknown:
        raise ExpressionError(
            f"unknown column(s) {unknown} in {text!r}; available: {sorted(available)}"
        )


@functools.lru_cache(maxsize=1024)
def expand(text: str) -> str:
    """The expression as Spark SQL with the library's functions expanded (memoised: a
    contract set is checked on every load, and a macro expands to a large map literal)."""

    def rewrite(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Anonymous):
            macro = MACROS.get(str(node.name).lower())
            if macro is not None:
                return exp.Paren(this=macro.expand(list(node.expressions)))
        return node

    return parse(text).transform(rewrite).sql("spark")


def result_type(text: str, available: Mapping[str, str]) -> str | None:
    """The expression's type as a contract type name, when sqlglot can infer it."""
    return _result_type(text, tuple(sorted(available.items())))


@functools.lru_cache(maxsize=1024)
def _result_type(text: str, available: tuple[tuple[str, str], ...]) -> str | None:
    from sqlglot.optimizer.annotate_types import annotate_types
    from sqlglot.optimizer.qualify import qualify

    schema: dict[str, object] = {"t": {n: _sqlglot_type(t) for n, t in available}}
    try:
        query = sqlglot.parse_one(f"SELECT {expand(text)} AS _x FROM t", read="spark")
        typed = annotate_types(qualify(query, schema=schema, dialect="spark"), schema=schema)
        dtype = cast(exp.Select, typed).selects[0].type
    except Exception:  # inference is best effort: Spark decides at run time
        return None
    return None if dtype is None else _contract_type(dtype)


def _sqlglot_type(contract_type: str) -> str:
    return contract_type.replace("bigint", "BIGINT").upper()


def _contract_type(dtype: exp.DataType) -> str | None:
    t = exp.DataType.Type
    simple = {
        t.VARCHAR: "string", t.TEXT: "string", t.CHAR: "string", t.INT: "int",
        t.SMALLINT: "int", t.TINYINT: "int", t.BIGINT: "bigint", t.DOUBLE: "double",
        t.FLOAT: "double", t.BOOLEAN: "boolean", t.DATE: "date", t.TIMESTAMP: "timestamp",
        t.DATETIME: "timestamp", t.DECIMAL: "decimal", t.ARRAY: "array", t.STRUCT: "struct",
        t.MAP: "map", t.BINARY: "binary",
    }  # fmt: skip
    return simple.get(dtype.this)


def _family(contract_type: str) -> str:
    t = contract_type.strip().lower()
    if t in ("int", "bigint", "double") or t.startswith("decimal"):
        return "numeric"
    for prefix in ("array", "struct", "map"):
        if t.startswith(prefix):
            return prefix
    return t


# (from family, to family) pairs Spark cannot cast (anything not listed and not complex can).
_NO_CAST = {
    ("numeric", "date"), ("date", "numeric"), ("boolean", "date"), ("date", "boolean"),
    ("string", "array"), ("string", "struct"), ("string", "map"),
}  # fmt: skip


def castable(source: str, target: str) -> bool:
    """Whether Spark can cast a value of contract type ``source`` to ``target``."""
    a, b = _family(source), _family(target)
    if a == b or b == "string":
        return True
    if a in ("array", "struct", "map") or b in ("array", "struct", "map"):
        return False
    return (a, b) not in _NO_CAST


def check(text: str, available: Mapping[str, str], declared: str | None = None) -> None:
    """Syntax, columns and (when ``declared``) that the result casts to the declared type."""
    check_columns(text, available)
    if declared is None:
        return
    found = result_type(text, available)
    if found is not None and not castable(found, declared):
        raise ExpressionError(f"{text!r} is {found}, which does not cast to {declared}")


def check_predicate(text: str, available: Mapping[str, str]) -> None:
    check_columns(text, available)
    found = result_type(text, available)
    if found is not None and found != "boolean":
        raise ExpressionError(f"{text!r} is {found}; expected a boolean condition")
