from __future__ import annotations

import hashlib
import json
import random

from chispa import assert_df_equality

from gluelake.transforms.dedup import deduplicate

SCHEMA = "k string, ts int, src string, v string"
ROWS = [
    ("a", 1, "f1", "old"),
    ("a", 3, "f1", "newest"),
    ("a", 2, "f2", "middle"),
    ("b", 5, "f1", "tie-early-file"),
    ("b", 5, "f2", "tie-late-file"),
    ("c", 7, "f1", "same-file-x"),
    ("c", 7, "f1", "same-file-y"),
    ("d", 1, "f1", "only"),
]


def run(spark, rows):
    df = spark.createDataFrame(rows, SCHEMA)
    return deduplicate(df, keys=["k"], order_by=["ts"], tiebreak=["src"]).orderBy("k")


def fingerprint(k, ts, src, v):
    text = json.dumps({"k": k, "src": src, "ts": ts, "v": v}, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def test_latest_row_per_key_wins_with_deterministic_ties(spark):
    # Full ties (same key, time and file) go to the greater row fingerprint.
    c_rows = [r for r in ROWS if r[0] == "c"]
    c_winner = max(c_rows, key=lambda r: fingerprint(*r))
    expected = spark.createDataFrame(
        [("a", 3, "f1", "newest"), ("b", 5, "f2", "tie-late-file"), c_winner, ("d", 1, "f1", "only")],
        SCHEMA,
    )  # fmt: skip
    assert_df_equality(run(spark, ROWS), expected)


def test_same_rows_kept_whatever_the_input_order(spark):
    first = run(spark, ROWS).collect()
    for seed in range(5):
        shuffled = ROWS[:]
        random.Random(seed).shuffle(shuffled)
        assert run(spark, shuffled).collect() == first
