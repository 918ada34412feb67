"""Assessment sample data for the second dataset."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from gluelake.generate.batch import RawBatch
from gluelake.generate.samples import SampleGenerator

START = datetime(2025, 1, 1, tzinfo=UTC)
DAYS = 365
INGEST_DATES = ("2026-01-05", "2026-01-06")


def assessment_lines(seed: int, count: int) -> RawBatch:
    rng = random.Random(seed + 1)
    batch = RawBatch("assessments")
    users = [
        (f"user-{u:05d}", f"learner{u}@school{u % 7}.example", rng.randrange(15, 70))
        for u in range(max(count // 8, 1))
    ]
    for _ in range(count):
        uid, email, age = rng.choice(users)
        ts = START + timedelta(seconds=rng.randrange(DAYS * 86400))
        record: dict[str, Any] = {
            "assessment_id": f"asm-{rng.getrandbits(48):012x}", "user_id": uid, "user_email": email,
            "user_age": age, "region": rng.choice(("emea", "amer", "apac")),
            "type": rng.choice(("baseline", "midterm", "final", "practice")),
            "score": round(rng.uniform(0, 100), 2), "duration_seconds": rng.randrange(60, 7200),
            "timestamp": ts.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }  # fmt: skip
        roll = rng.random()
        if roll < 0.01:
            record["score"] = 140
            batch.flaws["out_of_range"] += 1
        elif roll < 0.02:
            record["region"] = "mars"
            batch.flaws["not_allowed"] += 1
        line = json.dumps(record)
        batch.add(rng.choice(INGEST_DATES), line)
        if rng.random() < 0.03:
            batch.flaws["duplicate_delivery"] += 1
            batch.add(INGEST_DATES[-1], line)
    return batch


GENERATOR = SampleGenerator(
    option="assessments",
    default=2000,
    help="assessment records",
    batches=lambda seed, count: (assessment_lines(seed, count),),
)
