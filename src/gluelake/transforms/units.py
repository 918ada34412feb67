"""Unit conversion between the units of one family (energy, volume, mass, distance)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from itertools import chain

from pyspark.sql import Column
from pyspark.sql import functions as F

# Each unit's size in its family's base unit (kWh, L, kg, km). Exact where the
# definition is exact; MJ/GJ/therm are rounded where a unit has no finite decimal.
FAMILIES: dict[str, dict[str, Decimal]] = {
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
CONVERSION_TYPE = "decimal(17,10)"
_SCALE = Decimal("1e-10")


def conversion_factors() -> dict[tuple[str, str], Decimal]:
    """(from_unit, to_unit) -> multiplier, rounded half-up to 10 decimal places."""
    return {
        (a, b): (sa / sb).quantize(_SCALE, rounding=ROUND_HALF_UP)
        for units in FAMILIES.values()
        for a, sa in units.items()
        for b, sb in units.items()
    }


def conversion_factor(from_unit: Column, to_unit: Column) -> Column:
    """The multiplier from one unit to another; null when they are not of one family."""
    table = F.create_map(
        *chain.from_iterable(
            (F.lit(f"{a}|{b}"), F.lit(str(v)).cast(CONVERSION_TYPE))
            for (a, b), v in conversion_factors().items()
        )
    )
    return F.element_at(table, F.concat_ws("|", from_unit, to_unit))
