"""The entry point every job script calls: parse arguments (Glue's ``--NAME value``
convention, which plain ``spark-submit`` shares), build the session, run one stage."""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

from pyspark.sql import SparkSession

from gluelake import logs
from gluelake.contracts import DatasetContract, find_contract, load_contracts
from gluelake.errors import ConfigError, GateFailed, GluelakeError, first_line
from gluelake.io.audit_log import AuditLog, ObjectLock
from gluelake.io.config_files import local_folder
from gluelake.io.layout import LakeLayout
from gluelake.paths import default_schemas_dir
from gluelake.pipelines import bronze_to_silver, raw_to_bronze, silver_to_gold
from gluelake.pipelines.stage import StageContext, StageResult
from gluelake.quality.factory import make_gate
from gluelake.run import RunInfo
from gluelake.runs.record import RunRecorder, Status, build_record
from gluelake.runtime.glue import glue_job, running_on_glue
from gluelake.secrets import resolve_pii_key
from gluelake.session import build_local_session, glue_session

log = logs.get_logger(__name__)

Stage = Callable[[SparkSession, StageContext], StageResult]
STAGES: dict[str, tuple[str, Stage]] = {
    "raw_to_bronze": ("bronze", raw_to_bronze.run),
    "bronze_to_silver": ("silver", bronze_to_silver.run),
    "silver_to_gold": ("gold", silver_to_gold.run),
}
EXIT_OK, EXIT_GATE_FAILED, EXIT_ERROR = 0, 1, 2
# Where a job writes its exit status when the caller asks (``gluelake submit`` does).
EXIT_FILE_ENV = "GLUELAKE_EXIT_FILE"


@dataclass(frozen=True)
class JobArgs:
    stage: str
    dataset: str
    lake_root: str
    schemas_dir: str  # folder or s3:// prefix
    run_id: str | None
    ingest_dates: tuple[str, ...]
    pii_key_secret: str | None
    glue_job_name: str | None
    expectations_dir: str | None = None  # folder or s3:// prefix; None: the default
    deployed_version: str | None = None  # --job_version, set by `gluelake deploy`
    rotate_pii_key: bool = False
    full_refresh: bool = False
    audit_lock_mode: str | None = None  # S3 Object Lock for run records: GOVERNANCE | COMPLIANCE
    audit_lock_days: int | None = None
    backfill: tuple[str, str] | None = None  # --from/--to: ingest dates taken in again


def _parser(stage: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=stage, description=f"gluelake stage {stage}")
    # Glue job parameters are conventionally snake_case; accept both spellings.
    p.add_argument("--dataset", required=True)
    p.add_argument("--lake-root", "--lake_root", dest="lake_root", required=True)
    p.add_argument("--schemas-dir", "--schemas_dir", dest="schemas_dir", default=None)
    p.add_argument(
        "--expectations-dir", "--expectations_dir", dest="expectations_dir", default=None,
        help="folder or s3:// prefix of the quality suites (default: expectations/)",
    )  # fmt: skip
    p.add_argument("--run-id", "--run_id", dest="run_id", default=None)
    p.add_argument(
        "--ingest-date", "--ingest_date", dest="ingest_dates", action="append", default=[],
        help="only these raw ingest_date=YYYY-MM-DD folders (repeatable; default: all)",
    )  # fmt: skip
    p.add_argument("--pii-key-secret", "--pii_key_secret", dest="pii_key_secret", default=None)
    p.add_argument(
        "--job-version", "--job_version", dest="deployed_version", default=None,
        help="deployed version (package + commit); lineage records <JOB_VERSION>@<this>",
    )  # fmt: skip
    p.add_argument(
        "--rotate-pii-key", "--rotate_pii_key", dest="rotate_pii_key", action="store_true",
        help="raw_to_bronze: the key changed on purpose; rebuild bronze from every raw file",
    )  # fmt: skip
    p.add_argument(
        "--full-refresh", "--full_refresh", dest="full_refresh", action="store_true",
        help="rebuild the stage's tables from all of their input (a contract migration)",
    )  # fmt: skip
    p.add_argument(
        "--audit-lock-mode", "--audit_lock_mode", dest="audit_lock_mode", default=None,
        choices=["GOVERNANCE", "COMPLIANCE"],
        help="S3 Object Lock mode for the run's audit-log entry (S3 lakes only)",
    )  # fmt: skip
    p.add_argument(
        "--audit-lock-days", "--audit_lock_days", dest="audit_lock_days", type=int, default=None,
        help="days the audit-log entry is locked for (e.g. 2557: seven years)",
    )  # fmt: skip
    p.add_argument(
        "--from", dest="date_from", default=None, metavar="YYYY-MM-DD",
        help="raw_to_bronze backfill: take in again every raw file delivered from this "
        "ingest date (inclusive; default: the first)",
    )  # fmt: skip
    p.add_argument(
        "--to", dest="date_to", default=None, metavar="YYYY-MM-DD",
        help="raw_to_bronze backfill: ... up to this ingest date (inclusive; default: the last)",
    )  # fmt: skip
    p.add_argument("--JOB_NAME", dest="glue_job_name", default=None, help=argparse.SUPPRESS)
    return p


def parse_job_args(stage: str, argv: Sequence[str]) -> JobArgs:
    if stage not in STAGES:
        raise ConfigError(f"unknown stage {stage!r}; expected one of {sorted(STAGES)}")
    ns, _glue_extras = _parser(stage).parse_known_args(list(argv))
    schemas = ns.schemas_dir or str(default_schemas_dir())
    dates = tuple(d for arg in ns.ingest_dates for d in arg.split(",") if d)
    args = JobArgs(
        stage,
        ns.dataset,
        ns.lake_root,
        schemas,
        ns.run_id,
        dates,
        ns.pii_key_secret,
        ns.glue_job_name,
        ns.expectations_dir,
        ns.deployed_version,
        ns.rotate_pii_key,
        ns.full_refresh,
        ns.audit_lock_mode,
        ns.audit_lock_days,
        _backfill(stage, ns.date_from, ns.date_to),
    )
    if (args.full_refresh or args.rotate_pii_key) and (args.ingest_dates or args.backfill):
        raise ConfigError(
            "--full-refresh and --rotate-pii-key rebuild from all input: drop --ingest-date, "
            "--from and --to"
        )
    if args.backfill and args.ingest_dates:
        raise ConfigError("--from/--to already choose the ingest dates: drop --ingest-date")
    return args


def _backfill(stage: str, first: str | None, last: str | None) -> tuple[str, str] | None:
    """``--from``/``--to`` as an inclusive range of ingest dates (None: not a backfill)."""
    if first is None and last is None:
        return None
    if stage != "raw_to_bronze":
        raise ConfigError(f"--from/--to backfill raw ingest dates: only raw_to_bronze, not {stage}")
    for flag, value in (("--from", first), ("--to", last)):
        if value is None:
            continue
        try:
            date.fromisoformat(value)
        except ValueError:
            raise ConfigError(f"{flag}: expected a date YYYY-MM-DD, found {value!r}") from None
        if len(value) != 10:
            raise ConfigError(f"{flag}: expected a date YYYY-MM-DD, found {value!r}")
    range_ = (first or "0000-01-01", last or "9999-12-31")
    if range_[0] > range_[1]:
        raise ConfigError(f"--from {first} is after --to {last}")
    return range_


def _contract(args: JobArgs, contracts: dict[str, DatasetContract], zone: str) -> DatasetContract:
    contract = find_contract(contracts, args.dataset, source=args.schemas_dir)
    if not contract.has_zone(zone):
        raise ConfigError(f"dataset {args.dataset!r} has no {zone} zone ({contract.file})")
    return contract


def run_stage(spark: SparkSession, args: JobArgs, job_version: str) -> StageResult:
    """Run one stage and append its run record to the lake's audit log, whatever the
    outcome (succeeded, blocked by a gate, failed); the stage's own error is re-raised."""
    layout = LakeLayout.at(args.lake_root)
    audit = AuditLog(layout, ObjectLock.parse(args.audit_lock_mode, args.audit_lock_days))
    recorder = RunRecorder()
    if args.deployed_version:
        job_version = f"{job_version}@{args.deployed_version}"
    run = RunInfo(job_name=args.stage, job_version=job_version)
    if args.run_id:
        run = replace(run, run_id=args.run_id)
    started = datetime.now(UTC)
    status: Status = "failed"
    error, result = "", None
    try:
        result = _run_stage(spark, args, run, recorder)
        status = "succeeded"
        return result
    except GateFailed as exc:
        status, error = "blocked", str(exc).splitlines()[0]
        raise
    except Exception as exc:
        error = f"{type(exc).__name__}: {(str(exc).strip().splitlines() or [''])[0][:500]}"
        raise
    finally:
        record = build_record(
            run_id=run.run_id, job_name=run.job_name, job_version=run.job_version,
            dataset=args.dataset, stage=args.stage, started=started, ended=datetime.now(UTC),
            status=status, error=error, result=None if result is None else result.as_fields(),
            recorder=recorder,
        )  # fmt: skip
        entry = audit.append(record.as_dict())
        logs.event(
            log, "run.recorded", run_id=run.run_id, status=status, seq=entry["seq"],
            record=audit.where(int(entry["seq"])),
        )  # fmt: skip


def _run_stage(
    spark: SparkSession, args: JobArgs, run: RunInfo, recorder: RunRecorder
) -> StageResult:
    """Everything that can fail without data fails first: contracts, gate, PII key."""
    zone, stage = STAGES[args.stage]
    contracts = load_contracts(local_folder(args.schemas_dir))
    contract = _contract(args, contracts, zone)
    suites = local_folder(args.expectations_dir) if args.expectations_dir else None
    gate = make_gate(contract, zone, suites_dir=suites, contracts=contracts)
    needs_key = args.stage == "raw_to_bronze" and contract.hashes_pii
    key = resolve_pii_key(contract.name, secret_name=args.pii_key_secret) if needs_key else None
    ctx = StageContext(
        contract=contract, contracts=contracts, layout=LakeLayout.at(args.lake_root), run=run,
        gate=gate, pii_key=key, ingest_dates=args.ingest_dates, recorder=recorder,
        rotate_pii_key=args.rotate_pii_key, full_refresh=args.full_refresh,
        backfill=args.backfill,
    )  # fmt: skip
    with logs.step(
        log, "stage", stage=args.stage, dataset=contract.name, run_id=run.run_id
    ) as done:
        result = stage(spark, ctx)
        done.update(result.as_fields())
    return result


def main(stage: str, job_version: str, argv: Sequence[str]) -> int:
    """Run one stage; exit 0 when published, 1 when a quality gate blocked it, 2 on any
    error (a known one logs its reason; anything else also logs its traceback)."""
    code = _main(stage, job_version, argv)
    exit_file = os.environ.get(EXIT_FILE_ENV)
    if exit_file:
        # spark-submit also exits 1 when its JVM fails: the file says the job itself decided.
        Path(exit_file).write_text(str(code), encoding="utf-8")
    return code


def _main(stage: str, job_version: str, argv: Sequence[str]) -> int:
    logs.configure()
    try:
        args = parse_job_args(stage, argv)
        on_glue = running_on_glue(argv)
        spark = glue_session() if on_glue else build_local_session()
        job = (
            glue_job(spark, args.glue_job_name or stage, {"JOB_NAME": args.glue_job_name or stage})
            if on_glue
            else contextlib.nullcontext()
        )
        with job:
            run_stage(spark, args, job_version)
    except GateFailed as exc:
        logs.event(log, "stage.blocked", level=40, stage=stage, reason=str(exc))
        return EXIT_GATE_FAILED
    except GluelakeError as exc:
        logs.event(
            log, "stage.failed", level=40, stage=stage, error=type(exc).__name__, reason=str(exc)
        )
        return EXIT_ERROR
    except Exception as exc:  # a bug or an infrastructure failure: still exit 2, not 1
        reason = logs.sanitise(first_line(exc))
        log.error(
            "stage.crashed",
            exc_info=True,
            extra={"fields": {"stage": stage, "error": type(exc).__name__, "reason": reason}},
        )
        return EXIT_ERROR
    return EXIT_OK
