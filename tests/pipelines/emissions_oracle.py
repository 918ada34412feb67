"""Gold numbers computed from the raw files in plain Python, independently of Spark and
of gluelake's transforms: the contract's rules restated, not imported."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

ACTIVITY_TYPES = {
    "electricity",
    "natural_gas",
    "diesel",
    "petrol",
    "air_travel",
    "rail_travel",
    "waste_landfill",
}
UNITS = {
    "Wh",
    "kWh",
    "MWh",
    "GWh",
    "MJ",
    "GJ",
    "therm",
    "L",
    "m3",
    "gal",
    "g",
    "kg",
    "t",
    "lb",
    "m",
    "km",
    "mi",
}
# Size of each unit in its family's base unit, written out again on purpose.
SIZES = {
    "Wh": ("e", Decimal("0.001")), "kWh": ("e", Decimal(1)), "MWh": ("e", Decimal(1000)),
    "GWh": ("e", Decimal(10) ** 6), "MJ": ("e", Decimal(1) / Decimal("3.6")),
    "GJ": ("e", Decimal(1000) / Decimal("3.6")), "therm": ("e", Decimal("29.307107017222")),
    "L": ("v", Decimal(1)), "m3": ("v", Decimal(1000)), "gal": ("v", Decimal("3.785411784")),
    "g": ("m", Decimal("0.001")), "kg": ("m", Decimal(1)), "t": ("m", Decimal(1000)),
    "lb": ("m", Decimal("0.45359237")), "m": ("d", Decimal("0.001")), "km": ("d", Decimal(1)),
    "mi": ("d", Decimal("1.609344")),
}  # fmt: skip


def half_up(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def parse_time(value: Any) -> datetime | None:
    text = str(value).strip()
    if isinstance(value, bool):
        return None
    if re.fullmatch(r"-?\d{9,10}", text):
        return datetime.fromtimestamp(int(text), UTC)
    if re.fullmatch(r"-?\d{12,13}", text):
        return datetime.fromtimestamp(int(text) / 1000, UTC)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def read_lines(folder: Path) -> list[tuple[str, str]]:
    """(file, line) for every non-blank line, in file order."""
    out = []
    for path in sorted(folder.rglob("*.jsonl")):
        out += [
            (str(path), line)
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
    return out


def valid_activity(record: Any, now: datetime) -> dict[str, Any] | None:
    if not isinstance(record, dict):
        return None
    required = (
        "tenant_id",
        "activity_id",
        "activity_type",
        "emission_factor_id",
        "quantity",
        "unit",
        "timestamp",
    )
    if any(record.get(k) in (None, "") for k in required):
        return None
    q = record["quantity"]
    if isinstance(q, bool):
        return None
    try:
        quantity = half_up(Decimal(str(q).strip()), 4)
    except InvalidOperation:
        return None
    ts = parse_time(record["timestamp"])
    ok = (
        ts is not None and ts <= now
        and Decimal(0) <= quantity <= Decimal(10) ** 9
        and record["unit"] in UNITS and record["activity_type"] in ACTIVITY_TYPES
        and re.fullmatch(r"tenant-[0-9]{3}", record["tenant_id"])
        and re.fullmatch(r"EF-[A-Z0-9-]+", record["emission_factor_id"])
    )  # fmt: skip
    return {**record, "quantity": quantity, "ts": ts} if ok else None


def factors(raw_root: Path) -> list[dict[str, Any]]:
    out = []
    for _, line in read_lines(raw_root / "emission_factors"):
        f = json.loads(line)
        f["from"] = parse_time(f["valid_from"])
        f["to"] = parse_time(f["valid_to"]) if f["valid_to"] else None
        f["kg"] = half_up(Decimal(str(f["kg_co2e_per_unit"])), 6)
        out.append(f)
    return out


def expected_gold(raw_root: Path, now: datetime) -> dict[tuple[Any, ...], tuple[Decimal, int]]:
    """(tenant, scope, category, year, month) -> (total kg CO2e, record count)."""
    latest: dict[tuple[str, str], tuple[datetime, str, dict[str, Any]]] = {}
    for file, line in read_lines(raw_root / "emissions"):
        try:
            record = valid_activity(json.loads(line), now)
        except json.JSONDecodeError:
            continue
        if record is None:
            continue
        key = (record["tenant_id"], record["activity_id"])
        rank = (record["ts"], file)
        if key not in latest or rank > latest[key][:2]:
            latest[key] = (record["ts"], file, record)
    table = factors(raw_root)
    gold: dict[tuple[Any, ...], list[Any]] = defaultdict(lambda: [Decimal(0), 0])
    for ts, _, a in latest.values():
        matches = [
            f for f in table
            if f["factor_id"] == a["emission_factor_id"] and f["from"] <= ts and (f["to"] is None or ts < f["to"])
        ]  # fmt: skip
        if len(matches) != 1 or matches[0]["activity_type"] != a["activity_type"]:
            continue
        f = matches[0]
        (fam_a, size_a), (fam_f, size_f) = SIZES[a["unit"]], SIZES[f["unit"]]
        if fam_a != fam_f:
            continue
        conversion = half_up(size_a / size_f, 10)
        in_unit = half_up(a["quantity"] * conversion, 8)
        kg = half_up(in_unit * f["kg"], 6)
        cell = gold[(a["tenant_id"], f["scope"], f["category"], ts.year, ts.month)]
        cell[0] += kg
        cell[1] += 1
    return {k: (v[0], v[1]) for k, v in gold.items()}
