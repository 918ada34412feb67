"""A generated raw batch: lines per ingest date, plus what was injected (for reporting)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class RawBatch:
    dataset: str
    header: str | None = None  # CSV: the header line each file starts with
    files: dict[str, list[str]] = field(default_factory=dict)  # ingest date -> lines
    flaws: Counter[str] = field(default_factory=Counter)

    def add(self, ingest_date: str, line: str) -> None:
        self.files.setdefault(ingest_date, []).append(line)

    @property
    def line_count(self) -> int:
        return sum(len(lines) for lines in self.files.values())
