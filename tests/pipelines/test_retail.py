"""The retail sample end to end: CSV snapshots kept as SCD2 history, a two-hop lookup
(sale -> product as of the sale date -> category), a date event time, a derived column
and a filtered gold aggregate by a looked-up attribute, checked against plain Python."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from gluelake.errors import GateFailed
from gluelake.io.layout import LakeLayout
from gluelake.io.raw_files import write_batch
from gluelake.runtime.job import JobArgs, run_stage
from samples.retail import SNAPSHOTS, category_lines, product_lines, sale_lines

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def args(stage, dataset, lake, dates=(), suites=None, full_refresh=False):
    return JobArgs(stage, dataset, str(lake), str(ROOT / "schemas"), None, tuple(dates), None,
                   None, suites, full_refresh=full_refresh)  # fmt: skip


@pytest.fixture(scope="module")
def lake(spark, tmp_path_factory, contracts):
    root = tmp_path_factory.mktemp("retail")
    layout = LakeLayout.at(root)
    for batch in (category_lines(), product_lines(), sale_lines(seed=3, count=300)):
        write_batch(layout, contracts[batch.dataset].source.path, batch)
    run_stage(spark, args("raw_to_bronze", "product_categories", root), "test")
    for day in SNAPSHOTS:  # each catalogue snapshot is applied as it arrives
        run_stage(spark, args("raw_to_bronze", "products", root, [day]), "test")
        run_stage(spark, args("bronze_to_silver", "products", root), "test")
    results = {
        stage: run_stage(spark, args(stage, "sales", root), "test")
        for stage in ("raw_to_bronze", "bronze_to_silver", "silver_to_gold")
    }
    return root, results


def _csv(folder: Path) -> list[tuple[str, list[dict[str, str]]]]:
    """(ingest date, rows) per delivery, oldest first."""
    out = []
    for path in sorted(folder.glob("ingest_date=*/*.csv")):
        with path.open(encoding="utf-8") as f:
            out.append((path.parent.name.split("=")[1], list(csv.DictReader(f))))
    return out


def expected_gold(raw: Path) -> dict[tuple[str, int, int], tuple[Decimal, int, int]]:
    """(department, year, month) -> (revenue, units, lines), from the raw files alone."""
    categories = {
        r["category_id"]: r["department"]
        for _, rows in _csv(raw / "product_categories")
        for r in rows
    }
    versions: dict[str, list[list]] = defaultdict(list)  # product -> [start, end, category]
    for day, rows in _csv(raw / "products"):
        start = date.fromisoformat(day)
        for r in rows:
            history = versions[r["product_id"]]
            if not history:
                history.append([None, None, r["category_id"], r["product_name"]])
            elif history[-1][2:] != [r["category_id"], r["product_name"]]:
                history[-1][1] = start
                history.append([start, None, r["category_id"], r["product_name"]])
    sales: dict[str, dict] = {}
    for path in sorted((raw / "sales").rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            s = json.loads(line)
            try:
                s["day"] = date.fromisoformat(s["sold_on"])
            except ValueError:
                continue
            sales[s["sale_id"]] = s
    gold: dict[tuple[str, int, int], list] = defaultdict(lambda: [Decimal(0), 0, 0])
    for s in sales.values():
        match = [v for v in versions.get(s["product_id"], [])
                 if (v[0] is None or v[0] <= s["day"]) and (v[1] is None or s["day"] < v[1])]  # fmt: skip
        if len(match) != 1 or match[0][2] not in categories or s["quantity"] <= 0:
            continue
        cell = gold[(categories[match[0][2]], s["day"].year, s["day"].month)]
        cell[0] += s["quantity"] * Decimal(s["unit_price"])
        cell[1] += s["quantity"]
        cell[2] += 1
    return {k: (v[0], v[1], v[2]) for k, v in gold.items()}


def test_gold_equals_an_independent_computation_from_the_raw_files(spark, lake):
    root, results = lake
    gold = spark.read.parquet(str(root / "gold/sales/sales_by_department_monthly")).collect()
    got = {
        (r["department"], r["year"], r["month"]): (r["revenue"], r["units"], r["lines"])
        for r in gold
    }
    assert results["raw_to_bronze"].accepted > 250
    assert len(got) > 20
    assert got == expected_gold(root / "raw")


def test_product_history_and_lookup_reasons(spark, lake):
    root, _ = lake
    history = spark.read.format("delta").load(str(root / "silver/products"))
    p1 = sorted(
        (r["category_id"], r["is_current"])
        for r in history.filter("product_id = 'p-001'").collect()
    )
    assert p1 == [("cat-02", False), ("cat-02", True), ("cat-04", False)]
    assert history.filter("product_id = 'p-002'").count() == 2  # renamed once, then a no-op
    reasons = {
        code
        for r in spark.read.format("delta").load(str(root / "silver/_quarantine/sales")).collect()
        for code in r["reason_codes"]
    }
    assert reasons == {"missing:product", "missing:category"}
    silver = spark.read.format("delta").load(str(root / "silver/sales"))
    assert dict(silver.dtypes)["sold_on"] == "date"


def test_referential_integrity_rule_blocks_the_gate(spark, lake, tmp_path):
    """A suite may read another dataset's table: every sale's product must exist in the
    product history. Here the dimension lost a product, so the silver gate blocks."""
    root, _ = lake
    suites = tmp_path / "expectations"
    (suites / "silver").mkdir(parents=True)
    rule = {
        "type": "unexpected_rows_expectation",
        "kwargs": {
            "unexpected_rows_query": "SELECT b.* FROM {batch} b LEFT ANTI JOIN silver_products p "
            "ON b.product_id = p.product_id AND p.product_id <> 'p-005'",
        },
        "description": "every sale's product is in the catalogue",
    }
    suite = json.loads((ROOT / "expectations/silver/sales.json").read_text())
    suite["meta"]["reads"] = ["silver.products"]
    suite["expectations"].append(rule)
    (suites / "silver/sales.json").write_text(json.dumps(suite))
    before = spark.read.format("delta").load(str(root / "silver/sales")).count()
    # A full refresh: the module's lake is already in silver (a plain run reads nothing new).
    rerun = args("bronze_to_silver", "sales", root, suites=str(suites), full_refresh=True)
    with pytest.raises(GateFailed, match="silver sales"):
        run_stage(spark, rerun, "test")
    assert spark.read.format("delta").load(str(root / "silver/sales")).count() == before
    rule["kwargs"]["unexpected_rows_query"] = rule["kwargs"]["unexpected_rows_query"].replace(
        " AND p.product_id <> 'p-005'", ""
    )
    suite["expectations"][-1] = rule
    (suites / "silver/sales.json").write_text(json.dumps(suite))
    run_stage(spark, rerun, "test")
