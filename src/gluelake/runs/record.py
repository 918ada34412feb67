"""What one run of one stage did, as an auditor reads it: inputs (with sizes and SHA-256),
row accounting, quarantine reasons, gate outcomes, timing, status and error.

A ``RunRecorder`` collects these facts while a stage runs (it survives a failed run, so a
blocked or crashed run is recorded too); ``RunRecord`` is the frozen result."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

Status = Literal["succeeded", "blocked", "failed"]
RECORD_FORMAT = 1  # bump when a field changes meaning; verify accepts every older format
COUNT_FIELDS = (
    "rows_read",
    "accepted",
    "quarantined",
    "duplicates_dropped",
    "inserted",
    "updated",
    "deleted",
    "unchanged",
    "rows_in_table",
)


@dataclass(frozen=True)
class InputFile:
    path: str  # relative to the lake root: the same file has the same name on every machine
    size: int
    sha256: str


@dataclass(frozen=True)
class InputTable:
    name: str  # zone/table
    version: int | None  # Delta version read (None: Parquet or absent)


@dataclass(frozen=True)
class GateRecord:
    name: str  # the gated table
    zone: str
    passed: bool
    expectations: int
    failed: int
    warnings: int
    report: str  # the HTML report's location ('' when no suite ran)


@dataclass
class RunRecorder:
    """Mutable collector a stage fills in as it goes."""

    input_files: list[InputFile] = field(default_factory=list)
    input_tables: list[InputTable] = field(default_factory=list)
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    gates: list[GateRecord] = field(default_factory=list)
    mode: str = "full"  # full | incremental | backfill | full_refresh

    def add_inputs(self, files: Iterable[InputFile]) -> None:
        self.input_files.extend(files)

    def add_reasons(self, counts: Mapping[str, int]) -> None:
        for reason, n in counts.items():
            self.quarantine_reasons[reason] = self.quarantine_reasons.get(reason, 0) + int(n)


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    job_name: str
    job_version: str
    dataset: str
    stage: str
    mode: str
    status: Status
    error: str
    started_at: str  # ISO-8601 UTC, e.g. 2026-11-23T09:30:00.123Z
    ended_at: str
    run_date: str  # yyyy-MM-dd of started_at
    duration_seconds: float
    rows_read: int
    accepted: int
    quarantined: int
    duplicates_dropped: int
    inserted: int
    updated: int
    deleted: int
    unchanged: int
    rows_in_table: int
    reconciled: bool  # rows_read == accepted + quarantined + duplicates_dropped
    quarantine_reasons: tuple[dict[str, Any], ...]  # {reason, row_count}, sorted by reason
    input_files: tuple[dict[str, Any], ...]
    input_tables: tuple[dict[str, Any], ...]
    gates: tuple[dict[str, Any], ...]
    record_format: int = RECORD_FORMAT

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("quarantine_reasons", "input_files", "input_tables", "gates"):
            out[key] = [dict(item) for item in out[key]]
        return out


def iso(moment: datetime) -> str:
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def parse_iso(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def _counts(result: Mapping[str, Any] | None) -> dict[str, int]:
    """The stage result's counts (a failed run has none: all zero)."""
    r = dict(result or {})
    return {name: int(r.get(name) or 0) for name in COUNT_FIELDS}


def build_record(
    *,
    run_id: str,
    job_name: str,
    job_version: str,
    dataset: str,
    stage: str,
    started: datetime,
    ended: datetime,
    status: Status,
    error: str,
    result: Mapping[str, Any] | None,
    recorder: RunRecorder,
) -> RunRecord:
    counts = _counts(result)
    accounted = counts["accepted"] + counts["quarantined"] + counts["duplicates_dropped"]
    return RunRecord(
        run_id=run_id,
        job_name=job_name,
        job_version=job_version,
        dataset=dataset,
        stage=stage,
        mode=recorder.mode,
        status=status,
        error=error,
        started_at=iso(started),
        ended_at=iso(ended),
        run_date=started.astimezone(UTC).strftime("%Y-%m-%d"),
        duration_seconds=round((ended - started).total_seconds(), 3),
        reconciled=result is not None and accounted == counts["rows_read"],
        quarantine_reasons=tuple(
            {"reason": k, "row_count": v} for k, v in sorted(recorder.quarantine_reasons.items())
        ),
        input_files=tuple(asdict(f) for f in sorted(recorder.input_files, key=lambda f: f.path)),
        input_tables=tuple(asdict(t) for t in recorder.input_tables),
        gates=tuple(asdict(g) for g in recorder.gates),
        **counts,
    )
