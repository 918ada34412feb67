"""Rows a command prints: ``--format table|csv|json``, ``--output FILE``, ``--limit``.

A limit that cuts the result says so on stderr, so data on stdout stays clean. Values are
exact: decimals keep every digit (JSON carries them as strings), timestamps are ISO 8601."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from pyspark.sql import DataFrame

from gluelake.athena.runner import format_table
from gluelake.errors import ConfigError

FORMATS = ("table", "csv", "json")
TABLE_LIMIT = 50


def add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="table (aligned text), csv (header + rows) or json (one object per line)",
    )
    parser.add_argument("--output", type=Path, default=None, help="write here instead of stdout")
    parser.add_argument(
        "--limit",
        type=int,
        default=None,
        help=f"at most this many rows; 0 = all (default: {TABLE_LIMIT} for table, all for "
        "csv/json); a limit that cuts rows says so on stderr",
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return value.hex()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "asDict"):  # a struct
        return _plain(value.asDict(recursive=False))
    return value


def _csv_cell(value: Any) -> str:
    plain = _plain(value)
    if plain is None:
        return ""
    if isinstance(plain, list | dict):
        return json.dumps(plain, ensure_ascii=False)
    if isinstance(plain, bool):
        return "true" if plain else "false"
    return str(plain)


def _write(out: TextIO, fmt: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    n = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row])
            n += 1
    elif fmt == "json":
        for row in rows:
            record = {c: _plain(v) for c, v in zip(columns, row, strict=True)}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    else:
        materialized = [tuple(r) for r in rows]
        out.write(format_table(columns, materialized) + "\n")
        n = len(materialized)
    return n


def emit(df: DataFrame, args: argparse.Namespace) -> int:
    """Write ``df``'s rows as ``args`` ask; returns 0. Reads at most limit + 1 rows."""
    fmt: str = args.format
    limit: int | None = args.limit if args.limit is not None else (
        TABLE_LIMIT if fmt == "table" else None
    )  # fmt: skip
    if limit is not None and limit < 0:
        raise ConfigError(f"--limit must be 0 (all rows) or more, found {limit}")
    bounded = limit is not None and limit > 0
    source = df.limit(limit + 1) if bounded else df  # type: ignore[operator]
    cut = False

    def rows() -> Iterator[Sequence[Any]]:
        nonlocal cut
        for i, row in enumerate(source.toLocalIterator()):
            if bounded and i >= limit:  # type: ignore[operator]
                cut = True
                return
            yield tuple(row)

    columns = list(df.columns)
    if args.output is None:
        buffer = io.StringIO() if fmt == "table" else None
        n = _write(buffer or sys.stdout, fmt, columns, rows())
        if buffer is not None:
            sys.stdout.write(buffer.getvalue())
    else:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        with args.output.open("w", encoding="utf-8", newline="") as out:
            n = _write(out, fmt, columns, rows())
    if cut:
        print(
            f"note: output cut at --limit {limit} rows; more rows match (--limit 0 for all)",
            file=sys.stderr,
        )
    elif fmt == "table" or args.output is not None:
        where = f" to {args.output}" if args.output is not None else ""
        print(f"({n} rows{where})", file=sys.stderr)
    return 0
