"""Quality-gate cost relative to its stage, on generated data (not a test: prints numbers).

Generates N emission activities (default one million) with the project's generator, runs
raw->bronze, bronze->silver and silver->gold with the real gates, and reports per stage the
stage's wall time, the time spent in its gate(s), and the gate's share. Results are also
written to bench/results/gate_bench.json.

    .venv/bin/python bench/gate_bench.py [--rows 1000000] [--lake .tmp/bench/gate]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pyspark.sql import DataFrame, SparkSession

from gluelake.contracts import DatasetContract, load_contracts
from gluelake.io.layout import LakeLayout
from gluelake.io.raw_files import write_batch
from gluelake.paths import project_root
from gluelake.pipelines import bronze_to_silver, raw_to_bronze, silver_to_gold
from gluelake.pipelines.stage import StageContext, StageResult
from gluelake.quality.factory import make_gate

sys.path.insert(0, str(project_root()))  # the project's samples/ generators
from gluelake.quality.gate import Gate, GateOutcome
from gluelake.run import RunInfo
from gluelake.session import LocalSessionConfig, build_local_session
from samples.emissions import activity_lines, factor_lines


@dataclass
class TimedGate:
    """Wraps a gate and adds up the seconds spent in it."""

    inner: Gate
    seconds: float = 0.0
    checks: list[str] = field(default_factory=list)

    def check(self, df: DataFrame, **kwargs: Any) -> GateOutcome:
        started = time.perf_counter()
        outcome = self.inner.check(df, **kwargs)
        self.seconds += time.perf_counter() - started
        self.checks.append(f"{kwargs['table'].name}: {outcome.summary.splitlines()[0]}")
        return outcome


@dataclass(frozen=True)
class Measurement:
    stage: str
    rows_in: int
    rows_out: int
    stage_seconds: float
    gate_seconds: float

    @property
    def share(self) -> float:
        return self.gate_seconds / self.stage_seconds


def _run(
    spark: SparkSession,
    stage: Any,
    zone: str,
    contract: DatasetContract,
    contracts: dict[str, DatasetContract],
    layout: LakeLayout,
) -> tuple[StageResult, TimedGate, float]:
    gate = TimedGate(make_gate(contract, zone))  # suites load before the clock starts
    ctx = StageContext(
        contract=contract, contracts=contracts, layout=layout,
        run=RunInfo(job_name=stage.__name__, job_version="bench"), gate=gate,
        pii_key=b"bench-key-not-secret",
    )  # fmt: skip
    started = time.perf_counter()
    result: StageResult = stage.run(spark, ctx)
    return result, gate, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--lake", type=Path, default=project_root() / ".tmp" / "bench" / "gate")
    args = parser.parse_args()

    shutil.rmtree(args.lake, ignore_errors=True)
    layout = LakeLayout.at(args.lake)
    contracts = load_contracts(project_root() / "schemas")
    started = time.perf_counter()
    write_batch(layout, contracts["emission_factors"].source.path, factor_lines())
    write_batch(layout, contracts["emissions"].source.path, activity_lines(seed=7, count=args.rows))
    print(f"generated {args.rows} activities in {time.perf_counter() - started:.1f}s")

    spark = build_local_session(LocalSessionConfig(app_name="gate-bench"))
    _run(spark, raw_to_bronze, "bronze", contracts["emission_factors"], contracts, layout)
    plan = [(raw_to_bronze, "bronze"), (bronze_to_silver, "silver"), (silver_to_gold, "gold")]
    results: list[Measurement] = []
    for stage, zone in plan:
        result, gate, seconds = _run(spark, stage, zone, contracts["emissions"], contracts, layout)
        m = Measurement(
            stage.__name__.rsplit(".", 1)[-1], result.rows_read, result.rows_in_table,
            round(seconds, 2), round(gate.seconds, 2),
        )  # fmt: skip
        results.append(m)
        print(
            f"{m.stage:17} rows in {m.rows_in:>9}  out {m.rows_out:>9}  "
            f"stage {m.stage_seconds:7.1f}s  gate {m.gate_seconds:6.1f}s  share {m.share:6.1%}"
        )
        for line in gate.checks:
            print(f"    {line}")
    cores = spark.sparkContext.defaultParallelism
    out = project_root() / "bench" / "results" / "gate_bench.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "rows": args.rows,
        "spark_default_parallelism": cores,
        "stages": [{**asdict(m), "gate_share": round(m.share, 3)} for m in results],
    }
    out.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
