"""A hostile-input corpus through raw -> bronze: one small lake whose raw files hold what
producers really send (empty files, blank lines, a byte-order mark, CRLF, a JSON array,
huge and deeply nested values, odd numbers and timestamps, gzip, unicode and repeated
keys, a Latin-1 byte, keys with surrounding spaces), one job run from a plain shell, then
per file: the reason codes, and raw records = bronze + quarantine + duplicates, with the
raw side counted here from the files' bytes, not by the library."""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from shell import gluelake, traceback_in

DATASET = "hostile"
DAY = "2026-01-05"
KEY = "corpus-test-key-0123456789"
CONTRACT = f"""
dataset: {DATASET}
version: 1
description: Hostile-input corpus.
source: {{format: json, path: raw/{DATASET}}}
primary_key: [id]
event_time: at
order_by: [at]
schema_drift: rescue
columns:
  - {{name: id, type: string, nullable: false}}
  - {{name: n, type: int}}
  - {{name: x, type: double}}
  - {{name: amount, type: "decimal(12,2)"}}
  - {{name: at, type: timestamp, nullable: false, constraints: {{not_future: true}}}}
  - {{name: note, type: string}}
  - {{name: owner, type: string, pii: {{policy: hash, class: identifier}}}}
zones:
  bronze: {{format: delta}}
"""
T0 = "2025-06-01T00:00:00Z"


def rec(id_: str, **fields: Any) -> str:
    return json.dumps({"id": id_, "at": T0, **fields}, ensure_ascii=False)


def nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


@dataclass(frozen=True)
class Case:
    """One raw file, and what raw -> bronze must make of it."""

    file: str
    data: bytes
    bronze: int  # rows published from this file
    reasons: list[tuple[str, ...]] = field(default_factory=list)  # one per quarantined row
    duplicates: int = 0  # rows of this file that lost to another row with the same key


def lines(*records: str, sep: str = "\n") -> bytes:
    return (sep.join(records) + sep).encode("utf-8")


CASES = [
    Case("empty.jsonl", b"", bronze=0),
    Case(
        "blank_lines.jsonl",
        lines("", rec("blank-1"), "   ", "\t", " \r", rec("blank-2"), ""),
        bronze=2,
    ),
    # A byte-order mark opening the file, and one left inside by concatenating two files.
    Case(
        "bom.jsonl",
        b"\xef\xbb\xbf" + lines(rec("bom-1")) + b"\xef\xbb\xbf" + lines(rec("bom-2")),
        bronze=2,
    ),
    Case("crlf.jsonl", lines(rec("crlf-1"), rec("crlf-2", note="a\r\nb"), sep="\r\n"), bronze=2),
    Case(
        "array.jsonl",
        lines("[" + rec("arr-1") + "," + rec("arr-2") + "]", rec("arr-3")),
        bronze=1,
        reasons=[("malformed_record",)],
    ),
    Case(
        "huge.jsonl",
        lines(
            rec("huge-1", note="word " * 200_000),  # 1 MB of ordinary text: a value
            rec("huge-2", n="9" * 30),
            rec("huge-3", amount="1" * 40),
            rec("huge-4", x="1e400"),
        ),
        bronze=1,
        reasons=[("cast_failed:n",), ("cast_failed:amount",), ("cast_failed:x",)],
    ),
    Case(
        "nested.jsonl",
        lines(
            '{"id":"deep-1","at":"' + T0 + '","extra":' + nested(200) + "}",
            '{"id":"deep-2","at":"' + T0 + '","note":' + nested(50) + "}",
            '{"id":"deep-3","at":"' + T0 + '","extra":' + nested(5000) + "}",
        ),
        bronze=2,
        reasons=[("malformed_record",)],
    ),
    Case(
        "numbers.jsonl",
        lines(
            '{"id":"num-1","at":"' + T0 + '","x":1e308,"n":-0,"amount":-0}',
            '{"id":"num-2","at":"' + T0 + '","x":-0}',
            '{"id":"num-3","at":"' + T0 + '","x":NaN}',
            '{"id":"num-4","at":"' + T0 + '","x":"NaN"}',
            '{"id":"num-5","at":"' + T0 + '","x":"-Infinity"}',
            '{"id":"num-6","at":"' + T0 + '","n":1e2}',
            '{"id":"num-7","at":"' + T0 + '","n":2147483648}',
        ),
        bronze=2,
        reasons=[
            ("cast_failed:x",),
            ("cast_failed:x",),
            ("cast_failed:x",),
            ("cast_failed:n",),
            ("cast_failed:n",),
        ],
    ),
    Case(
        "timestamps.jsonl",
        lines(
            rec("ts-1", at="2025-06-01"),  # a date: midnight UTC
            rec("ts-2", at=" 2025-06-01T12:00:00+14:00 "),
            rec("ts-3", at="1748736000"),  # epoch seconds
            rec("ts-4", at="2025-02-30T00:00:00Z"),
            rec("ts-5", at="2025-13-01T00:00:00Z"),
            rec("ts-6", at="9999-12-31T23:59:59Z"),
            rec("ts-7", at=""),
            rec("ts-8", at="yesterday"),
        ),
        bronze=3,
        reasons=[
            ("cast_failed:at",),
            ("cast_failed:at",),
            ("future_timestamp:at",),
            ("required_missing:at",),
            ("cast_failed:at",),
        ],
    ),
    Case("gzip.jsonl.gz", gzip.compress(lines(rec("gz-1"), rec("gz-2"))), bronze=2),
    Case(
        "unicode_keys.jsonl",
        lines(rec("uni-1", **{"名前": "x", "émoji😀": "y"}), rec("uni-2", **{"": "empty key"})),
        bronze=2,
    ),
    Case(
        "duplicate_keys.jsonl",
        lines('{"id":"dup-1","at":"' + T0 + '","n":"5","n":"7"}', rec("dup-2")),
        bronze=1,
        reasons=[("duplicate_key",)],
    ),
    Case(
        "latin1.jsonl",
        lines(rec("lat-2")) + b'{"id":"lat-1","at":"' + T0.encode() + b'","owner":"Jos\xe9"}\n',
        bronze=1,
        reasons=[("invalid_utf8",)],
    ),
    Case(
        "spaced_keys.jsonl",
        lines(
            rec("  key-1  ", n=1),
            rec("key-1", n=2, at="2025-06-02T00:00:00Z"),
            rec("key-1", n=2, at="2025-06-02T00:00:00Z"),
        ),
        bronze=1,
        duplicates=2,
    ),
]


def raw_records(data: bytes) -> int:
    """Records in a raw file, counted from its bytes: lines (LF, CRLF or CR) holding more
    than JSON whitespace once a leading byte-order mark is set aside."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    found = (line.removeprefix(b"\xef\xbb\xbf") for line in re.split(rb"\r\n|\r|\n", data))
    return sum(1 for line in found if line.strip(b" \t\r\n"))


@dataclass(frozen=True)
class Outcome:
    code: int
    stderr: str
    result: dict[str, Any]
    bronze: dict[str, dict[str, Any]]  # by id
    quarantine: list[dict[str, Any]]


@pytest.fixture(scope="module")
def outcome(spark, tmp_path_factory) -> Outcome:
    base = tmp_path_factory.mktemp("hostile")
    schemas, suites, lake = base / "schemas", base / "expectations", base / "lake"
    schemas.mkdir()
    (schemas / f"{DATASET}.yaml").write_text(CONTRACT)
    made = gluelake(
        "expectations", "init", DATASET, "--schemas-dir", schemas, "--suites-dir", suites
    )
    assert made.returncode == 0, made.stderr
    raw = lake / "raw" / DATASET / f"ingest_date={DAY}"
    raw.mkdir(parents=True)
    for case in CASES:
        (raw / case.file).write_bytes(case.data)

    done = gluelake(
        "run", "raw_to_bronze", "--dataset", DATASET, "--lake-root", lake,
        "--schemas-dir", schemas, "--expectations-dir", suites,
        env={"GLUELAKE_PII_KEY": KEY, "GLUELAKE_DRIVER_MEMORY": "1g"},
    )  # fmt: skip
    (base / "stderr.log").write_text(done.stderr)
    events = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    result = next((e for e in events if e.get("event") == "stage.done"), {})
    bronze = spark.read.format("delta").load(str(lake / "bronze" / DATASET))
    quarantine = spark.read.format("delta").load(str(lake / "bronze" / "_quarantine" / DATASET))
    return Outcome(
        done.returncode,
        done.stderr,
        result,
        {r["id"]: r.asDict() for r in bronze.collect()},
        [r.asDict() for r in quarantine.collect()],
    )


def file_of(row: dict[str, Any]) -> str:
    return str(row["_source_file"]).rsplit("/", 1)[-1]


def test_one_run_over_the_whole_corpus_succeeds_and_reconciles(outcome):
    assert outcome.code == 0, outcome.stderr[-3000:]
    assert not traceback_in(outcome.stderr)
    raw_total = sum(raw_records(c.data) for c in CASES)
    expected = {
        "rows_read": raw_total,
        "accepted": sum(c.bronze for c in CASES),
        "quarantined": sum(len(c.reasons) for c in CASES),
        "duplicates_dropped": sum(c.duplicates for c in CASES),
    }
    assert {k: outcome.result.get(k) for k in expected} == expected
    assert len(outcome.bronze) == expected["accepted"]
    assert len(outcome.quarantine) == expected["quarantined"]
    assert (
        raw_total == len(outcome.bronze) + len(outcome.quarantine) + expected["duplicates_dropped"]
    )


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.file)
def test_each_file_reconciles_with_its_reasons(outcome, case):
    bronze = [r for r in outcome.bronze.values() if file_of(r) == case.file]
    quarantined = [r for r in outcome.quarantine if file_of(r) == case.file]
    assert len(bronze) == case.bronze
    assert sorted(tuple(r["reason_codes"]) for r in quarantined) == sorted(case.reasons)
    assert raw_records(case.data) == len(bronze) + len(quarantined) + case.duplicates


def test_values_arrive_as_sent(outcome):
    b = outcome.bronze
    assert {"bom-1", "bom-2", "crlf-1", "gz-1", "gz-2", "blank-1", "arr-3"} <= b.keys()
    assert b["crlf-2"]["note"] == "a\r\nb"
    assert len(b["huge-1"]["note"]) == len("word " * 200_000) - 1  # trimmed
    assert b["num-1"]["x"] == 1e308 and b["num-1"]["n"] == 0 and b["num-1"]["amount"] == 0
    assert b["num-2"]["x"] == 0
    assert str(b["ts-1"]["at"]) == "2025-06-01 00:00:00"
    assert str(b["ts-2"]["at"]) == "2025-05-31 22:00:00"  # +14:00 in UTC
    assert str(b["ts-3"]["at"]) == "2025-06-01 00:00:00"
    assert b["key-1"]["n"] == 2  # "  key-1  " is the same key, and older
    # Undeclared fields are rescued whatever their names, and however deep their values.
    assert json.loads(b["uni-1"]["_rescued_data"]) == {"名前": "x", "émoji😀": "y"}
    assert json.loads(b["uni-2"]["_rescued_data"]) == {"": "empty key"}
    assert json.loads(b["deep-1"]["_rescued_data"])["extra"] == nested(200)


def test_quarantine_keeps_no_raw_personal_value(outcome):
    latin1 = next(r for r in outcome.quarantine if r["reason_codes"] == ["invalid_utf8"])
    assert "Jos" not in latin1["record"] and "lat-1" in latin1["record"]
