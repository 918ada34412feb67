"""Write raw files the way producers land them: one folder per ingest date; JSON lines, or
CSV with a header line when the batch has one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

from gluelake.errors import ConfigError
from gluelake.io.layout import LakeLayout


class LinesByIngestDate(Protocol):
    """A batch of raw lines per ingest date (``generate.batch.RawBatch`` is one)."""

    @property
    def files(self) -> Mapping[str, Sequence[str]]: ...

    @property
    def header(self) -> str | None:
        """CSV: the header line each file starts with; None: JSON lines."""


def write_batch(layout: LakeLayout, relative: str, batch: LinesByIngestDate) -> list[Path]:
    if not layout.is_local:
        raise ConfigError(f"sample data is written to local lakes only, not {layout.root}")
    written = []
    for day, lines in sorted(batch.files.items()):
        folder = Path(layout.path(relative)) / f"ingest_date={day}"
        folder.mkdir(parents=True, exist_ok=True)
        if batch.header is None:
            path, text = folder / "part-00000.jsonl", lines
        else:
            path, text = folder / "part-00000.csv", [batch.header, *lines]
        path.write_text("\n".join(text) + "\n", encoding="utf-8")
        written.append(path)
    return written
