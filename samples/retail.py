"""Retail sample data: a category snapshot, three product-catalogue snapshots (a change,
no-ops, a revert, a new product) and sale lines with returns and realistic flaws."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

from gluelake.generate.batch import RawBatch
from gluelake.generate.samples import SampleGenerator

DEPARTMENTS = {"cat-01": ("Fruit", "grocery"), "cat-02": ("Bakery", "grocery"),
               "cat-03": ("Cleaning", "household"), "cat-04": ("Audio", "electronics"),
               "cat-05": ("Phones", "electronics")}  # fmt: skip
# Catalogue deliveries: each a full snapshot that took effect on its ingest date.
SNAPSHOTS = ("2025-01-01", "2025-04-01", "2025-07-01")
SALES_START, SALES_DAYS = date(2025, 1, 1), 365
SALES_INGEST = ("2026-01-05", "2026-01-06")


def category_lines() -> RawBatch:
    batch = RawBatch("product_categories", header="category_id,category_name,department")
    for cid, (name, dept) in DEPARTMENTS.items():
        batch.add(SNAPSHOTS[0], f"{cid},{name},{dept}")
    return batch


def _catalogue(products: int) -> list[dict[str, str]]:
    cats = sorted(DEPARTMENTS)
    return [
        {
            "product_id": f"p-{i:03d}",
            "product_name": f"Product {i}",
            "category_id": cats[i % len(cats)],
        }
        for i in range(1, products + 1)
    ]


def product_lines(products: int = 20) -> RawBatch:
    """p-001 moves to another department and back; p-002 is renamed; the last product
    only appears in the second snapshot; p-003 is filed under a category that does not
    exist (its sales are quarantined by the second lookup)."""
    batch = RawBatch("products", header="product_id,product_name,category_id")
    base = _catalogue(products)
    base[2]["category_id"] = "cat-99"
    snapshots = [[dict(p) for p in base[:-1]], [dict(p) for p in base], [dict(p) for p in base]]
    snapshots[1][0]["category_id"] = "cat-04"  # p-001: grocery -> electronics ...
    snapshots[2][0]["category_id"] = base[0]["category_id"]  # ... and back
    snapshots[1][1]["product_name"] = "Product 2 (new recipe)"
    snapshots[2][1]["product_name"] = "Product 2 (new recipe)"  # a no-op delivery
    for day, rows in zip(SNAPSHOTS, snapshots, strict=True):
        for p in rows:
            batch.add(day, f"{p['product_id']},{p['product_name']},{p['category_id']}")
    return batch


def sale_lines(seed: int, count: int, products: int = 20) -> RawBatch:
    rng = random.Random(seed + 2)
    batch = RawBatch("sales")
    for n in range(count):
        record = {
            "sale_id": f"s-{n:06d}",
            "product_id": f"p-{rng.randrange(1, products + 1):03d}",
            "sold_on": (SALES_START + timedelta(days=rng.randrange(SALES_DAYS))).isoformat(),
            "quantity": rng.choice((1, 1, 1, 2, 3, 5)) * (-1 if rng.random() < 0.08 else 1),
            "unit_price": f"{rng.randrange(50, 20000) / 100:.2f}",
        }
        roll = rng.random()
        if roll < 0.01:
            record["product_id"] = "p-999"
            batch.flaws["unknown_product"] += 1
        elif roll < 0.02:
            record["sold_on"] = "not-a-date"
            batch.flaws["bad_date"] += 1
        line = json.dumps(record)
        batch.add(rng.choice(SALES_INGEST), line)
        if rng.random() < 0.03:
            batch.flaws["duplicate_delivery"] += 1
            batch.add(SALES_INGEST[-1], line)
    return batch


GENERATOR = SampleGenerator(
    option="sales",
    default=2000,
    help="retail sale lines (plus the category and product snapshots)",
    batches=lambda seed, count: (category_lines(), product_lines(), sale_lines(seed, count)),
)
