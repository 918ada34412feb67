"""Climate emissions sample data: factor versions and ERP-style activity exports."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from gluelake.generate.batch import RawBatch
from gluelake.generate.samples import SampleGenerator

# (factor_id, activity_type, unit, scope, category, [(valid_from, valid_to, kg_co2e)])
FACTORS: tuple[tuple[str, str, str, int, str, tuple[tuple[str, str | None, str], ...]], ...] = (
    ("EF-ELEC-GRID-DE", "electricity", "kWh", 2, "purchased_electricity",
     (("2024-01-01", "2025-01-01", "0.380000"), ("2025-01-01", "2025-07-01", "0.364000"),
      ("2025-07-01", None, "0.352000"))),
    ("EF-ELEC-GRID-FR", "electricity", "kWh", 2, "purchased_electricity",
     (("2024-01-01", None, "0.056000"),)),
    ("EF-NATGAS", "natural_gas", "kWh", 1, "stationary_combustion",
     (("2024-01-01", "2025-01-01", "0.182930"), ("2025-01-01", None, "0.182540"))),
    ("EF-DIESEL", "diesel", "L", 1, "mobile_combustion",
     (("2024-01-01", "2025-01-01", "2.512330"), ("2025-01-01", None, "2.512790"))),
    ("EF-PETROL", "petrol", "L", 1, "mobile_combustion", (("2024-01-01", None, "2.168020"),)),
    ("EF-AIR-SHORT", "air_travel", "km", 3, "business_travel", (("2024-01-01", None, "0.151020"),)),
    ("EF-RAIL", "rail_travel", "km", 3, "business_travel", (("2024-01-01", None, "0.035490"),)),
    ("EF-WASTE-LANDFILL", "waste_landfill", "t", 3, "waste",
     (("2024-01-01", None, "467.046200"),)),
    # Expired before any activity: activities pointing at it have no valid factor.
    ("EF-LEGACY-COAL", "electricity", "kWh", 2, "purchased_electricity",
     (("2019-01-01", "2021-01-01", "0.820000"),)),
)  # fmt: skip
UNITS: dict[str, tuple[str, ...]] = {
    "electricity": ("kWh", "kWh", "kWh", "MWh", "Wh", "GJ"),
    "natural_gas": ("kWh", "kWh", "MJ", "therm", "MWh"),
    "diesel": ("L", "L", "gal", "m3"),
    "petrol": ("L", "gal"),
    "air_travel": ("km", "km", "mi"),
    "rail_travel": ("km", "m"),
    "waste_landfill": ("t", "kg", "lb"),
}
FIRST_NAMES = (
    "Ana",
    "Bjørn",
    "Chloé",
    "Dmitri",
    "Eun-ji",
    "Farah",
    "Gustav",
    "Hélène",
    "Ivan",
    "Jia",
)
LAST_NAMES = (
    "Silva",
    "Østergaard",
    "Dubois",
    "Petrov",
    "Kim",
    "Haddad",
    "Larsen",
    "Müller",
    "Novak",
    "Li",
)
SOURCES = ("sap", "oracle", "csv-upload")
INGEST_DATES = ("2026-01-05", "2026-01-06", "2026-01-07")
PERIOD_START = datetime(2024, 1, 1, tzinfo=UTC)
PERIOD_SECONDS = int((datetime(2026, 1, 1, tzinfo=UTC) - PERIOD_START).total_seconds())
# Boundary instants where a factor version changes: enrichment must be exact there.
BOUNDARIES = (datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 7, 1, tzinfo=UTC))


def factor_lines() -> RawBatch:
    batch = RawBatch("emission_factors")
    for fid, activity, unit, scope, category, versions in FACTORS:
        for start, end, value in versions:
            record = {
                "factor_id": fid, "activity_type": activity, "unit": unit,
                "kg_co2e_per_unit": float(value), "scope": scope, "category": category,
                "valid_from": f"{start}T00:00:00Z",
                "valid_to": f"{end}T00:00:00Z" if end else None, "source": "DEFRA/IEA sample",
            }  # fmt: skip
            batch.add(INGEST_DATES[0], json.dumps(record, ensure_ascii=False))
    return batch


def _timestamp_text(rng: random.Random, ts: datetime) -> Any:
    form = rng.randrange(5)
    if form == 0:
        return ts.strftime("%Y-%m-%dT%H:%M:%SZ")
    if form == 1:
        tz = timezone(timedelta(hours=rng.choice((-5, 1, 2, 9))))
        return ts.astimezone(tz).isoformat()
    if form == 2:
        return ts.strftime("%Y-%m-%d %H:%M:%S")  # no zone: UTC by contract
    if form == 3:
        return int(ts.timestamp())
    return int(ts.timestamp()) * 1000


def _person(rng: random.Random, tenant: int) -> tuple[str, str]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    n = rng.randrange(100)
    return f"{first} {last}", f"{first.lower()}.{last.lower()}{n}@tenant{tenant:03d}.example"


def _notes(rng: random.Random, email: str) -> str | None:
    kind = rng.randrange(6)
    if kind == 0:
        return f"Meter read by contractor, questions to {email}"
    if kind == 1:
        return f"Call +44 20 7946 {rng.randrange(1000, 9999)} about this invoice"
    if kind == 2:
        return f"Paid with card 4111 1111 1111 {rng.randrange(1000, 9999)}"
    if kind == 3:
        return "Estimated from last year's bill"
    return None


@dataclass(frozen=True)
class FlawRates:
    """How often each flaw is injected. ``flaws``: (name, probability) per record, at most
    one per record; ``duplicate``/``correction``: of the records without a flaw, the share
    delivered again unchanged / corrected (later timestamp, new quantity)."""

    flaws: tuple[tuple[str, float], ...] = (
        ("malformed", 0.01), ("wrong_type", 0.01), ("missing_required", 0.01),
        ("unknown_unit", 0.01), ("future_timestamp", 0.005), ("unconvertible_unit", 0.005),
        ("no_valid_factor", 0.005), ("negative_quantity", 0.005), ("unknown_field", 0.01),
    )  # fmt: skip
    duplicate: float = 0.05
    correction: float = 0.02


SAMPLE_FLAWS = FlawRates()
# The mix the benchmark measures: re-deliveries, truncated lines and missing required values.
BENCH_FLAWS = FlawRates(
    flaws=(("malformed", 0.005), ("missing_required", 0.005)), duplicate=0.02, correction=0.0
)


def activity_lines(
    seed: int, count: int, tenants: int = 5, rates: FlawRates = SAMPLE_FLAWS
) -> RawBatch:
    """``count`` activities over 2024-2025 across ``tenants``, delivered over three days,
    with duplicate deliveries, corrections and every kind of bad record mixed in."""
    rng = random.Random(seed)
    batch = RawBatch("emissions")
    usable = [f for f in FACTORS if f[0] != "EF-LEGACY-COAL"]
    for i in range(count):
        tenant = rng.randrange(1, tenants + 1)
        fid, activity, *_ = rng.choice(usable)
        if rng.random() < 0.02:
            ts = rng.choice(BOUNDARIES) - timedelta(seconds=rng.choice((0, 1)))
        else:
            ts = PERIOD_START + timedelta(seconds=rng.randrange(PERIOD_SECONDS))
        name, email = _person(rng, tenant)
        quantity: Any = round(rng.uniform(0.5, 5000), 2)
        record: dict[str, Any] = {
            "tenant_id": f"tenant-{tenant:03d}", "activity_id": f"act-{i:07d}",
            "activity_type": activity, "emission_factor_id": fid,
            "quantity": quantity, "unit": rng.choice(UNITS[activity]),
            "timestamp": _timestamp_text(rng, ts), "source": rng.choice(SOURCES),
            "submitted_by_email": email, "submitted_by_name": name, "notes": _notes(rng, email),
        }  # fmt: skip
        if rng.random() < 0.2:
            record["quantity"] = str(quantity)  # numbers as text are fine
        day = rng.choice(INGEST_DATES)
        flaw = _inject_flaw(rng, record, batch, rates.flaws)
        line = json.dumps(record, ensure_ascii=False)
        if flaw == "malformed":
            line = line[: rng.randrange(10, len(line) - 5)]
        batch.add(day, line)
        if flaw is None and rng.random() < rates.duplicate:
            batch.flaws["duplicate_delivery"] += 1
            batch.add(INGEST_DATES[-1], line)
        elif flaw is None and rng.random() < rates.correction:
            batch.flaws["correction"] += 1
            later = (ts + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
            fixed = {**record, "quantity": round(float(quantity) * 1.1, 2), "timestamp": later}
            batch.add(INGEST_DATES[-1], json.dumps(fixed, ensure_ascii=False))
    return batch


def _inject_flaw(
    rng: random.Random,
    record: dict[str, Any],
    batch: RawBatch,
    rates: tuple[tuple[str, float], ...],
) -> str | None:
    roll = rng.random()
    name = None
    for candidate, rate in rates:
        if roll < rate:
            name = candidate
            break
        roll -= rate
    if name is None:
        return None
    batch.flaws[name] += 1
    if name == "wrong_type":
        record["quantity"] = rng.choice(("twelve", "1,234.5", "12kg", True))
    elif name == "missing_required":
        del record[rng.choice(("activity_type", "quantity", "timestamp", "tenant_id"))]
    elif name == "unknown_unit":
        record["unit"] = rng.choice(("bbl", "kwh ", "BTU"))
    elif name == "future_timestamp":
        record["timestamp"] = "2031-03-01T00:00:00Z"
    elif name == "unconvertible_unit":
        record["unit"] = "kg" if record["activity_type"] != "waste_landfill" else "kWh"
    elif name == "no_valid_factor":
        record["emission_factor_id"] = "EF-LEGACY-COAL"
        record["activity_type"] = "electricity"
        record["unit"] = "kWh"
    elif name == "negative_quantity":
        record["quantity"] = -abs(float(record["quantity"]))
    elif name == "unknown_field":
        record["legacy_cost_center"] = f"CC-{rng.randrange(1000)}"
    return name


GENERATOR = SampleGenerator(
    option="activities",
    default=5000,
    help="emission activity records (plus the factor versions)",
    batches=lambda seed, count: (factor_lines(), activity_lines(seed, count)),
)
