"""``gluelake validate``: run a zone's suite against an existing table or sample files."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from gluelake.cli.commands.expectations import add_suites_dir
from gluelake.cli.options import add_schemas_dir, contract_from, contracts_from
from gluelake.errors import ConfigError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "validate",
        help="run a zone's expectation suite against a lake table or sample files",
        description=(
            "Validates the table of ZONE for DATASET (in gold: each aggregate table, or the "
            "one named by --table) and prints each expectation's outcome. Exit status 0 when "
            "no critical expectation failed, 1 when one did, 2 on any other error (e.g. a "
            "missing table). Nothing is written to the lake."
        ),
    )
    p.add_argument("--zone", required=True, choices=["bronze", "silver", "gold"])
    p.add_argument("--dataset", required=True)
    p.add_argument("--table", default=None, help="gold aggregate table (default: all of them)")
    p.add_argument(
        "--path",
        default=None,
        help="sample files or a table folder to validate instead of the lake table: "
        "Delta or Parquet folder, .parquet, JSON lines (.json/.jsonl) or .csv with a header",
    )
    p.add_argument("--junit", type=Path, default=None, help="also write JUnit XML to this file")
    p.add_argument(
        "--report-dir", type=Path, default=None, help="also write JSON and HTML reports here"
    )
    p.add_argument(
        "--lake-root",
        default=None,
        help="lake root (folder or s3:// URI) holding the table, and the related tables a "
        "cross-table expectation joins; required unless --path is given",
    )
    add_schemas_dir(p)
    add_suites_dir(p)
    p.set_defaults(handler=handle, spark=True)


def handle(args: argparse.Namespace) -> int:
    from gluelake.io import quality_store
    from gluelake.io.layout import LakeLayout
    from gluelake.io.tables import read_table
    from gluelake.quality.factory import make_gate
    from gluelake.quality.junit import render_junit
    from gluelake.quality.report_html import render_html
    from gluelake.quality.suites import gated_tables
    from gluelake.quality.text_table import render_outcomes
    from gluelake.session import build_local_session

    contract = contract_from(args)
    if not contract.has_zone(args.zone):
        raise ConfigError(f"dataset {args.dataset!r} has no {args.zone} zone")
    tables = gated_tables(contract, args.zone)
    if args.table is not None:
        tables = [t for t in tables if t.name == args.table]
        if not tables:
            names = [t.name for t in gated_tables(contract, args.zone)]
            raise ConfigError(
                f"{args.zone} of {args.dataset!r} has no table {args.table!r}: {names}"
            )
    if args.path is not None and len(tables) > 1:
        raise ConfigError(f"--path needs --table, one of {[t.name for t in tables]}")
    if args.path is None and args.lake_root is None:
        raise ConfigError("validate needs --lake-root (the lake holding the table) or --path")

    gate = make_gate(  # fails before any read
        contract, args.zone, suites_dir=args.suites_dir, contracts=contracts_from(args)
    )
    spark = build_local_session()
    layout = None if args.lake_root is None else LakeLayout.at(args.lake_root)
    now = datetime.now(UTC).replace(microsecond=0)
    run_id = f"validate-{now:%Y%m%dT%H%M%SZ}"
    validations = []
    for table in tables:
        if args.path is not None:
            df = quality_store.read_sample(spark, args.path, table)
        else:
            assert layout is not None  # checked above
            df = read_table(spark, layout.table(table), table)
        df = df.cache()
        v = gate.validate(df, table=table, contract=contract, layout=layout, run_id=run_id, now=now)
        df.unpersist()
        validations.append(v)
        print(render_outcomes(v))
        if args.report_dir is not None:
            base = args.report_dir / f"{v.zone}.{v.table}"
            quality_store.write_text(spark, f"{base}.json", v.to_json())
            quality_store.write_text(spark, f"{base}.html", render_html(v))
    if args.junit is not None:
        args.junit.parent.mkdir(parents=True, exist_ok=True)
        args.junit.write_text(render_junit(validations), encoding="utf-8")
    return 0 if all(v.passed for v in validations) else 1
