"""What every benchmark variant shares: its arguments, the stage clock, the timings file.

A variant runs as its own process: ``python bench/variants/<name>.py --lake DIR
--timings FILE``. ``DIR`` holds ``raw/`` (the generated input); the variant writes its
zones beside it and records each stage's seconds and row counts in ``FILE`` (JSON)."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PII_KEY = b"bench-key-not-secret"
# The emissions contract's table locations, which every variant writes so that the
# harness can compare their outputs (gold) and measure what each wrote.
BRONZE = "bronze/emissions"
BRONZE_FACTORS = "bronze/emission_factors"
BRONZE_QUARANTINE = "bronze/_quarantine/emissions"
SILVER = "silver/emissions"
SILVER_QUARANTINE = "silver/_quarantine/emissions"
GOLD = "gold/emissions/emissions_monthly"
GOLD_YOY = "gold/emissions/emissions_monthly_yoy"
RAW = "raw/emissions"
RAW_FACTORS = "raw/emission_factors"


@dataclass
class Clock:
    """Seconds per stage, in the order run; written as JSON when the variant ends."""

    path: Path
    started: float = field(default_factory=time.perf_counter)
    stages: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        began = time.perf_counter()
        yield
        self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - began
        self.save()

    def mark(self, name: str) -> None:
        """Seconds from process start (as the harness sees it: after imports) to now."""
        self.extra[name] = time.perf_counter() - self.started
        self.save()

    def save(self) -> None:
        doc = {"stages": self.stages, "rows": self.rows, **self.extra}
        self.path.write_text(json.dumps(doc, indent=2) + "\n")


def args(description: str) -> tuple[argparse.Namespace, Clock]:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--lake", type=Path, required=True)
    p.add_argument("--timings", type=Path, required=True)
    p.add_argument("--gates", choices=("on", "off"), default="on")
    ns = p.parse_args()
    ns.lake = ns.lake.resolve()
    return ns, Clock(ns.timings)


def spark_session(app_name: str) -> Any:
    """Every Spark variant runs on the same local session settings, so the comparison
    measures the pipelines and not their configuration."""
    from gluelake.session import LocalSessionConfig, build_local_session

    return build_local_session(LocalSessionConfig(app_name=app_name))
